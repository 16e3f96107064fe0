import Foundation
import Testing
import TestSupport

/// The interactive shell, driven through a real terminal.
@Suite(.serialized, .enabled(if: TestEnvironment.binary != nil && TerminalSession.tmux != nil, "needs the klynge binary and tmux"))
struct REPLTests {
    @Test func completionMultiLineHistoryDanishLettersAndCtrlD() throws {
        let t = try TerminalSession(arguments: ["--demo"])
        try t.wait(for: "klynge> ")
        try t.type("pract")
        try t.send("Tab")
        try t.wait(for: "klynge> practices ")
        try t.type("| where municipality == \"Køge\" |")
        try t.send("Enter")
        try t.wait(for: "   ...> ")
        try t.type("  select practice_name, listed_pat")
        try t.send("Tab")
        try t.wait(for: "select practice_name, listed_patients")
        try t.send("Enter")
        let result = try t.wait(for: "rows · 2 columns")
        #expect(result.contains("│ practice_name"))
        #expect(result.contains("Køge"))
        // Up recalls the two-line statement as one entry.
        try t.send("C-l")
        try t.send("Up")
        try t.wait(for: "klynge> practices | where municipality == \"Køge\" | select practice_name, listed_patients")
        try t.send("Enter")
        try t.wait("the result twice") { $0.components(separatedBy: "rows · 2 columns").count == 2 }
        // Ctrl-R finds the statement by a word inside it.
        try t.send("C-l")
        try t.send("C-r")
        try t.type("Køge")
        try t.wait(for: "Køge")
        try t.send("Enter")
        try t.wait(for: "rows · 2 columns")
        try t.send("C-d")
        #expect(t.exitStatus() == "EXIT=0")
        let history = t.folder.appendingPathComponent(".klynge_history").path
        let attributes = try FileManager.default.attributesOfItem(atPath: history)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.contains("K\\303\\270ge") || saved.contains("Køge"))
    }

    @Test func ctrlCCancelsTheLineAndTheRunningStatementButNotTheShell() throws {
        let t = try TerminalSession(arguments: ["--demo"])
        // A file whose load takes seconds, not a fraction of one: quoted, so read as one range, with
        // a new non-ASCII name on every row (the slowest text to encode; 3.6 s on the 2-core VM of
        // 2026-11-30). Plain repeated rows loaded in 0.18 s there, before the Ctrl-C came.
        let big = t.folder.appendingPathComponent("big.csv")
        var text = "a,b,c\n"
        text.reserveCapacity(64_000_000)
        for k in 0..<1_500_000 { text += "\(k),\"Læge \(k), Køge\",2023-01-31\n" }
        try Data(text.utf8).write(to: big)
        try t.wait(for: "klynge> ")
        try t.type("billing | take")
        try t.send("C-c")
        try t.wait(for: "^C")
        try t.type("load big \"big.csv\"")
        try t.send("Enter")
        // Once the progress line shows the load is under way.
        try t.wait(for: "MB/s")
        try t.send("C-c")
        try t.wait(for: "cancelled")
        try t.type(".datasets")
        try t.send("Enter")
        let screen = try t.wait(for: "survey_questions")
        #expect(!screen.contains("│ big "))
        try t.type("survey | topbox q01 by role | select role, n, share, status")
        try t.send("Enter")
        let survey = try t.wait(for: "3 rows ·")
        #expect(survey.contains("sygeplejerske") && survey.contains("sekretær") && survey.contains("reported"))
        try t.send("C-d")
        #expect(t.exitStatus() == "EXIT=0")
    }

    /// `connect` asks for the password the server wants, without echo; it is on no screen and in no
    /// history. Ctrl-C during a query in the database cancels it there, and the shell goes on.
    @Test(.enabled(if: (try? PostgresServer.shared.get()) != nil, "needs PostgreSQL's server"))
    func connectAsksForThePasswordAndCtrlCCancelsTheRemoteQuery() throws {
        let server = try PostgresServer.shared.get()
        let url = try server.createDatabase("repl").replacingOccurrences(of: "postgres@", with: "analyst@")
        try server.psql("CREATE TABLE visits AS SELECT g AS n, 'Køge ' || (g % 3) AS cluster FROM generate_series(1, 50) AS g", database: "repl")
        let t = try TerminalSession(arguments: [])
        try t.wait(for: "klynge> ")
        try t.type("connect pg \"\(url)\"")
        try t.send("Enter")
        try t.wait(for: "password for \(url): ")
        try t.type(PostgresServer.analystPassword)
        try t.send("Enter")
        let connected = try t.wait(for: "as datasets (not read): visits")
        #expect(!connected.contains(PostgresServer.analystPassword))
        try t.type("visits | summarize n = count() by cluster")
        try t.send("Enter")
        try t.wait(for: "3 rows · 2 columns")
        try t.type("load slow from pg \"SELECT pg_sleep(30)\"")
        try t.send("Enter")
        Thread.sleep(forTimeInterval: 0.5)
        let pressed = Date()
        try t.send("C-c")
        try t.wait(for: "cancelled")
        #expect(Date().timeIntervalSince(pressed) < 5)
        try t.type("visits | summarize total = sum(n)")
        try t.send("Enter")
        try t.wait(for: "1275")
        try t.send("C-d")
        #expect(t.exitStatus() == "EXIT=0")
        let history = try String(contentsOfFile: t.folder.appendingPathComponent(".klynge_history").path, encoding: .utf8)
        #expect(history.contains("connect"))
        #expect(!history.contains(PostgresServer.analystPassword))
    }

    @Test func editrcSwitchesToViKeys() throws {
        let t = try TerminalSession(arguments: ["--demo"], editrc: "bind -v\n")
        try t.wait(for: "klynge> ")
        try t.type("service_codes | take 1")
        try t.send("Enter")
        try t.wait(for: "1 row ·")
        // vi: Escape, 0 to the start, cw to change the first word.
        try t.type("practices | take 2")
        try t.send("Escape")
        try t.type("0cw")
        try t.type("billing")
        try t.send("Enter")
        try t.wait(for: "patient_id")
        try t.send("C-d")
        #expect(t.exitStatus() == "EXIT=0")
    }
}
