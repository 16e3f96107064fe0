import Foundation
import Testing
import PluginKit
import Query
import Shell
import Tabular
import TestSupport

/// Process plugins: the Python example `trend`, and plugins that crash, hang, write garbage or the
/// wrong table — each leaves the session working with a clear error.
@Suite(.enabled(if: TestEnvironment.python3 != nil, "needs python3 for the example process plugins"))
struct ProcessPluginTests {
    func session(loading path: URL) throws -> Session {
        let session = demoSession()
        let outcomes = PluginLoader.load(path.path, into: session, mustExist: true)
        try #require(outcomes.errors.isEmpty, "\(outcomes.errors.map(\.message))")
        return session
    }

    func fixture(_ name: String) throws -> Session { try session(loading: TestEnvironment.pluginFixtures.appendingPathComponent(name)) }

    /// Two periods: the Poisson fit is saturated, so the rate ratio is (x2/n2)/(x1/n1) and se² = 1/x1 + 1/x2.
    @Test func trendMatchesTheClosedFormForTwoPeriods() throws {
        let session = try session(loading: TestEnvironment.pluginExamples.appendingPathComponent("trend"))
        session.define("counts", Table.from(names: ["unit", "year", "x", "n"], types: [.text, .integer, .integer, .integer], rows: [
            [.text("A"), .integer(2022), .integer(40), .integer(1000)], [.text("A"), .integer(2023), .integer(60), .integer(1200)],
            [.text("B"), .integer(2022), .integer(3), .integer(900)], [.text("B"), .integer(2023), .integer(2), .integer(900)],
        ]), origin: "test")
        let out = session.execute("counts | trend x per 1000 n period year by unit")
        try #require(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let t = try #require(out.tables.first)
        #expect(t.columnNames == ["unit", "periods", "events", "first_rate", "last_rate", "trend", "lower95", "upper95", "p_value", "direction", "method"])
        let ratio = (60.0 / 1200) / (40.0 / 1000), se = (1.0 / 40 + 1.0 / 60).squareRoot()
        #expect(abs(t.values("trend")[0].doubleValue! - ratio) < 1e-9)
        #expect(abs(t.values("lower95")[0].doubleValue! - exp(log(ratio) - 1.959963984540054 * se)) < 1e-9)
        #expect(abs(t.values("p_value")[0].doubleValue! - erfc(abs(log(ratio) / se) / 2.0.squareRoot())) < 1e-9)
        #expect(t.values("events") == [.decimal(100), .decimal(5)])
    }

    @Test func itsDeclaredCountsAreSuppressedInAnExport() throws {
        let session = try session(loading: TestEnvironment.pluginExamples.appendingPathComponent("trend"))
        session.define("counts", Table.from(names: ["unit", "year", "x", "n"], types: [.text, .integer, .integer, .integer], rows: [
            [.text("A"), .integer(2022), .integer(40), .integer(1000)], [.text("A"), .integer(2023), .integer(60), .integer(1200)],
            [.text("B"), .integer(2022), .integer(1), .integer(900)], [.text("B"), .integer(2023), .integer(2), .integer(900)],
            [.text("C"), .integer(2022), .integer(30), .integer(900)], [.text("C"), .integer(2023), .integer(25), .integer(900)],
        ]), origin: "test")
        let out = session.execute("export counts | trend x per 1000 n period year by unit | select unit, events, trend to \"trend.csv\"")
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let text = try String(contentsOfFile: session.resolve(path: "trend.csv"), encoding: .utf8)
        #expect(text.contains("B,<5,\n"), "B's 3 events are hidden and its trend blanked: \(text)")
        #expect(text.contains("C,x,"), "the next smallest count is hidden too, so B's cannot be recovered")
        #expect(out.infos.last?.contains("1 count of 1–4 shown as <5") == true)
    }

