import Query
import Tabular

/// Why part of a pipeline cannot run in the database: what (a function, an operator) and on which
/// engine; the pipeline then runs here from the stage that has it.
public struct Unpushable: Error, Sendable, CustomStringConvertible {
    /// What has no SQL form, e.g. "the function date(text)".
    public var what: String
    /// Whether the stage must not run at all rather than run here (a local table too large to
    /// send): then `what` is the whole message.
    public var refused = false
    /// Creates the reason.
    public init(_ what: String, refused: Bool = false) {
        self.what = what
        self.refused = refused
    }
    /// The reason as a sentence fragment.
    public var description: String { what }
}

/// Expressions and aggregates in a dialect's SQL, with klynge's meaning: division by zero is null,
/// text compares by code point, a math result that is not a finite number is null, rounding is
/// half away from zero. `env` holds the SQL of each input column by position.
struct SQLExpressions {
    let dialect: SQLDialect

    func sql(_ e: BoundExpr, _ env: [String]) throws(Unpushable) -> String {
        switch e {
        case .literal(.integer(let i), .integer) where Int32(exactly: i) != nil:
            // Small whole numbers as typed; arithmetic casts them to BIGINT (see `binary`).
            return String(i)
        case .literal(let v, let t):
            return dialect.literal(v, t)
        case .column(let i, _, _):
            return env[i]
        case .unary(let op, let x, _):
            return op == "not" ? "(NOT \(try sql(x, env)))" : "(-\(try sql(x, env)))"
        case .binary(let op, let a, let b, let type):
            return try binary(op, a, b, type, env)
        case .call(let f, let args, let type):
            return try call(f.name, args, type, env)
        case .inList(let x, let values, let negated):
            let listed = values.filter { !$0.isNull }.map { dialect.literal($0, literalType($0)) }
            let subject = try sql(x, env)
            guard !listed.isEmpty else { return "(CASE WHEN \(subject) IS NULL THEN NULL ELSE \(negated ? "TRUE" : "FALSE") END)" }
            return "(\(subject) \(negated ? "NOT IN" : "IN") (\(listed.joined(separator: ", "))))"
        case .isNull(let x, let negated):
            return "(\(try sql(x, env)) IS \(negated ? "NOT " : "")NULL)"
        }
    }

    func literalType(_ v: Value) -> DataType {
        switch v {
        case .integer: .integer
        case .decimal, .null: .decimal
        case .text: .text
        case .date: .date
        case .boolean: .boolean
        }
    }

    /// The expression as a double (integers cast).
    func double(_ e: BoundExpr, _ env: [String]) throws(Unpushable) -> String {
        let s = try sql(e, env)
        return e.type == .decimal ? s : dialect.cast(s, to: .decimal)
    }

    func binary(_ op: String, _ a: BoundExpr, _ b: BoundExpr, _ type: DataType, _ env: [String]) throws(Unpushable) -> String {
        switch op {
        case "and", "or":
            return "(\(try sql(a, env)) \(op.uppercased()) \(try sql(b, env)))"
        case "==", "!=", "<", "<=", ">", ">=":
            let symbol = op == "==" ? "=" : op == "!=" ? "<>" : op
            var left = try sql(a, env), right = try sql(b, env)
            if a.type == .text, b.type == .text, symbol != "=", symbol != "<>" {
                left = dialect.codePointOrder(left)
                right = dialect.codePointOrder(right)
            }
            return "(\(left) \(symbol) \(right))"
        default:
            break
        }
        switch type {
        case .integer where a.type == .date:
            return dialect.daysBetween(try sql(a, env), try sql(b, env))
        case .integer:
            // A literal is cast so that arithmetic is in 64 bits, as klynge computes it.
            func wide(_ e: BoundExpr) throws(Unpushable) -> String {
                if case .literal = e { return dialect.cast(try sql(e, env), to: .integer) }
                return try sql(e, env)
            }
            let x = try wide(a), y = try wide(b)
            if op == "%" { return "(\(x) % NULLIF(\(y), 0))" }
            return "(\(x) \(op) \(y))"
        case .date:
            return "(\(try sql(a, env)) \(op) CAST(\(try sql(b, env)) AS INTEGER))"
        default:
            let x = try double(a, env), y = try double(b, env)
            switch op {
            case "/": return "(\(x) / NULLIF(\(y), 0))"
            case "%": throw Unpushable("the remainder (%) of decimals")
            default: return "(\(x) \(op) \(y))"
            }
        }
    }

