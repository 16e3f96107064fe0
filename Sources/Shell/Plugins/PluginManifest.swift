import Foundation
import PluginKit
import Tabular

/// A process plugin's `klynge-plugin.json`: who it is, the command klynge starts for each call,
/// and per stage how it is written and which columns it returns (Plugins/README.md).
struct PluginManifest: Decodable {
    /// One parameter of a stage, as written after the stage's name.
    struct ParameterEntry: Decodable {
        /// The keyword; absent (null) for the value right after the stage's name.
        var keyword: String?
        /// How the usage line names it.
        var placeholder: String?
        /// Whether a constant number follows the keyword (`per 1000`).
        var number: Bool?
        /// Whether an expression follows (default true; false for a flag such as `linear`).
        var expression: Bool?
        /// Whether the stage cannot run without it.
        var required: Bool?
        /// What the expression must be: `number`, `text`, `date` or `any` (default).
        var type: String?
    }

    /// One output column: `name` may be `$KEY` (the column named by that argument, e.g. `$by`)
    /// and `type` may be `$KEY` too (that argument's type).
    struct FieldEntry: Decodable {
        var name: String
        var type: String
        var role: String?
    }

    /// One stage.
    struct StageEntry: Decodable {
        var name: String
        var usage: String
        var summary: String
        var example: String?
        var parameters: [ParameterEntry]?
        /// Whether the output is the input's rows and columns with the outputs added (default false:
        /// the outputs are the whole result).
        var keep_input: Bool?
        var outputs: [FieldEntry]
    }

    var name: String
    var version: String
    /// The plugin API version it was written for.
    var api: Int
    var summary: String?
    /// The command and its arguments, run in the plugin's folder.
    var command: [String]
    /// Seconds a call may take (default 60).
    var timeout: Double?
    var stages: [StageEntry]

    /// The file name klynge looks for in a plugin folder.
    static let fileName = "klynge-plugin.json"

    /// Why a manifest cannot be used.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads and checks the manifest in a folder.
    static func read(folder: String) throws(Problem) -> PluginManifest {
        let path = (folder as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem(description: "\(path): no such file") }
        let manifest: PluginManifest
        do {
            manifest = try JSONDecoder().decode(PluginManifest.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw Problem(description: "\(path): '\(key.stringValue)' is missing\(where_(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw Problem(description: "\(path): \(context.debugDescription)\(where_(context.codingPath))")
        } catch {
            throw Problem(description: "\(path): not valid JSON (\(error.localizedDescription))")
        }
        guard manifest.api == PluginAPI.version else {
            throw Problem(description: "\(path): plugin '\(manifest.name)' is written for plugin API \(manifest.api), this klynge speaks API \(PluginAPI.version)")
        }
        guard !manifest.command.isEmpty else { throw Problem(description: "\(path): 'command' is empty") }
        for stage in manifest.stages {
            for field in stage.outputs where !field.type.hasPrefix("$") && DataType(userName: field.type) == nil {
                throw Problem(description: "\(path): stage '\(stage.name)': the output '\(field.name)' has an unknown type '\(field.type)'")
            }
            for field in stage.outputs where field.role != nil && Role(rawValue: field.role!) == nil {
                throw Problem(description: "\(path): stage '\(stage.name)': the output '\(field.name)' has an unknown role '\(field.role!)' (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        return manifest
    }

    static func where_(_ path: [CodingKey]) -> String {
        path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
