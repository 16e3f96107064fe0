import Foundation
import Testing
import TestSupport

/// Q1 and Q2 of shared/bench on the generator's 1M-row data, in both file formats, against
/// DuckDB's answers recorded in Fixtures (the generator's manifest pins the exact files).
@Suite(.enabled(if: TestEnvironment.binary != nil && TestEnvironment.shared != nil && TestEnvironment.pythonWithNumpy != nil,
                "needs the klynge binary, ../shared and python3 with numpy"))
struct DuckDBReferenceTests {
    struct Reference: Decodable {
        struct Q1: Decodable { var service_code: String; var n: Int }
        struct Q2: Decodable { var practice_id: String; var cluster: String; var listed_patients: Int; var services: Int; var rate: Double }
        var sha256: [String: [String: String]]
        var q1: [Q1]
        var q2: [Q2]
    }

    static let reference: Reference = {
        let url = Bundle.module.url(forResource: "Fixtures/duckdb-q1-q2-1m-seed1", withExtension: "json")!
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

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
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as! [String: Any]
        let files = manifest["files"] as! [String: [String: Any]]
        for (file, sha) in Self.reference.sha256[danish ? "danish" : "default"]! {
            try #require(files[file]?["sha256"] as? String == sha, "the generator made a different \(file) than DuckDB answered for")
        }
        return out
    }

    @Test(arguments: [false, true])
    func answersMatchDuckDB(danish: Bool) throws {
        let folder = try generate(danish: danish)
        let klynge = TestEnvironment.binary!
        let q1 = try TestEnvironment.run(klynge, ["-c", "load billing \"billing.csv\"", "-c", "billing | summarize n = count() by service_code", "--format", "csv"], directory: folder)
        #expect(q1.status == 0, "\(q1.stderr)")
        #expect(q1.stdout == "service_code,n\n" + Self.reference.q1.map { "\($0.service_code),\($0.n)\n" }.joined())

        let script = folder.appendingPathComponent("q2.klynge")
        try Self.q2.write(to: script, atomically: true, encoding: .utf8)
        let q2 = try TestEnvironment.run(klynge, [script.path, "--format", "csv"], directory: folder)
        #expect(q2.status == 0, "\(q2.stderr)")
        let rows = q2.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        try #require(rows.count == Self.reference.q2.count)
        for (row, expected) in zip(rows, Self.reference.q2) {
            #expect(row[0] == expected.practice_id)
            #expect(row[1] == expected.cluster)
            #expect(Int(row[2]) == expected.listed_patients)
            #expect(Int(row[3]) == expected.services)
            let rate = try #require(Double(row[4]))
            #expect(abs(rate - expected.rate) <= 1e-12 * max(1, abs(expected.rate)))
        }
    }
}
