import Foundation
import Output
import Query
import Tabular

/// A dot-command of the shell (`.help`, `.schema billing`): one row of a table that also
/// drives `.help` and tab completion.
public struct MetaCommand: Sendable {
    /// What a command's argument is, for completion.
    public enum Argument: Sendable {
        /// No argument.
        case none
        /// A dataset name.
        case dataset
        /// A file path.
        case file
        /// One of a fixed list of words.
        case words([String])
        /// A statement (for `.explain`).
        case statement
    }

    /// The name without the dot.
    public let name: String
    /// Other names it answers to.
    public let aliases: [String]
    /// How to call it, e.g. `.schema NAME`.
    public let usage: String
    /// One sentence on what it does.
    public let summary: String
    /// What its argument is.
    public let argument: Argument
    /// Runs it with the text after the name.
    let run: @Sendable (Session, String) -> [Outcome]

    /// The command with this name or alias.
    public static func find(_ name: String) -> MetaCommand? {
        table.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// Every meta-command, in the order `.help` lists them.
    public static let table: [MetaCommand] = [
        MetaCommand(name: "help", aliases: ["h", "?"], usage: ".help [TOPIC]", summary: "Show help: statements, stages, functions, a stage or function by name.",
                    argument: .words(HelpTopics.topicNames)) { session, argument in
            HelpTopics.help(argument, stages: session.stages, functions: session.plugins.functions)
        },
        MetaCommand(name: "datasets", aliases: ["tables", "ls"], usage: ".datasets", summary: "List the datasets with their rows, columns and origin.",
                    argument: .none) { session, _ in
            let names = session.datasetNames + (session.datasets["_"] != nil ? ["_"] : [])
            var rows: [[Value]] = names.map { name in
                let t = session.datasets[name]!
                return [.text(name), .integer(Int64(t.rowCount)), .integer(Int64(t.columns.count)), .text(session.origins[name] ?? "")]
            }
            // A database's tables are not read: their rows are unknown until a pipeline asks.
            for (name, (connection, relation)) in session.remoteRelations.sorted(by: { $0.key < $1.key }) {
                rows.append([.text(name), .null, .integer(Int64(relation.columns.count)),
                             .text("\(connection.label): \(relation.isView ? "view" : "table") \(relation.qualifiedName), not read")])
            }
            return [.result(Table.from(names: ["dataset", "rows", "columns", "origin"], types: [.text, .integer, .integer, .text], rows: rows))]
        },
        MetaCommand(name: "plugins", aliases: [], usage: ".plugins", summary: "List the plugins with their version and origin, and the stages, formats and charts each adds.",
                    argument: .none) { session, _ in
            var rows: [[Value]] = []
            for entry in session.plugins.entries {
                let p = entry.plugin
                func row(_ kind: String, _ name: String, _ usage: String, _ summary: String) -> [Value] {
                    [.text(p.name), .text(p.version), .text(entry.origin), .text(kind), .text(name), .text(usage), .text(summary)]
                }
                for stage in p.stages { rows.append(row("stage", stage.name, stage.usage, stage.summary)) }
                for f in p.functions { rows.append(row("function", f.name, f.signature, f.summary)) }
                for e in p.exporters { rows.append(row(e.sink.rawValue, e.name, e.usage, e.summary)) }
            }
            return [.result(Table.from(names: ["plugin", "version", "origin", "kind", "name", "usage", "summary"],
                                       types: [.text, .text, .text, .text, .text, .text, .text], rows: rows))]
        },
        MetaCommand(name: "load", aliases: [], usage: ".load PATH", summary: "Load plugins: a plugin folder (klynge-plugin.json), a Swift plugin library (.so), or a folder of them.",
                    argument: .file) { session, argument in
            guard !argument.isEmpty else { return [.error(Diagnostic("usage: .load PATH", at: SourceRange(0, 5)), source: ".load")] }
            return PluginLoader.load(session.resolve(path: argument), into: session, mustExist: true).map { outcome in
                if case .error(let d, _) = outcome { return .error(Diagnostic(d.message, at: SourceRange(6, 6 + argument.count), suggestion: d.suggestion), source: ".load \(argument)") }
                return outcome
            }
        },
        MetaCommand(name: "schema", aliases: ["describe", "d"], usage: ".schema NAME", summary: "Per column of a dataset: type, nulls, distinct values, min and max.",
                    argument: .dataset) { session, argument in
            let name = argument.isEmpty ? "_" : argument
            if session.datasets[name] == nil, let (connection, relation) = session.remoteRelations[name] {
                let rows: [[Value]] = relation.columns.map { [.text($0.name), .text($0.type.description), .text($0.engineType)] }
                return [.result(Table.from(names: ["column", "type", "\(connection.backend.dialect.name)_type"], types: [.text, .text, .text], rows: rows)),
                        .info("\(name): \(relation.qualifiedName) in \(connection.label), not read; a pipeline on it runs there (.sql shows the SQL)")]
            }
            guard let table = session.datasets[name] else {
                let d = Diagnostic.unknown("dataset", name, at: SourceRange(8, 8 + name.count), candidates: session.allDatasetNames)
                return [.error(d, source: ".schema \(name)")]
            }
            return [.result(SchemaSummary.of(table))]
        },
        MetaCommand(name: "mode", aliases: ["format"], usage: ".mode table|csv|excel|json|markdown", summary: "Set how results print (as set format).",
                    argument: .words(OutputFormat.allCases.map(\.rawValue))) { session, argument in
            guard !argument.isEmpty else { return [.text("mode: \(session.settings.format.rawValue)\n")] }
            return session.applySetting(fromCommand: "mode", setting: "format", argument)
        },
        MetaCommand(name: "timer", aliases: [], usage: ".timer [on|off]", summary: "Report how long each statement takes (as set timer; alone, it toggles).",
                    argument: .words(["on", "off"])) { session, argument in
            session.applySetting(fromCommand: "timer", setting: "timer", argument.isEmpty ? (session.settings.timer ? "off" : "on") : argument)
        },
        MetaCommand(name: "trace", aliases: [], usage: ".trace [on|off]", summary: "Report the rows and time of each stage (as set trace; alone, it toggles).",
                    argument: .words(["on", "off"])) { session, argument in
            session.applySetting(fromCommand: "trace", setting: "trace", argument.isEmpty ? (session.settings.trace ? "off" : "on") : argument)
        },
        MetaCommand(name: "explain", aliases: [], usage: ".explain STATEMENT", summary: "Show the tokens, syntax tree and plan of a statement without running it.",
                    argument: .statement) { session, argument in
            session.explain(argument)
        },
        MetaCommand(name: "sql", aliases: [], usage: ".sql PIPELINE", summary: "Show the SQL a pipeline on a connected database's table sends (one CTE per stage), and what runs here after it.",
                    argument: .statement) { session, argument in
            session.sql(argument)
        },
        MetaCommand(name: "run", aliases: [], usage: ".run NOTEBOOK [name=value …]", summary: "Run a notebook's cells (or a script) into the session, with parameters.",
                    argument: .file) { session, argument in
            session.runNotebook(argument)
        },
        MetaCommand(name: "read", aliases: ["source"], usage: ".read FILE", summary: "Run the statements in a file.",
                    argument: .file) { session, argument in
            let path = session.resolve(path: argument)
            guard !argument.isEmpty, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                return [.error(Diagnostic("cannot read '\(argument)'", at: SourceRange(6, 6 + max(1, argument.count)),
                                          suggestion: argument.isEmpty ? "usage: .read FILE" : "check the path; it is relative to \(session.workingDirectory)"),
                               source: ".read \(argument)")]
            }
            return session.execute(text)
        },
        MetaCommand(name: "save", aliases: [], usage: ".save FILE[.md]", summary: "Write the statements that ran without error to a script (.read replays it) or a notebook (.md, its files as parameters).",
                    argument: .file) { session, argument in
            guard !argument.isEmpty else {
                return [.error(Diagnostic("usage: .save FILE", at: SourceRange(0, 5)), source: ".save")]
            }
            let path = session.resolve(path: argument)
            do {
                let text = Notebook.isNotebook(path)
                    ? try NotebookWriter.notebook(session.journal, session: session, path: path)
                    : "-- klynge session, saved \(ISO8601DateFormatter().string(from: Date()))\n" + session.journal.joined(separator: "\n") + "\n"
                try ResultWriter.writeAtomically(text, to: path)
            } catch {
                return [.error(Diagnostic("cannot write '\(argument)': \(error.localizedDescription)"), source: ".save \(argument)")]
            }
            return [.info("saved \(session.journal.count) statements to \(argument)")]
        },
        MetaCommand(name: "quit", aliases: ["exit", "q"], usage: ".quit", summary: "Leave the shell (Ctrl-D does the same).", argument: .none) { _, _ in
            [.quit]
        },
    ]
}

