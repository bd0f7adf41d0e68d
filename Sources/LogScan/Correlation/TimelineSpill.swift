import Foundation

/// Frozen blocks of timeline entries (`Timeline.Entries`) moved to disk while `scan` reads: the
/// healthy and lifecycle timelines are kept for the whole input (the diagnosis at the end reads
/// them), and they were what made a long stream's memory grow, about 1.8 MiB a GiB of the
/// benchmark corpus (10 GiB through stdin: 63.5 MiB, the issue "Throughput" allows 64). With
/// them here, a timeline keeps in memory less than `segmentBytes` of frozen blocks, its newest
/// entries and 24 bytes per segment written.
///
/// The file is an `UnlinkedFile`, created at the first write (a scan of a small input never
/// makes one). When it cannot be created or written (a read-only or full `$TMPDIR`), entries stay
/// in memory, as before; when a segment cannot be read back, its entries are missing from what
/// the reader sees and `readFailures` counts it (the report warns). `follow` does not use one:
/// it drops old entries instead (`EventStore.pruneEntries`), and a sidecar's file would grow
/// for as long as it runs.
///
/// Thread-safe: appends take a lock (the workers of a scan of several files share one), reads
/// are positioned and need none.
public final class TimelineSpill: @unchecked Sendable {
    private let lock = NSLock()
    private let directory: String?
    private(set) var file: UnlinkedFile?
    /// True once creating or writing the file failed: nothing more is tried.
    private var unavailable = false
    private var end: Int64 = 0
    private var failures = 0
    private var written = 0

    /// Bytes of frozen blocks a timeline holds before they come here as one segment (a segment
    /// is read back whole: 1 KiB is about 145 healthy entries).
    public let segmentBytes: Int

    /// A spill whose file will be made under `directory` (default: `$TMPDIR`, else `/tmp`);
    /// `segmentBytes` as above (tests make it small to spill short timelines).
    public init(directory: String? = nil, segmentBytes: Int = 1024) {
        self.directory = directory
        self.segmentBytes = max(1, segmentBytes)
    }

    /// Segments that could not be read back (their entries were left out of what was read).
    public var readFailures: Int { lock.withLock { failures } }
    /// Bytes written so far.
    public var bytesWritten: Int { lock.withLock { written } }
    /// The file's path (unlinked), nil before the first write.
    public var path: String? { lock.withLock { file?.path } }

    /// Writes `bytes` at the end of the file; its offset, nil when nothing could be written (the
    /// caller keeps the bytes in memory).
    func append(_ bytes: [UInt8]) -> Int64? {
        lock.withLock {
            guard !unavailable else { return nil }
            if file == nil { file = UnlinkedFile(prefix: "flux-logscan-timelines", directory: directory) }
            guard let file, bytes.withUnsafeBytes({ file.write($0, at: end) }) else {
                unavailable = true
                return nil
            }
            let at = end
            end += Int64(bytes.count)
            written += bytes.count
            return at
        }
    }

    /// The `count` bytes written at `offset`; nil (counted in `readFailures`) when they cannot be
    /// read back.
    func read(at offset: Int64, count: Int) -> [UInt8]? {
        guard let file = lock.withLock({ self.file }) else { return nil }
        var out = [UInt8](repeating: 0, count: count)
        if out.withUnsafeMutableBytes({ file.read(into: $0, at: offset) }) { return out }
        lock.withLock { failures += 1 }
        return nil
    }
}
