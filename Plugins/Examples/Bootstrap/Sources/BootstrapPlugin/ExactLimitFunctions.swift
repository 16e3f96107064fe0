import PluginKit
import Statistics
import Tabular

/// `exact_lower(count, level)` and `exact_upper(count, level)`: exact Poisson limits of a count at a
/// confidence level in percent, with klynge's own `PoissonInterval` — an example of a plugin adding
/// functions to expressions (`derive low = exact_lower(deaths, 95)`).
enum ExactLimitFunctions {
    static let all = [function(lower: true), function(lower: false)]

    static func function(lower: Bool) -> Function {
        let name = lower ? "exact_lower" : "exact_upper"
        return Function(
            name: name, signature: "\(name)(count, level) → decimal",
            summary: "The \(lower ? "lower" : "upper") exact Poisson limit of a count at a confidence level in percent (e.g. 95).",
            result: { types throws(StageError) -> DataType in
                guard types.count == 2 else { throw StageError("\(name) takes 2 arguments, not \(types.count)") }
                for (k, t) in types.enumerated() where t != nil && t?.isNumeric != true {
                    throw StageError("\(name) needs a number as argument \(k + 1), not \(t!)", argument: String(k))
                }
                return .decimal
            },
            run: { arguments, rows throws(StageError) -> Column in
                var values: [Value] = []
                values.reserveCapacity(rows)
                for r in 0..<rows {
                    guard let x = arguments[0].value(at: r).doubleValue, let level = arguments[1].value(at: r).doubleValue else { values.append(.null); continue }
                    guard x >= 0 else { throw StageError("row \(r + 1): a count of \(x) is negative") }
                    guard level > 0, level < 100 else { throw StageError("row \(r + 1): the level \(level) is not between 0 and 100") }
                    let interval = PoissonInterval.exact(events: x, confidence: level / 100)
                    values.append(.decimal(lower ? interval.lower : interval.upper))
                }
                return Column.from(name: name, type: .decimal, values: values)
            })
    }
}
