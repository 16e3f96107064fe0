/// A table inside a FlatBuffers buffer, read in place: the few accessors Arrow's IPC metadata
/// needs (scalars, strings, tables, unions, vectors of tables and of structs).
///
/// Hand-written because the format is small and fixed (flatbuffers.dev, "internals"): a table
/// starts with a signed offset back to its vtable; the vtable lists, per field, where the field
/// sits in the table (0: absent, the default applies); offsets to strings, vectors and tables are
/// unsigned and relative to where they are stored. No FlatBuffers library is in this machine's
/// package set, and the reader needs about a hundred lines.
struct FlatBufferTable {
    /// The whole buffer.
    let bytes: [UInt8]
    /// Where the table starts.
    let position: Int

    /// The root table of a buffer.
    init(root bytes: [UInt8]) throws(ArrowError) {
        self.bytes = bytes
        guard bytes.count >= 4 else { throw ArrowError("a FlatBuffers message of \(bytes.count) bytes") }
        position = Int(Self.uint32(bytes, 0))
        try check(position, 4)
    }

    init(bytes: [UInt8], position: Int) {
        self.bytes = bytes
        self.position = position
    }

    func check(_ at: Int, _ size: Int) throws(ArrowError) {
        guard at >= 0, at + size <= bytes.count else { throw ArrowError("an offset outside the Arrow metadata (\(at))") }
    }

    static func uint32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    static func int64(_ b: [UInt8], _ at: Int) -> Int64 {
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(b[at + k]) << (8 * UInt64(k)) }
        return Int64(bitPattern: v)
    }

    /// Where field `index` is stored, or nil when it is absent.
    func field(_ index: Int) throws(ArrowError) -> Int? {
        let vtable = position - Int(Int32(bitPattern: Self.uint32(bytes, position)))
        try check(vtable, 4)
        let vtableSize = Int(UInt16(bytes[vtable]) | UInt16(bytes[vtable + 1]) << 8)
        let slot = 4 + 2 * index
        guard slot + 2 <= vtableSize else { return nil }
        try check(vtable + slot, 2)
        let offset = Int(UInt16(bytes[vtable + slot]) | UInt16(bytes[vtable + slot + 1]) << 8)
        return offset == 0 ? nil : position + offset
    }

    /// A small unsigned field (ubyte, bool, short, int) as an Int, or the default.
    func integer(_ index: Int, size: Int, default value: Int = 0) throws(ArrowError) -> Int {
        guard let at = try field(index) else { return value }
        try check(at, size)
        var v = 0
        for k in 0..<size { v |= Int(bytes[at + k]) << (8 * k) }
        if size < 8, v & (1 << (8 * size - 1)) != 0 { v -= 1 << (8 * size) }   // signed
        return v
    }

    /// A 64-bit field, or the default.
    func long(_ index: Int, default value: Int64 = 0) throws(ArrowError) -> Int64 {
        guard let at = try field(index) else { return value }
        try check(at, 8)
        return Self.int64(bytes, at)
    }

    func target(_ at: Int) throws(ArrowError) -> Int {
        try check(at, 4)
        let to = at + Int(Self.uint32(bytes, at))
        try check(to, 4)
        return to
    }

    /// A table field, or nil.
    func table(_ index: Int) throws(ArrowError) -> FlatBufferTable? {
        guard let at = try field(index) else { return nil }
        return FlatBufferTable(bytes: bytes, position: try target(at))
    }

    /// A string field, or nil.
    func string(_ index: Int) throws(ArrowError) -> String? {
        guard let at = try field(index) else { return nil }
        let to = try target(at)
        let length = Int(Self.uint32(bytes, to))
        try check(to + 4, length)
        return String(decoding: bytes[(to + 4)..<(to + 4 + length)], as: UTF8.self)
    }

    /// A vector of tables.
    func tables(_ index: Int) throws(ArrowError) -> [FlatBufferTable] {
        guard let at = try field(index) else { return [] }
        let to = try target(at)
        let count = Int(Self.uint32(bytes, to))
        var out: [FlatBufferTable] = []
        for k in 0..<count { out.append(FlatBufferTable(bytes: bytes, position: try target(to + 4 + 4 * k))) }
        return out
    }

    /// A vector of structs of `width` 64-bit integers each (Arrow's FieldNode and Buffer).
    func structs(_ index: Int, width: Int) throws(ArrowError) -> [[Int64]] {
        guard let at = try field(index) else { return [] }
        let to = try target(at)
        let count = Int(Self.uint32(bytes, to))
        try check(to + 4, count * width * 8)
        return (0..<count).map { k in (0..<width).map { Self.int64(bytes, to + 4 + (k * width + $0) * 8) } }
    }
}
