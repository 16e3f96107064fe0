import Foundation
import Testing
import Shell
import Statistics
import Tabular

/// The methods of issue 17 against PHEindicatormethods' published values (its
/// tests/testthat/testdata_*.xlsx, copied unchanged into Fixtures/ as phe-testdata_*.xlsx and read
/// with klynge's own workbook loader), and where no published values exist against the formulas
/// implemented again here, independently of the plugin, at 95%, 99.8% and 90%.
@Suite struct ReferenceMethodTests {
    static func workbook(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/phe-\(name)", withExtension: "xlsx")).path
    }

    /// A session with one sheet of a PHE workbook loaded as `phe`.
    func session(_ book: String, sheet: String) throws -> Session {
        let session = demoSession()
        let errors = session.execute("load phe \"\(try Self.workbook(book))\" sheet \"\(sheet)\"").compactMap { if case .error(let d, _) = $0 { return d.message } else { return nil } }
        try #require(errors.isEmpty, "\(errors)")
        return session
    }

    static func close(_ a: Double?, _ b: Double?, _ tolerance: Double = 1e-9) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test func ratesAtOneLevelMatchPHE() throws {
        let s = try session("testdata_Rate", sheet: "testdata_Rate_g")
        let t = try result("phe | where Numerator is not null and Denominator is not null | rate Numerator per 100000 Denominator confidence 95", s)
        #expect(t.rowCount == 9)
        #expect(t.columnNames.contains("lower95") && !t.columnNames.contains("lower998"))
        for r in 0..<t.rowCount {
            #expect(Self.close(t.doubles("rate")[r], t.doubles("value")[r]))
            #expect(Self.close(t.doubles("lower95")[r], t.doubles("lowercl")[r]), "row \(r)")
            #expect(Self.close(t.doubles("upper95")[r], t.doubles("uppercl")[r]), "row \(r)")
            #expect(t.texts("method")[r] == (t.doubles("Numerator")[r]! < 10 ? "exact" : "byar"))
        }
    }

    @Test func proportionsAtOneLevelMatchPHE() throws {
        let s = try session("testdata_Proportion", sheet: "testdata_Prop_g")
        let t = try result("phe | where Numerator is not null and Denominator is not null and Numerator <= Denominator | proportion Numerator of Denominator confidence 95", s)
        #expect(t.rowCount > 5)
        for r in 0..<t.rowCount {
            #expect(Self.close(t.doubles("lower95")[r], t.doubles("lowercl")[r]), "row \(r)")
            #expect(Self.close(t.doubles("upper95")[r], t.doubles("uppercl")[r]), "row \(r)")
        }
    }

    @Test func byarOnRequestMatchesPHE() throws {
        let s = try session("testdata_Byars_Wilson", sheet: "testdata_B_W")
        // PHE's Byar rows at 99.8% (x = 10 is below PHE's default switch, so only `method byar` gives these).
        let t = try result("phe | where method == \"Byars\" and confidence == \"99.8%\" and x >= 10 | derive n = 1 | rate x per 1 n confidence 99.8 method byar", s)
        #expect(t.rowCount == 3)
        for r in 0..<t.rowCount {
            #expect(Self.close(t.doubles("lower998")[r], t.doubles("lowercl")[r]))
            #expect(Self.close(t.doubles("upper998")[r], t.doubles("uppercl")[r]))
            #expect(t.texts("method")[r] == "byar")
        }
        let exact = try result("phe | where x == 10 and confidence == \"99.8%\" | derive n = 1 | rate x per 1 n method exact", s)
        #expect(exact.texts("method") == ["exact"])
    }

