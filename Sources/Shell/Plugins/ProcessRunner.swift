import Foundation
import Tabular
#if canImport(Glibc)
import Glibc
#endif

/// Runs one command for a process plugin: in its own process group (so a timeout or Ctrl-C ends
/// everything it started), with the input written to its stdin while stdout and stderr are read,
/// under a time limit.
///
/// Foundation's `Process` cannot start a child in a new process group on Linux, hence posix_spawn.
struct ProcessRunner {
    /// What the command did.
    struct Result {
        /// The exit status, when it exited.
        var status: Int32?
        /// The signal that ended it, when one did.
        var signal: Int32?
        /// What it wrote to stdout.
        var stdout: Data
        /// What it wrote to stderr.
        var stderr: Data
    }

    /// Why the command did not finish.
    enum Failure: Error {
        /// It could not be started (the reason).
        case cannotStart(String)
        /// It ran past the time limit (seconds) and was killed with everything it started.
        case timedOut(Double, stderr: Data)
        /// The user pressed Ctrl-C; it was killed with everything it started.
        case cancelled
    }

    /// Held while pipes are made and a child is spawned (see `run`).
    static let spawnLock = NSLock()

    /// The command and its arguments; the first is looked up on PATH.
    var arguments: [String]
    /// The folder it runs in.
    var directory: String
    /// Variables added to klynge's environment.
    var environment: [String: String]
    /// The time limit in seconds.
    var timeout: Double

    /// Runs the command with `input` on its stdin.
    func run(input: Data) throws(Failure) -> Result {
        signal(SIGPIPE, SIG_IGN)   // a plugin that stops reading must not kill the shell
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        // Close-on-exec, and made under a lock with the spawn, so a plugin started at the same time by
        // another thread cannot inherit these pipes (it would hold them open and this command's
        // output would never end). pipe2 is not visible to Swift here, hence fcntl.
        Self.spawnLock.lock()
        var locked = true
        defer { if locked { Self.spawnLock.unlock() } }
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw .cannotStart("no pipes: \(String(cString: strerror(errno)))") }
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t(), defaults = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&defaults)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        // `sh -c 'cd DIR && exec "$@"'` changes folder and looks the command up on PATH, as a user's shell would.
        let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cArgv + cEnv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, cArgv, cEnv)
        for fd in [inPipe[0], outPipe[1], errPipe[1]] { close(fd) }
        Self.spawnLock.unlock()
        locked = false
        guard spawned == 0 else {
            for fd in [inPipe[1], outPipe[0], errPipe[0]] { close(fd) }
            throw .cannotStart(String(cString: strerror(spawned)))
        }

        // Feed stdin from another thread, so a plugin that writes before it has read everything cannot deadlock.
        let writer = Thread { [inFD = inPipe[1]] in
            input.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(inFD, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 { if errno == EINTR { continue } else { break } }   // EPIPE: the plugin stopped reading
                    offset += n
                }
            }
            close(inFD)
        }
        writer.start()

        var out = Data(), err = Data()
        var open = [outPipe[0], errPipe[0]]
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        var exitStatus: Int32? = nil
        func kill() {
            Glibc.kill(-pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            for fd in open { close(fd) }
        }
        func reap(block: Bool) -> Bool {
            var status: Int32 = 0
            let r = waitpid(pid, &status, block ? 0 : WNOHANG)
            if r == pid { exitStatus = status; return true }
            return false
        }
        while true {
            if (try? Interrupt.check()) == nil { kill(); throw .cancelled }
            if Date() > deadline { kill(); throw .timedOut(timeout, stderr: err) }
            if open.isEmpty {
                if exitStatus != nil || reap(block: false) { break }
                usleep(10_000)
                continue
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), 50)
            if ready < 0 { if errno == EINTR { continue } else { break } }
            for p in fds where p.revents != 0 {
                let n = read(p.fd, &buffer, buffer.count)
                if n > 0 {
                    if p.fd == outPipe[0] { out.append(contentsOf: buffer[0..<n]) } else { err.append(contentsOf: buffer[0..<n]) }
                } else if n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) {
                    close(p.fd)
                    open.removeAll { $0 == p.fd }
                }
            }
        }
        // Whatever the command left running in its group goes with it.
        Glibc.kill(-pid, SIGKILL)
        let status = exitStatus ?? 0
        let signalled = status & 0x7f
        return signalled == 0 ? Result(status: (status >> 8) & 0xff, signal: nil, stdout: out, stderr: err)
                              : Result(status: nil, signal: signalled, stdout: out, stderr: err)
    }
}
