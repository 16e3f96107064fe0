import PluginKit
import Statistics
import Tabular

/// `mean X [by G] [confidence L, …]`: the mean of X with Student's t limits, one row per group, as
/// PHEindicatormethods' `phe_mean`: value, n (the values counted), sd, and limits
/// mean ± t(1 − α/2, n − 1)·sd/√n. A group of one value has no sd and no limits (said in notes);
/// missing values are left out.
enum MeanStage {
    static let stage = Stage(
        name: "mean", usage: "mean X [by G] [confidence L, …]",
        summary: "One row per group: mean, n, sd and Student's t limits at 95% and 99.8% (or the levels of confidence), as PHE's phe_mean.",
        example: "practices | mean listed_patients by cluster confidence 95",
        parameters: [Parameter(keyword: nil, placeholder: "X"), Parameter(keyword: "by", placeholder: "G"), ConfidenceLevels.parameter],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            try requireNumeric(shapes, [("", "the value X")])
            var out: [Field] = []
            if let g = shapes.types["by"] { out.append(Field(groupName(shapes.labels["by"]), g, role: .label)) }
            return out + [Field("mean", .decimal, role: .statistic), Field("n", .integer, role: .denominator), Field("sd", .decimal, role: .statistic)]
                + (try ConfidenceLevels.from(shapes)).fields() + [Field("statistic", .text, role: .note), Field("notes", .text, role: .note)]
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let levels = try ConfidenceLevels.from(arguments)
            let x = arguments.columns[""]!, groups = arguments.columns["by"]
            var order: [Value] = []
            var values: [Value: [Double]] = [:]
            for r in 0..<table.rowCount {
                let key = groups?.value(at: r) ?? .null
                if values[key] == nil { order.append(key); values[key] = [] }
                if let v = x.value(at: r).doubleValue { values[key]!.append(v) }
            }
            if groups != nil { order.sort { $0.description < $1.description } }
            let statistic = "mean of \(arguments.labels[""] ?? "X"); Student's t limits"
            var rows: [[Value]] = []
            for key in order {
                let list = values[key]!
                let n = Double(list.count)
                var row: [Value] = groups != nil ? [key] : []
                guard n > 0 else {
                    rows.append(row + [.null, .integer(0), .null] + [Value](repeating: .null, count: 2 * levels.percents.count) + [.text(statistic), .text("no values")])
                    continue
                }
                let mean = list.reduce(0, +) / n
                guard n > 1 else {
                    rows.append(row + [.decimal(mean), .integer(1), .null] + [Value](repeating: .null, count: 2 * levels.percents.count)
                                + [.text(statistic), .text("one value: no standard deviation or limits")])
                    continue
                }
                let sd = (list.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
                row += [.decimal(mean), .integer(Int64(n)), .decimal(sd)]
                for c in levels.fractions {
                    let half = Distributions.tQuantile((1 + c) / 2, degreesOfFreedom: n - 1) * sd / n.squareRoot()
                    row += [.decimal(mean - half), .decimal(mean + half)]
                }
                rows.append(row + [.text(statistic), .null])
            }
            var names = ["mean", "n", "sd"] + levels.names() + ["statistic", "notes"]
            var types: [DataType] = [.decimal, .integer, .decimal] + [DataType](repeating: .decimal, count: 2 * levels.percents.count) + [.text, .text]
            if let groups { names.insert(groupName(arguments.labels["by"]), at: 0); types.insert(groups.type, at: 0) }
            return Table.from(names: names, types: types, rows: rows)
        })
}
