import Foundation
import Testing
import PluginKit
import Shell
import Statistics
import Tabular
import TestSupport

/// Runs statements on a session with the demo data and returns the last result table.
func result(_ source: String, _ session: Session = demoSession()) throws -> Table {
    let out = session.execute(source)
    let errors = out.compactMap { if case .error(let d, _) = $0 { return d.message } else { return nil } }
    try #require(errors.isEmpty, "\(errors)")
    return try #require(out.compactMap { if case .result(let t) = $0 { return t } else { return nil } }.last)
}

/// The first error message of a statement.
func firstError(_ source: String, _ session: Session = demoSession()) -> (String, String?)? {
    for outcome in session.execute(source) { if case .error(let d, let s) = outcome { return (d.message, d.render(source: s)) } }
    return nil
}

let demo = DemoData.datasets()

func demoSession() -> Session {
    let session = Session(workingDirectory: TestEnvironment.temporaryFolder("rates").path)
    for (name, table) in demo { session.define(name, table, origin: "demo") }
    return session
}

func small() -> Session {
    let session = demoSession()
    session.define("units", Table.from(
        names: ["unit", "group", "events", "population"], types: [.text, .text, .integer, .integer],
        rows: [[.text("A"), .text("g1"), .integer(0), .integer(1000)],
               [.text("B"), .text("g1"), .integer(9), .integer(2000)],
               [.text("C"), .text("g2"), .integer(10), .integer(1000)],
               [.text("D"), .text("g2"), .integer(11), .integer(4000)],
               [.text("E"), .text("g2"), .null, .integer(500)]]), origin: "test")
    return session
}

extension Table {
    func doubles(_ name: String) -> [Double?] { (0..<rowCount).map { column(name)!.value(at: $0).doubleValue } }
    func texts(_ name: String) -> [String?] { (0..<rowCount).map { let v = column(name)!.value(at: $0); return v.isNull ? nil : v.description } }
}

@Suite struct RateStageTests {
    @Test func limitsSwitchFromExactToByarAtTenAndZeroIsValid() throws {
        let t = try result("units | rate events per 1000 population", small())
        #expect(t.texts("method") == ["exact", "exact", "byar", "byar", nil])
        #expect(t.doubles("rate") == [0, 4.5, 10, 2.75, nil])
        #expect(t.doubles("lower95")[0] == 0)
        let zeroUpper = try #require(t.doubles("upper95")[0])
        #expect(abs(zeroUpper - 3.6888794541139354) < 1e-9)   // exact upper for 0 events per 1000 of 1000
        let nine = PoissonInterval(events: 9, confidence: 0.998)
        #expect(abs(t.doubles("lower998")[1]! - nine.lower / 2000 * 1000) < 1e-12)
        let eleven = PoissonInterval(events: 11, confidence: 0.95)
        #expect(abs(t.doubles("upper95")[3]! - eleven.upper / 4000 * 1000) < 1e-12)
        #expect(t.texts("statistic")[0] == "events per 1000 population")
    }

    @Test func negativeCountsAndNonPositiveDenominatorsNameTheRow() throws {
        let session = small()
        _ = session.execute("let bad = units | derive events = if(unit == \"C\", -1, events)")
        let (message, rendered) = try #require(firstError("bad | rate events per 1000 population", session))
        #expect(message == "row 3: events is -1; a count cannot be negative")
        #expect(rendered?.contains("  | bad | rate events per 1000 population\n  |            ^^^^^^") == true)
        _ = session.execute("let empty = units | derive population = if(unit == \"B\", 0, population)")
        let (zero, _) = try #require(firstError("empty | rate events per 1000 population", session))
        #expect(zero == "row 2: population is 0; the denominator must be positive")
    }

    @Test func signatureErrorsComeBeforeAnythingRuns() throws {
        #expect(firstError("units | rate events per population", small())?.0 == "expected a number after 'per', found 'population'")
        #expect(firstError("units | rate unit per 1000 population", small())?.0 == "the count X must be a number, not text")
        #expect(firstError("units | rat events per 1000 population", small())?.1?.contains("did you mean 'rate'?") == true)
    }
}

