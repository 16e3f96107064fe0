import Output
import PluginKit
import Query

/// The text of `.help` and `.help TOPIC`: built from the same tables that the parser, the
/// function registry and the meta-commands use, so it cannot drift from what runs.
public enum HelpTopics {
    /// The core stages, in pipeline order (from the parser's own table).
    public static var stages: [CoreStage] { CoreStage.table }

    /// Every topic `.help` knows.
    public static var topicNames: [String] {
        ["statements", "stages", "functions", "aggregates", "commands", "loading", "databases", "types", "keys", "settings"]
            + stages.map(\.name) + BuiltInPlugins.all.flatMap { $0.stages.map(\.name) } + ScalarFunctions.names + AggregateFunctions.names
    }

    /// The first page of `.help`; the settings line comes from `Settings.known`, so it lists them all.
    /// The first page of `.help`: the settings, stages and plugin stages come from their tables.
    static func overview(_ pluginStages: [String: Stage]) -> String {
        let core = CoreStage.table.filter { $0.name != "chart" && $0.name != "pack" }.map(\.name)
        let plugins = wrapped(pluginStages.values.sorted { ($0.plugin, $0.name) < ($1.plugin, $1.name) }.map(\.name).joined(separator: ", "), width: 72)
        return overviewText.replacingOccurrences(of: "{settings}", with: Settings.known.map(\.name).joined(separator: ", "))
            .replacingOccurrences(of: "{stages}", with: core.joined(separator: ", "))
            .replacingOccurrences(of: "{plugins}", with: plugins.joined(separator: "\n" + String(repeating: " ", count: 20)))
    }

    static let overviewText = """
    klynge — analytics for general-practice quality clusters (klynger)

    Statements
      load NAME "PATH" [options]     read a CSV/TSV file (delimiter, decimal comma, encoding, dates sniffed)
      let NAME = PIPELINE            name a result
      PIPELINE                       run and show it; the result becomes _
      export PIPELINE to "PATH" [as csv|excel|json|markdown]
      set NAME VALUE                 settings: {settings} (.help settings)
      connect NAME "postgresql://…"  a database's tables as datasets (or "sc://host:15002" for Spark); pipelines on them run there
      load NAME from CONN "SQL"      a query's result as a dataset · disconnect NAME

    A pipeline starts from a dataset and flows through stages joined by |:
      billing | where year(service_date) == 2023 | summarize services = sum(count) by practice_id
    A line that starts with | continues the last result (_).

    Stages: {stages}
    Analysis (plugins): {plugins}
                    — .plugins lists them, with where each came from
    Output: export … to "x.csv" as excel · | chart bar … to "x.svg" · | pack … to "DIR"
            (small counts are hidden as <5 in everything that leaves the shell)
    More:   .help stages · .help functions · .help aggregates · .help commands · .help loading · .help databases · .help STAGE

    A statement continues on the next line while a bracket is open or the line ends with | or ,
    Comments start with --. Tab completes names; Ctrl-R searches history; Ctrl-C cancels; Ctrl-D leaves.
    """

