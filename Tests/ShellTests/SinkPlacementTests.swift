import Foundation
import Testing
import Query
import Shell

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