@Suite struct ProportionStageTests {
    @Test func wilsonLimitsForZeroAndAll() throws {
        let session = small()
        session.define("shares", Table.from(names: ["x", "n"], types: [.integer, .integer],
                                            rows: [[.integer(0), .integer(50)], [.integer(50), .integer(50)], [.integer(12), .integer(40)]]), origin: "test")
        let t = try result("shares | proportion x of n per 100", session)
        #expect(t.doubles("proportion") == [0, 100, 30])
        #expect(t.doubles("lower95")[0] == 0)
        #expect(abs(t.doubles("upper95")[0]! - 7.134759913335871) < 1e-9)
        #expect(abs(t.doubles("lower95")[1]! - 92.86524008666412) < 1e-9)
        #expect(abs(t.doubles("upper998")[2]! - 54.3382975566607) < 1e-9)
        #expect(t.texts("method") == ["wilson", "wilson", "wilson"])
        #expect(firstError("shares | proportion n of x", session)?.0 == "row 1: x is 0; the denominator must be positive")
        #expect(firstError("shares | where x > 0 | proportion n of x", session)?.0 == "row 2: n (40) is larger than x (12)")
    }
}

@Suite struct CompareStageTests {
    @Test func pooledGroupAndOverallAreSumOverSum() throws {
        let t = try result("units | compare events per 1000 population within group", small())
        // g1: (0 + 9) / (1000 + 2000); g2: rows with a numerator only: (10 + 11) / (1000 + 4000).
        #expect(t.doubles("group_rate")[0] == 3)
        #expect(abs(t.doubles("group_rate")[2]! - 4.2) < 1e-12)
        #expect(abs(t.doubles("overall_rate")[0]! - 30.0 / 8000 * 1000) < 1e-12)
        // A (0 events, upper 3.69) vs g1's 3: similar; C (lower 4.79) vs g2's 4.2: higher;
        // against the overall 3.75, A's upper 3.69 is below: lower.
        #expect(t.texts("vs_group") == ["similar", "similar", "higher", "similar", nil])
        #expect(t.texts("vs_overall") == ["lower", "similar", "higher", "similar", nil])
    }

    @Test func againstAPublishedBenchmark() throws {
        let t = try result("units | compare events per 1000 population against 2", small())
        #expect(t.doubles("overall_rate") == [2, 2, 2, 2, 2])
        // B: 9 events per 2000, exact lower limit 4.115/2000·1000 = 2.06 > 2: higher.
        #expect(t.texts("vs_overall") == ["similar", "higher", "higher", "similar", nil])
        #expect(t.column("group_rate") == nil)
    }

    @Test func proportionsCompareWithWilson() throws {
        let session = small()
        let t = try result("units | compare events of population per 100 within group", session)
        #expect(t.doubles("proportion")[2] == 1)
        #expect(t.texts("method")[0] == "wilson")
        #expect(t.doubles("group_rate")[0] == 0.3)
    }

