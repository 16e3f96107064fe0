import Tabular

extension Evaluator {
    /// A hash join on one key; the left table's row order is kept, null keys never match.
    /// A hash join on one key; with a `limit`, the output is counted before it is built, and one
    /// with more rows is a `JoinLimit` error (a key that repeats on both sides multiplies rows).
    static func join(_ left: Table, _ right: Table, left isLeft: Bool, leftKey: Int, rightKey: Int, rightColumns: [(Int, String)],
                     limit: Int? = nil) throws -> Table {
        let lk = left.columns[leftKey], rk = right.columns[rightKey]
        // Map both keys into one code space so the probe is an integer lookup.
        let (leftCodes, rightCodes) = sharedCodes(lk, rk)
        var bucket: [Int32: [Int]] = [:]
        for (i, code) in rightCodes.enumerated() where code >= 0 { bucket[code, default: []].append(i) }
        if let limit {
            var total = 0
            for code in leftCodes { total += code >= 0 ? (bucket[code]?.count ?? (isLeft ? 1 : 0)) : (isLeft ? 1 : 0) }
            if total > limit {
                throw JoinLimit(rows: total, limit: limit, leftRows: left.rowCount, rightRows: right.rowCount,
                                columns: left.columns.count + rightColumns.count)
            }
        }
        var leftRows: [Int] = []
        var rightRows: [Int] = []
        leftRows.reserveCapacity(left.rowCount)
        rightRows.reserveCapacity(left.rowCount)
        // Ctrl-C is checked by rows made, not rows read: one key can match a million rows.
        var nextCheck = 1 << 16
        for (i, code) in leftCodes.enumerated() {
            if leftRows.count >= nextCheck || i & 0xFFFF == 0xFFFF {
                try Interrupt.check()
                nextCheck = leftRows.count + (1 << 16)
            }
            if code >= 0, let matches = bucket[code] {
                for j in matches { leftRows.append(i); rightRows.append(j) }
            } else if isLeft {
                leftRows.append(i)
                rightRows.append(-1)
            }
        }
        var columns: [Column] = []
        for column in left.columns { try Interrupt.check(); columns.append(column.gather(leftRows)) }
        for (k, name) in rightColumns { try Interrupt.check(); columns.append(right.columns[k].gather(rightRows).renamed(name)) }
        return Table(columns: columns, rowCount: leftRows.count)
    }

    /// Codes for two key columns such that equal values get equal codes across both; -1 for null.
    static func sharedCodes(_ a: Column, _ b: Column) -> ([Int32], [Int32]) {
        if case .text(let x) = a.data, case .text(let y) = b.data {
            var lookup: [String: Int32] = [:]
            for (code, s) in y.dictionary.enumerated() where lookup[s] == nil { lookup[s] = Int32(code) }
            let translate = x.dictionary.map { lookup[$0] ?? -2 }
            let xCodes = x.codes, yCodes = y.codes
            let left = (0..<a.count).map { i -> Int32 in a.isNull(i) || xCodes[i] < 0 ? -1 : translate[Int(xCodes[i])] }
            let right = (0..<b.count).map { i -> Int32 in b.isNull(i) ? -1 : yCodes[i] }
            return (left.map { $0 == -2 ? -1 : $0 }, right)
        }
        let useDoubles = a.type == .decimal || b.type == .decimal
        var map: [UInt64: Int32] = [:]
        func codes(_ c: Column, insert: Bool) -> [Int32] {
            let bits: [UInt64] = useDoubles ? c.doubles().map { ($0 == 0 ? 0 : $0).bitPattern } : c.int64s().map { UInt64(bitPattern: $0) }
            return bits.indices.map { i -> Int32 in
                if c.isNull(i) { return -1 }
                if let code = map[bits[i]] { return code }
                guard insert else { return -1 }
                let code = Int32(map.count)
                map[bits[i]] = code
                return code
            }
        }
        let right = codes(b, insert: true)
        let left = codes(a, insert: false)
        return (left, right)
    }
}

/// A join that would make more rows than the limit: said with the count before any of it is built.
struct JoinLimit: Error {
    /// The limit when `set max_join_rows` has not changed it.
    static let defaultRows = 10_000_000
    /// The rows the join would make, counted exactly from the keys.
    var rows: Int
    /// The limit in force.
    var limit: Int
    /// The rows on each side.
    var leftRows: Int, rightRows: Int
    /// The columns of the result.
    var columns: Int

    func diagnostic(dataset: String, key: String, at range: SourceRange) -> Diagnostic {
        let f = NumberFormat.grouped
        let gigabytes = Double(rows) * Double(columns) * 8 / 1e9
        return Diagnostic("this join would make \(f(rows)) rows (\(f(leftRows)) rows joined with \(f(rightRows)) on \(key)), about \(String(format: "%.1f", gigabytes)) GB; the limit is \(f(limit))",
                          at: range, notes: ["a key that repeats in both tables multiplies the rows: each match is a row"],
                          suggestion: "summarize \(dataset) to one row per \(key) first, or end the join with `allow many` to go ahead (`set max_join_rows N` changes the limit)")
    }
}
