import Foundation
import PluginKit
import Statistics
import Tabular

/// `funnel X per M N [within G] [adjusted] [shmi]`, `funnel X of N [per M] [within G] [adjusted]` or
/// `funnel X expected E [per M] [within G] [adjusted] [shmi]`: control limits at each row's
/// denominator around the target, PHE's significance labels, and the overdispersion estimate.
///
/// The target is the pooled value (ΣX/ΣN·M) for rates and proportions and 1·M for standardised
/// ratios. Unadjusted limits and labels follow PHEindicatormethods: rates and ratios get exact
/// Poisson limits and are labelled by their own exact/Byar interval against the target;
/// proportions get PHE's Wilson-score limits. `adjusted` widens the limits by τ² as FunnelPlotR
/// does (CQC/PR winsorised, or SHMI's log scale with truncation) and labels points by those
/// limits; when there is no overdispersion (τ² = 0) FunnelPlotR falls back to its exact Poisson
/// limits, and so does klynge.
enum FunnelStage {
    static let stage = Stage(
        name: "funnel", usage: "funnel X per M N [within G] [adjusted] [shmi]  ·  funnel X of N [per M] [within G] [adjusted]  ·  funnel X expected E [per M] [within G] [adjusted] [shmi]",
        summary: "Adds target, funnel_lower95/upper95/lower998/upper998 at each row's denominator, funnel_flag (High/Low (0.025/0.001), Not significant), phi, tau2, funnel_method and statistic; adjusted uses overdispersion-adjusted limits.",
        example: "practices | join left palliation on practice_id | derive services = coalesce(services, 0) | funnel services per 1000 listed_patients",
        parameters: MeasureForm.parameters + [Parameter(keyword: "within", placeholder: "G"),
                     Parameter(keyword: "adjusted", takesExpression: false, placeholder: ""),
                     Parameter(keyword: "shmi", takesExpression: false, placeholder: "")],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            let kind = try MeasureForm.check(shapes, stage: "funnel")
            if kind == .proportion, shapes.has("shmi") {
                throw StageError("shmi (log scale, truncation) is for rates and ratios; proportions use the arcsine scale", argument: "shmi")
            }
            return merge(input, [MeasureForm.fields(kind)[0]] + fields)
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let measure = try MeasureForm.measure(arguments)
            let adjusted = arguments.numbers["adjusted"] != nil
            let shmi = arguments.numbers["shmi"] != nil
            let rows = table.rowCount
            var groups: [Value: [Int]] = [:]
            if let g = arguments.columns["within"] {
                for r in 0..<rows { groups[g.value(at: r), default: []].append(r) }
            } else {
                groups[.null] = Array(0..<rows)
            }
            var out = FunnelColumns(rows: rows)
            for (_, members) in groups {
                try out.fill(members, measure: measure, adjusted: adjusted, shmi: shmi)
            }
            let statistic = MeasureForm.statistic(measure, arguments)
            return merge(table, [decimal(measure.valueName, measure.value)] + out.columns
                         + [text("statistic", measure.value.map { _ in statistic })])
        })

    static let fields = [Field("target", .decimal, role: .pooled), Field("funnel_lower95", .decimal, role: .pooled), Field("funnel_upper95", .decimal, role: .pooled),
                         Field("funnel_lower998", .decimal, role: .pooled), Field("funnel_upper998", .decimal, role: .pooled), Field("funnel_flag", .text, role: .note),
                         Field("phi", .decimal, role: .pooled), Field("tau2", .decimal, role: .pooled), Field("funnel_method", .text, role: .note), Field("statistic", .text, role: .note)]
}

/// The funnel columns being filled group by group.
struct FunnelColumns {
    var target: [Double?], lower95: [Double?], upper95: [Double?], lower998: [Double?], upper998: [Double?]
    var flag: [String?], phi: [Double?], tau2: [Double?], method: [String?]

    init(rows: Int) {
        let none = [Double?](repeating: nil, count: rows)
        (target, lower95, upper95, lower998, upper998, phi, tau2) = (none, none, none, none, none, none, none)
        flag = [String?](repeating: nil, count: rows)
        method = flag
    }

    /// Computes the limits and flags for the rows of one group around its target.
    mutating func fill(_ members: [Int], measure: Measure, adjusted: Bool, shmi: Bool) throws(StageError) {
        let proportion = measure.kind == .proportion
        let counted = members.filter { measure.numerators[$0] != nil }
        let m = measure.multiplier
        guard !counted.isEmpty, let centre = measure.kind == .ratio ? m : measure.pooled(counted) else { return }
        let average = centre / m
        let od = try RateDispersion.estimate(counted, measure: measure, average: average, shmi: shmi)
        let targetTransformed = proportion ? asin(average.squareRoot()) : 1
        // FunnelPlotR draws its plain Poisson limits when asked to adjust but τ² is 0.
        let poissonFallback = adjusted && !proportion && od.tau2 == 0
        let label: String
        if poissonFallback {
            label = String(format: "exact Poisson (FunnelPlotR; no overdispersion to adjust for, phi %.3f)", od.phi)
        } else if adjusted {
            let scale = proportion ? "arcsine, 10% winsorised" : shmi ? "log, 10% truncated (SHMI)" : "square root, 10% winsorised"
            label = String(format: "overdispersion-adjusted (%@, phi %.3f, tau2 %.5f)", scale, od.phi, od.tau2)
        } else {
            label = proportion ? "normal approximation (PHE)" : "exact Poisson (PHE)"
        }
        for r in counted {
            let n = measure.denominators[r]!
            var limits: [(Double, Double)] = []
            for (_, confidence) in FunnelLimits.levels {
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
            (lower95[r], upper95[r]) = (limits[0].0, limits[0].1)
            (lower998[r], upper998[r]) = (limits[1].0, limits[1].1)
            if proportion || adjusted {
                flag[r] = FunnelLimits.flag(value: measure.value[r]!, lower95: limits[0].0, upper95: limits[0].1,
                                            lower998: limits[1].0, upper998: limits[1].1)
            } else {
                // PHE tests a rate or ratio by its own exact/Byar interval against the target, as Fingertips does.
                flag[r] = FunnelLimits.rateFlag(target: centre, lower95: measure.lower95[r]!, upper95: measure.upper95[r]!,
                                                lower998: measure.lower998[r]!, upper998: measure.upper998[r]!)
            }
            phi[r] = od.phi
            tau2[r] = od.tau2
            method[r] = label
        }
    }

    var columns: [Column] {
        [decimal("target", target), decimal("funnel_lower95", lower95), decimal("funnel_upper95", upper95),
         decimal("funnel_lower998", lower998), decimal("funnel_upper998", upper998), text("funnel_flag", flag),
         decimal("phi", phi), decimal("tau2", tau2), text("funnel_method", method)]
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
