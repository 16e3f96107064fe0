import Foundation
import Output
import Query
import Tabular

/// Runs a notebook's cells through `Session.execute`, in order, and turns what they showed into a
/// report; with `--each`, once per value of a parameter, sharing the cells that come before the
/// first one that uses it.
public struct NotebookRunner {
    /// The notebook.
    public let notebook: Notebook
    /// Whether a failing cell lets the later cells (and values) run.
    public var keepGoing = false
    /// When the run happened, as the reports say it.
    public var runDate: String

    /// Creates a runner; the run date is now, to the minute, in local time.
    public init(_ notebook: Notebook, keepGoing: Bool = false, runDate: String? = nil) {
        self.notebook = notebook
        self.keepGoing = keepGoing
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        self.runDate = runDate ?? formatter.string(from: Date())
    }

    /// What one cell did.
    public struct CellRun: Sendable {
        /// The cell.
        public var cell: Notebook.Cell
        /// Its code with the parameters put in.
        public var code: String
        /// What it produced.
        public var outcomes: [Outcome]
        /// Why it did not run, or nil.
        public var skipped: String?
    }

    /// What a run of the notebook did, cell by cell.
    public struct Run: Sendable {
        /// The parameters of the run.
        public var bindings: NotebookBindings
        /// Each cell, in order.
        public var cells: [CellRun]
        /// Whether a cell failed.
        public var failed: Bool { cells.contains { $0.outcomes.contains(where: \.isError) } }
        /// Every outcome in order (for a terminal or a script run).
        public var outcomes: [Outcome] { cells.flatMap(\.outcomes) }
    }

    /// The cells' code with the parameters put in; an undeclared `$name` is an error before anything runs.
    func expanded(_ bindings: NotebookBindings) throws(NotebookError) -> [String] {
        var codes: [String] = []
        for cell in notebook.cells { codes.append(try bindings.expand(cell)) }
        return codes
    }

    /// Checks, before anything runs, that every cell's `$name`s are declared parameters.
    public func check(_ bindings: NotebookBindings) throws(NotebookError) { _ = try expanded(bindings) }

    /// Runs every cell into the session (reading relative paths from the notebook's folder).
    public func run(_ bindings: NotebookBindings, in session: Session) throws(NotebookError) -> Run {
        let codes = try expanded(bindings)
        return Run(bindings: bindings, cells: runCells(notebook.cells.indices, codes, bindings, session, after: []))
    }

    func runCells(_ indices: Range<Int>, _ codes: [String], _ bindings: NotebookBindings, _ session: Session, after earlier: [CellRun]) -> [CellRun] {
        let saved = session.workingDirectory
        session.workingDirectory = notebook.folder
        defer { session.workingDirectory = saved }
        var runs: [CellRun] = []
        var stopped = !keepGoing && earlier.contains { $0.outcomes.contains(where: \.isError) }
        let name = (notebook.path as NSString).lastPathComponent
        for i in indices {
            let cell = notebook.cells[i]
            if stopped {
                runs.append(CellRun(cell: cell, code: codes[i], outcomes: [], skipped: "an earlier cell failed"))
                continue
            }
            guard bindings.runs(cell) else {
                runs.append(CellRun(cell: cell, code: codes[i], outcomes: [], skipped: "$\(cell.condition ?? "") is not set"))
                continue
            }
            let outcomes = session.execute(codes[i], origin: "\(name), cell \(cell.number)", line: cell.firstLine)
            runs.append(CellRun(cell: cell, code: codes[i], outcomes: outcomes))
            if outcomes.contains(where: \.isError), !keepGoing { stopped = true }
        }
        return runs
    }

    /// One run of `--each`: the value and what the notebook did for it.
    public struct EachRun: Sendable {
        /// The value of the parameter.
        public var value: ParameterValue
        /// The run.
        public var run: Run
    }

