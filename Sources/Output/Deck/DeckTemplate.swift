import Foundation
import PluginKit
import Tabular

/// The deck a presentation is built on: klynge's own, or the user's `.pptx` (`--template`,
/// `set template`), whose theme, slide master, layouts and slide size are kept and whose slides
/// are dropped.
struct DeckTemplate {
    /// The parts copied as they are, by path (theme, masters, layouts, media, properties).
    var parts: [String: Data]
    /// The presentation part's XML, whose slide list is replaced.
    var presentation: String
    /// The presentation's relationships other than to slides: (id, type URI, target).
    var relationships: [(id: String, type: String, target: String)]
    /// Content types by extension, and by part for the kept parts.
    var defaults: [String: String], overrides: [String: String]
    /// The slide size in EMU.
    var width: Int, height: Int
    /// The layouts: path, name and type (`title`, `secHead`, `titleOnly`, `obj`, …).
    var layouts: [(path: String, name: String, type: String)]

    /// Parts that belong to the template's slides, not to its design.
    static func isSlideContent(_ path: String) -> Bool {
        ["ppt/slides/", "ppt/notesSlides/", "ppt/charts/", "ppt/embeddings/", "ppt/comments/"].contains { path.hasPrefix($0) }
    }

    /// klynge's built-in template.
    static func builtIn() -> DeckTemplate {
        // The built-in parts are known to parse; a failure here is a bug in them.
        try! DeckTemplate(parts: BuiltInDeckTemplate.parts, contentTypes: nil)
    }

    /// The template in a `.pptx` file.
    static func load(path: String) throws(StageError) -> DeckTemplate {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StageError("cannot read the template '\(path)'", suggestion: "give a PowerPoint file (.pptx) that exists")
        }
        let parts: [String: Data]
        do {
            parts = try OfficePackage.parts(path: path)
        } catch {
            throw StageError("the template '\((path as NSString).lastPathComponent)' is not a PowerPoint file (.pptx): \(error.description)")
        }
        let contentTypes = parts["[Content_Types].xml"].map { String(decoding: $0, as: UTF8.self) }
        do {
            return try DeckTemplate(parts: parts, contentTypes: contentTypes)
        } catch {
            throw StageError("the template '\((path as NSString).lastPathComponent)' is not a usable deck: \(error.message)")
        }
    }

    init(parts all: [String: Data], contentTypes: String?) throws(StageError) {
        func text(_ path: String) throws(StageError) -> String {
            guard let data = all[path] else { throw StageError("it has no \(path)") }
            return String(decoding: data, as: UTF8.self)
        }
        presentation = try text("ppt/presentation.xml")
        guard let size = XMLScan.element("p:sldSz", in: presentation), let cx = Int(XMLScan.attribute("cx", in: size) ?? ""),
              let cy = Int(XMLScan.attribute("cy", in: size) ?? "") else { throw StageError("its presentation has no slide size") }
        (width, height) = (cx, cy)
        let rels = (try? text("ppt/_rels/presentation.xml.rels")) ?? ""
        relationships = XMLScan.elements("Relationship", in: rels).compactMap { r in
            guard let id = XMLScan.attribute("Id", in: r), let type = XMLScan.attribute("Type", in: r), let target = XMLScan.attribute("Target", in: r) else { return nil }
            return type.hasSuffix("/slide") || type.hasSuffix("/notesSlide") ? nil : (id, type, target)
        }
        let kept = all.filter { path, _ in
            !Self.isSlideContent(path) && !path.hasPrefix("docProps/") && !["[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml", "ppt/_rels/presentation.xml.rels"].contains(path)
        }
        parts = kept
        defaults = [:]
        overrides = [:]
        if let contentTypes {
            for d in XMLScan.elements("Default", in: contentTypes) {
                if let ext = XMLScan.attribute("Extension", in: d), let type = XMLScan.attribute("ContentType", in: d) { defaults[ext.lowercased()] = type }
            }
            for o in XMLScan.elements("Override", in: contentTypes) {
                if let part = XMLScan.attribute("PartName", in: o), let type = XMLScan.attribute("ContentType", in: o), kept[String(part.dropFirst())] != nil {
                    overrides[String(part.dropFirst())] = type
                }
            }
        } else {
            for path in kept.keys { overrides[path] = DeckPackage.contentType(of: path) }
        }
        layouts = kept.keys.filter { $0.hasPrefix("ppt/slideLayouts/slideLayout") && $0.hasSuffix(".xml") }.sorted { a, b in
            // slideLayout2 before slideLayout10.
            (Int(a.filter(\.isNumber)) ?? 0) < (Int(b.filter(\.isNumber)) ?? 0)
        }.map { path in
            let xml = String(decoding: kept[path]!, as: UTF8.self)
            let root = XMLScan.element("p:sldLayout", in: xml) ?? ""
            let name = XMLScan.element("p:cSld", in: xml).flatMap { XMLScan.attribute("name", in: $0) } ?? ""
            return (path, XMLScan.unescape(name), XMLScan.attribute("type", in: root) ?? "cust")
        }
        guard !layouts.isEmpty else { throw StageError("it has no slide layouts") }
    }

    /// The layout for a kind of slide: the first of the wanted types the template has, else its first layout.
    func layout(_ wanted: [String]) -> String {
        for type in wanted { if let l = layouts.first(where: { $0.type == type }) { return l.path } }
        return layouts[0].path
    }
}

/// Finding elements and attributes in OOXML text (parts are machine-written, one element per
/// tag, so a scan is enough to read what a template declares).
enum XMLScan {
    /// The opening tags of every element with this name.
    static func elements(_ name: String, in xml: String) -> [String] {
        var found: [String] = []
        var rest = xml[...]
        while let start = rest.range(of: "<\(name)") {
            let after = rest[start.upperBound...]
            guard let next = after.first, next == " " || next == ">" || next == "/" || next == "\n" else { rest = after; continue }
            guard let end = after.firstIndex(of: ">") else { break }
            found.append(String(rest[start.lowerBound...end]))
            rest = after[after.index(after: end)...]
        }
        return found
    }

    /// The opening tag of the first element with this name.
    static func element(_ name: String, in xml: String) -> String? { elements(name, in: xml).first }

    /// An attribute's value in an opening tag.
    static func attribute(_ name: String, in tag: String) -> String? {
        for quote in ["\"", "'"] {
            if let r = tag.range(of: " \(name)=\(quote)") ?? tag.range(of: "\n\(name)=\(quote)") {
                let rest = tag[r.upperBound...]
                if let end = rest.firstIndex(of: Character(quote)) { return String(rest[..<end]) }
            }
        }
        return nil
    }

    /// Text with XML's five entities (and `&#39;`) turned back into characters.
    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}
