import Foundation
import Output
import PluginKit
import Query
import Tabular

/// One analyst's session: datasets, settings, and the single path every line takes.
///
/// The path of one line (REPL, notebook, `-c`, stdin, tests all call `execute`):
///
/// | step     | where                    | in → out                                     |
/// |----------|--------------------------|----------------------------------------------|
/// | split    | `StatementSplitter`      | text → statements and meta-command lines     |
/// | dispatch | `MetaCommand.table`      | `.name args` → a meta-command                |
/// | parse    | `Parser`                 | statement → syntax tree with source ranges   |
/// | plan     | `Planner`                | syntax → plan, names and types checked       |
/// | evaluate | `Evaluator`              | plan → table, one operation at a time        |
/// | show     | front end (`Output`)     | `Outcome`s → terminal table, CSV, JSON, …    |
public final class Session {
    /// The datasets by name; `_` is the last result.
    public private(set) var datasets: [String: Table] = [:]
    /// Where each dataset came from (a file, a `let`, the demo).
    public private(set) var origins: [String: String] = [:]
    /// The settings.
    public var settings = Settings()
    /// The statements that ran without error, as typed, for `.save`.
    public private(set) var journal: [String] = []
    /// The folder relative paths are read from and written to.
    public var workingDirectory: String
    /// The plugins whose stages the language knows.
    public let plugins: PluginRegistry
    /// The plugin stages by name (computed once from `plugins`).
    public let stages: [String: Stage]
    /// Hears the progress of long work: what (e.g. a file name) and how far, 0 to 1; 1 means done.
    public var progress: (@Sendable (String, Double) -> Void)?

    /// Creates an empty session.
    public init(workingDirectory: String = FileManager.default.currentDirectoryPath, plugins: [Plugin] = BuiltInPlugins.all) {
        self.workingDirectory = workingDirectory
        self.plugins = PluginRegistry(plugins)
        self.stages = self.plugins.stages
    }

    /// The dataset names users can refer to, sorted (without `_`).
    public var datasetNames: [String] { datasets.keys.filter { $0 != "_" }.sorted() }

    /// The schemas the planner may use.
    public var catalog: Catalog { Catalog(datasets: datasets.mapValues(\.schema)) }

    /// Adds or replaces a dataset.
    public func define(_ name: String, _ table: Table, origin: String) {
        datasets[name] = table
        origins[name] = origin
    }

    /// Runs every statement and meta-command in the source text, in order, and says what happened.
    /// A failed statement does not stop the ones after it.
    public func execute(_ source: String) -> [Outcome] {
        let chunks = StatementSplitter.split(source)
        var outcomes: [Outcome] = []
        for chunk in chunks {
            // `help TOPIC` reads as naturally as `.help TOPIC`; both go to the same command.
            let isHelp = chunk.text == "help" || chunk.text.hasPrefix("help ")
            let produced = chunk.isMeta || isHelp ? runMeta(isHelp ? "." + chunk.text : chunk.text) : runStatement(chunk.text)
            for outcome in produced {
                if case .error(var d, let s) = outcome, chunks.count > 1 {
                    d.firstLine = chunk.line
                    outcomes.append(.error(d, source: s))
                } else {
                    outcomes.append(outcome)
                }
            }
            if produced.contains(where: { if case .quit = $0 { return true } else { return false } }) { break }
        }
        return outcomes
    }

    /// Resolves a path typed by the user against the working directory (and `~`).
    public func resolve(path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        return (workingDirectory as NSString).appendingPathComponent(expanded)
    }

    func runMeta(_ text: String) -> [Outcome] {
        let body = String(text.dropFirst())
        let parts = body.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        let name = parts.first.map(String.init) ?? ""
        let argument = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
        guard let command = MetaCommand.find(name) else {
            let d = Diagnostic.unknown("command", "." + name, at: SourceRange(0, name.count + 1),
                                       candidates: MetaCommand.table.map { "." + $0.name })
            return [.error(d, source: text)]
        }
        return command.run(self, argument)
    }

