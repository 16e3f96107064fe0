import PluginKit
import Tabular

/// A sink of a plan: the exporter that writes the result, what it was asked for, and where each
/// part was typed (for errors at run time).
public struct PlannedSink: Sendable {
    /// The exporter.
    public var exporter: Exporter
    /// The request, as typed.
    public var request: ExportRequest
    /// Where each part was typed: "*" the whole sink, "path", "kind", and each column by name.
    public var ranges: [String: SourceRange]

    /// A sink's error as a diagnostic under the part at fault.
    public func diagnostic(_ error: StageError) -> Diagnostic {
        let range = error.argument.flatMap { ranges[$0] } ?? ranges["*"]
        return Diagnostic(error.message, at: range, suggestion: error.suggestion ?? "usage: \(exporter.usage)")
    }
}

extension StageSyntax {
    /// Whether the stage writes the result out (`chart`, `pack`) rather than transforming it.
    public var isSink: Bool {
        switch kind {
        case .chart, .pack: return true
        default: return false
        }
    }
}

extension Planner {
    /// Plans `| chart KIND …` or `| pack …`: the exporter by kind, the file's extension, the
    /// columns (count, existence, numbers), then the exporter's own check.
    func planSink(_ stage: StageSyntax, input: Schema) throws(Diagnostic) -> PlannedSink {
        let chart: ChartSyntax, sink: Exporter.Sink
        var unit: Name? = nil, group: Name? = nil
        switch stage.kind {
        case .chart(let c): (chart, sink) = (c, .chart)
        case .pack(let c, let u, let g): (chart, sink, unit, group) = (c, .pack, u, g)
        default: throw Diagnostic("'\(stage.name.text)' is not a sink", at: stage.range)
        }
        let candidates = exporters.filter { $0.sink == sink }
        let kindName = sink == .pack ? "pack" : chart.kind.text
        guard let exporter = candidates.first(where: { $0.answers(to: kindName) }) else {
            throw Diagnostic.unknown(sink == .pack ? "sink" : "chart kind", kindName, at: chart.kind.range, candidates: candidates.map(\.name))
        }
        var request = ExportRequest(columns: chart.columns.map(\.text), path: chart.path)
        request.references = chart.references.map(\.text)
        request.errors = chart.errors.map { ($0.0.text, $0.1.text) }
        request.title = chart.title
        request.period = chart.period
        request.unit = unit?.text
        request.group = group?.text
        if let format = chart.format {
            guard sink == .pack, ["pptx", "svg"].contains(format.text.lowercased()) else {
                throw Diagnostic("a pack is written as pptx (a deck per practice) or svg (the default), not '\(format.text)'", at: format.range)
            }
            request.format = format.text.lowercased()
        }
        var ranges: [String: SourceRange] = ["*": stage.range, "path": chart.pathRange, "kind": chart.kind.range]
        var named = chart.columns + chart.references + [unit, group].compactMap { $0 }
        if let e = chart.errors { named += [e.0, e.1] }
        for name in named { ranges[name.text] = name.range }
        let planned = PlannedSink(exporter: exporter, request: request, ranges: ranges)

        if sink == .chart, chart.path.isEmpty {
            guard chartsIntoReport else {
                throw Diagnostic("a chart needs a file to write: end it with to \"chart.svg\"", at: chart.pathRange,
                                 notes: ["only a notebook's report (klynge run) takes a chart without a file"],
                                 suggestion: "usage: \(exporter.usage)")
            }
        } else {
            try checkExtension(planned, what: sink == .chart ? "a \(exporter.name) chart" : exporter.name)
        }
        guard exporter.columns.contains(chart.columns.count) else {
            let want = exporter.columns.count == 1 ? "\(exporter.columns.lowerBound)" : "\(exporter.columns.lowerBound) or \(exporter.columns.upperBound)"
            let what = sink == .chart ? "a \(exporter.name) chart" : "\(exporter.name)"
            throw Diagnostic("\(what) takes \(want) columns, not \(chart.columns.count)", at: stage.range, suggestion: exporter.usage)
        }
        for name in named { _ = try resolve(name, input) }
        var numeric = exporter.numericColumns.filter { $0 < chart.columns.count }.map { chart.columns[$0] } + chart.references
        if let e = chart.errors { numeric += [e.0, e.1] }
        for name in numeric {
            let i = try resolve(name, input)
            guard input[i].type.isNumeric || !input[i].hasValues else { throw Diagnostic("'\(name.text)' is \(input[i].type); a chart draws numbers", at: name.range) }
        }
        do {
            try exporter.check(input, request)
        } catch {
            throw planned.diagnostic(error)
        }
        return planned
    }

