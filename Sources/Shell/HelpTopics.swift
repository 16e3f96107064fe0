import PluginKit
import Query

/// The text of `.help` and `.help TOPIC`: built from the same tables that the parser, the
/// function registry and the meta-commands use, so it cannot drift from what runs.
public enum HelpTopics {
    /// One stage's help: how to write it, what it does, an example on the demo data.
    public struct StageHelp: Sendable {
        /// The stage keyword.
        public let name: String
        /// How to write it.
        public let usage: String
        /// One sentence on what it does.
        public let summary: String
        /// A statement that runs on the demo data.
        public let example: String
    }

    /// The core stages, in pipeline order.
    public static let stages: [StageHelp] = [
        StageHelp(name: "where", usage: "where CONDITION", summary: "Keep the rows where the condition is true (null counts as false).",
                  example: "billing | where service_code in (\"0130\", \"0421\") and year(service_date) == 2023"),
        StageHelp(name: "select", usage: "select COL, NEW = EXPR, …", summary: "Keep and compute these columns only, in this order.",
                  example: "practices | select practice_id, cluster, per_1000 = listed_patients / 1000"),
        StageHelp(name: "derive", usage: "derive NEW = EXPR, …", summary: "Add columns (or replace one of the same name); later ones may use earlier ones.",
                  example: "billing | derive year = year(service_date), quarter = quarter(service_date)"),
        StageHelp(name: "summarize", usage: "summarize NEW = AGG(…), … [by COL, …]", summary: "One row per group with aggregates; groups come sorted by the `by` columns.",
                  example: "billing | summarize services = sum(count), patients = count_distinct(patient_id) by practice_id"),
        StageHelp(name: "join", usage: "join [left|inner] DATASET on COL [= COL]", summary: "Add the columns of another dataset where the key matches (left keeps unmatched rows).",
                  example: "practices | join left palliation on practice_id"),
        StageHelp(name: "sort", usage: "sort COL [desc], …", summary: "Order the rows (nulls last); ties keep their order.",
                  example: "practices | sort listed_patients desc"),
        StageHelp(name: "take", usage: "take N", summary: "Keep the first N rows.", example: "billing | take 5"),
        StageHelp(name: "distinct", usage: "distinct COL, …", summary: "One row per distinct combination of the columns, sorted.",
                  example: "practices | distinct cluster"),
        StageHelp(name: "rename", usage: "rename OLD as NEW, …", summary: "Give columns new names.",
                  example: "practices | rename listed_patients as sikrede"),
        StageHelp(name: "chart", usage: "chart bar|funnel|likert|trend|slope COL … [ref COL, …] [errors L U] [title \"…\"] [period \"…\"] to \"x.svg\"",
                  summary: "Draw the rows as an SVG chart (or write its data with a .csv path), with disclosure control; the last stage.",
                  example: "practices | compare listed_patients per 1000 listed_patients within cluster | where cluster == \"Næstved 1\" | chart bar practice_name rate ref group_rate, overall_rate to \"out/naestved.svg\""),
        StageHelp(name: "pack", usage: "pack NAME VALUE [ref COL, …] [errors L U] by UNIT [within GROUP] to \"DIR\"",
                  summary: "Per-practice folders with a bar chart and its data, the practice named and the others as letters; a cluster overview.",
                  example: "practices | compare listed_patients per 1000 listed_patients within cluster | pack practice_name rate ref group_rate by practice_id within cluster to \"out/pakker\""),
    ]

    /// Every topic `.help` knows.
    public static var topicNames: [String] {
        ["statements", "stages", "functions", "aggregates", "commands", "loading", "types", "keys", "settings"]
            + stages.map(\.name) + BuiltInPlugins.all.flatMap { $0.stages.map(\.name) } + ScalarFunctions.names + AggregateFunctions.names
    }

    /// The first page of `.help`; the settings line comes from `Settings.known`, so it lists them all.
    static var overview: String { overviewText.replacingOccurrences(of: "{settings}", with: Settings.known.map(\.name).joined(separator: ", ")) }

    static let overviewText = """
    klynge — analytics for general-practice quality clusters (klynger)

    Statements
      load NAME "PATH" [options]     read a CSV/TSV file (delimiter, decimal comma, encoding, dates sniffed)
      let NAME = PIPELINE            name a result
      PIPELINE                       run and show it; the result becomes _
      export PIPELINE to "PATH" [as csv|excel|json|markdown]
      set NAME VALUE                 settings: {settings} (.help settings)

    A pipeline starts from a dataset and flows through stages joined by |:
      billing | where year(service_date) == 2023 | summarize services = sum(count) by practice_id
    A line that starts with | continues the last result (_).

    Stages: where, select, derive, summarize, join, sort, take, distinct, rename
    Analysis (plugins): rate, proportion, compare, funnel, variation, standardize, followup,
                        likert, topbox, comments — .plugins lists them
    Output: export … to "x.csv" as excel · | chart bar … to "x.svg" · | pack … to "DIR"
            (small counts are hidden as <5 in everything that leaves the shell)
    More:   .help stages · .help functions · .help aggregates · .help commands · .help loading · .help STAGE

    A statement continues on the next line while a bracket is open or the line ends with | or ,
    Comments start with --. Tab completes names; Ctrl-R searches history; Ctrl-C cancels; Ctrl-D leaves.
    """

