import Foundation
import Tabular

/// Draws charts as standalone SVG (viewable in a browser, insertable in PowerPoint).
public enum SVGChart {
    static let font = "font-family=\"Segoe UI, Helvetica, Arial, sans-serif\""
    static let palette = ["#1f5f8b", "#d97a00", "#7a7a7a", "#2a9d8f"]

    /// Escapes text for XML.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Text broken into lines of at most `width` characters at spaces.
    static func wrap(_ text: String, _ width: Int) -> [String] { wrapped(text, width: width) }

    /// A "nice" axis maximum and step for values up to `maximum`.
    static func axis(_ maximum: Double) -> (max: Double, step: Double) {
        guard maximum > 0, maximum.isFinite else { return (1, 0.2) }
        let raw = maximum / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        return (ceil(maximum / step) * step, step)
    }

    /// The chart for a table; `source` and `note` go under it (method, denominator, suppression).
    public static func render(_ table: Table, _ spec: ChartSpec, source: String, note: String) -> String {
        switch spec.kind {
        case .bar: return bar(table, spec, source: source, note: note)
        case .funnel: return funnel(table, spec, source: source, note: note)
        case .likert: return LikertChart.render(table, spec, source: source, note: note)
        case .trend: return LineCharts.trend(table, spec, source: source, note: note)
        case .slope: return LineCharts.slope(table, spec, source: source, note: note)
        }
    }

    static func doubles(_ table: Table, _ name: String?) -> [Double?] {
        guard let name, let c = table.column(name) else { return [Double?](repeating: nil, count: table.rowCount) }
        return (0..<table.rowCount).map { c.value(at: $0).doubleValue }
    }

    /// The opening of an SVG document with a white background and a title.
    static func header(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">\n"
            + "<title>\(escape(title))</title>\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + "<text x=\"16\" y=\"28\" font-size=\"18\" font-weight=\"600\" \(font)>\(escape(title))</text>\n"
    }

    /// Horizontal gridlines with their value labels, from 0 to `max` in `step`s, between x `left`
    /// and `right` (the value axis of the funnel, trend and slope charts).
    static func valueGrid(max: Double, step: Double, from left: Double, to right: Double, y: (Double) -> Double,
                          language: ChartLanguage, stroke: String = "#eee", labelGap: Double = 6) -> String {
        var out = ""
        var tick = 0.0
        while tick <= max + step / 2 {
            out += "<line x1=\"\(left)\" y1=\"\(y(tick))\" x2=\"\(right)\" y2=\"\(y(tick))\" stroke=\"\(stroke)\"/>\n"
            out += "<text x=\"\(left - labelGap)\" y=\"\(y(tick) + 4)\" font-size=\"11\" text-anchor=\"end\" \(font)>\(language.number(tick, digits: step < 1 ? 1 : 0))</text>\n"
            tick += step
        }
        return out
    }

    static func footer(_ y: Double, width: Double, source: String, note: String, language: ChartLanguage) -> String {
        var out = ""
        var line = y
        let perLine = max(40, Int((width - 32) / 6.2))
        for text in [note, "\(language.word("source")): \(source)"] where !text.isEmpty {
            for piece in wrap(text, perLine) {
                out += "<text x=\"16\" y=\"\(line)\" font-size=\"11\" fill=\"#555\" \(font)>\(escape(piece))</text>\n"
                line += 15
            }
        }
        return out
    }

