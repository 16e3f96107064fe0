import Tabular

/// An evaluated expression: a constant (not yet spread over the rows) or a column.
public enum Operand: Sendable {
    /// The same value in every row.
    case scalar(Value, DataType)
    /// One value per row.
    case column(Column)

    /// The value in row i.
    @inline(__always) public func value(at i: Int) -> Value {
        switch self {
        case .scalar(let v, _): return v
        case .column(let c): return c.value(at: i)
        }
    }

    /// The type.
    public var type: DataType {
        switch self {
        case .scalar(_, let t): return t
        case .column(let c): return c.type
        }
    }

    /// As a column of n rows (a scalar is repeated).
    public func column(_ n: Int) -> Column {
        switch self {
        case .column(let c): return c
        case .scalar(let v, let t): return Operand.broadcast(v, t, n)
        }
    }

    /// A column holding `v` n times.
    static func broadcast(_ v: Value, _ t: DataType, _ n: Int) -> Column {
        let validity: [Bool]? = v.isNull ? [Bool](repeating: false, count: n) : nil
        switch t {
        case .integer:
            if case .integer(let x) = v { return Column(name: "", data: .integer([Int64](repeating: x, count: n))) }
            if case .decimal(let x) = v { return Column(name: "", data: .integer([Int64](repeating: Int64(x), count: n))) }
            return Column(name: "", data: .integer([Int64](repeating: 0, count: n)), validity: validity)
        case .decimal:
            return Column(name: "", data: .decimal([Double](repeating: v.doubleValue ?? 0, count: n)), validity: validity)
        case .date:
            if case .date(let x) = v { return Column(name: "", data: .date([Int32](repeating: x, count: n))) }
            return Column(name: "", data: .date([Int32](repeating: 0, count: n)), validity: validity)
        case .boolean:
            if case .boolean(let x) = v { return Column(name: "", data: .boolean([Bool](repeating: x, count: n))) }
            return Column(name: "", data: .boolean([Bool](repeating: false, count: n)), validity: validity)
        case .text:
            if case .text(let s) = v { return Column(name: "", data: .text(TextStorage(codes: [Int32](repeating: 0, count: n), dictionary: [s]))) }
            return Column(name: "", data: .text(TextStorage(codes: [Int32](repeating: -1, count: n), dictionary: [])), validity: validity)
        }
    }

    /// Builds a column of `type` by computing each row's value (the general, slower path).
    static func rowwise(_ args: [Operand], rows n: Int, type: DataType, _ f: ([Value]) -> Value) -> Column {
        var values: [Value] = []
        values.reserveCapacity(n)
        var row = [Value](repeating: .null, count: args.count)
        for i in 0..<n {
            for k in args.indices { row[k] = args[k].value(at: i) }
            values.append(f(row))
        }
        return Column.from(name: "", type: type, values: values)
    }
}

extension Column {
    /// The values as Doubles (integers converted); nulls hold 0.
    func doubles() -> [Double] {
        switch data {
        case .decimal(let v): return v
        case .integer(let v): return v.map(Double.init)
        case .date(let v): return v.map(Double.init)
        case .boolean(let v): return v.map { $0 ? 1 : 0 }
        case .text(let t): return t.codes.map { _ in .nan }
        }
    }

    /// The values as Int64 (decimals truncated, dates as days); nulls hold 0.
    func int64s() -> [Int64] {
        switch data {
        case .integer(let v): return v
        case .decimal(let v): return v.map { $0.isFinite ? Int64($0) : 0 }
        case .date(let v): return v.map(Int64.init)
        case .boolean(let v): return v.map { $0 ? 1 : 0 }
        case .text(let t): return t.codes.map { _ in 0 }
        }
    }
}

/// The validity of a row-wise combination: valid where both are.
func mergeValidity(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
    switch (a, b) {
    case (nil, nil): return nil
    case (let x?, nil): return x
    case (nil, let y?): return y
    case (let x?, let y?): return zip(x, y).map { $0 && $1 }
    }
}