    @Test func meansMatchPHE() throws {
        let s = try session("testdata_Mean", sheet: "testdata_Mean")
        let expected = try result("load results \"\(try Self.workbook("testdata_Mean"))\" sheet \"testdata_Mean_results\"\nresults | where area != \"No grouping\" | sort area", s)
        let t = try result("phe | where area is not null | mean values by area", s)
        #expect(t.rowCount == expected.rowCount)
        for r in 0..<t.rowCount {
            #expect(t.texts("area")[r] == expected.texts("area")[r])
            #expect(Self.close(t.doubles("mean")[r], expected.doubles("value")[r]))
            #expect(Self.close(t.doubles("sd")[r], expected.doubles("stdev")[r]))
            #expect(t.doubles("n")[r] == expected.doubles("value_count")[r])
            for (ours, theirs) in [("lower95", "lower95_0cl"), ("upper95", "upper95_0cl"), ("lower998", "lower99_8cl"), ("upper998", "upper99_8cl")] {
                #expect(Self.close(t.doubles(ours)[r], expected.doubles(theirs)[r]), "\(ours) row \(r)")
            }
        }
        // PHE's ungrouped row: all values at once.
        let all = try result("phe | mean values", s)
        let whole = try result("results | where area == \"No grouping\"", s)
        #expect(Self.close(all.doubles("mean")[0], whole.doubles("value")[0]) && Self.close(all.doubles("upper998")[0], whole.doubles("upper99_8cl")[0]))
        // A group of one: the mean, no sd and no limits, and a note saying why.
        let one = try result("phe | take 1 | mean values confidence 90", s)
        #expect(one.doubles("sd") == [nil] && one.doubles("lower90") == [nil] && one.texts("notes")[0]?.contains("one value") == true)
    }

    /// PHE's non-independent events data (persons with 1–4 events per age band) in long form, with
    /// the ESP 2013 weights by band position (PHE's test passes the weights in order).
    func nonIndependent() throws -> Session {
        let s = try session("testdata_DSR_ISR", sheet: "testdata_nonindepe")
        let wide = s.datasets["phe"]!
        var rows: [[Value]] = []
        var position: [String: Int] = [:]
        for r in 0..<wide.rowCount {
            let area = wide.column("area")!.value(at: r).description
            let k = position[area, default: 0]
            position[area] = k + 1
            for f in 1...4 {
                rows.append([.text(area), .text(wide.column("ageband")!.value(at: r).description), wide.column("pop")!.value(at: r),
                             .integer(Int64(f)), wide.column("f\(f)")!.value(at: r), .decimal(Standardisation.esp2013[k])])
            }
        }
        s.define("long", Table.from(names: ["area", "band", "pop", "freq", "persons", "w"], types: [.text, .text, .integer, .integer, .integer, .decimal], rows: rows), origin: "test")
        return s
    }

    @Test func dsrsForNonIndependentEventsMatchPHE() throws {
        let s = try nonIndependent()
        let t = try result("long | standardize persons per 100000 pop age band by area weight w frequency freq", s)
        let published = try result("load results \"\(try Self.workbook("testdata_DSR_ISR"))\" sheet \"testresults_DSR\"\nresults | where method == \"Dobson, with confidence adjusted for non-independent events\" | sort area", s)
        #expect(t.rowCount == published.rowCount)
        for r in 0..<t.rowCount {
            #expect(t.texts("area")[r] == published.texts("area")[r])
            #expect(t.doubles("observed")[r] == published.doubles("total_count")[r])
            // PHE's sheet rounds these to 8 decimals.
            for (ours, theirs) in [("dsr", "value"), ("lower95", "lower95_0cl"), ("upper95", "upper95_0cl"), ("lower998", "lower99_8cl"), ("upper998", "upper99_8cl")] {
                #expect(Self.close(t.doubles(ours)[r], published.doubles(theirs)[r], 1e-9), "\(ours) \(published.texts("area")[r] ?? "")")
            }
        }
        #expect(t.texts("method").contains("dobson, adjusted for non-independent events"))
    }

