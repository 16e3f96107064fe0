/// One named, typed column of a table, stored as a contiguous array per type.
///
/// Nulls are kept in `validity` (nil when the column has none), so numeric columns are plain
/// arrays that loops can run over without unboxing. Text is dictionary encoded: `codes` index
/// `dictionary`, and a null's code is -1.
public struct Column: Sendable {
    /// The column name as users write it.
    public var name: String
    /// The values.
    public var data: ColumnData
    /// `validity[i]` is false when row i is null; nil when no row is null.
    public var validity: [Bool]?

    /// Creates a column from its parts.
    public init(name: String, data: ColumnData, validity: [Bool]? = nil) {
        self.name = name
        self.data = data
        self.validity = validity.flatMap { $0.contains(false) ? $0 : nil }
    }

    /// The column's type.
    public var type: DataType { data.type }
    /// The number of rows.
    public var count: Int { data.count }

    /// Whether row i is null.
    @inline(__always) public func isNull(_ i: Int) -> Bool {
        if let validity { return !validity[i] }
        return false
    }

    /// Whether any value is present (stops at the first one, so it is cheap for ordinary columns).
    public var hasValues: Bool { count > 0 && (validity.map { $0.contains(true) } ?? true) }

    /// The number of missing values.
    public var nullCount: Int { validity.map { $0.lazy.filter { !$0 }.count } ?? 0 }

    /// Row i as a `Value`.
    public func value(at i: Int) -> Value {
        if isNull(i) { return .null }
        switch data {
        case .integer(let v): return .integer(v[i])
        case .decimal(let v): return .decimal(v[i])
        case .text(let t): return t.string(at: i).map(Value.text) ?? .null
        case .date(let v): return .date(v[i])
        case .boolean(let v): return .boolean(v[i])
        }
    }

    /// The rows at the given indices, in that order; an index of -1 gives a null row.
    public func gather(_ indices: [Int]) -> Column {
        let hasMissing = indices.contains(-1)
        var newValidity: [Bool]? = nil
        if validity != nil || hasMissing {
            newValidity = indices.map { $0 >= 0 && !isNull($0) }
        }
        func pick<T>(_ v: [T], _ fill: T) -> [T] { indices.map { $0 >= 0 ? v[$0] : fill } }
        let newData: ColumnData
        switch data {
        case .integer(let v): newData = .integer(pick(v, 0))
        case .decimal(let v): newData = .decimal(pick(v, 0))
        case .text(let t): newData = .text(t.gathered(indices))
        case .date(let v): newData = .date(pick(v, 0))
        case .boolean(let v): newData = .boolean(pick(v, false))
        }
        return Column(name: name, data: newData, validity: newValidity)
    }

    /// The rows where `mask` is true.
    public func filter(_ mask: [Bool]) -> Column {
        var indices: [Int] = []
        indices.reserveCapacity(mask.count / 2)
        for (i, keep) in mask.enumerated() where keep { indices.append(i) }
        return gather(indices)
    }

    /// The same column under another name.
    public func renamed(_ newName: String) -> Column {
        var c = self
        c.name = newName
        return c
    }

    /// Builds a column of the given type from values (nulls allowed); values must match the type.
    public static func from(name: String, type: DataType, values: [Value]) -> Column {
        let validity = values.map { !$0.isNull }
        switch type {
        case .integer:
            return Column(name: name, data: .integer(values.map { if case .integer(let v) = $0 { return v } else { return 0 } }), validity: validity)
        case .decimal:
            return Column(name: name, data: .decimal(values.map { $0.doubleValue ?? 0 }), validity: validity)
        case .date:
            return Column(name: name, data: .date(values.map { if case .date(let v) = $0 { return v } else { return 0 } }), validity: validity)
        case .boolean:
            return Column(name: name, data: .boolean(values.map { if case .boolean(let v) = $0 { return v } else { return false } }), validity: validity)
        case .text:
            var builder = TextStorage.Builder()
            for v in values {
                if case .text(let s) = v { builder.append(s) } else { builder.appendNull() }
            }
            return Column(name: name, data: .text(builder.storage), validity: validity)
        }
    }
}