    @Test func demoPalliationClusterRateMatchesAHandComputation() throws {
        let session = demoSession()
        _ = session.execute("""
            let palliation = billing
              | where service_code in ("0130", "0421") and year(service_date) == 2023
              | summarize services = sum(count) by practice_id
            let rates = practices | join left palliation on practice_id | derive services = coalesce(services, 0)
              | compare services per 1000 listed_patients within cluster
            """)
        let rates = try #require(session.datasets["rates"])
        // By hand: sum the 2023 palliation services and the list sizes of one cluster's practices.
        let cluster = rates.texts("cluster")[0]!
        let practices = demo["practices"]!, billing = demo["billing"]!
        var members: Set<String> = [], listed = 0.0
        for r in 0..<practices.rowCount where practices.column("cluster")!.value(at: r) == .text(cluster) {
            members.insert(practices.column("practice_id")!.value(at: r).description)
            listed += practices.column("listed_patients")!.value(at: r).doubleValue!
        }
        var services = 0.0, allServices = 0.0
        for r in 0..<billing.rowCount {
            let code = billing.column("service_code")!.value(at: r).description
            guard code == "0130" || code == "0421" else { continue }
            guard case .date(let d) = billing.column("service_date")!.value(at: r), CivilDate(daysSinceEpoch: d).year == 2023 else { continue }
            let count = billing.column("count")!.value(at: r).doubleValue!
            allServices += count
            if members.contains(billing.column("practice_id")!.value(at: r).description) { services += count }
        }
        let allListed = (0..<practices.rowCount).map { practices.column("listed_patients")!.value(at: $0).doubleValue! }.reduce(0, +)
        #expect(abs(rates.doubles("group_rate")[0]! - services / listed * 1000) < 1e-9)
        #expect(abs(rates.doubles("overall_rate")[0]! - allServices / allListed * 1000) < 1e-9)
        #expect(Set(rates.texts("vs_group").compactMap { $0 }).isSubset(of: ["higher", "similar", "lower"]))
    }
}

@Suite struct PluginSurfaceTests {
    @Test func everyPluginStageIsDocumentedAndItsExampleRuns() throws {
        for plugin in BuiltInPlugins.all {
            #expect(!plugin.summary.isEmpty)
            for stage in plugin.stages {
                #expect(!stage.summary.isEmpty && stage.usage.hasPrefix(stage.name))
                let session = demoSession()
                _ = session.execute("let palliation = billing | where service_code in (\"0130\", \"0421\") | summarize services = sum(count) by practice_id")
                let out = session.execute(stage.example)
                let errors = out.compactMap { if case .error(let d, _) = $0 { return d.message } else { return nil } }
                #expect(errors.isEmpty, "example of \(stage.name): \(errors)")
                #expect(session.execute(".help \(stage.name)").contains { if case .text(let s) = $0 { return s.contains(stage.usage) } else { return false } })
            }
        }
    }

    @Test func pluginsAreListed() throws {
        let t = try result(".plugins")
        let stages = (0..<t.rowCount).filter { t.texts("kind")[$0] == "stage" }.map { t.texts("name")[$0] }
        #expect(stages == ["rate", "proportion", "compare", "funnel", "variation", "standardize", "followup", "mean", "likert", "topbox", "comments"])
        let charts = (0..<t.rowCount).filter { t.texts("kind")[$0] == "chart" }.map { t.texts("name")[$0] }
        #expect(charts == ["bar", "funnel", "likert", "trend", "slope"])
        #expect(Set(t.texts("origin")) == ["built-in"])
    }
}

/// The real QOF data: palliative care register per 1000 for every practice, PCN and England.
@Suite(.enabled(if: TestEnvironment.qof != nil, "needs ../shared/data/real/qof-2019-20"))
struct QOFRatesTests {
    @Test func englandPalliativeCareRegisterPer1000() throws {
        let session = Session(workingDirectory: TestEnvironment.qof!.path)
        let t = try result("""
            load prevalence "PREVALENCE_1920.csv"
            load geography "MAPPING_NHS_GEOGRAPHIES_1920.csv"
            prevalence | where GROUP_CODE == "PC" | join left geography on PRACTICE_CODE
              | compare REGISTER per 1000 PATIENT_LIST_SIZE within PCN_NAME
            """, session)
        #expect(t.rowCount == 6720)
        let england = try #require(t.doubles("overall_rate")[0])
        #expect((england * 1000).rounded() / 1000 == 4.779)
        #expect(abs(england - 288_671.0 / 60_407_685.0 * 1000) < 1e-12)
        #expect(t.texts("vs_overall").allSatisfy { ["higher", "similar", "lower"].contains($0 ?? "") })
        #expect(t.doubles("group_rate").allSatisfy { $0 != nil })
    }
}

