import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Output
import Tabular

/// Whether text is well-formed XML.
func wellFormed(_ text: String) -> Bool { XMLParser(data: Data(text.utf8)).parse() }

/// rsvg-convert (librsvg2-bin, installed by `make test`), which turns SVG into PNG.
let rsvgConvert: String? = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Renders SVG with rsvg-convert; returns the PNG's bytes.
func renderPNG(_ svg: String) throws -> Data {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chart-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let input = folder.appendingPathComponent("c.svg"), output = folder.appendingPathComponent("c.png")
    try svg.write(to: input, atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: rsvgConvert!)
    p.arguments = ["-o", output.path, input.path]
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return Data() }
    return try Data(contentsOf: output)
}

@Suite(.enabled(if: rsvgConvert != nil, "needs rsvg-convert (make test installs librsvg2-bin)"))
struct SVGChartTests {
    let rates = Table.from(names: ["practice", "rate", "lower95", "upper95", "group_rate", "overall_rate", "listed", "target",
                                   "funnel_lower95", "funnel_upper95", "funnel_lower998", "funnel_upper998"],
                           types: [.text] + [DataType](repeating: .decimal, count: 11),
                           rows: [[.text("Læge Åse Ø"), .decimal(45.6), .decimal(39.7), .decimal(52.2), .decimal(20.5), .decimal(17.2), .decimal(4604),
                                   .decimal(17.2), .decimal(13.7), .decimal(21.2), .decimal(11.9), .decimal(23.8)],
                                  [.text("Lægerne <Torvet> & Co"), .decimal(8.1), .decimal(5.0), .decimal(12.6), .decimal(20.5), .decimal(17.2), .decimal(2457),
                                   .decimal(17.2), .decimal(12.5), .decimal(22.9), .decimal(10.2), .decimal(26.7)],
                                  [.text("C"), .null, .null, .null, .decimal(20.5), .decimal(17.2), .decimal(1200),
                                   .decimal(17.2), .decimal(11.0), .decimal(25.0), .decimal(8.5), .decimal(30.0)]])

    @Test func barChartWithReferencesAndIntervals() throws {
        var spec = ChartSpec(kind: .bar, category: "practice", value: "rate")
        spec.references = ["group_rate", "overall_rate"]
        spec.errors = ("lower95", "upper95")
        let svg = SVGChart.render(rates, spec, source: "klynge, test", note: "disclosure control: no counts under 5")
        #expect(wellFormed(svg))
        #expect(svg.contains("Ydelser pr. 1000 sikrede"))
        #expect(svg.contains("Klynge 20,5") && svg.contains("Region 17,2"))
        #expect(svg.contains("Lægerne &lt;Torvet&gt; &amp; Co"))
        #expect(svg.contains(">&lt;5</text>"))   // a suppressed value is shown as <5, not as 0
        let png = try renderPNG(svg)
        #expect(png.count > 1000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func funnelChartWithLimitsAndTarget() throws {
        var spec = ChartSpec(kind: .funnel, category: "practice", value: "rate", denominator: "listed")
        spec.language = .english
        let svg = SVGChart.render(rates, spec, source: "klynge, test", note: "")
        #expect(wellFormed(svg))
        #expect(svg.contains("Average 17.2"))
        #expect(svg.components(separatedBy: "<polyline").count == 5)   // four limit lines
        #expect(svg.contains("Læge Åse Ø"))                            // outside its limits: named
        let png = try renderPNG(svg)
        #expect(png.count > 1000)
    }

    @Test func chartDataIsTheWideTableSortedLikeTheBars() {
        var spec = ChartSpec(kind: .bar, category: "practice", value: "rate")
        spec.references = ["group_rate", "overall_rate"]
        let data = SVGChart.chartData(rates, spec)
        #expect(data.columnNames == ["practice", "rate", "group_rate", "overall_rate"])
        let excel = ResultWriter.text(data, format: .excel)
        #expect(excel.hasPrefix("\u{FEFF}practice;rate;group_rate;overall_rate\r\nLæge Åse Ø;45,6;20,5;17,2\r\n"))
    }
}

@Suite(.enabled(if: rsvgConvert != nil, "needs rsvg-convert (make test installs librsvg2-bin)"))
struct MoreChartTests {
    @Test func likertDivergesWithVedIkkeApart() throws {
        let answers = ["Meget enig", "Enig", "Hverken enig eller uenig", "Uenig", "Meget uenig", "Ved ikke", "(blank)"]
        let percents: [Double?] = [20, 30, 20, 15, 10, 5, nil]
        var rows: [[Value]] = []
        for q in ["q1", "q2"] {
            for (k, a) in answers.enumerated() { rows.append([.text(q), .text(a), .integer(Int64(k + 1)), percents[k].map(Value.decimal) ?? .null]) }
        }
        let t = Table.from(names: ["question", "answer", "position", "percent"], types: [.text, .text, .integer, .decimal], rows: rows)
        var spec = ChartSpec(kind: .likert, category: "question", value: "answer")
        spec.series = "percent"
        let svg = SVGChart.render(t, spec, source: "test", note: "")
        #expect(wellFormed(svg))
        // Each question: five scale segments and one Ved ikke bar (the blank is left out).
        #expect(svg.components(separatedBy: "fill=\"#8e5aa8\"").count - 1 == 3)   // legend + two questions
        #expect(svg.contains(">5 %</text>"))
        #expect(try renderPNG(svg).count > 1000)
    }

    @Test func trendAndSlope() throws {
        let trend = Table.from(names: ["year", "rate", "cluster"], types: [.integer, .decimal, .text],
                               rows: [[.integer(2022), .decimal(14), .text("Næstved 1")], [.integer(2023), .decimal(17), .text("Næstved 1")],
                                      [.integer(2022), .decimal(9), .text("Køge 1")], [.integer(2023), .decimal(8), .text("Køge 1")]])
        var spec = ChartSpec(kind: .trend, category: "year", value: "rate")
        spec.series = "cluster"
        let svg = SVGChart.render(trend, spec, source: "test", note: "")
        #expect(wellFormed(svg) && svg.components(separatedBy: "<polyline").count == 3 && svg.contains("Næstved 1"))
        #expect(try renderPNG(svg).count > 1000)
        let slope = Table.from(names: ["unit", "baseline_rate", "followup_rate", "change_flag"], types: [.text, .decimal, .decimal, .text],
                               rows: [[.text("P1"), .decimal(10), .decimal(20), .text("higher")], [.text("P2"), .decimal(12), .decimal(11), .text("similar")]])
        var slopeSpec = ChartSpec(kind: .slope, category: "unit", value: "baseline_rate")
        slopeSpec.series = "followup_rate"
        let slopeSVG = SVGChart.render(slope, slopeSpec, source: "test", note: "")
        #expect(wellFormed(slopeSVG) && slopeSVG.contains(">P1</text>") && !slopeSVG.contains(">P2</text>"))
        #expect(slopeSVG.contains(">Før</text>") && slopeSVG.contains(">Efter</text>"))
        #expect(try renderPNG(slopeSVG).count > 1000)
    }
}
