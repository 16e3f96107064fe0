import Foundation
import Testing
import Query
import Shell
import Output
import Tabular

@Suite struct SessionTests {
    @Test func loadReportsWhatItDetected() throws {
        let session = demoSession()
        let path = session.resolve(path: "regning.csv")
        try Data([0xEF, 0xBB, 0xBF] + Array("ydernummer;ydelseskode;dato;antal;honorar\r\n012345;0130;31-01-2023;1;324,16\r\n".utf8)).write(to: URL(fileURLWithPath: path))
        let out = session.execute("load regning \"regning.csv\"")
        #expect(out.errors.isEmpty)
        let report = try #require(out.infos.first)
        #expect(report.hasPrefix("loaded regning: 1 rows × 5 columns from regning.csv in "))
        #expect(report.contains("UTF-8 with BOM, ';'-delimited, header, decimal ',', dates dd-mm-yyyy, CRLF"))
        #expect(out.infos[1] == "  columns: ydernummer text, ydelseskode text, dato date, antal integer, honorar decimal")
    }

    @Test func aFailedLoadKeepsTheOldDatasetAndShowsTheLine() throws {
        let session = demoSession()
        let path = session.resolve(path: "bad.csv")
        try "practice_id,listed_patients\n011031,3638\n028701\n".write(toFile: path, atomically: true, encoding: .utf8)
        let out = session.execute("load practices \"bad.csv\"")
        let d = try #require(out.errors.first)
        #expect(session.datasets["practices"]?.rowCount == demoDatasets["practices"]!.rowCount)
        let rendered = d.render(source: nil)
        #expect(rendered.contains("--> \(path):3"))
        #expect(rendered.contains("   | 028701\n   |       ^\n"))
        #expect(rendered.contains("nothing was loaded"))
    }

    @Test func pipelineResultBecomesUnderscoreAndALeadingPipeContinuesIt() {
        let session = demoSession()
        _ = session.execute("practices | sort listed_patients desc")
        let out = session.execute("| take 2 | select practice_id")
        #expect(out.tables.first?.rowCount == 2)
        #expect(out.tables.first?.columnNames == ["practice_id"])
    }

    @Test func aFailedStatementDoesNotStopTheNextOnes() {
        let session = demoSession()
        let out = session.execute("practices | take 1\nprcatices | take 1\nbilling | take 1")
        #expect(out.tables.count == 2)
        #expect(out.errors.count == 1)
        #expect(out.errors[0].firstLine == 2)
        #expect(out.errors[0].suggestion == "did you mean 'practices'?")
    }

    @Test func keywordsCannotNameDatasets() {
        let out = demoSession().execute("let where = practices")
        #expect(out.errors.first?.message.contains("keyword") == true)
    }

    @Test func saveThenReadReplaysTheSession() throws {
        let session = demoSession()
        _ = session.execute("""
            let palliation = billing
              | where service_code in ("0130", "0421") and year(service_date) == 2023
              | summarize services = sum(count) by practice_id
            practices | join left palliation on practice_id | take 3
            nonsense | take 1
            """)
        let saved = session.execute(".save analysis.klynge")
        #expect(saved.infos == ["saved 2 statements to analysis.klynge"])
        let replay = Session(workingDirectory: session.workingDirectory)
        for (name, table) in DemoData.datasets() { replay.define(name, table, origin: "demo") }
        let out = replay.execute(".read analysis.klynge")
        #expect(out.errors.isEmpty)
        #expect(replay.datasets["palliation"]?.rowCount == session.datasets["palliation"]?.rowCount)
    }

    @Test func exportWritesDanishExcelCsv() throws {
        let session = demoSession()
        let out = session.execute("export practices | sort practice_id | take 2 to \"out/practices.csv\" as excel")
        #expect(out.errors.isEmpty)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: session.resolve(path: "out/practices.csv")))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: bytes.dropFirst(3), as: UTF8.self).hasPrefix("practice_id;practice_name;cluster;listed_patients;municipality\r\n"))
    }

    @Test func settingsAndTimer() {
        let session = demoSession()
        #expect(session.execute("set format csv").errors.isEmpty)
        #expect(session.settings.format == .csv)
        _ = session.execute(".timer on")
        let out = session.execute("billing | summarize n = count()")
        #expect(out.infos.contains { $0.hasPrefix("time: ") })
        #expect(session.execute("set fromat csv").errors.first?.suggestion == "did you mean 'format'?")
    }

