import Foundation
import PluginKit
import Tabular

/// A function usable in expressions: its name, how it is typed, and how it runs over columns.
public struct ScalarFunction: Sendable {
    /// The name users call it by.
    public let name: String
    /// The signature shown by help, e.g. `year(date) → integer`.
    public let signature: String
    /// One sentence on what it does.
    public let summary: String
    /// Checks argument types (nil for a `null` literal) and gives the result type.
    let check: @Sendable (_ types: [DataType?], _ ranges: [SourceRange], _ call: SourceRange) throws(Diagnostic) -> DataType
    /// Computes the result over `rows` rows.
    let run: @Sendable (_ args: [Operand], _ rows: Int, _ type: DataType) throws -> Column
}

/// The built-in scalar functions.
public enum ScalarFunctions {
    /// All of them, by name.
    public static let all: [String: ScalarFunction] = {
        var table: [String: ScalarFunction] = [:]
        for f in list { table[f.name] = f }
        table["substring"] = table["substr"]
        table["len"] = table["length"]
        table["iif"] = table["if"]
        table["string"] = table["text"]
        return table
    }()

    /// The names users see in help and completion.
    public static var names: [String] { list.map(\.name) }

    static func arity(_ name: String, _ types: [DataType?], _ range: SourceRange, _ allowed: ClosedRange<Int>) throws(Diagnostic) {
        guard allowed.contains(types.count) else {
            let want = allowed.lowerBound == allowed.upperBound ? "\(allowed.lowerBound)" : "\(allowed.lowerBound) to \(allowed.upperBound)"
            throw Diagnostic("\(name) takes \(want) argument\(allowed.upperBound == 1 ? "" : "s"), not \(types.count)", at: range,
                             suggestion: all[name].map { "usage: \($0.signature)" })
        }
    }

    static func expect(_ name: String, _ types: [DataType?], _ ranges: [SourceRange], _ k: Int, _ accepted: [DataType], _ what: String) throws(Diagnostic) {
        guard k < types.count, let t = types[k] else { return }
        if !accepted.contains(t) {
            throw Diagnostic("\(name) needs \(what) as argument \(k + 1), not \(t)", at: ranges[k],
                             suggestion: all[name].map { "usage: \($0.signature)" })
        }
    }

    /// The common type of branches (integer and decimal mix to decimal); nil types are null literals.
    static func common(_ name: String, _ types: [DataType?], _ ranges: [SourceRange]) throws(Diagnostic) -> DataType {
        var result: DataType? = nil
        for (k, t) in types.enumerated() {
            guard let t else { continue }
            guard let r = result else { result = t; continue }
            if r == t { continue }
            if r.isNumeric, t.isNumeric { result = .decimal; continue }
            throw Diagnostic("\(name) mixes \(r) and \(t)", at: ranges[k], suggestion: "convert with text(…), integer(…) or decimal(…)")
        }
        return result ?? .text
    }

    private static func text(_ name: String, _ signature: String, _ summary: String, extra: [DataType] = [], optional: Int = 0,
                             result: DataType, _ f: @escaping @Sendable (String, [Value]) -> Value) -> ScalarFunction {
        ScalarFunction(name: name, signature: signature, summary: summary, check: { (types, ranges, call) throws(Diagnostic) -> DataType in
            try arity(name, types, call, (1 + extra.count - optional)...(1 + extra.count))
            try expect(name, types, ranges, 0, [.text], "text")
            for (k, t) in extra.enumerated() { try expect(name, types, ranges, k + 1, [t], "\(t)") }
            return result
        }, run: { args, rows, type in
            mapText(args, rows: rows, type: type, f)
        })
    }

    private static func date(_ name: String, _ summary: String, _ f: @escaping @Sendable (CivilDate) -> Int64) -> ScalarFunction {
        ScalarFunction(name: name, signature: "\(name)(date) → integer", summary: summary, check: { (types, ranges, call) throws(Diagnostic) -> DataType in
            try arity(name, types, call, 1...1)
            try expect(name, types, ranges, 0, [.date], "a date")
            return .integer
        }, run: { args, rows, _ in
            let c = args[0].column(rows)
            guard case .date(let days) = c.data else { return Operand.broadcast(.null, .integer, rows) }
            // Dates repeat a lot: compute each distinct day once.
            var cache: [Int32: Int64] = [:]
            let out = days.map { d -> Int64 in
                if let v = cache[d] { return v }
                let v = f(CivilDate(daysSinceEpoch: d))
                cache[d] = v
                return v
            }
            return Column(name: "", data: .integer(out), validity: c.validity)
        })
    }

