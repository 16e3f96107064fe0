import Foundation
import Query
import Shell
import Tabular
import Testing
import TestSupport

/// What a user sees when the database says no: the engine's message and SQLSTATE at the stage
/// that caused it, a cancelled query, a misspelt table, a result too large, and a password that
/// never shows.
@Suite(.enabled(if: RemoteFixture.serverAvailable, "needs PostgreSQL's server (Debian: postgresql)"))
struct PostgreSQLErrorTests {
    /// A database of its own with the demo practices, for tests that change it.
    static func scratch(_ name: String) throws -> (PostgresServer, String) {
        let server = try #require(RemoteFixture.server)
        let url = try server.createDatabase(name)
        try RemoteFixture.copy(RemoteFixture.demoDatasets["practices"]!, as: "practices", into: name, on: server)
        return (server, url)
    }

    @Test func anEngineErrorPointsAtTheStageThatCausedIt() throws {
        let (server, url) = try Self.scratch("changed")
        let session = try RemoteFixture.connected(url)
        // The table changes after `connect`: klynge still plans with a number, the engine finds text.
        try server.psql("ALTER TABLE practices ALTER COLUMN listed_patients TYPE text", database: "changed")
        let line = "practices | derive big = listed_patients > 2000 | where big | select practice_id"
        let outcomes = session.execute(line)
        let error = try #require(outcomes.errors.first)
        #expect(error.message.contains("pg (postgresql): operator does not exist: text > integer"))
        #expect(error.message.contains("SQLSTATE 42883"))
        // The caret is under `derive …`, the stage whose CTE (s1_derive) the engine pointed into.
        let range = try #require(error.range)
        let start = line.index(line.startIndex, offsetBy: range.start)
        #expect(line[start...].hasPrefix("derive big"))
        #expect(error.notes.contains { $0.contains("s1_derive") })
        // A column that is gone: the scan names it, so the caret is under the table's name, and the
        // suggestion is to connect again.
        try server.psql("ALTER TABLE practices DROP COLUMN municipality", database: "changed")
        let gone = try #require(session.execute("practices | summarize n = count()").errors.first)
        #expect(gone.message.contains("SQLSTATE 42703"))
        #expect(gone.range?.start == 0)
        #expect(gone.suggestion?.contains("connect again") == true)
    }

    @Test func ctrlCCancelsTheQueryInTheDatabase() throws {
        let (server, url) = try Self.scratch("cancel")
        let session = try RemoteFixture.connected(url)
        let started = Date()
        let deadline = started.addingTimeInterval(0.5)
        let outcomes = Interrupt.$scoped.withValue({ Date() > deadline }) {
            session.execute("load slow from pg \"SELECT pg_sleep(30)\"")
        }
        let elapsed = Date().timeIntervalSince(started)
        #expect(outcomes.errors.first?.message.contains("cancelled") == true)
        #expect(elapsed < 10, "the query ran on for \(elapsed) s")
        #expect(session.datasets["slow"] == nil)
        // The server stopped it too, and the connection still works.
        let running = try server.psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND state = 'active' AND pid <> pg_backend_pid()")
        #expect(running.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(session.execute("practices | summarize n = count()").tables.first?.rowCount == 1)
    }

    @Test func aMisspeltTableGetsADidYouMean() throws {
        let (_, url) = try Self.scratch("misspelt")
        let session = try RemoteFixture.connected(url)
        let error = try #require(session.execute("practises | summarize n = count()").errors.first)
        #expect(error.message == "unknown dataset 'practises'")
        #expect(error.suggestion == "did you mean 'practices'?")
        let load = try #require(session.execute("load x from pgg \"SELECT 1\"").errors.first)
        #expect(load.suggestion == "did you mean 'pg'?")
    }

    @Test func aResultLargerThanTheLimitIsRefused() throws {
        let (_, url) = try Self.scratch("large")
        let session = try RemoteFixture.connected(url)
        _ = session.execute("set remote_rows 10")
        let error = try #require(session.execute("practices | select practice_id, cluster").errors.first)
        #expect(error.message.contains("has more than 10 rows; nothing was fetched"))
        #expect(error.suggestion?.contains("summarize") == true)
        #expect(session.datasets["_"] == nil)
        // A summary is small enough.
        #expect(session.execute("practices | summarize n = count()").errors.isEmpty)
        #expect(session.execute("load all from pg \"SELECT * FROM practices\"").errors.first?.message.contains("more than 10 rows") == true)
    }

