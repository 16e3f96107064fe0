import Foundation
import Tabular

/// A native PowerPoint chart (a DrawingML `c:chart` part) and the one-sheet workbook embedded with
/// it, so *Edit Data* opens the numbers: every series reads a range of that sheet, and its cached
/// values are the sheet's cells.
///
/// The kinds draw as the SVG charts do: bar as a column chart with the reference lines as line
/// series (a combo) and the intervals as error bars, the own practice's column in another colour;
/// funnel as a scatter chart with the limits as line series; Likert as 100 % stacked bars with
/// *Ved ikke* apart (in the question's label); trend and slope as line charts. Colours are theme
/// colours (`accent1` …), so a template's theme recolours them. Elements follow the schema's
/// sequences (ECMA-376 part 1 §21.2).
struct DeckChart {
    /// The embedded workbook's sheet.
    var sheet: Table
    /// The chart part's XML (its workbook is relationship `rId1`).
    var xml: String

    /// The sheet name series formulas use.
    static let sheetName = "Data"

    /// The chart for a result already under disclosure control.
    init(_ table: Table, _ spec: ChartSpec) {
        switch spec.kind {
        case .bar: (sheet, xml) = Self.bar(table, spec)
        case .funnel: (sheet, xml) = Self.funnel(table, spec)
        case .likert: (sheet, xml) = Self.likert(table, spec)
        case .trend: (sheet, xml) = Self.trend(table, spec)
        case .slope: (sheet, xml) = Self.slope(table, spec)
        }
    }

    // MARK: kinds

    static func bar(_ table: Table, _ spec: ChartSpec) -> (Table, String) {
        let data = SVGChart.chartData(table, spec)
        let labels = column(data, spec.category).map { $0.description }
        let values = numbers(data, spec.value)
        // The sheet's headers are the series' names: what the value is, and the reference lines' labels.
        let valueName = spec.valueLabel ?? spec.language.word(spec.value)
        var columns: [(String, [Value])] = [(spec.category, labels.map(Value.text)), (valueName, values.map(value))]
        for ref in spec.references { columns.append((spec.language.word(ref), numbers(data, ref).map(value))) }
        if let e = spec.errors {
            let lower = numbers(data, e.lower), upper = numbers(data, e.upper)
            let plus = zip(values, upper).map { v, u in v.flatMap { v in u.map { $0 - v } } }
            let minus = zip(values, lower).map { v, l in v.flatMap { v in l.map { v - $0 } } }
            columns += [(e.lower, lower.map(value)), (e.upper, upper.map(value)), ("plus", plus.map(value)), ("minus", minus.map(value))]
        }
        let sheet = Table(columns: columns.enumerated().map { Column.from(name: $0.element.0, type: $0.offset == 0 ? .text : .decimal, values: $0.element.1) }, rowCount: labels.count)
        let n = labels.count
        let cat = strRef(column: 0, rows: n, labels)
        var points = ""
        if let own = spec.highlight, let i = labels.firstIndex(of: own) {
            points = "<c:dPt><c:idx val=\"\(i)\"/><c:invertIfNegative val=\"0\"/><c:bubble3D val=\"0\"/>\(fill("accent5"))</c:dPt>"
        }
        var errorBars = ""
        if spec.errors != nil {
            let k = columns.count
            errorBars = "<c:errBars><c:errBarType val=\"both\"/><c:errValType val=\"cust\"/><c:noEndCap val=\"0\"/>"
                + "<c:plus>\(numRef(column: k - 2, rows: n, columns[k - 2].1.map(\.doubleValue)))</c:plus>"
                + "<c:minus>\(numRef(column: k - 1, rows: n, columns[k - 1].1.map(\.doubleValue)))</c:minus>"
                + "<c:spPr><a:ln w=\"12700\"><a:solidFill><a:srgbClr val=\"333333\"/></a:solidFill></a:ln></c:spPr></c:errBars>"
        }
        let bars = "<c:barChart><c:barDir val=\"col\"/><c:grouping val=\"clustered\"/><c:varyColors val=\"0\"/>"
            + "<c:ser><c:idx val=\"0\"/><c:order val=\"0\"/>\(seriesName(column: 1, valueName))\(fill("accent1"))<c:invertIfNegative val=\"0\"/>"
            + points + labelsShown(format: "0.0") + errorBars + "<c:cat>\(cat)</c:cat><c:val>\(numRef(column: 1, rows: n, values))</c:val></c:ser>"
            + "<c:gapWidth val=\"60\"/><c:axId val=\"1001\"/><c:axId val=\"1002\"/></c:barChart>"
        var lines = ""
        for (k, ref) in spec.references.enumerated() {
            let colour = ["accent2", "accent3", "accent4", "accent6"][k % 4]
            lines += "<c:ser><c:idx val=\"\(k + 1)\"/><c:order val=\"\(k + 1)\"/>\(seriesName(column: 2 + k, columns[2 + k].0))"
                + "<c:spPr><a:ln w=\"22225\"><a:solidFill><a:schemeClr val=\"\(colour)\"/></a:solidFill><a:prstDash val=\"dash\"/></a:ln></c:spPr>"
                + "<c:marker><c:symbol val=\"none\"/></c:marker><c:cat>\(cat)</c:cat><c:val>\(numRef(column: 2 + k, rows: n, columns[2 + k].1.map(\.doubleValue)))</c:val><c:smooth val=\"0\"/></c:ser>"
        }
        let combo = lines.isEmpty ? "" : "<c:lineChart><c:grouping val=\"standard\"/><c:varyColors val=\"0\"/>\(lines)<c:marker val=\"1\"/><c:axId val=\"1001\"/><c:axId val=\"1002\"/></c:lineChart>"
        let axes = categoryAxis(1001, cross: 1002, position: "b") + valueAxis(1002, cross: 1001, position: "l", title: spec.valueAxisTitle, crossBetween: "between")
        return (sheet, chartSpace(bars + combo + axes, spec.language, legend: !lines.isEmpty))
    }

