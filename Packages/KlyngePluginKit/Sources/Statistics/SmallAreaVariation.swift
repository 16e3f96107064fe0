import CRmath
import Foundation

/// Small-area variation statistics as the R package sava defines them, for observed counts
/// `o` and expected counts `e` (e from the pooled rate: eᵢ = nᵢ·Σo/Σn).
public enum SmallAreaVariation {
    /// The systematic component of variation: mean(yᵢ² − 1/eᵢ) with yᵢ = (oᵢ − eᵢ)/eᵢ (Diehr et al.
    /// 1990, the default) or yᵢ = log oᵢ − log eᵢ (McPherson et al. 1982); nil when negative or
    /// not finite (e.g. McPherson's form with a zero count), or when an expected count is 0.
    public static func scv(observed o: [Double], expected e: [Double], mcpherson: Bool = false) -> Double? {
        guard !o.isEmpty, o.count == e.count, !e.contains(0) else { return nil }
        var sum = 0.0
        for i in o.indices {
            let y = mcpherson ? log(o[i]) - log(e[i]) : (o[i] - e[i]) / e[i]
            sum += y * y - 1 / e[i]
        }
        let value = sum / Double(o.count)
        return value >= 0 && value.isFinite ? value : nil
    }

    /// The shape α of the one-parameter Poisson–Gamma (negative binomial) model, by maximum
    /// likelihood (sava's `EBpoisson0`); nil when the likelihood has no maximum in [1e-5, 1e4].
    public static func poissonGammaShape(observed o: [Double], expected e: [Double]) -> Double? {
        guard !o.isEmpty, !e.contains(0) else { return nil }
        let n = Double(o.count)
        func score(_ a: Double) -> Double {
            var s = -n * digamma(a) + n * (1 + log(a))
            for i in o.indices {
                s += digamma(a + o[i]) - (o[i] + a) / (e[i] + a) - log(e[i] + a)
            }
            return s
        }
        var low = 1e-5, high = 1e4
        guard score(high) <= 0 else { return nil }
        guard score(low) >= 0 else { return nil }
        // Bisection on the log scale to full precision (sava uses uniroot's default tolerance).
        for _ in 0..<200 {
            let mid = (low * high).squareRoot()
            if score(mid) > 0 { low = mid } else { high = mid }
            if high / low - 1 < 1e-14 { break }
        }
        return (low * high).squareRoot()
    }

    /// The empirical-Bayes smoothed relative risks (oᵢ + α)/(eᵢ + α).
    public static func smoothed(observed o: [Double], expected e: [Double], shape a: Double) -> [Double] {
        o.indices.map { (o[$0] + a) / (e[$0] + a) }
    }

    /// The extremal quotient of EB-smoothed risks: the 80th over the 20th percentile (sava's `EQ`,
    /// quantile type 7); nil for 5 units or fewer, or when the model has no estimate.
    public static func empiricalBayesEQ(observed o: [Double], expected e: [Double], q: Double = 0.2) -> Double? {
        guard o.count > 5, let a = poissonGammaShape(observed: o, expected: e) else { return nil }
        let sorted = smoothed(observed: o, expected: e, shape: a).sorted()
        guard let low = Quantile.type7(sorted: sorted, q), let high = Quantile.type7(sorted: sorted, 1 - q), low > 0 else { return nil }
        return high / low
    }
}
