import ArgumentParser
import Foundation
import Output
import Shell
#if Spark
import SparkConnect
#endif

/// Sends `klynge run …` to the notebook runner and everything else to the shell command.
@main
enum Main {
    static func main() {
        #if Spark
        // A build with the Spark trait (`make run SPARK=1`) connects to sc:// addresses too.
        SparkConnectBackend.register()
        #endif
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "run" { RunCommand.main(Array(arguments.dropFirst())) } else { Klynge.main(arguments) }
    }
}

/// The `klynge` command: flags, then either scripts (`-c`, FILE, piped stdin) or the REPL.
struct Klynge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "klynge",
        abstract: "An analytics shell for Danish general-practice quality clusters (klynger).",
        discussion: """
        Without arguments and on a terminal, opens the interactive shell (type .help).
        Statements can also come from -c, from a FILE, or piped on standard input; then the exit
        status is 1 if any statement failed. When standard output is not a terminal, only results
        go to it and every message goes to standard error.

        A FILE ending in .md is a notebook: its klynge cells run with the parameters' defaults.
        `klynge run NOTEBOOK` runs one into a report (see klynge run --help).

        Examples:
          klynge --demo
          klynge -c 'load b "billing.csv"' -c 'b | summarize n = count() by service_code' --format csv > counts.csv
          klynge analysis.klynge
          klynge run Notebooks/palliation.md --each cluster --out reports/
          klynge --plugins ./my-plugins analysis.klynge

        Plugins are loaded from $XDG_DATA_HOME/klynge/plugins (~/.local/share/klynge/plugins),
        from ./klynge-plugins beside the script (or in the working folder), and from each --plugins DIR.
        """,
        version: "0.1.0")

    @Option(name: .customShort("c"), help: ArgumentHelp("Run a statement (repeatable) and exit.", valueName: "statement"))
    var commands: [String] = []

    @Option(help: ArgumentHelp("How results print: table, csv, excel, json or markdown.", valueName: "format"))
    var format: String?

    @Flag(help: "Load the built-in demo datasets (practices, billing, survey, …) first.")
    var demo = false

    @Flag(name: .customLong("no-history"), help: "Do not read or write the history file.")
    var noHistory = false

    @OptionGroup var options: SessionOptions

    @Argument(help: ArgumentHelp("A script of statements to run, or a notebook (.md).", valueName: "file"))
    var file: String?

    func validate() throws {
        if let format, OutputFormat(userName: format) == nil {
            throw ValidationError("unknown format '\(format)': use table, csv, excel, json or markdown")
        }
    }

    func run() throws {
        let session = Session()
        if let format { session.settings.format = OutputFormat(userName: format)! }
        let printer = Printer(session: session)
        session.progress = printer.progressReporter()
        try options.apply(to: session, printer: printer, besideScript: file)
        if demo {
            for (name, table) in DemoData.shared { session.define(name, table, origin: "demo") }
            printer.show([.info("demo data: " + session.datasetNames.map { "\($0) (\(session.datasets[$0]!.rowCount) rows)" }.joined(separator: ", "))])
        }
        var failed = false
        var scripted = false
        if let file, Notebook.isNotebook(file) {
            scripted = true
            let run = Result { () throws(NotebookError) -> NotebookRunner.Run in
                let notebook = try Notebook.load(path: session.resolve(path: file))
                return try NotebookRunner(notebook).run(NotebookBindings(notebook), in: session)
            }
            switch run {
            case .success(let run): failed = printer.show(run.outcomes)
            case .failure(let error):
                FileHandle.standardError.write(Data(error.rendered(file: file).utf8))
                throw ExitCode(2)
            }
        } else if let file {
            scripted = true
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                printer.error("cannot read the script '\(file)'")
                throw ExitCode(2)
            }
            failed = printer.show(session.execute(text)) || failed
        }
        for command in commands {
            scripted = true
            let outcomes = session.execute(command)
            failed = printer.show(outcomes) || failed
            if outcomes.contains(where: { if case .quit = $0 { return true } else { return false } }) { break }
        }
        if scripted {
            session.disconnectAll()
            throw failed ? ExitCode(1) : ExitCode.success
        }
        if isatty(STDIN_FILENO) == 0 {
            var text = ""
            while let line = readLine(strippingNewline: false) { text += line }
            throw printer.show(session.execute(text)) ? ExitCode(1) : ExitCode.success
        }
        REPL(session: session, printer: printer, useHistory: !noHistory).run()
    }

}
