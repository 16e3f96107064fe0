import Foundation
import Tabular
#if canImport(Glibc)
import Glibc
#endif

/// The record of every file that left the shell (export, chart, chart data, pack): one JSON line
/// each in `$XDG_STATE_HOME/klynge/exports.log` (by default `~/.local/state/klynge/exports.log`),
/// readable by its owner only, with the time, the statement (CPR digits hidden), the file, the
/// format, the rows and what disclosure control did — what a data protection review asks for.
struct ExportLog {
    /// The log file.
    let path: String

    /// The default place of the log.
    static func defaultPath() -> String { UserFolders.path("XDG_STATE_HOME", orHome: ".local/state", "klynge/exports.log") }

    /// Appends one record; says why when it cannot (the export itself has already happened).
    func record(statement: String, file: String, format: String, rows: Int, disclosure: String, at time: Date = Date()) -> String? {
        let entry: [String: Any] = [
            "time": ISO8601DateFormatter().string(from: time), "statement": CPR.masked(statement), "file": file,
            "format": format, "rows": rows, "disclosure": disclosure,
        ]
        guard var line = try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys]) else { return "the export log entry could not be made" }
        line.append(UInt8(ascii: "\n"))
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // O_APPEND: a line lands whole at the end even when two sessions export at once.
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else { return "cannot write the export log \(path): \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        return written == line.count ? nil : "the export log \(path) could not be written whole"
    }
}
