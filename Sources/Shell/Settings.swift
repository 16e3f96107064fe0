import Output

/// The session's settings, changed by `set NAME VALUE` and the matching meta-commands.
public struct Settings: Sendable {
    /// How results print.
    public var format: OutputFormat = .table
    /// Whether each statement reports its time (`.timer on`).
    public var timer = false
    /// Whether each stage reports its rows and time (`.trace on`).
    public var trace = false
    /// The most rows a terminal table shows before eliding the middle.
    public var maxRows = 40
    /// The terminal width tables fit into.
    public var width = 120
    /// Whether to colour terminal output.
    public var color = false
    /// Whether packs name every practice (`open`) or only the practice a pack is for (anonymous).
    public var openLabels = false
    /// The language of chart labels.
    public var language: ChartLanguage = .danish
    /// The disclosure-control threshold for exports: counts from 1 to this less one are hidden; nil is off.
    public var suppress: Int? = 5
    /// The fewest answers a survey group needs to be reported (the national patient survey's rule is 5).
    public var minimumAnswers = 5
    /// The most rows a join may make without `allow many`.
    public var maxJoinRows = 10_000_000
    /// The most rows a result from a database may have (a larger one stops with a message).
    public var maxRemoteRows = 1_000_000
    /// The most rows a local dataset may have to be sent to a database as `VALUES` in a join.
    public var maxValuesRows = 10_000
    /// The memory a load may need, in bytes (`set max_memory 2GB`); nil: what the machine has free.
    public var maxMemory: UInt64? = nil
    /// Whether CPR numbers are loaded as they are (`set cpr keep`, one session only) rather than pseudonymised.
    public var keepCPR = false
    /// Whether loads read and write the load cache of unchanged files.
    public var cache = true
    /// The PowerPoint template decks are built on (an absolute path); nil: klynge's own.
    public var template: String?

    /// The settings plugin stages may follow, by name.
    public var forStages: [String: String] { ["min_answers": String(minimumAnswers), "max_join_rows": String(maxJoinRows)] }

    /// The settings exporters may follow, by name (`language` da/en, `labels` open/anonymous, `suppress`).
    public var forExporters: [String: String] {
        var settings = ["language": language.rawValue, "labels": openLabels ? "open" : "anonymous", "suppress": suppress.map(String.init) ?? "off"]
        if let template { settings["template"] = template }
        return settings
    }

    /// Creates default settings.
    public init() {}

    /// The settings `set` knows, with the values each takes (for help and completion).
    public static let known: [(name: String, values: [String], summary: String)] = [
        ("format", OutputFormat.allCases.map(\.rawValue), "how results print (also .mode)"),
        ("timer", ["on", "off"], "report each statement's time (also .timer)"),
        ("trace", ["on", "off"], "report each stage's rows and time"),
        ("rows", ["40"], "the most rows a terminal table shows"),
        ("min_answers", ["5"], "the fewest answers a survey group needs to be reported (likert, topbox)"),
        ("language", ["da", "en"], "the language of chart labels"),
        ("labels", ["anonymous", "open"], "packs: other practices as letters A, B, C … or by name"),
        ("suppress", ["5", "off"], "disclosure control of exports: counts 1–4 shown as <5 (off must be explicit)"),
        ("max_join_rows", ["10000000"], "the most rows a join may make without `allow many`"),
        ("remote_rows", ["1000000"], "the most rows a result from a connected database may bring back (only aggregates should leave it)"),
        ("values_rows", ["10000"], "the most rows of a local dataset a pipeline on a database may join (sent as VALUES)"),
        ("max_memory", ["free", "2GB"], "the memory a load may need; free (the default) is what the machine has available"),
        ("template", ["default", "FILE.pptx"], "the PowerPoint file decks are built on: its theme, master, layouts and size (default: klynge's own)"),
        ("cache", ["on", "off"], "a second load of an unchanged CSV file comes from binary columns in ~/.cache/klynge/loads (never raw CPR numbers)"),
        ("cpr", ["pseudonymise", "keep"], "CPR numbers are pseudonymised on load; keep (this session only) loads them raw, and every export says so"),
    ]
}
