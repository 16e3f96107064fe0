import PluginKit
import Tabular

/// Checks a pipeline against the catalog before anything runs and produces a `Plan`.
///
/// Every name is resolved here: the dataset, each column (against the schema flowing into the
/// stage), each function and aggregate; types are checked and literals converted (a text
/// literal compared with a date becomes a date). Errors point at the name with a "did you mean".
public struct Planner {
    /// The datasets that may be named.
    public let catalog: Catalog
    /// The plugin stages, by name.
    public let stages: [String: Stage]
    /// The sinks (export formats, chart kinds, pack), in registration order.
    public let exporters: [Exporter]
    /// The plugins' scalar functions, by name.
    public let functions: [String: Function]
    /// Whether `chart …` may leave out `to "FILE"` (in a notebook's report, which draws it inline).
    public var chartsIntoReport = false

    /// Creates a planner over a catalog, the plugin stages, the sinks and the plugin functions.
    public init(catalog: Catalog, stages: [String: Stage] = [:], exporters: [Exporter] = [], functions: [String: Function] = [:]) {
        self.catalog = catalog
        self.stages = stages
        self.exporters = exporters
        self.functions = functions
    }

    /// What a pipeline's result is for, which decides whether it may end in a sink (`chart`, `pack`).
    public enum Use: Sendable {
        /// Shown (`PIPELINE` on its own): may end in a sink.
        case show
        /// Named (`let NAME = PIPELINE`): a sink would write nothing.
        case `let`
        /// Written (`export PIPELINE to …`): the export is the sink.
        case export
    }

    /// Plans a whole pipeline; a sink (`chart`, `pack`) may only be its last stage, and only when
    /// shown: it is then planned as the plan's sink, checked like a stage before anything runs.
    public func plan(_ pipeline: PipelineSyntax, use: Use = .show) throws(Diagnostic) -> Plan {
        try checkSinks(pipeline, use: use)
        guard let last = pipeline.stages.last, last.isSink else { return try plan(pipeline, stages: pipeline.stages.count) }
        var plan = try plan(pipeline, stages: pipeline.stages.count - 1)
        plan.sink = try planSink(last, input: plan.output)
        return plan
    }

    /// A `chart` or `pack` writes files from the rows that reach the end of a shown pipeline; anywhere
    /// else it would be planned and write nothing, so it is an error at the stage.
    func checkSinks(_ pipeline: PipelineSyntax, use: Use) throws(Diagnostic) {
        for (k, stage) in pipeline.stages.enumerated() {
            let sink: String
            switch stage.kind {
            case .chart: sink = "chart"
            case .pack: sink = "pack"
            default: continue
            }
            if k < pipeline.stages.count - 1 {
                throw Diagnostic("'\(sink)' writes files and must be the last stage", at: stage.range,
                                 notes: ["the stages after it would have nothing to work on"],
                                 suggestion: "move the \(sink) to the end, or run the stages after it as a new line starting with `_ |`")
            }
            switch use {
            case .show: break
            case .let:
                throw Diagnostic("'\(sink)' cannot end a `let`: it writes files, and `let` only names a result", at: stage.range,
                                 suggestion: "name the result first, then draw it on its own line: `NAME | \(sink) …`")
            case .export:
                throw Diagnostic("'\(sink)' cannot be exported: `export` and `\(sink)` each write the result", at: stage.range,
                                 suggestion: "drop `export … to` and run the pipeline with `| \(sink) … to \"…\"` on its own, or export without the \(sink)")
            }
        }
    }

    /// Plans the source and the first `count` stages (the REPL's completion uses a prefix).
    public func plan(_ pipeline: PipelineSyntax, stages count: Int) throws(Diagnostic) -> Plan {
        let source = pipeline.source
        guard let schema = catalog.datasets[source.text] else {
            if source.text == "_" {
                throw Diagnostic("there is no last result yet", at: source.range, suggestion: "run a pipeline first, or start from a dataset")
            }
            throw Diagnostic.unknown("dataset", source.text, at: source.range, candidates: catalog.datasets.keys.filter { $0 != "_" }.sorted())
        }
        var plan = Plan(source: source.text, stages: [], sourceSchema: schema)
        plan.sourceRange = source.range
        var current = schema
        for stage in pipeline.stages.prefix(count) {
            var planned = try planStage(stage, input: current)
            planned.range = stage.range
            plan.stages.append(planned)
            current = planned.output
        }
        return plan
    }

