import PluginKit
import Statistics
import Tabular

/// `variation X per M N [by G] [mcpherson]`: how much practices vary, one row per group.
///
/// Rates rᵢ = xᵢ/nᵢ·M; expected counts eᵢ = nᵢ·Σx/Σn. Columns: units, pooled_rate, mean, median,
/// min, max, sd (sample), cv = sd/mean, iqr_ratio = q75/q25 (type 7), eq = max/min, eq_eb (sava's
/// empirical-Bayes 80/20 quotient), scv (Diehr, or McPherson with `mcpherson`), phi and tau2
/// (FunnelPlotR, square-root scale, 10% winsorised; `shmi`: log scale, 10% truncated). A statistic that is undefined for the data
/// (a zero rate under eq or iqr_ratio, a negative scv, five units or fewer for eq_eb, one unit for
/// sd) is null, and `notes` says why; `statistic` names the count and the denominator.
enum VariationStage {
    static let stage = Stage(
        name: "variation", usage: "variation X per M N [by G] [mcpherson] [shmi]",
        summary: "One row per group: units, pooled_rate, mean, median, min, max, sd, cv, iqr_ratio, eq, eq_eb, scv, phi, tau2, notes on undefined values, and the statistic (count and denominator).",
        example: "practices | join left palliation on practice_id | derive services = coalesce(services, 0) | variation services per 1000 listed_patients by cluster",
        parameters: [Parameter(keyword: nil, placeholder: "X"), Parameter(keyword: "per", takesNumber: true, placeholder: "M N"),
                     Parameter(keyword: "by", placeholder: "G"), Parameter(keyword: "mcpherson", takesExpression: false, placeholder: ""),
                     Parameter(keyword: "shmi", takesExpression: false, placeholder: "")],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            guard shapes.numbers["per"] != nil, shapes.types["per"] != nil else {
                throw StageError("variation needs a multiplier and a denominator: variation X per M N", argument: "per")
            }
            try requireNumeric(shapes, [("", "the count X"), ("per", "the denominator N")])
            var out: [Field] = []
            if let g = shapes.types["by"] { out.append(Field(groupName(shapes.labels["by"]), g, role: .label)) }
            out.append(Field("units", .integer, role: .pooled))
            for name in ["pooled_rate", "mean", "median", "min", "max", "sd", "cv", "iqr_ratio", "eq", "eq_eb", "scv", "phi", "tau2"] {
                out.append(Field(name, .decimal, role: .pooled))   // over the group's units
            }
            out += [Field("notes", .text, role: .note), Field("statistic", .text, role: .note)]
            return out
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let multiplier = arguments.numbers["per"]!
            let measure = try Measure(kind: .rate, x: arguments.columns[""]!, n: arguments.columns["per"]!, multiplier: multiplier,
                                      xLabel: arguments.labels[""] ?? "X", nLabel: arguments.labels["per"] ?? "N")
            let statistic = MeasureForm.statistic(measure, arguments)
            let mcpherson = arguments.numbers["mcpherson"] != nil
            let shmi = arguments.numbers["shmi"] != nil
            var order: [Value] = []
            var members: [Value: [Int]] = [:]
            let groups = arguments.columns["by"]
            for r in 0..<table.rowCount where measure.numerators[r] != nil {
                let key = groups?.value(at: r) ?? .null
                if members[key] == nil { order.append(key) }
                members[key, default: []].append(r)
            }
            if groups != nil { order.sort { $0.description < $1.description } }
            var rows: [[Value]] = []
            for key in order {
                let summary = try GroupVariation(rows: members[key]!, measure: measure, mcpherson: mcpherson, shmi: shmi)
                rows.append((groups != nil ? [key] : []) + summary.values + [.text(statistic)])
            }
            var names = ["units", "pooled_rate", "mean", "median", "min", "max", "sd", "cv", "iqr_ratio", "eq", "eq_eb", "scv", "phi", "tau2", "notes", "statistic"]
            var types: [DataType] = [.integer] + [DataType](repeating: .decimal, count: 13) + [.text, .text]
            if let groups { names.insert(groupName(arguments.labels["by"]), at: 0); types.insert(groups.type, at: 0) }
            return Table.from(names: names, types: types, rows: rows)
        })
}

/// The group column keeps the name of the `by` column; an expression gives `group`.
func groupName(_ label: String?) -> String {
    guard let label, !label.isEmpty, label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return "group" }
    return label
}

/// The variation statistics of one group's units.
struct GroupVariation {
    var values: [Value]

    init(rows: [Int], measure: Measure, mcpherson: Bool, shmi: Bool) throws(StageError) {
        let o = rows.map { measure.numerators[$0]! }, n = rows.map { measure.denominators[$0]! }
        let rates = rows.map { measure.value[$0]! }
        let sorted = rates.sorted()
        let units = rates.count
        var notes: [String] = []
        let pooled = measure.pooled(rows)
        let mean = rates.reduce(0, +) / Double(units)
        var sd: Double? = nil
        if units >= 2 {
            let ss = rates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            sd = (ss / Double(units - 1)).squareRoot()
        } else {
            notes.append("sd and cv need 2 units")
        }
        let cv = sd.flatMap { mean > 0 ? $0 / mean : nil }
        var iqr: Double? = nil
        if let q1 = Quantile.type7(sorted: sorted, 0.25), let q3 = Quantile.type7(sorted: sorted, 0.75) {
            if q1 > 0 { iqr = q3 / q1 } else { notes.append("iqr_ratio: the 25th percentile is 0") }
        }
        var eq: Double? = nil
        if let lo = sorted.first, let hi = sorted.last {
            if lo > 0 { eq = hi / lo } else { notes.append("eq: a unit has rate 0 (see eq_eb)") }
        }
        let expected = n.map { $0 * (pooled ?? 0) / measure.multiplier }
        let eqEB = SmallAreaVariation.empiricalBayesEQ(observed: o, expected: expected)
        if eqEB == nil { notes.append(units <= 5 ? "eq_eb needs more than 5 units" : "eq_eb: no maximum-likelihood estimate") }
        let scv = SmallAreaVariation.scv(observed: o, expected: expected, mcpherson: mcpherson)
        if scv == nil { notes.append(mcpherson && o.contains(0) ? "scv (McPherson) is undefined with a zero count" : "scv is negative or undefined (less variation than chance)") }
        let od = try RateDispersion.estimate(rows, measure: measure, shmi: shmi)
        notes.insert((mcpherson ? "scv: McPherson" : "scv: Diehr") + (shmi ? "; phi: SHMI (log, truncated)" : ""), at: 0)
        func v(_ x: Double?) -> Value { x.map(Value.decimal) ?? .null }
        values = [.integer(Int64(units)), v(pooled), v(mean), v(Quantile.type7(sorted: sorted, 0.5)), v(sorted.first), v(sorted.last),
                  v(sd), v(cv), v(iqr), v(eq), v(eqEB), v(scv), v(od.phi), v(od.tau2), .text(notes.joined(separator: "; "))]
    }
}