    static let databases = """
    connect NAME "postgresql://user@host:5432/database"
      Attaches a PostgreSQL database (and engines that speak its protocol). Its tables and views
      become datasets without being read (.datasets, .schema NAME, Tab). The password comes from
      PGPASSWORD, ~/.pgpass, or a prompt that does not echo; it is never shown, saved or logged.
    connect NAME "sc://host:15002[/;database=NAME][;token=…][;use_ssl=true]"
      Attaches Spark through Spark Connect (a build made with `make run SPARK=1`): the current
      database's tables become datasets. A token comes from the address, SPARK_CONNECT_TOKEN or
      a prompt, and is never shown or kept.
    disconnect NAME

    A pipeline that starts from a database table runs there as one SQL statement, one CTE per stage
    (where, select, derive, summarize with every aggregate, join, sort, take, distinct, rename and the
    functions); only its result comes back. Analysis stages finish here on what the database computes
    (rate, compare, funnel, variation, followup: the rows per unit; standardize: sums per group and
    age band), with the same code as in memory. A stage or function with no SQL form runs here on the
    rows fetched, with a warning that says how many.
      .sql PIPELINE        the SQL it sends (for the data team) and what runs here after it
      .explain PIPELINE    the plan, and where each stage runs
      Ctrl-C               cancels the query in the database too
    A local dataset of up to values_rows rows (10000) may be joined: it is sent as VALUES. A result
    of more than remote_rows rows (1000000) stops with a message: summarize first.

    load NAME from CONN "SQL"   runs a query and keeps its result as a local dataset, for what a
                                pipeline cannot say (double a " inside the query: "")
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
    public static func help(_ topic: String, stages pluginStages: [String: Stage] = [:], functions pluginFunctions: [String: Function] = [:]) -> [Outcome] {
        let t = topic.lowercased().trimmingCharacters(in: .whitespaces)
        switch t {
        case "": return [.text(overview(pluginStages) + "\n")]
        case "stages":
            let core = stages.map { "  \(pad($0.usage, 42)) \($0.summary)" }
            let plugins = pluginStages.values.sorted { $0.name < $1.name }.map { "  \(pad($0.usage, 42)) \($0.summary)" }
            return [.text((core + (plugins.isEmpty ? [] : ["", "  from plugins (.plugins):"] + plugins)).joined(separator: "\n") + "\n")]
        case "functions":
            let list = ScalarFunctions.names.compactMap { ScalarFunctions.all[$0] }
            let fromPlugins = pluginFunctions.values.sorted { $0.name < $1.name }.map { "  \(pad($0.signature, 40)) \($0.summary)" }
            return [.text((list.map { "  \(pad($0.signature, 40)) \($0.summary)" } + (fromPlugins.isEmpty ? [] : ["", "  from plugins (.plugins):"] + fromPlugins))
                .joined(separator: "\n") + "\n")]
        case "aggregates":
            let list = AggregateFunctions.names.compactMap { AggregateFunctions.all[$0] }
            return [.text(list.map { "  \(pad($0.signature, 24)) \($0.summary)" }.joined(separator: "\n") + "\n")]
        case "commands", "meta":
            return [.text(MetaCommand.table.map { "  \(pad($0.usage, 38)) \($0.summary)" }.joined(separator: "\n") + "\n")]
        case "statements": return [.text(overview(pluginStages) + "\n")]
        case "loading", "load": return [.text(loading + "\n")]
        case "databases", "database", "connect", "sql", "postgresql": return [.text(databases + "\n")]
        case "types": return [.text(types + "\n")]
        case "keys": return [.text(keys + "\n")]
        case "settings", "set":
            return [.text(Settings.known.map { "  set \(pad($0.name, 8)) \(pad($0.values.joined(separator: "|"), 34)) \($0.summary)" }.joined(separator: "\n") + "\n")]
        default:
            if let s = stages.first(where: { $0.name == t }) {
                return [.text("\(s.usage)\n  \(s.summary)\n  example: \(s.example)\n")]
            }
            if let s = pluginStages[t] {
                let references = s.references.isEmpty ? "" : "  methods and references:\n" + s.references.map { "    \($0)\n" }.joined()
                return [.text("\(s.usage)\n  \(s.summary)\n  example: \(s.example)\n" + references)]
            }
            if let f = ScalarFunctions.all[t] { return [.text("\(f.signature)\n  \(f.summary)\n")] }
            if let f = pluginFunctions[t] { return [.text("\(f.signature)\n  \(f.summary)\n")] }
            if let f = AggregateFunctions.all[t] { return [.text("\(f.signature)   (in summarize)\n  \(f.summary)\n")] }
            if let c = MetaCommand.find(t.hasPrefix(".") ? String(t.dropFirst()) : t) { return [.text("\(c.usage)\n  \(c.summary)\n")] }
            let d = Diagnostic.unknown("help topic", topic, at: SourceRange(6, 6 + topic.count), candidates: topicNames)
            return [.error(d, source: ".help \(topic)")]
        }
    }

    static func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
}

