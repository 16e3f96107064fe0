import Foundation

/// A check of a ZIP package's central directory against the file it is in, before ZIPFoundation
/// reads any part: every part's data must lie inside the file. A damaged directory that claims
/// more bytes than there are made ZIPFoundation wait forever for them (found by the fuzzer, see
/// Fuzz/; the input is Tests/TabularTests/Fixtures/part-past-end.xlsx).
enum ZIPDirectory {
    /// Why the package is damaged.
    struct Damage: Error, CustomStringConvertible {
        var description: String
    }

    /// Throws when a part of the package at `path` lies (or claims to lie) outside the file.
    static func check(path: String) throws(Damage) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let bytes = [UInt8](data)
        let n = bytes.count
        func u16(_ at: Int) -> Int { at + 2 <= n ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : 0 }
        func u32(_ at: Int) -> UInt64 { at + 4 <= n ? UInt64(bytes[at]) | UInt64(bytes[at + 1]) << 8 | UInt64(bytes[at + 2]) << 16 | UInt64(bytes[at + 3]) << 24 : 0 }
        // The end-of-central-directory record: its signature within the last 64 kB (+22) of the file.
        var end = -1
        var k = n - 22
        while k >= max(0, n - 22 - 65_535) {
            if u32(k) == 0x0605_4B50 { end = k; break }
            k -= 1
        }
        guard end >= 0 else { return }   // not a ZIP package: ZIPFoundation says so itself
        let count = u16(end + 10)
        var record = Int(u32(end + 16))
        let size = UInt64(n)
        for _ in 0..<count {
            guard record >= 0, UInt64(record) + 46 <= size, u32(record) == 0x0201_4B50 else {
                throw Damage(description: "its table of contents does not match the file")
            }
            let compressed = u32(record + 20), uncompressed = u32(record + 24), method = u16(record + 10)
            let nameLength = u16(record + 28), extraLength = u16(record + 30), commentLength = u16(record + 32)
            let local = u32(record + 42)
            let name = String(decoding: bytes[min(n, record + 46)..<min(n, record + 46 + nameLength)], as: UTF8.self)
            // ZIP64 markers in a file under 4 GB, or data past the end, mean a damaged package.
            let onDisk = method == 0 ? uncompressed : compressed
            if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || local == 0xFFFF_FFFF {
                if size < 0xFFFF_FFFF { throw Damage(description: "its part \(name) has sizes only a file over 4 GB can have") }
            } else {
                guard local + 30 <= size, u32(Int(local)) == 0x0403_4B50 else { throw Damage(description: "its part \(name) is not where the table of contents says") }
                let dataStart = local + 30 + UInt64(u16(Int(local) + 26)) + UInt64(u16(Int(local) + 28))
                guard dataStart + onDisk <= size else { throw Damage(description: "its part \(name) claims \(onDisk) bytes more than the file holds") }
            }
            record += 46 + nameLength + extraLength + commentLength
        }
    }
}
