import Testing
import Output
import Tabular

@Suite struct DisclosureControlTests {
    func table(_ services: [Int64], _ listed: [Int64]) -> Table {
        Table.from(names: ["practice_id", "services", "listed_patients", "rate", "group_rate"], types: [.text, .integer, .integer, .decimal, .decimal],
                   rows: services.indices.map { [.text("P\($0)"), .integer(services[$0]), .integer(listed[$0]),
                                                 .decimal(Double(services[$0]) / Double(listed[$0]) * 1000), .decimal(9.9)] })
    }

    func texts(_ t: Table, _ name: String) -> [String] { (0..<t.rowCount).map { t.column(name)!.value(at: $0).description } }

    @Test func smallCountsAreHiddenWithTheirRatesButNotPooledFigures() {
        let (t, report) = DisclosureControl().apply(table([3, 12, 0, 2, 40], [2000, 3000, 1500, 1200, 5000]))
        #expect(texts(t, "services") == ["<5", "12", "0", "<5", "40"])
        #expect(t.column("rate")!.value(at: 0) == .null)
        #expect(t.column("rate")!.value(at: 1) != .null)
        #expect(t.column("rate")!.value(at: 2) == .decimal(0))          // zero is not disclosive
        #expect(t.column("group_rate")!.value(at: 0) == .decimal(9.9))  // pooled over the cluster
        #expect(texts(t, "listed_patients") == ["2000", "3000", "1500", "1200", "5000"])
        #expect(report == DisclosureControl.Report(primary: 2, complementary: 0, derived: 2))
    }

    @Test func aSingleHiddenCellInAColumnGetsAComplement() {
        // With only the 3 hidden, the column total minus the others would give it away: 12 is hidden too.
        let (t, report) = DisclosureControl().apply(table([3, 12, 25, 40], [2000, 3000, 1500, 5000]))
        #expect(texts(t, "services") == ["<5", "x", "25", "40"])
        #expect(report.complementary == 1)
        #expect(t.column("rate")!.value(at: 1) != .null)   // the complement's own rate reveals nothing small
    }

    @Test func aSingleHiddenCellInARowOfPartsGetsAComplement() {
        let wide = Table.from(names: ["cluster", "enig", "uenig", "ved_ikke", "respondents"], types: [.text, .integer, .integer, .integer, .integer],
                              rows: [[.text("A"), .integer(20), .integer(2), .integer(9), .integer(31)],
                                     [.text("B"), .integer(15), .integer(3), .integer(7), .integer(25)]])
        let (t, _) = DisclosureControl().apply(wide)
        #expect(texts(t, "uenig") == ["<5", "<5"])
        #expect(texts(t, "ved_ikke") == ["x", "x"])      // the row total would give the hidden one away
        #expect(texts(t, "respondents") == ["31", "25"]) // a denominator is not a part of the row
    }

    @Test func thresholdAndOff() {
        #expect(texts(DisclosureControl(threshold: 10).apply(table([7, 12, 30], [1, 1, 1])).0, "services") == ["<10", "x", "30"])
        let (t, report) = DisclosureControl(threshold: nil).apply(table([3, 12], [2000, 3000]))
        #expect(texts(t, "services") == ["3", "12"])
        #expect(report == DisclosureControl.Report())
    }

    @Test func identifiersAndCprNumbersAreFound() {
        let t = Table.from(names: ["patient_id", "nummer", "cpr_tekst", "ydernummer"], types: [.text, .text, .text, .text],
                           rows: [[.text("A2227L34Q7"), .text("x"), .text("010203-1234"), .text("012345")],
                                  [.text("B2227L34Q7"), .text("y"), .text("3112991235"), .text("023211")]])
        #expect(DisclosureControl.identifyingColumns(t) == ["patient_id", "cpr_tekst"])
        #expect(DisclosureControl.looksLikeCPR("010203-1234"))
        #expect(DisclosureControl.looksLikeCPR("3112991235"))
        #expect(!DisclosureControl.looksLikeCPR("3213991235"))   // day 32
        #expect(!DisclosureControl.looksLikeCPR("012345"))
    }
}
