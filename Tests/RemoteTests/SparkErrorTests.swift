import Foundation
import Query
import Shell
import SparkConnect
import Tabular
import Testing
import TestSupport

/// What a user sees when Spark says no, cancels, or sends a lot.
@Suite(.enabled(if: SparkServer.installed, "needs pyspark and Java (make test installs them)"))
struct SparkErrorTests {
    @Test func aRuntimeErrorComesBackWithItsClassAndSQLSTATE() throws {
        let session = try RemoteFixture.connectedToSpark(try RemoteFixture.sparkDemoURL.get())
        let failing = "practices | derive size = listed_patients * 9223372036854775807 | select practice_id, size"
        let error = try #require(session.execute(failing).errors.first)
        #expect(error.message.hasPrefix("spark (spark): "))
        #expect(error.message.contains("SQLSTATE 22003"))
        // Spark names no position for an overflow at run time: no caret, the SQLSTATE and class say what.
        #expect(error.message.contains("ARITHMETIC_OVERFLOW"))
    }

    @Test func anAnalysisErrorMapsToItsStage() throws {
        let spark = try #require(RemoteFixture.spark)
        let url = try RemoteFixture.sparkDemoURL.get()
        let setup = try SparkConnectBackend(address: spark.url)
        defer { setup.close() }
        _ = try setup.query("CREATE DATABASE IF NOT EXISTS changing", types: nil)
        _ = try setup.query("DROP TABLE IF EXISTS changing.visits", types: nil)
        _ = try setup.query("CREATE TABLE changing.visits USING parquet AS SELECT id AS n, CAST(id % 3 AS STRING) AS grp FROM range(30)", types: nil)
        let session = try RemoteFixture.connectedToSpark(url.replacingOccurrences(of: "database=demo", with: "database=changing"))
        // The table changes after `connect`: n becomes an array, so `n > 3` fails in Spark's analysis.
        _ = try setup.query("DROP TABLE changing.visits", types: nil)
        _ = try setup.query("CREATE TABLE changing.visits USING parquet AS SELECT array(id) AS n, CAST(id % 3 AS STRING) AS grp FROM range(30)", types: nil)
        let line = "visits | derive g = lower(grp) | where n > 3 | summarize k = count() by g"
        let error = try #require(session.execute(line).errors.first)
        #expect(error.message.contains("[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] (SQLSTATE 42K09)"), "\(error.message)")
        #expect(error.notes.contains("in s2_where of the SQL (.sql shows it)"))
        let range = try #require(error.range, "\(error.message) \(error.notes)")
        let start = line.index(line.startIndex, offsetBy: range.start)
        #expect(line[start...].hasPrefix("where n > 3"), "\(error.message) at \(range)")
    }

    @Test func ctrlCInterruptsTheSparkOperation() throws {
        let session = try RemoteFixture.connectedToSpark(try RemoteFixture.sparkDemoURL.get())
        let started = Date()
        let deadline = started.addingTimeInterval(1.5)
        let outcomes = Interrupt.$scoped.withValue({ Date() > deadline }) {
            session.execute("load slow from spark \"SELECT count(*) AS n FROM range(1000000000000)\"")
        }
        #expect(outcomes.errors.first?.message.contains("cancelled") == true)
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(session.datasets["slow"] == nil)
        #expect(session.execute("practices | summarize n = count()").errors.isEmpty)
    }

    @Test func aResultOfManyMegabytesStreams() throws {
        let session = try RemoteFixture.connectedToSpark(try RemoteFixture.sparkDemoURL.get())
        let outcomes = session.execute("load big from spark \"SELECT id, repeat('æ', 60) AS s, id * 0.5 AS d FROM range(200000)\"")
        #expect(outcomes.errors.isEmpty, "\(outcomes.errors.map(\.message))")
        let big = try #require(session.datasets["big"])
        #expect(big.rowCount == 200_000)           // about 24 MiB of Arrow data, over the 4 MiB gRPC default
        #expect(big.columns[1].value(at: 199_999) == .text(String(repeating: "æ", count: 60)))
        #expect(big.columns[2].value(at: 199_999) == .decimal(99_999.5))
    }

    @Test func aMisspeltTableGetsADidYouMean() throws {
        let session = try RemoteFixture.connectedToSpark(try RemoteFixture.sparkDemoURL.get())
        let error = try #require(session.execute("biling | summarize n = count()").errors.first)
        #expect(error.message == "unknown dataset 'biling'")
        #expect(error.suggestion == "did you mean 'billing'?")
        let listed = try #require(session.execute(".datasets").tables.first)
        #expect(listed.columns[3].value(at: 0).description.contains("spark (spark): table demo."))
    }
}
