import Foundation
import Output
import PluginKit
import Tabular

/// A plugin in any language: a folder with `klynge-plugin.json` and a program that klynge starts
/// once per call, handing it the input table and arguments, reading the result table back.
///
/// The protocol (Plugins/README.md has it in full): stdin carries the input in `TypedCSV` — the
/// input columns, then each expression argument evaluated as a column `@value` (the value after
/// the stage's name) or `@KEY` (`@per`, `@by`); the environment carries `KLYNGE_STAGE`,
/// `KLYNGE_NUMBER_KEY`, `KLYNGE_LABEL_KEY`, `KLYNGE_FLAG_KEY`, `KLYNGE_SETTING_NAME` and all of it
/// as JSON in `KLYNGE_ARGUMENTS`; stdout carries the result in `TypedCSV`; stderr is shown when
/// the program fails. A non-zero exit, a crash, a timeout (the whole process group is killed),
/// output that is not typed CSV, or a table other than the declared one is an error in the shell;
/// the session and its data are untouched.
struct ProcessPlugin: Plugin {
    let manifest: PluginManifest
    /// The plugin's folder (the program runs there).
    let folder: String

    var name: String { manifest.name }
    var summary: String { manifest.summary ?? "" }
    var version: String { manifest.version }
    var stages: [Stage] { manifest.stages.map(stage) }

    /// The column an expression argument travels in.
    static func argumentColumn(_ key: String) -> String { key.isEmpty ? "@value" : "@\(key)" }

    /// An environment variable's name for a key (`KLYNGE_NUMBER_PER`).
    static func variable(_ prefix: String, _ key: String) -> String {
        "KLYNGE_\(prefix)_" + (key.isEmpty ? "VALUE" : key.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined())
    }

    func stage(_ entry: PluginManifest.StageEntry) -> Stage {
        let parameters = (entry.parameters ?? []).map { p in
            Parameter(keyword: p.keyword, takesNumber: p.number ?? false, takesExpression: p.expression ?? true,
                      expressionOptional: false, placeholder: p.placeholder ?? (p.keyword ?? "X").uppercased())
        }
        let plugin = self
        return Stage(name: entry.name, usage: entry.usage, summary: entry.summary, example: entry.example ?? "",
                     parameters: parameters,
                     outputs: { input, shapes throws(StageError) in try plugin.outputs(entry, input, shapes) },
                     run: { table, arguments throws(StageError) in try plugin.run(entry, table, arguments) })
    }

    /// Checks the arguments against the manifest and gives the declared result columns.
    func outputs(_ entry: PluginManifest.StageEntry, _ input: [Field], _ shapes: ArgumentShapes) throws(StageError) -> [Field] {
        for p in entry.parameters ?? [] {
            let key = p.keyword ?? ""
            let placeholder = p.placeholder ?? key.uppercased()
            if p.required == true, !shapes.has(key) {
                throw StageError("\(entry.name) needs \(p.keyword.map { "'\($0) \(placeholder)'" } ?? placeholder)", argument: "*", suggestion: "usage: \(entry.usage)")
            }
            guard let type = shapes.types[key], let wanted = p.type, wanted != "any" else { continue }
            let fits = wanted == "number" ? type.isNumeric : DataType(userName: wanted) == type
            if !fits { throw StageError("\(placeholder) must be \(wanted == "number" ? "a number" : wanted), not \(type)", argument: key) }
        }
        var fields: [Field] = []
        for out in entry.outputs {
            var name = out.name
            if name.hasPrefix("$") {
                let key = String(name.dropFirst())
                guard let label = shapes.labels[key] else {
                    throw StageError("the output '\(out.name)' is named after the argument '\(key)', which was not given", argument: "*", suggestion: "usage: \(entry.usage)")
                }
                name = label
            }
            var type = DataType(userName: out.type)
            if out.type.hasPrefix("$") { type = shapes.types[String(out.type.dropFirst())] ?? .text }
            fields.append(Field(name, type ?? .text, role: out.role.flatMap(Role.init(rawValue:))))
        }
        if entry.keep_input == true {
            for f in fields where input.contains(where: { $0.name == f.name }) {
                throw StageError("the stage adds a column '\(f.name)', which the input already has", argument: "*",
                                 suggestion: "rename the input column first: | rename \(f.name) as \(f.name)_input")
            }
            return input + fields
        }
        return fields
    }

