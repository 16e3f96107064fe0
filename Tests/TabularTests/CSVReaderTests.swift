import Foundation
import Testing
import Tabular

/// Reads CSV from bytes, as the shell would from a file.
func load(_ bytes: [UInt8], _ options: LoadOptions = LoadOptions()) throws -> (Table, LoadReport) {
    try bytes.withUnsafeBufferPointer { try CSVReader.read(bytes: $0, path: "test.csv", options: options) }
}

func load(_ text: String, _ options: LoadOptions = LoadOptions()) throws -> (Table, LoadReport) {
    try load(Array(text.utf8), options)
}

/// Windows-1252 bytes of a string (only Latin-1 letters are used here).
func cp1252(_ text: String) -> [UInt8] { text.unicodeScalars.map { UInt8($0.value) } }

@Suite struct CSVReaderTests {
    @Test func sniffsCommaFileWithTypes() throws {
        let (t, report) = try load("practice_id,listed_patients,fee,service_date,flag\n011031,3638,556.40,2023-01-31,true\n028701,1478,12.5,2023-02-01,false\n")
        #expect(report.delimiter == UInt8(ascii: ","))
        #expect(report.header)
        #expect(t.columns.map(\.type) == [.text, .integer, .decimal, .date, .boolean])
        #expect(t.column("practice_id")!.value(at: 0) == .text("011031"))
        #expect(t.column("fee")!.value(at: 0) == .decimal(556.4))
        #expect(t.column("service_date")!.value(at: 1) == .date(CivilDate(year: 2023, month: 2, day: 1)!.daysSinceEpoch))
    }

    @Test func danishSemicolonDecimalCommaAndDates() throws {
        let text = "kode;beløb;dato\r\n0101;1.234,50;31-01-2023\r\n0120;556,40;01.02.2023\r\n"
        let (t, report) = try load(text)
        #expect(report.delimiter == UInt8(ascii: ";"))
        #expect(report.decimalSeparator == UInt8(ascii: ","))
        #expect(report.crlf)
        #expect(t.column("beløb")!.value(at: 0) == .decimal(1234.5))
        #expect(t.column("beløb")!.value(at: 1) == .decimal(556.4))
        // Two date layouts in one column are not one date column: it stays text, nothing is lost.
        #expect(t.column("dato")!.type == .text)
        #expect(t.column("kode")!.value(at: 0) == .text("0101"))
    }

    @Test func windows1252IsDetectedAndDecoded() throws {
        let (t, report) = try load(cp1252("navn;by\nLæge Søren Ærø;Næstved\nÅse;Køge\n"))
        #expect(report.encoding == .windows1252)
        #expect(t.column("navn")!.value(at: 0) == .text("Læge Søren Ærø"))
        #expect(t.column("by")!.value(at: 1) == .text("Køge"))
    }

    @Test func utf8BomIsDroppedFromTheFirstColumnName() throws {
        let (t, report) = try load([0xEF, 0xBB, 0xBF] + Array("ydernummer;antal\n012345;3\n".utf8))
        #expect(report.encoding == .utf8BOM)
        #expect(t.columnNames == ["ydernummer", "antal"])
        #expect(t.column("ydernummer")!.type == .text)
    }

    @Test func quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws {
        let (t, _) = try load("id,name,comment\n1,\"Lægerne Torvet, Roskilde\",\"first line\nsecond \"\"quoted\"\" line\"\n2,plain,\n")
        #expect(t.rowCount == 2)
        #expect(t.column("name")!.value(at: 0) == .text("Lægerne Torvet, Roskilde"))
        #expect(t.column("comment")!.value(at: 0) == .text("first line\nsecond \"quoted\" line"))
        #expect(t.column("comment")!.value(at: 1) == .null)
    }

    @Test func raggedRowNamesTheLineAndShowsIt() throws {
        do {
            _ = try load("a;b;c\n1;2;3\n4;5\n")
            Issue.record("expected an error")
        } catch let e as LoadError {
            #expect(e.line == 3)
            #expect(e.lineText == "4;5")
            #expect(e.message.contains("2 fields"))
            #expect(e.suggestion != nil)
        }
    }

    @Test func extraNonEmptyFieldPointsAtIt() throws {
        do {
            _ = try load("a,b\n1,2\n3,4,5\n")
            Issue.record("expected an error")
        } catch let e as LoadError {
            #expect(e.line == 3)
            #expect(e.span == 4..<5)
        }
    }

    @Test func trailingEmptyFieldsFromExcelAreAccepted() throws {
        let (t, _) = try load("a;b\n1;2;;\n3;4\n")
        #expect(t.rowCount == 2)
        #expect(t.columns.count == 2)
    }

    @Test func unbalancedQuoteIsAnErrorAtItsLine() throws {
        do {
            _ = try load("a,b\n1,2\n3,\"open\n4,5\n")
            Issue.record("expected an error")
        } catch let e as LoadError {
            #expect(e.line == 3)
            #expect(e.message.contains("never closed"))
        }
    }

    @Test func badValueInAGivenTypeNamesLineAndColumn() throws {
        var options = LoadOptions()
        options.types = ["antal": .integer]
        do {
            _ = try load("kode,antal\n0101,1\n0101,x2\n", options)
            Issue.record("expected an error")
        } catch let e as LoadError {
            #expect(e.line == 3)
            #expect(e.column?.name == "antal")
            #expect(e.column?.number == 2)
            #expect(e.span == 5..<7)
        }
    }

    @Test func strayValueMakesASniffedColumnText() throws {
        let (t, _) = try load("n\n1\n2\nthree\n")
        #expect(t.column("n")!.type == .text)
        #expect(t.column("n")!.value(at: 2) == .text("three"))
    }

    @Test func identifierNamedDigitColumnsStayText() throws {
        let (t, _) = try load("practice_id,service_code,count\n377771,4418,1\n")
        #expect(t.columns.map(\.type) == [.text, .text, .integer])
    }

    @Test func headerlessFileIsRecognised() throws {
        let (t, report) = try load("011031,3638\n028701,1478\n")
        #expect(!report.header)
        #expect(t.rowCount == 2)
        #expect(t.columnNames == ["column_1", "column_2"])
    }

    @Test func optionsOverrideTheSniffer() throws {
        var options = LoadOptions()
        options.delimiter = UInt8(ascii: "|")
        options.types = ["a": .text]
        let (t, _) = try load("a|b\n1|2,5\n", options)
        #expect(t.column("a")!.value(at: 0) == .text("1"))
        #expect(t.column("b")!.value(at: 0) == .decimal(2.5))
    }

    @Test func tabDelimitedAndNullsAndNegativeNumbers() throws {
        let (t, report) = try load("x\ty\n-3\t\n4\t1e3\n")
        #expect(report.delimiter == 9)
        #expect(t.column("x")!.value(at: 0) == .integer(-3))
        #expect(t.column("y")!.value(at: 0) == .null)
        #expect(t.column("y")!.value(at: 1) == .decimal(1000))
    }

    @Test func unknownTypedColumnIsAnError() throws {
        var options = LoadOptions()
        options.types = ["antl": .integer]
        #expect(throws: LoadError.self) { _ = try load("kode,antal\n0101,1\n", options) }
    }
}
