import Dispatch
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import Query
import Remote
import Shell
import Tabular

/// Spark through Spark Connect (Spark 3.4 and later, Databricks): SQL text sent as a plan over
/// gRPC (grpc-swift-2 on SwiftNIO's HTTP/2), rows back as Arrow IPC streams (`ArrowStreamReader`).
/// No Python and no JVM on the client. Address: `sc://host[:15002][/;token=…][;use_ssl=true]
/// [;user_id=…][;database=NAME]` (`database` is klynge's: the session's current database).
///
/// The service is `spark.connect.SparkConnectService`: `ExecutePlan` (server streaming) runs a
/// `Relation` holding `sql { query }`; `Interrupt` cancels an operation (Ctrl-C); `ReleaseSession`
/// ends the session (`disconnect`, exit). The messages are generated from the hand-written subset
/// in `Proto/spark_connect.proto`. The shell's calls are synchronous, so each RPC runs in a task
/// that the calling thread waits for, polling Ctrl-C every 50 ms.
public final class SparkConnectBackend: SQLBackend, @unchecked Sendable {
    /// Spark SQL's spelling.
    public let dialect: SQLDialect = SparkDialect()
    /// "Spark 4.3.0".
    public private(set) var serverDescription = "Spark"

    let client: GRPCClient<HTTP2ClientTransport.Posix>
    let running: Task<Void, any Error>
    let sessionID = UUID().uuidString.lowercased()
    let userContext: Spark_Connect_UserContext
    let metadata: Metadata
    let options: CallOptions
    var released = false

    /// Adds Spark Connect to the engines `connect` knows (`sc://host:15002`).
    public static func register() {
        RemoteEngines.register(RemoteEngine(
            schemes: ["sc"], example: "\"sc://host:15002\"", secret: "token",
            secretSources: "put it in the address (;token=…) or in SPARK_CONNECT_TOKEN") { (address, token) throws(RemoteError) -> SQLBackend in
            try SparkConnectBackend(address: address, token: token)
        })
    }

    /// The parts of an `sc://host:port/;key=value;…` address.
    struct Address {
        var host: String
        var port: Int
        var parameters: [String: String]

        init(_ text: String) throws(RemoteError) {
            guard text.lowercased().hasPrefix("sc://") else { throw RemoteError("a Spark Connect address starts with sc://") }
            let rest = text.dropFirst(5)
            let parts = rest.split(separator: ";", omittingEmptySubsequences: true).map(String.init)
            var hostPort = parts.first ?? ""
            if hostPort.hasSuffix("/") { hostPort.removeLast() }
            let pieces = hostPort.split(separator: ":")
            host = pieces.first.map(String.init) ?? ""
            guard !host.isEmpty else { throw RemoteError("the address has no host: sc://HOST:15002") }
            if pieces.count > 1 {
                guard let p = Int(pieces[1]), (1...65535).contains(p) else { throw RemoteError("'\(pieces[1])' is not a port") }
                port = p
            } else {
                port = 15002
            }
            parameters = [:]
            for part in parts.dropFirst() {
                let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
                parameters[kv[0].lowercased()] = kv.count > 1 ? kv[1] : ""
            }
        }
    }

