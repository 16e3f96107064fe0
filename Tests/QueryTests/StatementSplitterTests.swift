import Testing
import Query

@Suite struct StatementSplitterTests {
    @Test func lineRules() {
        let script = """
            load b "x.csv"   -- a comment
            let p = b
              | where n > 1
            b |
              take 2
            b | select (a,
              b)
            .schema b
            b
            """
        let chunks = StatementSplitter.split(script)
        #expect(chunks.map(\.text) == [
            "load b \"x.csv\"   -- a comment",
            "let p = b\n  | where n > 1",
            "b |\n  take 2",
            "b | select (a,\n  b)",
            ".schema b",
            "b",
        ])
        #expect(chunks.map(\.isMeta) == [false, false, false, false, true, false])
        #expect(chunks.map(\.line) == [1, 2, 4, 6, 8, 9])
    }

    @Test func completenessForTheRepl() {
        #expect(StatementSplitter.isComplete("billing | take 3"))
        #expect(!StatementSplitter.isComplete("billing |"))
        #expect(!StatementSplitter.isComplete("billing | select a,"))
        #expect(!StatementSplitter.isComplete("billing | where x in (1,"))
        #expect(!StatementSplitter.isComplete("load b \"unfinished"))
        #expect(StatementSplitter.isComplete(".help"))
        #expect(StatementSplitter.isComplete("billing | where x == 1 -- trailing | comment"))
    }
}