    /// Fay and Feuer's gamma limits, written out here from the paper's formulas.
    static func fayFeuer(events x: [Double], population n: [Double], weights w: [Double], confidence: Double) -> (Double, Double, Double) {
        let total = w.reduce(0, +)
        let share = w.map { $0 / total }
        let y = zip(zip(x, n), share).reduce(0.0) { $0 + $1.0.0 / $1.0.1 * $1.1 }
        let v = zip(zip(x, n), share).reduce(0.0) { $0 + $1.0.0 / ($1.0.1 * $1.0.1) * $1.1 * $1.1 }
        let wm = zip(n, share).map { $1 / $0 }.max()!
        let a = 1 - confidence
        let lower = v / (2 * y) * Distributions.chiSquaredQuantile(a / 2, degreesOfFreedom: 2 * y * y / v)
        let upper = (v + wm * wm) / (2 * (y + wm)) * Distributions.chiSquaredQuantile(1 - a / 2, degreesOfFreedom: 2 * (y + wm) * (y + wm) / (v + wm * wm))
        return (y, lower, upper)
    }

    @Test(arguments: [95.0, 99.8, 90.0])
    func gammaLimitsFollowFayAndFeuer(level: Double) throws {
        let s = try session("testdata_DSR_ISR", sheet: "testdata_multiarea")
        let label = NumberFormat.plain(level)
        let t = try result("phe | standardize count per 100000 pop age ageband by area limits gamma confidence \(label)", s)
        let data = s.datasets["phe"]!
        for r in 0..<t.rowCount {
            let area = t.texts("area")[r]!
            let rows = (0..<data.rowCount).filter { data.column("area")!.value(at: $0).description == area }
            let bands = rows.map { data.column("ageband")!.value(at: $0).description }
            let weights = bands.map { Standardisation.esp2013Band($0).map { Standardisation.esp2013[$0] } ?? 0 }
            guard rows.allSatisfy({ !data.column("count")!.value(at: $0).isNull }) else {
                // PHE's tiny area misses a band's count: no standardised figure, whatever the method.
                #expect(t.doubles("dsr")[r] == nil)
                continue
            }
            let (y, lower, upper) = Self.fayFeuer(events: rows.map { data.column("count")!.value(at: $0).doubleValue! },
                                                  population: rows.map { data.column("pop")!.value(at: $0).doubleValue! },
                                                  weights: weights, confidence: level / 100)
            let suffix = label.replacingOccurrences(of: ".", with: "")
            #expect(Self.close(t.doubles("dsr")[r], y * 100000))
            #expect(Self.close(t.doubles("lower\(suffix)")[r], lower * 100000), "\(area)")
            #expect(Self.close(t.doubles("upper\(suffix)")[r], upper * 100000), "\(area)")
            #expect(t.texts("method")[r] == "fay-feuer (gamma)", "reported for any count, even below 10")
        }
    }

