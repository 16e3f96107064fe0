import Foundation
import Output
import Query
import Shell
import Tabular
import Testing
import TestSupport

/// Notebooks as the Shell reads and runs them: front matter, cells, `$name`, `.run` and `.save`.
@Suite struct NotebookTests {
    static let sample = """
        ---
        title: Palliation in $cluster
        params:
          cluster:
            default: Køge 1
            description: The cluster.
            each: practices.cluster
          year: 2023
          target: 0.12
          codes:
            default: ["0130", "0421"]
            description: Service codes.
          code: 0130
          since: 2023-01-01
          followup:
            type: integer
            description: A follow-up year.
        ---
        Prose about $cluster in $year, and a price of $5.

        ```klynge
        billing | where service_code in $codes and year(service_date) == $year | summarize n = count()
        ```

        ```sh
        echo not a cell
        ```

        ```klynge if followup
        billing | where year(service_date) == $followup | take 1
        ```
        """

    func notebook(_ text: String = sample) throws -> Notebook { try Notebook.parse(text, path: "/data/nb.md") }

    @Test func frontMatterDeclaresParametersWithKindsFromTheirDefaults() throws {
        let nb = try notebook()
        #expect(nb.title == "Palliation in $cluster")
        let kinds = Dictionary(uniqueKeysWithValues: nb.parameters.map { ($0.name, $0.kind) })
        #expect(kinds == ["cluster": .text, "year": .integer, "target": .decimal, "codes": .list, "code": .text, "since": .date, "followup": .integer])
        #expect(nb.parameters.map(\.name) == ["cluster", "year", "target", "codes", "code", "since", "followup"])
        #expect(nb.parameters[0].each?.dataset == "practices" && nb.parameters[0].each?.column == "cluster")
        // A code keeps its leading zero; an optional parameter has no default.
        #expect(nb.parameters[4].defaultValue == .text("0130"))
        #expect(nb.parameters[6].defaultValue == nil)
    }

    @Test func cellsAreTheKlyngeCodeBlocksWithTheirLines() throws {
        let nb = try notebook()
        #expect(nb.cells.count == 2)
        #expect(nb.cells[0].firstLine == 22 && nb.cells[0].condition == nil)
        #expect(nb.cells[1].condition == "followup" && nb.cells[1].firstLine == 30)
        // The shell block stays prose.
        #expect(nb.blocks.contains { if case .prose(let p) = $0 { return p.contains("echo not a cell") } else { return false } })
    }

    @Test func parametersExpandAsLiteralsInCodeAndAsTextInProse() throws {
        let nb = try notebook()
        var b = NotebookBindings(nb)
        #expect(try b.expand(nb.cells[0]) == #"billing | where service_code in ("0130", "0421") and year(service_date) == 2023 | summarize n = count()"#)
        try b.set("codes=4418, 0120")
        try b.set("cluster", to: "Næstved \"1\"")
        #expect(try b.expand(nb.cells[0]).contains(#"in ("4418", "0120")"#))
        #expect(b.expand(text: "Palliation in $cluster, $year, $5") == "Palliation in Næstved \"1\", 2023, $5")
        let cell = Notebook.Cell(number: 1, code: "x | where code in ($codes) and c == $cluster -- $nothing here\n| derive t = \"$cluster: $other\"", firstLine: 1)
        #expect(try b.expand(cell) == "x | where code in (\"4418\", \"0120\") and c == \"Næstved \\\"1\\\"\" -- $nothing here\n| derive t = \"Næstved \\\"1\\\": $other\"")
    }

