import Testing
import Query

@Suite struct LexerTests {
    func kinds(_ s: String) throws -> [Token.Kind] { try Lexer.tokenize(s).map(\.kind) }

    @Test func tokensCarryTheirRanges() throws {
        let tokens = try Lexer.tokenize("billing | where count >= 2")
        #expect(tokens.map(\.text) == ["billing", "|", "where", "count", ">=", "2", ""])
        #expect(tokens[3].range == SourceRange(16, 21))
        #expect(tokens[4].kind == .symbol)
    }

    @Test func danishLettersAreIdentifiers() throws {
        let tokens = try Lexer.tokenize("sikrede_på_liste + `antal ydelser`")
        #expect(tokens[0].kind == .identifier)
        #expect(tokens[0].text == "sikrede_på_liste")
        #expect(tokens[2].kind == .quotedIdentifier)
        #expect(tokens[2].text == "antal ydelser")
    }

    @Test func numbersStringsDatesAndComments() throws {
        let tokens = try Lexer.tokenize("1.5 42 \"0130\" @2023-01-31 -- a comment\nx")
        #expect(tokens.map(\.kind) == [.decimal, .integer, .string, .date, .newline, .identifier, .end])
        #expect(tokens[2].text == "0130")
        #expect(tokens[3].text == "2023-01-31")
    }

    @Test func windowsPathsKeepTheirBackslashes() throws {
        let tokens = try Lexer.tokenize(#""C:\data\billing.csv" "say \"hi\"""#)
        #expect(tokens[0].text == #"C:\data\billing.csv"#)
        #expect(tokens[1].text == #"say "hi""#)
    }

    @Test func unterminatedStringIsADiagnosticAtTheQuote() {
        #expect(throws: Diagnostic.self) { try Lexer.tokenize("load x \"data.csv") }
        do {
            _ = try Lexer.tokenize("load x \"data.csv")
        } catch {
            #expect(error.range?.start == 7)
            #expect(error.message.contains("not closed"))
        }
    }

    @Test func typographicQuotesGetAHint() {
        do {
            _ = try Lexer.tokenize("x == \u{201C}a\u{201D}")
            Issue.record("expected an error")
        } catch {
            #expect(error.range == SourceRange(5, 6))
            #expect(error.notes.first?.contains("typographic") == true)
        }
    }
}