    func runStatement(_ text: String) -> [Outcome] {
        do {
            let statement = try Parser.parse(text, stages: stages)
            let outcomes = try run(statement, text: text)
            if !outcomes.contains(where: \.isError) { journal.append(text) }
            return outcomes
        } catch let d as Diagnostic {
            return [.error(d, source: text)]
        } catch let e as LoadError {
            return [.error(Self.diagnostic(e), source: text)]
        } catch is Cancelled {
            return [.error(Diagnostic("cancelled (Ctrl-C); nothing was changed"), source: text)]
        } catch {
            return [.error(Diagnostic("\(error)"), source: text)]
        }
    }

    /// Turns a file's load error into a diagnostic that shows the file's line.
    static func diagnostic(_ e: LoadError) -> Diagnostic {
        var excerpt: Diagnostic.FileExcerpt? = nil
        if let line = e.line, let text = e.lineText {
            var location = "\(e.path):\(line)"
            if let column = e.column { location += ", column \(column.number) (\(column.name))" }
            excerpt = Diagnostic.FileExcerpt(location: location, text: text, span: e.span ?? 0..<1)
        }
        var d = Diagnostic("\((e.path as NSString).lastPathComponent): \(e.message)", suggestion: e.suggestion, fileExcerpt: excerpt)
        if excerpt == nil { d.notes.append("file: \(e.path)") }
        d.notes.append("nothing was loaded")
        return d
    }

    func run(_ statement: StatementSyntax, text: String) throws -> [Outcome] {
        switch statement {
        case .load(let name, let path, let pathRange, let options):
            return try load(name: name, path: path, pathRange: pathRange, options: options)
        case .let(let name, let pipeline):
            try checkNewName(name)
            let (table, notes) = try evaluate(pipeline, use: .let)
            define(name.text, table, origin: "let")
            return notes + [.info("\(name.text): \(table.rowCount) rows × \(table.columns.count) columns")]
        case .pipeline(let pipeline):
            let (table, notes) = try evaluate(pipeline)
            datasets["_"] = table
            origins["_"] = "last result"
            if let last = pipeline.stages.last, case .chart(let chart) = last.kind {
                return notes + [try drawChart(chart, table, source: pipeline.source.text)]
            }
            if let last = pipeline.stages.last, case .pack(let chart, let unit, let group) = last.kind {
                return notes + [try writePacks(chart, unit: unit.text, group: group?.text, table, source: pipeline.source.text)]
            }
            return [.result(table)] + notes
        case .export(let pipeline, let path, let pathRange, let formatName, let allowIdentifiers):
            let (result, notes) = try evaluate(pipeline, use: .export)
            let identifying = DisclosureControl.identifyingColumns(result)
            if !identifying.isEmpty && !allowIdentifiers {
                throw Diagnostic("refusing to export \(identifying.map { "'\($0)'" }.joined(separator: ", ")): these columns identify patients",
                                 at: pipeline.range, notes: ["CPR numbers and patient keys must not leave this machine"],
                                 suggestion: "select the columns to export, or aggregate first; to write the file anyway (for use on this machine), end with `allow identifiers`")
            }
            let (table, report) = DisclosureControl(threshold: settings.suppress).apply(result)
            var format = OutputFormat.forPath(path) ?? .csv
            if let formatName {
                guard let f = OutputFormat(userName: formatName.text) else {
                    throw Diagnostic.unknown("format", formatName.text, at: formatName.range, candidates: OutputFormat.allCases.map(\.rawValue))
                }
                format = f
            }
            let target = resolve(path: path)
            let statement = Self.disclosureStatement(settings.suppress, report)
            var text = ResultWriter.text(table, format: format)
            if format == .markdown { text += "\n" + statement + "\n" }
            do {
                try ResultWriter.writeAtomically(text, to: target)
            } catch {
                throw Diagnostic("cannot write \(path): \(error.localizedDescription)", at: pathRange)
            }
            return notes + [.info("wrote \(table.rowCount) rows to \(path) (\(format.rawValue)); \(statement)")]
        case .set(let name, let value):
            return [try applySetting(name, value)]
        }
    }

