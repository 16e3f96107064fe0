import Foundation
import Testing
import Query
import Shell
import Tabular

/// Whole-number arithmetic never wraps: a result beyond 64 bits is an error naming the expression
/// (DuckDB says "Overflow in addition"), never a wrong number.
@Suite struct OverflowTests {
    @Test(arguments: [
        ("practices | take 2 | derive x = 9223372036854775807 + 1", "integer overflow in 9223372036854775807 + 1 is outside"),
        ("practices | take 2 | derive x = listed_patients * 9223372036854775807", "integer overflow in listed_patients * 9223372036854775807: 1705 * 9223372036854775807 (row 1) is outside"),
        ("practices | take 1 | derive x = -9223372036854775807 - listed_patients", "integer overflow in -9223372036854775807 - listed_patients: -9223372036854775807 - 1705 (row 1)"),
        ("practices | summarize s = sum(listed_patients * 100000000000000)", "integer overflow in sum(listed_patients * 100000000000000): "),
        ("practices | take 1 | select a = abs(-9223372036854775807 - 1)", "integer overflow in abs(-9223372036854775807 - 1): abs(-9223372036854775808)"),
        ("practices | take 1 | select a = -(-9223372036854775807 - 1)", "integer overflow in -(-9223372036854775807 - 1)"),
        ("practices | take 1 | select i = integer(1e30)", "integer(1e+30) (row 1): the number is outside the whole numbers"),
        ("billing | take 1 | select d = service_date + 9000000000", "date overflow in service_date + 9000000000: "),
    ])
    func overflowIsAnErrorNamingTheExpression(_ statement: String, _ message: String) throws {
        let session = demoSession()
        let d = try #require(session.execute(statement).errors.first, "no error for \(statement)")
        #expect(d.message.hasPrefix(message), "\(d.message)")
        #expect(session.datasets["_"] == nil, "nothing became the last result")
    }

    @Test func numbersInsideTheRangeStillWork() throws {
        let session = demoSession()
        let t = try #require(session.execute("practices | summarize s = sum(listed_patients * 1000000000000), m = max(listed_patients) | select s, m, d = decimal(s) * 1000, i = integer(-12.7)").tables.first)
        #expect(t.values("i") == [.integer(-12)])
        let s = try #require(t.values("s").first?.doubleValue)
        #expect(s > 1e14 && s < 9.2e18)
    }
}

/// Ctrl-C stops a long load or join within a second and leaves every dataset as it was.
@Suite struct CancelTests {
    @Test func ctrlCStopsALoadAndKeepsTheOldDataset() throws {
        let session = demoSession()
        let row = "012345,0130,2023-01-31,1,324.16,p12345678\n"
        try ("practice_id,service_code,service_date,count,fee,patient_id\n" + String(repeating: row, count: 800_000))
            .write(toFile: session.resolve(path: "big.csv"), atomically: true, encoding: .utf8)
        let before = session.datasets["billing"]!.rowCount
        let pressed = Date().addingTimeInterval(0.2)
        let out = Interrupt.$scoped.withValue({ Date() > pressed }) { session.execute("load billing \"big.csv\"") }
        let stopped = Date().timeIntervalSince(pressed)
        #expect(out.errors.first?.message == "cancelled (Ctrl-C); nothing was changed")
        #expect(stopped < 1, "stopped \(stopped) s after Ctrl-C")
        #expect(session.datasets["billing"]!.rowCount == before)
    }

    @Test func ctrlCStopsAJoinThatMultipliesRows() throws {
        let session = demoSession()
        let keys = Table.from(names: ["k", "v"], types: [.integer, .integer], rows: (0..<4000).map { [.integer(1), .integer(Int64($0))] })
        session.define("keys", keys, origin: "test")
        let pressed = Date().addingTimeInterval(0.2)
        let out = Interrupt.$scoped.withValue({ Date() > pressed }) { session.execute("let big = keys | join keys on k allow many") }
        #expect(out.errors.first?.message == "cancelled (Ctrl-C); nothing was changed")
        #expect(Date().timeIntervalSince(pressed) < 1)
        #expect(session.datasets["big"] == nil)
    }
}