    /// Plans `export PIPELINE to "PATH" [as FORMAT]`: the format from `as` or else the extension,
    /// which must be one the format writes; an extension no format writes is an error.
    public func planExport(_ pipeline: PipelineSyntax, path: String, pathRange: SourceRange, format: Name?,
                           allowIdentifiers: Bool) throws(Diagnostic) -> Plan {
        var plan = try plan(pipeline, use: .export)
        var request = ExportRequest(columns: [], path: path)
        request.allowIdentifiers = allowIdentifiers
        let formats = exporters.filter { $0.sink == .export }
        var ranges: [String: SourceRange] = ["*": pathRange, "path": pathRange]
        let exporter: Exporter
        if let format {
            ranges["format"] = format.range
            guard let chosen = formats.first(where: { $0.answers(to: format.text) }) else {
                throw Diagnostic.unknown("format", format.text, at: format.range, candidates: formats.map(\.name))
            }
            exporter = chosen
        } else {
            let ext = request.pathExtension
            guard let chosen = formats.first(where: { $0.extensions.contains(ext) }) else {
                throw Self.unknownExtension(ext, at: pathRange, known: formats, what: "export")
            }
            exporter = chosen
        }
        let planned = PlannedSink(exporter: exporter, request: request, ranges: ranges)
        try checkExtension(planned, what: exporter.name)
        do {
            try exporter.check(plan.output, request)
        } catch {
            throw planned.diagnostic(error)
        }
        plan.sink = planned
        return plan
    }

    /// An error when the path's extension is not one the exporter writes (a folder sink takes any).
    func checkExtension(_ sink: PlannedSink, what: String) throws(Diagnostic) {
        let ext = sink.request.pathExtension
        guard !sink.exporter.writes(extension: ext) else { return }
        let wanted = sink.exporter.extensions.map { "." + $0 }
        let shown = ext.isEmpty ? "a file without an extension" : "'.\(ext)'"
        throw Diagnostic("\(what) writes \(Self.list(wanted)), not \(shown)", at: sink.ranges["path"],
                         notes: ["the file's extension decides what is written, so a program can open it"],
                         suggestion: "did you mean \(Suggest.nearest("." + ext, in: wanted) ?? wanted[0])?")
    }

    /// An error for an extension no exporter of the sink writes, naming those that exist.
    static func unknownExtension(_ ext: String, at range: SourceRange, known: [Exporter], what: String) -> Diagnostic {
        var all: [String] = []
        for e in known { for x in e.extensions where !all.contains("." + x) { all.append("." + x) } }
        let shown = ext.isEmpty ? "a file without an extension" : "'.\(ext)' files"
        return Diagnostic("klynge cannot \(what) \(shown)", at: range,
                          notes: ["formats: " + known.map { "\($0.name) (\($0.extensions.map { "." + $0 }.joined(separator: ", ")))" }.joined(separator: ", ")],
                          suggestion: Suggest.nearest("." + ext, in: all).map { "did you mean \($0)?" } ?? "name the file with one of \(all.joined(separator: ", "))")
    }

    /// "a, b or c".
    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
    }
}
