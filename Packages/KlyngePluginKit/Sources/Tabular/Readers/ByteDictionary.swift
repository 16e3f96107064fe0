import Foundation

/// Dictionary-encodes text straight from a file's bytes: each field's bytes are hashed once and
/// looked up in an open-addressing table of the byte sequences seen so far, so a repeated value
/// costs no `String` and no SipHash; only a byte sequence not seen before is decoded.
///
/// Why not `[String: Int32]`: profiling a load of the generator's billing file showed about 40 % of
/// the time in Swift's `Dictionary<String, Int32>` (String creation, SipHash, probing) while
/// encoding text columns; this table replaces that (measured in the issue 13 notes and the README).
/// Values keep `String` semantics: a new byte sequence whose decoded `String` equals an earlier
/// value (another Unicode normal form, or invalid UTF-8 decoding to the same replacement) gets that
/// value's code, exactly as the `String` dictionary gave. Codes are given in order of first
/// appearance, so dictionaries built over consecutive parts of a file and merged in order
/// (`code(for:)` of the later parts' strings) give the codes one dictionary over the file would.
///
/// A value of up to 16 bytes (codes, ids, names: nearly every value of a billing file) is held in
/// its table slot itself, so finding it touches one cache line: with a million distinct patient
/// ids the table is far larger than the caches, and a probe through an entry and a byte arena cost
/// three cache misses instead of one (`perf annotate` on the 10M-row load, issue 13).
struct ByteDictionary {
    /// The distinct strings; a value's code is its index here.
    private(set) var strings: [String] = []
    /// The open-addressing table; a slot with `codePlusOne == 0` is empty.
    private var slots: [Slot]
    /// Where the bytes of each value over 16 bytes long start in `arena`, by code.
    private var starts: [Int32: Int] = [:]
    /// The bytes of the values over 16 bytes long, one after another.
    private var arena: [UInt8] = []
    /// The number of slots in use.
    private var used = 0
    /// The codes of the non-ASCII values by decoded string, consulted only for a byte sequence not seen before.
    private var byString: [String: Int32] = [:]

    /// One distinct byte sequence: its first 16 bytes (zero-padded), its length and its code + 1.
    private struct Slot {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var length: UInt32 = 0
        var codePlusOne: UInt32 = 0
    }

    /// Creates an empty dictionary.
    init() {
        slots = [Slot](repeating: Slot(), count: 1024)
    }

    /// The hash of a value of at most 16 bytes, from its words and length.
    @inline(__always) private static func hash(_ w0: UInt64, _ w1: UInt64, length: Int) -> UInt64 {
        let h = (w0 &* 0x9E37_79B9_7F4A_7C15) ^ ((w1 ^ UInt64(length)) &* 0xC2B2_AE3D_27D4_EB4F)
        return h ^ (h >> 31)
    }

    /// The hash of a longer value: FNV-1a over all its bytes.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h ^ (h >> 31)
    }

    /// The number of distinct values.
    var count: Int { strings.count }

    /// The code of a value given as its bytes (UTF-8; decoded as `String(decoding:as:)` does), added when new.
    mutating func code(for bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let words = FieldWords(bytes)
        let w0 = words.w0, w1 = words.w1
        return code(for: bytes, w0, w1, hash: bytes.count <= 16 ? Self.hash(w0, w1, length: bytes.count) : Self.hash(bytes))
    }

    /// The code of a value from its bytes, its first 16 bytes as words and its hash, added when new.
    @inline(__always) private mutating func code(for bytes: UnsafeBufferPointer<UInt8>, _ w0: UInt64, _ w1: UInt64, hash h: UInt64) -> Int32 {
        let length = UInt32(truncatingIfNeeded: bytes.count)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        let found: Int32? = slots.withUnsafeBufferPointer { slots in
            while true {
                let s = slots[i]
                if s.codePlusOne == 0 { return nil }
                if s.w0 == w0, s.w1 == w1, s.length == length {
                    let code = Int32(s.codePlusOne - 1)
                    if bytes.count <= 16 || tailEqual(code, bytes) { return code }
                }
                i = (i + 1) & mask
            }
        }
        if let found { return found }
        // A byte sequence not seen before: decode it once. ASCII has one spelling per string, so
        // only other text can equal an earlier value in another form; that one keeps its code
        // (and these bytes find it through `byString` each time, as they get no slot).
        let s = String(decoding: bytes, as: UTF8.self)
        let ascii = bytes.allSatisfy { $0 < 0x80 }
        if !ascii, let known = byString[s] { return known }
        let code = Int32(strings.count)
        strings.append(s)
        if !ascii { byString[s] = code }
        if bytes.count > 16 {
            starts[code] = arena.count
            arena.append(contentsOf: bytes)
        }
        slots[i] = Slot(w0: w0, w1: w1, length: length, codePlusOne: UInt32(code) + 1)
        used += 1
        // At most half full: linear probing stays short (measured: three quarters full made a
        // 10M-row load with 1.6M distinct patient ids 40 % slower).
        if used * 2 > slots.count { grow() }
        return code
    }

    /// The code of a value that is already a string (a field with doubled quotes, unescaped), added when new.
    mutating func code(for s: String) -> Int32 {
        var s = s
        return s.withUTF8 { code(for: $0) }
    }

    /// Whether a long value's bytes equal those of `code` (whose first 16 bytes and length already matched).
    private func tailEqual(_ code: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[code]!
        return arena.withUnsafeBufferPointer { a in
            memcmp(a.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    /// Doubles the table and places every slot again.
    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        arena.withUnsafeBufferPointer { arena in
            for s in old where s.codePlusOne != 0 {
                let length = Int(s.length)
                let h = length <= 16 ? Self.hash(s.w0, s.w1, length: length)
                    : Self.hash(UnsafeBufferPointer(rebasing: arena[starts[Int32(s.codePlusOne - 1)]!...].prefix(length)))
                var i = Int(truncatingIfNeeded: h) & mask
                while slots[i].codePlusOne != 0 { i = (i + 1) & mask }
                slots[i] = s
            }
        }
    }
}
