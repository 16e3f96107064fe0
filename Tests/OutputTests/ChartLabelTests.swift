import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Output
import Tabular

/// The text elements of an SVG document with their position, size and text.
final class SVGTexts: NSObject, XMLParserDelegate {
    struct Text { var x: Double, y: Double, size: Double, text: String, className: String? }
    var texts: [Text] = []
    private var current: Text?

    static func of(_ svg: String) -> [Text] {
        let collector = SVGTexts()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        _ = parser.parse()
        return collector.texts
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        guard name == "text" else { return }
        current = Text(x: Double(attributes["x"] ?? "") ?? 0, y: Double(attributes["y"] ?? "") ?? 0,
                       size: Double(attributes["font-size"] ?? "") ?? 12, text: "", className: attributes["class"])
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { current?.text += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let c = current { texts.append(c); current = nil }
    }
}

/// Whether two start-anchored labels' boxes overlap, estimating a character as 0.6 em wide and a line as 1 em high.
func overlap(_ a: SVGTexts.Text, _ b: SVGTexts.Text) -> Bool {
    func box(_ t: SVGTexts.Text) -> (x0: Double, y0: Double, x1: Double, y1: Double) {
        (t.x, t.y - 0.8 * t.size, t.x + Double(t.text.count) * 0.6 * t.size, t.y + 0.2 * t.size)
    }
    let p = box(a), q = box(b)
    return p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1
}

@Suite struct ChartLabelTests {
    /// 60 practices crowded at small list sizes, half of them far outside the limits.
    func crowded() -> Table {
        var rows: [[Value]] = []
        for k in 0..<60 {
            let d = 1200.0 + Double(k % 12) * 90 + Double(k / 12) * 15
            let spread = 60 / (d / 100).squareRoot()
            let value = max(1, 17.2 + (k % 2 == 0 ? 1 : -1) * spread * (k % 4 < 2 ? 1.6 : 0.3))
            let flag = k % 4 < 2 ? (k % 2 == 0 ? "High (0.001)" : "Low (0.001)") : "Not significant"
            rows.append([.text("Lægerne Søndergade, Praksis nr. \(k)"), .decimal(value), .decimal(d), .decimal(17.2),
                         .decimal(17.2 - spread * 0.6), .decimal(17.2 + spread * 0.6), .decimal(17.2 - spread), .decimal(17.2 + spread), .text(flag)])
        }
        return Table.from(names: ["practice", "rate", "listed", "target", "funnel_lower95", "funnel_upper95", "funnel_lower998", "funnel_upper998", "funnel_flag"],
                          types: [.text] + [DataType](repeating: .decimal, count: 7) + [.text], rows: rows)
    }

    @Test func funnelLabelsNeverOverlapAndNameOnlyTheFlaggedUnits() throws {
        let table = crowded()
        let svg = SVGChart.render(table, ChartSpec(kind: .funnel, category: "practice", value: "rate", denominator: "listed"), source: "test", note: "")
        #expect(wellFormed(svg))
        let texts = SVGTexts.of(svg)
        let labels = texts.filter { $0.className == "point-label" }
        for i in labels.indices {
            for j in labels.indices where j > i {
                #expect(!overlap(labels[i], labels[j]), "'\(labels[i].text)' and '\(labels[j].text)' overlap")
            }
        }
        // Every unit flagged at the 0.001 level is named once, beside its point or in the key; no other unit is.
        let flagged = (0..<table.rowCount).filter { table.column("funnel_flag")!.value(at: $0).description.contains("0.001") }
            .map { table.column("practice")!.value(at: $0).description }
        let named = labels.map(\.text).filter { Int($0) == nil } + texts.compactMap { t -> String? in
            let parts = t.text.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, Int(parts[0]) != nil || parts[0] == "–" else { return nil }
            // "–  name (x; y)": a point too crowded for a number is named with its place.
            let name = String(parts[1]).trimmingCharacters(in: .whitespaces)
            return parts[0] == "–" ? String(name[..<name.range(of: " (", options: .backwards)!.lowerBound]) : name
        }
        #expect(named.sorted() == flagged.sorted())
        #expect(labels.contains { Int($0.text) != nil }, "this crowded chart needs the numbered key")
        #expect(try renderPNG(svg).count > 1000)
    }

    @Test func withoutFlagsTheUnitsOutsideTheOuterLimitsAreNamed() throws {
        let table = crowded()
        let noFlags = Table(columns: table.columns.filter { $0.name != "funnel_flag" }, rowCount: table.rowCount)
        let svg = SVGChart.render(noFlags, ChartSpec(kind: .funnel, category: "practice", value: "rate", denominator: "listed"), source: "test", note: "")
        let count = SVGTexts.of(svg).filter { $0.className == "point-label" }.count
        #expect(count == 30)
    }

    @Test func barLabelsThatCollideAreToldApartByAnIdentifier() {
        let t = Table.from(names: ["practice_id", "practice_name", "rate"], types: [.text, .text, .decimal],
                           rows: [[.text("034536"), .text("Lægerne Møllevej, Køge"), .decimal(27.8)],
                                  [.text("049265"), .text("Lægerne Møllevej, Køge"), .decimal(7.0)],
                                  [.text("100001"), .text("Læge Åse Ø"), .decimal(12.0)]])
        let spec = ChartSpec(kind: .bar, category: "practice_name", value: "rate")
        let texts = SVGTexts.of(SVGChart.render(t, spec, source: "test", note: "")).map(\.text)
        #expect(texts.contains("Lægerne Møllevej, Køge (034536)") && texts.contains("Lægerne Møllevej, Køge (049265)"))
        #expect(texts.contains("Læge Åse Ø"))
        let data = SVGChart.chartData(t, spec)
        #expect((0..<data.rowCount).map { data.column("practice_name")!.value(at: $0).description }
                == ["Lægerne Møllevej, Køge (034536)", "Læge Åse Ø", "Lægerne Møllevej, Køge (049265)"])
        // Without a separating column, a running number.
        let bare = Table(columns: t.columns.filter { $0.name != "practice_id" }, rowCount: 3)
        #expect(SVGChart.distinctLabels(bare, "practice_name").prefix(2) == ["Lægerne Møllevej, Køge (1)", "Lægerne Møllevej, Køge (2)"])
    }
}
