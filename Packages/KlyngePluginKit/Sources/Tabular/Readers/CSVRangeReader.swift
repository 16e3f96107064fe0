import Dispatch
import Foundation
import Synchronization

/// Reads delimited text in byte ranges side by side, one per core, scanning and parsing each row
/// where it lies, without holding every field's offsets (`CSVScanner` keeps 8 bytes per field:
/// 480 MB for the generator's 10M-row billing file).
///
/// Types are inferred over all values, as `ColumnParser` does, and decided by the same
/// `ColumnLayout`. A file in several ranges is parsed in one pass on the types its first rows give,
/// every value classified as it is parsed; when the whole file's types are not that guess, and for a
/// file in one range, there are two passes: the first classifies every value, the second parses
/// each into its place in the typed columns. Text with few distinct values is encoded per range and
/// the ranges' dictionaries merged in file order, so the codes are the ones one dictionary over the
/// file gives; text with many (ids) is kept as its bytes (`RawText`, encoded in file order when
/// first needed): the ranges leave each value's place in the file in its row's slot, and the
/// values are copied out after the parse. A file is split only where no quoted value can hide a
/// line break (it has no `"` at all); otherwise it is one range. Anything irregular — a ragged row, an unclosed quote, a value its column's type refuses, a
/// field or line over the limits — makes `read` return nil, and `ColumnParser` reads the file and
/// words the error exactly as before.
struct CSVRangeReader {
    /// The file's bytes (UTF-8, no byte order mark).
    let b: UnsafeBufferPointer<UInt8>
    /// The field delimiter.
    let delimiter: UInt8
    /// What the user asked for.
    let options: LoadOptions
    /// The file's name in messages.
    let path: String
    /// Gives back the pages of a byte range the reader has finished with (a no-op unless the bytes are a file mapping).
    let release: @Sendable (Range<Int>) -> Void

    /// Below this many bytes per range a file is not split (a range's dictionaries and set-up cost more than a core gains).
    var minimumRangeBytes = 4 << 20
    /// How many rows of the first range are looked at for the number of distinct values of each column.
    static let sampleRows = 65_536
    /// The pages of the file are given back (`release`) after about this many bytes have been read
    /// (they stay in the page cache), looked at every 16,384 rows: at 8 MB a range, the pages still
    /// held were 38 MB of a 10M-row load's peak (issue 13).
    static let releaseBytes = 1 << 20
    /// How many ranges at most: one per core.
    var maximumRanges = ProcessInfo.processInfo.activeProcessorCount
    /// The file's line feeds and quotes, when it was surveyed before (for its encoding); else they are counted here.
    var survey: FileSurvey? = nil

    /// What a successful read gives.
    struct Result {
        /// The table.
        var table: Table
        /// The header, names and types decided.
        var layout: ColumnLayout
        /// Whether the first line ended with CRLF.
        var crlf: Bool
    }

    /// The rows the ranges have found so far, counted in steps of 65,536 by each.
    private final class RowCounter: Sendable {
        private let count = Atomic<Int>(0)
        func add(_ n: Int) { count.add(n, ordering: .relaxed) }
        var rows: Int { count.load(ordering: .relaxed) }
    }

    /// The value a column had on the row above, so that a value repeated row after row (a billing
    /// file is in date order; most counts are 1) is classified once by a first pass (the parse
    /// keeps more values than one: `RecentValues`).
    private struct Previous {
        /// Its first 16 bytes; nil until a value of at most 16 bytes is seen.
        var words: FieldWords?
        /// Its length.
        var count = 0

        /// Whether `f` is the same bytes as the value above; if not (or it is over 16 bytes), `f` becomes the value above.
        @inline(__always)
        mutating func repeats(_ f: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
            guard f.count <= 16 else { words = nil; return false }
            let w = FieldWords(f.base.baseAddress! + f.startIndex, count: f.count)
            if w == words, f.count == count { return true }
            words = w
            count = f.count
            return false
        }
    }

    /// Why a pass stopped before the end of its range.
    private enum Stop { case none, irregular, cancelled, misfit }

    /// The field bounds of the row being looked at, `columns` of them (a worker's own).
    private final class RowFields {
        let starts: UnsafeMutablePointer<Int>
        let ends: UnsafeMutablePointer<Int>
        /// Whether a field is quoted with doubled quotes inside.
        let escaped: UnsafeMutablePointer<Bool>
        /// Whether any field of the row is `escaped`.
        var anyEscaped = false
        init(_ columns: Int) {
            starts = .allocate(capacity: max(1, columns))
            ends = .allocate(capacity: max(1, columns))
            escaped = .allocate(capacity: max(1, columns))
            escaped.initialize(repeating: false, count: max(1, columns))
        }
        deinit { starts.deallocate(); ends.deallocate(); escaped.deallocate() }
    }

