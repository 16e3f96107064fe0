import Foundation
import Testing
import Shell
import Tabular
import TestSupport

/// Runs statements and returns the last result table (failing the test on any error).
func result(_ source: String, _ session: Session) throws -> Table {
    let out = session.execute(source)
    let errors = out.compactMap { if case .error(let d, _) = $0 { return d.message } else { return nil } }
    try #require(errors.isEmpty, "\(errors)")
    return try #require(out.compactMap { if case .result(let t) = $0 { return t } else { return nil } }.last)
}

func firstError(_ source: String, _ session: Session) -> String? {
    for outcome in session.execute(source) { if case .error(let d, _) = outcome { return d.message } }
    return nil
}

extension Table {
    func values(_ name: String) -> [Value] { (0..<rowCount).map { column(name)!.value(at: $0) } }
    func texts(_ name: String) -> [String?] { values(name).map { $0.isNull ? nil : $0.description } }
}

/// The generator's survey.csv (seed 7, 3000 rows) in both formats. The expected counts were made
/// by hand from the CSV with Python's csv module (count the answers of a cluster, of a question).
@Suite(.enabled(if: TestEnvironment.shared != nil && TestEnvironment.pythonWithNumpy != nil, "needs ../shared and python3 with numpy"))
struct GeneratedSurveyTests {
    static func folder(danish: Bool) throws -> URL {
        let out = TestEnvironment.temporaryFolder(danish ? "survey-dk" : "survey")
        var args = [TestEnvironment.shared!.appendingPathComponent("bench/gen_data.py").path, "--rows", "3000", "--seed", "7", "--out", out.path, "--quiet"]
        if danish { args.append("--danish-csv") }
        let r = try TestEnvironment.run(TestEnvironment.pythonWithNumpy!, args)
        try #require(r.status == 0, "\(r.stderr)")
        return out
    }

    @Test(arguments: [false, true])
    func topboxAndLikertMatchHandCounts(danish: Bool) throws {
        let session = Session(workingDirectory: try Self.folder(danish: danish).path)
        _ = session.execute("load survey \"survey.csv\"\nload questions \"survey_questions.csv\"")
        let top = try result("survey | where cluster == \"Holbæk/Odsherred m.fl.\" | topbox q03 texts questions", session)
        #expect(top.values("respondents") == [.integer(23)])
        #expect(top.values("n") == [.integer(22)])
        #expect(top.values("positive") == [.integer(13)])
        #expect(top.values("dont_know") == [.integer(1)])
        #expect(top.values("blank") == [.integer(0)])
        #expect(abs(top.values("share")[0].doubleValue! - 100.0 * 13 / 22) < 1e-12)
        #expect(top.texts("text") == ["Datagrundlaget fra klyngen er troværdigt"])
        let likert = try result("survey | likert q12", session)
        #expect(likert.texts("answer") == ["Meget enig", "Enig", "Hverken enig eller uenig", "Uenig", "Meget uenig", "Ved ikke", "(blank)"])
        #expect(likert.values("n").map { $0.doubleValue! } == [44, 35, 37, 28, 17, 3, 20])
        #expect(abs(likert.values("percent")[0].doubleValue! - 100.0 * 44 / 164) < 1e-12)   // 184 rows, 20 blank
        #expect(abs(likert.values("valid_percent")[0].doubleValue! - 100.0 * 44 / 161) < 1e-12) // and 3 Ved ikke
    }
}

@Suite struct SurveyStageTests {
    func session() -> Session {
        let s = Session()
        let answers: [[Value]] = [
            [.text("A"), .integer(1), .integer(2), .text("God kontakt")], [.text("A"), .integer(2), .integer(1), .text("")],
            [.text("A"), .integer(9), .integer(2), .null], [.text("A"), .integer(4), .integer(5), .text("Svært at nå sygehuset")],
            [.text("A"), .null, .integer(3), .text("Ok")], [.text("A"), .integer(1), .integer(1), .text("Fint")],
            [.text("B"), .integer(5), .integer(4), .text("Kort svar")], [.text("B"), .integer(1), .integer(2), .null],
        ]
        s.define("coded", Table.from(names: ["cluster", "q1", "q2", "q3"], types: [.text, .integer, .integer, .text], rows: answers), origin: "test")
        s.define("codes", Table.from(names: ["code", "label"], types: [.integer, .text], rows: [
            [.integer(1), .text("Helt enig")], [.integer(2), .text("Overvejende enig")], [.integer(3), .text("Hverken enig eller uenig")],
            [.integer(4), .text("Overvejende uenig")], [.integer(5), .text("Helt uenig")], [.integer(9), .text("Ved ikke")]]), origin: "test")
        s.define("invited", Table.from(names: ["cluster", "n_invited"], types: [.text, .integer], rows: [[.text("A"), .integer(12)], [.text("B"), .integer(4)]]), origin: "test")
        return s
    }

    @Test func codedAnswersThroughACodebook() throws {
        let t = try result("coded | topbox q1, q2 by cluster codebook codes", session())
        // Cluster A, q1: codes 1, 2, 9, 4, blank, 1 → on the scale 1, 2, 4, 1 (n 4), positive 3, Ved ikke 1, blank 1.
        #expect(t.texts("status") == ["reported", "reported", "suppressed: 2 answers, fewer than 5", "suppressed: 2 answers, fewer than 5"])
        #expect(t.values("n")[0] == .integer(4))
        #expect(t.values("positive")[0] == .integer(3))
        #expect(t.values("dont_know")[0] == .integer(1))
        #expect(t.values("blank")[0] == .integer(1))
        #expect(t.values("share")[2] == .null)
        #expect(t.texts("method")[0]!.contains("Helt enig, Overvejende enig"))
    }

