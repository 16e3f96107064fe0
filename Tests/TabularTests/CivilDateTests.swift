import Testing
import Tabular

@Suite struct CivilDateTests {
    @Test func roundTripsAcrossCenturies() {
        for days in stride(from: Int32(-800_000), through: 800_000, by: 997) {
            let d = CivilDate(daysSinceEpoch: days)
            #expect(d.daysSinceEpoch == days)
        }
        #expect(CivilDate(year: 1970, month: 1, day: 1)!.daysSinceEpoch == 0)
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2023, month: 2, day: 29) == nil)
    }

    @Test func parsesDanishAndIsoLayouts() {
        #expect(CivilDate.parse("2023-01-31") == CivilDate(year: 2023, month: 1, day: 31))
        #expect(CivilDate.parse("31-01-2023") == CivilDate(year: 2023, month: 1, day: 31))
        #expect(CivilDate.parse("31.01.2023") == CivilDate(year: 2023, month: 1, day: 31))
        #expect(CivilDate.parse("31/01/2023") == CivilDate(year: 2023, month: 1, day: 31))
        #expect(CivilDate.parse("2023-13-01") == nil)
    }

    @Test func weekdaysQuartersAndIsoWeeks() {
        let d = CivilDate(year: 2023, month: 1, day: 2)!
        #expect(d.weekday == 1)
        #expect(d.isoWeek == 1)
        #expect(CivilDate(year: 2021, month: 1, day: 1)!.isoWeek == 53)
        #expect(CivilDate(year: 2023, month: 11, day: 15)!.quarter == 4)
        #expect(d.danish == "02-01-2023")
    }
}
