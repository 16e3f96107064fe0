import Foundation
import Query
import Remote
import Shell
import Tabular
import SparkConnect
import TestSupport

/// The databases the remote tests use, on the test run's throwaway PostgreSQL server: `demo`
/// (klynge's demo datasets) and `bench` (the generator's 1M data set, when ../shared and numpy are
/// there). Tables are created with the types klynge gives the same data, and filled by `\copy`.
enum RemoteFixture {
    /// The demo datasets, made once.
    static let demoDatasets = DemoData.datasets()

    /// The server, or nil where PostgreSQL's server is not installed.
    static var server: PostgresServer? { try? PostgresServer.shared.get() }

    /// Why the server is missing, for skip messages.
    static var serverAvailable: Bool { server != nil }

    /// The `demo` database's address.
    static let demoURL: Result<String, Error> = Result {
        guard let server else { throw PostgresServer.ServerError(message: "no server") }
        let url = try server.createDatabase("demo")
        for (name, table) in demoDatasets.sorted(by: { $0.key < $1.key }) { try copy(table, as: name, into: "demo", on: server) }
        return url
    }

    /// The generator's 1M data set (seed 1) in a folder, when ../shared and numpy are there.
    static let benchFolder: Result<URL, Error> = Result {
        guard let shared = TestEnvironment.shared, let python = TestEnvironment.pythonWithNumpy else {
            throw PostgresServer.ServerError(message: "needs ../shared and numpy")
        }
        let out = TestEnvironment.temporaryFolder("bench-1m")
        let run = try TestEnvironment.run(python, [shared.appendingPathComponent("bench/gen_data.py").path, "--rows", "1000000", "--seed", "1", "--out", out.path, "--quiet"])
        guard run.status == 0 else { throw PostgresServer.ServerError(message: run.stderr) }
        return out
    }

    /// The `bench` database: billing and practices of the 1M data set, typed as klynge loads them.
    static let benchURL: Result<String, Error> = Result {
        guard let server else { throw PostgresServer.ServerError(message: "no server") }
        let folder = try benchFolder.get()
        let url = try server.createDatabase("bench")
        let session = RemoteFixture.session(in: folder)
        for name in ["billing", "practices"] {
            let outcomes = session.execute("load \(name) \"\(name).csv\"")
            guard outcomes.errors.isEmpty, let table = session.datasets[name] else { throw PostgresServer.ServerError(message: "\(outcomes.errors)") }
            try server.psql(createTable(name, table.schema), database: "bench")
            try server.psql("\\copy \(name) FROM '\(folder.appendingPathComponent("\(name).csv").path)' WITH (FORMAT csv, HEADER true)", database: "bench")
        }
        try server.psql("ANALYZE", database: "bench")
        return url
    }

    /// A session of its own (key, export log and cache in temporary folders).
    static func session(in folder: URL? = nil) -> Session {
        let session = Session(workingDirectory: (folder ?? TestEnvironment.temporaryFolder("remote-session")).path)
        session.pseudonymKeyPath = TestEnvironment.temporaryFolder("key").appendingPathComponent("klynge/pseudonym.key").path
        session.exportLogPath = TestEnvironment.temporaryFolder("state").appendingPathComponent("klynge/exports.log").path
        session.loadCachePath = TestEnvironment.temporaryFolder("cache").appendingPathComponent("klynge/loads").path
        return session
    }

    /// A session with the demo data in memory.
    static func demoSession() -> Session {
        let session = session()
        for (name, table) in demoDatasets { session.define(name, table, origin: "demo") }
        return session
    }

    /// A session connected to a database as `pg`, nothing loaded.
    static func connected(_ url: String, as name: String = "pg") throws -> Session {
        let session = session()
        let outcomes = session.execute("connect \(name) \"\(url)\"")
        guard outcomes.errors.isEmpty else { throw PostgresServer.ServerError(message: "\(outcomes.errors.map(\.message))") }
        return session
    }

    /// `CREATE TABLE` with klynge's types in PostgreSQL's spelling.
    static func createTable(_ name: String, _ schema: Schema) -> String {
        "CREATE TABLE \"\(name)\" (\(columns(schema, PostgreSQLDialect())));"
    }

    /// Column definitions in a dialect's spelling of klynge's types.
    static func columns(_ schema: Schema, _ dialect: SQLDialect) -> String {
        schema.map { "\(dialect.quote($0.name)) \(dialect.typeName($0.type))" }.joined(separator: ", ")
    }

    /// A table copied into a database through a CSV file (nulls unquoted and empty, text quoted).
    static func copy(_ table: Table, as name: String, into database: String, on server: PostgresServer) throws {
        try server.psql(createTable(name, table.schema), database: database)
        let file = try csvFile(table, name)
        try server.psql("\\copy \"\(name)\" FROM '\(file.path)' WITH (FORMAT csv)", database: database)
    }

