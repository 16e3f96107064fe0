import Tabular

/// The datasets the planner may name, with their schemas.
public struct Catalog: Sendable {
    /// Dataset schemas by name (`_` is the last result).
    public var datasets: [String: Schema]
    /// Creates a catalog.
    public init(datasets: [String: Schema]) { self.datasets = datasets }
}
