import PluginKit
import Query
import Tabular

/// Compiles a plan that starts from a database table into one SQL statement with one CTE per
/// stage (`s2_summarize`), as far as the stages go in SQL; the rest runs here on what comes back.
///
/// | stage | SQL |
/// |---|---|
/// | scan | `SELECT` of the table, columns cast to klynge's types where the engine's differ |
/// | `where` | `WHERE` |
/// | `select`, `derive`, `rename` | a `SELECT` list (a `derive` item may use the ones before it: inlined) |
/// | `summarize` | `GROUP BY` the keys, outputs over the aggregates |
/// | `join` | `[LEFT] JOIN` a table of the same database, or a small local dataset as `VALUES` |
/// | `sort`, `distinct` | a row number `ROW_NUMBER() OVER (ORDER BY …)`, carried on as a hidden column |
/// | `take` | `ORDER BY` the row number `LIMIT n` |
/// | plugin stage | split by the stage's `StageSplit`: `.rows` ends the SQL, `.sums` adds a `GROUP BY` CTE |
///
/// Row order is klynge's: `summarize` and `distinct` sort by their keys, `sort` is stable, text
/// sorts by code point and nulls sort last; the generator carries the order as a hidden row
/// number (`_row`) so the final `SELECT` returns rows in the order the in-memory run would.
public struct SQLGenerator {
    /// The engine's spelling.
    public let dialect: SQLDialect
    /// The database's tables and views, by dataset name.
    public let relations: [String: RemoteRelation]
    /// Local datasets a `join` may send as `VALUES`, by name.
    public let localTables: [String: Table]
    /// The most rows a local dataset may have to be sent as `VALUES`.
    public let maxValuesRows: Int

    /// Creates a generator.
    public init(dialect: SQLDialect, relations: [String: RemoteRelation], localTables: [String: Table] = [:], maxValuesRows: Int = 10_000) {
        self.dialect = dialect
        self.relations = relations
        self.localTables = localTables
        self.maxValuesRows = maxValuesRows
    }

    /// The relation a CTE produces: its name, its visible columns and the hidden row-number column when its order is defined.
    struct Relation {
        var name: String
        var columns: [String]
        var order: String?
    }

    var expressions: SQLExpressions { SQLExpressions(dialect: dialect) }

    /// What one stage becomes.
    enum Step {
        /// Nothing in SQL (a chart's pass-through).
        case skip
        /// A CTE and the relation it produces.
        case cte(String, Relation)
        /// The stage runs here from this point: why, and whether it was meant to (a split by rows).
        case local(String, splittable: Bool)
        /// A plugin stage split by sums: the CTE, the stage rebound to the sums, and their columns.
        case sums(String, PlannedStage, Schema)
    }

    func step(_ stage: PlannedStage, input: Schema, from current: Relation, orderName: String) throws(Unpushable) -> Step {
        switch stage.operation {
        case .passThrough:
            return .skip
        case .plugin(let call):
            let shapes = ArgumentShapes(types: call.expressions.mapValues(\.type), numbers: call.numbers, labels: call.labels,
                                        listTypes: call.lists.mapValues { $0.map(\.type) }, listLabels: call.listLabels)
            guard let split = call.stage.split?(shapes) else {
                return .local("the stage '\(call.stage.name)' cannot be split", splittable: false)
            }
            switch split {
            case .rows:
                return .local("\(call.stage.name) finishes here on the rows the engine computes", splittable: true)
            case .sums(let keys, let sums):
                let (body, rewritten, names) = try reduction(call, keys: keys, sums: sums, input: current)
                var local = stage
                local.operation = .plugin(rewritten)
                let types = (keys + sums).compactMap { call.expressions[$0]?.type }
                return .sums(body, local, zip(names, types).map { Field($0, $1) })
            @unknown default:
                return .local("the stage '\(call.stage.name)' splits in a way this klynge does not know", splittable: false)
            }
        default:
            let (body, next) = try self.stage(stage.operation, input: input, from: current, output: stage.output, orderName: orderName)
            return .cte(body, next)
        }
    }

