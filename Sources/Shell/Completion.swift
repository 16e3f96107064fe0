import Foundation
import Query
import Tabular

/// Tab completion that knows where the cursor is: meta-commands, statement keywords, stage
/// names, dataset names, the columns flowing into the current stage, function names, and file
/// paths inside the quotes of `load`, `export … to` and `.read`.
public struct Completion: Sendable, Equatable {
    /// The text to insert at the cursor (the rest of the word, or the common prefix).
    public var insert: String
    /// The candidates, when more than one fits.
    public var candidates: [String]

    /// What completes the text before the cursor.
    public static func complete(_ before: String, session: Session) -> Completion {
        if let path = pathContext(before) { return files(path, session: session) }
        let word = currentWord(before)
        let head = String(before.dropLast(word.count))
        // Meta-commands and their arguments.
        if before.trimmingCharacters(in: .whitespaces).hasPrefix(".") {
            let line = before.trimmingCharacters(in: .whitespaces)
            if !line.contains(" ") {
                return pick(String(line.dropFirst()), MetaCommand.table.map(\.name), suffix: " ")
            }
            let name = String(line.dropFirst().prefix { $0 != " " })
            guard let command = MetaCommand.find(name) else { return Completion(insert: "", candidates: []) }
            switch command.argument {
            case .dataset: return pick(word, session.allDatasetNames, suffix: "")
            case .words(let words): return pick(word, words, suffix: "")
            case .file: return files(String(line.drop { $0 != " " }.dropFirst()), session: session)
            case .statement: return complete(String(line.drop { $0 != " " }.dropFirst()), session: session)
            case .none: return Completion(insert: "", candidates: [])
            }
        }
        let tokens = (try? Lexer.tokenize(head)) ?? []
        let significant = tokens.filter { $0.kind != .newline && $0.kind != .end }
        // Which stage is the cursor in? The tokens after the last top-level '|'.
        var depth = 0
        var lastPipe: Int? = nil
        for (i, t) in significant.enumerated() {
            if t.isSymbol("(") { depth += 1 } else if t.isSymbol(")") { depth -= 1 } else if t.isSymbol("|"), depth == 0 { lastPipe = i }
        }
        guard let pipe = lastPipe else {
            if significant.isEmpty {
                return pick(word, Parser.statementKeywords + session.allDatasetNames + ["_"], suffix: " ")
            }
            let first = significant[0]
            if first.isKeyword("load") { return Completion(insert: significant.count == 2 ? "\"" : "", candidates: []) }
            if first.isKeyword("let"), significant.count >= 3 { return pick(word, session.allDatasetNames + ["_"], suffix: " ") }
            if first.isKeyword("export"), significant.count == 1 { return pick(word, session.allDatasetNames + ["_"], suffix: " ") }
            if first.isKeyword("set"), significant.count == 1 { return pick(word, Settings.known.map(\.name), suffix: " ") }
            if first.isKeyword("set"), significant.count == 2 {
                return pick(word, Settings.known.first { $0.name == significant[1].text.lowercased() }?.values ?? [], suffix: "")
            }
            return Completion(insert: "", candidates: [])
        }
        let stage = Array(significant[(pipe + 1)...])
        if stage.isEmpty { return pick(word, Parser.stageNames + session.stages.keys.sorted(), suffix: " ") }
        let pipelineText = pipelinePrefix(head, upTo: significant[pipe].range.start)
        let schema = flowingSchema(pipelineText, session: session)
        let columns = schema.map { $0.name.contains(" ") ? "`\($0.name)`" : $0.name }
        let keyword = stage[0].text.lowercased()
        if keyword == "join" {
            let last = stage.last!
            if last.isKeyword("join") || last.isKeyword("left") || last.isKeyword("inner") {
                return pick(word, ["left", "inner"].filter { _ in last.isKeyword("join") } + session.allDatasetNames, suffix: " ")
            }
            if last.isKeyword("on") || last.isSymbol("=") {
                let right = stage.first { t in session.datasets[t.text] != nil && !t.isKeyword("join") }
                let rightColumns = right.flatMap { session.datasets[$0.text]?.columnNames } ?? []
                return pick(word, Array(Set(columns + rightColumns)).sorted(), suffix: " ")
            }
            return pick(word, ["on"], suffix: " ")
        }
        var words = columns + (ScalarFunctions.names + session.plugins.functions.keys.sorted()).map { $0 + "(" }
        if keyword == "summarize" { words += AggregateFunctions.names.map { $0 + "(" } + ["by"] }
        if keyword == "sort" { words += ["desc", "asc"] }
        if keyword == "rename" { words += ["as"] }
        if let plugin = session.stages[keyword] { words += plugin.parameters.compactMap(\.keyword) }
        words += ["and", "or", "not", "in", "between", "is", "null"]
        return pick(word, words, suffix: "")
    }

