import PluginKit
import Tabular

/// The plugin: the stage `bootstrap`, and the functions `exact_lower` and `exact_upper`.
public struct BootstrapPlugin: Plugin {
    public init() {}
    public var name: String { "bootstrap" }
    public var summary: String { "Percentile bootstrap confidence intervals of a mean or median, per group." }
    public var version: String { "1.0.0" }
    public var stages: [Stage] { [BootstrapStage.stage] }
    public var functions: [Function] { ExactLimitFunctions.all }
}

/// klynge calls this first, before anything else of the library runs: the plugin API version the
/// library was compiled against (`compiledVersion` is copied into the library when it is built).
@_cdecl("klynge_plugin_api_version")
public func klyngePluginAPIVersion() -> Int32 { PluginAPI.compiledVersion }

/// Then this: the plugins, boxed for the trip across the C boundary.
@_cdecl("klynge_plugin_create")
public func klyngePluginCreate() -> UnsafeMutableRawPointer { PluginBox([BootstrapPlugin()]).retainedPointer }