    func checkNewName(_ name: Name) throws(Diagnostic) {
        if name.text == "_" { throw Diagnostic("'_' is the last result and cannot be named", at: name.range) }
        let reserved = Parser.stageNames + Parser.statementKeywords + ["and", "or", "not", "in", "by", "on", "as", "to"]
        if reserved.contains(name.text.lowercased()) {
            throw Diagnostic("'\(name.text)' is a keyword and cannot name a dataset", at: name.range, suggestion: "choose another name, e.g. \(name.text)_data")
        }
    }

    /// Plans and runs a pipeline; with `.timer`/`.trace`, also reports timings.
    func evaluate(_ pipeline: PipelineSyntax, use: Planner.Use = .show) throws -> (Table, [Outcome]) {
        let started = Date()
        let plan = try Planner(catalog: catalog, stages: stages).plan(pipeline, use: use)
        var timings: [Evaluator.StageTiming] = []
        let table = try Evaluator.run(plan, datasets: datasets, settings: settings.forStages) { timings.append($0) }
        var notes: [Outcome] = []
        if settings.trace {
            for t in timings { notes.append(.info(String(format: "  %-10@ %9d rows %9.3f s", t.label as NSString, t.rows, t.seconds))) }
        }
        if settings.timer { notes.append(.info(String(format: "time: %.3f s", Date().timeIntervalSince(started)))) }
        return (table, notes)
    }

    func applySetting(_ name: Name, _ value: Name) throws(Diagnostic) -> Outcome {
        let v = value.text.lowercased()
        func onOff() throws(Diagnostic) -> Bool {
            guard v == "on" || v == "off" || v == "true" || v == "false" else {
                throw Diagnostic("'\(name.text)' is on or off", at: value.range)
            }
            return v == "on" || v == "true"
        }
        switch name.text.lowercased() {
        case "format", "mode":
            guard let f = OutputFormat(userName: v) else {
                throw Diagnostic.unknown("format", value.text, at: value.range, candidates: OutputFormat.allCases.map(\.rawValue))
            }
            settings.format = f
        case "timer": settings.timer = try onOff()
        case "trace": settings.trace = try onOff()
        case "rows":
            guard let n = Int(v), n >= 2 else { throw Diagnostic("'rows' is a number of 2 or more", at: value.range) }
            settings.maxRows = n
        case "language":
            guard let language = ChartLanguage(rawValue: v == "danish" || v == "dansk" ? "da" : v == "english" ? "en" : v) else {
                throw Diagnostic("'language' is da (Danish) or en (English)", at: value.range)
            }
            settings.language = language
        case "labels":
            guard v == "open" || v == "anonymous" else { throw Diagnostic("'labels' is open or anonymous", at: value.range) }
            settings.openLabels = v == "open"
        case "suppress":
            if v == "off" {
                settings.suppress = nil
                return .warning("disclosure control is OFF: exports will show counts of 1–4; every export says so")
            }
            guard let n = Int(v), n >= 2 else { throw Diagnostic("'suppress' is a threshold of 2 or more, or off", at: value.range) }
            settings.suppress = n
        case "min_answers":
            guard let n = Int(v), n >= 1 else { throw Diagnostic("'min_answers' is a number of 1 or more", at: value.range) }
            settings.minimumAnswers = n
        default:
            throw Diagnostic.unknown("setting", name.text, at: name.range, candidates: Settings.known.map(\.name))
        }
        return .info("\(name.text.lowercased()) = \(value.text)")
    }
}

