import Tabular

extension Evaluator {
    /// Evaluates an expression over every row of a table at once.
    public static func evaluate(_ e: BoundExpr, _ t: Table) throws -> Operand {
        let n = t.rowCount
        switch e {
        case .literal(let v, let type):
            return .scalar(v, type)
        case .column(let i, _, _):
            return .column(t.columns[i])
        case .unary(let op, let x, let type):
            let operand = try evaluate(x, t)
            if case .scalar(let v, _) = operand {
                if op == "-", case .integer(.min) = v { throw IntegerOverflow(operation: "-", values: [.min], row: nil).diagnostic(e) }
                return .scalar(unaryScalar(op, v), type)
            }
            let c = operand.column(n)
            switch (op, c.data) {
            case ("not", .boolean(let v)): return .column(Column(name: "", data: .boolean(v.map { !$0 }), validity: c.validity))
            case ("-", .integer(let v)):
                if let row = v.indices.first(where: { v[$0] == .min && !c.isNull($0) }) {
                    throw IntegerOverflow(operation: "-", values: [v[row]], row: row).diagnostic(e)
                }
                return .column(Column(name: "", data: .integer(v.map { 0 &- $0 }), validity: c.validity))
            case ("-", .decimal(let v)): return .column(Column(name: "", data: .decimal(v.map { -$0 }), validity: c.validity))
            default: return .column(c)
            }
        case .binary(let op, let a, let b, let type):
            let x = try evaluate(a, t), y = try evaluate(b, t)
            let constant: Bool
            if case .scalar = x, case .scalar = y { constant = true } else { constant = false }
            do {
                if constant { return .scalar(try binary(op, x, y, type, rows: 1).value(at: 0), type) }
                return .column(try binary(op, x, y, type, rows: n))
            } catch var overflow as IntegerOverflow {
                if constant { overflow.row = nil }
                throw overflow.diagnostic(e)
            }
        case .call(let f, let args, let type):
            var operands: [Operand] = []
            for a in args { operands.append(try evaluate(a, t)) }
            do {
                if operands.allSatisfy({ if case .scalar = $0 { return true } else { return false } }) {
                    return .scalar(try f.run(operands, 1, type).value(at: 0), type)
                }
                return .column(try f.run(operands, n, type))
            } catch let overflow as IntegerOverflow {
                throw overflow.diagnostic(e)
            }
        case .inList(let x, let values, let negated):
            let c = try evaluate(x, t).column(n)
            return .column(inList(c, values, negated: negated))
        case .isNull(let x, let negated):
            let operand = try evaluate(x, t)
            if case .scalar(let v, _) = operand { return .scalar(.boolean(v.isNull != negated), .boolean) }
            let c = operand.column(n)
            let flags = (0..<n).map { c.isNull($0) != negated }
            return .column(Column(name: "", data: .boolean(flags)))
        }
    }

    static func unaryScalar(_ op: String, _ v: Value) -> Value {
        switch (op, v) {
        case ("not", .boolean(let b)): return .boolean(!b)
        case ("-", .integer(let i)): return .integer(0 &- i)
        case ("-", .decimal(let d)): return .decimal(-d)
        default: return .null
        }
    }

    static func binary(_ op: String, _ x: Operand, _ y: Operand, _ type: DataType, rows n: Int) throws -> Column {
        switch op {
        case "and", "or":
            return logic(op, x.column(n), y.column(n))
        case "==", "!=", "<", "<=", ">", ">=":
            return compare(op, x, y, rows: n)
        default:
            return try arithmetic(op, x.column(n), y.column(n), type)
        }
    }

    /// Kleene logic: false and null is false, true or null is true.
    static func logic(_ op: String, _ a: Column, _ b: Column) -> Column {
        guard case .boolean(let x) = a.data, case .boolean(let y) = b.data else { return a }
        let n = x.count
        if a.validity == nil, b.validity == nil {
            return Column(name: "", data: .boolean(op == "and" ? zip(x, y).map { $0 && $1 } : zip(x, y).map { $0 || $1 }))
        }
        var values = [Bool](repeating: false, count: n)
        var validity = [Bool](repeating: true, count: n)
        for i in 0..<n {
            let av = !a.isNull(i), bv = !b.isNull(i)
            if op == "and" {
                if (av && !x[i]) || (bv && !y[i]) { values[i] = false } else if av && bv { values[i] = true } else { validity[i] = false }
            } else {
                if (av && x[i]) || (bv && y[i]) { values[i] = true } else if av && bv { values[i] = false } else { validity[i] = false }
            }
        }
        return Column(name: "", data: .boolean(values), validity: validity)
    }

