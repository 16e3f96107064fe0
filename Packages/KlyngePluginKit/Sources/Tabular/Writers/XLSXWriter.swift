import Foundation
import ZIPFoundation

/// Writes a table as an Excel workbook (`.xlsx`): one sheet, a bold frozen header row, numbers
/// as numeric cells, dates as dates, text as text — what a coordinator opens without an import
/// dialog. Number formats are Excel's built-in codes, which Danish Excel shows with its own
/// separators (1.234,5 and 31-01-2023).
///
/// The parts are the smallest set Excel, LibreOffice and openpyxl accept (SpreadsheetML, ECMA-376
/// part 1 §18): content types, package and workbook relationships, the workbook, one worksheet
/// with inline strings (no shared-string table), and a style sheet with four cell formats.
public enum XLSXWriter {
    /// The workbook's bytes; `sheet` names the one sheet (cut to Excel's 31 characters).
    ///
    /// A text column of whole numbers with hidden cells (`<5`, `x`: a count after disclosure
    /// control) keeps its numbers as numeric cells, so sums and charts still work on them.
    public static func data(_ table: Table, sheet: String = "klynge") throws -> Data {
        let parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", packageRelationships),
            ("xl/workbook.xml", workbook(sheetName(sheet))),
            ("xl/_rels/workbook.xml.rels", workbookRelationships),
            ("xl/styles.xml", styles),
            ("xl/worksheets/sheet1.xml", worksheet(table)),
        ]
        return try OfficePackage.data(Dictionary(uniqueKeysWithValues: parts.map { ($0.0, Data($0.1.utf8)) }))
    }

    /// Style indices in `styles`: 0 general, 1 bold header, 2 whole numbers, 3 decimals, 4 dates.
    enum Style: Int { case general = 0, header, integer, decimal, date }

    static func sheetName(_ name: String) -> String {
        let cleaned = String(name.map { "[]:*?/\\".contains($0) ? "-" : $0 }.prefix(31))
        return cleaned.isEmpty ? "klynge" : cleaned
    }

    /// A spreadsheet column's letters: 0 → A, 25 → Z, 26 → AA (also the letters packs give practices).
    public static func columnName(_ index: Int) -> String {
        var n = index, out = ""
        repeat {
            out = String(UnicodeScalar(UInt8(65 + n % 26))) + out
            n = n / 26 - 1
        } while n >= 0
        return out
    }

    /// Text safe in an XML document: markup characters escaped, and the control characters XML 1.0
    /// cannot carry dropped (the one XML escape of the Office writers: workbooks and decks).
    public static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                // XML 1.0 cannot carry other control characters at all.
                if u.value >= 0x20 { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    static func textCell(_ ref: String, _ text: String, style: Style = .general) -> String {
        let space = text.first?.isWhitespace == true || text.last?.isWhitespace == true ? " xml:space=\"preserve\"" : ""
        return "<c r=\"\(ref)\" t=\"inlineStr\"\(style == .general ? "" : " s=\"\(style.rawValue)\"")><is><t\(space)>\(escape(text))</t></is></c>"
    }

    /// Whether a text column is a count with hidden cells: whole numbers, `<N` and `x` only, and at least one hidden.
    static func isSuppressedCount(_ column: Column) -> Bool {
        guard column.type == .text else { return false }
        var hidden = false
        for r in 0..<column.count {
            let v = column.value(at: r)
            guard case .text(let s) = v else { continue }
            if s == "x" || (s.hasPrefix("<") && Int(s.dropFirst()) != nil) { hidden = true } else if Int64(s) == nil { return false }
        }
        return hidden
    }

    static func worksheet(_ table: Table) -> String {
        let counts = Set(table.columns.indices.filter { isSuppressedCount(table.columns[$0]) })
        var rows = ""
        rows += "<row r=\"1\">" + table.columns.enumerated().map { textCell("\(columnName($0.offset))1", $0.element.name, style: .header) }.joined() + "</row>"
        for r in 0..<table.rowCount {
            let line = r + 2
            var cells = ""
            for (c, column) in table.columns.enumerated() {
                let ref = "\(columnName(c))\(line)"
                switch column.value(at: r) {
                case .null: continue
                case .integer(let v): cells += "<c r=\"\(ref)\" s=\"\(Style.integer.rawValue)\"><v>\(v)</v></c>"
                case .decimal(let d):
                    // Excel has no NaN or infinity: those stay visible as text.
                    cells += d.isFinite ? "<c r=\"\(ref)\" s=\"\(Style.decimal.rawValue)\"><v>\(NumberFormat.plain(d))</v></c>" : textCell(ref, NumberFormat.plain(d))
                case .date(let days): cells += "<c r=\"\(ref)\" s=\"\(Style.date.rawValue)\"><v>\(Int(days) + 25569)</v></c>"
                case .boolean(let b): cells += "<c r=\"\(ref)\" t=\"b\"><v>\(b ? 1 : 0)</v></c>"
                case .text(let s):
                    if counts.contains(c), let v = Int64(s) { cells += "<c r=\"\(ref)\" s=\"\(Style.integer.rawValue)\"><v>\(v)</v></c>" } else { cells += textCell(ref, s) }
                }
            }
            rows += "<row r=\"\(line)\">\(cells)</row>"
        }
        let widths = table.columns.enumerated().map { c, column -> String in
            var longest = column.name.count
            for r in 0..<min(table.rowCount, 1000) { longest = max(longest, column.value(at: r).description.count) }
            return "<col min=\"\(c + 1)\" max=\"\(c + 1)\" width=\"\(min(60, max(8, longest + 2)))\" customWidth=\"1\"/>"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
            \(widths.isEmpty ? "" : "<cols>\(widths)</cols>")<sheetData>\(rows)</sheetData></worksheet>
            """
    }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        </Types>
        """

    static let packageRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """

    static func workbook(_ sheet: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
        <sheets><sheet name="\(escape(sheet))" sheetId="1" r:id="rId1"/></sheets></workbook>
        """
    }

    static let workbookRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        </Relationships>
        """

    /// Formats: 3 is Excel's built-in `#,##0`; 164 (`#,##0.0###`) and 165 (`dd-mm-yyyy`) are ours.
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="2"><numFmt numFmtId="164" formatCode="#,##0.0###"/><numFmt numFmtId="165" formatCode="dd-mm-yyyy"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
        <xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """
}
