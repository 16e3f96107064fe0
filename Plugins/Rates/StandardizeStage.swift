import PluginKit
import Statistics
import Tabular

/// `standardize X per M N age A [by G] [weight W] [indirect]`: age-standardised figures, one row
/// per group, from one row per group and age band.
///
/// Direct (default): the DSR with Dobson limits, weights from the European Standard Population
/// 2013 (19 bands, A's labels such as "0-4" … "90+") or from a column W the user joined in; not
/// reported below 10 events. `limits gamma`: Fay and Feuer's gamma limits instead (sava, the US
/// NCI), reported for any count. `frequency F`: the events are not independent (a person can have
/// several); each row then gives the persons X with F events, and the limits use PHE's variance
/// for that case (`phe_dsr(independent_events = FALSE)`). `indirect`: the standardised ratio
/// O/E·M, E from the age-band rates of all rows (the whole region as reference), exact or Byar
/// limits of O over E. Limits at 95% and 99.8%, or at the levels of `confidence`.
enum StandardizeStage {
    static let stage = Stage(
        name: "standardize", usage: "standardize X per M N age A [by G] [weight W] [frequency F] [limits dobson|gamma] [indirect] [confidence L, …]",
        summary: "One row per group: directly standardised rate (ESP 2013 or your weights, Dobson limits, none below 10 events) or, with indirect, the standardised ratio O/E with exact/Byar limits.",
        example: "billing | where service_code in (\"0130\", \"0421\") | derive band = \"70-74\" | summarize services = sum(count) by practice_id, band | join practices on practice_id | standardize services per 100000 listed_patients age band by cluster",
        parameters: [Parameter(keyword: nil, placeholder: "X"), Parameter(keyword: "per", takesNumber: true, placeholder: "M N"),
                     Parameter(keyword: "age", placeholder: "A"), Parameter(keyword: "by", placeholder: "G"),
                     Parameter(keyword: "weight", placeholder: "W"), Parameter(keyword: "indirect", takesExpression: false, placeholder: ""),
                     Parameter(keyword: "frequency", placeholder: "F"), Parameter.choice(keyword: "limits", ["dobson", "gamma"]), ConfidenceLevels.parameter],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            guard shapes.numbers["per"] != nil, shapes.types["per"] != nil else {
                throw StageError("standardize needs a multiplier and a denominator: standardize X per M N age A", argument: "per")
            }
            guard shapes.types["age"] != nil else {
                throw StageError("standardize needs the age-band column: … age A", argument: "*", suggestion: "e.g. standardize deaths per 100000 population age age_band by cluster")
            }
            try requireNumeric(shapes, [("", "the count X"), ("per", "the denominator N")])
            if shapes.has("weight") {
                if shapes.has("indirect") { throw StageError("weight is for direct standardisation; leave it out with indirect", argument: "weight") }
                try requireNumeric(shapes, [("weight", "the standard population W")])
            }
            for key in ["frequency", "limits"] where shapes.has(key) && shapes.has("indirect") {
                throw StageError("\(key) is for direct standardisation; leave it out with indirect", argument: key)
            }
            if shapes.has("frequency") { try requireNumeric(shapes, [("frequency", "the event count per person F")]) }
            let levels = try ConfidenceLevels.from(shapes)
            var out: [Field] = []
            if let g = shapes.types["by"] { out.append(Field(groupName(shapes.labels["by"]), g, role: .label)) }
            if shapes.has("indirect") {
                out += [Field("observed", .decimal, role: .count), Field("expected", .decimal, role: .pooled), Field("ratio", .decimal, role: .statistic)]
            } else {
                out += [Field("observed", .decimal, role: .count), Field("population", .decimal, role: .denominator), Field("dsr", .decimal, role: .statistic)]
            }
            out += levels.fields() + [Field("method", .text, role: .note), Field("statistic", .text, role: .note), Field("notes", .text, role: .note)]
            return out
        },
        run: { (table, arguments) throws(StageError) -> Table in
            try Standardize(table: table, arguments: arguments).result()
        })
}

extension StandardizeStage {
    /// In a database: sums of X and N per group, band (and weight), so one row per group and band
    /// comes back. With `frequency` the band's population is repeated on each row rather than
    /// summed, so it is a key too and only X is summed.
    static let split: @Sendable (ArgumentShapes) -> StageSplit? = { shapes in
        let keys = ["by", "age", "weight"].filter { shapes.types[$0] != nil }
        if shapes.types["frequency"] != nil { return .sums(keys: keys + ["frequency", "per"], sums: [""]) }
        return .sums(keys: keys, sums: ["", "per"])
    }
}

