/// The Wilson score interval for a proportion x/n, as PHEindicatormethods' `phe_proportion`
/// computes it; valid for 0/n and n/n.
public struct WilsonInterval: Sendable, Equatable {
    /// The lower limit of the proportion (0 to 1).
    public var lower: Double
    /// The upper limit of the proportion (0 to 1).
    public var upper: Double

    /// The interval for `x` of `n` at a confidence level such as 0.95 or 0.998.
    public init(successes x: Double, trials n: Double, confidence: Double) {
        let z = Distributions.normalQuantile(confidence + (1 - confidence) / 2)
        let p = x / n
        let root = z * (z * z + 4 * x * (1 - p)).squareRoot()
        let denominator = 2 * (n + z * z)
        lower = (2 * x + z * z - root) / denominator
        upper = (2 * x + z * z + root) / denominator
    }
}
