import Foundation
import Testing
import Tabular
import TestSupport

/// The generator's default and `--danish-csv` files must load to exactly the same values.
@Suite(.enabled(if: TestEnvironment.shared != nil && TestEnvironment.pythonWithNumpy != nil, "needs ../shared and python3 with numpy"))
struct GeneratorFilesTests {
    static func generate(danish: Bool) throws -> URL {
        let out = TestEnvironment.temporaryFolder(danish ? "gen-dk" : "gen")
        let script = TestEnvironment.shared!.appendingPathComponent("bench/gen_data.py").path
        var args = [script, "--rows", "3000", "--seed", "7", "--out", out.path, "--quiet"]
        if danish { args.append("--danish-csv") }
        let r = try TestEnvironment.run(TestEnvironment.pythonWithNumpy!, args)
        #expect(r.status == 0, "\(r.stderr)")
        return out
    }

    @Test func bothFormatsLoadToTheSameValues() throws {
        let plain = try Self.generate(danish: false)
        let danish = try Self.generate(danish: true)
        for file in ["billing.csv", "practices.csv", "survey.csv", "service_codes.csv", "survey_questions.csv"] {
            let (a, ra) = try CSVReader.read(path: plain.appendingPathComponent(file).path)
            let (b, rb) = try CSVReader.read(path: danish.appendingPathComponent(file).path)
            #expect(ra.delimiter == UInt8(ascii: ","))
            #expect(rb.delimiter == UInt8(ascii: ";"))
            #expect(a.columns.map(\.name) == b.columns.map(\.name) && a.columns.map(\.type) == b.columns.map(\.type), "\(file)")
            #expect(a.rowCount == b.rowCount)
            for c in a.columns.indices {
                for r in 0..<a.rowCount where a.columns[c].value(at: r) != b.columns[c].value(at: r) {
                    Issue.record("\(file) row \(r) column \(a.columns[c].name): \(a.columns[c].value(at: r)) vs \(b.columns[c].value(at: r))")
                    return
                }
            }
        }
        let (practices, report) = try CSVReader.read(path: danish.appendingPathComponent("practices.csv").path)
        #expect(report.encoding == .windows1252)
        #expect(practices.column("practice_id")!.type == .text)
        let names = (0..<practices.rowCount).map { practices.column("practice_name")!.value(at: $0).description }
        #expect(names.contains { $0.contains("æ") || $0.contains("ø") || $0.contains("å") })
    }
}
