import Foundation

/// A table as bytes, for the load cache: each column's values are written as they are held in
/// memory (64-bit integers and decimals, 32-bit days and text codes, the text dictionary once), so
/// reading it back is a copy per column instead of parsing a CSV file again.
///
/// Layout (native byte order, 64-bit lengths): the magic `KLYNGECOLS2`, the row and column counts,
/// then per column its name, type, whether it has a validity mask (then one byte per row), and its
/// data; a text column's dictionary as its strings' lengths, then their bytes, then the codes, or
/// for text kept as bytes (`RawText`) -1, the width, the bytes and, when the width is 0, the values' ends.
/// The cache is the machine's own, so native order is safe; another CPU reads a different magic.
public enum BinaryTable {
    static let magic = Array(("KLYNGECOLS2" + (1.littleEndian == 1 ? "L" : "B")).utf8)

    /// Why bytes are not a table.
    public struct Damaged: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    /// Writes the table to a file, a column at a time (no second copy of the table in memory).
    public static func write(_ table: Table, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? handle.close() }
        var failure: Error?
        write(table) { chunk in
            guard failure == nil else { return }
            do { try handle.write(contentsOf: chunk) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Hands the table's bytes to `emit` in order: small header pieces and whole columns.
    static func write(_ table: Table, emit: (UnsafeRawBufferPointer) -> Void) {
        func int(_ v: Int) { withUnsafeBytes(of: Int64(v).littleEndian) { emit($0) } }
        func text(_ s: String) { let b = Array(s.utf8); int(b.count); b.withUnsafeBytes { emit($0) } }
        func raw<T>(_ values: [T]) { values.withUnsafeBytes { emit($0) } }
        magic.withUnsafeBytes { emit($0) }
        int(table.rowCount)
        int(table.columns.count)
        for column in table.columns {
            text(column.name)
            text(column.type.rawValue)
            if let validity = column.validity { int(1); raw(validity.map { $0 ? UInt8(1) : 0 }) } else { int(0) }
            switch column.data {
            case .integer(let v): raw(v)
            case .decimal(let v): raw(v)
            case .date(let v): raw(v)
            case .boolean(let v): raw(v.map { $0 ? UInt8(1) : 0 })
            case .text(let t):
                if let r = t.raw {
                    int(-1)
                    int(r.width)
                    int(r.bytes.count)
                    raw(r.bytes)
                    if r.width == 0 { raw(r.ends) }
                    continue
                }
                int(t.dictionary.count)
                // The dictionary's strings as one block of lengths and one of bytes.
                var lengths: [Int64] = [], bytes: [UInt8] = []
                lengths.reserveCapacity(t.dictionary.count)
                for s in t.dictionary { let u = s.utf8; lengths.append(Int64(u.count)); bytes.append(contentsOf: u) }
                raw(lengths)
                int(bytes.count)
                raw(bytes)
                raw(t.codes)
            }
        }
    }

    /// The table in the file written by `write(_:to:)`: each column is read straight into its array,
    /// the columns side by side (measured: a 10M-row billing table in about half the time of
    /// mapping the file and copying each column out of it, and without the mapping's pages in
    /// memory beside the columns; README "Speed").
    public static func read(path: String) throws(Damaged) -> Table {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Damaged(description: "cannot open the cache file") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Damaged(description: "cannot read the cache file") }
        return try table(Source(size: Int(info.st_size)) { destination, count, offset in
            var done = 0
            while done < count {
                let n = pread(fd, destination + done, count - done, off_t(offset + done))
                guard n > 0 else { return false }
                done += n
            }
            return true
        })
    }

    /// The table in bytes written by `write(_:to:)`.
    public static func table(_ data: Data) throws(Damaged) -> Table {
        do {
            return try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws(Damaged) -> Table in
                try table(Source(size: bytes.count) { destination, count, offset in
                    if count > 0 { destination.copyMemory(from: bytes.baseAddress! + offset, byteCount: count) }
                    return true
                })
            }
        } catch let damage as Damaged {
            throw damage
        } catch {
            throw Damaged(description: "\(error)")
        }
    }

