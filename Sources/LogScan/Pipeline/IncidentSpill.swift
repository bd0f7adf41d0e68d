import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Incidents closed while reading one long stream (Pipeline/Closing.swift), kept on disk until the
/// input ends instead of in memory: `scan` of a day of logs through stdin closes thousands, a few
/// KiB each, and its report needs them only at the end, one batch at a time (`IncidentStream`).
/// With them on disk, `scan`'s memory follows what is still open, as `follow`'s does (issue
/// "Throughput": "peak RSS under 64 MiB ... for 10 GiB streamed through stdin").
///
/// The file is created under `$TMPDIR` (else `/tmp`) and unlinked at once: nothing is left behind
/// when the process ends, however it ends. Each incident is one JSON document (`Codable`,
/// Foundation's `JSONEncoder`: not the hot path, a few thousand incidents an hour of logs);
/// `offsets` (8 bytes per incident) is what stays in memory.
///
/// Not thread-safe: one scanner appends, then one thread reads.
public final class IncidentSpill: @unchecked Sendable {
    private let fd: Int32
    /// Where each incident's document starts (bytes); the next one's start (or `end`) ends it.
    private var offsets: [Int64] = []
    private var end: Int64 = 0
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()
    /// The file's path when it was created (unlinked since), for messages.
    public let path: String

    /// Incidents written so far.
    public var count: Int { offsets.count }

    /// Creates the unlinked temporary file under `directory` (default: `$TMPDIR`, else `/tmp`).
    /// Nil when it cannot be created (read-only file system, no such folder): the caller keeps
    /// its incidents in memory then.
    public init?(directory: String? = nil) {
        let dir = directory ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((dir.hasSuffix("/") ? dir : dir + "/").utf8CString.dropLast()) + Array("flux-logscan-incidents.XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        self.fd = fd
        // `mkstemp` wrote the name over the X's; the array ends in its NUL.
        self.path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        unlink(path)
    }

    deinit { close(fd) }

    /// Writes `incident` at the end of the file. Returns false, having written nothing that
    /// counts, when encoding or writing failed (a full disk): the caller keeps it in memory.
    public func append(_ incident: Incident) -> Bool {
        guard let data = try? encoder.encode(incident) else { return false }
        let (fd, at) = (self.fd, end)
        let written = data.withUnsafeBytes { raw in
            Self.whole(raw.count) { pwrite(fd, raw.baseAddress! + $0, raw.count - $0, off_t(at) + off_t($0)) }
        }
        guard written else { return false }
        offsets.append(end)
        end += Int64(data.count)
        return true
    }

    /// The `index`-th incident written (0-based).
    /// - Throws: `IncidentSpill.ReadError` when the file cannot be read back or does not decode.
    public func incident(at index: Int) throws -> Incident {
        let start = offsets[index], stop = index + 1 < offsets.count ? offsets[index + 1] : end
        var data = Data(count: Int(stop - start))
        let fd = self.fd
        let ok = data.withUnsafeMutableBytes { raw in
            Self.whole(raw.count) { pread(fd, raw.baseAddress! + $0, raw.count - $0, off_t(start) + off_t($0)) }
        }
        guard ok else { throw ReadError(message: "cannot read incident \(index + 1) back from \(path): \(String(cString: strerror(errno)))") }
        do {
            return try decoder.decode(Incident.self, from: data)
        } catch {
            throw ReadError(message: "cannot decode incident \(index + 1) read back from \(path): \(error)")
        }
    }

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

    /// Reading a spilled incident back failed; `message` names the file and the incident.
    public struct ReadError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
