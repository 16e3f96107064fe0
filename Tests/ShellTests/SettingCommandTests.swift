import Testing
import Shell

/// `.mode`, `.timer` and `.trace` are spellings of `set` and validate the same way; `.help` lists every setting.
@Suite struct SettingCommandTests {
    @Test func helpOverviewListsEverySetting() throws {
        let overview = try #require(demoSession().execute(".help").texts.first)
        let line = try #require(overview.split(separator: "\n").first { $0.contains("set NAME VALUE") })
        for setting in Settings.known { #expect(line.contains(setting.name), "the overview's set line lacks \(setting.name)") }
    }

    @Test func dotTimerRefusesWhatSetRefuses() {
        let session = demoSession()
        _ = session.execute("set timer on")
        let dot = session.execute(".timer foo")
        let set = session.execute("set timer foo")
        #expect(dot.errors.first?.message == "'timer' is on or off")
        #expect(set.errors.first?.message == dot.errors.first?.message)
        #expect(session.settings.timer, "a refused value leaves the timer as it was")
        #expect(session.execute(".trace maybe").errors.first?.message == "'trace' is on or off")
        #expect(session.execute(".mode exel").errors.first?.suggestion == "did you mean 'excel'?")
    }

    @Test func dotCommandsStillSetAndToggle() {
        let session = demoSession()
        #expect(session.execute(".timer on").errors.isEmpty && session.settings.timer)
        _ = session.execute(".timer")
        #expect(!session.settings.timer, "alone, .timer toggles")
        _ = session.execute(".trace on")
        #expect(session.settings.trace)
        _ = session.execute(".mode csv")
        #expect(session.settings.format == .csv)
    }
}
