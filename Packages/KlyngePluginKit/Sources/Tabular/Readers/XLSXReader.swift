import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
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
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw LoadError(message: "is not an Excel workbook (.xlsx is a ZIP package; this file is not one)", path: path,
                            suggestion: "an old .xls workbook must be saved as .xlsx or CSV first")
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
        let sheets = XMLElements.collect(workbook, element: "sheet")
        let relations = try part("xl/_rels/workbook.xml.rels").map { XMLElements.collect($0, element: "Relationship") } ?? []
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
        let shared = try part("xl/sharedStrings.xml").map(SharedStrings.parse) ?? []
        let dateStyles = try part("xl/styles.xml").map(DateStyles.parse) ?? []
        let grid = SheetGrid.parse(sheetData, shared: shared, dateStyles: dateStyles)
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
final class XMLElements: NSObject, XMLParserDelegate {
    let element: String
    var found: [[String: String]] = []

    init(element: String) { self.element = element }

    static func collect(_ data: Data, element: String) -> [[String: String]] {
        let delegate = XMLElements(element: element)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        parser.parse()
        return delegate.found
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        if name == element || name.hasSuffix(":" + element) { found.append(attributes) }
    }
}

/// The shared-string table: each `<si>`'s text (rich-text runs joined, phonetic runs left out).
final class SharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current = ""
    var inText = false
    var inPhonetic = false

    static func parse(_ data: Data) -> [String] {
        let delegate = SharedStrings()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        parser.parse()
        return delegate.strings
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch name {
        case "si": current = ""
        case "t": inText = true
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText && !inPhonetic { current += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
}

/// Which cell styles (`s="…"` indices into cellXfs) show numbers as dates.
final class DateStyles: NSObject, XMLParserDelegate {
    var customFormats: [Int: String] = [:]
    var styleFormats: [Int] = []
    var inCellXfs = false

    /// For each cell style index, whether it is a date format.
    static func parse(_ data: Data) -> [Bool] {
        let delegate = DateStyles()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        parser.parse()
        return delegate.styleFormats.map { id in
            if (14...22).contains(id) || (45...47).contains(id) { return true }
            guard let code = delegate.customFormats[id] else { return false }
            // Drop quoted text, escapes and [colour]/[locale] tags before looking for d, m, y.
            let plain = code.replacingOccurrences(of: "\"[^\"]*\"", with: "", options: .regularExpression)
                .replacingOccurrences(of: "\\[[^\\]]*\\]", with: "", options: .regularExpression)
                .replacingOccurrences(of: "\\\\.", with: "", options: .regularExpression).lowercased()
            return plain.contains("d") || plain.contains("y") || (plain.contains("m") && !plain.contains("0"))
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { customFormats[id] = code }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: styleFormats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "cellXfs" { inCellXfs = false }
    }
}

/// A sheet's cells as a rectangular grid of text (empty where there is no cell).
final class SheetGrid: NSObject, XMLParserDelegate {
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

    static func parse(_ data: Data, shared: [String], dateStyles: [Bool]) -> [[String]] {
        let delegate = SheetGrid(shared: shared, dateStyles: dateStyles)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        parser.parse()
        guard let last = delegate.rows.keys.max() else { return [] }
        let width = (delegate.rows.values.compactMap { $0.keys.max() }.max() ?? -1) + 1
        return (0...last).map { r in (0..<width).map { delegate.rows[r]?[$0] ?? "" } }
    }

    /// The zero-based column of a reference such as "AB12".
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var sawLetter = false
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65 && scalar.value <= 90 else { break }
            index = index * 26 + Int(scalar.value - 64)
            sawLetter = true
        }
        return sawLetter ? index - 1 : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
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

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if capturing { value += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
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
            if style < dateStyles.count, dateStyles[style], let serial = Double(value) {
                // Excel's 1900 date system: serial 25569 is 1970-01-01 (its 1900 leap-year bug
                // only shifts dates before March 1900).
                let days = Int32((serial - 25569).rounded(.down))
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
