import Foundation
import Testing
import TestSupport

/// Inputs that used to crash the shell or run away: each is now an error that says what the limit is.
@Suite(.enabled(if: TestEnvironment.binary != nil, "needs the klynge binary"))
struct LimitTests {
    @Test(arguments: [
        ("100,000 nested brackets", "practices | take 1 | select x = " + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
         "error: brackets, calls or operators nest more than 200 levels deep here"),
        ("100,000 nots", "practices | take 1 | select x = " + String(repeating: "not ", count: 100_000) + "true",
         "error: brackets, calls or operators nest more than 200 levels deep here"),
        ("a chain of 50,000 additions", "practices | take 1 | select x = " + Array(repeating: "1", count: 50_000).joined(separator: " + "),
         "error: this expression nests 50000 levels deep; klynge takes at most 200"),
    ])
    func deepExpressionsAreRefusedNotACrash(_ what: String, _ statement: String, _ message: String) throws {
        let r = try TestEnvironment.run(TestEnvironment.binary!, ["--demo", "--format", "csv"], input: statement + "\npractices | take 1 | select cluster\n")
        #expect(r.status == 1, "\(what): exit status \(r.status)")
        #expect(r.stderr.contains(message), "\(what): \(r.stderr.prefix(300))")
        #expect(r.stderr.split(separator: "\n").allSatisfy { $0.count < 400 }, "\(what): the error line is cut around the caret")
        #expect(r.stdout.hasSuffix("cluster\nLolland 1\n"), "\(what): the next statement still runs")
    }
}
