import Testing
import Shell
import Tabular

@Suite struct DemoDataTests {
    @Test func isDeterministicAndShapedLikeTheGenerator() {
        let a = DemoData.datasets(), b = DemoData.datasets()
        #expect(Set(a.keys) == ["practices", "billing", "survey", "survey_invited", "survey_questions", "service_codes"])
        for (name, table) in a {
            #expect(table.rowCount == b[name]!.rowCount)
            #expect(table.columnNames == b[name]!.columnNames)
            for i in stride(from: 0, to: table.rowCount, by: max(1, table.rowCount / 50)) { #expect(table.row(i) == b[name]!.row(i)) }
        }
        #expect(a["practices"]!.columnNames == ["practice_id", "practice_name", "cluster", "listed_patients", "municipality"])
        #expect(a["billing"]!.columnNames == ["practice_id", "patient_id", "service_date", "service_code", "count", "fee"])
        #expect(a["survey"]!.columnNames.prefix(5) == ["respondent_id", "practice_id", "cluster", "role", "q01"])
    }

    @Test func hasPalliationReversalsAndDanishLetters() {
        let session = demoSession()
        let codes = session.execute("billing | summarize n = count() by service_code").tables[0]
        #expect(codes.values("service_code").contains(.text("0130")))
        #expect(codes.values("service_code").contains(.text("0421")))
        let reversals = session.execute("billing | where count < 0 | summarize n = count()").tables[0]
        #expect((reversals.values("n")[0].doubleValue ?? 0) > 0)
        let years = session.execute("billing | summarize n = count() by y = year(service_date)").tables[0]
        #expect(years.values("y") == [.integer(2022), .integer(2023), .integer(2024)])
        let names = session.execute("practices | where contains(practice_name, \"æ\") | summarize n = count()").tables[0]
        #expect((names.values("n")[0].doubleValue ?? 0) > 0)
        let clusters = session.execute("practices | distinct cluster").tables[0]
        #expect(clusters.rowCount >= 5)
    }
}
