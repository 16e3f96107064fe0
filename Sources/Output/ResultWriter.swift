import Foundation
import Tabular

/// Writes a table as CSV, Danish-Excel CSV, JSON or Markdown text.
public enum ResultWriter {
    /// The table in a format (for `table`, a plain rendering without a width limit).
    public static func text(_ table: Table, format: OutputFormat) -> String {
        switch format {
        case .table: return TableRenderer(width: Int.max / 4, maxRows: Int.max / 4).render(table)
        case .csv: return csv(table, delimiter: ",", decimalComma: false, danishDates: false, lineEnd: "\n")
        case .excel: return "\u{FEFF}" + csv(table, delimiter: ";", decimalComma: true, danishDates: true, lineEnd: "\r\n")
        case .json: return json(table)
        case .markdown: return markdown(table)
        }
    }

    /// A cell as CSV text (unquoted).
    static func cell(_ v: Value, decimalComma: Bool, danishDates: Bool) -> String {
        switch v {
        case .null: return ""
        case .decimal(let d):
            let s = NumberFormat.plain(d)
            return decimalComma ? s.replacingOccurrences(of: ".", with: ",") : s
        case .date(let d): return danishDates ? CivilDate(daysSinceEpoch: d).danish : CivilDate(daysSinceEpoch: d).iso
        default: return v.description
        }
    }

    static func quote(_ s: String, delimiter: Character) -> String {
        if s.contains(delimiter) || s.contains("\"") || s.contains("\n") || s.contains("\r") {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    static func csv(_ table: Table, delimiter: Character, decimalComma: Bool, danishDates: Bool, lineEnd: String) -> String {
        var out = table.columnNames.map { quote($0, delimiter: delimiter) }.joined(separator: String(delimiter)) + lineEnd
        for r in 0..<table.rowCount {
            out += table.columns.map { quote(cell($0.value(at: r), decimalComma: decimalComma, danishDates: danishDates), delimiter: delimiter) }
                .joined(separator: String(delimiter)) + lineEnd
        }
        return out
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    static func json(_ table: Table) -> String {
        var rows: [String] = []
        for r in 0..<table.rowCount {
            let fields = table.columns.map { c -> String in
                let v = c.value(at: r)
                let rendered: String
                switch v {
                case .null: rendered = "null"
                case .integer(let i): rendered = String(i)
                case .decimal(let d): rendered = d.isFinite ? NumberFormat.plain(d) : "null"
                case .boolean(let b): rendered = b ? "true" : "false"
                default: rendered = jsonString(v.description)
                }
                return "\(jsonString(c.name)): \(rendered)"
            }
            rows.append("  {" + fields.joined(separator: ", ") + "}")
        }
        return rows.isEmpty ? "[]\n" : "[\n" + rows.joined(separator: ",\n") + "\n]\n"
    }

    static func markdown(_ table: Table) -> String {
        func esc(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var out = "| " + table.columnNames.map(esc).joined(separator: " | ") + " |\n"
        out += "|" + table.columns.map { $0.type.isNumeric ? " ---: |" : " --- |" }.joined() + "\n"
        for r in 0..<table.rowCount {
            out += "| " + table.columns.map { esc(cell($0.value(at: r), decimalComma: false, danishDates: false)) }.joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// Writes the text to a file atomically: a temporary file in the same folder, then a rename,
    /// so a failure never leaves a partial file and an existing file is replaced only on success.
    public static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(Data(text.utf8), to: path)
    }

    /// Writes bytes to a temporary file beside the target, then renames it into place, so a reader
    /// never sees half a file.
    public static func writeAtomically(_ bytes: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try bytes.write(to: temporary)
            // rename(2) replaces the target in one step on the same file system.
            if rename(temporary.path, url.path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path,
                    NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
