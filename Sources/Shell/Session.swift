import Foundation
import Output
import PluginKit
import Query
import Remote
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
    /// The folder relative paths are read from (and written to, unless `outputDirectory` is set).
    public var workingDirectory: String
    /// The folder relative paths of written files resolve against (a notebook's report folder); nil: `workingDirectory`.
    public var outputDirectory: String?
    /// Whether results go into a report that leaves the machine (`klynge run`): shown tables pass
    /// disclosure control as exports do, and charts are drawn into the report.
    public var isReporting = false
    /// How many charts without a file a report has drawn, for their file names.
    var reportCharts = 0
    /// The plugins whose stages and sinks the language knows, with where each came from.
    public private(set) var plugins: PluginRegistry
    /// The plugin stages by name (kept in step with `plugins`).
    public private(set) var stages: [String: Stage]
    /// Where every file that leaves the shell is recorded (`$XDG_STATE_HOME/klynge/exports.log` unless set).
    public var exportLogPath = ExportLog.defaultPath()
    /// Where the CPR pseudonym key is kept (`$XDG_CONFIG_HOME/klynge/pseudonym.key` unless set).
    public var pseudonymKeyPath = PseudonymKey.defaultPath()
    /// Where loaded files are cached as binary columns (`$XDG_CACHE_HOME/klynge/loads` unless set).
    public var loadCachePath = LoadCache.defaultFolder()
    /// Whether CPR numbers were loaded raw this session (`set cpr keep`): every later export says so.
    public internal(set) var loadedRawCPR = false
    /// The columns' declared roles of each dataset made by `let`, by dataset and column name.
    public private(set) var roles: [String: [String: Role]] = [:]
    /// Hears the progress of long work: what (e.g. a file name), how far (0 to 1; 1 means done),
    /// how many bytes the whole work is (for a rate and the time left) and how many rows it has
    /// found so far, each when known.
    public var progress: (@Sendable (String, Double, Int64?, Int?) -> Void)?
    /// The connected databases by connection name (`connect`); their tables are datasets too.
    public internal(set) var connections: [String: RemoteConnection] = [:]
    /// Asks the user for a password without echoing it (set by the REPL on a terminal; nil elsewhere,
    /// where a password must come from PGPASSWORD or ~/.pgpass).
    public var passwordPrompt: (@Sendable (String) -> String?)?

    /// Creates an empty session.
    public init(workingDirectory: String = FileManager.default.currentDirectoryPath, plugins: [Plugin] = BuiltInPlugins.all) {
        self.workingDirectory = workingDirectory
        do {
            self.plugins = try PluginRegistry(plugins, reserved: Self.reservedNames, reservedFunctions: Self.reservedFunctions)
        } catch {
            preconditionFailure("the built-in plugins clash: \(error)")
        }
        self.stages = self.plugins.stages
    }

    /// The core stages' names, which no plugin may take.
    static var reservedNames: [String: String] {
        Dictionary(uniqueKeysWithValues: Parser.stageNames.map { ($0, "klynge's core stage '\($0)'") })
    }

    /// The built-in functions' and aggregates' names, which no plugin function may take.
    static var reservedFunctions: [String: String] {
        var names: [String: String] = [:]
        for name in ScalarFunctions.all.keys { names[name] = "klynge's built-in function '\(name)'" }
        for name in AggregateFunctions.all.keys { names[name] = "klynge's aggregate '\(name)'" }
        return names
    }

    /// A new session with this one's datasets, settings, plugins and paths, for work (one cluster's
    /// report) that must not change this one.
    public func fork() -> Session {
        let copy = Session(workingDirectory: workingDirectory, plugins: [])
        copy.plugins = plugins
        copy.stages = stages
        copy.datasets = datasets
        copy.origins = origins
        copy.roles = roles
        copy.settings = settings
        copy.journal = journal
        copy.outputDirectory = outputDirectory
        copy.isReporting = isReporting
        copy.reportCharts = reportCharts
        copy.exportLogPath = exportLogPath
        copy.pseudonymKeyPath = pseudonymKeyPath
        copy.loadCachePath = loadCachePath
        copy.loadedRawCPR = loadedRawCPR
        copy.progress = progress
        copy.connections = connections
        copy.passwordPrompt = passwordPrompt
        return copy
    }

    /// Adds a plugin (from a folder, a library, `.load`); a clash of names is an error and adds nothing.
    public func register(_ plugin: Plugin, origin: String) throws(PluginClash) {
        try plugins.register(plugin, origin: origin)
        stages = plugins.stages
    }

    /// A planner over the session's datasets, stages and sinks.
    public var planner: Planner {
        var planner = Planner(catalog: catalog, stages: stages, exporters: plugins.exporters, functions: plugins.functions)
        planner.chartsIntoReport = isReporting
        return planner
    }

    /// The dataset names users can refer to, sorted (without `_`).
    public var datasetNames: [String] { datasets.keys.filter { $0 != "_" }.sorted() }

    /// The local datasets and the connected databases' tables, sorted (for completion and "did you mean").
    public var allDatasetNames: [String] { (datasetNames + remoteRelations.keys).sorted() }

    /// The schemas the planner may use, with the roles `let` results declared.
    public var catalog: Catalog {
        var schemas: [String: Schema] = [:]
        for (name, (_, relation)) in remoteRelations { schemas[name] = relation.schema }
        for (name, table) in datasets {
            let declared = roles[name] ?? [:]
            schemas[name] = table.schema.map { $0.with(declared[$0.name]) }
        }
        return Catalog(datasets: schemas)
    }

    /// Adds or replaces a dataset, with the roles its columns were declared to have.
    public func define(_ name: String, _ table: Table, origin: String, roles: [String: Role] = [:]) {
        datasets[name] = table
        origins[name] = origin
        self.roles[name] = roles
    }

    /// Runs every statement and meta-command in the source text, in order, and says what happened.
    /// A failed statement does not stop the ones after it. `origin` names where the text came from
    /// (a notebook's cell) and `line` the line of that file it starts on, for errors.
    public func execute(_ source: String, origin: String? = nil, line: Int = 1) -> [Outcome] {
        let chunks = StatementSplitter.split(source)
        var outcomes: [Outcome] = []
        for chunk in chunks {
            // `help TOPIC` reads as naturally as `.help TOPIC`; both go to the same command.
            let isHelp = chunk.text == "help" || chunk.text.hasPrefix("help ")
            let produced = chunk.isMeta || isHelp ? runMeta(isHelp ? "." + chunk.text : chunk.text) : runStatement(chunk.text)
            for outcome in produced.map(Self.maskingSecrets) {
                if case .error(var d, let s) = outcome, chunks.count > 1 || origin != nil {
                    d.firstLine = chunk.line + line - 1
                    if d.origin == nil { d.origin = origin }
                    outcomes.append(.error(d, source: s))
                } else {
                    outcomes.append(outcome)
                }
            }
            if produced.contains(where: { if case .quit = $0 { return true } else { return false } }) { break }
        }
        return outcomes
    }

    /// An outcome with any database password or token in it masked (`***`), the caret of an error
    /// kept under the same part of the line.
    static func maskingSecrets(_ outcome: Outcome) -> Outcome {
        switch outcome {
        case .error(var d, let source):
            guard Secrets.contains(source) || Secrets.contains(d.message) || d.notes.contains(where: Secrets.contains) else { return outcome }
            if let r = d.range, Secrets.contains(source) {
                d.range = SourceRange(Secrets.maskedOffset(r.start, in: source), Secrets.maskedOffset(r.end, in: source))
            }
            d.message = Secrets.masked(d.message)
            d.notes = d.notes.map(Secrets.masked)
            d.suggestion = d.suggestion.map(Secrets.masked)
            return .error(d, source: Secrets.masked(source))
        case .text(let s): return .text(Secrets.masked(s))
        case .info(let s): return .info(Secrets.masked(s))
        case .note(let s): return .note(Secrets.masked(s))
        case .warning(let s): return .warning(Secrets.masked(s))
        default: return outcome
        }
    }

    /// Resolves a path typed by the user against the working directory (and `~`).
    public func resolve(path: String) -> String {
        Self.resolve(path, against: workingDirectory)
    }

    /// Resolves the path of a file to write against the output folder (the working directory unless set).
    public func resolve(output path: String) -> String {
        Self.resolve(path, against: outputDirectory ?? workingDirectory)
    }

    /// A path (with `~`) resolved against a folder unless absolute.
    public static func resolve(_ path: String, against folder: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        return (folder as NSString).appendingPathComponent(expanded)
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
            // The journal feeds `.save`: CPR-shaped numbers typed in a statement are not kept.
            if !outcomes.contains(where: \.isError) { journal.append(Secrets.removed(CPR.masked(text))) }
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
        // A line of a file may hold a CPR number: its digits never reach the screen (same length, so the caret stays).
        var e = e
        e.message = CPR.masked(e.message)
        e.lineText = e.lineText.map(CPR.masked)
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
            let (table, plan, notes) = try evaluate(pipeline, use: .let)
            define(name.text, table, origin: "let", roles: plan.output.roles)
            return notes + [.info("\(name.text): \(table.rowCount) rows × \(table.columns.count) columns")]
        case .pipeline(let pipeline):
            let (table, plan, notes) = try evaluate(pipeline)
            define("_", table, origin: "last result", roles: plan.output.roles)
            if let sink = plan.sink { return notes + (try write(table, through: sink, schema: plan.output, source: pipeline.source.text, statement: text)) }
            if isReporting { return try reported(table, roles: plan.output.roles, range: pipeline.range) + notes }
            return [.result(table)] + notes
        case .export(let pipeline, let path, let pathRange, let formatName, let allowIdentifiers):
            let plan = try planner.planExport(pipeline, path: path, pathRange: pathRange, format: formatName, allowIdentifiers: allowIdentifiers)
            let (result, notes) = try run(plan)
            if !allowIdentifiers { try refuseIdentifiers(result, range: pipeline.range, doing: "export") }
            return notes + (try write(result, through: plan.sink!, schema: plan.output, source: pipeline.source.text, statement: text))
        case .set(let name, let value):
            return [try applySetting(name, value)]
        case .connect(let name, let url, let urlRange):
            return try connect(name, url: url, urlRange: urlRange)
        case .disconnect(let name):
            return try disconnect(name)
        case .loadQuery(let name, let connection, let sql, let sqlRange):
            return try load(name, from: connection, sql: sql, sqlRange: sqlRange)
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
    func evaluate(_ pipeline: PipelineSyntax, use: Planner.Use = .show) throws -> (Table, Plan, [Outcome]) {
        let plan = try planner.plan(pipeline, use: use)
        let (table, notes) = try run(plan)
        return (table, plan, notes)
    }

    /// Runs a checked plan's stages (not its sink).
    func run(_ plan: Plan) throws -> (Table, [Outcome]) {
        let started = Date()
        var timings: [Evaluator.StageTiming] = []
        var notes: [Outcome] = []
        let table: Table
        if let (connection, _) = remoteRelations[plan.source] {
            table = try runRemote(plan, on: connection, notes: &notes) { timings.append($0) }
        } else {
            table = try Evaluator.run(plan, datasets: try datasets(for: plan, notes: &notes), settings: settings.forStages) { timings.append($0) }
        }
        if settings.trace {
            for t in timings { notes.append(.info(String(format: "  %-10@ %9d rows %9.3f s", t.label as NSString, t.rows, t.seconds))) }
        }
        if settings.timer { notes.append(.info(String(format: "time: %.3f s", Date().timeIntervalSince(started)))) }
        return (table, notes)
    }

    /// Refuses a result with columns that identify patients (CPR numbers, patient keys) on its way out.
    func refuseIdentifiers(_ result: Table, range: SourceRange, doing: String) throws(Diagnostic) {
        let identifying = DisclosureControl.identifyingColumns(result)
        guard !identifying.isEmpty else { return }
        let names = identifying.map { "'\($0)'" }.joined(separator: ", ")
        if doing == "export" {
            throw Diagnostic("refusing to export \(names): these columns identify patients",
                             at: range, notes: ["CPR numbers and patient keys must not leave this machine"],
                             suggestion: "select the columns to export, or aggregate first; to write the file anyway (for use on this machine), end with `allow identifiers`")
        }
        let what = doing == "report" ? "show \(names) in a report" : "draw \(names) in a \(doing)"
        throw Diagnostic("refusing to \(what): these columns identify patients",
                         at: range, notes: ["a \(doing) leaves this machine, so CPR numbers and patient keys must not be in it"],
                         suggestion: "aggregate first, or name the units by another column")
    }

    /// The session's disclosure control for results that leave the shell, by the columns' roles.
    func protection(roles: [String: Role]) -> @Sendable (Table) -> (Table, DisclosureSummary) {
        let control = DisclosureControl(threshold: settings.suppress)
        let caveat = loadedRawCPR ? "CPR numbers were loaded raw in this session (set cpr keep)" : nil
        return { table in
            let (protected, report) = control.apply(table, roles: roles)
            var summary = report.summary(threshold: control.threshold)
            summary.caveat = caveat
            return (protected, summary)
        }
    }

    /// A result shown in a report: identifier columns refused, small counts hidden as in an export,
    /// and a note under it when something was hidden.
    func reported(_ table: Table, roles: [String: Role], range: SourceRange) throws -> [Outcome] {
        try refuseIdentifiers(table, range: range, doing: "report")
        let (protected, summary) = protection(roles: roles)(table)
        return [.result(protected)] + (summary.primary > 0 || summary.threshold == nil ? [.note(summary.sentence)] : [])
    }

    /// Writes a result through its sink, after disclosure control (by the columns' declared roles,
    /// else their names), records it in the export log, and says what was written.
    func write(_ result: Table, through sink: PlannedSink, schema: Schema, source: String, statement: String) throws -> [Outcome] {
        let roles = schema.roles
        if sink.exporter.sink != .export {
            // A chart or pack shows the columns it names: none of them may identify patients.
            let r = sink.request
            let shown = Set(r.columns + r.references + [r.errors?.lower, r.errors?.upper, r.unit, r.group].compactMap { $0 })
            let named = result.columns.filter { shown.contains($0.name) }
            try refuseIdentifiers(Table(columns: named, rowCount: result.rowCount), range: sink.ranges["*"] ?? SourceRange(0, 1), doing: sink.exporter.sink.rawValue)
        }
        let protect = protection(roles: roles)
        var untouched = DisclosureSummary(threshold: settings.suppress)
        untouched.caveat = loadedRawCPR ? "CPR numbers were loaded raw in this session (set cpr keep)" : nil
        let (table, summary) = sink.exporter.protectsItself ? (result, untouched) : protect(result)
        var sink = sink
        if sink.request.path.isEmpty {
            // A chart drawn into a report without a file of its own: one beside the report.
            reportCharts += 1
            sink.request.path = "charts/chart-\(reportCharts).svg"
            try? FileManager.default.createDirectory(atPath: resolve(output: "charts"), withIntermediateDirectories: true)
        }
        let context = ExportContext(path: resolve(output: sink.request.path), source: "klynge, \(origins[source] ?? source)",
                                    settings: settings.forExporters, roles: roles, summary: summary, protect: protect)
        let message: String
        do {
            message = try sink.exporter.write(table, sink.request, context)
        } catch {
            throw sink.diagnostic(error)
        }
        let logged = ExportLog(path: exportLogPath).record(statement: statement, file: context.path, format: "\(sink.exporter.sink.rawValue) \(sink.exporter.name)",
                                                           rows: result.rowCount,
                                                           disclosure: sink.exporter.protectsItself ? message.components(separatedBy: "; ").dropFirst().joined(separator: "; ") : summary.sentence)
        var outcomes: [Outcome] = [.info(message)] + (logged.map { [.warning($0)] } ?? [])
        if isReporting, sink.exporter.sink == .chart, let drawn = ChartExporters.drawn(table, kind: sink.exporter.name, request: sink.request, context: context) {
            outcomes.append(.chart(drawn))
        }
        return outcomes
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
        case "max_memory":
            if v == "free" { settings.maxMemory = nil; break }
            let units: [(String, UInt64)] = [("gb", 1_000_000_000), ("mb", 1_000_000), ("kb", 1000), ("b", 1)]
            let unit = units.first { v.hasSuffix($0.0) } ?? ("", 1)
            guard let n = Double(v.dropLast(unit.0.count).trimmingCharacters(in: .whitespaces)), n > 0 else {
                throw Diagnostic("'max_memory' is free or an amount such as 2GB or 500MB", at: value.range)
            }
            settings.maxMemory = UInt64(n * Double(unit.1))
        case "cpr":
            switch v {
            case "keep":
                settings.keepCPR = true
                return .warning("CPR numbers in files loaded from now on are kept as they are, for this session only; every export says so")
            case "pseudonymise", "pseudonymize", "pseudonym", "pseudonyms":
                settings.keepCPR = false
            default:
                throw Diagnostic("'cpr' is pseudonymise (the default) or keep", at: value.range)
            }
        case "template":
            if ["default", "none", "off"].contains(v) { settings.template = nil; break }
            let path = resolve(path: value.text)
            do {
                try Deck.checkTemplate(path)
            } catch {
                throw Diagnostic(error.message, at: value.range, suggestion: error.suggestion ?? "give a .pptx file, or `set template default` for klynge's own")
            }
            settings.template = path
        case "cache":
            settings.cache = try onOff()
        case "max_join_rows":
            guard let n = Int(v.replacingOccurrences(of: "_", with: "")), n >= 1 else { throw Diagnostic("'max_join_rows' is a number of rows, 1 or more", at: value.range) }
            settings.maxJoinRows = n
        case "remote_rows", "values_rows":
            guard let n = Int(v.replacingOccurrences(of: "_", with: "")), n >= 1 else { throw Diagnostic("'\(name.text)' is a number of rows, 1 or more", at: value.range) }
            if name.text.lowercased() == "remote_rows" { settings.maxRemoteRows = n } else { settings.maxValuesRows = n }
        case "min_answers":
            guard let n = Int(v), n >= 1 else { throw Diagnostic("'min_answers' is a number of 1 or more", at: value.range) }
            settings.minimumAnswers = n
        default:
            throw Diagnostic.unknown("setting", name.text, at: name.range, candidates: Settings.known.map(\.name))
        }
        return .info("\(name.text.lowercased()) = \(value.text)")
    }
}
