/// A dataset: named, typed columns of equal length.
public struct Table: Sendable {
    /// The columns, in display order.
    public var columns: [Column]
    /// The number of rows (kept separately so a table with no columns still has rows).
    public var rowCount: Int

    /// Creates a table; every column must have `rowCount` rows.
    public init(columns: [Column], rowCount: Int? = nil) {
        self.columns = columns
        self.rowCount = rowCount ?? columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == self.rowCount }, "columns of unequal length")
    }

    /// The column names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The position of the named column, matched exactly.
    public func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// The named column, matched exactly.
    public func column(_ name: String) -> Column? { index(of: name).map { columns[$0] } }

    /// The rows at the given indices (-1 gives a null row).
    public func gather(_ indices: [Int]) -> Table {
        Table(columns: columns.map { $0.gather(indices) }, rowCount: indices.count)
    }

    /// The rows where `mask` is true.
    public func filter(_ mask: [Bool]) -> Table {
        var indices: [Int] = []
        for (i, keep) in mask.enumerated() where keep { indices.append(i) }
        return gather(indices)
    }

    /// Row i as values, in column order.
    public func row(_ i: Int) -> [Value] { columns.map { $0.value(at: i) } }

    /// Builds a table from rows of values with the given column names and types (tests, small results).
    public static func from(names: [String], types: [DataType], rows: [[Value]]) -> Table {
        let columns = names.indices.map { c in
            Column.from(name: names[c], type: types[c], values: rows.map { $0[c] })
        }
        return Table(columns: columns, rowCount: rows.count)
    }
}