    static func funnel(_ table: Table, _ spec: ChartSpec) -> (Table, String) {
        let denominator = spec.denominator ?? "denominator"
        let xs = numbers(table, denominator)
        let order = xs.indices.sorted { (xs[$0] ?? .infinity) < (xs[$1] ?? .infinity) }
        let sorted = table.gather(order)
        let lang = spec.language
        let limitNames = ["target", "funnel_lower95", "funnel_upper95", "funnel_lower998", "funnel_upper998"]
        let lower = lang == .danish ? "nedre" : "lower", upper = lang == .danish ? "øvre" : "upper"
        // The sheet's headers are the series' names, in the deck's language.
        let shown = [lang.word("target"), "\(lang.word("limits95")), \(lower)", "\(lang.word("limits95")), \(upper)",
                     "\(lang.word("limits998")), \(lower)", "\(lang.word("limits998")), \(upper)"]
        let names = [spec.category, denominator, spec.value] + limitNames
        let headers = [spec.category, denominator, lang.word("unit")] + shown
        let sheet = Table(columns: names.enumerated().map { i, name in
            i == 0 ? Column.from(name: headers[i], type: .text, values: column(sorted, name).map { .text($0.description) })
                   : Column.from(name: headers[i], type: .decimal, values: numbers(sorted, name).map(value))
        }, rowCount: sorted.rowCount)
        let n = sorted.rowCount
        let x = numRef(column: 1, rows: n, numbers(sorted, denominator))
        var series = "<c:ser><c:idx val=\"0\"/><c:order val=\"0\"/>\(seriesName(column: 2, lang.word("unit")))"
            + "<c:spPr><a:ln w=\"19050\"><a:noFill/></a:ln></c:spPr><c:marker><c:symbol val=\"circle\"/><c:size val=\"6\"/>\(fill("accent1"))</c:marker>"
            + "<c:xVal>\(x)</c:xVal><c:yVal>\(numRef(column: 2, rows: n, numbers(sorted, spec.value)))</c:yVal><c:smooth val=\"0\"/></c:ser>"
        let styles = [("accent4", "solid"), ("accent2", "solid"), ("accent2", "solid"), ("accent3", "dash"), ("accent3", "dash")]
        for (k, name) in limitNames.enumerated() {
            let (colour, dash) = styles[k]
            series += "<c:ser><c:idx val=\"\(k + 1)\"/><c:order val=\"\(k + 1)\"/>\(seriesName(column: 3 + k, shown[k]))"
                + "<c:spPr><a:ln w=\"19050\"><a:solidFill><a:schemeClr val=\"\(colour)\"/></a:solidFill><a:prstDash val=\"\(dash)\"/></a:ln></c:spPr>"
                + "<c:marker><c:symbol val=\"none\"/></c:marker><c:xVal>\(x)</c:xVal><c:yVal>\(numRef(column: 3 + k, rows: n, numbers(sorted, name)))</c:yVal><c:smooth val=\"0\"/></c:ser>"
        }
        let plot = "<c:scatterChart><c:scatterStyle val=\"lineMarker\"/><c:varyColors val=\"0\"/>\(series)<c:axId val=\"1001\"/><c:axId val=\"1002\"/></c:scatterChart>"
            + valueAxis(1001, cross: 1002, position: "b", title: lang.word("denominator") + " (\(denominator))", crossBetween: "midCat", gridlines: false)
            + valueAxis(1002, cross: 1001, position: "l", title: spec.valueAxisTitle, crossBetween: "midCat")
        return (sheet, chartSpace(plot, lang, legend: true))
    }