    private static func math(_ name: String, _ summary: String, _ f: @escaping @Sendable (Double) -> Double) -> ScalarFunction {
        ScalarFunction(name: name, signature: "\(name)(number) → decimal", summary: summary, check: { (types, ranges, call) throws(Diagnostic) -> DataType in
            try arity(name, types, call, 1...1)
            try expect(name, types, ranges, 0, [.integer, .decimal], "a number")
            return .decimal
        }, run: { args, rows, _ in
            let c = args[0].column(rows)
            let values = c.doubles().map(f)
            var validity = c.validity ?? [Bool](repeating: true, count: rows)
            for i in values.indices where !values[i].isFinite { validity[i] = false }
            return Column(name: "", data: .decimal(values), validity: validity)
        })
    }

    /// Applies a text function once per distinct value when the first argument is a text column
    /// and the others are constants; row by row otherwise.
    static func mapText(_ args: [Operand], rows: Int, type: DataType, _ f: @escaping (String, [Value]) -> Value) -> Column {
        let rest = args.dropFirst()
        if case .column(let c) = args[0], case .text(let t) = c.data, rest.allSatisfy({ if case .scalar = $0 { return true } else { return false } }) {
            let constants = rest.map { $0.value(at: 0) }
            if constants.contains(where: \.isNull) { return Operand.broadcast(.null, type, rows) }
            let perEntry = t.dictionary.map { f($0, constants) }
            let entryColumn = Column.from(name: "", type: type, values: perEntry)
            let indices = t.codes.map { Int($0) }
            return entryColumn.gather(indices)
        }
        return Operand.rowwise(args, rows: rows, type: type) { row in
            guard case .text(let s) = row[0], !row.dropFirst().contains(where: \.isNull) else { return .null }
            return f(s, Array(row.dropFirst()))
        }
    }

    static func integerArgument(_ v: Value) -> Int { if case .integer(let i) = v { return Int(i) } else { return Int(v.doubleValue ?? 0) } }

