import Foundation
import PluginKit
import Tabular

/// Runs a plan: folds `table = operation(table)` over the stages, on whole columns at a time.
public enum Evaluator {
    /// How long one stage took and how many rows it produced (for `.timer` and `.trace`).
    public struct StageTiming: Sendable {
        /// The stage's name as typed.
        public var label: String
        /// Wall-clock seconds.
        public var seconds: Double
        /// Rows out.
        public var rows: Int
        /// Creates a timing.
        public init(label: String, seconds: Double, rows: Int) {
            self.label = label
            self.seconds = seconds
            self.rows = rows
        }
    }

    /// Runs the plan against the datasets; `onStage` hears each stage's timing.
    public static func run(_ plan: Plan, datasets: [String: Table], settings: [String: String] = [:],
                           onStage: ((StageTiming) -> Void)? = nil) throws -> Table {
        guard var table = datasets[plan.source] else {
            throw Diagnostic("the dataset '\(plan.source)' is gone")
        }
        for stage in plan.stages {
            try Interrupt.check()
            let started = Date()
            table = try apply(stage.operation, to: table, datasets: datasets, settings: settings)
            if case .plugin(let call) = stage.operation { try check(table, against: stage.output, call) }
            onStage?(StageTiming(label: stage.label, seconds: Date().timeIntervalSince(started), rows: table.rowCount))
        }
        return table
    }

    /// A plugin stage must return the columns it declared when it was planned, in that order and of
    /// those types (a column without values may have any type): otherwise the plugin has a bug, and
    /// the error names it rather than letting a wrong table flow on.
    static func check(_ table: Table, against declared: Schema, _ call: PluginCall) throws {
        let got = table.columns.map { "\($0.name): \($0.type)" }
        let want = declared.map { "\($0.name): \($0.type)" }
        let matches = table.columns.count == declared.count && zip(table.columns, declared).allSatisfy { column, field in
            column.name == field.name && (column.type == field.type || !column.hasValues || column.count == 0)
        }
        guard !matches else { return }
        let owner = call.stage.plugin.isEmpty ? "" : " of plugin '\(call.stage.plugin)'"
        let firstDifference = zip(got, want).first { $0 != $1 }.map { "first difference: got \($0.0), declared \($0.1)" }
            ?? "got \(got.count) columns, declared \(want.count)"
        throw Diagnostic("the stage '\(call.stage.name)'\(owner) returned columns that differ from those it declared (\(firstDifference))",
                         at: call.ranges["*"], notes: ["declared: " + want.joined(separator: ", "), "returned: " + got.joined(separator: ", ")],
                         suggestion: "this is a bug in the plugin: tell its authors; the session and its data are unchanged")
    }

