import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The text elements of an SVG document with their position, size and text.
public final class SVGTexts: NSObject, XMLParserDelegate {
    /// One `<text>` element: where it starts, its font size, its text and its class.
    public struct Text: Sendable { public var x: Double, y: Double, size: Double, text: String, className: String? }
    /// The texts found, in document order.
    public var texts: [Text] = []
    private var current: Text?

    /// The texts of an SVG document.
    public static func of(_ svg: String) -> [Text] {
        let collector = SVGTexts()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        _ = parser.parse()
        return collector.texts
    }

    public func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        guard name == "text" else { return }
        current = Text(x: Double(attributes["x"] ?? "") ?? 0, y: Double(attributes["y"] ?? "") ?? 0,
                       size: Double(attributes["font-size"] ?? "") ?? 12, text: "", className: attributes["class"])
    }
    public func parser(_ parser: XMLParser, foundCharacters string: String) { current?.text += string }
    public func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let c = current { texts.append(c); current = nil }
    }
}

/// Whether two start-anchored labels' boxes overlap, estimating a character as 0.6 em wide and a line as 1 em high.
public func overlap(_ a: SVGTexts.Text, _ b: SVGTexts.Text) -> Bool {
    func box(_ t: SVGTexts.Text) -> (x0: Double, y0: Double, x1: Double, y1: Double) {
        (t.x, t.y - 0.8 * t.size, t.x + Double(t.text.count) * 0.6 * t.size, t.y + 0.2 * t.size)
    }
    let p = box(a), q = box(b)
    return p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1
}

