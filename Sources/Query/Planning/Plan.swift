import PluginKit
import Tabular

/// What will run: the source dataset and the checked stages, each with the schema it produces.
public struct Plan: Sendable {
    /// The dataset the pipeline starts from.
    public var source: String
    /// The stages in order.
    public var stages: [PlannedStage]
    /// The schema of the source.
    public var sourceSchema: Schema
    /// What writes the result out (`export`, `chart`, `pack`), when something does.
    public var sink: PlannedSink? = nil
    /// Where the source dataset was named (errors from a database's scan point here).
    public var sourceRange: SourceRange? = nil

    /// Creates a plan.
    public init(source: String, stages: [PlannedStage], sourceSchema: Schema) {
        self.source = source
        self.stages = stages
        self.sourceSchema = sourceSchema
    }

    /// The schema of the result.
    public var output: Schema { stages.last?.output ?? sourceSchema }

    /// The plan as text, one stage per line, for `.explain`.
    public var explained: String {
        var lines = ["scan \(source)  → \(Plan.describe(sourceSchema))"]
        for s in stages { lines.append("\(s.operation.explained)  → \(Plan.describe(s.output))") }
        if let sink { lines.append("\(sink.exporter.sink.rawValue) \(sink.exporter.name) to \"\(sink.request.path)\"") }
        return lines.joined(separator: "\n")
    }

    static func describe(_ schema: Schema) -> String {
        "[" + schema.map { "\($0.name): \($0.type)" }.joined(separator: ", ") + "]"
    }
}

/// One checked stage of a plan.
public struct PlannedStage: Sendable {
    /// What it does.
    public var operation: Operation
    /// The columns it produces.
    public var output: Schema
    /// The stage's name as typed (for timings).
    public var label: String
    /// Where the stage was typed (errors from a database point here).
    public var range: SourceRange? = nil
}

/// The operations a plan is made of.
public enum Operation: Sendable {
    /// Keep the rows where the predicate is true.
    case filter(BoundExpr)
    /// Replace the columns by these.
    case project([(String, BoundExpr)])
    /// Add or replace columns, one after another (each may use the ones before).
    case extend([(String, BoundExpr, replaces: Int?)])
    /// Group by keys and compute aggregates, then the output expressions over them.
    case aggregate(keys: [(String, BoundExpr)], calls: [AggregateCall], outputs: [(String, BoundExpr)])
    /// Join another dataset on one key.
    case join(left: Bool, dataset: String, leftKey: Int, rightKey: Int, rightColumns: [(Int, String)], allowMany: Bool, range: SourceRange)
    /// Order rows.
    case sort([(BoundExpr, descending: Bool)])
    /// Keep the first rows.
    case limit(Int)
    /// Keep one row per distinct combination of columns.
    case distinct([Int])
    /// Rename columns.
    case rename([(Int, String)])
    /// Run a plugin stage with its arguments bound.
    case plugin(PluginCall)
    /// Pass the rows on unchanged (a chart, drawn by the shell from the result).
    case passThrough(String)

    /// A readable form, for `.explain`.
    public var explained: String {
        switch self {
        case .filter(let e): return "filter \(e.explained)"
        case .project(let items): return "project " + items.map { "\($0.0) = \($0.1.explained)" }.joined(separator: ", ")
        case .extend(let items): return "extend " + items.map { "\($0.0) = \($0.1.explained)" }.joined(separator: ", ")
        case .aggregate(let keys, let calls, let outputs):
            let k = keys.map(\.0).joined(separator: ", ")
            let c = calls.map { "\($0.function.name)(\($0.argument?.explained ?? ""))" }.joined(separator: ", ")
            return "aggregate [\(c)] by [\(k)] then " + outputs.map { "\($0.0) = \($0.1.explained)" }.joined(separator: ", ")
        case .join(let left, let dataset, let l, let r, _, _, _): return "\(left ? "left" : "inner") hash join \(dataset) on #\(l) = \(dataset)#\(r)"
        case .sort(let keys): return "sort " + keys.map { "\($0.0.explained)\($0.descending ? " desc" : "")" }.joined(separator: ", ")
        case .limit(let n): return "limit \(n)"
        case .distinct(let cols): return "distinct " + cols.map { "#\($0)" }.joined(separator: ", ")
        case .rename(let pairs): return "rename " + pairs.map { "#\($0.0) as \($0.1)" }.joined(separator: ", ")
        case .passThrough(let what): return what
        case .plugin(let call):
            let args = call.expressions.map { "\($0.key.isEmpty ? "" : $0.key + " ")\($0.value.explained)" }
                + call.numbers.map { "\($0.key) \($0.value)" }
            return "plugin \(call.stage.name) " + args.sorted().joined(separator: ", ")
        }
    }
}

/// A plugin stage with its arguments bound: expressions typed, constants read, ranges kept for errors.
public struct PluginCall: Sendable {
    /// The stage.
    public var stage: Stage
    /// The expression arguments, by key.
    public var expressions: [String: BoundExpr]
    /// The constant numbers, by key.
    public var numbers: [String: Double]
    /// Each expression as typed, by key.
    public var labels: [String: String]
    /// Where each argument was typed, by key, and the whole stage under "*".
    public var ranges: [String: SourceRange]
    /// The list arguments, by key.
    public var lists: [String: [BoundExpr]] = [:]
    /// Each list argument's expressions as typed, by key.
    public var listLabels: [String: [String]] = [:]
    /// The dataset arguments' dataset names, by key.
    public var datasets: [String: String] = [:]
}
