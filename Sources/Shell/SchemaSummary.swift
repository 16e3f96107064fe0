import Query
import Tabular

/// The table `.schema` shows: per column its type, nulls, distinct values, min and max.
enum SchemaSummary {
    static func of(_ table: Table) -> Table {
        var rows: [[Value]] = []
        for column in table.columns {
            let codes = Evaluator.keyCodes(column)
            let distinct = Set(codes.filter { $0 >= 0 }).count
            var minimum: Value = .null, maximum: Value = .null
            if column.type != .boolean {
                let order = Evaluator.sortedIndices([(column, false)], rows: column.count).filter { !column.isNull($0) }
                if let first = order.first, let last = order.last {
                    minimum = column.value(at: first)
                    maximum = column.value(at: last)
                }
            }
            func show(_ v: Value) -> Value { v.isNull ? .null : .text(v.description) }
            rows.append([.text(column.name), .text(column.type.rawValue), .integer(Int64(column.nullCount)), .integer(Int64(distinct)),
                         show(minimum), show(maximum)])
        }
        return Table.from(names: ["column", "type", "nulls", "distinct", "min", "max"],
                          types: [.text, .text, .integer, .integer, .text, .text], rows: rows)
    }
}