    @Test(arguments: [95.0, 99.8, 90.0])
    func levelsFollowTheFormulas(level: Double) throws {
        let c = level / 100, label = NumberFormat.plain(level), suffix = label.replacingOccurrences(of: ".", with: "")
        let s = small()
        let rates = try result("units | rate events per 1000 population confidence \(label)", s)
        for r in 0..<rates.rowCount {
            guard let x = rates.doubles("events")[r], let n = rates.doubles("population")[r] else { continue }
            // Exact below 10 (chi-squared), Byar from 10, written out again.
            let z = Distributions.normalQuantile(1 - (1 - c) / 2)
            let lower = x < 10 ? (x == 0 ? 0 : Distributions.chiSquaredQuantile((1 - c) / 2, degreesOfFreedom: 2 * x) / 2) : x * pow(1 - 1 / (9 * x) - z / (3 * x.squareRoot()), 3)
            let upper = x < 10 ? Distributions.chiSquaredQuantile(1 - (1 - c) / 2, degreesOfFreedom: 2 * x + 2) / 2 : (x + 1) * pow(1 - 1 / (9 * (x + 1)) + z / (3 * (x + 1).squareRoot()), 3)
            #expect(Self.close(rates.doubles("lower\(suffix)")[r], lower / n * 1000))
            #expect(Self.close(rates.doubles("upper\(suffix)")[r], upper / n * 1000))
        }
        let shares = try result("units | where events is not null | derive n = population / 100 | proportion events of n confidence \(label)", s)
        for r in 0..<shares.rowCount {
            let x = shares.doubles("events")[r]!, n = shares.doubles("n")[r]!, p = x / n
            let z = Distributions.normalQuantile(1 - (1 - c) / 2)
            let centre = 2 * n * p + z * z, spread = z * (z * z + 4 * n * p * (1 - p)).squareRoot(), denominator = 2 * (n + z * z)
            #expect(Self.close(shares.doubles("lower\(suffix)")[r], (centre - spread) / denominator))
            #expect(Self.close(shares.doubles("upper\(suffix)")[r], (centre + spread) / denominator))
        }
        let compared = try result("units | compare events per 1000 population within group confidence \(label)", s)
        #expect(compared.columnNames.contains("lower\(suffix)") && compared.columnNames.contains("vs_group"))
        let followed = try result("units | derive period = if(unit < \"C\", 1, 2) | followup events per 1000 population period period by unit confidence \(label)", s)
        #expect(followed.columnNames.contains("baseline_lower\(suffix)") && followed.columnNames.contains("followup_upper\(suffix)"))
        let funnel = try result("units | funnel events per 1000 population confidence \(label)", s)
        #expect(funnel.columnNames.contains("funnel_lower\(suffix)") && funnel.columnNames.contains("funnel_upper\(suffix)"))
    }

    /// Means and DSRs at another level than PHE publishes, against the formulas written out here.
    @Test func meansAndDobsonLimitsAtNinetyFollowTheFormulas() throws {
        let s = try session("testdata_Mean", sheet: "testdata_Mean")
        let t = try result("phe | where area == \"Area1\" | mean values confidence 90", s)
        let data = s.datasets["phe"]!
        let values = (0..<data.rowCount).filter { data.column("area")!.value(at: $0).description == "Area1" }.compactMap { data.column("values")!.value(at: $0).doubleValue }
        let n = Double(values.count), mean = values.reduce(0, +) / n
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        let half = Distributions.tQuantile(0.95, degreesOfFreedom: n - 1) * sd / n.squareRoot()
        #expect(Self.close(t.doubles("lower90")[0], mean - half) && Self.close(t.doubles("upper90")[0], mean + half))

        let d = try session("testdata_DSR_ISR", sheet: "testdata_multiarea")
        let dsr = try result("phe | where area == \"testdata_big\" | standardize count per 100000 pop age ageband confidence 90", d)
        let rows = (0..<d.datasets["phe"]!.rowCount).filter { d.datasets["phe"]!.column("area")!.value(at: $0).description == "testdata_big" }
        let big = d.datasets["phe"]!
        let x = rows.map { big.column("count")!.value(at: $0).doubleValue! }, pop = rows.map { big.column("pop")!.value(at: $0).doubleValue! }
        let w = rows.map { Standardisation.esp2013[Standardisation.esp2013Band(big.column("ageband")!.value(at: $0).description)!] }
        let sumW = w.reduce(0, +), o = x.reduce(0, +)
        let value = zip(zip(x, pop), w).reduce(0.0) { $0 + $1.0.0 / $1.0.1 * $1.1 } / sumW
        let variance = zip(zip(x, pop), w).reduce(0.0) { $0 + $1.0.0 * $1.1 * $1.1 / ($1.0.1 * $1.0.1) } / (sumW * sumW)
        // Dobson: the DSR moved by Byar's limits of the total count, scaled by √(var/O).
        let z = Distributions.normalQuantile(0.95)
        let byarLower = o * pow(1 - 1 / (9 * o) - z / (3 * o.squareRoot()), 3), byarUpper = (o + 1) * pow(1 - 1 / (9 * (o + 1)) + z / (3 * (o + 1).squareRoot()), 3)
        #expect(Self.close(dsr.doubles("dsr")[0], value * 100000))
        #expect(Self.close(dsr.doubles("lower90")[0], (value + (variance / o).squareRoot() * (byarLower - o)) * 100000))
        #expect(Self.close(dsr.doubles("upper90")[0], (value + (variance / o).squareRoot() * (byarUpper - o)) * 100000))
    }