    @Test func itIsListedWithItsOriginAndHasHelp() throws {
        let folder = TestEnvironment.pluginExamples.appendingPathComponent("trend")
        let session = try session(loading: folder)
        let t = try #require(session.execute(".plugins").tables.first)
        let row = try #require((0..<t.rowCount).first { t.values("name")[$0] == .text("trend") && t.values("kind")[$0] == .text("stage") })
        #expect(t.values("origin")[row] == .text(folder.path) && t.values("version")[row] == .text("1.0.0"))
        #expect(session.execute("help trend").texts.first?.hasPrefix("trend X per M N period P by U [linear]") == true)
        // Its example runs on the demo data (as every built-in stage's does).
        let example = session.stages["trend"]!.example
        #expect(session.execute(example).errors.isEmpty)
        #expect(session.execute("practices | trend listed_patients per 1000 listed_patients period cluster by practice_id").errors.first?.message
                == "P must be a number, not text")
    }

    @Test func aCrashIsAnErrorWithWhatItSaid() throws {
        let session = try fixture("crash")
        let d = try #require(session.execute("practices | crash_stage listed_patients").errors.first)
        #expect(d.message.hasPrefix("plugin 'crash' crashed (signal 6, abort):"))
        #expect(d.message.contains("about to crash"))
        #expect(session.execute("practices | take 1").errors.isEmpty)
    }

    @Test func aHangIsStoppedAtItsTimeLimitWithEverythingItStarted() throws {
        let pidFile = TestEnvironment.temporaryFolder("hang").appendingPathComponent("child.pid")
        setenv("KLYNGE_TEST_PIDFILE", pidFile.path, 1)
        let session = try fixture("hang")
        let started = Date()
        let d = try #require(session.execute("practices | hang_stage listed_patients").errors.first)
        #expect(d.message.hasPrefix("plugin 'hang' took longer than 2 s and was stopped, with everything it started"))
        #expect(Date().timeIntervalSince(started) < 30)
        let child = try #require(Int32(String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // Gone, or a zombie waiting for its new parent to reap it: either way no longer running.
        func running(_ pid: Int32) -> Bool {
            guard kill(pid, 0) == 0 else { return false }
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? false)
        }
        var waited = 0
        while running(child), waited < 50 { usleep(100_000); waited += 1 }
        #expect(!running(child), "the plugin's own child must be gone")
        #expect(session.execute("practices | take 1").errors.isEmpty)
    }

    @Test func garbageOrTheWrongTableIsAnError() throws {
        let garbage = try fixture("garbage")
        let g = try #require(garbage.execute("practices | garbage_stage listed_patients").errors.first)
        #expect(g.message.contains("the output of plugin 'garbage'"))
        #expect(g.message.contains("is not name:type"))
        let wrong = try fixture("wrongschema")
        let w = try #require(wrong.execute("practices | wrongschema_stage listed_patients").errors.first)
        #expect(w.message == "the stage 'wrongschema_stage' of plugin 'wrongschema' returned columns that differ from those it declared (first difference: got m: integer, declared n: integer)")
        let fails = try fixture("fails")
        let f = try #require(fails.execute("practices | fails_stage listed_patients").errors.first)
        #expect(f.message == "plugin 'fails' failed (exit status 3):\n    fails: the column X has a value I cannot use")
        for s in [garbage, wrong, fails] { #expect(s.execute("practices | take 1").errors.isEmpty) }
    }

    @Test func anotherAPIVersionOrAClashIsRefused() throws {
        let session = demoSession()
        let old = PluginLoader.load(TestEnvironment.pluginFixtures.appendingPathComponent("oldapi").path, into: session, mustExist: true)
        #expect(old.errors.first?.message.contains("plugin 'oldapi' is written for plugin API 2, this klynge speaks API 1") == true)
        let trend = TestEnvironment.pluginExamples.appendingPathComponent("trend").path
        #expect(PluginLoader.load(trend, into: session, mustExist: true).errors.isEmpty)
        let again = PluginLoader.load(trend, into: session, mustExist: true)
        #expect(again.errors.first?.message == "name 'trend' of plugin 'trend' (\(trend)) clashes with the name 'trend' of plugin 'trend' (\(trend)); the plugin was not loaded")
    }
}

