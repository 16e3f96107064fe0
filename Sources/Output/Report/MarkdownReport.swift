import Foundation
import Tabular

/// Writes a report as Markdown: the text a test compares and a reader diffs, with charts as
/// image links to their SVG files beside it.
public enum MarkdownReport {
    /// The report as Markdown.
    public static func render(_ report: Report) -> String {
        var out = "# \(report.title)\n\n"
        out += "*\(report.word("notebook")): \(report.notebook) · \(report.word("run")): \(report.runDate)*\n\n"
        if report.failed { out += "> **\(report.word("failed")).**\n\n" }
        if !report.parameters.isEmpty {
            out += "## \(report.word("parameters"))\n\n"
            out += "| \(report.word("parameter")) | \(report.word("value")) | \(report.word("description")) |\n| --- | --- | --- |\n"
            for p in report.parameters { out += "| `\(p.name)` | \(cell(p.value)) | \(cell(p.description)) |\n" }
            out += "\n"
        }
        out += "> **\(report.word("disclosure")):** \(report.disclosureSentence)\n\n"
        for block in report.blocks {
            switch block {
            case .prose(let text):
                out += text.trimmingCharacters(in: .newlines) + "\n\n"
            case .cell(let c):
                out += "<details><summary>\(report.word("cell")) \(c.number)</summary>\n\n```klynge\n\(c.code)\n```\n\n</details>\n\n"
                if let skipped = c.skipped { out += "*\(report.word("skipped")): \(skipped)*\n\n" }
                for item in c.items { out += self.item(item, report) }
            }
        }
        return out
    }

    static func item(_ item: Report.Item, _ report: Report) -> String {
        switch item {
        case .table(let table):
            let (shown, note) = report.shown(table)
            return ResultWriter.text(shown, format: .markdown) + "\n" + (note.map { "*\($0)*\n\n" } ?? "")
        case .chart(let chart):
            return "![\(SVGText.title(chart.svg) ?? chart.path)](\(chart.path))\n\n"
        case .text(let s):
            return "```\n\(s.trimmingCharacters(in: .newlines))\n```\n\n"
        case .note(let s):
            return "*\(s)*\n\n"
        case .warning(let s):
            return "> **warning:** \(s)\n\n"
        case .error(let s):
            return "```text\n\(s.trimmingCharacters(in: .newlines))\n```\n\n"
        }
    }

    /// Text for a table cell: pipes escaped, one line.
    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

/// Small readings of a chart's SVG for the report.
enum SVGText {
    /// The chart's title (its `<title>` element), or nil.
    static func title(_ svg: String) -> String? {
        guard let start = svg.range(of: "<title>"), let end = svg.range(of: "</title>", range: start.upperBound..<svg.endIndex) else { return nil }
        return XMLScan.unescape(String(svg[start.upperBound..<end.lowerBound]))
    }

    /// The SVG element alone (no XML declaration), to put inline in HTML.
    static func inline(_ svg: String) -> String {
        guard let start = svg.range(of: "<svg") else { return svg }
        return String(svg[start.lowerBound...])
    }
}
