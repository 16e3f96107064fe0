import PluginKit

/// The built-in sinks as a plugin: export formats, chart kinds and packs, registered through the
/// same `PluginRegistry` a third party's exporters join.
public struct OutputPlugin: Plugin {
    /// Creates the plugin.
    public init() {}
    /// `output`.
    public var name: String { "output" }
    /// One sentence on what it adds.
    public var summary: String { "Export formats (csv, excel, json, markdown, txt), charts (bar, funnel, likert, trend, slope) and per-practice packs." }
    /// No stages: only sinks.
    public var stages: [Stage] { [] }
    /// The formats, chart kinds and pack.
    public var exporters: [Exporter] { TableExporters.all + ChartExporters.all + [PackExporter.exporter] }
}
