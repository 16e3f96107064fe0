import Foundation

/// The user's XDG folders (XDG Base Directory Specification): config (the pseudonym key), state
/// (the export log), data (plugins). An empty variable counts as unset, as the specification says.
enum UserFolders {
    /// `$variable`, else `~/fallback`, with `file` appended.
    static func path(_ variable: String, orHome fallback: String, _ file: String) -> String {
        let env = ProcessInfo.processInfo.environment
        let folder = env[variable].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((env["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(fallback)
        return (folder as NSString).appendingPathComponent(file)
    }
}
