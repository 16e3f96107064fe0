import Foundation
import Testing
import Query
import Shell
import Statistics
import Tabular
import TestSupport

/// A short, deterministic random-input pass over the entry points that read what users and files
/// give: the lexer and parser (and planner), the CSV reader and the workbook reader. Every input is
/// a mutation of a real one, from a fixed seed, so a run is the same on every machine; any crash
/// fails the suite. The long, coverage-guided runs are in Fuzz/ (libFuzzer), see its README.
@Suite struct RandomInputTests {
    /// Words and symbols the mutations splice in (the fuzzers' dictionary, Fuzz/klynge.dict, holds the same).
    static let words = ["|", "(", ")", "\"", "@", ",", "=", "==", "--", "`", ".", "-", "*", "/", "%", " ", "\n", "\t",
                        "where", "select", "derive", "summarize", "by", "join", "left", "on", "sort", "desc", "take", "distinct",
                        "rename", "as", "chart", "bar", "funnel", "to", "pack", "within", "rate", "per", "1000", "of", "compare",
                        "let", "load", "export", "set", "null", "true", "and", "or", "not", "in", "between", "is", "count()",
                        "sum(", "quantile(", "9223372036854775807", "@2023-02-30", "1e309", "\u{FEFF}", "æøå", "\\"]

    /// A mutation of `seed`: a few byte-level or word-level changes.
    static func mutate(_ seed: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        var bytes = seed
        for _ in 0..<(1 + random.int(4)) {
            let at = bytes.isEmpty ? 0 : random.int(bytes.count + 1)
            switch random.int(6) {
            case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next())
            case 1: bytes.insert(contentsOf: Array(words[random.int(words.count)].utf8), at: at)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, at + random.int(12))
                bytes.removeSubrange(min(at, end)..<end)
            case 3 where !bytes.isEmpty:
                let start = random.int(bytes.count), end = min(bytes.count, start + random.int(40))
                bytes.insert(contentsOf: bytes[start..<end], at: at)
            case 4: bytes.insert(contentsOf: Array(repeating: UInt8(ascii: "("), count: random.int(300)), at: at)
            default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            }
        }
        return bytes
    }

    @Test func statementsNeverCrashTheParserOrPlanner() throws {
        let notebooks = TestEnvironment.repositoryRoot.appendingPathComponent("Notebooks")
        var seeds: [[UInt8]] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: notebooks.path) where file.hasSuffix(".klynge") {
            let text = try String(contentsOf: notebooks.appendingPathComponent(file), encoding: .utf8)
            seeds += StatementSplitter.split(text).map { Array($0.text.utf8) }
        }
        try #require(seeds.count > 10)
        let catalog = Catalog(datasets: demoDatasets.mapValues(\.schema))
        var random = SeededRandom(seed: 1)
        var parsed = 0
        for _ in 0..<4000 {
            let input = String(decoding: Self.mutate(seeds[random.int(seeds.count)], &random), as: UTF8.self)
            _ = StatementSplitter.split(input)
            guard let statement = try? Parser.parse(input) else { continue }
            parsed += 1
            if case .pipeline(let p) = statement { _ = try? Planner(catalog: catalog).plan(p) }
            _ = SyntaxPrinter.print(statement)
        }
        #expect(parsed > 100, "the mutations still reach the planner")
    }

    @Test func filesNeverCrashTheReaders() throws {
        let folder = TestEnvironment.temporaryFolder("random-files")
        let csvSeeds: [[UInt8]] = [
            Array("practice_id;ydelseskode;dato;antal;honorar\r\n012345;0130;31-01-2023;1;324,16\r\n012346;0421;01-02-2023;2;1.324,50\r\n".utf8),
            Array("cpr,navn,\"kommentar\"\n010190-1234,\"Åse \"\"A\"\"\",\"line\nbreak\"\n151285-4321,Bo,\n".utf8),
            [0xFF, 0xFE] + Array("a\tb\n1\t2\n".utf8).flatMap { [$0, 0] },
        ]
        let xlsxFolder = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/TabularTests/Fixtures")
        let xlsxSeeds = try ["survey-export.xlsx", "survey-openpyxl.xlsx"].map { try [UInt8](Data(contentsOf: xlsxFolder.appendingPathComponent($0))) }
        var random = SeededRandom(seed: 2)
        for k in 0..<600 {
            let url = folder.appendingPathComponent("f\(k).csv")
            try Data(Self.mutate(csvSeeds[random.int(csvSeeds.count)], &random)).write(to: url)
            _ = try? CSVReader.read(path: url.path)
        }
        for k in 0..<150 {
            let url = folder.appendingPathComponent("w\(k).xlsx")
            var bytes = xlsxSeeds[random.int(xlsxSeeds.count)]
            // A few bytes changed anywhere in the package (a damaged download, a truncated copy).
            for _ in 0..<(1 + random.int(3)) { bytes[random.int(bytes.count)] = UInt8(truncatingIfNeeded: random.next()) }
            if random.int(4) == 0 { bytes = Array(bytes.prefix(random.int(bytes.count))) }
            try Data(bytes).write(to: url)
            _ = try? XLSXReader.read(path: url.path)
        }
    }
}
