import Tabular

/// Collects the aggregate calls of a `summarize` while its output expressions are bound.
final class AggregateCollector {
    /// The schema the aggregates' arguments see (the stage's input).
    let input: Schema
    /// The number of group keys (aggregates come after them in the group table).
    let keyCount: Int
    /// The calls found so far.
    var calls: [AggregateCall] = []

    init(input: Schema, keyCount: Int) {
        self.input = input
        self.keyCount = keyCount
    }
}

extension Planner {
    /// Binds an expression against a schema; with a collector, aggregate calls are allowed and
    /// bare columns must be group keys.
    func bind(_ e: Expr, _ schema: Schema, _ collector: AggregateCollector? = nil) throws(Diagnostic) -> BoundExpr {
        switch e.kind {
        case .literal(let l):
            switch l {
            case .integer(let v): return .literal(.integer(v), .integer)
            case .decimal(let v): return .literal(.decimal(v), .decimal)
            case .text(let v): return .literal(.text(v), .text)
            case .date(let v): return .literal(.date(v), .date)
            case .boolean(let v): return .literal(.boolean(v), .boolean)
            case .null: return .literal(.null, .integer)
            }
        case .column(let name):
            if let i = schema.firstIndex(where: { $0.name == name }) {
                // A column without a single value is a typed null: it takes the type its use asks
                // for (`x + 1`, `sum(x)`, `rate x per …`), as a `null` literal does.
                if !schema[i].hasValues { return .literal(.null, schema[i].type) }
                return .column(i, schema[i].type, name)
            }
            if let collector, collector.input.contains(where: { $0.name == name }) {
                throw Diagnostic("'\(name)' is neither grouped nor aggregated", at: e.range,
                                 suggestion: "add it after 'by', or aggregate it, e.g. sum(\(name))")
            }
            if AggregateFunctions.all[name.lowercased()] != nil || ScalarFunctions.all[name.lowercased()] != nil || functions[name.lowercased()] != nil {
                throw Diagnostic("unknown column '\(name)'", at: e.range, suggestion: "to call the function, write \(name)(…)")
            }
            if catalog.datasets[name] != nil {
                throw Diagnostic("'\(name)' is a dataset, not a column", at: e.range, suggestion: "bring its columns in with `join \(name) on …`")
            }
            return .column(try resolve(Name(name, e.range), collector.map { _ in schema } ?? schema), .text, name)
        case .call(let fname, let args):
            let lower = fname.text.lowercased()
            if let aggregate = AggregateFunctions.all[lower] {
                guard let collector else {
                    throw Diagnostic("\(lower) is an aggregate and can only be used in 'summarize'", at: e.range,
                                     suggestion: "summarize \(lower == "count" ? "n = count()" : "total = \(lower)(…)") by …")
                }
                return try bindAggregate(aggregate, fname, args, e.range, collector)
            }
            guard let function = ScalarFunctions.all[lower] ?? functions[lower].map(ScalarFunction.init(plugin:)) else {
                throw Diagnostic.unknown("function", fname.text, at: fname.range,
                                         candidates: ScalarFunctions.names + functions.keys.sorted() + AggregateFunctions.names)
            }
            var bound: [BoundExpr] = []
            for a in args { bound.append(try bind(a, schema, collector)) }
            let types = bound.map { Self.isNullLiteral($0) ? nil : $0.type }
            let type = try function.check(types, args.map(\.range), e.range)
            let retyped = bound.map { Self.isNullLiteral($0) ? BoundExpr.literal(.null, type) : $0 }
            return .call(function, retyped, type)
        case .unary(let op, let operand):
            let b = try bind(operand, schema, collector)
            if op == "not" {
                guard b.type == .boolean else { throw Diagnostic("'not' needs a condition, not \(b.type)", at: operand.range) }
                return .unary("not", b, .boolean)
            }
            guard b.type.isNumeric else { throw Diagnostic("cannot negate \(b.type)", at: operand.range) }
            return .unary("-", b, b.type)
        case .binary(let op, let l, let r):
            return try bindBinary(op, l, r, schema, collector, e.range)
        case .inList(let operand, let items, let negated):
            let b = try bind(operand, schema, collector)
            var values: [Value] = []
            for item in items {
                let v = try bind(item, schema, collector)
                guard case .literal(let value, let t) = v else {
                    throw Diagnostic("the list after 'in' may only hold constants", at: item.range)
                }
                values.append(try convert(value, t, to: b.type, at: item.range, against: operand))
            }
            return .inList(b, values, negated: negated)
        case .between(let operand, let low, let high, let negated):
            let ge = try bindBinary(">=", operand, low, schema, collector, e.range)
            let le = try bindBinary("<=", operand, high, schema, collector, e.range)
            let both = BoundExpr.binary("and", ge, le, .boolean)
            return negated ? .unary("not", both, .boolean) : both
        case .isNull(let operand, let negated):
            return .isNull(try bind(operand, schema, collector), negated: negated)
        }
    }

