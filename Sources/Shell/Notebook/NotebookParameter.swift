import Foundation
import Tabular

/// A parameter a notebook declares in its front matter: a name, a kind, a default and a sentence
/// on what it is; cells use it as `$name`.
public struct NotebookParameter: Sendable, Equatable {
    /// What values a parameter takes.
    public enum Kind: String, Sendable, CaseIterable {
        /// Any text, e.g. a cluster's name.
        case text
        /// A whole number, e.g. a year.
        case integer
        /// A number, e.g. a target rate.
        case decimal
        /// A date (`2023-12-31`).
        case date
        /// A list of texts or numbers, e.g. service codes; `$codes` expands to `("0130", "0421")`.
        case list
        /// A file to read, resolved against the notebook's folder (`demo:billing` names a demo dataset).
        case file
    }

    /// The name cells use after `$`.
    public var name: String
    /// What values it takes.
    public var kind: Kind
    /// The kind of a list's items (text, integer or decimal).
    public var itemKind: Kind = .text
    /// The value when none is given; nil: the parameter is optional and unset by default.
    public var defaultValue: ParameterValue?
    /// One sentence on what it is, for `klynge run NOTEBOOK --help`.
    public var description: String
    /// For `--each NAME`: the dataset and column whose distinct values it runs over.
    public var each: (dataset: String, column: String)?

    /// Creates a parameter.
    public init(name: String, kind: Kind, itemKind: Kind = .text, defaultValue: ParameterValue?, description: String,
                each: (dataset: String, column: String)? = nil) {
        self.name = name
        self.kind = kind
        self.itemKind = itemKind
        self.defaultValue = defaultValue
        self.description = description
        self.each = each
    }

    public static func == (a: NotebookParameter, b: NotebookParameter) -> Bool {
        a.name == b.name && a.kind == b.kind && a.itemKind == b.itemKind && a.defaultValue == b.defaultValue
            && a.description == b.description && a.each?.dataset == b.each?.dataset && a.each?.column == b.each?.column
    }

    /// What the kind takes, for errors and help ("a whole number").
    public var kindDescription: String {
        switch kind {
        case .text: return "text"
        case .integer: return "a whole number"
        case .decimal: return "a number"
        case .date: return "a date (yyyy-mm-dd)"
        case .list: return "a list of \(itemKind == .text ? "texts" : "numbers"), separated by commas"
        case .file: return "a file path"
        }
    }

    /// The value typed on the command line (`--param year=2023`), checked against the kind; an
    /// empty value leaves the parameter unset.
    public func value(parsing text: String) throws(NotebookError) -> ParameterValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .unset }
        guard !trimmed.contains("\n") else { throw NotebookError("the value of '\(name)' is one line") }
        if kind == .list {
            return .list(try trimmed.split(separator: ",").map { item throws(NotebookError) in
                try Self.scalar(String(item).trimmingCharacters(in: .whitespaces), kind: itemKind, name: name, wanted: kindDescription)
            })
        }
        return try Self.scalar(trimmed, kind: kind, name: name, wanted: kindDescription)
    }

    static func scalar(_ text: String, kind: Kind, name: String, wanted: String) throws(NotebookError) -> ParameterValue {
        let wrong = NotebookError("'\(name)' is \(wanted), not '\(text)'")
        switch kind {
        case .text, .list: return .text(text)
        case .file: return .file(text)
        case .integer:
            guard let n = Int64(text.replacingOccurrences(of: "_", with: "")) else { throw wrong }
            return .integer(n)
        case .decimal:
            // Danish decimal comma accepted on the command line, as in the files.
            guard let x = Double(text.replacingOccurrences(of: ",", with: ".")), x.isFinite else { throw wrong }
            return .decimal(x)
        case .date:
            guard let d = CivilDate.parse(text) else { throw wrong }
            return .date(d.iso)
        }
    }
}

/// A parameter's value, as it is put into a cell.
public enum ParameterValue: Sendable, Equatable, CustomStringConvertible {
    /// Not given (and no default): cells see `null`, and cells marked `if NAME` are skipped.
    case unset
    case text(String)
    case integer(Int64)
    case decimal(Double)
    /// A date as `yyyy-mm-dd`.
    case date(String)
    /// A file path as given (resolved against the notebook's folder when used).
    case file(String)
    case list([ParameterValue])

    /// The value as people read it (in the report's parameter table, prose and titles).
    public var description: String {
        switch self {
        case .unset: return "—"
        case .text(let s), .file(let s), .date(let s): return s
        case .integer(let n): return String(n)
        case .decimal(let x): return Self.number(x)
        case .list(let items): return items.map(\.description).joined(separator: ", ")
        }
    }

    /// Whether a value was given.
    public var isSet: Bool {
        switch self {
        case .unset: return false
        case .list(let items): return !items.isEmpty
        case .text(let s), .file(let s): return !s.isEmpty
        default: return true
        }
    }

    /// The value as a klynge literal: text quoted, dates as `@2023-12-31`, lists in brackets; a
    /// file resolved against `folder` (a demo name kept).
    public func literal(resolvingAgainst folder: String) -> String {
        switch self {
        case .unset: return "null"
        case .text(let s): return Self.quoted(s)
        case .file(let s):
            if s.hasPrefix(DemoData.scheme) { return Self.quoted(s) }
            return Self.quoted(Session.resolve(s, against: folder))
        case .integer(let n): return String(n)
        case .decimal(let x): return Self.number(x)
        case .date(let s): return "@" + s
        case .list(let items): return "(" + items.map { $0.literal(resolvingAgainst: folder) }.joined(separator: ", ") + ")"
        }
    }

    /// Text in double quotes with the language's escapes.
    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A number without a needless `.0`, with a `.` (the language's decimal point).
    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}

/// A notebook that cannot run as written or asked: what is wrong, the notebook line when it is
/// about the file, and a fix.
public struct NotebookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// The notebook's line, when the error is about its text.
    public var line: Int?
    /// A fix, e.g. "did you mean 'codes'?".
    public var suggestion: String?

    /// Creates an error.
    public init(_ message: String, line: Int? = nil, suggestion: String? = nil) {
        self.message = message
        self.line = line
        self.suggestion = suggestion
    }

    /// The error as the front end shows it, with the notebook's name and line.
    public func rendered(file: String) -> String {
        let location = line.map { "\(file):\($0)" } ?? file
        return "error: \(location): \(message)\n" + (suggestion.map { "  = help: \($0)\n" } ?? "")
    }

    public var description: String { message }
}
