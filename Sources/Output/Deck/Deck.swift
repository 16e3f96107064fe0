import Foundation
import PluginKit
import Tabular

/// A presentation to write as `.pptx`: title, section, chart and table slides, in order. Its
/// tables and charts must already have passed disclosure control.
public struct Deck: Sendable {
    /// One slide.
    public enum Slide: Sendable {
        /// The title slide: the title and lines under it (parameters, run date).
        case title(String, lines: [String])
        /// A section heading (from a notebook's `##` heading).
        case section(String)
        /// A native chart with the notes under it (source, method, disclosure control).
        case chart(title: String, table: Table, spec: ChartSpec, notes: [String])
        /// A table, cut to what fits, with the notes under it.
        case table(title: String, table: Table, notes: [String])
    }

    /// The slides, in order.
    public var slides: [Slide]
    /// The language of the deck's own words and numbers.
    public var language: ChartLanguage
    /// The deck's title (document properties).
    public var title: String
    /// The sentence on disclosure control the title slide states, when the deck has one.
    public var disclosure: String?

    /// Creates a deck.
    public init(title: String, slides: [Slide], language: ChartLanguage) {
        self.title = title
        self.slides = slides
        self.language = language
    }

    /// The most table rows a slide shows.
    public static let tableRows = 12

    /// The deck's `.pptx` bytes, on the template at `template` (a `.pptx`) or klynge's own.
    public func data(template: String? = nil) throws(StageError) -> Data {
        let base = try template.map { path throws(StageError) in try DeckTemplate.load(path: path) } ?? DeckTemplate.builtIn()
        return try DeckPackage(template: base, deck: self).data()
    }

    /// Checks that a file is a template decks can be built on (a `.pptx` with a slide size and layouts).
    public static func checkTemplate(_ path: String) throws(StageError) { _ = try DeckTemplate.load(path: path) }

    /// A number as a slide's text shows it: rounded half away from zero on its decimal digits, as
    /// PowerPoint's own labels round (29,05 → 29,1), with the language's decimal mark.
    public static func number(_ x: Double, digits: Int, language: ChartLanguage) -> String {
        guard x.isFinite, var decimal = Decimal(string: NumberFormat.plain(x)) else { return NumberFormat.plain(x) }
        var rounded = Decimal()
        // .plain rounds a tie away from zero, on the shortest decimal form of the double.
        NSDecimalRound(&rounded, &decimal, digits, .plain)
        var text = NSDecimalNumber(decimal: rounded).stringValue
        if text == "-0" { text = "0" }
        return language == .danish ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// A cell as a table slide shows it.
    static func cell(_ v: Value, language: ChartLanguage) -> String {
        switch v {
        case .null: return ""
        case .decimal(let d): return number(d, digits: 2, language: language)
        case .date(let d): return language == .danish ? CivilDate(daysSinceEpoch: d).danish : CivilDate(daysSinceEpoch: d).iso
        default: return v.description
        }
    }
}