    static func isNullLiteral(_ e: BoundExpr) -> Bool {
        if case .literal(.null, _) = e { return true }
        return false
    }

    /// Converts a constant to the type it is compared with (text → date, integer ↔ decimal).
    func convert(_ value: Value, _ type: DataType, to target: DataType, at range: SourceRange, against operand: Expr) throws(Diagnostic) -> Value {
        if value.isNull || type == target { return value }
        switch (type, target) {
        case (.integer, .decimal): return .decimal(value.doubleValue ?? 0)
        case (.decimal, .integer): return value
        case (.text, .date):
            guard case .text(let s) = value, let d = CivilDate.parse(s) else {
                throw Diagnostic("\"\(value)\" is not a date", at: range, suggestion: "write dates as \"2023-01-31\" or @2023-01-31")
            }
            return .date(d.daysSinceEpoch)
        case (.integer, .text), (.decimal, .text):
            throw Diagnostic("\(Self.snippet(operand)) is text, so compare it with text", at: range,
                             suggestion: "write the value in quotes, e.g. \"\(value)\" (codes such as \"0130\" keep their leading zero)")
        default:
            throw Diagnostic("cannot compare \(target) with \(type)", at: range)
        }
    }

    func bindBinary(_ op: String, _ l: Expr, _ r: Expr, _ schema: Schema, _ collector: AggregateCollector?, _ range: SourceRange) throws(Diagnostic) -> BoundExpr {
        var a = try bind(l, schema, collector)
        var b = try bind(r, schema, collector)
        if Self.isNullLiteral(a) { a = .literal(.null, b.type) }
        if Self.isNullLiteral(b) { b = .literal(.null, a.type) }
        switch op {
        case "and", "or":
            guard a.type == .boolean else { throw Diagnostic("'\(op)' needs conditions on both sides, the left is \(a.type)", at: l.range) }
            guard b.type == .boolean else { throw Diagnostic("'\(op)' needs conditions on both sides, the right is \(b.type)", at: r.range) }
            return .binary(op, a, b, .boolean)
        case "==", "!=", "<", "<=", ">", ">=":
            if case .literal(let v, let t) = b, t != a.type { b = .literal(try convert(v, t, to: a.type, at: r.range, against: l), a.type) }
            if case .literal(let v, let t) = a, t != b.type { a = .literal(try convert(v, t, to: b.type, at: l.range, against: r), b.type) }
            guard a.type == b.type || (a.type.isNumeric && b.type.isNumeric) else {
                throw Diagnostic("cannot compare \(a.type) with \(b.type)", at: range,
                                 suggestion: a.type == .text || b.type == .text ? "convert one side with text(…) or integer(…)" : nil)
            }
            return .binary(op, a, b, .boolean)
        case "+", "-", "*", "/", "%":
            if a.type == .date, b.type == .integer, op == "+" || op == "-" { return .binary(op, a, b, .date) }
            if a.type == .date, b.type == .date, op == "-" { return .binary(op, a, b, .integer) }
            guard a.type.isNumeric else {
                throw Diagnostic("'\(op)' needs numbers, the left side is \(a.type)", at: l.range,
                                 suggestion: a.type == .text && op == "+" ? "join text with concat(a, b)" : nil)
            }
            guard b.type.isNumeric else { throw Diagnostic("'\(op)' needs numbers, the right side is \(b.type)", at: r.range) }
            let type: DataType = op == "/" || a.type == .decimal || b.type == .decimal ? .decimal : .integer
            return .binary(op, a, b, type)
        default:
            throw Diagnostic("unknown operator '\(op)'", at: range)
        }
    }

