import Tabular

/// A bundle of pipeline stages that extends the language; built-in plugins are written against
/// this protocol exactly as a third party would.
///
/// A plugin only *describes* its stages; the host registers them (`PluginRegistry`). A stage sees
/// a `Table` and typed `Arguments`, never syntax.
public protocol Plugin: Sendable {
    /// The name `.plugins` lists.
    var name: String { get }
    /// One sentence on what the plugin is for.
    var summary: String { get }
    /// The stages it adds, e.g. `rate`, `compare`.
    var stages: [Stage] { get }
}

/// The plugins a session knows, and their stages by name.
public struct PluginRegistry: Sendable {
    /// The registered plugins, in registration order.
    public let plugins: [Plugin]

    /// Registers plugins; a later plugin's stage of the same name replaces an earlier one.
    public init(_ plugins: [Plugin]) { self.plugins = plugins }

    /// Every stage by name.
    public var stages: [String: Stage] {
        var table: [String: Stage] = [:]
        for plugin in plugins { for stage in plugin.stages { table[stage.name] = stage } }
        return table
    }
}
