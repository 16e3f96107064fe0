import Foundation
import Testing
import TestSupport

/// PowerPoint decks as a coordinator opens them: read back with python-pptx and openpyxl
/// (`Scripts/deck_facts.py`), validated with openxml-audit, rendered with LibreOffice.
@Suite(.enabled(if: TestEnvironment.binary != nil && TestEnvironment.pythonWithDeckTools != nil,
                "needs klynge and python3 with python-pptx, openpyxl and openxml-audit (make test installs them)"))
struct DeckTests {
    static let setup = [
        "let palliation = billing | where service_code in (\"0130\", \"0421\") and year(service_date) == 2023 | summarize services = sum(count) by practice_id",
        "let base = practices | join left palliation on practice_id | derive services = coalesce(services, 0)",
        "let rates = base | compare services per 1000 listed_patients within cluster",
    ]

    /// A chart kind: the pipeline that feeds it, and the chart stage.
    struct Kind: Sendable, CustomStringConvertible {
        var name: String
        var pipeline: String
        var chart: String
        var description: String { name }
    }

    static let kinds = [
        Kind(name: "bar", pipeline: "rates | where cluster == \"Næstved 1\"", chart: "chart bar practice_id rate ref group_rate, overall_rate errors lower95 upper95 title \"Palliative ydelser, Næstved 1\""),
        Kind(name: "funnel", pipeline: "base | funnel services per 1000 listed_patients", chart: "chart funnel practice_id rate listed_patients"),
        Kind(name: "likert", pipeline: "survey | likert q05, q06, q07 texts survey_questions", chart: "chart likert text answer percent"),
        Kind(name: "trend", pipeline: "billing | where service_code in (\"0130\", \"0421\") | join practices on practice_id | where cluster in (\"Køge 1\", \"Sorø 1\") | summarize services = sum(count) by year = year(service_date), cluster",
             chart: "chart trend year services cluster"),
        Kind(name: "slope", pipeline: "billing | where service_code in (\"0130\", \"0421\") and year(service_date) in (2022, 2023) | summarize services = sum(count) by practice_id, year = year(service_date) | join practices on practice_id | where cluster == \"Næstved 1\" | followup services per 1000 listed_patients period year by practice_id",
             chart: "chart slope practice_id baseline_rate followup_rate"),
    ]

    static func klynge(_ commands: [String], in folder: URL, extra: [String] = []) throws -> TestEnvironment.Run {
        try TestEnvironment.run(TestEnvironment.binary!, ["--demo"] + commands.flatMap { ["-c", $0] } + extra, directory: folder)
    }

    /// What the deck holds, as python-pptx and openpyxl read it.
    static func facts(_ deck: URL) throws -> [String: Any] {
        let r = try TestEnvironment.run(TestEnvironment.pythonWithDeckTools!, [TestEnvironment.repositoryRoot.appendingPathComponent("Tests/KlyngeTests/Scripts/deck_facts.py").path, deck.path])
        try #require(r.status == 0, "deck_facts.py: \(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }

    /// openxml-audit's errors for the deck (PowerPoint's schemas and semantic rules).
    static func auditErrors(_ deck: URL) throws -> (Int, String) {
        let r = try TestEnvironment.run(TestEnvironment.pythonWithDeckTools!, ["-m", "openxml_audit", "-o", "json", deck.path])
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        return ((report?.first?["error_count"] as? Int) ?? -1, r.stdout + r.stderr)
    }

    /// A result as klynge prints it in CSV: the header and the rows.
    static func result(_ pipeline: String, in folder: URL) throws -> (header: [String], rows: [[String]]) {
        let r = try klynge(setup + [pipeline], in: folder, extra: ["--format", "csv"])
        try #require(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { Self.fields(String($0)) }
        return (lines[0], Array(lines.dropFirst()))
    }

    /// A CSV line's fields (quotes as klynge writes them).
    static func fields(_ line: String) -> [String] {
        var fields: [String] = [], current = "", quoted = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if c == "\"" {
                if quoted, chars.first == "\"" { current.append("\""); chars = chars.dropFirst() } else { quoted.toggle() }
            } else if c == ",", !quoted {
                fields.append(current); current = ""
            } else {
                current.append(c)
            }
        }
        return fields + [current]
    }

    static func charts(_ facts: [String: Any]) -> [[String: Any]] {
        (facts["slides"] as! [[String: Any]]).flatMap { $0["charts"] as! [[String: Any]] }
    }

