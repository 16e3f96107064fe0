/// The values a column had lately, each by its bytes, with what parsing it gave: a billing file's
/// fees, counts and dates repeat a few hundred values over millions of rows, so the range reader
/// parses and classifies most of them once per range and finds the rest here.
///
/// Why: parsing and classifying the fee column value by value was about a sixth of a 10M-row load
/// (`perf`, issue 13); the one value above (`CSVRangeReader.Previous`) caught only runs, as of
/// dates. A direct-mapped table of 256 slots (8 KB, in the first-level cache): a value of at most
/// 16 bytes is looked up by a hash of its words; a value that is not there takes its slot.
final class RecentValues {
    private struct Slot {
        var words = FieldWords(w0: 0, w1: 0)
        /// The value's length; 0 for an empty slot (an empty value is a null and never kept).
        var count = 0
        /// What parsing it gave, as bits.
        var parsed: UInt64 = 0
    }

    /// The number of slots (a power of two).
    static let size = 256
    private let slots: UnsafeMutablePointer<Slot>

    /// An empty table.
    init() {
        slots = .allocate(capacity: Self.size)
        slots.initialize(repeating: Slot(), count: Self.size)
    }

    deinit { slots.deallocate() }

    /// The slot of a value's words and length.
    @inline(__always) private static func slot(_ words: FieldWords, _ count: Int) -> Int {
        let h = (words.w0 &* 0x9E37_79B9_7F4A_7C15) ^ ((words.w1 ^ UInt64(count)) &* 0xC2B2_AE3D_27D4_EB4F)
        return Int(truncatingIfNeeded: h >> 56) & (size - 1)
    }

    /// What parsing gave for a value of these words and length (at most 16 bytes, not empty), if it is here.
    @inline(__always) func parsed(_ words: FieldWords, count: Int) -> UInt64? {
        let s = slots[Self.slot(words, count)]
        return s.count == count && s.words == words ? s.parsed : nil
    }

    /// Keeps what parsing gave for a value of these words and length (at most 16 bytes, not empty).
    @inline(__always) func keep(_ words: FieldWords, count: Int, parsed: UInt64) {
        slots[Self.slot(words, count)] = Slot(words: words, count: count, parsed: parsed)
    }
}
