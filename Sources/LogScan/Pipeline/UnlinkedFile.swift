import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A temporary file created under `$TMPDIR` (else `/tmp`) and unlinked at once: what a scan moves
/// out of memory (`IncidentSpill`, `TimelineSpill`) is gone when the process ends, however it
/// ends. Reads and writes are positioned (`pread`/`pwrite`), so that readers on several threads
/// need no lock; closed when the last reference goes.
final class UnlinkedFile: @unchecked Sendable {
    let fd: Int32
    /// The file's path when it was created (unlinked since), for messages.
    let path: String

    /// Creates the file under `directory` (default: `$TMPDIR`, else `/tmp`), its name starting
    /// with `prefix`. Nil when it cannot be created (read-only file system, no such folder).
    init?(prefix: String, directory: String? = nil) {
        let dir = directory ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((dir.hasSuffix("/") ? dir : dir + "/").utf8CString.dropLast()) + Array((prefix + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        self.fd = fd
        // `mkstemp` wrote the name over the X's; the array ends in its NUL.
        self.path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        unlink(path)
    }

    deinit { close(fd) }

    /// Writes all of `bytes` at `offset` (bytes from the start). False on an error (a full disk).
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) -> Bool {
        let fd = self.fd
        return Self.whole(bytes.count) { pwrite(fd, bytes.baseAddress! + $0, bytes.count - $0, off_t(offset) + off_t($0)) }
    }

    /// Fills all of `bytes` from `offset`. False on an error or an early end of file.
    func read(into bytes: UnsafeMutableRawBufferPointer, at offset: Int64) -> Bool {
        let fd = self.fd
        return Self.whole(bytes.count) { pread(fd, bytes.baseAddress! + $0, bytes.count - $0, off_t(offset) + off_t($0)) }
    }

    /// The text of the last system error (`errno`), for messages.
    static var lastError: String { String(cString: strerror(errno)) }

    /// Runs `part` (a `pread` or `pwrite` of the bytes from the offset it is given to `count`)
    /// until all `count` bytes moved, again when a signal interrupted it. False on an error or
    /// an early end of file.
    private static func whole(_ count: Int, _ part: (Int) -> Int) -> Bool {
        var done = 0
        while done < count {
            let n = part(done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}
