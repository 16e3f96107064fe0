import Foundation
import Statistics
import Tabular

/// An aggregate for `summarize`: how it is typed and how it folds each group's rows.
public struct AggregateFunction: Sendable {
    /// The name users call it by.
    public let name: String
    /// The signature shown by help.
    public let signature: String
    /// One sentence on what it does.
    public let summary: String
    /// Whether it takes a column argument (false only for `count()`).
    let takesArgument: Bool
    /// Whether it takes a constant second argument (`quantile(x, p)`).
    let takesParameter: Bool
    /// Checks the argument type and gives the result type.
    let check: @Sendable (_ argument: DataType?, _ range: SourceRange) throws(Diagnostic) -> DataType
    /// Computes one value per group; `groups[i]` is row i's group.
    let compute: @Sendable (_ argument: Column?, _ groups: [Int32], _ groupCount: Int, _ parameter: Double?, _ type: DataType) throws -> Column
}

/// The built-in aggregates.
public enum AggregateFunctions {
    /// All of them, by name (with aliases).
    public static let all: [String: AggregateFunction] = {
        var table: [String: AggregateFunction] = [:]
        for f in list { table[f.name] = f }
        table["avg"] = table["mean"]
        table["stddev"] = table["sd"]
        table["n"] = table["count"]
        table["n_distinct"] = table["count_distinct"]
        return table
    }()

    /// The names users see in help and completion.
    public static var names: [String] { list.map(\.name) }

    static func numeric(_ name: String) -> @Sendable (DataType?, SourceRange) throws(Diagnostic) -> DataType {
        { (t, range) throws(Diagnostic) -> DataType in
            guard let t, t.isNumeric else {
                throw Diagnostic("\(name) needs a number, not \(t.map(\.description) ?? "nothing")", at: range,
                                 suggestion: t == .text ? "count text values with count(x) or count_distinct(x)" : nil)
            }
            return name == "sum" ? t : .decimal
        }
    }

    /// Per group, the non-null values of a numeric column.
    static func collect(_ c: Column, _ groups: [Int32], _ n: Int) -> [[Double]] {
        var out = [[Double]](repeating: [], count: n)
        let v = c.doubles()
        for i in v.indices where !c.isNull(i) { out[Int(groups[i])].append(v[i]) }
        return out
    }


    static func decimals(_ values: [Double?]) -> Column {
        Column(name: "", data: .decimal(values.map { $0 ?? 0 }), validity: values.map { $0 != nil })
    }

    static func extreme(_ name: String, max: Bool) -> AggregateFunction {
        AggregateFunction(name: name, signature: "\(name)(x)", summary: max ? "The largest value." : "The smallest value.",
                          takesArgument: true, takesParameter: false, check: { (t, range) throws(Diagnostic) -> DataType in
            guard let t, t != .boolean else { throw Diagnostic("\(name) needs numbers, dates or text", at: range) }
            return t
        }, compute: { c, groups, n, _, type in
            guard let c else { return Operand.broadcast(.null, type, n) }
            var best = [Int](repeating: -1, count: n)
            func better(_ a: Int, _ b: Int) -> Bool {
                switch c.data {
                case .integer(let v): return max ? v[a] > v[b] : v[a] < v[b]
                case .decimal(let v): return max ? v[a] > v[b] : v[a] < v[b]
                case .date(let v): return max ? v[a] > v[b] : v[a] < v[b]
                case .text(let t):
                    let x = t.dictionary[Int(t.codes[a])], y = t.dictionary[Int(t.codes[b])]
                    return max ? x > y : x < y
                case .boolean: return false
                }
            }
            for i in 0..<c.count where !c.isNull(i) {
                let g = Int(groups[i])
                if best[g] < 0 || better(i, best[g]) { best[g] = i }
            }
            return c.gather(best)
        })
    }