    /// Reads the file; nil when it has something irregular that `ColumnParser` must handle and word.
    func read() throws -> Result? {
        let n = b.count
        guard let p = b.baseAddress else { return nil }
        var first = 0
        while first < n, p[first] == 10 || p[first] == 13 { first += 1 }
        guard first < n else { return nil }
        // The first row decides the number of columns.
        let probe = RowFields(4096)
        var columns = 0
        var crlf = false
        let (stop, afterFirst) = scan(first..<n, columns: 4096, fields: probe, firstRowOnly: true) { count, terminator in
            columns = count
            crlf = terminator == 13
            return true
        }
        guard stop == .none, columns > 0, afterFirst < n else { return nil }
        let firstRow = (0..<columns).map { b[probe.starts[$0]..<probe.ends[$0]] }
        let rawNames = (0..<columns).map { CSVScanner.text(firstRow[$0], escaped: probe.escaped[$0]).trimmingCharacters(in: .whitespaces) }
        let ranges = split(afterFirst..<n)
        let interrupted = Interrupt.checker()
        let given = (0..<columns).map { options.types[rawNames[$0]] != nil }
        func layout(_ classified: [Classified]) throws -> ColumnLayout {
            let merged = (0..<columns).map { c in
                classified.reduce((bits: FieldClass.allTypes, evidence: UInt32(0))) { ($0.bits & $1.bits[c], $0.evidence | $1.evidence[c]) }
            }
            return try ColumnLayout(firstRow: firstRow, rawNames: rawNames, classified: merged,
                                    rows: classified.reduce(0) { $0 + $1.rows } + 1, options: options, path: path)
        }

        // A file in several ranges is read in one pass on a guess: the types its first rows give.
        // The pass classifies every value as it parses it, as a first pass would have, so the
        // layout of the whole file is known at its end; when that is the guess, the table is the
        // one two passes give (measured: the first pass was a sixth of a 10M-row load). A value the
        // guess does not take, or a different layout at the end, and the file is read in two passes.
        if ranges.count > 1 {
            let sample = try Parallel.map(ranges.count) { k in
                try classify(ranges[k], columns: columns, given: given, sample: k == 0, limit: Self.sampleRows / ranges.count,
                             interrupted: interrupted)
            }
            if sample.contains(where: { $0.stop == .cancelled }) { throw Cancelled() }
            guard !sample.contains(where: { $0.stop == .irregular }) else { return nil }
            let guess = try layout(sample)
            // At most one row per line feed (each range but the last ends with one), and one after the
            // file's last line feed; as many when there are no blank lines, so no rows need moving after.
            let bounds = try Parallel.map(ranges.count) { k in
                (survey?.lineFeeds(in: ranges[k], of: b) ?? lineFeeds(in: ranges[k])) + (k == ranges.count - 1 && p[n - 1] != 10 ? 1 : 0)
            }
            let read = try parseAll(layout: guess, ranges: ranges, first: first..<afterFirst, counts: bounds, distinct: sample[0],
                                    classify: given, interrupted: interrupted)
            switch read {
            case .table(let table, let classified) where try layout(classified) == guess:
                return Result(table: table, layout: guess, crlf: crlf)
            case .irregular:
                return nil
            case .table, .misfit:
                break
            }
        }

        // Two passes: every value's type bits, per range, then every value parsed into its row.
        let classified = try Parallel.map(ranges.count) { k in
            try classify(ranges[k], columns: columns, given: given, sample: k == 0, interrupted: interrupted,
                         progress: k == 0 ? { options.progress?(0.5 * $0.fraction, $0.rows) } : nil)
        }
        if classified.contains(where: { $0.stop == .cancelled }) { throw Cancelled() }
        guard !classified.contains(where: { $0.stop != .none }) else { return nil }
        let exact = try layout(classified)
        options.progress?(0.5, classified.reduce(0) { $0 + $1.rows })
        try Interrupt.check()
        switch try parseAll(layout: exact, ranges: ranges, first: first..<afterFirst, counts: classified.map(\.rows),
                            distinct: classified[0], classify: nil, interrupted: interrupted, progressFrom: 0.5) {
        case .table(let table, _): return Result(table: table, layout: exact, crlf: crlf)
        case .irregular, .misfit: return nil
        }
    }

    /// What one range's classification gave: its rows, per column the AND of the type bits and the
    /// OR of the evidence of its values, and the number of distinct values of each column in its
    /// first `sampleRows` rows (range 0 only).
    private struct Classified {
        var rows = 0
        var bits: [UInt32]
        var evidence: [UInt32]
        var distinct: [Int] = []
        /// Per column, the length every sampled value has, or -1 when they differ.
        var widths: [Int] = []
        var stop = Stop.none
    }

    /// Classifies the values of one range, row after row, as every reader's first pass does: a
    /// column stops being looked at once no type but text is left for it.
    private struct Classifier {
        var result: Classified
        /// The columns still looked at.
        var open: [Int]
        var above: [Previous]
        var sample: [ByteDictionary]
        /// Per column, the length of the sampled values so far (Int.min before the first, -1 when they differ).
        var widths: [Int]
        let columns: Int

        init(columns: Int, given: [Bool], sample: Bool) {
            result = Classified(bits: [UInt32](repeating: FieldClass.allTypes, count: columns), evidence: [UInt32](repeating: 0, count: columns))
            open = (0..<columns).filter { !given[$0] }
            above = [Previous](repeating: Previous(), count: columns)
            self.sample = sample ? [ByteDictionary](repeating: ByteDictionary(), count: columns) : []
            widths = [Int](repeating: .min, count: sample ? columns : 0)
            self.columns = columns
        }

        /// Classifies the row whose fields are in `fields`.
        @inline(__always)
        mutating func add(_ fields: RowFields, of b: UnsafeBufferPointer<UInt8>) {
            result.rows += 1
            if !sample.isEmpty, result.rows <= CSVRangeReader.sampleRows {
                for c in 0..<columns {
                    _ = sample[c].code(for: UnsafeBufferPointer(rebasing: b[fields.starts[c]..<fields.ends[c]]))
                    let width = fields.ends[c] - fields.starts[c]
                    if widths[c] != width { widths[c] = widths[c] == .min ? width : -1 }
                }
            }
            var closed = false
            for c in open {
                let f = ColumnLayout.trimmed(b[fields.starts[c]..<fields.ends[c]])
                if f.isEmpty || above[c].repeats(f) { continue }
                closed = add(f, to: c) || closed
            }
            if closed { open.removeAll { result.bits[$0] == 0 } }
        }

