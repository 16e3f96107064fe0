import PluginKit
import Tabular

/// `comments Q, … [by G]`: free-text answers verbatim, one row each, without respondent
/// identifiers (only the group and the question), sorted; suppressed for small groups.
enum CommentsStage {
    static let stage = Stage(
        name: "comments", usage: "comments Q, … [by G]",
        summary: "The free-text answers of each question verbatim (no respondent columns), per group; groups under min_answers are left out with one row saying so.",
        example: "survey | where role == \"læge\" | comments q07 by cluster",
        parameters: [Parameter(keyword: nil, takesList: true, placeholder: "Q, …"), Parameter(keyword: "by", placeholder: "G")],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            guard let questions = shapes.listTypes[""], !questions.isEmpty else { throw StageError("name the question columns", argument: "") }
            var out: [Field] = []
            if let g = shapes.types["by"] { out.append(Field(shapes.labels["by"] ?? "group", g, role: .label)) }
            return out + [Field("question", .text, role: .label), Field("comment", .text, role: .label)]
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let columns = arguments.lists[""] ?? [], labels = arguments.listLabels[""] ?? []
            let minimum = minimumAnswers(arguments)
            var rows: [[Value]] = []
            for group in surveyGroups(arguments, rows: table.rowCount) {
                for (k, column) in columns.enumerated() {
                    let answers = group.rows.compactMap { r -> String? in
                        let v = column.value(at: r)
                        let text = v.isNull ? "" : v.description.trimmingCharacters(in: .whitespacesAndNewlines)
                        return text.isEmpty ? nil : text
                    }.sorted()
                    let prefix: [Value] = arguments.columns["by"] != nil ? [group.key] : []
                    let question = Value.text(k < labels.count ? labels[k] : "q\(k + 1)")
                    if answers.count < minimum {
                        if !answers.isEmpty { rows.append(prefix + [question, .text("(\(answers.count) comments suppressed: fewer than \(minimum) answers)")]) }
                        continue
                    }
                    for a in answers { rows.append(prefix + [question, .text(a)]) }
                }
            }
            var names = ["question", "comment"], types: [DataType] = [.text, .text]
            if let by = arguments.columns["by"] { names.insert(arguments.labels["by"] ?? "group", at: 0); types.insert(by.type, at: 0) }
            return Table.from(names: names, types: types, rows: rows)
        })
}