    /// Runs the program for one call.
    func run(_ entry: PluginManifest.StageEntry, _ table: Table, _ arguments: Arguments) throws(StageError) -> Table {
        var columns = table.columns
        for key in arguments.columns.keys.sorted() { columns.append(arguments.columns[key]!.renamed(Self.argumentColumn(key))) }
        let input = Data(TypedCSV.encode(Table(columns: columns, rowCount: table.rowCount)).utf8)
        var environment = ["KLYNGE_PLUGIN_API": String(PluginAPI.version), "KLYNGE_STAGE": entry.name]
        var flags: [String] = []
        for (key, number) in arguments.numbers {
            environment[Self.variable("NUMBER", key)] = NumberFormat.plain(number)
            let parameter = entry.parameters?.first { ($0.keyword ?? "") == key }
            if parameter?.expression == false, parameter?.number != true { environment[Self.variable("FLAG", key)] = "1"; flags.append(key) }
        }
        for (key, label) in arguments.labels { environment[Self.variable("LABEL", key)] = label }
        for (name, value) in arguments.settings { environment[Self.variable("SETTING", name)] = value }
        let json: [String: Any] = ["stage": entry.name, "numbers": arguments.numbers, "labels": arguments.labels,
                                   "flags": flags.sorted(), "settings": arguments.settings,
                                   "columns": arguments.columns.keys.sorted().map(Self.argumentColumn)]
        if let data = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]) {
            environment["KLYNGE_ARGUMENTS"] = String(decoding: data, as: UTF8.self)
        }
        let runner = ProcessRunner(arguments: manifest.command, directory: folder, environment: environment, timeout: manifest.timeout ?? 60)
        let who = "plugin '\(name)'"
        let result: ProcessRunner.Result
        do {
            result = try runner.run(input: input)
        } catch {
            switch error {
            case .cannotStart(let why):
                throw StageError("\(who) could not start \(manifest.command.joined(separator: " ")): \(why)", argument: "*")
            case .timedOut(let seconds, let stderr):
                throw StageError("\(who) took longer than \(NumberFormat.plain(seconds)) s and was stopped, with everything it started" + Self.tail(stderr),
                                 argument: "*", suggestion: "the limit is the manifest's \"timeout\" (seconds) in \(folder)/\(PluginManifest.fileName)")
            case .cancelled:
                throw StageError("cancelled (Ctrl-C): \(who) was stopped; nothing was changed", argument: "*")
            }
        }
        if let signal = result.signal {
            throw StageError("\(who) crashed (signal \(signal)\(signal == SIGSEGV ? ", segmentation fault" : signal == SIGABRT ? ", abort" : ""))" + Self.tail(result.stderr),
                             argument: "*", suggestion: "this is a bug in the plugin; the session and its data are unchanged")
        }
        if let status = result.status, status != 0 {
            throw StageError("\(who) failed (exit status \(status))" + Self.tail(result.stderr), argument: "*")
        }
        var output: Table
        do {
            output = try TypedCSV.decode(result.stdout, name: "the output of \(who)")
        } catch {
            throw StageError("\(error.description)", argument: "*", suggestion: "a plugin writes typed CSV to stdout: a header of name:type cells, then the rows (Plugins/README.md)")
        }
        if entry.keep_input == true {
            guard output.rowCount == table.rowCount else {
                throw StageError("\(who) returned \(output.rowCount) rows for \(table.rowCount) input rows; a stage that keeps its input returns one row per input row", argument: "*")
            }
            output = Table(columns: table.columns + output.columns, rowCount: table.rowCount)
        }
        return output
    }

    /// The last lines of what a program wrote to stderr, for an error message.
    static func tail(_ stderr: Data) -> String {
        let lines = String(decoding: stderr, as: UTF8.self).split(separator: "\n").suffix(6)
        return lines.isEmpty ? "" : ":\n    " + lines.joined(separator: "\n    ")
    }
}