    static func likert(_ table: Table, _ spec: ChartSpec) -> (Table, String) {
        let lang = spec.language
        let percent = spec.series ?? "percent"
        var questions: [String] = [], answers: [(name: String, position: Int)] = []
        var cells: [String: [String: Double]] = [:]
        let positions = table.column("position")
        for r in 0..<table.rowCount {
            let q = table.column(spec.category)?.value(at: r).description ?? ""
            let a = table.column(spec.value)?.value(at: r).description ?? ""
            if a == "(blank)" { continue }
            if !questions.contains(q) { questions.append(q) }
            let p = positions?.value(at: r).doubleValue.map { Int($0) } ?? answers.count + 1
            if !answers.contains(where: { $0.name == a }) { answers.append((a, p)) }
            if let v = table.column(percent)?.value(at: r).doubleValue { cells[q, default: [:]][a] = v }
        }
        let isDontKnow: (String) -> Bool = { ["ved ikke", "don't know"].contains($0.lowercased()) }
        let scale = answers.filter { !isDontKnow($0.name) }.sorted { $0.position < $1.position }
        let dontKnow = answers.first { isDontKnow($0.name) }?.name
        // Ved ikke stands apart: in the question's label, not in the stack.
        let labels = questions.map { q -> String in
            guard let d = dontKnow, let v = cells[q]?[d] else { return q }
            return "\(q) (\(lang.word("dontknow")) \(lang.number(v, digits: 0)) %)"
        }
        var columns: [Column] = [Column.from(name: spec.category, type: .text, values: labels.map(Value.text))]
        for a in scale { columns.append(Column.from(name: a.name, type: .decimal, values: questions.map { value(cells[$0]?[a.name]) })) }
        if let d = dontKnow { columns.append(Column.from(name: d, type: .decimal, values: questions.map { value(cells[$0]?[d]) })) }
        let sheet = Table(columns: columns, rowCount: questions.count)
        let n = questions.count
        let cat = strRef(column: 0, rows: n, labels)
        var series = ""
        for (k, a) in scale.enumerated() {
            let colour = LikertChart.colors[min(max(a.position - 1, 0), 4)].dropFirst()
            series += "<c:ser><c:idx val=\"\(k)\"/><c:order val=\"\(k)\"/>\(seriesName(column: 1 + k, a.name))"
                + "<c:spPr><a:solidFill><a:srgbClr val=\"\(colour.uppercased())\"/></a:solidFill></c:spPr><c:invertIfNegative val=\"0\"/>"
                + "<c:cat>\(cat)</c:cat><c:val>\(numRef(column: 1 + k, rows: n, questions.map { cells[$0]?[a.name] }))</c:val></c:ser>"
        }
        let plot = "<c:barChart><c:barDir val=\"bar\"/><c:grouping val=\"percentStacked\"/><c:varyColors val=\"0\"/>\(series)"
            + "<c:gapWidth val=\"50\"/><c:overlap val=\"100\"/><c:axId val=\"1001\"/><c:axId val=\"1002\"/></c:barChart>"
            + categoryAxis(1001, cross: 1002, position: "l", reversed: true) + valueAxis(1002, cross: 1001, position: "b", title: lang.word("percent"), crossBetween: "between", format: "0%")
        return (sheet, chartSpace(plot, lang, legend: true))
    }

