import Testing
import Output
import Tabular

@Suite struct TableRendererTests {
    let table = Table.from(names: ["practice", "rate"], types: [.text, .decimal],
                           rows: (1...50).map { [.text("Læge \($0)"), $0 == 3 ? .null : .decimal(Double($0) / 3)] })

    @Test func numbersAlignRightAndNullsShow() {
        let out = TableRenderer(width: 80, maxRows: 100).render(table)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines[0] == "┌──────────┬─────────┐")
        #expect(lines[1] == "│ practice │ rate    │")
        #expect(lines[2] == "│ text     │ decimal │")
        #expect(lines[4] == "│ Læge 1   │  0.3333 │")
        #expect(lines[6] == "│ Læge 3   │    null │")
        #expect(lines.last == "50 rows · 2 columns")
    }

    @Test func longResultsShowFirstAndLastRows() {
        let out = TableRenderer(width: 80, maxRows: 10).render(table)
        #expect(out.contains("│ Læge 5   │"))
        #expect(!out.contains("│ Læge 6   │"))
        #expect(out.contains("│ …        │"))
        #expect(out.contains("│ Læge 50  │"))
        #expect(out.contains("50 rows (first and last 5 shown)"))
    }

    @Test func wideTablesDropMiddleColumnsToFitTheWidth() {
        let wide = Table.from(names: (1...12).map { "column_number_\($0)" }, types: [DataType](repeating: .integer, count: 12),
                              rows: [(1...12).map { .integer(Int64($0)) }])
        let out = TableRenderer(width: 80, maxRows: 10).render(wide)
        for line in out.split(separator: "\n") { #expect(line.count <= 80) }
        #expect(out.contains("column_number_1 "))
        #expect(out.contains("column_number_12"))
        #expect(out.contains("hidden"))
    }
}
