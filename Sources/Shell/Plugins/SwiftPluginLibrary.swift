import Foundation
import PluginKit
#if canImport(Glibc)
import Glibc
#endif

/// Loads a Swift plugin library (`.so`) built against klynge's plugin package: checks the API
/// version it was built for before any of its registering code runs, then takes its plugins.
enum SwiftPluginLibrary {
    typealias VersionFunction = @convention(c) () -> Int32
    typealias CreateFunction = @convention(c) () -> UnsafeMutableRawPointer?

    /// The plugins in the library at `path`, or why there are none.
    static func load(_ path: String) -> Result<Plugin, PluginLoader.LoadProblem> {
        // RTLD_LOCAL keeps the plugin's own symbols to itself; the shared plugin package
        // (libKlyngePluginKit.so) is already loaded by klynge and so is shared, not loaded twice.
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(.init(description: "\(path) cannot be opened: \(String(cString: dlerror()))"))
        }
        guard let versionSymbol = dlsym(handle, "klynge_plugin_api_version") else {
            dlclose(handle)
            return .failure(.init(description: "\(path) is not a klynge plugin: it has no klynge_plugin_api_version"))
        }
        let version = unsafeBitCast(versionSymbol, to: VersionFunction.self)()
        guard version == PluginAPI.version else {
            dlclose(handle)
            return .failure(.init(description: "\(path) was built for plugin API \(version), this klynge speaks API \(PluginAPI.version); rebuild it against this klynge's PluginKit"))
        }
        guard let createSymbol = dlsym(handle, "klynge_plugin_create"),
              let pointer = unsafeBitCast(createSymbol, to: CreateFunction.self)() else {
            return .failure(.init(description: "\(path) has no klynge_plugin_create, or it returned nothing"))
        }
        let plugins = PluginBox.take(pointer).plugins
        // The library stays open for the session: its stages' code lives in it.
        guard plugins.count == 1 else {
            return plugins.isEmpty ? .failure(.init(description: "\(path) registers no plugin")) : .success(PluginGroup(plugins: plugins))
        }
        return .success(plugins[0])
    }
}

/// Several plugins from one library, registered as one (named after the first).
struct PluginGroup: Plugin {
    let plugins: [Plugin]
    var name: String { plugins[0].name }
    var summary: String { plugins.map(\.summary).joined(separator: " ") }
    var version: String { plugins[0].version }
    var stages: [Stage] { plugins.flatMap(\.stages) }
    var exporters: [Exporter] { plugins.flatMap(\.exporters) }
    var functions: [Function] { plugins.flatMap(\.functions) }
}
