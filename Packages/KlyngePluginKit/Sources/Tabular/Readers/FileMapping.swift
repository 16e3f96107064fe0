import Foundation

/// A file mapped read-only into memory, so a load reads it without a copy and can give the pages it
/// has finished with back to the system (`release`), which keeps a large load's peak memory near
/// the size of its columns rather than the file's plus the columns'.
///
/// Why not `FileManager.contents(atPath:)`: that copies the whole file into the process (426 MB for
/// the generator's 10M-row billing.csv) and the reader used to copy it once more; both counted in
/// the load's peak resident memory (1.8 GB, issue 13).
final class FileMapping: @unchecked Sendable {
    /// The file's bytes.
    let bytes: UnsafeBufferPointer<UInt8>
    private let base: UnsafeMutableRawPointer?
    private let length: Int
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps the file at `path`, or returns nil when it is not a regular file or cannot be opened or
    /// mapped (the caller reads it another way). A pipe is not even opened, so its writer is kept.
    init?(path: String) {
        var before = stat()
        guard stat(path, &before) == 0, before.st_mode & S_IFMT == S_IFREG else { return nil }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        length = Int(info.st_size)
        if length == 0 {
            base = nil
            bytes = UnsafeBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { return nil }
        base = p
        bytes = UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: length)
    }

    deinit {
        if let base { munmap(base, length) }
    }

    /// Gives back the whole pages inside `range` (offsets into `bytes`): they leave the process's
    /// resident memory and, if read again, come back from the file (the system's page cache).
    func release(_ range: Range<Int>) {
        guard let base, !range.isEmpty else { return }
        let page = Self.pageSize
        let lo = (range.lowerBound + page - 1) / page * page
        let hi = range.upperBound / page * page
        if hi > lo { madvise(base + lo, hi - lo, MADV_DONTNEED) }
    }

    /// The release function of bytes that are not a file mapping: it keeps them.
    static let keep: @Sendable (Range<Int>) -> Void = { _ in }

    /// A release function for a buffer that may lie inside this mapping (its offsets are the buffer's).
    func releaser(for buffer: UnsafeBufferPointer<UInt8>) -> @Sendable (Range<Int>) -> Void {
        guard let base, let start = buffer.baseAddress else { return Self.keep }
        let shift = UnsafeRawPointer(start) - UnsafeRawPointer(base)
        guard shift >= 0, shift + buffer.count <= length else { return Self.keep }
        return { [self] r in release((r.lowerBound + shift)..<(r.upperBound + shift)) }
    }
}
