/// Whether two Poisson rates differ beyond chance: the exact conditional test.
///
/// Given x₁ events over n₁ and x₂ over n₂, under equal rates x₂ given x₁ + x₂ is binomial with
/// probability n₂/(n₁ + n₂); the two-sided p-value is twice the smaller tail, at most 1 (the
/// method of R's `poisson.test` for two samples, with the doubled-tail two-sided rule).
public enum RateComparison {
    /// The two-sided p-value of the test (1 when there are no events at all).
    public static func pValue(events1 x1: Double, exposure1 n1: Double, events2 x2: Double, exposure2 n2: Double) -> Double {
        let total = x1 + x2
        guard total > 0 else { return 1 }
        let p = n2 / (n1 + n2)
        let lower = Distributions.binomialProbability(x2, trials: total, probability: p)
        let upper = x2 > 0 ? 1 - Distributions.binomialProbability(x2 - 1, trials: total, probability: p) : 1
        return min(1, 2 * min(lower, upper))
    }
}
