import CRmath

/// Quantiles and probabilities from R's own standalone math library, so results equal R's.
public enum Distributions {
    /// The p-quantile of the chi-squared distribution with `df` degrees of freedom (R's `qchisq`).
    public static func chiSquaredQuantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
        qchisq(p, df, 1, 0)
    }

    /// The p-quantile of the standard normal distribution (R's `qnorm`).
    public static func normalQuantile(_ p: Double) -> Double {
        qnorm5(p, 0, 1, 1, 0)
    }

    /// The lower-tail probability of the standard normal distribution (R's `pnorm`).
    public static func normalProbability(_ x: Double) -> Double {
        pnorm5(x, 0, 1, 1, 0)
    }

    /// The p-quantile of Student's t distribution with `df` degrees of freedom (R's `qt`).
    public static func tQuantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
        qt(p, df, 1, 0)
    }

    /// The p-quantile of the binomial distribution of `n` trials with probability `prob` (R's `qbinom`).
    public static func binomialQuantile(_ p: Double, trials n: Double, probability prob: Double) -> Double {
        qbinom(p, n, prob, 1, 0)
    }

    /// The p-quantile of the Poisson distribution with mean `lambda` (R's `qpois`).
    public static func poissonQuantile(_ p: Double, mean lambda: Double) -> Double {
        qpois(p, lambda, 1, 0)
    }

    /// The probability of at most `x` successes in `n` trials with probability `p` (R's `pbinom`).
    public static func binomialProbability(_ x: Double, trials n: Double, probability p: Double) -> Double {
        pbinom(x, n, p, 1, 0)
    }

    /// The probability of drawing exactly `x` successes in `draws` draws without replacement from
    /// `successes` successes and `failures` failures (R's `dhyper`).
    public static func hypergeometricDensity(_ x: Double, successes m: Double, failures n: Double, draws k: Double) -> Double {
        dhyper(x, m, n, k, 0)
    }

    /// The probability of at most `x` events from a Poisson distribution with mean `lambda` (R's `ppois`).
    public static func poissonProbability(_ x: Double, mean lambda: Double) -> Double {
        ppois(x, lambda, 1, 0)
    }

    /// The probability that a gamma variable with the given shape and scale 1 is at most `x` (R's `pgamma`).
    public static func gammaProbability(_ x: Double, shape: Double) -> Double {
        pgamma(x, shape, 1, 1, 0)
    }
}