    func call(_ name: String, _ args: [BoundExpr], _ type: DataType, _ env: [String]) throws(Unpushable) -> String {
        var a: [String] = []
        for arg in args { a.append(try sql(arg, env)) }
        func guarded(_ condition: String, _ value: String) -> String { "(CASE WHEN \(condition) THEN \(value) END)" }
        switch name {
        case "lower", "upper": return "\(name.uppercased())(\(a[0]))"
        case "trim": return "BTRIM(\(a[0]), \(dialect.text(" \t")))"
        case "length": return dialect.cast("LENGTH(\(a[0]))", to: .integer)
        case "contains": return dialect.contains(a[0], a[1])
        case "startswith": return "(LEFT(\(a[0]), LENGTH(\(a[1]))) = \(a[1]))"
        case "endswith": return "(RIGHT(\(a[0]), LENGTH(\(a[1]))) = \(a[1]))"
        case "replace": return "REPLACE(\(a[0]), \(a[1]), \(a[2]))"
        case "substr":
            let start = "GREATEST(CAST(\(a[1]) AS INTEGER), 1)"
            return a.count > 2 ? "SUBSTR(\(a[0]), \(start), GREATEST(CAST(\(a[2]) AS INTEGER), 0))" : "SUBSTR(\(a[0]), \(start))"
        case "concat":
            guard args.allSatisfy({ $0.type == .text }) else { throw Unpushable("concat of numbers, dates or booleans (their text form differs)") }
            return dialect.concat(a)
        case "text":
            switch args[0].type {
            case .text: return a[0]
            case .integer, .date: return dialect.cast(a[0], to: .text)
            case .boolean: return "(CASE WHEN \(a[0]) THEN 'true' WHEN NOT \(a[0]) THEN 'false' END)"
            case .decimal: throw Unpushable("text(decimal) (the engine writes decimals its own way)")
            }
        case "integer":
            switch args[0].type {
            case .integer: return a[0]
            case .decimal: return dialect.truncate(a[0])
            case .boolean: return "(CASE WHEN \(a[0]) THEN 1 WHEN NOT \(a[0]) THEN 0 END)"
            case .date: return dialect.daysBetween(a[0], "DATE '1970-01-01'")
            case .text: throw Unpushable("integer(text)")
            }
        case "decimal":
            switch args[0].type {
            case .integer: return dialect.cast(a[0], to: .decimal)
            case .decimal: return a[0]
            case .boolean: return "(CASE WHEN \(a[0]) THEN \(dialect.literal(.decimal(1), .decimal)) WHEN NOT \(a[0]) THEN \(dialect.literal(.decimal(0), .decimal)) END)"
            default: throw Unpushable("decimal(\(args[0].type))")
            }
        case "date":
            guard args[0].type == .date else { throw Unpushable("date(text) (klynge reads three date forms)") }
            return a[0]
        case "year", "quarter", "month", "day", "week":
            return dialect.datePart(name, a[0])
        case "weekday":
            return dialect.datePart("isodow", a[0])
        case "sqrt": return guarded("\(try double(args[0], env)) >= 0", "SQRT(\(try double(args[0], env)))")
        case "ln": return guarded("\(try double(args[0], env)) > 0", "LN(\(try double(args[0], env)))")
        case "log10": return guarded("\(try double(args[0], env)) > 0", "LOG10(\(try double(args[0], env)))")
        // exp overflows a double above log(Double.greatestFiniteMagnitude); klynge gives null there.
        case "exp": return guarded("\(try double(args[0], env)) < 709.782712893384", "EXP(\(try double(args[0], env)))")
        case "floor": return "FLOOR(\(try double(args[0], env)))"
        case "ceil": return "CEIL(\(try double(args[0], env)))"
        case "abs": return "ABS(\(a[0]))"
        case "round":
            return dialect.round(try double(args[0], env), digits: a.count > 1 ? a[1] : "0")
        case "pow": return "POWER(\(try double(args[0], env)), \(try double(args[1], env)))"
        case "if":
            return "(CASE WHEN \(a[0]) THEN \(typed(args[1], a[1], type)) ELSE \(typed(args[2], a[2], type)) END)"
        case "coalesce":
            return "COALESCE(\(zip(args, a).map { typed($0, $1, type) }.joined(separator: ", ")))"
        default:
            throw Unpushable("the function \(name)()")
        }
    }

    /// The SQL of an operand, cast when its type differs from the result's (an integer branch of a decimal `if`).
    func typed(_ e: BoundExpr, _ s: String, _ type: DataType) -> String {
        e.type == type ? s : dialect.cast(s, to: type)
    }

    /// `SUM` with klynge's types: whole numbers stay 64-bit (PostgreSQL's SUM of BIGINT is NUMERIC),
    /// anything else is summed as doubles.
    func sum(_ e: BoundExpr, _ env: [String]) throws(Unpushable) -> String {
        e.type == .integer ? dialect.cast("SUM(\(try sql(e, env)))", to: .integer) : "SUM(\(try double(e, env)))"
    }

    /// One aggregate call of `summarize`.
    func aggregate(_ call: AggregateCall, _ env: [String]) throws(Unpushable) -> String {
        guard let argument = call.argument else { return "COUNT(*)" }
        let x = try sql(argument, env)
        switch call.function.name {
        case "count": return "COUNT(\(x))"
        case "count_distinct": return "COUNT(DISTINCT \(x))"
        case "sum": return try sum(argument, env)
        case "mean": return "AVG(\(try double(argument, env)))"
        case "median": return dialect.quantile(try double(argument, env), 0.5)
        case "quantile": return dialect.quantile(try double(argument, env), call.parameter ?? 0.5)
        case "var": return "VAR_SAMP(\(try double(argument, env)))"
        case "sd": return "STDDEV_SAMP(\(try double(argument, env)))"
        case "min", "max":
            let ordered = argument.type == .text ? dialect.codePointOrder(x) : x
            return "\(call.function.name.uppercased())(\(ordered))"
        default: throw Unpushable("the aggregate \(call.function.name)()")
        }
    }
}
