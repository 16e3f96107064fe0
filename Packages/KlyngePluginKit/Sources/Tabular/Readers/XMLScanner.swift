import Foundation

/// A small XML reader for the parts of an Excel workbook: elements (by local name, any prefix
/// dropped), attributes (by their full name, e.g. `r:id`), text with the five entities and numeric character references, CDATA;
/// comments, processing instructions and a DOCTYPE are skipped. Input that is not well-formed
/// stops with a `Problem` that says where — never a crash, never a hang (one pass, no recursion).
///
/// Written because FoundationXML's `XMLParser` crashes the process on Linux on some damaged
/// workbooks (found by fuzzing, see Fuzz/; the input is kept in Tests/TabularTests/Fixtures as
/// damaged-shared-strings.xlsx) — a measured need, not a preference.
struct XMLScanner {
    /// Why the XML cannot be read, and the byte offset where that became clear.
    struct Problem: Error, CustomStringConvertible {
        var message: String
        var offset: Int
        var description: String { "\(message) (at byte \(offset))" }
    }

    /// What the scanner reports, in document order.
    enum Event {
        /// An element opens, with its attributes (names without prefix).
        case start(String, [String: String])
        /// An element closes (also right after a self-closing start).
        case end(String)
        /// Text between tags, entities decoded.
        case text(String)
    }

    /// Reads the document, handing each event to `handle`.
    static func scan(_ data: Data, _ handle: (Event) -> Void) throws(Problem) {
        let bytes = [UInt8](data)
        var i = 0
        var open: [String] = []
        let n = bytes.count
        func fail(_ message: String) -> Problem { Problem(message: message, offset: i) }
        func skip(past terminator: [UInt8]) throws(Problem) {
            while i + terminator.count <= n {
                if bytes[i] == terminator[0], Array(bytes[i..<(i + terminator.count)]) == terminator { i += terminator.count; return }
                i += 1
            }
            throw fail("'\(String(decoding: terminator, as: UTF8.self))' is missing")
        }
        func starts(_ prefix: String) -> Bool {
            let p = Array(prefix.utf8)
            return i + p.count <= n && Array(bytes[i..<(i + p.count)]) == p
        }
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }
        func name(local: Bool = true) throws(Problem) -> String {
            let start = i
            while i < n, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/"),
                  bytes[i] != UInt8(ascii: "="), bytes[i] != UInt8(ascii: "<") { i += 1 }
            guard i > start else { throw fail("a name is missing") }
            let full = String(decoding: bytes[start..<i], as: UTF8.self)
            guard local else { return full }
            return full.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? full
        }
        func decoded(_ start: Int, _ end: Int) throws(Problem) -> String {
            guard bytes[start..<end].contains(UInt8(ascii: "&")) else { return String(decoding: bytes[start..<end], as: UTF8.self) }
            var out: [UInt8] = []
            var k = start
            while k < end {
                guard bytes[k] == UInt8(ascii: "&") else { out.append(bytes[k]); k += 1; continue }
                guard let semicolon = bytes[k..<end].firstIndex(of: UInt8(ascii: ";")), semicolon - k <= 12 else {
                    throw Problem(message: "an '&' does not start an entity", offset: k)
                }
                let entity = String(decoding: bytes[(k + 1)..<semicolon], as: UTF8.self)
                let scalar: Unicode.Scalar?
                switch entity {
                case "amp": scalar = "&"
                case "lt": scalar = "<"
                case "gt": scalar = ">"
                case "quot": scalar = "\""
                case "apos": scalar = "'"
                default:
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X") { scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
                    else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init) }
                    else { scalar = nil }
                }
                guard let scalar else { throw Problem(message: "unknown entity '&\(entity);'", offset: k) }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                k = semicolon + 1
            }
            return String(decoding: out, as: UTF8.self)
        }

        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else {
                let start = i
                while i < n, bytes[i] != UInt8(ascii: "<") { i += 1 }
                if !open.isEmpty { handle(.text(try decoded(start, i))) }
                continue
            }
            if starts("<?") { try skip(past: Array("?>".utf8)); continue }
            if starts("<!--") { try skip(past: Array("-->".utf8)); continue }
            if starts("<![CDATA[") {
                i += 9
                let start = i
                try skip(past: Array("]]>".utf8))
                handle(.text(String(decoding: bytes[start..<(i - 3)], as: UTF8.self)))
                continue
            }
            if starts("<!") {
                // A DOCTYPE, with an internal subset in brackets or without.
                var depth = 0
                while i < n {
                    if bytes[i] == UInt8(ascii: "[") { depth += 1 }
                    if bytes[i] == UInt8(ascii: "]") { depth -= 1 }
                    if bytes[i] == UInt8(ascii: ">"), depth <= 0 { break }
                    i += 1
                }
                guard i < n else { throw fail("a '<!' declaration is never closed") }
                i += 1
                continue
            }
            if starts("</") {
                i += 2
                let element = try name()
                while i < n, isSpace(bytes[i]) { i += 1 }
                guard i < n, bytes[i] == UInt8(ascii: ">") else { throw fail("the end tag </\(element) is not closed with '>'") }
                i += 1
                guard let last = open.popLast(), last == element else { throw fail("</\(element)> does not close the element that is open") }
                handle(.end(element))
                continue
            }
            i += 1
            let element = try name()
            var attributes: [String: String] = [:]
            while true {
                while i < n, isSpace(bytes[i]) { i += 1 }
                guard i < n else { throw fail("the tag <\(element) is never closed") }
                if bytes[i] == UInt8(ascii: ">") { i += 1; open.append(element); handle(.start(element, attributes)); break }
                if bytes[i] == UInt8(ascii: "/") {
                    guard i + 1 < n, bytes[i + 1] == UInt8(ascii: ">") else { throw fail("'/' in the tag <\(element) is not followed by '>'") }
                    i += 2
                    handle(.start(element, attributes))
                    handle(.end(element))
                    break
                }
                let attribute = try name(local: false)
                while i < n, isSpace(bytes[i]) { i += 1 }
                guard i < n, bytes[i] == UInt8(ascii: "=") else { throw fail("the attribute \(attribute) has no '='") }
                i += 1
                while i < n, isSpace(bytes[i]) { i += 1 }
                guard i < n, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else { throw fail("the value of \(attribute) is not quoted") }
                let quote = bytes[i]
                i += 1
                let start = i
                while i < n, bytes[i] != quote { i += 1 }
                guard i < n else { throw fail("the value of \(attribute) is never closed") }
                attributes[attribute] = try decoded(start, i)
                i += 1
            }
        }
        if let last = open.last { throw Problem(message: "the element <\(last)> is never closed", offset: n) }
    }
}