@Suite struct FunnelStageTests {
    @Test func limitsAtEachDenominatorAroundThePooledTarget() throws {
        let t = try result("units | funnel events per 1000 population", small())
        let target = 30.0 / 8000 * 1000
        #expect(t.doubles("target")[0].map { abs($0 - target) < 1e-12 } == true)
        let expected = FunnelLimits.pheRate(target: target, denominator: 4000, multiplier: 1000, confidence: 0.95)
        #expect(t.doubles("funnel_upper95")[3] == expected.upper)
        #expect(t.texts("funnel_flag")[4] == nil)            // no numerator: no flag
        #expect(t.texts("funnel_flag")[2] == "High (0.025)") // 10 per 1000 against 3.75
        #expect(t.texts("funnel_method")[0] == "exact Poisson (PHE)")
        #expect(t.texts("statistic")[0] == "events per 1000 population")
        #expect(t.doubles("phi")[0]! > 0)
    }

    @Test func adjustedWithoutOverdispersionFallsBackToFunnelPlotRsPoissonLimits() throws {
        let session = demoSession()
        // Counts exactly at their expected values: no overdispersion, τ² = 0.
        session.define("even", Table.from(names: ["unit", "events", "population"], types: [.text, .integer, .integer],
                                          rows: [[.text("A"), .integer(10), .integer(1000)], [.text("B"), .integer(20), .integer(2000)],
                                                 [.text("C"), .integer(40), .integer(4000)], [.text("D"), .integer(30), .integer(3000)]]), origin: "test")
        let t = try result("even | funnel events per 1000 population adjusted", session)
        #expect(t.doubles("tau2")[0] == 0)
        #expect(t.texts("funnel_method")[0]!.hasPrefix("exact Poisson (FunnelPlotR; no overdispersion"))
        let expected = FunnelLimits.poissonRate(target: 10, denominator: 2000, multiplier: 1000, confidence: 0.998)
        #expect(t.doubles("funnel_lower998")[1] == expected.lower)
        #expect(t.doubles("funnel_upper998")[1] == expected.upper)
        #expect(t.texts("funnel_flag").allSatisfy { $0 == "Not significant" })
    }

