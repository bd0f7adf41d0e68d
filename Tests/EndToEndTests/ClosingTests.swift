import Foundation
import Testing

/// Issue "Archives and folders" (memory): one input is read with incidents closed while reading
/// (LogScan Pipeline/Closing.swift) once the event store holds `--close-after-runs` runs. For
/// input in event-time order that must give the report the whole-input analysis gives, down to
/// the byte. Each sample's files are merged into one stream ordered by the times their lines
/// carry (as `kubectl logs --prefix` of every controller gives them), then read with closing off
/// (`--close-after-runs 0`) and on at every line (`1`, each closed incident written to disk and
/// read back: `--closed-in-memory 0`), with the default window and with short ones that make many
/// incidents close.
@Suite struct ClosingTests {
    static let now = "--now=2026-11-30T00:00:00Z"

    /// The RFC 3339 time a line carries (JSON `ts`, kubectl `--timestamps`, CRI), if any.
    static func time(of line: Substring) -> Substring? {
        guard let r = line.range(of: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?"#, options: .regularExpression) else { return nil }
        return line[r]
    }

    /// The sample's log files as one stream in event-time order (a line without a time keeps its
    /// place after the line before it; ties keep file order).
    static func merged(_ sample: Sample) throws -> URL {
        var lines: [(time: Substring, file: Int, line: Int, text: Substring)] = []
        for (f, path) in sample.logs.enumerated() {
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : packageRoot.appendingPathComponent(path)
            let text = try String(contentsOf: url, encoding: .utf8)
            var last: Substring = ""
            for (i, l) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !l.isEmpty {
                last = time(of: l) ?? last
                lines.append((last, f, i, l))
            }
        }
        lines.sort { ($0.time, $0.file, $0.line) < ($1.time, $1.file, $1.line) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("closing-\(sample.name)-\(UUID().uuidString).log")
        try (lines.map(\.text).joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test(arguments: try Sample.all())
    func closingWhileReadingChangesNothing(sample: Sample) throws {
        let stream = try Self.merged(sample)
        defer { try? FileManager.default.removeItem(at: stream) }
        for window in ["15m", "1m", "10s"] { _ = try Self.sameWithAndWithoutClosing(stream, window: window) }
    }

    /// Reads `stream` with closing off and on at every line; expects the same exit status, stdout
    /// and stderr. Returns the whole-input run and the arguments shared by both.
    static func sameWithAndWithoutClosing(_ stream: URL, window: String) throws -> (whole: RunResult, args: [String]) {
        let args = ["--format", "json", now, "--window", window, stream.path]
        let whole = try run(args + ["--close-after-runs", "0"])
        // Every incident closed goes to disk (LogScan IncidentSpill) and comes back for the report.
        let closing = try run(args + ["--close-after-runs", "1", "--closed-in-memory", "0"])
        #expect(whole.status == closing.status, "window \(window)")
        #expect(whole.stdout == closing.stdout, "window \(window)")
        #expect(whole.stderr == closing.stderr, "window \(window)")
        return (whole, args)
    }

    /// The comparison above means something only if incidents really close early: with a 10 s
    /// window most samples' incidents end more than two windows before their last event.
    @Test func samplesCloseIncidentsWhileReading() throws {
        var closing = 0
        for sample in try Sample.all() {
            let stream = try Self.merged(sample)
            defer { try? FileManager.default.removeItem(at: stream) }
            if try Self.closedWhileReading(["--format", "json", Self.now, "--window", "10s", "--close-after-runs", "1", stream.path]) > 0 {
                closing += 1
            }
        }
        #expect(closing >= 25)
    }

    /// How many incidents a run closed while reading (`FLUX_LOGSCAN_DEBUG` prints the store's sizes).
    static func closedWhileReading(_ args: [String]) throws -> Int {
        try debugCount(args, "incidents closed while reading")
    }

    /// How many runs of incidents still open a run merged into others while reading.
    static func mergedWhileReading(_ args: [String]) throws -> Int {
        try debugCount(args, "runs merged while reading")
    }

    /// The number after `label` in the store's sizes that `FLUX_LOGSCAN_DEBUG` prints.
    static func debugCount(_ args: [String], _ label: String, environment: [String: String] = [:]) throws -> Int {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.environment = environment.merging(["FLUX_LOGSCAN_DEBUG": "1"]) { $1 }
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        return text.range(of: label + #" \d+"#, options: .regularExpression)
            .flatMap { Int(text[$0].split(separator: " ").last ?? "") } ?? 0
    }

    /// Six busy hours of every controller (`healthy-cluster`, with its rolling restart, refused
    /// downloads and transient waits) as one stream: more than ten incidents close while reading, and
    /// the report is the whole-input one.
    @Test func busyClusterClosesIncidentsAndChangesNothing() throws {
        let dir = try HealthyClusterTests.generate([])
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".log") }.sorted()
        #expect(files.count == 6)
        let stream = try Self.merged(Sample(name: "healthy-cluster", logs: files.map { dir.appendingPathComponent($0).path }))
        defer { try? FileManager.default.removeItem(at: stream) }
        for window in ["15m", "1m", "10s"] {
            let (whole, args) = try Self.sameWithAndWithoutClosing(stream, window: window)
            // (More than 20 before the refusals of one source-controller restart, whatever the
            // sources asked for, became one incident: `Correlator.artifactServerFailures`.)
            #expect(((try json(whole.stdout)["incidents"] as? [Any])?.count ?? 0) > 10)
            let closed = try Self.closedWhileReading(args + ["--close-after-runs", "1"])
            #expect(closed >= 10, "window \(window)")
        }
    }

    /// `scan` keeps the incidents it closes while reading on disk (LogScan IncidentSpill), not in
    /// memory, once more than `--closed-in-memory` of them closed (all of them then, the first too),
    /// and reads them back for the report:
    /// with 0 every closed incident goes to the file, and
    /// the report is the whole-input one in every format. When no temporary file can be made
    /// (`TMPDIR` names a folder that does not exist) they stay in memory, with the same report.
    @Test func closedIncidentsWaitOnDiskOrInMemoryWithTheSameReport() throws {
        let dir = try HealthyClusterTests.generate([])
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".log") }.sorted()
        let stream = try Self.merged(Sample(name: "healthy-cluster", logs: files.map { dir.appendingPathComponent($0).path }))
        defer { try? FileManager.default.removeItem(at: stream) }
        let input = try Data(contentsOf: stream)
        for format in ["json", "text", "ndjson"] {
            let args = ["--format", format, Self.now, "--window", "1m", "--color", "never", "-"]
            let whole = try run(args + ["--close-after-runs", "0"], stdin: input)
            let onDisk = try run(args + ["--close-after-runs", "1", "--closed-in-memory", "0"], stdin: input)
            let some = try run(args + ["--close-after-runs", "1", "--closed-in-memory", "5"], stdin: input)
            let inMemory = try run(args + ["--close-after-runs", "1", "--closed-in-memory", "0"], stdin: input,
                                   environment: ["TMPDIR": "/nonexistent-flux-logscan-tmp"])
            for other in [onDisk, some, inMemory] {
                #expect(other.status == whole.status, "\(format)")
                #expect(other.stdout == whole.stdout, "\(format)")
                #expect(other.stderr == whole.stderr, "\(format)")
            }
        }
        let args = ["--format", "json", Self.now, "--window", "1m", "--close-after-runs", "1", "--closed-in-memory", "0", stream.path]
        let closed = try Self.closedWhileReading(args)
        #expect(closed >= 10)
        #expect(try Self.debugCount(args, "of them on disk") == closed)
        // Past five in memory, all go to disk; with as many as closed, none; by default (2,000) none here.
        #expect(try Self.debugCount(args.dropLast(2) + ["5", stream.path], "of them on disk") == closed)
        #expect(try Self.debugCount(args.dropLast(2) + ["\(closed)", stream.path], "of them on disk") == 0)
        #expect(try Self.debugCount(args.dropLast(3) + [stream.path], "of them on disk") == 0)
        #expect(try Self.debugCount(args, "of them on disk", environment: ["TMPDIR": "/nonexistent-flux-logscan-tmp"]) == 0)
    }

    /// An outage that lasts: kustomize-controller's refused artifact fetch from the seed's
    /// NetworkPolicy case (samples/networkpolicy-9090, its first `connection refused` record),
    /// logged every 20 s for two hours. With a one-minute window the incident stays open until the
    /// input ends (it closes then, as everything does), and its 120 one-minute runs merge as they
    /// age: the report is still the whole-input one.
    @Test func lastingOutageMergesItsOldRuns() throws {
        let log = try String(contentsOf: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log"), encoding: .utf8)
        let record = try #require(log.split(separator: "\n").first { $0.contains("connect: connection refused") })
        let ts = try #require(Self.time(of: record))
        let start = try #require(ISO8601DateFormatter().date(from: "2026-11-24T02:41:12Z"))
        let format = ISO8601DateFormatter()
        var lines: [String] = []
        for i in 0..<360 {
            let t = format.string(from: start.addingTimeInterval(Double(i * 20))).replacingOccurrences(of: "Z", with: ".479Z")
            lines.append(record.replacingOccurrences(of: ts, with: t))
        }
        let stream = FileManager.default.temporaryDirectory.appendingPathComponent("lasting-\(UUID().uuidString).log")
        try (lines.joined(separator: "\n") + "\n").write(to: stream, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: stream) }
        let (whole, args) = try Self.sameWithAndWithoutClosing(stream, window: "1m")
        let incidents = try #require(try json(whole.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        #expect(try Self.closedWhileReading(args + ["--close-after-runs", "1"]) == 1)
        #expect(try Self.mergedWhileReading(args + ["--close-after-runs", "1"]) >= 100)
    }

    /// A tar bundle is one input of many files, each going back in time (six controllers' six
    /// hours, one after another): it is read whole, so closing cannot split what belongs together.
    @Test func tarBundleIsReadWhole() throws {
        let dir = try HealthyClusterTests.generate([])
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = dir.appendingPathComponent("bundle.tar")
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-cf", bundle.path, "-C", dir.path, "helm-controller.log", "kustomize-controller.log", "source-controller.log"]
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        let args = ["--format", "json", Self.now, "--window", "1m", bundle.path]
        let whole = try run(args + ["--close-after-runs", "0"])
        let closing = try run(args + ["--close-after-runs", "1"])
        #expect(whole.stdout == closing.stdout)
        #expect(!closing.stderr.contains("behind newer events"))
        #expect(((try json(whole.stdout)["incidents"] as? [Any])?.count ?? 0) > 5)
    }

    /// `cat a b c |`: one stream that goes back in time at each seam. Failures that arrive behind
    /// a close are counted in a warning; the scan ends normally. (It crashed: an arithmetic
    /// overflow when a close left no run to correlate, `LearnedUpstreams.add`.)
    @Test func streamGoingBackInTimeWarns() throws {
        let dir = try HealthyClusterTests.generate([])
        defer { try? FileManager.default.removeItem(at: dir) }
        var data = Data()
        for f in ["helm-controller.log", "kustomize-controller.log", "source-controller.log"] {
            data += try Data(contentsOf: dir.appendingPathComponent(f))
        }
        let r = try run(["--format", "json", Self.now, "--window", "1m", "--close-after-runs", "1", "-"], stdin: data)
        #expect(r.status == 0 || r.status == 1)
        #expect(r.stderr.contains("behind newer events"))
        #expect(((try json(r.stdout)["incidents"] as? [Any])?.count ?? 0) > 5)
    }

    /// Several inputs are never closed early (their times interleave; see Closing.swift), and the
    /// option does not change their report.
    @Test func severalInputsAreReadWhole() throws {
        let logs = ["samples/networkpolicy-9090/kustomize-controller.log", "samples/networkpolicy-9090/source-controller.log"]
        let whole = try run(["--format", "json", Self.now, "--window", "10s", "--close-after-runs", "0"] + logs)
        let closing = try run(["--format", "json", Self.now, "--window", "10s", "--close-after-runs", "1"] + logs)
        #expect(whole.stdout == closing.stdout)
    }
}
