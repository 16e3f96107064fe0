import PluginKit
import Tabular

/// `compare X per M N [within G] [against B]` (rates), `compare X of N [per M] …` (proportions) or
/// `compare X expected E [per M] …` (standardised ratios): each row against its group's pooled
/// value and the overall pooled value (or a benchmark B; for ratios the pooled ΣX/ΣE·M).
enum CompareStage {
    static let stage = Stage(
        name: "compare", usage: "compare X per M N [within G] [against B] [confidence L, …] [method byar|exact]  ·  compare X of N [per M] …  ·  compare X expected E [per M] …",
        summary: "Adds the rate (or proportion) with limits, the pooled group_rate and overall_rate, and vs_group/vs_overall: higher, similar or lower by the interval at the first confidence level (95% by default).",
        example: "practices | join left palliation on practice_id | derive services = coalesce(services, 0) | compare services per 1000 listed_patients within cluster",
        parameters: MeasureForm.parameters + [Parameter(keyword: "within", placeholder: "G"), Parameter(keyword: "against", placeholder: "B")],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            let kind = try MeasureForm.check(shapes, stage: "compare")
            if shapes.has("against") { try requireNumeric(shapes, [("against", "the benchmark B")]) }
            var added = try MeasureForm.fields(kind, shapes)
            if shapes.has("within") { added += [Field("group_rate", .decimal, role: .pooled), Field("vs_group", .text, role: .note)] }
            added += [Field("overall_rate", .decimal, role: .pooled), Field("vs_overall", .text, role: .note)]
            return merge(input, added)
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let measure = try MeasureForm.measure(arguments)
            var added = measure.columns(statistic: MeasureForm.statistic(measure, arguments))
            let rows = table.rowCount
            if let groups = arguments.columns["within"] {
                var members: [Value: [Int]] = [:]
                for r in 0..<rows { members[groups.value(at: r), default: []].append(r) }
                var pooled: [Value: Double?] = [:]
                for (key, list) in members { pooled[key] = measure.pooled(list) }
                let groupValues = (0..<rows).map { pooled[groups.value(at: $0)] ?? nil }
                added.append(decimal("group_rate", groupValues))
                added.append(text("vs_group", (0..<rows).map { measure.comparison($0, against: groupValues[$0]) }))
            }
            let overall: [Double?]
            if let benchmark = arguments.columns["against"] {
                overall = (0..<rows).map { benchmark.value(at: $0).doubleValue }
            } else {
                let value = measure.pooled(Array(0..<rows))
                overall = [Double?](repeating: value, count: rows)
            }
            added.append(decimal("overall_rate", overall))
            added.append(text("vs_overall", (0..<rows).map { measure.comparison($0, against: overall[$0]) }))
            return merge(table, added)
        })
}
