import Foundation
import Query
import Shell
import Tabular
import Testing
import TestSupport

/// The same statements in memory and pushed down to PostgreSQL give the same results: counts
/// exactly, rates to 1e-12 relative, in the same row order.
@Suite(.enabled(if: RemoteFixture.serverAvailable, "needs PostgreSQL's server (Debian: postgresql)"))
struct PostgreSQLParityTests {
    /// Runs the statements in both sessions and compares every result, in order.
    static func compare(_ text: String, memory: Session, remote: Session, sourceLocation: SourceLocation = #_sourceLocation) {
        let here = memory.execute(text), there = remote.execute(text)
        #expect(here.errors.isEmpty, "in memory: \(here.errors.map(\.message))", sourceLocation: sourceLocation)
        #expect(there.errors.isEmpty, "pushed down: \(there.errors.map(\.message))", sourceLocation: sourceLocation)
        #expect(here.tables.count == there.tables.count, sourceLocation: sourceLocation)
        for (k, (a, b)) in zip(here.tables, there.tables).enumerated() {
            let difference = RemoteFixture.difference(a, b)
            #expect(difference == nil, "result \(k + 1) of \(text.prefix(120)): \(difference ?? "")", sourceLocation: sourceLocation)
        }
    }

    /// Every example script in Notebooks/ runs on the demo tables in PostgreSQL as on the demo data in memory.
    @Test(arguments: ["palliation.klynge", "palliation-compare.klynge", "standardised-ratios.klynge", "survey-overview.klynge"])
    func exampleScripts(script: String) throws {
        let url = try RemoteFixture.demoURL.get()
        let text = try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("Notebooks/\(script)"), encoding: .utf8)
        let remote = try RemoteFixture.connected(url)
        Self.compare(text, memory: RemoteFixture.demoSession(), remote: remote)
    }

    /// Pipelines that start from a database table, one per kind of stage, function and aggregate,
    /// then the analysis stages on the rows the database computes.
    static let demoPipelines = [
        // Every aggregate, grouped by a text key and by a date part.
        "billing | summarize n = count(), services = sum(count), patients = count_distinct(patient_id), fees = sum(fee), mean_fee = mean(fee), median_fee = median(fee), q90 = quantile(fee, 0.9), sd_fee = sd(fee), var_fee = var(fee), first = min(service_date), last = max(service_date), low = min(service_code), high = max(service_code) by practice_id",
        "billing | summarize n = count(), fees = round(sum(fee), 2) by year = year(service_date), quarter = quarter(service_date)",
        "billing | summarize n = count()",
        "billing | where fee > 1000000 | summarize n = count(), s = sum(count), m = mean(fee)",
        // Dates: parts, arithmetic, comparison with literals.
        "billing | where service_date >= @2023-03-01 and service_date < @2023-04-01 | derive w = week(service_date), wd = weekday(service_date), d = day(service_date), m = month(service_date), later = service_date + 30, days = service_date - @2023-01-01, n = integer(service_date) | summarize rows = count() by w, wd, d, m, later, days, n | sort rows desc, w, wd, d | take 12",
        // Text functions, on names with æ, ø and å.
        "practices | derive a = lower(practice_name), b = upper(cluster), c = length(practice_name), s = substr(practice_name, 2, 5), s0 = substr(cluster, 0, 3), s1 = substr(cluster, 4), t = trim(concat(\"  \", cluster, \" \")), r = replace(cluster, \" \", \"_\"), st = startswith(practice_name, \"Læge\"), en = endswith(cluster, \"1\"), co = contains(practice_name, \"ø\"), tx = text(listed_patients) | select practice_id, a, b, c, s, s0, s1, t, r, st, en, co, tx | sort practice_id",
        // Numbers: division by zero is null, rounding half away from zero, math that is not finite is null.
        "practices | derive z = listed_patients - listed_patients, q = listed_patients / z, r = round(listed_patients / 7, 2), r0 = round(-listed_patients / 8), sq = sqrt(listed_patients - 2000), l = ln(listed_patients - 2000), lg = log10(listed_patients), e = exp(listed_patients / 1000), f = floor(listed_patients / 3), c = ceil(listed_patients / 3), p = pow(listed_patients, 0.5), m = listed_patients % 7, ab = abs(-listed_patients), i = integer(listed_patients / 3), dd = decimal(listed_patients), size = if(listed_patients > 2000, \"big\", \"small\"), half = if(listed_patients > 2000, listed_patients / 2, 0) | select practice_id, q, r, r0, sq, l, lg, e, f, c, p, m, ab, i, dd, size, half | sort practice_id",
        // Null handling, `in`, `is null`, coalesce, and text order (code points, nulls last).
        "let n0421 = billing | where service_code == \"0421\" | summarize n = count() by practice_id\npractices | join left n0421 on practice_id | select practice_id, cluster, n | sort n desc, practice_id",
        "practices | derive odd = if(listed_patients % 2 == 1, listed_patients, null) | where odd is null or cluster in (\"Køge 1\", \"Næstved 2\") | derive filled = coalesce(odd, -1) | sort cluster, odd desc, practice_id | select practice_id, cluster, odd, filled",
        "practices | sort cluster desc, practice_name | select cluster, practice_name",
        "practices | distinct cluster | rename cluster as klynge",
        "billing | distinct service_code, count | sort count desc, service_code",
        "practices | sort listed_patients desc, practice_id | take 7 | select practice_id, listed_patients",
        // Joins with another table of the database, both kinds.
        "billing | summarize services = sum(count) by practice_id | join practices on practice_id | select practice_id, cluster, services, listed_patients | sort practice_id",
        "billing | where service_code == \"0130\" | summarize services = sum(count) by practice_id | join left practices on practice_id | sort services desc, practice_id | take 20",
        // The analysis stages, finishing here on the rows the database computes.
        "billing | where service_code in (\"0130\", \"0421\") and year(service_date) == 2023 | summarize services = sum(count) by practice_id | join practices on practice_id | rate services per 1000 listed_patients | sort practice_id",
        "billing | where year(service_date) == 2023 | summarize services = sum(count), patients = count_distinct(patient_id) by practice_id | join practices on practice_id | proportion patients of listed_patients per 100 | sort practice_id",
        "billing | where service_code in (\"0130\", \"0421\") | summarize services = sum(count) by practice_id | join practices on practice_id | compare services per 1000 listed_patients within cluster | sort practice_id",
        "billing | where service_code in (\"0130\", \"0421\") | summarize services = sum(count) by practice_id | join practices on practice_id | funnel services per 1000 listed_patients | sort practice_id",
        "billing | where service_code in (\"0130\", \"0421\") | summarize services = sum(count) by practice_id | join practices on practice_id | variation services per 1000 listed_patients by cluster",
        "billing | where service_code in (\"0130\", \"0421\") | derive band = if(service_code == \"0130\", \"70-74\", \"75-79\") | summarize services = sum(count) by practice_id, band | join practices on practice_id | standardize services per 100000 listed_patients age band by cluster",
        "billing | where service_code in (\"0130\", \"0421\") | derive band = if(service_code == \"0130\", \"70-74\", \"75-79\") | summarize services = sum(count) by practice_id, band | join practices on practice_id | standardize services per 1000 listed_patients age band by practice_id indirect | sort practice_id",
        // A stage split by sums straight on the rows: the database sums per group and band.
        "billing | where count > 0 | derive band = if(service_code == \"0130\", \"70-74\", \"75-79\"), pop = 1000 | standardize count per 100000 pop age band by practice_id limits gamma",
    ]

    /// Summing in the database does not hide a bad row: a negative count (a reversal) is an error
    /// both ways, as is a zero denominator.
    @Test func splitBySumsStillRefusesBadRows() throws {
        let url = try RemoteFixture.demoURL.get()
        let memory = RemoteFixture.demoSession(), remote = try RemoteFixture.connected(url)
        for pipeline in ["billing | derive band = \"70-74\", pop = 1000 | standardize count per 100000 pop age band by practice_id",
                         "billing | where count > 0 | derive band = \"70-74\", pop = if(practice_id == \"x\", 1, 0) | standardize count per 100000 pop age band by practice_id"] {
            let here = memory.execute(pipeline).errors, there = remote.execute(pipeline).errors
            #expect(here.count == 1 && there.count == 1, "\(pipeline): \(here.map(\.message)) vs \(there.map(\.message))")
            #expect(here.first?.message.contains("cannot be negative") == there.first?.message.contains("cannot be negative"))
        }
    }

    @Test func demoPipelinesGiveTheSameResults() throws {
        let url = try RemoteFixture.demoURL.get()
        let memory = RemoteFixture.demoSession(), remote = try RemoteFixture.connected(url)
        for pipeline in Self.demoPipelines { Self.compare(pipeline, memory: memory, remote: remote) }
    }

    /// The benchmark's questions Q1–Q3 (as Bench/bench.py asks them) and the analysis stages on the
    /// generator's 1M rows, in memory and in PostgreSQL.
    static let benchStatements = [
        "billing | summarize n = count() by service_code | sort service_code",
        "let palliation = billing | where service_code in (\"0130\", \"0421\") and service_date >= @2023-01-01 and service_date < @2024-01-01 | summarize services = sum(count) by practice_id",
        "practices | join left palliation on practice_id | derive services = coalesce(services, 0) | derive rate = 1000 * services / listed_patients | select practice_id, cluster, listed_patients, services, rate | sort rate desc, practice_id",
        "let rates = practices | join left palliation on practice_id | derive services = coalesce(services, 0) | derive rate = 1000 * services / listed_patients",
        "let region = rates | summarize region_rate = 1000 * sum(services) / sum(listed_patients) | derive one = 1",
        "rates | summarize practices = count(), mean = mean(rate), median = median(rate), min = min(rate), max = max(rate), cv = sd(rate) / mean(rate), cluster_rate = 1000 * sum(services) / sum(listed_patients) by cluster | derive one = 1 | join region on one | select cluster, practices, mean, median, min, max, cv, cluster_rate, region_rate | sort cluster",
        // Q2 as one pipeline from the table: everything up to the rates runs in the database.
        "billing | where service_code in (\"0130\", \"0421\") and year(service_date) == 2023 | summarize services = sum(count) by practice_id | join practices on practice_id | derive rate = 1000 * services / listed_patients | sort rate desc, practice_id",
        "billing | where service_code in (\"0130\", \"0421\") and year(service_date) == 2023 | summarize services = sum(count) by practice_id | join practices on practice_id | compare services per 1000 listed_patients within cluster | sort practice_id",
        "billing | where service_code in (\"0130\", \"0421\") and year(service_date) == 2023 | summarize services = sum(count) by practice_id | join practices on practice_id | funnel services per 1000 listed_patients | sort practice_id",
        "billing | where service_code in (\"0130\", \"0421\") | summarize services = sum(count) by practice_id | join practices on practice_id | variation services per 1000 listed_patients by cluster",
        "billing | where service_code in (\"0130\", \"0421\") and count > 0 | derive band = if(service_code == \"0130\", \"70-74\", \"75-79\") | summarize services = sum(count) by practice_id, band | join practices on practice_id | standardize services per 100000 listed_patients age band by cluster",
        "billing | where count > 0 | derive band = if(service_code == \"0130\", \"70-74\", \"75-79\"), pop = 1000 | standardize count per 100000 pop age band by practice_id indirect | sort practice_id",
        "billing | summarize n = count(), patients = count_distinct(patient_id), fees = sum(fee), median_fee = median(fee), sd_fee = sd(fee) by year = year(service_date), quarter = quarter(service_date)",
    ]

    @Test(.enabled(if: TestEnvironment.shared != nil && TestEnvironment.pythonWithNumpy != nil, "needs ../shared and python3 with numpy"))
    func benchQuestionsGiveTheSameResults() throws {
        try Self.benchParity(try RemoteFixture.connected(try RemoteFixture.benchURL.get()), connection: "pg")
    }

    /// The bench statements in memory (the 1M CSV files) and on a connected session; Q2 as one
    /// pipeline must have run in the database (its trace shows the SQL step).
    static func benchParity(_ remote: Session, connection: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let memory = RemoteFixture.session(in: try RemoteFixture.benchFolder.get())
        #expect(memory.execute("load billing \"billing.csv\"\nload practices \"practices.csv\"").errors.isEmpty, sourceLocation: sourceLocation)
        for statement in benchStatements { compare(statement, memory: memory, remote: remote, sourceLocation: sourceLocation) }
        _ = remote.execute("set trace on")
        let traced = remote.execute(benchStatements[6]).infos.joined(separator: "\n")
        #expect(traced.contains("\(connection): sql"), sourceLocation: sourceLocation)
        #expect(!traced.contains("1000000 rows"), sourceLocation: sourceLocation)
    }

    /// A stage that cannot be split runs here on the rows fetched, and says how many.
    @Test func anUnsplitStageWarnsWithTheRowsFetched() throws {
        let url = try RemoteFixture.demoURL.get()
        let memory = RemoteFixture.demoSession(), remote = try RemoteFixture.connected(url)
        let line = "survey | likert q01, q02 by cluster"
        Self.compare(line, memory: memory, remote: remote)
        let warning = remote.execute(line).compactMap { if case .warning(let w) = $0 { return w } else { return nil } }.first
        let rows = RemoteFixture.demoDatasets["survey"]!.rowCount
        #expect(warning == "likert cannot run in pg (postgresql): it ran here on the \(NumberFormat.grouped(rows)) rows fetched (the stage 'likert' cannot be split)")
        #expect(memory.execute(line).allSatisfy { if case .warning = $0 { return false } else { return true } })
    }

    /// `.explain` says where each stage runs; `.sql` refuses a pipeline on local data.
    @Test func explainAndSQLSayWhereStagesRun() throws {
        let url = try RemoteFixture.demoURL.get()
        let remote = try RemoteFixture.connected(url)
        let explained = remote.execute(".explain billing | summarize services = sum(count) by practice_id | join practices on practice_id | rate services per 1000 listed_patients").texts.joined()
        #expect(explained.contains("where:\n  in pg (postgresql): scan billing, summarize, join\n  here: rate — rate finishes here on the rows the engine computes"))
        let sql = remote.execute(".sql billing | summarize n = count() by service_code").texts.joined()
        #expect(sql.hasPrefix("WITH s0_scan AS ("))
        #expect(sql.contains("s1_summarize AS ("))
        _ = remote.execute("let local = billing | summarize n = count() by service_code")
        let refused = remote.execute(".sql local | where n > 1").errors.first
        #expect(refused?.message == "'local' is not a table of a connected database, so nothing would be sent as SQL")
    }

    /// The palliation notebook's cells (its default parameters), on the demo data in memory and on
    /// the demo tables in PostgreSQL (the cells that load files left out there).
    @Test func palliationNotebookCells() throws {
        let url = try RemoteFixture.demoURL.get()
        let notebook = try Notebook.load(path: TestEnvironment.repositoryRoot.appendingPathComponent("Notebooks/palliation.md").path)
        let bindings = NotebookBindings(notebook)
        let memory = RemoteFixture.demoSession(), remote = try RemoteFixture.connected(url)
        var compared = 0
        for cell in notebook.cells where bindings.runs(cell) {
            let code = try bindings.expand(cell)
            if code.contains("| chart") { continue }
            if code.split(separator: "\n").contains(where: { $0.hasPrefix("load ") }) {
                #expect(memory.execute(code).errors.isEmpty)
                continue
            }
            Self.compare(code, memory: memory, remote: remote)
            compared += 1
        }
        #expect(compared >= 6)
    }
}