    @Test func standardisedRatiosFromIndirectStandardisation() throws {
        let session = demoSession()
        _ = session.execute("let sr = billing | where service_code in (\"0130\", \"0421\") | derive band = \"70-74\" | summarize services = sum(count) by practice_id, band | join practices on practice_id | standardize services per 1000 listed_patients age band by practice_id indirect")
        let t = try result("sr | funnel observed expected expected per 100 | sort practice_id", session)
        #expect(t.rowCount == demo["practices"]!.rowCount)
        #expect(t.doubles("target").allSatisfy { $0 == 100 })
        // The ratio column is recomputed from observed and expected (standardize's own ratio is per 1000).
        for r in 0..<t.rowCount { #expect(abs(t.doubles("ratio")[r]! - t.doubles("observed")[r]! / t.doubles("expected")[r]! * 100) < 1e-9) }
        let flags = Set(t.texts("funnel_flag").compactMap { $0 })
        #expect(flags.isSubset(of: ["High (0.001)", "High (0.025)", "Not significant", "Low (0.025)", "Low (0.001)"]))
        let shmi = try result("sr | where observed > 0 | funnel observed expected expected shmi adjusted", session)
        #expect(shmi.texts("funnel_method")[0]!.contains("SHMI"))
    }

    @Test func compareStandardisedRatiosAgainstOne() throws {
        let session = demoSession()
        session.define("sr", Table.from(names: ["unit", "observed", "expected"], types: [.text, .integer, .decimal],
                                        rows: [[.text("A"), .integer(30), .decimal(15)], [.text("B"), .integer(10), .decimal(20)],
                                               [.text("C"), .integer(20), .decimal(20)]]), origin: "test")
        let t = try result("sr | compare observed expected expected against 1", session)
        #expect(t.texts("vs_overall") == ["higher", "lower", "similar"])
        #expect(t.texts("statistic")[0] == "observed / expected expected")
        #expect(abs(t.doubles("ratio")[0]! - 2) < 1e-12)
        let typo = firstError("sr | compare observed expected expected of expected", session)
        #expect(typo?.0.contains("not both") == true)
    }

    @Test func ratioFormErrorsPointAtTheArgument() throws {
        let session = demoSession()
        session.define("sr", Table.from(names: ["unit", "observed", "expected"], types: [.text, .integer, .decimal],
                                        rows: [[.text("A"), .integer(30), .decimal(15)], [.text("B"), .integer(10), .decimal(0)]]), origin: "test")
        let both = try #require(firstError("sr | funnel observed expected expected per 100 observed", session))
        #expect(both.0 == "write either 'X expected E [per M]' or 'X per M N', not both")
        #expect(both.1?.contains("^") == true)
        #expect(try #require(firstError("sr | funnel observed expected unit", session)).0 == "the expected count E must be a number, not text")
        #expect(try #require(firstError("sr | funnel observed expected expected", session)).0
                == "row 2: expected is 0; the expected count must be positive")
        #expect(try #require(firstError("units | funnel events of population shmi", small())).0
                == "shmi (log scale, truncation) is for rates and ratios; proportions use the arcsine scale")
    }

    @Test func adjustedLimitsAreWiderWhenOverdispersed() throws {
        let session = demoSession()
        _ = session.execute("let palliation = billing | where service_code in (\"0130\", \"0421\") and year(service_date) == 2023 | summarize services = sum(count) by practice_id")
        let plain = try result("practices | join left palliation on practice_id | derive services = coalesce(services, 0) | funnel services per 1000 listed_patients | sort practice_id", session)
        let adjusted = try result("practices | join left palliation on practice_id | derive services = coalesce(services, 0) | funnel services per 1000 listed_patients adjusted | sort practice_id", session)
        let tau2 = try #require(adjusted.doubles("tau2")[0])
        #expect(tau2 > 0)
        for r in 0..<plain.rowCount { #expect(adjusted.doubles("funnel_upper998")[r]! > plain.doubles("funnel_upper998")[r]!) }
        let flagged = { (t: Table) in t.texts("funnel_flag").filter { $0 != "Not significant" }.count }
        #expect(flagged(adjusted) < flagged(plain))
        #expect(adjusted.texts("funnel_method")[0]!.hasPrefix("overdispersion-adjusted"))
    }

    @Test func proportionsWithinGroups() throws {
        let t = try result("units | funnel events of population per 100 within group", small())
        #expect(t.doubles("target")[0] == 0.3)
        #expect(t.texts("funnel_method")[0] == "normal approximation (PHE)")
    }
}

@Suite struct VariationStageTests {
    @Test func oneRowPerGroupWithZeroRatesHandledExplicitly() throws {
        let t = try result("units | variation events per 1000 population by group", small())
        #expect(t.texts("statistic") == ["events per 1000 population", "events per 1000 population"])
        #expect(t.columnNames.first == "group")
        #expect(t.texts("group") == ["g1", "g2"])
        #expect(t.doubles("units") == [2, 2])            // E has no numerator and is left out
        #expect(t.doubles("pooled_rate")[0] == 3)
        #expect(t.doubles("eq")[0] == nil)               // A has rate 0
        #expect(t.texts("notes")[0]!.contains("eq: a unit has rate 0"))
        #expect(t.doubles("eq_eb") == [nil, nil])         // 5 units or fewer
        #expect(abs(t.doubles("cv")[1]! - (((10 - 6.375) * (10 - 6.375) + (2.75 - 6.375) * (2.75 - 6.375)).squareRoot() / 6.375)) < 1e-12)
    }

