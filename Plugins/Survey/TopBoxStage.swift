import PluginKit
import Statistics
import Tabular

/// `topbox Q, … [by G] [invited N] …`: per question (and group) the share of positive answers
/// among answers on the scale (Ved ikke and blanks left out), with Wilson limits, and the
/// response rate when the number invited is known.
enum TopBoxStage {
    static let stage = Stage(
        name: "topbox", usage: "topbox Q, … [by G] [invited N] [scale \"…\", …] [positive K] [codebook D] [texts D]",
        summary: "Per question: respondents, n (answers on the scale), positive (top K, default 2), share with Wilson lower95/upper95, dont_know, blank, response_rate (with invited); groups under min_answers are suppressed.",
        example: "survey | topbox q01, q07 by cluster texts survey_questions",
        parameters: surveyParameters + [Parameter(keyword: "invited", placeholder: "N")],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            try checkSurveyShapes(shapes)
            if let invited = shapes.types["invited"], !invited.isNumeric { throw StageError("invited must be a number or a numeric column", argument: "invited") }
            var out: [Field] = []
            if let g = shapes.types["by"] { out.append(Field(shapes.labels["by"] ?? "group", g, role: .label)) }
            out.append(Field("question", .text, role: .label))
            if shapes.has("texts") { out.append(Field("text", .text, role: .label)) }
            out += [Field("respondents", .integer, role: .denominator), Field("n", .integer, role: .count), Field("positive", .integer, role: .count), Field("share", .decimal, role: .statistic),
                    Field("lower95", .decimal, role: .limit), Field("upper95", .decimal, role: .limit), Field("dont_know", .integer, role: .count), Field("blank", .integer, role: .count)]
            if shapes.has("invited") { out += [Field("invited", .decimal, role: .denominator), Field("response_rate", .decimal, role: .statistic)] }
            out += [Field("status", .text, role: .note), Field("method", .text, role: .note)]
            return out
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let questions = try Answers.read(arguments)
            let texts = try questionTexts(arguments)
            let minimum = minimumAnswers(arguments)
            let invited = arguments.columns["invited"]
            var rows: [[Value]] = []
            for group in surveyGroups(arguments, rows: table.rowCount) {
                for q in questions {
                    let given = group.rows.compactMap { q.values[$0] }
                    let positions = given.compactMap { q.scale.position($0) }
                    let n = positions.count
                    let positive = positions.filter { $0 < q.scale.positive }.count
                    let suppressed = given.count < minimum
                    var row: [Value] = arguments.columns["by"] != nil ? [group.key] : []
                    row.append(.text(q.question))
                    if let texts { row.append(texts[q.question].map(Value.text) ?? .null) }
                    row.append(.integer(Int64(group.rows.count)))
                    if suppressed || n == 0 {
                        row += [suppressed ? .null : .integer(0), .null, .null, .null, .null, .null, .null]
                    } else {
                        let ci = WilsonInterval(successes: Double(positive), trials: Double(n), confidence: 0.95)
                        row += [.integer(Int64(n)), .integer(Int64(positive)), .decimal(100 * Double(positive) / Double(n)),
                                .decimal(100 * ci.lower), .decimal(100 * ci.upper), .integer(Int64(given.count - n)),
                                .integer(Int64(group.rows.count - given.count))]
                    }
                    if let invited {
                        let count = group.rows.first.flatMap { invited.value(at: $0).doubleValue }
                        row.append(count.map(Value.decimal) ?? .null)
                        row.append(count.flatMap { $0 > 0 ? Value.decimal(100 * Double(group.rows.count) / $0) : nil } ?? .null)
                    }
                    row.append(.text(suppressed ? "suppressed: \(given.count) answers, fewer than \(minimum)" : (n == 0 ? "no answers on the scale" : "reported")))
                    row.append(.text("top \(q.scale.positive) of \(q.scale.labels.count) (\(q.scale.labels.prefix(q.scale.positive).joined(separator: ", "))); Wilson 95%; Ved ikke and blanks excluded"))
                    rows.append(row)
                }
            }
            var names = ["question"], types: [DataType] = [.text]
            if let by = arguments.columns["by"] { names.insert(arguments.labels["by"] ?? "group", at: 0); types.insert(by.type, at: 0) }
            if texts != nil { names.append("text"); types.append(.text) }
            names += ["respondents", "n", "positive", "share", "lower95", "upper95", "dont_know", "blank"]
            types += [.integer, .integer, .integer, .decimal, .decimal, .decimal, .integer, .integer]
            if invited != nil { names += ["invited", "response_rate"]; types += [.decimal, .decimal] }
            names += ["status", "method"]
            types += [.text, .text]
            return Table.from(names: names, types: types, rows: rows)
        })
}
