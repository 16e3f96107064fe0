import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Output
import Tabular
import TestSupport

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
        let named = namedUnits(svg)
        #expect(named.sorted() == flagged.sorted())
        #expect(labels.contains { Int($0.text) != nil }, "this crowded chart needs the numbered key")
        #expect(try renderPNG(svg).count > 1000)
    }

    @Test func withoutFlagsTheUnitsOutsideTheOuterLimitsAreNamed() throws {
        let table = crowded()
        let noFlags = Table(columns: table.columns.filter { $0.name != "funnel_flag" }, rowCount: table.rowCount)
        let svg = SVGChart.render(noFlags, ChartSpec(kind: .funnel, category: "practice", value: "rate", denominator: "listed"), source: "test", note: "")
        func d(_ c: String, _ r: Int) -> Double { table.column(c)!.value(at: r).doubleValue! }
        let outside = (0..<table.rowCount).filter { d("rate", $0) < d("funnel_lower998", $0) || d("rate", $0) > d("funnel_upper998", $0) }
        #expect(outside.count > 20)
        #expect(namedUnits(svg).sorted() == outside.map { table.column("practice")!.value(at: $0).description }.sorted())
    }

    /// The units a funnel chart names: beside their points, or in the key ("N  name", or "–  name (x; y)").
    func namedUnits(_ svg: String) -> [String] {
        let texts = SVGTexts.of(svg)
        let beside = texts.filter { $0.className == "point-label" && Int($0.text) == nil }.map(\.text)
        let inKey = texts.compactMap { t -> String? in
            let parts = t.text.split(separator: " ", maxSplits: 1)
            guard t.className == nil, parts.count == 2, Int(parts[0]) != nil || parts[0] == "–" else { return nil }
            let name = String(parts[1]).trimmingCharacters(in: .whitespaces)
            return parts[0] == "–" ? String(name[..<name.range(of: " (", options: .backwards)!.lowerBound]) : name
        }
        return beside + inKey
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
