/// A span of a statement's source text, in Characters from the start of the source.
public struct SourceRange: Sendable, Hashable, CustomStringConvertible {
    /// The first character.
    public var start: Int
    /// One past the last character.
    public var end: Int

    /// Creates a range; an empty range is widened to one character for the caret.
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = max(end, start)
    }

    /// The smallest range that covers both.
    public func union(_ other: SourceRange) -> SourceRange { SourceRange(min(start, other.start), max(end, other.end)) }

    /// `start..<end`.
    public var description: String { "\(start)..<\(end)" }
}

/// An error or warning as a value: what is wrong, where, and what to do about it.
///
/// The parser, planner and evaluator return these and never print; the shell renders them
/// once, with the source line and a caret under `range`.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    /// How serious it is.
    public enum Severity: String, Sendable { case error, warning }

    /// The seriousness.
    public var severity: Severity
    /// What is wrong, in one sentence.
    public var message: String
    /// Where in the statement, when it is about the statement.
    public var range: SourceRange?
    /// Further explanation lines.
    public var notes: [String]
    /// A fix, e.g. "did you mean 'service_code'?".
    public var suggestion: String?
    /// A location in a file (for load errors): `path:line`, the line's text and the span to mark.
    public var fileExcerpt: FileExcerpt?
    /// The script line the statement starts on, when it came from a script (0 when typed alone).
    public var firstLine = 0
    /// Where the statement came from when not typed, e.g. `palliation.md, cell 3`; shown with the line.
    public var origin: String?

    /// A line of a file that a diagnostic points into.
    public struct FileExcerpt: Sendable {
        /// The location, e.g. `billing.csv:17 column 5 (count)`.
        public var location: String
        /// The line's text.
        public var text: String
        /// The characters of `text` to underline.
        public var span: Range<Int>
        /// Creates an excerpt.
        public init(location: String, text: String, span: Range<Int>) {
            self.location = location
            self.text = text
            self.span = span
        }
    }

    /// Creates a diagnostic.
    public init(_ message: String, at range: SourceRange? = nil, severity: Severity = .error, notes: [String] = [],
                suggestion: String? = nil, fileExcerpt: FileExcerpt? = nil) {
        self.severity = severity
        self.message = message
        self.range = range
        self.notes = notes
        self.suggestion = suggestion
        self.fileExcerpt = fileExcerpt
    }

    /// A diagnostic for an unknown name with a "did you mean" from the candidates.
    public static func unknown(_ what: String, _ name: String, at range: SourceRange, candidates: [String], notes: [String] = []) -> Diagnostic {
        let near = Suggestions.nearest(name, in: candidates)
        var d = Diagnostic("unknown \(what) '\(name)'", at: range, notes: notes, suggestion: near.map { "did you mean '\($0)'?" })
        if near == nil, !candidates.isEmpty, candidates.count <= 30 {
            d.notes.append("known \(what)s: " + candidates.joined(separator: ", "))
        }
        return d
    }

    /// The message alone, e.g. for logs.
    public var description: String { "\(severity.rawValue): \(message)" }

    /// The most characters of a line an error shows (a longer one is cut around the caret).
    public static let excerptWidth = 160

    /// The diagnostic with the offending line of `source` and a caret under the range.
    public func render(source: String?, color: Bool = false) -> String {
        let red = color ? "\u{1B}[1;31m" : ""
        let bold = color ? "\u{1B}[1m" : ""
        let cyan = color ? "\u{1B}[36m" : ""
        let reset = color ? "\u{1B}[0m" : ""
        var out = "\(red)\(severity.rawValue)\(reset): \(bold)\(message)\(reset)\n"
        if let fileExcerpt {
            out += "  --> \(fileExcerpt.location)\n"
            out += "   | \(fileExcerpt.text)\n"
            out += "   | " + String(repeating: " ", count: fileExcerpt.span.lowerBound)
                + "\(red)" + String(repeating: "^", count: max(1, fileExcerpt.span.count)) + "\(reset)\n"
        } else if firstLine > 0, range == nil {
            out += "  --> \(origin.map { $0 + ", " } ?? "")line \(firstLine)\n"
        }
        if fileExcerpt == nil, let range, let source {
            let chars = Array(source)
            let start = min(range.start, chars.count)
            var lineStart = start
            while lineStart > 0, chars[lineStart - 1] != "\n" { lineStart -= 1 }
            var lineEnd = start
            while lineEnd < chars.count, chars[lineEnd] != "\n" { lineEnd += 1 }
            let lineNumber = chars[0..<lineStart].filter { $0 == "\n" }.count + max(1, firstLine)
            if let origin { out += "  --> \(origin), line \(lineNumber)\n" }
            let numbered = chars.contains("\n") || firstLine > 0
            let gutter = numbered ? "\(lineNumber) | " : "  | "
            let pad = String(repeating: " ", count: gutter.count - 2) + "| "
            // A very long line is shown as a window around the caret, with … where it is cut.
            let window = Self.excerptWidth
            var shownStart = lineStart, shownEnd = lineEnd
            if lineEnd - lineStart > window {
                shownStart = max(lineStart, min(start - window / 4, lineEnd - window))
                shownEnd = min(lineEnd, shownStart + window)
            }
            let before = shownStart > lineStart ? "…" : "", after = shownEnd < lineEnd ? "…" : ""
            out += gutter + before + String(chars[shownStart..<shownEnd]) + after + "\n"
            let width = max(1, min(range.end, shownEnd) - start)
            out += pad + String(repeating: " ", count: start - shownStart + before.count) + red + String(repeating: "^", count: width) + reset + "\n"
        }
        for note in notes { out += "  \(cyan)= note:\(reset) \(note)\n" }
        if let suggestion { out += "  \(cyan)= help:\(reset) \(suggestion)\n" }
        return out
    }
}
