import Tabular

/// How one SQL engine spells what the generator needs: quoting, types, casts, division, dates, text
/// order, NULL order, limits and literals (SCALE-OUT.md's dialect table, one method per row).
///
/// The generator writes only through a dialect, so a second engine (Spark) is a second dialect,
/// not a second generator. Where engines agree (CTEs, `LIMIT`, `CASE`, `COALESCE`, window
/// functions, `NULLS FIRST/LAST`), the generator writes standard SQL itself.
public protocol SQLDialect: Sendable {
    /// The engine's name, for messages and `.sql` ("postgresql").
    var name: String { get }
    /// An identifier, quoted.
    func quote(_ identifier: String) -> String
    /// The engine's type for a column type (never a 4-byte float).
    func typeName(_ type: DataType) -> String
    /// A text literal.
    func text(_ value: String) -> String
    /// A text expression compared and sorted by code point, as klynge compares text.
    func codePointOrder(_ sql: String) -> String
    /// A whole-number field of a date (`year`, `quarter`, `month`, `day`, `week`: ISO week, `isodow`).
    func datePart(_ field: String, _ date: String) -> String
    /// A double rounded half away from zero to `digits` decimals, as a double.
    func round(_ value: String, digits: String) -> String
    /// The median (p = 0.5) or a type-7 quantile of a double column, as an aggregate.
    func quantile(_ value: String, _ p: Double) -> String
    /// Whether a text contains a part, as a boolean.
    func contains(_ text: String, _ part: String) -> String
    /// The texts joined, a null counting as empty.
    func concat(_ texts: [String]) -> String
    /// A double truncated toward zero, as a whole number.
    func truncate(_ value: String) -> String
    /// The days from one date to another (`a - b`), as a whole number.
    func daysBetween(_ a: String, _ b: String) -> String
}

extension SQLDialect {
    /// Half away from zero on x·10ᵈ in doubles, as klynge rounds (`ROUND` differs by engine: half
    /// to even on PostgreSQL's doubles; Spark's and PostgreSQL's NUMERIC first cut the double to its
    /// shortest decimal text, so 2.675 → 2.68 where klynge gives 2.67). Above 2⁵² every double is
    /// whole already, which keeps FLOOR and CEIL within 64-bit integers on engines that return them.
    public func roundHalfAwayFromZero(_ value: String, digits: String) -> String {
        let scale = "POWER(\(cast("10", to: .decimal)), \(cast(digits, to: .decimal)))"
        let y = "(\(value) * \(scale))"
        let floor = cast("FLOOR(ABS(\(y)))", to: .decimal), ceil = cast("CEIL(ABS(\(y)))", to: .decimal)
        return "(CASE WHEN ABS(\(y)) >= 4503599627370496 THEN \(value) ELSE SIGN(\(y)) * (CASE WHEN ABS(\(y)) - \(floor) >= 0.5 THEN \(ceil) ELSE \(floor) END) / \(scale) END)"
    }

    /// An expression cast to a klynge type.
    public func cast(_ sql: String, to type: DataType) -> String { "CAST(\(sql) AS \(typeName(type)))" }

    /// A constant of a klynge type.
    public func literal(_ value: Value, _ type: DataType) -> String {
        switch value {
        case .null: return cast("NULL", to: type)
        case .integer(let i):
            return type == .decimal ? cast(String(i), to: .decimal) : cast(String(i), to: .integer)
        case .decimal(let d):
            // Swift prints the shortest text that reads back as the same double.
            guard d.isFinite else { return cast(text(d.isNaN ? "NaN" : d > 0 ? "Infinity" : "-Infinity"), to: .decimal) }
            return cast(String(d), to: .decimal)
        case .text(let s): return text(s)
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .date(let days): return "DATE " + text(CivilDate(daysSinceEpoch: days).iso)
        }
    }
}