    /// The identifier characters just before the cursor (including a leading backtick).
    static func currentWord(_ before: String) -> String {
        var word = ""
        for c in before.reversed() {
            if c.isLetter || c.isNumber || c == "_" || c == "`" { word.insert(c, at: word.startIndex) } else { break }
        }
        return word
    }

    /// The text of the pipeline before the current stage, without a leading `let NAME =` or `export`.
    static func pipelinePrefix(_ head: String, upTo offset: Int) -> String {
        var text = String(Array(head)[0..<offset]).trimmingCharacters(in: .whitespacesAndNewlines)
        if let t = try? Lexer.tokenize(text), let first = t.first {
            if first.isKeyword("let"), t.count > 3, t[2].isSymbol("=") {
                text = String(Array(text)[t[3].range.start...])
            } else if first.isKeyword("export"), t.count > 1 {
                text = String(Array(text)[t[1].range.start...])
            }
        }
        return text
    }

    /// The schema that flows out of a pipeline prefix; the source's schema when a stage fails.
    static func flowingSchema(_ text: String, session: Session) -> Schema {
        guard case .pipeline(let pipeline)? = try? Parser.parse(text, stages: session.stages) else {
            let source = text.trimmingCharacters(in: .whitespaces).prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return session.datasets[String(source)]?.schema ?? []
        }
        let planner = session.planner
        var count = pipeline.stages.count
        while count >= 0 {
            if let plan = try? planner.plan(pipeline, stages: count) { return plan.output }
            count -= 1
        }
        return []
    }

    /// Whether the cursor is inside a quoted path; the path typed so far.
    static func pathContext(_ before: String) -> String? {
        let quotes = before.filter { $0 == "\"" }.count
        guard quotes % 2 == 1, let open = before.lastIndex(of: "\"") else { return nil }
        let prefix = before[..<open].trimmingCharacters(in: .whitespaces).lowercased()
        let words = prefix.split { $0 == " " || $0 == "\t" }
        guard let firstWord = words.first else { return nil }
        if firstWord == "load" || words.last == "to" || firstWord == "export" { return String(before[before.index(after: open)...]) }
        return nil
    }

    /// Completes a file path relative to the session's folder; folders end in `/`.
    static func files(_ typed: String, session: Session) -> Completion {
        let expanded = (typed as NSString).expandingTildeInPath
        let dirPart = typed.hasSuffix("/") ? expanded : (expanded as NSString).deletingLastPathComponent
        let partial = typed.hasSuffix("/") ? "" : (expanded as NSString).lastPathComponent
        let folder = dirPart.isEmpty ? session.workingDirectory : session.resolve(path: dirPart)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return Completion(insert: "", candidates: []) }
        let names = entries.filter { !$0.hasPrefix(".") || partial.hasPrefix(".") }.map { name -> String in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(name), isDirectory: &isDirectory)
            return isDirectory.boolValue ? name + "/" : name
        }.sorted()
        var result = pick(partial, names, suffix: "")
        if result.candidates.isEmpty, !result.insert.isEmpty, !result.insert.hasSuffix("/") { result.insert += "\"" }
        return result
    }

    /// The completion of `word` among `options`: the rest of the single match (plus `suffix`), or
    /// the common prefix of several and the list. Exact-case prefixes are preferred.
    static func pick(_ word: String, _ options: [String], suffix: String) -> Completion {
        var matches = options.filter { $0.hasPrefix(word) }
        if matches.isEmpty { matches = options.filter { $0.lowercased().hasPrefix(word.lowercased()) } }
        var unique: [String] = []
        for m in matches where !unique.contains(m) { unique.append(m) }
        guard !unique.isEmpty else { return Completion(insert: "", candidates: []) }
        if unique.count == 1 {
            let m = unique[0]
            let end = m.hasSuffix("(") || m.hasSuffix("/") ? "" : suffix
            return Completion(insert: String(m.dropFirst(word.count)) + end, candidates: [])
        }
        var common = unique[0]
        for m in unique.dropFirst() {
            while !m.lowercased().hasPrefix(common.lowercased()) { common.removeLast() }
        }
        let insert = common.count > word.count ? String(common.dropFirst(word.count)) : ""
        return Completion(insert: insert, candidates: unique)
    }
}
