import Tabular

/// PostgreSQL's spelling (15 and later): `"x"`, `DOUBLE PRECISION`/`TEXT`, `COLLATE "C"` for
/// klynge's code-point text order, `ROUND` through `NUMERIC` (it has no `ROUND(double, n)`).
public struct PostgreSQLDialect: SQLDialect {
    /// Creates the dialect.
    public init() {}

    /// "postgresql".
    public var name: String { "postgresql" }

    /// `"x"`, with `"` doubled.
    public func quote(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// BIGINT, DOUBLE PRECISION, TEXT, DATE, BOOLEAN.
    public func typeName(_ type: DataType) -> String {
        switch type {
        case .integer: "BIGINT"
        case .decimal: "DOUBLE PRECISION"
        case .text: "TEXT"
        case .date: "DATE"
        case .boolean: "BOOLEAN"
        }
    }

    /// `'…'` with `'` doubled (standard_conforming_strings is on since 9.1: backslashes are plain).
    public func text(_ value: String) -> String { "'" + value.replacingOccurrences(of: "'", with: "''") + "'" }

    /// `x COLLATE "C"`: byte order of UTF-8, which is code-point order, whatever the database's locale.
    public func codePointOrder(_ sql: String) -> String { "(\(sql) COLLATE \"C\")" }

    /// `EXTRACT(field FROM d)` as BIGINT (EXTRACT gives NUMERIC); `isodow` is PostgreSQL's ISO weekday.
    public func datePart(_ field: String, _ date: String) -> String { "CAST(EXTRACT(\(field.uppercased()) FROM \(date)) AS BIGINT)" }

    /// Half away from zero, as klynge rounds (`roundHalfAwayFromZero`).
    public func round(_ value: String, digits: String) -> String { roundHalfAwayFromZero(value, digits: digits) }

    /// `PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY x)`: type 7, as klynge's median and quantile.
    public func quantile(_ value: String, _ p: Double) -> String {
        "PERCENTILE_CONT(\(p)) WITHIN GROUP (ORDER BY \(value))"
    }

    /// `STRPOS(t, part) > 0`.
    public func contains(_ text: String, _ part: String) -> String { "(STRPOS(\(text), \(part)) > 0)" }

    /// `CONCAT`, which skips nulls.
    public func concat(_ texts: [String]) -> String { "CONCAT(\(texts.joined(separator: ", ")))" }

    /// `TRUNC`, then BIGINT (a plain cast would round).
    public func truncate(_ value: String) -> String { cast("TRUNC(\(value))", to: .integer) }

    /// `a - b`: the difference of two dates is whole days.
    public func daysBetween(_ a: String, _ b: String) -> String { cast("(\(a) - \(b))", to: .integer) }
}
