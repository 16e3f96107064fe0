import Foundation

/// Overdispersion of units around a target, as FunnelPlotR estimates it: z-scores on a
/// variance-stabilising scale, 10% winsorised at each end, φ = Σz²/n, and the additive
/// between-unit variance τ² (DerSimonian–Laird form; 0 when φ shows no overdispersion).
public struct Overdispersion: Sendable, Equatable {
    /// The dispersion ratio φ (above 1 means more spread than chance allows).
    public var phi: Double
    /// The between-unit variance τ² on the transformed scale.
    public var tau2: Double

    /// The transformed value, target and standard error of one unit.
    public struct Unit: Sendable {
        /// The unit's value on the transformed scale.
        public var y: Double
        /// Its standard error on that scale.
        public var s: Double
        /// Creates a unit.
        public init(y: Double, s: Double) {
            self.y = y
            self.s = s
        }
    }

    /// Estimates φ and τ² for units around a target on the transformed scale.
    public init(units: [Unit], target: Double, winsorise: Double = 0.1) {
        let z = units.map { ($0.y - target) / $0.s }
        let sorted = z.sorted()
        let low = Quantile.type7(sorted: sorted, winsorise) ?? 0
        let high = Quantile.type7(sorted: sorted, 1 - winsorise) ?? 0
        let w = z.map { min(max($0, low), high) }
        let n = Double(units.count)
        phi = n > 0 ? w.reduce(0) { $0 + $1 * $1 } / n : 0
        let weights = units.map { 1 / ($0.s * $0.s) }
        let sumW = weights.reduce(0, +)
        let sumW2 = weights.reduce(0) { $0 + $1 * $1 }
        if n * phi < n - 1 || sumW == 0 {
            tau2 = 0
        } else {
            tau2 = max(0, (n * phi - (n - 1)) / (sumW - sumW2 / sumW))
        }
    }

    /// A rate's unit on FunnelPlotR's CQC square-root scale: y = √(O/E), s = 1/(2√E), target 1.
    public static func rateUnit(observed: Double, expected: Double) -> Unit {
        Unit(y: (observed / expected).squareRoot(), s: 1 / (2 * expected.squareRoot()))
    }

    /// A proportion's unit on the arcsine scale: y = asin √(x/n), s = 1/(2√n).
    public static func proportionUnit(x: Double, n: Double) -> Unit {
        Unit(y: asin(min(1, (x / n).squareRoot())), s: 1 / (2 * n.squareRoot()))
    }
}

