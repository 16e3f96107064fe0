/// What the user said about a file in `load … [options]`; nil fields are sniffed.
public struct LoadOptions: Sendable {
    /// The field delimiter (`,` `;` tab `|`), or nil to sniff it.
    public var delimiter: UInt8?
    /// The decimal separator (`,` or `.`), or nil to sniff it per column.
    public var decimalSeparator: UInt8?
    /// The encoding, or nil to detect it.
    public var encoding: TextEncoding?
    /// Whether the first row holds column names, or nil to sniff it.
    public var header: Bool?
    /// Column types that override the sniffed ones, by column name.
    public var types: [String: DataType] = [:]
    /// The date layout, or nil to sniff it per column.
    public var dateFormat: DateFormat?
    /// Hears how far the load has come, from 0 to 1, and how many rows it has found so far when
    /// it knows (for a progress line on long loads).
    public var progress: (@Sendable (_ fraction: Double, _ rows: Int?) -> Void)?
    /// The longest value (in bytes) a file may hold; a longer one is an error naming its line.
    public var maxFieldBytes = LoadOptions.defaultMaxFieldBytes
    /// The memory a load may need, in bytes; nil: what the machine has available.
    public var memoryLimit: UInt64? = nil

    /// The longest line (in bytes) a file may hold.
    public var maxLineBytes = LoadOptions.defaultMaxLineBytes

    /// The longest value by default: 1 MB, far more than any cell an analyst means to load.
    public static let defaultMaxFieldBytes = 1_000_000
    /// The longest line by default: 10 MB.
    public static let defaultMaxLineBytes = 10_000_000

    /// Options that sniff everything.
    public init() {}
}

/// What `load` found out about a file: shown to the user in one line.
public struct LoadReport: Sendable, CustomStringConvertible {
    /// The file read.
    public var path: String
    /// The encoding found or given.
    public var encoding: TextEncoding
    /// The delimiter found or given.
    public var delimiter: UInt8
    /// The decimal separator used by the file's decimal columns (nil when it has none).
    public var decimalSeparator: UInt8?
    /// Whether the first row was taken as the header.
    public var header: Bool
    /// The date layouts of the date columns.
    public var dateFormats: [DateFormat]
    /// Whether lines end in CRLF.
    public var crlf: Bool
    /// The number of data rows.
    public var rows: Int
    /// The number of columns.
    public var columns: Int
    /// Seconds spent reading and parsing.
    public var seconds: Double

    /// The delimiter as users see it.
    public var delimiterName: String {
        switch delimiter {
        case 9: return "tab"
        default: return "'\(Character(Unicode.Scalar(delimiter)))'"
        }
    }

    /// One line: encoding, delimiter, header, decimal separator, dates, line ends.
    public var description: String {
        var parts = [encoding.description, "\(delimiterName)-delimited", header ? "header" : "no header"]
        if let decimalSeparator { parts.append("decimal '\(Character(Unicode.Scalar(decimalSeparator)))'") }
        if !dateFormats.isEmpty { parts.append("dates " + dateFormats.map(\.rawValue).joined(separator: ", ")) }
        parts.append(crlf ? "CRLF" : "LF")
        return parts.joined(separator: ", ")
    }
}

/// A file that could not be loaded, with where and why, so the shell can show the line.
public struct LoadError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, in one sentence.
    public var message: String
    /// The file.
    public var path: String
    /// The 1-based line in the file, when known.
    public var line: Int?
    /// The text of that line (decoded, possibly shortened).
    public var lineText: String?
    /// The characters of `lineText` to underline.
    public var span: Range<Int>?
    /// The 1-based column number and name, when the error is in one field.
    public var column: (number: Int, name: String)?
    /// What the user can do about it.
    public var suggestion: String?

    /// Creates a load error.
    public init(message: String, path: String, line: Int? = nil, lineText: String? = nil, span: Range<Int>? = nil,
                column: (number: Int, name: String)? = nil, suggestion: String? = nil) {
        self.message = message
        self.path = path
        self.line = line
        self.lineText = lineText
        self.span = span
        self.column = column
        self.suggestion = suggestion
    }

    /// The message with its location, on one line.
    public var description: String {
        var s = path
        if let line { s += ":\(line)" }
        if let column { s += " column \(column.number) (\(column.name))" }
        return "\(s): \(message)"
    }
}
