/// Splits CSV bytes into field boundaries in one pass, without creating strings.
///
/// RFC 4180 quoting: a quoted field may hold delimiters, quotes doubled as `""` and line
/// breaks. Blank lines are skipped. A row with more fields than the first row is accepted when
/// the extra fields are empty (Excel's trailing `;;;`); any other difference is an error.
struct CSVScanner {
    /// Field starts and ends (byte offsets), row-major, `columnCount` per row.
    var starts: [UInt32] = []
    var ends: [UInt32] = []
    /// The flat indices of quoted fields that contain doubled quotes.
    var escaped: [Int] = []
    /// The byte offset where each row starts.
    var rowStarts: [UInt32] = []
    /// Fields per row (from the first row).
    var columnCount = 0
    /// Whether the first line break seen was CRLF.
    var crlf = false

    /// The number of rows, header included.
    var rowCount: Int { rowStarts.count }

    /// Scans the whole buffer.
    static func scan(_ b: UnsafeBufferPointer<UInt8>, delimiter d: UInt8, path: String,
                     progress: (@Sendable (Double, Int) -> Void)? = nil, maxField: Int = LoadOptions.defaultMaxFieldBytes,
                     maxLine: Int = LoadOptions.defaultMaxLineBytes) throws -> CSVScanner {
        var s = CSVScanner()
        let n = b.count
        let estimate = n / 12
        s.starts.reserveCapacity(estimate)
        s.ends.reserveCapacity(estimate)
        var sawLineBreak = false
        var i = 0
        while i < n {
            let c0 = b[i]
            if c0 == 10 { i += 1; continue }
            if c0 == 13 { i += 1; if i < n, b[i] == 10 { i += 1 }; continue }
            let rowStart = i
            var fieldsInRow = 0
            while true {
                let field = Self.field(b.baseAddress!, at: i, end: n, delimiter: d)
                switch field.problem {
                case .unclosedQuote(let at)?:
                    throw s.error(b, path: path, at: at, message: "a quoted value is never closed",
                                  suggestion: "close the quote, or write a quote inside a quoted value as \"\"")
                case .textAfterQuote(let at)?:
                    throw s.error(b, path: path, at: at, message: "text follows the closing quote of a value",
                                  suggestion: "quote the whole value, and write a quote inside it as \"\"")
                case nil:
                    break
                }
                let fieldStart = field.start, fieldEnd = field.end
                i = field.next
                if field.escaped { s.escaped.append(s.starts.count) }
                if fieldEnd - fieldStart > maxField {
                    throw s.error(b, path: path, at: fieldStart,
                                  message: "a value on this line is \(fieldEnd - fieldStart) bytes long; klynge takes values up to \(maxField) bytes",
                                  suggestion: "a quote that is never closed makes one long value; if the value is real, load with `max_field \(fieldEnd - fieldStart)`")
                }
                if fieldEnd - rowStart > maxLine {
                    throw s.error(b, path: path, at: rowStart,
                                  message: "this line is more than \(maxLine) bytes long",
                                  suggestion: "if the file really has such lines, load with `max_line \(maxLine * 10)`")
                }
                s.starts.append(UInt32(truncatingIfNeeded: fieldStart))
                s.ends.append(UInt32(truncatingIfNeeded: fieldEnd))
                fieldsInRow += 1
                if i < n, b[i] == d {
                    i += 1
                    if i == n {
                        s.starts.append(UInt32(truncatingIfNeeded: n))
                        s.ends.append(UInt32(truncatingIfNeeded: n))
                        fieldsInRow += 1
                        break
                    }
                    continue
                }
                if i < n {
                    if !sawLineBreak { sawLineBreak = true; s.crlf = b[i] == 13 }
                    if b[i] == 13 { i += 1; if i < n, b[i] == 10 { i += 1 } } else { i += 1 }
                }
                break
            }
            if s.columnCount == 0 {
                s.columnCount = fieldsInRow
            } else if fieldsInRow != s.columnCount {
                try s.reconcile(b, path: path, rowStart: rowStart, fields: fieldsInRow, delimiter: d)
            }
            s.rowStarts.append(UInt32(truncatingIfNeeded: rowStart))
            if s.rowStarts.count & 0xFFFF == 0 {
                try Interrupt.check()
                progress?(Double(i) / Double(max(1, n)), s.rowStarts.count)
            }
        }
        return s
    }

    /// Where one field lies, found by `field(_:at:end:delimiter:)`.
    struct FieldBounds {
        /// The value's first byte and the byte after it (inside the quotes of a quoted field).
        var start: Int, end: Int
        /// Whether a quoted value has doubled quotes inside.
        var escaped = false
        /// Where scanning goes on: the delimiter or line break after the field, or the end.
        var next: Int
        /// What is wrong with a quoted field, if anything.
        var problem: FieldProblem?
    }

