import Foundation
import PluginKit
import Tabular

/// An ordered answer scale, most positive first, and how many of its answers count as positive.
struct Scale: Equatable {
    /// The answers in order, most positive first.
    var labels: [String]
    /// How many answers from the top count as positive (top-2 box: 2).
    var positive: Int

    /// The Danish scales the plugin recognises by their labels.
    static let known: [Scale] = [
        Scale(labels: ["Meget enig", "Enig", "Hverken enig eller uenig", "Uenig", "Meget uenig"], positive: 2),
        Scale(labels: ["Helt enig", "Overvejende enig", "Hverken enig eller uenig", "Overvejende uenig", "Helt uenig"], positive: 2),
        Scale(labels: ["I meget høj grad", "I høj grad", "I nogen grad", "I mindre grad", "Slet ikke"], positive: 2),
    ]

    /// Answers that are kept apart from the scale ("don't know").
    static let dontKnow: Set<String> = ["ved ikke", "ved ikke/ikke relevant", "ved ikke / ikke relevant", "ikke relevant"]

    /// The answer in a canonical form for matching (trimmed, lower case).
    static func key(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces).lowercased() }

    /// The position of an answer on the scale (0 = most positive), or nil.
    func position(_ answer: String) -> Int? { labels.firstIndex { Scale.key($0) == Scale.key(answer) } }

    /// The known scale that holds every answer given, or nil when none does.
    static func recognise(_ answers: Set<String>) -> Scale? {
        let onScale = answers.filter { !dontKnow.contains(key($0)) }
        return known.first { scale in onScale.allSatisfy { scale.position($0) != nil } }
    }
}

/// One question's answers as text, after any codebook, with the scale they are on.
struct Answers {
    /// The question's label (its column name as typed).
    var question: String
    /// Per respondent: the answer text, or nil for a blank.
    var values: [String?]
    /// The scale.
    var scale: Scale

    /// Reads the question columns of a stage call: applies the codebook, finds or checks the scale.
    static func read(_ arguments: Arguments) throws(StageError) -> [Answers] {
        let columns = arguments.lists[""] ?? []
        let labels = arguments.listLabels[""] ?? []
        let codebook = try Codebook(arguments.tables["codebook"])
        var declared: Scale? = nil
        if let scale = arguments.lists["scale"] {
            let typed = arguments.listLabels["scale"] ?? []
            let texts = scale.enumerated().map { k, column in
                column.count > 0 ? column.value(at: 0).description : typed[k].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            declared = Scale(labels: texts, positive: Int(arguments.numbers["positive"] ?? 2))
        } else if let codebook {
            declared = Scale(labels: codebook.scaleLabels, positive: Int(arguments.numbers["positive"] ?? 2))
        }
        var out: [Answers] = []
        for (k, column) in columns.enumerated() {
            let values: [String?] = (0..<column.count).map { r in
                let v = column.value(at: r)
                if v.isNull { return nil }
                let text = codebook?.label(v) ?? v.description
                return text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : text
            }
            let given = Set(values.compactMap { $0 })
            let question = k < labels.count ? labels[k] : "q\(k + 1)"
            if var scale = declared ?? Scale.recognise(given) {
                if arguments.numbers["positive"] != nil { scale.positive = Int(arguments.numbers["positive"]!) }
                let unknown = given.filter { scale.position($0) == nil && !Scale.dontKnow.contains(Scale.key($0)) }.sorted()
                if !unknown.isEmpty {
                    throw StageError("\(question): the answers \(unknown.prefix(4).map { "\"\($0)\"" }.joined(separator: ", ")) are not on the scale \(scale.labels.joined(separator: " / "))",
                                     argument: "", suggestion: codebook == nil ? "declare the scale: scale \"…\", \"…\" positive 2, or give a codebook" : "add the codes to the codebook")
                }
                out.append(Answers(question: question, values: values, scale: scale))
            } else {
                throw StageError("\(question): the answers (\(given.sorted().prefix(4).joined(separator: ", "))) are not on a known Danish scale", argument: "",
                                 suggestion: "declare it, most positive first: scale \"…\", \"…\", \"…\" positive 2")
            }
        }
        return out
    }
}

