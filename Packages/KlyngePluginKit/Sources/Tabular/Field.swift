/// What a column means, declared by the stage that makes it, so that disclosure control, charts
/// and the planner read meaning instead of guessing it from column names.
public enum Role: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Events or people of one unit (services, deaths, answers): hidden when small.
    case count
    /// What a count is out of (list sizes, populations, respondents): hidden when small, never
    /// counted into a row's total.
    case denominator
    /// A figure pooled over many units (cluster and region rates, funnel targets and limits, φ, τ²): stays.
    case pooled
    /// A unit's own rate, proportion or ratio: blanked when its count is hidden.
    case statistic
    /// A confidence limit of a unit's statistic: blanked when its count is hidden.
    case limit
    /// A key or code (practice id, service code): shown as it is.
    case identifier
    /// A name, category or free text.
    case label
    /// A time: year, month, period.
    case period
    /// Words about a row: method, flag, status, notes.
    case note

    /// The role's name as `.schema` and plugin manifests write it.
    public var description: String { rawValue }
}

/// A column's name and type, as the planner and plugins see it before anything runs.
public struct Field: Sendable, Equatable {
    /// The column name.
    public var name: String
    /// The column type.
    public var type: DataType
    /// Whether the column holds at least one value; a column of blanks only (e.g. a CSV column left
    /// empty) has none and fits any type its use asks for, so missing numbers give missing results.
    public var hasValues: Bool
    /// What the column means, when the stage that made it said so (nil: inferred from name and type).
    public var role: Role?
    /// Creates a field.
    public init(_ name: String, _ type: DataType, hasValues: Bool = true, role: Role? = nil) {
        self.name = name
        self.type = type
        self.hasValues = hasValues
        self.role = role
    }

    /// The same field with a role.
    public func with(_ role: Role?) -> Field {
        var f = self
        f.role = role
        return f
    }
}

/// The columns a dataset has or a stage produces.
public typealias Schema = [Field]

extension Table {
    /// The table's columns as a schema (roles are not stored in a table; plans and sessions carry them).
    public var schema: Schema { columns.map { Field($0.name, $0.type, hasValues: rowCount == 0 || $0.hasValues) } }
}

extension Array where Element == Field {
    /// The declared roles by column name.
    public var roles: [String: Role] {
        var out: [String: Role] = [:]
        for f in self { if let r = f.role { out[f.name] = r } }
        return out
    }
}
