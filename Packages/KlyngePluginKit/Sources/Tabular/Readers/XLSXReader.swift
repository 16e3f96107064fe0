import Foundation
import ZIPFoundation

/// Reads one sheet of an Excel workbook (`.xlsx`) into a table.
///
/// The package is opened with ZIPFoundation; the workbook, relationships, shared strings, styles
/// and the sheet are read with Foundation's XML parser. Cells become text (shared and inline
/// strings, numbers as written, dates — numbers with a date format — as ISO dates, booleans),
/// and the grid then goes through the same type inference as a CSV file, so a column is typed the
/// same way whichever format it came in.
public enum XLSXReader {
    /// What was read: the table, the sheet, and the workbook's sheets.
    public struct Result {
        /// The sheet as a table.
        public var table: Table
        /// The sheet that was read.
        public var sheet: String
        /// All sheets of the workbook, in order.
        public var sheets: [String]
    }

    /// The most bytes one part of a workbook may unpack to (a sheet of a million rows is far less).
    public static let maxPartBytes: UInt64 = 1_000_000_000
    /// The most a part may grow on unpacking when it is large (ordinary sheets compress 5–20 times).
    public static let maxRatio: UInt64 = 200

    /// Reads the named sheet (the first when nil).
    public static func read(path: String, sheet wanted: String? = nil, options: LoadOptions = LoadOptions()) throws -> Result {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else {
            throw LoadError(message: "no such file", path: path, suggestion: "check the path and the folder klynge was started in")
        }
        do {
            try ZIPDirectory.check(path: path)
        } catch {
            throw LoadError(message: "the workbook is damaged: \(error)", path: path, suggestion: "open it in Excel and save it again, or export the sheet as CSV")
        }
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw LoadError(message: "is not an Excel workbook (.xlsx is a ZIP package; this file is not one)", path: path,
                            suggestion: "an old .xls workbook must be saved as .xlsx or CSV first")
        }
        // Measured: a 200,000-row workbook whose parts unpack to 43.7 MB peaks at 151 MB more than
        // an empty run (release build, `/usr/bin/time -v klynge -c 'load b "b200k.xlsx"'`): 3.5 times.
        let fileSize = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.uint64Value ?? 0
        // Sizes come from the file, so they may be anything: added without overflowing.
        var unpacked: UInt64 = 0
        for entry in archive {
            let (sum, overflow) = unpacked.addingReportingOverflow(entry.uncompressedSize)
            unpacked = overflow ? .max : sum
        }
        let needed = unpacked > UInt64.max / 4 ? UInt64.max : unpacked * 4
        // Deflate cannot shrink data more than about 1032 times: a package claiming more is damaged.
        if fileSize > 0, unpacked / fileSize > 1100 {
            throw LoadError(message: "the workbook is damaged: its parts claim to unpack to \(unpacked) bytes from a file of \(fileSize)", path: path,
                            suggestion: "open it in Excel and save it again, or export the sheet as CSV")
        }
        if let available = options.memoryLimit ?? CSVReader.availableMemory(), needed > available {
            throw LoadError(message: "unpacks to \(unpacked / 1_000_000) MB; loading it would need about \(needed / 1_000_000) MB of memory, and \(available / 1_000_000) MB \(options.memoryLimit == nil ? "are free" : "are allowed (set max_memory)")",
                            path: path, suggestion: "export the sheet you need as CSV, or fewer rows, and load that")
        }
        func part(_ name: String) throws -> Data? {
            guard let entry = archive[name] else { return nil }
            // A ZIP bomb (a few kilobytes that unpack to gigabytes) is refused by the sizes the
            // package declares, and again while unpacking, should the declaration lie.
            let limit = Self.maxPartBytes
            if entry.uncompressedSize > limit || (entry.compressedSize > 0 && entry.uncompressedSize / entry.compressedSize > Self.maxRatio && entry.uncompressedSize > 10_000_000) {
                throw LoadError(message: "the workbook's part \(name) unpacks to \(entry.uncompressedSize / 1_000_000) MB from \(entry.compressedSize / 1000) kB: refused as a ZIP bomb (at most \(limit / 1_000_000) MB, ratio \(Self.maxRatio))",
                                path: path, suggestion: "export the sheet as CSV from Excel and load that")
            }
            var data = Data()
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                data.append(chunk)
                if data.count > limit { throw LoadError(message: "the workbook's part \(name) unpacks to more than \(limit / 1_000_000) MB: refused", path: path) }
            }
            return data
        }
        guard let workbook = try part("xl/workbook.xml") else {
            throw LoadError(message: "has no xl/workbook.xml: not an Excel workbook", path: path)
        }
        func xml<T>(_ part: String, _ read: () throws(XMLScanner.Problem) -> T) throws -> T {
            do { return try read() } catch {
                throw LoadError(message: "the workbook is damaged: its part \(part) is not well-formed XML: \(error)", path: path,
                                suggestion: "open it in Excel and save it again, or export the sheet as CSV")
            }
        }
        let sheets = try xml("xl/workbook.xml") { () throws(XMLScanner.Problem) in try XMLElements.collect(workbook, element: "sheet") }
        let relations = try part("xl/_rels/workbook.xml.rels").map { data in
            try xml("xl/_rels/workbook.xml.rels") { () throws(XMLScanner.Problem) in try XMLElements.collect(data, element: "Relationship") }
        } ?? []
        let names = sheets.compactMap { $0["name"] }
        guard !sheets.isEmpty else { throw LoadError(message: "the workbook has no sheets", path: path) }
        let chosen: [String: String]
        if let wanted {
            guard let match = sheets.first(where: { $0["name"] == wanted }) ?? sheets.first(where: { $0["name"]?.lowercased() == wanted.lowercased() }) else {
                let near = Suggest.nearest(wanted, in: names).map { "did you mean \"\($0)\"? " } ?? ""
                throw LoadError(message: "the workbook has no sheet \"\(wanted)\"", path: path,
                                suggestion: near + "its sheets are: " + names.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            chosen = match
        } else {
            chosen = sheets[0]
        }
        let relation = chosen["r:id"] ?? chosen["id"] ?? ""
        var target = relations.first { $0["Id"] == relation }?["Target"] ?? "worksheets/sheet1.xml"
        if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
        guard let sheetData = try part(target) else { throw LoadError(message: "the sheet's part \(target) is missing", path: path) }
        let shared = try part("xl/sharedStrings.xml").map { data in try xml("xl/sharedStrings.xml") { () throws(XMLScanner.Problem) in try SharedStrings.parse(data) } } ?? []
        let dateStyles = try part("xl/styles.xml").map { data in try xml("xl/styles.xml") { () throws(XMLScanner.Problem) in try DateStyles.parse(data) } } ?? []
        let grid = try xml(target) { () throws(XMLScanner.Problem) in try SheetGrid.parse(sheetData, shared: shared, dateStyles: dateStyles) }
        var csv = ""
        for row in grid {
            csv += row.map { cell in
                cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")
                    ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }.joined(separator: ",") + "\n"
        }
        var csvOptions = options
        csvOptions.delimiter = 44
        csvOptions.encoding = .utf8
        csvOptions.decimalSeparator = 46
        let bytes = Array(csv.utf8)
        let name = chosen["name"] ?? "sheet"
        let (table, _) = try bytes.withUnsafeBufferPointer { try CSVReader.read(bytes: $0, path: "\(path) [\(name)]", options: csvOptions) }
        return Result(table: table, sheet: name, sheets: names)
    }
}