/// Numeric answer codes and their labels, from a dataset of `code, label` rows in scale order
/// (most positive first); labels such as "Ved ikke" are kept apart from the scale.
struct Codebook {
    var labels: [String: String]
    var scaleLabels: [String]

    init?(_ table: Table?) throws(StageError) {
        guard let table else { return nil }
        guard let code = table.column("code"), let label = table.column("label") else {
            throw StageError("a codebook has the columns code and label (one row per answer, most positive first)", argument: "codebook")
        }
        labels = [:]
        scaleLabels = []
        for r in 0..<table.rowCount {
            let text = label.value(at: r).description
            labels[code.value(at: r).description] = text
            if !Scale.dontKnow.contains(Scale.key(text)) { scaleLabels.append(text) }
        }
    }

    /// The label of a coded answer (codes compare as text, so 1 and "1" match); nil when not a code.
    func label(_ v: Value) -> String? {
        if let text = labels[v.description] { return text }
        if case .decimal(let d) = v, d == d.rounded() { return labels[String(Int64(d))] }
        return nil
    }
}

/// Rows grouped by the `by` argument (one group of all rows without it), in sorted order.
func surveyGroups(_ arguments: Arguments, rows: Int) -> [(key: Value, rows: [Int])] {
    guard let by = arguments.columns["by"] else { return [(.null, Array(0..<rows))] }
    var members: [Value: [Int]] = [:]
    for r in 0..<rows { members[by.value(at: r), default: []].append(r) }
    return members.keys.sorted { $0.description < $1.description }.map { ($0, members[$0]!) }
}

/// The question texts from a `texts` dataset of `question, text` rows.
func questionTexts(_ arguments: Arguments) throws(StageError) -> [String: String]? {
    guard let table = arguments.tables["texts"] else { return nil }
    guard let q = table.column("question"), let t = table.column("text") else {
        throw StageError("a texts dataset has the columns question and text", argument: "texts")
    }
    var out: [String: String] = [:]
    for r in 0..<table.rowCount { out[q.value(at: r).description] = t.value(at: r).description }
    return out
}

/// The session's small-n threshold.
func minimumAnswers(_ arguments: Arguments) -> Int { Int(arguments.settings["min_answers"] ?? "") ?? 5 }

/// The parameters the survey stages share.
let surveyParameters = [
    Parameter(keyword: nil, takesList: true, placeholder: "Q, …"),
    Parameter(keyword: "by", placeholder: "G"),
    Parameter(keyword: "scale", takesList: true, placeholder: "\"label\", …"),
    Parameter(keyword: "positive", takesNumber: true, takesExpression: false, placeholder: "K"),
    Parameter(keyword: "codebook", takesDataset: true, placeholder: "D"),
    Parameter(keyword: "texts", takesDataset: true, placeholder: "D"),
]

/// Checks the question list, the scale list and the datasets.
func checkSurveyShapes(_ shapes: ArgumentShapes) throws(StageError) {
    guard let questions = shapes.listTypes[""], !questions.isEmpty else { throw StageError("name the question columns", argument: "") }
    if let scale = shapes.listTypes["scale"], scale.contains(where: { $0 != .text }) {
        throw StageError("the scale is a list of answer texts in quotes, most positive first", argument: "scale")
    }
    if let codebook = shapes.datasets["codebook"], !(codebook.contains { $0.name == "code" } && codebook.contains { $0.name == "label" }) {
        throw StageError("a codebook has the columns code and label", argument: "codebook")
    }
    if let texts = shapes.datasets["texts"], !(texts.contains { $0.name == "question" } && texts.contains { $0.name == "text" }) {
        throw StageError("a texts dataset has the columns question and text", argument: "texts")
    }
}