    @Test func cancelledStatementsChangeNothing() {
        let session = demoSession()
        let out = Interrupt.$scoped.withValue({ true }) { session.execute("let x = billing | where count > 0 | summarize n = count()") }
        #expect(out.errors.first?.message.contains("cancelled") == true)
        #expect(session.datasets["x"] == nil)
    }
}

@Suite struct ExportTests {
    @Test func patientKeysAreRefusedUnlessAllowed() throws {
        let session = demoSession()
        let refused = session.execute("export billing | take 3 to \"lines.csv\"")
        #expect(refused.errors.first?.message == "refusing to export 'patient_id': these columns identify patients")
        #expect(!FileManager.default.fileExists(atPath: session.resolve(path: "lines.csv")))
        #expect(session.execute("export billing | select practice_id, service_code | take 3 to \"lines.csv\"").errors.isEmpty)
        #expect(session.execute("export billing | take 3 to \"local.csv\" allow identifiers").errors.isEmpty)
    }

    @Test func smallCountsAreSuppressedAndOffIsStated() throws {
        let session = demoSession()
        session.define("few", Table.from(names: ["practice_id", "services"], types: [.text, .integer],
                                         rows: [[.text("A"), .integer(2)], [.text("B"), .integer(3)], [.text("C"), .integer(50)]]), origin: "test")
        let out = session.execute("export few to \"few.md\"")
        #expect(out.infos.first?.contains("disclosure control: 2 counts of 1–4 shown as <5") == true)
        let text = try String(contentsOfFile: session.resolve(path: "few.md"), encoding: .utf8)
        #expect(text.contains("| A | <5 |"))
        _ = session.execute("set suppress off")
        _ = session.execute("export few to \"few-open.md\"")
        let open = try String(contentsOfFile: session.resolve(path: "few-open.md"), encoding: .utf8)
        #expect(open.contains("| A | 2 |"))
        #expect(open.contains("disclosure control was OFF"))
    }
}

@Suite struct ChartStatementTests {
    @Test func ratioFunnelChartNamesTheExpectedCount() throws {
        let session = demoSession()
        _ = session.execute("let sr = billing | where service_code in (\"0130\", \"0421\") | derive band = \"70-74\" | summarize services = sum(count) by practice_id, band | join practices on practice_id | standardize services per 1000 listed_patients age band by practice_id indirect")
        let out = session.execute("sr | funnel observed expected expected per 100 | chart funnel practice_id ratio expected to \"sr.svg\"")
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let svg = try String(contentsOfFile: session.resolve(path: "sr.svg"), encoding: .utf8)
        #expect(svg.contains("Forventet antal (expected)"))
        #expect(svg.contains(">observed / forventet expected pr. 100</text>"))
        #expect(!svg.contains("Sikrede"))
    }

    @Test func barChartAndItsDataFromAPipeline() throws {
        let session = demoSession()
        _ = session.execute("let palliation = billing | where service_code in (\"0130\", \"0421\") and year(service_date) == 2023 | summarize services = sum(count) by practice_id")
        let out = session.execute("practices | join left palliation on practice_id | derive services = coalesce(services, 0) | compare services per 1000 listed_patients within cluster | where cluster == \"Næstved 1\" | chart bar practice_name rate ref group_rate, overall_rate errors lower95 upper95 title \"Palliation 2023\" to \"charts/naestved.svg\"")
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        #expect(out.infos.last?.hasPrefix("wrote bar chart of 6 rows to charts/naestved.svg") == true)
        let svg = try String(contentsOfFile: session.resolve(path: "charts/naestved.svg"), encoding: .utf8)
        #expect(svg.contains("Palliation 2023") && svg.contains("services per 1000 listed_patients; method: byar"))
        _ = session.execute("_ | chart bar practice_name rate period \"sikrede pr. 1. januar 2023\" to \"charts/axis.svg\"")
        let axis = try String(contentsOfFile: session.resolve(path: "charts/axis.svg"), encoding: .utf8)
        // Without a title, the chart names the statistic the data says it shows, in Danish words.
        #expect(axis.contains(">services pr. 1000 listed_patients</text>"))
        #expect(axis.contains("services pr. 1000 listed_patients (sikrede pr. 1. januar 2023; metode: byar)"))
        _ = session.execute("_ | chart bar practice_name rate ref group_rate to \"charts/naestved.csv\"")
        let csv = try Data(contentsOf: URL(fileURLWithPath: session.resolve(path: "charts/naestved.csv")))
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: csv.dropFirst(3), as: UTF8.self).hasPrefix("practice_name;rate;group_rate\r\n"))
    }

    @Test func chartsHideSmallCountsToo() throws {
        let session = demoSession()
        session.define("few", Table.from(names: ["practice", "services", "rate"], types: [.text, .integer, .decimal],
                                         rows: [[.text("A"), .integer(2), .decimal(1.5)], [.text("B"), .integer(30), .decimal(12.0)], [.text("C"), .integer(3), .decimal(2.0)]]), origin: "test")
        let out = session.execute("few | chart bar practice rate to \"few.csv\"")
        #expect(out.infos.last?.contains("2 counts of 1–4 shown as <5") == true)
        let csv = String(decoding: try Data(contentsOf: URL(fileURLWithPath: session.resolve(path: "few.csv"))).dropFirst(3), as: UTF8.self)
        #expect(csv == "practice;rate\r\nB;12\r\nA;\r\nC;\r\n")
    }

    @Test func chartErrorsComeBeforeAnythingIsWritten() {
        let session = demoSession()
        #expect(session.execute("practices | chart bar practice_name to \"x.svg\"").errors.first?.message == "a bar chart takes 2 columns, not 1")
        #expect(session.execute("practices | chart pie practice_name listed_patients to \"x.svg\"").errors.first?.message == "unknown chart kind 'pie'")
        #expect(session.execute("practices | chart funnel practice_id listed_patients listed_patients to \"x.svg\"").errors.first?.message
                == "a funnel chart draws the columns of the funnel stage; 'target' is missing")
        #expect(session.execute("practices | chart bar listed_patients cluster to \"x.svg\"").errors.first?.message == "'cluster' is text; a chart draws numbers")
        #expect(!FileManager.default.fileExists(atPath: session.resolve(path: "x.svg")))
    }
}