extension Session {
    /// Runs a meta-command that is another spelling of `set` (`.timer on` is `set timer on`) through
    /// the same validation, so both accept and refuse the same values.
    func applySetting(fromCommand command: String, setting: String, _ value: String) -> [Outcome] {
        let source = ".\(command) \(value)"
        let valueStart = command.count + 2
        do {
            return [try applySetting(Name(setting, SourceRange(1, 1 + command.count)), Name(value, SourceRange(valueStart, valueStart + value.count)))]
        } catch {
            return [.error(error, source: source)]
        }
    }
}

extension Session {
    /// `.run NOTEBOOK [name=value …]`: a notebook's cells run into this session with the parameters
    /// given (a plain script runs as with `.read`); a parameter error stops it before anything runs.
    func runNotebook(_ argument: String) -> [Outcome] {
        let words = MetaCommand.words(argument)
        let source = ".run \(argument)"
        func failure(_ message: String, suggestion: String? = nil) -> [Outcome] {
            [.error(Diagnostic(message, at: SourceRange(5, 5 + max(1, argument.count)), suggestion: suggestion), source: source)]
        }
        guard let file = words.first else { return failure("usage: .run NOTEBOOK [name=value …]") }
        let path = resolve(path: file)
        guard Notebook.isNotebook(path) else {
            guard words.count == 1 else { return failure("only a notebook (.md) takes parameters") }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                return failure("cannot read '\(file)'", suggestion: "check the path; it is relative to \(workingDirectory)")
            }
            return execute(text)
        }
        let run = Result { () throws(NotebookError) -> NotebookRunner.Run in
            let notebook = try Notebook.load(path: path)
            var bindings = NotebookBindings(notebook)
            for assignment in words.dropFirst() { try bindings.set(assignment) }
            return try NotebookRunner(notebook).run(bindings, in: self)
        }
        switch run {
        case .success(let run): return run.outcomes
        case .failure(let error):
            return failure((error.line.map { "\((file as NSString).lastPathComponent):\($0): " } ?? "") + error.message, suggestion: error.suggestion)
        }
    }
}

extension MetaCommand {
    /// A meta-command's argument split at spaces, with double quotes keeping spaces (`cluster="Køge 1"`).
    static func words(_ text: String) -> [String] {
        var words: [String] = [], current = "", quoted = false, started = false
        for c in text {
            if c == "\"" { quoted.toggle(); started = true; continue }
            if c == " " && !quoted {
                if started { words.append(current) }
                current = ""; started = false
                continue
            }
            current.append(c); started = true
        }
        if started { words.append(current) }
        return words
    }
}
