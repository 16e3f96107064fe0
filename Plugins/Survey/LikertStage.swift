import PluginKit
import Tabular

/// `likert Q, … [by G] [scale "…", …] [positive K] [codebook D] [texts D]`: per question (and
/// group) and answer, `n` and `percent`, answers in scale order with "Ved ikke" and blanks apart.
enum LikertStage {
    static let stage = Stage(
        name: "likert", usage: "likert Q, … [by G] [scale \"…\", …] [positive K] [codebook D] [texts D]",
        summary: "Per question and answer (in scale order, then Ved ikke, then blank): n, percent of all answers given, valid_percent of answers on the scale; groups under min_answers are suppressed.",
        example: "survey | likert q01, q02 by role texts survey_questions",
        parameters: surveyParameters,
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            try checkSurveyShapes(shapes)
            var out: [Field] = []
            if let g = shapes.types["by"] { out.append(Field(shapes.labels["by"] ?? "group", g, role: .label)) }
            out.append(Field("question", .text, role: .label))
            if shapes.has("texts") { out.append(Field("text", .text, role: .label)) }
            out += [Field("answer", .text, role: .label), Field("position", .integer, role: .label), Field("n", .integer, role: .count), Field("percent", .decimal, role: .statistic),
                    Field("valid_percent", .decimal, role: .statistic), Field("answers", .integer, role: .denominator), Field("status", .text, role: .note)]
            return out
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let questions = try Answers.read(arguments)
            let texts = try questionTexts(arguments)
            let minimum = minimumAnswers(arguments)
            var rows: [[Value]] = []
            for group in surveyGroups(arguments, rows: table.rowCount) {
                for q in questions {
                    let given = group.rows.compactMap { q.values[$0] }
                    let onScale = given.filter { q.scale.position($0) != nil }.count
                    let suppressed = given.count < minimum
                    let status = suppressed ? "suppressed: \(given.count) answers, fewer than \(minimum)" : "reported"
                    var answers: [(String, Int)] = q.scale.labels.map { label in (label, given.filter { q.scale.position($0) == q.scale.position(label) }.count) }
                    let dontKnow = given.filter { q.scale.position($0) == nil }.count
                    answers.append(("Ved ikke", dontKnow))
                    answers.append(("(blank)", group.rows.count - given.count))
                    for (position, (label, n)) in answers.enumerated() {
                        var row: [Value] = arguments.columns["by"] != nil ? [group.key] : []
                        row.append(.text(q.question))
                        if let texts { row.append(texts[q.question].map(Value.text) ?? .null) }
                        row.append(.text(label))
                        row.append(.integer(Int64(position + 1)))
                        let isBlank = label == "(blank)"
                        if suppressed {
                            row += [.null, .null, .null]
                        } else {
                            row.append(.integer(Int64(n)))
                            row.append(isBlank || given.isEmpty ? .null : .decimal(100 * Double(n) / Double(given.count)))
                            let onScaleAnswer = position < q.scale.labels.count
                            row.append(onScaleAnswer && onScale > 0 ? .decimal(100 * Double(n) / Double(onScale)) : .null)
                        }
                        row.append(.integer(Int64(given.count)))
                        row.append(.text(status))
                        rows.append(row)
                    }
                }
            }
            var names = ["question"], types: [DataType] = [.text]
            if let by = arguments.columns["by"] { names.insert(arguments.labels["by"] ?? "group", at: 0); types.insert(by.type, at: 0) }
            if texts != nil { names.append("text"); types.append(.text) }
            names += ["answer", "position", "n", "percent", "valid_percent", "answers", "status"]
            types += [.text, .integer, .integer, .decimal, .decimal, .integer, .text]
            return Table.from(names: names, types: types, rows: rows)
        })
}
