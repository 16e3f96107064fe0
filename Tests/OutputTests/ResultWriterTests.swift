import Foundation
import Testing
import Output
import Tabular

@Suite struct ResultWriterTests {
    let table = Table.from(names: ["navn", "beløb", "dato", "antal"], types: [.text, .decimal, .date, .integer],
                           rows: [[.text("Lægerne Torvet, Køge"), .decimal(1234.5), .date(CivilDate(year: 2023, month: 1, day: 31)!.daysSinceEpoch), .integer(3)],
                                  [.text("Say \"hi\""), .null, .null, .integer(-1)]])

    @Test func plainCsvIsRfc4180() {
        let expected = "navn,beløb,dato,antal\n\"Lægerne Torvet, Køge\",1234.5,2023-01-31,3\n" + #""Say ""hi""",,,-1"# + "\n"
        #expect(ResultWriter.text(table, format: .csv) == expected)
    }

    @Test func excelCsvHasBomSemicolonsDecimalCommaAndCrlf() {
        let bytes = Array(ResultWriter.text(table, format: .excel).utf8)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text == "navn;beløb;dato;antal\r\nLægerne Torvet, Køge;1234,5;31-01-2023;3\r\n\"Say \"\"hi\"\"\";;;-1\r\n")
    }

    @Test func jsonAndMarkdown() {
        #expect(ResultWriter.text(table, format: .json).contains(#"{"navn": "Lægerne Torvet, Køge", "beløb": 1234.5, "dato": "2023-01-31", "antal": 3}"#))
        #expect(ResultWriter.text(table, format: .json).contains(#""beløb": null"#))
        #expect(ResultWriter.text(table, format: .markdown).hasPrefix("| navn | beløb | dato | antal |\n| --- | ---: | --- | ---: |\n"))
    }

    @Test func atomicWriteLeavesTheOldFileOnFailure() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("klynge-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let target = folder.appendingPathComponent("out.csv").path
        try ResultWriter.writeAtomically("first\n", to: target)
        try ResultWriter.writeAtomically("second\n", to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "second\n")
        // A target that is a folder cannot be replaced: the write fails and leaves no temporary file.
        let blocked = folder.appendingPathComponent("blocked").path
        try FileManager.default.createDirectory(atPath: blocked + "/inside", withIntermediateDirectories: true)
        #expect(throws: (any Error).self) { try ResultWriter.writeAtomically("x", to: blocked) }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}