extension Session {
    /// One sentence on what disclosure control did to an export.
    static func disclosureStatement(_ threshold: Int?, _ report: DisclosureControl.Report) -> String {
        guard let threshold else { return "disclosure control was OFF (set suppress off): small counts are shown" }
        if report.primary == 0 { return "disclosure control: no counts under \(threshold)" }
        var parts = ["disclosure control: \(report.primary) counts of 1–\(threshold - 1) shown as <\(threshold)"]
        if report.complementary > 0 { parts.append("\(report.complementary) more shown as x so they cannot be recovered from totals") }
        if report.derived > 0 { parts.append("\(report.derived) statistics derived from them blanked") }
        return parts.joined(separator: ", ")
    }
}

extension Session {
    /// The chart spec a chart statement asks for, in the session's language.
    func chartSpec(_ chart: ChartSyntax) -> ChartSpec {
        let kind = ChartSpec.Kind(rawValue: chart.kind.text.lowercased())!
        var spec = ChartSpec(kind: kind, category: chart.columns[0].text, value: chart.columns[1].text,
                             denominator: kind == .funnel ? chart.columns[2].text : nil)
        if kind != .funnel, chart.columns.count > 2 { spec.series = chart.columns[2].text }
        spec.references = chart.references.map(\.text)
        spec.errors = chart.errors.map { ($0.0.text, $0.1.text) }
        spec.title = chart.title
        spec.language = settings.language
        spec.axisNote = chart.period
        return spec
    }

    /// The methods a result's `method` column names (e.g. "exact/byar"), for axis titles.
    static func methods(_ table: Table) -> String? {
        guard let column = table.column("method") else { return nil }
        var seen: [String] = []
        for r in 0..<table.rowCount { let v = column.value(at: r); if !v.isNull, !seen.contains(v.description) { seen.append(v.description) } }
        return seen.isEmpty ? nil : seen.sorted().joined(separator: "/")
    }

    /// The SVG (or, for a `.csv` path, the chart data) of a table already under disclosure control.
    func chartFile(_ table: Table, _ spec: ChartSpec, path: String, source: String, statement: String) -> String {
        if path.lowercased().hasSuffix(".csv") { return ResultWriter.text(SVGChart.chartData(table, spec), format: .excel) }
        var spec = spec
        let method = Self.methods(table).map { (settings.language == .danish ? "metode: " : "method: ") + $0 }
        let note = [spec.axisNote, method].compactMap { $0 }.joined(separator: "; ")
        spec.axisNote = note.isEmpty ? nil : note
        var sourceNote = "klynge, \(origins[source] ?? source)"
        if table.rowCount > 0, let statistic = table.column("statistic")?.value(at: 0), !statistic.isNull {
            sourceNote += "; \(statistic)"
            // The data says what the value is: name it rather than the generic "services per 1000 listed".
            if ["rate", "ratio", "proportion"].contains(spec.value) {
                spec.valueLabel = settings.language.statistic(statistic.description)
                if spec.title == nil { spec.title = spec.valueLabel }
            }
        }
        if table.rowCount > 0, let method = table.column("method")?.value(at: 0), !method.isNull { sourceNote += "; method: \(method)" }
        return SVGChart.render(table, spec, source: sourceNote, note: statement)
    }

    /// Draws a chart (or writes its data) from a pipeline's result, with disclosure control.
    func drawChart(_ chart: ChartSyntax, _ result: Table, source: String) throws -> Outcome {
        let spec = chartSpec(chart)
        let (table, report) = DisclosureControl(threshold: settings.suppress).apply(result)
        let statement = Self.disclosureStatement(settings.suppress, report)
        do {
            try ResultWriter.writeAtomically(chartFile(table, spec, path: chart.path, source: source, statement: statement), to: resolve(path: chart.path))
        } catch {
            throw Diagnostic("cannot write \(chart.path): \(error.localizedDescription)", at: chart.pathRange)
        }
        return .info("wrote \(chart.kind.text) chart of \(table.rowCount) rows to \(chart.path); \(statement)")
    }

