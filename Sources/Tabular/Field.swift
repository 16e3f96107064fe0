/// A column's name and type, as the planner and plugins see it before anything runs.
public struct Field: Sendable, Equatable {
    /// The column name.
    public var name: String
    /// The column type.
    public var type: DataType
    /// Creates a field.
    public init(_ name: String, _ type: DataType) {
        self.name = name
        self.type = type
    }
}

/// The columns a dataset has or a stage produces.
public typealias Schema = [Field]

extension Table {
    /// The table's columns as a schema.
    public var schema: Schema { columns.map { Field($0.name, $0.type) } }
}