/// Collects the attributes of every element with a given name.
enum XMLElements {
    static func collect(_ data: Data, element: String) throws(XMLScanner.Problem) -> [[String: String]] {
        var found: [[String: String]] = []
        try XMLScanner.scan(data) { event in
            if case .start(let name, let attributes) = event, name == element { found.append(attributes) }
        }
        return found
    }
}

/// The shared-string table: each `<si>`'s text (rich-text runs joined, phonetic runs left out).
enum SharedStrings {
    static func parse(_ data: Data) throws(XMLScanner.Problem) -> [String] {
        var strings: [String] = []
        var current = "", inText = false, inPhonetic = false
        try XMLScanner.scan(data) { event in
            switch event {
            case .start("si", _): current = ""
            case .start("t", _): inText = true
            case .start("rPh", _): inPhonetic = true
            case .text(let s): if inText && !inPhonetic { current += s }
            case .end("si"): strings.append(current)
            case .end("t"): inText = false
            case .end("rPh"): inPhonetic = false
            default: break
            }
        }
        return strings
    }
}

/// Which cell styles (`s="…"` indices into cellXfs) show numbers as dates.
enum DateStyles {
    /// For each cell style index, whether it is a date format.
    static func parse(_ data: Data) throws(XMLScanner.Problem) -> [Bool] {
        var customFormats: [Int: String] = [:]
        var styleFormats: [Int] = []
        var inCellXfs = false
        try XMLScanner.scan(data) { event in
            switch event {
            case .start("numFmt", let attributes):
                if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { customFormats[id] = code }
            case .start("cellXfs", _): inCellXfs = true
            case .start("xf", let attributes) where inCellXfs: styleFormats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
            case .end("cellXfs"): inCellXfs = false
            default: break
            }
        }
        return styleFormats.map { id in
            if (14...22).contains(id) || (45...47).contains(id) { return true }
            guard let code = customFormats[id] else { return false }
            // Drop quoted text, escapes and [colour]/[locale] tags before looking for d, m, y.
            let plain = code.replacingOccurrences(of: "\"[^\"]*\"", with: "", options: .regularExpression)
                .replacingOccurrences(of: "\\[[^\\]]*\\]", with: "", options: .regularExpression)
                .replacingOccurrences(of: "\\\\.", with: "", options: .regularExpression).lowercased()
            return plain.contains("d") || plain.contains("y") || (plain.contains("m") && !plain.contains("0"))
        }
    }
}

