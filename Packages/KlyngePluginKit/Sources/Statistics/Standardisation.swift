/// Direct and indirect age standardisation as PHEindicatormethods computes them.
public enum Standardisation {
    /// The European Standard Population 2013 in 19 five-year bands (0–4 … 85–89, 90+); sums to 100,000.
    public static let esp2013: [Double] = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000,
                                           6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000]

    /// The ESP 2013 band of an age-band label ("0-4", "05-09", "90+", "90 og derover"), or nil.
    ///
    /// The label's first number is the band's lower bound; it must be a multiple of 5 up to 90,
    /// and an open band ("85+") is accepted only at 90, where ESP 2013's last band begins.
    public static func esp2013Band(_ label: String) -> Int? {
        let digits = label.drop { !$0.isNumber }.prefix { $0.isNumber }
        guard let lower = Int(digits), lower % 5 == 0, lower <= 90 else { return nil }
        let rest = label.drop { !$0.isNumber }.drop { $0.isNumber }
        let open = rest.contains("+") || rest.lowercased().contains("over") || rest.lowercased().contains("derover")
        if open && lower != 90 { return nil }
        return lower / 5
    }

    /// A directly standardised rate with Dobson limits, or nil values when fewer than 10 events.
    public struct DirectRate: Sendable, Equatable {
        /// The rate per multiplier.
        public var value: Double?
        /// The limits at 95% and 99.8%.
        public var lower95: Double?, upper95: Double?, lower998: Double?, upper998: Double?

        /// A rate and its limits; all nil when it is not reported.
        public init(value: Double? = nil, lower95: Double? = nil, upper95: Double? = nil, lower998: Double? = nil, upper998: Double? = nil) {
            (self.value, self.lower95, self.upper95, self.lower998, self.upper998) = (value, lower95, upper95, lower998, upper998)
        }
    }

    /// The DSR of events x over populations n with standard weights w (one entry per age band):
    /// Σ(xᵢ/nᵢ·wᵢ)/Σw·M, with Dobson's limits from Byar's limits of the total O = Σx; nothing is
    /// reported when O < 10 (PHE's rule).
    public static func directRate(events x: [Double], population n: [Double], weights w: [Double], multiplier: Double) -> DirectRate {
        let r = directRate(events: x, population: n, weights: w, multiplier: multiplier, confidences: [0.95, 0.998])
        guard let value = r.value else { return DirectRate() }
        return DirectRate(value: value, lower95: r.limits[0].0, upper95: r.limits[0].1, lower998: r.limits[1].0, upper998: r.limits[1].1)
    }

    /// How the limits of a directly standardised rate are computed.
    public enum DirectLimits: String, Sendable {
        /// Dobson et al. (1991): Byar's limits of the total count, scaled by the DSR's variance
        /// (PHEindicatormethods' `phe_dsr`); not reported below 10 events.
        case dobson
        /// Fay and Feuer (1997): gamma limits from the DSR's variance and the largest weight per
        /// person (as sava and the US NCI's SEER*Stat use); reported for any count.
        case gamma
    }

    /// The DSR of events x over populations n with standard weights w (one entry per age band),
    /// Σ(xᵢ/nᵢ·wᵢ)/Σw·M, with limits at each confidence level (0.95, …); `variance` replaces the
    /// Poisson variance Σ(wᵢ/Σw)²xᵢ/nᵢ² when the events are not independent (PHE's
    /// `independent_events = FALSE`, from the persons by event count). The value is nil when the
    /// method does not report it (Dobson below 10 events).
    public static func directRate(events x: [Double], population n: [Double], weights w: [Double], multiplier: Double,
                                  confidences: [Double], limits method: DirectLimits = .dobson, variance given: Double? = nil) -> (value: Double?, limits: [(Double, Double)]) {
        let observed = x.reduce(0, +)
        if method == .dobson, observed < 10 { return (nil, []) }
        let sumW = w.reduce(0, +)
        var rate = 0.0, poissonVariance = 0.0, largestWeight = 0.0
        for i in x.indices {
            rate += x[i] * w[i] / n[i]
            poissonVariance += w[i] * w[i] * x[i] / (n[i] * n[i])
            largestWeight = max(largestWeight, w[i] / sumW / n[i])
        }
        rate /= sumW
        let variance = given ?? poissonVariance / (sumW * sumW)
        let limits: [(Double, Double)] = confidences.map { c in
            switch method {
            case .dobson:
                let b = PoissonInterval.byar(events: observed, confidence: c)
                let scale = (variance / observed).squareRoot()
                return ((rate + scale * (b.lower - observed)) * multiplier, (rate + scale * (b.upper - observed)) * multiplier)
            case .gamma:
                let alpha = 1 - c
                let lower = rate == 0 ? 0 : variance / (2 * rate) * Distributions.chiSquaredQuantile(alpha / 2, degreesOfFreedom: 2 * rate * rate / variance)
                let v = variance + largestWeight * largestWeight, y = rate + largestWeight
                let upper = v / (2 * y) * Distributions.chiSquaredQuantile(1 - alpha / 2, degreesOfFreedom: 2 * y * y / v)
                return (lower * multiplier, upper * multiplier)
            }
        }
        return (rate * multiplier, limits)
    }

    /// An indirectly standardised ratio O/E·M with the count's exact (O < 10) or Byar limits over E.
    public static func indirectRatio(observed o: Double, expected e: Double, multiplier: Double) -> (value: Double, lower95: Double, upper95: Double, lower998: Double, upper998: Double, method: PoissonInterval.Method) {
        let ci95 = PoissonInterval(events: o, confidence: 0.95)
        let ci998 = PoissonInterval(events: o, confidence: 0.998)
        let s = multiplier / e
        return (o * s, ci95.lower * s, ci95.upper * s, ci998.lower * s, ci998.upper * s, ci95.method)
    }
}

