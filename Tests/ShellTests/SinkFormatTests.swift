import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Query
import Shell
import TestSupport

/// A file's extension decides what a sink writes; one no sink writes is an error before anything runs.
@Suite struct SinkFormatTests {
    @Test func aChartToAnExtensionItCannotWriteIsAnErrorAndWritesNothing() throws {
        let session = demoSession()
        let line = "practices | take 3 | chart bar practice_name listed_patients to \"x.png\""
        let d = try #require(session.execute(line).errors.first)
        #expect(d.message == "a bar chart writes .svg, .csv or .pptx, not '.png'")
        #expect(d.suggestion == "did you mean .svg?")
        let range = try #require(d.range)
        #expect(String(Array(line)[range.start..<range.end]) == "\"x.png\"")
        for file in ["x.png", "x.ppt", "x.txt"] { _ = session.execute("practices | chart bar practice_name listed_patients to \"\(file)\"") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: session.workingDirectory).isEmpty, "nothing may be written")
    }

    @Test func eachExtensionWritesWhatItsNamePromises() throws {
        let session = demoSession()
        let out = session.execute("""
            practices | take 4 | chart bar practice_name listed_patients to "c.svg"
            practices | take 4 | chart bar practice_name listed_patients to "c.csv"
            practices | take 4 | chart bar practice_name listed_patients to "c.pptx"
            export practices | take 4 to "p.csv"
            export practices | take 4 to "p.json"
            export practices | take 4 to "p.md"
            export practices | take 4 to "p.txt"
            export practices | take 4 to "q.csv" as excel
            """)
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        func read(_ f: String) throws -> String { String(decoding: try Data(contentsOf: URL(fileURLWithPath: session.resolve(path: f))), as: UTF8.self) }
        #expect(XMLParser(data: Data(try read("c.svg").utf8)).parse())
        #expect(try read("c.csv").hasPrefix("\u{FEFF}practice_name;listed_patients\r\n"))
        let deck = try read("c.pptx")
        #expect(deck.hasPrefix("PK") && deck.contains("ppt/presentation.xml") && deck.contains("ppt/embeddings/Microsoft_Excel_Worksheet1.xlsx"))
        #expect(try read("p.csv").hasPrefix("practice_id,practice_name,cluster,listed_patients,municipality\n"))
        let json = try JSONSerialization.jsonObject(with: Data(try read("p.json").utf8)) as? [[String: Any]]
        #expect(json?.count == 4)
        #expect(try read("p.md").hasPrefix("| practice_id |"))
        #expect(try read("p.txt").contains("practice_id"))
        #expect(try read("q.csv").hasPrefix("\u{FEFF}practice_id;"))
    }

    @Test func exportRefusesAnUnknownExtensionOrOneItsFormatDoesNotWrite() throws {
        let session = demoSession()
        let unknown = try #require(session.execute("export practices to \"p.xslx\"").errors.first)
        #expect(unknown.message == "klynge cannot export '.xslx' files")
        #expect(unknown.notes.first?.hasPrefix("formats: csv (.csv), excel (.csv), json (.json)") == true)
        let bare = try #require(session.execute("export practices to \"p\"").errors.first)
        #expect(bare.message == "klynge cannot export a file without an extension")
        let mismatch = try #require(session.execute("export practices to \"p.csv\" as json").errors.first)
        #expect(mismatch.message == "json writes .json, not '.csv'")
        #expect(try FileManager.default.contentsOfDirectory(atPath: session.workingDirectory).isEmpty)
    }

    @Test func explainShowsTheSink() throws {
        let text = try #require(demoSession().execute(".explain practices | take 2 | chart bar practice_name listed_patients to \"c.svg\"").texts.first)
        #expect(text.contains("chart bar to \"c.svg\""))
        let export = try #require(demoSession().execute(".explain export practices to \"p.csv\" as excel").texts.first)
        #expect(export.contains("export excel to \"p.csv\""))
    }
}

/// `.xlsx` is a real workbook: openpyxl (installed by `make test`) reads typed cells back.
@Suite(.enabled(if: TestEnvironment.python3.map { (try? TestEnvironment.run($0, ["-c", "import openpyxl"]))?.status == 0 } ?? false,
                "needs python3 with openpyxl (make test installs it)"))
struct WorkbookExportTests {
    @Test func anXlsxExportHasTypedCellsADateAndAHeader() throws {
        let session = demoSession()
        let out = session.execute("""
            export practices | take 6 | rate listed_patients per 1000 listed_patients
              | derive reported = @2023-01-31, large = listed_patients > 5000, visits = if(listed_patients > 5000, 3, 30)
              | select practice_id, practice_name, listed_patients, rate, reported, large, visits to "p.xlsx"
            """)
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let script = """
            import json, sys, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1]).active
            rows = [[{"type": type(c.value).__name__, "value": str(c.value), "format": c.number_format, "bold": bool(c.font.b)} for c in r] for r in ws.iter_rows()]
            print(json.dumps({"title": ws.title, "frozen": ws.freeze_panes, "rows": rows}))
            """
        let r = try TestEnvironment.run(TestEnvironment.python3!, ["-c", script, session.resolve(path: "p.xlsx")])
        try #require(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let rows = json["rows"] as! [[[String: Any]]]
        #expect(json["title"] as? String == "p" && json["frozen"] as? String == "A2")
        #expect(rows.count == 7)
        #expect(rows[0].map { $0["value"] as! String } == ["practice_id", "practice_name", "listed_patients", "rate", "reported", "large", "visits"])
        #expect(rows[0].allSatisfy { $0["bold"] as! Bool })
        let first = rows[1]
        #expect(first[0]["type"] as? String == "str" && first[0]["value"] as? String == "000676", "codes keep their leading zeros")
        #expect(first[2]["type"] as? String == "int" && first[2]["format"] as? String == "#,##0")
        #expect(first[3]["type"] as? String == "float")
        #expect(first[4]["type"] as? String == "datetime" && (first[4]["value"] as? String)?.hasPrefix("2023-01-31") == true)
        #expect(first[5]["type"] as? String == "bool")
        // A count after disclosure control: hidden cells as text, the others still numbers.
        let visits = rows.dropFirst().map { ($0[6]["type"] as! String, $0[6]["value"] as! String) }
        #expect(visits.contains { $0 == ("str", "<5") } && visits.contains { $0 == ("int", "30") })
    }
}
