import Tabular

/// Spark SQL's spelling (Spark 4, ANSI mode): `` `x` `` (a `"x"` is a string there), `DOUBLE` and
/// `STRING`, backslashes escaped in literals, `DATEDIFF` for days between dates, `CONCAT_WS` (Spark's
/// `CONCAT` gives null when any part is null), `INSTR`. Text compares byte-wise (UTF8_BINARY) by
/// default, which is klynge's code-point order, so no collation is written.
public struct SparkDialect: SQLDialect {
    /// Creates the dialect.
    public init() {}

    /// "spark".
    public var name: String { "spark" }

    /// `` `x` ``, with `` ` `` doubled.
    public func quote(_ identifier: String) -> String { "`" + identifier.replacingOccurrences(of: "`", with: "``") + "`" }

    /// BIGINT, DOUBLE, STRING, DATE, BOOLEAN (never FLOAT: 4 bytes in Spark).
    public func typeName(_ type: DataType) -> String {
        switch type {
        case .integer: "BIGINT"
        case .decimal: "DOUBLE"
        case .text: "STRING"
        case .date: "DATE"
        case .boolean: "BOOLEAN"
        }
    }

    /// `'…'` with backslashes and quotes escaped by a backslash (Spark reads `''` as two literals
    /// run together, not as a quote).
    public func text(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// Spark's default collation (UTF8_BINARY) already orders by code point.
    public func codePointOrder(_ sql: String) -> String { sql }

    /// `EXTRACT(field FROM d)` as BIGINT; ISO weekday is `DAYOFWEEK_ISO`.
    public func datePart(_ field: String, _ date: String) -> String {
        let name = field.lowercased() == "isodow" ? "DAYOFWEEK_ISO" : field.uppercased()
        return "CAST(EXTRACT(\(name) FROM \(date)) AS BIGINT)"
    }

    /// Half away from zero, as klynge rounds (`roundHalfAwayFromZero`).
    public func round(_ value: String, digits: String) -> String { roundHalfAwayFromZero(value, digits: digits) }

    /// `PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY x)`: type 7.
    public func quantile(_ value: String, _ p: Double) -> String { "PERCENTILE_CONT(\(p)) WITHIN GROUP (ORDER BY \(value))" }

    /// `INSTR(t, part) > 0`.
    public func contains(_ text: String, _ part: String) -> String { "(INSTR(\(text), \(part)) > 0)" }

    /// `CONCAT_WS('', …)`, which skips nulls.
    public func concat(_ texts: [String]) -> String { "CONCAT_WS('', \(texts.joined(separator: ", ")))" }

    /// A cast to BIGINT truncates toward zero in Spark (and fails on overflow in ANSI mode).
    public func truncate(_ value: String) -> String { cast(value, to: .integer) }

    /// `DATEDIFF(a, b)`: `a - b` of two dates is an interval in Spark.
    public func daysBetween(_ a: String, _ b: String) -> String { cast("DATEDIFF(\(a), \(b))", to: .integer) }
}
