import Foundation
import Output
import Query
import Shell
import Tabular

/// Shows outcomes: results on standard output, messages on standard error unless both are the
/// same terminal; tables fitted to the terminal's width.
struct Printer {
    let session: Session
    let stdoutIsTerminal = isatty(STDOUT_FILENO) != 0
    let stderrIsTerminal = isatty(STDERR_FILENO) != 0

    /// The terminal's width in columns (80 when unknown).
    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(columns) { return n }
        return 80
    }

    func out(_ s: String) { FileHandle.standardOutput.write(Data(s.utf8)) }

    func message(_ s: String) {
        let line = s.hasSuffix("\n") ? s : s + "\n"
        if stdoutIsTerminal { out(line) } else { FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// A progress line on standard error for work that takes longer than half a second, with the
    /// rows found so far, the rate and the time left when they are known
    /// (`billing.csv … 42 %, 4,194,304 rows, 85 MB/s, 3 s left`); only on a terminal, and erased
    /// when the work is done.
    func progressReporter() -> (@Sendable (String, Double, Int64?, Int?) -> Void)? {
        guard stderrIsTerminal else { return nil }
        let state = ProgressState()
        return { label, fraction, size, rows in
            let now = Date()
            if state.started == nil || state.label != label { state.started = now; state.label = label; state.shown = false; state.percent = -1 }
            if fraction >= 1 {
                if state.shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                state.started = nil
                return
            }
            let percent = Int(fraction * 100)
            guard now.timeIntervalSince(state.started!) > 0.5, percent != state.percent else { return }
            state.percent = percent
            state.shown = true
            let elapsed = now.timeIntervalSince(state.started!)
            var line = String(format: "\r  %@ … %3.0f%%", label, fraction * 100)
            if let rows, rows > 0 { line += ", \(NumberFormat.grouped(rows)) rows" }
            if let size, fraction > 0.01 {
                line += String(format: ", %.0f MB/s, %.0f s left", Double(size) * fraction / elapsed / 1e6, elapsed * (1 - fraction) / fraction)
            }
            FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
        }
    }

    func error(_ s: String) {
        FileHandle.standardError.write(Data("error: \(s)\n".utf8))
    }

    /// Shows the outcomes; returns whether any was an error.
    @discardableResult
    func show(_ outcomes: [Outcome]) -> Bool {
        var failed = false
        let color = stdoutIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        for outcome in outcomes {
            switch outcome {
            case .result(let table):
                switch session.settings.format {
                case .table where stdoutIsTerminal:
                    let renderer = TableRenderer(width: Self.terminalWidth(), maxRows: session.settings.maxRows, color: color)
                    out(renderer.render(table))
                case let format:
                    out(ResultWriter.text(table, format: format))
                }
            case .text(let s):
                out(s)
            case .info(let s), .note(let s):
                message(color ? "\u{1B}[2m\(s)\u{1B}[0m" : s)
            case .chart:
                break  // drawn into a report; the message before it says where the file is
            case .warning(let s):
                message("warning: \(s)")
            case .error(let d, let source):
                failed = true
                let rendered = d.render(source: source, color: stderrIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
                if stdoutIsTerminal && stderrIsTerminal { out(rendered) } else { FileHandle.standardError.write(Data(rendered.utf8)) }
            case .quit:
                break
            }
        }
        return failed
    }
}

/// What the progress line has shown so far (touched only from the thread doing the work).
final class ProgressState: @unchecked Sendable {
    var label = ""
    var started: Date?
    var shown = false
    var percent = -1
}
