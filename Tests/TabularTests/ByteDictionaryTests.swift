import Foundation
@testable import Tabular
import Testing

/// Text columns are encoded from the file's bytes, with `String`'s notion of equal values.
@Suite struct ByteDictionaryTests {
    func encode(_ values: [[UInt8]?]) -> TextStorage {
        var d = ByteDictionary()
        let codes = values.map { v in v.map { v in v.withUnsafeBufferPointer { d.code(for: $0) } } ?? -1 }
        return TextStorage(codes: codes, dictionary: d.strings)
    }

    @Test func repeatedValuesShareACodeAndNullsAreMinusOne() {
        let s = encode([Array("0130".utf8), Array("0421".utf8), nil, Array("0130".utf8), Array("".utf8)])
        #expect(s.codes == [0, 1, -1, 0, 2])
        #expect(s.dictionary == ["0130", "0421", ""])
    }

    @Test func equalStringsInOtherFormsShareACode() {
        // "é" composed (C3 A9) and decomposed (e + U+0301): one value, as String compares them.
        let s = encode([[0xC3, 0xA9], [0x65, 0xCC, 0x81], [0xC3, 0xA9]])
        #expect(s.codes == [0, 0, 0] && s.dictionary.count == 1)
        // Two invalid sequences both decode to U+FFFD.
        let bad = encode([[0xFF], [0xFE]])
        #expect(bad.codes == [0, 0])
    }

    @Test func manyDistinctValuesKeepTheirCodes() {
        let values = (0..<200_000).map { Array(String(format: "P%07d", $0 * 7919 % 200_000).utf8) }
        let s = encode(values + values.prefix(1000))
        #expect(s.dictionary.count == 200_000)
        #expect(Array(s.codes.suffix(1000)) == Array(s.codes.prefix(1000)))
        #expect(zip(values.indices, values).allSatisfy { s.dictionary[Int(s.codes[$0.0])] == String(decoding: $0.1, as: UTF8.self) })
    }

    @Test func dictionariesOfConsecutivePartsMergeToTheWholeFilesCodes() {
        // What a load in ranges does: a dictionary per part, the later parts' strings looked up in the first.
        let values = (0..<50_000).map { Array(String(format: "K%05d", $0 * 31 % 20_000).utf8) }
        let whole = encode(values)
        var first = ByteDictionary()
        var second = ByteDictionary()
        let a = values.prefix(20_000).map { v in v.withUnsafeBufferPointer { first.code(for: $0) } }
        let b = values.dropFirst(20_000).map { v in v.withUnsafeBufferPointer { second.code(for: $0) } }
        let renumber = second.strings.map { first.code(for: $0) }
        #expect(a + b.map { renumber[Int($0)] } == whole.codes)
        #expect(first.strings == whole.dictionary)
    }
}
