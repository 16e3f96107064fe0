import Foundation
import Query
import Shell
import Tabular
import TestSupport

/// The demo datasets, made once for all tests (debug builds make them slowly).
let demoDatasets = DemoData.datasets()

/// A session with the demo data, working in a fresh temporary folder.
func demoSession() -> Session {
    let session = Session(workingDirectory: TestEnvironment.temporaryFolder("session").path)
    // Never the user's own key: each test session has its own.
    session.pseudonymKeyPath = TestEnvironment.temporaryFolder("key").appendingPathComponent("klynge/pseudonym.key").path
    session.exportLogPath = TestEnvironment.temporaryFolder("state").appendingPathComponent("klynge/exports.log").path
    session.loadCachePath = TestEnvironment.temporaryFolder("cache").appendingPathComponent("klynge/loads").path
    for (name, table) in demoDatasets { session.define(name, table, origin: "demo") }
    return session
}

extension Table {
    /// A column's values.
    func values(_ name: String) -> [Value] { (0..<rowCount).map { column(name)!.value(at: $0) } }
}
