import Testing
import Statistics

/// Poisson limits: FunnelPlotR's own published test values (tests/testthat/test-poisson_limits.R:
/// target 1 at expected counts 15, 20, 30, rounded there to 6–7 decimals). Proportion limits and
/// φ/τ²: PHE's `sigma_adjustment` and FunnelPlotR's CQC z-scores (10% winsorised) re-implemented
/// independently in Python with scipy 1.17.1 and numpy 2.4.6 (np.quantile's default is R's type 7).
@Suite struct FunnelTests {
    @Test(arguments: [
        (15.0, 0.5596924, 1.649348, 0.3862650, 2.082907),
        (20.0, 0.6108260, 1.544419, 0.4479107, 1.902094),
        (30.0, 0.6746958, 1.427562, 0.5289724, 1.702771),
    ])
    func poissonLimitsMatchFunnelPlotR(expected: Double, ll95: Double, ul95: Double, ll99: Double, ul99: Double) {
        // A rate per 1 with target 1 at denominator E has expected count E.
        let l95 = FunnelLimits.poissonRate(target: 1, denominator: expected, multiplier: 1, confidence: 0.95)
        let l998 = FunnelLimits.poissonRate(target: 1, denominator: expected, multiplier: 1, confidence: 0.998)
        #expect(abs(l95.lower - ll95) < 5e-8)
        #expect(abs(l95.upper - ul95) < 5e-7)
        #expect(abs(l998.lower - ll99) < 5e-8)
        #expect(abs(l998.upper - ul99) < 5e-7)
    }

    @Test func poissonLimitsScaleWithTheMultiplier() {
        let perOne = FunnelLimits.poissonRate(target: 0.0175, denominator: 2380, multiplier: 1, confidence: 0.95)
        let perThousand = FunnelLimits.poissonRate(target: 17.5, denominator: 2380, multiplier: 1000, confidence: 0.95)
        #expect(close(perOne.lower * 1000, perThousand.lower))
        #expect(close(perOne.upper * 1000, perThousand.upper))
    }

    @Test func pheProportionLimits() {
        let l95 = FunnelLimits.proportion(average: 0.3, denominator: 400, multiplier: 100, confidence: 0.95)
        let l998 = FunnelLimits.proportion(average: 0.3, denominator: 400, multiplier: 100, confidence: 0.998)
        #expect(close(l95.lower, 25.50915834072896))
        #expect(close(l95.upper, 34.49084165927104))
        #expect(close(l998.lower, 22.919388270994023))
        #expect(close(l998.upper, 37.08061172900597))
    }

    @Test func overdispersionOfRatesIncludingAZeroCount() {
        let observed = [5.0, 12, 30, 8, 0, 22, 15, 40], population = [1000.0, 1500, 2000, 900, 800, 2500, 1200, 3000]
        let target = observed.reduce(0, +) / population.reduce(0, +)
        let units = zip(observed, population).map { Overdispersion.rateUnit(observed: $0, expected: target * $1) }
        let od = Overdispersion(units: units, target: 1)
        #expect(close(od.phi, 2.5528740263562906))
        #expect(close(od.tau2, 0.029999507562429393))
    }

    @Test func noOverdispersionGivesTauZero() {
        let units = [Overdispersion.Unit(y: 1.01, s: 0.1), Overdispersion.Unit(y: 0.99, s: 0.1), Overdispersion.Unit(y: 1.0, s: 0.1)]
        let od = Overdispersion(units: units, target: 1)
        #expect(od.phi < 1)
        #expect(od.tau2 == 0)
    }

    @Test func flagsFollowPhe() {
        #expect(FunnelLimits.flag(value: 30, lower95: 12, upper95: 23, lower998: 10, upper998: 27) == "High (0.001)")
        #expect(FunnelLimits.flag(value: 25, lower95: 12, upper95: 23, lower998: 10, upper998: 27) == "High (0.025)")
        #expect(FunnelLimits.flag(value: 11, lower95: 12, upper95: 23, lower998: 10, upper998: 27) == "Low (0.025)")
        #expect(FunnelLimits.flag(value: 0, lower95: 12, upper95: 23, lower998: 10, upper998: 27) == "Low (0.001)")
        #expect(FunnelLimits.flag(value: 17, lower95: 12, upper95: 23, lower998: 10, upper998: 27) == "Not significant")
    }
}

/// Expected values: sava's SCV and EBpoisson0/EQ formulas in Python (scipy.special.digamma,
/// scipy.optimize.brentq to 1e-14, np.quantile type 7). sava's own α comes from uniroot with its
/// default tolerance (about 1e-4), so sava prints α to fewer digits than this solves it.
@Suite struct SmallAreaVariationTests {
    let o = [5.0, 12, 30, 8, 0, 22, 15, 40, 3, 19]
    let n = [1000.0, 1500, 2000, 900, 800, 2500, 1200, 3000, 700, 1800]
    var e: [Double] { let rate = o.reduce(0, +) / n.reduce(0, +); return n.map { $0 * rate } }

    @Test func scvDiehrAndMcPherson() {
        #expect(close(SmallAreaVariation.scv(observed: o, expected: e)!, 0.12621166792642985))
        #expect(SmallAreaVariation.scv(observed: o, expected: e, mcpherson: true) == nil)   // log(0)
        let keep = o.indices.filter { o[$0] > 0 }
        #expect(close(SmallAreaVariation.scv(observed: keep.map { o[$0] }, expected: keep.map { e[$0] }, mcpherson: true)!, 0.09948844797147222))
    }

