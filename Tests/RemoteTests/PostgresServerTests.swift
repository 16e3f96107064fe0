import Foundation
import Testing
import TestSupport

/// The throwaway server starts wherever PostgreSQL is installed (otherwise the remote suites would
/// skip silently): a failure here says why.
@Suite struct PostgresServerTests {
    @Test func startsWherePostgreSQLIsInstalled() throws {
        guard FileManager.default.fileExists(atPath: "/usr/lib/postgresql") else { return }
        switch PostgresServer.shared {
        case .success(let server):
            #expect(try server.psql("SELECT 1 + 1").trimmingCharacters(in: .whitespacesAndNewlines) == "2")
        case .failure(let error):
            Issue.record("the test server did not start: \(error)")
        }
    }
}
