/// The character encodings a CSV export can come in, and conversion of their bytes to UTF-8.
public enum TextEncoding: String, Sendable, CustomStringConvertible {
    /// UTF-8 without a byte order mark.
    case utf8 = "UTF-8"
    /// UTF-8 with a byte order mark (what Danish Excel writes for "CSV UTF-8").
    case utf8BOM = "UTF-8 with BOM"
    /// Windows-1252, Danish Excel's "CSV (semikolonsepareret)" (a superset of Latin-1's letters).
    case windows1252 = "Windows-1252"
    /// UTF-16 little-endian with BOM (Excel's "Unicode text").
    case utf16LE = "UTF-16LE"

    /// The name shown in load reports.
    public var description: String { rawValue }

    /// Parses an encoding name as users write it in `encoding "…"`.
    public init?(userName: String) {
        switch userName.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8": self = .utf8
        case "utf-8-bom", "utf8-bom", "utf-8 with bom", "utf-8-sig": self = .utf8BOM
        case "cp1252", "windows-1252", "win1252", "latin-1", "latin1", "iso-8859-1", "ansi": self = .windows1252
        case "utf-16", "utf-16le", "utf16": self = .utf16LE
        default: return nil
        }
    }

    /// Guesses the encoding: a BOM decides; otherwise valid UTF-8 is UTF-8 and anything else Windows-1252.
    public static func detect(_ bytes: UnsafeBufferPointer<UInt8>) -> TextEncoding {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return .utf8BOM }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return .utf16LE }
        return isValidUTF8(bytes) ? .utf8 : .windows1252
    }

    /// Guesses the encoding as `detect(_:)` does, looking at a large file in chunks on all cores and
    /// giving back each chunk's pages once looked at (`release`, for a file mapping).
    static func detect(_ bytes: UnsafeBufferPointer<UInt8>, release: (@Sendable (Range<Int>) -> Void)?) -> TextEncoding {
        let chunk = 16 << 20
        guard let release, bytes.count > chunk else { return detect(bytes) }
        if bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { return .utf8BOM }
        if bytes[0] == 0xFF && bytes[1] == 0xFE { return .utf16LE }
        let cuts = FileSurvey.cuts(bytes, chunk: chunk)
        let valid = (try? Parallel.map(cuts.count - 1) { k -> Bool in
            let range = cuts[k]..<cuts[k + 1]
            defer { release(range) }
            return isValidUTF8(UnsafeBufferPointer(rebasing: bytes[range]))
        }) ?? []
        return valid.allSatisfy { $0 } ? .utf8 : .windows1252
    }

    /// Whether the bytes are well-formed UTF-8.
    public static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        guard let p = b.baseAddress else { return true }
        while i < n {
            // Eight ASCII bytes at a time: most of a CSV export is ASCII.
            while i + 8 <= n, UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < n else { break }
            guard let length = characterLength(b, at: i) else { return false }
            i += length
        }
        return true
    }

    /// The length of the well-formed UTF-8 character at byte i (an ASCII byte is one), or nil.
    @inline(__always)
    static func characterLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let c = b[i]
        if c < 0x80 { return 1 }
        let need: Int
        if c & 0xE0 == 0xC0, c >= 0xC2 { need = 1 }
        else if c & 0xF0 == 0xE0 { need = 2 }
        else if c & 0xF8 == 0xF0, c <= 0xF4 { need = 3 }
        else { return nil }
        if i + need >= b.count { return nil }
        for k in 1...need where b[i + k] & 0xC0 != 0x80 { return nil }
        return need + 1
    }

    /// The bytes as UTF-8 without any BOM, converting from this encoding.
    public func utf8Bytes(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        switch self {
        case .utf8:
            return Array(b)
        case .utf8BOM:
            return b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? Array(b[3...]) : Array(b)
        case .windows1252:
            var out: [UInt8] = []
            out.reserveCapacity(b.count + b.count / 16)
            for c in b {
                if c < 0x80 { out.append(c); continue }
                let scalar = c >= 0xA0 || c < 0x80 ? UInt32(c) : TextEncoding.cp1252High[Int(c - 0x80)]
                if scalar < 0x800 {
                    out.append(UInt8(0xC0 | (scalar >> 6)))
                    out.append(UInt8(0x80 | (scalar & 0x3F)))
                } else {
                    out.append(UInt8(0xE0 | (scalar >> 12)))
                    out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                    out.append(UInt8(0x80 | (scalar & 0x3F)))
                }
            }
            return out
        case .utf16LE:
            var units: [UInt16] = []
            units.reserveCapacity(b.count / 2)
            var i = (b.count >= 2 && b[0] == 0xFF && b[1] == 0xFE) ? 2 : 0
            while i + 1 < b.count {
                units.append(UInt16(b[i]) | UInt16(b[i + 1]) << 8)
                i += 2
            }
            return Array(String(decoding: units, as: UTF16.self).utf8)
        }
    }

    /// Windows-1252's characters for bytes 0x80–0x9F (where it differs from Latin-1).
    static let cp1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]
}

