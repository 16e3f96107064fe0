import Foundation
import Tabular

/// The table format klynge and process plugins speak over stdin and stdout: RFC 4180 CSV (comma,
/// `"` quotes, UTF-8, `\n` line ends), whose header cells are `name:type` (`integer`, `decimal`,
/// `text`, `date`, `boolean`); decimal point, ISO dates, `true`/`false`, an empty field is a missing value.
///
/// Reading goes through the same `CSVReader` as `load`, with every guess replaced by the header's
/// types, so a plugin's output is parsed as strictly as a typed load: a value that does not fit
/// its type is an error that names the line.
public enum TypedCSV {
    /// The table as typed CSV.
    public static func encode(_ table: Table) -> String {
        let header = table.columns.map { ResultWriter.quote("\($0.name):\($0.type)", delimiter: ",") }.joined(separator: ",") + "\n"
        let body = ResultWriter.csv(table, delimiter: ",", decimalComma: false, danishDates: false, lineEnd: "\n")
        return header + body.drop { $0 != "\n" }.dropFirst()
    }

    /// Why typed CSV could not be read.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// What is wrong, with the line when one is at fault.
        public var description: String
    }

    /// Reads typed CSV; `name` (e.g. "the output of plugin trend") is used in messages.
    public static func decode(_ data: Data, name: String) throws(Problem) -> Table {
        guard let text = String(data: data, encoding: .utf8) else { throw Problem(description: "\(name) is not UTF-8 text") }
        guard let end = text.firstIndex(of: "\n") else {
            throw Problem(description: text.isEmpty ? "\(name) is empty: expected a header line of name:type cells" : "\(name) has no line end after its header")
        }
        var names: [String] = [], types: [String: DataType] = [:]
        for cell in splitHeader(String(text[..<end]).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))) {
            guard let colon = cell.lastIndex(of: ":"), let type = DataType(userName: String(cell[cell.index(after: colon)...])) else {
                throw Problem(description: "\(name): the header cell '\(cell)' is not name:type (types: integer, decimal, text, date, boolean)")
            }
            let column = String(cell[..<colon])
            guard types[column] == nil else { throw Problem(description: "\(name): the column '\(column)' appears twice") }
            names.append(column)
            types[column] = type
        }
        let body = names.map { ResultWriter.quote($0, delimiter: ",") }.joined(separator: ",") + "\n" + text[text.index(after: end)...]
        var options = LoadOptions()
        options.delimiter = UInt8(ascii: ",")
        options.decimalSeparator = UInt8(ascii: ".")
        options.encoding = .utf8
        options.header = true
        options.dateFormat = .iso
        options.types = types
        do {
            let bytes = Array(body.utf8)
            var (table, _) = try bytes.withUnsafeBufferPointer { try CSVReader.read(bytes: $0, path: name, options: options) }
            table.rowCount = table.columns.first?.count ?? 0
            return table
        } catch let e as LoadError {
            let at = e.line.map { " (line \($0)\(e.lineText.map { ": \($0)" } ?? ""))" } ?? ""
            throw Problem(description: "\(name): \(e.message)\(at)")
        } catch {
            throw Problem(description: "\(name): \(error)")
        }
    }

    /// The cells of a header line, with `"` quoting.
    static func splitHeader(_ line: String) -> [String] {
        var cells: [String] = [], current = "", quoted = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                cells.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        cells.append(current)
        return cells
    }
}
