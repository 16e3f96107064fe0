import Foundation
import Testing
import Query
import Shell
import Tabular

/// A column with no values at all (every cell blank) fits any type its use asks for, so missing
/// numerators give missing results instead of a type error.
@Suite struct EmptyColumnTests {
    func session() throws -> Session {
        let session = demoSession()
        try "area,deaths,population,group\nA,,1000,\nB,,2500,\nC,,400,\n".write(toFile: session.resolve(path: "empty.csv"), atomically: true, encoding: .utf8)
        #expect(session.execute("load t \"empty.csv\"").errors.isEmpty)
        return session
    }

    @Test func rateOfABlankCountIsMissingNotAnError() throws {
        let session = try session()
        let out = session.execute("t | rate deaths per 100000 population")
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let t = try #require(out.tables.first)
        #expect(t.rowCount == 3)
        for column in ["rate", "lower95", "upper95"] { #expect(t.values(column).allSatisfy { $0.isNull }, "\(column) should be missing") }
    }

    @Test func aBlankColumnTakesTheTypeOfItsUse() throws {
        let session = try session()
        let out = session.execute("t | derive d2 = deaths + 1, late = deaths > 3 | summarize total = sum(deaths), m = max(d2), n = count(late)")
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let t = try #require(out.tables.first)
        #expect(t.values("total") == [.null] && t.values("m") == [.null] && t.values("n") == [.integer(0)])
        // Carried through select, it is still blank and still fits.
        let chained = session.execute("t | select area, deaths, population, group | compare deaths per 1000 population within group")
        #expect(chained.errors.isEmpty, "\(chained.errors.map(\.message))")
        #expect(session.execute("t | where deaths == \"x\"").tables.first?.rowCount == 0)
    }

    @Test func aColumnWithOneValueKeepsItsSniffedType() throws {
        let session = demoSession()
        try "area,deaths,population\nA,,1000\nB,oops,2500\n".write(toFile: session.resolve(path: "text.csv"), atomically: true, encoding: .utf8)
        _ = session.execute("load t \"text.csv\"")
        #expect(session.execute("t | rate deaths per 1000 population").errors.first?.message.contains("must be a number, not text") == true)
    }
}