    static func trend(_ table: Table, _ spec: ChartSpec) -> (Table, String) {
        var periods: [String] = [], names: [String] = []
        var cells: [String: [String: Double]] = [:]
        for r in 0..<table.rowCount {
            let p = table.column(spec.category)?.value(at: r).description ?? ""
            let s = spec.series.flatMap { table.column($0)?.value(at: r).description } ?? spec.language.word(spec.value)
            if !periods.contains(p) { periods.append(p) }
            if !names.contains(s) { names.append(s) }
            if let v = table.column(spec.value)?.value(at: r).doubleValue { cells[s, default: [:]][p] = v }
        }
        periods.sort()
        return lines(categories: periods, names: names, values: { s, p in cells[s]?[p] }, colours: { k in "<a:schemeClr val=\"accent\(k % 6 + 1)\"/>" },
                     spec: spec, axis: spec.language.word("period"))
    }

    static func slope(_ table: Table, _ spec: ChartSpec) -> (Table, String) {
        let lang = spec.language
        let units = (0..<table.rowCount).map { table.column(spec.category)?.value(at: $0).description ?? "" }
        let before = numbers(table, spec.value), after = numbers(table, spec.series ?? "followup")
        let flags = (0..<table.rowCount).map { table.column("change_flag")?.value(at: $0).description ?? "" }
        let periods = [lang.word("baseline"), lang.word("followup")]
        return lines(categories: periods, names: units, values: { u, p in
            guard let r = units.firstIndex(of: u) else { return nil }
            return p == periods[0] ? before[r] : after[r]
        }, colours: { k in
            flags[k] == "higher" ? "<a:schemeClr val=\"accent4\"/>" : flags[k] == "lower" ? "<a:schemeClr val=\"accent2\"/>" : "<a:srgbClr val=\"9A9A9A\"/>"
        }, spec: spec, axis: lang.word("period"))
    }