    @Test func twoLevelsAndBadLevels() throws {
        let t = try result("units | rate events per 1000 population confidence 90, 99.8", small())
        #expect(Array(t.columnNames.suffix(6)) == ["lower90", "upper90", "lower998", "upper998", "method", "statistic"])
        #expect(firstError("units | rate events per 1000 population confidence 100", small())?.0 == "a confidence level is between 0 and 100 (exclusive), not 100")
        #expect(firstError("units | rate events per 1000 population confidence 0", small())?.0 == "a confidence level is between 0 and 100 (exclusive), not 0")
        #expect(firstError("units | rate events per 1000 population method byr", small())?.0 == "unknown value of 'method' 'byr'")
        #expect(firstError("units | proportion events of population method exact", small()) != nil)
    }

    /// funnelR's limits and Spiegelhalter's interpolated ones, written out again from their definitions.
    @Test(arguments: [95.0, 99.8, 90.0])
    func funnelVariantsFollowTheirReferences(level: Double) throws {
        let c = level / 100, label = NumberFormat.plain(level), suffix = label.replacingOccurrences(of: ".", with: "")
        let s = small()
        s.define("props", Table.from(names: ["unit", "x", "n"], types: [.text, .integer, .integer],
                                     rows: [[.text("A"), .integer(2), .integer(20)], [.text("B"), .integer(5), .integer(20)], [.text("C"), .integer(10), .integer(20)],
                                            [.text("D"), .integer(15), .integer(20)], [.text("E"), .integer(18), .integer(20)]]), origin: "test")
        let theta = 50.0 / 100.0
        let p = (1 - c) / 2
        let normal = try result("props | funnel x of n limits normal confidence \(label)", s)
        let binomial = try result("props | funnel x of n limits binomial confidence \(label)", s)
        let interpolated = try result("props | funnel x of n limits spiegelhalter confidence \(label)", s)
        for r in 0..<5 {
            let n = 20.0
            let spread = Distributions.normalQuantile(1 - p) * (theta * (1 - theta) / n).squareRoot()
            #expect(Self.close(normal.doubles("funnel_lower\(suffix)")[r], theta - spread))
            #expect(Self.close(normal.doubles("funnel_upper\(suffix)")[r], theta + spread))
            #expect(Self.close(binomial.doubles("funnel_lower\(suffix)")[r], Distributions.binomialQuantile(p, trials: n, probability: theta) / n))
            #expect(Self.close(binomial.doubles("funnel_upper\(suffix)")[r], Distributions.binomialQuantile(1 - p, trials: n, probability: theta) / n))
            // Spiegelhalter 2005, appendix: (r_p − α)/n with α interpolating the binomial step.
            func limit(_ q: Double) -> Double {
                let rp = Distributions.binomialQuantile(q, trials: n, probability: theta)
                let F = { (k: Double) in k < 0 ? 0 : Distributions.binomialProbability(k, trials: n, probability: theta) }
                return (rp - (F(rp) - q) / (F(rp) - F(rp - 1))) / n
            }
            #expect(Self.close(interpolated.doubles("funnel_lower\(suffix)")[r], limit(p)))
            #expect(Self.close(interpolated.doubles("funnel_upper\(suffix)")[r], limit(1 - p)))
        }
        // The interpolated Poisson limits of rates: the same with the Poisson count of mean θ·n.
        let rates = try result("units | where events is not null | funnel events per 1000 population limits spiegelhalter confidence \(label)", s)
        let average = 30.0 / 8000.0
        for r in 0..<rates.rowCount {
            let n = rates.doubles("population")[r]!, mean = average * n
            func limit(_ q: Double) -> Double {
                let rp = Distributions.poissonQuantile(q, mean: mean)
                let F = { (k: Double) in k < 0 ? 0 : Distributions.poissonProbability(k, mean: mean) }
                return (rp - (F(rp) - q) / (F(rp) - F(rp - 1))) / n * 1000
            }
            #expect(Self.close(rates.doubles("funnel_lower\(suffix)")[r], limit(p)))
            #expect(Self.close(rates.doubles("funnel_upper\(suffix)")[r], limit(1 - p)))
        }
        // A fixed target replaces the pooled one.
        let fixed = try result("props | funnel x of n limits normal target 0.4 confidence \(label)", s)
        #expect(fixed.doubles("target").allSatisfy { $0 == 0.4 })
    }

