import Foundation
import Query
import Yams

/// Writes a session's statements as a notebook that replays them (`.save FILE.md`): one cell per
/// statement, every loaded file turned into a `file` parameter (so `--param billing=…` swaps the
/// data), and the demo datasets the statements use loaded by name.
enum NotebookWriter {
    /// The notebook's text for the statements that ran, to be saved at `path`.
    static func notebook(_ journal: [String], session: Session, path: String, savedAt date: Date = Date()) throws -> String {
        let folder = (path as NSString).deletingLastPathComponent
        var parameters: [(name: String, file: String, what: String)] = []
        var cells: [String] = []
        func parameterName(_ wanted: String) -> String {
            var name = wanted, k = 2
            while parameters.contains(where: { $0.name == name }) { name = "\(wanted)_\(k)"; k += 1 }
            return name
        }
        // The demo datasets the statements name, loaded first (a session opened with --demo has them without a statement).
        let words = Set(journal.joined(separator: " ").split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
        let loaded = Set(journal.compactMap { statement -> String? in
            if case .load(let name, _, _, _)? = try? Parser.parse(statement, stages: session.stages) { return name.text }
            return nil
        })
        for name in session.datasetNames where session.origins[name] == "demo" && words.contains(name) && !loaded.contains(name) {
            let parameter = parameterName(name)
            parameters.append((parameter, DemoData.scheme + name, "the data loaded as \(name) (a CSV or Excel file; the demo data by default)"))
            cells.append("load \(name) $\(parameter)")
        }
        for statement in journal {
            guard case .load(let name, let file, let range, _)? = try? Parser.parse(statement, stages: session.stages) else {
                cells.append(statement)
                continue
            }
            let parameter = parameterName(name.text)
            var value = file
            if !file.hasPrefix(DemoData.scheme) {
                let absolute = session.resolve(path: file)
                value = absolute.hasPrefix(folder + "/") ? String(absolute.dropFirst(folder.count + 1)) : absolute
            }
            parameters.append((parameter, value, "the file loaded as \(name.text)"))
            let chars = Array(statement)
            cells.append(String(chars[..<range.start]) + "$\(parameter)" + String(chars[min(range.end, chars.count)...]))
        }
        let stamp = ISO8601DateFormatter().string(from: date)
        let parameterNodes: [(Node, Node)] = parameters.map { p in
            (Node(p.name), Node([(Node("type"), Node("file")), (Node("default"), Node(p.file, .implicit, .doubleQuoted)), (Node("description"), Node(p.what))]))
        }
        var front: [(Node, Node)] = [(Node("title"), Node("klynge session \(stamp)"))]
        if !parameterNodes.isEmpty { front.append((Node("params"), Node(parameterNodes))) }
        let yaml = try Yams.serialize(node: Node(front), allowUnicode: true)
        var out = "---\n\(yaml)---\n\nThe statements of a klynge session, saved \(stamp). Run it with `klynge run \((path as NSString).lastPathComponent)`"
        out += parameters.isEmpty ? ".\n" : "; `--param NAME=FILE` reads other files.\n"
        for cell in cells { out += "\n```klynge\n\(cell)\n```\n" }
        return out
    }
}