    func bindAggregate(_ f: AggregateFunction, _ name: Name, _ args: [Expr], _ range: SourceRange, _ collector: AggregateCollector) throws(Diagnostic) -> BoundExpr {
        var argument: BoundExpr? = nil
        var parameter: Double? = nil
        let expected = (f.takesArgument ? 1 : 0) + (f.takesParameter ? 1 : 0)
        let allowsOptional = f.name == "count"
        guard args.count == expected || (allowsOptional && args.count <= 1) else {
            throw Diagnostic("\(f.name) takes \(expected) argument\(expected == 1 ? "" : "s"), not \(args.count)", at: range, suggestion: "usage: \(f.signature)")
        }
        if let first = args.first {
            argument = try bind(first, collector.input, nil)
            // A null (or a column of blanks) is whatever the aggregate needs: sum of nothing is null.
            if let a = argument, Self.isNullLiteral(a), (try? f.check(a.type, first.range)) == nil { argument = .literal(.null, .decimal) }
        }
        if f.takesParameter {
            guard case .literal(let l) = args[1].kind, let p = { () -> Double? in
                switch l {
                case .integer(let i): return Double(i)
                case .decimal(let d): return d
                default: return nil
                }
            }(), p >= 0, p <= 1 else {
                throw Diagnostic("the second argument of \(f.name) must be a number from 0 to 1", at: args[1].range)
            }
            parameter = p
        }
        let type = try f.check(argument?.type, args.first?.range ?? range)
        collector.calls.append(AggregateCall(function: f, argument: argument, parameter: parameter, type: type))
        return .column(collector.keyCount + collector.calls.count - 1, type, "\(name.text.lowercased())(…)")
    }

    func planSummarize(_ aggregates: [Assignment], by keys: [Assignment], input: Schema, label: String) throws(Diagnostic) -> PlannedStage {
        var boundKeys: [(String, BoundExpr)] = []
        for key in keys {
            let b = try bind(key.expr, input)
            boundKeys.append((try outputName(key), b))
        }
        let collector = AggregateCollector(input: input, keyCount: boundKeys.count)
        let keySchema = boundKeys.map { Field($0.0, $0.1.type, role: Self.role(of: $0.1, in: input)) }
        var outputs: [(String, BoundExpr)] = []
        var names = Set(keySchema.map(\.name))
        for item in aggregates {
            let name = try aggregateName(item)
            guard names.insert(name).inserted else {
                throw Diagnostic("the column '\(name)' appears twice", at: item.expr.range, suggestion: "give it another name: NEW = …")
            }
            outputs.append((name, try bind(item.expr, keySchema, collector)))
        }
        if outputs.isEmpty && boundKeys.isEmpty {
            throw Diagnostic("'summarize' needs an aggregate or 'by' columns", at: nil, suggestion: "e.g. summarize n = count() by cluster")
        }
        let output = keySchema + outputs.map { Field($0.0, $0.1.type, role: Self.role(ofAggregate: $0.1, collector)) }
        return PlannedStage(operation: .aggregate(keys: boundKeys, calls: collector.calls, outputs: outputs), output: output, label: label)
    }

    /// The default name of an aggregate column: `count`, `sum_services`, …
    func aggregateName(_ item: Assignment) throws(Diagnostic) -> String {
        if let name = item.name { return name.text }
        if case .call(let f, let args) = item.expr.kind {
            let lower = f.text.lowercased()
            if args.isEmpty { return lower }
            if case .column(let c) = args[0].kind { return "\(lower)_\(c)" }
        }
        throw Diagnostic("this aggregate needs a name", at: item.expr.range, suggestion: "write NAME = \(Self.snippet(item.expr))")
    }
}

extension Planner {
    /// The role a bound expression carries: a plain column keeps its own; anything computed has none
    /// (and is inferred where it is used).
    static func role(of e: BoundExpr, in schema: Schema) -> Role? {
        if case .column(let i, _, _) = e, i < schema.count { return schema[i].role }
        return nil
    }

    /// The role of a `summarize` output that is one aggregate: a sum (or min, max) of counts or
    /// denominators is one too. `count()` declares none: what its rows are (patients, or practices
    /// in `practices = count()`) only its name tells, so disclosure control infers it from the name.
    static func role(ofAggregate e: BoundExpr, _ collector: AggregateCollector) -> Role? {
        guard case .column(let i, _, _) = e, i >= collector.keyCount, i - collector.keyCount < collector.calls.count else { return nil }
        let call = collector.calls[i - collector.keyCount]
        switch call.function.name {
        case "sum", "min", "max":
            guard let argument = call.argument, let role = role(of: argument, in: collector.input) else { return nil }
            return role == .count || role == .denominator ? role : nil
        default: return nil
        }
    }
}
