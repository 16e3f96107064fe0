/// A proleptic Gregorian calendar date, convertible to and from days since 1970-01-01.
///
/// The conversions are Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms,
/// exact for every date a billing extract can hold.
public struct CivilDate: Sendable, Hashable, Comparable {
    /// The year, e.g. 2023.
    public var year: Int
    /// The month, 1 to 12.
    public var month: Int
    /// The day of the month, 1 to 31.
    public var day: Int

    /// Creates a date from its parts, or nil when the day does not exist (e.g. 30 February).
    public init?(year: Int, month: Int, day: Int) {
        guard month >= 1, month <= 12, day >= 1, day <= CivilDate.daysIn(month: month, year: year),
              year >= 1, year <= 9999 else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Creates the date that lies `days` days after 1970-01-01.
    public init(daysSinceEpoch days: Int32) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int32 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146_097 + doe - 719_468)
    }

    /// ISO 8601 text, `yyyy-mm-dd`.
    public var iso: String {
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Danish text, `dd-mm-yyyy`, as Danish Excel writes dates.
    public var danish: String {
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        return "\(pad(day))-\(pad(month))-\(year)"
    }

    /// The quarter, 1 to 4.
    public var quarter: Int { (month - 1) / 3 + 1 }

    /// The ISO weekday, 1 (Monday) to 7 (Sunday).
    public var weekday: Int {
        let d = Int(daysSinceEpoch)
        return ((d % 7 + 7) % 7 + 3) % 7 + 1 // 1970-01-01 was a Thursday
    }

    /// The ISO 8601 week number, 1 to 53.
    public var isoWeek: Int {
        let days = Int(daysSinceEpoch)
        let thursday = days - (weekday - 1) + 3
        let thursdayYear = CivilDate(daysSinceEpoch: Int32(thursday)).year
        let jan1 = Int(CivilDate(year: thursdayYear, month: 1, day: 1)!.daysSinceEpoch)
        return (thursday - jan1) / 7 + 1
    }

    /// The number of days in a month of a year.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Orders dates chronologically.
    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// Parses `yyyy-mm-dd`, `dd-mm-yyyy`, `dd.mm.yyyy` or `dd/mm/yyyy`.
    public static func parse(_ text: String) -> CivilDate? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { DateParser.parse($0[...], format: nil).map { CivilDate(daysSinceEpoch: $0) } }
    }
}

/// The date layouts the CSV sniffer recognises.
public enum DateFormat: String, Sendable, CaseIterable {
    /// `2023-01-31`.
    case iso = "yyyy-mm-dd"
    /// `31-01-2023`.
    case danishDash = "dd-mm-yyyy"
    /// `31.01.2023`.
    case danishDot = "dd.mm.yyyy"
    /// `31/01/2023`.
    case slash = "dd/mm/yyyy"
}

/// Parses dates from bytes without creating strings.
public enum DateParser {
    /// Which layout the bytes have, if any (no check that the day exists).
    public static func format(of b: Slice<UnsafeBufferPointer<UInt8>>) -> DateFormat? {
        guard b.count == 10 else { return nil }
        let s = b.startIndex
        func digit(_ i: Int) -> Bool { b[s + i] &- 48 < 10 }
        if digit(0), digit(1), digit(2), digit(3), b[s + 4] == 45, digit(5), digit(6), b[s + 7] == 45, digit(8), digit(9) {
            return .iso
        }
        guard digit(0), digit(1), digit(3), digit(4), digit(6), digit(7), digit(8), digit(9), b[s + 2] == b[s + 5] else { return nil }
        switch b[s + 2] {
        case 45: return .danishDash
        case 46: return .danishDot
        case 47: return .slash
        default: return nil
        }
    }

    /// Days since 1970-01-01 for the bytes in the given layout (any layout when nil), or nil.
    public static func parse(_ b: Slice<UnsafeBufferPointer<UInt8>>, format: DateFormat?) -> Int32? {
        guard let found = DateParser.format(of: b), format == nil || format == found else { return nil }
        let s = b.startIndex
        func num(_ i: Int, _ n: Int) -> Int {
            var v = 0
            for k in 0..<n { v = v * 10 + Int(b[s + i + k] &- 48) }
            return v
        }
        let date: CivilDate?
        if found == .iso {
            date = CivilDate(year: num(0, 4), month: num(5, 2), day: num(8, 2))
        } else {
            date = CivilDate(year: num(6, 4), month: num(3, 2), day: num(0, 2))
        }
        return date?.daysSinceEpoch
    }
}
