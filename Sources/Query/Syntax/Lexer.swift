/// Turns statement text into tokens; comments (`-- …`) are dropped, line breaks kept.
///
/// Identifiers may hold letters of any script (æøå), digits and `_`. An unterminated string
/// or backtick name is an error with its range, so the REPL can also ask `isComplete`.
public struct Lexer {
    private let chars: [Character]
    private var position = 0

    /// Creates a lexer over the source.
    public init(_ source: String) { chars = Array(source) }

    /// All tokens, ending with `.end`.
    public static func tokenize(_ source: String) throws(Diagnostic) -> [Token] {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        while true {
            let t = try lexer.next()
            tokens.append(t)
            if t.kind == .end { return tokens }
        }
    }

    private func peek(_ offset: Int = 0) -> Character? {
        position + offset < chars.count ? chars[position + offset] : nil
    }

    /// The next token.
    public mutating func next() throws(Diagnostic) -> Token {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" { position += 1; continue }
            if c == "-", peek(1) == "-" {
                while let d = peek(), d != "\n" { position += 1 }
                continue
            }
            break
        }
        let start = position
        guard let c = peek() else { return Token(.end, "", SourceRange(start, start)) }
        if c == "\n" || c == "\r\n" {
            position += 1
            return Token(.newline, "\n", SourceRange(start, position))
        }
        if c.isLetter || c == "_" {
            while let d = peek(), d.isLetter || d.isNumber || d == "_" { position += 1 }
            return Token(.identifier, String(chars[start..<position]), SourceRange(start, position))
        }
        if c.isASCII, c.isNumber {
            return lexNumber(start)
        }
        if c == "." , let d = peek(1), d.isASCII, d.isNumber {
            return lexNumber(start)
        }
        if c == "\"" || c == "'" {
            return try lexString(start, quote: c)
        }
        if c == "`" {
            position += 1
            var name = ""
            while let d = peek(), d != "`" {
                if d == "\n" { break }
                name.append(d)
                position += 1
            }
            guard peek() == "`" else {
                throw Diagnostic("a name in backticks is not closed", at: SourceRange(start, position),
                                 suggestion: "end the name with `")
            }
            position += 1
            return Token(.quotedIdentifier, name, SourceRange(start, position))
        }
        if c == "@" {
            position += 1
            while let d = peek(), d.isNumber || d == "-" || d == "." || d == "/" { position += 1 }
            let text = String(chars[(start + 1)..<position])
            return Token(.date, text, SourceRange(start, position))
        }
        let two = peek(1).map { String([c, $0]) } ?? ""
        if ["==", "!=", "<=", ">=", "<>"].contains(two) {
            position += 2
            return Token(.symbol, two == "<>" ? "!=" : two, SourceRange(start, position))
        }
        if "|,()=<>+-*/.:;[]%".contains(c) {
            position += 1
            return Token(.symbol, String(c), SourceRange(start, position))
        }
        position += 1
        throw Diagnostic("unexpected character '\(c)'", at: SourceRange(start, position),
                         notes: c == "\u{201C}" || c == "\u{201D}" ? ["typographic quotes: use plain \" for text"] : [])
    }

    private mutating func lexNumber(_ start: Int) -> Token {
        var isDecimal = false
        while let d = peek(), d.isASCII, d.isNumber || d == "_" { position += 1 }
        if peek() == ".", let d = peek(1), d.isASCII, d.isNumber {
            isDecimal = true
            position += 1
            while let d = peek(), d.isASCII, d.isNumber { position += 1 }
        }
        if let e = peek(), e == "e" || e == "E" {
            var k = 1
            if let s = peek(1), s == "+" || s == "-" { k = 2 }
            if let d = peek(k), d.isASCII, d.isNumber {
                isDecimal = true
                position += k
                while let d = peek(), d.isASCII, d.isNumber { position += 1 }
            }
        }
        let text = String(chars[start..<position]).replacingOccurrences(of: "_", with: "")
        return Token(isDecimal ? .decimal : .integer, text, SourceRange(start, position))
    }

    private mutating func lexString(_ start: Int, quote: Character) throws(Diagnostic) -> Token {
        position += 1
        var value = ""
        while true {
            guard let d = peek() else {
                throw Diagnostic("text in quotes is not closed", at: SourceRange(start, position),
                                 suggestion: "end the text with \(quote)")
            }
            position += 1
            if d == quote {
                if peek() == quote { value.append(quote); position += 1; continue }
                break
            }
            if d == "\\", let e = peek() {
                position += 1
                switch e {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "\\", "\"", "'": value.append(e)
                default: value.append("\\"); value.append(e) // keeps Windows paths such as C:\data intact
                }
                continue
            }
            value.append(d)
        }
        return Token(.string, value, SourceRange(start, position))
    }
}
