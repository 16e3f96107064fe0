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

/// Whether two proportions differ beyond chance: Fisher's exact test on the 2×2 table, two-sided
/// as R's `fisher.test` (the tables no more likely than the observed one, with its relative
/// tolerance of 1e-7).
public enum ProportionComparison {
    /// The two-sided p-value for x₁ of n₁ against x₂ of n₂.
    public static func fisherPValue(successes1 x1: Double, trials1 n1: Double, successes2 x2: Double, trials2 n2: Double) -> Double {
        let successes = x1 + x2, failures = n1 + n2 - successes
        let low = max(0, n1 - failures), high = min(n1, successes)
        let observed = Distributions.hypergeometricDensity(x1, successes: successes, failures: failures, draws: n1)
        var p = 0.0
        var k = low
        while k <= high {
            let d = Distributions.hypergeometricDensity(k, successes: successes, failures: failures, draws: n1)
            if d <= observed * (1 + 1e-7) { p += d }
            k += 1
        }
        return min(1, p)
    }
}