    func planStage(_ stage: StageSyntax, input: Schema) throws(Diagnostic) -> PlannedStage {
        let label = stage.name.text.lowercased()
        switch stage.kind {
        case .where(let e):
            let bound = try bind(e, input)
            guard bound.type == .boolean else {
                throw Diagnostic("'where' needs a condition (true/false), but this is \(bound.type)", at: e.range,
                                 suggestion: "compare it, e.g. \(Self.snippet(e)) == …")
            }
            return PlannedStage(operation: .filter(bound), output: input, label: label)
        case .select(let items):
            var outputs: [(String, BoundExpr)] = []
            var names: Set<String> = []
            for item in items {
                let name = try outputName(item)
                guard names.insert(name).inserted else {
                    throw Diagnostic("the column '\(name)' is selected twice", at: item.expr.range, suggestion: "give one of them a new name: NEW = …")
                }
                outputs.append((name, try bind(item.expr, input)))
            }
            return PlannedStage(operation: .project(outputs), output: outputs.map { Field($0.0, $0.1.type, hasValues: !Self.isNullLiteral($0.1), role: Self.role(of: $0.1, in: input)) }, label: label)
        case .derive(let items):
            var schema = input
            var steps: [(String, BoundExpr, replaces: Int?)] = []
            for item in items {
                guard let name = item.name else {
                    throw Diagnostic("'derive' needs a name for the new column", at: item.expr.range,
                                     suggestion: "write NEW_NAME = \(Self.snippet(item.expr))")
                }
                let bound = try bind(item.expr, schema)
                let existing = schema.firstIndex { $0.name == name.text }
                steps.append((name.text, bound, existing))
                let field = Field(name.text, bound.type, hasValues: !Self.isNullLiteral(bound), role: Self.role(of: bound, in: schema))
                if let existing { schema[existing] = field } else { schema.append(field) }
            }
            return PlannedStage(operation: .extend(steps), output: schema, label: label)
        case .summarize(let aggregates, let by):
            return try planSummarize(aggregates, by: by, input: input, label: label)
        case .join(let left, let dataset, let leftKey, let rightKey, let allowMany):
            guard let right = catalog.datasets[dataset.text] else {
                throw Diagnostic.unknown("dataset", dataset.text, at: dataset.range, candidates: catalog.datasets.keys.filter { $0 != "_" }.sorted())
            }
            let l = try resolve(leftKey, input)
            guard let r = right.firstIndex(where: { $0.name == rightKey.text }) else {
                throw Diagnostic.unknown("column", rightKey.text, at: rightKey.range, candidates: right.map(\.name),
                                         notes: ["the key must be a column of \(dataset.text)"])
            }
            let lt = input[l].type, rt = right[r].type
            guard lt == rt || (lt.isNumeric && rt.isNumeric) else {
                throw Diagnostic("cannot join \(lt) '\(input[l].name)' with \(rt) '\(right[r].name)' of \(dataset.text)", at: leftKey.range.union(rightKey.range),
                                 suggestion: "load both as the same type, e.g. `types (\(lt == .text ? right[r].name : input[l].name): text)`")
            }
            var output = input
            var rightColumns: [(Int, String)] = []
            var taken = Set(input.map(\.name))
            for (k, f) in right.enumerated() where k != r {
                var name = f.name
                if taken.contains(name) {
                    name = "\(f.name)_\(dataset.text)"
                    var n = 2
                    while taken.contains(name) { name = "\(f.name)_\(dataset.text)_\(n)"; n += 1 }
                }
                taken.insert(name)
                rightColumns.append((k, name))
                output.append(Field(name, f.type, hasValues: f.hasValues, role: f.role))
            }
            return PlannedStage(operation: .join(left: left, dataset: dataset.text, leftKey: l, rightKey: r, rightColumns: rightColumns,
                                                 allowMany: allowMany, range: stage.range),
                                output: output, label: label)
        case .sort(let keys):
            var bound: [(BoundExpr, descending: Bool)] = []
            for key in keys { bound.append((try bind(key.expr, input), key.descending)) }
            return PlannedStage(operation: .sort(bound), output: input, label: label)
        case .take(let n, let range):
            guard n >= 0 else { throw Diagnostic("'take' needs a number of rows of 0 or more", at: range) }
            return PlannedStage(operation: .limit(n), output: input, label: label)
        case .distinct(let names):
            var indices: [Int] = []
            for name in names { indices.append(try resolve(name, input)) }
            return PlannedStage(operation: .distinct(indices), output: indices.map { input[$0] }, label: label)
        case .rename(let pairs):
            var output = input
            var renames: [(Int, String)] = []
            for (old, new) in pairs {
                let i = try resolve(old, output)
                if let clash = output.firstIndex(where: { $0.name == new.text }), clash != i {
                    throw Diagnostic("there is already a column '\(new.text)'", at: new.range)
                }
                output[i].name = new.text
                renames.append((i, new.text))
            }
            return PlannedStage(operation: .rename(renames), output: output, label: label)
        case .plugin(let arguments):
            return try planPlugin(stage, arguments, input: input, label: label)
        case .chart, .pack:
            // Only reached when planning a prefix (completion); a whole plan makes it the sink.
            let sink = try planSink(stage, input: input)
            return PlannedStage(operation: .passThrough("\(sink.exporter.sink.rawValue) \(sink.exporter.name) to \(sink.request.path)"), output: input, label: label)
        }
    }

