import Foundation
import PluginKit
import Tabular

/// The built-in chart kinds of `| chart KIND …`: each writes the chart as SVG (`.svg`), the wide
/// table a PowerPoint chart pastes (`.csv`, Danish-Excel CSV), or a one-slide deck with a native,
/// editable PowerPoint chart (`.pptx`).
public enum ChartExporters {
    /// bar, funnel, likert, trend and slope.
    public static let all: [Exporter] = [
        chart(.bar, columns: 2...2, numeric: [1], usage: "chart bar CATEGORY VALUE [ref COL, …] [errors LOWER UPPER] [title \"…\"] [period \"…\"] to \"x.svg\"",
              summary: "Bars sorted by value with reference lines (cluster, region) and interval bars."),
        chart(.funnel, columns: 3...3, numeric: [1, 2], usage: "chart funnel LABEL VALUE DENOMINATOR to \"x.svg\" (after a funnel stage)",
              summary: "Points against their denominators with the funnel's 95% and 99.8% limits and target; flagged units named."),
        chart(.likert, columns: 3...3, numeric: [2], usage: "chart likert QUESTION ANSWER PERCENT to \"x.svg\" (after a likert stage)",
              summary: "Diverging stacked bars per question, Ved ikke apart."),
        chart(.trend, columns: 2...3, numeric: [1], usage: "chart trend PERIOD VALUE [SERIES] to \"x.svg\"",
              summary: "A value per period, one line per series."),
        chart(.slope, columns: 3...3, numeric: [1, 2], usage: "chart slope UNIT BASELINE FOLLOWUP to \"x.svg\" (after a followup stage)",
              summary: "Baseline against follow-up per unit, changes beyond chance coloured and named."),
    ]

    /// The columns a funnel chart draws, which only the funnel stage makes.
    static let funnelColumns = ["target", "funnel_lower95", "funnel_upper95", "funnel_lower998", "funnel_upper998"]

    static func chart(_ kind: ChartSpec.Kind, columns: ClosedRange<Int>, numeric: [Int], usage: String, summary: String) -> Exporter {
        Exporter(name: kind.rawValue, sink: .chart, extensions: ["svg", "csv", "pptx"], usage: usage, summary: summary,
                 columns: columns, numericColumns: numeric,
                 check: { input, _ throws(StageError) in
                     guard kind == .funnel else { return }
                     for needed in funnelColumns where !input.contains(where: { $0.name == needed }) {
                         throw StageError("a funnel chart draws the columns of the funnel stage; '\(needed)' is missing", argument: "kind",
                                          suggestion: "put | funnel X per M N before | chart funnel …")
                     }
                 },
                 write: { table, request, context throws(StageError) in
                     let spec = spec(kind, request, language: language(context))
                     if request.pathExtension == "pptx" {
                         try TableExporters.write(deck(table, spec, context: context), to: context.path, as: request.path)
                         return "wrote a one-slide deck with a \(kind.rawValue) chart of \(table.rowCount) rows to \(request.path); \(context.disclosure)"
                     }
                     try TableExporters.write(file(table, spec, asData: request.pathExtension == "csv", context: context), to: context.path, as: request.path)
                     return "wrote \(kind.rawValue) chart of \(table.rowCount) rows to \(request.path); \(context.disclosure)"
                 })
    }

    /// A built-in chart kind's chart as a report draws it (nil for another plugin's chart kind).
    public static func drawn(_ table: Table, kind: String, request: ExportRequest, context: ExportContext) -> DrawnChart? {
        guard let kind = ChartSpec.Kind(rawValue: kind) else { return nil }
        let (described, source) = describe(table, spec(kind, request, language: language(context)), source: context.source)
        let svg = SVGChart.render(table, described, source: source, note: context.disclosure)
        // A chart written as a deck or its data is drawn in the report from an SVG of its own.
        let stem = ((request.path as NSString).lastPathComponent as NSString).deletingPathExtension
        let path = request.pathExtension == "svg" ? request.path : "charts/\(stem).svg"
        return DrawnChart(svg: svg, path: path, spec: described, table: table,
                          notes: [context.disclosure, "\(described.language.word("source")): \(source)"])
    }

