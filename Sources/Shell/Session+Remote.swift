import Foundation
import PluginKit
import Query
import Remote
import Tabular

/// Databases: `connect`, `disconnect`, `load … from`, and pipelines that start from a database
/// table, which run there as one SQL statement as far as their stages go and finish here.
extension Session {
    /// Every connected table by dataset name, with its connection; a local dataset of the same
    /// name (loaded or named after `connect`) hides it.
    var remoteRelations: [String: (RemoteConnection, RemoteRelation)] {
        var out: [String: (RemoteConnection, RemoteRelation)] = [:]
        for connection in connections.values {
            for (name, relation) in connection.relations where datasets[name] == nil { out[name] = (connection, relation) }
        }
        return out
    }

    /// `connect NAME "URL"`: attaches a database; its tables and views become datasets, unread.
    func connect(_ name: Name, url: String, urlRange: SourceRange) throws -> [Outcome] {
        if connections[name.text] != nil {
            throw Diagnostic("'\(name.text)' is already connected", at: name.range, suggestion: "disconnect \(name.text) first, or choose another name")
        }
        let scheme = url.range(of: "://").map { String(url[..<$0.lowerBound]).lowercased() } ?? ""
        guard let engine = RemoteEngines.engine(scheme: scheme) else {
            let known = RemoteEngines.all.map(\.example).joined(separator: " or ")
            let spark = scheme == "sc"
            throw Diagnostic(spark ? "this klynge was built without Spark Connect (sc://)" : "klynge cannot connect to '\(Secrets.masked(url))'",
                             at: urlRange, suggestion: spark ? "build it with `make run SPARK=1` (swift build --traits Spark)" : "give an address such as \(known)")
        }
        let backend: SQLBackend
        switch Result(catching: { () throws(RemoteError) -> SQLBackend in try connect(engine, url) }) {
        case .success(let b): backend = b
        case .failure(let error):
            throw Diagnostic("cannot connect \(name.text): \(Secrets.masked(error.message))", at: urlRange,
                             suggestion: error.needsPassword ? "the server asks for a \(engine.secret): \(engine.secretSources), or connect in the REPL to be asked for it" : nil)
        }
        var relations: [String: RemoteRelation] = [:]
        var renamed: [String] = []
        let taken = Set(datasets.keys).union(remoteRelations.keys)
        let found: [RemoteRelation]
        switch Result(catching: { () throws(RemoteError) -> [RemoteRelation] in try backend.relations() }) {
        case .success(let r): found = r
        case .failure(let error):
            backend.close()
            throw Diagnostic("cannot read the tables of \(name.text): \(error)", at: urlRange)
        }
        for var relation in found {
            var dataset = relation.dataset
            if taken.contains(dataset) || relations[dataset] != nil {
                let wanted = dataset
                dataset = "\(name.text)_\(dataset)"
                renamed.append("\(wanted) → \(dataset) (a dataset of that name exists)")
            }
            relation.dataset = dataset
            relations[dataset] = relation
        }
        let connection = RemoteConnection(name: name.text, address: url, backend: backend, relations: relations)
        connections[name.text] = connection
        let tables = relations.values.filter { !$0.isView }.count
        let views = relations.count - tables
        var outcomes: [Outcome] = [.info("\(name.text): \(backend.serverDescription) at \(connection.address); \(tables) table\(tables == 1 ? "" : "s")"
            + (views > 0 ? " and \(views) view\(views == 1 ? "" : "s")" : "") + " as datasets (not read): " + relations.keys.sorted().joined(separator: ", "))]
        for r in renamed { outcomes.append(.note("named \(r)")) }
        return outcomes
    }

    /// Connects, asking for a password (or token) when the server wants one and a prompt is available.
    func connect(_ engine: RemoteEngine, _ url: String) throws(RemoteError) -> SQLBackend {
        switch Result(catching: { () throws(RemoteError) -> SQLBackend in try engine.connect(url, nil) }) {
        case .success(let backend): return backend
        case .failure(let error):
            guard error.needsPassword, let prompt = passwordPrompt, let secret = prompt("\(engine.secret) for \(Secrets.masked(url)): ") else { throw error }
            return try engine.connect(url, secret)
        }
    }

