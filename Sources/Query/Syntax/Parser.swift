import PluginKit
/// Parses one statement into its syntax tree; every node keeps its source range.
///
/// Grammar (keywords are contextual, so columns may be called `count` or `year`):
///
///     statement  := "load" NAME STRING option* | "let" NAME "=" pipeline
///                 | "export" pipeline "to" STRING ["as" NAME] | "set" NAME value | pipeline
///     pipeline   := (NAME | "_") ("|" stage)*  |  ("|" stage)+        -- a leading "|" continues `_`
///     stage      := where | select | derive | summarize | join | sort | take | distinct | rename
///     expr       := or;  or := and ("or" and)*;  and := not ("and" not)*;  not := "not" not | comparison
///     comparison := additive [("=="|"="|"!="|"<"|"<="|">"|">=") additive
///                 | ["not"] "in" "(" expr, … ")" | ["not"] "between" additive "and" additive | "is" ["not"] "null"]
///     additive   := multiplicative (("+"|"-") multiplicative)*
///     multiplicative := unary (("*"|"/"|"%") unary)*;  unary := "-" unary | primary
///     primary    := NUMBER | STRING | @DATE | true | false | null | NAME "(" args ")" | NAME | `NAME` | "(" expr ")"
///
/// Functions that consume tokens are `mutating`; the rest only look.
public struct Parser {
    var tokens: [Token]
    var position = 0
    /// How deep the expression being parsed nests so far (brackets, calls, `not`, unary minus).
    var nesting = 0
    /// The deepest an expression may nest: deeper ones are refused before they could exhaust the
    /// stack of the parser, the planner or the evaluator (which all recurse over the tree).
    public static let maxExpressionDepth = 200
    /// The plugin stages that may follow `|`, by name.
    let pluginStages: [String: Stage]

    /// The stage keywords, in the order `.help` lists them.
    public static var stageNames: [String] { CoreStage.table.map(\.name) }
    /// The statement keywords.
    public static let statementKeywords = ["load", "let", "export", "set", "connect", "disconnect"]
    /// Words that continue a stage and so cannot begin a statement.
    static let continuationWords: Set<String> = ["by", "on", "as", "to", "and", "or", "desc", "asc", "then"]

    /// Creates a parser over tokens (newlines are skipped: the splitter already decided them).
    public init(tokens: [Token], stages: [String: Stage] = [:]) {
        self.tokens = tokens.filter { $0.kind != .newline }
        self.pluginStages = stages
    }

    /// Parses one statement's text; `stages` are the plugin stages that may follow `|`.
    public static func parse(_ source: String, stages: [String: Stage] = [:]) throws(Diagnostic) -> StatementSyntax {
        var parser = Parser(tokens: try Lexer.tokenize(source), stages: stages)
        let statement = try parser.parseStatement()
        let rest = parser.peek
        if rest.kind != .end {
            throw Diagnostic("unexpected \(describe(rest)) after the end of the statement", at: rest.range,
                             suggestion: rest.isSymbol("|") ? nil : "stages are joined with |")
        }
        return statement
    }

    var peek: Token { tokens[min(position, tokens.count - 1)] }
    func peek(_ k: Int) -> Token { tokens[min(position + k, tokens.count - 1)] }

