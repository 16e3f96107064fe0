import CEditShim
import Foundation
import Query
import Shell
import Tabular

/// The session the completion callback asks (libedit calls back through a C function pointer,
/// which cannot capture context).
nonisolated(unsafe) private var completionSession: Session?
/// The earlier lines of a statement being typed, so completion sees the whole statement.
nonisolated(unsafe) private var completionPending = ""

/// The interactive loop: libedit, prompts, multi-line statements, history, Ctrl-C and Ctrl-D.
struct REPL {
    let session: Session
    let printer: Printer
    let useHistory: Bool

    /// Where history is kept: `$KLYNGE_HISTORY`, the XDG state folder, or `~/.klynge_history`.
    static func historyPath() -> String {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["KLYNGE_HISTORY"], !explicit.isEmpty { return explicit }
        let home = env["HOME"] ?? NSHomeDirectory()
        let state = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (home + "/.local/state")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: state, isDirectory: &isDirectory), isDirectory.boolValue {
            let folder = state + "/klynge"
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return folder + "/history"
        }
        return home + "/.klynge_history"
    }

    /// The statement as one history line: comments removed, lines joined with spaces, CPR-shaped
    /// numbers hidden (history is a file on disk).
    static func historyLine(_ statement: String) -> String {
        Secrets.removed(CPR.masked(statement)).split(separator: "\n", omittingEmptySubsequences: true).map { line -> String in
            var inQuotes = false
            var previous: Character = " "
            var kept = ""
            for c in line {
                if c == "\"" { inQuotes.toggle() }
                if !inQuotes, c == "-", previous == "-" { kept.removeLast(); break }
                kept.append(c)
                previous = c
            }
            return kept.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    func run() {
        klynge_setlocale()
        klynge_install_sigint()
        Interrupt.poll = { klynge_interrupt_pending() != 0 }
        completionSession = session
        session.passwordPrompt = { prompt in REPL.askPassword(prompt) }
        let completer: klynge_completer = { before in
            guard let before, let session = completionSession else { return nil }
            let text = completionPending + String(cString: before)
            let completion = Completion.complete(text, session: session)
            var answer = completion.insert
            if completion.candidates.count > 1 { answer += "\n" + REPL.columns(completion.candidates) }
            return strdup(answer)
        }
        guard klynge_editor_open("klynge", completer) != 0 else {
            printer.error("cannot start the line editor")
            return
        }
        let history = Self.historyPath()
        if useHistory { _ = klynge_history_load(history) }
        printer.message("klynge 0.1 · .help for help · Tab completes · Ctrl-D quits")
        var pending: [String] = []
        while true {
            klynge_editor_set_prompt(pending.isEmpty ? "klynge> " : "   ...> ")
            completionPending = pending.isEmpty ? "" : pending.joined(separator: "\n") + "\n"
            guard let raw = klynge_editor_gets() else {
                if klynge_take_interrupt() != 0 {
                    // Ctrl-C while typing: drop the statement, stay in the shell.
                    printer.out("^C\n")
                    pending = []
                    klynge_editor_reset()
                    continue
                }
                printer.out("\n")
                break
            }
            var line = String(cString: raw)
            if line.hasSuffix("\n") { line.removeLast() }
            pending.append(line)
            let statement = pending.joined(separator: "\n")
            if statement.trimmingCharacters(in: .whitespaces).isEmpty { pending = []; continue }
            if !StatementSplitter.isComplete(statement) { continue }
            pending = []
            let entry = Self.historyLine(statement)
            if !entry.isEmpty {
                klynge_history_add(entry)
                if useHistory { Self.save(history) }
            }
            _ = klynge_take_interrupt()
            let outcomes = session.execute(statement)
            _ = klynge_take_interrupt()
            printer.show(outcomes)
            if outcomes.contains(where: { if case .quit = $0 { return true } else { return false } }) { break }
        }
        if useHistory { Self.save(history) }
        klynge_editor_close()
        session.disconnectAll()
    }

    /// Asks for a password on the terminal with echo off; nil without a terminal or on Ctrl-D.
    /// The answer is handed to the database's client and kept nowhere else.
    static func askPassword(_ prompt: String) -> String? {
        let tty = open("/dev/tty", O_RDWR)
        guard tty >= 0 else { return nil }
        defer { close(tty) }
        _ = prompt.withCString { write(tty, $0, strlen($0)) }
        var saved = termios()
        guard tcgetattr(tty, &saved) == 0 else { return nil }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        quiet.c_lflag |= tcflag_t(ICANON)
        tcsetattr(tty, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(tty, TCSAFLUSH, &saved)
            _ = write(tty, "\n", 1)
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(tty, &byte, 1) == 1 {
            if byte == 10 || byte == 13 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    static func save(_ path: String) {
        // Written whole to a temporary file that only the user can read, then renamed into place:
        // history is never half written, nor readable by others for a moment.
        let temporary = path + ".\(getpid()).tmp"
        let previous = umask(0o077)
        let saved = klynge_history_save(temporary)
        umask(previous)
        if saved >= 0 { rename(temporary, path) } else { unlink(temporary) }
        chmod(path, 0o600)
    }

    /// Candidates laid out in columns that fit the terminal.
    static func columns(_ items: [String]) -> String {
        let width = Printer.terminalWidth()
        let cell = (items.map(\.count).max() ?? 1) + 2
        let perLine = max(1, width / cell)
        var out = ""
        for (i, item) in items.enumerated() {
            out += item + String(repeating: " ", count: cell - item.count)
            if (i + 1) % perLine == 0 || i == items.count - 1 { out += "\n" }
        }
        return out
    }
}
