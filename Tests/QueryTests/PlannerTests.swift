import Testing
import Query
import Tabular

@Suite struct PlannerTests {
    @Test func unknownColumnSuggestsTheNearestWithACaretRange() throws {
        let d = try #require(planError("billing | where servce_code == \"0130\""))
        #expect(d.message == "unknown column 'servce_code'")
        #expect(d.range == SourceRange(16, 27))
        #expect(d.suggestion == "did you mean 'service_code'?")
        #expect(d.render(source: "billing | where servce_code == \"0130\"") == """
            error: unknown column 'servce_code'
              | billing | where servce_code == "0130"
              |                 ^^^^^^^^^^^
              = help: did you mean 'service_code'?

            """)
    }

    @Test func unknownDatasetAndFunctionSuggest() throws {
        #expect(try #require(planError("biling | take 1")).suggestion == "did you mean 'billing'?")
        #expect(try #require(planError("billing | derive y = yaer(service_date)")).suggestion == "did you mean 'year'?")
    }

    @Test func danishLettersInSuggestions() throws {
        let data = ["sikrede": Table.from(names: ["antal_sikrede_på_listen"], types: [.integer], rows: [[.integer(1)]])]
        do {
            _ = try run("sikrede | select antal_sikrede_pa_listen", data)
            Issue.record("expected an error")
        } catch let d as Diagnostic {
            #expect(d.suggestion == "did you mean 'antal_sikrede_på_listen'?")
        }
    }

    @Test func codesMustBeComparedAsText() throws {
        let d = try #require(planError("billing | where service_code in (130, 421)"))
        #expect(d.message.contains("is text"))
        #expect(d.range == SourceRange(33, 36))
    }

    @Test func whereNeedsACondition() throws {
        let d = try #require(planError("billing | where count + 1"))
        #expect(d.message.contains("needs a condition"))
    }

    @Test func aggregatesOnlyInSummarize() throws {
        let d = try #require(planError("billing | derive s = sum(count)"))
        #expect(d.message.contains("only be used in 'summarize'"))
        let e = try #require(planError("billing | summarize s = sum(count) + fee by practice_id"))
        #expect(e.message == "'fee' is neither grouped nor aggregated")
    }

    @Test func joinKeysMustHaveOneType() throws {
        let data = ["a": Table.from(names: ["id"], types: [.integer], rows: [[.integer(1)]]),
                    "b": Table.from(names: ["id"], types: [.text], rows: [[.text("1")]])]
        do {
            _ = try run("a | join b on id", data)
            Issue.record("expected an error")
        } catch let d as Diagnostic {
            #expect(d.message.contains("cannot join integer"))
            #expect(d.suggestion?.contains("types (") == true)
        }
    }

    @Test func planIsCheckedBeforeAnythingRuns() throws {
        // The second stage is wrong: planning fails, so no stage runs at all.
        guard case .pipeline(let p) = try Parser.parse("billing | take 1 | where nope == 1") else { return }
        #expect(throws: Diagnostic.self) { try Planner(catalog: Catalog(datasets: testDatasets.mapValues(\.schema))).plan(p) }
    }

    @Test func explainShowsTypedPlan() throws {
        guard case .pipeline(let p) = try Parser.parse("billing | where year(service_date) == 2023 | summarize n = sum(count) by practice_id") else { return }
        let plan = try Planner(catalog: Catalog(datasets: testDatasets.mapValues(\.schema))).plan(p)
        #expect(plan.output == [Field("practice_id", .text), Field("n", .integer)])
        #expect(plan.explained.contains("filter (year(service_date#2:date) == 2023)"))
    }
}
