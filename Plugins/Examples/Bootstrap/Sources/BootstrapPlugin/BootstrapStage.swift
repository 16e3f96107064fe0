import PluginKit
import Statistics
import Tabular

/// `bootstrap X [by G] [median] [replicates R] [seed S]`: one row per group with the mean (or
/// median) of X and its 95% percentile-bootstrap interval from R resamples (default 2000) drawn
/// with klynge's `SeededRandom` (default seed 1), so a result is the same on every machine.
enum BootstrapStage {
    static let stage = Stage(
        name: "bootstrap", usage: "bootstrap X [by G] [median] [replicates R] [seed S]",
        summary: "One row per group: the mean (or median) of X with a 95% percentile-bootstrap interval (R resamples, seeded).",
        example: "practices | bootstrap listed_patients by cluster replicates 500",
        parameters: [Parameter(keyword: nil, placeholder: "X"), Parameter(keyword: "by", placeholder: "G"),
                     Parameter(keyword: "median", takesExpression: false, placeholder: ""),
                     Parameter(keyword: "replicates", takesNumber: true, takesExpression: false, placeholder: "R"),
                     Parameter(keyword: "seed", takesNumber: true, takesExpression: false, placeholder: "S")],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            guard shapes.types[""]?.isNumeric == true else { throw StageError("X must be a number", argument: "") }
            if let r = shapes.numbers["replicates"], r < 100 || r > 100_000 || r != r.rounded() {
                throw StageError("replicates is a whole number from 100 to 100000", argument: "replicates")
            }
            var out: [Field] = []
            if let g = shapes.types["by"] { out.append(Field(shapes.labels["by"] ?? "group", g, role: .label)) }
            return out + [Field("n", .integer, role: .denominator), Field("estimate", .decimal, role: .statistic),
                          Field("lower95", .decimal, role: .limit), Field("upper95", .decimal, role: .limit),
                          Field("replicates", .integer, role: .note), Field("method", .text, role: .note)]
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let x = arguments.columns[""]!
            let groups = arguments.columns["by"]
            let median = arguments.numbers["median"] != nil
            let replicates = Int(arguments.numbers["replicates"] ?? 2000)
            let seed = UInt64(max(0, arguments.numbers["seed"] ?? 1))
            var members: [Value: [Double]] = [:]
            var order: [Value] = []
            for r in 0..<table.rowCount {
                let key = groups?.value(at: r) ?? .null
                if members[key] == nil { order.append(key); members[key] = [] }
                if let v = x.value(at: r).doubleValue { members[key]!.append(v) }
            }
            order.sort { $0.description < $1.description }
            var rows: [[Value]] = []
            for key in order {
                let values = members[key]!
                var row: [Value] = groups == nil ? [] : [key]
                row.append(.integer(Int64(values.count)))
                if values.count < 2 {
                    row += [values.first.map(Value.decimal) ?? .null, .null, .null, .integer(0), .text("not reported: fewer than 2 values")]
                } else {
                    var random = SeededRandom(seed: seed)
                    var estimates: [Double] = []
                    estimates.reserveCapacity(replicates)
                    var sample = [Double](repeating: 0, count: values.count)
                    for _ in 0..<replicates {
                        for i in sample.indices { sample[i] = values[random.int(values.count)] }
                        estimates.append(statistic(sample, median: median))
                    }
                    estimates.sort()
                    row += [.decimal(statistic(values, median: median)), .decimal(Quantile.type7(sorted: estimates, 0.025)!),
                            .decimal(Quantile.type7(sorted: estimates, 0.975)!),
                            .integer(Int64(replicates)), .text("percentile bootstrap of the \(median ? "median" : "mean"), seed \(seed)")]
                }
                rows.append(row)
            }
            var names = ["n", "estimate", "lower95", "upper95", "replicates", "method"]
            var types: [DataType] = [.integer, .decimal, .decimal, .decimal, .integer, .text]
            if let groups { names.insert(arguments.labels["by"] ?? "group", at: 0); types.insert(groups.type, at: 0) }
            return Table.from(names: names, types: types, rows: rows)
        })

    static func statistic(_ values: [Double], median: Bool) -> Double {
        guard median else { return values.reduce(0, +) / Double(values.count) }
        return Quantile.type7(sorted: values.sorted(), 0.5)!
    }
}
