import Foundation
@testable import Tabular
import Testing

/// One look at a large file gives what the encoding check, the quote search and the line count gave one by one.
@Suite struct FileSurveyTests {
    func survey(_ bytes: [UInt8], chunk: Int) -> FileSurvey {
        bytes.withUnsafeBufferPointer { FileSurvey($0, chunk: chunk, release: FileMapping.keep) }
    }

    /// Text with Danish letters (two-byte characters, some across chunk cuts), line feeds and CRLFs.
    func text(rows: Int) -> [UInt8] {
        Array((0..<rows).map { "\($0),Ærø Lægehus \($0 % 7),Næstved\($0 % 3 == 0 ? "\r\n" : "\n")" }.joined().utf8)
    }

    @Test func encodingLinesAndQuotesAsLookedForOneByOne() {
        let bytes = text(rows: 5_000)
        for chunk in [64, 1_000, 4_096, 1 << 20] {
            let s = survey(bytes, chunk: chunk)
            #expect(s.validUTF8 && s.lastQuote == -1)
            #expect(s.lineFeeds.reduce(0, +) == 5_000)
            // Any range, its ends near a chunk cut or not.
            for (from, to) in [(0, bytes.count), (17, 9_999), (4_096, 8_193), (bytes.count - 5, bytes.count)] {
                let counted = bytes[from..<to].filter { $0 == 10 }.count
                #expect(bytes.withUnsafeBufferPointer { s.lineFeeds(in: from..<to, of: $0) } == counted, "chunk \(chunk), \(from)..<\(to)")
            }
        }
        // A quote, and the last one is found.
        var quoted = bytes
        quoted[100] = 34
        quoted[quoted.count - 3] = 34
        #expect(survey(quoted, chunk: 1_000).lastQuote == quoted.count - 3)
        // Two quotes within one 32-byte block, amid the file: the later one.
        var one = bytes
        one[100] = 34
        one[109] = 34
        #expect(survey(one, chunk: 1_000).lastQuote == 109 && survey(one, chunk: 64).lastQuote == 109)
    }

    @Test func windows1252AndBrokenUTF8AreNotUTF8() {
        let bytes = text(rows: 2_000)
        // Æ in Windows-1252 (one byte 0xC6 followed by ASCII), and a two-byte character cut short at the end.
        for broken in [Array(bytes[..<5_000]) + [0xC6, 0x72] + Array(bytes[5_000...]), bytes + [0xC3]] {
            for chunk in [64, 4_096] {
                let s = survey(broken, chunk: chunk)
                #expect(!s.validUTF8)
                #expect(s.validUTF8 == broken.withUnsafeBufferPointer { TextEncoding.isValidUTF8($0) })
            }
        }
    }

    @Test func aSurveyedFileReadsAsOneThatIsNot() throws {
        var csv = "practice_id,patient_id,day,count\n"
        for k in 0..<60_000 { csv += "\(100 + k % 40),P\(k * 7 % 50_000),2023-0\(1 + k % 9)-1\(k % 10),\(1 + k % 3)\n" }
        let bytes = Array(csv.utf8)
        try bytes.withUnsafeBufferPointer { b in
            let plain = try #require(try CSVRangeReader(b: b, delimiter: 44, options: LoadOptions(), path: "t.csv", release: FileMapping.keep,
                                                        minimumRangeBytes: 1 << 12, maximumRanges: 3).read())
            let surveyed = try #require(try CSVRangeReader(b: b, delimiter: 44, options: LoadOptions(), path: "t.csv", release: FileMapping.keep,
                                                           minimumRangeBytes: 1 << 12, maximumRanges: 3,
                                                           survey: FileSurvey(b, chunk: 1 << 14, release: FileMapping.keep)).read())
            #expect(surveyed.table.rowCount == 60_000 && plain.table.rowCount == 60_000)
            for (x, y) in zip(plain.table.columns, surveyed.table.columns) {
                #expect((0..<60_000).allSatisfy { x.value(at: $0) == y.value(at: $0) }, "\(x.name)")
            }
        }
    }

    @Test func aLargeFileIsSurveyedOnceAndReadAsWhenItsEncodingIsGiven() throws {
        // Over 16 MB, so `CSVReader` surveys it; once as UTF-8 and once as Windows-1252 (Æ as one byte).
        var csv = "practice_id,patient_id,name,count\n"
        for k in 0..<420_000 { csv += "\(100 + k % 40),P\(k * 7 % 90_000),Ærø Lægehus Nørregade 12 \(k % 5),\(1 + k % 3)\n" }
        let utf8 = Array(csv.utf8)
        let cp1252 = csv.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }  // Æ, æ, ø: Latin-1 and Windows-1252 agree
        #expect(utf8.count > 16 << 20)
        for (bytes, encoding) in [(utf8, TextEncoding.utf8), (cp1252, .windows1252)] {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("klynge-survey-\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: url) }
            try Data(bytes).write(to: url)
            let (found, report) = try CSVReader.read(path: url.path)
            var given = LoadOptions()
            given.encoding = encoding
            let (read, _) = try CSVReader.read(path: url.path, options: given)
            #expect(report.encoding == encoding && found.rowCount == 420_000)
            #expect(found.column("name")?.value(at: 3) == .text("Ærø Lægehus Nørregade 12 3"))
            for (x, y) in zip(found.columns, read.columns) {
                #expect((0..<found.rowCount).allSatisfy { x.value(at: $0) == y.value(at: $0) }, "\(x.name)")
            }
        }
    }
}
