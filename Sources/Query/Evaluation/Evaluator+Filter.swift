import Tabular

extension Evaluator {
    /// `where`: the rows for which the predicate is true (not false, not null), in order.
    ///
    /// A conjunction is narrowed one part at a time: a part that compares a column with constants
    /// (`service_code in ("0130", "0421")`, `service_date >= @2023-01-01`, `x is null`, a boolean
    /// column) is tested only on the rows the parts before it kept, without building a column of
    /// results per part (measured: the bench's palliation filter over 10M rows, 117 ms before, see
    /// README "Speed"). Any other part is evaluated as before, over all rows, so its errors (an
    /// integer overflow in row 7) are the same as they were.
    static func selectedRows(_ predicate: BoundExpr, _ t: Table) throws -> [Int] {
        var rows: [Int]? = nil
        for part in conjuncts(predicate) {
            if let test = RowTest(part, t) {
                rows = test.select(rows, count: t.rowCount)
            } else {
                let c = try evaluate(part, t).column(t.rowCount)
                guard case .boolean(let flags) = c.data else { continue }
                let keep = { (i: Int) in flags[i] && !c.isNull(i) }
                rows = rows.map { $0.filter(keep) } ?? (0..<t.rowCount).filter(keep)
            }
        }
        return rows ?? Array(0..<t.rowCount)
    }

    /// The parts of `a and b and …`, in order.
    static func conjuncts(_ e: BoundExpr) -> [BoundExpr] {
        if case .binary("and", let a, let b, _) = e { return conjuncts(a) + conjuncts(b) }
        return [e]
    }
}

/// A test of one column against constants, decided per row without building a column: true only
/// where the expression evaluated by `Evaluator.evaluate` would be true (a null row never passes).
struct RowTest {
    /// How a row is tested; the common shapes get loops of their own (a closure call per row cost
    /// more than the test itself over 10M rows).
    private enum Kind {
        /// Text: the row's code looks up the answer decided once per distinct value.
        case codes([Int32], [Bool])
        case integers([Int64], Evaluator.Comparison, Int64)
        case dates([Int32], Evaluator.Comparison, Int32)
        case doubles([Double], Evaluator.Comparison, Double)
        case booleans([Bool])
        /// Anything else, a row at a time.
        case row((Int) -> Bool)
        /// No row passes (a comparison with null).
        case none
    }

    private let kind: Kind
    /// The column's validity: a null row fails every test except `is null`.
    private let validity: [Bool]?

    /// The test for `column op constant`, `constant op column`, `column [not] in (…)`,
    /// `column is [not] null` or a boolean column; nil for any other expression.
    init?(_ e: BoundExpr, _ t: Table) {
        switch e {
        case .column(let i, .boolean, _):
            guard case .boolean(let v) = t.columns[i].data else { return nil }
            kind = .booleans(v)
            validity = t.columns[i].validity
        case .isNull(.column(let i, _, _), let negated):
            let c = t.columns[i]
            kind = .row { c.isNull($0) != negated }
            validity = nil
        case .inList(.column(let i, _, _), let values, let negated):
            let c = t.columns[i]
            if case .text(let s) = c.data {
                kind = .codes(s.codes, Evaluator.membership(dictionary: s.dictionary, values, negated: negated))
            } else {
                kind = .row(Evaluator.membership(c, values, negated: negated))
            }
            validity = c.validity
        case .binary(let op, .column(let i, _, _), .literal(let v, let type), _) where Self.comparisons.contains(op):
            guard let k = Self.compare(t.columns[i], Evaluator.Comparison(op), v, type) else { return nil }
            kind = k
            validity = t.columns[i].validity
        case .binary(let op, .literal(let v, let type), .column(let i, _, _), _) where Self.comparisons.contains(op):
            guard let k = Self.compare(t.columns[i], Evaluator.Comparison(Evaluator.flipped(op)), v, type) else { return nil }
            kind = k
            validity = t.columns[i].validity
        default:
            return nil
        }
    }

    private static let comparisons: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    /// `column op constant`, comparing as `Evaluator.compare` does (same-type integers and dates
    /// natively, other numbers as doubles, text by code point).
    private static func compare(_ c: Column, _ op: Evaluator.Comparison, _ v: Value, _ type: DataType) -> Kind? {
        if v.isNull { return Kind.none }
        switch (c.data, v) {
        case (.text(let s), .text(let constant)):
            return .codes(s.codes, s.dictionary.map { Evaluator.test(op, $0, constant) })
        case (.integer(let x), .integer(let constant)):
            return .integers(x, op, constant)
        case (.date(let x), .date(let constant)):
            return .dates(x, op, constant)
        case (.integer, _), (.decimal, _):
            guard c.type.isNumeric, type.isNumeric, let constant = v.doubleValue else { return nil }
            return .doubles(c.doubles(), op, constant)
        default:
            return nil
        }
    }

    /// The rows among `rows` (all `count` rows when nil) that pass, in order.
    func select(_ rows: [Int]?, count: Int) -> [Int] {
        switch kind {
        case .codes(let codes, let perEntry): return pick(rows, count) { codes[$0] >= 0 && perEntry[Int(codes[$0])] }
        case .integers(let x, let op, let k): return pick(rows, count) { Evaluator.test(op, x[$0], k) }
        case .dates(let x, let op, let k): return pick(rows, count) { Evaluator.test(op, x[$0], k) }
        case .doubles(let x, let op, let k): return pick(rows, count) { Evaluator.test(op, x[$0], k) }
        case .booleans(let x): return pick(rows, count) { x[$0] }
        case .row(let test): return pick(rows, count, test)
        case .none: return []
        }
    }

    /// The rows that pass `keep` and are not null.
    @inline(__always) private func pick(_ rows: [Int]?, _ count: Int, _ keep: (Int) -> Bool) -> [Int] {
        var out: [Int] = []
        if let rows {
            out.reserveCapacity(rows.count)
            if let validity {
                for i in rows where keep(i) && validity[i] { out.append(i) }
            } else {
                for i in rows where keep(i) { out.append(i) }
            }
        } else if let validity {
            for i in 0..<count where keep(i) && validity[i] { out.append(i) }
        } else {
            for i in 0..<count where keep(i) { out.append(i) }
        }
        return out
    }
}