/// The work of one `standardize` call.
struct Standardize {
    let table: Table
    let arguments: Arguments
    let multiplier: Double
    let indirect: Bool
    let levels: ConfidenceLevels
    let limits: Standardisation.DirectLimits

    init(table: Table, arguments: Arguments) throws(StageError) {
        self.table = table
        self.arguments = arguments
        self.multiplier = arguments.numbers["per"]!
        self.indirect = arguments.numbers["indirect"] != nil
        self.levels = try ConfidenceLevels.from(arguments)
        self.limits = arguments.numbers["limits"] == 1 ? .gamma : .dobson
    }

    /// Per group and band: summed events and population, and the band's standard weight.
    struct Band {
        var events = 0.0
        var population = 0.0
        var weight = 0.0
        /// Whether a row of this band had no count (it counts as 0 in the totals).
        var missing = false
        /// With `frequency`: the band's persons by their number of events.
        var persons: [(count: Double, persons: Double)] = []
    }

    func result() throws(StageError) -> Table {
        let x = arguments.columns[""]!, n = arguments.columns["per"]!, age = arguments.columns["age"]!
        let groups = arguments.columns["by"], weights = arguments.columns["weight"], frequency = arguments.columns["frequency"]
        let xLabel = arguments.labels[""] ?? "X", nLabel = arguments.labels["per"] ?? "N"
        var order: [Value] = []
        var bands: [Value: [Value: Band]] = [:]
        var reference: [Value: (events: Double, population: Double)] = [:]
        for r in 0..<table.rowCount {
            let key = groups?.value(at: r) ?? .null
            let band = age.value(at: r)
            if bands[key] == nil { order.append(key); bands[key] = [:] }
            var entry = bands[key]![band] ?? Band()
            guard let ni = n.value(at: r).doubleValue else { continue }
            if ni <= 0 { throw StageError("row \(r + 1): \(nLabel) is \(NumberFormat.plain(ni)); the denominator must be positive", argument: "per") }
            if let frequency {
                // One row per band and event count: X persons had F events each; the band's population is given on every row.
                guard let f = frequency.value(at: r).doubleValue, f >= 0 else {
                    throw StageError("row \(r + 1): the number of events per person is missing or negative", argument: "frequency")
                }
                if !entry.persons.isEmpty, entry.population != ni {
                    throw StageError("row \(r + 1): the age band '\(band)' has two populations (\(NumberFormat.plain(entry.population)) and \(NumberFormat.plain(ni))); with frequency, each band's population is repeated on its rows",
                                     argument: "per")
                }
                // As PHE: no persons given for an event count means none (na.zero), not a missing band.
                let persons = x.value(at: r).doubleValue ?? 0
                if persons < 0 { throw StageError("row \(r + 1): \(xLabel) is \(NumberFormat.plain(persons)); a count cannot be negative", argument: "") }
                entry.persons.append((f, persons))
                entry.events += f * persons
                entry.population = ni
            } else if let xi = x.value(at: r).doubleValue {
                if xi < 0 { throw StageError("row \(r + 1): \(xLabel) is \(NumberFormat.plain(xi)); a count cannot be negative", argument: "") }
                entry.events += xi
                reference[band, default: (0, 0)].events += xi
            } else {
                entry.missing = true
            }
            if frequency == nil {
                entry.population += ni
                reference[band, default: (0, 0)].population += ni
            }
            if !indirect {
                if let weights {
                    guard let w = weights.value(at: r).doubleValue, w >= 0 else {
                        throw StageError("row \(r + 1): the standard population weight is missing or negative", argument: "weight")
                    }
                    entry.weight = w
                } else {
                    let label = band.description
                    guard let index = Standardisation.esp2013Band(label) else {
                        throw StageError("row \(r + 1): the age band '\(label)' is not one of the European Standard Population 2013's 19 bands (0-4 … 85-89, 90+)",
                                         argument: "age", suggestion: "join your own standard population and give it with weight W")
                    }
                    entry.weight = Standardisation.esp2013[index]
                }
            }
            bands[key]![band] = entry
        }
        if groups != nil { order.sort { $0.description < $1.description } }
        var rows: [[Value]] = []
        let per = NumberFormat.plain(multiplier)
        for key in order {
            let list = Array(bands[key]!.values)
            var row: [Value] = groups != nil ? [key] : []
            // As PHEindicatormethods: a band without a count adds 0 to the totals, which are still
            // reported; only the standardised figure and its limits need every band's count.
            let observed = list.reduce(0) { $0 + $1.events }
            let missingBands = list.filter(\.missing).count
            let notes: Value = missingBands == 0 ? .null
                : .text("\(missingBands) age band\(missingBands == 1 ? "" : "s") without a count: counted as 0 in observed; \(indirect ? "the ratio" : "the DSR") needs every band's count")
            let none = [Value](repeating: .null, count: 1 + 2 * levels.percents.count)
            let missingStatistic: [Value] = none + [.text("not reported: a count is missing")]
            if indirect {
                var expected = 0.0
                for (band, entry) in bands[key]! {
                    let ref = reference[band]!
                    expected += entry.population * (ref.population > 0 ? ref.events / ref.population : 0)
                }
                if missingBands > 0 {
                    row += [.decimal(observed), .decimal(expected)] + missingStatistic
                } else if expected > 0 {
                    let s = multiplier / expected
                    let intervals = levels.fractions.map { PoissonInterval(events: observed, confidence: $0) }
                    row += [.decimal(observed), .decimal(expected), .decimal(observed * s)]
                        + intervals.flatMap { [Value.decimal($0.lower * s), .decimal($0.upper * s)] } + [.text(intervals[0].method.rawValue)]
                } else {
                    row += [.decimal(observed), .decimal(expected)] + none + [.text("not reported: no expected events")]
                }
            } else {
                let population = list.reduce(0) { $0 + $1.population }
                if missingBands > 0 {
                    row += [.decimal(observed), .decimal(population)] + missingStatistic
                } else {
                    let variance = frequency == nil ? nil : Self.dependentVariance(list)
                    let dsr = Standardisation.directRate(events: list.map(\.events), population: list.map(\.population), weights: list.map(\.weight),
                                                         multiplier: multiplier, confidences: levels.fractions, limits: limits, variance: variance)
                    let method = limits == .gamma ? "fay-feuer (gamma)" : frequency == nil ? "dobson" : "dobson, adjusted for non-independent events"
                    row += [.decimal(observed), .decimal(population), dsr.value.map(Value.decimal) ?? .null]
                        + (dsr.value == nil ? [Value](repeating: .null, count: 2 * levels.percents.count) : dsr.limits.flatMap { [Value.decimal($0.0), .decimal($0.1)] })
                        + [.text(dsr.value == nil ? "not reported: fewer than 10 events" : method)]
                }
            }
            row += [.text(statisticLabel(per)), notes]
            rows.append(row)
        }
        var names = indirect ? ["observed", "expected", "ratio"] : ["observed", "population", "dsr"]
        names += levels.names() + ["method", "statistic", "notes"]
        var types = [DataType](repeating: .decimal, count: 3 + 2 * levels.percents.count) + [.text, .text, .text]
        if let groups { names.insert(groupName(arguments.labels["by"]), at: 0); types.insert(groups.type, at: 0) }
        return Table.from(names: names, types: types, rows: rows)
    }

    /// PHE's variance of a DSR whose events are not independent: per event count f, the variance
    /// of the persons with f events (over the bands where some have), times f², summed.
    static func dependentVariance(_ bands: [Band]) -> Double {
        var byCount: [Double: (squares: Double, weights: Double)] = [:]
        for band in bands {
            for p in band.persons {
                byCount[p.count, default: (0, 0)].squares += p.persons * (band.weight / band.population) * (band.weight / band.population)
                byCount[p.count, default: (0, 0)].weights += band.weight
            }
        }
        return byCount.reduce(0) { sum, entry in
            let (f, v) = entry
            return sum + f * f * v.squares / (v.weights * v.weights)
        }
    }

    func statisticLabel(_ per: String) -> String {
        let x = arguments.labels[""] ?? "X", n = arguments.labels["per"] ?? "N"
        if indirect { return "indirectly standardised ratio of \(x) (× \(per)), reference: all rows' age-band rates" }
        let standard = arguments.labels["weight"].map { "standard population \($0)" } ?? "European Standard Population 2013"
        return "directly standardised \(x) per \(per) \(n), \(standard)"
    }
}
