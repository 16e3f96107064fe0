/// A column's name and type, as the planner and plugins see it before anything runs.
public struct Field: Sendable, Equatable {
    /// The column name.
    public var name: String
    /// The column type.
    public var type: DataType
    /// Whether the column holds at least one value; a column of blanks only (e.g. a CSV column left
    /// empty) has none and fits any type its use asks for, so missing numbers give missing results.
    public var hasValues: Bool
    /// Creates a field.
    public init(_ name: String, _ type: DataType, hasValues: Bool = true) {
        self.name = name
        self.type = type
        self.hasValues = hasValues
    }
}

/// The columns a dataset has or a stage produces.
public typealias Schema = [Field]

extension Table {
    /// The table's columns as a schema.
    public var schema: Schema { columns.map { Field($0.name, $0.type, hasValues: rowCount == 0 || $0.hasValues) } }
}