    /// Per-practice packs: for each group a folder with an overview, and per unit a folder with its
    /// chart and chart data in which it is named and the others are letters (stable within the
    /// group: ordered by unit), unless `set labels open`.
    func writePacks(_ chart: ChartSyntax, unit: String, group: String?, _ result: Table, source: String) throws -> Outcome {
        var spec = chartSpec(chart)
        let groupColumn = group.flatMap { result.column($0) }
        var members: [String: [Int]] = [:]
        for r in 0..<result.rowCount { members[groupColumn?.value(at: r).description ?? "alle", default: []].append(r) }
        let folder = resolve(path: chart.path)
        func safe(_ s: String) -> String {
            let cleaned = s.map { "/\\:*?\"<>|".contains($0) ? "-" : $0 }
            return String(cleaned).trimmingCharacters(in: .whitespaces)
        }
        var units = 0
        var hidden = DisclosureControl.Report()
        for (groupName, rows) in members.sorted(by: { $0.key < $1.key }) {
            let groupTable = result.gather(rows)
            let (protected, report) = DisclosureControl(threshold: settings.suppress).apply(groupTable)
            hidden.primary += report.primary
            hidden.complementary += report.complementary
            hidden.derived += report.derived
            let statement = Self.disclosureStatement(settings.suppress, report)
            // Letters follow the unit order, so a practice keeps its letter whatever the values.
            let ids = (0..<groupTable.rowCount).map { groupTable.column(unit)!.value(at: $0).description }
            let order = ids.indices.sorted { ids[$0] < ids[$1] }
            var letter: [Int: String] = [:]
            for (k, r) in order.enumerated() { letter[r] = Self.letters(k) }
            let names = (0..<groupTable.rowCount).map { protected.column(spec.category)?.value(at: $0).description ?? ids[$0] }
            func labelled(_ own: Int?) -> Table {
                let labels: [Value] = (0..<groupTable.rowCount).map { r in
                    settings.openLabels || r == own ? .text(names[r]) : .text("\(settings.language.word("unit")) \(letter[r]!)")
                }
                var t = protected
                let i = t.index(of: spec.category)!
                t.columns[i] = Column.from(name: spec.category, type: .text, values: labels)
                return t
            }
            let groupFolder = (folder as NSString).appendingPathComponent(safe(groupName))
            spec.highlight = nil
            let overview = labelled(nil)
            do {
                try ResultWriter.writeAtomically(chartFile(overview, spec, path: "o.svg", source: source, statement: statement),
                                                 to: (groupFolder as NSString).appendingPathComponent("oversigt.svg"))
                try ResultWriter.writeAtomically(chartFile(overview, spec, path: "o.csv", source: source, statement: statement),
                                                 to: (groupFolder as NSString).appendingPathComponent("oversigt.csv"))
                for r in 0..<groupTable.rowCount {
                    var own = spec
                    own.highlight = names[r]
                    if own.title == nil { own.title = "\(settings.language.word("rate")): \(names[r])" }
                    let table = labelled(r)
                    let unitFolder = (groupFolder as NSString).appendingPathComponent(safe(ids[r]))
                    try ResultWriter.writeAtomically(chartFile(table, own, path: "c.svg", source: source, statement: statement),
                                                     to: (unitFolder as NSString).appendingPathComponent("chart.svg"))
                    try ResultWriter.writeAtomically(chartFile(table, own, path: "c.csv", source: source, statement: statement),
                                                     to: (unitFolder as NSString).appendingPathComponent("chart-data.csv"))
                    units += 1
                }
            } catch {
                throw Diagnostic("cannot write the packs to \(chart.path): \(error.localizedDescription)", at: chart.pathRange)
            }
        }
        let labels = settings.openLabels ? "all practices named (set labels open)" : "other practices as letters"
        return .info("wrote packs for \(units) units in \(members.count) groups to \(chart.path) (\(labels)); \(Self.disclosureStatement(settings.suppress, hidden))")
    }

    /// A, B, … Z, AA, AB, … for the k-th unit.
    public static func letters(_ k: Int) -> String {
        var n = k, out = ""
        repeat {
            out = String(UnicodeScalar(UInt8(65 + n % 26))) + out
            n = n / 26 - 1
        } while n >= 0
        return out
    }
}