@Suite struct PackTests {
    func packs(open: Bool) throws -> (Session, String) {
        let session = demoSession()
        if open { _ = session.execute("set labels open") }
        let out = session.execute("""
            let palliation = billing | where service_code in ("0130", "0421") and year(service_date) == 2023 | summarize services = sum(count) by practice_id
            practices | join left palliation on practice_id | derive services = coalesce(services, 0)
              | compare services per 1000 listed_patients within cluster
              | pack practice_name rate ref group_rate, overall_rate by practice_id within cluster to "pakker"
            """)
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        return (session, session.resolve(path: "pakker/Næstved 1"))
    }

    func rows(_ path: String) throws -> [[String]] {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)).dropFirst(3), as: UTF8.self)
        return text.split(separator: "\r\n").dropFirst().map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func eachPracticeIsNamedInItsOwnPackAndTheOthersKeepTheirLetters() throws {
        let (session, cluster) = try packs(open: false)
        let practices = session.datasets["practices"]!
        let members = (0..<practices.rowCount).filter { practices.column("cluster")!.value(at: $0) == .text("Næstved 1") }
        let ids = members.map { practices.column("practice_id")!.value(at: $0).description }.sorted()
        var letterOf: [String: Set<String>] = [:]   // rate → the labels it had in the other practices' packs
        for id in ids {
            let table = try rows("\(cluster)/\(id)/chart-data.csv")
            #expect(table.count == ids.count)
            let named = table.filter { !$0[0].hasPrefix("Praksis ") }
            #expect(named.count == 1)                  // only its own practice is named
            for row in table where row[0].hasPrefix("Praksis ") { letterOf[row[1], default: []].insert(row[0]) }
            #expect(FileManager.default.fileExists(atPath: "\(cluster)/\(id)/chart.svg"))
        }
        #expect(letterOf.values.allSatisfy { $0.count == 1 })   // a practice has one letter in every pack
        let overview = try rows("\(cluster)/oversigt.csv")
        #expect(overview.allSatisfy { $0[0].hasPrefix("Praksis ") })
        let svg = try String(contentsOfFile: "\(cluster)/\(ids[0])/chart.svg", encoding: .utf8)
        #expect(svg.contains("#1a6e3b"))   // its own bar is highlighted
    }

    @Test func openLabelsNameEveryone() throws {
        let (_, cluster) = try packs(open: true)
        let overview = try rows("\(cluster)/oversigt.csv")
        #expect(overview.allSatisfy { !$0[0].hasPrefix("Praksis ") })
    }

    @Test func letters() {
        #expect(PackExporter.letters(0) == "A" && PackExporter.letters(25) == "Z" && PackExporter.letters(26) == "AA" && PackExporter.letters(27) == "AB")
    }
}