    static let loading = """
    load NAME "PATH" [options]

    What is sniffed (each can be overridden):
      delimiter ";"          , ; tab | — the one that splits the first lines evenly
      decimal ","            decimal comma (1.234,50) or point, decided per column
      encoding "cp1252"      UTF-8, UTF-8 with BOM, Windows-1252 (Danish Excel), UTF-16
      dates "dd-mm-yyyy"     yyyy-mm-dd, dd-mm-yyyy, dd.mm.yyyy, dd/mm/yyyy
      header false           whether the first row names the columns
      types (practice_id: text, antal: integer)

    Types are decided from every value in a column. Codes with leading zeros (0101) stay text, and so do
    digit-only columns whose names say they are identifiers (practice_id, ydernummer, service_code, …).
    A file that cannot be read whole is not loaded at all; the error shows the line.
    """

    static let types = """
    Types: integer, decimal, text, date, boolean (and null for a missing value).
    Literals: 42, 3.5, "text", @2023-01-31, true, false, null.
    Text compared with a date column is read as a date: service_date >= "2023-01-01".
    Arithmetic on integers stays integer except /, which gives a decimal; x / 0 is null.
    """

    static let keys = """
    Keys
      Tab          complete: commands, stages, datasets, columns flowing into the stage, functions, file paths
      Up / Down    history (a multi-line statement comes back as one line)
      Ctrl-R       search history
      Ctrl-C       cancel the line being typed, or the statement running
      Ctrl-D       leave (on an empty line)
    ~/.editrc is read (e.g. `bind -v` for vi keys).
    """

    /// The outcome of `.help [topic]`.
    public static func help(_ topic: String, stages pluginStages: [String: Stage] = [:]) -> [Outcome] {
        let t = topic.lowercased().trimmingCharacters(in: .whitespaces)
        switch t {
        case "": return [.text(overview + "\n")]
        case "stages":
            let core = stages.map { "  \(pad($0.usage, 42)) \($0.summary)" }
            let plugins = pluginStages.values.sorted { $0.name < $1.name }.map { "  \(pad($0.usage, 42)) \($0.summary)" }
            return [.text((core + (plugins.isEmpty ? [] : ["", "  from plugins (.plugins):"] + plugins)).joined(separator: "\n") + "\n")]
        case "functions":
            let list = ScalarFunctions.names.compactMap { ScalarFunctions.all[$0] }
            return [.text(list.map { "  \(pad($0.signature, 40)) \($0.summary)" }.joined(separator: "\n") + "\n")]
        case "aggregates":
            let list = AggregateFunctions.names.compactMap { AggregateFunctions.all[$0] }
            return [.text(list.map { "  \(pad($0.signature, 24)) \($0.summary)" }.joined(separator: "\n") + "\n")]
        case "commands", "meta":
            return [.text(MetaCommand.table.map { "  \(pad($0.usage, 38)) \($0.summary)" }.joined(separator: "\n") + "\n")]
        case "statements": return [.text(overview + "\n")]
        case "loading", "load": return [.text(loading + "\n")]
        case "types": return [.text(types + "\n")]
        case "keys": return [.text(keys + "\n")]
        case "settings", "set":
            return [.text(Settings.known.map { "  set \(pad($0.name, 8)) \(pad($0.values.joined(separator: "|"), 34)) \($0.summary)" }.joined(separator: "\n") + "\n")]
        default:
            if let s = stages.first(where: { $0.name == t }) {
                return [.text("\(s.usage)\n  \(s.summary)\n  example: \(s.example)\n")]
            }
            if let s = pluginStages[t] {
                return [.text("\(s.usage)\n  \(s.summary)\n  example: \(s.example)\n")]
            }
            if let f = ScalarFunctions.all[t] { return [.text("\(f.signature)\n  \(f.summary)\n")] }
            if let f = AggregateFunctions.all[t] { return [.text("\(f.signature)   (in summarize)\n  \(f.summary)\n")] }
            if let c = MetaCommand.find(t.hasPrefix(".") ? String(t.dropFirst()) : t) { return [.text("\(c.usage)\n  \(c.summary)\n")] }
            let d = Diagnostic.unknown("help topic", topic, at: SourceRange(6, 6 + topic.count), candidates: topicNames)
            return [.error(d, source: ".help \(topic)")]
        }
    }

    static func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
}
