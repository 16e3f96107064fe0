/// Turns scanned field boundaries into typed columns: header sniffing, type inference, parsing.
///
/// A column's type is inferred over **all** its values (not a sample), so a stray value deep in
/// the file makes the column text instead of failing the load; a type the user gave makes such
/// a value an error that names the line.
struct ColumnParser {
    let b: UnsafeBufferPointer<UInt8>
    let scanner: CSVScanner
    let options: LoadOptions
    let path: String
    /// Whether the first row was the header.
    private(set) var header = true
    /// The decimal separator of the decimal columns, if any.
    private(set) var decimalSeparatorUsed: UInt8?
    /// The layouts of the date columns.
    private(set) var dateFormatsUsed: [DateFormat] = []

    init(bytes: UnsafeBufferPointer<UInt8>, scanner: CSVScanner, options: LoadOptions, path: String) {
        self.b = bytes
        self.scanner = scanner
        self.options = options
        self.path = path
    }

    @inline(__always) private func field(_ row: Int, _ c: Int) -> Slice<UnsafeBufferPointer<UInt8>> {
        let k = row * scanner.columnCount + c
        return b[Int(scanner.starts[k])..<Int(scanner.ends[k])]
    }

    @inline(__always) private func trimmed(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        ColumnLayout.trimmed(s)
    }

    private func text(_ row: Int, _ c: Int, escaped: Set<Int>) -> String {
        CSVScanner.text(field(row, c), escaped: !escaped.isEmpty && escaped.contains(row * scanner.columnCount + c))
    }

    /// Builds the table.
    mutating func build() throws -> Table {
        let ncol = scanner.columnCount
        let nrows = scanner.rowCount
        guard nrows > 0, ncol > 0 else { return Table(columns: [], rowCount: 0) }
        let escaped = Set(scanner.escaped)
        let rawNames = (0..<ncol).map { text(0, $0, escaped: escaped).trimmingCharacters(in: .whitespaces) }

        // Each column's values are classified on their own, so the columns share the cores.
        let classified = try Parallel.map(ncol) { c -> (bits: UInt32, evidence: UInt32) in
            var bits = FieldClass.allTypes, seen: UInt32 = 0
            guard options.types[rawNames[c]] == nil else { return (bits, seen) }
            for r in 1..<nrows {
                let f = trimmed(field(r, c))
                if f.isEmpty { continue }
                let b = FieldClass.classify(f)
                bits &= b
                seen |= b
                if bits == 0 { break }
            }
            return (bits, seen)
        }
        let layout = try ColumnLayout(firstRow: (0..<ncol).map { field(0, $0) }, rawNames: rawNames, classified: classified,
                                      rows: nrows, options: options, path: path)
        header = layout.header
        let rows = (header ? 1 : 0)..<nrows
        options.progress?(0.5, rows.count)
        // Ctrl-C is looked at here, on the thread that asked (its task's check), not on the workers.
        try Interrupt.check()
        let columns = try Parallel.map(ncol) { c -> Column in
            try parse(column: c, name: layout.names[c], plan: layout.plans[c], rows: rows, escaped: escaped)
        }
        decimalSeparatorUsed = layout.decimalSeparator
        dateFormatsUsed = layout.dateFormats
        return Table(columns: columns, rowCount: rows.count)
    }

    private func badValue(_ row: Int, _ c: Int, name: String, type: DataType, detail: String = "") -> LoadError {
        let f = field(row, c)
        let shown = String(decoding: UnsafeBufferPointer(rebasing: f), as: UTF8.self)
        return scanner.error(b, path: path, at: f.startIndex,
                             message: "'\(shown)' is not \(type == .integer ? "an" : "a") \(type)\(detail)",
                             suggestion: "fix the value, or load the column as text with `types (\(name): text)`",
                             column: (c + 1, name), length: max(1, shown.count))
    }

    private func parse(column c: Int, name: String, plan: ColumnLayout.ColumnPlan, rows: Range<Int>, escaped: Set<Int>) throws -> Column {
        let n = rows.count
        var validity = [Bool](repeating: true, count: n)
        var hasNull = false
        switch plan.type {
        case .integer:
            var values = [Int64](repeating: 0, count: n)
            for (k, r) in rows.enumerated() {
                let f = trimmed(field(r, c))
                if f.isEmpty { validity[k] = false; hasNull = true; continue }
                guard let v = FieldClass.parseInteger(f) else { throw badValue(r, c, name: name, type: .integer) }
                values[k] = v
            }
            return Column(name: name, data: .integer(values), validity: hasNull ? validity : nil)
        case .decimal:
            var values = [Double](repeating: 0, count: n)
            for (k, r) in rows.enumerated() {
                let f = trimmed(field(r, c))
                if f.isEmpty { validity[k] = false; hasNull = true; continue }
                guard let v = FieldClass.parseDecimal(f, comma: plan.comma) else {
                    throw badValue(r, c, name: name, type: .decimal, detail: plan.comma ? " (decimal comma)" : "")
                }
                values[k] = v
            }
            return Column(name: name, data: .decimal(values), validity: hasNull ? validity : nil)
        case .date:
            var values = [Int32](repeating: 0, count: n)
            for (k, r) in rows.enumerated() {
                let f = trimmed(field(r, c))
                if f.isEmpty { validity[k] = false; hasNull = true; continue }
                guard let v = DateParser.parse(f, format: plan.dateFormat) else {
                    throw badValue(r, c, name: name, type: .date, detail: " (\(plan.dateFormat?.rawValue ?? "yyyy-mm-dd, dd-mm-yyyy or dd.mm.yyyy"))")
                }
                values[k] = v
            }
            return Column(name: name, data: .date(values), validity: hasNull ? validity : nil)
        case .boolean:
            var values = [Bool](repeating: false, count: n)
            for (k, r) in rows.enumerated() {
                let f = trimmed(field(r, c))
                if f.isEmpty { validity[k] = false; hasNull = true; continue }
                guard let v = FieldClass.isBoolean(f) else { throw badValue(r, c, name: name, type: .boolean) }
                values[k] = v
            }
            return Column(name: name, data: .boolean(values), validity: hasNull ? validity : nil)
        case .text:
            var dictionary = ByteDictionary()
            var codes = [Int32](repeating: -1, count: n)
            for (k, r) in rows.enumerated() {
                let f = field(r, c)
                if f.isEmpty { validity[k] = false; hasNull = true; continue }
                if !escaped.isEmpty, escaped.contains(r * scanner.columnCount + c) {
                    codes[k] = dictionary.code(for: text(r, c, escaped: escaped))
                } else {
                    codes[k] = dictionary.code(for: UnsafeBufferPointer(rebasing: f))
                }
            }
            return Column(name: name, data: .text(TextStorage(codes: codes, dictionary: dictionary.strings)), validity: hasNull ? validity : nil)
        }
    }
}
