import Foundation
import Testing
import Tabular

/// The fixtures are made by Fixtures/make_survey_xlsx.py (XlsxWriter: shared strings, as Excel
/// writes them; openpyxl: inline strings).
@Suite struct XLSXReaderTests {
    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!.path
    }

    @Test(arguments: ["survey-export.xlsx", "survey-openpyxl.xlsx"])
    func readsANamedSheetWithTypes(file: String) throws {
        let result = try XLSXReader.read(path: Self.fixture(file), sheet: "Svar")
        let t = result.table
        #expect(result.sheets == ["Info", "Svar", "Koder"])
        #expect(t.columnNames == ["respondent", "ydernummer", "rolle", "besvaret", "q1", "q2", "kommentar"])
        #expect(t.columns.map(\.type) == [.integer, .text, .text, .date, .text, .integer, .text])
        #expect(t.column("ydernummer")!.value(at: 0) == .text("012345"))
        #expect(t.column("rolle")!.value(at: 2) == .text("sekretær"))
        #expect(t.column("besvaret")!.value(at: 0) == .date(CivilDate(year: 2024, month: 2, day: 1)!.daysSinceEpoch))
        #expect(t.column("q1")!.value(at: 3) == .null)
        #expect(t.column("kommentar")!.value(at: 4) == .text("Svært at få fat i sygehuset om aftenen"))
    }

    @Test func theFirstSheetByDefault() throws {
        let result = try XLSXReader.read(path: Self.fixture("survey-export.xlsx"))
        #expect(result.sheet == "Info")
        #expect(result.table.column("column_2")?.value(at: 0) == .date(CivilDate(year: 2024, month: 3, day: 5)!.daysSinceEpoch))
    }

    @Test func aMissingSheetSuggestsTheNearest() {
        do {
            _ = try XLSXReader.read(path: Self.fixture("survey-export.xlsx"), sheet: "Svr")
            Issue.record("expected an error")
        } catch let e as LoadError {
            #expect(e.message == "the workbook has no sheet \"Svr\"")
            #expect(e.suggestion?.hasPrefix("did you mean \"Svar\"?") == true)
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func aFileThatIsNotAWorkbook() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-\(UUID().uuidString).xlsx").path
        try "a;b\n1;2\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: LoadError.self) { _ = try XLSXReader.read(path: path) }
    }

    @Test func columnReferences() {
        #expect(SheetGridReference.column("A1") == 0)
        #expect(SheetGridReference.column("Z9") == 25)
        #expect(SheetGridReference.column("AB12") == 27)
    }
}