    /// Runs the notebook once per distinct value of a parameter, taken from the dataset and
    /// column its `each:` names. The cells before the first that uses `$PARAM` run once, in
    /// `base`; each value then runs the rest in a fork of it. `before` hears each value as it starts.
    public func runEach(_ parameterName: String, _ bindings: NotebookBindings, base: Session,
                        folder: (ParameterValue) -> String, before: (Int, Int, ParameterValue) -> Void = { _, _, _ in }) throws(NotebookError) -> [EachRun] {
        guard let parameter = notebook.parameters.first(where: { $0.name == parameterName }) else {
            throw NotebookError("--each \(parameterName): the notebook has no parameter '\(parameterName)'",
                                suggestion: Suggestions.nearest(parameterName, in: notebook.parameters.map(\.name)).map { "did you mean '\($0)'?" })
        }
        guard let each = parameter.each else {
            throw NotebookError("--each \(parameterName): the notebook does not say where the values of '\(parameterName)' come from",
                                suggestion: "add `each: DATASET.COLUMN` to the parameter in the front matter, e.g. each: practices.cluster")
        }
        let codes = try expanded(bindings)
        let first = notebook.cells.firstIndex { Self.uses($0, parameterName) } ?? notebook.cells.count
        let shared = runCells(0..<first, codes, bindings, base, after: [])
        if let failure = shared.flatMap(\.outcomes).first(where: \.isError), case .error(let d, let source) = failure {
            throw NotebookError("the cells before the first that uses $\(parameterName) failed, so no value could run:\n" + d.render(source: source))
        }
        guard let table = base.datasets[each.dataset] else {
            throw NotebookError("--each \(parameterName) takes its values from \(each.dataset).\(each.column), but the cells before the first that uses $\(parameterName) do not make '\(each.dataset)'",
                                suggestion: "load or let '\(each.dataset)' in a cell that does not use $\(parameterName), or fix each: in the front matter")
        }
        guard let column = table.column(each.column) else {
            throw NotebookError("--each \(parameterName): the dataset '\(each.dataset)' has no column '\(each.column)'",
                                suggestion: Suggestions.nearest(each.column, in: table.columnNames).map { "did you mean '\($0)'?" })
        }
        var distinct: [String: Value] = [:]
        for r in 0..<table.rowCount {
            let v = column.value(at: r)
            if !v.isNull { distinct[v.description] = v }
        }
        let values = distinct.keys.sorted()
        guard !values.isEmpty else { throw NotebookError("--each \(parameterName): \(each.dataset).\(each.column) has no values") }
        var runs: [EachRun] = []
        for (k, text) in values.enumerated() {
            let value = try parameter.value(parsing: text)
            before(k, values.count, value)
            var own = bindings
            own.set(parameterName, value: value)
            let ownCodes = try expanded(own)
            let session = base.fork()
            session.outputDirectory = folder(value)
            let rest = runCells(first..<notebook.cells.count, ownCodes, own, session, after: shared)
            runs.append(EachRun(value: value, run: Run(bindings: own, cells: shared + rest)))
            if !keepGoing, runs.last!.run.failed { break }
        }
        return runs
    }

    /// Whether a cell uses a parameter (`$name` in its code, or `if name`).
    static func uses(_ cell: Notebook.Cell, _ name: String) -> Bool {
        if cell.condition == name { return true }
        var rest = Substring(cell.code)
        while let r = rest.range(of: "$" + name) {
            let next = rest[r.upperBound...].first
            if next.map({ !($0.isLetter || $0.isNumber || $0 == "_") }) ?? true { return true }
            rest = rest[r.upperBound...]
        }
        return false
    }

    /// The report of a run, as the session's settings (language, rows, disclosure threshold) say.
    public func report(_ run: Run, settings: Settings) -> Report {
        var blocks: [Report.Block] = []
        var cells = run.cells.makeIterator()
        for block in notebook.blocks {
            switch block {
            case .prose(let text):
                blocks.append(.prose(run.bindings.expand(text: text)))
            case .cell:
                guard let c = cells.next() else { continue }
                blocks.append(.cell(Report.Cell(number: c.cell.number, code: c.code, items: c.outcomes.compactMap(Self.item), skipped: c.skipped)))
            }
        }
        let parameters = run.bindings.listed.map { Report.Parameter(name: $0.0.name, value: $0.1.description, description: $0.0.description) }
        return Report(title: run.bindings.expand(text: notebook.title), notebook: (notebook.path as NSString).lastPathComponent, runDate: runDate,
                      parameters: parameters, blocks: blocks, language: settings.language, maxRows: settings.maxRows,
                      threshold: settings.suppress, failed: run.failed)
    }

    /// What an outcome puts in a report: results, charts, notes, warnings and errors; not the
    /// messages about the work (load reports, timings, files written).
    static func item(_ outcome: Outcome) -> Report.Item? {
        switch outcome {
        case .result(let t): return .table(t)
        case .chart(let chart): return .chart(chart)
        case .text(let s): return .text(s)
        case .note(let s): return .note(s)
        case .warning(let s): return .warning(s)
        case .error(let d, let source): return .error(d.render(source: source))
        case .info, .quit: return nil
        }
    }

    /// Writes a report into a folder as `report.md` and `report.html`, with its charts' SVG files,
    /// and with `deck` also as `deck.pptx` (native charts, on the session's template); records each
    /// in the export log. Returns the HTML file's path.
    @discardableResult
    public func write(_ report: Report, to folder: String, session: Session, deck: Bool = false) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for chart in report.charts where !chart.path.hasPrefix("/") {
            let path = (folder as NSString).appendingPathComponent(chart.path)
            if !FileManager.default.fileExists(atPath: path) { try ResultWriter.writeAtomically(chart.svg, to: path) }
        }
        let markdown = (folder as NSString).appendingPathComponent("report.md")
        let html = (folder as NSString).appendingPathComponent("report.html")
        try ResultWriter.writeAtomically(MarkdownReport.render(report), to: markdown)
        try ResultWriter.writeAtomically(HTMLReport.render(report), to: html)
        var written = [(markdown, "report markdown"), (html, "report html")]
        if deck {
            let path = (folder as NSString).appendingPathComponent("deck.pptx")
            try ResultWriter.writeAtomically(try Deck(report: report).data(template: session.settings.template), to: path)
            written.append((path, "report pptx"))
        }
        let control = report.threshold.map { "disclosure control: counts under \($0) hidden in every table and chart" } ?? "disclosure control was OFF"
        for (file, format) in written {
            _ = ExportLog(path: session.exportLogPath).record(statement: "klynge run \(notebook.path)", file: file, format: format,
                                                              rows: report.blocks.count, disclosure: control)
        }
        return html
    }
}
