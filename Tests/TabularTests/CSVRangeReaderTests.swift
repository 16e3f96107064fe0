import Foundation
@testable import Tabular
import Synchronization
import Testing

/// A file read in ranges side by side gives exactly what the field-by-field reader gives: the same
/// types, values, nulls and text codes (so group and distinct orders do not change), and for a
/// file with something wrong in it, the same error.
@Suite struct CSVRangeReaderTests {
    /// Reads with the field-by-field reader (`CSVScanner` and `ColumnParser`).
    func exact(_ bytes: [UInt8], _ options: LoadOptions = LoadOptions()) throws -> Table {
        try bytes.withUnsafeBufferPointer { b in
            let scanner = try CSVScanner.scan(b, delimiter: CSVReader.sniffDelimiter(b), path: "test.csv")
            var parser = ColumnParser(bytes: b, scanner: scanner, options: options, path: "test.csv")
            return try parser.build()
        }
    }

    /// Reads in ranges of at least `rangeBytes` bytes, up to `ranges` of them; nil when the reader hands the file back.
    func ranged(_ bytes: [UInt8], rangeBytes: Int, ranges: Int = 4, _ options: LoadOptions = LoadOptions()) throws -> CSVRangeReader.Result? {
        try bytes.withUnsafeBufferPointer { b in
            try CSVRangeReader(b: b, delimiter: CSVReader.sniffDelimiter(b), options: options, path: "test.csv", release: FileMapping.keep,
                               minimumRangeBytes: rangeBytes, maximumRanges: ranges).read()
        }
    }

    /// Whether two tables hold the same columns, values, nulls, text codes and dictionaries.
    func same(_ a: Table, _ b: Table) -> Bool {
        guard a.rowCount == b.rowCount, a.columnNames == b.columnNames, a.columns.map(\.type) == b.columns.map(\.type) else { return false }
        for (x, y) in zip(a.columns, b.columns) {
            if x.validity != y.validity { return false }
            if case .text(let s) = x.data, case .text(let t) = y.data, s.codes != t.codes || s.dictionary != t.dictionary { return false }
            for r in 0..<a.rowCount where x.value(at: r) != y.value(at: r) { return false }
        }
        return true
    }

