extension Parser {
    /// Parses one stage after `|`.
    mutating func parseStage() throws(Diagnostic) -> StageSyntax {
        let keyword = peek
        guard keyword.kind == .identifier else {
            throw Diagnostic("expected a stage after '|', found \(Self.describe(keyword))", at: keyword.range,
                             notes: ["stages: " + Parser.stageNames.joined(separator: ", ")])
        }
        let name = Name(keyword.text, keyword.range)
        let lower = keyword.text.lowercased()
        let kind: StageSyntax.Kind
        switch lower {
        case "where", "filter":
            _ = advance()
            kind = .where(try parseExpression())
        case "select":
            _ = advance()
            kind = .select(try parseAssignments())
        case "derive", "extend", "mutate":
            _ = advance()
            kind = .derive(try parseAssignments())
        case "summarize", "summarise", "aggregate":
            _ = advance()
            var aggregates: [Assignment] = []
            if !peek.isKeyword("by") { aggregates = try parseAssignments() }
            var keys: [Assignment] = []
            if peek.isKeyword("by") {
                _ = advance()
                keys = try parseAssignments()
            }
            kind = .summarize(aggregates, by: keys)
        case "join":
            _ = advance()
            var left = false
            if peek.isKeyword("left") { _ = advance(); left = true } else if peek.isKeyword("inner") { _ = advance() }
            let dataset = try parseName("a dataset to join")
            _ = try expectKeyword("on", "after the dataset in 'join'")
            let leftKey = try parseName("a key column")
            var rightKey = leftKey
            if peek.isSymbol("=") || peek.isSymbol("==") {
                _ = advance()
                rightKey = try parseName("the other dataset's key column")
            }
            kind = .join(left: left, dataset: dataset, leftKey: leftKey, rightKey: rightKey)
        case "sort", "order", "arrange":
            _ = advance()
            if peek.isKeyword("by") { _ = advance() }
            var keys: [SortKey] = []
            repeat {
                if peek.isSymbol(",") { _ = advance() }
                let e = try parseExpression()
                var descending = false
                if peek.isKeyword("desc") { _ = advance(); descending = true } else if peek.isKeyword("asc") { _ = advance() }
                keys.append(SortKey(expr: e, descending: descending))
            } while peek.isSymbol(",")
            kind = .sort(keys)
        case "take", "limit", "head":
            _ = advance()
            let n = peek
            guard n.kind == .integer, let count = Int(n.text) else {
                throw Diagnostic("expected a number of rows after 'take', found \(Self.describe(n))", at: n.range)
            }
            _ = advance()
            kind = .take(count, n.range)
        case "distinct":
            _ = advance()
            var names: [Name] = []
            repeat {
                if peek.isSymbol(",") { _ = advance() }
                names.append(try parseName("a column"))
            } while peek.isSymbol(",")
            kind = .distinct(names)
        case "rename":
            _ = advance()
            var pairs: [(Name, Name)] = []
            repeat {
                if peek.isSymbol(",") { _ = advance() }
                let old = try parseName("the column to rename")
                if peek.isKeyword("as") || peek.isKeyword("to") || peek.isSymbol("=") { _ = advance() } else {
                    throw Diagnostic("expected 'as' after '\(old.text)' in rename", at: peek.range, suggestion: "rename \(old.text) as NEW_NAME")
                }
                pairs.append((old, try parseName("the new name")))
            } while peek.isSymbol(",")
            kind = .rename(pairs)
        default:
            throw Diagnostic.unknown("stage", keyword.text, at: keyword.range, candidates: Parser.stageNames + Parser.extraStageNames)
        }
        let end = tokens[max(0, position - 1)].range.end
        return StageSyntax(name: name, kind: kind, range: SourceRange(keyword.range.start, end))
    }

    /// Stage names that other parts of the program (analysis plugins) will add; listed for suggestions.
    nonisolated(unsafe) public static var extraStageNames: [String] = []

    /// `a, b = expr, …`.
    mutating func parseAssignments() throws(Diagnostic) -> [Assignment] {
        var list: [Assignment] = []
        repeat {
            if peek.isSymbol(",") { _ = advance() }
            if (peek.kind == .identifier || peek.kind == .quotedIdentifier), peek(1).isSymbol("=") {
                let name = try parseName("a column name")
                _ = advance()
                list.append(Assignment(name: name, expr: try parseExpression()))
            } else {
                list.append(Assignment(name: nil, expr: try parseExpression()))
            }
        } while peek.isSymbol(",")
        return list
    }
}
