import Foundation

/// Dictionary-encodes a text column straight from the file's bytes: each field's bytes are hashed
/// once and looked up in an open-addressing table of the byte sequences seen so far, so a repeated
/// value costs no `String` and no SipHash; only a byte sequence not seen before is decoded.
///
/// Why not `[String: Int32]`: profiling a load of the generator's billing file showed about 40 % of
/// the time in Swift's `Dictionary<String, Int32>` (String creation, SipHash, probing) while
/// encoding text columns; this table replaces that (measured in the issue 13 notes and the README).
/// Values keep `String` semantics: a new byte sequence whose decoded `String` equals an earlier
/// value (another Unicode normal form, or invalid UTF-8 decoding to the same replacement) gets that
/// value's code, exactly as the `String` dictionary gave.
struct ByteDictionary {
    /// The codes per row and the distinct strings, as a text column stores them.
    private(set) var storage = TextStorage(codes: [], dictionary: [])
    /// Per slot: 0 when empty, else the index + 1 of an entry.
    private var slots: [Int32]
    /// The entries: each distinct byte sequence's hash, place in `arena`, length and code.
    private var hashes: [UInt64] = [], starts: [Int] = [], lengths: [Int] = [], entryCodes: [Int32] = []
    /// The bytes of every distinct sequence, one after another.
    private var arena: [UInt8] = []
    /// The codes of the non-ASCII values by decoded string, consulted only for a byte sequence not seen before.
    private var byString: [String: Int32] = [:]

    /// Creates an empty dictionary for about `rows` rows.
    init(rows: Int) {
        storage.codes.reserveCapacity(rows)
        slots = [Int32](repeating: 0, count: 1024)
    }

    /// FNV-1a over the bytes: short fields (codes, ids) hash in a few cycles.
    @inline(__always) static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// Appends a null.
    mutating func appendNull() { storage.codes.append(-1) }

    /// Appends a value given as its bytes (UTF-8; decoded as `String(decoding:as:)` does).
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        let h = Self.hash(bytes)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            let e = Int(slot) - 1
            if hashes[e] == h, lengths[e] == bytes.count, arena.withUnsafeBufferPointer({ a in
                bytes.count == 0 || memcmp(a.baseAddress! + starts[e], bytes.baseAddress!, bytes.count) == 0
            }) {
                storage.codes.append(entryCodes[e])
                return
            }
            i = (i + 1) & mask
        }
        // A byte sequence not seen before: decode it once. ASCII has one spelling per string, so
        // only other text can equal an earlier value in another form; that one keeps its code.
        let s = String(decoding: bytes, as: UTF8.self)
        let ascii = bytes.allSatisfy { $0 < 0x80 }
        let code: Int32
        if !ascii, let known = byString[s] {
            code = known
        } else {
            code = Int32(storage.dictionary.count)
            storage.dictionary.append(s)
            if !ascii { byString[s] = code }
        }
        hashes.append(h)
        starts.append(arena.count)
        lengths.append(bytes.count)
        entryCodes.append(code)
        arena.append(contentsOf: bytes)
        slots[i] = Int32(hashes.count)
        storage.codes.append(code)
        if hashes.count * 2 > slots.count { grow() }
    }

    /// Appends a value that is already a string (a field with doubled quotes, unescaped).
    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    /// Doubles the table and places every entry again.
    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for e in hashes.indices {
            var i = Int(truncatingIfNeeded: hashes[e]) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = Int32(e + 1)
        }
    }
}
