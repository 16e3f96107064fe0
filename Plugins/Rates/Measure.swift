import PluginKit
import Statistics
import Tabular

/// A rate (events per M of a denominator), a proportion (x of n, times M) or a standardised
/// ratio (observed over expected, times M) per row, with limits at each confidence level (95% and
/// 99.8% unless `confidence …` says otherwise).
///
/// Rates: value x/n·M; limits are exact Poisson below 10 events and Byar's from 10, scaled by
/// M/n (phe_rate); `method exact` or `method byar` uses one method for every count. Ratios: the
/// same with the expected count as n (phe_isr's limits of O/E). Proportions: Wilson score limits
/// (phe_proportion); 0/n and n/n are valid.
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
    let levels: ConfidenceLevels
    var value: [Double?] = []
    /// The lower and upper limits, one array per level.
    var lower: [[Double?]]
    var upper: [[Double?]]
    var method: [String?] = []
    /// The numerators and denominators used (nil where either is missing), for pooling.
    var numerators: [Double?] = []
    var denominators: [Double?] = []

    /// The name of the value column: "rate", "proportion" or "ratio".
    var valueName: String { kind.rawValue }

    /// Computes the statistic for every row of x and n; `poisson` forces one method for rates and ratios.
    init(kind: Kind, x: Column, n: Column, multiplier: Double, xLabel: String, nLabel: String,
         levels: ConfidenceLevels = .standard, poisson: PoissonInterval.Method? = nil) throws(StageError) {
        self.kind = kind
        self.multiplier = multiplier
        self.levels = levels
        lower = levels.percents.map { _ in [] }
        upper = lower
        guard multiplier > 0 else { throw StageError("the multiplier must be positive, not \(NumberFormat.plain(multiplier))", argument: "per") }
        for i in 0..<x.count {
            guard let xi = x.value(at: i).doubleValue, let ni = n.value(at: i).doubleValue else {
                append(nil, [], nil)
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
                let intervals = levels.fractions.map { c -> PoissonInterval in
                    switch poisson {
                    case .exact?: return PoissonInterval.exact(events: xi, confidence: c)
                    case .byar?: return PoissonInterval.byar(events: xi, confidence: c)
                    case nil: return PoissonInterval(events: xi, confidence: c)
                    }
                }
                append(xi * scale, intervals.map { ($0.lower * scale, $0.upper * scale) }, intervals[0].method.rawValue)
            case .proportion:
                if xi > ni {
                    throw StageError("row \(i + 1): \(xLabel) (\(NumberFormat.plain(xi))) is larger than \(nLabel) (\(NumberFormat.plain(ni)))", argument: "")
                }
                let intervals = levels.fractions.map { WilsonInterval(successes: xi, trials: ni, confidence: $0) }
                append(xi / ni * multiplier, intervals.map { ($0.lower * multiplier, $0.upper * multiplier) }, "wilson")
            }
        }
    }

    private mutating func append(_ v: Double?, _ limits: [(Double, Double)], _ m: String?) {
        value.append(v)
        for k in lower.indices {
            lower[k].append(limits.isEmpty ? nil : limits[k].0)
            upper[k].append(limits.isEmpty ? nil : limits[k].1)
        }
        method.append(m)
    }

    /// The pooled value over the rows picked: Σx / Σn · M (nil when no row counts).
    func pooled(_ rows: [Int]) -> Double? {
        var x = 0.0, n = 0.0
        for r in rows { if let xi = numerators[r], let ni = denominators[r] { x += xi; n += ni } }
        return n > 0 ? x / n * multiplier : nil
    }

    /// Fingertips' rule: higher when the interval at the first level (95% by default) lies above
    /// the benchmark, lower when below.
    func comparison(_ row: Int, against benchmark: Double?) -> String? {
        guard let benchmark, let lower = lower[0][row], let upper = upper[0][row] else { return nil }
        if lower > benchmark { return "higher" }
        if upper < benchmark { return "lower" }
        return "similar"
    }

    /// The limit columns, lower then upper per level.
    var limitColumns: [Column] {
        let names = levels.names()
        return levels.percents.indices.flatMap { k in [decimal(names[2 * k], lower[k]), decimal(names[2 * k + 1], upper[k])] }
    }

    /// The columns this statistic adds.
    func columns(statistic: String) -> [Column] {
        [decimal(valueName, value)] + limitColumns + [text("method", method), text("statistic", value.map { _ in statistic })]
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

    /// The statistic of any form, computed for every row at the stage's confidence levels.
    static func measure(_ arguments: Arguments) throws(StageError) -> Measure {
        let kind: Measure.Kind = arguments.columns["of"] != nil ? .proportion : arguments.columns["expected"] != nil ? .ratio : .rate
        let key = denominatorKey(kind)
        let poisson = arguments.numbers["method"].map { Int($0) == 0 ? PoissonInterval.Method.byar : .exact }
        return try Measure(kind: kind, x: arguments.columns[""]!, n: arguments.columns[key]!, multiplier: arguments.numbers["per"] ?? 1,
                           xLabel: arguments.labels[""] ?? "X", nLabel: arguments.labels[key] ?? "N",
                           levels: try ConfidenceLevels.from(arguments), poisson: poisson)
    }

    /// `method byar|exact`: one Poisson method for every count (rates and ratios).
    static let method = Parameter.choice(keyword: "method", ["byar", "exact"])

    /// The parameters of the three forms, for stages that take them all (compare, funnel), with
    /// the confidence levels and the Poisson method.
    static let parameters = [Parameter(keyword: nil, placeholder: "X"), Parameter(keyword: "of", placeholder: "N"),
                             Parameter(keyword: "expected", placeholder: "E"),
                             Parameter(keyword: "per", takesNumber: true, expressionOptional: true, placeholder: "M [N]"),
                             ConfidenceLevels.parameter, method]

    /// The columns a measure of the kind adds, at the levels its arguments give.
    static func fields(_ kind: Measure.Kind, _ shapes: ArgumentShapes) throws(StageError) -> [Field] {
        if shapes.has("method"), kind == .proportion {
            throw StageError("method byar|exact is for rates and ratios; proportions use Wilson limits", argument: "method")
        }
        return [Field(kind.rawValue, .decimal, role: .statistic)] + (try ConfidenceLevels.from(shapes)).fields()
            + [Field("method", .text, role: .note), Field("statistic", .text, role: .note)]
    }

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
