import PluginKit
import Statistics
import Tabular

/// A rate (events per M of a denominator), a proportion (x of n, times M) or a standardised
/// ratio (observed over expected, times M) per row, with 95% and 99.8% limits.
///
/// Rates: value x/n·M; limits are exact Poisson below 10 events and Byar's from 10, scaled by
/// M/n (phe_rate). Ratios: the same with the expected count as n (phe_isr's limits of O/E). Proportions: Wilson score limits (phe_proportion); 0/n and n/n are valid.
/// A missing numerator or denominator gives missing results (not an error); a negative count,
/// a non-positive denominator or x > n for a proportion is an error naming the row.
struct Measure {
    /// Which statistic.
    enum Kind: String {
        /// Events per M of a denominator.
        case rate
        /// A proportion x of n.
        case proportion
        /// A standardised ratio: observed x over expected e (e.g. from `standardize … indirect`).
        case ratio
    }

    let kind: Kind
    let multiplier: Double
    var value: [Double?] = []
    var lower95: [Double?] = []
    var upper95: [Double?] = []
    var lower998: [Double?] = []
    var upper998: [Double?] = []
    var method: [String?] = []
    /// The numerators and denominators used (nil where either is missing), for pooling.
    var numerators: [Double?] = []
    var denominators: [Double?] = []

    /// The name of the value column: "rate", "proportion" or "ratio".
    var valueName: String { kind.rawValue }

    /// Computes the statistic for every row of x and n.
    init(kind: Kind, x: Column, n: Column, multiplier: Double, xLabel: String, nLabel: String) throws(StageError) {
        self.kind = kind
        self.multiplier = multiplier
        guard multiplier > 0 else { throw StageError("the multiplier must be positive, not \(NumberFormat.plain(multiplier))", argument: "per") }
        for i in 0..<x.count {
            guard let xi = x.value(at: i).doubleValue, let ni = n.value(at: i).doubleValue else {
                append(nil, nil, nil, nil, nil, nil)
                numerators.append(nil)
                denominators.append(nil)
                continue
            }
            if xi < 0 {
                throw StageError("row \(i + 1): \(xLabel) is \(NumberFormat.plain(xi)); a count cannot be negative", argument: "",
                                 suggestion: "reversals belong in the sum: summarize … sum(count) before computing rates")
            }
            if ni <= 0 {
                let what = kind == .ratio ? "the expected count" : "the denominator"
                throw StageError("row \(i + 1): \(nLabel) is \(NumberFormat.plain(ni)); \(what) must be positive",
                                 argument: MeasureForm.denominatorKey(kind), suggestion: "leave out rows without one with where \(nLabel) > 0")
            }
            numerators.append(xi)
            denominators.append(ni)
            switch kind {
            case .rate, .ratio:
                let scale = multiplier / ni
                let ci95 = PoissonInterval(events: xi, confidence: 0.95)
                let ci998 = PoissonInterval(events: xi, confidence: 0.998)
                append(xi * scale, ci95.lower * scale, ci95.upper * scale, ci998.lower * scale, ci998.upper * scale, ci95.method.rawValue)
            case .proportion:
                if xi > ni {
                    throw StageError("row \(i + 1): \(xLabel) (\(NumberFormat.plain(xi))) is larger than \(nLabel) (\(NumberFormat.plain(ni)))", argument: "")
                }
                let ci95 = WilsonInterval(successes: xi, trials: ni, confidence: 0.95)
                let ci998 = WilsonInterval(successes: xi, trials: ni, confidence: 0.998)
                append(xi / ni * multiplier, ci95.lower * multiplier, ci95.upper * multiplier, ci998.lower * multiplier,
                       ci998.upper * multiplier, "wilson")
            }
        }
    }

    private mutating func append(_ v: Double?, _ l95: Double?, _ u95: Double?, _ l998: Double?, _ u998: Double?, _ m: String?) {
        value.append(v)
        lower95.append(l95)
        upper95.append(u95)
        lower998.append(l998)
        upper998.append(u998)
        method.append(m)
    }

    /// The pooled value over the rows picked: Σx / Σn · M (nil when no row counts).
    func pooled(_ rows: [Int]) -> Double? {
        var x = 0.0, n = 0.0
        for r in rows { if let xi = numerators[r], let ni = denominators[r] { x += xi; n += ni } }
        return n > 0 ? x / n * multiplier : nil
    }

    /// Fingertips' rule: higher when the 95% interval lies above the benchmark, lower when below.
    func comparison(_ row: Int, against benchmark: Double?) -> String? {
        guard let benchmark, let lower = lower95[row], let upper = upper95[row] else { return nil }
        if lower > benchmark { return "higher" }
        if upper < benchmark { return "lower" }
        return "similar"
    }

    /// The columns this statistic adds.
    func columns(statistic: String) -> [Column] {
        [decimal(valueName, value), decimal("lower95", lower95), decimal("upper95", upper95), decimal("lower998", lower998),
         decimal("upper998", upper998), text("method", method), text("statistic", value.map { _ in statistic })]
    }
}