    /// The plan in SQL as far as it goes; throws when even the scan cannot be expressed.
    public func generate(_ plan: Plan) throws(Diagnostic) -> SQLQuery {
        guard let table = relations[plan.source] else { throw Diagnostic("'\(plan.source)' is not a table of this database") }
        let orderName = hiddenName(plan)
        var query = SQLQuery(dialect: dialect.name, orderColumn: orderName)
        var ctes: [(name: String, stage: Int?, body: String)] = []
        ctes.append(("s0_scan", nil, scan(table)))
        var current = Relation(name: "s0_scan", columns: table.columns.map(\.name), order: nil)
        var input = plan.sourceSchema
        var k = 0
        stages: while k < plan.stages.count {
            let stage = plan.stages[k]
            let name = "s\(k + 1)_" + Self.identifier(stage.label)
            let step = Result { () throws(Unpushable) -> Step in try self.step(stage, input: input, from: current, orderName: orderName) }
            switch step {
            case .failure(let reason):
                if reason.refused {
                    query.refusal = (k, reason.what)
                } else {
                    query.localReason = "\(stage.label): \(reason.what) has no \(dialect.name) form"
                    query.unsplit = stage.label
                }
                break stages
            case .success(.skip):
                break
            case .success(.cte(let body, let next)):
                ctes.append((name, k, body))
                current = Relation(name: name, columns: next.columns, order: next.order)
            case .success(.local(let reason, let splittable)):
                query.localReason = reason
                if !splittable { query.unsplit = stage.label }
                break stages
            case .success(.sums(let body, let local, let schema)):
                ctes.append((name + "_sums", k, body))
                current = Relation(name: name + "_sums", columns: schema.map(\.name), order: nil)
                query.reducedStage = local
                query.reducedSchema = schema
                query.localReason = "\(stage.label) finishes here on the sums per group"
                query.output = schema
                break stages
            }
            input = stage.output
            k += 1
            query.pushed = k
        }
        if query.reducedStage == nil { query.output = input }
        // The statement, with where each CTE's text starts (an engine's error position maps to a stage).
        var text = "WITH "
        for (i, cte) in ctes.enumerated() {
            if i > 0 { text += ",\n" }
            let start = text.unicodeScalars.count
            text += "\(cte.name) AS (\n  \(cte.body)\n)"
            query.parts.append(SQLQuery.Part(name: cte.name, stage: cte.stage, range: start..<text.unicodeScalars.count))
        }
        let visible = current.columns.map(q).joined(separator: ", ")
        let finalStart = text.unicodeScalars.count
        text += "\nSELECT \(visible) FROM \(current.name)"
        if let order = current.order { text += " ORDER BY \(q(order))" }
        query.parts.append(SQLQuery.Part(name: "result", stage: nil, range: finalStart..<text.unicodeScalars.count))
        query.text = text
        query.ordered = current.order != nil
        return query
    }

    /// The hidden row-number column's name: `_row`, or `_row_2`, … when a column has that name.
    func hiddenName(_ plan: Plan) -> String {
        var taken = Set(plan.sourceSchema.map(\.name))
        for s in plan.stages { for f in s.output { taken.insert(f.name) } }
        var name = "_row", n = 2
        while taken.contains(name) { name = "_row_\(n)"; n += 1 }
        return name
    }

    func q(_ name: String) -> String { dialect.quote(name) }

    /// A table's rows: every column under its name, cast where the engine's type differs from klynge's.
    func scan(_ table: RemoteRelation) -> String {
        let list = table.columns.map { c in c.exact ? q(c.name) : "\(dialect.cast(q(c.name), to: c.type)) AS \(q(c.name))" }
        return "SELECT \(list.joined(separator: ", ")) FROM \(table.sql)"
    }

    /// A stage label as part of a CTE name (letters, digits, underscores).
    static func identifier(_ label: String) -> String {
        String(label.map { $0.isLetter || $0.isNumber ? $0 : "_" }).lowercased()
    }

    /// The columns of a relation as the environment expressions are written in.
    func env(_ relation: Relation) -> [String] { relation.columns.map(q) }

    /// An ORDER BY key in klynge's order: code points for text, nulls last either way.
    func orderKey(_ sql: String, _ type: DataType, descending: Bool) -> String {
        (type == .text ? dialect.codePointOrder(sql) : sql) + (descending ? " DESC" : " ASC") + " NULLS LAST"
    }