    /// A line chart of series over categories (trend, slope): the sheet has a row per category and a column per series.
    static func lines(categories: [String], names: [String], values: (String, String) -> Double?, colours: (Int) -> String,
                      spec: ChartSpec, axis: String) -> (Table, String) {
        var columns = [Column.from(name: spec.category, type: .text, values: categories.map(Value.text))]
        for name in names { columns.append(Column.from(name: name, type: .decimal, values: categories.map { value(values(name, $0)) })) }
        let sheet = Table(columns: columns, rowCount: categories.count)
        let n = categories.count
        let cat = strRef(column: 0, rows: n, categories)
        var series = ""
        for (k, name) in names.enumerated() {
            series += "<c:ser><c:idx val=\"\(k)\"/><c:order val=\"\(k)\"/>\(seriesName(column: 1 + k, name))"
                + "<c:spPr><a:ln w=\"22225\"><a:solidFill>\(colours(k))</a:solidFill></a:ln></c:spPr>"
                + "<c:marker><c:symbol val=\"circle\"/><c:size val=\"5\"/><c:spPr><a:solidFill>\(colours(k))</a:solidFill></c:spPr></c:marker>"
                + "<c:cat>\(cat)</c:cat><c:val>\(numRef(column: 1 + k, rows: n, categories.map { values(name, $0) }))</c:val><c:smooth val=\"0\"/></c:ser>"
        }
        let plot = "<c:lineChart><c:grouping val=\"standard\"/><c:varyColors val=\"0\"/>\(series)<c:marker val=\"1\"/><c:axId val=\"1001\"/><c:axId val=\"1002\"/></c:lineChart>"
            + categoryAxis(1001, cross: 1002, position: "b", title: axis) + valueAxis(1002, cross: 1001, position: "l", title: spec.valueAxisTitle, crossBetween: "between")
        return (sheet, chartSpace(plot, spec.language, legend: names.count <= 12))
    }

    // MARK: parts of the XML

    static func column(_ table: Table, _ name: String) -> [Value] {
        guard let c = table.column(name) else { return [Value](repeating: .null, count: table.rowCount) }
        return (0..<table.rowCount).map { c.value(at: $0) }
    }

    static func numbers(_ table: Table, _ name: String) -> [Double?] {
        column(table, name).map { $0.doubleValue.flatMap { $0.isFinite ? $0 : nil } }
    }

    static func value(_ x: Double?) -> Value { x.map(Value.decimal) ?? .null }

    /// A number as the sheet's cell and the cache hold it: the shortest decimal, with a point.
    static func number(_ x: Double) -> String { NumberFormat.plain(x) }

    /// `Data!$B$2:$B$7` for a column of the sheet.
    static func range(column: Int, rows: Int) -> String {
        let letter = XLSXWriter.columnName(column)
        return "\(sheetName)!$\(letter)$2:$\(letter)$\(max(rows, 1) + 1)"
    }

    static func strRef(column: Int, rows: Int, _ values: [String]) -> String {
        "<c:strRef><c:f>\(range(column: column, rows: rows))</c:f><c:strCache><c:ptCount val=\"\(values.count)\"/>"
            + values.enumerated().map { "<c:pt idx=\"\($0.offset)\"><c:v>\(XLSXWriter.escape($0.element))</c:v></c:pt>" }.joined()
            + "</c:strCache></c:strRef>"
    }

    static func numRef(column: Int, rows: Int, _ values: [Double?]) -> String {
        "<c:numRef><c:f>\(range(column: column, rows: rows))</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val=\"\(values.count)\"/>"
            + values.enumerated().compactMap { i, v in v.map { "<c:pt idx=\"\(i)\"><c:v>\(number($0))</c:v></c:pt>" } }.joined()
            + "</c:numCache></c:numRef>"
    }

    /// A series' name, read from the sheet's header cell.
    static func seriesName(column: Int, _ name: String) -> String {
        let letter = XLSXWriter.columnName(column)
        return "<c:tx><c:strRef><c:f>\(sheetName)!$\(letter)$1</c:f><c:strCache><c:ptCount val=\"1\"/><c:pt idx=\"0\"><c:v>\(XLSXWriter.escape(name))</c:v></c:pt></c:strCache></c:strRef></c:tx>"
    }

    static func fill(_ scheme: String) -> String { "<c:spPr><a:solidFill><a:schemeClr val=\"\(scheme)\"/></a:solidFill></c:spPr>" }