    mutating func advance() -> Token {
        let t = peek
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    static func describe(_ t: Token) -> String {
        switch t.kind {
        case .end: return "end of input"
        case .string: return "text \"\(t.text)\""
        default: return "'\(t.text)'"
        }
    }

    mutating func expectSymbol(_ s: String, _ context: String) throws(Diagnostic) -> Token {
        guard peek.isSymbol(s) else {
            throw Diagnostic("expected '\(s)' \(context), found \(Self.describe(peek))", at: peek.range)
        }
        return advance()
    }

    mutating func expectKeyword(_ k: String, _ context: String) throws(Diagnostic) -> Token {
        guard peek.isKeyword(k) else {
            throw Diagnostic("expected '\(k)' \(context), found \(Self.describe(peek))", at: peek.range)
        }
        return advance()
    }

    mutating func parseName(_ what: String) throws(Diagnostic) -> Name {
        let t = peek
        guard t.kind == .identifier || t.kind == .quotedIdentifier else {
            throw Diagnostic("expected \(what), found \(Self.describe(t))", at: t.range)
        }
        _ = advance()
        return Name(t.text, t.range)
    }

    mutating func parseString(_ what: String) throws(Diagnostic) -> Token {
        let t = peek
        guard t.kind == .string else {
            throw Diagnostic("expected \(what) in quotes, found \(Self.describe(t))", at: t.range,
                             suggestion: t.kind == .identifier ? "write it in quotes: \"\(t.text)\"" : nil)
        }
        return advance()
    }

    // MARK: statements

    mutating func parseStatement() throws(Diagnostic) -> StatementSyntax {
        let t = peek
        if t.kind == .end { throw Diagnostic("empty statement", at: t.range) }
        if t.isKeyword("load"), peek(1).kind == .identifier || peek(1).kind == .quotedIdentifier { return try parseLoad() }
        if t.isKeyword("let"), peek(1).kind == .identifier || peek(1).kind == .quotedIdentifier { return try parseLet() }
        if t.isKeyword("export"), !peek(1).isSymbol("|") { return try parseExport() }
        if t.isKeyword("set"), peek(1).kind == .identifier { return try parseSet() }
        if t.isKeyword("connect"), peek(1).kind == .identifier || peek(1).kind == .quotedIdentifier { return try parseConnect() }
        if t.isKeyword("disconnect"), peek(1).kind == .identifier || peek(1).kind == .quotedIdentifier {
            _ = advance()
            let name = try parseName("the connection's name")
            return .disconnect(name: name)
        }
        if t.kind == .identifier, Self.continuationWords.contains(t.text.lowercased()) {
            throw Diagnostic("a statement cannot start with '\(t.text)'", at: t.range,
                             notes: ["a line break ends a statement unless the line ends with | or , or a bracket is open"],
                             suggestion: "move '\(t.text)' to the end of the line before, or end that line with |")
        }
        return .pipeline(try parsePipeline())
    }

    /// A date after `derive age at`: `@2023-12-31`, `"2023-12-31"` or `2023-12-31` as typed.
    mutating func parseLoadDate() throws(Diagnostic) -> (String, SourceRange) {
        let t = peek
        if t.kind == .string || t.kind == .date {
            _ = advance()
            return (t.text.hasPrefix("@") ? String(t.text.dropFirst()) : t.text, t.range)
        }
        // 2023-12-31 lexes as 2023, -12, -31 (or 2023 - 12 - 31): read it back as one date.
        guard t.kind == .integer else {
            throw Diagnostic("expected a date after 'at', e.g. 2023-12-31, found \(Self.describe(t))", at: t.range)
        }
        var text = advance().text
        var end = t.range
        while text.count < 10, peek.kind == .integer || peek.isSymbol("-") {
            let part = advance()
            text += part.text
            end = part.range
        }
        return (text, t.range.union(end))
    }

    /// `connect NAME "URL"`.
    mutating func parseConnect() throws(Diagnostic) -> StatementSyntax {
        _ = advance()
        let name = try parseName("a name for the connection")
        let url = try parseString("the database's address, e.g. \"postgresql://user@host:5432/db\",")
        return .connect(name: name, url: url.text, urlRange: url.range)
    }

    mutating func parseLoad() throws(Diagnostic) -> StatementSyntax {
        _ = advance()
        let name = try parseName("a name for the dataset")
        if peek.isKeyword("from"), peek(1).kind == .identifier || peek(1).kind == .quotedIdentifier {
            _ = advance()
            let connection = try parseName("a connection")
            let sql = try parseString("the SQL query")
            return .loadQuery(name: name, connection: connection, sql: sql.text, sqlRange: sql.range)
        }
        let path = try parseString("the file's path")
        var options: [LoadOptionSyntax] = []
        while peek.kind == .identifier {
            let optionName = try parseName("an option")
            if optionName.text.lowercased() == "derive" {
                var items: [(Name, String?)] = []
                var end = optionName.range
                repeat {
                    if peek.isSymbol(",") { _ = advance() }
                    let item = try parseName("what to derive from the CPR numbers: age at DATE, sex")
                    end = item.range
                    var date: String? = nil
                    if peek.isKeyword("at") {
                        _ = advance()
                        let (text, range) = try parseLoadDate()
                        date = text
                        end = range
                    }
                    items.append((item, date))
                } while peek.isSymbol(",")
                var option = LoadOptionSyntax(name: optionName, value: nil, types: [], range: optionName.range.union(end))
                option.derived = items
                options.append(option)
            } else if optionName.text.lowercased() == "types" {
                _ = try expectSymbol("(", "after 'types'")
                var pairs: [(Name, Name)] = []
                while !peek.isSymbol(")") {
                    let column = try parseName("a column name")
                    _ = try expectSymbol(":", "between a column and its type")
                    let type = try parseName("a type (integer, decimal, text, date, boolean)")
                    pairs.append((column, type))
                    if peek.isSymbol(",") { _ = advance() } else { break }
                }
                let close = try expectSymbol(")", "to close 'types'")
                options.append(LoadOptionSyntax(name: optionName, value: nil, types: pairs, range: optionName.range.union(close.range)))
            } else {
                let v = peek
                guard v.kind == .string || v.kind == .identifier || v.kind == .integer else {
                    throw Diagnostic("expected a value for '\(optionName.text)', found \(Self.describe(v))", at: v.range)
                }
                _ = advance()
                options.append(LoadOptionSyntax(name: optionName, value: v.text, types: [], range: optionName.range.union(v.range)))
            }
        }
        return .load(name: name, path: path.text, pathRange: path.range, options: options)
    }

    mutating func parseLet() throws(Diagnostic) -> StatementSyntax {
        _ = advance()
        let name = try parseName("a name")
        _ = try expectSymbol("=", "after the name in 'let'")
        return .let(name: name, pipeline: try parsePipeline())
    }

    mutating func parseExport() throws(Diagnostic) -> StatementSyntax {
        _ = advance()
        let pipeline = try parsePipeline()
        _ = try expectKeyword("to", "after what to export")
        let path = try parseString("the file to write")
        var format: Name? = nil
        if peek.isKeyword("as") {
            _ = advance()
            format = try parseName("a format (csv, excel, json, markdown)")
        }
        var allow = false
        if peek.isKeyword("allow") {
            _ = advance()
            _ = try expectKeyword("identifiers", "after 'allow'")
            allow = true
        }
        return .export(pipeline, path: path.text, pathRange: path.range, format: format, allowIdentifiers: allow)
    }

    mutating func parseSet() throws(Diagnostic) -> StatementSyntax {
        _ = advance()
        let name = try parseName("a setting")
        let v = advance()
        guard v.kind != .end else { throw Diagnostic("expected a value for '\(name.text)'", at: v.range) }
        // `2GB` lexes as 2 and GB: tokens written together are one value.
        var text = v.text, range = v.range
        while peek.kind != .end, peek.range.start == range.end {
            let next = advance()
            text += next.text
            range = range.union(next.range)
        }
        return .set(name: name, value: Name(text, range))
    }

    // MARK: pipelines

    mutating func parsePipeline() throws(Diagnostic) -> PipelineSyntax {
        let source: Name
        if peek.isSymbol("|") {
            source = Name("_", SourceRange(peek.range.start, peek.range.start))
        } else {
            source = try parseName("a dataset name")
        }
        var stages: [StageSyntax] = []
        while peek.isSymbol("|") {
            _ = advance()
            stages.append(try parseStage())
        }
        let end = stages.last?.range.end ?? source.range.end
        return PipelineSyntax(source: source, stages: stages, range: SourceRange(source.range.start, end))
    }
}
