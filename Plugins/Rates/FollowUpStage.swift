import PluginKit
import Statistics
import Tabular

/// `followup X per M N period P [by U]` (rates) or `followup X of N [per M] period P [by U]`
/// (proportions): each unit's value in a baseline and a follow-up period (the smaller and larger
/// of P's two values), the change, and whether it is beyond chance — the exact conditional test
/// of two Poisson counts for rates, Fisher's exact test for proportions.
enum FollowUpStage {
    /// Follow-up reports one interval unless asked for more: 95% by default.
    static func levels(_ labels: [String]?) throws(StageError) -> ConfidenceLevels {
        labels == nil ? ConfidenceLevels(percents: [95]) : try ConfidenceLevels.from(labels)
    }

    static let stage = Stage(
        name: "followup", usage: "followup X per M N period P [by U] [confidence L, …]  ·  followup X of N [per M] period P [by U] [confidence L, …]",
        summary: "One row per unit: baseline and follow-up rates (or proportions) with 95% limits (or at the levels of confidence), change, the ratio, p_value (exact conditional test; Fisher's for proportions) and change_flag; units seen in one period only are kept and marked in status.",
        example: "billing | where service_code in (\"0130\", \"0421\") and year(service_date) <= 2023 | summarize services = sum(count) by practice_id, year = year(service_date) | join practices on practice_id | followup services per 1000 listed_patients period year by practice_id",
        parameters: [Parameter(keyword: nil, placeholder: "X"), Parameter(keyword: "of", placeholder: "N"),
                     Parameter(keyword: "per", takesNumber: true, expressionOptional: true, placeholder: "M [N]"),
                     Parameter(keyword: "period", placeholder: "P"), Parameter(keyword: "by", placeholder: "U"),
                     ConfidenceLevels.parameter],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            let isProportion = try MeasureForm.check(shapes, stage: "followup") == .proportion
            guard let period = shapes.types["period"] else {
                throw StageError("followup needs the period column: … period P", argument: "*", suggestion: "e.g. … period year by practice_id")
            }
            let value = isProportion ? "proportion" : "rate"
            var out: [Field] = []
            if let u = shapes.types["by"] { out.append(Field(groupName(shapes.labels["by"]), u, role: .label)) }
            out += [Field("baseline", period, role: .period), Field("followup", period, role: .period)]
            let levels = try Self.levels(shapes.listLabels["confidence"])
            for prefix in ["baseline", "followup"] {
                out += [Field("\(prefix)_\(value)", .decimal, role: .statistic)] + levels.fields(prefix: prefix + "_")
            }
            out += [Field("change", .decimal, role: .statistic), Field("\(value)_ratio", .decimal, role: .statistic), Field("p_value", .decimal, role: .statistic), Field("change_flag", .text, role: .note),
                    Field("status", .text, role: .note), Field("statistic", .text, role: .note)]
            return out
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let measure = try MeasureForm.measure(arguments)
            let levels = try Self.levels(arguments.listLabels["confidence"])
            let isProportion = measure.kind == .proportion
            let multiplier = measure.multiplier
            let statistic = MeasureForm.statistic(measure, arguments)
                + (isProportion ? "; Wilson limits; Fisher's exact test" : "; exact Poisson (<10) or Byar limits; exact conditional test")
            let period = arguments.columns["period"]!, units = arguments.columns["by"]
            let periods = Set((0..<table.rowCount).map { period.value(at: $0) }.filter { !$0.isNull })
            guard periods.count == 2 else {
                throw StageError("the period column must have exactly two values (baseline and follow-up), it has \(periods.count)", argument: "period",
                                 suggestion: "keep two periods first, e.g. | where year in (2022, 2023)")
            }
            let sortedPeriods = periods.sorted { a, b in
                switch (a, b) {
                case (.integer(let x), .integer(let y)): return x < y
                case (.date(let x), .date(let y)): return x < y
                default: return (a.doubleValue ?? 0, a.description) < (b.doubleValue ?? 0, b.description)
                }
            }
            let (base, follow) = (sortedPeriods[0], sortedPeriods[1])
            var order: [Value] = []
            var cells: [Value: [Value: (x: Double, n: Double)?]] = [:]
            for r in 0..<table.rowCount {
                let unit = units?.value(at: r) ?? .null
                let p = period.value(at: r)
                if cells[unit] == nil { order.append(unit); cells[unit] = [:] }
                if let x = measure.numerators[r], let n = measure.denominators[r] {
                    let old = cells[unit]![p] ?? nil
                    cells[unit]![p] = (x + (old?.x ?? 0), n + (old?.n ?? 0))
                } else {
                    cells[unit]![p] = .some(nil)
                }
            }
            if units != nil { order.sort { $0.description < $1.description } }
            var rows: [[Value]] = []
            for unit in order {
                var row: [Value] = units != nil ? [unit] : []
                row += [base, follow]
                let a = cells[unit]![base] ?? nil, b = cells[unit]![follow] ?? nil
                for cell in [a, b] {
                    guard let cell else { row += [Value](repeating: .null, count: 1 + 2 * levels.percents.count); continue }
                    row.append(.decimal(cell.x / cell.n * multiplier))
                    for c in levels.fractions {
                        if isProportion {
                            let ci = WilsonInterval(successes: cell.x, trials: cell.n, confidence: c)
                            row += [.decimal(ci.lower * multiplier), .decimal(ci.upper * multiplier)]
                        } else {
                            let ci = PoissonInterval(events: cell.x, confidence: c)
                            row += [.decimal(ci.lower / cell.n * multiplier), .decimal(ci.upper / cell.n * multiplier)]
                        }
                    }
                }
                if let a, let b {
                    let r1 = a.x / a.n * multiplier, r2 = b.x / b.n * multiplier
                    let p = isProportion ? ProportionComparison.fisherPValue(successes1: a.x, trials1: a.n, successes2: b.x, trials2: b.n)
                        : RateComparison.pValue(events1: a.x, exposure1: a.n, events2: b.x, exposure2: b.n)
                    let flag = p >= 0.05 ? "similar" : (r2 > r1 ? "higher" : "lower")
                    row += [.decimal(r2 - r1), r1 > 0 ? .decimal(r2 / r1) : .null, .decimal(p), .text(flag), .text("both periods")]
                } else {
                    let status = a == nil && b == nil ? "no data" : (a == nil ? "follow-up only" : "baseline only")
                    row += [.null, .null, .null, .null, .text(status)]
                }
                row.append(.text(statistic))
                rows.append(row)
            }
            let value = isProportion ? "proportion" : "rate"
            var names = ["baseline", "followup", "baseline_\(value)"] + levels.names(prefix: "baseline_") + ["followup_\(value)"] + levels.names(prefix: "followup_")
                + ["change", "\(value)_ratio", "p_value", "change_flag", "status", "statistic"]
            var types: [DataType] = [period.type, period.type] + [DataType](repeating: .decimal, count: 5 + 4 * levels.percents.count) + [.text, .text, .text]
            if let units { names.insert(groupName(arguments.labels["by"]), at: 0); types.insert(units.type, at: 0) }
            return Table.from(names: names, types: types, rows: rows)
        })
}
