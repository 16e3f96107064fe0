import Foundation
import Testing
import Shell
import Tabular
import TestSupport

/// The real QOF 2019-20 files, read as a user's data: the published England total must come out.
@Suite(.enabled(if: TestEnvironment.qof != nil, "needs ../shared/data/real/qof-2019-20"))
struct RealDataTests {
    @Test func palliativeCareRegisterForEngland() throws {
        let session = Session(workingDirectory: TestEnvironment.qof!.path)
        let out = session.execute("""
            load prevalence "PREVALENCE_1920.csv"
            load geography "MAPPING_NHS_GEOGRAPHIES_1920.csv"
            prevalence
              | where GROUP_CODE == "PC"
              | summarize practices = count(), register = sum(REGISTER), list_size = sum(PATIENT_LIST_SIZE),
                          per_1000 = 1000 * sum(REGISTER) / sum(PATIENT_LIST_SIZE)
            """)
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let t = try #require(out.tables.first)
        #expect(t.values("practices") == [.integer(6720)])
        #expect(t.values("register") == [.integer(288_671)])
        #expect(t.values("list_size") == [.integer(60_407_685)])
        let rate = try #require(t.values("per_1000")[0].doubleValue)
        #expect((rate * 1000).rounded() / 1000 == 4.779)
    }

    @Test func practicesJoinTheirNetworksIncludingUnallocated() throws {
        let session = Session(workingDirectory: TestEnvironment.qof!.path)
        let out = session.execute("""
            load prevalence "PREVALENCE_1920.csv"
            load geography "MAPPING_NHS_GEOGRAPHIES_1920.csv"
            prevalence | where GROUP_CODE == "PC" | join left geography on PRACTICE_CODE
              | summarize practices = count(), unmatched = count() - count(PCN_NAME), unallocated = count_distinct(if(PCN_ODS_CODE == "U", PRACTICE_CODE, null))
            """)
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let t = try #require(out.tables.first)
        #expect(t.values("practices") == [.integer(6720)])
        #expect(t.values("unmatched") == [.integer(0)])
        #expect((t.values("unallocated")[0].doubleValue ?? 0) > 0)
    }
}
