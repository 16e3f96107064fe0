import Foundation
import Tabular

/// Why Arrow data could not be read.
public struct ArrowError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    /// Creates the error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// Reads an Arrow IPC stream (a Schema message, record batches, the end marker) into klynge's
/// columns: the types Spark Connect returns — int8 to int64, float and double, utf8, bool,
/// date32 and date64, decimal128, timestamp (any unit, as its date) and null — with validity
/// bitmaps. Uncompressed and without dictionaries, as Spark sends them (SCALE-OUT.md).
///
/// Format: arrow.apache.org/docs/format/Columnar.html#serialization-and-interprocess-communication-ipc.
/// Each message is `0xFFFFFFFF`, a 32-bit metadata length, a FlatBuffers `Message` and a body; a
/// batch's buffers are (offset, length) pairs into its body, in field order: validity first.
public struct ArrowStreamReader {
    /// One field of the schema: its name and what its buffers hold.
    public struct Field: Sendable {
        /// The column name.
        public var name: String
        /// The Arrow type, as read.
        public var kind: Kind
    }

    /// The Arrow types klynge reads.
    public enum Kind: Sendable, Equatable {
        case null
        case int(bytes: Int, signed: Bool)
        case float(bytes: Int)
        case utf8(large: Bool)
        case bool
        case date32
        case date64
        case decimal128(scale: Int)
        case timestamp(unitsPerDay: Int64)

        /// klynge's type for it.
        var type: DataType {
            switch self {
            case .null, .utf8: .text
            case .int: .integer
            case .float, .decimal128: .decimal
            case .bool: .boolean
            case .date32, .date64, .timestamp: .date
            }
        }
    }

    /// The schema, once read.
    public private(set) var fields: [Field] = []
    /// The columns read so far, as klynge's values (appended batch by batch).
    var builders: [ColumnBuilder] = []

    /// Creates an empty reader.
    public init() {}

    /// Reads one whole IPC stream (it may hold several record batches).
    public mutating func read(_ data: [UInt8]) throws(ArrowError) {
        var at = 0
        while at + 4 <= data.count {
            var length = Int(Int32(bitPattern: FlatBufferTable.uint32(data, at)))
            at += 4
            if length == -1 {                       // the continuation marker, then the length
                guard at + 4 <= data.count else { break }
                length = Int(Int32(bitPattern: FlatBufferTable.uint32(data, at)))
                at += 4
            }
            if length == 0 { break }                // end of stream
            guard length > 0, at + length <= data.count else { throw ArrowError("an Arrow message of \(length) bytes past the end of the data") }
            let message = try FlatBufferTable(root: Array(data[at..<(at + length)]))
            at += length
            let bodyLength = Int(try message.long(3))
            guard bodyLength >= 0, at + bodyLength <= data.count else { throw ArrowError("an Arrow body of \(bodyLength) bytes past the end of the data") }
            let body = at..<(at + bodyLength)
            at += bodyLength
            switch try message.integer(1, size: 1) {
            case 1: try readSchema(try message.table(2))
            case 3: try readBatch(try message.table(2), data, body)
            case 2: throw ArrowError("dictionary-encoded Arrow data (not sent by Spark Connect)")
            default: continue
            }
        }
    }

    mutating func readSchema(_ schema: FlatBufferTable?) throws(ArrowError) {
        guard let schema else { throw ArrowError("an Arrow schema without fields") }
        var read: [Field] = []
        for field in try schema.tables(1) {
            let name = try field.string(0) ?? ""
            let type = try field.table(3)
            let kind: Kind
            switch try field.integer(2, size: 1) {
            case 1: kind = .null
            case 2:
                let bits = try type?.integer(0, size: 4) ?? 0
                kind = .int(bytes: bits / 8, signed: try type?.integer(1, size: 1) ?? 0 != 0)
            case 3: kind = .float(bytes: [2, 4, 8][min(2, max(0, try type?.integer(0, size: 2) ?? 2))])
            case 5: kind = .utf8(large: false)
            case 20: kind = .utf8(large: true)
            case 6: kind = .bool
            case 7:
                guard try type?.integer(2, size: 4, default: 128) == 128 else { throw ArrowError("column '\(name)': a decimal that is not 128 bits") }
                kind = .decimal128(scale: try type?.integer(1, size: 4) ?? 0)
            case 8: kind = try type?.integer(0, size: 2, default: 1) == 0 ? .date32 : .date64
            case 10: kind = .timestamp(unitsPerDay: [86_400, 86_400_000, 86_400_000_000, 86_400_000_000_000][min(3, max(0, try type?.integer(0, size: 2) ?? 0))])
            case let other: throw ArrowError("column '\(name)': Arrow type \(other) is not one klynge reads (numbers, text, booleans, dates, decimals, timestamps)")
            }
            if try field.field(4) != nil {
                throw ArrowError("column '\(name)': dictionary-encoded Arrow data (not sent by Spark Connect)")
            }
            read.append(Field(name: name, kind: kind))
        }
        if fields.isEmpty {
            fields = read
            builders = read.map { ColumnBuilder(kind: $0.kind) }
        }
    }

