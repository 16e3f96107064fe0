import Tabular

/// A scalar function a plugin adds to expressions, e.g. `derive low = exact_lower(deaths, 95)`:
/// typed before anything runs, then computed over whole columns.
public struct Function: Sendable {
    /// The name users call it by (lowercase).
    public let name: String
    /// How to call it, shown by help, e.g. `exact_lower(count, level) → decimal`.
    public let signature: String
    /// One sentence on what it gives.
    public let summary: String
    /// Checks the argument types (nil for a `null` literal) and gives the result type; throw a
    /// `StageError` whose `argument` is the argument's position ("0", "1", …) to put the caret there.
    public let result: @Sendable (_ types: [DataType?]) throws(StageError) -> DataType
    /// Computes the result for `rows` rows from the arguments, each a column of that length; it must
    /// be a column of the type `result` gave.
    public let run: @Sendable (_ arguments: [Column], _ rows: Int) throws(StageError) -> Column

    /// Creates a function.
    public init(name: String, signature: String, summary: String,
                result: @escaping @Sendable (_ types: [DataType?]) throws(StageError) -> DataType,
                run: @escaping @Sendable (_ arguments: [Column], _ rows: Int) throws(StageError) -> Column) {
        self.name = name
        self.signature = signature
        self.summary = summary
        self.result = result
        self.run = run
    }
}