        /// Classifies one trimmed, non-empty value of column c; whether no type but text is left for it.
        @inline(__always)
        mutating func add(_ f: Slice<UnsafeBufferPointer<UInt8>>, to c: Int) -> Bool {
            let v = FieldClass.classify(f)
            result.bits[c] &= v
            result.evidence[c] |= v
            return result.bits[c] == 0
        }

        /// Classifies column c by its distinct values instead of row by row (what a column's values
        /// give does not depend on their order or repeats): leaves it out of `add(_:of:)`.
        mutating func classifyByValue(_ c: Int) { open.removeAll { $0 == c } }

        /// Classifies the distinct values of a column left out of `add(_:of:)`.
        mutating func add(values: [String], to c: Int) {
            for value in values where result.bits[c] != 0 {
                var value = value
                value.withUTF8 { b in
                    let f = ColumnLayout.trimmed(b[...])
                    if !f.isEmpty { _ = add(f, to: c) }
                }
            }
        }

        /// What it found.
        var classified: Classified {
            var r = result
            r.distinct = sample.map(\.count)
            r.widths = widths
            return r
        }
    }

    /// Classifies the rows of a range (the first `limit` of them, when given).
    private func classify(_ range: Range<Int>, columns: Int, given: [Bool], sample: Bool, limit: Int? = nil,
                          interrupted: @escaping @Sendable () -> Bool,
                          progress: (((fraction: Double, rows: Int)) -> Void)? = nil) throws -> Classified {
        var classifier = Classifier(columns: columns, given: given, sample: sample)
        let fields = RowFields(columns)
        let found = RowCounter()
        let (stop, _) = scan(range, columns: columns, fields: fields, interrupted: interrupted, counter: found,
                             progress: progress.map { report in { report(($0, found.rows)) } }) { _, _ in
            classifier.add(fields, of: b)
            return limit.map { classifier.result.rows < $0 } ?? true
        }
        var result = classifier.classified
        // A limit reached is no irregularity.
        result.stop = limit != nil && stop == .irregular && classifier.result.rows == limit ? .none : stop
        return result
    }

