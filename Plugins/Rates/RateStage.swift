import PluginKit
import Tabular

/// `rate X per M N [confidence L, …] [method byar|exact]`: events per M of a denominator, with
/// exact/Byar limits (PHEindicatormethods' phe_rate).
enum RateStage {
    static let stage = Stage(
        name: "rate", usage: "rate X per M N [confidence L, …] [method byar|exact]",
        summary: "Adds rate = X/N·M with 95% and 99.8% limits (or at the levels of confidence; exact below 10 events, Byar from 10, or one method by method), method and statistic.",
        example: "practices | join left palliation on practice_id | derive services = coalesce(services, 0) | rate services per 1000 listed_patients confidence 90",
        parameters: [Parameter(keyword: nil, placeholder: "X"), Parameter(keyword: "per", takesNumber: true, placeholder: "M N"),
                     ConfidenceLevels.parameter, MeasureForm.method],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            guard shapes.numbers["per"] != nil, shapes.types["per"] != nil else {
                throw StageError("rate needs a multiplier and a denominator: rate X per M N", argument: "per",
                                 suggestion: "e.g. rate services per 1000 listed_patients")
            }
            try requireNumeric(shapes, [("", "the count X"), ("per", "the denominator N")])
            return merge(input, try MeasureForm.fields(.rate, shapes))
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let measure = try MeasureForm.measure(arguments)
            return merge(table, measure.columns(statistic: MeasureForm.statistic(measure, arguments)))
        })
}