    @Test func demoClustersAndTheRegion() throws {
        let session = demoSession()
        _ = session.execute("let palliation = billing | where service_code in (\"0130\", \"0421\") and year(service_date) == 2023 | summarize services = sum(count) by practice_id")
        let region = try result("practices | join left palliation on practice_id | derive services = coalesce(services, 0) | variation services per 1000 listed_patients", session)
        #expect(region.rowCount == 1)
        #expect(region.doubles("units") == [66])
        #expect(region.doubles("eq_eb")[0]! > 1)
        let clusters = try result("practices | join left palliation on practice_id | derive services = coalesce(services, 0) | variation services per 1000 listed_patients by cluster mcpherson", session)
        #expect(clusters.columnNames.first == "cluster")
        #expect(clusters.texts("notes").allSatisfy { $0!.hasPrefix("scv: McPherson") })
    }
}

@Suite struct StandardizeStageTests {
    func bands() -> Session {
        let session = demoSession()
        let labels = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
                      "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
        let x: [Int64] = [0, 1, 0, 2, 1, 3, 2, 4, 5, 6, 8, 10, 12, 15, 20, 22, 25, 18, 12]
        let n: [Int64] = [5000, 5200, 5100, 4900, 5500, 6000, 6200, 6500, 6600, 6400, 6300, 6000, 5800, 5000, 4200, 3100, 2000, 1100, 500]
        var rows: [[Value]] = []
        for i in labels.indices {
            rows.append([.text("A"), .text(labels[i]), .integer(x[i]), .integer(n[i])])
            rows.append([.text("B"), .text(labels[i]), .integer(i == 18 ? 9 : 0), .integer(n[i])])
        }
        session.define("ages", Table.from(names: ["unit", "band", "deaths", "pop"], types: [.text, .text, .integer, .integer], rows: rows), origin: "test")
        return session
    }

    @Test func directRatesPerGroupWithTheUnderTenRule() throws {
        let t = try result("ages | standardize deaths per 100000 pop age band by unit", bands())
        #expect(t.columnNames.prefix(4) == ["unit", "observed", "population", "dsr"])
        #expect(abs(t.doubles("dsr")[0]! - 206.29158661689848) < 1e-9)
        #expect(t.doubles("dsr")[1] == nil)
        #expect(t.texts("method") == ["dobson", "not reported: fewer than 10 events"])
        #expect(t.texts("statistic")[0]!.contains("European Standard Population 2013"))
    }

    @Test func aMissingBandCountBlanksOnlyTheStandardisedFigure() throws {
        let session = bands()
        // Unit A's 5-9 band has no count: its totals stay (the band counted as 0), as PHEindicatormethods reports them.
        let table = session.datasets["ages"]!
        var rows: [[Value]] = (0..<table.rowCount).map { r in table.columns.map { $0.value(at: r) } }
        rows[2][2] = .null   // A, 5-9: 1 death
        session.define("gaps", Table.from(names: table.columnNames, types: table.columns.map(\.type), rows: rows), origin: "test")
        for form in ["", " indirect"] {
            let t = try result("gaps | standardize deaths per 100000 pop age band by unit\(form)", session)
            #expect(t.doubles("observed") == [165, 9], "\(form)")
            if form.isEmpty {
                #expect(t.doubles("population")[0] == t.doubles("population")[1])
                #expect(t.doubles("dsr")[0] == nil && t.doubles("lower95")[0] == nil)
            } else {
                #expect(t.doubles("expected")[0] != nil && t.doubles("ratio")[0] == nil)
            }
            #expect(t.texts("method")[0] == "not reported: a count is missing")
            #expect(t.texts("notes")[0]?.hasPrefix("1 age band without a count: counted as 0 in observed") == true)
            #expect(t.texts("notes")[1] == nil)
        }
    }

    @Test func indirectRatiosUseAllRowsAsReference() throws {
        let t = try result("ages | standardize deaths per 100 pop age band by unit indirect", bands())
        // Both units have the same populations, so each expects half of all events in each band.
        let expected = (166.0 + 9.0) / 2
        #expect(abs(t.doubles("expected")[0]! - expected) < 1e-9)
        #expect(abs(t.doubles("ratio")[1]! - 9 / expected * 100) < 1e-9)
        #expect(t.texts("method") == ["byar", "exact"])
    }
}