    /// The number of line feeds in a range, eight bytes at a time, giving back the pages counted every 8 MB (else the whole file is resident
    /// at once: 90 MB more at the peak of a 10M-row load).
    private func lineFeeds(in range: Range<Int>) -> Int {
        let p = b.baseAddress!
        let lineFeeds: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        var i = range.lowerBound, count = 0
        while i < range.upperBound {
            let chunkEnd = min(range.upperBound, i + Self.releaseBytes)
            let start = i
            while i + 8 <= chunkEnd {
                count += CSVScanner.zeroBytes(UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) ^ lineFeeds)
                    .nonzeroBitCount
                i += 8
            }
            while i < chunkEnd { if p[i] == 10 { count += 1 }; i += 1 }
            release(start..<chunkEnd)
        }
        return count
    }

    /// Copies a value's bytes: up to 16 of them in two overlapping word loads and stores, not a
    /// `memcpy` call per value (the calls were 3 % of a 10M-row load).
    @inline(__always)
    private static func copy(_ from: UnsafePointer<UInt8>, to: UnsafeMutableRawPointer, count n: Int) {
        let source = UnsafeRawPointer(from)
        if n >= 8, n <= 16 {
            to.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
            to.storeBytes(of: source.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8, as: UInt64.self)
        } else {
            to.copyMemory(from: source, byteCount: n)
        }
    }

    /// Whether the bytes in `range` hold a `"`, looked for in `parts` pieces side by side, 8 MB at
    /// a time, each chunk's pages given back (one `memchr` over the whole file kept all of it in
    /// memory: 430 MB, the peak of a 10M-row load).
    private func hasQuote(_ range: Range<Int>, parts: Int) -> Bool {
        let p = b.baseAddress!
        let size = (range.count + parts - 1) / parts
        let found = try? Parallel.map(parts) { k -> Bool in
            var i = range.lowerBound + k * size
            let end = min(range.upperBound, i + size)
            while i < end {
                let chunkEnd = min(end, i + Self.releaseBytes)
                defer { release(i..<chunkEnd); i = chunkEnd }
                if memchr(p + i, 34, chunkEnd - i) != nil { return true }
            }
            return false
        }
        return found?.contains(true) ?? true
    }

    /// How a parse of all the ranges ended.
    private enum ParseOutcome {
        /// The table, and (when asked for) each range's classification.
        case table(Table, [Classified])
        /// Something irregular that `ColumnParser` must word.
        case irregular
        /// A value the layout does not take, or more rows in a range than its count allowed (only when classifying on a guess).
        case misfit
    }

    /// Parses the ranges (after the first row; it too when the layout says it is data) into typed
    /// columns; range k's rows are put from the sum of the counts before it, and at most
    /// `counts[k]` of them are expected. With `classify` (the given columns), the layout is a
    /// guess: every value is classified too, and a value the guess does not take is a misfit.
    private func parseAll(layout: ColumnLayout, ranges: [Range<Int>], first: Range<Int>, counts: [Int], distinct sample: Classified,
                          classify given: [Bool]?, interrupted: @escaping @Sendable () -> Bool,
                          progressFrom: Double = 0) throws -> ParseOutcome {
        let columns = layout.plans.count
        let p = b.baseAddress!
        let parseRanges = (layout.header ? [] : [first]) + ranges
        // Each range's first row in the columns.
        var offsets: [Int] = []
        var capacity = 0
        for count in (layout.header ? [] : [1]) + counts { offsets.append(capacity); capacity += count }
        guard capacity > 0 else { return .irregular }
        // With several ranges, a text column with many distinct values (more than a quarter of the
        // sampled rows: ids, not codes) is kept as its bytes (see `keepRaw`); other text is encoded
        // in each range and the ranges' few values merged (see `merge`). Not in a file of 4 GiB or
        // more (`RawText` ends are 32-bit).
        let canDefer = ranges.count > 1 && b.count <= Int(UInt32.max)
            && (layout.header || memchr(p + first.lowerBound, 34, first.count) == nil)
        let sampled = max(1, min(Self.sampleRows, sample.rows))
        let deferred = (0..<columns).map { c in
            canDefer && layout.plans[c].type == .text && sample.distinct.indices.contains(c) && sample.distinct[c] * 4 > sampled
        }
        // A kept column's slot per row: its value's place in the file, in room for the value itself
        // when the sampled values are all one length of 4 bytes or more (see `keepRaw`).
        let slots = (0..<columns).map { c in deferred[c] ? max(4, sample.widths.indices.contains(c) ? sample.widths[c] : 0) : 0 }
        let outputs = (0..<columns).map { ColumnOutput(type: layout.plans[$0].type, rows: capacity, slot: slots[$0]) }
        let share = 1 - progressFrom
        // A file in several ranges has no quote after its first row (`split`).
        let quoteFree = ranges.count > 1
        let parsed: [ParsedRange]
        do { parsed = try ColumnOutput.withPointers(outputs) { pointers -> [ParsedRange] in
            // Progress: how far the parse of the first range is, and the rows: all of them when the
            // first pass has counted them, else those parsed so far.
            let report = options.progress, found = RowCounter(), counted = given == nil ? capacity : nil
            let ranges = try Parallel.map(parseRanges.count) { k in
                try parse(parseRanges[k], firstRow: offsets[k], limit: k + 1 < offsets.count ? offsets[k + 1] : capacity,
                          plans: layout.plans, into: pointers, slots: slots, quoteFree: quoteFree && (layout.header || k > 0),
                          guess: given != nil, classify: given.flatMap { layout.header || k > 0 ? $0 : nil }, interrupted: interrupted,
                          counter: found, progress: k == 0 ? { report?(progressFrom + share * $0, counted ?? found.rows) } : nil)
            }
            if ranges.contains(where: { $0.stop == .cancelled }) { throw Cancelled() }
            guard !ranges.contains(where: { $0.stop == .irregular || $0.stop == .misfit }) else {
                throw ranges.contains(where: { $0.stop == .irregular }) ? Misread.irregular : Misread.misfit
            }
            let text = try Parallel.map(columns) { c -> ColumnOutput.Text? in
                guard layout.plans[c].type == .text, !deferred[c] else { return nil }
                return .dictionary(try Self.merge(ranges.map { $0.dictionaries[c]! }, codes: pointers[c].assumingMemoryBound(to: Int32.self),
                                                  offsets: offsets, rows: ranges.map(\.rows), interrupted: interrupted))
            }
            for c in 0..<columns {
                if deferred[c] {
                    outputs[c].text = try keepRaw(slots: pointers[c], slot: slots[c], column: c, ranges: parseRanges,
                                                  offsets: offsets, parsed: ranges, interrupted: interrupted)
                } else {
                    outputs[c].text = text[c]
                }
            }
            return ranges
        } } catch Misread.irregular {
            return .irregular
        } catch Misread.misfit {
            return .misfit
        }
        // Ranges with fewer rows than counted (blank lines) are moved up against the ones before.
        var rows = 0
        var moves: [(from: Int, to: Int, count: Int)] = []
        for (k, range) in parsed.enumerated() {
            if offsets[k] != rows { moves.append((offsets[k], rows, range.rows)) }
            rows += range.rows
        }
        guard rows > 0 else { return .irregular }
        for output in outputs { output.move(moves, rows: rows) }
        let built = (0..<columns).map { c -> Column in
            var validity: [Bool]? = nil
            var start = 0
            for (k, range) in parsed.enumerated() {
                defer { start += range.rows }
                guard !range.nulls[c].isEmpty else { continue }
                if validity == nil { validity = [Bool](repeating: true, count: rows) }
                for r in range.nulls[c] { validity![r - offsets[k] + start] = false }
            }
            return Column(name: layout.names[c], data: outputs[c].data, validity: validity)
        }
        options.progress?(1, rows)
        return .table(Table(columns: built, rowCount: rows), parsed.compactMap(\.classified))
    }

    /// How a parse in ranges failed, inside the columns' scope.
    private enum Misread: Error { case irregular, misfit }

    /// Merges a text column's per-range dictionaries in file order (the first one grows into the
    /// file's) and renumbers the codes of each later range's `rows[k]` rows, which start at `offsets[k]`.
    /// Only for columns with few distinct values (codes, practices); `keepRaw` takes the others.
    private static func merge(_ dictionaries: [ByteDictionary], codes: UnsafeMutablePointer<Int32>, offsets: [Int], rows: [Int],
                              interrupted: @Sendable () -> Bool) throws -> [String] {
        var merged = dictionaries[0]
        for k in dictionaries.indices.dropFirst() {
            if interrupted() { throw Cancelled() }
            let renumber = dictionaries[k].strings.map { merged.code(for: $0) }
            for r in offsets[k]..<offsets[k] + rows[k] where codes[r] >= 0 { codes[r] = renumber[Int(codes[r])] }
        }
        return merged.strings
    }

    /// Copies a many-valued text column (ids) out of the file, in row order, into one `RawText`.
    /// Its slots (`slot` bytes per row) begin with each value's place in its range (-1 for null),
    /// and the parse counted each range's bytes and lengths. When every value has the slot's
    /// length, each value is copied into its own slot, which then are the text (10M patient ids:
    /// 100 MB, and no second array beside them at the load's peak); otherwise the values go to new
    /// arrays with their ends. The ranges are copied side by side.
    private func keepRaw(slots: UnsafeMutableRawPointer, slot: Int, column c: Int, ranges: [Range<Int>], offsets: [Int],
                         parsed: [ParsedRange], interrupted: @escaping @Sendable () -> Bool) throws -> ColumnOutput.Text {
        let p = b.baseAddress!
        let lengths = parsed.map { $0.lengths[c] }
        let nulls = parsed.contains { !$0.nulls[c].isEmpty }
        let shortest = lengths.map(\.shortest).min() ?? 0, longest = lengths.map(\.longest).max() ?? 0
        let width = !nulls && shortest == longest ? shortest : 0
        nonisolated(unsafe) let slots = slots
        // Calls `copy` with each value's row in the range, bytes in the file and length, giving back the file's pages behind.
        func each(_ k: Int, _ copy: (Int, UnsafePointer<UInt8>?, Int) -> Void) throws {
            let range = ranges[k]
            var released = range.lowerBound
            for r in 0..<parsed[k].rows {
                let place = slots.loadUnaligned(fromByteOffset: (offsets[k] + r) * slot, as: Int32.self)
                guard place >= 0 else { copy(r, nil, 0); continue }
                let start = range.lowerBound + Int(place)
                let end = width > 0 ? start + width : CSVScanner.field(p, at: start, end: range.upperBound, delimiter: delimiter).end
                copy(r, p + start, end - start)
                if r & 0x3FFF == 0x3FFF {
                    if r & 0xFFFF == 0xFFFF, interrupted() { throw Cancelled() }
                    if start - released > Self.releaseBytes { release(released..<start); released = start }
                }
            }
            release(released..<range.upperBound)
        }
        if width == slot {
            let leading = try Parallel.map(ranges.count) { k in
                var leading = ByteSet()
                try each(k) { r, value, n in
                    Self.copy(value!, to: slots + (offsets[k] + r) * slot, count: n)
                    leading.insert(value![0])
                }
                return leading
            }
            return .inPlace(leading: leading.reduce(ByteSet()) { $0.union($1) })
        }
        // Where each range's rows and bytes go.
        let total = lengths.reduce(0) { $0 + $1.bytes }, rows = parsed.reduce(0) { $0 + $1.rows }
        var firstRow = [0], firstByte = [0]
        for k in parsed.indices.dropLast() { firstRow.append(firstRow[k] + parsed[k].rows); firstByte.append(firstByte[k] + lengths[k].bytes) }
        var bytes = [UInt8](unsafeUninitializedCapacity: total) { _, n in n = total }
        var ends = width > 0 ? [] : [UInt32](unsafeUninitializedCapacity: rows) { _, n in n = rows }
        var leading: [ByteSet] = []
        try bytes.withUnsafeMutableBufferPointer { out in
            try ends.withUnsafeMutableBufferPointer { ends in
                nonisolated(unsafe) let out = out, ends = ends
                leading = try Parallel.map(ranges.count) { k in
                    var at = firstByte[k], leading = ByteSet()
                    try each(k) { r, value, n in
                        if let value { Self.copy(value, to: out.baseAddress! + at, count: n); leading.insert(value[0]) }
                        at += n
                        if width == 0 { ends[firstRow[k] + r] = UInt32(at) }
                    }
                    return leading
                }
            }
        }
        return .raw(RawText(bytes: bytes, width: width, ends: ends, count: rows, leading: leading.reduce(ByteSet()) { $0.union($1) }))
    }

    /// Splits the rows after the first into about one range per core, each starting at a line start;
    /// one range when the file is small or has quotes (a quoted value may hold a line break).
    private func split(_ all: Range<Int>) -> [Range<Int>] {
        // No range over 1 GiB: a text value's place in its range is kept in an Int32 code slot until it is encoded.
        let count = max(min(maximumRanges, all.count / minimumRangeBytes), (all.count + (1 << 30) - 1) >> 30)
        guard count > 1, !(survey.map { $0.lastQuote >= all.lowerBound } ?? hasQuote(all, parts: count)) else { return [all] }
        var ranges: [Range<Int>] = []
        var start = all.lowerBound
        for k in 1..<count {
            var cut = all.lowerBound + all.count / count * k
            // At a surveyed chunk's cut, so that its line feeds are counted from the chunks' counts.
            if let survey { cut = survey.nearestCut(to: cut) }
            guard cut > start else { continue }
            while cut < all.upperBound, b[cut - 1] != 10 { cut += 1 }
            if cut >= all.upperBound { break }
            ranges.append(start..<cut)
            start = cut
        }
        ranges.append(start..<all.upperBound)
        return ranges
    }

    /// What parsing one range gave: per column the rows that are null and the text dictionary (none
    /// when text is kept raw; then the lengths of its values).
    private struct ParsedRange {
        var stop: Stop
        var rows: Int
        var nulls: [[Int]]
        var dictionaries: [ByteDictionary?]
        var lengths: [Lengths]
        /// Its classification, when asked for.
        var classified: Classified?

        /// The bytes of a raw text column's values in the range, and the shortest and longest (nulls left out).
        struct Lengths {
            var bytes = 0, shortest = Int.max, longest = 0
            @inline(__always) mutating func add(_ n: Int) {
                bytes += n
                shortest = min(shortest, n)
                longest = max(longest, n)
            }
        }
    }

    /// Parses the rows of one range into the columns at rows `firstRow`..<`limit`; a text column
    /// kept raw (a slot of `slots[c]` bytes per row) gets the value's offset from the range's start,
    /// for `keepRaw` (the file then has no quotes). With `guess`, the plans are a guess: a value they do not take, or a row at
    /// `limit`, is a misfit, not an irregularity; with `classify` (the given columns), every row is classified too.
    private func parse(_ range: Range<Int>, firstRow: Int, limit: Int, plans: [ColumnLayout.ColumnPlan], into pointers: [UnsafeMutableRawPointer],
                       slots: [Int], quoteFree: Bool, guess: Bool, classify given: [Bool]?, interrupted: @escaping @Sendable () -> Bool,
                       counter: RowCounter, progress: ((Double) -> Void)?) throws -> ParsedRange {
        let columns = plans.count
        var classifier = given.map { Classifier(columns: columns, given: $0, sample: false) }
        // A text column encoded per range is classified by its distinct values at the end (codes and
        // practice ids: 16 % of a 10M-row load's time went to classifying them row by row).
        let byValue = (0..<columns).filter { plans[$0].type == .text && slots[$0] == 0 && given?[$0] == false }
        for c in byValue { classifier?.classifyByValue(c) }
        // Numbers and dates are classified where they are parsed, once per value kept in `recent`.
        let typed = (0..<columns).map { plans[$0].type != .text && given?[$0] == false }
        for c in 0..<columns where typed[c] { classifier?.classifyByValue(c) }
        let recent = (0..<columns).map { _ in RecentValues() }
        var misfit = false
        // A value the plans do not take.
        func refused() -> Bool { misfit = guess; return false }
        var nulls = [[Int]](repeating: [], count: columns)
        var dictionaries: [ByteDictionary?] = (0..<columns).map { plans[$0].type == .text && slots[$0] == 0 ? ByteDictionary() : nil }
        let fields = RowFields(columns)
        var row = firstRow
        var lengths = [ParsedRange.Lengths](repeating: ParsedRange.Lengths(), count: columns)
        let (stop, _) = scan(range, columns: columns, fields: fields, quoteFree: quoteFree, interrupted: interrupted, counter: counter,
                             progress: progress) { _, _ in
            if row == limit { misfit = true; return false }
            classifier?.add(fields, of: b)
            defer { row += 1 }
            for c in 0..<columns {
                let raw = b[fields.starts[c]..<fields.ends[c]]
                let plan = plans[c]
                if plan.type == .text {
                    if slots[c] > 0 {
                        // Kept raw: the value's place in the range, copied out after the parse (`keepRaw`).
                        let place = raw.isEmpty ? -1 : Int32(truncatingIfNeeded: raw.startIndex - range.lowerBound)
                        pointers[c].storeBytes(of: place, toByteOffset: row * slots[c], as: Int32.self)
                        if raw.isEmpty { nulls[c].append(row) } else { lengths[c].add(raw.count) }
                        continue
                    }
                    let codes = pointers[c].assumingMemoryBound(to: Int32.self)
                    if raw.isEmpty { codes[row] = -1; nulls[c].append(row); continue }
                    if fields.anyEscaped, fields.escaped[c] {
                        codes[row] = dictionaries[c]!.code(for: CSVScanner.text(raw, escaped: true))
                    } else {
                        codes[row] = dictionaries[c]!.code(for: UnsafeBufferPointer(rebasing: raw))
                    }
                    continue
                }
                let f = ColumnLayout.trimmed(raw)
                if f.isEmpty {
                    nulls[c].append(row)
                    switch plan.type {
                    case .integer: pointers[c].assumingMemoryBound(to: Int64.self)[row] = 0
                    case .decimal: pointers[c].assumingMemoryBound(to: Double.self)[row] = 0
                    case .date: pointers[c].assumingMemoryBound(to: Int32.self)[row] = 0
                    case .boolean: pointers[c].assumingMemoryBound(to: Bool.self)[row] = false
                    case .text: break
                    }
                    continue
                }
                // A value seen lately in this range was parsed and classified then.
                let short = f.count <= 16 && plan.type != .boolean
                let words = short ? FieldWords(f.base.baseAddress! + f.startIndex, count: f.count) : FieldWords(w0: 0, w1: 0)
                let seen = short ? recent[c].parsed(words, count: f.count) : nil
                if seen == nil, typed[c], classifier != nil, classifier!.result.bits[c] != 0 { _ = classifier!.add(f, to: c) }
                switch plan.type {
                case .integer:
                    guard let v = seen.map({ Int64(bitPattern: $0) }) ?? FieldClass.parseInteger(f) else { return refused() }
                    pointers[c].assumingMemoryBound(to: Int64.self)[row] = v
                    if short, seen == nil { recent[c].keep(words, count: f.count, parsed: UInt64(bitPattern: v)) }
                case .decimal:
                    guard let v = seen.map({ Double(bitPattern: $0) }) ?? FieldClass.parseDecimal(f, comma: plan.comma) else { return refused() }
                    pointers[c].assumingMemoryBound(to: Double.self)[row] = v
                    if short, seen == nil { recent[c].keep(words, count: f.count, parsed: v.bitPattern) }
                case .date:
                    guard let v = seen.map({ Int32(truncatingIfNeeded: $0) }) ?? DateParser.parse(f, format: plan.dateFormat) else { return refused() }
                    pointers[c].assumingMemoryBound(to: Int32.self)[row] = v
                    if short, seen == nil { recent[c].keep(words, count: f.count, parsed: UInt64(truncatingIfNeeded: v)) }
                case .boolean:
                    guard let v = FieldClass.isBoolean(f) else { return refused() }
                    pointers[c].assumingMemoryBound(to: Bool.self)[row] = v
                case .text:
                    break
                }
            }
            return true
        }
        for c in byValue { classifier?.add(values: dictionaries[c]!.strings, to: c) }
        return ParsedRange(stop: misfit ? .misfit : stop, rows: row - firstRow, nulls: nulls, dictionaries: dictionaries,
                           lengths: lengths, classified: classifier?.classified)
    }

    /// Scans the rows in `range` (which starts at a line start), calling `row` with each row's field
    /// count and line terminator once its first `columns` fields are in `fields`; stops at anything
    /// irregular or when `row` returns false. Returns why it stopped and where. With `quoteFree`
    /// (no `"` in the range), a row's delimiters and end are found a word at a time, every one in a
    /// word taken in turn (field by field, each field's first word was loaded and tested again:
    /// the field scan was most of the parse of a 10M-row load).
    @inline(__always)
    private func scan(_ range: Range<Int>, columns: Int, fields: RowFields, firstRowOnly: Bool = false, quoteFree: Bool = false,
                      interrupted: (@Sendable () -> Bool)? = nil, counter: RowCounter? = nil, progress: ((Double) -> Void)? = nil,
                      row: (_ count: Int, _ terminator: UInt8) -> Bool) -> (Stop, Int) {
        let p = b.baseAddress!
        let n = range.upperBound
        let d = delimiter
        let maxField = options.maxFieldBytes, maxLine = options.maxLineBytes
        var i = range.lowerBound
        var released = range.lowerBound
        var rowsSeen = 0
        while i < n {
            let c0 = p[i]
            if c0 == 10 { i += 1; continue }
            if c0 == 13 { i += 1; if i < n, p[i] == 10 { i += 1 }; continue }
            let rowStart = i
            var count = 0
            if fields.anyEscaped {
                for c in 0..<columns { fields.escaped[c] = false }
                fields.anyEscaped = false
            }
            var terminator: UInt8 = 0
            // One field of the row, [start, end): false for a ragged row or one over the limits.
            @inline(__always) func take(_ start: Int, _ end: Int) -> Bool {
                if end - start > maxField || end - rowStart > maxLine { return false }
                if count < columns {
                    fields.starts[count] = start
                    fields.ends[count] = end
                } else if end > start || firstRowOnly {
                    return false  // a ragged row (extra fields are fine only when empty)
                }
                count += 1
                return true
            }
            quoteFree: while quoteFree {
                let ones: UInt64 = 0x0101_0101_0101_0101
                var fieldStart = i, at = i
                while true {
                    var hits: UInt64 = 0
                    if at + 8 <= n {
                        let w = UInt64(littleEndian: UnsafeRawPointer(p + at).loadUnaligned(as: UInt64.self))
                        hits = CSVScanner.zeroBytes(w ^ (UInt64(d) &* ones)) | CSVScanner.zeroBytes(w ^ (10 &* ones))
                            | CSVScanner.zeroBytes(w ^ (13 &* ones))
                    } else {
                        for k in 0..<n - at where p[at + k] == d || p[at + k] == 10 || p[at + k] == 13 { hits |= 0x80 << UInt64(8 * k) }
                    }
                    while hits != 0 {
                        let end = at + hits.trailingZeroBitCount >> 3
                        hits &= hits - 1
                        guard take(fieldStart, end) else { return (.irregular, end) }
                        if p[end] == d {
                            fieldStart = end + 1
                            if fieldStart == n {
                                // A delimiter at the very end: one more, empty field.
                                if count < columns { fields.starts[count] = n; fields.ends[count] = n }
                                count += 1
                                i = n
                                break quoteFree
                            }
                            continue
                        }
                        terminator = p[end]
                        i = end + 1
                        if terminator == 13, i < n, p[i] == 10 { i += 1 }
                        break quoteFree
                    }
                    at += 8
                    if at >= n {
                        // The file's last line has no line break.
                        guard take(fieldStart, n) else { return (.irregular, n) }
                        i = n
                        break quoteFree
                    }
                }
            }
            while !quoteFree {
                let field = CSVScanner.field(p, at: i, end: n, delimiter: d)
                if field.problem != nil { return (.irregular, i) }
                let fieldStart = field.start, fieldEnd = field.end, escaped = field.escaped
                i = field.next
                guard take(fieldStart, fieldEnd) else { return (.irregular, i) }
                if escaped, count <= columns { fields.escaped[count - 1] = true; fields.anyEscaped = true }
                if i < n, p[i] == d {
                    i += 1
                    if i == n {
                        // A delimiter at the very end: one more, empty field.
                        if count < columns { fields.starts[count] = n; fields.ends[count] = n }
                        count += 1
                        break
                    }
                    continue
                }
                if i < n {
                    terminator = p[i]
                    if p[i] == 13 { i += 1; if i < n, p[i] == 10 { i += 1 } } else { i += 1 }
                }
                break
            }
            if firstRowOnly {
                return row(count, terminator) ? (.none, i) : (.irregular, i)
            }
            if count < columns || !row(count, terminator) { return (.irregular, i) }
            rowsSeen += 1
            if rowsSeen & 0x3FFF == 0 {
                if rowsSeen & 0xFFFF == 0 {
                    if interrupted?() == true { return (.cancelled, i) }
                    counter?.add(0x10000)
                    progress?(Double(i - range.lowerBound) / Double(max(1, range.count)))
                }
                if i - released > Self.releaseBytes {
                    release(released..<rowStart)
                    released = rowStart
                }
            }
        }
        release(released..<n)
        return (.none, n)
    }
}

