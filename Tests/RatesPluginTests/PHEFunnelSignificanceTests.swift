import Foundation
import Testing
import Shell
import Tabular

/// PHEindicatormethods' published significance labels (tests/testthat, copied unchanged into
/// Fixtures/): `testdata_funnel_prop_inputs.csv` (303 PCTs, proportions) and
/// `testdata_funnel_rate_dsr_inputs.csv` (40 areas, crude rates with and without a zero count) and
/// `testdata_funnel_ratio_inputs.csv` (300 observed/expected pairs, one with no events), loaded and
/// run through the `funnel` stage exactly as a user would.
@Suite struct PHEFunnelSignificanceTests {
    func session(loading name: String) throws -> Session {
        let path = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "csv")).path
        let session = demoSession()
        let errors = session.execute("load phe \"\(path)\"").compactMap { if case .error(let d, _) = $0 { return d.message } else { return nil } }
        try #require(errors.isEmpty, "\(errors)")
        return session
    }

    @Test func proportionFlagsMatchPublishedLabels() throws {
        let session = try session(loading: "phe-funnel-prop-inputs")
        let t = try result("phe | funnel numerator of denominator per 100", session)
        #expect(t.rowCount == 303)
        #expect(t.texts("funnel_flag") == t.texts("significance"))
        #expect(Set(t.texts("funnel_flag").compactMap { $0 }).count == 5)   // every label occurs
        #expect(abs(t.doubles("target")[0]! - 80.642448) < 5e-7)
    }

    @Test(arguments: [("per 100000", "crude_per_100000"), ("per 100", "crude_per_100")])
    func crudeRateFlagsMatchPublishedLabels(multiplier: String, column: String) throws {
        let session = try session(loading: "phe-funnel-rate-inputs")
        let all = try result("phe | funnel count \(multiplier) pop", session)
        #expect(all.rowCount == 40)
        #expect(all.texts("funnel_flag") == all.texts("\(column)_with_0"))
        // Leaving out the area with no events moves the target, and with it some labels.
        let some = try result("phe | where count > 0 | funnel count \(multiplier) pop", session)
        #expect(some.texts("funnel_flag") == some.texts("\(column)_without_0"))
        #expect(some.texts("funnel_flag") != Array(all.texts("funnel_flag").prefix(39)))
    }

    @Test func standardisedRatioFlagsMatchPublishedLabels() throws {
        let session = try session(loading: "phe-funnel-ratio-inputs")
        // The column is called expected, like the keyword before it.
        let t = try result("phe | funnel obs expected expected per 100", session)
        #expect(t.rowCount == 300)
        #expect(t.texts("funnel_flag") == t.texts("significance"))
        #expect(t.doubles("target").allSatisfy { $0 == 100 })
        #expect(abs(t.doubles("ratio")[0]! - 8 / 6.239860227 * 100) < 1e-9)
        #expect(t.texts("funnel_method")[0] == "exact Poisson (PHE)")
    }
}