    /// Where a table's bytes come from: a file read at offsets, or bytes in memory.
    struct Source: @unchecked Sendable {
        /// The number of bytes.
        let size: Int
        /// Copies `count` bytes from `offset` to the destination; false when they cannot be read.
        let copy: (UnsafeMutableRawPointer, Int, Int) -> Bool

        /// Copies the bytes, after checking that they lie within the source.
        func fill(_ destination: UnsafeMutableRawPointer, _ count: Int, at offset: Int) throws(Damaged) {
            guard count >= 0, offset >= 0, offset + count <= size else { throw Damaged(description: "the cache file is cut short") }
            guard copy(destination, count, offset) else { throw Damaged(description: "cannot read the cache file") }
        }

        /// Asks for 2 MB pages for a large, not yet touched buffer: filling a column then takes a
        /// page fault per 2 MB instead of per 4 kB (measured: page faults were a third of reading a
        /// 10M-row table back from the cache; README "Speed").
        static func preferLargePages(_ base: UnsafeMutableRawPointer, _ bytes: Int) {
            let huge = 2 << 20
            guard bytes >= 2 * huge else { return }
            let start = (Int(bitPattern: base) + huge - 1) / huge * huge
            let end = (Int(bitPattern: base) + bytes) / huge * huge
            if end > start { madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        }

        /// `count` values of type T from `offset`, straight into a new array.
        func array<T>(_ count: Int, _ type: T.Type, at offset: Int) throws(Damaged) -> [T] {
            var failure: Damaged?
            let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                do throws(Damaged) {
                    guard count > 0 else { initialized = 0; return }
                    let bytes = count * MemoryLayout<T>.stride
                    Self.preferLargePages(UnsafeMutableRawPointer(buffer.baseAddress!), bytes)
                    try fill(UnsafeMutableRawPointer(buffer.baseAddress!), bytes, at: offset)
                    initialized = count
                } catch {
                    failure = error
                    initialized = 0
                }
            }
            if let failure { throw failure }
            return values
        }
    }

    /// Where one column's parts lie in the source.
    private struct ColumnPlace {
        var name: String
        var type: DataType
        /// The validity bytes, if any.
        var validity: Int?
        /// The values (for text: the codes).
        var data = 0
        /// For text: the number of strings, where their lengths are, and where their bytes are and how many.
        var strings = 0, lengths = 0, bytes = 0, byteCount = 0
        /// For text kept as bytes: the values' width (0: their ends are at `data`).
        var width: Int?
    }

