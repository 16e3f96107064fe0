import Tabular

extension Evaluator {
    /// A hash join on one key; the left table's row order is kept, null keys never match.
    static func join(_ left: Table, _ right: Table, left isLeft: Bool, leftKey: Int, rightKey: Int, rightColumns: [(Int, String)]) throws -> Table {
        let lk = left.columns[leftKey], rk = right.columns[rightKey]
        // Map both keys into one code space so the probe is an integer lookup.
        let (leftCodes, rightCodes) = sharedCodes(lk, rk)
        var bucket: [Int32: [Int]] = [:]
        for (i, code) in rightCodes.enumerated() where code >= 0 { bucket[code, default: []].append(i) }
        var leftRows: [Int] = []
        var rightRows: [Int] = []
        leftRows.reserveCapacity(left.rowCount)
        rightRows.reserveCapacity(left.rowCount)
        for (i, code) in leftCodes.enumerated() {
            if i & 0xFFFF == 0xFFFF { try Interrupt.check() }
            if code >= 0, let matches = bucket[code] {
                for j in matches { leftRows.append(i); rightRows.append(j) }
            } else if isLeft {
                leftRows.append(i)
                rightRows.append(-1)
            }
        }
        var columns = left.columns.map { $0.gather(leftRows) }
        for (k, name) in rightColumns { columns.append(right.columns[k].gather(rightRows).renamed(name)) }
        return Table(columns: columns, rowCount: leftRows.count)
    }

    /// Codes for two key columns such that equal values get equal codes across both; -1 for null.
    static func sharedCodes(_ a: Column, _ b: Column) -> ([Int32], [Int32]) {
        if case .text(let x) = a.data, case .text(let y) = b.data {
            var lookup: [String: Int32] = [:]
            for (code, s) in y.dictionary.enumerated() where lookup[s] == nil { lookup[s] = Int32(code) }
            let translate = x.dictionary.map { lookup[$0] ?? -2 }
            let left = (0..<a.count).map { i -> Int32 in a.isNull(i) || x.codes[i] < 0 ? -1 : translate[Int(x.codes[i])] }
            let right = (0..<b.count).map { i -> Int32 in b.isNull(i) ? -1 : y.codes[i] }
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