    /// One core stage: its CTE body and the relation it produces.
    func stage(_ operation: Operation, input: Schema, from current: Relation, output: Schema, orderName: String) throws(Unpushable) -> (String, Relation) {
        let env = env(current)
        let carried = current.order.map { ", " + q($0) } ?? ""
        switch operation {
        case .filter(let predicate):
            return ("SELECT * FROM \(current.name) WHERE \(try expressions.sql(predicate, env))", current)
        case .project(let items):
            var list: [String] = []
            for (name, e) in items {
                let s = try expressions.sql(e, env)
                list.append(s == q(name) ? s : "\(s) AS \(q(name))")
            }
            return ("SELECT \(list.joined(separator: ", "))\(carried) FROM \(current.name)", Relation(name: "", columns: items.map(\.0), order: current.order))
        case .extend(let items):
            var columns = env
            var names = current.columns
            for (name, e, replaces) in items {
                let s = try expressions.sql(e, columns)
                if let replaces { columns[replaces] = s; names[replaces] = name } else { columns.append(s); names.append(name) }
            }
            let list = zip(columns, names).map { $0 == q($1) ? $0 : "\($0) AS \(q($1))" }
            return ("SELECT \(list.joined(separator: ", "))\(carried) FROM \(current.name)", Relation(name: "", columns: names, order: current.order))
        case .aggregate(let keys, let calls, let outputs):
            var keySQL: [String] = []
            for (_, e) in keys { keySQL.append(try expressions.sql(e, env)) }
            var groupEnv = keySQL
            for call in calls { groupEnv.append(try expressions.aggregate(call, env)) }
            var list = zip(keySQL, keys).map { $0 == q($1.0) ? $0 : "\($0) AS \(q($1.0))" }
            for (name, e) in outputs { list.append("\(try expressions.sql(e, groupEnv)) AS \(q(name))") }
            var body = "SELECT \(list.joined(separator: ", "))"
            var order: String? = nil
            if !keys.isEmpty {
                let by = zip(keySQL, keys).map { orderKey($0, $1.1.type, descending: false) }.joined(separator: ", ")
                body += ", ROW_NUMBER() OVER (ORDER BY \(by)) AS \(q(orderName))"
                order = orderName
            }
            body += " FROM \(current.name)"
            if !keys.isEmpty { body += " GROUP BY \(keySQL.joined(separator: ", "))" }
            return (body, Relation(name: "", columns: output.map(\.name), order: order))
        case .join(let left, let dataset, let leftKey, let rightKey, let rightColumns, _, _):
            let right = try joined(dataset)
            var list = current.columns.map { "l.\(q($0))" }
            for (k, name) in rightColumns { list.append("r.\(q(right.columns[k])) AS \(q(name))") }
            if let order = current.order { list.append("l.\(q(order))") }
            let body = "SELECT \(list.joined(separator: ", ")) FROM \(current.name) AS l \(left ? "LEFT JOIN" : "JOIN") \(right.sql) AS r ON l.\(q(current.columns[leftKey])) = r.\(q(right.columns[rightKey]))"
            return (body, Relation(name: "", columns: output.map(\.name), order: current.order))
        case .sort(let keys):
            var by: [String] = []
            for (e, descending) in keys { by.append(orderKey(try expressions.sql(e, env), e.type, descending: descending)) }
            // Stable: ties keep the input's order when it has one.
            if let order = current.order { by.append(q(order)) }
            let list = current.columns.map(q).joined(separator: ", ")
            return ("SELECT \(list), ROW_NUMBER() OVER (ORDER BY \(by.joined(separator: ", "))) AS \(q(orderName)) FROM \(current.name)",
                    Relation(name: "", columns: current.columns, order: orderName))
        case .limit(let n):
            if let order = current.order { return ("SELECT * FROM \(current.name) ORDER BY \(q(order)) LIMIT \(n)", current) }
            return ("SELECT * FROM \(current.name) LIMIT \(n)", current)
        case .distinct(let indices):
            let names = indices.map { current.columns[$0] }
            let list = names.map(q).joined(separator: ", ")
            let by = indices.map { orderKey(q(current.columns[$0]), input[$0].type, descending: false) }.joined(separator: ", ")
            return ("SELECT \(list), ROW_NUMBER() OVER (ORDER BY \(by)) AS \(q(orderName)) FROM (SELECT DISTINCT \(list) FROM \(current.name)) AS d",
                    Relation(name: "", columns: names, order: orderName))
        case .rename(let pairs):
            var names = current.columns
            for (i, name) in pairs { names[i] = name }
            let list = zip(current.columns, names).map { $0 == $1 ? q($0) : "\(q($0)) AS \(q($1))" }
            return ("SELECT \(list.joined(separator: ", "))\(carried) FROM \(current.name)", Relation(name: "", columns: names, order: current.order))
        case .plugin, .passThrough:
            throw Unpushable("this stage")
        }
    }

