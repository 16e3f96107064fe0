import Foundation
import Ink
import Query
import Tabular
import Yams

/// A notebook: a Markdown file of prose and ```` ```klynge ```` cells, with YAML front matter that
/// declares its title and parameters.
///
/// ```markdown
/// ---
/// title: Palliation in $cluster
/// params:
///   cluster: {default: Køge 1, description: The cluster the report is for, each: practices.cluster}
///   codes: {default: ["0130", "0421"], description: The service codes}
/// ---
/// Prose, in Markdown.
///
/// ```klynge
/// billing | where service_code in $codes | summarize services = sum(count) by practice_id
/// ```
/// ```
///
/// A cell whose fence reads ```` ```klynge if NAME ```` runs only when the parameter NAME is set.
/// The front matter is read by Yams and the body by Ink, which finds the cells as code blocks.
public struct Notebook: Sendable {
    /// A fenced klynge cell.
    public struct Cell: Sendable, Equatable {
        /// 1-based position among the notebook's cells.
        public var number: Int
        /// The code, with `$name` not yet expanded.
        public var code: String
        /// The notebook line of the code's first line.
        public var firstLine: Int
        /// The parameter that must be set for the cell to run (`klynge if NAME`).
        public var condition: String?

        /// Creates a cell.
        public init(number: Int, code: String, firstLine: Int, condition: String? = nil) {
            (self.number, self.code, self.firstLine, self.condition) = (number, code, firstLine, condition)
        }
    }

    /// A part of the notebook, in order.
    public enum Block: Sendable, Equatable {
        /// Markdown prose (with `$name` not yet expanded).
        case prose(String)
        /// A klynge cell.
        case cell(Cell)
    }

    /// The file it was read from.
    public var path: String
    /// The title (front matter `title`, else the file's name), with `$name` not yet expanded.
    public var title: String
    /// The declared parameters, in the order of the front matter.
    public var parameters: [NotebookParameter]
    /// Prose and cells, in order.
    public var blocks: [Block]

    /// The cells, in order.
    public var cells: [Cell] { blocks.compactMap { if case .cell(let c) = $0 { return c } else { return nil } } }

    /// The folder relative paths in the notebook resolve against.
    public var folder: String { (path as NSString).deletingLastPathComponent }

    /// Whether a file is a notebook (Markdown) rather than a plain script.
    public static func isNotebook(_ path: String) -> Bool {
        ["md", "markdown"].contains((path as NSString).pathExtension.lowercased())
    }

