import Tabular

extension Evaluator {
    /// The row order that sorts by the keys (nulls last in either direction; ties keep input order).
    public static func sortedIndices(_ keys: [(Column, Bool)], rows n: Int) -> [Int] {
        enum Key {
            case ints([Int64])
            case doubles([Double])
        }
        let prepared: [(Key, Column, Bool)] = keys.map { column, descending in
            switch column.data {
            case .decimal(let v): return (.doubles(v), column, descending)
            case .text(let t):
                let ranks = t.ranks()
                return (.ints(t.codes.map { $0 < 0 ? 0 : Int64(ranks[Int($0)]) }), column, descending)
            default: return (.ints(column.int64s()), column, descending)
            }
        }
        var indices = Array(0..<n)
        if prepared.count == 1, case .ints(let v) = prepared[0].0, prepared[0].1.validity == nil {
            let descending = prepared[0].2
            indices.sort { a, b in v[a] != v[b] ? (descending ? v[a] > v[b] : v[a] < v[b]) : a < b }
            return indices
        }
        indices.sort { a, b in
            for (key, column, descending) in prepared {
                let nullA = column.isNull(a), nullB = column.isNull(b)
                if nullA != nullB { return nullB }
                if nullA { continue }
                switch key {
                case .ints(let v):
                    if v[a] != v[b] { return descending ? v[a] > v[b] : v[a] < v[b] }
                case .doubles(let v):
                    if v[a] != v[b] { return descending ? v[a] > v[b] : v[a] < v[b] }
                }
            }
            return a < b
        }
        return indices
    }
}
