import Tabular

/// An expression after planning: names resolved to column positions, every node typed.
public indirect enum BoundExpr: Sendable {
    /// A constant.
    case literal(Value, DataType)
    /// The column at a position of the input.
    case column(Int, DataType, String)
    /// `-x` or `not x`.
    case unary(String, BoundExpr, DataType)
    /// An operator applied to two operands.
    case binary(String, BoundExpr, BoundExpr, DataType)
    /// A scalar function.
    case call(ScalarFunction, [BoundExpr], DataType)
    /// `x [not] in (constants)`.
    case inList(BoundExpr, [Value], negated: Bool)
    /// `x is [not] null`.
    case isNull(BoundExpr, negated: Bool)

    /// The type of the expression's values.
    public var type: DataType {
        switch self {
        case .literal(_, let t), .column(_, let t, _), .unary(_, _, let t), .binary(_, _, _, let t), .call(_, _, let t): return t
        case .inList, .isNull: return .boolean
        }
    }

    /// A readable form, for `.explain`.
    /// The expression as a user would write it (columns by name), for messages.
    public var readable: String {
        switch self {
        case .literal(let v, let t): return t == .text ? "\"\(v)\"" : v.description
        case .column(_, _, let name): return name
        case .unary(let op, let e, _): return op == "not" ? "not \(e.nested)" : "\(op)\(e.nested)"
        case .binary(let op, let a, let b, _): return "\(a.nested) \(op) \(b.nested)"
        case .call(let f, let args, _): return "\(f.name)(\(args.map(\.readable).joined(separator: ", ")))"
        case .inList(let e, let values, let negated): return "\(e.readable) \(negated ? "not in" : "in") (\(values.map(\.description).joined(separator: ", ")))"
        case .isNull(let e, let negated): return "\(e.readable) is \(negated ? "not " : "")null"
        }
    }

    /// `readable`, in brackets when it is an operation inside another.
    var nested: String {
        if case .binary = self { return "(\(readable))" }
        return readable
    }

    /// The expression with column positions and types, for `.explain`.
    public var explained: String {
        switch self {
        case .literal(let v, let t): return t == .text ? "\"\(v)\"" : v.description
        case .column(let i, let t, let name): return "\(name)#\(i):\(t)"
        case .unary(let op, let e, _): return "\(op) \(e.explained)"
        case .binary(let op, let a, let b, _): return "(\(a.explained) \(op) \(b.explained))"
        case .call(let f, let args, _): return "\(f.name)(\(args.map(\.explained).joined(separator: ", ")))"
        case .inList(let e, let values, let negated): return "\(e.explained) \(negated ? "not in" : "in") (\(values.map(\.description).joined(separator: ", ")))"
        case .isNull(let e, let negated): return "\(e.explained) is \(negated ? "not " : "")null"
        }
    }
}

/// One aggregate to compute per group in `summarize`.
public struct AggregateCall: Sendable {
    /// The aggregate.
    public var function: AggregateFunction
    /// Its argument (nil for `count()`).
    public var argument: BoundExpr?
    /// A constant parameter, e.g. p of `quantile(x, p)`.
    public var parameter: Double?
    /// The result type.
    public var type: DataType
}
