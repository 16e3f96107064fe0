import CFuzzDriver
import Foundation
import Tabular

/// The file each input is written to (the reader reads workbooks from paths).
let path = FileManager.default.temporaryDirectory.appendingPathComponent("klynge-fuzz-\(getpid()).xlsx").path

/// One input, read as a workbook; any crash is a finding.
func fuzzXLSX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { return 0 }
    _ = try? XLSXReader.read(path: path)
    return 0
}

/// The program's main (SwiftPM links `FuzzXLSX_main` as main): hands over to libFuzzer's driver.
@_cdecl("FuzzXLSX_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { klynge_fuzz_main(argc, argv, fuzzXLSX) }