/// A sheet's cells as a rectangular grid of text (empty where there is no cell).
final class SheetGrid {
    /// Excel's own limits: a reference beyond them comes from a damaged workbook.
    static let maxRows = 1_048_576, maxColumns = 16_384
    let shared: [String]
    let dateStyles: [Bool]
    var rows: [Int: [Int: String]] = [:]
    var row = 0
    var column = 0
    var type = ""
    var style = 0
    var value = ""
    var capturing = false
    var nextColumn = 0

    init(shared: [String], dateStyles: [Bool]) {
        self.shared = shared
        self.dateStyles = dateStyles
    }

    static func parse(_ data: Data, shared: [String], dateStyles: [Bool]) throws(XMLScanner.Problem) -> [[String]] {
        let grid = SheetGrid(shared: shared, dateStyles: dateStyles)
        var outside: XMLScanner.Problem? = nil
        try XMLScanner.scan(data) { event in
            guard outside == nil else { return }
            switch event {
            case .start(let name, let attributes): grid.start(name, attributes)
            case .text(let s): if grid.capturing { grid.value += s }
            case .end(let name): grid.end(name)
            }
            if grid.row >= maxRows || grid.row < 0 || grid.column >= maxColumns || grid.column < 0 {
                outside = XMLScanner.Problem(message: "a cell lies beyond Excel's \(maxRows) rows or \(maxColumns) columns", offset: 0)
            }
        }
        if let outside { throw outside }
        guard let last = grid.rows.keys.max() else { return [] }
        let width = (grid.rows.values.compactMap { $0.keys.max() }.max() ?? -1) + 1
        return (0...last).map { r in (0..<width).map { grid.rows[r]?[$0] ?? "" } }
    }

    /// The zero-based column of a reference such as "AB12".
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var sawLetter = false
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65 && scalar.value <= 90 else { break }
            index = index * 26 + Int(scalar.value - 64)
            sawLetter = true
            if index > maxColumns { return maxColumns }   // beyond XFD: reported as outside the sheet
        }
        return sawLetter ? index - 1 : nil
    }

    func start(_ name: String, _ attributes: [String: String]) {
        switch name {
        case "row":
            row = (attributes["r"].flatMap(Int.init) ?? (row + 1)) - 1
            nextColumn = 0
        case "c":
            column = attributes["r"].flatMap(SheetGrid.columnIndex) ?? nextColumn
            nextColumn = column + 1
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap(Int.init) ?? 0
            value = ""
        case "v", "t":
            capturing = true
        default: break
        }
    }

    func end(_ name: String) {
        switch name {
        case "v", "t": capturing = false
        case "c": rows[row, default: [:]][column] = text()
        default: break
        }
    }

    /// The current cell as text.
    func text() -> String {
        switch type {
        case "s": return Int(value).flatMap { $0 < shared.count ? shared[$0] : nil } ?? ""
        case "b": return value == "1" ? "true" : "false"
        case "e": return ""
        case "str", "inlineStr": return value
        default:
            if style >= 0, style < dateStyles.count, dateStyles[style], let serial = Double(value),
               let days = Int32(exactly: (serial - 25569).rounded(.down)), abs(days) < 3_000_000 {
                // Excel's 1900 date system: serial 25569 is 1970-01-01 (its 1900 leap-year bug
                // only shifts dates before March 1900). A serial beyond any date stays a number.
                return CivilDate(daysSinceEpoch: days).iso
            }
            return value
        }
    }
}

/// Cell references as users and tests see them.
public enum SheetGridReference {
    /// The zero-based column of a cell reference such as "AB12".
    public static func column(_ reference: String) -> Int? { SheetGrid.columnIndex(reference) }
}