    /// Connects: opens the HTTP/2 connection and asks the server its version (which also checks
    /// the token). A token (from the address, `SPARK_CONNECT_TOKEN` or the prompt) is sent as a
    /// bearer token and implies TLS, as Spark Connect's address format says.
    public init(address text: String, token prompted: String? = nil) throws(RemoteError) {
        let address = try Address(text)
        let token = prompted ?? address.parameters["token"] ?? ProcessInfo.processInfo.environment["SPARK_CONNECT_TOKEN"]
        let tls = token != nil || address.parameters["use_ssl"] == "true"
        var metadata: Metadata = [:]
        if let token { metadata.addString("Bearer \(token)", forKey: "authorization") }
        self.metadata = metadata
        var user = Spark_Connect_UserContext()
        user.userID = address.parameters["user_id"] ?? ProcessInfo.processInfo.environment["USER"] ?? "klynge"
        user.userName = user.userID
        userContext = user
        var options = CallOptions.defaults
        // Results arrive as whole Arrow batches; grpc-swift-nio-transport caps inbound messages at
        // 4 MiB unless the request limit is raised too (SCALE-OUT.md): both at 256 MiB.
        options.maxRequestMessageBytes = 256 << 20
        options.maxResponseMessageBytes = 256 << 20
        self.options = options
        do {
            let transport = try HTTP2ClientTransport.Posix(
                target: .dns(host: address.host, port: address.port),
                transportSecurity: tls ? .tls : .plaintext,
                config: .defaults { $0.http2.maxFrameSize = 1 << 20 })
            client = GRPCClient(transport: transport)
        } catch {
            throw RemoteError("cannot reach \(address.host):\(address.port): \(error)")
        }
        let client = self.client
        running = Task(executorPreference: SparkConnectBackend.executor) { try await client.runConnections() }
        do {
            // Timestamps are read as their date in UTC, as on PostgreSQL.
            _ = try query("SET spark.sql.session.timeZone = UTC", types: nil)
            // klynge's own parameter: `;database=NAME` makes NAME the session's current database.
            if let database = address.parameters["database"] { _ = try query("USE \(dialect.quote(database))", types: nil) }
            let version = try query("SELECT version()", types: [.text])
            serverDescription = "Spark " + (version.columns.first?.value(at: 0).description.split(separator: " ").first.map(String.init) ?? "")
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// Releases the session on the server and closes the connection.
    public func close() {
        guard !released else { return }
        released = true
        var request = Spark_Connect_ReleaseSessionRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = "klynge"
        let (client, metadata, options, message) = (self.client, self.metadata, self.options, request)
        _ = try? Self.blocking(timeout: 5) {
            try await client.unary(request: ClientRequest(message: message, metadata: metadata),
                                   descriptor: Self.method("ReleaseSession"),
                                   serializer: ProtobufSerializer<Spark_Connect_ReleaseSessionRequest>(),
                                   deserializer: ProtobufDeserializer<Spark_Connect_ReleaseSessionResponse>(),
                                   options: options) { _ in () }
        }
        client.beginGracefulShutdown()
        running.cancel()
    }

    static func method(_ name: String) -> MethodDescriptor {
        MethodDescriptor(fullyQualifiedService: "spark.connect.SparkConnectService", method: name)
    }

    /// The tables and views of the current database (`SHOW TABLES`, then `DESCRIBE` each).
    public func relations() throws(RemoteError) -> [RemoteRelation] {
        let tables = try query("SHOW TABLES", types: nil)
        guard tables.columns.count >= 2 else { return [] }
        var out: [RemoteRelation] = []
        for r in 0..<tables.rowCount {
            let namespace = tables.columns[0].value(at: r).description, name = tables.columns[1].value(at: r).description
            if tables.columns.count > 2, tables.columns[2].value(at: r) == .boolean(true) { continue }   // temporary views of another session
            let sql = (namespace.isEmpty || namespace == "null" ? "" : dialect.quote(namespace) + ".") + dialect.quote(name)
            let described = try query("DESCRIBE TABLE \(sql)", types: [.text, .text, .text])
            var columns: [RemoteRelation.Column] = []
            for k in 0..<described.rowCount {
                let column = described.columns[0].value(at: k).description, typeName = described.columns[1].value(at: k).description
                if column.isEmpty || column.hasPrefix("#") { break }   // partition and detail sections follow
                let (type, exact) = Self.klyngeType(typeName)
                columns.append(RemoteRelation.Column(name: column, type: type, engineType: typeName, exact: exact))
            }
            out.append(RemoteRelation(dataset: name, sql: sql, qualifiedName: namespace.isEmpty ? name : "\(namespace).\(name)",
                                      isView: false, columns: columns))
        }
        return out
    }

    /// klynge's type for a Spark type name, and whether no cast is needed.
    static func klyngeType(_ name: String) -> (DataType, Bool) {
        let base = name.lowercased().split(separator: "(").first.map(String.init) ?? name.lowercased()
        switch base {
        case "bigint", "long": return (.integer, true)
        case "int", "integer", "smallint", "tinyint", "short", "byte": return (.integer, false)
        case "double": return (.decimal, true)
        case "float", "real", "decimal", "numeric", "dec": return (.decimal, false)
        case "string": return (.text, true)
        case "date": return (.date, true)
        case "timestamp", "timestamp_ntz", "timestamp_ltz": return (.date, false)
        case "boolean": return (.boolean, true)
        default: return (.text, false)
        }
    }

    /// Runs SQL and reads the Arrow batches that come back; Ctrl-C interrupts the operation.
    public func query(_ sql: String, types: [DataType]?) throws(RemoteError) -> Table {
        var request = Spark_Connect_ExecutePlanRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = "klynge"
        let operation = UUID().uuidString.lowercased()
        request.operationID = operation
        request.plan.root.sql.query = sql
        let (client, metadata, options, message) = (self.client, self.metadata, self.options, request)
        let interrupt: @Sendable () -> Void = { [sessionID, userContext] in
            var stop = Spark_Connect_InterruptRequest()
            stop.sessionID = sessionID
            stop.userContext = userContext
            stop.clientType = "klynge"
            stop.interruptType = .operationID
            stop.operationID = operation
            let message = stop
            _ = try? SparkConnectBackend.blocking(timeout: 5) {
                try await client.unary(request: ClientRequest(message: message, metadata: metadata), descriptor: Self.method("Interrupt"),
                                       serializer: ProtobufSerializer<Spark_Connect_InterruptRequest>(),
                                       deserializer: ProtobufDeserializer<Spark_Connect_InterruptResponse>(), options: options) { _ in () }
            }
        }
        do {
            return try Self.blocking(onInterrupt: interrupt) {
                try await client.serverStreaming(request: ClientRequest(message: message, metadata: metadata), descriptor: Self.method("ExecutePlan"),
                                                 serializer: ProtobufSerializer<Spark_Connect_ExecutePlanRequest>(),
                                                 deserializer: ProtobufDeserializer<Spark_Connect_ExecutePlanResponse>(),
                                                 options: options) { response in
                    var reader = ArrowStreamReader()
                    var pending: [UInt8] = []
                    for try await message in response.messages {
                        guard case .arrowBatch(let batch)? = message.responseType else { continue }
                        // A large batch may come in chunks: the stream is their concatenation.
                        if batch.hasNumChunksInBatch, batch.numChunksInBatch > 1 {
                            pending += batch.data
                            if batch.chunkIndex == batch.numChunksInBatch - 1 {
                                try reader.read(pending)
                                pending = []
                            }
                        } else {
                            try reader.read([UInt8](batch.data))
                        }
                    }
                    return try reader.table(types: types)
                }
            }
        } catch let error as RemoteError {
            throw error
        } catch let error as ArrowError {
            throw RemoteError("the result could not be read: \(error.message)")
        } catch let error as RPCError {
            throw Self.remoteError(error, sql: sql)
        } catch {
            throw RemoteError("\(error)")
        }
    }

    /// A gRPC error as the shell shows it: Spark's message without its class and SQLSTATE, which
    /// become fields, and the position Spark gives (`line L, pos P`) as a character of the statement.
    static func remoteError(_ error: RPCError, sql: String) -> RemoteError {
        var text = error.message
        switch error.code {
        case .unavailable: return RemoteError("the server cannot be reached: \(text)")
        case .unauthenticated, .permissionDenied:
            var e = RemoteError("the server refused the token: \(text)")
            e.needsPassword = true
            return e
        default: break
        }
        var errorClass: String? = nil
        if let m = text.firstMatch(of: #/^\[(?<cls>[A-Z0-9_.]+)\]\s*/#) {
            errorClass = String(m.output.cls)
            text = String(text[m.range.upperBound...])
        }
        let state = text.firstMatch(of: #/SQLSTATE: (?<state>[0-9A-Z]{5})/#).map { String($0.output.state) }
        var position: Int? = nil
        if let m = text.firstMatch(of: #/line (?<line>\d+),? pos(?:ition)? (?<pos>\d+)/#), let line = Int(m.output.line), let pos = Int(m.output.pos) {
            let lines = sql.split(separator: "\n", omittingEmptySubsequences: false)
            if line >= 1, line <= lines.count {
                position = lines.prefix(line - 1).reduce(0) { $0 + $1.unicodeScalars.count + 1 } + pos + 1
            }
        }
        let first = text.split(separator: "\n").first.map(String.init) ?? text
        let message = first.replacing(#/\s*SQLSTATE: [0-9A-Z]{5}.*$/#, with: "").trimmingCharacters(in: .whitespaces)
        var e = RemoteError(message + (errorClass.map { " [\($0)]" } ?? ""), sqlState: state, position: position)
        e.cancelled = errorClass?.hasPrefix("OPERATION_CANCELED") == true || error.code == .cancelled
        return e
    }

    /// Runs async work from synchronous code: the calling thread waits, polling Ctrl-C every 50 ms;
    /// on Ctrl-C it calls `onInterrupt` (which tells the server), cancels the work and says so.
    static func blocking<T: Sendable>(timeout: Double? = nil, onInterrupt: (@Sendable () -> Void)? = nil,
                                      _ work: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        let task = Task(executorPreference: executor) {
            do { outcome.set(.success(try await work())) } catch { outcome.set(.failure(error)) }
            done.signal()
        }
        let started = Date()
        while done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            if let timeout, Date().timeIntervalSince(started) > timeout {
                task.cancel()
                throw RemoteError("no answer from the server in \(Int(timeout)) s")
            }
            if let onInterrupt, (try? Interrupt.check()) == nil {
                onInterrupt()
                task.cancel()
                var cancelled = RemoteError("cancelled (Ctrl-C)")
                cancelled.cancelled = true
                throw cancelled
            }
        }
        return try outcome.get()
    }

    /// Where the gRPC work runs: a thread of its own, not Swift's cooperative pool. The shell's
    /// calls wait synchronously, and a caller that is itself on the pool (a test, a notebook run in
    /// a task) would otherwise wait for work that needs the very threads it holds.
    static let executor = QueueExecutor()

    /// Runs jobs on a serial dispatch queue (its own thread): async code suspends rather than
    /// blocks, so one queue serves every connection.
    final class QueueExecutor: TaskExecutor, @unchecked Sendable {
        let queue = DispatchQueue(label: "klynge.spark-connect")
        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            let executor = asUnownedTaskExecutor()
            queue.async { job.runSynchronously(on: executor) }
        }
    }

    /// A result handed from a task to the waiting thread.
    final class Outcome<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Result<T, any Error>?
        func set(_ v: Result<T, any Error>) { lock.lock(); value = v; lock.unlock() }
        func get() throws -> T {
            lock.lock()
            defer { lock.unlock() }
            return try value!.get()
        }
    }
}
