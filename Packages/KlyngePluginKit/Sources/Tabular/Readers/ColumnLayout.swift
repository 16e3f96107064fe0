/// What a delimited file's first row and its classified values decide: whether the first row is a
/// header, the column names, and each column's type (`ColumnPlan`).
///
/// Both readers of delimited text decide through this one type: `ColumnParser` (field offsets held
/// for the whole file) and `CSVRangeReader` (byte ranges scanned side by side), so a file gets the
/// same types and names whichever of them read it.
struct ColumnLayout: Equatable {
    /// How one column is parsed.
    struct ColumnPlan: Equatable {
        /// The column's type.
        var type: DataType
        /// Whether a decimal column has a decimal comma (and thousands points).
        var comma = false
        /// The layout of a date column.
        var dateFormat: DateFormat?
    }

    /// Whether the first row was the header.
    let header: Bool
    /// The column names (unique, never empty).
    let names: [String]
    /// Each column's plan, in column order.
    let plans: [ColumnPlan]

    /// The decimal separator of the decimal columns (a comma when any has one), if there are any.
    var decimalSeparator: UInt8? {
        var used: UInt8?
        for p in plans where p.type == .decimal {
            used = p.comma ? 44 : 46
            if p.comma { break }
        }
        return used
    }

    /// The layouts of the date columns, in column order, each once.
    var dateFormats: [DateFormat] {
        var formats: [DateFormat] = []
        for p in plans { if let f = p.dateFormat, p.type == .date, !formats.contains(f) { formats.append(f) } }
        return formats
    }

    /// Decides the layout from the first row's fields (raw, untrimmed) and its names (unescaped,
    /// trimmed), and per column the AND of the type bits and the OR of the evidence bits of every
    /// non-empty value after the first row; `rows` counts the first row too.
    init(firstRow: [Slice<UnsafeBufferPointer<UInt8>>], rawNames: [String], classified: [(bits: UInt32, evidence: UInt32)],
         rows: Int, options: LoadOptions, path: String) throws {
        let ncol = firstRow.count
        var typeBits = classified.map(\.bits)
        let evidence = classified.map(\.evidence)
        let anyComma = evidence.contains { $0 & FieldClass.sawComma != 0 }
        var plans = (0..<ncol).map { Self.plan(column: rawNames[$0], bits: typeBits[$0], evidence: evidence[$0], fileComma: anyComma, options: options) }
        let header: Bool
        switch options.header {
        case .some(let given): header = given
        case .none:
            var firstRowIsData = rows >= 2 && plans.contains { $0.type != .text }
            for c in 0..<ncol where firstRowIsData {
                let f = Self.trimmed(firstRow[c])
                if f.isEmpty { firstRowIsData = false; break }
                if plans[c].type == .text { continue }
                if !Self.accepts(plans[c], FieldClass.classify(f)) { firstRowIsData = false }
            }
            header = !firstRowIsData
        }
        if options.header == false {
            // The first row is data: let it take part in inference too.
            for c in 0..<ncol where options.types[rawNames[c]] == nil {
                let f = Self.trimmed(firstRow[c])
                if !f.isEmpty { typeBits[c] &= FieldClass.classify(f) }
            }
            plans = (0..<ncol).map { Self.plan(column: "column_\($0 + 1)", bits: typeBits[$0], evidence: evidence[$0], fileComma: anyComma, options: options) }
        }
        let names = header ? Self.uniqueNames(rawNames) : (0..<ncol).map { "column_\($0 + 1)" }
        if header, !options.types.isEmpty {
            for name in options.types.keys.sorted() where !names.contains(name) {
                throw LoadError(message: "`types` names a column '\(name)' that the file does not have", path: path,
                                suggestion: Suggest.nearest(name, in: names).map { "did you mean '\($0)'?" } ?? "the columns are: \(names.joined(separator: ", "))")
            }
        }
        self.header = header
        self.names = names
        self.plans = plans
    }

    /// A field without the spaces and tabs around it.
    @inline(__always) static func trimmed(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        let b = s.base
        var lo = s.startIndex
        var hi = s.endIndex
        while lo < hi, b[lo] == 32 || b[lo] == 9 { lo += 1 }
        while hi > lo, b[hi - 1] == 32 || b[hi - 1] == 9 { hi -= 1 }
        return b[lo..<hi]
    }

    /// Whether a value with these bits can be stored in a column with this plan.
    static func accepts(_ p: ColumnPlan, _ bits: UInt32) -> Bool {
        switch p.type {
        case .integer: return bits & FieldClass.integer != 0
        case .decimal: return bits & (p.comma ? FieldClass.decimalComma : FieldClass.decimalPoint) != 0
        case .date: return p.dateFormat.map { bits & FieldClass.bit($0) != 0 } ?? false
        case .boolean: return bits & FieldClass.boolean != 0
        case .text: return true
        }
    }

    /// Decides a column's type from the AND of its values' bits and the OR of their evidence.
    static func plan(column name: String, bits: UInt32, evidence: UInt32, fileComma: Bool, options: LoadOptions) -> ColumnPlan {
        if let given = options.types[name] {
            var p = ColumnPlan(type: given)
            p.comma = options.decimalSeparator.map { $0 == 44 } ?? (fileComma || evidence & FieldClass.sawComma != 0)
            p.dateFormat = options.dateFormat
            return p
        }
        if bits == FieldClass.allTypes { return ColumnPlan(type: .text) } // no values at all
        if bits & FieldClass.boolean != 0 { return ColumnPlan(type: .boolean) }
        if bits & FieldClass.integer != 0 {
            return ColumnPlan(type: looksLikeIdentifier(name) ? .text : .integer)
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
}
