/// Funnel-plot control limits around a target (Spiegelhalter 2005, Stat Med 24:1185).
public enum FunnelLimits {
    /// The two-sided tail probabilities of the 95% and 99.8% limits.
    public static let levels: [(name: String, confidence: Double)] = [("95", 0.95), ("998", 0.998)]

    /// Exact Poisson limits for a rate (per `multiplier`) at a denominator, as FunnelPlotR's
    /// `calculate_limits`: with the expected count E = target·n/multiplier, the lower limit is
    /// target·χ²(α/2; 2E)/2E and the upper target·χ²(1−α/2; 2E+2)/2E.
    public static func poissonRate(target: Double, denominator n: Double, multiplier: Double, confidence: Double) -> (lower: Double, upper: Double) {
        let expected = target * n / multiplier
        guard expected > 0 else { return (0, .infinity) }
        let alpha = 1 - confidence
        let lower = target * Distributions.chiSquaredQuantile(alpha / 2, degreesOfFreedom: 2 * expected) / (2 * expected)
        let upper = target * Distributions.chiSquaredQuantile(1 - alpha / 2, degreesOfFreedom: 2 * expected + 2) / (2 * expected)
        return (lower, upper)
    }

    /// Exact Poisson limits for a rate (per `multiplier`) at a denominator, as PHEindicatormethods'
    /// funnels draw them (`phe_funnels`, statistic "rate"): the lower limit is the rate x/n at which
    /// the upper exact confidence limit of x events just reaches the expected count E = target·n,
    /// the upper limit the rate at which the lower exact limit of x does. PHE finds these points by
    /// bisection for whole event counts; this solves the same equations for any x through the
    /// Poisson–gamma identity P(X ≥ a | E) = P(Γ(a) ≤ E), so at whole counts the two agree.
    public static func pheRate(target: Double, denominator n: Double, multiplier: Double, confidence: Double) -> (lower: Double, upper: Double) {
        let expected = target * n / multiplier
        guard expected > 0 else { return (0, .infinity) }
        let alpha = 1 - confidence
        // Upper exact limit of x is the E with P(Γ(x+1) ≤ E) = 1 − α/2; the gamma probability falls as the shape grows.
        let lowerShape = shape(where: { Distributions.gammaProbability(expected, shape: $0) }, equals: 1 - alpha / 2, atLeast: 1)
        // Lower exact limit of x is the E with P(Γ(x) ≤ E) = α/2.
        let upperShape = shape(where: { Distributions.gammaProbability(expected, shape: $0) }, equals: alpha / 2, atLeast: 0)
        let perUnit = multiplier / n
        return (max(0, lowerShape - 1) * perUnit, upperShape * perUnit)
    }

    /// The shape a ≥ `floor` at which the falling function `probability(a)` equals `p` (the floor
    /// itself when even there it is below `p`), by bisection to machine precision.
    private static func shape(where probability: (Double) -> Double, equals p: Double, atLeast floor: Double) -> Double {
        if probability(floor) <= p { return floor }
        var low = floor, high = max(1, floor * 2)
        while probability(high) > p { low = high; high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if mid == low || mid == high { break }
            if probability(mid) > p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// Spiegelhalter's interpolated limit (Stat Med 2005;24:1185, appendix) at probability p for a
    /// denominator n around an average θ per unit: r = the p-quantile of the count (binomial n, θ;
    /// or Poisson with mean θn), α = (F(r) − p)/(F(r) − F(r − 1)), limit (r − α)/n per unit.
    public static func interpolated(_ p: Double, denominator n: Double, average theta: Double, binomial: Bool) -> Double {
        func cdf(_ x: Double) -> Double {
            guard x >= 0 else { return 0 }
            return binomial ? Distributions.binomialProbability(x, trials: n, probability: theta) : Distributions.poissonProbability(x, mean: theta * n)
        }
        let r = binomial ? Distributions.binomialQuantile(p, trials: n, probability: theta) : Distributions.poissonQuantile(p, mean: theta * n)
        let step = cdf(r) - cdf(r - 1)
        let alpha = step > 0 ? (cdf(r) - p) / step : 0
        return (r - alpha) / n
    }

    /// PHE's significance label of a rate (`phe_funnel_significance`, statistic "rate"): the target
    /// against the unit's own 95% and 99.8% limits (exact below 10 events, Byar's from 10).
    public static func rateFlag(target: Double, lower95: Double, upper95: Double, lower998: Double, upper998: Double) -> String {
        label(above: [lower95 > target, lower998 > target], below: [upper95 < target, upper998 < target], levels: [95, 99.8])
    }

    /// PHE's significance label at any confidence levels (in percent): the widest level at which
    /// the unit lies above or below, as High/Low (p) with p = (1 − level)/2 (0.025 at 95%, 0.001
    /// at 99.8%), else Not significant. `above[k]`/`below[k]` say it at `levels[k]`.
    public static func label(above: [Bool], below: [Bool], levels: [Double]) -> String {
        for k in levels.indices.sorted(by: { levels[$0] > levels[$1] }) {
            let p = String(format: "%g", ((100 - levels[k]) / 200 * 1e6).rounded() / 1e6)
            if above[k] { return "High (\(p))" }
            if below[k] { return "Low (\(p))" }
        }
        return "Not significant"
    }

    /// Limits for a proportion (times `multiplier`) at a denominator, as PHEindicatormethods'
    /// `sigma_adjustment` (the Wilson-score form used by `phe_funnel_significance`).
    public static func proportion(average p: Double, denominator n: Double, multiplier: Double, confidence: Double) -> (lower: Double, upper: Double) {
        let z = Distributions.normalQuantile(confidence + (1 - confidence) / 2)
        let z2 = z * z
        let first = p * (n / z2 + 1)
        let inner = (-8 * p * (n / z2 + 1)) * (-8 * p * (n / z2 + 1))
            - 64 * (1 / z2 + 1 / n) * p * (n * (p * (n / z2 + 2) - 1) + z2 * (p - 1))
        let adjustment = max(0, inner).squareRoot()
        let last = 1 / z2 + 1 / n
        let low = (first - adjustment / 8) / last / n * multiplier
        let high = (first + adjustment / 8) / last / n * multiplier
        return (max(0, low), min(multiplier, high))
    }

    /// PHE's significance label of a value against its 95% and 99.8% limits.
    public static func flag(value: Double, lower95: Double, upper95: Double, lower998: Double, upper998: Double) -> String {
        label(above: [value > upper95, value > upper998], below: [value < lower95, value < lower998], levels: [95, 99.8])
    }
}
