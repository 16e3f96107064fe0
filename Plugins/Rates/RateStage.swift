import PluginKit
import Tabular

/// `rate X per M N`: events per M of a denominator, with exact/Byar limits.
enum RateStage {
    static let stage = Stage(
        name: "rate", usage: "rate X per M N",
        summary: "Adds rate = X/N·M with 95% and 99.8% limits (exact below 10 events, Byar from 10), method and statistic.",
        example: "practices | join left palliation on practice_id | derive services = coalesce(services, 0) | rate services per 1000 listed_patients",
        parameters: [Parameter(keyword: nil, placeholder: "X"), Parameter(keyword: "per", takesNumber: true, placeholder: "M N")],
        outputs: { (input, shapes) throws(StageError) -> [Field] in
            guard shapes.numbers["per"] != nil, shapes.types["per"] != nil else {
                throw StageError("rate needs a multiplier and a denominator: rate X per M N", argument: "per",
                                 suggestion: "e.g. rate services per 1000 listed_patients")
            }
            try requireNumeric(shapes, [("", "the count X"), ("per", "the denominator N")])
            return merge(input, MeasureForm.fields(.rate))
        },
        run: { (table, arguments) throws(StageError) -> Table in
            let measure = try MeasureForm.measure(arguments)
            return merge(table, measure.columns(statistic: MeasureForm.statistic(measure, arguments)))
        })
}

/// The columns each statistic adds, for output schemas.
enum MeasureFields {
    static func names(_ value: String) -> [Field] {
        [Field(value, .decimal, role: .statistic), Field("lower95", .decimal, role: .limit), Field("upper95", .decimal, role: .limit), Field("lower998", .decimal, role: .limit),
         Field("upper998", .decimal, role: .limit), Field("method", .text, role: .note), Field("statistic", .text, role: .note)]
    }
}
