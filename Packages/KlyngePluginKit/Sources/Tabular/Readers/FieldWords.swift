/// The first 16 bytes of a value as two little-endian words, zero-padded past its end, read in a
/// few loads that never touch a byte outside the value.
///
/// Both the text dictionary (`ByteDictionary`, which keys values of up to 16 bytes by their words)
/// and the range reader (which recognises a value equal to the one above it) compare values this
/// way. Copying the bytes into a zeroed pair of words with `copyMemory` cost a fifth of the
/// dictionary's time in a 10M-row load (a `memcpy` call, then loads that wait for its stores: `perf
/// annotate`, issue 13).
struct FieldWords: Equatable {
    /// Bytes 0–7.
    var w0: UInt64
    /// Bytes 8–15.
    var w1: UInt64

    /// Words given as they are.
    init(w0: UInt64, w1: UInt64) {
        self.w0 = w0
        self.w1 = w1
    }

    /// The words of `count` bytes at `p` (bytes past 16 are left out).
    @inline(__always)
    init(_ p: UnsafePointer<UInt8>, count: Int) {
        let raw = UnsafeRawPointer(p)
        switch count {
        case 16...:
            w0 = Self.load(raw, 0)
            w1 = Self.load(raw, 8)
        case 8...:
            // Bytes 8..<count are the top ones of the word that ends at the value's end.
            w0 = Self.load(raw, 0)
            w1 = count == 8 ? 0 : Self.load(raw, count - 8) >> UInt64((16 - count) * 8)
        case 4...:
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))) >> UInt64((8 - count) * 8)
            w0 = low | high << 32
            w1 = 0
        default:
            var w: UInt64 = 0
            for k in 0..<count { w |= UInt64(p[k]) << UInt64(k * 8) }
            w0 = w
            w1 = 0
        }
    }

    /// The words of a buffer's bytes.
    @inline(__always)
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { w0 = 0; w1 = 0; return }
        self = FieldWords(base, count: bytes.count)
    }

    @inline(__always) private static func load(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
