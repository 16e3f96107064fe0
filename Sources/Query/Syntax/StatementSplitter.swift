import Foundation

/// Cuts a script into statements by the line rules of the language.
///
/// A statement ends at a line break unless a bracket is open, the line ends with `|` or `,`,
/// or the next line starts with `|`. A line that starts with `.` at the start of a statement
/// is a meta-command and ends at its line break.
public enum StatementSplitter {
    /// One statement's text and where it starts.
    public struct Chunk: Sendable, Equatable {
        /// The statement's text.
        public var text: String
        /// Whether it is a meta-command (`.help`).
        public var isMeta: Bool
        /// The 1-based line of the script where it starts.
        public var line: Int
    }

    /// The statements of a script, in order; blank and comment-only statements are dropped.
    public static func split(_ source: String) -> [Chunk] {
        let chars = Array(source)
        var chunks: [Chunk] = []
        var lexer = Lexer(source)
        var tokens: [Token] = []
        var failedAt: Int? = nil
        while true {
            do {
                let t = try lexer.next()
                tokens.append(t)
                if t.kind == .end { break }
            } catch {
                failedAt = error.range?.start ?? chars.count
                break
            }
        }
        func lineOf(_ offset: Int) -> Int { chars[0..<min(offset, chars.count)].filter { $0 == "\n" }.count + 1 }
        func emit(_ start: Int, _ end: Int, meta: Bool) {
            let text = String(chars[start..<min(end, chars.count)]).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { chunks.append(Chunk(text: text, isMeta: meta, line: lineOf(start))) }
        }
        var i = 0
        var start: Int? = nil
        var depth = 0
        var last: Token? = nil
        while i < tokens.count {
            let t = tokens[i]
            if t.kind == .end { break }
            if start == nil {
                if t.kind == .newline { i += 1; continue }
                if t.isSymbol("."), i + 1 < tokens.count, tokens[i + 1].kind == .identifier, tokens[i + 1].range.start == t.range.end {
                    var lineEnd = t.range.start
                    while lineEnd < chars.count, chars[lineEnd] != "\n" { lineEnd += 1 }
                    emit(t.range.start, lineEnd, meta: true)
                    while i < tokens.count, tokens[i].kind != .end, tokens[i].range.start < lineEnd { i += 1 }
                    continue
                }
                start = t.range.start
                depth = 0
                last = nil
            }
            if t.kind == .newline {
                let continues = depth > 0 || last.map { $0.isSymbol("|") || $0.isSymbol(",") } ?? false
                    || nextSignificant(tokens, after: i)?.isSymbol("|") == true
                if !continues {
                    emit(start!, t.range.start, meta: false)
                    start = nil
                }
                i += 1
                continue
            }
            if t.isSymbol("(") || t.isSymbol("[") { depth += 1 }
            if t.isSymbol(")") || t.isSymbol("]") { depth = max(0, depth - 1) }
            last = t
            i += 1
        }
        if let failedAt {
            emit(start ?? failedAt, chars.count, meta: false)
        } else if let start {
            emit(start, chars.count, meta: false)
        }
        return chunks
    }

    private static func nextSignificant(_ tokens: [Token], after i: Int) -> Token? {
        var k = i + 1
        while k < tokens.count, tokens[k].kind == .newline { k += 1 }
        return k < tokens.count && tokens[k].kind != .end ? tokens[k] : nil
    }

    /// Whether typed text is a whole statement, or the REPL should ask for another line.
    public static func isComplete(_ source: String) -> Bool {
        let trimmed = source.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix(".") { return true }
        var lexer = Lexer(source)
        var depth = 0
        var last: Token? = nil
        while true {
            let t: Token
            do { t = try lexer.next() } catch {
                return !error.message.contains("not closed")
            }
            if t.kind == .end { break }
            if t.kind == .newline { continue }
            if t.isSymbol("(") || t.isSymbol("[") { depth += 1 }
            if t.isSymbol(")") || t.isSymbol("]") { depth -= 1 }
            last = t
        }
        if depth > 0 { return false }
        if let last, last.isSymbol("|") || last.isSymbol(",") { return false }
        return true
    }
}
