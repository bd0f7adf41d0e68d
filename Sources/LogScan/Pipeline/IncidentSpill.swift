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
/// The file is an `UnlinkedFile` (under `$TMPDIR`, else `/tmp`): nothing is left behind
/// when the process ends, however it ends. Each incident is one JSON document (`Codable`,
/// Foundation's `JSONEncoder`: not the hot path, a few thousand incidents an hour of logs);
/// `offsets` (8 bytes per incident) is what stays in memory.
///
/// Not thread-safe: one scanner appends, then one thread reads.
public final class IncidentSpill: @unchecked Sendable {
    private let file: UnlinkedFile
    /// Where each incident's document starts (bytes); the next one's start (or `end`) ends it.
    private var offsets: [Int64] = []
    private var end: Int64 = 0
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()
    /// The file's path when it was created (unlinked since), for messages.
    public var path: String { file.path }

    /// Incidents written so far.
    public var count: Int { offsets.count }

    /// Creates the unlinked temporary file under `directory` (default: `$TMPDIR`, else `/tmp`).
    /// Nil when it cannot be created (read-only file system, no such folder): the caller keeps
    /// its incidents in memory then.
    public init?(directory: String? = nil) {
        guard let file = UnlinkedFile(prefix: "flux-logscan-incidents", directory: directory) else { return nil }
        self.file = file
    }

    /// Writes `incident` at the end of the file. Returns false, having written nothing that
    /// counts, when encoding or writing failed (a full disk): the caller keeps it in memory.
    public func append(_ incident: Incident) -> Bool {
        guard let data = try? encoder.encode(incident) else { return false }
        guard data.withUnsafeBytes({ file.write($0, at: end) }) else { return false }
        offsets.append(end)
        end += Int64(data.count)
        return true
    }

    /// The `index`-th incident written (0-based).
    /// - Throws: `IncidentSpill.ReadError` when the file cannot be read back or does not decode.
    public func incident(at index: Int) throws -> Incident {
        let start = offsets[index], stop = index + 1 < offsets.count ? offsets[index + 1] : end
        var data = Data(count: Int(stop - start))
        guard data.withUnsafeMutableBytes({ file.read(into: $0, at: start) }) else {
            throw ReadError(message: "cannot read incident \(index + 1) back from \(path): \(UnlinkedFile.lastError)")
        }
        do {
            return try decoder.decode(Incident.self, from: data)
        } catch {
            throw ReadError(message: "cannot decode incident \(index + 1) read back from \(path): \(error)")
        }
    }

    /// Reading a spilled incident back failed; `message` names the file and the incident.
    public struct ReadError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
