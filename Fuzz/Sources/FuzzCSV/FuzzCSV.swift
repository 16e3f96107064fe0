import CFuzzDriver
import Tabular

/// One input, read as a CSV file (sniffing everything); any crash is a finding.
func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = try? CSVReader.read(bytes: UnsafeBufferPointer(start: data, count: size), path: "fuzz.csv")
    return 0
}

/// The program's main (SwiftPM links `FuzzCSV_main` as main): hands over to libFuzzer's driver.
@_cdecl("FuzzCSV_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { klynge_fuzz_main(argc, argv, fuzzCSV) }