/// The R example (Plugins/Examples/poisson-z), when Rscript is installed.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/Rscript"), "needs Rscript for the R example plugin"))
struct RPluginTests {
    @Test func poissonZMatchesTheFormula() throws {
        let session = demoSession()
        let outcomes = PluginLoader.load(TestEnvironment.pluginExamples.appendingPathComponent("poisson-z").path, into: session, mustExist: true)
        try #require(outcomes.errors.isEmpty, "\(outcomes.errors.map(\.message))")
        session.define("u", Table.from(names: ["unit", "x", "n"], types: [.text, .integer, .integer], rows: [
            [.text("A"), .integer(30), .integer(1000)], [.text("B"), .integer(10), .integer(1000)], [.text("C"), .null, .integer(500)],
        ]), origin: "test")
        let out = session.execute("u | poisson_z x per n")
        try #require(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let t = try #require(out.tables.first)
        #expect(t.columnNames == ["unit", "x", "n", "expected", "z", "p_value"])
        // Pooled over the rows with a count: 40 / 2000; A expects 20, z = 10/√20.
        #expect(abs(t.values("expected")[0].doubleValue! - 20) < 1e-12)
        #expect(abs(t.values("z")[0].doubleValue! - 10 / 20.0.squareRoot()) < 1e-12)
        #expect(abs(t.values("p_value")[1].doubleValue! - erfc((10 / 20.0.squareRoot()) / 2.0.squareRoot())) < 1e-12)
        #expect(t.values("z")[2].isNull && abs(t.values("expected")[2].doubleValue! - 10) < 1e-12)
    }
}

/// The minimal Python program on Plugins/README.md works as the page says.
@Suite(.enabled(if: TestEnvironment.python3 != nil, "needs python3"))
struct PluginGuideTests {
    @Test func theGuidesPythonExampleRuns() throws {
        let guide = try String(contentsOf: TestEnvironment.pluginExamples.deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(guide.range(of: "```python\n"))
        let end = try #require(guide.range(of: "```", range: start.upperBound..<guide.endIndex))
        let folder = TestEnvironment.temporaryFolder("guide-plugin")
        try String(guide[start.upperBound..<end.lowerBound]).write(to: folder.appendingPathComponent("double.py"), atomically: true, encoding: .utf8)
        try """
            {"name": "doubling", "version": "0.1", "api": 1, "command": ["python3", "double.py"],
             "stages": [{"name": "double", "usage": "double X", "summary": "Adds doubled = 2·X.", "keep_input": true,
                         "parameters": [{"keyword": null, "placeholder": "X", "required": true, "type": "number"}],
                         "outputs": [{"name": "doubled", "type": "decimal", "role": "statistic"}]}]}
            """.write(to: folder.appendingPathComponent("klynge-plugin.json"), atomically: true, encoding: .utf8)
        let session = demoSession()
        #expect(PluginLoader.load(folder.path, into: session, mustExist: true).errors.isEmpty)
        let t = try #require(session.execute("practices | double listed_patients | take 3").tables.first)
        #expect(t.values("doubled").map(\.doubleValue) == t.values("listed_patients").map { $0.doubleValue.map { $0 * 2 } })
        #expect(session.execute("practices | double cluster").errors.first?.message == "X must be a number, not text")
    }
}

/// Ctrl-C stops a process plugin (and what it started) and leaves the session as it was.
@Suite(.enabled(if: TestEnvironment.python3 != nil, "needs python3"))
struct ProcessPluginCancelTests {
    @Test func ctrlCStopsAHangingPlugin() throws {
        let session = demoSession()
        #expect(PluginLoader.load(TestEnvironment.pluginFixtures.appendingPathComponent("hang").path, into: session, mustExist: true).errors.isEmpty)
        let pressed = Date().addingTimeInterval(0.5)
        let started = Date()
        let out = Interrupt.$scoped.withValue({ Date() > pressed }) { session.execute("let x = practices | hang_stage listed_patients") }
        #expect(out.errors.first?.message == "cancelled (Ctrl-C): plugin 'hang' was stopped; nothing was changed")
        #expect(Date().timeIntervalSince(started) < 1.9, "stopped by Ctrl-C, not by the 2 s time limit")
        #expect(session.datasets["x"] == nil)
    }
}
