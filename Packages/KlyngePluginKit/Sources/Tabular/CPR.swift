/// Danish CPR numbers (personnummer): recognised by shape, never by the modulus-11 check, which
/// numbers issued since 2007 may fail (CPR-kontoret).
///
/// A CPR number is `ddmmyy` and four digits, with or without a hyphen; the date must exist in the
/// century the seventh digit gives (0–3: 1900s; 4 and 9: 2000s up to 36, else 1900s; 5–8: 2000s
/// up to 57, else 1800s). Names such as `cpr`, `cprnr` or `personnummer` mark a column too.
public enum CPR {
    /// The ten digits of a CPR-shaped value, or nil. A whole number of nine digits counts too (a
    /// CPR whose leading zero a spreadsheet dropped).
    public static func digits(_ value: Value) -> [UInt8]? {
        switch value {
        case .text(let s): return digits(s)
        case .integer(let v) where v >= 100_000_000 && v <= 9_999_999_999:
            let s = String(v)
            return digits(s.count == 9 ? "0" + s : s)
        default: return nil
        }
    }

    /// The ten digits of CPR-shaped text (surrounding spaces allowed), or nil.
    public static func digits(_ text: String) -> [UInt8]? {
        // Text that starts with neither a digit nor a space (ids, names, codes) is refused before
        // anything is allocated: a loaded table's text is checked one distinct value at a time, 1.6
        // million of them for the patient ids of a region's billing file.
        guard let lead = text.utf8.first, canStart(with: lead) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(10)
        var hyphens = 0, position = 0
        for byte in text.utf8 {
            position += 1
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): out.append(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "-"):
                guard out.count == 6, hyphens == 0 else { return nil }
                hyphens += 1
            case UInt8(ascii: " "):
                guard out.isEmpty || out.count == 10 else { return nil }
            default: return nil
            }
            if out.count > 10 { return nil }
        }
        guard out.count == 10, birthDate(out) != nil else { return nil }
        return out
    }

    /// Whether CPR-shaped text can start with this byte (a digit or a space).
    @inline(__always) public static func canStart(with byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte &- UInt8(ascii: "0") < 10
    }

    /// Whether text or a value has the shape of a CPR number.
    public static func isShaped(_ value: Value) -> Bool { digits(value) != nil }

    /// The date of birth a CPR's digits give, or nil when there is no such date.
    public static func birthDate(_ d: [UInt8]) -> CivilDate? {
        let day = Int(d[0]) * 10 + Int(d[1]), month = Int(d[2]) * 10 + Int(d[3]), yy = Int(d[4]) * 10 + Int(d[5])
        let century: Int
        switch d[6] {
        case 0...3: century = 1900
        case 4, 9: century = yy <= 36 ? 2000 : 1900
        default: century = yy <= 57 ? 2000 : 1800
        }
        return CivilDate(year: century + yy, month: month, day: day)
    }

    /// The sex the last digit gives: odd for men ("M"), even for women ("K", kvinde).
    public static func sex(_ d: [UInt8]) -> String { d[9] % 2 == 1 ? "M" : "K" }

    /// Age in whole years on a date.
    public static func age(_ d: [UInt8], on date: CivilDate) -> Int? {
        guard let born = birthDate(d) else { return nil }
        var years = date.year - born.year
        if (date.month, date.day) < (born.month, born.day) { years -= 1 }
        return years
    }

    /// Whether a column name says it holds CPR numbers (`cpr`, `cpr_nr`, `CPR-nummer`, `personnummer`, `pnr`, …).
    public static func isCPRName(_ name: String) -> Bool {
        let folded = name.lowercased().filter { $0.isLetter || $0.isNumber }
        return ["cpr", "cprnr", "cprnummer", "personnummer", "personnr", "pnr", "cprno", "cprnumber"].contains(folded)
    }

    /// Text with every CPR-shaped run of digits hidden (for error messages and history): the digits
    /// are never shown, only their shape.
    public static func masked(_ text: String) -> String {
        let chars = Array(text)
        var out = "", i = 0
        while i < chars.count {
            // A candidate starts at a digit not preceded by a digit and spans 10 digits with an optional hyphen.
            if chars[i].isASCII, chars[i].isNumber, i == 0 || !(chars[i - 1].isASCII && chars[i - 1].isNumber) {
                for length in [11, 10] where i + length <= chars.count {
                    let candidate = String(chars[i..<(i + length)])
                    let next = i + length < chars.count ? chars[i + length] : " "
                    if !(next.isASCII && next.isNumber), digits(candidate) != nil {
                        out += length == 11 ? "######-####" : "##########"
                        i += length
                        break
                    }
                }
            }
            if i < chars.count {
                out.append(chars[i])
                i += 1
            }
        }
        return out
    }
}