/// One column's typed array while the ranges are parsed into it, and the column it becomes.
///
/// A class, so each array is changed where it lies: an array taken out of an enum and changed
/// would be copied while the enum still holds it (measured: 320 MB more at the peak of a 10M-row load).
final class ColumnOutput {
    /// The column's type.
    let type: DataType
    private var integers: [Int64] = []
    private var decimals: [Double] = []
    /// Dates (days since 1970) or, for text, the codes.
    private var int32s: [Int32] = []
    private var booleans: [Bool] = []
    /// A text column kept raw: `slot` bytes per row.
    private var bytes: [UInt8] = []
    private let slot: Int
    /// What a text column's codes or slots stand for, once known.
    var text: Text?

    /// What a text column's codes or slots stand for.
    enum Text {
        /// The codes index these strings.
        case dictionary([String])
        /// The values are these bytes (the slots held their places in the file, and are let go by `move`).
        case raw(RawText)
        /// The slots hold the values themselves, each as long as a slot; `leading` is the bytes they start with.
        case inPlace(leading: ByteSet)
    }

    /// An array of `rows` values of the type's storage, not yet set: the parse sets every row (a
    /// null too), each range on its own core, so the pages are first touched there and not by one
    /// core filling 320 MB with zeros beforehand (0.15 s of a 10M-row load).
    init(type: DataType, rows: Int, slot: Int = 0) {
        self.type = type
        self.slot = slot
        func unset<T>(_: T.Type, _ count: Int = rows) -> [T] { Array(unsafeUninitializedCapacity: count) { _, n in n = count } }
        switch type {
        case .integer: integers = unset(Int64.self)
        case .decimal: decimals = unset(Double.self)
        case .text where slot > 0: bytes = unset(UInt8.self, rows * slot)
        case .date, .text: int32s = unset(Int32.self)
        case .boolean: booleans = unset(Bool.self)
        }
    }

