import Dispatch
import Foundation
import Synchronization

/// Reads delimited text in byte ranges side by side, one per core, scanning and parsing each row
/// where it lies, without holding every field's offsets (`CSVScanner` keeps 8 bytes per field:
/// 480 MB for the generator's 10M-row billing file).
///
/// Two passes over the ranges: the first classifies every value (types are inferred over all of
/// them, as `ColumnParser` does, and decided by the same `ColumnLayout`), the second parses each
/// value into its place in the typed columns. A text column of a file read in several ranges is
/// encoded after them, one column per core, row after row through one dictionary (the ranges leave
/// each value's place in the file in its code's slot), so the codes are the ones one dictionary over
/// the file gives and a value is never held twice. A file is split
/// only where no quoted value can hide a line break (it has no `"` at all); otherwise it is one
/// range. Anything irregular — a ragged row, an unclosed quote, a value its column's type refuses, a
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
    /// How many ranges at most: one per core.
    var maximumRanges = ProcessInfo.processInfo.activeProcessorCount

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
    /// file is in date order; most counts are 1) is classified or parsed once.
    private struct Previous {
        /// Its first 16 bytes; nil until a value of at most 16 bytes is seen.
        var words: FieldWords?
        /// Its length.
        var count = 0
        /// A date column's day number for it.
        var day: Int32 = 0

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
    private enum Stop { case none, irregular, cancelled }

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

        // Pass 1: every value's type bits, per range; the rows found are counted for the progress line.
        let found = RowCounter()
        let given = (0..<columns).map { options.types[rawNames[$0]] != nil }
        let classified = try Parallel.map(ranges.count) { k -> (rows: Int, bits: [UInt32], evidence: [UInt32], distinct: [Int], stop: Stop) in
            var bits = [UInt32](repeating: FieldClass.allTypes, count: columns)
            var evidence = [UInt32](repeating: 0, count: columns)
            var open = (0..<columns).filter { !given[$0] }
            var rows = 0
            var above = [Previous](repeating: Previous(), count: columns)
            var sample = k == 0 ? [ByteDictionary](repeating: ByteDictionary(), count: columns) : []
            let fields = RowFields(columns)
            let (stop, _) = scan(ranges[k], columns: columns, fields: fields, interrupted: interrupted, counter: found,
                                 progress: k == 0 ? { options.progress?(0.5 * $0, found.rows) } : nil) { _, _ in
                rows += 1
                if rows <= Self.sampleRows, k == 0 {
                    for c in 0..<columns { _ = sample[c].code(for: UnsafeBufferPointer(rebasing: b[fields.starts[c]..<fields.ends[c]])) }
                }
                var closed = false
                for c in open {
                    let f = ColumnLayout.trimmed(b[fields.starts[c]..<fields.ends[c]])
                    if f.isEmpty || above[c].repeats(f) { continue }
                    let v = FieldClass.classify(f)
                    bits[c] &= v
                    evidence[c] |= v
                    if bits[c] == 0 { closed = true }
                }
                if closed { open.removeAll { bits[$0] == 0 } }
                return true
            }
            return (rows, bits, evidence, sample.map(\.count), stop)
        }
        if classified.contains(where: { $0.stop == .cancelled }) { throw Cancelled() }
        guard !classified.contains(where: { $0.stop != .none }) else { return nil }
        let merged = (0..<columns).map { c in
            classified.reduce((bits: FieldClass.allTypes, evidence: UInt32(0))) { ($0.bits & $1.bits[c], $0.evidence | $1.evidence[c]) }
        }
        let dataRows = classified.reduce(0) { $0 + $1.rows }
        let layout = try ColumnLayout(firstRow: firstRow, rawNames: rawNames, classified: merged, rows: dataRows + 1,
                                      options: options, path: path)
        options.progress?(0.5, dataRows)
        try Interrupt.check()

        // Pass 2: every value parsed into its row of the typed columns.
        let parseRanges = (layout.header ? [] : [first..<afterFirst]) + ranges
        // Each range's first row in the table.
        var offsets: [Int] = []
        var rows = 0
        for count in (layout.header ? [] : [1]) + classified.map(\.rows) { offsets.append(rows); rows += count }
        guard rows > 0 else { return nil }
        let outputs = layout.plans.map { ColumnOutput(type: $0.type, rows: rows) }
        // With several ranges, a text column with many distinct values (more than a quarter of the
        // sampled rows: ids, not codes) is encoded after them (see `encode`); other text is encoded
        // in each range and the ranges' few values merged (see `merge`).
        let canDefer = ranges.count > 1 && (layout.header || memchr(p + first, 34, afterFirst - first) == nil)
        let sampled = min(Self.sampleRows, classified[0].rows)
        let deferred = (0..<columns).map { c in canDefer && layout.plans[c].type == .text && classified[0].distinct[c] * 4 > sampled }
        let textColumns = (0..<columns).filter { deferred[$0] }
        let parsed = try ColumnOutput.withPointers(outputs) { pointers -> (ranges: [ParsedRange], strings: [[String]])? in
            // A many-valued text column is encoded on a thread of its own that follows the ranges'
            // parse (3 threads on 2 cores: the encoding of 10M patient ids takes one core about a
            // second, so waiting for the parse first left the other core idle that long).
            let parsedRows = parseRanges.map { _ in ParsedRows() }
            let report = options.progress, found = rows
            let encoded = EncodeProgress(total: rows * textColumns.count) { report?(0.5 + 0.5 * $0, found) }
            let starts = offsets, total = rows
            let encoders = textColumns.map { c in
                // The reader's bytes and this column's codes are read and written by that thread alone until it is waited for.
                nonisolated(unsafe) let codes = pointers[c].assumingMemoryBound(to: Int32.self), reader = self
                return Background {
                    try reader.encode(codes: codes, ranges: parseRanges, offsets: starts, rows: total, parsed: parsedRows,
                                      interrupted: interrupted, progress: encoded)
                }
            }
            // The encoders write into the columns: they are waited for before the columns are let go, also when the parse fails.
            defer {
                for done in parsedRows { done.end() }
                for encoder in encoders { _ = encoder.result }
            }
            let ranges = try Parallel.map(parseRanges.count) { k in
                try parse(parseRanges[k], firstRow: offsets[k], plans: layout.plans, into: pointers, deferred: deferred, parsed: parsedRows[k],
                          interrupted: interrupted,
                          progress: k == 0 && textColumns.isEmpty ? { options.progress?(0.5 + 0.5 * $0, rows) } : nil)
            }
            if ranges.contains(where: { $0.stop == .cancelled }) { throw Cancelled() }
            guard !ranges.contains(where: { $0.stop != .none }) else { return nil }
            var byColumn = try Parallel.map(columns) { c -> [String] in
                guard layout.plans[c].type == .text, !deferred[c] else { return [] }
                return try Self.merge(ranges.map { $0.dictionaries[c]! }, codes: pointers[c].assumingMemoryBound(to: Int32.self),
                                      offsets: offsets, rows: rows, interrupted: interrupted)
            }
            for (k, c) in textColumns.enumerated() { byColumn[c] = try encoders[k].result.get() }
            return (ranges, byColumn)
        }
        guard let parsed else { return nil }
        let built = (0..<columns).map { c -> Column in
            var validity: [Bool]? = nil
            for range in parsed.ranges where !range.nulls[c].isEmpty {
                if validity == nil { validity = [Bool](repeating: true, count: rows) }
                for r in range.nulls[c] { validity![r] = false }
            }
            return Column(name: layout.names[c], data: outputs[c].data(dictionary: parsed.strings[c]), validity: validity)
        }
        return Result(table: Table(columns: built, rowCount: rows), layout: layout, crlf: crlf)
    }

    /// Merges a text column's per-range dictionaries in file order (the first one grows into the
    /// file's) and renumbers the codes of each later range's rows, which start at `offsets[k]`.
    /// Only for columns with few distinct values (codes, practices); `encode` takes the others.
    private static func merge(_ dictionaries: [ByteDictionary], codes: UnsafeMutablePointer<Int32>, offsets: [Int], rows: Int,
                              interrupted: @Sendable () -> Bool) throws -> [String] {
        var merged = dictionaries[0]
        for k in dictionaries.indices.dropFirst() {
            if interrupted() { throw Cancelled() }
            let renumber = dictionaries[k].strings.map { merged.code(for: $0) }
            let end = k + 1 < offsets.count ? offsets[k + 1] : rows
            for r in offsets[k]..<end where codes[r] >= 0 { codes[r] = renumber[Int(codes[r])] }
        }
        return merged.strings
    }

    /// Encodes one text column of a file read in several ranges: its code slots hold each value's
    /// place in its range (or -1 for null), and are replaced row after row by codes from one
    /// dictionary, so codes come in order of first appearance in the file.
    ///
    /// Why after the ranges and not in them: a dictionary per range held the many distinct values
    /// of a column like `patient_id` once per range and had to be merged in file order, which took
    /// a core for about half a second (10M rows, 1.6M distinct); one pass per column holds each
    /// value once and needs no merge. The pages of the file are read again from the page cache and
    /// given back behind the pass.
    private func encode(codes: UnsafeMutablePointer<Int32>, ranges: [Range<Int>], offsets: [Int], rows: Int, parsed: [ParsedRows],
                        interrupted: @Sendable () -> Bool, progress: EncodeProgress) throws -> [String] {
        var dictionary = ByteDictionary()
        let p = b.baseAddress!
        for (k, range) in ranges.enumerated() {
            let end = k + 1 < offsets.count ? offsets[k + 1] : rows
            var released = range.lowerBound
            var ready = offsets[k]
            for r in offsets[k]..<end {
                while r >= ready {
                    // Wait for the parse of this range to get further (it says how far every 4,096 rows).
                    guard let through = parsed[k].wait(after: ready - offsets[k]) else { throw Cancelled() }
                    ready = offsets[k] + through
                }
                let at = codes[r]
                if at < 0 { continue }
                let start = range.lowerBound + Int(at)
                let field = CSVScanner.field(p, at: start, end: range.upperBound, delimiter: delimiter)
                codes[r] = dictionary.code(for: UnsafeBufferPointer(start: p + start, count: field.end - start))
                if r & 0xFFFF == 0xFFFF {
                    if interrupted() { throw Cancelled() }
                    progress.add(0x10000)
                    if start - released > 8 << 20 { release(released..<start); released = start }
                }
            }
            release(released..<range.upperBound)
            progress.add((end - offsets[k]) & 0xFFFF)
        }
        return dictionary.strings
    }

    /// How many rows of one range its parse has set, for the encoders that follow it.
    private final class ParsedRows: Sendable {
        private let state = Mutex((rows: 0, ended: false))
        private let changed = NSCondition()

        /// Says that the first `rows` rows of the range are set.
        func set(_ rows: Int) {
            changed.lock()
            state.withLock { $0.rows = rows }
            changed.broadcast()
            changed.unlock()
        }

        /// Says that the parse of the range has stopped (done, failed or cancelled): no more rows will come.
        func end() {
            changed.lock()
            state.withLock { $0.ended = true }
            changed.broadcast()
            changed.unlock()
        }

        /// Waits until more than `rows` rows are set and returns how many are; nil when no more will come.
        func wait(after rows: Int) -> Int? {
            changed.lock()
            defer { changed.unlock() }
            while true {
                let now = state.withLock { $0 }
                if now.rows > rows { return now.rows }
                if now.ended { return nil }
                changed.wait()
            }
        }
    }

    /// Work running on a thread of its own (not a Dispatch worker, which the parse keeps busy), and its result once done.
    private final class Background<T: Sendable>: Sendable {
        private let outcome = Mutex<Swift.Result<T, Error>?>(nil)
        private let done = DispatchSemaphore(value: 0)

        /// Starts `work` on a new thread.
        init(_ work: @escaping @Sendable () throws -> T) {
            Thread { [self] in
                let result = Swift.Result { try work() }
                outcome.withLock { $0 = result }
                done.signal()
            }.start()
        }

        /// The result, waiting for the work to finish.
        var result: Swift.Result<T, Error> {
            if let known = outcome.withLock({ $0 }) { return known }
            done.wait()
            done.signal()
            return outcome.withLock { $0! }
        }
    }

    /// The rows the text columns' encoding has done, over all of them, reported as one fraction.
    private final class EncodeProgress: Sendable {
        private let done = Atomic<Int>(0)
        private let total: Int
        private let report: Mutex<@Sendable (Double) -> Void>
        init(total: Int, report: @escaping @Sendable (Double) -> Void) {
            self.total = max(1, total)
            self.report = Mutex(report)
        }
        func add(_ n: Int) {
            // Counted and reported under one lock, so the fractions reported only go up.
            report.withLock { $0(min(1, Double(done.add(n, ordering: .relaxed).newValue) / Double(total))) }
        }
    }

    /// Splits the rows after the first into about one range per core, each starting at a line start;
    /// one range when the file is small or has quotes (a quoted value may hold a line break).
    private func split(_ all: Range<Int>) -> [Range<Int>] {
        // No range over 1 GiB: a text value's place in its range is kept in an Int32 code slot until it is encoded.
        let count = max(min(maximumRanges, all.count / minimumRangeBytes), (all.count + (1 << 30) - 1) >> 30)
        guard count > 1, memchr(b.baseAddress! + all.lowerBound, 34, all.count) == nil else { return [all] }
        var ranges: [Range<Int>] = []
        var start = all.lowerBound
        for k in 1..<count {
            var cut = all.lowerBound + all.count / count * k
            guard cut > start else { continue }
            while cut < all.upperBound, b[cut - 1] != 10 { cut += 1 }
            if cut >= all.upperBound { break }
            ranges.append(start..<cut)
            start = cut
        }
        ranges.append(start..<all.upperBound)
        return ranges
    }

    /// What parsing one range gave: per column the rows that are null and the text dictionary (none when text is deferred).
    private struct ParsedRange {
        var stop: Stop
        var nulls: [[Int]]
        var dictionaries: [ByteDictionary?]
    }

    /// Parses the rows of one range into the columns at rows `firstRow`…; a `deferred` text column's
    /// code slot gets the value's offset from the range's start, for `encode` (the file then has no quotes).
    private func parse(_ range: Range<Int>, firstRow: Int, plans: [ColumnLayout.ColumnPlan], into pointers: [UnsafeMutableRawPointer],
                       deferred: [Bool], parsed: ParsedRows, interrupted: @escaping @Sendable () -> Bool,
                       progress: ((Double) -> Void)?) throws -> ParsedRange {
        let columns = plans.count
        var nulls = [[Int]](repeating: [], count: columns)
        var dictionaries: [ByteDictionary?] = (0..<columns).map { plans[$0].type == .text && !deferred[$0] ? ByteDictionary() : nil }
        let fields = RowFields(columns)
        var above = [Previous](repeating: Previous(), count: columns)
        var row = firstRow
        let following = deferred.contains(true)
        defer { parsed.end() }
        let (stop, _) = scan(range, columns: columns, fields: fields, interrupted: interrupted, progress: progress) { _, _ in
            defer {
                row += 1
                if following, (row - firstRow) & 0xFFF == 0 { parsed.set(row - firstRow) }
            }
            for c in 0..<columns {
                let raw = b[fields.starts[c]..<fields.ends[c]]
                let plan = plans[c]
                if plan.type == .text {
                    let codes = pointers[c].assumingMemoryBound(to: Int32.self)
                    if raw.isEmpty { codes[row] = -1; nulls[c].append(row); continue }
                    if deferred[c] { codes[row] = Int32(truncatingIfNeeded: raw.startIndex - range.lowerBound); continue }
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
                switch plan.type {
                case .integer:
                    guard let v = FieldClass.parseInteger(f) else { return false }
                    pointers[c].assumingMemoryBound(to: Int64.self)[row] = v
                case .decimal:
                    guard let v = FieldClass.parseDecimal(f, comma: plan.comma) else { return false }
                    pointers[c].assumingMemoryBound(to: Double.self)[row] = v
                case .date:
                    if !above[c].repeats(f) {
                        guard let v = DateParser.parse(f, format: plan.dateFormat) else { return false }
                        above[c].day = v
                    }
                    pointers[c].assumingMemoryBound(to: Int32.self)[row] = above[c].day
                case .boolean:
                    guard let v = FieldClass.isBoolean(f) else { return false }
                    pointers[c].assumingMemoryBound(to: Bool.self)[row] = v
                case .text:
                    break
                }
            }
            return true
        }
        if stop == .none { parsed.set(row - firstRow) }
        return ParsedRange(stop: stop, nulls: nulls, dictionaries: dictionaries)
    }

    /// Scans the rows in `range` (which starts at a line start), calling `row` with each row's field
    /// count and line terminator once its first `columns` fields are in `fields`; stops at anything
    /// irregular or when `row` returns false. Returns why it stopped and where.
    @inline(__always)
    private func scan(_ range: Range<Int>, columns: Int, fields: RowFields, firstRowOnly: Bool = false,
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
            while true {
                let field = CSVScanner.field(p, at: i, end: n, delimiter: d)
                if field.problem != nil { return (.irregular, i) }
                let fieldStart = field.start, fieldEnd = field.end, escaped = field.escaped
                i = field.next
                if fieldEnd - fieldStart > maxField || fieldEnd - rowStart > maxLine { return (.irregular, i) }
                if count < columns {
                    fields.starts[count] = fieldStart
                    fields.ends[count] = fieldEnd
                    if escaped { fields.escaped[count] = true; fields.anyEscaped = true }
                } else if fieldEnd > fieldStart || firstRowOnly {
                    return (.irregular, i)  // a ragged row (extra fields are fine only when empty)
                }
                count += 1
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
            if rowsSeen & 0xFFFF == 0 {
                if interrupted?() == true { return (.cancelled, i) }
                counter?.add(0x10000)
                progress?(Double(i - range.lowerBound) / Double(max(1, range.count)))
                if i - released > 8 << 20 {
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

    /// An array of `rows` values of the type's storage, not yet set: the parse sets every row (a
    /// null too), each range on its own core, so the pages are first touched there and not by one
    /// core filling 320 MB with zeros beforehand (0.15 s of a 10M-row load).
    init(type: DataType, rows: Int) {
        self.type = type
        func unset<T>(_: T.Type) -> [T] { Array(unsafeUninitializedCapacity: rows) { _, count in count = rows } }
        switch type {
        case .integer: integers = unset(Int64.self)
        case .decimal: decimals = unset(Double.self)
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
            case .date, .text: return try with(&output.int32s)
            case .boolean: return try with(&output.booleans)
            }
        }
        return try open(0)
    }

    /// The column data (for text, with the given dictionary).
    func data(dictionary: [String]) -> ColumnData {
        switch type {
        case .integer: return .integer(integers)
        case .decimal: return .decimal(decimals)
        case .date: return .date(int32s)
        case .boolean: return .boolean(booleans)
        case .text: return .text(TextStorage(codes: int32s, dictionary: dictionary))
        }
    }
}
