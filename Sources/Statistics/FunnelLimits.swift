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
        if value < lower998 { return "Low (0.001)" }
        if value < lower95 { return "Low (0.025)" }
        if value > upper998 { return "High (0.001)" }
        if value > upper95 { return "High (0.025)" }
        return "Not significant"
    }
}
