import Foundation
import PluginKit
import Tabular

extension Deck {
    /// The deck of a notebook's report (`klynge run … --pptx`): a title slide with the parameters,
    /// the run date and the disclosure rule; a section slide per heading of the prose; a slide per
    /// chart (a native chart, its notes under it); a slide per table shown (cut to what fits).
    public init(report: Report) {
        var lines = report.parameters.map { "\($0.name): \($0.value)" }
        lines.append("\(report.word("run")): \(report.runDate)")
        var slides: [Slide] = [.title(report.title, lines: lines)]
        var heading = report.title
        let source = "\(report.language.word("source")): klynge, \(report.notebook)"
        for block in report.blocks {
            switch block {
            case .prose(let text):
                for h in Self.headings(text) {
                    slides.append(.section(h))
                    heading = h
                }
            case .cell(let cell):
                for item in cell.items {
                    switch item {
                    case .table(let table):
                        slides.append(.table(title: heading, table: table, notes: [source]))
                    case .chart(let chart):
                        slides.append(.chart(title: chart.spec.deckTitle, table: chart.table, spec: chart.spec, notes: chart.notes))
                    case .note(let note):
                        // What disclosure control hid belongs under the table it is about.
                        if case .table(let title, let table, let notes)? = slides.last {
                            slides[slides.count - 1] = .table(title: title, table: table, notes: [note] + notes)
                        }
                    case .text, .warning, .error:
                        continue
                    }
                }
            }
        }
        self.init(title: report.title, slides: slides, language: report.language)
        self.disclosure = report.disclosureSentence
    }

    /// The `#` and `##` headings of Markdown prose, outside fenced blocks.
    static func headings(_ markdown: String) -> [String] {
        var inFence = false
        var found: [String] = []
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle(); continue }
            guard !inFence else { continue }
            for marker in ["# ", "## "] where trimmed.hasPrefix(marker) {
                found.append(String(trimmed.dropFirst(marker.count)).trimmingCharacters(in: .whitespaces))
            }
        }
        return found
    }
}