/// A decimal column from optional values.
func decimal(_ name: String, _ values: [Double?]) -> Column {
    Column(name: name, data: .decimal(values.map { $0 ?? 0 }), validity: values.map { $0 != nil })
}

/// A text column from optional values.
func text(_ name: String, _ values: [String?]) -> Column {
    Column.from(name: name, type: .text, values: values.map { $0.map(Value.text) ?? .null })
}

/// The input's columns with new ones added; a new column replaces an input column of the same name.
func merge(_ input: [Field], _ added: [Field]) -> [Field] {
    var out = input.filter { f in !added.contains { $0.name == f.name } }
    out.append(contentsOf: added)
    return out
}

/// The input table with new columns added (replacing any of the same name).
func merge(_ input: Table, _ added: [Column]) -> Table {
    var columns = input.columns.filter { c in !added.contains { $0.name == c.name } }
    columns.append(contentsOf: added)
    return Table(columns: columns, rowCount: input.rowCount)
}

/// Checks that the arguments under the keys are numbers.
func requireNumeric(_ shapes: ArgumentShapes, _ keys: [(String, String)]) throws(StageError) {
    for (key, what) in keys {
        guard let type = shapes.types[key] else { throw StageError("\(what) is missing", argument: key) }
        guard type.isNumeric else { throw StageError("\(what) must be a number, not \(type)", argument: key) }
    }
}

/// The three ways a stage can be given its statistic: `X per M N` (a rate), `X of N [per M]` (a
/// proportion) or `X expected E [per M]` (a standardised ratio, whose benchmark is 1·M).
enum MeasureForm {
    /// The argument key that holds the denominator of a kind.
    static func denominatorKey(_ kind: Measure.Kind) -> String {
        switch kind {
        case .rate: "per"
        case .proportion: "of"
        case .ratio: "expected"
        }
    }

    /// Checks the arguments of any form; returns which statistic they give.
    static func check(_ shapes: ArgumentShapes, stage: String) throws(StageError) -> Measure.Kind {
        guard shapes.has("of") || shapes.has("expected") else {
            guard shapes.numbers["per"] != nil, shapes.types["per"] != nil else {
                throw StageError("\(stage) needs 'per M N' for rates or 'of N' for proportions", argument: "per",
                                 suggestion: "e.g. \(stage) services per 1000 listed_patients")
            }
            try requireNumeric(shapes, [("", "the count X"), ("per", "the denominator N")])
            return .rate
        }
        if shapes.has("of") && shapes.has("expected") {
            throw StageError("write either 'X of N' or 'X expected E', not both", argument: "expected")
        }
        let kind: Measure.Kind = shapes.has("of") ? .proportion : .ratio
        let key = denominatorKey(kind)
        if shapes.types["per"] != nil {
            throw StageError("write either 'X \(key) \(kind == .ratio ? "E" : "N") [per M]' or 'X per M N', not both", argument: "per")
        }
        try requireNumeric(shapes, [("", kind == .ratio ? "the observed count X" : "the count X"),
                                    (key, kind == .ratio ? "the expected count E" : "the total N")])
        return kind
    }

    /// The statistic of any form, computed for every row.
    static func measure(_ arguments: Arguments) throws(StageError) -> Measure {
        let kind: Measure.Kind = arguments.columns["of"] != nil ? .proportion : arguments.columns["expected"] != nil ? .ratio : .rate
        let key = denominatorKey(kind)
        return try Measure(kind: kind, x: arguments.columns[""]!, n: arguments.columns[key]!, multiplier: arguments.numbers["per"] ?? 1,
                           xLabel: arguments.labels[""] ?? "X", nLabel: arguments.labels[key] ?? "N")
    }

    /// The parameters of the three forms, for stages that take them all (compare, funnel).
    static let parameters = [Parameter(keyword: nil, placeholder: "X"), Parameter(keyword: "of", placeholder: "N"),
                             Parameter(keyword: "expected", placeholder: "E"),
                             Parameter(keyword: "per", takesNumber: true, expressionOptional: true, placeholder: "M [N]")]

    /// The columns a measure of the kind adds.
    static func fields(_ kind: Measure.Kind) -> [Field] { MeasureFields.names(kind.rawValue) }

    /// How the statistic reads in the `statistic` column: "services per 1000 listed_patients",
    /// "answers of invited per 100", "observed / expected per 100".
    static func statistic(_ measure: Measure, _ arguments: Arguments) -> String {
        let x = arguments.labels[""] ?? "X", n = arguments.labels[denominatorKey(measure.kind)] ?? "N"
        let per = measure.multiplier == 1 ? "" : " per \(NumberFormat.plain(measure.multiplier))"
        switch measure.kind {
        case .rate: return "\(x) per \(NumberFormat.plain(measure.multiplier)) \(n)"
        case .proportion: return "\(x) of \(n)" + per
        case .ratio: return "\(x) / expected \(n)" + per
        }
    }
}