    /// Reads and parses a notebook file.
    public static func load(path: String) throws(NotebookError) -> Notebook {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw NotebookError("cannot read the notebook '\(path)'", suggestion: "check the path; it must be a UTF-8 Markdown file")
        }
        return try parse(text, path: path)
    }

    /// Parses a notebook's text.
    public static func parse(_ text: String, path: String) throws(NotebookError) -> Notebook {
        let text = text.replacingOccurrences(of: "\r\n", with: "\n")
        let (yaml, body, bodyLine) = try splitFrontMatter(text)
        let front = try FrontMatter.parse(yaml ?? "", firstLine: 2)
        let blocks = try splitCells(body, firstLine: bodyLine, parameters: front.parameters)
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return Notebook(path: path, title: front.title ?? stem, parameters: front.parameters, blocks: blocks)
    }

    /// The front matter's YAML (between `---` lines at the top), the body, and the body's first line.
    static func splitFrontMatter(_ text: String) throws(NotebookError) -> (String?, String, Int) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return (nil, text, 1) }
        guard let end = lines.dropFirst().firstIndex(where: { ["---", "..."].contains($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw NotebookError("the front matter that starts on line 1 has no closing '---'", line: 1)
        }
        let yaml = lines[1..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n")
        return (yaml, body, end + 2)
    }

    /// The body cut into prose and cells: Ink parses the Markdown and reports each code block with
    /// its raw text, whose position in the body gives the cell's lines.
    static func splitCells(_ body: String, firstLine: Int, parameters: [NotebookParameter]) throws(NotebookError) -> [Block] {
        final class Found { var blocks: [Substring] = [] }
        let found = Found()
        let parser = MarkdownParser(modifiers: [Modifier(target: .codeBlocks) { html, markdown in
            let info = markdown.prefix { $0 != "\n" }.drop { $0 == "`" }.trimmingCharacters(in: .whitespaces)
            if info == "klynge" || info.hasPrefix("klynge ") { found.blocks.append(markdown) }
            return html
        }])
        _ = parser.html(from: body)
        var blocks: [Block] = []
        var position = body.startIndex
        func line(of index: String.Index) -> Int { firstLine + body[..<index].reduce(0) { $1 == "\n" ? $0 + 1 : $0 } }
        for raw in found.blocks {
            guard raw.startIndex >= position, raw.endIndex <= body.endIndex else { continue }
            let before = String(body[position..<raw.startIndex])
            if !before.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { blocks.append(.prose(before)) }
            var lines = raw.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let fence = lines.removeFirst()
            if let last = lines.last, last.trimmingCharacters(in: .whitespaces).hasPrefix("```") { lines.removeLast() }
            let words = fence.drop { $0 == "`" }.split(separator: " ").map(String.init)
            let fenceLine = line(of: raw.startIndex)
            var condition: String? = nil
            if words.count > 1 {
                guard words.count == 3, words[1] == "if" else {
                    throw NotebookError("a cell's fence is ```klynge or ```klynge if PARAMETER, not ```\(words.joined(separator: " "))", line: fenceLine)
                }
                guard parameters.contains(where: { $0.name == words[2] }) else {
                    throw NotebookError("the cell runs 'if \(words[2])', which is not a parameter", line: fenceLine,
                                        suggestion: Suggestions.nearest(words[2], in: parameters.map(\.name)).map { "did you mean '\($0)'?" })
                }
                condition = words[2]
            }
            let number = blocks.filter { if case .cell = $0 { return true } else { return false } }.count + 1
            blocks.append(.cell(Cell(number: number, code: lines.joined(separator: "\n"), firstLine: fenceLine + 1, condition: condition)))
            position = raw.endIndex
        }
        let rest = String(body[position...])
        if !rest.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { blocks.append(.prose(rest)) }
        return blocks
    }
}

/// A notebook's front matter: title and parameters.
struct FrontMatter {
    var title: String?
    var parameters: [NotebookParameter] = []

    static let keys = ["title", "description", "params"]
    static let parameterKeys = ["default", "description", "type", "items", "each"]

    /// Parses the YAML; errors name the notebook line (the YAML starts on `firstLine`).
    static func parse(_ yaml: String, firstLine: Int) throws(NotebookError) -> FrontMatter {
        var front = FrontMatter()
        guard !yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return front }
        let node: Node
        do {
            guard let n = try Yams.compose(yaml: yaml) else { return front }
            node = n
        } catch let error as YamlError {
            throw NotebookError("the front matter is not valid YAML: \(error)", line: firstLine)
        } catch {
            throw NotebookError("the front matter is not valid YAML: \(error)", line: firstLine)
        }
        func line(_ n: Node) -> Int { (n.mark?.line ?? 1) - 1 + firstLine }
        guard let top = node.mapping else { throw NotebookError("the front matter is a mapping (title:, params:)", line: firstLine) }
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key == "parameters" ? "params" : key {
            case "title": front.title = value.string
            case "description": break
            case "params":
                guard let params = value.mapping else { throw NotebookError("'params' is a mapping of parameter names", line: line(value)) }
                for (nameNode, spec) in params {
                    front.parameters.append(try parameter(nameNode.string ?? "", spec, line: line(nameNode), lineOf: line))
                }
            default:
                throw NotebookError("unknown key '\(key)' in the front matter", line: line(keyNode),
                                    suggestion: Suggestions.nearest(key, in: keys).map { "did you mean '\($0)'?" } ?? "the keys are \(keys.joined(separator: ", "))")
            }
        }
        return front
    }

    static func parameter(_ name: String, _ spec: Node, line: Int, lineOf: (Node) -> Int) throws(NotebookError) -> NotebookParameter {
        guard name.first.map({ $0.isLetter || $0 == "_" }) == true, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw NotebookError("'\(name)' cannot name a parameter: use letters, digits and _", line: line)
        }
        // `year: 2023` is a parameter with a default and no description.
        var defaultNode: Node? = spec
        var description = "", typeName: String? = nil, itemsName: String? = nil, each: (String, String)? = nil
        if let fields = spec.mapping {
            defaultNode = nil
            for (keyNode, value) in fields {
                let key = keyNode.string ?? ""
                switch key {
                case "default": defaultNode = value
                case "description": description = value.string ?? ""
                case "type": typeName = value.string
                case "items": itemsName = value.string
                case "each":
                    let parts = (value.string ?? "").split(separator: ".").map(String.init)
                    guard parts.count == 2 else {
                        throw NotebookError("'each' names a dataset's column as DATASET.COLUMN, e.g. practices.cluster", line: lineOf(value))
                    }
                    each = (parts[0], parts[1])
                default:
                    throw NotebookError("unknown key '\(key)' of the parameter '\(name)'", line: lineOf(keyNode),
                                        suggestion: Suggestions.nearest(key, in: parameterKeys).map { "did you mean '\($0)'?" } ?? "the keys are \(parameterKeys.joined(separator: ", "))")
                }
            }
        }
        var kind: NotebookParameter.Kind? = nil
        if let typeName {
            guard let k = NotebookParameter.Kind(rawValue: typeName) else {
                throw NotebookError("unknown type '\(typeName)' of the parameter '\(name)'", line: line,
                                    suggestion: Suggestions.nearest(typeName, in: NotebookParameter.Kind.allCases.map(\.rawValue)).map { "did you mean '\($0)'?" }
                                        ?? "the types are " + NotebookParameter.Kind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            kind = k
        }
        var itemKind = NotebookParameter.Kind.text
        if let itemsName {
            guard let k = NotebookParameter.Kind(rawValue: itemsName), [.text, .integer, .decimal].contains(k) else {
                throw NotebookError("a list's items are text, integer or decimal, not '\(itemsName)'", line: line)
            }
            itemKind = k
        }
        // The kind follows the default when not declared.
        if let node = defaultNode, let sequence = node.sequence {
            if kind == nil { kind = .list }
            if itemsName == nil, let first = sequence.first, let k = scalarKind(first) { itemKind = k == .integer || k == .decimal ? k : .text }
        } else if kind == nil, let node = defaultNode {
            kind = scalarKind(node)
        }
        var parameter = NotebookParameter(name: name, kind: kind ?? .text, itemKind: itemKind, defaultValue: nil, description: description,
                                          each: each.map { (dataset: $0.0, column: $0.1) })
        if let node = defaultNode, !isNull(node) {
            let text: String
            if let sequence = node.sequence {
                guard parameter.kind == .list else { throw NotebookError("the default of '\(name)' is a list, but its type is \(parameter.kind.rawValue)", line: line) }
                text = sequence.map { $0.string ?? "" }.joined(separator: ",")
            } else {
                text = node.string ?? ""
            }
            do {
                parameter.defaultValue = try parameter.value(parsing: text)
            } catch {
                throw NotebookError("the default of " + error.message, line: lineOf(node))
            }
        }
        return parameter
    }

    static func isNull(_ node: Node) -> Bool {
        guard let s = node.scalar, s.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// The kind a scalar default suggests: a plain number is a number, a plain date a date, the rest text.
    static func scalarKind(_ node: Node) -> NotebookParameter.Kind? {
        guard let s = node.scalar else { return nil }
        if isNull(node) { return nil }
        // Codes and practice numbers keep their leading zeros: `0130` is text.
        guard s.style == .plain, !(s.string.hasPrefix("0") && s.string.count > 1 && !s.string.hasPrefix("0.")) else { return .text }
        if Int64(s.string) != nil { return .integer }
        if Double(s.string) != nil { return .decimal }
        if s.string.count == 10, s.string.dropFirst(4).first == "-", CivilDate.parse(s.string) != nil { return .date }
        return .text
    }
}
