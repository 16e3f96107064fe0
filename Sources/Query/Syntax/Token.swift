/// One lexical unit of a statement.
public struct Token: Sendable, CustomStringConvertible {
    /// What kind of token this is.
    public enum Kind: Sendable, Equatable {
        /// A name: a keyword, stage, function, dataset or column (keywords are contextual).
        case identifier
        /// A name in backticks, e.g. `` `antal ydelser` ``; never a keyword.
        case quotedIdentifier
        /// A whole number.
        case integer
        /// A number with a fraction or exponent.
        case decimal
        /// Text in double quotes.
        case string
        /// A date literal, `@2023-01-31`.
        case date
        /// Punctuation or an operator: `| , ( ) = == != < <= > >= + - * / .` and `:`.
        case symbol
        /// A line break (significant: it ends a statement).
        case newline
        /// The end of the input.
        case end
    }

    /// The kind.
    public var kind: Kind
    /// The token's value: the name, the string's contents (unescaped), the number's digits, the symbol.
    public var text: String
    /// Where it is in the source.
    public var range: SourceRange

    /// Creates a token.
    public init(_ kind: Kind, _ text: String, _ range: SourceRange) {
        self.kind = kind
        self.text = text
        self.range = range
    }

    /// Whether this is the given symbol.
    public func isSymbol(_ s: String) -> Bool { kind == .symbol && text == s }

    /// Whether this is the given keyword (an unquoted identifier, case-insensitive).
    public func isKeyword(_ k: String) -> Bool { kind == .identifier && text.lowercased() == k }

    /// `kind 'text'`, for `.explain`.
    public var description: String {
        switch kind {
        case .newline: return "newline"
        case .end: return "end"
        default: return "\(kind) '\(text)'"
        }
    }
}
