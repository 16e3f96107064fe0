import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The secret key CPR pseudonyms are made with: 32 random bytes in a file only its owner may read
/// (`$XDG_CONFIG_HOME/klynge/pseudonym.key`, by default `~/.config/klynge/pseudonym.key`), made on
/// first use. The same key gives the same pseudonym for the same person in every file and session;
/// without it, nobody can find a person by trying all CPR numbers.
struct PseudonymKey {
    /// Why the key cannot be used.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The key.
    let key: SymmetricKey
    /// Where it is kept.
    let path: String
    /// Whether it was made just now.
    let created: Bool

    /// The default place of the key file.
    static func defaultPath() -> String { UserFolders.path("XDG_CONFIG_HOME", orHome: ".config", "klynge/pseudonym.key") }

    /// Reads the key at `path`, or makes one there (mode 0600, in a folder of mode 0700).
    static func load(path: String) throws(Problem) -> PseudonymKey {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & 0o077 == 0 else {
                throw Problem(description: "the pseudonym key \(path) can be read by others (mode \(String(info.st_mode & 0o777, radix: 8))); run: chmod 600 \(path)")
            }
            guard let data = FileManager.default.contents(atPath: path), data.count == 32 else {
                throw Problem(description: "the pseudonym key \(path) is not 32 bytes; restore it from your backup (a new key would give everyone new pseudonyms)")
            }
            return PseudonymKey(key: SymmetricKey(data: data), path: path, created: false)
        }
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Problem(description: "cannot make the folder for the pseudonym key \(folder): \(error.localizedDescription)")
        }
        let key = SymmetricKey(size: .bits256)
        // Written to a temporary file created with mode 0600, then renamed: never readable by others, never half written.
        let temporary = path + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Problem(description: "cannot write the pseudonym key \(path): \(String(cString: strerror(errno)))") }
        let bytes = key.withUnsafeBytes { Array($0) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        guard written == 32, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Problem(description: "cannot write the pseudonym key \(path): \(String(cString: strerror(errno)))")
        }
        return PseudonymKey(key: key, path: path, created: true)
    }

    /// The pseudonym of a CPR number's ten digits: `p` and 16 hex digits of HMAC-SHA256 under the key.
    func pseudonym(_ digits: [UInt8]) -> String { pseudonym(of: String(digits.map { Character(String($0)) })) }

    /// The pseudonym of a value's canonical text (a CPR's ten digits, without hyphen).
    func pseudonym(of canonical: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(canonical.utf8), using: key)
        return "p" + mac.prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
