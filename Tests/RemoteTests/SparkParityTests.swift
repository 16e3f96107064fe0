import Foundation
import Query
import Shell
import SparkConnect
import Tabular
import Testing
import TestSupport

/// The PostgreSQL parity suite, on Spark through Spark Connect: the same statements give the
/// same results in memory, on PostgreSQL and on Spark.
@Suite(.enabled(if: SparkServer.installed, "needs pyspark and Java (make test installs them)"))
struct SparkParityTests {
    @Test(arguments: ["palliation.klynge", "palliation-compare.klynge", "standardised-ratios.klynge", "survey-overview.klynge"])
    func exampleScripts(script: String) throws {
        let url = try RemoteFixture.sparkDemoURL.get()
        let text = try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("Notebooks/\(script)"), encoding: .utf8)
        PostgreSQLParityTests.compare(text, memory: RemoteFixture.demoSession(), remote: try RemoteFixture.connectedToSpark(url))
    }

    @Test func demoPipelinesGiveTheSameResults() throws {
        let url = try RemoteFixture.sparkDemoURL.get()
        let memory = RemoteFixture.demoSession(), remote = try RemoteFixture.connectedToSpark(url)
        for pipeline in PostgreSQLParityTests.demoPipelines { PostgreSQLParityTests.compare(pipeline, memory: memory, remote: remote) }
    }

    @Test(.enabled(if: TestEnvironment.shared != nil && TestEnvironment.pythonWithNumpy != nil, "needs ../shared and python3 with numpy"))
    func benchQuestionsGiveTheSameResults() throws {
        try PostgreSQLParityTests.benchParity(try RemoteFixture.connectedToSpark(try RemoteFixture.sparkBenchURL.get()), connection: "spark")
    }

    @Test func palliationNotebookCells() throws {
        let url = try RemoteFixture.sparkDemoURL.get()
        let notebook = try Notebook.load(path: TestEnvironment.repositoryRoot.appendingPathComponent("Notebooks/palliation.md").path)
        let bindings = NotebookBindings(notebook)
        let memory = RemoteFixture.demoSession(), remote = try RemoteFixture.connectedToSpark(url)
        for cell in notebook.cells where bindings.runs(cell) {
            let code = try bindings.expand(cell)
            if code.contains("| chart") { continue }
            if code.split(separator: "\n").contains(where: { $0.hasPrefix("load ") }) { continue }
            PostgreSQLParityTests.compare(code, memory: memory, remote: remote)
        }
    }
}
