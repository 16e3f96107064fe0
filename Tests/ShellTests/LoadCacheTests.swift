import Foundation
import Shell
import Tabular
import Testing
import TestSupport

/// A second load of an unchanged file comes from the load cache; any change parses it again.
@Suite struct LoadCacheTests {
    func load(_ session: Session, _ file: String = "data.csv") -> String {
        session.execute("load d \"\(file)\"").compactMap { if case .info(let s) = $0, s.hasPrefix("loaded") { return s } else { return nil } }.first ?? ""
    }

    @Test func anUnchangedFileComesFromTheCacheWithTheSameTable() throws {
        let session = demoSession()
        let file = session.resolve(path: "data.csv")
        try "id,name,amount,day\n1,Køge,1.5,2023-01-31\n2,Næstved,,2023-02-01\n3,Køge,2.25,\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(!load(session).contains("load cache"))
        let parsed = session.datasets["d"]!
        #expect(load(session).contains("from the load cache"))
        let cached = session.datasets["d"]!
        #expect(cached.columnNames == parsed.columnNames && cached.schema.map(\.type) == parsed.schema.map(\.type))
        for r in 0..<parsed.rowCount { #expect(cached.row(r) == parsed.row(r)) }
        let entries = try FileManager.default.contentsOfDirectory(atPath: session.loadCachePath)
        #expect(entries.count == 2)
        for entry in entries {
            let mode = (try FileManager.default.attributesOfItem(atPath: (session.loadCachePath as NSString).appendingPathComponent(entry))[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600, "\(entry) is readable by its owner only")
        }
    }

    @Test func aChangedFileOptionsOrADamagedEntryAreParsedAgain() throws {
        let session = demoSession()
        let file = session.resolve(path: "data.csv")
        try "id,amount\n1,1.5\n2,2.5\n".write(toFile: file, atomically: true, encoding: .utf8)
        _ = load(session)
        try "id,amount\n1,1.5\n2,9.5\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(!load(session).contains("load cache"))
        #expect(session.datasets["d"]!.row(1)[1] == .decimal(9.5))
        #expect(!session.execute("load d \"data.csv\" types (amount: text)").infos.joined().contains("load cache"), "other options, another entry")
        // A damaged entry is not an error: the file is parsed again.
        for entry in try FileManager.default.contentsOfDirectory(atPath: session.loadCachePath) where entry.hasSuffix(".cols") {
            try Data("KLYNGECOLS2Lxx".utf8).write(to: URL(fileURLWithPath: (session.loadCachePath as NSString).appendingPathComponent(entry)))
        }
        let again = load(session)
        #expect(again.hasPrefix("loaded d") && !again.contains("load cache"))
        #expect(session.execute("set cache off").errors.isEmpty)
        #expect(!load(session).contains("load cache"))
    }

    @Test func rawCPRNumbersAreNeverCached() throws {
        let session = demoSession()
        let file = session.resolve(path: "people.csv")
        try "cpr,visits\n010190-1234,3\n020285-5678,1\n".write(toFile: file, atomically: true, encoding: .utf8)
        _ = load(session, "people.csv")
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: session.loadCachePath)) ?? [] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: (session.loadCachePath as NSString).appendingPathComponent(entry)))
            #expect(bytes.range(of: Data("010190".utf8)) == nil && bytes.range(of: Data("0101901234".utf8)) == nil)
        }
        let keep = demoSession()
        try "cpr,visits\n010190-1234,3\n".write(toFile: keep.resolve(path: "people.csv"), atomically: true, encoding: .utf8)
        _ = keep.execute("set cpr keep")
        _ = load(keep, "people.csv")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: keep.loadCachePath)) ?? []).isEmpty, "a raw load writes no cache")
    }
}