    static func series(_ chart: [String: Any]) -> [[String: Any]] {
        (chart["plots"] as! [[String: Any]]).flatMap { $0["series"] as! [[String: Any]] }
    }

    /// Numbers as deck_facts.py writes them: text, so they parse to the very same doubles
    /// (Foundation's JSON numbers can be one unit in the last place off).
    static func doubles(_ any: Any?) -> [Double?] { (any as? [Any] ?? []).map { ($0 as? String).flatMap(Double.init) } }

    /// A workbook cell as a number, when it is one.
    static func number(_ cell: Any?) -> Double? { (cell as? String).flatMap(Double.init) }

    @Test(arguments: kinds)
    func everyKindIsANativeChartWhoseWorkbookHoldsItsNumbers(_ kind: Kind) throws {
        let folder = TestEnvironment.temporaryFolder("deck-\(kind.name)")
        let r = try Self.klynge(Self.setup + ["\(kind.pipeline) | \(kind.chart) to \"\(kind.name).pptx\""], in: folder)
        #expect(r.status == 0, "\(r.stderr)")
        let deck = folder.appendingPathComponent("\(kind.name).pptx")
        let facts = try Self.facts(deck)
        let slides = facts["slides"] as! [[String: Any]]
        try #require(slides.count == 1)
        let chart = try #require(Self.charts(facts).first)
        let series = Self.series(chart)
        let workbook = chart["workbook"] as! [[Any]]
        let header = workbook[0].map { "\($0)" }

        // The embedded workbook's cells are the chart's caches: every series reads the column its name heads.
        for s in series {
            let name = s["name"] as! String
            let column = try #require(header.firstIndex(of: name), "no column '\(name)' in \(header)")
            let cells = workbook.dropFirst().map { Self.number($0[column]) }
            #expect(cells == Self.doubles(s["values"]), "\(kind.name): series \(name)")
        }
        let categories = (chart["plots"] as! [[String: Any]])[0]["categories"] as? [String] ?? []
        if !categories.isEmpty { #expect(categories == workbook.dropFirst().map { "\($0[0] ?? "")" }) }

        // The numbers are klynge's own result, as a user sees it with --format csv.
        let (columns, rows) = try Self.result(kind.pipeline, in: folder)
        func column(_ name: String) -> [String] { let i = columns.firstIndex(of: name)!; return rows.map { $0[i] } }
        switch kind.name {
        case "bar":
            #expect(chart["chart_type"] as? String == "COLUMN_CLUSTERED (51)")
            let expected = column("rate").compactMap(Double.init).sorted(by: >)
            #expect(Self.doubles(series[0]["values"]).compactMap { $0 } == expected)
            #expect(series.map { $0["name"] as! String } == ["services pr. 1000 listed_patients", "Klynge", "Region"])
            #expect((slides[0]["title"] as? String) == "Palliative ydelser, Næstved 1")
        case "funnel":
            #expect((chart["chart_type"] as? String)?.hasPrefix("XY_SCATTER") == true)
            let order = column("listed_patients").compactMap(Double.init).enumerated().sorted { $0.element < $1.element }.map(\.offset)
            #expect(Self.doubles(series[0]["x"]).compactMap { $0 } == order.map { Double(column("listed_patients")[$0])! })
            // As on the screen, except that a practice with 1–4 services has its rate hidden in a deck.
            let hidden = column("services").map { (1...4).contains(Int($0) ?? 0) }
            #expect(hidden.contains(true))
            #expect(Self.doubles(series[0]["values"]) == order.map { hidden[$0] ? nil : Double(column("rate")[$0]) })
            #expect(series.map { $0["name"] as! String }.contains("99,8 % kontrolgrænser, øvre"))
        case "likert":
            #expect(chart["chart_type"] as? String == "BAR_STACKED_100 (59)")
            #expect(series.map { $0["name"] as! String } == ["Meget enig", "Enig", "Hverken enig eller uenig", "Uenig", "Meget uenig"])
            #expect(categories.first?.hasPrefix("Jeg kender vores praksis' palliative forløb (Ved ikke ") == true)
            let q05 = rows.filter { $0[columns.firstIndex(of: "question")!] == "q05" }
            let agree = q05.first { $0[columns.firstIndex(of: "answer")!] == "Enig" }.map { Double($0[columns.firstIndex(of: "percent")!]) }
            #expect(Self.doubles(series[1]["values"]).first == agree)
        case "trend":
            #expect((chart["chart_type"] as? String)?.hasPrefix("LINE") == true)
            #expect(series.map { $0["name"] as! String } == ["Køge 1", "Sorø 1"])
            #expect(categories == ["2022", "2023", "2024"])
        default:
            #expect((chart["chart_type"] as? String)?.hasPrefix("LINE") == true)
            #expect(categories == ["Før", "Efter"])
            #expect(series.count == rows.count)
            let first = rows[0]
            let s = try #require(series.first { $0["name"] as? String == first[0] })
            #expect(Self.doubles(s["values"]) == [Double(first[columns.firstIndex(of: "baseline_rate")!]), Double(first[columns.firstIndex(of: "followup_rate")!])])
        }
        let (errors, report) = try Self.auditErrors(deck)
        #expect(errors == 0, "openxml-audit: \(report)")
    }

    @Test func theSameDeckIsTheSameBytes() throws {
        let folder = TestEnvironment.temporaryFolder("deck-bytes")
        let kind = Self.kinds[0]
        for name in ["a", "b"] { _ = try Self.klynge(Self.setup + ["\(kind.pipeline) | \(kind.chart) to \"\(name).pptx\""], in: folder) }
        let a = try Data(contentsOf: folder.appendingPathComponent("a.pptx")), b = try Data(contentsOf: folder.appendingPathComponent("b.pptx"))
        #expect(!a.isEmpty && a == b)
    }

    @Test func aNotebookDeckHasTitleSectionChartAndTableSlides() throws {
        let out = TestEnvironment.temporaryFolder("deck-notebook")
        let r = try TestEnvironment.run(TestEnvironment.binary!, ["run", TestEnvironment.repositoryRoot.appendingPathComponent("Notebooks/palliation.md").path,
                                                                  "--pptx", "--out", out.path, "--param", "cluster=Køge 1"])
        #expect(r.status == 0, "\(r.stderr)")
        let deck = out.appendingPathComponent("deck.pptx")
        let facts = try Self.facts(deck)
        let slides = facts["slides"] as! [[String: Any]]
        #expect(slides[0]["layout"] as? String == "Title Slide" && slides[0]["title"] as? String == "Palliation i Køge 1, 2022")
        #expect((slides[0]["texts"] as! [String]).joined().contains("cluster: Køge 1"))
        #expect(slides.filter { $0["layout"] as? String == "Section Header" }.map { $0["title"] as! String }
                == ["Regionen og klyngerne", "Klyngens praksis", "Tragtdiagram", "Variation mellem praksis", "Opfølgning efter 12 måneder"])
        #expect(Self.charts(facts).count == 3)
        let tables = slides.flatMap { $0["tables"] as! [[[String]]] }
        #expect(tables.count == 6)
        // The cluster's practices, with Danish decimal commas; a practice with 1–4 services shows <5.
        let practices = try #require(tables.first { $0[0].first == "practice_id" && $0[0].contains("vs_group") })
        #expect(practices.dropFirst().allSatisfy { $0[3].isEmpty || $0[3].contains(",") || Int($0[3]) != nil })
        let (errors, report) = try Self.auditErrors(deck)
        #expect(errors == 0, "openxml-audit: \(report)")
    }

