import Foundation
import PluginKit
import Query

/// Finds third-party plugins and registers them with a session.
///
/// Where klynge looks, in this order: `$XDG_DATA_HOME/klynge/plugins` (by default
/// `~/.local/share/klynge/plugins`), `./klynge-plugins/` beside the notebook or script being run
/// (or in the working folder for the REPL), each `--plugins DIR`, and `.load PATH` in the REPL.
/// A path is a plugin folder (holding `klynge-plugin.json`), a Swift plugin library (`.so`), or a
/// folder of those. A plugin whose names clash with a loaded one's is refused with both named.
public enum PluginLoader {
    /// The folders searched at start-up, before `--plugins`.
    public static func defaultFolders(besideScript script: String?, workingDirectory: String) -> [String] {
        var folders = [UserFolders.path("XDG_DATA_HOME", orHome: ".local/share", "klynge/plugins")]
        let beside = script.map { ($0 as NSString).deletingLastPathComponent } ?? workingDirectory
        folders.append(((beside.isEmpty ? workingDirectory : beside) as NSString).appendingPathComponent("klynge-plugins"))
        return folders
    }

    /// Loads every plugin found at a path into the session; `mustExist` makes a missing path an error.
    public static func load(_ path: String, into session: Session, mustExist: Bool) -> [Outcome] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return mustExist ? [.error(Diagnostic("no plugin at \(path)", suggestion: "give a plugin folder (with \(PluginManifest.fileName)), a Swift plugin library (.so), or a folder of them"), source: "")] : []
        }
        if !isDirectory.boolValue {
            guard path.hasSuffix(".so") else {
                return [.error(Diagnostic("\(path) is not a plugin: a plugin is a folder with \(PluginManifest.fileName) or a Swift plugin library (.so)"), source: "")]
            }
            return [register(SwiftPluginLibrary.load(path), from: path, into: session)]
        }
        if FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(PluginManifest.fileName)) {
            return [register(loadFolder(path), from: path, into: session)]
        }
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        var outcomes: [Outcome] = []
        for entry in entries where !entry.hasPrefix(".") {
            let child = (path as NSString).appendingPathComponent(entry)
            var childIsDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: child, isDirectory: &childIsDirectory)
            if childIsDirectory.boolValue, FileManager.default.fileExists(atPath: (child as NSString).appendingPathComponent(PluginManifest.fileName)) {
                outcomes.append(register(loadFolder(child), from: child, into: session))
            } else if entry.hasSuffix(".so") {
                outcomes.append(register(SwiftPluginLibrary.load(child), from: child, into: session))
            }
        }
        if outcomes.isEmpty, mustExist {
            return [.warning("no plugins in \(path) (a plugin is a folder with \(PluginManifest.fileName), or a .so library)")]
        }
        return outcomes
    }

    static func loadFolder(_ folder: String) -> Result<Plugin, LoadProblem> {
        do {
            return .success(ProcessPlugin(manifest: try PluginManifest.read(folder: folder), folder: folder))
        } catch {
            return .failure(LoadProblem(description: error.description))
        }
    }

    /// Why a plugin could not be loaded.
    struct LoadProblem: Error, CustomStringConvertible {
        var description: String
    }

    static func register(_ loaded: Result<Plugin, LoadProblem>, from origin: String, into session: Session) -> Outcome {
        switch loaded {
        case .failure(let problem):
            return .error(Diagnostic("plugin not loaded: \(problem.description)"), source: "")
        case .success(let plugin):
            do {
                try session.register(plugin, origin: origin)
            } catch {
                return .error(Diagnostic(error.description, suggestion: "rename one of them, or remove one plugin from the plugin folders"), source: "")
            }
            let stages = plugin.stages.map(\.name), functions = plugin.functions.map(\.name)
            let sinks = plugin.exporters.map { "\($0.sink.rawValue) \($0.name)" }
            let adds = (stages.isEmpty ? [] : ["\(stages.count == 1 ? "stage" : "stages") \(stages.joined(separator: ", "))"])
                + (functions.isEmpty ? [] : ["\(functions.count == 1 ? "function" : "functions") \(functions.joined(separator: ", "))"]) + sinks
            return .info("loaded plugin '\(plugin.name)' \(plugin.version) from \(origin): \(adds.joined(separator: "; "))")
        }
    }
}