    static func table(_ source: Source) throws(Damaged) -> Table {
        var at = 0
        func int() throws(Damaged) -> Int {
            var v: Int64 = 0
            try withUnsafeMutableBytes(of: &v) { (b: UnsafeMutableRawBufferPointer) throws(Damaged) in try source.fill(b.baseAddress!, 8, at: at) }
            at += 8
            return Int(Int64(littleEndian: v))
        }
        func text() throws(Damaged) -> String {
            let n = try int()
            let bytes = try source.array(n, UInt8.self, at: at)
            at += n
            return String(decoding: bytes, as: UTF8.self)
        }
        let head = try source.array(magic.count, UInt8.self, at: 0)
        guard head == magic else { throw Damaged(description: "not a klynge cache file") }
        at = magic.count
        let rows = try int(), count = try int()
        guard rows >= 0, count >= 0, rows <= source.size, count <= source.size else { throw Damaged(description: "the cache file is damaged") }
        // Where each column lies, from the small pieces between them.
        var places: [ColumnPlace] = []
        func skip(_ n: Int) throws(Damaged) {
            guard n >= 0, at + n <= source.size else { throw Damaged(description: "the cache file is cut short") }
            at += n
        }
        for _ in 0..<count {
            let name = try text()
            guard let type = DataType(rawValue: try text()) else { throw Damaged(description: "unknown column type in the cache file") }
            var place = ColumnPlace(name: name, type: type)
            if try int() == 1 { place.validity = at; try skip(rows) }
            switch type {
            case .integer, .decimal: place.data = at; try skip(rows * 8)
            case .date: place.data = at; try skip(rows * 4)
            case .boolean: place.data = at; try skip(rows)
            case .text:
                place.strings = try int()
                if place.strings == -1 {
                    let width = try int()
                    place.byteCount = try int()
                    guard width >= 0, width <= source.size, place.byteCount >= 0 else { throw Damaged(description: "the cache file is damaged") }
                    place.width = width
                    place.bytes = at
                    try skip(place.byteCount)
                    place.data = at
                    if width == 0 { try skip(rows * 4) }
                    break
                }
                guard place.strings >= 0, place.strings <= source.size else { throw Damaged(description: "the cache file is damaged") }
                place.lengths = at
                try skip(place.strings * 8)
                place.byteCount = try int()
                place.bytes = at
                try skip(place.byteCount)
                place.data = at
                try skip(rows * 4)
            }
            places.append(place)
        }
        let columns: [Column]
        do {
            columns = try Parallel.map(count) { c in try column(places[c], rows: rows, source) }
        } catch let damage as Damaged {
            throw damage
        } catch {
            throw Damaged(description: "\(error)")
        }
        return Table(columns: columns, rowCount: rows)
    }

    /// One column read from where it lies.
    private static func column(_ place: ColumnPlace, rows: Int, _ source: Source) throws(Damaged) -> Column {
        let validity = try place.validity.map { (v: Int) throws(Damaged) in try source.array(rows, UInt8.self, at: v).map { $0 != 0 } }
        let data: ColumnData
        switch place.type {
        case .integer: data = .integer(try source.array(rows, Int64.self, at: place.data))
        case .decimal: data = .decimal(try source.array(rows, Double.self, at: place.data))
        case .date: data = .date(try source.array(rows, Int32.self, at: place.data))
        case .boolean: data = .boolean(try source.array(rows, UInt8.self, at: place.data).map { $0 != 0 })
        case .text:
            if let width = place.width {
                let bytes = try source.array(place.byteCount, UInt8.self, at: place.bytes)
                let ends = width > 0 ? [] : try source.array(rows, UInt32.self, at: place.data)
                let fits = width > 0 ? place.byteCount == width * rows
                    : Int(ends.last ?? 0) == place.byteCount && zip(ends, ends.dropFirst()).allSatisfy { $0 <= $1 }
                guard fits else { throw Damaged(description: "the cache file is damaged") }
                data = .text(TextStorage(raw: RawText(bytes: bytes, width: width, ends: ends, count: rows)))
                break
            }
            let n = place.strings
            let lengths = try source.array(n, Int64.self, at: place.lengths)
            guard lengths.allSatisfy({ $0 >= 0 }), lengths.reduce(0, +) == Int64(place.byteCount) else { throw Damaged(description: "the cache file is damaged") }
            let bytes = try source.array(place.byteCount, UInt8.self, at: place.bytes)
            var dictionary: [String] = []
            dictionary.reserveCapacity(n)
            bytes.withUnsafeBytes { b in
                var start = 0
                for length in lengths {
                    dictionary.append(String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<start + Int(length)]), as: UTF8.self))
                    start += Int(length)
                }
            }
            let codes = try source.array(rows, Int32.self, at: place.data)
            guard codes.allSatisfy({ $0 >= -1 && Int($0) < n }) else { throw Damaged(description: "the cache file is damaged") }
            data = .text(TextStorage(codes: codes, dictionary: dictionary))
        }
        return Column(name: place.name, data: data, validity: validity)
    }
}
