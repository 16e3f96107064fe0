/// Sample quantiles as R's `quantile(type = 7)` computes them.
public enum Quantile {
    /// The p-quantile of already sorted values (nil when empty).
    public static func type7(sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