    @Test func theThresholdIsASessionSetting() throws {
        let s = session()
        _ = s.execute("set min_answers 2")
        let t = try result("coded | topbox q1 by cluster codebook codes", s)
        #expect(t.texts("status") == ["reported", "reported"])
        #expect(t.values("positive")[1] == .integer(1))
    }

    @Test func aDeclaredScaleAndPositiveCount() throws {
        let s = session()
        _ = s.execute("let grades = coded | derive g = if(q2 <= 2, \"Høj\", if(q2 == 3, \"Middel\", \"Lav\"))")
        let t = try result("grades | topbox g scale \"Høj\", \"Middel\", \"Lav\" positive 1", s)
        #expect(t.values("n") == [.integer(8)])
        #expect(t.values("positive") == [.integer(5)])
        #expect(firstError("grades | topbox g", s)?.contains("not on a known Danish scale") == true)
    }

    @Test func responseRateWithTheNumberInvited() throws {
        let t = try result("coded | join invited on cluster | topbox q1 by cluster invited n_invited codebook codes", session())
        #expect(t.values("response_rate").map { $0.doubleValue } == [50, 50])
    }

    @Test func commentsVerbatimWithoutRespondents() throws {
        let s = session()
        // Cluster A has 4 comments: under the default 5 they are suppressed, with 4 they show.
        #expect(try result("coded | comments q3 by cluster", s).texts("comment") == ["(4 comments suppressed: fewer than 5 answers)", "(1 comments suppressed: fewer than 5 answers)"])
        _ = s.execute("set min_answers 4")
        let t = try result("coded | comments q3 by cluster", s)
        #expect(t.columnNames == ["cluster", "question", "comment"])
        #expect(t.texts("comment") == ["Fint", "God kontakt", "Ok", "Svært at nå sygehuset", "(1 comments suppressed: fewer than 4 answers)"])
    }

    @Test func demoSurveyPerClusterAndRole() throws {
        let s = Session()
        for (name, table) in DemoData.datasets() { s.define(name, table, origin: "demo") }
        let byCluster = try result("survey | topbox q01, q02 by cluster texts survey_questions", s)
        #expect(byCluster.rowCount == 2 * Set(byCluster.texts("cluster")).count)
        let byRole = try result("survey | likert q07 by role", s)
        #expect(Set(byRole.texts("role").compactMap { $0 }) == ["læge", "sekretær", "sygeplejerske"])
    }
}

/// The Excel fixture of TabularTests (a survey export with a codebook sheet), loaded as a user would.
@Suite struct ExcelSurveyTests {
    @Test func codedAnswersFromAWorkbookWithItsCodebookSheet() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TabularTests/Fixtures").path
        let s = Session(workingDirectory: fixtures)
        _ = s.execute("set min_answers 1")
        let t = try result("""
            load svar "survey-export.xlsx" sheet "Svar"
            load koder "survey-export.xlsx" sheet "Koder"
            svar | topbox q2 codebook koder
            """, s)
        // q2's codes 1, 2, 9, 4, 5: on the scale 1, 2, 4, 5 (n 4), positive 1 and 2, Ved ikke (9) once.
        #expect(t.values("n") == [.integer(4)])
        #expect(t.values("positive") == [.integer(2)])
        #expect(t.values("dont_know") == [.integer(1)])
        #expect(t.values("share") == [.decimal(50)])
        let labels = try result("svar | likert q1", s)
        #expect(labels.texts("answer").prefix(5) == ["Meget enig", "Enig", "Hverken enig eller uenig", "Uenig", "Meget uenig"])
        #expect(labels.values("n").map(\.doubleValue) == [1, 1, 0, 1, 0, 1, 1])
    }
}

/// A coded export as Danish Excel writes it (Windows-1252, `;`, CRLF) with its codebook, both
/// written by hand for this test (Fixtures/coded-survey.csv, Fixtures/codebook.csv).
@Suite struct CodedCSVTests {
    @Test func codesBecomeLabelsInScaleOrder() throws {
        let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path
        let s = Session(workingDirectory: folder)
        let t = try result("""
            load svar "coded-survey.csv"
            load koder "codebook.csv"
            svar | likert q1 by klynge codebook koder
            """, s)
        // Næstved 1, q1 codes 1, 2, 9, 4, 5, 1: Meget enig 2, Enig 1, Hverken 0, Uenig 1, Meget uenig 1, Ved ikke 1.
        let naestved = (0..<t.rowCount).filter { t.values("klynge")[$0] == .text("Næstved 1") }
        #expect(naestved.map { t.values("answer")[$0].description } == ["Meget enig", "Enig", "Hverken enig eller uenig", "Uenig", "Meget uenig", "Ved ikke", "(blank)"])
        #expect(naestved.map { t.values("n")[$0].doubleValue } == [2, 1, 0, 1, 1, 1, 0])
        #expect(abs(t.values("valid_percent")[naestved[0]].doubleValue! - 40) < 1e-12)
        // Køge 1 has one respondent: suppressed under the default threshold of 5.
        let koege = (0..<t.rowCount).filter { t.values("klynge")[$0] == .text("Køge 1") }
        #expect(koege.allSatisfy { t.values("n")[$0] == .null })
        #expect(t.texts("status")[koege[0]] == "suppressed: 1 answers, fewer than 5")
        let top = try result("svar | topbox q2 codebook koder", s)
        // q2: 2, 2, 3, blank, 1, 9, 2 → on the scale 2, 2, 3, 1, 2 (n 5), positive 4, Ved ikke 1, blank 1.
        #expect(top.values("n") == [.integer(5)])
        #expect(top.values("positive") == [.integer(4)])
        #expect(top.values("blank") == [.integer(1)])
    }
}