    /// The session's chart language.
    static func language(_ context: ExportContext) -> ChartLanguage {
        ChartLanguage(rawValue: context.settings["language"] ?? "da") ?? .danish
    }

    /// The chart spec a request asks for.
    static func spec(_ kind: ChartSpec.Kind, _ request: ExportRequest, language: ChartLanguage) -> ChartSpec {
        var spec = ChartSpec(kind: kind, category: request.columns[0], value: request.columns[1],
                             denominator: kind == .funnel ? request.columns[2] : nil)
        if kind != .funnel, request.columns.count > 2 { spec.series = request.columns[2] }
        spec.references = request.references
        spec.errors = request.errors
        spec.title = request.title
        spec.language = language
        spec.axisNote = request.period
        return spec
    }

    /// The methods a result's `method` column names (e.g. "exact/byar"), for axis titles.
    static func methods(_ table: Table) -> String? {
        guard let column = table.column("method") else { return nil }
        var seen: [String] = []
        for r in 0..<table.rowCount { let v = column.value(at: r); if !v.isNull, !seen.contains(v.description) { seen.append(v.description) } }
        return seen.isEmpty ? nil : seen.sorted().joined(separator: "/")
    }

    /// The SVG (or the chart data, Danish-Excel CSV) of a table already under disclosure control.
    static func file(_ table: Table, _ spec: ChartSpec, asData: Bool, context: ExportContext, disclosure: String? = nil) -> String {
        if asData { return ResultWriter.text(SVGChart.chartData(table, spec), format: .excel) }
        let (described, sourceNote) = describe(table, spec, source: context.source)
        return SVGChart.render(table, described, source: sourceNote, note: disclosure ?? context.disclosure)
    }

    /// A one-slide deck with the chart as a native PowerPoint chart, on the session's template.
    static func deck(_ table: Table, _ spec: ChartSpec, context: ExportContext, disclosure: String? = nil) throws(StageError) -> Data {
        let (described, sourceNote) = describe(table, spec, source: context.source)
        let title = described.deckTitle
        let notes = [disclosure ?? context.disclosure, "\(spec.language.word("source")): \(sourceNote)"]
        let deck = Deck(title: title, slides: [.chart(title: title, table: table, spec: described, notes: notes)], language: spec.language)
        return try deck.data(template: context.settings["template"])
    }

    /// The spec with what the data says about itself (the statistic as the value's label and the
    /// title, the method on the axis), and the source note.
    public static func describe(_ table: Table, _ spec: ChartSpec, source: String) -> (ChartSpec, String) {
        var spec = spec
        let method = methods(table).map { (spec.language == .danish ? "metode: " : "method: ") + $0 }
        let note = [spec.axisNote, method].compactMap { $0 }.joined(separator: "; ")
        spec.axisNote = note.isEmpty ? nil : note
        var sourceNote = source
        if table.rowCount > 0, let statistic = table.column("statistic")?.value(at: 0), !statistic.isNull {
            sourceNote += "; \(statistic)"
            // The data says what the value is: name it rather than the generic "services per 1000 listed".
            if ["rate", "ratio", "proportion"].contains(spec.value) || spec.kind == .slope {
                // The part before a ";" says what the value is; the rest (the method) is in the source note.
                spec.valueLabel = spec.language.statistic(String(statistic.description.prefix { $0 != ";" }))
                if spec.title == nil { spec.title = spec.valueLabel }
            }
        }
        if table.rowCount > 0, let method = table.column("method")?.value(at: 0), !method.isNull { sourceNote += "; method: \(method)" }
        return (spec, sourceNote)
    }
}
