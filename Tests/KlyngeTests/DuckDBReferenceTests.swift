import Foundation
import Testing
import TestSupport

/// Q1 and Q2 of shared/bench on the generator's 1M-row data, in both file formats, against DuckDB.
///
/// DuckDB answers in the run, with the benchmark's own SQL (`Scripts/duckdb_answers.py`), when
/// python3 can import it (`make test` installs it from PyPI), so the test holds for whatever bytes
/// the generator writes on this machine. Without DuckDB it compares with the answers pinned in
/// Fixtures, which hold only for the exact files they were made from (the sha256 in the fixture).
@Suite(.enabled(if: TestEnvironment.binary != nil && TestEnvironment.shared != nil && TestEnvironment.pythonWithNumpy != nil,
                "needs the klynge binary, ../shared and python3 with numpy"))
struct DuckDBReferenceTests {
    struct Reference: Decodable {
        struct Q1: Decodable { var service_code: String; var n: Int }
        struct Q2: Decodable { var practice_id: String; var cluster: String; var listed_patients: Int; var services: Int; var rate: Double }
        struct Generator: Decodable { var version: String?; var numpy: String? }
        var generator: Generator?
        var sha256: [String: [String: String]]?
        var q1: [Q1]
        var q2: [Q2]
    }

    static let scripts = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/KlyngeTests/Scripts")

    static let pinned: Reference = {
        let url = Bundle.module.url(forResource: "Fixtures/duckdb-q1-q2-1m-seed1", withExtension: "json")!
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    /// Whether the python3 that runs the generator can also import duckdb.
    static let pythonHasDuckDB: Bool = {
        guard let python = TestEnvironment.pythonWithNumpy else { return false }
        return (try? TestEnvironment.run(python, ["-c", "import duckdb"]))?.status == 0
    }()

    /// DuckDB's answers for the folder: computed now when DuckDB is there, else the pinned ones
    /// after checking that the generator wrote the very files they were made from.
    func reference(_ folder: URL, danish: Bool) throws -> Reference {
        let bench = TestEnvironment.shared!.appendingPathComponent("bench")
        if Self.pythonHasDuckDB {
            var args = [Self.scripts.appendingPathComponent("duckdb_answers.py").path, "--bench", bench.path, "--data", folder.path]
            if danish { args.append("--danish") }
            let r = try TestEnvironment.run(TestEnvironment.pythonWithNumpy!, args)
            try #require(r.status == 0, "DuckDB could not answer: \(r.stderr)")
            return try JSONDecoder().decode(Reference.self, from: Data(r.stdout.utf8))
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as! [String: Any]
        let files = manifest["files"] as! [String: [String: Any]]
        let pin = Self.pinned
        for (file, sha) in pin.sha256?[danish ? "danish" : "default"] ?? [:] {
            try #require(files[file]?["sha256"] as? String == sha, """
                the generator made a different \(file) than the pinned DuckDB answers were made from \
                (pinned: generator \(pin.generator?.version ?? "?") with numpy \(pin.generator?.numpy ?? "?"); \
                here: generator \(manifest["version"] ?? "?") with numpy \(manifest["numpy"] ?? "?")). \
                Install duckdb for python3 (`python3 -m pip install duckdb==2.0.0`; make test does) so DuckDB answers in the run, \
                or refresh the pin: python3 Tests/KlyngeTests/Scripts/duckdb_answers.py --bench ../shared/bench \
                --pin Tests/KlyngeTests/Fixtures/duckdb-q1-q2-1m-seed1.json DEFAULT_DIR DANISH_DIR
                """)
        }
        return pin
    }

    static let q2 = """
        load billing "billing.csv"
        load practices "practices.csv"
        let palliation = billing
          | where service_code in ("0130", "0421") and year(service_date) == 2023
          | summarize services = sum(count) by practice_id
        practices
          | join left palliation on practice_id
          | derive services = coalesce(services, 0)
          | derive rate = 1000 * services / listed_patients
          | select practice_id, cluster, listed_patients, services, rate
          | sort rate desc, practice_id
        """

    func generate(danish: Bool) throws -> URL {
        let out = TestEnvironment.temporaryFolder(danish ? "1m-dk" : "1m")
        var args = [TestEnvironment.shared!.appendingPathComponent("bench/gen_data.py").path, "--rows", "1000000", "--seed", "1", "--out", out.path, "--quiet"]
        if danish { args.append("--danish-csv") }
        let r = try TestEnvironment.run(TestEnvironment.pythonWithNumpy!, args)
        try #require(r.status == 0, "\(r.stderr)")
        return out
    }

    @Test(arguments: [false, true])
    func answersMatchDuckDB(danish: Bool) throws {
        let folder = try generate(danish: danish)
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = try reference(folder, danish: danish)
        let klynge = TestEnvironment.binary!
        let q1 = try TestEnvironment.run(klynge, ["-c", "load billing \"billing.csv\"", "-c", "billing | summarize n = count() by service_code", "--format", "csv"], directory: folder)
        #expect(q1.status == 0, "\(q1.stderr)")
        #expect(q1.stdout == "service_code,n\n" + reference.q1.map { "\($0.service_code),\($0.n)\n" }.joined())

        let script = folder.appendingPathComponent("q2.klynge")
        try Self.q2.write(to: script, atomically: true, encoding: .utf8)
        let q2 = try TestEnvironment.run(klynge, [script.path, "--format", "csv"], directory: folder)
        #expect(q2.status == 0, "\(q2.stderr)")
        let rows = q2.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        try #require(rows.count == reference.q2.count)
        for (row, expected) in zip(rows, reference.q2) {
            #expect(row[0] == expected.practice_id)
            #expect(row[1] == expected.cluster)
            #expect(Int(row[2]) == expected.listed_patients)
            #expect(Int(row[3]) == expected.services)
            let rate = try #require(Double(row[4]))
            #expect(abs(rate - expected.rate) <= 1e-12 * max(1, abs(expected.rate)))
        }
    }
}
