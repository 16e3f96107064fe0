import Testing
import Statistics

/// Expected values are PHEindicatormethods' formulas (phe_rate, byars_lower/upper, wilson) evaluated
/// independently with scipy 1.17.1 (chi2.ppf, norm.ppf); PHE's own spreadsheets of test values
/// (tests/testthat/testdata_*.xlsx) could not be read here.
func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
    a == b || abs(a - b) <= relative * max(abs(a), abs(b))
}

@Suite struct PoissonIntervalTests {
    @Test(arguments: [
        (0.0, 0.95, 0.0, 3.6888794541139354), (0.0, 0.998, 0.0, 6.907755278982137),
        (1.0, 0.95, 0.025317807984289897, 5.571643390938898), (1.0, 0.998, 0.0010005003335835346, 9.233413476451585),
        (9.0, 0.95, 4.115373097378334, 17.084803451419166), (9.0, 0.998, 2.452424404363775, 22.65737330906293),
    ])
    func exactBelowTen(x: Double, confidence: Double, lower: Double, upper: Double) {
        let ci = PoissonInterval(events: x, confidence: confidence)
        #expect(ci.method == .exact)
        #expect(close(ci.lower, lower))
        #expect(close(ci.upper, upper))
    }

    @Test(arguments: [
        (10.0, 0.95, 4.787449913967563, 18.391458605756473), (10.0, 0.998, 2.916318374695686, 24.19372492788055),
        (11.0, 0.95, 5.483690198449974, 19.68323711614639), (11.0, 0.998, 3.4483702384008814, 25.646520516557427),
        (65.0, 0.95, 50.16318771045943, 82.84913854593984), (65.0, 0.998, 42.8802614714802, 94.000290844318),
        (1045.0, 0.95, 982.5932018073325, 1110.33121298565), (1045.0, 0.998, 947.9407035610374, 1148.806160988033),
    ])
    func byarFromTen(x: Double, confidence: Double, lower: Double, upper: Double) {
        let ci = PoissonInterval(events: x, confidence: confidence)
        #expect(ci.method == .byar)
        #expect(close(ci.lower, lower))
        #expect(close(ci.upper, upper))
    }

    @Test func distributionsComeFromR() {
        #expect(close(Distributions.normalQuantile(0.975), 1.959963984540054))
        #expect(close(Distributions.chiSquaredQuantile(0.5, degreesOfFreedom: 2), 1.3862943611198906))
    }
}

@Suite struct WilsonIntervalTests {
    @Test(arguments: [
        (0.0, 50.0, 0.95, 0.0, 0.07134759913335871), (0.0, 50.0, 0.998, 0.0, 0.160362891042788),
        (50.0, 50.0, 0.95, 0.9286524008666412, 1.0), (50.0, 50.0, 0.998, 0.839637108957212, 1.0),
        (12.0, 40.0, 0.95, 0.18074845229746528, 0.4543001881814493), (12.0, 40.0, 0.998, 0.13370784330789426, 0.543382975566607),
        (65.0, 100.0, 0.95, 0.5525444329688797, 0.7363575175690247), (65.0, 100.0, 0.998, 0.49549465740704474, 0.7783540614089685),
    ])
    func wilson(x: Double, n: Double, confidence: Double, lower: Double, upper: Double) {
        let ci = WilsonInterval(successes: x, trials: n, confidence: confidence)
        #expect(close(ci.lower, lower) || abs(ci.lower - lower) < 1e-15)
        #expect(close(ci.upper, upper))
    }
}
