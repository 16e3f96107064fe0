import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL server for the tests: `initdb` into a temporary folder, started on
/// 127.0.0.1 and a free port, stopped by its PID when the test process exits — and by a watchdog
/// process when the test process dies without exiting (a crash), so no server outlives a run.
///
/// As root (CI), the server runs as the `postgres` user that Debian's package creates, since
/// PostgreSQL refuses to run as root. Connections from 127.0.0.1 are trusted, except the role
/// `analyst`, which needs its password (the tests of password handling use it).
public final class PostgresServer: @unchecked Sendable {
    /// The port it listens on.
    public let port: Int
    /// The temporary folder with its data, socket and log.
    public let folder: URL
    /// The postmaster's process id.
    public let pid: pid_t
    /// The folder with `psql`, `initdb` and `pg_ctl`.
    let bin: URL

    /// The password of the role `analyst`.
    public static let analystPassword = "Kl0ster-hemmelig-7"

    /// The address of the `postgres` database as the superuser (trusted, no password).
    public var url: String { "postgresql://postgres@127.0.0.1:\(port)/postgres" }

    /// The one server of a test run, started on first use; nil (with the reason) where PostgreSQL is not installed.
    public static let shared: Result<PostgresServer, ServerError> = Result { try PostgresServer.start() }.mapError { $0 as? ServerError ?? ServerError(message: "\($0)") }

    /// Why the server could not start.
    public struct ServerError: Error, CustomStringConvertible {
        /// What went wrong.
        public var message: String
        /// Creates the error.
        public init(message: String) { self.message = message }
        /// The message.
        public var description: String { message }
    }

    init(port: Int, folder: URL, pid: pid_t, bin: URL) {
        self.port = port
        self.folder = folder
        self.pid = pid
        self.bin = bin
    }

    /// The newest server binaries Debian's `postgresql` package installed.
    static func binaries() -> URL? {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for v in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let bin = root.appendingPathComponent(v).appendingPathComponent("bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) { return bin }
        }
        return nil
    }

    static var isRoot: Bool { getuid() == 0 }

    /// Runs a client program as the current user (see `run`).
    static func plain(_ program: URL, _ arguments: [String]) throws -> String {
        try spawn([program.path] + arguments, name: program.lastPathComponent)
    }

    /// Runs a server program, as `postgres` when the tests run as root. Through posix_spawn and
    /// waitpid rather than Foundation's Process, whose wait for `pg_ctl start` (which leaves a
    /// daemon behind) was seen to hang here.
    @discardableResult
    static func run(_ program: URL, _ arguments: [String]) throws -> String {
        try spawn((isRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", program.path] : [program.path]) + arguments, name: program.lastPathComponent)
    }

    /// Adds to a spawn's actions that every descriptor from 3 up is closed in the child
    /// (`posix_spawn_file_actions_addclosefrom_np`, glibc 2.34 and later; found at run time, as
    /// Swift's Glibc module does not declare it). Without it does nothing.
    static func closeOthers(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    }

    /// Runs a command line to its end; its output and errors, or an error with them.
    static func spawn(_ argv: [String], name: String) throws -> String {
        let log = URL(fileURLWithPath: isRoot ? "/tmp" : NSTemporaryDirectory()).appendingPathComponent("klynge-pg-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log")
        defer { try? FileManager.default.removeItem(at: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else the test process has open goes with it: a pipe another test opened for a
        // child's standard input at that moment would otherwise stay open in the server, and that
        // child would wait for its end of input as long as the server runs (seen: a Spark server
        // holding the input of LimitTests' klynge, the suite stuck until the server stopped).
        PostgresServer.closeOthers(&actions)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw ServerError(message: "cannot start \(argv[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(child, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            throw ServerError(message: "\(name) failed (\(code)): \(text)")
        }
        return text
    }

    /// A port nothing listens on now.
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts a server and registers its stop at exit (and with a watchdog).
    static func start() throws -> PostgresServer {
        guard let bin = binaries() else { throw ServerError(message: "PostgreSQL's server is not installed (Debian: postgresql)") }
        let folder = URL(fileURLWithPath: isRoot ? "/tmp" : NSTemporaryDirectory()).appendingPathComponent("klynge-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if isRoot {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: folder.path)
        }
        let data = folder.appendingPathComponent("data")
        try run(bin.appendingPathComponent("initdb"), ["-D", data.path, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        let hba = "local all all trust\nhost all analyst 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 trust\n"
        try hba.write(to: data.appendingPathComponent("pg_hba.conf"), atomically: false, encoding: .utf8)
        var lastError: Error? = nil
        for _ in 0..<3 {
            let port = freePort()
            let options = "-k \(folder.path) -p \(port) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            do {
                try run(bin.appendingPathComponent("pg_ctl"), ["-D", data.path, "-l", folder.appendingPathComponent("log").path, "-w", "-t", "60", "-o", options, "start"])
            } catch {
                lastError = error
                continue
            }
            let pidText = try String(contentsOf: data.appendingPathComponent("postmaster.pid"), encoding: .utf8)
            guard let pid = pidText.split(separator: "\n").first.flatMap({ pid_t($0) }) else { throw ServerError(message: "no postmaster.pid") }
            let server = PostgresServer(port: port, folder: folder, pid: pid, bin: bin)
            server.guardLifetime()
            try server.psql("CREATE ROLE analyst LOGIN PASSWORD '\(analystPassword)'; GRANT pg_read_all_data TO analyst;")
            return server
        }
        throw lastError ?? ServerError(message: "the server did not start")
    }

    /// Stops the server by its PID when this process exits, and — should this process die
    /// without exiting — from a watchdog that outlives it by at most a second.
    func guardLifetime() {
        PostgresServer.running = self
        atexit {
            guard let server = PostgresServer.running else { return }
            server.stop()
        }
        Watchdog.watch(server: pid, signal: "INT", cleanup: "sleep 5; rm -rf '\(folder.path)'")
    }

    nonisolated(unsafe) static var running: PostgresServer?

    /// Stops the server (a fast shutdown by SIGINT to its PID) and removes its folder.
    public func stop() {
        kill(pid, SIGINT)
        for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs SQL through `psql` as the superuser (over TCP to 127.0.0.1); its output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let process = URL(fileURLWithPath: "/usr/bin/env")
        return try PostgresServer.plain(process, ["PGPASSWORD=", bin.appendingPathComponent("psql").path, "-X", "-q", "-v", "ON_ERROR_STOP=1",
                                                  "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-At", "-c", sql])
    }

    /// A new database, for tests that change what is in it.
    public func createDatabase(_ name: String) throws -> String {
        try psql("DROP DATABASE IF EXISTS \(name)")
        try psql("CREATE DATABASE \(name)")
        return "postgresql://postgres@127.0.0.1:\(port)/\(name)"
    }
}
