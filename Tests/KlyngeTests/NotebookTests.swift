import Foundation
import Testing
import TestSupport

/// Every notebook in Notebooks/ runs on the demo data and prints exactly its `.expected` output.
///
/// After a deliberate change, rewrite the expectations with
/// `KLYNGE_UPDATE_EXPECTED=1 make test` and review the diff.
@Suite(.enabled(if: TestEnvironment.binary != nil, "build klynge first (make test does)"))
struct NotebookTests {
    static let folder = TestEnvironment.repositoryRoot.appendingPathComponent("Notebooks")
    static let notebooks: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasSuffix(".klynge") }.sorted()

    @Test func thereAreNotebooks() { #expect(Self.notebooks.count >= 2) }

    @Test(arguments: notebooks)
    func notebookRunsAndMatchesItsExpectedOutput(_ name: String) throws {
        let path = Self.folder.appendingPathComponent(name)
        let r = try TestEnvironment.run(TestEnvironment.binary!, ["--demo", path.path, "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let expectedPath = Self.folder.appendingPathComponent(name + ".expected")
        if ProcessInfo.processInfo.environment["KLYNGE_UPDATE_EXPECTED"] == "1" {
            try r.stdout.write(to: expectedPath, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: expectedPath, encoding: .utf8)
        #expect(r.stdout == expected)
    }
}
