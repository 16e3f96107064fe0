/// Confidence limits for a count of events, as PHEindicatormethods' `phe_rate` computes them:
/// exact (chi-squared) limits below 10 events, Byar's approximation from 10.
public struct PoissonInterval: Sendable, Equatable {
    /// The lower limit of the count.
    public var lower: Double
    /// The upper limit of the count.
    public var upper: Double
    /// Which method gave the limits.
    public var method: Method

    /// How the limits were computed.
    public enum Method: String, Sendable {
        /// Exact limits from chi-squared quantiles (used below 10 events).
        case exact
        /// Byar's approximation (used from 10 events).
        case byar
    }

    /// The count at and above which Byar's method replaces the exact one.
    public static let byarThreshold = 10.0

    /// The limits for `x` events at a confidence level such as 0.95 or 0.998.
    public init(events x: Double, confidence: Double) {
        if x < Self.byarThreshold {
            self = Self.exact(events: x, confidence: confidence)
        } else {
            self = Self.byar(events: x, confidence: confidence)
        }
    }

    init(lower: Double, upper: Double, method: Method) {
        self.lower = lower
        self.upper = upper
        self.method = method
    }

    /// Exact limits: half the chi-squared quantiles with 2x and 2x + 2 degrees of freedom
    /// (lower is 0 for x = 0, the upper limit stays finite).
    public static func exact(events x: Double, confidence: Double) -> PoissonInterval {
        let alpha = 1 - confidence
        let lower = x == 0 ? 0 : Distributions.chiSquaredQuantile(alpha / 2, degreesOfFreedom: 2 * x) / 2
        let upper = Distributions.chiSquaredQuantile(1 - alpha / 2, degreesOfFreedom: 2 * x + 2) / 2
        return PoissonInterval(lower: lower, upper: upper, method: .exact)
    }

    /// Byar's approximation: x(1 − 1/9x − z/3√x)³ and (x+1)(1 − 1/9(x+1) + z/3√(x+1))³.
    public static func byar(events x: Double, confidence: Double) -> PoissonInterval {
        let z = Distributions.normalQuantile(confidence + (1 - confidence) / 2)
        let lowerBase = 1 - 1 / (9 * x) - z / (3 * x.squareRoot())
        let y = x + 1
        let upperBase = 1 - 1 / (9 * y) + z / (3 * y.squareRoot())
        let lower = x * lowerBase * lowerBase * lowerBase
        return PoissonInterval(lower: max(0, lower), upper: y * upperBase * upperBase * upperBase, method: .byar)
    }
}
