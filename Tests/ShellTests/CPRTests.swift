import Foundation
import Testing
import Output
import Query
@testable import Shell
import Tabular
import TestSupport

/// CPR numbers are pseudonymised as a file loads: they never reach a table, a screen or a file.
@Suite struct CPRTests {
    /// Real-looking but made-up CPR numbers: 1 Jan 1990 (a woman: even last digit), 15 Dec 1985 (a man).
    static let raw = ["010190-1234", "151285-4321", "0101901234", "1512854321", "101901234"]

    func write(_ session: Session, _ name: String, _ text: String) throws {
        try text.write(toFile: session.resolve(path: name), atomically: true, encoding: .utf8)
    }

    /// Whether any raw CPR (with or without hyphen) is in text.
    static func leaks(_ text: String) -> [String] { raw.filter { text.contains($0) } }

    func allText(_ t: Table) -> String { (0..<t.rowCount).map { r in t.columns.map { $0.value(at: r).description }.joined(separator: ",") }.joined(separator: "\n") }

    @Test func cprColumnsArePseudonymisedByNameAndByShape() throws {
        let session = demoSession()
        try write(session, "a.csv", "cpr,person,visits\n010190-1234,0101901234,3\n151285-4321,1512854321,5\n")
        let out = session.execute("load a \"a.csv\"")
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let t = try #require(session.datasets["a"])
        #expect(Self.leaks(allText(t)).isEmpty)
        let cpr = t.values("cpr").map(\.description), person = t.values("person").map(\.description)
        #expect(cpr.allSatisfy { $0.count == 17 && $0.hasPrefix("p") })
        #expect(cpr == person, "the same person, with and without hyphen, gets the same pseudonym")
        #expect(cpr[0] != cpr[1])
        #expect(out.infos.contains { $0.contains("CPR numbers in 'cpr', 'person' replaced by pseudonyms (HMAC-SHA256 with the key in") })
    }

    @Test func idsKeptAsBytesAreCheckedForCPRNumbersToo() throws {
        // A large file's many-valued text is kept as bytes (RawText); its CPR numbers are found as in any column.
        func raw(_ values: [String]) -> Column {
            Column(name: "id", data: .text(TextStorage(raw: RawText(bytes: Array(values.joined().utf8), width: 10, ends: [], count: values.count))))
        }
        let ids = ["H5WZSABT26", "EYJGBQASBB"], cpr = ["0101901234", "1512854321"]
        #expect(try CPRGuard.cprColumns(Table(columns: [raw(ids)])).isEmpty)
        #expect(try CPRGuard.cprColumns(Table(columns: [raw(cpr)])) == [0])
        #expect(throws: CPRGuard.MixedColumn.self) { try CPRGuard.cprColumns(Table(columns: [raw(ids + cpr)])) }
    }

    @Test func theSamePersonInTwoFilesJoins() throws {
        let session = demoSession()
        try write(session, "visits.csv", "cpr;visits\n010190-1234;3\n151285-4321;5\n")
        try write(session, "lab.csv", "patient_cpr_number,hba1c\n0101901234,48\n")
        _ = session.execute("load v \"visits.csv\"\nload l \"lab.csv\"")
        let t = try #require(session.execute("l | join v on patient_cpr_number = cpr").tables.first)
        #expect(t.rowCount == 1 && t.values("visits") == [.integer(3)])
    }

    @Test func ageAndSexAreDerivedBeforeTheNumberGoes() throws {
        let session = demoSession()
        try write(session, "a.csv", "cpr,visits\n010190-1234,3\n151285-4321,5\n")
        let out = session.execute("load a \"a.csv\" derive age at 2023-12-31, sex")
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let t = try #require(session.datasets["a"])
        #expect(t.values("age") == [.integer(33), .integer(38)])
        #expect(t.values("sex") == [.text("K"), .text("M")])
        #expect(session.execute("load b \"a.csv\" derive age at @2024-01-01").errors.isEmpty)
        #expect(session.datasets["b"]!.values("age") == [.integer(34), .integer(38)])
        #expect(session.execute("load c \"a.csv\" derive age").errors.first?.message == "'age' needs the date it is counted at: derive age at 2023-12-31")
    }

    @Test func aMixedColumnIsRefusedWithoutShowingTheNumber() throws {
        let session = demoSession()
        try write(session, "m.csv", "id,visits\n12345,3\n010190-1234,5\n777,1\n")
        let d = try #require(session.execute("load m \"m.csv\"").errors.first)
        #expect(d.message == "m.csv: the column 'id' has CPR numbers in 1 of its 3 values (the first at line 3) and other values in the rest")
        #expect(Self.leaks(d.render(source: "load m \"m.csv\"")).isEmpty)
        #expect(session.datasets["m"] == nil)
    }

    @Test func aNumberWhoseLeadingZeroWasLostStillCounts() throws {
        let session = demoSession()
        try write(session, "n.csv", "patient,visits\n101901234,3\n1512854321,5\n")
        _ = session.execute("load n \"n.csv\"")
        let t = try #require(session.datasets["n"])
        #expect(t.column("patient")?.type == .text)
        #expect(Self.leaks(allText(t)).isEmpty && !allText(t).contains("101901234"))
    }