    /// Applies one operation.
    static func apply(_ operation: Operation, to table: Table, datasets: [String: Table], settings: [String: String]) throws -> Table {
        switch operation {
        case .filter(let predicate):
            return table.gather(try selectedRows(predicate, table))
        case .project(let items):
            var columns: [Column] = []
            for (name, e) in items { columns.append(try evaluate(e, table).column(table.rowCount).renamed(name)) }
            return Table(columns: columns, rowCount: table.rowCount)
        case .extend(let items):
            var result = table
            for (name, e, replaces) in items {
                let c = try evaluate(e, result).column(result.rowCount).renamed(name)
                if let replaces { result.columns[replaces] = c } else { result.columns.append(c) }
            }
            return result
        case .aggregate(let keys, let calls, let outputs):
            return try aggregate(table, keys: keys, calls: calls, outputs: outputs)
        case .join(let left, let dataset, let leftKey, let rightKey, let rightColumns, let allowMany, let range):
            guard let right = datasets[dataset] else { throw Diagnostic("the dataset '\(dataset)' is gone") }
            let limit = allowMany ? nil : Int(settings["max_join_rows"] ?? "") ?? JoinLimit.defaultRows
            do {
                return try join(table, right, left: left, leftKey: leftKey, rightKey: rightKey, rightColumns: rightColumns, limit: limit)
            } catch let tooLarge as JoinLimit {
                throw tooLarge.diagnostic(dataset: dataset, key: right.columns[rightKey].name, at: range)
            }
        case .sort(let keys):
            var columns: [(Column, Bool)] = []
            for (e, descending) in keys { columns.append((try evaluate(e, table).column(table.rowCount), descending)) }
            return table.gather(sortedIndices(columns, rows: table.rowCount))
        case .limit(let n):
            return table.gather(Array(0..<min(n, table.rowCount)))
        case .distinct(let indices):
            let keyColumns = indices.map { table.columns[$0] }
            let (_, _, firstRows) = try groupIds(keyColumns, rows: table.rowCount)
            let keys = Table(columns: keyColumns.map { $0.gather(firstRows) }, rowCount: firstRows.count)
            return keys.gather(sortedIndices(keys.columns.map { ($0, false) }, rows: keys.rowCount))
        case .rename(let pairs):
            var result = table
            for (i, name) in pairs { result.columns[i].name = name }
            return result
        case .passThrough:
            return table
        case .plugin(let call):
            var columns: [String: Column] = [:]
            for (key, e) in call.expressions { columns[key] = try evaluate(e, table).column(table.rowCount) }
            var lists: [String: [Column]] = [:]
            for (key, list) in call.lists {
                var evaluated: [Column] = []
                for e in list { evaluated.append(try evaluate(e, table).column(table.rowCount)) }
                lists[key] = evaluated
            }
            var arguments = Arguments(columns: columns, numbers: call.numbers, labels: call.labels,
                                      lists: lists, listLabels: call.listLabels, settings: settings)
            for (key, name) in call.datasets {
                guard let t = datasets[name] else { throw Diagnostic("the dataset '\(name)' is gone") }
                arguments.tables[key] = t
            }
            do {
                return try call.stage.run(table, arguments)
            } catch {
                throw Planner.diagnostic(error, call)
            }
        }
    }

    /// The column as the given type (integer widened to decimal); other types are returned as they are.
    static func cast(_ c: Column, to type: DataType) -> Column {
        if c.type == type { return c }
        if type == .decimal, c.type == .integer { return Column(name: c.name, data: .decimal(c.doubles()), validity: c.validity) }
        if c.validity?.allSatisfy({ !$0 }) == true || c.count == 0 { return Operand.broadcast(.null, type, c.count).renamed(c.name) }
        return c
    }

    /// Row-wise choice: `a` where `pick` is true, else `b` (both of one type).
    static func choose(_ pick: [Bool], _ a: Column, _ b: Column) -> Column {
        let n = pick.count
        let validity = (0..<n).map { pick[$0] ? !a.isNull($0) : !b.isNull($0) }
        func sel<T>(_ x: [T], _ y: [T]) -> [T] { (0..<n).map { pick[$0] ? x[$0] : y[$0] } }
        switch (a.data, b.data) {
        case (.integer(let x), .integer(let y)): return Column(name: "", data: .integer(sel(x, y)), validity: validity)
        case (.date(let x), .date(let y)): return Column(name: "", data: .date(sel(x, y)), validity: validity)
        case (.boolean(let x), .boolean(let y)): return Column(name: "", data: .boolean(sel(x, y)), validity: validity)
        case (.text(let x), .text(let y)):
            // Merge the dictionaries: b's codes are shifted past a's.
            let offset = Int32(x.dictionary.count)
            let xCodes = x.codes, yCodes = y.codes
            let codes = (0..<n).map { pick[$0] ? xCodes[$0] : (yCodes[$0] < 0 ? -1 : yCodes[$0] + offset) }
            var builder = TextStorage.Builder()
            let merged = x.dictionary + y.dictionary
            var remap: [Int32] = []
            for s in merged { builder.append(s); remap.append(builder.storage.codes.last!) }
            return Column(name: "", data: .text(TextStorage(codes: codes.map { $0 < 0 ? -1 : remap[Int($0)] }, dictionary: builder.storage.dictionary)),
                          validity: validity)
        default:
            return Column(name: "", data: .decimal(sel(a.doubles(), b.doubles())), validity: validity)
        }
    }
}
