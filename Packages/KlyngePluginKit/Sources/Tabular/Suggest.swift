/// "Did you mean": the closest known name to a misspelt one.
public enum Suggest {
    /// The candidate nearest to `name` by edit distance (case- and diacritic-insensitive ties
    /// count as close), or nil when nothing is close enough to be a plausible typo.
    public static func nearest(_ name: String, in candidates: [String]) -> String? {
        let target = fold(name)
        var best: (distance: Int, candidate: String)? = nil
        for c in candidates {
            let folded = fold(c)
            if folded == target { return c }
            let d = distance(Array(target), Array(folded))
            if best == nil || d < best!.distance { best = (d, c) }
        }
        guard let best else { return nil }
        let allowed = max(1, min(3, target.count / 3))
        if best.distance <= allowed { return best.candidate }
        if let prefix = candidates.first(where: { fold($0).hasPrefix(target) && target.count >= 3 }) { return prefix }
        return nil
    }

    /// Lowercases and maps æøå-variants so that `oe` and `ø` count as near.
    static func fold(_ s: String) -> String {
        s.lowercased().replacingOccurrences(of: "ø", with: "oe").replacingOccurrences(of: "æ", with: "ae")
            .replacingOccurrences(of: "å", with: "aa")
    }

    /// Levenshtein distance with transpositions counted as one edit.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prevPrev = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    cur[j] = min(cur[j], prevPrev[j - 2] + 1)
                }
            }
            prevPrev = prev
            prev = cur
        }
        return prev[b.count]
    }
}
