import Foundation

/// The page that lists every report of a `klynge run … --each` (one per value), as Markdown and HTML.
public struct ReportIndex: Sendable {
    /// One report of the batch.
    public struct Entry: Sendable {
        /// The value the report is for (e.g. the cluster).
        public var value: String
        /// Its folder, relative to the index.
        public var folder: String
        /// Whether every cell ran.
        public var succeeded: Bool
        /// Creates an entry.
        public init(value: String, folder: String, succeeded: Bool) {
            (self.value, self.folder, self.succeeded) = (value, folder, succeeded)
        }
    }

    /// The notebook's title (without the values put in).
    public var title: String
    /// The parameter the batch ran over.
    public var parameter: String
    /// When the batch ran.
    public var runDate: String
    /// The reports, in the order of the values.
    public var entries: [Entry]
    /// The language of its words.
    public var language: ChartLanguage

    /// Creates an index.
    public init(title: String, parameter: String, runDate: String, entries: [Entry], language: ChartLanguage) {
        (self.title, self.parameter, self.runDate, self.entries, self.language) = (title, parameter, runDate, entries, language)
    }

    var heading: String { language == .danish ? "Rapporter pr. \(parameter)" : "Reports by \(parameter)" }
    var failedWord: String { language == .danish ? "fejlede" : "failed" }

    /// The index as Markdown.
    public func markdown() -> String {
        var out = "# \(title)\n\n*\(heading) · \(language == .danish ? "Kørt" : "Run"): \(runDate)*\n\n"
        for e in entries {
            out += "- [\(e.value)](\(e.folder)/report.md)" + (e.succeeded ? "" : " — **\(failedWord)**") + "\n"
        }
        return out
    }

    /// The index as a self-contained HTML page.
    public func html() -> String {
        var items = ""
        for e in entries {
            items += "<li><a href=\"\(HTMLReport.escape(e.folder))/report.html\">\(HTMLReport.escape(e.value))</a>"
                + (e.succeeded ? "" : " <strong class=\"failed\">\(failedWord)</strong>") + "</li>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="\(language == .danish ? "da" : "en")">
        <head>
        <meta charset="utf-8">
        <title>\(HTMLReport.escape(title))</title>
        <style>
        \(HTMLReport.style)
        </style>
        </head>
        <body>
        <h1>\(HTMLReport.escape(title))</h1>
        <p class="meta">\(HTMLReport.escape(heading)) · \(language == .danish ? "Kørt" : "Run"): \(HTMLReport.escape(runDate))</p>
        <ul>
        \(items)</ul>
        </body>
        </html>

        """
    }
}