    /// Arithmetic over two columns; whole numbers are checked, so a result outside the 64-bit range
    /// is an `IntegerOverflow`, never a wrapped value.
    static func arithmetic(_ op: String, _ a: Column, _ b: Column, _ type: DataType) throws(IntegerOverflow) -> Column {
        var validity = mergeValidity(a.validity, b.validity)
        let n = a.count
        switch type {
        case .integer where a.type == .date:
            let x = a.int64s(), y = b.int64s()
            return Column(name: "", data: .integer(zip(x, y).map { $0 &- $1 }), validity: validity)
        case .integer:
            let x = a.int64s(), y = b.int64s()
            var out = [Int64](repeating: 0, count: n)
            switch op {
            case "+", "-", "*":
                for i in 0..<n {
                    let (value, overflow) = op == "+" ? x[i].addingReportingOverflow(y[i])
                        : op == "-" ? x[i].subtractingReportingOverflow(y[i]) : x[i].multipliedReportingOverflow(by: y[i])
                    if overflow, !a.isNull(i), !b.isNull(i) { throw IntegerOverflow(operation: op, values: [x[i], y[i]], row: i) }
                    out[i] = value
                }
            default:
                var v = validity ?? [Bool](repeating: true, count: n)
                for i in 0..<n { if y[i] == 0 { v[i] = false } else { out[i] = x[i] % y[i] } }
                validity = v
            }
            return Column(name: "", data: .integer(out), validity: validity)
        case .date:
            guard case .date(let d) = a.data else { return a }
            let y = b.int64s()
            // A date more than ±5.8 million years away does not fit: an error, not a wrapped date.
            var out = [Int32](repeating: 0, count: n)
            for i in 0..<n {
                let value = op == "+" ? Int64(d[i]).addingReportingOverflow(y[i]) : Int64(d[i]).subtractingReportingOverflow(y[i])
                guard !value.overflow, let day = Int32(exactly: value.partialValue) else {
                    if a.isNull(i) || b.isNull(i) { continue }
                    throw IntegerOverflow(operation: op, values: [Int64(d[i]), y[i]], row: i, range: "the dates klynge holds (±5.8 million years)")
                }
                out[i] = day
            }
            return Column(name: "", data: .date(out), validity: validity)
        default:
            let x = a.doubles(), y = b.doubles()
            var out = [Double](repeating: 0, count: n)
            switch op {
            case "+": for i in 0..<n { out[i] = x[i] + y[i] }
            case "-": for i in 0..<n { out[i] = x[i] - y[i] }
            case "*": for i in 0..<n { out[i] = x[i] * y[i] }
            case "/":
                var v = validity ?? [Bool](repeating: true, count: n)
                for i in 0..<n { if y[i] == 0 { v[i] = false } else { out[i] = x[i] / y[i] } }
                validity = v
            default:
                var v = validity ?? [Bool](repeating: true, count: n)
                for i in 0..<n { if y[i] == 0 { v[i] = false } else { out[i] = x[i].truncatingRemainder(dividingBy: y[i]) } }
                validity = v
            }
            return Column(name: "", data: .decimal(out), validity: validity)
        }
    }

    /// A comparison operator, decided once per expression rather than per row (matching the
    /// operator's text per row was most of a 10M-row filter's time; see the issue 13 notes).
    enum Comparison {
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual

        init(_ op: String) {
            switch op {
            case "==": self = .equal
            case "!=": self = .notEqual
            case "<": self = .less
            case "<=": self = .lessOrEqual
            case ">": self = .greater
            default: self = .greaterOrEqual
            }
        }
    }

    @inline(__always) static func test<T: Comparable>(_ op: Comparison, _ a: T, _ b: T) -> Bool {
        switch op {
        case .equal: return a == b
        case .notEqual: return a != b
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .greater: return a > b
        case .greaterOrEqual: return a >= b
        }
    }

    static func flipped(_ op: String) -> String {
        switch op {
        case "<": return ">"
        case "<=": return ">="
        case ">": return "<"
        case ">=": return "<="
        default: return op
        }
    }

