import Foundation
import PluginKit
import Tabular

/// Puts a deck's parts into one `.pptx` package (Open Packaging Conventions): the template's design
/// parts, a slide part per slide, a chart part and its embedded workbook per chart, the
/// presentation's slide list and relationships, content types for every part, and document
/// properties. `OfficePackage` writes the entries in a fixed order at a fixed time, so the same
/// deck is the same bytes.
struct DeckPackage {
    let template: DeckTemplate
    let deck: Deck

    static let relationshipType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    static let namespaces = BuiltInDeckTemplate.namespaces
    static let header = BuiltInDeckTemplate.header

    /// The content type of a part klynge writes or the built-in template has.
    static func contentType(of path: String) -> String {
        let presentationML = "application/vnd.openxmlformats-officedocument.presentationml."
        switch path {
        case "ppt/presentation.xml": return presentationML + "presentation.main+xml"
        case "ppt/presProps.xml": return presentationML + "presProps+xml"
        case "ppt/viewProps.xml": return presentationML + "viewProps+xml"
        case "ppt/tableStyles.xml": return presentationML + "tableStyles+xml"
        case "docProps/core.xml": return "application/vnd.openxmlformats-package.core-properties+xml"
        case "docProps/app.xml": return "application/vnd.openxmlformats-officedocument.extended-properties+xml"
        default:
            if path.hasPrefix("ppt/slides/") { return presentationML + "slide+xml" }
            if path.hasPrefix("ppt/slideLayouts/") { return presentationML + "slideLayout+xml" }
            if path.hasPrefix("ppt/slideMasters/") { return presentationML + "slideMaster+xml" }
            if path.hasPrefix("ppt/theme/") { return "application/vnd.openxmlformats-officedocument.theme+xml" }
            if path.hasPrefix("ppt/charts/") { return "application/vnd.openxmlformats-officedocument.drawingml.chart+xml" }
            return "application/xml"
        }
    }

