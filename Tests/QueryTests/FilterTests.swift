import Query
import Tabular
import Testing

/// `where` narrows a conjunction part by part, testing simple parts only on the rows still kept; it
/// keeps exactly the rows for which the predicate, evaluated as `derive` evaluates it, is true.
@Suite struct FilterTests {
    /// Rows with a null in every column somewhere, and numbers, dates and text to compare.
    static let table = Table.from(names: ["id", "code", "day", "n", "fee", "flag"],
                                  types: [.integer, .text, .date, .integer, .decimal, .boolean],
                                  rows: (0..<60).map(row))

    static func row(_ i: Int) -> [Value] {
        let codes = ["0130", "0421", "0101", "Æ", ""]
        let day = CivilDate(year: 2022 + i % 3, month: 1 + i % 12, day: 1 + i % 28)!.daysSinceEpoch
        let code: Value = i % 11 == 0 ? .null : .text(codes[i % 5])
        let date: Value = i % 13 == 0 ? .null : .date(day)
        let n: Value = i % 7 == 0 ? .null : .integer(Int64(i % 9) - 3)
        let fee: Value = i % 17 == 0 ? .null : .decimal(Double(i % 10) * 1.5)
        let flag: Value = i % 19 == 0 ? .null : .boolean(i % 2 == 0)
        return [.integer(Int64(i)), code, date, n, fee, flag]
    }

    static let predicates = [
        "code in (\"0130\", \"0421\")", "code not in (\"0130\")", "code == \"Æ\"", "code > \"0130\"", "\"0200\" <= code",
        "day >= @2023-01-01 and day < @2024-01-01", "@2023-06-01 > day", "n == 2", "n != 0", "n in (1, 2, 5)", "n not in (2)",
        "n > 1.5", "fee <= 6", "fee in (3, 4.5)", "2 < fee", "flag", "not flag", "flag == true", "code is null", "fee is not null",
        "n == null", "code in (\"0130\", \"0421\") and day >= @2023-01-01 and n > 0",
        "n + 1 > 2 and code != \"0101\"", "code != \"0101\" and (n > 1 or fee > 3)", "flag and fee > 2 and day is not null",
    ]

    @Test(arguments: predicates) func keepsTheRowsWhereThePredicateIsTrue(predicate: String) throws {
        let datasets = ["t": Self.table]
        let kept = try run("t | where \(predicate)", datasets).values("id")
        let flags = try run("t | derive keep = \(predicate)", datasets)
        let keep = flags.values("keep"), ids = flags.values("id")
        let expected: [Value] = ids.indices.filter { keep[$0] == .boolean(true) }.map { ids[$0] }
        #expect(kept == expected)
    }

    @Test func aFilteredColumnGroupsOnlyTheValuesLeft() throws {
        // After `where`, the text dictionary still holds values no row has: they make no groups.
        let out = try run("billing | where service_code != \"0101\" | summarize n = count(), first = min(service_date) by service_code")
        #expect(out.values("service_code") == [.text("0130"), .text("0421")])
        #expect(out.values("n") == [.integer(3), .integer(1)])
        let all = try run("billing | summarize n = count() by service_code")
        #expect(all.values("service_code") == [.text("0101"), .text("0130"), .text("0421")])
        #expect(all.values("n") == [.integer(1), .integer(3), .integer(1)])
    }
}
