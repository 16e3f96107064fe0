import Tabular

/// What a chart shows: its kind, the columns it draws, and its words.
public struct ChartSpec: Sendable {
    /// The kinds of chart.
    public enum Kind: String, Sendable, CaseIterable {
        /// Categories (practices) sorted by value as horizontal bars, with reference lines and interval bars.
        case bar
        /// Values against their denominators with 95% and 99.8% control limits and the target.
        case funnel
        /// Diverging stacked bars per question: negative answers left of zero, positive right, "Ved ikke" apart.
        case likert
        /// A value per period, one line per series.
        case trend
        /// Baseline against follow-up per unit (a paired, slope chart).
        case slope
    }

    /// The kind.
    public var kind: Kind
    /// The category column (bar) or label column (funnel).
    public var category: String
    /// The value column.
    public var value: String
    /// The denominator column (funnel).
    public var denominator: String?
    /// The series column (trend), or the follow-up column (slope).
    public var series: String?
    /// Reference-line columns (bar), e.g. group_rate and overall_rate.
    public var references: [String] = []
    /// Interval columns (bar): lower and upper.
    public var errors: (lower: String, upper: String)?
    /// The title, when given.
    public var title: String?
    /// The language of the labels.
    public var language: ChartLanguage = .danish
    /// A category to draw in its own colour (the practice a pack is for).
    public var highlight: String?
    /// What the value axis title adds: the method and the denominator's period.
    public var axisNote: String?

    /// The value axis title: the statistic's label, with the method and period when known.
    var valueAxisTitle: String {
        (valueLabel ?? language.word(value)) + (axisNote.map { " (\($0))" } ?? "")
    }

    /// The title of a chart's slide: the one given, else what the value is (a Likert chart's
    /// percentages, a trend's column, a rate's statistic).
    public var deckTitle: String {
        if let title { return title }
        switch kind {
        case .likert: return language.word("percent")
        case .trend: return valueLabel ?? language.word(value)
        default: return valueLabel ?? language.word("rate")
        }
    }

    /// What the value is, when the data says (a result's `statistic`, e.g. "services per 1000
    /// listed_patients"), in place of the generic label of the value column.
    public var valueLabel: String?

    /// Creates a spec.
    public init(kind: Kind, category: String, value: String, denominator: String? = nil) {
        self.kind = kind
        self.category = category
        self.value = value
        self.denominator = denominator
    }
}

/// The languages chart labels come in.
public enum ChartLanguage: String, Sendable {
    /// Danish (the default for cluster meetings).
    case danish = "da"
    /// English.
    case english = "en"

    /// A label in this language.
    public func word(_ key: String) -> String {
        let danish: [String: String] = [
            "rate": "Ydelser pr. 1000 sikrede", "group_rate": "Klynge", "overall_rate": "Region", "target": "Gennemsnit",
            "limits95": "95 % kontrolgrænser", "limits998": "99,8 % kontrolgrænser", "named": "Afviger signifikant (99,8 %)", "denominator": "Sikrede", "source": "Kilde",
            "interval": "95 % konfidensinterval", "suppressed": "Tal under 5 er skjult (<5)", "proportion": "Andel",
            "percent": "Procent af besvarelser", "unit": "Praksis", "dontknow": "Ved ikke", "baseline": "Før", "followup": "Efter", "period": "Periode",
            "ratio": "Standardiseret ratio (observeret/forventet)", "expected": "Forventet antal",
        ]
        let english: [String: String] = [
            "rate": "Services per 1,000 listed patients", "group_rate": "Cluster", "overall_rate": "Region", "target": "Average",
            "limits95": "95% control limits", "limits998": "99.8% control limits", "named": "Significantly different (99.8%)", "denominator": "Listed patients", "source": "Source",
            "interval": "95% confidence interval", "suppressed": "Counts under 5 are hidden (<5)", "proportion": "Proportion",
            "percent": "Percent of answers", "unit": "Practice", "dontknow": "Don't know", "baseline": "Baseline", "followup": "Follow-up", "period": "Period",
            "ratio": "Standardised ratio (observed/expected)", "expected": "Expected count",
        ]
        return (self == .danish ? danish : english)[key] ?? key
    }

    /// A result's `statistic` ("services per 1000 listed_patients", "answers of invited", "observed /
    /// expected expected per 100") in this language's words; column names stay as they are.
    public func statistic(_ text: String) -> String {
        guard self == .danish else { return text }
        return text.replacingOccurrences(of: " / expected ", with: " / forventet ")
            .replacingOccurrences(of: " per ", with: " pr. ").replacingOccurrences(of: " of ", with: " af ")
    }

    /// A number as this language writes it (decimal comma in Danish).
    func number(_ v: Double, digits: Int = 1) -> String {
        let s = NumberFormat.rounded(v, digits: digits)
        return self == .danish ? s.replacingOccurrences(of: ".", with: ",") : s
    }
}
