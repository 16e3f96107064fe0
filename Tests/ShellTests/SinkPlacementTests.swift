import Foundation
import Testing
import Query
import Shell
import TestSupport

/// `chart` and `pack` write files, so they may only end a pipeline that is shown.
@Suite struct SinkPlacementTests {
    let chart = "chart bar practice_name listed_patients to \"c.svg\""

    @Test func aChartBeforeAnotherStageIsAnErrorAtTheChart() throws {
        let session = demoSession()
        let line = "practices | \(chart) | take 3"
        let d = try #require(session.execute(line).errors.first)
        #expect(d.message == "'chart' writes files and must be the last stage")
        let range = try #require(d.range)
        #expect(String(Array(line)[range.start..<range.end]) == chart)
        #expect(d.suggestion?.contains("move the chart to the end") == true)
        #expect(!FileManager.default.fileExists(atPath: session.resolve(path: "c.svg")))
    }

    @Test func aChartInsideLetOrExportIsAnError() throws {
        let session = demoSession()
        let inLet = try #require(session.execute("let x = practices | \(chart)").errors.first)
        #expect(inLet.message.contains("cannot end a `let`"))
        #expect(session.datasets["x"] == nil)
        let inExport = try #require(session.execute("export practices | \(chart) to \"x.csv\"").errors.first)
        #expect(inExport.message.contains("cannot be exported"))
        let pack = "pack practice_name listed_patients by practice_id within cluster to \"p\""
        let packInLet = try #require(session.execute("let y = practices | \(pack)").errors.first)
        #expect(packInLet.message.contains("'pack' cannot end a `let`"))
        for file in ["c.svg", "x.csv", "p"] { #expect(!FileManager.default.fileExists(atPath: session.resolve(path: file)), "\(file) was written") }
    }

    @Test func aChartAtTheEndStillWrites() {
        let session = demoSession()
        let out = session.execute("practices | take 5 | \(chart)")
        #expect(out.errors.isEmpty)
        #expect(FileManager.default.fileExists(atPath: session.resolve(path: "c.svg")))
    }
}

/// The issue's own example: the demo's funnel chart, as a person would draw it.
@Suite struct DemoChartTests {
    @Test func theDemoFunnelNamesTheFlaggedPracticesWithoutOverlap() throws {
        let session = demoSession()
        let out = session.execute("""
            let palliation = billing | where service_code in ("0130", "0421") and year(service_date) == 2023 | summarize services = sum(count) by practice_id
            let r = practices | join left palliation on practice_id | derive services = coalesce(services, 0)
            r | funnel services per 1000 listed_patients | chart funnel practice_name rate listed_patients to "f.svg"
            """)
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let svg = try String(contentsOfFile: session.resolve(path: "f.svg"), encoding: .utf8)
        let labels = SVGTexts.of(svg).filter { $0.className == "point-label" }
        #expect(!labels.isEmpty)
        for i in labels.indices {
            for j in labels.indices where j > i { #expect(!overlap(labels[i], labels[j]), "'\(labels[i].text)' and '\(labels[j].text)' overlap") }
        }
        // The two practices called "Lægerne Møllevej, Køge" are told apart wherever they are named.
        #expect(!SVGTexts.of(svg).contains { $0.text.hasSuffix("Lægerne Møllevej, Køge") })
    }
}
