import Foundation
import Tabular

/// Line charts: a value per period per series (trend), and baseline against follow-up per unit (slope).
enum LineCharts {
    /// `chart trend PERIOD VALUE [SERIES]`: one line per series over the periods in order.
    static func trend(_ table: Table, _ spec: ChartSpec, source: String, note: String) -> String {
        let lang = spec.language
        let periodColumn = table.column(spec.category), values = SVGChart.doubles(table, spec.value)
        let seriesColumn = spec.series.flatMap { table.column($0) }
        var periods: [Value] = []
        var lines: [String: [Value: Double]] = [:]
        var seriesOrder: [String] = []
        for r in 0..<table.rowCount {
            let p = periodColumn?.value(at: r) ?? .null
            if !periods.contains(p) { periods.append(p) }
            let s = seriesColumn?.value(at: r).description ?? spec.value
            if lines[s] == nil { lines[s] = [:]; seriesOrder.append(s) }
            if let v = values[r] { lines[s]![p] = v }
        }
        periods.sort { a, b in (a.doubleValue ?? 0, a.description) < (b.doubleValue ?? 0, b.description) }
        let (maxY, step) = SVGChart.axis(values.compactMap { $0 }.max() ?? 1)
        let left = 70.0, top = 70.0, plotWidth = 560.0, plotHeight = 320.0
        let width = left + plotWidth + 200, height = top + plotHeight + 110
        func x(_ i: Int) -> Double { periods.count < 2 ? left + plotWidth / 2 : left + Double(i) / Double(periods.count - 1) * plotWidth }
        func y(_ v: Double) -> Double { top + plotHeight - v / maxY * plotHeight }
        var svg = SVGChart.header(width: width, height: height, title: spec.title ?? lang.word("rate"))
        svg += SVGChart.valueGrid(max: maxY, step: step, from: left, to: left + plotWidth, y: y, language: lang)
        for (i, p) in periods.enumerated() {
            svg += "<text x=\"\(x(i))\" y=\"\(top + plotHeight + 16)\" font-size=\"11\" text-anchor=\"middle\" \(SVGChart.font)>\(SVGChart.escape(p.description))</text>\n"
        }
        for (k, s) in seriesOrder.enumerated() {
            let color = SVGChart.palette[k % SVGChart.palette.count]
            let points = periods.enumerated().compactMap { i, p in lines[s]![p].map { "\(x(i)),\(y($0))" } }
            if points.count > 1 { svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n" }
            for pt in points {
                let xy = pt.split(separator: ",")
                svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(color)\"/>\n"
            }
            svg += "<text x=\"\(left + plotWidth + 12)\" y=\"\(top + 14 + Double(k) * 16)\" font-size=\"12\" fill=\"\(color)\" \(SVGChart.font)>\(SVGChart.escape(s))</text>\n"
        }
        svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(top + plotHeight + 36)\" font-size=\"12\" text-anchor=\"middle\" \(SVGChart.font)>\(lang.word("period"))</text>\n"
        svg += "<text x=\"\(left)\" y=\"\(top - 14)\" font-size=\"12\" \(SVGChart.font)>\(SVGChart.escape(spec.valueAxisTitle))</text>\n"
        svg += SVGChart.footer(top + plotHeight + 62, width: width, source: source, note: note, language: lang)
        return svg + "</svg>\n"
    }

    /// `chart slope UNIT BASELINE FOLLOWUP`: a line per unit from its baseline to its follow-up value.
    static func slope(_ table: Table, _ spec: ChartSpec, source: String, note: String) -> String {
        let lang = spec.language
        let units = (0..<table.rowCount).map { table.column(spec.category)?.value(at: $0).description ?? "" }
        let before = SVGChart.doubles(table, spec.value), after = SVGChart.doubles(table, spec.series)
        let flags = table.column("change_flag")
        let (maxY, step) = SVGChart.axis((before + after).compactMap { $0 }.max() ?? 1)
        let left = 160.0, right = 460.0, top = 70.0, plotHeight = 360.0
        let width = right + 200, height = top + plotHeight + 110
        func y(_ v: Double) -> Double { top + plotHeight - v / maxY * plotHeight }
        var svg = SVGChart.header(width: width, height: height, title: spec.title ?? lang.word("rate"))
        svg += SVGChart.valueGrid(max: maxY, step: step, from: left, to: right, y: y, language: lang, stroke: "#f0f0f0", labelGap: 8)
        svg += "<text x=\"\(left)\" y=\"\(top - 12)\" font-size=\"12\" text-anchor=\"middle\" \(SVGChart.font)>\(lang.word("baseline"))</text>\n"
        svg += "<text x=\"\(right)\" y=\"\(top - 12)\" font-size=\"12\" text-anchor=\"middle\" \(SVGChart.font)>\(lang.word("followup"))</text>\n"
        for r in units.indices {
            guard let a = before[r], let b = after[r] else { continue }
            let flag = flags?.value(at: r).description ?? ""
            let color = flag == "higher" ? SVGChart.palette[3] : flag == "lower" ? SVGChart.palette[1] : "#9a9a9a"
            svg += "<line x1=\"\(left)\" y1=\"\(y(a))\" x2=\"\(right)\" y2=\"\(y(b))\" stroke=\"\(color)\" stroke-width=\"\(flag == "similar" || flag.isEmpty ? 1 : 2)\"/>\n"
            svg += "<circle cx=\"\(left)\" cy=\"\(y(a))\" r=\"3\" fill=\"\(color)\"/><circle cx=\"\(right)\" cy=\"\(y(b))\" r=\"3\" fill=\"\(color)\"/>\n"
            if flag == "higher" || flag == "lower" {
                svg += "<text x=\"\(right + 8)\" y=\"\(y(b) + 4)\" font-size=\"10\" \(SVGChart.font)>\(SVGChart.escape(units[r]))</text>\n"
            }
        }
        svg += "<text x=\"16\" y=\"50\" font-size=\"12\" \(SVGChart.font)>\(SVGChart.escape(spec.valueAxisTitle))</text>\n"
        svg += SVGChart.footer(top + plotHeight + 40, width: width, source: source, note: note, language: lang)
        return svg + "</svg>\n"
    }
}