    mutating func readBatch(_ batch: FlatBufferTable?, _ data: [UInt8], _ body: Range<Int>) throws(ArrowError) {
        guard let batch else { throw ArrowError("an Arrow record batch without metadata") }
        if try batch.field(3) != nil { throw ArrowError("compressed Arrow data (Spark Connect sends it uncompressed)") }
        let rows = Int(try batch.long(0))
        let nodes = try batch.structs(1, width: 2), buffers = try batch.structs(2, width: 2)
        var b = 0
        func buffer() throws(ArrowError) -> Range<Int> {
            guard b < buffers.count else { throw ArrowError("an Arrow batch with too few buffers") }
            let (offset, length) = (Int(buffers[b][0]), Int(buffers[b][1]))
            b += 1
            guard offset >= 0, length >= 0, offset + length <= body.count else { throw ArrowError("an Arrow buffer outside its batch") }
            return (body.lowerBound + offset)..<(body.lowerBound + offset + length)
        }
        guard nodes.count >= fields.count else { throw ArrowError("an Arrow batch with \(nodes.count) columns for \(fields.count) fields") }
        for (k, field) in fields.enumerated() {
            let nullCount = Int(nodes[k][1])
            if field.kind == .null {
                builders[k].appendNulls(rows)
                continue
            }
            let validity = try buffer()
            let valid: (Int) -> Bool = nullCount == 0 || validity.isEmpty
                ? { _ in true }
                : { i in data[validity.lowerBound + i / 8] & (1 << UInt8(i % 8)) != 0 }
            switch field.kind {
            case .utf8(let large):
                let offsets = try buffer(), values = try buffer()
                let width = large ? 8 : 4
                guard offsets.count >= (rows + 1) * width else { throw ArrowError("column '\(field.name)': too few text offsets") }
                func offset(_ i: Int) -> Int {
                    large ? Int(FlatBufferTable.int64(data, offsets.lowerBound + 8 * i)) : Int(Int32(bitPattern: FlatBufferTable.uint32(data, offsets.lowerBound + 4 * i)))
                }
                for i in 0..<rows {
                    guard valid(i) else { builders[k].appendNull(); continue }
                    let (start, end) = (offset(i), offset(i + 1))
                    guard start >= 0, start <= end, values.lowerBound + end <= values.upperBound else { throw ArrowError("column '\(field.name)': a text offset outside its data") }
                    builders[k].append(text: String(decoding: data[(values.lowerBound + start)..<(values.lowerBound + end)], as: UTF8.self))
                }
            case .bool:
                let values = try buffer()
                guard values.count * 8 >= rows else { throw ArrowError("column '\(field.name)': too few booleans") }
                for i in 0..<rows {
                    valid(i) ? builders[k].append(bool: data[values.lowerBound + i / 8] & (1 << UInt8(i % 8)) != 0) : builders[k].appendNull()
                }
            default:
                let values = try buffer()
                let width: Int
                switch field.kind {
                case .int(let bytes, _), .float(let bytes): width = bytes
                case .date32: width = 4
                case .decimal128: width = 16
                default: width = 8
                }
                guard values.count >= rows * width else { throw ArrowError("column '\(field.name)': too few values") }
                for i in 0..<rows {
                    guard valid(i) else { builders[k].appendNull(); continue }
                    try builders[k].append(fixed: data, at: values.lowerBound + i * width, kind: field.kind, column: field.name)
                }
            }
        }
    }