    /// `disconnect NAME`: closes the connection; its tables are no longer datasets.
    func disconnect(_ name: Name) throws -> [Outcome] {
        guard let connection = connections.removeValue(forKey: name.text) else {
            throw Diagnostic.unknown("connection", name.text, at: name.range, candidates: connections.keys.sorted())
        }
        connection.backend.close()
        return [.info("\(name.text): disconnected")]
    }

    /// Closes every connection (at exit): a Spark session is released on the server.
    public func disconnectAll() {
        for connection in connections.values { connection.backend.close() }
        connections = [:]
    }

    /// `load NAME from CONNECTION "SQL"`: runs a query and keeps its result as a local dataset.
    func load(_ name: Name, from connectionName: Name, sql: String, sqlRange: SourceRange) throws -> [Outcome] {
        try checkNewName(name)
        guard let connection = connections[connectionName.text] else {
            throw Diagnostic.unknown("connection", connectionName.text, at: connectionName.range, candidates: connections.keys.sorted(),
                                     notes: connections.isEmpty ? ["connect one first: connect NAME \"postgresql://user@host/db\""] : [])
        }
        // A query is asked for one row more than the limit, so a result that is too large is seen without fetching it all.
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: ";"))
        let wraps = ["select", "with", "values", "table"].contains { trimmed.lowercased().hasPrefix($0) }
        let prefix = "SELECT * FROM (\n"
        let statement = wraps ? prefix + trimmed + "\n) AS q LIMIT \(settings.maxRemoteRows + 1)" : trimmed
        let started = Date()
        let raw: Table
        switch try query(connection, statement, types: nil) {
        case .success(let table): raw = table
        case .failure(let error):
            // The engine's position is in the statement sent; the caret goes into the quoted SQL.
            let offset = (wraps ? prefix.unicodeScalars.count : 0) + (sql.unicodeScalars.count - sql.drop { $0.isWhitespace }.unicodeScalars.count)
            let range = error.position.map { p -> SourceRange in
                let at = sqlRange.start + 1 + max(0, p - 1 - offset)
                return SourceRange(at, min(at + 1, sqlRange.end))
            } ?? sqlRange
            throw remoteDiagnostic(error, connection, at: range)
        }
        if raw.rowCount > settings.maxRemoteRows {
            throw tooLarge(connection, at: sqlRange, rows: raw.rowCount)
        }
        let (table, privacy) = try guardCPR(raw, CPRGuard.Derivation(), file: "\(connection.name) query", line: { "row \($0 + 1) of the result" })
        define(name.text, table, origin: "\(connection.name): query")
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        return privacy + [.info("\(name.text): \(table.rowCount) rows × \(table.columns.count) columns from \(connection.label) in \(seconds) s")]
    }

    /// Runs a statement on a connection; Ctrl-C's cancellation is thrown as `Cancelled` (the
    /// session's one message for it), any other error of the engine is returned.
    func query(_ connection: RemoteConnection, _ statement: String, types: [DataType]?) throws(Cancelled) -> Result<Table, RemoteError> {
        let result = Result { () throws(RemoteError) -> Table in try connection.backend.query(statement, types: types) }
        if case .failure(let error) = result, error.cancelled { throw Cancelled() }
        return result
    }

    /// A database's error as a diagnostic: the engine's message and SQLSTATE, at the stage it came from.
    func remoteDiagnostic(_ error: RemoteError, _ connection: RemoteConnection, at range: SourceRange?, notes: [String] = []) -> Diagnostic {
        var d = Diagnostic("\(connection.label): \(Secrets.masked(error.message))" + (error.sqlState.map { " (SQLSTATE \($0))" } ?? ""),
                           at: range, notes: notes + [error.detail, error.hint].compactMap { $0 }.map(Secrets.masked))
        if error.sqlState == "42703" || error.sqlState == "42P01" {
            d.suggestion = "the database changed since `connect`: disconnect \(connection.name) and connect again to read its tables anew"
        }
        return d
    }

    func tooLarge(_ connection: RemoteConnection, at range: SourceRange?, rows: Int) -> Diagnostic {
        Diagnostic("the result from \(connection.label) has more than \(NumberFormat.grouped(settings.maxRemoteRows)) rows; nothing was fetched into the session",
                   at: range, notes: ["only aggregates should leave the database"],
                   suggestion: "summarize in the pipeline first (e.g. `summarize … by practice_id`), or raise the limit with `set remote_rows N`")
    }

    /// Runs a plan that starts from a database table: the stages SQL can express run there as one
    /// statement, the rest here on what comes back.
    func runRemote(_ plan: Plan, on connection: RemoteConnection, notes: inout [Outcome],
                   onStage: @escaping (Evaluator.StageTiming) -> Void) throws -> Table {
        let query = try sqlQuery(plan, on: connection)
        let started = Date()
        let fetched: Table
        switch try self.query(connection, query.statement(limit: settings.maxRemoteRows + 1), types: (query.reducedSchema ?? query.output).map(\.type)) {
        case .success(let table): fetched = table
        case .failure(let error):
            let stage = error.position.flatMap { query.stage(at: $0 - 1) }
            let part = error.position.flatMap { p in query.parts.first { $0.range.contains(p - 1) }?.name }
            let range = stage.flatMap { plan.stages[$0].range } ?? (part == "s0_scan" ? plan.sourceRange : nil)
            throw remoteDiagnostic(error, connection, at: range, notes: part.map { ["in \($0) of the SQL (.sql shows it)"] } ?? [])
        }
        let lastRemote = query.pushed > 0 ? plan.stages[query.pushed - 1].range : plan.sourceRange
        if fetched.rowCount > settings.maxRemoteRows {
            throw tooLarge(connection, at: query.reducedStage?.range ?? lastRemote, rows: fetched.rowCount)
        }
        onStage(Evaluator.StageTiming(label: "\(connection.name): sql", seconds: Date().timeIntervalSince(started), rows: fetched.rowCount))
        var local = Array(plan.stages[query.pushed...])
        if let reduced = query.reducedStage { local[0] = reduced }
        if let unsplit = query.unsplit {
            notes.append(.warning("\(unsplit) cannot run in \(connection.label): it ran here on the \(NumberFormat.grouped(fetched.rowCount)) rows fetched (\(query.localReason ?? ""))"))
        }
        let (rows, privacy) = try guardCPR(fetched, CPRGuard.Derivation(), file: "\(connection.name) result", line: { "row \($0 + 1) of the result" })
        notes += privacy
        guard !local.isEmpty else { return rows }
        let source = "\u{1}\(connection.name)"
        var rest = Plan(source: source, stages: local, sourceSchema: query.reducedSchema ?? query.output)
        rest.sink = plan.sink
        var available = try datasets(for: rest, notes: &notes)
        available[source] = rows
        return try Evaluator.run(rest, datasets: available, settings: settings.forStages, onStage: onStage)
    }

    /// The SQL of a plan that starts from a table of the connection.
    func sqlQuery(_ plan: Plan, on connection: RemoteConnection) throws(Diagnostic) -> SQLQuery {
        let generator = SQLGenerator(dialect: connection.backend.dialect, relations: connection.relations, localTables: datasets,
                                     maxValuesRows: settings.maxValuesRows)
        let query = try generator.generate(plan)
        // A join with a local dataset too large to send cannot run either place without fetching
        // the whole table: an error that says so, not a silent download.
        if let (stage, message) = query.refusal {
            throw Diagnostic(message, at: plan.stages[stage].range,
                             suggestion: "put it in the database, or raise the limit with `set values_rows N`")
        }
        return query
    }

    /// The datasets a local plan reads: the session's, plus any database table it joins or passes
    /// to a stage, fetched whole (within `remote_rows`) with a note.
    func datasets(for plan: Plan, notes: inout [Outcome]) throws -> [String: Table] {
        var names: [String] = []
        for stage in plan.stages {
            switch stage.operation {
            case .join(_, let dataset, _, _, _, _, _): names.append(dataset)
            case .plugin(let call): names += call.datasets.values
            default: break
            }
        }
        let remote = remoteRelations
        var available = datasets
        for name in names where available[name] == nil {
            guard let (connection, relation) = remote[name] else { continue }
            let scan = Plan(source: name, stages: [], sourceSchema: relation.schema)
            let query = try sqlQuery(scan, on: connection)
            let table: Table
            switch try self.query(connection, query.statement(limit: settings.maxRemoteRows + 1), types: relation.schema.map(\.type)) {
            case .success(let t): table = t
            case .failure(let error): throw remoteDiagnostic(error, connection, at: nil)
            }
            if table.rowCount > settings.maxRemoteRows { throw tooLarge(connection, at: nil, rows: table.rowCount) }
            let (guarded, privacy) = try guardCPR(table, CPRGuard.Derivation(), file: name, line: { "row \($0 + 1)" })
            notes += privacy
            notes.append(.note("fetched \(name) (\(NumberFormat.grouped(table.rowCount)) rows) from \(connection.label) to join it here"))
            available[name] = guarded
        }
        return available
    }

    /// `.sql PIPELINE`: the SQL a pipeline on a database table sends, and what then runs here.
    func sql(_ text: String) -> [Outcome] {
        guard !text.isEmpty else { return [.error(Diagnostic("usage: .sql PIPELINE"), source: ".sql")] }
        do {
            let plan: Plan
            switch try Parser.parse(text, stages: stages) {
            case .pipeline(let p): plan = try planner.plan(p)
            case .let(_, let p): plan = try planner.plan(p, use: .let)
            case .export(let p, let path, let range, let format, let allow):
                plan = try planner.planExport(p, path: path, pathRange: range, format: format, allowIdentifiers: allow)
            default:
                throw Diagnostic("`.sql` shows the SQL of a pipeline", suggestion: "e.g. .sql billing | summarize services = sum(count) by practice_id")
            }
            guard let (connection, _) = remoteRelations[plan.source] else {
                throw Diagnostic("'\(plan.source)' is not a table of a connected database, so nothing would be sent as SQL",
                                 at: plan.sourceRange, suggestion: connections.isEmpty ? "connect NAME \"postgresql://user@host/db\" first" : "start from one of: " + remoteRelations.keys.sorted().joined(separator: ", "))
            }
            let query = try sqlQuery(plan, on: connection)
            return [.text(query.statement(limit: settings.maxRemoteRows + 1) + ";\n" + placement(plan, query, connection).map { "-- " + $0 }.joined(separator: "\n") + "\n")]
        } catch let d as Diagnostic {
            return [.error(d, source: text)]
        } catch {
            return [.error(Diagnostic("\(error)"), source: text)]
        }
    }

    /// Where each stage of a plan on a database runs, one line per place, for `.sql` and `.explain`.
    func placement(_ plan: Plan, _ query: SQLQuery, _ connection: RemoteConnection) -> [String] {
        let there = ["scan \(plan.source)"] + plan.stages.prefix(query.pushed).map(\.label)
        var lines = ["in \(connection.label): " + there.joined(separator: ", ")]
        if let reduced = query.reducedStage { lines.append("in \(connection.label), for \(reduced.label): sums per group (\(query.reducedSchema?.map(\.name).joined(separator: ", ") ?? ""))") }
        let here = plan.stages[query.pushed...].map(\.label)
        if !here.isEmpty { lines.append("here: " + here.joined(separator: ", ") + (query.localReason.map { " — \($0)" } ?? "")) }
        return lines
    }
}
