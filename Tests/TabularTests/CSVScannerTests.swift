@testable import Tabular
import Testing

/// The field scanner both CSV readers use finds every field's end where a byte-by-byte look does,
/// whatever the field's length and wherever the delimiter, CR or LF falls in an eight-byte word.
@Suite struct CSVScannerTests {
    @Test func unquotedFieldsEndAtTheFirstDelimiterOrLineBreak() {
        var seed: UInt64 = 11
        func next(_ n: Int) -> Int { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Int(seed >> 33) % n }
        for delimiter in [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")] {
            // Fields of 0–20 bytes (letters, digits, bytes over 0x80), each ended by the delimiter, LF, CR or the end.
            var bytes: [UInt8] = []
            for _ in 0..<2_000 {
                for _ in 0..<next(21) { bytes.append([UInt8(ascii: "a"), 0x30 + UInt8(next(10)), 0xC3, 0xA6, 0x01, 0x7F][next(6)]) }
                bytes.append([delimiter, 10, 13][next(3)])
            }
            bytes.withUnsafeBufferPointer { b in
                var i = 0
                while i < b.count {
                    var end = i
                    while end < b.count, b[end] != delimiter, b[end] != 10, b[end] != 13 { end += 1 }
                    for tail in [b.count, min(b.count, end + 1), end] {
                        let field = CSVScanner.field(b.baseAddress!, at: i, end: tail, delimiter: delimiter)
                        #expect(field.start == i && field.end == min(end, tail) && field.next == min(end, tail) && field.problem == nil)
                    }
                    i = end + 1
                }
            }
        }
    }
}