    static let list: [ScalarFunction] = [
        text("lower", "lower(text) → text", "The text in lower case.", result: .text) { s, _ in .text(s.lowercased()) },
        text("upper", "upper(text) → text", "The text in upper case.", result: .text) { s, _ in .text(s.uppercased()) },
        text("trim", "trim(text) → text", "The text without leading and trailing spaces.", result: .text) { s, _ in .text(s.trimmingCharacters(in: .whitespaces)) },
        text("length", "length(text) → integer", "The number of characters.", result: .integer) { s, _ in .integer(Int64(s.count)) },
        text("contains", "contains(text, part) → boolean", "Whether the text contains the part (case-sensitive).", extra: [.text], result: .boolean) { s, a in
            guard case .text(let p) = a[0] else { return .null }
            return .boolean(s.contains(p))
        },
        text("startswith", "startswith(text, prefix) → boolean", "Whether the text starts with the prefix.", extra: [.text], result: .boolean) { s, a in
            guard case .text(let p) = a[0] else { return .null }
            return .boolean(s.hasPrefix(p))
        },
        text("endswith", "endswith(text, suffix) → boolean", "Whether the text ends with the suffix.", extra: [.text], result: .boolean) { s, a in
            guard case .text(let p) = a[0] else { return .null }
            return .boolean(s.hasSuffix(p))
        },
        text("replace", "replace(text, old, new) → text", "The text with every `old` replaced by `new`.", extra: [.text, .text], result: .text) { s, a in
            guard case .text(let old) = a[0], case .text(let new) = a[1], !old.isEmpty else { return .text(s) }
            return .text(s.replacingOccurrences(of: old, with: new))
        },
        text("substr", "substr(text, start[, length]) → text", "Part of the text; `start` counts from 1.", extra: [.integer, .integer], optional: 1, result: .text) { s, a in
            let chars = Array(s)
            let start = max(0, integerArgument(a[0]) - 1)
            let length = a.count > 1 ? max(0, integerArgument(a[1])) : chars.count
            guard start < chars.count else { return .text("") }
            return .text(String(chars[start..<min(chars.count, start + length)]))
        },
        ScalarFunction(name: "concat", signature: "concat(value, …) → text", summary: "The values as text, joined (nulls count as empty).", check: { (types, _, call) throws(Diagnostic) -> DataType in
            try arity("concat", types, call, 1...64)
            return .text
        }, run: { args, rows, _ in
            Operand.rowwise(args, rows: rows, type: .text) { row in .text(row.map { $0.isNull ? "" : $0.description }.joined()) }
        }),
        ScalarFunction(name: "text", signature: "text(value) → text", summary: "The value as text (dates as yyyy-mm-dd).", check: { (types, _, call) throws(Diagnostic) -> DataType in
            try arity("text", types, call, 1...1)
            return .text
        }, run: { args, rows, _ in
            if case .column(let c) = args[0], case .text = c.data { return c }
            return Operand.rowwise(args, rows: rows, type: .text) { row in row[0].isNull ? .null : .text(row[0].description) }
        }),
        ScalarFunction(name: "integer", signature: "integer(value) → integer", summary: "The value as a whole number (decimals truncated; text parsed, null when it is not a number).", check: { (types, _, call) throws(Diagnostic) -> DataType in
            try arity("integer", types, call, 1...1)
            return .integer
        }, run: { args, rows, _ in
            // A decimal beyond the whole numbers klynge holds is an error, never a wrapped or made-up value.
            let first = args[0].column(rows)
            if case .decimal(let v) = first.data, let row = v.indices.first(where: { v[$0].isFinite && Int64(exactly: v[$0].rounded(.towardZero)) == nil && !first.isNull($0) }) {
                throw Diagnostic("integer(\(NumberFormat.plain(v[row]))) (row \(row + 1)): the number is outside the whole numbers klynge holds (±9.2·10¹⁸)",
                                 suggestion: "keep it a decimal")
            }
            return Operand.rowwise(args, rows: rows, type: .integer) { row in
                switch row[0] {
                case .integer: return row[0]
                case .decimal(let d): return d.isFinite ? .integer(Int64(d.rounded(.towardZero))) : .null
                case .text(let s): return Int64(s.trimmingCharacters(in: .whitespaces)).map(Value.integer) ?? .null
                case .boolean(let b): return .integer(b ? 1 : 0)
                case .date(let d): return .integer(Int64(d))
                case .null: return .null
                }
            }
        }),
        ScalarFunction(name: "decimal", signature: "decimal(value) → decimal", summary: "The value as a decimal number (text with `.` or `,` parsed).", check: { (types, _, call) throws(Diagnostic) -> DataType in
            try arity("decimal", types, call, 1...1)
            return .decimal
        }, run: { args, rows, _ in
            Operand.rowwise(args, rows: rows, type: .decimal) { row in
                switch row[0] {
                case .integer(let i): return .decimal(Double(i))
                case .decimal: return row[0]
                case .text(let s): return Double(s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")).map(Value.decimal) ?? .null
                case .boolean(let b): return .decimal(b ? 1 : 0)
                default: return .null
                }
            }
        }),
        ScalarFunction(name: "date", signature: "date(text) → date", summary: "Parses yyyy-mm-dd, dd-mm-yyyy or dd.mm.yyyy; null when it is not a date.", check: { (types, ranges, call) throws(Diagnostic) -> DataType in
            try arity("date", types, call, 1...1)
            try expect("date", types, ranges, 0, [.text, .date], "text")
            return .date
        }, run: { args, rows, _ in
            if case .column(let c) = args[0], case .date = c.data { return c }
            return mapText(args, rows: rows, type: .date) { s, _ in CivilDate.parse(s).map { .date($0.daysSinceEpoch) } ?? .null }
        }),
        date("year", "The calendar year.") { Int64($0.year) },
        date("quarter", "The quarter, 1 to 4.") { Int64($0.quarter) },
        date("month", "The month, 1 to 12.") { Int64($0.month) },
        date("day", "The day of the month.") { Int64($0.day) },
        date("week", "The ISO 8601 week number (uge), 1 to 53.") { Int64($0.isoWeek) },
        date("weekday", "The ISO weekday, 1 (Monday) to 7 (Sunday).") { Int64($0.weekday) },
        math("sqrt", "The square root.") { $0.squareRoot() },
        math("ln", "The natural logarithm.") { Foundation.log($0) },
        math("log10", "The base-10 logarithm.") { Foundation.log10($0) },
        math("exp", "e to the power of the number.") { Foundation.exp($0) },
        math("floor", "The largest whole number not above the number.") { $0.rounded(.down) },
        math("ceil", "The smallest whole number not below the number.") { $0.rounded(.up) },
        ScalarFunction(name: "abs", signature: "abs(number) → number", summary: "The absolute value.", check: { (types, ranges, call) throws(Diagnostic) -> DataType in
            try arity("abs", types, call, 1...1)
            try expect("abs", types, ranges, 0, [.integer, .decimal], "a number")
            return types[0] ?? .integer
        }, run: { args, rows, type in
            let c = args[0].column(rows)
            if type == .integer {
                let v = c.int64s()
                if let row = v.indices.first(where: { v[$0] == .min && !c.isNull($0) }) { throw IntegerOverflow(operation: "abs", values: [v[row]], row: row) }
                return Column(name: "", data: .integer(v.map { abs($0) }), validity: c.validity)
            }
            return Column(name: "", data: .decimal(c.doubles().map { abs($0) }), validity: c.validity)
        }),
        ScalarFunction(name: "round", signature: "round(number[, digits]) → decimal", summary: "Rounded half away from zero to `digits` decimals (default 0).", check: { (types, ranges, call) throws(Diagnostic) -> DataType in
            try arity("round", types, call, 1...2)
            try expect("round", types, ranges, 0, [.integer, .decimal], "a number")
            try expect("round", types, ranges, 1, [.integer], "a whole number of digits")
            return .decimal
        }, run: { args, rows, _ in
            let c = args[0].column(rows)
            let digits = args.count > 1 ? args[1].column(rows).int64s() : [Int64](repeating: 0, count: rows)
            let values = zip(c.doubles(), digits).map { v, d -> Double in
                let scale = Foundation.pow(10.0, Double(d))
                return (v * scale).rounded(.toNearestOrAwayFromZero) / scale
            }
            return Column(name: "", data: .decimal(values), validity: mergeValidity(c.validity, args.count > 1 ? args[1].column(rows).validity : nil))
        }),
        ScalarFunction(name: "pow", signature: "pow(base, exponent) → decimal", summary: "The base raised to the exponent.", check: { (types, ranges, call) throws(Diagnostic) -> DataType in
            try arity("pow", types, call, 2...2)
            try expect("pow", types, ranges, 0, [.integer, .decimal], "a number")
            try expect("pow", types, ranges, 1, [.integer, .decimal], "a number")
            return .decimal
        }, run: { args, rows, _ in
            let a = args[0].column(rows), b = args[1].column(rows)
            return Column(name: "", data: .decimal(zip(a.doubles(), b.doubles()).map { Foundation.pow($0, $1) }), validity: mergeValidity(a.validity, b.validity))
        }),
        ScalarFunction(name: "if", signature: "if(condition, then, else) → value", summary: "`then` where the condition is true, else `else` (a null condition counts as false).", check: { (types, ranges, call) throws(Diagnostic) -> DataType in
            try arity("if", types, call, 3...3)
            try expect("if", types, ranges, 0, [.boolean], "a condition (true/false)")
            return try common("if", Array(types.dropFirst()), Array(ranges.dropFirst()))
        }, run: { args, rows, type in
            let cond = args[0].column(rows)
            guard case .boolean(let flags) = cond.data else { return Operand.broadcast(.null, type, rows) }
            let a = Evaluator.cast(args[1].column(rows), to: type), b = Evaluator.cast(args[2].column(rows), to: type)
            let pick = (0..<rows).map { flags[$0] && !cond.isNull($0) }
            return Evaluator.choose(pick, a, b)
        }),
        ScalarFunction(name: "coalesce", signature: "coalesce(value, …) → value", summary: "The first argument that is not null.", check: { (types, ranges, call) throws(Diagnostic) -> DataType in
            try arity("coalesce", types, call, 1...64)
            return try common("coalesce", types, ranges)
        }, run: { args, rows, type in
            var result = Evaluator.cast(args[0].column(rows), to: type)
            for next in args.dropFirst() {
                guard result.validity != nil else { break }
                let pick = (0..<rows).map { !result.isNull($0) }
                result = Evaluator.choose(pick, result, Evaluator.cast(next.column(rows), to: type))
            }
            return result
        }),
    ]
}

extension ScalarFunction {
    /// A plugin's function as one the planner and evaluator know: its errors become diagnostics at
    /// the argument at fault, and a result column of another type than it promised is an error.
    init(plugin f: Function) {
        self.init(name: f.name, signature: f.signature, summary: f.summary,
                  check: { types, ranges, call throws(Diagnostic) in
                      do throws(StageError) {
                          return try f.result(types)
                      } catch {
                          let at = error.argument.flatMap(Int.init).flatMap { $0 < ranges.count ? ranges[$0] : nil } ?? call
                          throw Diagnostic(error.message, at: at, suggestion: error.suggestion ?? "usage: \(f.signature)")
                      }
                  },
                  run: { args, rows, type in
                      let result: Column
                      let columns = args.map { $0.column(rows) }
                      do throws(StageError) {
                          result = try f.run(columns, rows)
                      } catch {
                          throw Diagnostic("\(f.name): \(error.message)", suggestion: error.suggestion)
                      }
                      guard result.count == rows, result.type == type || !result.hasValues else {
                          throw Diagnostic("the function '\(f.name)' returned \(result.count) \(result.type) values for \(rows) rows of \(type)",
                                           suggestion: "this is a bug in the plugin that adds \(f.name)")
                      }
                      return result
                  })
    }
}

extension ScalarFunction {
    /// A stand-in carrying only a name, to name an aggregate in a message (`sum(x)`).
    static func named(_ name: String) -> ScalarFunction {
        ScalarFunction(name: name, signature: "", summary: "", check: { _, _, _ in .integer }, run: { _, rows, _ in Operand.broadcast(.null, .integer, rows) })
    }
}
