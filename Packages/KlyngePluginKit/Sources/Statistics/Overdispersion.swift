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

    /// How extreme z-scores are kept from dominating φ.
    public enum Trimming: Sendable {
        /// Clamp z-scores to the 10th and 90th percentiles (FunnelPlotR's CQC and PR methods).
        case winsorise
        /// Leave out the units in the lowest and highest tenth by rank (FunnelPlotR's SHMI method).
        case truncate
    }

    /// Estimates φ and τ² for units around a target on the transformed scale.
    public init(units: [Unit], target: Double, trimming: Trimming = .winsorise, fraction: Double = 0.1) {
        let allZ = units.map { ($0.y - target) / $0.s }
        var kept = units
        var w: [Double]
        switch trimming {
        case .winsorise:
            let sorted = allZ.sorted()
            let low = Quantile.type7(sorted: sorted, fraction) ?? 0
            let high = Quantile.type7(sorted: sorted, 1 - fraction) ?? 0
            w = allZ.map { min(max($0, low), high) }
        case .truncate:
            // Ranks with ties averaged; group sp = ⌊rank·k/(n+1)⌋ with k = 1/fraction groups;
            // keep the groups strictly between the first and the last.
            let k = (1 / fraction).rounded()
            let order = allZ.indices.sorted { allZ[$0] < allZ[$1] }
            var rank = [Double](repeating: 0, count: allZ.count)
            var i = 0
            while i < order.count {
                var j = i
                while j + 1 < order.count, allZ[order[j + 1]] == allZ[order[i]] { j += 1 }
                for t in i...j { rank[order[t]] = Double(i + j) / 2 + 1 }
                i = j + 1
            }
            let n1 = Double(allZ.count + 1)
            let keep = rank.map { r -> Bool in let sp = (r * k / n1).rounded(.down); return sp > 0 && sp < k - 1 }
            kept = units.indices.filter { keep[$0] }.map { units[$0] }
            w = allZ.indices.filter { keep[$0] }.map { allZ[$0] }
        }
        let n = Double(kept.count)
        phi = n > 0 ? w.reduce(0) { $0 + $1 * $1 } / n : 0
        let weights = kept.map { 1 / ($0.s * $0.s) }
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

    /// A rate's unit on FunnelPlotR's SHMI log scale: y = log(O/E), s = 1/√E, target 0 (O must be > 0).
    public static func logRateUnit(observed: Double, expected: Double) -> Unit {
        Unit(y: log(observed / expected), s: 1 / expected.squareRoot())
    }

    /// A ratio of two counts on FunnelPlotR's log scale ("RC"): y = log((x+½)/(n+½)),
    /// s = √(x/(x+½)² + n/(n+½)²).
    public static func countRatioUnit(x: Double, n: Double) -> Unit {
        Unit(y: log((x + 0.5) / (n + 0.5)), s: (x / ((x + 0.5) * (x + 0.5)) + n / ((n + 0.5) * (n + 0.5))).squareRoot())
    }

    /// A proportion's unit on the arcsine scale: y = asin √(x/n), s = 1/(2√n).
    public static func proportionUnit(x: Double, n: Double) -> Unit {
        Unit(y: asin(min(1, (x / n).squareRoot())), s: 1 / (2 * n.squareRoot()))
    }
}

