import Crypto
import Foundation
import Output
import Tabular

/// Loaded CSV files kept as binary columns in the user's cache folder (`$XDG_CACHE_HOME/klynge/loads`,
/// by default `~/.cache/klynge/loads`), so loading an unchanged file again is a copy of its
/// columns, not a parse.
///
/// An entry is found by a SHA-256 of the file's absolute path, size and modification time, the
/// load options, the pseudonym key's fingerprint, and the file's first and last 64 kB; any change
/// to one of them misses and the file is parsed (and cached) again. Entries hold the table after
/// CPR numbers were pseudonymised: a session that loads CPR numbers raw (`set cpr keep`) neither
/// reads nor writes the cache. The folder is the user's own (0700), the files 0600.
struct LoadCache {
    /// The folder of the entries.
    let folder: String

    /// The default folder.
    static func defaultFolder() -> String { UserFolders.path("XDG_CACHE_HOME", orHome: ".cache", "klynge/loads") }

    /// What is kept beside the columns: the load's report and its CPR notes, to say them again.
    struct Header: Codable {
        var report: String
        var notes: [String]
    }

    /// The entry's name for a file loaded with these options; nil when the file cannot be read.
    func key(file: String, options: String, pseudonymKey: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
              let size = (attributes[.size] as? NSNumber)?.uint64Value,
              let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970,
              let handle = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? handle.close() }
        var hash = SHA256()
        hash.update(data: Data("klynge-load-cache-1\n\(file)\n\(size)\n\(modified)\n\(options)\n".utf8))
        // The key's fingerprint: a new key means new pseudonyms, so the old entries must not serve.
        if let key = FileManager.default.contents(atPath: pseudonymKey) { hash.update(data: Data(SHA256.hash(data: key))) }
        let window: UInt64 = 65_536
        hash.update(data: (try? handle.read(upToCount: Int(window))) ?? Data())
        if size > window {
            try? handle.seek(toOffset: size - window)
            hash.update(data: (try? handle.read(upToCount: Int(window))) ?? Data())
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The cached table and its header, when the entry exists and is whole.
    func read(_ key: String) -> (Table, Header)? {
        let base = (folder as NSString).appendingPathComponent(key)
        guard let headerData = FileManager.default.contents(atPath: base + ".json"),
              let header = try? JSONDecoder().decode(Header.self, from: headerData),
              let table = try? BinaryTable.read(path: base + ".cols") else { return nil }
        return (table, header)
    }

    /// Keeps a table (best effort: a cache that cannot be written only costs the next load time).
    func write(_ table: Table, header: Header, key: String) {
        let manager = FileManager.default
        try? manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let base = (folder as NSString).appendingPathComponent(key)
        guard let headerData = try? JSONEncoder().encode(header) else { return }
        // The columns are streamed to a temporary file (mode 0600) and renamed into place, so a
        // reader never sees half an entry; the header, which makes the entry visible, comes last.
        let temporary = base + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        do {
            try BinaryTable.write(table, to: temporary)
            guard rename(temporary, base + ".cols") == 0 else { throw CocoaError(.fileWriteUnknown) }
            try ResultWriter.writeAtomically(headerData, to: base + ".json")
            try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: base + ".json")
        } catch {
            try? manager.removeItem(atPath: temporary)
        }
    }
}