@Suite struct FollowUpStageTests {
    func periods() -> Session {
        let session = demoSession()
        session.define("periods", Table.from(names: ["practice", "year", "services", "listed"], types: [.text, .integer, .integer, .integer], rows: [
            [.text("P1"), .integer(2022), .integer(20), .integer(1000)], [.text("P1"), .integer(2023), .integer(35), .integer(1100)],
            [.text("P2"), .integer(2022), .integer(0), .integer(900)], [.text("P2"), .integer(2023), .integer(12), .integer(900)],
            [.text("P3"), .integer(2023), .integer(5), .integer(800)],
            [.text("P4"), .integer(2022), .integer(7), .integer(700)],
        ]), origin: "test")
        return session
    }

    @Test func bothPeriodsChangeAndUnitsInOnePeriod() throws {
        let t = try result("periods | followup services per 1000 listed period year by practice", periods())
        #expect(t.texts("practice") == ["P1", "P2", "P3", "P4"])
        #expect(t.doubles("baseline") == [2022, 2022, 2022, 2022])
        #expect(t.doubles("baseline_rate")[0] == 20)
        #expect(abs(t.doubles("followup_rate")[0]! - 35.0 / 1.1) < 1e-12)
        #expect(abs(t.doubles("p_value")[0]! - 0.12294287964728182) < 1e-9)
        #expect(t.texts("change_flag") == ["similar", "higher", nil, nil])
        #expect(t.doubles("rate_ratio")[1] == nil)   // baseline rate 0
        #expect(t.texts("status") == ["both periods", "both periods", "follow-up only", "baseline only"])
    }

    @Test func exactlyTwoPeriods() throws {
        let session = periods()
        _ = session.execute("let three = periods | derive year = if(practice == \"P4\", 2024, year)")
        #expect(firstError("three | followup services per 1000 listed period year by practice", session)?.0
                == "the period column must have exactly two values (baseline and follow-up), it has 3")
    }
}

@Suite struct ShmiMethodTests {
    @Test func shmiRefusesZeroCountsAndOtherwiseTruncates() throws {
        #expect(firstError("units | funnel events per 1000 population shmi", small())?.0 == "row 1 has no events; the SHMI method's log scale cannot take a zero count")
        let session = small()
        _ = session.execute("let some = units | where events > 0")
        let t = try result("some | funnel events per 1000 population adjusted shmi", session)
        #expect(t.texts("funnel_method")[0]!.contains("log, 10% truncated (SHMI)"))
        let v = try result("some | variation events per 1000 population shmi", session)
        #expect(v.texts("notes")[0]!.contains("phi: SHMI"))
    }
}

@Suite struct FollowUpProportionTests {
    @Test func shareOfTerminalPatientsWhoGotTheService() throws {
        let session = demoSession()
        session.define("terminal", Table.from(names: ["practice", "year", "served", "terminal"], types: [.text, .integer, .integer, .integer], rows: [
            [.text("P1"), .integer(2022), .integer(12), .integer(40)], [.text("P1"), .integer(2023), .integer(25), .integer(45)],
            [.text("P2"), .integer(2022), .integer(5), .integer(10)], [.text("P2"), .integer(2023), .integer(5), .integer(10)],
        ]), origin: "test")
        let t = try result("terminal | followup served of terminal per 100 period year by practice", session)
        #expect(t.doubles("baseline_proportion") == [30, 50])
        #expect(abs(t.doubles("p_value")[0]! - 0.02789454018627473) < 1e-8)
        #expect(t.texts("change_flag") == ["higher", "similar"])
        #expect(t.texts("statistic")[0]!.contains("Fisher's exact test"))
        let wilson = WilsonInterval(successes: 12, trials: 40, confidence: 0.95)
        #expect(abs(t.doubles("baseline_lower95")[0]! - wilson.lower * 100) < 1e-12)
    }
}
