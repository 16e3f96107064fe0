import Tabular

/// A bundle of pipeline stages and sinks that extends the language; built-in plugins are written
/// against this protocol exactly as a third party would.
///
/// A plugin only *describes* its stages and exporters; the host registers them (`PluginRegistry`).
/// A stage sees a `Table` and typed `Arguments`, never syntax.
public protocol Plugin: Sendable {
    /// The name `.plugins` lists.
    var name: String { get }
    /// One sentence on what the plugin is for.
    var summary: String { get }
    /// The plugin's version, as `.plugins` shows it.
    var version: String { get }
    /// The stages it adds, e.g. `rate`, `compare`.
    var stages: [Stage] { get }
    /// The sinks it adds: export formats, chart kinds.
    var exporters: [Exporter] { get }
    /// The scalar functions it adds to expressions.
    var functions: [Function] { get }
}

extension Plugin {
    /// Built-in plugins carry klynge's version; others say their own.
    public var version: String { PluginAPI.hostVersion }
    /// No sinks unless the plugin adds some.
    public var exporters: [Exporter] { [] }
    /// No functions unless the plugin adds some.
    public var functions: [Function] { [] }
}

/// The version of this API: a plugin built for another is refused before any of its code runs.
public enum PluginAPI {
    /// The API version this klynge speaks; it changes when `Plugin`, `Stage`, `Exporter` or what
    /// they expose changes (and `compiledVersion` with it).
    public static let version = 1
    /// klynge's own version, shown for built-in plugins.
    public static let hostVersion = "0.4"
}

/// Two things of the same name from different places: refused, never silently shadowed.
public struct PluginClash: Error, Sendable, CustomStringConvertible {
    /// What clashes, e.g. "stage 'trend'".
    public var what: String
    /// Where the first came from.
    public var existing: String
    /// Where the second came from.
    public var incoming: String
    /// The message.
    public var description: String { "\(what) of \(incoming) clashes with the \(what) of \(existing); the plugin was not loaded" }
}

/// The plugins a session knows, where each came from, and their stages and sinks by name.
public struct PluginRegistry: Sendable {
    /// One registered plugin and where it came from ("built-in", a folder, a library's path).
    public struct Entry: Sendable {
        /// The plugin.
        public let plugin: Plugin
        /// Where it came from.
        public let origin: String
    }

    /// The registered plugins, in registration order.
    public private(set) var entries: [Entry] = []
    /// Stage names no plugin may take, with their owner (the core stages: "where" → "klynge's core").
    public let reserved: [String: String]
    /// Function names no plugin may take, with their owner (the built-in functions).
    public let reservedFunctions: [String: String]

    /// Registers the plugins in order; a clash between them is an error.
    public init(_ plugins: [Plugin], origin: String = "built-in", reserved: [String: String] = [:],
                reservedFunctions: [String: String] = [:]) throws(PluginClash) {
        self.reserved = reserved
        self.reservedFunctions = reservedFunctions
        for plugin in plugins { try register(plugin, origin: origin) }
    }

    /// The registered plugins.
    public var plugins: [Plugin] { entries.map(\.plugin) }

    /// Adds a plugin, unless one of its stages or sinks has the name of a core stage or of another
    /// plugin's (or the plugin's name is taken): then nothing of it is added.
    public mutating func register(_ plugin: Plugin, origin: String) throws(PluginClash) {
        func owner(_ entry: Entry) -> String { "plugin '\(entry.plugin.name)' (\(entry.origin))" }
        let incoming = "plugin '\(plugin.name)' (\(origin))"
        if let existing = entries.first(where: { $0.plugin.name == plugin.name }) {
            throw PluginClash(what: "name '\(plugin.name)'", existing: owner(existing), incoming: incoming)
        }
        var seen: Set<String> = []
        for stage in plugin.stages {
            if let core = reserved[stage.name] { throw PluginClash(what: "stage '\(stage.name)'", existing: core, incoming: incoming) }
            if let existing = entries.first(where: { $0.plugin.stages.contains { $0.name == stage.name } }) {
                throw PluginClash(what: "stage '\(stage.name)'", existing: owner(existing), incoming: incoming)
            }
            guard seen.insert(stage.name).inserted else {
                throw PluginClash(what: "stage '\(stage.name)'", existing: incoming, incoming: incoming)
            }
        }
        for function in plugin.functions {
            if let builtIn = reservedFunctions[function.name] { throw PluginClash(what: "function '\(function.name)'", existing: builtIn, incoming: incoming) }
            if let existing = entries.first(where: { $0.plugin.functions.contains { $0.name == function.name } }) {
                throw PluginClash(what: "function '\(function.name)'", existing: owner(existing), incoming: incoming)
            }
        }
        for exporter in plugin.exporters {
            if let existing = entries.first(where: { $0.plugin.exporters.contains { $0.name == exporter.name && $0.sink == exporter.sink } }) {
                throw PluginClash(what: "\(exporter.sink.rawValue) '\(exporter.name)'", existing: owner(existing), incoming: incoming)
            }
        }
        entries.append(Entry(plugin: plugin, origin: origin))
    }

    /// Every stage by name, each knowing its plugin.
    public var stages: [String: Stage] {
        var table: [String: Stage] = [:]
        for entry in entries {
            for var stage in entry.plugin.stages {
                stage.plugin = entry.plugin.name
                table[stage.name] = stage
            }
        }
        return table
    }

    /// Every plugin function by name.
    public var functions: [String: Function] {
        var table: [String: Function] = [:]
        for entry in entries { for f in entry.plugin.functions { table[f.name] = f } }
        return table
    }

    /// Every sink, in registration order (built-ins first, so `.csv` means csv).
    public var exporters: [Exporter] { entries.flatMap(\.plugin.exporters) }
}

/// What a Swift plugin library hands the host: its plugins, boxed so they cross the C entry point.
///
/// A library exports two C functions (Plugins/README.md): `klynge_plugin_api_version`, returning
/// `PluginAPI.compiledVersion` (inlined into the plugin when it is compiled, so it says which API
/// it was built for), and `klynge_plugin_create`, returning `PluginBox(…).retainedPointer`.
public final class PluginBox {
    /// The plugins the library adds.
    public let plugins: [Plugin]
    /// Boxes plugins.
    public init(_ plugins: [Plugin]) { self.plugins = plugins }
    /// The box as the pointer `klynge_plugin_create` returns; the host takes ownership.
    public var retainedPointer: UnsafeMutableRawPointer { Unmanaged.passRetained(self).toOpaque() }
    /// The box behind a pointer from `klynge_plugin_create`, owned by the caller from now on.
    public static func take(_ pointer: UnsafeMutableRawPointer) -> PluginBox { Unmanaged<PluginBox>.fromOpaque(pointer).takeRetainedValue() }
}

extension PluginAPI {
    /// The API version as compiled into the caller: a plugin's `klynge_plugin_api_version` returns
    /// this, and since it is inlined, it is the version of the PluginKit the plugin was built with.
    @_alwaysEmitIntoClient public static var compiledVersion: Int32 { 1 }
}