    /// Horizontal bars sorted by value (largest on top), reference lines, optional interval bars.
    static func bar(_ table: Table, _ spec: ChartSpec, source: String, note: String) -> String {
        let lang = spec.language
        let values = doubles(table, spec.value)
        let labels = distinctLabels(table, spec.category)
        let names = (0..<table.rowCount).map { table.column(spec.category)?.value(at: $0).description ?? "" }
        let lower = doubles(table, spec.errors?.lower), upper = doubles(table, spec.errors?.upper)
        let order = values.indices.sorted { (values[$0] ?? -1) > (values[$1] ?? -1) }
        let refs: [(String, Double)] = spec.references.compactMap { name in
            doubles(table, name).compactMap { $0 }.first.map { (name, $0) }
        }
        let maximum = ([values.compactMap { $0 }.max() ?? 0, upper.compactMap { $0 }.max() ?? 0] + refs.map(\.1)).max() ?? 1
        let (axisMax, step) = axis(maximum)
        let labelWidth = min(320.0, Double((labels.map(\.count).max() ?? 10) * 7 + 20))
        let left = 16 + labelWidth, plotWidth = 560.0, rowHeight = 24.0
        let top = 70.0, width = left + plotWidth + 40
        let plotHeight = Double(order.count) * rowHeight
        let height = top + plotHeight + 100
        func x(_ v: Double) -> Double { left + v / axisMax * plotWidth }
        var svg = header(width: width, height: height, title: spec.title ?? lang.word("rate"))
        // Legend for the reference lines.
        var legendX = 16.0
        for (k, (name, value)) in refs.enumerated() {
            let color = palette[(k + 1) % palette.count]
            svg += "<line x1=\"\(legendX)\" y1=\"48\" x2=\"\(legendX + 18)\" y2=\"48\" stroke=\"\(color)\" stroke-width=\"2\" stroke-dasharray=\"5,3\"/>\n"
            let text = "\(lang.word(name)) \(lang.number(value))"
            svg += "<text x=\"\(legendX + 24)\" y=\"52\" font-size=\"12\" \(font)>\(escape(text))</text>\n"
            legendX += 40 + Double(text.count) * 7
        }
        var tick = 0.0
        while tick <= axisMax + step / 2 {
            svg += "<line x1=\"\(x(tick))\" y1=\"\(top)\" x2=\"\(x(tick))\" y2=\"\(top + plotHeight)\" stroke=\"#e5e5e5\"/>\n"
            svg += "<text x=\"\(x(tick))\" y=\"\(top + plotHeight + 16)\" font-size=\"11\" text-anchor=\"middle\" \(font)>\(lang.number(tick, digits: step < 1 ? 1 : 0))</text>\n"
            tick += step
        }
        for (slot, r) in order.enumerated() {
            let y = top + Double(slot) * rowHeight
            svg += "<text x=\"\(left - 8)\" y=\"\(y + rowHeight * 0.65)\" font-size=\"12\" text-anchor=\"end\" \(font)>\(escape(labels[r]))</text>\n"
            if let v = values[r] {
                let fill = spec.highlight == names[r] ? "#1a6e3b" : palette[0]
                svg += "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(max(0, x(v) - left))\" height=\"\(rowHeight - 8)\" fill=\"\(fill)\"/>\n"
                if let lo = lower[r], let hi = upper[r] {
                    let cy = y + rowHeight / 2
                    svg += "<line x1=\"\(x(lo))\" y1=\"\(cy)\" x2=\"\(x(hi))\" y2=\"\(cy)\" stroke=\"#222\" stroke-width=\"1.2\"/>\n"
                    svg += "<line x1=\"\(x(lo))\" y1=\"\(cy - 4)\" x2=\"\(x(lo))\" y2=\"\(cy + 4)\" stroke=\"#222\"/><line x1=\"\(x(hi))\" y1=\"\(cy - 4)\" x2=\"\(x(hi))\" y2=\"\(cy + 4)\" stroke=\"#222\"/>\n"
                }
            } else {
                svg += "<text x=\"\(left + 4)\" y=\"\(y + rowHeight * 0.65)\" font-size=\"11\" fill=\"#777\" \(font)>&lt;5</text>\n"
            }
        }
        for (k, (_, value)) in refs.enumerated() {
            svg += "<line x1=\"\(x(value))\" y1=\"\(top - 4)\" x2=\"\(x(value))\" y2=\"\(top + plotHeight)\" stroke=\"\(palette[(k + 1) % palette.count])\" stroke-width=\"2\" stroke-dasharray=\"5,3\"/>\n"
        }
        svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(top + plotHeight + 36)\" font-size=\"12\" text-anchor=\"middle\" \(font)>\(escape(spec.valueAxisTitle))</text>\n"
        svg += footer(top + plotHeight + 62, width: width, source: source, note: note, language: lang)
        return svg + "</svg>\n"
    }