/// The typed arrays behind a column.
public enum ColumnData: Sendable {
    /// 64-bit integers.
    case integer([Int64])
    /// Doubles.
    case decimal([Double])
    /// Dictionary-encoded text.
    case text(TextStorage)
    /// Days since 1970-01-01.
    case date([Int32])
    /// Booleans.
    case boolean([Bool])

    /// The type these arrays hold.
    public var type: DataType {
        switch self {
        case .integer: return .integer
        case .decimal: return .decimal
        case .text: return .text
        case .date: return .date
        case .boolean: return .boolean
        }
    }

    /// The number of rows.
    public var count: Int {
        switch self {
        case .integer(let v): return v.count
        case .decimal(let v): return v.count
        case .text(let t): return t.count
        case .date(let v): return v.count
        case .boolean(let v): return v.count
        }
    }
}

/// Dictionary-encoded text: each row holds an index into a list of distinct strings.
///
/// A loaded column of ids may instead be held as its bytes (`raw`) until something first reads
/// `codes` or `dictionary`; `count`, `string(at:)` and `gathered(_:)` do not need the encoding.
public struct TextStorage: Sendable {
    private var storedCodes: [Int32]
    private var storedDictionary: [String]
    /// The values as bytes, while they may still be (set only by a reader; see `RawText`).
    public private(set) var raw: RawText?

    /// Per row, the index into `dictionary`, or -1 for null (encodes raw text on first use).
    public var codes: [Int32] {
        get { raw?.encoded.storedCodes ?? storedCodes }
        _modify { settle(); yield &storedCodes }
    }
    /// The distinct strings (possibly more than the rows use after filtering; encodes raw text on first use).
    public var dictionary: [String] {
        get { raw?.encoded.storedDictionary ?? storedDictionary }
        _modify { settle(); yield &storedDictionary }
    }

    /// Creates text storage from codes and a dictionary.
    public init(codes: [Int32], dictionary: [String]) {
        self.storedCodes = codes
        self.storedDictionary = dictionary
    }

    /// Creates text storage that holds values as bytes until codes are asked for.
    public init(raw: RawText) {
        self.storedCodes = []
        self.storedDictionary = []
        self.raw = raw
    }

    /// The number of rows.
    public var count: Int { raw?.count ?? storedCodes.count }

    /// Row i's text, or nil when it is null.
    public func string(at i: Int) -> String? {
        if let raw { return raw.string(at: i) }
        let code = storedCodes[i]
        return code < 0 ? nil : storedDictionary[Int(code)]
    }

    /// The rows at the given indices, in that order; an index of -1 gives a null.
    public func gathered(_ indices: [Int]) -> TextStorage {
        if let raw { return TextStorage(raw: raw.gather(indices)) }
        return TextStorage(codes: indices.map { $0 >= 0 ? storedCodes[$0] : -1 }, dictionary: storedDictionary)
    }

    /// Replaces raw bytes by their encoding, so that codes can be changed in place.
    private mutating func settle() {
        guard let raw else { return }
        let encoded = raw.encoded
        storedCodes = encoded.storedCodes
        storedDictionary = encoded.storedDictionary
        self.raw = nil
    }

    /// Builds text storage by appending strings, reusing codes for repeated values.
    public struct Builder {
        /// The storage built so far.
        public private(set) var storage = TextStorage(codes: [], dictionary: [])
        private var lookup: [String: Int32] = [:]

        /// Creates an empty builder.
        public init() {}

        /// Appends one value.
        public mutating func append(_ s: String) {
            if let code = lookup[s] {
                storage.codes.append(code)
            } else {
                let code = Int32(storage.dictionary.count)
                storage.dictionary.append(s)
                lookup[s] = code
                storage.codes.append(code)
            }
        }

        /// Appends a null.
        public mutating func appendNull() { storage.codes.append(-1) }

        /// Reserves room for `n` rows.
        public mutating func reserve(_ n: Int) { storage.codes.reserveCapacity(n) }
    }

    /// For each dictionary entry, its rank in sorted (Unicode code point) order, for fast sorting.
    public func ranks() -> [Int32] {
        let order = dictionary.indices.sorted { dictionary[$0].unicodeScalars.lexicographicallyPrecedes(dictionary[$1].unicodeScalars) }
        var rank = [Int32](repeating: 0, count: dictionary.count)
        for (r, i) in order.enumerated() { rank[i] = Int32(r) }
        return rank
    }
}
