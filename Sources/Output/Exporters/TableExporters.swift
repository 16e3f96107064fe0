import Foundation
import PluginKit
import Tabular

/// The built-in formats of `export`: a table written whole to one file, atomically.
public enum TableExporters {
    /// csv, excel (Danish-Excel CSV), json, markdown and table (plain text), in the order an
    /// extension is matched: `.csv` means csv unless `as excel` says otherwise.
    public static let all: [Exporter] = [
        exporter(.csv, extensions: ["csv"], summary: "RFC 4180 CSV: comma, decimal point, ISO dates, UTF-8."),
        exporter(.excel, aliases: ["csv-dk", "danish", "excel-csv"], extensions: ["csv"],
                 summary: "Danish Excel's CSV: semicolon, decimal comma, dd-mm-yyyy, UTF-8 with BOM, CRLF."),
        exporter(.json, extensions: ["json"], summary: "A JSON array of objects."),
        exporter(.markdown, aliases: ["md"], extensions: ["md", "markdown"], summary: "A Markdown table with the disclosure-control note under it."),
        exporter(.table, aliases: ["box", "text", "txt"], extensions: ["txt"], summary: "An aligned plain-text table."),
        workbook,
    ]

    /// An Excel workbook: typed numeric cells, dates as dates, a bold frozen header row.
    static let workbook = Exporter(name: "xlsx", aliases: ["workbook"], sink: .export, extensions: ["xlsx"],
                                   usage: "export PIPELINE to \"x.xlsx\"",
                                   summary: "An Excel workbook: numbers as numbers, dates as dates, a bold frozen header row; Danish Excel shows its own separators.") { table, request, context throws(StageError) in
        let name = ((request.path as NSString).lastPathComponent as NSString).deletingPathExtension
        let bytes: Data
        do {
            bytes = try XLSXWriter.data(table, sheet: name)
            try ResultWriter.writeAtomically(bytes, to: context.path)
        } catch {
            throw StageError("cannot write \(request.path): \(error.localizedDescription)", argument: "path")
        }
        return "wrote \(table.rowCount) rows to \(request.path) (Excel workbook); \(context.disclosure)"
    }

    static func exporter(_ format: OutputFormat, aliases: [String] = [], extensions: [String], summary: String) -> Exporter {
        Exporter(name: format.rawValue, aliases: aliases, sink: .export, extensions: extensions,
                 usage: "export PIPELINE to \"x.\(extensions[0])\"\(format == .csv ? "" : " as \(format.rawValue)")", summary: summary) { table, request, context throws(StageError) in
            var text = ResultWriter.text(table, format: format)
            if format == .markdown { text += "\n" + context.disclosure + "\n" }
            try write(text, to: context.path, as: request.path)
            return "wrote \(table.rowCount) rows to \(request.path) (\(format.rawValue)); \(context.disclosure)"
        }
    }

    /// Writes text atomically, or says why it could not as an error at the path.
    public static func write(_ text: String, to path: String, as typed: String) throws(StageError) {
        try write(Data(text.utf8), to: path, as: typed)
    }

    /// Writes bytes atomically, as a sink error naming the path as the user typed it.
    public static func write(_ bytes: Data, to path: String, as typed: String) throws(StageError) {
        do {
            try ResultWriter.writeAtomically(bytes, to: path)
        } catch {
            throw StageError("cannot write \(typed): \(error.localizedDescription)", argument: "path")
        }
    }
}
