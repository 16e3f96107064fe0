import Query
import Tabular

/// Two small datasets: billing lines and practices with a practice that has no billing.
let testDatasets: [String: Table] = [
    "billing": Table.from(
        names: ["practice_id", "service_code", "service_date", "count", "fee"],
        types: [.text, .text, .date, .integer, .decimal],
        rows: [
            [.text("011031"), .text("0130"), .date(CivilDate(year: 2023, month: 1, day: 5)!.daysSinceEpoch), .integer(1), .decimal(324.16)],
            [.text("011031"), .text("0421"), .date(CivilDate(year: 2023, month: 3, day: 1)!.daysSinceEpoch), .integer(2), .decimal(1112.8)],
            [.text("028701"), .text("0130"), .date(CivilDate(year: 2022, month: 12, day: 31)!.daysSinceEpoch), .integer(1), .decimal(324.16)],
            [.text("028701"), .text("0101"), .date(CivilDate(year: 2023, month: 6, day: 1)!.daysSinceEpoch), .integer(-1), .null],
            [.text("028701"), .text("0130"), .date(CivilDate(year: 2023, month: 7, day: 1)!.daysSinceEpoch), .integer(3), .decimal(972.48)],
        ]),
    "practices": Table.from(
        names: ["practice_id", "cluster", "listed_patients"],
        types: [.text, .text, .integer],
        rows: [
            [.text("011031"), .text("Næstved 1"), .integer(2000)],
            [.text("028701"), .text("Næstved 1"), .integer(1000)],
            [.text("033122"), .text("Køge 2"), .integer(4000)],
        ]),
]

/// Parses, plans and runs one pipeline over the test datasets.
func run(_ source: String, _ datasets: [String: Table] = testDatasets) throws -> Table {
    guard case .pipeline(let p) = try Parser.parse(source) else { throw Diagnostic("not a pipeline") }
    let plan = try Planner(catalog: Catalog(datasets: datasets.mapValues(\.schema))).plan(p)
    return try Evaluator.run(plan, datasets: datasets)
}

/// The planner's diagnostic for a pipeline that should not plan.
func planError(_ source: String) -> Diagnostic? {
    do {
        _ = try run(source)
        return nil
    } catch let d as Diagnostic {
        return d
    } catch {
        return nil
    }
}

extension Table {
    /// A column's values, for compact assertions.
    func values(_ name: String) -> [Value] { (0..<rowCount).map { column(name)!.value(at: $0) } }
}
