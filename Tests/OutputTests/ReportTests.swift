import Foundation
@testable import Output
import Tabular
import Testing

/// Reports as Markdown and HTML: the header, cut tables, inline charts, escaping, the index.
@Suite struct ReportTests {
    static let table = Table.from(names: ["cluster", "services"], types: [.text, .text],
                                  rows: (1...7).map { [.text("Klynge <\($0)>"), .text($0 == 2 ? "<5" : "\($0 * 10)")] })
    static let svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><title>Rate &amp; limits</title></svg>\n"

    func report(maxRows: Int = 40, language: ChartLanguage = .danish, threshold: Int? = 5) -> Report {
        Report(title: "Palliation i Køge 1", notebook: "palliation.md", runDate: "2026-11-29 10:00",
               parameters: [Report.Parameter(name: "cluster", value: "Køge 1", description: "The cluster | its name")],
               blocks: [.prose("Some *prose*."),
                        .cell(Report.Cell(number: 1, code: "practices | take 7", items: [.table(Self.table), .note("disclosure control: 1 count of 1–4 shown as <5")])),
                        .cell(Report.Cell(number: 2, code: "x | chart bar a b", items: [.chart(DrawnChart(svg: Self.svg, path: "charts/chart-1.svg", spec: ChartSpec(kind: .bar, category: "a", value: "b"), table: Self.table, notes: []))])),
                        .cell(Report.Cell(number: 3, code: "later", items: [], skipped: "an earlier cell failed"))],
               language: language, maxRows: maxRows, threshold: threshold, failed: false)
    }

    @Test func markdownHasTheHeaderProseCodeTablesAndChartLinks() {
        let md = MarkdownReport.render(report())
        #expect(md.hasPrefix("# Palliation i Køge 1\n\n*Notesbog: palliation.md · Kørt: 2026-11-29 10:00*\n"))
        #expect(md.contains("| `cluster` | Køge 1 | The cluster \\| its name |"))
        #expect(md.contains("> **Diskretionering:** Tal fra 1 til 4 vises som <5"))
        #expect(md.contains("<details><summary>Celle 1</summary>\n\n```klynge\npractices | take 7\n```"))
        #expect(md.contains("| Klynge <7> | 70 |"))
        #expect(md.contains("![Rate & limits](charts/chart-1.svg)"))
        #expect(md.contains("*Ikke kørt: an earlier cell failed*"))
    }

    @Test func bigTablesAreCutToTheRowsSettingWithANote() {
        let md = MarkdownReport.render(report(maxRows: 3, language: .english))
        #expect(md.contains("| Klynge <3> | 30 |") && !md.contains("| Klynge <4> |"))
        #expect(md.contains("*Showing the first 3 of 7 rows.*"))
        let html = HTMLReport.render(report(maxRows: 3, language: .english))
        #expect(html.contains("Showing the first 3 of 7 rows.") && !html.contains("Klynge &lt;4&gt;"))
    }

    @Test func htmlIsOnePageWithTheChartInlineAndTextEscaped() {
        let html = HTMLReport.render(report())
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"da\">"))
        #expect(html.contains("<figure class=\"chart\">\n<svg xmlns=\"http://www.w3.org/2000/svg\"") && !html.contains("<?xml"))
        #expect(html.contains("<td>Klynge &lt;1&gt;</td>") && html.contains("<td>&lt;5</td>"))
        #expect(html.contains("<p>Some <em>prose</em>.</p>"), "prose goes through Ink")
        #expect(html.contains("<details><summary>Celle 1: Kode</summary>"))
        #expect(!html.contains("<script") && !html.contains("<link"), "nothing runs or is fetched")
    }

    @Test func aReportWithControlOffSaysItMustNotLeaveTheMachine() {
        #expect(MarkdownReport.render(report(language: .english, threshold: nil)).contains("Disclosure control was OFF"))
    }

    @Test func theIndexLinksEveryReportAndMarksFailures() {
        let index = ReportIndex(title: "Palliation i …", parameter: "cluster", runDate: "2026-11-29 10:00",
                                entries: [.init(value: "Køge 1", folder: "koege-1", succeeded: true), .init(value: "Faxe 1", folder: "faxe-1", succeeded: false)],
                                language: .danish)
        #expect(index.markdown().contains("- [Køge 1](koege-1/report.md)\n- [Faxe 1](faxe-1/report.md) — **fejlede**\n"))
        #expect(index.html().contains("<li><a href=\"koege-1/report.html\">Køge 1</a></li>"))
    }
}

/// Numbers on slides round as PowerPoint's own labels do.
@Suite struct DeckNumberTests {
    @Test func halfAwayFromZeroOnTheDecimalDigitsWithADanishComma() {
        #expect(Deck.number(29.05, digits: 1, language: .danish) == "29,1")
        #expect(Deck.number(-29.05, digits: 1, language: .danish) == "-29,1")
        #expect(Deck.number(2.675, digits: 2, language: .english) == "2.68")
        #expect(Deck.number(0.125, digits: 2, language: .danish) == "0,13")
        #expect(Deck.number(17.43, digits: 2, language: .danish) == "17,43")
        #expect(Deck.number(-0.04, digits: 1, language: .danish) == "0")
    }

    @Test func headingsOfProseBecomeSections() {
        #expect(Deck.headings("# Title\n\ntext\n\n## Part one\n```sh\n# not a heading\n```\n### too deep\n## Part two") == ["Title", "Part one", "Part two"])
    }
}