    @Test func aPasswordNeverShowsInOutputOrFiles() throws {
        let (server, _) = try Self.scratch("secret")
        let password = PostgresServer.analystPassword
        let folder = TestEnvironment.temporaryFolder("secret-session")
        let session = Session(workingDirectory: folder.path)
        session.exportLogPath = folder.appendingPathComponent("exports.log").path
        let url = "postgresql://analyst:\(password)@127.0.0.1:\(server.port)/secret"
        var shown: [Outcome] = []
        shown += session.execute("connect pg \"\(url)\"")
        #expect(shown.errors.isEmpty, "\(shown.errors.map(\.message))")
        shown += session.execute(".datasets")
        shown += session.execute(".explain connect other \"\(url)\"")
        shown += session.execute("connect pg \"\(url)\"")                  // already connected: an error
        shown += session.execute("connect wrong \"postgresql://analyst:Forkert-\(password)@127.0.0.1:\(server.port)/secret\"")
        shown += session.execute("practices | summarize n = count()")
        shown += session.execute(".save saved.klynge")
        shown += session.execute(".save saved.md")
        let text = shown.map(Self.render).joined(separator: "\n")
        #expect(text.contains("***"))
        #expect(!text.contains(password))
        #expect(text.contains("password authentication failed"))
        for file in ["saved.klynge", "saved.md"] {
            let saved = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(saved.contains("connect pg"))
            #expect(!saved.contains(password), "\(file) holds the password")
        }
        // Without a password anywhere, a server that wants one says how to give it.
        let bare = Session(workingDirectory: folder.path)
        let refused = try #require(bare.execute("connect pg \"postgresql://analyst@127.0.0.1:\(server.port)/secret\"").errors.first)
        #expect(refused.suggestion?.contains("PGPASSWORD") == true)
    }

    /// Every text a user could see in an outcome.
    static func render(_ outcome: Outcome) -> String {
        switch outcome {
        case .result(let t): return (0..<t.rowCount).map { r in t.columns.map { $0.value(at: r).description }.joined(separator: " ") }.joined(separator: "\n")
        case .text(let s), .info(let s), .note(let s), .warning(let s): return s
        case .error(let d, let source): return [d.message, d.suggestion ?? "", source] .joined(separator: " ") + d.notes.joined(separator: " ")
        default: return ""
        }
    }

    /// A local dataset too large to send as VALUES is an error that says so; a small one joins.
    @Test func aLargeLocalDatasetIsNotSentToTheDatabase() throws {
        let (_, url) = try Self.scratch("values")
        let session = try RemoteFixture.connected(url)
        _ = session.execute("load big from pg \"SELECT practice_id, 1 AS flag FROM practices\"")
        _ = session.execute("set values_rows 5")
        let line = "practices | join big on practice_id | summarize n = count()"
        let error = try #require(session.execute(line).errors.first)
        #expect(error.message == "the local dataset 'big' has 66 rows; a join sends at most 5 (values_rows) to the database as VALUES")
        #expect(error.range.map { String(Array(line)[$0.start..<$0.end]) } == "join big on practice_id")
        #expect(error.suggestion?.contains("set values_rows") == true)
        _ = session.execute("set values_rows 10000")
        #expect(session.execute(line).errors.isEmpty)
    }

    /// Tables complete like datasets, are listed and described unread, and go with `disconnect`;
    /// a local dataset of the same name hides a table.
    @Test func tablesAreDatasetsUntilDisconnect() throws {
        let (_, url) = try Self.scratch("listing")
        let session = try RemoteFixture.connected(url)
        #expect(Completion.complete("pract", session: session).insert == "ices ")
        let listed = try #require(session.execute(".datasets").tables.first)
        #expect(listed.columns[0].value(at: 0) == .text("practices"))
        #expect(listed.columns[1].value(at: 0) == .null)
        #expect(listed.columns[3].value(at: 0).description.contains("pg (postgresql): table public.practices, not read"))
        let schema = try #require(session.execute(".schema practices").tables.first)
        #expect(schema.columns.map(\.name) == ["column", "type", "postgresql_type"])
        #expect(schema.rowCount == RemoteFixture.demoDatasets["practices"]!.columns.count)
        _ = session.execute("let practices = practices | take 2")
        #expect(session.execute("practices | summarize n = count()").tables.first?.columns[0].value(at: 0) == .integer(2))
        #expect(session.execute("disconnect pg").errors.isEmpty)
        #expect(session.execute(".sql practices").errors.first?.message.contains("not a table of a connected database") == true)
        #expect(session.execute("disconnect pg").errors.first?.message == "unknown connection 'pg'")
    }
}