    @Test func empiricalBayesShapeAndExtremalQuotient() {
        #expect(close(SmallAreaVariation.poissonGammaShape(observed: o, expected: e)!, 5.84620171094051, relative: 1e-9))
        #expect(close(SmallAreaVariation.empiricalBayesEQ(observed: o, expected: e)!, 1.730574656489401, relative: 1e-9))
        #expect(SmallAreaVariation.empiricalBayesEQ(observed: Array(o.prefix(5)), expected: Array(e.prefix(5))) == nil)
    }
}

/// Expected values: PHE's calculate_dsr formulas (Dobson with Byar's limits of the total) in
/// Python with scipy 1.17.1; ESP 2013 weights from the standard itself.
@Suite struct StandardisationTests {
    let x: [Double] = [0, 1, 0, 2, 1, 3, 2, 4, 5, 6, 8, 10, 12, 15, 20, 22, 25, 18, 12]
    let n: [Double] = [5000, 5200, 5100, 4900, 5500, 6000, 6200, 6500, 6600, 6400, 6300, 6000, 5800, 5000, 4200, 3100, 2000, 1100, 500]

    @Test func dsrWithDobsonLimits() throws {
        let r = Standardisation.directRate(events: x, population: n, weights: Standardisation.esp2013, multiplier: 100_000)
        #expect(close(try #require(r.value), 206.29158661689848))
        #expect(close(try #require(r.lower95), 175.5634143926648))
        #expect(close(try #require(r.upper95), 240.77516518317103))
        #expect(close(try #require(r.lower998), 159.49363736496267))
        #expect(close(try #require(r.upper998), 261.7102469557926))
    }

    @Test func dsrIsNotReportedBelowTenEvents() {
        var few = [Double](repeating: 0, count: 19)
        few[18] = 9
        #expect(Standardisation.directRate(events: few, population: n, weights: Standardisation.esp2013, multiplier: 100_000) == Standardisation.DirectRate())
        few[17] = 1
        #expect(Standardisation.directRate(events: few, population: n, weights: Standardisation.esp2013, multiplier: 100_000).value != nil)
    }

    @Test func esp2013BandsAndLabels() {
        #expect(Standardisation.esp2013.reduce(0, +) == 100_000)
        #expect(Standardisation.esp2013.count == 19)
        #expect(Standardisation.esp2013Band("0-4") == 0)
        #expect(Standardisation.esp2013Band("05-09") == 1)
        #expect(Standardisation.esp2013Band("90+") == 18)
        #expect(Standardisation.esp2013Band("90 år og derover") == 18)
        #expect(Standardisation.esp2013Band("85+") == nil)
        #expect(Standardisation.esp2013Band("3-7") == nil)
    }

    @Test func isrIsObservedOverExpectedWithCountLimits() {
        let r = Standardisation.indirectRatio(observed: 9, expected: 12, multiplier: 100)
        #expect(r.value == 75)
        #expect(r.method == .exact)
        #expect(close(r.lower95, 4.115373097378334 / 12 * 100))
        #expect(close(r.upper998, 22.65737330906293 / 12 * 100))
        #expect(Standardisation.indirectRatio(observed: 10, expected: 12, multiplier: 100).method == .byar)
    }
}

/// Expected value: the same conditional binomial test with scipy.stats.binom (cdf and sf).
@Suite struct RateComparisonTests {
    @Test func exactConditionalTest() {
        #expect(close(RateComparison.pValue(events1: 20, exposure1: 1000, events2: 35, exposure2: 1100), 0.12294287964728182))
        #expect(RateComparison.pValue(events1: 0, exposure1: 1000, events2: 0, exposure2: 1000) == 1)
        #expect(RateComparison.pValue(events1: 0, exposure1: 1000, events2: 12, exposure2: 1000) < 0.001)
    }
}

/// Expected value: FunnelPlotR's SHMI truncation (rank groups with ties averaged) in Python with
/// scipy.stats.rankdata.
@Suite struct TruncationTests {
    @Test func shmiLogScaleWithTruncation() {
        let o = [5.0, 12, 30, 8, 2, 22, 15, 40, 3, 19, 7, 11], n = [1000.0, 1500, 2000, 900, 800, 2500, 1200, 3000, 700, 1800, 1100, 1300]
        let rate = o.reduce(0, +) / n.reduce(0, +)
        let units = zip(o, n).map { Overdispersion.logRateUnit(observed: $0, expected: $1 * rate) }
        let od = Overdispersion(units: units, target: 0, trimming: .truncate)
        #expect(close(od.phi, 1.5869097687201168))
        #expect(close(od.tau2, 0.05333727339485603))
    }
}

/// Expected values: scipy.stats.fisher_exact (two-sided).
@Suite struct ProportionComparisonTests {
    @Test func fisherExactTest() {
        #expect(close(ProportionComparison.fisherPValue(successes1: 12, trials1: 40, successes2: 25, trials2: 45), 0.02789454018627473, relative: 1e-7))
        #expect(close(ProportionComparison.fisherPValue(successes1: 3, trials1: 10, successes2: 9, trials2: 11), 0.02997312285237981, relative: 1e-7))
        #expect(ProportionComparison.fisherPValue(successes1: 5, trials1: 10, successes2: 5, trials2: 10) == 1)
    }
}