    /// A field's text: the bytes inside its quotes, with doubled quotes undone when `escaped`.
    static func text(_ field: Slice<UnsafeBufferPointer<UInt8>>, escaped: Bool) -> String {
        let s = String(decoding: UnsafeBufferPointer(rebasing: field), as: UTF8.self)
        return escaped ? s.replacingOccurrences(of: "\"\"", with: "\"") : s
    }

    /// What can be wrong with a quoted field, and where.
    enum FieldProblem {
        case unclosedQuote(at: Int), textAfterQuote(at: Int)
    }

    /// The high bit of each byte of `x` that is zero, and no other bit (exact, so the bits can be
    /// counted too, not only the lowest one taken).
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The field that starts at byte `i` of `p[..<n]`, quoted (RFC 4180: delimiters, line breaks and
    /// doubled quotes inside; spaces after the closing quote) or not. Both readers scan with it.
    @inline(__always)
    static func field(_ p: UnsafePointer<UInt8>, at start: Int, end n: Int, delimiter d: UInt8) -> FieldBounds {
        var i = start
        guard i < n, p[i] == 34 else {
            // Eight bytes at a time while eight are left (the byte-at-a-time loop was a fifth of a
            // 10M-row load): a byte equal to the delimiter, LF or CR is a zero byte of the word XORed
            // with that byte repeated.
            let ones: UInt64 = 0x0101_0101_0101_0101
            let delimiters = UInt64(d) &* ones, lineFeeds = 10 &* ones, returns = 13 &* ones
            while i + 8 <= n {
                let w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                let hits = zeroBytes(w ^ delimiters) | zeroBytes(w ^ lineFeeds) | zeroBytes(w ^ returns)
                if hits != 0 {
                    i += hits.trailingZeroBitCount >> 3
                    return FieldBounds(start: start, end: i, next: i)
                }
                i += 8
            }
            while i < n {
                let c = p[i]
                if c == d || c == 10 || c == 13 { break }
                i += 1
            }
            return FieldBounds(start: start, end: i, next: i)
        }
        i += 1
        var field = FieldBounds(start: i, end: i, next: i)
        while true {
            guard i < n else { field.problem = .unclosedQuote(at: start); return field }
            if p[i] == 34 {
                if i + 1 < n, p[i + 1] == 34 { field.escaped = true; i += 2; continue }
                break
            }
            i += 1
        }
        field.end = i
        i += 1
        while i < n, p[i] == 32 { i += 1 }
        field.next = i
        if i < n, p[i] != d, p[i] != 10, p[i] != 13 { field.problem = .textAfterQuote(at: i) }
        return field
    }

    /// Drops empty extra fields of a too-long row, or throws for a ragged row.
    private mutating func reconcile(_ b: UnsafeBufferPointer<UInt8>, path: String, rowStart: Int, fields: Int, delimiter d: UInt8) throws {
        let first = starts.count - fields
        if fields > columnCount {
            let extra = (first + columnCount)..<starts.count
            if extra.allSatisfy({ starts[$0] == ends[$0] }) {
                starts.removeLast(fields - columnCount)
                ends.removeLast(fields - columnCount)
                return
            }
            let at = Int(starts[first + columnCount])
            throw error(b, path: path, at: at,
                        message: "this row has \(fields) fields, the first row has \(columnCount)",
                        suggestion: "a value that contains the delimiter \(Self.name(d)) must be in quotes; or give the delimiter with `delimiter \"…\"`")
        }
        let lineEnd = Int(ends[starts.count - 1])
        throw error(b, path: path, at: lineEnd,
                    message: "this row has \(fields) fields, the first row has \(columnCount)",
                    suggestion: "add the missing \(Self.name(d)) separators (empty values are fine), or check the delimiter with `delimiter \"…\"`")
    }

    /// A printable name for a delimiter byte.
    static func name(_ d: UInt8) -> String { d == 9 ? "tab" : "'\(Character(Unicode.Scalar(d)))'" }

    /// A load error pointing at byte `offset`: its line number, the line, and a caret span.
    func error(_ b: UnsafeBufferPointer<UInt8>, path: String, at offset: Int, message: String, suggestion: String?,
               column: (number: Int, name: String)? = nil, length: Int = 1) -> LoadError {
        let offset = min(offset, b.count)
        var line = 1
        var lineStart = 0
        for k in 0..<offset where b[k] == 10 {
            line += 1
            lineStart = k + 1
        }
        var lineEnd = lineStart
        while lineEnd < b.count, b[lineEnd] != 10, b[lineEnd] != 13 { lineEnd += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[lineStart..<lineEnd]), as: UTF8.self)
        let before = String(decoding: UnsafeBufferPointer(rebasing: b[lineStart..<max(lineStart, min(offset, lineEnd))]), as: UTF8.self).count
        let shown = String(text.prefix(240))
        let spanStart = min(before, shown.count)
        return LoadError(message: message, path: path, line: line, lineText: shown,
                         span: spanStart..<(spanStart + max(1, length)), column: column, suggestion: suggestion)
    }
}
