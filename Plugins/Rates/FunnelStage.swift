import Foundation
import PluginKit
import Statistics
import Tabular

/// `funnel X per M N [within G] [adjusted] [shmi]`, `funnel X of N [per M] [within G] [adjusted]` or
/// `funnel X expected E [per M] [within G] [adjusted] [shmi]`: control limits at each row's
/// denominator around the target, PHE's significance labels, and the overdispersion estimate.
///
/// The target is the pooled value (ΣX/ΣN·M) for rates and proportions and 1·M for standardised
/// ratios, or the fixed value `target T` (in the value's units, e.g. `target 12` per 100). Limits
/// are drawn at each confidence level (95% and 99.8% by default, `confidence …`), and a unit is
/// flagged by the widest level it lies beyond, as High/Low (p) with p = (1 − level)/2. Unadjusted limits and labels follow PHEindicatormethods: rates and ratios get exact
/// Poisson limits and are labelled by their own exact/Byar interval against the target;
/// proportions get PHE's Wilson-score limits. `adjusted` widens the limits by τ² as FunnelPlotR
/// does (CQC/PR winsorised, or SHMI's log scale with truncation) and labels points by those
/// limits; when there is no overdispersion (τ² = 0) FunnelPlotR falls back to its exact Poisson
/// limits, and so does klynge.
///
/// Other limits on request (`limits …`): `normal` and `binomial` for proportions as funnelR draws
/// them (θ ± z·√(θ(1−θ)/n), and binomial quantiles over n); `spiegelhalter`, the interpolated
/// binomial (proportions) and Poisson (rates, ratios) limits of Spiegelhalter (Stat Med
/// 2005;24:1185, appendix). `funnel X over N` is FunnelPlotR's ratio of two counts ("RC"): on the
/// log scale, y = log((X+½)/(N+½)) with s² = X/(X+½)² + N/(N+½)², target log(ΣX/ΣN), limits
/// exp(target ± z·√(s² + τ²)), τ² with `adjusted`.
enum FunnelStage {
    /// Which limits a funnel draws.
    enum Limits: Int {
        case phe = 0, normal, binomial, spiegelhalter
        static let names = ["phe", "normal", "binomial", "spiegelhalter"]
    }

