import PluginKit
import Tabular

/// `proportion X of N [per M] [confidence L, …]`: the share x/n (times M) with Wilson limits (phe_proportion).
enum ProportionStage {
    static let stage = Stage(
        name: "proportion", usage: "proportion X of N [per M] [confidence L, …]",
        summary: "Adds proportion = X/N (times M, e.g. per 100 for percent) with 95% and 99.8% Wilson limits (or at the levels of confidence).",
        example: "survey | derive agree = if(q01 == \"Meget enig\" or q01 == \"Enig\", 1, 0), answered = if(q01 is null or q01 == \"Ved ikke\", 0, 1) | summarize agree = sum(agree), answered = sum(answered) by cluster | proportion agree of answered per 100",
        parameters: [Parameter(keyword: nil, placeholder: "X"), Parameter(keyword: "of", placeholder: "N"),
                     Parameter(keyword: "per", takesNumber: true, takesExpression: false, placeholder: "M"), ConfidenceLevels.parameter],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            try requireNumeric(shapes, [("", "the count X"), ("of", "the total N")])
            return merge(input, try MeasureForm.fields(.proportion, shapes))
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let measure = try MeasureForm.measure(arguments)
            return merge(table, measure.columns(statistic: MeasureForm.statistic(measure, arguments)))
        })
}