    @Test func aTableTooLongForASlideIsCutWithANote() throws {
        let folder = TestEnvironment.temporaryFolder("deck-cut")
        let notebook = folder.appendingPathComponent("long.md")
        try "```klynge\nload practices \"demo:practices\"\npractices | select practice_id, cluster, listed_patients\n```\n".write(to: notebook, atomically: true, encoding: .utf8)
        let r = try TestEnvironment.run(TestEnvironment.binary!, ["run", notebook.path, "--pptx", "--out", folder.appendingPathComponent("out").path])
        #expect(r.status == 0, "\(r.stderr)")
        let slides = try Self.facts(folder.appendingPathComponent("out/deck.pptx"))["slides"] as! [[String: Any]]
        let slide = try #require(slides.first { !($0["tables"] as! [Any]).isEmpty })
        #expect((slide["tables"] as! [[[String]]])[0].count == 13, "a header and 12 rows")
        #expect((slide["texts"] as! [String]).joined().contains("Viser de første 12 af 66 rækker."))
    }

    @Test func packAsPptxWritesADeckPerPracticeWithItHighlighted() throws {
        let folder = TestEnvironment.temporaryFolder("deck-pack")
        let r = try Self.klynge(Self.setup + ["rates | where cluster == \"Køge 1\" | pack practice_id rate ref group_rate, overall_rate errors lower95 upper95 by practice_id within cluster to \"packs\" as pptx"], in: folder)
        #expect(r.status == 0, "\(r.stderr)")
        let group = folder.appendingPathComponent("packs/Køge 1")
        let practices = try FileManager.default.contentsOfDirectory(atPath: group.path).filter { !$0.hasSuffix(".pptx") }.sorted()
        #expect(practices.count == 4 && FileManager.default.fileExists(atPath: group.appendingPathComponent("oversigt.pptx").path))
        let own = practices[0]
        let facts = try Self.facts(group.appendingPathComponent("\(own)/klyngepakke.pptx"))
        let categories = ((Self.charts(facts)[0]["plots"] as! [[String: Any]])[0]["categories"] as! [String])
        #expect(categories.contains(own) && categories.filter { $0.hasPrefix("Praksis ") }.count == 3, "\(categories)")
        #expect(try Self.auditErrors(group.appendingPathComponent("\(own)/klyngepakke.pptx")).0 == 0)
        let overview = try Self.facts(group.appendingPathComponent("oversigt.pptx"))
        #expect(((Self.charts(overview)[0]["plots"] as! [[String: Any]])[0]["categories"] as! [String]).allSatisfy { $0.hasPrefix("Praksis ") })
    }

