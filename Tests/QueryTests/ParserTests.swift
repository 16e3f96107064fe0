import Testing
import Query

@Suite struct ParserTests {
    func pipeline(_ s: String) throws -> PipelineSyntax {
        guard case .pipeline(let p) = try Parser.parse(s) else { throw Diagnostic("not a pipeline") }
        return p
    }

    @Test func precedenceOfArithmeticAndLogic() throws {
        let p = try pipeline("t | where a + b * c > 3 and not d or e == 1")
        guard case .where(let e) = p.stages[0].kind else { Issue.record("not where"); return }
        #expect(SyntaxPrinter.print(e) == "((((a + (b * c)) > 3) and (not d)) or (e == 1))")
    }

    @Test func inBetweenIsNullAndSqlEquals() throws {
        let p = try pipeline("t | where code not in (\"0130\", \"0421\") and n between 1 and 9 and x is not null and y = 2")
        guard case .where(let e) = p.stages[0].kind else { Issue.record("not where"); return }
        #expect(SyntaxPrinter.print(e) == "((((code not in (\"0130\", \"0421\")) and (n between 1 and 9)) and (x is not null)) and (y == 2))")
    }

    @Test func everyCoreStage() throws {
        let p = try pipeline("""
            billing | where year(service_date) == 2023 | select practice_id, n = count | derive m = n * 2
              | summarize total = sum(m), k = count() by practice_id | join left practices on practice_id = id
              | sort total desc, practice_id | take 10 | distinct practice_id | rename practice_id as ydernummer
            """)
        #expect(p.stages.map(\.name.text) == ["where", "select", "derive", "summarize", "join", "sort", "take", "distinct", "rename"])
        guard case .join(let left, let dataset, let l, let r, let many) = p.stages[4].kind else { Issue.record("not join"); return }
        #expect(left && dataset.text == "practices" && l.text == "practice_id" && r.text == "id" && !many)
        guard case .sort(let keys) = p.stages[5].kind else { Issue.record("not sort"); return }
        #expect(keys.map(\.descending) == [true, false])
    }

    @Test func statements() throws {
        guard case .load(let name, let path, _, let options) = try Parser.parse("load billing \"data/billing.csv\" delimiter \";\" types (practice_id: text, antal: integer)") else {
            Issue.record("not load"); return
        }
        #expect(name.text == "billing" && path == "data/billing.csv")
        #expect(options.map(\.name.text) == ["delimiter", "types"])
        #expect(options[1].types.map { "\($0.0.text):\($0.1.text)" } == ["practice_id:text", "antal:integer"])
        guard case .let(let n, _) = try Parser.parse("let x = billing | take 1") else { Issue.record("not let"); return }
        #expect(n.text == "x")
        guard case .export(_, let to, _, let format, let allow) = try Parser.parse("export _ to \"out.csv\" as excel") else { Issue.record("not export"); return }
        #expect(to == "out.csv" && format?.text == "excel" && !allow)
        guard case .export(_, _, _, _, let allowed) = try Parser.parse("export _ to \"out.csv\" allow identifiers") else { Issue.record("not export"); return }
        #expect(allowed)
    }

    @Test func leadingPipeContinuesTheLastResult() throws {
        let p = try pipeline("| take 3")
        #expect(p.source.text == "_")
    }

    @Test func unknownStageSuggestsTheNearest() {
        do {
            _ = try Parser.parse("billing | summarise2 n = count()")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "unknown stage 'summarise2'")
            #expect(error.range == SourceRange(10, 20))
            #expect(error.suggestion == "did you mean 'summarize'?")
        }
    }

    @Test func missingParenthesisPointsAtTheEnd() {
        do {
            _ = try Parser.parse("billing | where year(service_date == 2023")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("expected ')'"))
            #expect(error.range?.start == 41)
        }
    }

    @Test func trailingGarbageIsReported() {
        do {
            _ = try Parser.parse("billing take 5")
            Issue.record("expected an error")
        } catch {
            #expect(error.range == SourceRange(8, 12))
            #expect(error.suggestion == "stages are joined with |")
        }
    }
}

@Suite struct ParserLineBreakTests {
    @Test func aStatementStartingWithByExplainsTheLineRule() {
        do {
            _ = try Parser.parse("by cluster")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "a statement cannot start with 'by'")
            #expect(error.range == SourceRange(0, 2))
            #expect(error.suggestion?.contains("end that line with |") == true)
        }
    }
}