    /// Values against denominators with the funnel's limits and target (from the funnel stage).
    static func funnel(_ table: Table, _ spec: ChartSpec, source: String, note: String) -> String {
        let lang = spec.language
        let values = doubles(table, spec.value), denominators = doubles(table, spec.denominator)
        let target = doubles(table, "target").compactMap { $0 }.first ?? 0
        let limits = ["funnel_lower95", "funnel_upper95", "funnel_lower998", "funnel_upper998"].map { doubles(table, $0) }
        let labels = distinctLabels(table, spec.category)
        let maxX = axis(denominators.compactMap { $0 }.max() ?? 1)
        let maxY = axis(([values.compactMap { $0 }.max() ?? 0] + limits[3].compactMap { $0 }.filter(\.isFinite)).max() ?? 1)
        let left = 70.0, top = 60.0, plotWidth = 640.0, plotHeight = 400.0
        func x(_ v: Double) -> Double { left + v / maxX.max * plotWidth }
        func y(_ v: Double) -> Double { top + plotHeight - min(v, maxY.max) / maxY.max * plotHeight }
        let order = denominators.indices.filter { denominators[$0] != nil }.sorted { denominators[$0]! < denominators[$1]! }
        let drawn = order.filter { values[$0] != nil }
        let labelling = funnelLabels(table, drawn: drawn, labels: labels, values: values, target: target, limits: limits,
                                     point: { (x(denominators[$0]!), y(values[$0]!)) },
                                     position: { "\(lang.number(denominators[$0]!, digits: 0)); \(lang.number(values[$0]!))" },
                                     plot: LabelPlacer.Box(x: left, y: top, width: plotWidth, height: plotHeight))
        let keyX = left + plotWidth + 24
        // The key is as wide as its widest column, or its bold heading when that is wider.
        let headingWidth = labelling.key.isEmpty ? 0 : LabelPlacer.width(of: lang.word("named"), fontSize: 11) * 1.1 + 8
        let width = left + plotWidth + 40 + max(labelling.keyWidth, headingWidth)
        let height = max(top + plotHeight + 130, top + labelling.keyHeight + 130)
        var svg = header(width: width, height: height, title: spec.title ?? lang.word("rate"))
        svg += valueGrid(max: maxY.max, step: maxY.step, from: left, to: left + plotWidth, y: y, language: lang)
        var tick = 0.0
        while tick <= maxX.max + maxX.step / 2 {
            svg += "<text x=\"\(x(tick))\" y=\"\(top + plotHeight + 16)\" font-size=\"11\" text-anchor=\"middle\" \(font)>\(lang.number(tick, digits: 0))</text>\n"
            tick += maxX.step
        }
        for (k, series) in limits.enumerated() {
            let points = order.compactMap { r -> String? in
                guard let d = denominators[r], let v = series[r], v.isFinite else { return nil }
                return "\(x(d)),\(y(v))"
            }
            if points.count > 1 {
                svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(k < 2 ? palette[1] : palette[2])\" stroke-width=\"1.5\"\(k < 2 ? "" : " stroke-dasharray=\"6,4\"")/>\n"
            }
        }
        svg += "<line x1=\"\(left)\" y1=\"\(y(target))\" x2=\"\(left + plotWidth)\" y2=\"\(y(target))\" stroke=\"\(palette[3])\" stroke-width=\"2\"/>\n"
        for r in drawn {
            svg += "<circle cx=\"\(x(denominators[r]!))\" cy=\"\(y(values[r]!))\" r=\"4\" fill=\"\(palette[0])\"/>\n"
        }
        svg += labelling.svg
        if !labelling.key.isEmpty {
            svg += "<text x=\"\(keyX)\" y=\"\(top - 6)\" font-size=\"11\" font-weight=\"600\" \(font)>\(escape(lang.word("named")))</text>\n"
            for (k, entry) in labelling.key.enumerated() {
                let column = k / FunnelLabelling.keyRows, row = k % FunnelLabelling.keyRows
                svg += "<text x=\"\(keyX + Double(column) * labelling.keyColumnWidth)\" y=\"\(top + 10 + Double(row) * FunnelLabelling.keyLine)\" font-size=\"10\" fill=\"#333\" \(font)>\(escape(entry))</text>\n"
            }
        }
        let axisTitle = lang.word(spec.value == "ratio" ? "expected" : "denominator") + (spec.denominator.map { " (\($0))" } ?? "")
        svg += "<text transform=\"translate(18,\(top + plotHeight / 2)) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\" \(font)>\(escape(spec.valueAxisTitle))</text>\n"
        svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(top + plotHeight + 36)\" font-size=\"12\" text-anchor=\"middle\" \(font)>\(escape(axisTitle))</text>\n"
        let legend = "\(lang.word("target")) \(lang.number(target)) · \(lang.word("limits95")) · \(lang.word("limits998"))"
        svg += "<text x=\"16\" y=\"48\" font-size=\"12\" \(font)>\(escape(legend))</text>\n"
        svg += footer(top + plotHeight + 62, width: width, source: source, note: note, language: lang)
        return svg + "</svg>\n"
    }

    /// The category's values as labels a reader can tell apart: where two rows have the same label
    /// (two "Lægerne Møllevej, Køge"), each gets the value of a column that separates them, an
    /// identifier first (`practice_id`, `ydernummer`), else a running number.
    static func distinctLabels(_ table: Table, _ category: String) -> [String] {
        var labels = (0..<table.rowCount).map { table.column(category)?.value(at: $0).description ?? "" }
        var rowsByLabel: [String: [Int]] = [:]
        for (r, label) in labels.enumerated() { rowsByLabel[label, default: []].append(r) }
        let clashes = rowsByLabel.filter { $0.value.count > 1 }
        guard !clashes.isEmpty else { return labels }
        func isIdentifier(_ name: String) -> Bool {
            let n = name.lowercased()
            return n == "id" || n.hasSuffix("_id") || n.hasSuffix("nummer") || n.hasSuffix("nr") || n.hasSuffix("kode") || n.hasSuffix("code")
        }
        let others = table.columns.filter { $0.name != category && $0.type != .decimal }   // a measurement tells nothing apart
        let candidates = others.filter { isIdentifier($0.name) } + others.filter { !isIdentifier($0.name) }
        for (label, rows) in clashes {
            let separating = candidates.first { c in
                let values = rows.map { c.value(at: $0) }
                return !values.contains(where: \.isNull) && Set(values.map(\.description)).count == rows.count
            }
            for (k, r) in rows.enumerated() {
                labels[r] = "\(label) (\(separating.map { $0.value(at: r).description } ?? String(k + 1)))"
            }
        }
        return labels
    }

    /// The labels of a funnel chart: the units the reader needs (flagged at the 0.001 level by the
    /// funnel stage, or outside the 99.8 % limits), most extreme first, each beside its point where
    /// there is room, else as a number beside the point and the name in a key to the right.
    static func funnelLabels(_ table: Table, drawn: [Int], labels: [String], values: [Double?], target: Double, limits: [[Double?]],
                             point: (Int) -> (Double, Double), position: (Int) -> String, plot: LabelPlacer.Box) -> FunnelLabelling {
        let flags = table.column("funnel_flag")
        let named = drawn.filter { r in
            if let flags { return flags.value(at: r).description.contains("0.001") }
            guard let v = values[r], let lo = limits[2][r], let hi = limits[3][r] else { return false }
            return v < lo || v > hi
        }.sorted { abs(values[$0]! - target) > abs(values[$1]! - target) }
        var placer = LabelPlacer(bounds: plot, points: drawn.map(point), radius: 4)
        var out = FunnelLabelling()
        var numbered: [(Int, Double, Double)] = []
        for r in named {
            let (px, py) = point(r)
            if let p = placer.place(labels[r], at: px, py, fontSize: 10) {
                out.svg += label(labels[r], p, from: px, py)
            } else {
                numbered.append((r, px, py))
            }
        }
        // Numbers follow the points from top to bottom, so the key reads like the chart.
        var next = 1
        for (r, px, py) in numbered.sorted(by: { $0.2 < $1.2 }) {
            let number = "\(next)"
            if let p = placer.place(number, at: px, py, fontSize: 10, gap: 4, reach: 12) {
                out.svg += label(number, p, from: px, py, weight: "600")
                out.key.append("\(number)  \(labels[r])")
                next += 1
            } else {
                // Too crowded even for a number: the key gives the point's place instead.
                out.key.append("–  \(labels[r]) (\(position(r)))")
            }
        }
        if !out.key.isEmpty {
            out.keyColumnWidth = (out.key.map { LabelPlacer.width(of: $0, fontSize: 10) }.max() ?? 0) + 16
            let columns = (out.key.count + FunnelLabelling.keyRows - 1) / FunnelLabelling.keyRows
            out.keyWidth = Double(columns) * out.keyColumnWidth
            out.keyHeight = Double(min(out.key.count, FunnelLabelling.keyRows)) * FunnelLabelling.keyLine
        }
        return out
    }

    /// One placed label, with its leader line when it sits away from its point.
    static func label(_ text: String, _ p: LabelPlacer.Placement, from px: Double, _ py: Double, weight: String = "400") -> String {
        var out = ""
        if let end = p.leader { out += "<line x1=\"\(px)\" y1=\"\(py)\" x2=\"\(end.x)\" y2=\"\(end.y)\" stroke=\"#999\" stroke-width=\"0.8\"/>\n" }
        return out + "<text x=\"\(p.x)\" y=\"\(p.baseline)\" font-size=\"10\" font-weight=\"\(weight)\" fill=\"#333\" class=\"point-label\" \(font)>\(escape(text))</text>\n"
    }

    /// The wide table a PowerPoint chart pastes: the category column and one column per series.
    public static func chartData(_ table: Table, _ spec: ChartSpec) -> Table {
        var names = [spec.category, spec.value] + spec.references + (spec.series.map { [$0] } ?? [])
        if let errors = spec.errors { names += [errors.lower, errors.upper] }
        if let d = spec.denominator { names.insert(d, at: 1) }
        var columns = names.compactMap { name in table.column(name) }
        if let c = columns.firstIndex(where: { $0.name == spec.category }) {
            columns[c] = Column.from(name: spec.category, type: .text, values: distinctLabels(table, spec.category).map(Value.text))
        }
        let sorted = Table(columns: columns, rowCount: table.rowCount)
        guard let value = sorted.column(spec.value), spec.kind == .bar else { return sorted }
        let order = (0..<sorted.rowCount).sorted { (value.value(at: $0).doubleValue ?? -1) > (value.value(at: $1).doubleValue ?? -1) }
        return sorted.gather(order)
    }
}

/// A funnel chart's point labels: the SVG of those placed beside their points, and the key of the rest.
struct FunnelLabelling {
    /// Key entries per column.
    static let keyRows = 30
    /// The key's line height.
    static let keyLine = 13.0
    /// The `<text>` (and leader `<line>`) elements of the labels.
    var svg = ""
    /// "N  name" for each unit named by number.
    var key: [String] = []
    /// The width one key column takes, and the whole key.
    var keyColumnWidth = 0.0, keyWidth = 0.0
    /// The height the key takes below the plot's top.
    var keyHeight = 0.0
}
