import Foundation

/// Reads delimited text files (CSV, Danish semicolon CSV, TSV) into a typed `Table`.
///
/// The path of a file: bytes → encoding detected and converted to UTF-8 → delimiter sniffed
/// → `CSVScanner` finds field boundaries → each column is classified over all its values
/// (`FieldClass`) → parsed into its typed array. Every guess can be overridden by
/// `LoadOptions`. Either the whole file loads or an error names the line; nothing half-loads.
public enum CSVReader {
    /// Reads the file at `path`.
    public static func read(path: String, options: LoadOptions = LoadOptions()) throws -> (Table, LoadReport) {
        let started = Date()
        try checkMemory(path: path, limit: options.memoryLimit)
        // A regular file is mapped; a pipe (`<(…)`, /dev/stdin) or anything else that cannot be is read whole.
        let file = FileMapping(path: path)
        let data = file == nil ? FileHandle(forReadingAtPath: path).flatMap { handle in
            defer { try? handle.close() }
            return try? handle.readToEnd() ?? Data()
        } : nil
        guard file != nil || data != nil else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw LoadError(message: exists ? (isDirectory.boolValue ? "is a folder, not a file" : "cannot be read (permissions?)") : "no such file",
                            path: path, suggestion: exists ? nil : "check the path and the folder klynge was started in")
        }
        guard (file?.bytes.count ?? data?.count ?? 0) < Int(UInt32.max) else {
            throw LoadError(message: "files over 4 GB are not supported yet", path: path)
        }
        var (table, report) = try file.map { try read(bytes: $0.bytes, path: path, options: options, mapping: $0) }
            ?? data!.withUnsafeBytes { try read(bytes: $0.bindMemory(to: UInt8.self), path: path, options: options, mapping: nil) }
        report.seconds = Date().timeIntervalSince(started)
        table.rowCount = table.columns.first?.count ?? 0
        return (table, report)
    }

    /// Reads CSV from bytes; `path` is used in messages.
    public static func read(bytes raw: UnsafeBufferPointer<UInt8>, path: String, options: LoadOptions = LoadOptions()) throws -> (Table, LoadReport) {
        try read(bytes: raw, path: path, options: options, mapping: nil)
    }

    /// Reads CSV from bytes that may be a file's mapping (whose pages are then given back as they are read).
    static func read(bytes raw: UnsafeBufferPointer<UInt8>, path: String, options: LoadOptions, mapping: FileMapping?) throws -> (Table, LoadReport) {
        // A large mapped file without a byte order mark is surveyed once for its encoding, lines and quotes (`FileSurvey`).
        let bom = raw.count >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF
        let utf16 = raw.count >= 2 && raw[0] == 0xFF && raw[1] == 0xFE
        let survey = options.encoding == nil && !bom && !utf16 && raw.count > 16 << 20 ? mapping.map { FileSurvey(raw, release: $0.releaser(for: raw)) } : nil
        let encoding = options.encoding ?? survey.map { $0.validUTF8 ? .utf8 : .windows1252 } ?? TextEncoding.detect(raw, release: mapping?.releaser(for: raw))
        if encoding == .utf8 || encoding == .utf8BOM {
            // UTF-8 is read where it lies, after any byte order mark.
            let b: UnsafeBufferPointer<UInt8> = bom ? UnsafeBufferPointer(rebasing: raw[3...]) : raw
            return try read(utf8: b, path: path, options: options, encoding: encoding, release: mapping?.releaser(for: b) ?? FileMapping.keep,
                            survey: bom ? nil : survey)
        }
        let converted = encoding.utf8Bytes(raw)
        return try converted.withUnsafeBufferPointer { b in
            try read(utf8: b, path: path, options: options, encoding: encoding, release: FileMapping.keep)
        }
    }

    /// Reads UTF-8 bytes without a byte order mark: in ranges side by side (`CSVRangeReader`), or,
    /// when the file has something irregular to report, field by field (`CSVScanner`, `ColumnParser`).
    private static func read(utf8 b: UnsafeBufferPointer<UInt8>, path: String, options: LoadOptions, encoding: TextEncoding,
                             release: @escaping @Sendable (Range<Int>) -> Void, survey: FileSurvey? = nil) throws -> (Table, LoadReport) {
        let delimiter = options.delimiter ?? sniffDelimiter(b)
        if let fast = try CSVRangeReader(b: b, delimiter: delimiter, options: options, path: path, release: release, survey: survey).read() {
            let report = LoadReport(path: path, encoding: encoding, delimiter: delimiter,
                                    decimalSeparator: fast.layout.decimalSeparator, header: fast.layout.header,
                                    dateFormats: fast.layout.dateFormats, crlf: fast.crlf,
                                    rows: fast.table.rowCount, columns: fast.table.columns.count, seconds: 0)
            return (fast.table, report)
        }
        // Scanning is about half the work, parsing the columns the other half.
        let scanner = try CSVScanner.scan(b, delimiter: delimiter, path: path, progress: options.progress.map { report in { @Sendable in report($0 / 2, $1) } },
                                          maxField: options.maxFieldBytes, maxLine: options.maxLineBytes)
        var builder = ColumnParser(bytes: b, scanner: scanner, options: options, path: path)
        let table = try builder.build()
        let report = LoadReport(path: path, encoding: encoding, delimiter: delimiter,
                                decimalSeparator: builder.decimalSeparatorUsed, header: builder.header,
                                dateFormats: builder.dateFormatsUsed, crlf: scanner.crlf,
                                rows: table.rowCount, columns: table.columns.count, seconds: 0)
        return (table, report)
    }

    /// Picks the delimiter among `,` `;` tab `|` that splits the first lines most consistently.
    static func sniffDelimiter(_ b: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let candidates: [UInt8] = [59, 44, 9, 124] // ; , tab |
        var counts: [[Int]] = candidates.map { _ in [] }
        var current = [Int](repeating: 0, count: candidates.count)
        var inQuotes = false
        var i = 0
        let limit = min(b.count, 1 << 16)
        while i < limit, counts[0].count < 30 {
            let c = b[i]
            if c == 34 { inQuotes.toggle() }
            else if !inQuotes, c == 10 {
                for k in candidates.indices { counts[k].append(current[k]); current[k] = 0 }
            } else if !inQuotes, let k = candidates.firstIndex(of: c) {
                current[k] += 1
            }
            i += 1
        }
        if i == b.count, current.contains(where: { $0 > 0 }) {
            for k in candidates.indices { counts[k].append(current[k]) }
        }
        var best: (score: Int, delimiter: UInt8)? = nil
        for (k, d) in candidates.enumerated() {
            let lines = counts[k]
            guard let first = lines.first, first > 0 else { continue }
            let consistent = lines.allSatisfy { $0 == first }
            let score = consistent ? first * 1000 : lines.filter { $0 == first }.count
            if best == nil || score > best!.score { best = (score, d) }
        }
        return best?.delimiter ?? 44
    }
}

