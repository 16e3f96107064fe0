import Foundation
import Testing
import TestSupport

/// Every notebook in Notebooks/ runs in the suite: the `.klynge` scripts print exactly their
/// `.expected` output, and the `.md` notebooks write exactly their expected report
/// (`Notebooks/expected/NAME.report.md`, the run date masked) through `klynge run`.
///
/// After a deliberate change, rewrite the expectations with
/// `KLYNGE_UPDATE_EXPECTED=1 make test` and review the diff.
@Suite(.enabled(if: TestEnvironment.binary != nil, "build klynge first (make test does)"))
struct NotebookTests {
    static let folder = TestEnvironment.repositoryRoot.appendingPathComponent("Notebooks")
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    static let scripts = files.filter { $0.hasSuffix(".klynge") }
    static let notebooks = files.filter { $0.hasSuffix(".md") }
    static var update: Bool { ProcessInfo.processInfo.environment["KLYNGE_UPDATE_EXPECTED"] == "1" }

    /// Runs `klynge` with the arguments in a folder of its own.
    static func klynge(_ arguments: [String], in directory: URL? = nil) throws -> TestEnvironment.Run {
        try TestEnvironment.run(TestEnvironment.binary!, arguments, directory: directory ?? TestEnvironment.temporaryFolder("run"))
    }

