import Foundation
import Tabular

/// Diverging stacked bars for Likert answers (from the `likert` stage's output): per question the
/// positive answers stack right of zero and the negative left, a neutral middle answer is split
/// across zero, and "Ved ikke" is drawn apart on the right; blanks are left out.
enum LikertChart {
    static let colors = ["#1a6e3b", "#7fbf7b", "#d9d9d9", "#e9a3a3", "#b2182b", "#8e5aa8", "#5a8ea8"]

    static func render(_ table: Table, _ spec: ChartSpec, source: String, note: String) -> String {
        let lang = spec.language
        let questions = table.column(spec.category), answers = table.column(spec.value)
        let values = SVGChart.doubles(table, spec.series)
        let positions = table.column("position")
        var order: [String] = []
        var cells: [String: [(answer: String, position: Int, value: Double?)]] = [:]
        for r in 0..<table.rowCount {
            let q = questions?.value(at: r).description ?? ""
            let a = answers?.value(at: r).description ?? ""
            if a == "(blank)" { continue }
            if cells[q] == nil { order.append(q); cells[q] = [] }
            let p = positions?.value(at: r).doubleValue.map { Int($0) } ?? (cells[q]!.count + 1)
            cells[q]!.append((a, p, values[r]))
        }
        let isDontKnow: (String) -> Bool = { ["ved ikke", "don't know"].contains($0.lowercased()) }
        let scale = Set(cells.values.flatMap { $0.filter { !isDontKnow($0.answer) }.map(\.answer) })
        let k = scale.count
        // The question labels get the room their text needs (up to 440 px; longer ones wrap onto two lines).
        let widest = order.map { LabelPlacer.width(of: $0, fontSize: 12) }.max() ?? 0
        let left = min(440, max(200, widest + 24)), half = 260.0, rowHeight = 30.0, top = 84.0
        let perLine = max(10, Int((left - 24) / (LabelPlacer.width(of: "x", fontSize: 12) * 1.05)))
        let zero = left + half, dontKnowX = left + 2 * half + 40
        let width = dontKnowX + 120, height = top + Double(order.count) * rowHeight + 110
        func w(_ percent: Double) -> Double { percent / 100 * half }
        var svg = SVGChart.header(width: width, height: height, title: spec.title ?? lang.word("percent"))
        // Legend: the scale in order, then Ved ikke.
        var lx = 16.0
        let labels = cells.values.flatMap { $0 }.filter { !isDontKnow($0.answer) }.sorted { $0.position < $1.position }
        var seen = Set<String>()
        for item in labels where seen.insert(item.answer).inserted {
            svg += "<rect x=\"\(lx)\" y=\"42\" width=\"12\" height=\"12\" fill=\"\(colors[min(item.position - 1, 4)])\"/>\n"
            svg += "<text x=\"\(lx + 16)\" y=\"52\" font-size=\"11\" \(SVGChart.font)>\(SVGChart.escape(item.answer))</text>\n"
            lx += 30 + Double(item.answer.count) * 6.2
        }
        svg += "<rect x=\"\(lx)\" y=\"42\" width=\"12\" height=\"12\" fill=\"\(colors[5])\"/><text x=\"\(lx + 16)\" y=\"52\" font-size=\"11\" \(SVGChart.font)>\(lang.word("dontknow"))</text>\n"
        svg += "<line x1=\"\(zero)\" y1=\"\(top - 6)\" x2=\"\(zero)\" y2=\"\(top + Double(order.count) * rowHeight)\" stroke=\"#333\"/>\n"
        for (slot, q) in order.enumerated() {
            let y = top + Double(slot) * rowHeight
            let lines = widest + 24 > left ? Array(SVGChart.wrap(q, perLine).prefix(2)) : [q]
            for (n, line) in lines.enumerated() {
                let ly = y + rowHeight * 0.62 + (Double(n) - Double(lines.count - 1) / 2) * 13
                svg += "<text x=\"\(left - 8)\" y=\"\(ly)\" font-size=\"12\" text-anchor=\"end\" \(SVGChart.font)>\(SVGChart.escape(line))</text>\n"
            }
            let scaleCells = cells[q]!.filter { !isDontKnow($0.answer) }.sorted { $0.position < $1.position }
            if scaleCells.contains(where: { $0.value == nil }) {
                svg += "<text x=\"\(zero + 6)\" y=\"\(y + rowHeight * 0.62)\" font-size=\"11\" fill=\"#777\" \(SVGChart.font)>\(lang == .danish ? "skjult: små tal (under 5)" : "hidden: small numbers (under 5)")</text>\n"
                continue
            }
            // Positive half (top answers) to the right, negative to the left, a middle answer split.
            let middle = k % 2 == 1 ? (k + 1) / 2 : nil
            var right = zero, leftEdge = zero
            if let middle, let m = scaleCells.first(where: { $0.position == middle }), let v = m.value {
                leftEdge -= w(v) / 2
                right += w(v) / 2
                svg += "<rect x=\"\(leftEdge)\" y=\"\(y + 5)\" width=\"\(w(v))\" height=\"\(rowHeight - 10)\" fill=\"\(colors[2])\"/>\n"
            }
            for c in scaleCells.filter({ $0.position < (middle ?? (k / 2 + 1)) }).reversed() {
                let v = c.value ?? 0
                svg += "<rect x=\"\(right)\" y=\"\(y + 5)\" width=\"\(w(v))\" height=\"\(rowHeight - 10)\" fill=\"\(colors[min(c.position - 1, 4)])\"/>\n"
                right += w(v)
            }
            for c in scaleCells.filter({ $0.position > (middle ?? (k / 2)) }) {
                let v = c.value ?? 0
                leftEdge -= w(v)
                svg += "<rect x=\"\(leftEdge)\" y=\"\(y + 5)\" width=\"\(w(v))\" height=\"\(rowHeight - 10)\" fill=\"\(colors[min(c.position - 1, 4)])\"/>\n"
            }
            if let dk = cells[q]!.first(where: { isDontKnow($0.answer) }), let v = dk.value {
                svg += "<rect x=\"\(dontKnowX)\" y=\"\(y + 5)\" width=\"\(w(v))\" height=\"\(rowHeight - 10)\" fill=\"\(colors[5])\"/>\n"
                svg += "<text x=\"\(dontKnowX + w(v) + 4)\" y=\"\(y + rowHeight * 0.62)\" font-size=\"10\" \(SVGChart.font)>\(lang.number(v, digits: 0)) %</text>\n"
            }
        }
        let axisY = top + Double(order.count) * rowHeight + 16
        for p in stride(from: -100, through: 100, by: 25) {
            svg += "<text x=\"\(zero + w(Double(p)))\" y=\"\(axisY)\" font-size=\"10\" text-anchor=\"middle\" \(SVGChart.font)>\(abs(p)) %</text>\n"
        }
        svg += SVGChart.footer(axisY + 28, width: width, source: source, note: note, language: lang)
        return svg + "</svg>\n"
    }
}