    static let list: [AggregateFunction] = [
        AggregateFunction(name: "count", signature: "count() or count(x)", summary: "The number of rows, or of non-null values of x.",
                          takesArgument: false, takesParameter: false, check: { _, _ in .integer }, compute: { c, groups, n, _, _ in
            var counts = [Int64](repeating: 0, count: n)
            if let validity = c?.validity {
                for i in groups.indices where validity[i] { counts[Int(groups[i])] += 1 }
            } else {
                counts.withUnsafeMutableBufferPointer { counts in
                    for g in groups { counts[Int(g)] += 1 }
                }
            }
            return Column(name: "", data: .integer(counts))
        }),
        AggregateFunction(name: "sum", signature: "sum(x)", summary: "The total of the non-null values (null when there are none).",
                          takesArgument: true, takesParameter: false, check: numeric("sum"), compute: { c, groups, n, _, type in
            guard let c else { return Operand.broadcast(.null, type, n) }
            var seen = [Bool](repeating: false, count: n)
            if case .integer(let v) = c.data {
                var sums = [Int64](repeating: 0, count: n)
                for i in v.indices where !c.isNull(i) {
                    let g = Int(groups[i])
                    let (total, overflow) = sums[g].addingReportingOverflow(v[i])
                    if overflow { throw IntegerOverflow(operation: "+", values: [sums[g], v[i]], row: i) }
                    sums[g] = total
                    seen[g] = true
                }
                return Column(name: "", data: .integer(sums), validity: seen)
            }
            var sums = [Double](repeating: 0, count: n)
            let v = c.doubles()
            for i in v.indices where !c.isNull(i) { let g = Int(groups[i]); sums[g] += v[i]; seen[g] = true }
            return Column(name: "", data: .decimal(sums), validity: seen)
        }),
        AggregateFunction(name: "mean", signature: "mean(x)", summary: "The arithmetic mean of the non-null values.",
                          takesArgument: true, takesParameter: false, check: numeric("mean"), compute: { c, groups, n, _, _ in
            guard let c else { return decimals([Double?](repeating: nil, count: n)) }
            var sums = [Double](repeating: 0, count: n), counts = [Int](repeating: 0, count: n)
            let v = c.doubles()
            for i in v.indices where !c.isNull(i) { let g = Int(groups[i]); sums[g] += v[i]; counts[g] += 1 }
            return decimals((0..<n).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : nil })
        }),
        AggregateFunction(name: "median", signature: "median(x)", summary: "The middle value (the mean of the two middle values for an even count).",
                          takesArgument: true, takesParameter: false, check: numeric("median"), compute: { c, groups, n, _, _ in
            guard let c else { return decimals([Double?](repeating: nil, count: n)) }
            return decimals(collect(c, groups, n).map { Quantile.type7(sorted: $0.sorted(), 0.5) })
        }),
        AggregateFunction(name: "quantile", signature: "quantile(x, p)", summary: "The p-quantile, 0 ≤ p ≤ 1 (R's type 7).",
                          takesArgument: true, takesParameter: true, check: numeric("quantile"), compute: { c, groups, n, p, _ in
            guard let c else { return decimals([Double?](repeating: nil, count: n)) }
            return decimals(collect(c, groups, n).map { Quantile.type7(sorted: $0.sorted(), p ?? 0.5) })
        }),
        AggregateFunction(name: "var", signature: "var(x)", summary: "The sample variance (n − 1 in the denominator).",
                          takesArgument: true, takesParameter: false, check: numeric("var"), compute: { c, groups, n, _, _ in
            guard let c else { return decimals([Double?](repeating: nil, count: n)) }
            return decimals(collect(c, groups, n).map(variance))
        }),
        AggregateFunction(name: "sd", signature: "sd(x)", summary: "The sample standard deviation (n − 1 in the denominator).",
                          takesArgument: true, takesParameter: false, check: numeric("sd"), compute: { c, groups, n, _, _ in
            guard let c else { return decimals([Double?](repeating: nil, count: n)) }
            return decimals(collect(c, groups, n).map { variance($0).map { $0.squareRoot() } })
        }),
        extreme("min", max: false),
        extreme("max", max: true),
        AggregateFunction(name: "count_distinct", signature: "count_distinct(x)", summary: "The number of distinct non-null values.",
                          takesArgument: true, takesParameter: false, check: { _, _ in .integer }, compute: { c, groups, n, _, _ in
            guard let c else { return Column(name: "", data: .integer([Int64](repeating: 0, count: n))) }
            let keys = Evaluator.keyCodes(c)
            var seen = Set<Int64>()
            var counts = [Int64](repeating: 0, count: n)
            for i in keys.indices where keys[i] >= 0 {
                if seen.insert(Int64(groups[i]) << 32 | Int64(keys[i])).inserted { counts[Int(groups[i])] += 1 }
            }
            return Column(name: "", data: .integer(counts))
        }),
    ]

    /// The sample variance, nil below two values (Welford's algorithm, stable for large values).
    static func variance(_ values: [Double]) -> Double? {
        guard values.count >= 2 else { return nil }
        var mean = 0.0, m2 = 0.0
        for (k, x) in values.enumerated() {
            let delta = x - mean
            mean += delta / Double(k + 1)
            m2 += delta * (x - mean)
        }
        return m2 / Double(values.count - 1)
    }
}