extension CSVReader {
    /// How many bytes of memory a load takes per byte of file, at most: the typed columns, the text
    /// dictionaries while loading and the file's pages not yet given back. Measured
    /// with the range reader (release build, `/usr/bin/time -v klynge -c 'load billing "billing.csv"'`,
    /// maximum resident set less an empty run's): the generator's 1M-row billing.csv (42.6 MB) about
    /// 4 times, the 10M-row one (426 MB) 1.6 times; a file read field by field (one with an error to
    /// word) holds its field offsets too, about 4.5 times, so 5 keeps a margin.
    static let memoryPerFileByte: UInt64 = 5

    /// Refuses, before reading a byte, a file whose load would need more memory than there is.
    static func checkMemory(path: String, limit: UInt64?) throws {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber else { return }
        let needed = size.uint64Value * memoryPerFileByte
        let available = limit ?? availableMemory()
        guard let available, needed > available else { return }
        func gb(_ bytes: UInt64) -> String { String(format: bytes >= 1_000_000_000 ? "%.1f GB" : "%.0f MB", Double(bytes) / (bytes >= 1_000_000_000 ? 1e9 : 1e6)) }
        throw LoadError(message: "is \(gb(size.uint64Value)); loading it would need about \(gb(needed)) of memory, and \(gb(available)) \(limit == nil ? "are free" : "are allowed (set max_memory)")",
                        path: path, suggestion: "load a part of it (split the file, or export fewer years or columns), or run klynge where there is more memory")
    }

    /// The memory the system can give without swapping (MemAvailable in /proc/meminfo), when it says.
    static func availableMemory() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let kb = line.split(separator: " ").compactMap { UInt64($0) }.first
            return kb.map { $0 * 1024 }
        }
        return nil
    }
}
