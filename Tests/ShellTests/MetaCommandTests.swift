import Testing
import Query
import Shell
import Tabular

@Suite struct MetaCommandTests {
    @Test func everyCommandIsDocumented() {
        for command in MetaCommand.table {
            #expect(!command.summary.isEmpty)
            #expect(command.usage.hasPrefix("." + command.name))
        }
        let help = HelpTopics.help("commands").texts.joined()
        for command in MetaCommand.table { #expect(help.contains(command.usage)) }
    }

    @Test func everyStageExampleRunsOnTheDemoData() {
        for stage in HelpTopics.stages {
            let session = demoSession()
            _ = session.execute("let palliation = billing | where service_code in (\"0130\", \"0421\") | summarize services = sum(count) by practice_id")
            let out = session.execute(stage.example)
            #expect(out.errors.isEmpty, "example of \(stage.name): \(out.errors.map(\.message))")
            #expect(out.tables.count == 1 || out.infos.contains { $0.hasPrefix("wrote ") })
        }
        #expect(Set(HelpTopics.stages.map(\.name)) == Set(Parser.stageNames))
    }

    @Test func helpKnowsStagesFunctionsAndSuggests() {
        let session = demoSession()
        #expect(session.execute(".help summarize").texts.first?.contains("summarize NEW = AGG") == true)
        #expect(session.execute(".help year").texts.first?.hasPrefix("year(date) → integer") == true)
        #expect(session.execute(".help sumarize").errors.first?.suggestion == "did you mean 'summarize'?")
        #expect(session.execute(".hlep").errors.first?.suggestion == "did you mean '.help'?")
    }

    @Test func schemaShowsTypeNullsDistinctMinMax() throws {
        let session = demoSession()
        let t = try #require(session.execute(".schema practices").tables.first)
        #expect(t.columnNames == ["column", "type", "nulls", "distinct", "min", "max"])
        #expect(t.values("column").first == .text("practice_id"))
        #expect(t.values("type")[3] == .text("integer"))
        let listed = session.datasets["practices"]!.column("listed_patients")!
        let sizes = (0..<listed.count).compactMap { listed.value(at: $0).doubleValue }
        #expect(t.values("min")[3] == .text(String(Int(sizes.min()!))))
        #expect(t.values("max")[3] == .text(String(Int(sizes.max()!))))
    }

    @Test func datasetsListsOrigins() throws {
        let t = try #require(demoSession().execute(".datasets").tables.first)
        #expect(t.values("dataset").contains(.text("billing")))
        #expect(Set(t.values("origin")) == [.text("demo")])
    }

    @Test func explainShowsTokensSyntaxAndPlan() throws {
        let text = try #require(demoSession().execute(".explain billing | where count > 1 | take 3").texts.first)
        #expect(text.contains("tokens:\n  identifier 'billing'"))
        #expect(text.contains("syntax:\n  pipeline from billing\n    where (count > 1)\n    take 3"))
        #expect(text.contains("plan:\n  scan billing"))
        #expect(text.contains("filter (count#4:integer > 1)"))
    }

    @Test func quitStopsTheScript() {
        let out = demoSession().execute("practices | take 1\n.quit\npractices | take 1")
        #expect(out.tables.count == 1)
    }
}