    @Test func inAnExcelWorkbookToo() throws {
        let session = demoSession()
        let sheet = Table.from(names: ["CPR-nummer", "besøg"], types: [.text, .integer],
                               rows: [[.text("010190-1234"), .integer(3)], [.text("151285-4321"), .integer(5)]])
        try XLSXWriter.data(sheet, sheet: "Data").write(to: URL(fileURLWithPath: session.resolve(path: "x.xlsx")))
        #expect(session.execute("load x \"x.xlsx\"").errors.isEmpty)
        #expect(Self.leaks(allText(session.datasets["x"]!)).isEmpty)
    }

    @Test func theKeyIsTheUsersOnlyAndTheSameAcrossSessions() throws {
        let first = demoSession()
        try write(first, "a.csv", "cpr,visits\n010190-1234,3\n")
        _ = first.execute("load a \"a.csv\"")
        var info = stat()
        #expect(stat(first.pseudonymKeyPath, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(stat((first.pseudonymKeyPath as NSString).deletingLastPathComponent, &info) == 0 && info.st_mode & 0o077 == 0)
        let second = demoSession()
        second.pseudonymKeyPath = first.pseudonymKeyPath
        try write(second, "a.csv", "cpr,visits\n0101901234,9\n")
        _ = second.execute("load a \"a.csv\"")
        #expect(second.datasets["a"]!.values("cpr") == first.datasets["a"]!.values("cpr"))
        // A key others can read is refused.
        chmod(first.pseudonymKeyPath, 0o644)
        let d = try #require(first.execute("load b \"a.csv\"").errors.first)
        #expect(d.message.contains("can be read by others (mode 644); run: chmod 600"))
    }

    @Test func cprKeepIsExplicitAndEveryExportSaysSo() throws {
        let session = demoSession()
        try write(session, "a.csv", "cpr,visits\n010190-1234,30\n")
        #expect(session.execute("set cpr maybe").errors.first?.message == "'cpr' is pseudonymise (the default) or keep")
        _ = session.execute("set cpr keep")
        let loaded = session.execute("load a \"a.csv\"")
        #expect(loaded.contains { if case .warning(let w) = $0 { return w.contains("kept as they are (set cpr keep)") } else { return false } })
        let export = session.execute("export practices | take 1 to \"p.csv\"")
        #expect(export.infos.last?.contains("CPR numbers were loaded raw in this session (set cpr keep)") == true)
        _ = session.execute("export practices | take 1 to \"p.md\"")
        #expect(try String(contentsOfFile: session.resolve(path: "p.md"), encoding: .utf8).contains("CPR numbers were loaded raw in this session"))
    }

    @Test func aFileErrorOnALineWithACPRHidesIt() throws {
        let session = demoSession()
        try write(session, "bad.csv", "cpr,visits\n010190-1234,3\n151285-4321,5,extra\n")
        let d = try #require(session.execute("load bad \"bad.csv\"").errors.first)
        let shown = d.render(source: nil)
        #expect(Self.leaks(shown).isEmpty, "\(shown)")
        #expect(shown.contains("######-####,5,extra"))
    }

    @Test func maskingKeepsOtherNumbers() {
        #expect(CPR.masked("where cpr == \"010190-1234\" or n > 1234567890123") == "where cpr == \"######-####\" or n > 1234567890123")
        #expect(CPR.masked("0101901234,3211991234") == "##########,3211991234")   // day 32 is no date
        #expect(CPR.digits("290223-1234") == nil && CPR.digits("290220-1234") != nil)   // 29 Feb 1923 did not exist; 1920 was a leap year
    }
}

/// Every file that leaves the shell is recorded in the export log, readable by its owner only.
@Suite struct ExportLogTests {
    @Test func exportsChartsAndPacksAreLogged() throws {
        let session = demoSession()
        _ = session.execute("""
            export practices | take 3 | select practice_id, listed_patients to "p.csv"
            practices | take 3 | chart bar practice_name listed_patients to "c.svg"
            practices | where cpr_like == "010190-1234" | take 1
            """)
        let text = try String(contentsOfFile: session.exportLogPath, encoding: .utf8)
        let lines = text.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 2)
        #expect(lines[0]["file"] as? String == session.resolve(path: "p.csv"))
        #expect(lines[0]["format"] as? String == "export csv" && lines[0]["rows"] as? Int == 3)
        #expect((lines[0]["statement"] as? String)?.hasPrefix("export practices | take 3") == true)
        #expect((lines[0]["disclosure"] as? String)?.hasPrefix("disclosure control:") == true)
        #expect(lines[1]["format"] as? String == "chart bar")
        #expect((lines[1]["time"] as? String)?.hasSuffix("Z") == true)
        var info = stat()
        #expect(stat(session.exportLogPath, &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test func aCPRTypedInAnExportIsNotLogged() throws {
        let session = demoSession()
        _ = session.execute("export practices | where practice_id != \"010190-1234\" | take 1 to \"p.csv\"")
        let text = try String(contentsOfFile: session.exportLogPath, encoding: .utf8)
        #expect(text.contains("######-####") && !text.contains("010190-1234"))
    }
}
