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
    static func wrap(_ text: String, _ width: Int) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + word.count + 1 > width { lines.append(current); current = "" }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

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
        let labels = (0..<table.rowCount).map { table.column(spec.category)?.value(at: $0).description ?? "" }
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
                let fill = spec.highlight == labels[r] ? "#1a6e3b" : palette[0]
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
        let labels = (0..<table.rowCount).map { table.column(spec.category)?.value(at: $0).description ?? "" }
        let maxX = axis(denominators.compactMap { $0 }.max() ?? 1)
        let maxY = axis(([values.compactMap { $0 }.max() ?? 0] + limits[3].compactMap { $0 }.filter(\.isFinite)).max() ?? 1)
        let left = 70.0, top = 60.0, plotWidth = 640.0, plotHeight = 400.0
        let width = left + plotWidth + 40, height = top + plotHeight + 130
        func x(_ v: Double) -> Double { left + v / maxX.max * plotWidth }
        func y(_ v: Double) -> Double { top + plotHeight - min(v, maxY.max) / maxY.max * plotHeight }
        var svg = header(width: width, height: height, title: spec.title ?? lang.word("rate"))
        svg += valueGrid(max: maxY.max, step: maxY.step, from: left, to: left + plotWidth, y: y, language: lang)
        var tick = 0.0
        while tick <= maxX.max + maxX.step / 2 {
            svg += "<text x=\"\(x(tick))\" y=\"\(top + plotHeight + 16)\" font-size=\"11\" text-anchor=\"middle\" \(font)>\(lang.number(tick, digits: 0))</text>\n"
            tick += maxX.step
        }
        let order = denominators.indices.filter { denominators[$0] != nil }.sorted { denominators[$0]! < denominators[$1]! }
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
        for r in order {
            guard let d = denominators[r], let v = values[r] else { continue }
            svg += "<circle cx=\"\(x(d))\" cy=\"\(y(v))\" r=\"4\" fill=\"\(palette[0])\"/>\n"
            // Only the points outside the 95% limits are named; the rest would bury each other.
            if let lo = limits[0][r], let hi = limits[1][r], v < lo || v > hi {
                svg += "<text x=\"\(x(d) + 6)\" y=\"\(y(v) - 5)\" font-size=\"10\" fill=\"#333\" \(font)>\(escape(labels[r]))</text>\n"
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

    /// The wide table a PowerPoint chart pastes: the category column and one column per series.
    public static func chartData(_ table: Table, _ spec: ChartSpec) -> Table {
        var names = [spec.category, spec.value] + spec.references + (spec.series.map { [$0] } ?? [])
        if let errors = spec.errors { names += [errors.lower, errors.upper] }
        if let d = spec.denominator { names.insert(d, at: 1) }
        let columns = names.compactMap { name in table.column(name) }
        let sorted = Table(columns: columns, rowCount: table.rowCount)
        guard let value = sorted.column(spec.value), spec.kind == .bar else { return sorted }
        let order = (0..<sorted.rowCount).sorted { (value.value(at: $0).doubleValue ?? -1) > (value.value(at: $1).doubleValue ?? -1) }
        return sorted.gather(order)
    }
}
