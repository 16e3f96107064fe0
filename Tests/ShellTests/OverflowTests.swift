import Testing
import Query
import Shell

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
