/// One look at every byte of a large file before it is read: whether it is well-formed UTF-8, how
/// many line feeds each chunk of it has and where its last `"` is, the chunks looked at side by
/// side and each one's pages given back once looked at.
///
/// Why one look: the encoding check, the search for quotes and the count of each range's lines
/// were three passes over the file, each one taking its pages into memory again (page faults were
/// a tenth of a 10M-row load's time, the three loops another sixth; `perf`, issue 13).
struct FileSurvey: Sendable {
    /// Where each chunk starts (each at a character's first byte), then the end of the file.
    let cuts: [Int]
    /// The line feeds in each chunk.
    let lineFeeds: [Int]
    /// Whether the whole file is well-formed UTF-8.
    let validUTF8: Bool
    /// Where the file's last `"` is, or -1.
    let lastQuote: Int

    /// Looks at the bytes in chunks of about `chunk` bytes side by side, giving each chunk's pages
    /// back with `release` (4 MB: the range reader cuts its ranges at chunk cuts, so a range is at
    /// most 2 MB longer than an even share).
    init(_ b: UnsafeBufferPointer<UInt8>, chunk: Int = 4 << 20, release: @Sendable (Range<Int>) -> Void) {
        let cuts = Self.cuts(b, chunk: chunk)
        let looks = (try? Parallel.map(cuts.count - 1) { k -> (valid: Bool, lineFeeds: Int, lastQuote: Int) in
            let range = cuts[k]..<cuts[k + 1]
            defer { release(range) }
            return Self.look(UnsafeBufferPointer(rebasing: b[range]), at: range.lowerBound)
        }) ?? []
        self.cuts = cuts
        lineFeeds = looks.map(\.lineFeeds)
        validUTF8 = looks.count == cuts.count - 1 && looks.allSatisfy(\.valid)
        lastQuote = looks.map(\.lastQuote).max() ?? -1
    }

    /// Where chunks of about `chunk` bytes start, then the end: each at a character's first byte, so
    /// each chunk is well-formed UTF-8 on its own exactly when the whole is (`TextEncoding.detect` cuts so too).
    static func cuts(_ b: UnsafeBufferPointer<UInt8>, chunk: Int) -> [Int] {
        var cuts = [0]
        var cut = chunk
        while cut < b.count {
            while cut < b.count, b[cut] & 0xC0 == 0x80, cut - cuts.last! < chunk + 4 { cut += 1 }
            if cut < b.count { cuts.append(cut) }
            cut += chunk
        }
        cuts.append(b.count)
        return cuts
    }

    /// One chunk: whether it is well-formed UTF-8 (`TextEncoding.isValidUTF8`'s rules), its line
    /// feeds and its last quote (`start` + its place), eight ASCII bytes at a time.
    private static func look(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> (valid: Bool, lineFeeds: Int, lastQuote: Int) {
        guard let p = b.baseAddress else { return (true, 0, -1) }
        let n = b.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        var i = 0, lineFeeds = 0, lastQuote = -1
        @inline(__always) func word(_ at: Int) -> UInt64 { UInt64(littleEndian: UnsafeRawPointer(p + at).loadUnaligned(as: UInt64.self)) }
        while i < n {
            // 32 ASCII bytes at a time (one test of their high bits, and of their quotes, for four
            // words: the loop of one word at a time was an eighth of a 10M-row load), then 8.
            while i + 32 <= n {
                let w0 = word(i), w1 = word(i + 8), w2 = word(i + 16), w3 = word(i + 24)
                if (w0 | w1 | w2 | w3) & 0x8080_8080_8080_8080 != 0 { break }
                let lf = 10 &* ones, q = 34 &* ones
                lineFeeds += CSVScanner.zeroBytes(w0 ^ lf).nonzeroBitCount + CSVScanner.zeroBytes(w1 ^ lf).nonzeroBitCount
                    + CSVScanner.zeroBytes(w2 ^ lf).nonzeroBitCount + CSVScanner.zeroBytes(w3 ^ lf).nonzeroBitCount
                if CSVScanner.zeroBytes(w0 ^ q) | CSVScanner.zeroBytes(w1 ^ q) | CSVScanner.zeroBytes(w2 ^ q) | CSVScanner.zeroBytes(w3 ^ q) != 0 {
                    for k in (0..<32).reversed() where p[i + k] == 34 { lastQuote = start + i + k; break }
                }
                i += 32
            }
            while i + 8 <= n {
                let w = word(i)
                if w & 0x8080_8080_8080_8080 != 0 { break }
                lineFeeds += CSVScanner.zeroBytes(w ^ (10 &* ones)).nonzeroBitCount
                let quotes = CSVScanner.zeroBytes(w ^ (34 &* ones))
                if quotes != 0 { lastQuote = start + i + (63 - quotes.leadingZeroBitCount) >> 3 }
                i += 8
            }
            guard i < n else { break }
            let c = p[i]
            if c < 0x80 {
                if c == 10 { lineFeeds += 1 } else if c == 34 { lastQuote = start + i }
                i += 1
                continue
            }
            guard let length = TextEncoding.characterLength(b, at: i) else { return (false, lineFeeds, lastQuote) }
            i += length
        }
        return (true, lineFeeds, lastQuote)
    }

    /// The chunk cut nearest to byte `at`.
    func nearestCut(to at: Int) -> Int {
        cuts.min { abs($0 - at) < abs($1 - at) } ?? at
    }

    /// The line feeds in `range` of the surveyed bytes `b`: the chunks' counts, and the bytes
    /// between a chunk cut and an end of the range counted here (a line or two when the range
    /// ends near cuts, as `CSVRangeReader.split` makes them).
    func lineFeeds(in range: Range<Int>, of b: UnsafeBufferPointer<UInt8>) -> Int {
        before(range.upperBound, b) - before(range.lowerBound, b)
    }

    /// The line feeds before byte `at`.
    private func before(_ at: Int, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        // The cut nearest to `at`, and the bytes between them counted one by one.
        var k = 0
        for (j, cut) in cuts.enumerated() where abs(cut - at) < abs(cuts[k] - at) { k = j }
        var count = lineFeeds[..<min(k, lineFeeds.count)].reduce(0, +)
        if at >= cuts[k] {
            for i in cuts[k]..<at where b[i] == 10 { count += 1 }
        } else {
            for i in at..<cuts[k] where b[i] == 10 { count -= 1 }
        }
        return count
    }
}
