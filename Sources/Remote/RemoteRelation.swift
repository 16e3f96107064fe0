import Tabular

/// A table or view of a connected database, seen as a dataset: its name in SQL and its columns in
/// klynge's types (read from the database's catalog; no row is read).
public struct RemoteRelation: Sendable {
    /// One column: its name, klynge's type, and the engine's own type name.
    public struct Column: Sendable {
        /// The column's name.
        public var name: String
        /// klynge's type for it.
        public var type: DataType
        /// The engine's type, as its catalog spells it ("integer", "character varying").
        public var engineType: String
        /// Whether the engine's type is the one klynge's type maps to (BIGINT for integer): no cast needed.
        public var exact: Bool
        /// Creates a column.
        public init(name: String, type: DataType, engineType: String, exact: Bool) {
            self.name = name
            self.type = type
            self.engineType = engineType
            self.exact = exact
        }
    }

    /// The dataset name it appears under.
    public var dataset: String
    /// Its name in the engine, quoted and qualified (`"public"."billing"`).
    public var sql: String
    /// Its name in the engine as people write it (`public.billing`).
    public var qualifiedName: String
    /// Whether it is a view.
    public var isView: Bool
    /// Its columns, in order.
    public var columns: [Column]

    /// Creates a relation.
    public init(dataset: String, sql: String, qualifiedName: String, isView: Bool, columns: [Column]) {
        self.dataset = dataset
        self.sql = sql
        self.qualifiedName = qualifiedName
        self.isView = isView
        self.columns = columns
    }

    /// The columns as a schema, for the planner.
    public var schema: Schema { columns.map { Field($0.name, $0.type) } }
}