    /// The columns read, named as the schema names them; `types` converts them to the types a plan expects.
    public func table(types: [DataType]? = nil) throws(ArrowError) -> Table {
        var columns: [Column] = []
        for (k, field) in fields.enumerated() {
            let want = types.flatMap { k < $0.count ? $0[k] : nil }
            columns.append(try builders[k].column(field.name, as: want))
        }
        return Table(columns: columns, rowCount: builders.first?.count ?? 0)
    }
}

/// The values of one Arrow column as klynge stores them, appended batch by batch.
struct ColumnBuilder {
    let kind: ArrowStreamReader.Kind
    var integers: [Int64] = []
    var doubles: [Double] = []
    var days: [Int32] = []
    var bools: [Bool] = []
    var text = TextStorage.Builder()
    var validity: [Bool] = []

    init(kind: ArrowStreamReader.Kind) { self.kind = kind }

    var count: Int { validity.count }

    mutating func appendNull() {
        validity.append(false)
        switch kind.type {
        case .integer: integers.append(0)
        case .decimal: doubles.append(0)
        case .date: days.append(0)
        case .boolean: bools.append(false)
        case .text: text.appendNull()
        }
    }

    mutating func appendNulls(_ n: Int) { for _ in 0..<n { appendNull() } }

    mutating func append(text s: String) { text.append(s); validity.append(true) }

    mutating func append(bool b: Bool) { bools.append(b); validity.append(true) }

    mutating func append(fixed data: [UInt8], at: Int, kind: ArrowStreamReader.Kind, column: String) throws(ArrowError) {
        func raw(_ bytes: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<bytes { v |= UInt64(data[at + k]) << (8 * UInt64(k)) }
            return v
        }
        switch kind {
        case .int(let bytes, let signed):
            let v = raw(bytes)
            if signed {
                let shift = UInt64(64 - 8 * bytes)
                integers.append(Int64(bitPattern: v << shift) >> Int64(shift))
            } else {
                guard let i = Int64(exactly: v) else { throw ArrowError("column '\(column)': \(v) does not fit klynge's whole numbers") }
                integers.append(i)
            }
        case .float(let bytes):
            doubles.append(bytes == 8 ? Double(bitPattern: raw(8)) : bytes == 4 ? Double(Float(bitPattern: UInt32(raw(4)))) : Double(Float16(bitPattern: UInt16(raw(2)))))
        case .date32:
            days.append(Int32(bitPattern: UInt32(raw(4))))
        case .date64:
            days.append(Int32(clamping: Self.floorDiv(Int64(bitPattern: raw(8)), 86_400_000)))
        case .timestamp(let perDay):
            days.append(Int32(clamping: Self.floorDiv(Int64(bitPattern: raw(8)), perDay)))
        case .decimal128(let scale):
            // A 128-bit two's complement integer, little-endian, scaled by 10^-scale.
            let low = raw(8)
            let high = FlatBufferTable.int64(data, at + 8)
            let value = Double(high) * 18_446_744_073_709_551_616.0 + Double(low)
            doubles.append(value / pow(10, Double(scale)))
        default:
            throw ArrowError("column '\(column)': unexpected fixed-width type")
        }
        validity.append(true)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// The column, converted to `type` when one is asked for (a whole number as a decimal, and so on).
    func column(_ name: String, as type: DataType?) throws(ArrowError) -> Column {
        let data: ColumnData
        switch kind.type {
        case .integer: data = .integer(integers)
        case .decimal: data = .decimal(doubles)
        case .date: data = .date(days)
        case .boolean: data = .boolean(bools)
        case .text: data = .text(text.storage)
        }
        var column = Column(name: name, data: data, validity: validity)
        guard let type, type != column.type else { return column }
        switch (column.data, type) {
        case (.integer(let v), .decimal): column = Column(name: name, data: .decimal(v.map(Double.init)), validity: validity)
        case (.decimal(let v), .integer):
            guard v.indices.allSatisfy({ !validity[$0] || (v[$0] == v[$0].rounded() && abs(v[$0]) < 9.2e18) }) else {
                throw ArrowError("column '\(name)': a decimal value where a whole number was expected")
            }
            column = Column(name: name, data: .integer(v.map { Int64($0) }), validity: validity)
        case (_, _) where kind == .null:
            column = Column.from(name: name, type: type, values: [Value](repeating: .null, count: validity.count))
        default:
            throw ArrowError("column '\(name)': \(column.type) where \(type) was expected")
        }
        return column
    }
}
