import Output
import Query
import Tabular

/// What executing a line produced, for the front end to show.
///
/// Results (`result`, `text`) belong on standard output; everything else (`info`, `warning`,
/// `error`) is a message, which goes to standard error when standard output is not a terminal,
/// so `klynge -c "…" --format csv > out.csv` is clean CSV.
public enum Outcome: Sendable {
    /// A pipeline's result table.
    case result(Table)
    /// Text that is itself the answer (help, a schema).
    case text(String)
    /// A report on what happened (loaded, wrote, timings).
    case info(String)
    /// A remark on the result before it (e.g. what disclosure control hid), kept with it in a report.
    case note(String)
    /// A chart drawn into a notebook's report: its SVG, file, spec and protected data.
    case chart(DrawnChart)
    /// Something the user should know, that did not stop the statement.
    case warning(String)
    /// A failed statement, with the statement's text for the caret.
    case error(Diagnostic, source: String)
    /// The user asked to leave.
    case quit

    /// Whether this is a failure.
    public var isError: Bool {
        if case .error = self { return true }
        return false
    }

    /// Whether this belongs on standard output.
    public var isResult: Bool {
        switch self {
        case .result, .text: return true
        default: return false
        }
    }
}

extension Array where Element == Outcome {
    /// The diagnostics among the outcomes (what a notebook runner or a test checks first).
    public var errors: [Diagnostic] { compactMap { if case .error(let d, _) = $0 { return d } else { return nil } } }
    /// The result tables among the outcomes.
    public var tables: [Table] { compactMap { if case .result(let t) = $0 { return t } else { return nil } } }
    /// The informational messages.
    public var infos: [String] { compactMap { if case .info(let s) = $0 { return s } else { return nil } } }
    /// The text answers.
    public var texts: [String] { compactMap { if case .text(let s) = $0 { return s } else { return nil } } }
}
