import Foundation
import Testing
import Query
import Shell

/// A join that multiplies rows is stopped before it is built, with the count it would make.
@Suite struct JoinLimitTests {
    @Test func theSelfJoinOfBillingIsRefusedWithItsSize() throws {
        let session = demoSession()
        let started = Date()
        let d = try #require(session.execute("billing | join billing on practice_id | take 1").errors.first)
        #expect(d.message.hasPrefix("this join would make 131,455,335 rows (79,277 rows joined with 79,277 on practice_id), about "))
        #expect(d.message.hasSuffix("the limit is 10,000,000"))
        #expect(d.suggestion?.contains("`allow many`") == true)
        #expect(Date().timeIntervalSince(started) < 10, "counted, not built")
    }

    @Test func allowManyAndTheSettingDecide() throws {
        let session = demoSession()
        #expect(session.execute("practices | join practices on cluster | summarize n = count()").errors.isEmpty)
        _ = session.execute("set max_join_rows 100")
        let refused = try #require(session.execute("practices | join practices on cluster | summarize n = count()").errors.first)
        #expect(refused.message.hasPrefix("this join would make 374 rows"))
        let allowed = session.execute("practices | join practices on cluster allow many | summarize n = count()")
        #expect(allowed.tables.first?.values("n") == [.integer(374)])
        #expect(session.execute("set max_join_rows lots").errors.first?.message == "'max_join_rows' is a number of rows, 1 or more")
        #expect(session.execute(".help settings").texts.first?.contains("max_join_rows") == true)
    }
}
