/// Places text labels next to points so that no two labels overlap, and no label covers a point.
///
/// Greedy, in the order labels are offered: each tries positions around its point (right and left,
/// above and below, then further away with a leader line) and takes the first one that is free.
/// A label that finds no free position is refused, and the chart names it in a numbered key
/// instead. Widths are estimated from the font size (the renderer's font is not known here), with
/// a margin so the estimate errs on the wide side.
struct LabelPlacer {
    /// A rectangle in SVG coordinates (y grows downwards).
    struct Box {
        var x: Double, y: Double, width: Double, height: Double
        /// Whether the two rectangles share any area.
        func overlaps(_ other: Box) -> Bool {
            x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height
        }
        /// Whether this rectangle lies wholly inside the other.
        func isInside(_ other: Box) -> Bool {
            x >= other.x && y >= other.y && x + width <= other.x + other.width && y + height <= other.y + other.height
        }
    }

    /// Where a label went: its text's start and baseline, and the leader line's far end when it was moved away.
    struct Placement {
        var x: Double, baseline: Double
        var box: Box
        var leader: (x: Double, y: Double)?
    }

    /// The estimated width of text in a sans-serif font: 0.62 em per character errs on the wide side.
    static func width(of text: String, fontSize: Double) -> Double { Double(text.count) * fontSize * 0.62 }

    /// The box a `<text>` element with `text-anchor="start"` covers.
    static func box(x: Double, baseline: Double, text: String, fontSize: Double) -> Box {
        Box(x: x, y: baseline - fontSize * 0.85, width: width(of: text, fontSize: fontSize), height: fontSize * 1.1)
    }

    /// The area labels must stay inside.
    let bounds: Box
    /// The labels placed so far.
    private(set) var labels: [Box] = []
    /// The points' centres, which labels keep clear of.
    let points: [(x: Double, y: Double)]
    /// The points' radius.
    let radius: Double

    /// Creates a placer for labels inside `bounds`, keeping clear of the given points (drawn with radius `radius`).
    init(bounds: Box, points: [(x: Double, y: Double)], radius: Double) {
        self.bounds = bounds
        self.points = points
        self.radius = radius
    }

    /// Whether a box is free: inside the bounds, over no label, and over no point but the label's own.
    func isFree(_ box: Box, ownPoint px: Double, _ py: Double) -> Bool {
        guard box.isInside(bounds), !labels.contains(where: { $0.overlaps(box) }) else { return false }
        return !points.contains { p in
            !(p.x == px && p.y == py) && Box(x: p.x - radius, y: p.y - radius, width: 2 * radius, height: 2 * radius).overlaps(box)
        }
    }

    /// Finds a free place for a label of the point at (px, py), takes it and says where; nil when none is free.
    mutating func place(_ text: String, at px: Double, _ py: Double, fontSize: Double, gap: Double = 6, reach: Int = 4) -> Placement? {
        let w = Self.width(of: text, fontSize: fontSize)
        var candidates: [(x: Double, baseline: Double, leader: Bool)] = [
            (px + gap, py - gap + 1, false), (px + gap, py + gap + fontSize * 0.7, false),
            (px - gap - w, py - gap + 1, false), (px - gap - w, py + gap + fontSize * 0.7, false),
        ]
        // Further away than `reach` lines, a leader line is harder to follow than a number in a key.
        for step in 1...max(1, reach) {
            let dy = Double(step) * fontSize * 1.3
            for dx in [gap + 10, -(gap + 10) - w] {
                candidates.append((px + dx, py - gap - dy, true))
                candidates.append((px + dx, py + gap + fontSize * 0.7 + dy, true))
            }
        }
        for c in candidates {
            let box = Self.box(x: c.x, baseline: c.baseline, text: text, fontSize: fontSize)
            guard isFree(box, ownPoint: px, py) else { continue }
            labels.append(box)
            let leaderEnd = (x: c.x < px ? box.x + box.width : box.x, y: box.y + box.height / 2)
            return Placement(x: c.x, baseline: c.baseline, box: box, leader: c.leader ? leaderEnd : nil)
        }
        return nil
    }
}
