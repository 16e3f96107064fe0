import Foundation

/// A table as bytes, for the load cache: each column's values are written as they are held in
/// memory (64-bit integers and decimals, 32-bit days and text codes, the text dictionary once), so
/// reading it back is a copy per column instead of parsing a CSV file again.
///
/// Layout (native byte order, 64-bit lengths): the magic `KLYNGECOLS1`, the row and column counts,
/// then per column its name, type, whether it has a validity mask (then one byte per row), and its
/// data; a text column's dictionary as its strings' lengths, then their bytes, then the codes.
/// The cache is the machine's own, so native order is safe; another CPU reads a different magic.
public enum BinaryTable {
    static let magic = Array(("KLYNGECOLS1" + (1.littleEndian == 1 ? "L" : "B")).utf8)

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

    /// The table in bytes written by `write(_:to:)` (a mapped file is read without copying it first).
    public static func table(_ data: Data) throws(Damaged) -> Table {
        do {
            return try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws(Damaged) -> Table in try table(bytes) }
        } catch let damage as Damaged {
            throw damage
        } catch {
            throw Damaged(description: "\(error)")
        }
    }

    static func table(_ bytes: UnsafeRawBufferPointer) throws(Damaged) -> Table {
        var at = 0
        func need(_ n: Int) throws(Damaged) { guard n >= 0, at + n <= bytes.count else { throw Damaged(description: "the cache file is cut short") } }
        func int() throws(Damaged) -> Int {
            try need(8)
            var v: Int64 = 0
            withUnsafeMutableBytes(of: &v) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[at..<at + 8])) }
            at += 8
            return Int(Int64(littleEndian: v))
        }
        func text() throws(Damaged) -> String {
            let n = try int()
            try need(n)
            defer { at += n }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<at + n]), as: UTF8.self)
        }
        func raw<T>(_ count: Int, _ type: T.Type, zero: T) throws(Damaged) -> [T] {
            let size = count * MemoryLayout<T>.stride
            try need(size)
            var values = [T](repeating: zero, count: count)
            values.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[at..<at + size])) }
            at += size
            return values
        }
        try need(magic.count)
        guard Array(bytes[0..<magic.count]) == magic else { throw Damaged(description: "not a klynge cache file") }
        at = magic.count
        let rows = try int(), count = try int()
        guard rows >= 0, count >= 0 else { throw Damaged(description: "the cache file is damaged") }
        var columns: [Column] = []
        for _ in 0..<count {
            let name = try text()
            guard let type = DataType(rawValue: try text()) else { throw Damaged(description: "unknown column type in the cache file") }
            let validity = try int() == 1 ? try raw(rows, UInt8.self, zero: 0).map { $0 != 0 } : nil
            let data: ColumnData
            switch type {
            case .integer: data = .integer(try raw(rows, Int64.self, zero: 0))
            case .decimal: data = .decimal(try raw(rows, Double.self, zero: 0))
            case .date: data = .date(try raw(rows, Int32.self, zero: 0))
            case .boolean: data = .boolean(try raw(rows, UInt8.self, zero: 0).map { $0 != 0 })
            case .text:
                let n = try int()
                guard n >= 0 else { throw Damaged(description: "the cache file is damaged") }
                let lengths = try raw(n, Int64.self, zero: 0)
                let total = try int()
                try need(total)
                guard lengths.allSatisfy({ $0 >= 0 }), lengths.reduce(0, +) == Int64(total) else { throw Damaged(description: "the cache file is damaged") }
                var dictionary: [String] = []
                dictionary.reserveCapacity(n)
                var start = at
                for length in lengths {
                    dictionary.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<start + Int(length)]), as: UTF8.self))
                    start += Int(length)
                }
                at += total
                let codes = try raw(rows, Int32.self, zero: 0)
                guard codes.allSatisfy({ $0 >= -1 && Int($0) < n }) else { throw Damaged(description: "the cache file is damaged") }
                data = .text(TextStorage(codes: codes, dictionary: dictionary))
            }
            columns.append(Column(name: name, data: data, validity: validity))
        }
        return Table(columns: columns, rowCount: rows)
    }
}
