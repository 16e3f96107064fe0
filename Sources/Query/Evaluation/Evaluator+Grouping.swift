import Tabular

extension Evaluator {
    /// Per row, a dense code for its value (equal values, equal codes); -1 for null.
    public static func keyCodes(_ c: Column) -> [Int32] {
        switch c.data {
        case .text(let t):
            let codes = t.codes
            return c.validity == nil ? codes : (0..<c.count).map { c.isNull($0) ? -1 : codes[$0] }
        case .boolean(let v):
            return (0..<v.count).map { c.isNull($0) ? -1 : (v[$0] ? 1 : 0) }
        default:
            let bits: [UInt64]
            switch c.data {
            case .integer(let v): bits = v.map { UInt64(bitPattern: $0) }
            case .decimal(let v): bits = v.map { ($0 == 0 ? 0 : $0).bitPattern }
            case .date(let v): bits = v.map { UInt64(UInt32(bitPattern: $0)) }
            default: bits = []
            }
            var map: [UInt64: Int32] = [:]
            var out = [Int32](repeating: -1, count: bits.count)
            for i in bits.indices where !c.isNull(i) {
                if let code = map[bits[i]] { out[i] = code } else {
                    let code = Int32(map.count)
                    map[bits[i]] = code
                    out[i] = code
                }
            }
            return out
        }
    }

    /// Assigns each row a group for the combination of its key values.
    ///
    /// Returns the group of each row, the number of groups, and each group's first row. With no
    /// keys every row is in one group (which exists even when there are no rows).
    public static func groupIds(_ keys: [Column], rows n: Int) throws -> (ids: [Int32], count: Int, firstRows: [Int]) {
        guard !keys.isEmpty else { return ([Int32](repeating: 0, count: n), 1, n > 0 ? [0] : [-1]) }
        if keys.count == 1, let byCode = try groupsByTextCode(keys[0], rows: n) { return byCode }
        var ids = [Int32](repeating: 0, count: n)
        var count = 1
        var firstRows: [Int] = []
        for key in keys {
            let codes = keyCodes(key)
            // A group is made at its first row, so the last key's pass knows each group's first row.
            firstRows = []
            // Key codes are dense (−1 for null, then 0 up to the number of values), so when the
            // groups so far times the codes fit in a small array, a group is an array slot away —
            // no hashing per row (measured in the issue 13 notes: the hot questions group 10M rows).
            let width = Int(codes.max() ?? -1) + 2
            if count * width <= 1 << 22 {
                var slots = [Int32](repeating: -1, count: count * width)
                var next: Int32 = 0
                try ids.withUnsafeMutableBufferPointer { ids in
                    try codes.withUnsafeBufferPointer { codes in
                        try slots.withUnsafeMutableBufferPointer { slots in
                            for i in 0..<n {
                                if i & 0xFFFF == 0xFFFF { try Interrupt.check() }
                                let slot = Int(ids[i]) * width + Int(codes[i]) + 1
                                var g = slots[slot]
                                if g < 0 { g = next; slots[slot] = g; next += 1; firstRows.append(i) }
                                ids[i] = g
                            }
                        }
                    }
                }
                count = Int(next)
                continue
            }
            var map: [Int64: Int32] = [:]
            map.reserveCapacity(min(n, 1 << 16))
            for i in 0..<n {
                if i & 0xFFFF == 0xFFFF { try Interrupt.check() }
                let combined = Int64(ids[i]) << 32 | Int64(UInt32(bitPattern: codes[i]))
                if let g = map[combined] { ids[i] = g } else {
                    let g = Int32(map.count)
                    map[combined] = g
                    ids[i] = g
                    firstRows.append(i)
                }
            }
            count = map.count
        }
        return (ids, count, count == 0 ? [] : firstRows)
    }

    /// One text key whose every dictionary entry occurs and which has no nulls (a loaded column,
    /// grouped as it is): its codes are the groups as they stand, with no array of group ids to
    /// build (measured: `summarize … by service_code` over 10M rows, see README "Speed"). The
    /// search for each group's first row stops once every entry has been seen. Nil otherwise.
    static func groupsByTextCode(_ key: Column, rows n: Int) throws -> (ids: [Int32], count: Int, firstRows: [Int])? {
        guard key.validity == nil, case .text(let t) = key.data, !t.dictionary.isEmpty, t.dictionary.count <= n else { return nil }
        var firstRows = [Int](repeating: -1, count: t.dictionary.count)
        var missing = t.dictionary.count
        t.codes.withUnsafeBufferPointer { codes in
            var i = 0
            while i < n, missing > 0 {
                let code = Int(codes[i])
                if firstRows[code] < 0 { firstRows[code] = i; missing -= 1 }
                i += 1
            }
        }
        try Interrupt.check()
        return missing == 0 ? (t.codes, t.dictionary.count, firstRows) : nil
    }

    /// `summarize`: groups, aggregates per group, output expressions; groups sorted by key.
    static func aggregate(_ table: Table, keys: [(String, BoundExpr)], calls: [AggregateCall], outputs: [(String, BoundExpr)]) throws -> Table {
        let n = table.rowCount
        var keyColumns: [Column] = []
        for (name, e) in keys { keyColumns.append(try evaluate(e, table).column(n).renamed(name)) }
        let (ids, groupCount, firstRows) = try groupIds(keyColumns, rows: n)
        try Interrupt.check()
        var groupColumns = keys.isEmpty ? [] : keyColumns.map { $0.gather(firstRows) }
        for (k, call) in calls.enumerated() {
            var argument: Column? = nil
            if let e = call.argument { argument = try evaluate(e, table).column(n) }
            do {
                groupColumns.append(try call.function.compute(argument, ids, groupCount, call.parameter, call.type).renamed("#\(k)"))
            } catch let overflow as IntegerOverflow {
                throw overflow.diagnostic(.call(ScalarFunction.named(call.function.name), call.argument.map { [$0] } ?? [], call.type))
            }
        }
        let groupTable = Table(columns: groupColumns, rowCount: groupCount)
        var result = Array(groupColumns.prefix(keys.count))
        for (name, e) in outputs { result.append(try evaluate(e, groupTable).column(groupCount).renamed(name)) }
        let unsorted = Table(columns: result, rowCount: groupCount)
        if keys.isEmpty { return unsorted }
        return unsorted.gather(sortedIndices(unsorted.columns.prefix(keys.count).map { ($0, false) }, rows: groupCount))
    }
}
