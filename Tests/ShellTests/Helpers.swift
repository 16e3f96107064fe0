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
    for (name, table) in demoDatasets { session.define(name, table, origin: "demo") }
    return session
}

extension [Outcome] {
    /// The diagnostics among the outcomes.
    var errors: [Diagnostic] { compactMap { if case .error(let d, _) = $0 { return d } else { return nil } } }
    /// The result tables among the outcomes.
    var tables: [Table] { compactMap { if case .result(let t) = $0 { return t } else { return nil } } }
    /// The informational messages.
    var infos: [String] { compactMap { if case .info(let s) = $0 { return s } else { return nil } } }
    /// The text answers.
    var texts: [String] { compactMap { if case .text(let s) = $0 { return s } else { return nil } } }
}

extension Table {
    /// A column's values.
    func values(_ name: String) -> [Value] { (0..<rowCount).map { column(name)!.value(at: $0) } }
}
