import Dispatch
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

    /// The plan for one column.
    private struct ColumnPlan {
        var type: DataType
        var comma = false
        var dateFormat: DateFormat?
    }

    @inline(__always) private func field(_ row: Int, _ c: Int) -> Slice<UnsafeBufferPointer<UInt8>> {
        let k = row * scanner.columnCount + c
        return b[Int(scanner.starts[k])..<Int(scanner.ends[k])]
    }

    @inline(__always) private func trimmed(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        var lo = s.startIndex
        var hi = s.endIndex
        while lo < hi, b[lo] == 32 || b[lo] == 9 { lo += 1 }
        while hi > lo, b[hi - 1] == 32 || b[hi - 1] == 9 { hi -= 1 }
        return b[lo..<hi]
    }

    private func text(_ row: Int, _ c: Int, escaped: Set<Int>) -> String {
        let s = String(decoding: UnsafeBufferPointer(rebasing: field(row, c)), as: UTF8.self)
        if !escaped.isEmpty, escaped.contains(row * scanner.columnCount + c) {
            return s.replacingOccurrences(of: "\"\"", with: "\"")
        }
        return s
    }

    /// Builds the table.
    mutating func build() throws -> Table {
        let ncol = scanner.columnCount
        let nrows = scanner.rowCount
        guard nrows > 0, ncol > 0 else { return Table(columns: [], rowCount: 0) }
        let escaped = Set(scanner.escaped)
        let rawNames = (0..<ncol).map { text(0, $0, escaped: escaped).trimmingCharacters(in: .whitespaces) }

        // Each column's values are classified on their own, so the columns share the cores.
        let classified = try Self.perColumn(ncol) { c -> (UInt32, UInt32) in
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
        var typeBits = classified.map(\.0)
        let evidence = classified.map(\.1)
        let anyComma = evidence.contains { $0 & FieldClass.sawComma != 0 }
        var plans = (0..<ncol).map { plan(column: rawNames[$0], bits: typeBits[$0], evidence: evidence[$0], fileComma: anyComma) }

        switch options.header {
        case .some(let given): header = given
        case .none:
            var firstRowIsData = nrows >= 2 && plans.contains { $0.type != .text }
            for c in 0..<ncol where firstRowIsData {
                let f = trimmed(field(0, c))
                if f.isEmpty { firstRowIsData = false; break }
                if plans[c].type == .text { continue }
                if !accepts(plans[c], FieldClass.classify(f)) { firstRowIsData = false }
            }
            header = !firstRowIsData
        }
        if options.header == false {
            // The first row is data: let it take part in inference too.
            for c in 0..<ncol where options.types[rawNames[c]] == nil {
                let f = trimmed(field(0, c))
                if !f.isEmpty { typeBits[c] &= FieldClass.classify(f) }
            }
            plans = (0..<ncol).map { plan(column: "column_\($0 + 1)", bits: typeBits[$0], evidence: evidence[$0], fileComma: anyComma) }
        }
        let names = header ? Self.uniqueNames(rawNames) : (0..<ncol).map { "column_\($0 + 1)" }
        if header, !options.types.isEmpty {
            for name in options.types.keys.sorted() where !names.contains(name) {
                throw LoadError(message: "`types` names a column '\(name)' that the file does not have", path: path,
                                suggestion: Suggest.nearest(name, in: names).map { "did you mean '\($0)'?" } ?? "the columns are: \(names.joined(separator: ", "))")
            }
        }
        let rows = (header ? 1 : 0)..<nrows
        options.progress?(0.5)
        // Ctrl-C is looked at here, on the thread that asked (its task's check), not on the workers.
        try Interrupt.check()
        let finalPlans = plans
        let columns = try Self.perColumn(ncol) { c -> Column in
            try parse(column: c, name: names[c], plan: finalPlans[c], rows: rows, escaped: escaped)
        }
        for p in plans where p.type == .decimal {
            decimalSeparatorUsed = p.comma ? 44 : 46
            if p.comma { break }
        }
        var formats: [DateFormat] = []
        for p in plans { if let f = p.dateFormat, p.type == .date, !formats.contains(f) { formats.append(f) } }
        dateFormatsUsed = formats
        return Table(columns: columns, rowCount: rows.count)
    }

    /// Runs `work` for every column on all cores (measured: a 10M-row load's column phase takes
    /// about half the time on 2 cores) and returns the results in column order; when columns fail,
    /// the first column's error is thrown, as a loop over the columns would.
    static func perColumn<T>(_ n: Int, _ work: (Int) throws -> T) throws -> [T] {
        var results = [Result<T, Error>?](repeating: nil, count: n)
        results.withUnsafeMutableBufferPointer { slots in
            withoutActuallyEscaping(work) { work in
                // Each iteration reads shared, unchanging input and writes its own slot only.
                nonisolated(unsafe) let out = slots.baseAddress!
                nonisolated(unsafe) let job = work
                DispatchQueue.concurrentPerform(iterations: n) { c in
                    out[c] = Result { try job(c) }
                }
            }
        }
        return try results.map { try $0!.get() }
    }

    /// Whether a value with these bits can be stored in a column with this plan.
    private func accepts(_ p: ColumnPlan, _ bits: UInt32) -> Bool {
        switch p.type {
        case .integer: return bits & FieldClass.integer != 0
        case .decimal: return bits & (p.comma ? FieldClass.decimalComma : FieldClass.decimalPoint) != 0
        case .date: return p.dateFormat.map { bits & FieldClass.bit($0) != 0 } ?? false
        case .boolean: return bits & FieldClass.boolean != 0
        case .text: return true
        }
    }

    /// Decides a column's type from the AND of its values' bits and the OR of their evidence.
    private func plan(column name: String, bits: UInt32, evidence: UInt32, fileComma: Bool) -> ColumnPlan {
        if let given = options.types[name] {
            var p = ColumnPlan(type: given)
            p.comma = options.decimalSeparator.map { $0 == 44 } ?? (fileComma || scanner.columnCount > 0 && evidence & FieldClass.sawComma != 0)
            p.dateFormat = options.dateFormat
            return p
        }
        if bits == FieldClass.allTypes { return ColumnPlan(type: .text) } // no values at all
        if bits & FieldClass.boolean != 0 { return ColumnPlan(type: .boolean) }
        if bits & FieldClass.integer != 0 {
            return ColumnPlan(type: Self.looksLikeIdentifier(name) ? .text : .integer)
        }
        for f in DateFormat.allCases where bits & FieldClass.bit(f) != 0 {
            if let wanted = options.dateFormat, wanted != f { continue }
            return ColumnPlan(type: .date, dateFormat: f)
        }
        let point = bits & FieldClass.decimalPoint != 0
        let comma = bits & FieldClass.decimalComma != 0
        switch options.decimalSeparator {
        case 44?: if comma { return ColumnPlan(type: .decimal, comma: true) }
        case 46?: if point { return ColumnPlan(type: .decimal, comma: false) }
        default:
            if point && comma { return ColumnPlan(type: .decimal, comma: fileComma) }
            if comma { return ColumnPlan(type: .decimal, comma: true) }
            if point { return ColumnPlan(type: .decimal, comma: false) }
        }
        return ColumnPlan(type: .text)
    }

    /// Whether a column name says it holds identifiers or codes, which stay text even when
    /// every value is digits (so `practice_id` joins whether or not a file has leading zeros).
    static func looksLikeIdentifier(_ name: String) -> Bool {
        let lower = name.lowercased()
        let words = lower.split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let markers: Set<String> = ["id", "code", "kode", "nr", "no", "nummer", "ydernummer", "ydernr", "cpr", "cvr", "postnr", "key", "token"]
        if words.contains(where: markers.contains) { return true }
        return lower.hasSuffix("nummer") || lower.hasSuffix("kode") || lower.hasSuffix("_id")
    }

    /// Makes header names unique and non-empty (`column_3`, `name_2`).
    static func uniqueNames(_ raw: [String]) -> [String] {
        var seen: Set<String> = []
        var out: [String] = []
        for (i, r) in raw.enumerated() {
            var name = r.isEmpty ? "column_\(i + 1)" : r
            if seen.contains(name) {
                var k = 2
                while seen.contains("\(name)_\(k)") { k += 1 }
                name = "\(name)_\(k)"
            }
            seen.insert(name)
            out.append(name)
        }
        return out
    }

    private func badValue(_ row: Int, _ c: Int, name: String, type: DataType, detail: String = "") -> LoadError {
        let f = field(row, c)
        let shown = String(decoding: UnsafeBufferPointer(rebasing: f), as: UTF8.self)
        return scanner.error(b, path: path, at: f.startIndex,
                             message: "'\(shown)' is not \(type == .integer ? "an" : "a") \(type)\(detail)",
                             suggestion: "fix the value, or load the column as text with `types (\(name): text)`",
                             column: (c + 1, name), length: max(1, shown.count))
    }

    private func parse(column c: Int, name: String, plan: ColumnPlan, rows: Range<Int>, escaped: Set<Int>) throws -> Column {
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
            var dictionary = ByteDictionary(rows: n)
            for (k, r) in rows.enumerated() {
                let f = field(r, c)
                if f.isEmpty { dictionary.appendNull(); validity[k] = false; hasNull = true; continue }
                if !escaped.isEmpty, escaped.contains(r * scanner.columnCount + c) {
                    dictionary.append(text(r, c, escaped: escaped))
                } else {
                    dictionary.append(UnsafeBufferPointer(rebasing: f))
                }
            }
            return Column(name: name, data: .text(dictionary.storage), validity: hasNull ? validity : nil)
        }
    }
}