    /// Makes a template with python-pptx: 4:3, a red first accent and a layout of its own name.
    static let makeTemplate = """
        import re, sys, zipfile, shutil
        from pptx import Presentation
        p = Presentation()
        layout = [l for l in p.slide_layouts if l.name == "Title Only"][0]
        layout.name = "Klynge figur"
        p.save(sys.argv[1] + ".tmp")
        with zipfile.ZipFile(sys.argv[1] + ".tmp") as src, zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename.startswith("ppt/theme/theme1"):
                    data = re.sub(rb"<a:accent1>.*?</a:accent1>", b'<a:accent1><a:srgbClr val="C00000"/></a:accent1>', data, flags=re.S)
                dst.writestr(item, data)
        """

    @Test func aTemplateGivesTheDeckItsThemeLayoutAndSize() throws {
        let folder = TestEnvironment.temporaryFolder("deck-template")
        let template = folder.appendingPathComponent("region.pptx")
        let made = try TestEnvironment.run(TestEnvironment.pythonWithDeckTools!, ["-c", Self.makeTemplate, template.path])
        try #require(made.status == 0, "\(made.stderr)")
        let kind = Self.kinds[0]
        let r = try Self.klynge(Self.setup + ["\(kind.pipeline) | \(kind.chart) to \"own.pptx\""], in: folder, extra: ["--template", "region.pptx"])
        #expect(r.status == 0, "\(r.stderr)")
        let facts = try Self.facts(folder.appendingPathComponent("own.pptx"))
        #expect(facts["width"] as? Int == 9_144_000 && facts["height"] as? Int == 6_858_000, "the template's 4:3 size")
        #expect((facts["accents"] as? [String: String])?["accent1"] == "C00000")
        let slide = (facts["slides"] as! [[String: Any]])[0]
        #expect(slide["layout"] as? String == "Klynge figur")
        #expect(Self.series(Self.charts(facts)[0])[0]["colour"] as? String == "accent1", "the bars take the theme's first accent")
        #expect(try Self.auditErrors(folder.appendingPathComponent("own.pptx")).0 == 0)

        let set = try Self.klynge(["set template \"nosuch.pptx\""], in: folder)
        #expect(set.status == 1 && set.stderr.contains("cannot read the template"))
        try "a,b\n1,2\n".write(to: folder.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        let notDeck = try Self.klynge(["set template \"data.csv\""], in: folder)
        #expect(notDeck.stderr.contains("is not a PowerPoint file"))
    }

    /// The counts of 1–4 anywhere in a deck: table cells and workbook cells under a count column,
    /// and cached values of a series named as a count.
    static func smallCounts(_ facts: [String: Any]) -> [String] {
        let counts: Set<String> = ["services", "n", "positive", "respondents", "dont_know", "patients", "count"]
        var found: [String] = []
        for slide in facts["slides"] as! [[String: Any]] {
            for table in slide["tables"] as! [[[String]]] {
                let header = table[0]
                for row in table.dropFirst() {
                    for (name, cell) in zip(header, row) where counts.contains(name) && ["1", "2", "3", "4"].contains(cell) { found.append("table \(name) = \(cell)") }
                }
            }
            for chart in slide["charts"] as! [[String: Any]] {
                let workbook = chart["workbook"] as! [[Any]]
                let header = workbook.first?.map { "\($0)" } ?? []
                for row in workbook.dropFirst() {
                    for (name, cell) in zip(header, row) where counts.contains(name) {
                        if let v = number(cell), [1.0, 2, 3, 4].contains(v) { found.append("workbook \(name) = \(v)") }
                    }
                }
                for s in series(chart) where counts.contains(s["name"] as? String ?? "") {
                    for v in doubles(s["values"]).compactMap({ $0 }) where [1.0, 2, 3, 4].contains(v) { found.append("cache \(s["name"]!) = \(v)") }
                }
            }
        }
        return found
    }

    @Test func noCountOfOneToFourIsInAnyCacheWorkbookOrTable() throws {
        let folder = TestEnvironment.temporaryFolder("deck-counts")
        let counts = "billing | where service_code == \"0421\" | summarize services = sum(count) by practice_id | sort services, practice_id | take 8 | chart bar practice_id services"
        let r = try Self.klynge([counts + " to \"counts.pptx\""], in: folder)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.smallCounts(try Self.facts(folder.appendingPathComponent("counts.pptx"))).isEmpty)
        // The same chart with control off does show them: the check can see a leak.
        let off = try Self.klynge(["set suppress off", counts + " to \"off.pptx\""], in: folder)
        #expect(off.status == 0, "\(off.stderr)")
        #expect(!Self.smallCounts(try Self.facts(folder.appendingPathComponent("off.pptx"))).isEmpty)

        let out = folder.appendingPathComponent("each")
        let each = try TestEnvironment.run(TestEnvironment.binary!, ["run", TestEnvironment.repositoryRoot.appendingPathComponent("Notebooks/palliation.md").path,
                                                                     "--each", "cluster", "--pptx", "--out", out.path])
        #expect(each.status == 0, "\(each.stderr)")
        var found: [String] = []
        for cluster in try FileManager.default.contentsOfDirectory(atPath: out.path) where !cluster.hasPrefix("index") {
            found += Self.smallCounts(try Self.facts(out.appendingPathComponent("\(cluster)/deck.pptx"))).map { "\(cluster): \($0)" }
        }
        #expect(found.isEmpty, "\(found)")
    }

