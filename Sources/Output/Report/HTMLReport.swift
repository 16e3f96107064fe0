import Foundation
import Ink
import Tabular

/// Writes a report as one self-contained HTML page: CSS and SVG inline, no script and nothing
/// fetched from the network, so it opens from an e-mail attachment. Prose goes through Ink.
public enum HTMLReport {
    /// The report as an HTML page.
    public static func render(_ report: Report) -> String {
        let lang = report.language == .danish ? "da" : "en"
        var body = "<header>\n<h1>\(escape(report.title))</h1>\n"
        body += "<p class=\"meta\">\(report.word("notebook")): \(escape(report.notebook)) · \(report.word("run")): \(escape(report.runDate))</p>\n"
        if report.failed { body += "<p class=\"failed\">\(report.word("failed")).</p>\n" }
        if !report.parameters.isEmpty {
            body += "<table class=\"parameters\"><caption>\(report.word("parameters"))</caption>\n"
            body += "<tr><th>\(report.word("parameter"))</th><th>\(report.word("value"))</th><th>\(report.word("description"))</th></tr>\n"
            for p in report.parameters {
                body += "<tr><td><code>\(escape(p.name))</code></td><td>\(escape(p.value))</td><td>\(escape(p.description))</td></tr>\n"
            }
            body += "</table>\n"
        }
        body += "<p class=\"disclosure\"><strong>\(report.word("disclosure")):</strong> \(escape(report.disclosureSentence))</p>\n</header>\n<main>\n"
        let prose = MarkdownParser()
        for block in report.blocks {
            switch block {
            case .prose(let text):
                body += "<section class=\"prose\">\n" + prose.html(from: text) + "\n</section>\n"
            case .cell(let c):
                body += "<section class=\"cell\" id=\"cell-\(c.number)\">\n"
                body += "<details><summary>\(report.word("cell")) \(c.number): \(report.word("code"))</summary><pre><code>\(escape(c.code))</code></pre></details>\n"
                if let skipped = c.skipped { body += "<p class=\"skipped\">\(report.word("skipped")): \(escape(skipped))</p>\n" }
                for item in c.items { body += self.item(item, report) }
                body += "</section>\n"
            }
        }
        body += "</main>\n"
        return """
        <!DOCTYPE html>
        <html lang="\(lang)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(report.title))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    static func item(_ item: Report.Item, _ report: Report) -> String {
        switch item {
        case .table(let table):
            let (shown, note) = report.shown(table)
            return self.table(shown) + (note.map { "<p class=\"note\">\(escape($0))</p>\n" } ?? "")
        case .chart(let chart):
            return "<figure class=\"chart\">\n" + SVGText.inline(chart.svg) + "</figure>\n"
        case .text(let s):
            return "<pre>\(escape(s))</pre>\n"
        case .note(let s):
            return "<p class=\"note\">\(escape(s))</p>\n"
        case .warning(let s):
            return "<p class=\"warning\">warning: \(escape(s))</p>\n"
        case .error(let s):
            return "<pre class=\"error\">\(escape(s))</pre>\n"
        }
    }

    /// A table with numbers right-aligned.
    static func table(_ table: Table) -> String {
        var out = "<div class=\"table\"><table>\n<tr>"
        for c in table.columns { out += "<th\(c.type.isNumeric ? " class=\"n\"" : "")>\(escape(c.name))</th>" }
        out += "</tr>\n"
        for r in 0..<table.rowCount {
            out += "<tr>"
            for c in table.columns {
                let v = c.value(at: r)
                let text = v.isNull ? "" : ResultWriter.cell(v, decimalComma: false, danishDates: false)
                out += "<td\(c.type.isNumeric ? " class=\"n\"" : "")>\(escape(text))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</table></div>\n"
    }

    /// Text safe inside HTML elements and attributes (the charts' XML escape serves HTML too).
    static func escape(_ s: String) -> String { SVGChart.escape(s) }

    /// The page's style: readable on screen and on paper, no web fonts.
    static let style = """
    body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #222; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
    h1 { font-size: 1.7rem; margin-bottom: .2rem; }
    .meta { color: #666; margin-top: 0; }
    .failed, .error { color: #a00; }
    .disclosure { background: #f3f6fa; border-left: 4px solid #4a78a8; padding: .5rem .8rem; }
    table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
    caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
    th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; vertical-align: top; }
    th { background: #f5f5f5; }
    td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
    .table { overflow-x: auto; }
    details { margin: .8rem 0 .3rem; }
    summary { color: #4a78a8; cursor: pointer; font-size: .85rem; }
    pre { background: #f7f7f7; padding: .6rem; overflow-x: auto; font-size: .85rem; }
    .note, .skipped { color: #555; font-style: italic; font-size: .9rem; }
    .warning { color: #8a5a00; }
    figure.chart { margin: 1rem 0; padding: .5rem; border: 1px solid #c9d3df; display: inline-block; max-width: 100%; box-sizing: border-box; }
    figure.chart svg { max-width: 100%; height: auto; }
    @media print { details { display: none; } figure.chart, table { break-inside: avoid; } }
    """
}
