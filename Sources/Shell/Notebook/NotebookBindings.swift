import Foundation
import Query

/// A notebook's parameters bound to values (the defaults, then `--param name=value`), which
/// expand `$name` in cells, titles and prose.
public struct NotebookBindings: Sendable, Equatable {
    /// The value of each declared parameter.
    public private(set) var values: [String: ParameterValue]
    /// The notebook the values are for.
    let parameters: [NotebookParameter]
    /// The folder file parameters resolve against.
    let folder: String

    /// The defaults of the notebook's parameters.
    public init(_ notebook: Notebook) {
        parameters = notebook.parameters
        folder = notebook.folder
        values = Dictionary(uniqueKeysWithValues: notebook.parameters.map { ($0.name, $0.defaultValue ?? .unset) })
    }

    /// Sets a parameter from text typed by the user (`name=value` on the command line or after
    /// `.run`): an undeclared name or a value of the wrong kind is an error.
    public mutating func set(_ assignment: String) throws(NotebookError) {
        guard let equals = assignment.firstIndex(of: "=") else {
            throw NotebookError("a parameter is given as name=value, not '\(assignment)'")
        }
        let name = assignment[..<equals].trimmingCharacters(in: .whitespaces)
        try set(name, to: String(assignment[assignment.index(after: equals)...]))
    }

    /// Sets a parameter from text.
    public mutating func set(_ name: String, to text: String) throws(NotebookError) {
        guard let parameter = parameters.first(where: { $0.name == name }) else {
            throw NotebookError("the notebook has no parameter '\(name)'",
                                suggestion: Suggestions.nearest(name, in: parameters.map(\.name)).map { "did you mean '\($0)'?" }
                                    ?? (parameters.isEmpty ? "it declares none" : "its parameters are " + parameters.map(\.name).joined(separator: ", ")))
        }
        values[name] = try parameter.value(parsing: text)
    }

    /// Sets a parameter to a value taken from the data (for `--each`).
    public mutating func set(_ name: String, value: ParameterValue) { values[name] = value }

    /// A cell's code with every `$name` replaced by its value as a klynge literal (inside quotes,
    /// as plain text); an undeclared `$name` outside quotes is an error naming the notebook line.
    public func expand(_ cell: Notebook.Cell) throws(NotebookError) -> String {
        let chars = Array(cell.code)
        var out = ""
        var i = 0
        var quote: Character? = nil
        func identifier(at start: Int) -> String {
            var j = start
            while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
            return String(chars[start..<j])
        }
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\\", i + 1 < chars.count { out.append(c); out.append(chars[i + 1]); i += 2; continue }
                if c == q { quote = nil }
                if c == "$", let value = values[identifier(at: i + 1)] {
                    let name = identifier(at: i + 1)
                    // Inside quotes the value is text: escaped for the quotes it stands in.
                    out += String(ParameterValue.quoted(value.description).dropFirst().dropLast())
                    i += 1 + name.count
                    continue
                }
                out.append(c); i += 1; continue
            }
            if c == "\"" || c == "'" || c == "`" { quote = c; out.append(c); i += 1; continue }
            if c == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                while i < chars.count, chars[i] != "\n" { out.append(chars[i]); i += 1 }
                continue
            }
            guard c == "$" else { out.append(c); i += 1; continue }
            let name = identifier(at: i + 1)
            guard let value = values[name] else {
                let line = cell.firstLine + chars[0..<i].filter { $0 == "\n" }.count
                throw NotebookError(name.isEmpty ? "a '$' in cell \(cell.number) is not followed by a parameter's name"
                                                 : "cell \(cell.number) uses '$\(name)', which the notebook does not declare",
                                    line: line,
                                    suggestion: Suggestions.nearest(name, in: parameters.map(\.name)).map { "did you mean '$\($0)'?" }
                                        ?? "declare it under params: in the front matter")
            }
            // `in ($codes)` takes the list's items; `in $codes` the list with its brackets.
            let before = out.last { !$0.isWhitespace }
            let after = chars[(i + 1 + name.count)...].first { !$0.isWhitespace }
            var literal = value.literal(resolvingAgainst: folder)
            if case .list = value, before == "(", after == ")" { literal = String(literal.dropFirst().dropLast()) }
            out += literal
            i += 1 + name.count
        }
        return out
    }

    /// Text (a title, prose) with each declared `$name` replaced by its value as people read it.
    public func expand(text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            let name = String(after.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
            if let value = values[name], !name.isEmpty {
                out += value.description
                rest = after.dropFirst(name.count)
            } else {
                out += "$"
                rest = after
            }
        }
        return out + rest
    }

    /// Whether a cell runs: always, or when its `if NAME` parameter is set.
    public func runs(_ cell: Notebook.Cell) -> Bool {
        guard let condition = cell.condition else { return true }
        return values[condition]?.isSet ?? false
    }

    /// The parameters and their values, in declaration order.
    public var listed: [(NotebookParameter, ParameterValue)] { parameters.map { ($0, values[$0.name] ?? .unset) } }
}