    /// FunnelPlotR's ratio-of-counts funnel, written out again from its source (od_adjustment.R, od_limits.R).
    @Test func countRatioFunnelsFollowFunnelPlotR() throws {
        let s = small()
        let pairs: [(Double, Double)] = [(30, 40), (55, 50), (12, 30), (80, 60), (25, 26), (60, 90), (44, 41), (9, 20), (70, 52), (33, 35)]
        s.define("counts", Table.from(names: ["unit", "x", "n"], types: [.text, .integer, .integer],
                                      rows: pairs.enumerated().map { [.text("U\($0.offset)"), .integer(Int64($0.element.0)), .integer(Int64($0.element.1))] }), origin: "test")
        let target = log(pairs.reduce(0) { $0 + $1.0 } / pairs.reduce(0) { $0 + $1.1 })
        let s2 = pairs.map { $0.0 / (($0.0 + 0.5) * ($0.0 + 0.5)) + $0.1 / (($0.1 + 0.5) * ($0.1 + 0.5)) }
        let od = Overdispersion(units: zip(pairs, s2).map { Overdispersion.Unit(y: log(($0.0 + 0.5) / ($0.1 + 0.5)), s: $1.squareRoot()) }, target: target)
        for (adjusted, tau2) in [("", 0.0), (" adjusted", od.tau2)] {
            let t = try result("counts | funnel x over n per 100\(adjusted)", s)
            for r in 0..<pairs.count {
                let z95 = Distributions.normalQuantile(0.975)
                #expect(Self.close(t.doubles("ratio")[r], pairs[r].0 / pairs[r].1 * 100))
                #expect(Self.close(t.doubles("funnel_lower95")[r], 100 * exp(target - z95 * (s2[r] + tau2).squareRoot())))
                #expect(Self.close(t.doubles("funnel_upper95")[r], 100 * exp(target + z95 * (s2[r] + tau2).squareRoot())))
            }
            #expect(Self.close(t.doubles("phi")[0], od.phi))
        }
        #expect(od.tau2 > 0, "the test data are overdispersed, so adjusted differs")
    }
}

/// `help STAGE` names the reference of each method and option.
@Suite struct MethodReferenceHelpTests {
    @Test(arguments: [("funnel", "Spiegelhalter, Stat Med 2005;24:1185, appendix"), ("funnel", "funnelR"), ("funnel", "ratio of counts (RC)"),
                      ("standardize", "Fay and Feuer"), ("standardize", "independent_events = FALSE"), ("rate", "method byar|exact"),
                      ("mean", "phe_mean"), ("proportion", "Wilson score"), ("compare", "the first level decides")])
    func helpNamesTheReference(stage: String, reference: String) throws {
        let text = demoSession().execute("help \(stage)").compactMap { if case .text(let s) = $0 { return s } else { return nil } }.joined()
        #expect(text.contains("methods and references:") && text.contains(reference), "\(text)")
    }
}
