/// One cell's value, used at the edges (literals, rendering, tests) but not for bulk storage.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    /// A missing value.
    case null
    /// A whole number.
    case integer(Int64)
    /// A real number.
    case decimal(Double)
    /// A text value.
    case text(String)
    /// A date as days since 1970-01-01.
    case date(Int32)
    /// A truth value.
    case boolean(Bool)

    /// Whether this is the missing value.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The value as a Double when it is numeric.
    public var doubleValue: Double? {
        switch self {
        case .integer(let v): return Double(v)
        case .decimal(let v): return v
        default: return nil
        }
    }

    /// The value in plain notation (ISO dates, shortest round-trip numbers), `null` when missing.
    public var description: String {
        switch self {
        case .null: return "null"
        case .integer(let v): return String(v)
        case .decimal(let v): return NumberFormat.plain(v)
        case .text(let v): return v
        case .date(let v): return CivilDate(daysSinceEpoch: v).iso
        case .boolean(let v): return v ? "true" : "false"
        }
    }
}

/// Number formatting shared by renderers and writers.
public enum NumberFormat {
    /// A whole number with commas between thousands (`131,455,335`), for reports and messages.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (k, c) in digits.reversed().enumerated() {
            if k > 0, k % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + String(out.reversed())
    }

    /// Shortest text that reads back as the same Double, without exponent for everyday sizes.
    public static func plain(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        let s = String(v)
        if s.contains("e") {
            // Swift writes 1e-05; spell out small magnitudes that analysts expect as decimals.
            if abs(v) >= 1e-6 && abs(v) < 1e15 {
                var fixed = String(format: "%.17f", v)
                while fixed.hasSuffix("0") { fixed.removeLast() }
                // Trim to the shortest digits that round-trip.
                for digits in 1...17 {
                    let candidate = String(format: "%.\(digits)f", v)
                    if Double(candidate) == v { return candidate }
                }
                return fixed
            }
        }
        return s
    }

    /// The value rounded to `digits` decimals, trailing zeros removed (for terminal display).
    public static func rounded(_ v: Double, digits: Int) -> String {
        if v.isNaN || v.isInfinite { return plain(v) }
        var s = String(format: "%.\(digits)f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }
}
