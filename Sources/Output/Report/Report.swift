import Foundation
import Tabular

/// A notebook's report, ready to write as Markdown or as one self-contained HTML page: the title,
/// the parameters and the run date, the prose, each cell's code and what it showed.
///
/// Tables and charts in it have already passed disclosure control (the session applies it as
/// for `export`); the report states that control in its header.
public struct Report: Sendable {
    /// A parameter as the report lists it.
    public struct Parameter: Sendable {
        /// The name cells use after `$`.
        public var name: String
        /// The value of this run.
        public var value: String
        /// One sentence on what it is.
        public var description: String
        /// Creates a parameter row.
        public init(name: String, value: String, description: String) {
            (self.name, self.value, self.description) = (name, value, description)
        }
    }

    /// Something a cell showed.
    public enum Item: Sendable {
        /// A result table (cut to the report's `maxRows` when written).
        case table(Table)
        /// A chart: its SVG, the file (relative to the report's folder) it is kept in, and its data.
        case chart(DrawnChart)
        /// Text that is itself the answer (help, a schema).
        case text(String)
        /// A remark on the result before it (what disclosure control hid).
        case note(String)
        /// A warning the cell gave.
        case warning(String)
        /// An error the cell stopped with, rendered with its line and caret.
        case error(String)
    }

    /// One cell: its number, its code as run, what it showed, and whether it was skipped.
    public struct Cell: Sendable {
        /// 1-based position among the notebook's cells.
        public var number: Int
        /// The code, with the parameters put in.
        public var code: String
        /// What it showed.
        public var items: [Item]
        /// Why it did not run (its `if` parameter unset, or an earlier cell failed), or nil.
        public var skipped: String?
        /// Creates a cell.
        public init(number: Int, code: String, items: [Item], skipped: String? = nil) {
            (self.number, self.code, self.items, self.skipped) = (number, code, items, skipped)
        }
    }

    /// A part of the report, in the notebook's order.
    public enum Block: Sendable {
        /// Markdown prose, parameters put in.
        case prose(String)
        /// A cell.
        case cell(Cell)
    }

    /// The title, parameters put in.
    public var title: String
    /// The notebook's file name.
    public var notebook: String
    /// When it ran, as people read it.
    public var runDate: String
    /// The parameters of this run.
    public var parameters: [Parameter]
    /// Prose and cells.
    public var blocks: [Block]
    /// The language of the report's own words.
    public var language: ChartLanguage
    /// The most rows a table shows.
    public var maxRows: Int
    /// The disclosure-control threshold (counts below it hidden); nil: control was off.
    public var threshold: Int?
    /// Whether a cell failed.
    public var failed: Bool

    /// Creates a report.
    public init(title: String, notebook: String, runDate: String, parameters: [Parameter], blocks: [Block],
                language: ChartLanguage, maxRows: Int, threshold: Int?, failed: Bool) {
        self.title = title
        self.notebook = notebook
        self.runDate = runDate
        self.parameters = parameters
        self.blocks = blocks
        self.language = language
        self.maxRows = maxRows
        self.threshold = threshold
        self.failed = failed
    }

    /// The charts of the report, in order, with the files they are kept in.
    public var charts: [(svg: String, path: String)] {
        blocks.flatMap { block -> [(svg: String, path: String)] in
            guard case .cell(let cell) = block else { return [] }
            return cell.items.compactMap { if case .chart(let c) = $0 { return (c.svg, c.path) } else { return nil } }
        }
    }

    /// A word of the report in its language.
    func word(_ key: String) -> String {
        let danish: [String: String] = [
            "parameters": "Parametre", "parameter": "Parameter", "value": "Værdi", "description": "Beskrivelse",
            "notebook": "Notesbog", "run": "Kørt", "code": "Kode", "cell": "Celle", "skipped": "Ikke kørt",
            "failed": "Rapporten er ufuldstændig: en celle fejlede",
            "disclosure": "Diskretionering", "rows": "Viser de første %d af %@ rækker.",
        ]
        let english: [String: String] = [
            "parameters": "Parameters", "parameter": "Parameter", "value": "Value", "description": "Description",
            "notebook": "Notebook", "run": "Run", "code": "Code", "cell": "Cell", "skipped": "Not run",
            "failed": "This report is incomplete: a cell failed",
            "disclosure": "Disclosure control", "rows": "Showing the first %d of %@ rows.",
        ]
        return (language == .danish ? danish : english)[key] ?? key
    }

    /// The sentence on disclosure control every report carries.
    public var disclosureSentence: String {
        guard let threshold else {
            return language == .danish
                ? "Diskretionering var slået FRA (set suppress off): små tal vises. Rapporten må ikke forlade denne maskine."
                : "Disclosure control was OFF (set suppress off): small counts are shown. This report must not leave this machine."
        }
        return language == .danish
            ? "Tal fra 1 til \(threshold - 1) vises som <\(threshold) i alle tabeller og figurer, og de tal der kunne afsløre dem er også skjult (x); kolonner der identificerer patienter vises ikke."
            : "Counts of 1–\(threshold - 1) are shown as <\(threshold) in every table and chart, and the cells that would reveal them are hidden too (x); columns that identify patients are not shown."
    }

    /// The rows a table shows in the report, and the note when it was cut.
    func shown(_ table: Table) -> (Table, String?) {
        guard table.rowCount > maxRows else { return (table, nil) }
        let note = String(format: word("rows"), maxRows, NumberFormat.grouped(table.rowCount) as NSString)
        return (table.gather(Array(0..<maxRows)), note)
    }

    /// A file name for a value of `--each` (`Køge 1` → `koege-1`): ASCII letters, digits and dashes.
    public static func slug(_ value: String) -> String {
        let spelled = value.lowercased().replacingOccurrences(of: "æ", with: "ae").replacingOccurrences(of: "ø", with: "oe")
            .replacingOccurrences(of: "å", with: "aa")
        var out = ""
        for c in spelled.folding(options: .diacriticInsensitive, locale: nil) {
            if c.isASCII && (c.isLetter || c.isNumber) { out.append(c) } else if out.last != "-" { out.append("-") }
        }
        let trimmed = out.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? "value" : trimmed
    }
}
