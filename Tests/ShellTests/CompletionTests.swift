import Foundation
import Testing
import Shell

@Suite struct CompletionTests {
    let session = demoSession()

    @Test func metaCommandsAndTheirArguments() {
        #expect(Completion.complete(".sch", session: session).insert == "ema ")
        #expect(Completion.complete(".schema bil", session: session).insert == "ling")
        #expect(Completion.complete(".mode cs", session: session).insert == "v")
    }

    @Test func statementStartOffersKeywordsAndDatasets() {
        let c = Completion.complete("s", session: session)
        #expect(c.candidates.contains("set") && c.candidates.contains("survey") && c.candidates.contains("service_codes"))
        #expect(Completion.complete("prac", session: session).insert == "tices ")
    }

    @Test func afterAPipeComeStages() {
        #expect(Completion.complete("billing | summ", session: session).insert == "arize ")
    }

    @Test func columnsOfTheDatasetFlowingIntoTheStage() {
        #expect(Completion.complete("billing | where serv", session: session).insert == "ice_")
        let c = Completion.complete("billing | summarize n = count() by practice_id | where ", session: session)
        #expect(c.candidates.contains("n") && c.candidates.contains("practice_id"))
        #expect(!c.candidates.contains("service_code"))
        // Across lines of one statement, and with Danish letters.
        let derived = Completion.complete("practices\n  | derive små = listed_patients < 1500\n  | where sm", session: session)
        #expect(derived.insert == "å")
    }

    @Test func functionsAndJoinTargets() {
        #expect(Completion.complete("billing | derive y = yea", session: session).insert == "r(")
        #expect(Completion.complete("practices | join left bil", session: session).insert == "ling ")
    }

    @Test func filePathsInsideLoadQuotes() throws {
        try "a\n1\n".write(toFile: session.resolve(path: "regningsdata_2023.csv"), atomically: true, encoding: .utf8)
        #expect(Completion.complete("load r \"regn", session: session).insert == "ingsdata_2023.csv\"")
    }
}
