import Tabular

/// A sink: what writes a pipeline's result out of the shell — a file format for `export`, a chart
/// kind for `| chart KIND …`, or `| pack …` — checked when the pipeline is planned, before anything runs.
///
/// The host picks the exporter by the statement and the file's extension (or `as FORMAT`), checks
/// the request against the columns that will reach it, runs the pipeline, applies disclosure
/// control (counts by their declared roles), and only then calls `write`.
public struct Exporter: Sendable {
    /// Where in the language an exporter is used.
    public enum Sink: String, Sendable, CaseIterable {
        /// `export PIPELINE to "PATH" [as NAME]`.
        case export
        /// `PIPELINE | chart NAME COL … to "PATH"`.
        case chart
        /// `PIPELINE | pack … to "DIR"`.
        case pack
    }

    /// The format or chart kind users name (`csv`, `excel`, `bar`, `funnel`).
    public let name: String
    /// Other names it answers to after `as` (`md` for markdown).
    public let aliases: [String]
    /// Where it is used.
    public let sink: Sink
    /// The file extensions it writes, lowercase without the dot (`svg`, `csv`); empty for a folder.
    public let extensions: [String]
    /// How to write it, e.g. `chart bar CATEGORY VALUE [ref COL, …] to "x.svg"`.
    public let usage: String
    /// One sentence on what it writes.
    public let summary: String
    /// How many positional columns it takes (a chart's category, value, …).
    public let columns: ClosedRange<Int>
    /// Which positional columns must be numbers (by position).
    public let numericColumns: [Int]
    /// Whether it applies disclosure control itself (per part, as `pack` does per cluster); the
    /// host then hands it the unprotected result and `ExportContext.protect`.
    public let protectsItself: Bool
    /// Checks a request against the columns that will reach it; throw to stop before anything runs.
    public let check: @Sendable (_ input: [Field], _ request: ExportRequest) throws(StageError) -> Void
    /// Writes the result and says in one sentence what it wrote.
    public let write: @Sendable (_ table: Table, _ request: ExportRequest, _ context: ExportContext) throws(StageError) -> String

    /// Creates an exporter.
    public init(name: String, aliases: [String] = [], sink: Sink, extensions: [String], usage: String, summary: String,
                columns: ClosedRange<Int> = 0...0, numericColumns: [Int] = [], protectsItself: Bool = false,
                check: @escaping @Sendable (_ input: [Field], _ request: ExportRequest) throws(StageError) -> Void = { _, _ in },
                write: @escaping @Sendable (_ table: Table, _ request: ExportRequest, _ context: ExportContext) throws(StageError) -> String) {
        self.name = name
        self.aliases = aliases
        self.sink = sink
        self.extensions = extensions
        self.usage = usage
        self.summary = summary
        self.columns = columns
        self.numericColumns = numericColumns
        self.protectsItself = protectsItself
        self.check = check
        self.write = write
    }

    /// Whether it writes files with this extension (a folder sink takes any path).
    public func writes(extension ext: String) -> Bool { extensions.isEmpty || extensions.contains(ext.lowercased()) }

    /// Whether users may call it this (after `as`, or as a chart kind).
    public func answers(to name: String) -> Bool { self.name == name.lowercased() || aliases.contains(name.lowercased()) }
}

/// What a sink was asked for, as typed: checked by `Exporter.check`, then handed to `write`.
public struct ExportRequest: Sendable {
    /// The positional columns (a chart's category and value; a funnel's label, value and denominator).
    public var columns: [String]
    /// Reference-line columns (`ref COL, …`).
    public var references: [String] = []
    /// Interval columns (`errors LOWER UPPER`).
    public var errors: (lower: String, upper: String)? = nil
    /// The title (`title "…"`).
    public var title: String? = nil
    /// The denominator's reference period for the axis (`period "…"`).
    public var period: String? = nil
    /// `pack … by UNIT`.
    public var unit: String? = nil
    /// `pack … within GROUP`.
    public var group: String? = nil
    /// `export … allow identifiers`.
    public var allowIdentifiers = false
    /// `pack … as pptx`: the format asked for by name, when the path does not say it.
    public var format: String? = nil
    /// The path as typed.
    public var path: String
    /// The path's extension, lowercase without the dot ("" when it has none).
    public var pathExtension: String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return "" }
        return String(last[last.index(after: dot)...]).lowercased()
    }

    /// Creates a request.
    public init(columns: [String], path: String) {
        self.columns = columns
        self.path = path
    }
}

/// What the host gives an exporter when it writes.
public struct ExportContext: Sendable {
    /// The absolute path to write.
    public var path: String
    /// Where the data came from, for a chart's source note (e.g. "klynge, billing.csv").
    public var source: String
    /// The session's settings by name (`language`, `labels`, `suppress`).
    public var settings: [String: String]
    /// The columns' declared roles by name.
    public var roles: [String: Role]
    /// What disclosure control did to the table handed over (nothing when the exporter protects itself).
    public var summary: DisclosureSummary
    /// The sentence stating it, for the file and the message.
    public var disclosure: String { summary.sentence }
    /// Applies the session's disclosure control to a part of the result (for exporters that protect
    /// per part): the protected table and what was hidden.
    public var protect: @Sendable (Table) -> (Table, DisclosureSummary)

    /// Creates a context.
    public init(path: String, source: String, settings: [String: String], roles: [String: Role], summary: DisclosureSummary,
                protect: @escaping @Sendable (Table) -> (Table, DisclosureSummary)) {
        self.path = path
        self.source = source
        self.settings = settings
        self.roles = roles
        self.summary = summary
        self.protect = protect
    }
}

/// What disclosure control hid from a table that leaves the shell, and the sentence every export states.
public struct DisclosureSummary: Sendable, Equatable {
    /// The threshold: counts from 1 to this less one are hidden; nil when control is off.
    public var threshold: Int?
    /// Cells hidden because they were small.
    public var primary = 0
    /// Cells hidden so that the small ones cannot be recovered from totals.
    public var complementary = 0
    /// Statistics blanked because they derive from a hidden count.
    public var derived = 0
    /// Something else every export must state (e.g. that CPR numbers were loaded raw).
    public var caveat: String? = nil

    /// Creates a summary.
    public init(threshold: Int?, primary: Int = 0, complementary: Int = 0, derived: Int = 0) {
        self.threshold = threshold
        (self.primary, self.complementary, self.derived) = (primary, complementary, derived)
    }

    /// Two parts' summaries together (a pack's clusters).
    public static func + (a: DisclosureSummary, b: DisclosureSummary) -> DisclosureSummary {
        var sum = DisclosureSummary(threshold: a.threshold, primary: a.primary + b.primary, complementary: a.complementary + b.complementary,
                                    derived: a.derived + b.derived)
        sum.caveat = a.caveat ?? b.caveat
        return sum
    }

    /// One sentence on what was done, stated in every export, chart and pack.
    public var sentence: String {
        caveat.map { controlSentence + "; " + $0 } ?? controlSentence
    }

    /// What disclosure control did, in one sentence.
    var controlSentence: String {
        guard let threshold else { return "disclosure control was OFF (set suppress off): small counts are shown" }
        if primary == 0 { return "disclosure control: no counts under \(threshold)" }
        var parts = ["disclosure control: \(primary) \(primary == 1 ? "count" : "counts") of 1–\(threshold - 1) shown as <\(threshold)"]
        if complementary > 0 { parts.append("\(complementary) more shown as x so they cannot be recovered from totals") }
        if derived > 0 { parts.append("\(derived) statistics derived from them blanked") }
        return parts.joined(separator: ", ")
    }
}
