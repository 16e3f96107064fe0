@testable import Tabular
import Testing

/// A value's first 16 bytes as words, read in place, are what copying them into zeroed words gives,
/// at every length and wherever the value lies, so the dictionary and the repeat check compare values rightly.
@Suite struct FieldWordsTests {
    /// The words by copying, as the dictionary did before.
    func copied(_ bytes: ArraySlice<UInt8>) -> FieldWords {
        var w: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &w) { out in
            for (k, b) in bytes.prefix(16).enumerated() { out[k] = b }
        }
        return FieldWords(w0: UInt64(littleEndian: w.0), w1: UInt64(littleEndian: w.1))
    }

    @Test func everyLengthAndOffsetGivesTheCopiedWords() {
        var seed: UInt64 = 3
        let bytes = (0..<64).map { _ -> UInt8 in seed = seed &* 6364136223846793005 &+ 1; return UInt8(truncatingIfNeeded: seed >> 56) | 1 }
        bytes.withUnsafeBufferPointer { b in
            for start in 0..<24 {
                for count in 0...24 {
                    let w = FieldWords(b.baseAddress! + start, count: count)
                    #expect(w == copied(bytes[start..<start + count]), "\(count) bytes at \(start)")
                }
            }
        }
    }

    @Test func valuesThatDifferOnlyInTheirLastByteOrLengthDiffer() {
        for count in 1...16 {
            let a = [UInt8](repeating: 0x41, count: count)
            var b = a
            b[count - 1] = 0x42
            let wa = a.withUnsafeBufferPointer { FieldWords($0) }
            #expect(wa != b.withUnsafeBufferPointer { FieldWords($0) }, "\(count) bytes")
            #expect(a.dropLast().withUnsafeBufferPointer { FieldWords($0) } != wa, "\(count) and \(count - 1) bytes")
        }
    }
}
