import Synchronization

/// A text column's values as their UTF-8 bytes, one after another, dictionary-encoded only when
/// something first asks for codes (a grouping, join or sort on the column, a comparison of it).
///
/// Why: a column of ids (`patient_id`: 10M rows, 1.6M distinct) took a core for about a second to
/// encode while loading, and the encoding's hash table was 96 MiB at the load's peak, though most
/// questions never group by the id (issue 13; README "Speed"). Kept as bytes, the column is read,
/// shown, filtered and cached without a dictionary; DuckDB and Polars keep such strings as bytes too.
/// An empty value is a null (the CSV reader makes every empty text field null). Encoding gives the
/// codes in order of first appearance, the order the readers give, so results do not depend on
/// whether a column was encoded at load or later.
public final class RawText: Sendable {
    /// The values' bytes, back to back.
    public let bytes: [UInt8]
    /// When every value has the same length, that length (no `ends` then); 0 otherwise.
    public let width: Int
    /// When `width` is 0, where each value ends in `bytes` (it starts where the one before ends).
    public let ends: [UInt32]
    /// The number of values.
    public let count: Int
    /// The bytes some value that is not null starts with, when known (the CSV reader notes them as it copies).
    public let leading: ByteSet?
    /// The codes and dictionary, once asked for.
    private let encoding = Mutex<TextStorage?>(nil)

    /// Creates raw text from its parts: `count` values of `width` bytes each, or (width 0) ending at `ends`.
    public init(bytes: [UInt8], width: Int, ends: [UInt32], count: Int, leading: ByteSet? = nil) {
        precondition(width > 0 ? bytes.count == width * count && ends.isEmpty : ends.count == count && Int(ends.last ?? 0) == bytes.count,
                     "raw text parts do not fit together")
        self.bytes = bytes
        self.width = width
        self.ends = ends
        self.count = count
        self.leading = leading
    }

    /// Where value i lies in `bytes`.
    @inline(__always) public func bounds(_ i: Int) -> Range<Int> {
        if width > 0 { return i * width..<(i + 1) * width }
        return (i == 0 ? 0 : Int(ends[i - 1]))..<Int(ends[i])
    }

    /// Value i, or nil when it is null (empty).
    public func string(at i: Int) -> String? {
        let r = bounds(i)
        guard !r.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
    }

    /// Whether some value that is not null starts with a byte `test` holds for (from `leading` when
    /// known, else a loop over the first bytes: the CPR check after a load asks this of an id column).
    @inlinable
    public func containsValue(startingWith test: (UInt8) -> Bool) -> Bool {
        if let leading { return (0...255).contains { leading.contains(UInt8($0)) && test(UInt8($0)) } }
        return bytes.withUnsafeBufferPointer { b in
            if width > 0 { return stride(from: 0, to: b.count, by: width).contains { test(b[$0]) } }
            var start = 0
            for end in ends {
                if Int(end) > start, test(b[start]) { return true }
                start = Int(end)
            }
            return false
        }
    }

    /// The values at the given rows, in that order; a row of -1 gives a null.
    public func gather(_ rows: [Int]) -> RawText {
        var out: [UInt8] = []
        if width > 0, !rows.contains(-1) {
            out.reserveCapacity(rows.count * width)
            bytes.withUnsafeBufferPointer { b in
                for i in rows { out.append(contentsOf: b[i * width..<(i + 1) * width]) }
            }
            return RawText(bytes: out, width: width, ends: [], count: rows.count)
        }
        var ends: [UInt32] = []
        ends.reserveCapacity(rows.count)
        bytes.withUnsafeBufferPointer { b in
            for i in rows {
                if i >= 0 { out.append(contentsOf: b[bounds(i)]) }
                ends.append(UInt32(out.count))
            }
        }
        return RawText(bytes: out, width: 0, ends: ends, count: rows.count)
    }

    /// The values dictionary-encoded (codes in order of first appearance, -1 for null), made on first use and kept.
    public var encoded: TextStorage {
        encoding.withLock { known in
            if let known { return known }
            var dictionary = ByteDictionary()
            var codes = [Int32](repeating: -1, count: count)
            bytes.withUnsafeBufferPointer { b in
                for i in 0..<count {
                    let r = bounds(i)
                    if !r.isEmpty { codes[i] = dictionary.code(for: UnsafeBufferPointer(rebasing: b[r])) }
                }
            }
            let made = TextStorage(codes: codes, dictionary: dictionary.strings)
            known = made
            return made
        }
    }
}

/// A set of bytes, as 256 bits.
public struct ByteSet: Sendable, Equatable {
    @usableFromInline var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// An empty set.
    public init() {}

    /// Whether the set holds `byte`.
    @inlinable public func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    /// Adds `byte`.
    @inline(__always) public mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    /// The bytes of both sets.
    public func union(_ other: ByteSet) -> ByteSet {
        var u = self
        u.words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
        return u
    }

    public static func == (a: ByteSet, b: ByteSet) -> Bool { a.words == b.words }
}
