import Foundation

/// Classifies and parses numbers, booleans and dates straight from bytes (no String per field).
enum FieldClass {
    static let integer: UInt32 = 1 << 0
    static let decimalPoint: UInt32 = 1 << 1
    static let decimalComma: UInt32 = 1 << 2
    static let dateISO: UInt32 = 1 << 3
    static let dateDash: UInt32 = 1 << 4
    static let dateDot: UInt32 = 1 << 5
    static let dateSlash: UInt32 = 1 << 6
    static let boolean: UInt32 = 1 << 7
    static let allTypes: UInt32 = (1 << 8) - 1
    // Evidence bits are OR-ed over a column rather than AND-ed.
    static let sawComma: UInt32 = 1 << 16
    static let sawPoint: UInt32 = 1 << 17
    static let sawLeadingZero: UInt32 = 1 << 18

    /// The bit for a date layout.
    static func bit(_ f: DateFormat) -> UInt32 {
        switch f {
        case .iso: return dateISO
        case .danishDash: return dateDash
        case .danishDot: return dateDot
        case .slash: return dateSlash
        }
    }

    /// The type bits a trimmed, non-empty field satisfies, plus evidence bits.
    static func classify(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32 {
        var result: UInt32 = 0
        if let f = DateParser.format(of: b), DateParser.parse(b, format: f) != nil { return bit(f) }
        let first = b[b.startIndex] | 0x20
        if first == 116 || first == 102 { // t, f
            if isBoolean(b) != nil { return boolean }
            return 0
        }
        result |= number(b)
        return result
    }

    /// true/false for `true`/`false` in any case, else nil.
    static func isBoolean(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Bool? {
        if b.count == 4, b.elementsEqual("true".utf8, by: { $0 | 0x20 == $1 }) { return true }
        if b.count == 5, b.elementsEqual("false".utf8, by: { $0 | 0x20 == $1 }) { return false }
        return nil
    }

    /// Number bits: integer, decimal with point, decimal with comma (and thousands points).
    static func number(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32 {
        var i = b.startIndex
        let end = b.endIndex
        if b[i] == 45 || b[i] == 43 { i += 1 }
        let intStart = i
        while i < end, b[i] &- 48 < 10 { i += 1 }
        let intDigits = i - intStart
        if intDigits == 0 { return pointFractionOnly(b, from: i) }
        if intDigits > 1, b[intStart] == 48 { return sawLeadingZero } // a code like 0101: text
        if i == end {
            return intDigits <= 18 ? integer | decimalPoint | decimalComma : decimalPoint | decimalComma
        }
        let sep = b[i]
        if sep == 44 { // ',' decimal comma
            var j = i + 1
            let fracStart = j
            while j < end, b[j] &- 48 < 10 { j += 1 }
            return j == end && j > fracStart ? decimalComma | sawComma : 0
        }
        if sep == 46 { // '.' decimal point, or thousands point in Danish numbers
            var bits: UInt32 = 0
            var j = i + 1
            let fracStart = j
            while j < end, b[j] &- 48 < 10 { j += 1 }
            if j > fracStart, j == end || exponent(b, from: j) { bits |= decimalPoint | sawPoint }
            if intDigits <= 3, danishThousands(b, from: i) { bits |= decimalComma }
            return bits
        }
        if (sep | 0x20) == 101, exponent(b, from: i) { return decimalPoint }
        return 0
    }

    /// `.5` style numbers.
    private static func pointFractionOnly(_ b: Slice<UnsafeBufferPointer<UInt8>>, from i: Int) -> UInt32 {
        guard i < b.endIndex, b[i] == 46 else { return 0 }
        var j = i + 1
        while j < b.endIndex, b[j] &- 48 < 10 { j += 1 }
        return j == b.endIndex && j > i + 1 ? decimalPoint | sawPoint : 0
    }

    /// Whether `e[+-]digits` runs to the end.
    private static func exponent(_ b: Slice<UnsafeBufferPointer<UInt8>>, from i: Int) -> Bool {
        guard i < b.endIndex, b[i] | 0x20 == 101 else { return false }
        var j = i + 1
        if j < b.endIndex, b[j] == 45 || b[j] == 43 { j += 1 }
        let start = j
        while j < b.endIndex, b[j] &- 48 < 10 { j += 1 }
        return j == b.endIndex && j > start
    }

    /// Whether `.ddd.ddd[,d…]` runs to the end (1.234.567,89).
    private static func danishThousands(_ b: Slice<UnsafeBufferPointer<UInt8>>, from i: Int) -> Bool {
        var j = i
        while j < b.endIndex, b[j] == 46 {
            for k in 1...3 { guard j + k < b.endIndex, b[j + k] &- 48 < 10 else { return false } }
            j += 4
        }
        if j == b.endIndex { return true }
        guard b[j] == 44 else { return false }
        j += 1
        let start = j
        while j < b.endIndex, b[j] &- 48 < 10 { j += 1 }
        return j == b.endIndex && j > start
    }

    static let powersOfTen: [Double] = (0...22).map { pow(10.0, Double($0)) }

    /// Parses an integer (optional sign, digits only).
    static func parseInteger(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        var i = b.startIndex
        var negative = false
        if b[i] == 45 { negative = true; i += 1 } else if b[i] == 43 { i += 1 }
        guard i < b.endIndex, b.endIndex - i <= 18 else { return nil }
        var v: Int64 = 0
        while i < b.endIndex {
            let d = b[i] &- 48
            guard d < 10 else { return nil }
            v = v * 10 + Int64(d)
            i += 1
        }
        return negative ? -v : v
    }

    /// Parses a decimal with the given decimal separator (the other of `.`/`,` is a thousands
    /// separator when the separator is `,`), exactly as strtod would round it.
    static func parseDecimal(_ b: Slice<UnsafeBufferPointer<UInt8>>, comma: Bool) -> Double? {
        let decimalByte: UInt8 = comma ? 44 : 46
        var i = b.startIndex
        var negative = false
        if b[i] == 45 { negative = true; i += 1 } else if b[i] == 43 { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = 0
        var seenSeparator = false
        var sawDigit = false
        while i < b.endIndex {
            let c = b[i]
            let d = c &- 48
            if d < 10 {
                sawDigit = true
                if digits < 19 {
                    mantissa = mantissa * 10 + UInt64(d)
                    if mantissa != 0 { digits += 1 }
                    if seenSeparator { fraction += 1 }
                } else if !seenSeparator {
                    return slowParse(b, comma: comma)
                } else {
                    return slowParse(b, comma: comma)
                }
            } else if c == decimalByte, !seenSeparator {
                seenSeparator = true
            } else if comma, c == 46, !seenSeparator {
                // thousands point
            } else if c | 0x20 == 101 {
                return slowParse(b, comma: comma)
            } else {
                return nil
            }
            i += 1
        }
        guard sawDigit else { return nil }
        let value: Double
        if mantissa < (1 << 53), fraction <= 22 {
            value = Double(mantissa) / powersOfTen[fraction]
        } else {
            return slowParse(b, comma: comma)
        }
        return negative ? -value : value
    }

    /// strtod on a cleaned copy, for exponents and very long mantissas.
    private static func slowParse(_ b: Slice<UnsafeBufferPointer<UInt8>>, comma: Bool) -> Double? {
        var cleaned: [UInt8] = []
        for c in b {
            if comma && c == 46 { continue }
            cleaned.append(comma && c == 44 ? 46 : c)
        }
        return Double(String(decoding: cleaned, as: UTF8.self))
    }
}