    /// The right side of a join: a table of this database (its columns cast as in a scan), or a
    /// small local dataset as `VALUES`.
    func joined(_ dataset: String) throws(Unpushable) -> (sql: String, columns: [String]) {
        if let table = relations[dataset] { return ("(\(scan(table)))", table.columns.map(\.name)) }
        guard let local = localTables[dataset] else { throw Unpushable("the dataset '\(dataset)'") }
        guard local.rowCount <= maxValuesRows else {
            throw Unpushable("the local dataset '\(dataset)' has \(local.rowCount) rows; a join sends at most \(maxValuesRows) (values_rows) to the database as VALUES",
                             refused: true)
        }
        let names = local.columns.map(\.name)
        guard local.rowCount > 0 else {
            let nulls = local.columns.map { "\(dialect.literal(.null, $0.type)) AS \(q($0.name))" }
            return ("(SELECT \(nulls.joined(separator: ", ")) WHERE FALSE)", names)
        }
        var rows: [String] = []
        for r in 0..<local.rowCount {
            rows.append("(" + local.columns.map { dialect.literal($0.value(at: r), $0.type) }.joined(separator: ", ") + ")")
        }
        return ("(SELECT * FROM (VALUES \(rows.joined(separator: ", "))) AS v(\(names.map(q).joined(separator: ", "))))", names)
    }

    /// A plugin stage split by sums: the CTE that groups and sums, the call rebound to its columns, and their names.
    func reduction(_ call: PluginCall, keys: [String], sums: [String], input current: Relation) throws(Unpushable) -> (String, PluginCall, [String]) {
        let env = env(current)
        var list: [String] = [], group: [String] = [], names: [String] = []
        var rewritten = call
        for key in keys {
            guard let e = call.expressions[key] else { continue }
            let s = try expressions.sql(e, env)
            let name = "key_" + (key.isEmpty ? "x" : key)
            list.append("\(s) AS \(q(name))")
            group.append(s)
            rewritten.expressions[key] = .column(names.count, e.type, call.labels[key] ?? name)
            names.append(name)
        }
        for key in sums {
            guard let e = call.expressions[key] else { continue }
            let s = try expressions.sql(e, env)
            let name = "sum_" + (key.isEmpty ? "x" : key)
            list.append("\(try expressions.sum(e, env)) AS \(q(name))")
            // Nulls, negatives and zeros are each summed apart from the positive values, so the
            // stage still sees a missing count, a negative count or a zero denominator, and says so.
            group.append("(CASE WHEN \(s) IS NULL THEN 0 WHEN \(s) < 0 THEN 1 WHEN \(s) = 0 THEN 2 ELSE 3 END)")
            rewritten.expressions[key] = .column(names.count, e.type, call.labels[key] ?? name)
            names.append(name)
        }
        var body = "SELECT \(list.joined(separator: ", ")) FROM \(current.name)"
        if !group.isEmpty { body += " GROUP BY \(group.joined(separator: ", "))" }
        return (body, rewritten, names)
    }

}

/// A plan in SQL: the statement, its CTEs with the stage each came from, and what runs here after it.
public struct SQLQuery: Sendable {
    /// One CTE (or the final `SELECT`): its name, the plan stage it came from, and where it is in the text.
    public struct Part: Sendable {
        /// The CTE's name (`s2_summarize`), or "result".
        public var name: String
        /// The index of the plan stage it came from (nil for the scan and the final `SELECT`).
        public var stage: Int?
        /// Where it is in the statement, in characters.
        public var range: Range<Int>
    }

    /// The engine's dialect name.
    public var dialect: String
    /// The hidden row-number column's name.
    public var orderColumn: String
    /// The statement without a row limit.
    public var text = ""
    /// The CTEs and the final `SELECT`.
    public var parts: [Part] = []
    /// How many of the plan's stages run in the engine.
    public var pushed = 0
    /// Whether the rows come back in a defined order.
    public var ordered = false
    /// The columns that come back (the schema after the last stage in the engine).
    public var output: Schema = []
    /// A plugin stage split by sums: the stage as it runs here, on the sums (then the stages after it).
    public var reducedStage: PlannedStage? = nil
    /// The sums' columns, when a stage was split by sums.
    public var reducedSchema: Schema? = nil
    /// Why the next stage runs here, when one does.
    public var localReason: String? = nil
    /// The stage that could not be split (it runs here on every row fetched), with a warning.
    public var unsplit: String? = nil
    /// A stage that must not run (its index) and why: the pipeline stops with that message.
    public var refusal: (stage: Int, message: String)? = nil

    /// The statement as sent, asking for at most `limit` rows (one more than the result may have,
    /// so a result that is too large is seen without fetching it all).
    public func statement(limit: Int?) -> String {
        guard let limit else { return text }
        return text + "\nLIMIT \(limit)"
    }

    /// The plan stage whose CTE holds a character position of the statement (0-based).
    public func stage(at position: Int) -> Int? {
        parts.first { $0.range.contains(position) }?.stage
    }
}
