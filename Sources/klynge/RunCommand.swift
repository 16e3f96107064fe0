import ArgumentParser
import Foundation
import Output
import Shell

/// `klynge run NOTEBOOK`: runs a notebook with parameters and writes its report (Markdown and one
/// self-contained HTML page); with `--each PARAM`, one report per value plus an index page.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "klynge run",
        abstract: "Run a notebook and write its report (report.md and report.html).",
        discussion: """
        A notebook is a Markdown file with klynge cells and YAML front matter that declares its parameters; `klynge run NOTEBOOK --help` lists them with their defaults. Relative paths in the notebook are read from the notebook's folder; files it writes go to the report's folder. Tables and charts in the report pass disclosure control, as exports do.

        Examples:
          klynge run palliation.md --param cluster="Køge 1" --out koege
          klynge run palliation.md --each cluster --out reports
          klynge run palliation.md --each cluster --pptx --out reports
          klynge run palliation.md --param billing=billing.csv
        """,
        helpNames: [])

    @Argument(help: ArgumentHelp("The notebook (.md) to run.", valueName: "notebook"))
    var notebook: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("Set a parameter (repeatable): name=value; a list as a,b,c.", valueName: "name=value"))
    var parameters: [String] = []

    @Option(help: ArgumentHelp("The folder to write the report to (default: NOTEBOOK-report, or NOTEBOOK-reports with --each).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Run once per value of this parameter (values from the data, as its each: says), one report per value and an index.", valueName: "param"))
    var each: String?

    @Flag(help: "Also write the report as a PowerPoint deck (deck.pptx): native charts with their data, tables, section headings.")
    var pptx = false

    @Flag(name: .customLong("keep-going"), help: "Run the cells (and values) after a failing cell too; exit non-zero at the end.")
    var keepGoing = false

    @OptionGroup var options: SessionOptions

    @Flag(name: [.short, .long], help: "Show this help, and the notebook's parameters when a notebook is given.")
    var help = false

    func run() throws {
        guard let notebookPath = notebook else {
            print(Self.helpMessage())
            throw help ? ExitCode.success : ExitCode(2)
        }
        let printer = Printer(session: Session())
        let parsed = checked(Result { () throws(NotebookError) in try Notebook.load(path: notebookPath) }, notebookPath)
        if help {
            print(Self.helpMessage() + "\n" + Self.parameterHelp(parsed))
            return
        }
        var bindings = NotebookBindings(parsed)
        let runner = NotebookRunner(parsed, keepGoing: keepGoing)
        for assignment in parameters { checked(Result { () throws(NotebookError) in try bindings.set(assignment) }, notebookPath) }
        checked(Result { () throws(NotebookError) in try runner.check(bindings) }, notebookPath)
        let cwd = FileManager.default.currentDirectoryPath
        let stem = ((notebookPath as NSString).lastPathComponent as NSString).deletingPathExtension
        let folder = Session.resolve(out ?? "\(stem)-report\(each == nil ? "" : "s")", against: cwd)
        let session = Session(workingDirectory: cwd)
        session.isReporting = true
        session.outputDirectory = folder
        session.progress = printer.progressReporter()
        try options.apply(to: session, printer: printer, besideScript: notebookPath)

        if let each {
            try runEach(each, runner, bindings, session, folder: folder, printer: printer)
            return
        }
        let result = checked(Result { () throws(NotebookError) in try runner.run(bindings, in: session) }, notebookPath)
        let failed = printer.show(result.outcomes.filter { $0.isError || { if case .warning = $0 { return true } else { return false } }($0) })
        let html = try runner.write(runner.report(result, settings: session.settings), to: folder, session: session, deck: pptx)
        printer.message("wrote \(relative(html, to: cwd)), report.md\(pptx ? ", deck.pptx" : "") (\(summary(result)))")
        if failed { throw ExitCode(1) }
    }

    /// `--each`: one report per value, a progress line on a terminal, and the index pages.
    func runEach(_ parameter: String, _ runner: NotebookRunner, _ bindings: NotebookBindings, _ base: Session, folder: String, printer: Printer) throws {
        var folders: [String: String] = [:], used: Set<String> = []
        func folderOf(_ value: ParameterValue) -> String {
            if let known = folders[value.description] { return known }
            var name = Report.slug(value.description), k = 2
            while used.contains(name) { name = Report.slug(value.description) + "-\(k)"; k += 1 }
            used.insert(name)
            let path = (folder as NSString).appendingPathComponent(name)
            folders[value.description] = path
            return path
        }
        let terminal = isatty(STDERR_FILENO) != 0
        let runs = checked(Result { () throws(NotebookError) in
            try runner.runEach(parameter, bindings, base: base, folder: folderOf) { k, total, value in
                if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K  [\(k + 1)/\(total)] \(parameter) = \(value)".utf8)) }
            }
        }, runner.notebook.path)
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        var entries: [ReportIndex.Entry] = []
        var failures = 0
        for each in runs {
            let target = folderOf(each.value)
            if each.run.failed {
                failures += 1
                printer.message("\(parameter) = \(each.value): a cell failed")
                printer.show(each.run.outcomes.filter(\.isError))
            }
            try runner.write(runner.report(each.run, settings: base.settings), to: target, session: base, deck: pptx)
            entries.append(ReportIndex.Entry(value: each.value.description, folder: (target as NSString).lastPathComponent, succeeded: !each.run.failed))
        }
        let index = ReportIndex(title: runner.notebook.title.replacingOccurrences(of: "$" + parameter, with: "…"), parameter: parameter,
                                runDate: runner.runDate, entries: entries, language: base.settings.language)
        try ResultWriter.writeAtomically(index.markdown(), to: (folder as NSString).appendingPathComponent("index.md"))
        try ResultWriter.writeAtomically(index.html(), to: (folder as NSString).appendingPathComponent("index.html"))
        let cwd = FileManager.default.currentDirectoryPath
        printer.message("wrote \(runs.count) reports and \(relative((folder as NSString).appendingPathComponent("index.html"), to: cwd))"
                        + (failures > 0 ? "; \(failures) failed" : ""))
        if failures > 0 { throw ExitCode(1) }
    }

    /// A path as the user would type it from the working folder.
    func relative(_ path: String, to folder: String) -> String {
        path.hasPrefix(folder + "/") ? String(path.dropFirst(folder.count + 1)) : path
    }

    /// "9 cells, 6 tables, 3 charts".
    func summary(_ run: NotebookRunner.Run) -> String {
        let outcomes = run.outcomes
        let tables = outcomes.tables.count
        let charts = outcomes.filter { if case .chart = $0 { return true } else { return false } }.count
        return "\(run.cells.count) cells, \(tables) tables, \(charts) charts"
    }

    /// The value, or the notebook error shown and exit 2 (nothing ran).
    @discardableResult
    func checked<T>(_ result: Result<T, NotebookError>, _ path: String) -> T {
        switch result {
        case .success(let value): return value
        case .failure(let error):
            FileHandle.standardError.write(Data(error.rendered(file: path).utf8))
            Self.exit(withError: ExitCode(2))
        }
    }

    /// The notebook's parameters with their kinds, defaults and descriptions.
    static func parameterHelp(_ notebook: Notebook) -> String {
        var out = "NOTEBOOK PARAMETERS (\((notebook.path as NSString).lastPathComponent)):\n"
        if notebook.parameters.isEmpty { return out + "  (none)\n" }
        for p in notebook.parameters {
            let value = p.defaultValue.map { $0.isSet ? $0.description : "not set" } ?? "not set"
            out += "  --param \(p.name)=…  \(p.kindDescription); default: \(value)\n"
            if !p.description.isEmpty { out += "        \(p.description)\n" }
            if let each = p.each { out += "        --each \(p.name) runs it for every value of \(each.dataset).\(each.column)\n" }
        }
        return out
    }
}
