import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway Spark Connect server for the tests: PyPI's pyspark (its jars include the Connect
/// server) on Java 17, `local[2]` on 127.0.0.1 and a free port, with a warehouse in a temporary
/// folder; stopped by its PID (SIGTERM) when the test process exits, and by a watchdog process if
/// the test process dies.
public final class SparkServer: @unchecked Sendable {
    /// The port it listens on.
    public let port: Int
    /// The JVM's process id.
    public let pid: pid_t
    /// Its folder (warehouse, log).
    public let folder: URL

    /// The address for `connect`.
    public var url: String { "sc://127.0.0.1:\(port)" }

    /// The one server of a test run, started on first use; an error says why not (no pyspark, no Java).
    public static let shared: Result<SparkServer, PostgresServer.ServerError> = Result {
        try SparkServer.start()
    }.mapError { $0 as? PostgresServer.ServerError ?? PostgresServer.ServerError(message: "\($0)") }

    init(port: Int, pid: pid_t, folder: URL) {
        self.port = port
        self.pid = pid
        self.folder = folder
    }

    /// pyspark's folder (SPARK_HOME), when python3 can import it.
    public static let sparkHome: String? = {
        guard let python = TestEnvironment.python3,
              let run = try? TestEnvironment.run(python, ["-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"]),
              run.status == 0 else { return nil }
        let path = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.isExecutableFile(atPath: path + "/bin/spark-submit") ? path : nil
    }()

    /// Whether a server can be started here (pyspark and java installed).
    public static var installed: Bool { sparkHome != nil && TestEnvironment.program("java") != nil }

    static func start() throws -> SparkServer {
        guard let home = sparkHome else { throw PostgresServer.ServerError(message: "pyspark is not installed (pip install pyspark==4.3.0)") }
        guard TestEnvironment.program("java") != nil else { throw PostgresServer.ServerError(message: "Java is not installed (Debian: openjdk-17-jre-headless)") }
        let folder = TestEnvironment.temporaryFolder("spark")
        let port = PostgresServer.freePort()
        let log = folder.appendingPathComponent("log").path
        let argv = [home + "/bin/spark-submit", "--class", "org.apache.spark.sql.connect.service.SparkConnectServer", "--master", "local[2]",
                    "--conf", "spark.connect.grpc.binding.address=127.0.0.1", "--conf", "spark.connect.grpc.binding.port=\(port)",
                    "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.warehouse.dir=\(folder.path)/warehouse",
                    "--conf", "spark.sql.session.timeZone=UTC", "--conf", "spark.driver.memory=1g",
                    "--driver-java-options", "-Dderby.system.home=\(folder.path)"]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else the test process has open goes with it: a pipe another test opened for a
        // child's standard input at that moment would otherwise stay open in the server, and that
        // child would wait for its end of input as long as the server runs (seen: a Spark server
        // holding the input of LimitTests' klynge, the suite stuck until the server stopped).
        PostgresServer.closeOthers(&actions)
        var environment = ProcessInfo.processInfo.environment
        environment["SPARK_HOME"] = home
        environment["SPARK_LOCAL_IP"] = "127.0.0.1"
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cArguments.forEach { free($0) }; cEnvironment.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
        guard spawned == 0 else { throw PostgresServer.ServerError(message: "cannot start spark-submit: \(String(cString: strerror(spawned)))") }
        let server = SparkServer(port: port, pid: pid, folder: folder)
        server.guardLifetime()
        // The port opens after about 6 s (SCALE-OUT.md); allow a slow machine two minutes.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if server.listening() { return server }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw PostgresServer.ServerError(message: "the Spark Connect server ended: " + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").suffix(2000))
            }
            usleep(200_000)
        }
        server.stop()
        throw PostgresServer.ServerError(message: "the Spark Connect server did not open port \(port) in 120 s")
    }

    /// Whether something accepts connections on the port.
    func listening() -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }

    nonisolated(unsafe) static var running: SparkServer?

    /// Stops the server by its PID when this process exits, or from a watchdog if it dies.
    func guardLifetime() {
        SparkServer.running = self
        atexit {
            SparkServer.running?.stop()
        }
        Watchdog.watch(server: pid, signal: "TERM")
    }

    /// Stops the server by its PID (SIGTERM; it exits in about 3 s) and waits for it.
    public func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<200 {
            if waitpid(pid, &status, WNOHANG) == pid || kill(pid, 0) != 0 { return }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
    }
}