    /// A billing-like file: text ids with many distinct values, codes, dates, counts, fees with gaps
    /// and non-ASCII names, `rows` rows.
    func billing(rows: Int, lineBreak: String = "\n") -> [UInt8] {
        var text = "practice_id,patient_id,service_date,service_code,count,fee,name\(lineBreak)"
        var seed: UInt64 = 7
        func next(_ n: UInt64) -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return (seed >> 33) % n }
        let names = ["Ærø Lægehus", "Østerbro", "Aabenraa", "Café e\u{301}", ""]
        for _ in 0..<rows {
            let day = 1 + next(28), month = 1 + next(12)
            let fee = next(10) == 0 ? "" : "\(next(900)).\(next(10))\(next(10))"
            text += "\(100 + next(40)),P\(next(30_000)),2023-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day),0\(100 + next(9)),\(1 + next(3)),\(fee),\(names[Int(next(5))])\(lineBreak)"
        }
        return Array(text.utf8)
    }

    @Test func rangesGiveTheSameTableAsTheFieldByFieldReader() throws {
        let bytes = billing(rows: 40_000)
        let whole = try exact(bytes)
        for ranges in [1, 2, 3, 7] {
            let read = try #require(try ranged(bytes, rangeBytes: 1 << 16, ranges: ranges))
            #expect(same(read.table, whole), "\(ranges) ranges")
            #expect(read.layout.header && read.layout.dateFormats == [.iso] && read.layout.decimalSeparator == 46)
        }
        #expect(whole.columns.map(\.type) == [.text, .text, .date, .text, .integer, .decimal, .text])
        #expect(whole.column("fee")!.nullCount > 0)
    }

    @Test func manyValuedTextWithGapsIsKeptRawAndEncodedWithTheSameCodes() throws {
        // An id column with a new value on most rows (kept as bytes, encoded in file order when asked), gaps
        // in it, ids that repeat across ranges, non-ASCII ids and ids over 16 bytes; a code column
        // with few values (encoded per range and merged) beside it.
        var text = "id,code\n"
        var seed: UInt64 = 5
        func next(_ n: UInt64) -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return (seed >> 33) % n }
        for k in 0..<30_000 {
            let id = k % 50 == 0 ? "" : k % 7 == 0 ? "Ø\(next(5_000))" : k % 11 == 0 ? "long-identifier-\(next(9_000))" : "P\(next(60_000))"
            text += "\(id),0\(next(30))\n"
        }
        let bytes = Array(text.utf8)
        let whole = try exact(bytes)
        for ranges in [2, 3, 8] {
            let read = try #require(try ranged(bytes, rangeBytes: 1 << 12, ranges: ranges))
            #expect(same(read.table, whole), "\(ranges) ranges")
        }
    }

    @Test func idsAreKeptAsTheirBytesInTheirRowsOrWithTheirEnds() throws {
        // Ids of one length (as the generator's patient ids): each row's slot becomes its value;
        // blank lines move the values up with their rows.
        func file(_ id: (Int) -> String) -> [UInt8] {
            var text = "id,code\n"
            for k in 0..<30_000 {
                text += "\(id(k)),0\(k % 9)\n"
                if k % 997 == 0 { text += "\n" }
            }
            return Array(text.utf8)
        }
        let tenBytes = file { "X" + String(format: "%09d", $0 * 7_919 % 20_000) }
        // One longer id far below the sampled rows, and some nulls: the values go to new arrays with their ends.
        let longer = file { $0 == 25_000 ? "X12345678901" : $0 % 101 == 0 ? "" : "X" + String(format: "%09d", $0 * 7_919 % 20_000) }
        for (bytes, width) in [(tenBytes, 10), (longer, 0)] {
            let whole = try exact(bytes)
            for ranges in [2, 3] {
                let read = try #require(try ranged(bytes, rangeBytes: 1 << 12, ranges: ranges))
                guard case .text(let ids) = read.table.columns[0].data, case .text(let codes) = read.table.columns[1].data else {
                    Issue.record("not text"); continue
                }
                #expect(ids.raw?.width == width, "\(ranges) ranges")
                // The bytes the values start with are noted as they are copied (the CPR check asks for them).
                #expect(ids.raw?.leading.map { set in (0...255).filter { set.contains(UInt8($0)) } } == [88])
                #expect(codes.raw == nil, "few distinct values are encoded at once")
                #expect(same(read.table, whole), "\(ranges) ranges")
            }
        }
    }

    @Test func aGuessThatLaterRowsBreakIsReadAgainInTwoPasses() throws {
        // A file in ranges is parsed on the types of its first rows; here they say integer and a
        // value far below them says decimal, so the file is read again in two passes.
        let late = Array(("n,id\n" + (0..<100_000).map { "7,P\($0)\n" }.joined() + "7.25,P1\n").utf8)
        let read = try #require(try ranged(late, rangeBytes: 1 << 12, ranges: 2))
        let whole = try exact(late)
        #expect(read.table.columns.map(\.type) == [.decimal, .text] && same(read.table, whole))
        // A date column whose late value is no date becomes text.
        let dates = Array(("d\n" + String(repeating: "2023-05-01\n", count: 80_000) + "maj 2023\n").utf8)
        let datesRead = try #require(try ranged(dates, rangeBytes: 1 << 12, ranges: 3))
        let datesWhole = try exact(dates)
        #expect(datesRead.table.columns[0].type == .text && same(datesRead.table, datesWhole))
    }

    @Test func aTextColumnsLateValuesTakePartInTheLayout() throws {
        // Whole numbers in a column named as codes are text, encoded per range and classified by
        // their distinct values at the end of each range; one value far down that is no whole
        // number (below the rows sampled for the guess) makes the column decimal, as the
        // field-by-field reader says.
        func file(late: String) -> [UInt8] {
            Array(("code,n\n" + (0..<150_000).map { "\(100 + $0 % 50),\($0)\n" }.joined() + "\(late),7\n").utf8)
        }
        #expect(try exact(file(late: "149")).columns[0].type == .text)
        #expect(try exact(file(late: "1.5")).columns[0].type == .decimal)
        for bytes in [file(late: "149"), file(late: "1.5")] {
            let read = try #require(try ranged(bytes, rangeBytes: 1 << 12, ranges: 3))
            #expect(same(read.table, try exact(bytes)))
        }
    }

    @Test func valuesSeenLatelyAreKnownByAllTheirBytes() throws {
        // Amounts from a thousand values and dates from four hundred, far more than the 256 values
        // a range keeps, so kept values are pushed out and parsed again; 900 values that share
        // their first 8 bytes and their length; and deep below the sampled rows, a count
        // written with a leading zero, which makes the count column text.
        func file(late: String) -> [UInt8] {
            var text = "amount,day,count,long\n"
            for k in 0..<100_000 {
                let day = 1 + k * 7 % 28, month = 1 + k % 12
                text += "\(k * 37 % 1_000).\(k % 10)5,2023-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day),\(k % 3 == 0 ? "10" : "1"),"
                text += "12345678.\(100 + k * 7 % 900)\n"
            }
            return Array((text + "12.5,2023-01-01,\(late),1.5\n").utf8)
        }
        #expect(try exact(file(late: "007")).columns[2].type == .text)
        for bytes in [file(late: "7"), file(late: "007")] {
            let read = try #require(try ranged(bytes, rangeBytes: 1 << 12, ranges: 3))
            #expect(same(read.table, try exact(bytes)))
        }
    }

    @Test func rowsFoundAWordAtATimeEndAsTheyEndFieldByField() throws {
        // A file in ranges has no quotes, and its rows are scanned a word at a time: the last line
        // with or without its line break, a delimiter at the very end, short last lines (fewer than
        // 8 bytes), CRLF, empty fields at the ends of rows and values of 1 to 20 bytes.
        var body = "a,b,c\n"
        for k in 0..<30_000 { body += "\(k),\(String(repeating: "x", count: 1 + k % 20)),\(k % 3 == 0 ? "" : "\(k % 7)")\n" }
        for ending in ["", "1,2,3", "1,2,3\n", "1,2,3\r\n", "1,2,", "1,,"] {
            let bytes = Array((body + ending).utf8)
            let whole = try exact(bytes)
            for ranges in [2, 3] {
                let read = try #require(try ranged(bytes, rangeBytes: 1 << 12, ranges: ranges), "\(ending.debugDescription)")
                #expect(same(read.table, whole), "\(ending.debugDescription), \(ranges) ranges")
            }
        }
        // A short last row is ragged, as is a field over the limit: handed back to the field-by-field reader, which says so.
        for ragged in ["9", "1,2\n"] { #expect(try ranged(Array((body + ragged).utf8), rangeBytes: 1 << 12, ranges: 2) == nil) }
        var options = LoadOptions()
        options.maxFieldBytes = 19
        let bytes = Array(body.utf8)
        #expect(try ranged(bytes, rangeBytes: 1 << 12, ranges: 2, options) == nil)
    }

    @Test func blankLinesAndLoneCarriageReturnsInRanges() throws {
        // Blank lines make fewer rows than line feeds (the ranges' rows are moved up against each
        // other, nulls and ids with them); lines ended by CR alone make more (read again in two passes).
        var text = "n,id,day,note\n"
        for k in 0..<20_000 {
            text += k % 13 == 0 ? "\(k),,,\n" : "\(k),P\(k * 7 % 20_000),2023-01-0\(1 + k % 9),n\(k % 5)\n"
            if k % 997 == 0 { text += "\n\n" }
        }
        for file in [text, text.replacingOccurrences(of: "\n", with: "\r")] {
            let bytes = Array(file.utf8)
            let whole = try exact(bytes)
            #expect(whole.rowCount == 20_000)
            for ranges in [2, 3] {
                let read = try #require(try ranged(bytes, rangeBytes: 1 << 12, ranges: ranges))
                #expect(same(read.table, whole), "\(ranges) ranges")
            }
        }
    }

    @Test func valuesRepeatedRowAfterRowAreClassifiedAndParsedAsEveryOther() throws {
        // Runs of one date and one count, each broken by a value that differs only in its last byte,
        // by one that is longer, or by one of another type: a repeat is recognised by all its bytes.
        var text = "date,count,code,long\n"
        let breaks = [("2023-01-02", "11", "0130", "abcdefghijklmnop"), ("2023-01-02", "1.5", "0131", "abcdefghijklmnopq"),
                      ("2023-01-12", "12", "01300", "abcdefghijklmnoq")]
        for k in 0..<3_000 {
            let (date, count, code, long) = k % 97 == 96 ? breaks[k / 97 % 3] : ("2023-01-01", "1", "0130", "abcdefghijklmnop")
            text += "\(date),\(count),\(code),\(long)\n"
        }
        let bytes = Array(text.utf8)
        let whole = try exact(bytes)
        #expect(whole.columns.map(\.type) == [.date, .decimal, .text, .text])
        for ranges in [1, 2, 5] {
            let read = try #require(try ranged(bytes, rangeBytes: 1 << 12, ranges: ranges))
            #expect(same(read.table, whole), "\(ranges) ranges")
        }
        // A decimal that appears only after a long run of a repeated integer still makes the column decimal.
        let late = Array(("n\n" + String(repeating: "7\n", count: 5_000) + "7.25\n").utf8)
        let lateRead = try #require(try ranged(late, rangeBytes: 1 << 12, ranges: 2))
        let lateWhole = try exact(late)
        #expect(lateRead.table.columns[0].type == .decimal && same(lateRead.table, lateWhole))
    }

    @Test func crlfSemicolonsAndDecimalCommasToo() throws {
        let text = "kode;beløb;dato\r\n" + (0..<20_000).map { "0\(100 + $0 % 7);\(1 + $0 % 13).\(100 + $0 % 900),\($0 % 10);\(10 + $0 % 18)-01-2023" }.joined(separator: "\r\n") + "\r\n"
        let bytes = Array(text.utf8)
        let read = try #require(try ranged(bytes, rangeBytes: 1 << 14))
        #expect(same(read.table, try exact(bytes)))
        #expect(read.crlf && read.layout.decimalSeparator == 44)
        #expect(read.table.columns.map(\.type) == [.text, .decimal, .date])
    }

    @Test func aFirstRowOfDataIsReadAsData() throws {
        let bytes = Array((0..<30_000).map { "\($0),\($0 * 2).5,x\($0 % 100)" }.joined(separator: "\n").utf8)
        let read = try #require(try ranged(bytes, rangeBytes: 1 << 14))
        #expect(!read.layout.header && read.table.rowCount == 30_000)
        #expect(same(read.table, try exact(bytes)))
    }

    @Test func quotedValuesAreReadInOneRangeWithTheirQuotesUndone() throws {
        var text = "id,remark\n"
        for i in 0..<5_000 { text += i % 3 == 0 ? "\(i),\"said \"\"hej\"\", then left\"\n" : "\(i),\"two\nlines\"\n" }
        let bytes = Array(text.utf8)
        let read = try #require(try ranged(bytes, rangeBytes: 1 << 10))
        #expect(same(read.table, try exact(bytes)))
        #expect(read.table.column("remark")!.value(at: 0) == .text("said \"hej\", then left"))
        #expect(read.table.column("remark")!.value(at: 1) == .text("two\nlines"))
    }

    @Test func excelsEmptyTrailingFieldsAndBlankLinesAreFine() throws {
        let text = "a;b;c\n" + (0..<8_000).map { $0 % 5 == 0 ? "\($0);x;1,5;;;\n\n" : "\($0);y;2\n" }.joined()
        let bytes = Array(text.utf8)
        let read = try #require(try ranged(bytes, rangeBytes: 1 << 12))
        #expect(same(read.table, try exact(bytes)))
        #expect(read.table.rowCount == 8_000)
    }

    @Test func somethingWrongDeepInTheFileIsHandedBackAndWordedAsBefore() throws {
        var rows = (0..<30_000).map { "\($0),\($0 % 50),2023-01-0\(1 + $0 % 9)" }
        rows[25_000] = "25000,7,2023-02-30"   // no such day, in a typed column: an error on line 25,002
        let typed = Array(("n,k,d\n" + rows.joined(separator: "\n") + "\n").utf8)
        var options = LoadOptions()
        options.types = ["d": .date]
        #expect(try ranged(typed, rangeBytes: 1 << 12, options) == nil)
        #expect(throws: LoadError.self) { try load(typed, options) }
        do { _ = try load(typed, options) } catch let e as LoadError { #expect(e.line == 25_002) }

        rows[25_000] = "25000,7"             // a ragged row
        let ragged = Array(("n,k,d\n" + rows.joined(separator: "\n") + "\n").utf8)
        #expect(try ranged(ragged, rangeBytes: 1 << 12) == nil)
        do { _ = try load(ragged); Issue.record("a ragged row loaded") } catch let e as LoadError { #expect(e.line == 25_002) }
    }

    @Test func ctrlCStopsAReadInRanges() throws {
        let bytes = billing(rows: 200_000)
        #expect(throws: Cancelled.self) {
            try Interrupt.$scoped.withValue({ true }) { _ = try ranged(bytes, rangeBytes: 1 << 16) }
        }
    }

    @Test func aFileIsReadFromItsMappingWithItsPagesGivenBack() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("klynge-ranges-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        let bytes = billing(rows: 60_000)
        try Data(bytes).write(to: url)
        let (table, report) = try CSVReader.read(path: url.path)
        #expect(same(table, try exact(bytes)))
        #expect(report.rows == 60_000 && report.header && !report.crlf)
    }

    @Test func progressGoesForwardAndCountsTheRows() throws {
        let heard = Mutex<[(Double, Int?)]>([])
        var options = LoadOptions()
        options.progress = { fraction, rows in heard.withLock { $0.append((fraction, rows)) } }
        // The first range reports every 65,536 rows: 600,000 rows in two ranges give four reports before the last.
        let read = try #require(try ranged(billing(rows: 600_000), rangeBytes: 1 << 16, ranges: 2, options))
        let reports = heard.withLock { $0 }
        #expect(reports.count > 3)
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.0 <= $1.0 })
        #expect(reports.allSatisfy { $0.0 >= 0 && $0.0 <= 1 })
        // Rows found so far, never more than the file has, and all of them at the end.
        #expect(reports.allSatisfy { ($0.1 ?? 0) <= read.table.rowCount })
        #expect(reports.contains { $0.0 > 0 && $0.0 < 1 && ($0.1 ?? 0) > 0 })
        #expect(reports.last.map { $0.0 == 1 && $0.1 == read.table.rowCount } == true)
        // The line does not stand at 100 % while the ids are still being copied out: only the last reports say done.
        #expect(reports.filter { $0.0 == 1 }.count <= 2 && reports.dropLast(2).allSatisfy { $0.0 < 1 })
    }

    @Test func progressRowsDoNotGoBackInTheSecondPass() throws {
        // A file with quotes is one range, read in two passes: once the first has counted the rows,
        // the second does not count them again from nothing.
        let heard = Mutex<[(Double, Int?)]>([])
        var options = LoadOptions()
        options.progress = { fraction, rows in heard.withLock { $0.append((fraction, rows)) } }
        var text = "id,name,n\n"
        for k in 0..<300_000 { text += "\(k),\"Name \(k % 97)\",\(k % 7)\n" }
        let read = try #require(try ranged(Array(text.utf8), rangeBytes: 1 << 16, ranges: 2, options))
        let rows = heard.withLock { $0 }.compactMap(\.1)
        #expect(rows.count > 3 && rows.contains { $0 > 0 && $0 < read.table.rowCount })
        #expect(zip(rows, rows.dropFirst()).allSatisfy { $0 <= $1 } && rows.last == read.table.rowCount)
    }

    @Test func aNamedPipeIsReadWhole() throws {
        // What `load x "/dev/fd/63"` from a shell's `<(…)` gives: a pipe, which cannot be mapped.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("klynge-pipe-\(UUID().uuidString)").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        let text = "a,b\n" + (0..<1_000).map { "\($0),x\($0 % 7)" }.joined(separator: "\n") + "\n"
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            handle.write(Data(text.utf8))
            try? handle.close()
        }
        writer.start()
        let (table, report) = try CSVReader.read(path: path)
        #expect(table.rowCount == 1_000 && report.header)
        #expect(table.column("a")!.value(at: 999) == .integer(999))
    }
}
