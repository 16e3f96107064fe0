import Foundation

/// Stops a test server if the test process dies without exiting (a crash, a kill), when its own
/// `atexit` handler cannot run: a shell that waits for the test process to go, then signals the
/// server's PID and runs `cleanup` (a shell command).
enum Watchdog {
    /// Starts the watchdog for a server.
    static func watch(server pid: pid_t, signal: String, cleanup: String = "") {
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = ["-c", "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; kill -\(signal) \(pid) 2>/dev/null" + (cleanup.isEmpty ? "" : "; \(cleanup)")]
        watchdog.standardInput = FileHandle.nullDevice
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try? watchdog.run()
    }
}