    @Test func anUndeclaredParameterInACellIsAnErrorNamingTheNotebookLine() throws {
        let nb = try notebook(Self.sample.replacingOccurrences(of: "== $followup", with: "== $folowup"))
        do {
            _ = try NotebookRunner(nb).check(NotebookBindings(nb))
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "cell 2 uses '$folowup', which the notebook does not declare")
            #expect(error.line == 30)
            #expect(error.suggestion == "did you mean '$followup'?")
        }
    }

    @Test func valuesOfTheWrongKindAndUnknownNamesAreRefused() throws {
        var b = NotebookBindings(try notebook())
        #expect(throws: NotebookError("'year' is a whole number, not 'abc'")) { try b.set("year=abc") }
        #expect(throws: NotebookError("'since' is a date (yyyy-mm-dd), not '2023-13-01'")) { try b.set("since=2023-13-01") }
        #expect(throws: NotebookError("the notebook has no parameter 'yaer'", suggestion: "did you mean 'year'?")) { try b.set("yaer=2022") }
        try b.set("target=0,15")
        #expect(b.values["target"] == .decimal(0.15))
    }

    @Test func frontMatterMistakesAreNamedWithTheirLine() throws {
        let typo = "---\ntitle: x\nparms:\n  a: 1\n---\n"
        #expect(throws: NotebookError("unknown key 'parms' in the front matter", line: 3, suggestion: "did you mean 'params'?")) { try notebook(typo) }
        let kind = "---\nparams:\n  a:\n    type: number\n---\n"
        #expect(throws: NotebookError("unknown type 'number' of the parameter 'a'", line: 3,
                                      suggestion: "the types are text, integer, decimal, date, list, file")) { try notebook(kind) }
        let fence = "Text\n\n```klynge when x\nq\n```\n"
        #expect(throws: NotebookError("a cell's fence is ```klynge or ```klynge if PARAMETER, not ```klynge when x", line: 3)) { try notebook(fence) }
        #expect(throws: NotebookError("the front matter that starts on line 1 has no closing '---'", line: 1)) { try notebook("---\ntitle: x\n") }
    }

    @Test func aConditionalCellRunsOnlyWhenItsParameterIsSet() throws {
        let nb = try notebook()
        let session = demoSession()
        var b = NotebookBindings(nb)
        let skipped = try NotebookRunner(nb).run(b, in: session)
        #expect(skipped.cells[1].skipped == "$followup is not set" && skipped.cells[1].outcomes.isEmpty)
        try b.set("followup=2022")
        let ran = try NotebookRunner(nb).run(b, in: session)
        #expect(ran.cells[1].skipped == nil && ran.cells[1].outcomes.tables.count == 1)
    }

    @Test func aFailingCellStopsTheRunUnlessKeepGoing() throws {
        let text = "```klynge\npractices | take 1\n```\n\n```klynge\npractices | where nosuch > 1\n```\n\n```klynge\npractices | take 2\n```\n"
        let nb = try notebook(text)
        let stopped = try NotebookRunner(nb).run(NotebookBindings(nb), in: demoSession())
        #expect(stopped.failed && stopped.cells[2].skipped == "an earlier cell failed")
        guard case .error(let d, let source)? = stopped.cells[1].outcomes.first else { Issue.record("no error"); return }
        let shown = d.render(source: source)
        #expect(shown.contains("--> nb.md, cell 2, line 6"))
        #expect(shown.contains("6 | practices | where nosuch > 1"))
        let kept = try NotebookRunner(nb, keepGoing: true).run(NotebookBindings(nb), in: demoSession())
        #expect(kept.failed && kept.cells[2].outcomes.tables.first?.rowCount == 2)
    }

    @Test func aReportHidesSmallCountsAndRefusesPatientColumns() throws {
        let session = demoSession()
        session.isReporting = true
        let out = session.execute("billing | where service_code == \"0130\" | summarize services = sum(count) by practice_id | sort services | take 3")
        let table = try #require(out.tables.first)
        #expect(table.values("services").allSatisfy { !["1", "2", "3", "4"].contains($0.description) })
        #expect(table.values("services").contains(.text("<5")))
        #expect(out.contains { if case .note(let s) = $0 { return s.contains("shown as <5") } else { return false } })
        let refused = session.execute("billing | select patient_id, count | take 2")
        #expect(refused.errors.first?.message == "refusing to show 'patient_id' in a report: these columns identify patients")
        for file in ["p.pptx", "p.svg"] {
            let drawn = session.execute("billing | take 3 | chart bar patient_id count to \"\(file)\"")
            #expect(drawn.errors.first?.message == "refusing to draw 'patient_id' in a chart: these columns identify patients")
        }
        // On the analyst's own screen nothing is hidden.
        session.isReporting = false
        #expect(session.execute("billing | select patient_id | take 1").errors.isEmpty)
    }

    @Test func aChartWithoutAFileDrawsIntoTheReportOnly() throws {
        let session = demoSession()
        let plain = session.execute("practices | chart bar practice_id listed_patients")
        #expect(plain.errors.first?.message == "a chart needs a file to write: end it with to \"chart.svg\"")
        session.isReporting = true
        session.outputDirectory = TestEnvironment.temporaryFolder("report").path
        let drawn = session.execute("practices | take 3 | chart bar practice_id listed_patients title \"Listed\"")
        #expect(drawn.errors.isEmpty)
        guard case .chart(let chart)? = drawn.last else { Issue.record("no chart"); return }
        #expect(chart.path == "charts/chart-1.svg" && chart.svg.contains("<title>Listed</title>"))
        #expect(chart.spec.kind == .bar && chart.table.rowCount == 3)
        #expect(FileManager.default.fileExists(atPath: session.resolve(output: chart.path)))
    }

    @Test func runTakesParametersIntoTheSession() throws {
        let session = demoSession()
        let file = session.resolve(path: "count.md")
        try "---\nparams:\n  cluster: Køge 1\n---\n```klynge\nlet mine = practices | where cluster == $cluster\n```\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(session.execute(".run count.md cluster=\"Næstved 1\"").errors.isEmpty)
        #expect(session.datasets["mine"]?.rowCount == demoDatasets["practices"]!.values("cluster").filter { $0 == .text("Næstved 1") }.count)
        let wrong = session.execute(".run count.md clustr=x")
        #expect(wrong.errors.first?.message == "the notebook has no parameter 'clustr'")
        #expect(wrong.errors.first?.suggestion == "did you mean 'cluster'?")
    }

    @Test func saveAsNotebookReplaysToTheSameResults() throws {
        let session = demoSession()
        let csv = session.resolve(path: "codes.csv")
        try "service_code,group\n0130,palliation\n0421,palliation\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let statements = """
            load codes "codes.csv"
            let palliation = billing | join codes on service_code | summarize services = sum(count) by practice_id
            practices | join left palliation on practice_id | derive services = coalesce(services, 0) | sort services desc, practice_id | take 5
            """
        let original = session.execute(statements)
        #expect(original.errors.isEmpty)
        #expect(session.execute(".save again.md").errors.isEmpty)
        let saved = try String(contentsOfFile: session.resolve(path: "again.md"), encoding: .utf8)
        #expect(saved.contains("load codes $codes") && saved.contains("load billing $billing") && saved.contains("default: \"codes.csv\""))

        // A new session with no data at all: the notebook loads what it needs.
        let replay = Session(workingDirectory: session.workingDirectory)
        replay.pseudonymKeyPath = session.pseudonymKeyPath
        let replayed = replay.execute(".run again.md")
        #expect(replayed.errors.isEmpty, "\(replayed.errors)")
        #expect(replayed.tables.last.map { ResultWriter.text($0, format: .csv) } == original.tables.last.map { ResultWriter.text($0, format: .csv) })
    }

    @Test func eachRunsTheSharedCellsOnceAndEveryValueInItsOwnSession() throws {
        let text = """
            ---
            params:
              cluster: {default: Køge 1, each: practices.cluster}
            ---
            ```klynge
            load practices "demo:practices"
            ```
            ```klynge
            let mine = practices | where cluster == $cluster
            mine | summarize practices = count()
            ```
            """
        let nb = try notebook(text)
        let base = Session(workingDirectory: TestEnvironment.temporaryFolder("each").path)
        var seen: [String] = []
        let runs = try NotebookRunner(nb).runEach("cluster", NotebookBindings(nb), base: base, folder: { base.resolve(path: Report.slug($0.description)) }) { _, _, v in
            seen.append(v.description)
        }
        let clusters = Set(demoDatasets["practices"]!.values("cluster").map(\.description)).sorted()
        #expect(seen == clusters && runs.count == clusters.count)
        #expect(base.datasets["mine"] == nil, "each value runs in a fork")
        #expect(runs.allSatisfy { !$0.run.failed && $0.run.cells[1].outcomes.tables.count == 1 })
        #expect(throws: NotebookError("--each cluster: the dataset 'practices' has no column 'clustr'", suggestion: "did you mean 'cluster'?")) {
            try NotebookRunner(notebook(text.replacingOccurrences(of: "practices.cluster", with: "practices.clustr")))
                .runEach("cluster", NotebookBindings(notebook(text)), base: Session(), folder: { _ in "" })
        }
    }

    @Test func slugsAreAsciiFolderNames() {
        #expect(Report.slug("Køge 1") == "koege-1")
        #expect(Report.slug("Guldborgsund/Lolland Å") == "guldborgsund-lolland-aa")
        #expect(Report.slug("???") == "value")
    }
}