    /// A report's text with its run date masked.
    static func masked(_ report: String) -> String {
        report.replacingOccurrences(of: #"(Kørt|Run): \d{4}-\d\d-\d\d \d\d:\d\d"#, with: "$1: (date)", options: .regularExpression)
    }

    @Test func thereAreNotebooks() {
        #expect(Self.scripts.count >= 2)
        #expect(Self.notebooks.contains("palliation.md") && Self.notebooks.contains("hospital-survey.md"))
    }

    @Test(arguments: scripts)
    func scriptRunsAndMatchesItsExpectedOutput(_ name: String) throws {
        let path = Self.folder.appendingPathComponent(name)
        let r = try TestEnvironment.run(TestEnvironment.binary!, ["--demo", path.path, "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let expectedPath = Self.folder.appendingPathComponent(name + ".expected")
        if Self.update { try r.stdout.write(to: expectedPath, atomically: true, encoding: .utf8) }
        let expected = try String(contentsOf: expectedPath, encoding: .utf8)
        #expect(r.stdout == expected)
    }

    @Test(arguments: notebooks)
    func notebookWritesItsExpectedReport(_ name: String) throws {
        let out = TestEnvironment.temporaryFolder("report")
        let r = try Self.klynge(["run", Self.folder.appendingPathComponent(name).path, "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let report = Self.masked(try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8))
        let expectedPath = Self.folder.appendingPathComponent("expected/" + name.replacingOccurrences(of: ".md", with: ".report.md"))
        if Self.update { try report.write(to: expectedPath, atomically: true, encoding: .utf8) }
        #expect(report == (try String(contentsOf: expectedPath, encoding: .utf8)))
        // Every chart the report shows is a file beside it, and inline in the HTML page.
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let images = report.components(separatedBy: "](charts/").count - 1
        #expect(images >= 2 && html.components(separatedBy: "<svg ").count - 1 == images)
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") },
                "a report fetches nothing from the network")
    }

    /// The counts of 1–4 a report shows in a table, as "report: column = value". The count columns
    /// are those the notebooks show: services, answers and people (not practices, years or p-values).
    static func smallCounts(in report: String, named: String) -> [String] {
        let counts: Set<String> = ["services", "n", "positive", "respondents", "invited", "dont_know", "blank", "listed_patients", "patients", "answers"]
        var found: [String] = []
        var header: [String] = []
        for line in report.split(separator: "\n").map(String.init) where line.hasPrefix("|") {
            let cells = line.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.allSatisfy({ $0.hasPrefix("---") || $0.hasSuffix("---:") }) { continue }
            if header.isEmpty || cells.count != header.count { header = cells; continue }
            for (column, value) in zip(header, cells) where ["1", "2", "3", "4"].contains(value) && counts.contains(column) {
                found.append("\(named): \(column) = \(value)")
            }
        }
        return found
    }

    /// The numbers a chart writes as text that are small counts: none should be, since charts
    /// show rates and shares, never a count of 1–4.
    static func smallCountsInCharts(_ folder: URL) throws -> [String] {
        var found: [String] = []
        let charts = folder.appendingPathComponent("charts")
        for file in (try? FileManager.default.contentsOfDirectory(atPath: charts.path)) ?? [] where file.hasSuffix(".svg") {
            let svg = try String(contentsOf: charts.appendingPathComponent(file), encoding: .utf8)
            // Axis ticks are multiples of the step (0, 20, 40 …); a lone 1–4 next to a mark would be a count.
            for text in SVGTexts.of(svg) where ["1", "2", "3", "4"].contains(text.text) && text.size > 10 {
                found.append("\(folder.lastPathComponent)/\(file): \(text.text)")
            }
        }
        return found
    }

    @Test func eachClusterGetsItsOwnReportAndTheRegionAnIndex() throws {
        let out = TestEnvironment.temporaryFolder("each")
        let r = try Self.klynge(["run", Self.folder.appendingPathComponent("palliation.md").path, "--each", "cluster", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let clusters = try Self.klynge(["--demo", "-c", "practices | distinct cluster | sort cluster", "--format", "csv"]).stdout
            .split(separator: "\n").dropFirst().map(String.init)
        #expect(clusters.count == 12)
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        var hidden = 0
        var small: [String] = []
        for cluster in clusters {
            let slug = cluster.lowercased().replacingOccurrences(of: "ø", with: "oe").replacingOccurrences(of: "æ", with: "ae")
                .replacingOccurrences(of: "å", with: "aa").replacingOccurrences(of: " ", with: "-")
            let folder = out.appendingPathComponent(slug)
            #expect(index.contains("href=\"\(slug)/report.html\">\(cluster)</a>"))
            let report = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
            #expect(report.hasPrefix("# Palliation i \(cluster), 2022\n"))
            #expect(report.contains("| `cluster` | \(cluster) |"))
            #expect(report.components(separatedBy: "](charts/").count - 1 == 3, "\(cluster): bar, funnel and slope charts")
            hidden += report.components(separatedBy: "<5").count - 1
            small += Self.smallCounts(in: report, named: cluster)
            small += try Self.smallCountsInCharts(folder)
        }
        #expect(small.isEmpty, "counts of 1–4 in reports: \(small)")
        #expect(hidden > 0, "the demo has practices with 1–4 services; some report must show <5")
        #expect(r.stderr.contains("wrote 12 reports and"))
    }

    @Test func theCheckForSmallCountsFindsThemWhenControlIsOff() throws {
        let nb = try writeNotebook("""
            ```klynge
            load billing "demo:billing"
            set suppress off
            billing | where service_code == "0130" | summarize services = sum(count) by practice_id | sort services, practice_id | take 3
            ```
            """)
        let out = TestEnvironment.temporaryFolder("off")
        let r = try Self.klynge(["run", nb.path, "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("Diskretionering var slået FRA"))
        #expect(!Self.smallCounts(in: report, named: "off").isEmpty)
    }

    @Test func surveyReportsShowNoSmallCounts() throws {
        let out = TestEnvironment.temporaryFolder("survey-each")
        let r = try Self.klynge(["run", Self.folder.appendingPathComponent("hospital-survey.md").path, "--each", "cluster", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let folders = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !$0.hasPrefix("index") }
        #expect(folders.count == 12)
        var small: [String] = []
        for folder in folders {
            let report = try String(contentsOf: out.appendingPathComponent(folder).appendingPathComponent("report.md"), encoding: .utf8)
            small += Self.smallCounts(in: report, named: folder)
            small += try Self.smallCountsInCharts(out.appendingPathComponent(folder))
        }
        #expect(small.isEmpty, "counts of 1–4 in reports: \(small)")
    }

    static let failing = """
        ---
        params:
          cluster: Køge 1
        ---
        # A notebook with mistakes

        ```klynge
        load practices "demo:practices"
        practices | where cluster == $cluster | summarize n = count()
        ```

        ```klynge
        practices
          | where clustr == $cluster
        ```

        ```klynge
        practices | take 1 | select practice_id, nosuch
        ```

        ```klynge
        practices | summarize practices = count()
        ```
        """

    func writeNotebook(_ text: String, named name: String = "nb.md") throws -> URL {
        let folder = TestEnvironment.temporaryFolder("notebook")
        let file = folder.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func aFailingCellStopsTheRunWithItsCellLineAndCaret() throws {
        let nb = try writeNotebook(Self.failing)
        let out = TestEnvironment.temporaryFolder("failing")
        let r = try Self.klynge(["run", nb.path, "--out", out.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("unknown column 'clustr'"))
        #expect(r.stderr.contains("--> nb.md, cell 2, line 14"))
        #expect(r.stderr.contains("14 |   | where clustr == \"Køge 1\""))
        #expect(r.stderr.contains("^^^^^^"))
        #expect(!r.stderr.contains("nosuch"), "the run stops at the first failing cell")
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("Rapporten er ufuldstændig") && report.contains("Ikke kørt: an earlier cell failed"))
    }

    @Test func keepGoingReportsEveryFailureAndStillExitsNonZero() throws {
        let nb = try writeNotebook(Self.failing)
        let out = TestEnvironment.temporaryFolder("keep-going")
        let r = try Self.klynge(["run", nb.path, "--out", out.path, "--keep-going"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("cell 2, line 14") && r.stderr.contains("cell 3, line 18") && r.stderr.contains("unknown column 'nosuch'"))
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("| practices |\n| ---: |\n| 66 |"), "the cell after the failures ran")
    }

    @Test func parametersAreCheckedBeforeAnythingRuns() throws {
        let nb = try writeNotebook(Self.failing)
        let out = TestEnvironment.temporaryFolder("params").appendingPathComponent("never")
        let undeclared = try Self.klynge(["run", nb.path, "--out", out.path, "--param", "clustre=Faxe 1"])
        #expect(undeclared.status == 2)
        #expect(undeclared.stderr == "error: \(nb.path): the notebook has no parameter 'clustre'\n  = help: did you mean 'cluster'?\n")
        let palliation = Self.folder.appendingPathComponent("palliation.md").path
        let wrongType = try Self.klynge(["run", palliation, "--out", out.path, "--param", "year=twenty"])
        #expect(wrongType.status == 2)
        #expect(wrongType.stderr.contains("'year' is a whole number, not 'twenty'"))
        let badEach = try Self.klynge(["run", palliation, "--out", out.path, "--each", "year"])
        #expect(badEach.status == 2 && badEach.stderr.contains("does not say where the values of 'year' come from"))
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing ran, nothing was written")
    }

    @Test func helpListsTheNotebooksParametersWithTheirDefaults() throws {
        let r = try Self.klynge(["run", Self.folder.appendingPathComponent("palliation.md").path, "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("USAGE: klynge run"))
        #expect(r.stdout.contains("--param year=…  a whole number; default: 2022"))
        #expect(r.stdout.contains("--param codes=…  a list of texts, separated by commas; default: 0130, 0421"))
        #expect(r.stdout.contains("--each cluster runs it for every value of practices.cluster"))
    }

    @Test func aNotebookRunsFromAnyFolderWithPathsBesideIt() throws {
        let nb = try writeNotebook("""
            ---
            params:
              listing: {type: file, default: listing.csv}
            ---
            ```klynge
            load listing $listing
            load more "more.csv"
            listing | join more on id | chart bar id size to "sizes.svg"
            ```
            """)
        let folder = nb.deletingLastPathComponent()
        try "id,size\na,10\nb,20\n".write(to: folder.appendingPathComponent("listing.csv"), atomically: true, encoding: .utf8)
        try "id,kind\na,x\nb,y\n".write(to: folder.appendingPathComponent("more.csv"), atomically: true, encoding: .utf8)
        let elsewhere = TestEnvironment.temporaryFolder("elsewhere")
        let r = try Self.klynge(["run", nb.path, "--out", "out"], in: elsewhere)
        #expect(r.status == 0, "\(r.stderr)")
        // Written files go to the report's folder; the chart is also in the report.
        #expect(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("out/sizes.svg").path))
        let report = try String(contentsOf: elsewhere.appendingPathComponent("out/report.md"), encoding: .utf8)
        #expect(report.contains("](sizes.svg)"))
    }

    @Test(.enabled(if: TestEnvironment.chromium != nil && TestEnvironment.python3 != nil, "needs chromium (make test installs it) and python3"))
    func theHTMLReportRendersWithItsTablesAndCharts() throws {
        let out = TestEnvironment.temporaryFolder("shot")
        let r = try Self.klynge(["run", Self.folder.appendingPathComponent("palliation.md").path, "--out", out.path, "--param", "cluster=Køge 1"])
        #expect(r.status == 0, "\(r.stderr)")
        let shot = out.appendingPathComponent("report.png")
        let page = out.appendingPathComponent("report.html")
        let chrome = try TestEnvironment.run(TestEnvironment.chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                                       "--user-data-dir=\(out.appendingPathComponent("profile").path)",
                                                                       "--window-size=1100,7000", "--screenshot=\(shot.path)", page.absoluteString])
        try #require(FileManager.default.fileExists(atPath: shot.path), "chromium wrote no screenshot: \(chrome.stderr)")
        // The figure frame (#c9d3df), the bars and points (#1f5f8b) and the cluster's reference line (#d97a00).
        let stats = try TestEnvironment.run(TestEnvironment.python3!, [TestEnvironment.repositoryRoot.appendingPathComponent("Tests/KlyngeTests/Scripts/png_stats.py").path,
                                                                       shot.path, "#c9d3df", "#1f5f8b", "#d97a00"])
        try #require(stats.status == 0, "\(stats.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as! [String: Any]
        let colours = json["colours"] as! [String: [String: Int]]
        #expect((json["not_white"] as! Double) > 0.03, "the page is not blank")
        #expect(colours["#c9d3df"]!["bands"] == 3, "three chart frames, one below the other: \(stats.stdout)")
        #expect(colours["#1f5f8b"]!["bands"]! >= 2 && colours["#1f5f8b"]!["pixels"]! > 2000, "bars and funnel points drawn: \(stats.stdout)")
        #expect(colours["#d97a00"]!["pixels"]! > 100, "reference lines and limits drawn: \(stats.stdout)")
    }

    @Test(.enabled(if: TestEnvironment.shared != nil && TestEnvironment.pythonWithNumpy != nil, "needs ../shared/bench and numpy"))
    func thePalliationNotebookRunsOnTheGeneratorsDataByParameter() throws {
        let data = TestEnvironment.temporaryFolder("gen")
        defer { try? FileManager.default.removeItem(at: data) }
        let gen = try TestEnvironment.run(TestEnvironment.pythonWithNumpy!, [TestEnvironment.shared!.appendingPathComponent("bench/gen_data.py").path,
                                                                           "--rows", "200000", "--seed", "3", "--out", data.path, "--quiet"])
        try #require(gen.status == 0, "\(gen.stderr)")
        let first = try Self.klynge(["-c", "load p \"\(data.appendingPathComponent("practices.csv").path)\"", "-c", "p | distinct cluster | sort cluster | take 1", "--format", "csv"])
        let cluster = try #require(first.stdout.split(separator: "\n").dropFirst().first.map(String.init))
        let out = TestEnvironment.temporaryFolder("gen-report")
        let r = try Self.klynge(["run", Self.folder.appendingPathComponent("palliation.md").path, "--out", out.path,
                                 "--param", "billing=\(data.appendingPathComponent("billing.csv").path)",
                                 "--param", "practices=\(data.appendingPathComponent("practices.csv").path)",
                                 "--param", "cluster=\(cluster)"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.hasPrefix("# Palliation i \(cluster), 2022\n"))
        #expect(report.components(separatedBy: "](charts/").count - 1 == 3)
        #expect(Self.smallCounts(in: report, named: cluster).isEmpty)
    }
}