    /// A table as a CSV file without a header: nulls unquoted and empty, text quoted with "" inside.
    static func csvFile(_ table: Table, _ name: String) throws -> URL {
        var csv = ""
        for r in 0..<table.rowCount {
            csv += table.columns.map { c -> String in
                switch c.value(at: r) {
                case .null: return ""
                case .text(let s): return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                case .decimal(let d): return String(d)
                case let v: return v.description
                }
            }.joined(separator: ",") + "\n"
        }
        let file = TestEnvironment.temporaryFolder("copy").appendingPathComponent("\(name).csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Where two results differ, or nil: same columns, types and rows; whole numbers, text, dates
    /// and booleans exactly, decimals to 1e-12 relative.
    static func difference(_ a: Table, _ b: Table) -> String? {
        guard a.columns.map(\.name) == b.columns.map(\.name) else { return "columns \(a.columns.map(\.name)) vs \(b.columns.map(\.name))" }
        guard a.rowCount == b.rowCount else { return "\(a.rowCount) rows vs \(b.rowCount)" }
        for (x, y) in zip(a.columns, b.columns) {
            guard x.type == y.type || !x.hasValues || !y.hasValues else { return "column \(x.name): \(x.type) vs \(y.type)" }
            for r in 0..<a.rowCount {
                let u = x.value(at: r), v = y.value(at: r)
                if case .decimal(let p) = u, case .decimal(let q) = v {
                    if p == q || (p.isNaN && q.isNaN) { continue }
                    if abs(p - q) <= 1e-12 * max(abs(p), abs(q)) { continue }
                    return "row \(r + 1), column \(x.name): \(p) vs \(q)"
                }
                if u != v { return "row \(r + 1), column \(x.name): \(u) vs \(v)" }
            }
        }
        return nil
    }

    // MARK: Spark

    /// The Spark Connect server, or nil where pyspark or Java is missing.
    static var spark: SparkServer? { try? SparkServer.shared.get() }

    /// A Parquet table in a Spark database made from a CSV file read with the given schema.
    static func sparkTable(_ name: String, schema: Schema, csv: URL, header: Bool, database: String, on backend: SparkConnectBackend) throws {
        _ = try backend.query("CREATE TEMPORARY VIEW `\(database)_\(name)_csv` (\(columns(schema, SparkDialect()))) USING csv OPTIONS (path '\(csv.path)', header '\(header)', escape '\"', multiLine 'true', mode 'FAILFAST')", types: nil)
        _ = try backend.query("CREATE TABLE `\(database)`.`\(name)` USING parquet AS SELECT * FROM `\(database)_\(name)_csv`", types: nil)
    }

    /// The `demo` database on Spark: the demo datasets as Parquet tables.
    static let sparkDemoURL: Result<String, Error> = Result {
        guard let spark else { throw PostgresServer.ServerError(message: "no Spark server") }
        let backend = try SparkConnectBackend(address: spark.url)
        defer { backend.close() }
        _ = try backend.query("CREATE DATABASE IF NOT EXISTS demo", types: nil)
        for (name, table) in demoDatasets.sorted(by: { $0.key < $1.key }) {
            try sparkTable(name, schema: table.schema, csv: try csvFile(table, "spark-\(name)"), header: false, database: "demo", on: backend)
        }
        return spark.url + "/;database=demo"
    }

    /// The `bench` database on Spark: the generator's 1M billing and practices as Parquet tables.
    static let sparkBenchURL: Result<String, Error> = Result {
        guard let spark else { throw PostgresServer.ServerError(message: "no Spark server") }
        let folder = try benchFolder.get()
        let session = RemoteFixture.session(in: folder)
        _ = session.execute("load billing \"billing.csv\"\nload practices \"practices.csv\"")
        let backend = try SparkConnectBackend(address: spark.url)
        defer { backend.close() }
        _ = try backend.query("CREATE DATABASE IF NOT EXISTS bench", types: nil)
        for name in ["billing", "practices"] {
            guard let table = session.datasets[name] else { throw PostgresServer.ServerError(message: "could not load \(name).csv") }
            try sparkTable(name, schema: table.schema, csv: folder.appendingPathComponent("\(name).csv"), header: true, database: "bench", on: backend)
        }
        return spark.url + "/;database=bench"
    }

    /// A session connected to a Spark database as `spark`, with Spark Connect registered.
    static func connectedToSpark(_ url: String) throws -> Session {
        SparkConnectBackend.register()
        return try connected(url, as: "spark")
    }
}