    /// The name a select item gets: its own, the column's, or `f_col` for a call on a column.
    func outputName(_ item: Assignment) throws(Diagnostic) -> String {
        if let name = item.name { return name.text }
        switch item.expr.kind {
        case .column(let c): return c
        case .call(let f, let args):
            if args.isEmpty { return f.text.lowercased() }
            if args.count == 1, case .column(let c) = args[0].kind { return "\(f.text.lowercased())_\(c)" }
        default: break
        }
        throw Diagnostic("this column needs a name", at: item.expr.range, suggestion: "write NAME = \(Self.snippet(item.expr))")
    }

    static func snippet(_ e: Expr) -> String {
        switch e.kind {
        case .column(let c): return c
        case .call(let f, _): return "\(f.text)(…)"
        default: return "…"
        }
    }

    /// The position of a column in a schema, or an error with a suggestion.
    func resolve(_ name: Name, _ schema: Schema) throws(Diagnostic) -> Int {
        if let i = schema.firstIndex(where: { $0.name == name.text }) { return i }
        if let i = schema.firstIndex(where: { $0.name.lowercased() == name.text.lowercased() }) {
            throw Diagnostic("unknown column '\(name.text)'", at: name.range, suggestion: "did you mean '\(schema[i].name)'? (names are case-sensitive)")
        }
        throw Diagnostic.unknown("column", name.text, at: name.range, candidates: schema.map(\.name))
    }
}

extension Planner {
    /// Binds a plugin stage's arguments and asks the stage for its output schema.
    func planPlugin(_ syntax: StageSyntax, _ arguments: [PluginArgumentSyntax], input: Schema, label: String) throws(Diagnostic) -> PlannedStage {
        guard let stage = stages[label] else {
            throw Diagnostic.unknown("stage", syntax.name.text, at: syntax.name.range, candidates: Parser.stageNames + stages.keys.sorted())
        }
        var call = PluginCall(stage: stage, expressions: [:], numbers: [:], labels: [:], ranges: ["*": syntax.range])
        for argument in arguments {
            call.ranges[argument.key] = argument.expr?.range ?? argument.range
            if let number = argument.number { call.numbers[argument.key] = number }
            if !argument.list.isEmpty {
                var bound: [BoundExpr] = []
                for e in argument.list { bound.append(try bind(e, input)) }
                call.lists[argument.key] = bound
                call.listLabels[argument.key] = argument.list.map(SyntaxPrinter.label)
            }
            if let name = argument.dataset {
                guard catalog.datasets[name.text] != nil else {
                    throw Diagnostic.unknown("dataset", name.text, at: name.range, candidates: catalog.datasets.keys.filter { $0 != "_" }.sorted())
                }
                call.datasets[argument.key] = name.text
                call.ranges[argument.key] = name.range
            }
            // A keyword on its own (a flag such as `adjusted`) counts as the number 1.
            if argument.number == nil, argument.expr == nil, argument.list.isEmpty, argument.dataset == nil { call.numbers[argument.key] = 1 }
            if let e = argument.expr {
                var bound = try bind(e, input)
                // A stage's value argument without a value (`null`, a column of blanks) is a
                // missing number: the stage gives missing results, as the reference packages do.
                if Self.isNullLiteral(bound) { bound = .literal(.null, .decimal) }
                call.expressions[argument.key] = bound
                call.labels[argument.key] = SyntaxPrinter.label(e)
            }
        }
        let shapes = ArgumentShapes(types: call.expressions.mapValues(\.type), numbers: call.numbers, labels: call.labels,
                                    listTypes: call.lists.mapValues { $0.map(\.type) }, listLabels: call.listLabels,
                                    datasets: call.datasets.compactMapValues { catalog.datasets[$0] })
        let output: Schema
        do {
            output = try stage.outputs(input, shapes)
        } catch {
            throw Self.diagnostic(error, call)
        }
        return PlannedStage(operation: .plugin(call), output: output, label: label)
    }

    /// A stage's error as a diagnostic under the argument at fault (or the whole stage).
    public static func diagnostic(_ error: StageError, _ call: PluginCall) -> Diagnostic {
        let range = error.argument.flatMap { call.ranges[$0] } ?? call.ranges["*"]
        return Diagnostic(error.message, at: range, suggestion: error.suggestion ?? "usage: \(call.stage.usage)")
    }
}