    @Test(.enabled(if: TestEnvironment.soffice != nil && TestEnvironment.pdftoppm != nil && TestEnvironment.python3 != nil, "needs LibreOffice and pdftoppm (make test installs them)"))
    func everyKindRendersInLibreOffice() throws {
        let folder = TestEnvironment.temporaryFolder("deck-render")
        let profile = folder.appendingPathComponent("profile")
        for kind in Self.kinds {
            let r = try Self.klynge(Self.setup + ["\(kind.pipeline) | \(kind.chart) to \"\(kind.name).pptx\""], in: folder)
            try #require(r.status == 0, "\(r.stderr)")
            let convert = try TestEnvironment.run(TestEnvironment.soffice!, ["-env:UserInstallation=\(profile.absoluteString)", "--headless", "--convert-to", "pdf",
                                                                             "--outdir", folder.path, folder.appendingPathComponent("\(kind.name).pptx").path])
            let pdf = folder.appendingPathComponent("\(kind.name).pdf")
            try #require(FileManager.default.fileExists(atPath: pdf.path), "LibreOffice did not render \(kind.name): \(convert.stderr)")
            _ = try TestEnvironment.run(TestEnvironment.pdftoppm!, ["-png", "-r", "50", "-singlefile", pdf.path, folder.appendingPathComponent(kind.name).path])
            let png = folder.appendingPathComponent("\(kind.name).png")
            let stats = try TestEnvironment.run(TestEnvironment.python3!, [TestEnvironment.repositoryRoot.appendingPathComponent("Tests/KlyngeTests/Scripts/png_stats.py").path, png.path])
            try #require(stats.status == 0, "\(stats.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as! [String: Any]
            #expect((json["not_white"] as! Double) > 0.02, "\(kind.name) rendered a blank slide")
        }
    }
}