    static func compare(_ op: String, _ x: Operand, _ y: Operand, rows n: Int) -> Column {
        let cmp = Comparison(op)
        // Text against a constant: decide once per distinct value, then look up per row.
        if case .column(let c) = x, case .text(let t) = c.data, case .scalar(let v, _) = y {
            guard case .text(let s) = v else { return Operand.broadcast(.null, .boolean, n) }
            let perEntry = t.dictionary.map { test(cmp, $0, s) }
            return Column(name: "", data: .boolean(t.codes.map { $0 < 0 ? false : perEntry[Int($0)] }), validity: c.validity)
        }
        if case .scalar = x, case .column = y { return compare(flipped(op), y, x, rows: n) }
        let a = x.column(n), b = y.column(n)
        let validity = mergeValidity(a.validity, b.validity)
        var out = [Bool](repeating: false, count: n)
        switch (a.data, b.data) {
        case (.text(let s), .text(let u)):
            let sCodes = s.codes, uCodes = u.codes, sStrings = s.dictionary, uStrings = u.dictionary
            for i in 0..<n where sCodes[i] >= 0 && uCodes[i] >= 0 {
                out[i] = test(cmp, sStrings[Int(sCodes[i])], uStrings[Int(uCodes[i])])
            }
        case (.integer(let p), .integer(let q)):
            for i in 0..<n { out[i] = test(cmp, p[i], q[i]) }
        case (.date(let p), .date(let q)):
            for i in 0..<n { out[i] = test(cmp, p[i], q[i]) }
        default:
            let p = a.doubles(), q = b.doubles()
            for i in 0..<n { out[i] = test(cmp, p[i], q[i]) }
        }
        return Column(name: "", data: .boolean(out), validity: validity)
    }

    static func inList(_ c: Column, _ values: [Value], negated: Bool) -> Column {
        let member = membership(c, values, negated: negated)
        return Column(name: "", data: .boolean((0..<c.count).map(member)), validity: c.validity)
    }

    /// Per entry of a text dictionary, whether it is among `values` (not among them, when `negated`).
    static func membership(dictionary: [String], _ values: [Value], negated: Bool) -> [Bool] {
        let wanted = Set(values.compactMap { if case .text(let s) = $0 { return s } else { return nil } })
        return dictionary.map { wanted.contains($0) != negated }
    }

    /// Per row of `c`, whether its value is among `values` (not among them, when `negated`); a null
    /// row's answer means nothing (callers mind the column's validity).
    static func membership(_ c: Column, _ values: [Value], negated: Bool) -> (Int) -> Bool {
        switch c.data {
        case .text(let t):
            // Decided once per distinct value, then looked up per row.
            let perEntry = membership(dictionary: t.dictionary, values, negated: negated)
            let codes = t.codes
            return { i in codes[i] >= 0 && perEntry[Int(codes[i])] }
        case .integer(let v):
            let wanted = Set(values.compactMap { v -> Int64? in if case .integer(let i) = v { return i }; return v.doubleValue.flatMap { $0 == $0.rounded() ? Int64($0) : nil } })
            return { wanted.contains(v[$0]) != negated }
        case .date(let v):
            let wanted = Set(values.compactMap { if case .date(let d) = $0 { return d } else { return nil } })
            return { wanted.contains(v[$0]) != negated }
        default:
            let wanted = Set(values.compactMap(\.doubleValue))
            let v = c.doubles()
            return { wanted.contains(v[$0]) != negated }
        }
    }
}

/// A whole-number result outside the 64-bit range: an error, never a wrapped value.
struct IntegerOverflow: Error {
    /// `+`, `-`, `*`, `-` (negation), `sum`, `abs`.
    var operation: String
    /// The operands.
    var values: [Int64]
    /// The row (0-based) where it happened; nil for constants.
    var row: Int?
    /// What the result fell outside of.
    var range = "the whole numbers klynge holds (±9.2·10¹⁸)"

    /// The error as the shell shows it, naming the expression.
    func diagnostic(_ e: BoundExpr) -> Diagnostic {
        let what = values.count == 2 ? "\(values[0]) \(operation) \(values[1])" : "\(operation)(\(values.map(String.init).joined(separator: ", ")))"
        let at = row.map { " (row \($0 + 1))" } ?? ""
        let shown = what == e.readable ? "" : ": \(what)\(at)"
        let isDate = range.contains("dates")
        return Diagnostic("\(isDate ? "date" : "integer") overflow in \(e.readable)\(shown) is outside \(range)",
                          suggestion: isDate ? "add days within a sensible range" : "compute in decimals instead, e.g. decimal(…) * …")
    }
}
