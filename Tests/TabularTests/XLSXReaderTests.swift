import Foundation
import Testing
import Tabular
import TestSupport

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

/// A workbook whose sheet unpacks to far more than it packs (a ZIP bomb) is refused, not unpacked.
@Suite(.enabled(if: TestEnvironment.python3 != nil, "needs python3 to make the ZIP bomb"))
struct XLSXBombTests {
    @Test func aZipBombIsRefused() throws {
        let folder = TestEnvironment.temporaryFolder("bomb")
        let path = folder.appendingPathComponent("bomb.xlsx").path
        // 30 MB of one repeated row inside a valid workbook: it packs to about 30 kB.
        let script = """
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)
            z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
            z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
            z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
            with z.open("xl/worksheets/sheet1.xml", "w") as f:
                f.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1000
                for _ in range(600):
                    f.write(row)
                f.write(b'</sheetData></worksheet>')
            z.close()
            """
        let r = try TestEnvironment.run(TestEnvironment.python3!, ["-c", script, path])
        try #require(r.status == 0, "\(r.stderr)")
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(size < 1_000_000)
        #expect(throws: LoadError.self) { try XLSXReader.read(path: path) }
        do { _ = try XLSXReader.read(path: path) } catch let e as LoadError {
            #expect(e.message.contains("refused as a ZIP bomb"), "\(e.message)")
        }
    }
}

/// Inputs that crashed the workbook reader under the fuzzer (Fuzz/FuzzXLSX) stay here as tests.
@Suite struct XLSXRegressionTests {
    @Test func aDamagedSharedStringTableIsAnErrorNotACrash() throws {
        // libFuzzer found it: FoundationXML's XMLParser crashed the process on this shared-string part.
        let path = XLSXReaderTests.fixture("damaged-shared-strings.xlsx")
        #expect(throws: LoadError.self) { try XLSXReader.read(path: path) }
        do { _ = try XLSXReader.read(path: path) } catch let e as LoadError {
            #expect(e.message.hasPrefix("the workbook is damaged: its part xl/sharedStrings.xml is not well-formed XML"), "\(e.message)")
        }
    }

    @Test func aPartPastTheEndOfTheFileIsAnErrorNotAHang() throws {
        // libFuzzer found it (a timeout): ZIPFoundation waited forever for bytes past the end of the file.
        do {
            _ = try XLSXReader.read(path: XLSXReaderTests.fixture("part-past-end.xlsx"))
            Issue.record("a damaged workbook loaded")
        } catch let e as LoadError {
            #expect(e.message.hasPrefix("the workbook is damaged: its part "), "\(e.message)")
        }
    }

    @Test func absurdPartSizesAreAnErrorNotAnOverflow() throws {
        // libFuzzer found it: sizes near 2⁶⁴ overflowed the reader's own memory estimate.
        #expect(throws: LoadError.self) { try XLSXReader.read(path: XLSXReaderTests.fixture("absurd-sizes.xlsx")) }
    }
}

/// A workbook part that claims to be longer than the file: the fuzzer hung in ZIPFoundation on a
/// mutation that wrote 0xFFFFFFFF into a size field (its input was not saved: libFuzzer stalled
/// after the alarm); this is that damage in the central directory, refused before extracting.
@Suite(.enabled(if: TestEnvironment.python3 != nil, "needs python3 to damage a workbook"))
struct XLSXHangRegressionTests {
    @Test func aPartLongerThanTheFileIsAnError() throws {
        let folder = TestEnvironment.temporaryFolder("hang")
        let path = folder.appendingPathComponent("long.xlsx").path
        // The fuzzer's hang: a size field set to 0xFFFFFFFF in the central directory.
        let script = """
            import shutil, struct, sys
            shutil.copy(sys.argv[1], sys.argv[2])
            data = bytearray(open(sys.argv[2], "rb").read())
            at = data.find(b"PK\\x01\\x02")
            while at >= 0:
                name_length = struct.unpack("<H", data[at + 28:at + 30])[0]
                if data[at + 46:at + 46 + name_length] == b"xl/workbook.xml":
                    data[at + 20:at + 24] = b"\\xff\\xff\\xff\\xff"
                at = data.find(b"PK\\x01\\x02", at + 4)
            open(sys.argv[2], "wb").write(data)
            """
        let r = try TestEnvironment.run(TestEnvironment.python3!, ["-c", script, XLSXReaderTests.fixture("survey-openpyxl.xlsx"), path])
        try #require(r.status == 0, "\(r.stderr)")
        do {
            _ = try XLSXReader.read(path: path)
            Issue.record("a damaged workbook loaded")
        } catch let e as LoadError {
            #expect(e.message.hasPrefix("the workbook is damaged: its part xl/workbook.xml"), "\(e.message)")
        }
    }
}