    static let stage = Stage(
        name: "funnel", usage: "funnel X per M N [within G] [target T] [adjusted] [shmi] [limits phe|spiegelhalter] [confidence L, …]  ·  funnel X of N [per M] … [limits phe|normal|binomial|spiegelhalter]  ·  funnel X expected E [per M] …  ·  funnel X over N [per M] [within G] [adjusted]",
        summary: "Adds target, funnel_lower95/upper95/lower998/upper998 at each row's denominator, funnel_flag (High/Low (0.025/0.001), Not significant), phi, tau2, funnel_method and statistic; adjusted uses overdispersion-adjusted limits.",
        example: "practices | join left palliation on practice_id | derive services = coalesce(services, 0) | funnel services per 1000 listed_patients",
        parameters: MeasureForm.parameters + [Parameter(keyword: "within", placeholder: "G"),
                     Parameter(keyword: "target", takesNumber: true, takesExpression: false, placeholder: "T"),
                     Parameter(keyword: "adjusted", takesExpression: false, placeholder: ""),
                     Parameter(keyword: "shmi", takesExpression: false, placeholder: ""),
                     Parameter(keyword: "over", placeholder: "N"), Parameter.choice(keyword: "limits", Limits.names)],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            if shapes.has("over") {
                for key in ["of", "expected", "shmi", "limits"] where shapes.has(key) {
                    throw StageError("a ratio of counts (X over N) takes no '\(key)'", argument: key, suggestion: "funnel X over N [per M] [within G] [adjusted]")
                }
                if shapes.types["per"] != nil { throw StageError("write X over N per M, with the multiplier only", argument: "per") }
                try requireNumeric(shapes, [("", "the count X"), ("over", "the count N")])
                return merge(input, [Field("ratio", .decimal, role: .statistic)] + (try fields(ConfidenceLevels.from(shapes))))
            }
            let kind = try MeasureForm.check(shapes, stage: "funnel")
            if let chosen = shapes.numbers["limits"].flatMap({ Limits(rawValue: Int($0)) }) {
                if [.normal, .binomial].contains(chosen), kind != .proportion {
                    throw StageError("limits \(Limits.names[chosen.rawValue]) are funnelR's, for proportions (X of N)", argument: "limits")
                }
                if chosen != .phe, shapes.has("adjusted") {
                    throw StageError("adjusted draws FunnelPlotR's overdispersion limits; leave out limits \(Limits.names[chosen.rawValue]), or adjusted", argument: "limits")
                }
            }
            if kind == .proportion, shapes.has("shmi") {
                throw StageError("shmi (log scale, truncation) is for rates and ratios; proportions use the arcsine scale", argument: "shmi")
            }
            return merge(input, [try MeasureForm.fields(kind, shapes)[0]] + (try fields(ConfidenceLevels.from(shapes))))
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let counts = arguments.columns["over"]
            let measure: Measure
            if let counts {
                measure = try Measure(kind: .ratio, x: arguments.columns[""]!, n: counts, multiplier: arguments.numbers["per"] ?? 1,
                                      xLabel: arguments.labels[""] ?? "X", nLabel: arguments.labels["over"] ?? "N", levels: ConfidenceLevels.from(arguments))
            } else {
                measure = try MeasureForm.measure(arguments)
            }
            let limits = arguments.numbers["limits"].flatMap { Limits(rawValue: Int($0)) } ?? .phe
            let fixed = arguments.numbers["target"]
            if let fixed, fixed <= 0 || (measure.kind == .proportion && fixed >= measure.multiplier) {
                throw StageError("the target must be above 0\(measure.kind == .proportion ? " and below \(NumberFormat.plain(measure.multiplier))" : ""), not \(NumberFormat.plain(fixed))",
                                 argument: "target")
            }
            let adjusted = arguments.numbers["adjusted"] != nil
            let shmi = arguments.numbers["shmi"] != nil
            let rows = table.rowCount
            var groups: [Value: [Int]] = [:]
            if let g = arguments.columns["within"] {
                for r in 0..<rows { groups[g.value(at: r), default: []].append(r) }
            } else {
                groups[.null] = Array(0..<rows)
            }
            var out = FunnelColumns(rows: rows, levels: measure.levels)
            for (_, members) in groups {
                try out.fill(members, measure: measure, adjusted: adjusted, shmi: shmi, target: fixed, limits: limits, countRatio: counts != nil)
            }
            let per = measure.multiplier == 1 ? "" : " per \(NumberFormat.plain(measure.multiplier))"
            let statistic = counts == nil ? MeasureForm.statistic(measure, arguments)
                : "\(arguments.labels[""] ?? "X") over \(arguments.labels["over"] ?? "N")\(per) (ratio of counts)"
            return merge(table, [decimal(measure.valueName, measure.value)] + out.columns
                         + [text("statistic", measure.value.map { _ in statistic })])
        })

    static func fields(_ levels: ConfidenceLevels) -> [Field] {
        [Field("target", .decimal, role: .pooled)] + levels.fields(prefix: "funnel_", role: .pooled)
            + [Field("funnel_flag", .text, role: .note), Field("phi", .decimal, role: .pooled), Field("tau2", .decimal, role: .pooled),
               Field("funnel_method", .text, role: .note), Field("statistic", .text, role: .note)]
    }

    /// PHE's label for a unit beyond limits at the stage's levels (`FunnelLimits.label`).
    static func flag(above: [Bool], below: [Bool], levels: ConfidenceLevels) -> String {
        FunnelLimits.label(above: above, below: below, levels: levels.percents)
    }
}

/// The funnel columns being filled group by group.
struct FunnelColumns {
    let levels: ConfidenceLevels
    var target: [Double?], lower: [[Double?]], upper: [[Double?]]
    var flag: [String?], phi: [Double?], tau2: [Double?], method: [String?]

    init(rows: Int, levels: ConfidenceLevels) {
        self.levels = levels
        let none = [Double?](repeating: nil, count: rows)
        (target, phi, tau2) = (none, none, none)
        lower = levels.percents.map { _ in none }
        upper = lower
        flag = [String?](repeating: nil, count: rows)
        method = flag
    }

