import Foundation
import PluginKit
import Tabular

/// `| pack NAME VALUE [ref …] [errors …] by UNIT [within GROUP] to "DIR" [as pptx]`: per-practice packs.
///
/// For each group a folder with an overview (`oversigt.svg`, `oversigt.csv`), and per unit a folder
/// with its bar chart and chart data in which it is named (and highlighted) and the others are
/// letters, stable within the group (ordered by unit), unless `set labels open`. `as pptx` writes
/// decks instead: `oversigt.pptx` per group and `klyngepakke.pptx` per unit, native charts. Disclosure control
/// is applied per group, so a cluster's pack hides what that cluster's counts reveal.
public enum PackExporter {
    /// The pack sink.
    public static let exporter = Exporter(
        name: "pack", sink: .pack, extensions: [],
        usage: "pack NAME VALUE [ref COL, …] [errors L U] by UNIT [within GROUP] to \"DIR\" [as pptx]",
        summary: "Per-practice folders with a bar chart and its data, the practice named and the others as letters; a cluster overview.",
        columns: 2...2, numericColumns: [1], protectsItself: true) { result, request, context throws(StageError) in
            try write(result, request, context)
        }

    /// A pack's deck: a title slide and the chart slide.
    static func deck(_ table: Table, _ spec: ChartSpec, title: String, subtitle: [String], notes: [String], context: ExportContext,
                     to file: String, typed: String) throws(StageError) {
        var deck = Deck(title: title, slides: [.title(title, lines: subtitle), .chart(title: title, table: table, spec: spec, notes: notes)],
                        language: spec.language)
        deck.disclosure = notes.first
        try TableExporters.write(try deck.data(template: context.settings["template"]), to: file, as: typed)
    }

    /// A, B, … Z, AA, AB, … for the k-th unit, as spreadsheet columns are named.
    public static func letters(_ k: Int) -> String { XLSXWriter.columnName(k) }

    static func write(_ result: Table, _ request: ExportRequest, _ context: ExportContext) throws(StageError) -> String {
        let language = ChartExporters.language(context)
        let openLabels = context.settings["labels"] == "open"
        var spec = ChartExporters.spec(.bar, request, language: language)
        let unit = request.unit!
        let groupColumn = request.group.flatMap { result.column($0) }
        var members: [String: [Int]] = [:]
        for r in 0..<result.rowCount { members[groupColumn?.value(at: r).description ?? "alle", default: []].append(r) }
        func safe(_ s: String) -> String {
            let cleaned = s.map { "/\\:*?\"<>|".contains($0) ? "-" : $0 }
            return String(cleaned).trimmingCharacters(in: .whitespaces)
        }
        func path(_ parts: String...) -> String { parts.reduce(context.path) { ($0 as NSString).appendingPathComponent($1) } }
        var units = 0
        var hidden = DisclosureSummary(threshold: context.summary.threshold)
        for (groupName, rows) in members.sorted(by: { $0.key < $1.key }) {
            let groupTable = result.gather(rows)
            let (protected, summary) = context.protect(groupTable)
            hidden = hidden + summary
            let statement = summary.sentence
            // Letters follow the unit order, so a practice keeps its letter whatever the values.
            let ids = (0..<groupTable.rowCount).map { groupTable.column(unit)!.value(at: $0).description }
            let order = ids.indices.sorted { ids[$0] < ids[$1] }
            var letter: [Int: String] = [:]
            for (k, r) in order.enumerated() { letter[r] = letters(k) }
            let names = (0..<groupTable.rowCount).map { protected.column(spec.category)?.value(at: $0).description ?? ids[$0] }
            func labelled(_ own: Int?) -> Table {
                let labels: [Value] = (0..<groupTable.rowCount).map { r in
                    openLabels || r == own ? .text(names[r]) : .text("\(language.word("unit")) \(letter[r]!)")
                }
                var t = protected
                let i = t.index(of: spec.category)!
                t.columns[i] = Column.from(name: spec.category, type: .text, values: labels)
                return t
            }
            spec.highlight = nil
            let overview = labelled(nil)
            let group = safe(groupName)
            if request.format == "pptx" {
                let (described, source) = ChartExporters.describe(overview, spec, source: context.source)
                try deck(overview, described, title: "\(described.deckTitle): \(groupName)", subtitle: [groupName], notes: [statement, "\(language.word("source")): \(source)"],
                         context: context, to: path(group, "oversigt.pptx"), typed: request.path)
                for r in 0..<groupTable.rowCount {
                    var own = described
                    own.highlight = names[r]
                    try deck(labelled(r), own, title: "\(described.deckTitle): \(names[r])", subtitle: [names[r], groupName], notes: [statement, "\(language.word("source")): \(source)"], context: context,
                             to: path(group, safe(ids[r]), "klyngepakke.pptx"), typed: request.path)
                    units += 1
                }
                continue
            }
            try TableExporters.write(ChartExporters.file(overview, spec, asData: false, context: context, disclosure: statement), to: path(group, "oversigt.svg"), as: request.path)
            try TableExporters.write(ChartExporters.file(overview, spec, asData: true, context: context), to: path(group, "oversigt.csv"), as: request.path)
            for r in 0..<groupTable.rowCount {
                var own = spec
                own.highlight = names[r]
                if own.title == nil { own.title = "\(language.word("rate")): \(names[r])" }
                let table = labelled(r)
                try TableExporters.write(ChartExporters.file(table, own, asData: false, context: context, disclosure: statement), to: path(group, safe(ids[r]), "chart.svg"), as: request.path)
                try TableExporters.write(ChartExporters.file(table, own, asData: true, context: context), to: path(group, safe(ids[r]), "chart-data.csv"), as: request.path)
                units += 1
            }
        }
        let labels = (openLabels ? "all practices named (set labels open)" : "other practices as letters") + (request.format == "pptx" ? ", as decks" : "")
        return "wrote packs for \(units) units in \(members.count) groups to \(request.path) (\(labels)); \(hidden.sentence)"
    }
}
