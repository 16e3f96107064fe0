import Foundation
import Testing
import TestSupport

/// The binary as scripts and pipes use it.
@Suite(.enabled(if: TestEnvironment.binary != nil, "build klynge first (make test does)"))
struct CommandLineTests {
    let klynge = TestEnvironment.binary!

    @Test func csvOnStdoutMessagesOnStderr() throws {
        let folder = TestEnvironment.temporaryFolder("cli")
        try "kode;antal\n0130;2\n0421;1\n0130;1\n".write(to: folder.appendingPathComponent("regning.csv"), atomically: true, encoding: .utf8)
        let r = try TestEnvironment.run(klynge, ["-c", "load r \"regning.csv\"", "-c", "r | summarize n = sum(antal) by kode", "--format", "csv"], directory: folder)
        #expect(r.status == 0)
        #expect(r.stdout == "kode,n\n0130,3\n0421,1\n")
        #expect(r.stderr.contains("loaded r: 3 rows × 2 columns"))
    }

    /// `make run` builds klynge without Spark Connect (its gRPC packages take minutes to build): an
    /// sc:// address says how to get a build that has it; anything else says what addresses work.
    @Test func addressesKlyngeCannotConnectToSayWhatWorks() throws {
        let r = try TestEnvironment.run(klynge, ["-c", "connect s \"sc://127.0.0.1:1\"", "-c", "connect m \"mysql://me:hemmelig@db/x\""])
        #expect(r.status == 1)
        let built = r.stderr.contains("error: this klynge was built without Spark Connect (sc://)")
        #expect(built || r.stderr.contains("error: cannot connect s:"), "\(r.stderr)")
        if built { #expect(r.stderr.contains("build it with `make run SPARK=1`")) }
        #expect(r.stderr.contains("error: klynge cannot connect to 'mysql://me:***@db/x'"))
        #expect(r.stderr.contains("\"postgresql://user@host:5432/database\""))
        #expect(!r.stderr.contains("hemmelig"))
    }

    @Test func exitStatusIsOneWhenAnyStatementFails() throws {
        let r = try TestEnvironment.run(klynge, ["--demo", "-c", "practices | take 1", "-c", "practices | where nope == 1", "--format", "json"])
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("[\n  {\"practice_id\": "))
        #expect(r.stderr.contains("error: unknown column 'nope'"))
        #expect(r.stderr.contains("  | practices | where nope == 1\n  |                   ^^^^\n"))
    }

    @Test func statementsFromStdinWithoutPrompts() throws {
        let script = """
            practices
              | summarize n = count()
            billing | where year(service_date) == 2023
              | summarize services = sum(count) by service_code
              | where service_code == "0130"
              | select service_code
            """
        let r = try TestEnvironment.run(klynge, ["--demo", "--format", "csv"], input: script)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("klynge>"))
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0] == "n" && lines[2] == "service_code" && lines[3] == "0130")
        let bad = try TestEnvironment.run(klynge, ["--demo"], input: "billing | take x\n")
        #expect(bad.status == 1)
    }

    @Test func scriptFileAndUnknownFormat() throws {
        let folder = TestEnvironment.temporaryFolder("script")
        let file = folder.appendingPathComponent("a.klynge")
        try "-- a script\nservice_codes | where category == \"palliation\" | select service_code\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try TestEnvironment.run(klynge, ["--demo", file.path, "--format", "markdown"])
        #expect(r.stdout == "| service_code |\n| --- |\n| 0130 |\n| 0421 |\n")
        let bad = try TestEnvironment.run(klynge, ["--format", "xml", "-c", "x"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("unknown format 'xml'"))
    }
}
