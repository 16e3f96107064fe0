import Foundation
import ZIPFoundation

/// An Office Open XML package (`.xlsx`, `.pptx`): a ZIP of parts. Written with the content types
/// and package relationships first and every entry at one fixed time, so the same document is the
/// same bytes; read with the damaged-directory check the workbook reader uses, and a limit on
/// what a part may unpack to.
public enum OfficePackage {
    /// Why a package could not be read.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// The package's bytes for these parts (path → bytes).
    public static func data(_ parts: [String: Data]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        let first = ["[Content_Types].xml", "_rels/.rels"]
        let order = first.filter { parts[$0] != nil } + parts.keys.filter { !first.contains($0) }.sorted()
        for path in order {
            let bytes = parts[path]!
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count),
                                 modificationDate: Date(timeIntervalSince1970: 1_700_000_000), compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// The parts of the package in a file; a part that would unpack to more than `maxPart` bytes
    /// is refused (a template or workbook is not that big; a ZIP bomb is).
    public static func parts(path: String, maxPart: UInt64 = 200_000_000) throws(Failure) -> [String: Data] {
        do {
            try ZIPDirectory.check(path: path)
        } catch {
            throw Failure(description: error.description)
        }
        var parts: [String: Data] = [:]
        do {
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
            for entry in archive where entry.type == .file {
                guard UInt64(entry.uncompressedSize) <= maxPart else { throw Failure(description: "its part \(entry.path) unpacks to more than \(maxPart / 1_000_000) MB") }
                var bytes = Data()
                _ = try archive.extract(entry, skipCRC32: false) { bytes.append($0) }
                parts[entry.path] = bytes
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "it is not a ZIP package (\(error))")
        }
        return parts
    }
}
