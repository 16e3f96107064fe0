import PluginKit

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
        if let core = CoreStage.find(lower) {
            _ = advance()
            kind = try core.parse(&self)
        } else {
            guard let stage = pluginStages[lower] else {
                if Parser.statementKeywords.contains(lower) {
                    throw Diagnostic("'\(keyword.text)' starts a statement and cannot be a stage", at: keyword.range,
                                     suggestion: lower == "export" ? "write the pipeline inside it: export PIPELINE to \"file.csv\"" : "put it on a line of its own")
                }
                throw Diagnostic.unknown("stage", keyword.text, at: keyword.range, candidates: Parser.stageNames + pluginStages.keys.sorted())
            }
            _ = advance()
            kind = .plugin(try parsePluginArguments(stage))
        }
        let end = tokens[max(0, position - 1)].range.end
        return StageSyntax(name: name, kind: kind, range: SourceRange(keyword.range.start, end))
    }

    /// Parses a plugin stage's arguments by its parameters: the leading value, then
    /// `keyword [number] [expression]` groups in any order.
    mutating func parsePluginArguments(_ stage: Stage) throws(Diagnostic) -> [PluginArgumentSyntax] {
        var arguments: [PluginArgumentSyntax] = []
        let keywords = Set(stage.parameters.compactMap(\.keyword))
        if let leading = stage.parameters.first(where: { $0.keyword == nil }) {
            if leading.takesList {
                let list = try parseExpressionList()
                arguments.append(PluginArgumentSyntax(key: "", number: nil, expr: nil, list: list, range: list[0].range.union(list[list.count - 1].range)))
            } else {
                let e = try parseExpression()
                arguments.append(PluginArgumentSyntax(key: "", number: nil, expr: e, range: e.range))
            }
        }
        while peek.kind == .identifier, keywords.contains(peek.text.lowercased()) {
            let word = advance()
            let parameter = stage.parameter(word.text.lowercased())!
            guard !arguments.contains(where: { $0.key == parameter.key }) else {
                throw Diagnostic("'\(word.text)' is given twice", at: word.range)
            }
            var number: Double? = nil
            var end = word.range.end
            if !parameter.choices.isEmpty {
                let choice = peek
                guard choice.kind == .identifier, let index = parameter.choices.firstIndex(of: choice.text.lowercased()) else {
                    throw Diagnostic.unknown("value of '\(word.text)'", choice.text, at: choice.range, candidates: parameter.choices)
                }
                _ = advance()
                arguments.append(PluginArgumentSyntax(key: parameter.key, number: Double(index), expr: nil, range: SourceRange(word.range.start, choice.range.end)))
                continue
            }
            if parameter.takesNumber {
                let t = peek
                guard t.kind == .integer || t.kind == .decimal, let value = Double(t.text) else {
                    throw Diagnostic("expected a number after '\(word.text)', found \(Self.describe(t))", at: t.range,
                                     suggestion: "usage: \(stage.usage)")
                }
                _ = advance()
                number = value
                end = t.range.end
            }
            var expr: Expr? = nil
            if parameter.takesDataset {
                let name = try parseName("a dataset name after '\(word.text)'")
                arguments.append(PluginArgumentSyntax(key: parameter.key, number: nil, expr: nil, dataset: name,
                                                      range: SourceRange(word.range.start, name.range.end)))
                continue
            }
            if parameter.takesList {
                let list = try parseExpressionList()
                arguments.append(PluginArgumentSyntax(key: parameter.key, number: number, expr: nil, list: list,
                                                      range: SourceRange(word.range.start, list[list.count - 1].range.end)))
                continue
            }
            if parameter.takesExpression {
                // A required argument may be a column named like one of the stage's keywords
                // (`invited invited`, `expected expected`); only an optional one ends at a keyword.
                let nextIsKeyword = peek.kind == .identifier && keywords.contains(peek.text.lowercased())
                let atEnd = peek.kind == .end || peek.isSymbol("|") || nextIsKeyword && parameter.expressionOptional
                if atEnd {
                    if !parameter.expressionOptional {
                        throw Diagnostic("expected \(parameter.placeholder) after '\(word.text)'", at: peek.range, suggestion: "usage: \(stage.usage)")
                    }
                } else {
                    let e = try parseExpression()
                    expr = e
                    end = e.range.end
                }
            }
            arguments.append(PluginArgumentSyntax(key: parameter.key, number: number, expr: expr, range: SourceRange(word.range.start, end)))
        }
        return arguments
    }

    /// `NAME VALUE [ref …] [errors …] [title "…"] by UNIT [within GROUP] to "DIR" [as pptx]` after `pack`.
    mutating func parsePack() throws(Diagnostic) -> (ChartSyntax, Name, Name?) {
        let start = peek.range
        var chart = try parseChart(kind: Name("bar", start), until: ["by"])
        _ = try expectKeyword("by", "before the unit column of the pack")
        let unit = try parseName("the unit column (e.g. practice_id)")
        var group: Name? = nil
        if peek.isKeyword("within") {
            _ = advance()
            group = try parseName("the group column (e.g. cluster)")
        }
        _ = try expectKeyword("to", "before the pack's folder")
        let path = try parseString("the folder to write the packs to")
        chart.path = path.text
        chart.pathRange = path.range
        if peek.isKeyword("as") {
            _ = advance()
            chart.format = try parseName("what the packs are written as: pptx")
        }
        return (chart, unit, group)
    }

    /// `KIND COL … [ref COL, …] [errors LOWER UPPER] [title "…"] to "PATH"` after `chart`.
    mutating func parseChart(kind given: Name? = nil, until stops: Set<String> = ["to"]) throws(Diagnostic) -> ChartSyntax {
        let kind: Name
        if let given { kind = given } else { kind = try parseName("a chart kind (bar, funnel, likert, trend, slope)") }
        var columns: [Name] = []
        let keywords: Set<String> = Set(["ref", "errors", "title", "period"]).union(stops)
        while (peek.kind == .identifier || peek.kind == .quotedIdentifier) && !keywords.contains(peek.text.lowercased()) {
            columns.append(try parseName("a column"))
        }
        var references: [Name] = []
        var errors: (Name, Name)? = nil
        var title: String? = nil
        var period: String? = nil
        while peek.kind == .identifier, keywords.contains(peek.text.lowercased()), !stops.contains(peek.text.lowercased()) {
            let word = advance().text.lowercased()
            switch word {
            case "ref":
                repeat {
                    if peek.isSymbol(",") { _ = advance() }
                    references.append(try parseName("a reference column"))
                } while peek.isSymbol(",")
            case "errors":
                errors = (try parseName("the lower limit column"), try parseName("the upper limit column"))
            case "period":
                period = try parseString("the denominator's period").text
            default:
                title = try parseString("the title").text
            }
        }
        guard stops.contains("to") else {
            return ChartSyntax(kind: kind, columns: columns, references: references, errors: errors, title: title, period: period, path: "", pathRange: kind.range)
        }
        // A chart without `to` draws into a notebook's report; the planner refuses it elsewhere.
        guard peek.kind == .identifier, peek.text.lowercased() == "to" else {
            return ChartSyntax(kind: kind, columns: columns, references: references, errors: errors, title: title, period: period, path: "",
                               pathRange: SourceRange(tokens[max(0, position - 1)].range.end, tokens[max(0, position - 1)].range.end + 1))
        }
        _ = try expectKeyword("to", "before the chart's file")
        let path = try parseString("the file to write (.svg or .csv)")
        return ChartSyntax(kind: kind, columns: columns, references: references, errors: errors, title: title, period: period, path: path.text, pathRange: path.range)
    }

    /// `a, b, c`: one or more expressions separated by commas.
    mutating func parseExpressionList() throws(Diagnostic) -> [Expr] {
        var list = [try parseExpression()]
        while peek.isSymbol(",") {
            _ = advance()
            list.append(try parseExpression())
        }
        return list
    }

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