    /// Value labels on the bars, in a number format PowerPoint renders with the viewer's separators.
    static func labelsShown(format: String) -> String {
        "<c:dLbls><c:numFmt formatCode=\"\(format)\" sourceLinked=\"0\"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"
            + "<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"1000\"/></a:pPr><a:endParaRPr lang=\"da-DK\"/></a:p></c:txPr>"
            + "<c:dLblPos val=\"outEnd\"/><c:showLegendKey val=\"0\"/><c:showVal val=\"1\"/><c:showCatName val=\"0\"/><c:showSerName val=\"0\"/><c:showPercent val=\"0\"/><c:showBubbleSize val=\"0\"/></c:dLbls>"
    }

    static func title(_ text: String) -> String {
        "<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"1100\" b=\"0\"/></a:pPr><a:r><a:rPr lang=\"da-DK\" sz=\"1100\" b=\"0\"/><a:t>\(XLSXWriter.escape(text))</a:t></a:r></a:p></c:rich></c:tx><c:overlay val=\"0\"/></c:title>"
    }

    static func categoryAxis(_ id: Int, cross: Int, position: String, reversed: Bool = false, title text: String? = nil) -> String {
        "<c:catAx><c:axId val=\"\(id)\"/><c:scaling><c:orientation val=\"\(reversed ? "maxMin" : "minMax")\"/></c:scaling><c:delete val=\"0\"/><c:axPos val=\"\(position)\"/>"
            + (text.map(title) ?? "") + "<c:numFmt formatCode=\"General\" sourceLinked=\"0\"/><c:majorTickMark val=\"none\"/><c:minorTickMark val=\"none\"/><c:tickLblPos val=\"low\"/>"
            + "<c:crossAx val=\"\(cross)\"/><c:crosses val=\"autoZero\"/><c:auto val=\"1\"/><c:lblAlgn val=\"ctr\"/><c:lblOffset val=\"100\"/><c:noMultiLvlLbl val=\"0\"/></c:catAx>"
    }

    static func valueAxis(_ id: Int, cross: Int, position: String, title text: String, crossBetween: String, gridlines: Bool = true, format: String = "General") -> String {
        "<c:valAx><c:axId val=\"\(id)\"/><c:scaling><c:orientation val=\"minMax\"/></c:scaling><c:delete val=\"0\"/><c:axPos val=\"\(position)\"/>"
            + (gridlines ? "<c:majorGridlines><c:spPr><a:ln w=\"6350\"><a:solidFill><a:srgbClr val=\"E5E5E5\"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>" : "")
            + title(text) + "<c:numFmt formatCode=\"\(format)\" sourceLinked=\"0\"/><c:majorTickMark val=\"out\"/><c:minorTickMark val=\"none\"/><c:tickLblPos val=\"nextTo\"/>"
            + "<c:crossAx val=\"\(cross)\"/><c:crosses val=\"autoZero\"/><c:crossBetween val=\"\(crossBetween)\"/></c:valAx>"
    }

    static func chartSpace(_ plot: String, _ language: ChartLanguage, legend: Bool) -> String {
        BuiltInDeckTemplate.header
            + #"<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
            + "<c:date1904 val=\"0\"/><c:lang val=\"\(language == .danish ? "da-DK" : "en-GB")\"/><c:roundedCorners val=\"0\"/>"
            + "<c:chart><c:autoTitleDeleted val=\"1\"/><c:plotArea><c:layout/>\(plot)</c:plotArea>"
            + (legend ? "<c:legend><c:legendPos val=\"t\"/><c:overlay val=\"0\"/></c:legend>" : "")
            + "<c:plotVisOnly val=\"1\"/><c:dispBlanksAs val=\"gap\"/></c:chart>"
            + "<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"1100\"/></a:pPr><a:endParaRPr lang=\"da-DK\"/></a:p></c:txPr>"
            + "<c:externalData r:id=\"rId1\"><c:autoUpdate val=\"0\"/></c:externalData></c:chartSpace>"
    }
}