    /// Computes the limits and flags for the rows of one group around its target (the pooled
    /// value, 1·M for ratios, or the fixed `target`).
    mutating func fill(_ members: [Int], measure: Measure, adjusted: Bool, shmi: Bool, target fixed: Double? = nil,
                       limits kind: FunnelStage.Limits = .phe, countRatio: Bool = false) throws(StageError) {
        let proportion = measure.kind == .proportion
        let counted = members.filter { measure.numerators[$0] != nil }
        let m = measure.multiplier
        guard !counted.isEmpty, let centre = fixed ?? (measure.kind == .ratio && !countRatio ? m : measure.pooled(counted)) else { return }
        let average = centre / m
        if countRatio {
            fillCountRatio(counted, measure: measure, centre: centre, adjusted: adjusted, fixed: fixed != nil)
            return
        }
        if kind != .phe {
            fillReference(counted, measure: measure, centre: centre, kind: kind, fixed: fixed != nil)
            return
        }
        let od = try RateDispersion.estimate(counted, measure: measure, average: average, shmi: shmi)
        let targetTransformed = proportion ? asin(average.squareRoot()) : 1
        // FunnelPlotR draws its plain Poisson limits when asked to adjust but τ² is 0.
        let poissonFallback = adjusted && !proportion && od.tau2 == 0
        var label: String
        if poissonFallback {
            label = String(format: "exact Poisson (FunnelPlotR; no overdispersion to adjust for, phi %.3f)", od.phi)
        } else if adjusted {
            let scale = proportion ? "arcsine, 10% winsorised" : shmi ? "log, 10% truncated (SHMI)" : "square root, 10% winsorised"
            label = String(format: "overdispersion-adjusted (%@, phi %.3f, tau2 %.5f)", scale, od.phi, od.tau2)
        } else {
            label = proportion ? "normal approximation (PHE)" : "exact Poisson (PHE)"
        }
        if fixed != nil { label += "; fixed target" }
        for r in counted {
            let n = measure.denominators[r]!
            var limits: [(Double, Double)] = []
            for confidence in levels.fractions {
                if poissonFallback {
                    let l = FunnelLimits.poissonRate(target: centre, denominator: n, multiplier: m, confidence: confidence)
                    limits.append((l.lower, l.upper))
                } else if adjusted {
                    let z = Distributions.normalQuantile(confidence + (1 - confidence) / 2)
                    if proportion {
                        let spread = z * (1 / (4 * n) + od.tau2).squareRoot()
                        let lo = max(0, targetTransformed - spread), hi = min(Double.pi / 2, targetTransformed + spread)
                        limits.append((sin(lo) * sin(lo) * m, sin(hi) * sin(hi) * m))
                    } else if shmi {
                        let spread = z * (1 / (average * n) + od.tau2).squareRoot()
                        limits.append((centre * exp(-spread), centre * exp(spread)))
                    } else {
                        let expected = average * n
                        let spread = z * (1 / (4 * expected) + od.tau2).squareRoot()
                        let lo = max(0, 1 - spread), hi = 1 + spread
                        limits.append((centre * lo * lo, centre * hi * hi))
                    }
                } else if proportion {
                    let l = FunnelLimits.proportion(average: average, denominator: n, multiplier: m, confidence: confidence)
                    limits.append((l.lower, l.upper))
                } else {
                    let l = FunnelLimits.pheRate(target: centre, denominator: n, multiplier: m, confidence: confidence)
                    limits.append((l.lower, l.upper))
                }
            }
            target[r] = centre
            for k in limits.indices { (lower[k][r], upper[k][r]) = limits[k] }
            let value = measure.value[r]!
            if proportion || adjusted {
                flag[r] = FunnelStage.flag(above: limits.map { value > $0.1 }, below: limits.map { value < $0.0 }, levels: levels)
            } else {
                // PHE tests a rate or ratio by its own exact/Byar interval against the target, as Fingertips does.
                flag[r] = FunnelStage.flag(above: levels.percents.indices.map { measure.lower[$0][r]! > centre },
                                           below: levels.percents.indices.map { measure.upper[$0][r]! < centre }, levels: levels)
            }
            phi[r] = od.phi
            tau2[r] = od.tau2
            method[r] = label
        }
    }

    /// funnelR's normal and binomial limits, or Spiegelhalter's interpolated ones; flags by the limits.
    mutating func fillReference(_ counted: [Int], measure: Measure, centre: Double, kind: FunnelStage.Limits, fixed: Bool) {
        let m = measure.multiplier, theta = centre / m
        let label = ["", "normal approximation (funnelR)", "exact binomial quantiles (funnelR)",
                     measure.kind == .proportion ? "interpolated binomial (Spiegelhalter 2005)" : "interpolated Poisson (Spiegelhalter 2005)"][kind.rawValue]
            + (fixed ? "; fixed target" : "")
        for r in counted {
            let n = measure.denominators[r]!
            let limits = levels.fractions.map { c -> (Double, Double) in
                let p = (1 - c) / 2
                switch kind {
                case .normal:
                    let spread = Distributions.normalQuantile(1 - p) * (theta * (1 - theta) / n).squareRoot()
                    return ((theta - spread) * m, (theta + spread) * m)
                case .binomial:
                    return (Distributions.binomialQuantile(p, trials: n, probability: theta) / n * m,
                            Distributions.binomialQuantile(1 - p, trials: n, probability: theta) / n * m)
                default:
                    return (FunnelLimits.interpolated(p, denominator: n, average: theta, binomial: measure.kind == .proportion) * m,
                            FunnelLimits.interpolated(1 - p, denominator: n, average: theta, binomial: measure.kind == .proportion) * m)
                }
            }
            record(r, limits: limits, value: measure.value[r]!, centre: centre, label: label, phi: nil, tau2: nil)
        }
    }

