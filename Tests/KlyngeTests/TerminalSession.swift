import Foundation
import TestSupport

/// The real binary in a tmux terminal: keys go in with send-keys, the screen comes back with capture-pane.
final class TerminalSession {
    let socket = "klynge-test-\(UUID().uuidString.prefix(8))"
    let folder: URL
    static let tmux: URL? = ["/usr/bin/tmux", "/usr/local/bin/tmux"].map(URL.init(fileURLWithPath:)).first {
        FileManager.default.isExecutableFile(atPath: $0.path)
    }

    /// Starts klynge (with `arguments`) in a 120×40 terminal, with LANG unset and a private HOME.
    init(arguments: [String], editrc: String? = nil) throws {
        folder = TestEnvironment.temporaryFolder("tty")
        if let editrc { try editrc.write(to: folder.appendingPathComponent(".editrc"), atomically: true, encoding: .utf8) }
        let binary = TestEnvironment.binary!.path
        let command = "cd \(folder.path) && env -u LANG -u LC_ALL -u LC_CTYPE -u XDG_STATE_HOME -u XDG_DATA_HOME HOME=\(folder.path) NO_COLOR=1 "
            + "\(binary) \(arguments.joined(separator: " ")); echo EXIT=$? > \(folder.path)/exit-status; sleep 30"
        try tmux(["new-session", "-d", "-s", "k", "-x", "120", "-y", "40", command])
    }

    deinit { try? tmux(["kill-server"]) }

    /// Runs a tmux command with posix_spawn and waitpid, its output going to a file.
    ///
    /// Foundation's `Process` is not used here: the tmux server that `new-session` daemonises
    /// inherits descriptors that `Process` waits on, and the wait would never end.
    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let output = folder.appendingPathComponent("tmux-output").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([Self.tmux!.path, "-L", socket] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        // The test runner may block or ignore signals; the terminal's programs must get Ctrl-C.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let status = posix_spawn(&pid, Self.tmux!.path, &actions, &attributes, argv, environ)
        guard status == 0 else { throw CocoaError(.executableLoad) }
        var exit: Int32 = 0
        while waitpid(pid, &exit, 0) < 0 && errno == EINTR {}
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// Types keys (tmux key names such as Tab, Enter, C-c, Up, or literal text).
    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "k"] + keys) }

    /// Types text literally (no key-name lookup).
    func type(_ text: String) throws { try tmux(["send-keys", "-t", "k", "-l", text]) }

    /// The screen's text.
    func screen() throws -> String { try tmux(["capture-pane", "-p", "-N", "-t", "k"]) }

    /// The screen did not show what a test waited for.
    struct TimedOut: Error, CustomStringConvertible {
        var waitingFor: String
        var screen: String
        var description: String { "timed out waiting for \(waitingFor); the screen was:\n\(screen)" }
    }

    /// Waits until the screen satisfies a condition and returns the screen; throws on timeout.
    @discardableResult
    func wait(timeout: Double = 15, _ what: String = "a condition", for condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TimedOut(waitingFor: what, screen: last)
    }

    /// Waits until the screen contains the text.
    @discardableResult
    func wait(for text: String, timeout: Double = 15) throws -> String { try wait(timeout: timeout, "'\(text)'") { $0.contains(text) } }

    /// The exit status once the program has ended.
    func exitStatus(timeout: Double = 10) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        let file = folder.appendingPathComponent("exit-status").path
        while Date() < deadline {
            // The shell creates the file before it writes to it: wait for the whole line.
            if let s = try? String(contentsOfFile: file, encoding: .utf8), s.hasSuffix("\n") { return s.trimmingCharacters(in: .whitespacesAndNewlines) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }
}
