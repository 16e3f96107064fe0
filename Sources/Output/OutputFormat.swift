/// How results are printed or written.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// An aligned terminal table.
    case table
    /// RFC 4180 CSV: `,`, decimal point, ISO dates, UTF-8 without BOM.
    case csv
    /// Danish Excel's CSV: `;`, decimal comma, dd-mm-yyyy dates, UTF-8 with BOM, CRLF.
    case excel
    /// A JSON array of objects.
    case json
    /// A Markdown (GitHub) table.
    case markdown

    /// Parses a format name as users write it.
    public init?(userName: String) {
        switch userName.lowercased() {
        case "table", "box": self = .table
        case "csv": self = .csv
        case "excel", "csv-dk", "danish", "excel-csv": self = .excel
        case "json": self = .json
        case "markdown", "md": self = .markdown
        default: return nil
        }
    }
}