    /// Runs `body` with a pointer to each output's first element, all open at once (each array is
    /// opened in turn, one level deeper, so every pointer stays valid while `body` runs); no array may be empty.
    static func withPointers<R>(_ outputs: [ColumnOutput], _ body: ([UnsafeMutableRawPointer]) throws -> R) throws -> R {
        var pointers: [UnsafeMutableRawPointer] = []
        func open(_ k: Int) throws -> R {
            guard k < outputs.count else { return try body(pointers) }
            func with<T>(_ array: inout [T]) throws -> R {
                try array.withUnsafeMutableBufferPointer { buffer in
                    pointers.append(UnsafeMutableRawPointer(buffer.baseAddress!))
                    return try open(k + 1)
                }
            }
            let output = outputs[k]
            switch output.type {
            case .integer: return try with(&output.integers)
            case .decimal: return try with(&output.decimals)
            case .text where output.slot > 0: return try with(&output.bytes)
            case .date, .text: return try with(&output.int32s)
            case .boolean: return try with(&output.booleans)
            }
        }
        return try open(0)
    }

    /// Moves runs of rows (`count` rows from row `from` to row `to`, in order, each to an earlier
    /// place), then keeps the first `rows` rows (raw text has its rows in place already: its code slots are let go).
    func move(_ moves: [(from: Int, to: Int, count: Int)], rows: Int) {
        func apply<T>(_ array: inout [T], per row: Int = 1) {
            array.withUnsafeMutableBufferPointer { a in
                for m in moves { memmove(a.baseAddress! + m.to * row, a.baseAddress! + m.from * row, m.count * row * MemoryLayout<T>.stride) }
            }
            array.removeLast(array.count - rows * row)
        }
        switch (type, text) {
        case (.integer, _): apply(&integers)
        case (.decimal, _): apply(&decimals)
        case (.text, .raw?): bytes = []
        case (.text, .inPlace?): apply(&bytes, per: slot)
        case (.date, _), (.text, _): apply(&int32s)
        case (.boolean, _): apply(&booleans)
        }
    }

    /// The column data (text as `text` says).
    var data: ColumnData {
        switch (type, text) {
        case (.integer, _): return .integer(integers)
        case (.decimal, _): return .decimal(decimals)
        case (.date, _): return .date(int32s)
        case (.boolean, _): return .boolean(booleans)
        case (.text, .raw(let raw)?): return .text(TextStorage(raw: raw))
        case (.text, .inPlace(let leading)?):
            return .text(TextStorage(raw: RawText(bytes: bytes, width: slot, ends: [], count: bytes.count / slot, leading: leading)))
        case (.text, .dictionary(let strings)?): return .text(TextStorage(codes: int32s, dictionary: strings))
        case (.text, nil): return .text(TextStorage(codes: int32s, dictionary: []))
        }
    }
}
