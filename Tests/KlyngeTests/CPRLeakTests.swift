import Foundation
import Testing
import TestSupport

/// A whole session with files full of CPR numbers, through the real binary: afterwards no raw CPR
/// number is in anything it wrote — stdout, stderr, exports, charts, packs, `.save`, history, the
/// key folder.
@Suite(.serialized, .enabled(if: TestEnvironment.binary != nil, "needs the klynge binary"))
struct CPRLeakTests {
    /// Made-up CPR numbers in every spelling the files use.
    static let raw = ["010190-1234", "0101901234", "151285-4321", "1512854321", "241299-2468", "2412992468"]

    static func files(in folder: URL) throws {
        try "cpr;praksis;besøg\n010190-1234;A;30\n151285-4321;A;2\n241299-2468;B;12\n".write(to: folder.appendingPathComponent("besog.csv"), atomically: true, encoding: .utf8)
        try "personnummer,hba1c\n0101901234,48\n2412992468,61\n".write(to: folder.appendingPathComponent("lab.csv"), atomically: true, encoding: .utf8)
        try "cpr,n\n010190-1234,1\n151285-4321,2,3\n".write(to: folder.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
    }

    /// Every raw CPR found in the files below a folder (workbooks are unzipped first).
    static func leaks(below folder: URL) throws -> [String] {
        var found: [String] = []
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)!
        for case let url as URL in walker where !["besog.csv", "lab.csv", "bad.csv"].contains(url.lastPathComponent) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            var text = String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
            if url.pathExtension == "xlsx", let python = TestEnvironment.python3 {
                let r = try TestEnvironment.run(python, ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(''.join(z.read(n).decode('utf-8', 'replace') for n in z.namelist()))", url.path])
                text += r.stdout
            }
            for cpr in raw where text.contains(cpr) { found.append("\(url.lastPathComponent): \(cpr)") }
        }
        return found
    }

    @Test func aScriptedSessionLeavesNoRawCPRAnywhere() throws {
        let folder = TestEnvironment.temporaryFolder("cpr-run")
        let home = folder.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try Self.files(in: folder)
        let script = """
            load b "besog.csv" derive age at 2023-12-31, sex
            load l "lab.csv"
            load bad "bad.csv"
            b
            .schema b
            b | join l on cpr = personnummer
            let visits = b | summarize besøg = sum(besøg), patients = count_distinct(cpr) by praksis
            export b to "rows.csv" allow identifiers
            export b to "rows.xlsx" allow identifiers
            export b to "rows.json" allow identifiers
            export visits to "visits.md"
            b | chart bar cpr besøg to "bars.svg"
            b | chart bar cpr besøg to "bars.csv"
            b | pack cpr besøg by cpr within praksis to "packs"
            .save saved.klynge
            """
        let r = try TestEnvironment.run(TestEnvironment.binary!, [], input: script, directory: folder,
                                        environment: ["HOME": home.path, "XDG_CONFIG_HOME": "", "XDG_STATE_HOME": ""])
        #expect(r.stderr.contains("replaced by pseudonyms"), "\(r.stderr)")
        #expect(r.stderr.contains("bad.csv"), "the bad file is reported")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("rows.xlsx").path))
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent(".config/klynge/pseudonym.key").path))
        let output = r.stdout + r.stderr
        #expect(Self.raw.filter { output.contains($0) }.isEmpty, "raw CPR on screen: \(Self.raw.filter { output.contains($0) })")
        let leaked = try Self.leaks(below: folder)
        #expect(leaked.isEmpty, "\(leaked)")
    }

    @Test(.enabled(if: TerminalSession.tmux != nil, "needs tmux"))
    func theREPLsHistoryHasNoRawCPR() throws {
        let t = try TerminalSession(arguments: [])
        try Self.files(in: t.folder)
        try t.wait(for: "klynge> ")
        try t.type("load b \"besog.csv\"")
        try t.send("Enter")
        try t.wait(for: "replaced by pseudonyms")
        try t.type("b | where cpr != \"010190-1234\"")
        try t.send("Enter")
        try t.wait(for: "rows · 3 columns")
        try t.send("C-d")
        #expect(t.exitStatus() == "EXIT=0")
        let history = try String(contentsOf: t.folder.appendingPathComponent(".klynge_history"), encoding: .utf8)
        #expect(history.contains("cpr\\040!=\\040\"######-####\""), "\(history)")   // libedit writes a space as \040
        let leaked = try Self.leaks(below: t.folder)
        #expect(leaked.isEmpty, "\(leaked)")
    }
}
