import CFuzzDriver
import Query
import Tabular

/// The columns the planner checks fuzzed statements against (the demo's practices and billing).
let catalog = Catalog(datasets: [
    "practices": [Field("practice_id", .text), Field("practice_name", .text), Field("cluster", .text), Field("listed_patients", .integer)],
    "billing": [Field("practice_id", .text), Field("patient_id", .text), Field("service_code", .text), Field("service_date", .date),
                Field("count", .integer), Field("fee", .decimal)],
])

/// One input, split, parsed and planned as statements; any crash is a finding.
func fuzzParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for chunk in StatementSplitter.split(text) {
        guard let statement = try? Parser.parse(chunk.text) else { continue }
        _ = SyntaxPrinter.print(statement)
        switch statement {
        case .pipeline(let p), .let(_, let p): _ = try? Planner(catalog: catalog).plan(p)
        default: break
        }
    }
    return 0
}

/// The program's main (SwiftPM links `FuzzParser_main` as main): hands over to libFuzzer's driver.
@_cdecl("FuzzParser_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { klynge_fuzz_main(argc, argv, fuzzParser) }
