import Foundation
@testable import Tabular
import Testing

/// Text kept as its bytes reads, gathers, encodes and is cached exactly as dictionary-encoded text.
@Suite struct RawTextTests {
    /// Raw text of the given values; nil is null (empty), and values of one length are held without ends.
    func raw(_ values: [String?]) -> RawText {
        let utf8 = values.map { Array(($0 ?? "").utf8) }
        let width = utf8.first?.count ?? 0
        if width > 0, utf8.allSatisfy({ $0.count == width }) {
            return RawText(bytes: utf8.flatMap { $0 }, width: width, ends: [], count: values.count)
        }
        var ends: [UInt32] = [], total = 0
        for v in utf8 { total += v.count; ends.append(UInt32(total)) }
        return RawText(bytes: utf8.flatMap { $0 }, width: 0, ends: ends, count: values.count)
    }

    @Test func valuesNullsAndCodesInOrderOfFirstAppearance() {
        let values: [String?] = ["P7", nil, "Ærø", "P7", "long-identifier-123456", nil, "Ærø", "Q"]
        let storage = TextStorage(raw: raw(values))
        #expect(storage.count == values.count)
        #expect((0..<values.count).map { storage.string(at: $0) } == values)
        // Codes as the readers give them: first appearance, -1 for null.
        #expect(storage.dictionary == ["P7", "Ærø", "long-identifier-123456", "Q"])
        #expect(storage.codes == [0, -1, 1, 0, 2, -1, 1, 3])
        // Once encoded, a copy changed in place no longer holds the bytes.
        var changed = storage
        changed.codes[0] = 3
        #expect(changed.raw == nil && changed.string(at: 0) == "Q" && storage.string(at: 0) == "P7")
    }

    @Test func gatheringKeepsTheBytesAndMakesNullsOfMissingRows() {
        for values in [["AAAA", "BBBB", "CCCC"], ["A", "BB", "CCC"]] {
            let storage = TextStorage(raw: raw(values))
            let picked = storage.gathered([2, -1, 0, 2])
            #expect(picked.raw != nil)
            #expect((0..<4).map { picked.string(at: $0) } == [values[2], nil, values[0], values[2]])
            #expect(picked.codes == [0, -1, 1, 0] && picked.dictionary == [values[2], values[0]])
            let column = Column(name: "id", data: .text(storage), validity: nil).gather([1, 1])
            #expect(column.value(at: 0) == .text(values[1]) && column.count == 2)
        }
    }

    @Test func aValueIsFoundByItsBytesWithoutEncoding() {
        let text = raw(["H5WZSABT26", "0101901234", "EYJGBQASBB"])
        #expect(text.containsValue(startingWith: CPR.canStart))
        #expect(!raw(["H5WZSABT26", nil, "EYJGBQASBB"]).containsValue(startingWith: CPR.canStart))
        #expect(raw(["P1", nil, " 0101901234"]).containsValue(startingWith: CPR.canStart))
        #expect(!raw(["P1", nil, "Q"]).containsValue(startingWith: { _ in false }))
        // Known first bytes answer without a look at the values.
        var digits = ByteSet()
        digits.insert(UInt8(ascii: "0"))
        let noted = RawText(bytes: Array("H5WZSABT26".utf8), width: 10, ends: [], count: 1, leading: digits)
        #expect(noted.containsValue(startingWith: CPR.canStart)  && text.leading == nil)
    }

    @Test func theLoadCacheHoldsRawTextAsBytes() throws {
        let fixed = TextStorage(raw: raw(["H5WZSABT26", "EYJGBQASBB", "H5WZSABT26"]))
        let ragged = TextStorage(raw: raw(["P1", nil, "Østerbro"]))
        let table = Table(columns: [Column(name: "patient", data: .text(fixed)),
                                    Column(name: "name", data: .text(ragged), validity: [true, false, true])], rowCount: 3)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("klynge-raw-\(UUID().uuidString).cols").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try BinaryTable.write(table, to: path)
        let back = try BinaryTable.read(path: path)
        for (a, b) in zip(table.columns, back.columns) {
            guard case .text(let s) = a.data, case .text(let t) = b.data else { Issue.record("not text"); continue }
            #expect(t.raw != nil && t.raw?.width == s.raw?.width && a.validity == b.validity)
            #expect((0..<3).map { t.string(at: $0) } == (0..<3).map { s.string(at: $0) })
        }
        // Bytes cut short or ends that do not fit are a damaged entry, not a crash.
        var bytes = [UInt8]()
        BinaryTable.write(table) { bytes.append(contentsOf: $0) }
        #expect(throws: BinaryTable.Damaged.self) { try BinaryTable.table(Data(bytes.dropLast(3))) }
        bytes[bytes.count - 1] = 0xFF
        #expect(throws: BinaryTable.Damaged.self) { try BinaryTable.table(Data(bytes)) }
    }
}
