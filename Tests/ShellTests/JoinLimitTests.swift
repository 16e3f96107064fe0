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

/// Files too large for memory, or with a runaway value, are refused with what the limit is.
@Suite struct LoadLimitTests {
    @Test func aFileThatWouldNotFitIsRefusedBeforeItIsRead() throws {
        let session = demoSession()
        let rows = String(repeating: "012345,0130,2023-01-31,1,324.16\n", count: 40_000)
        try ("practice_id,service_code,service_date,count,fee\n" + rows).write(toFile: session.resolve(path: "b.csv"), atomically: true, encoding: .utf8)
        _ = session.execute("set max_memory 2MB")
        let d = try #require(session.execute("load b \"b.csv\"").errors.first)
        #expect(d.message.hasPrefix("b.csv: is 1 MB; loading it would need about 6 MB of memory, and 2 MB are allowed (set max_memory)"), "\(d.message)")
        #expect(session.datasets["b"] == nil)
        _ = session.execute("set max_memory free")
        #expect(session.execute("load b \"b.csv\"").errors.isEmpty)
    }

    @Test func aRunawayValueIsRefusedWithItsLine() throws {
        let session = demoSession()
        // An unclosed quote in a comments column swallows the rest of the file into one value.
        let body = "id,comment\n1,\"fine\"\n2,\"never closed\n" + String(repeating: "3,more text\n", count: 100_000) + "\"\n"
        try body.write(toFile: session.resolve(path: "c.csv"), atomically: true, encoding: .utf8)
        let d = try #require(session.execute("load c \"c.csv\"").errors.first)
        #expect(d.message.hasPrefix("c.csv: a value on this line is 1200013 bytes long; klynge takes values up to 1000000 bytes"), "\(d.message)")
        #expect(d.fileExcerpt?.location.hasSuffix("c.csv:3, column 2 (comment)") == true || d.fileExcerpt?.location.hasSuffix("c.csv:3") == true)
        #expect(session.execute("load c \"c.csv\" max_field 2000000").errors.isEmpty)
    }
}

/// The same limits for workbooks, and for lines.
@Suite struct MoreLoadLimitTests {
    @Test func aWorkbookThatWouldNotFitIsRefused() throws {
        let session = demoSession()
        _ = session.execute("export billing | take 20000 | select practice_id, count to \"b.xlsx\"")
        _ = session.execute("set max_memory 1MB")
        let d = try #require(session.execute("load b \"b.xlsx\"").errors.first)
        #expect(d.message.contains("loading it would need about"), "\(d.message)")
        #expect(d.message.hasSuffix("and 1 MB are allowed (set max_memory)"), "\(d.message)")
    }

    @Test func aLineLongerThanTheLimitIsRefused() throws {
        let session = demoSession()
        let field = String(repeating: "x", count: 200_000)
        let line = Array(repeating: field, count: 60).joined(separator: ",")
        try ((0..<60).map { "c\($0)" }.joined(separator: ",") + "\n" + line + "\n").write(toFile: session.resolve(path: "wide.csv"), atomically: true, encoding: .utf8)
        let d = try #require(session.execute("load w \"wide.csv\"").errors.first)
        #expect(d.message == "wide.csv: this line is more than 10000000 bytes long")
        #expect(session.execute("load w \"wide.csv\" max_line 20000000").errors.isEmpty)
    }
}