    /// FunnelPlotR's ratio-of-counts funnel: log scale, each unit's own standard error.
    mutating func fillCountRatio(_ counted: [Int], measure: Measure, centre: Double, adjusted: Bool, fixed: Bool) {
        let m = measure.multiplier
        let target = log(centre / m)
        let units = counted.map { r in Overdispersion.countRatioUnit(x: measure.numerators[r]!, n: measure.denominators[r]!) }
        let od = Overdispersion(units: units, target: target)
        let tau2 = adjusted ? od.tau2 : 0
        let label = (adjusted ? String(format: "ratio of counts, log scale, overdispersion-adjusted (phi %.3f, tau2 %.5f)", od.phi, od.tau2)
                              : "ratio of counts, log scale (FunnelPlotR)") + (fixed ? "; fixed target" : "")
        for (k, r) in counted.enumerated() {
            let limits = levels.fractions.map { c -> (Double, Double) in
                let spread = Distributions.normalQuantile(c + (1 - c) / 2) * (units[k].s * units[k].s + tau2).squareRoot()
                return (m * exp(target - spread), m * exp(target + spread))
            }
            record(r, limits: limits, value: measure.value[r]!, centre: centre, label: label, phi: od.phi, tau2: od.tau2)
        }
    }

    /// One row's target, limits, flag by its limits, dispersion and method.
    mutating func record(_ r: Int, limits: [(Double, Double)], value: Double, centre: Double, label: String, phi p: Double?, tau2 t: Double?) {
        target[r] = centre
        for k in limits.indices { (lower[k][r], upper[k][r]) = limits[k] }
        flag[r] = FunnelStage.flag(above: limits.map { value > $0.1 }, below: limits.map { value < $0.0 }, levels: levels)
        phi[r] = p
        tau2[r] = t
        method[r] = label
    }

    var columns: [Column] {
        let names = levels.names(prefix: "funnel_")
        return [decimal("target", target)] + levels.percents.indices.flatMap { k in [decimal(names[2 * k], lower[k]), decimal(names[2 * k + 1], upper[k])] }
            + [text("funnel_flag", flag), decimal("phi", phi), decimal("tau2", tau2), text("funnel_method", method)]
    }
}

/// φ and τ² of a group's rates or proportions on the scale FunnelPlotR uses for them.
enum RateDispersion {
    /// Proportions: arcsine, winsorised. Rates and ratios: square root, winsorised (CQC), or with
    /// `shmi` the log scale with truncation (SHMI), which cannot take a zero count. `average` is the
    /// target per unit of denominator (the pooled rate, or 1 for standardised ratios); without it,
    /// the rows' pooled value.
    static func estimate(_ rows: [Int], measure: Measure, average given: Double? = nil, shmi: Bool) throws(StageError) -> Overdispersion {
        guard let average = given ?? measure.pooled(rows).map({ $0 / measure.multiplier }) else { return Overdispersion(units: [], target: 0) }
        if measure.kind == .proportion {
            let units = rows.map { Overdispersion.proportionUnit(x: measure.numerators[$0]!, n: measure.denominators[$0]!) }
            return Overdispersion(units: units, target: asin(average.squareRoot()))
        }
        if shmi {
            var units: [Overdispersion.Unit] = []
            for r in rows {
                let x = measure.numerators[r]!
                if x == 0 {
                    throw StageError("row \(r + 1) has no events; the SHMI method's log scale cannot take a zero count", argument: "shmi",
                                     suggestion: "leave out shmi to use the square-root scale, which can")
                }
                units.append(Overdispersion.logRateUnit(observed: x, expected: average * measure.denominators[r]!))
            }
            return Overdispersion(units: units, target: 0, trimming: .truncate)
        }
        let units = rows.compactMap { r -> Overdispersion.Unit? in
            let expected = average * measure.denominators[r]!
            return expected > 0 ? Overdispersion.rateUnit(observed: measure.numerators[r]!, expected: expected) : nil
        }
        return Overdispersion(units: units, target: 1)
    }
}