    /// The package's bytes.
    func data() throws(StageError) -> Data {
        var parts = template.parts
        var overrides = template.overrides
        var slideIds: [(String, Int)] = []
        var relationships = template.relationships
        // Relationship ids the template did not use.
        let used = Set(relationships.map(\.id))
        var next = 1
        func freshId() -> String {
            while used.contains("rId\(next)") { next += 1 }
            defer { next += 1 }
            return "rId\(next)"
        }
        var charts = 0
        for (i, slide) in deck.slides.enumerated() {
            let n = i + 1
            let path = "ppt/slides/slide\(n).xml"
            var rels: [(String, String, String)] = []
            let (layout, xml): (String, String)
            switch slide {
            case .title(let title, let lines):
                layout = template.layout(["title"])
                xml = titleSlide(title, lines, layout: layout, note: deck.disclosure)
            case .section(let title):
                layout = template.layout(["secHead", "title", "titleOnly"])
                xml = sectionSlide(title, layout: layout)
            case .chart(let title, let table, let spec, let notes):
                layout = template.layout(["titleOnly", "obj", "tx"])
                charts += 1
                let chart = DeckChart(table, spec)
                let workbook: Data
                do { workbook = try XLSXWriter.data(chart.sheet, sheet: DeckChart.sheetName) } catch { throw StageError("the chart's workbook could not be made: \(error)") }
                parts["ppt/charts/chart\(charts).xml"] = Data(chart.xml.utf8)
                overrides["ppt/charts/chart\(charts).xml"] = Self.contentType(of: "ppt/charts/chart\(charts).xml")
                parts["ppt/embeddings/Microsoft_Excel_Worksheet\(charts).xlsx"] = workbook
                parts["ppt/charts/_rels/chart\(charts).xml.rels"] = Data(BuiltInDeckTemplate.relationships([
                    ("rId1", "package", "../embeddings/Microsoft_Excel_Worksheet\(charts).xlsx")]).utf8)
                rels.append(("rId2", "chart", "../charts/chart\(charts).xml"))
                xml = chartSlide(title, notes: notes, layout: layout)
            case .table(let title, let table, let notes):
                layout = template.layout(["titleOnly", "obj", "tx"])
                xml = tableSlide(title, table, notes: notes, layout: layout)
            }
            rels.insert(("rId1", "slideLayout", "../slideLayouts/" + (layout as NSString).lastPathComponent), at: 0)
            parts[path] = Data(xml.utf8)
            overrides[path] = Self.contentType(of: path)
            parts["ppt/slides/_rels/slide\(n).xml.rels"] = Data(BuiltInDeckTemplate.relationships(rels).utf8)
            let id = freshId()
            relationships.append((id, Self.relationshipType + "slide", "slides/slide\(n).xml"))
            slideIds.append((id, 255 + n))
        }
        parts["ppt/presentation.xml"] = Data(presentation(slideIds).utf8)
        overrides["ppt/presentation.xml"] = Self.contentType(of: "ppt/presentation.xml")
        parts["ppt/_rels/presentation.xml.rels"] = Data((Self.header + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + relationships.map { #"<Relationship Id="\#($0.id)" Type="\#($0.type)" Target="\#($0.target)"/>"# }.joined() + "</Relationships>").utf8)
        parts["docProps/core.xml"] = Data((Self.header + #"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">"#
            + "<dc:title>\(XLSXWriter.escape(deck.title))</dc:title><dc:creator>klynge</dc:creator></cp:coreProperties>").utf8)
        parts["docProps/app.xml"] = Data((Self.header + #"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>klynge</Application>"#
            + "<Slides>\(deck.slides.count)</Slides></Properties>").utf8)
        overrides["docProps/core.xml"] = Self.contentType(of: "docProps/core.xml")
        overrides["docProps/app.xml"] = Self.contentType(of: "docProps/app.xml")
        parts["_rels/.rels"] = Data(BuiltInDeckTemplate.relationships([("rId1", "officeDocument", "ppt/presentation.xml")])
            .replacingOccurrences(of: "</Relationships>", with:
                #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#
                + #"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#).utf8)
        var defaults = template.defaults
        defaults["rels"] = "application/vnd.openxmlformats-package.relationships+xml"
        defaults["xml"] = "application/xml"
        defaults["xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        parts["[Content_Types].xml"] = Data((Self.header + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + defaults.sorted { $0.key < $1.key }.map { #"<Default Extension="\#($0.key)" ContentType="\#($0.value)"/>"# }.joined()
            + overrides.filter { parts[$0.key] != nil }.sorted { $0.key < $1.key }.map { #"<Override PartName="/\#($0.key)" ContentType="\#($0.value)"/>"# }.joined()
            + "</Types>").utf8)
        return try zip(parts)
    }

    /// The template's presentation part with this deck's slide list.
    func presentation(_ slides: [(String, Int)]) -> String {
        var xml = template.presentation
        if let start = xml.range(of: "<p:sldIdLst") {
            let end = xml.range(of: "</p:sldIdLst>", range: start.upperBound..<xml.endIndex)?.upperBound
                ?? xml.range(of: "/>", range: start.upperBound..<xml.endIndex)!.upperBound
            xml.removeSubrange(start.lowerBound..<end)
        }
        let list = "<p:sldIdLst>" + slides.map { "<p:sldId id=\"\($0.1)\" r:id=\"\($0.0)\"/>" }.joined() + "</p:sldIdLst>"
        // In the schema's order: after the master lists (slide masters, notes master, handout master).
        var anchor = xml.range(of: "</p:sldMasterIdLst>")!.upperBound
        for later in ["</p:notesMasterIdLst>", "</p:handoutMasterIdLst>"] {
            if let r = xml.range(of: later) { anchor = r.upperBound }
        }
        xml.insert(contentsOf: list, at: anchor)
        // A template without the relationships namespace on its root would make r:id unbound.
        if !xml.contains("xmlns:r=") { xml = xml.replacingOccurrences(of: "<p:presentation ", with: "<p:presentation xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" ") }
        return xml
    }

    /// The package as a ZIP with entries in a fixed order and time.
    func zip(_ parts: [String: Data]) throws(StageError) -> Data {
        do {
            return try OfficePackage.data(parts)
        } catch {
            throw StageError("the deck could not be packed: \(error)")
        }
    }

    // MARK: slides

    var width: Int { template.width }
    var height: Int { template.height }

    func hasPlaceholder(_ type: String, in layout: String) -> Bool {
        guard let data = template.parts[layout] else { return false }
        return String(decoding: data, as: UTF8.self).contains("type=\"\(type)\"")
    }

    func slide(_ shapes: String) -> String {
        Self.header + "<p:sld \(Self.namespaces)><p:cSld><p:spTree>\(BuiltInDeckTemplate.groupProperties)\(shapes)</p:spTree></p:cSld>"
            + "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"
    }

    static func paragraphs(_ lines: [String], size: Int? = nil, colour: String? = nil) -> String {
        let props = (size.map { " sz=\"\($0)\"" } ?? "")
        let fill = colour.map { "<a:solidFill><a:srgbClr val=\"\($0)\"/></a:solidFill>" } ?? ""
        return lines.map { line in
            "<a:p><a:r><a:rPr lang=\"da-DK\"\(props) dirty=\"0\">\(fill)</a:rPr><a:t>\(XLSXWriter.escape(line))</a:t></a:r></a:p>"
        }.joined()
    }

    /// A placeholder filled with text: placed by the layout when it has one of that type, else at the given place.
    func placeholderShape(id: Int, type: String, idx: Int? = nil, layout: String, text: [String], x: Int, y: Int, cx: Int, cy: Int, size: Int? = nil) -> String {
        let placed = hasPlaceholder(type, in: layout)
        let ph = "<p:ph type=\"\(type)\"" + (idx.map { " idx=\"\($0)\"" } ?? "") + "/>"
        let frame = placed ? "<p:spPr/>" : "<p:spPr><a:xfrm><a:off x=\"\(x)\" y=\"\(y)\"/><a:ext cx=\"\(cx)\" cy=\"\(cy)\"/></a:xfrm></p:spPr>"
        return "<p:sp><p:nvSpPr><p:cNvPr id=\"\(id)\" name=\"\(type) \(id)\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr>\(ph)</p:nvPr></p:nvSpPr>"
            + frame + "<p:txBody><a:bodyPr><a:normAutofit/></a:bodyPr><a:lstStyle/>\(Self.paragraphs(text.isEmpty ? [""] : text, size: placed ? nil : size))</p:txBody></p:sp>"
    }

    func titleShape(_ title: String, layout: String) -> String {
        placeholderShape(id: 2, type: "title", layout: layout, text: [title], x: width / 20, y: height / 30, cx: width * 9 / 10, cy: height / 8, size: 2800)
    }

    func textBox(id: Int, _ lines: [String], x: Int, y: Int, cx: Int, cy: Int, size: Int) -> String {
        "<p:sp><p:nvSpPr><p:cNvPr id=\"\(id)\" name=\"Tekst \(id)\"/><p:cNvSpPr txBox=\"1\"/><p:nvPr/></p:nvSpPr>"
            + "<p:spPr><a:xfrm><a:off x=\"\(x)\" y=\"\(y)\"/><a:ext cx=\"\(cx)\" cy=\"\(cy)\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/></p:spPr>"
            + "<p:txBody><a:bodyPr wrap=\"square\" lIns=\"0\" rIns=\"0\"><a:normAutofit/></a:bodyPr><a:lstStyle/>\(Self.paragraphs(lines.isEmpty ? [""] : lines, size: size, colour: "555555"))</p:txBody></p:sp>"
    }

    func titleSlide(_ title: String, _ lines: [String], layout: String, note: String?) -> String {
        let main = hasPlaceholder("ctrTitle", in: layout) ? "ctrTitle" : "title"
        let n = notesFrame
        return slide(placeholderShape(id: 2, type: main, layout: layout, text: [title], x: width / 8, y: height / 6, cx: width * 3 / 4, cy: height / 3, size: 4000)
                     + placeholderShape(id: 3, type: "subTitle", idx: 1, layout: layout, text: lines, x: width / 8, y: height * 11 / 20, cx: width * 3 / 4, cy: height / 4, size: 1400)
                     + (note.map { textBox(id: 5, [$0], x: n.x, y: n.y, cx: n.cx, cy: n.cy, size: 1000) } ?? ""))
    }

    func sectionSlide(_ title: String, layout: String) -> String {
        slide(placeholderShape(id: 2, type: "title", layout: layout, text: [title], x: width / 12, y: height / 3, cx: width * 5 / 6, cy: height / 4, size: 3600))
    }

    /// The frame below the title where a chart or table goes, and the notes under it.
    var body: (x: Int, y: Int, cx: Int, cy: Int) { (width / 20, height * 17 / 100, width * 9 / 10, height * 64 / 100) }
    var notesFrame: (x: Int, y: Int, cx: Int, cy: Int) { (width / 20, height * 83 / 100, width * 9 / 10, height * 15 / 100) }

    func chartSlide(_ title: String, notes: [String], layout: String) -> String {
        let b = body, n = notesFrame
        let frame = "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"4\" name=\"Diagram 3\"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr>"
            + "<p:xfrm><a:off x=\"\(b.x)\" y=\"\(b.y)\"/><a:ext cx=\"\(b.cx)\" cy=\"\(b.cy)\"/></p:xfrm>"
            + "<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/chart\">"
            + "<c:chart xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" r:id=\"rId2\"/></a:graphicData></a:graphic></p:graphicFrame>"
        return slide(titleShape(title, layout: layout) + frame + textBox(id: 5, notes, x: n.x, y: n.y, cx: n.cx, cy: n.cy, size: 1000))
    }

    func tableSlide(_ title: String, _ table: Table, notes: [String], layout: String) -> String {
        let b = body, n = notesFrame
        let rows = min(table.rowCount, Deck.tableRows)
        var notes = notes
        if rows < table.rowCount {
            notes.insert(deck.language == .danish ? "Viser de første \(rows) af \(NumberFormat.grouped(table.rowCount)) rækker."
                                                   : "Showing the first \(rows) of \(NumberFormat.grouped(table.rowCount)) rows.", at: 0)
        }
        let columns = max(table.columns.count, 1)
        let size = columns > 8 ? 900 : columns > 5 ? 1100 : 1300
        let rowHeight = min(b.cy / (rows + 1), 370840)
        let columnWidth = b.cx / columns
        func cell(_ text: String, numeric: Bool, header: Bool) -> String {
            "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p><a:pPr algn=\"\(numeric ? "r" : "l")\"/><a:r><a:rPr lang=\"da-DK\" sz=\"\(size)\"\(header ? " b=\"1\"" : "") dirty=\"0\"/>"
                + "<a:t>\(XLSXWriter.escape(text))</a:t></a:r></a:p></a:txBody><a:tcPr marL=\"45720\" marR=\"45720\" marT=\"22860\" marB=\"22860\"/></a:tc>"
        }
        var grid = "<a:tblGrid>" + String(repeating: "<a:gridCol w=\"\(columnWidth)\"/>", count: columns) + "</a:tblGrid>"
        if table.columns.isEmpty { grid = "<a:tblGrid><a:gridCol w=\"\(columnWidth)\"/></a:tblGrid>" }
        var xml = "<a:tbl><a:tblPr firstRow=\"1\" bandRow=\"1\"><a:tableStyleId>{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}</a:tableStyleId></a:tblPr>\(grid)"
        xml += "<a:tr h=\"\(rowHeight)\">" + table.columns.map { cell($0.name, numeric: $0.type.isNumeric, header: true) }.joined() + "</a:tr>"
        for r in 0..<rows {
            xml += "<a:tr h=\"\(rowHeight)\">" + table.columns.map { cell(Deck.cell($0.value(at: r), language: deck.language), numeric: $0.type.isNumeric, header: false) }.joined() + "</a:tr>"
        }
        xml += "</a:tbl>"
        let frame = "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"4\" name=\"Tabel 3\"/><p:cNvGraphicFramePr><a:graphicFrameLocks noGrp=\"1\"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr>"
            + "<p:xfrm><a:off x=\"\(b.x)\" y=\"\(b.y)\"/><a:ext cx=\"\(b.cx)\" cy=\"\(rowHeight * (rows + 1))\"/></p:xfrm>"
            + "<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/table\">\(xml)</a:graphicData></a:graphic></p:graphicFrame>"
        return slide(titleShape(title, layout: layout) + frame + textBox(id: 5, notes, x: n.x, y: n.y, cx: n.cx, cy: n.cy, size: 1000))
    }
}
