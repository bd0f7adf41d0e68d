import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `flux-logscan follow` (CONTRACT.md: "sidecar: follow files/folders, survive rotation, emit as
/// windows close"; ndjson: "a higher seq replaces the earlier record with the same id").
@Suite struct FollowTests {
    /// The last record of each incident id in an ndjson stream, without `type` and `seq`.
    static func finalState(_ out: Data) throws -> [String: NSDictionary] {
        var state: [String: NSDictionary] = [:]
        var lastSeq = 0
        for line in String(decoding: out, as: UTF8.self).split(separator: "\n") {
            var r = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard r["type"] as? String == "incident" else { continue }
            let seq = try #require(r["seq"] as? Int)
            #expect(seq == lastSeq + 1, "seq counts up by one")
            lastSeq = seq
            r["type"] = nil
            r["seq"] = nil
            state[try #require(r["id"] as? String)] = r as NSDictionary
        }
        return state
    }

    /// The incidents of `scan --format json`, by id.
    static func scanned(_ args: [String], stdin: Data? = nil) throws -> [String: NSDictionary] {
        let r = try run(args + ["--format", "json"], stdin: stdin)
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: try incidents.map { (try #require($0["id"] as? String), $0 as NSDictionary) })
    }

    /// Followed to its end, each sample's logs leave, per incident id, exactly the incident that
    /// `scan` reports for the same files (the samples' reports are checked in SampleTests).
    @Test(arguments: try Sample.all())
    func followEndsWithWhatScanReports(sample: Sample) throws {
        let r = try run(["follow", "--until-caught-up"] + sample.logs)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.text.split(separator: "\n")
        #expect(lines.last?.hasPrefix("{\"type\":\"stats\"") == true)
        #expect(try Self.finalState(r.stdout) == Self.scanned(sample.logs))
    }

    /// A followed file's modification time bounds klog's year as in `scan` (CONTRACT.md: "from
    /// neighbouring records, the file's time, else --now"): a file of client-go's lease errors
    /// (leaderelection.go) last written 2022-01-03 holds 2021-12-31 and 2022-01-01; `follow` read
    /// them as 2025 and 2026 (a trial).
    @Test func aFollowedFilesTimeGivesKlogItsYear() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("kustomize-controller.log")
        try """
        E1231 23:59:55.000000       1 leaderelection.go:325] error retrieving resource lock flux-system/kustomize-controller-leader-election: Get "https://10.96.0.1:443/apis/coordination.k8s.io/v1/namespaces/flux-system/leases/kustomize-controller-leader-election": context deadline exceeded
        E0101 00:00:05.000000       1 leaderelection.go:325] error retrieving resource lock flux-system/kustomize-controller-leader-election: Get "https://10.96.0.1:443/apis/coordination.k8s.io/v1/namespaces/flux-system/leases/kustomize-controller-leader-election": context deadline exceeded

        """.write(to: log, atomically: true, encoding: .utf8)
        var times = [timespec(tv_sec: 1_641_168_000, tv_nsec: 0), timespec(tv_sec: 1_641_168_000, tv_nsec: 0)]  // 2022-01-03T00:00:00Z
        #expect(utimensat(AT_FDCWD, log.path, &times, 0) == 0)
        let r = try run(["follow", "--until-caught-up", log.path])
        #expect(r.status == 0, "\(r.stderr)")
        let state = try Self.finalState(r.stdout)
        #expect(!state.isEmpty)
        #expect(state.values.map { $0["first_seen"] as? String } == state.values.map { _ in "2021-12-31T23:59:55.000Z" }, "\(state)")
        #expect(state == (try Self.scanned([log.path])))
    }

    /// oom-killed-source-controller, followed as text: the incident is first written when its
    /// window closes, before source-controller's restart (`starting manager` at 10:08:00 in
    /// source-controller.log) is read, as a transient info one; written again once the restart
    /// makes it an outage, the update says what changed. It said "now resolved", though it was
    /// resolved already.
    @Test func anUpdateSaysWhatChanged() throws {
        let logs = ["samples/oom-killed-source-controller/kustomize-controller.log", "samples/oom-killed-source-controller/source-controller.log"]
        let r = try run(["follow", "--until-caught-up", "--format", "text", "--color", "never"] + logs)
        #expect(r.status == 0, "\(r.stderr)")
        let headers = r.text.split(separator: "\n").filter { $0.hasPrefix("[") || $0.hasPrefix("update of") }
        #expect(headers.count == 3)
        #expect(headers.first?.hasPrefix("[1] INFO resolved transient  Artifact download refused for GitRepository/flux-system/flux-system") == true)
        #expect(headers.dropFirst().first == "update of [1] (the same incident, error, was info; no longer transient):")
        #expect(headers.last?.hasPrefix("[2] ERROR resolved  Artifact download refused") == true)
    }

    /// `kubectl logs -f ... | flux-logscan follow -`: standard input, to its end.
    @Test func stdinIsFollowedToItsEnd() throws {
        let logs = ["samples/networkpolicy-9090/kustomize-controller.log"]
        let data = try Data(contentsOf: packageRoot.appendingPathComponent(logs[0]))
        let r = try run(["follow", "-"], stdin: data)
        #expect(r.status == 0, "\(r.stderr)")
        let state = try Self.finalState(r.stdout)
        #expect(state == (try Self.scanned(["-"], stdin: data)))
        #expect(state.count == 1)
    }

    /// A live file: an incident is written while `follow` still runs (its window closed on the
    /// wall clock, no later record needed), lines appended after a rotation (rename, new file) are
    /// read, SIGTERM flushes and exits 0, and `--state` keeps where each file was left, so that a
    /// second run reads only what was appended since.
    @Test func liveFileRotationSignalAndState() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = try String(contentsOf: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log"), encoding: .utf8)
        let lines = sample.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0 + "\n" }
        let half = lines.count / 2
        let log = dir.appendingPathComponent("kustomize-controller.log")
        try lines[..<half].joined().write(to: log, atomically: false, encoding: .utf8)
        let state = dir.appendingPathComponent("state.json").path

        // Records come in; the reader waits at the end; event time goes on with the wall clock and
        // the incident closes: its record arrives while the process runs.
        let live = try Live(["--window", "1s", "--state", state, log.path])
        #expect(live.read { live.incidents >= 1 })
        #expect(live.process.isRunning)

        // Rotation: the file is renamed away and a new one takes its path.
        try FileManager.default.moveItem(at: log, to: dir.appendingPathComponent("kustomize-controller.log.1"))
        try lines[half...].joined().write(to: log, atomically: false, encoding: .utf8)
        usleep(1_500_000)
        #expect(live.stop().status == 0)
        let last = try #require(String(decoding: live.received, as: UTF8.self).split(separator: "\n").last)
        let stats = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        #expect(stats["type"] as? String == "stats")
        #expect(stats["lines"] as? Int == lines.count, "both halves, once each")
        // Lines are numbered as each file holds them: after the rotation the new file's lines are
        // 1 to \(lines.count - half), not \(half + 1) onwards (a trial found lines no file has).
        let exampleLines = Self.exampleLines(live.received)
        #expect(!exampleLines.isEmpty)
        #expect(exampleLines.allSatisfy { $0 >= 1 && $0 <= max(half, lines.count - half) }, "\(exampleLines)")

        // The state holds the new file, read to its end.
        let saved = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state))) as? [String: Any])
        let files = try #require(saved["files"] as? [[String: Any]])
        let size = try FileManager.default.attributesOfItem(atPath: log.path)[.size] as? Int
        #expect(files.count == 1)
        #expect(files.first?["offset"] as? Int == size)
        #expect(saved["seq"] as? Int ?? 0 >= 1)

        // A second run goes on from the state: only what was appended is read.
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines[0].utf8))
        try handle.close()
        let again = try run(["follow", "--until-caught-up", "--state", state, log.path])
        #expect(again.status == 0, "\(again.stderr)")
        let lastLine = try #require(again.text.split(separator: "\n").last)
        let stats2 = try #require(try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any])
        #expect(stats2["lines"] as? Int == 1)
        // The appended line is the file's line \(lines.count - half + 1); a resumed run numbered it 1.
        #expect(Self.exampleLines(again.stdout) == [lines.count - half + 1])
    }

    /// The `line` of every signal's example in the ndjson incident lines of `output`.
    static func exampleLines(_ output: Data) -> [Int] {
        String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["type"] as? String == "incident" }.flatMap { ($0["signals"] as? [[String: Any]]) ?? [] }
            .compactMap { ($0["example"] as? [String: Any])?["line"] as? Int }
    }

    /// A closed incident written as `open` is written again, `resolved`, once its objects report
    /// healthy: samples/artifact-missing's Kustomizations fail until 02:52:05.994 and apply again
    /// after it. The log is followed up to that time; the incidents close on the wall clock
    /// (`--window 1s`) and are written open; the rest is appended and each is written resolved,
    /// as `scan --window 1s` reports them over the whole log, with the same recovery.
    @Test func closedIncidentTurnsResolvedWhenItsObjectsReportHealthy() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = packageRoot.appendingPathComponent("samples/artifact-missing")
        let lines = try String(contentsOf: sample.appendingPathComponent("kustomize-controller.log"), encoding: .utf8)
            .split(separator: "\n").map { $0 + "\n" }
        let cut = try #require(lines.firstIndex { $0.contains("\"ts\":\"2026-11-24T02:52:10") })
        let log = dir.appendingPathComponent("kustomize-controller.log")
        try lines[..<cut].joined().write(to: log, atomically: false, encoding: .utf8)
        let source = dir.appendingPathComponent("source-controller.log")
        try FileManager.default.copyItem(at: sample.appendingPathComponent("source-controller.log"), to: source)

        let live = try Live(["--window", "1s", log.path, source.path])
        func records() -> [[String: Any]] { live.incidentRecords }
        _ = live.read { records().count >= 12 }
        let open = records()
        #expect(open.count >= 12)
        #expect(open.allSatisfy { $0["status"] as? String == "open" })

        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines[cut...].joined().utf8))
        try handle.close()
        let openIDs = Set(open.compactMap { $0["id"] as? String })
        _ = live.read { Set(records().filter { $0["status"] as? String == "resolved" }.compactMap { $0["id"] as? String }).isSuperset(of: openIDs) }
        #expect(live.stop().status == 0)

        var status: [String: String] = [:]
        for r in records() { status[r["id"] as! String] = r["status"] as? String }
        for id in openIDs { #expect(status[id] == "resolved", "\(id)") }
        let scan = try run(["--window", "1s", "--format", "json", log.path, source.path])
        let scanned = try #require(try json(scan.stdout)["incidents"] as? [[String: Any]])
        #expect(status == Dictionary(uniqueKeysWithValues: scanned.map { ($0["id"] as! String, $0["status"] as! String) }))
        // Written again as resolved, each says when it recovered, as `scan` does.
        var recovery: [String: NSDictionary] = [:]
        for r in records() where r["status"] as? String == "resolved" { recovery[r["id"] as! String] = r["recovery"] as? NSDictionary }
        for i in scanned where openIDs.contains(i["id"] as! String) {
            let expected = try #require(i["recovery"] as? NSDictionary)
            #expect(recovery[i["id"] as! String] == expected, "\(i["id"]!)")
        }
    }

    /// A failure that comes back names the incident before it (`earlier`) also when that one
    /// closed and left `follow`'s analyses: samples/git-auth-failed (04:00:13–04:10:13), then
    /// the same lines an hour later, appended once the first incident was written.
    @Test func aFailureThatComesBackNamesTheOneThatLeft() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = try String(contentsOf: packageRoot.appendingPathComponent("samples/git-auth-failed/source-controller.log"), encoding: .utf8)
        let log = dir.appendingPathComponent("source-controller.log")
        try sample.write(to: log, atomically: false, encoding: .utf8)
        let live = try Live([log.path])
        func records() -> [[String: Any]] { live.incidentRecords }
        #expect(live.read { !records().isEmpty })
        let first = try #require(records().first)
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(sample.replacingOccurrences(of: "\"ts\":\"2026-11-24T04:", with: "\"ts\":\"2026-11-24T05:").utf8))
        try handle.close()
        _ = live.read { records().contains { $0["first_seen"] as? String == "2026-11-24T05:00:13.020Z" } }
        #expect(live.stop().status == 0)
        let second = try #require(records().last { $0["first_seen"] as? String == "2026-11-24T05:00:13.020Z" })
        let earlier = try #require(second["earlier"] as? [String: Any])
        #expect(earlier["id"] as? String == first["id"] as? String)
        #expect(earlier["count"] as? Int == 1)
        #expect(earlier["first_seen"] as? String == "2026-11-24T04:00:13.020Z")
    }

    /// After a rename rotation (the kubelet's `0.log` → `0.log.<date>`, a new `0.log`), the
    /// records read before it are cited in the rotated file, at their own line there (a trial
    /// opened `0.log:6` and found the new file's record). samples/networkpolicy-9090's
    /// kustomize-controller log, its first 10 lines before the rotation, the rest after.
    @Test func recordsReadBeforeARotationAreCitedInTheRotatedFile() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try String(contentsOf: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log"), encoding: .utf8)
            .split(separator: "\n").map { $0 + "\n" }
        let log = dir.appendingPathComponent("kustomize-controller.log")
        try lines[..<10].joined().write(to: log, atomically: false, encoding: .utf8)
        let live = try Live(["--report-every", "1s", log.path])
        func records() -> [[String: Any]] { live.incidentRecords }
        #expect(live.read { !records().isEmpty })
        let rotated = log.path + ".20261202-100000"
        try FileManager.default.moveItem(atPath: log.path, toPath: rotated)
        try lines[10...].joined().write(to: log, atomically: false, encoding: .utf8)
        func cited() -> (source: String, line: Int)? {
            guard let last = records().last, let s = (last["signals"] as? [[String: Any]])?.first,
                  let ex = s["example"] as? [String: Any] else { return nil }
            return (ex["source"] as? String ?? "", ex["line"] as? Int ?? 0)
        }
        _ = live.read { cited()?.source == rotated }
        #expect(live.stop().status == 0)
        // The incident's first record is line 1 of the first file: now the rotated one.
        let place = try #require(cited())
        #expect(place.source == rotated)
        #expect(place.line == 1)
    }

    /// A running `follow`: its process, and what it wrote so far.
    final class Live {
        let process = Process()
        let out = Pipe()
        let err = Pipe()
        var received = Data()
        init(_ args: [String], stdin: Pipe? = nil) throws {
            process.executableURL = binary
            process.arguments = ["follow"] + args
            process.standardOutput = out
            process.standardError = err
            if let stdin { process.standardInput = stdin }
            try process.run()
        }
        var incidents: Int { String(decoding: received, as: UTF8.self).components(separatedBy: "\"type\":\"incident\"").count - 1 }
        /// The `{"type":"incident",...}` records written so far, parsed.
        var incidentRecords: [[String: Any]] {
            String(decoding: received, as: UTF8.self).split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }.filter { $0["type"] as? String == "incident" }
        }
        /// Reads what comes until `done` or `seconds` pass; returns `done()`.
        func read(seconds: Double = 30, until done: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while !done(), Date() < deadline {
                var fd = pollfd(fd: out.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
                if poll(&fd, 1, 100) > 0 { received.append(out.fileHandleForReading.availableData) }
            }
            return done()
        }
        func stop() -> (status: Int32, stderr: String) {
            kill(process.processIdentifier, SIGTERM)
            received.append(out.fileHandleForReading.readDataToEndOfFile())
            let e = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: e, as: UTF8.self))
        }
        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    }

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("follow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The last line before a quiet spell is reported without waiting for the next one (a trial
    /// found it held back: the decoder keeps the last record for continuation lines). Here the
    /// file is samples/artifact-missing's first line alone, an `artifact not found` failure.
    @Test func lastLineBeforeAQuietSpellIsReported() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try #require(try String(contentsOf: packageRoot.appendingPathComponent("samples/artifact-missing/kustomize-controller.log"), encoding: .utf8)
            .split(separator: "\n").first)
        #expect(first.contains("not found"))
        let log = dir.appendingPathComponent("kustomize-controller.log")
        try (first + "\n").write(to: log, atomically: false, encoding: .utf8)
        let live = try Live(["--window", "1s", log.path])
        #expect(live.read { live.incidents >= 1 }, "written while follow runs")
        #expect(live.stop().status == 0)

        // The same through stdin, the pipe left open.
        let stdin = Pipe()
        let piped = try Live(["--window", "1s", "-"], stdin: stdin)
        stdin.fileHandleForWriting.write(Data((first + "\n").utf8))
        #expect(piped.read { piped.incidents >= 1 }, "written while stdin stays open")
        try stdin.fileHandleForWriting.close()
        #expect(piped.stop().status == 0)
    }

    /// A change held back by `--report-every` is written when its time comes, with no new input
    /// (a trial's second failure, 8 s after the first, waited for an unrelated line or SIGTERM):
    /// samples/networkpolicy-9090's first refused download, then its second once the first
    /// record is out; the update (count 2) comes within `--report-every 2s` and a few ticks.
    @Test func aHeldBackChangeIsWrittenWithoutNewInput() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try String(contentsOf: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log"), encoding: .utf8)
            .split(separator: "\n").map { $0 + "\n" }
        #expect(lines[0].contains("connection refused") && lines[1].contains("connection refused"))
        let log = dir.appendingPathComponent("kustomize-controller.log")
        try lines[0].write(to: log, atomically: false, encoding: .utf8)
        let live = try Live(["--window", "10m", "--report-every", "2s", log.path])
        #expect(live.read { live.incidents >= 1 }, "the first record")
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines[1].utf8))
        try handle.close()
        #expect(live.read(seconds: 15) { live.incidents >= 2 }, "the update, with nothing more appended")
        #expect(live.stop().status == 0)
        let records = String(decoding: live.received, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["type"] as? String == "incident" }
        let counts = records.compactMap { (($0["signals"] as? [[String: Any]])?.first { $0["signature"] as? String == "artifact-fetch-connection-refused" })?["count"] as? Int }
        #expect(counts.prefix(2) == [1, 2])
    }

    /// The kubelet writes a restarted container's log to `<n+1>.log` and leaves `<n>.log` as it
    /// is. Followed, the old file ended only at the sidecar's stop, so an OOM-killed
    /// source-controller was known at SIGTERM (a trial: the outage was reported as
    /// networkpolicy-blocks-artifact-port, then as transient noise). samples/oom-killed-source-
    /// controller as a pods tree, source-controller's log cut at its second `starting manager`
    /// into 0.log and 1.log: while following, the old file ends (a note says why) and the
    /// incident's first hypothesis is expected.json's.
    @Test func aNewerContainersLogEndsTheOldOneWhileFollowing() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = packageRoot.appendingPathComponent("samples/oom-killed-source-controller")
        let expected = try #require(try json(Data(contentsOf: sample.appendingPathComponent("expected.json")))["first_hypothesis"] as? String)
        func cri(_ text: String) -> [String] { text.split(separator: "\n").map { RewrapTests.kubelet(String($0)) + " stderr F \($0)" } }
        let source = try String(contentsOf: sample.appendingPathComponent("source-controller.log"), encoding: .utf8).split(separator: "\n").map(String.init)
        let restart = try #require(source.indices.dropFirst().first { source[$0].contains("\"msg\":\"starting manager\"") })
        let sc = dir.appendingPathComponent("pods/\(ArchiveTests.podDir("source-controller.log"))/manager")
        let kc = dir.appendingPathComponent("pods/\(ArchiveTests.podDir("kustomize-controller.log"))/manager")
        for d in [sc, kc] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try (cri(source[..<restart].joined(separator: "\n")).joined(separator: "\n") + "\n").write(to: sc.appendingPathComponent("0.log"), atomically: true, encoding: .utf8)
        try (cri(source[restart...].joined(separator: "\n")).joined(separator: "\n") + "\n").write(to: sc.appendingPathComponent("1.log"), atomically: true, encoding: .utf8)
        let k = try String(contentsOf: sample.appendingPathComponent("kustomize-controller.log"), encoding: .utf8)
        try (cri(k).joined(separator: "\n") + "\n").write(to: kc.appendingPathComponent("0.log"), atomically: true, encoding: .utf8)
        let live = try Live(["--window", "10m", dir.appendingPathComponent("pods").path])
        func firstHypotheses() -> [String] {
            String(decoding: live.received, as: UTF8.self).split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }.filter { $0["type"] as? String == "incident" }.compactMap { (($0["hypotheses"] as? [[String: Any]])?.first)?["id"] as? String }
        }
        // The kill is evidence while following (it was known only after the stop): the derived
        // signal controller-killed in what is written.
        #expect(live.read(seconds: 20) { firstHypotheses().contains(expected) && String(decoding: live.received, as: UTF8.self).contains("controller-killed") },
                "while following: \(firstHypotheses())")
        let stopped = live.stop()
        #expect(stopped.status == 0)
        #expect(stopped.stderr.contains("0.log: its container restarted"), "\(stopped.stderr)")
    }

    /// The kubelet rotates a running container's log (`0.log.<YYYYMMDD-hhmmss>`, gzipped later,
    /// pkg/kubelet/logs/container_log_manager.go) and the container goes on writing `0.log`. A
    /// sidecar started after a rotation reads the rotated file as history: its end is not the
    /// controller's. samples/unknown-errors as a pods tree, kustomize-controller's log rotated in
    /// the middle of its failures (41 ms before the next record), source-controller's 23 minutes
    /// later: `follow` reported
    /// "kustomize-controller killed: its log ends at 09:36:22 with no shutdown line" (a trial),
    /// `scan` of the same tree no kill. Followed to its end it leaves what `scan` reports.
    @Test func aRotatedFileFoundAtStartIsNoKill() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = packageRoot.appendingPathComponent("samples/unknown-errors")
        func cri(_ lines: ArraySlice<String>) -> String { lines.map { RewrapTests.kubelet($0) + " stderr F \($0)" }.joined(separator: "\n") + "\n" }
        func lines(_ file: String) throws -> [String] {
            try String(contentsOf: sample.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").map(String.init)
        }
        let sc = dir.appendingPathComponent("pods/\(ArchiveTests.podDir("source-controller.log"))/manager")
        let kc = dir.appendingPathComponent("pods/\(ArchiveTests.podDir("kustomize-controller.log"))/manager")
        for d in [sc, kc] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        // Each controller's log rotated once: at a record's time, the rest in the live 0.log.
        func rotate(_ file: String, at ts: String, into folder: URL) throws -> String {
            let all = try lines(file)
            let cut = try #require(all.firstIndex { $0.contains("\"ts\":\"\(ts)\"") })
            let rotated = "0.log." + ts.prefix(19).filter { $0.isNumber || $0 == "T" }.replacingOccurrences(of: "T", with: "-")
            try cri(all[...cut]).write(to: folder.appendingPathComponent(rotated), atomically: true, encoding: .utf8)
            try sh(["gzip", "-n", rotated], in: folder)
            try cri(all[(cut + 1)...]).write(to: folder.appendingPathComponent("0.log"), atomically: true, encoding: .utf8)
            return all[cut]
        }
        let last = try rotate("kustomize-controller.log", at: "2026-11-24T09:36:22.270Z", into: kc)
        #expect(last.contains("\"level\":\"error\""), "the rotation falls among failures")
        _ = try rotate("source-controller.log", at: "2026-11-24T09:59:09.272Z", into: sc)
        #expect(FileManager.default.fileExists(atPath: kc.appendingPathComponent("0.log.20261124-093622.gz").path))
        let pods = dir.appendingPathComponent("pods").path
        let r = try run(["follow", "--until-caught-up", pods])
        #expect(r.status == 0, "\(r.stderr)")
        let followed = try Self.finalState(r.stdout)
        #expect(!followed.values.contains { ($0["title"] as? String ?? "").contains("killed") }, "\(followed.values.map { $0["title"] ?? "" })")
        #expect(followed == (try Self.scanned([pods])))
    }

    /// A kubelet container file that stops while the other controllers log is a controller gone
    /// quiet, not a kill: the kubelet restarts a killed container into `<n+1>.log` (trial 17:
    /// a sidecar reported "source-controller killed" for a live `0.log` that had only gone
    /// quiet). samples/unknown-errors with source-controller's log ending at 09:59:09, an hour
    /// before kustomize-controller's: as a pods tree, no kill in `scan` or `follow`; as
    /// `kubectl logs` captures (plain files, no kubelet layout), the end of the log is the only
    /// sign and the kill is still reported (docs/PATTERNS.md `controller-killed`).
    @Test func aQuietKubeletFileIsNoKill() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = packageRoot.appendingPathComponent("samples/unknown-errors")
        func lines(_ file: String) throws -> [String] {
            try String(contentsOf: sample.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").map(String.init)
        }
        let source = try lines("source-controller.log"), kustomize = try lines("kustomize-controller.log")
        let end = try #require(source.firstIndex { $0.contains("\"ts\":\"2026-11-24T09:59:09.272Z\"") })
        func cri(_ l: ArraySlice<String>) -> String { l.map { RewrapTests.kubelet($0) + " stderr F \($0)" }.joined(separator: "\n") + "\n" }
        let sc = dir.appendingPathComponent("pods/\(ArchiveTests.podDir("source-controller.log"))/manager")
        let kc = dir.appendingPathComponent("pods/\(ArchiveTests.podDir("kustomize-controller.log"))/manager")
        for d in [sc, kc] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try cri(source[...end]).write(to: sc.appendingPathComponent("0.log"), atomically: true, encoding: .utf8)
        try cri(kustomize[...]).write(to: kc.appendingPathComponent("0.log"), atomically: true, encoding: .utf8)
        let pods = dir.appendingPathComponent("pods").path
        func titles(_ incidents: [String: NSDictionary]) -> [String] { incidents.values.compactMap { $0["title"] as? String } }
        let scanned = try Self.scanned([pods])
        #expect(!titles(scanned).contains { $0.contains("killed") }, "\(titles(scanned))")
        let r = try run(["follow", "--until-caught-up", pods])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.finalState(r.stdout) == scanned)
        // The same records as `kubectl logs` captures.
        let plain = dir.appendingPathComponent("plain")
        try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
        try (source[...end].joined(separator: "\n") + "\n").write(to: plain.appendingPathComponent("source-controller.log"), atomically: true, encoding: .utf8)
        try (kustomize.joined(separator: "\n") + "\n").write(to: plain.appendingPathComponent("kustomize-controller.log"), atomically: true, encoding: .utf8)
        let captured = titles(try Self.scanned([plain.path]))
        #expect(captured.contains { $0.hasPrefix("source-controller killed: its log ends at 09:59:09") && $0.hasSuffix("while the other controllers kept logging") },
                "\(captured)")
    }

    /// CONTRACT.md lists `-v/--verbose` (print matched events) and `-q/--quiet` among the options
    /// every user expects; `follow` refused both ("Unknown option '-v'", a trial). samples/git-auth-
    /// failed (one incident, 24 events: its expected.json and `scan --counts`).
    @Test func verboseAndQuiet() throws {
        let log = "samples/git-auth-failed/source-controller.log"
        let events = try run(["--format", "json", log]).stdout
        let total = try #require((try json(events)["stats"] as? [String: Any])?["events"] as? Int)
        let verbose = try run(["follow", "--until-caught-up", "-v", log])
        #expect(verbose.status == 0)
        #expect(verbose.text.components(separatedBy: "\"type\":\"event\"").count - 1 == total)
        let quiet = try run(["follow", "--until-caught-up", "-q", "--format", "text", log])
        #expect(quiet.status == 0)
        let lines = quiet.text.split(separator: "\n")
        #expect(lines.first?.hasPrefix("[1] ERROR") == true, "\(quiet.text)")
        #expect(lines.first?.contains("Git HTTPS credentials rejected: GitRepository/flux-system/flux-system") == true)
    }

    /// A file that never stops growing (another app's log in the folder, a line every 0.2 s) does
    /// not hold reports back (a trial found nothing written until it went quiet).
    @Test func aBusyFileDoesNotHoldReportsBack() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["kustomize-controller.log", "source-controller.log"] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("samples/networkpolicy-9090/\(name)"),
                                            to: dir.appendingPathComponent(name))
        }
        let app = dir.appendingPathComponent("my-app.log")
        FileManager.default.createFile(atPath: app.path, contents: nil)
        let writing = UncheckedFlag()
        let writer = Thread {
            let h = try? FileHandle(forWritingTo: app)
            var i = 0
            while !writing.stopped {
                i += 1
                h?.write(Data("{\"level\":\"info\",\"ts\":\"2026-11-24T03:10:00.000Z\",\"msg\":\"request \(i) served\"}\n".utf8))
                usleep(200_000)
            }
            try? h?.close()
        }
        writer.start()
        defer { writing.stopped = true }
        let live = try Live(["--window", "2s", dir.path])
        #expect(live.read { live.incidents >= 1 }, "written while my-app.log keeps growing")
        writing.stopped = true
        #expect(live.stop().status == 0)
    }

    /// A folder with no log yet is watched, not left (a trial saw follow exit 0 at once).
    @Test func anEmptyFolderIsWatched() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let live = try Live([dir.path])
        usleep(2_000_000)
        #expect(live.process.isRunning)
        let (status, stderr) = live.stop()
        #expect(status == 0)
        #expect(stderr.contains("nothing to follow yet in \(dir.path)"))
    }

    /// A path that does not exist yet is waited for, as `tail -F` does (a sidecar started before
    /// the log volume is filled exited 2 at once), and followed once it appears (the next walk,
    /// every 10 s). With `--until-caught-up` it stays an input error (`aResumedRunReportsItsOwnWork`).
    @Test func aPathThatDoesNotExistYetIsWaitedFor() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("later/kustomize-controller.log")
        let live = try Live(["--window", "1s", log.path])
        usleep(1_500_000)
        #expect(live.process.isRunning)
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("samples/artifact-missing/kustomize-controller.log"), to: log)
        #expect(live.read(seconds: 40) { live.incidents >= 1 }, "the file that appeared is read")
        let (status, stderr) = live.stop()
        #expect(status == 0)
        #expect(stderr.contains("\(log.path): does not exist yet; waiting for it to appear"), "\(stderr)")
        #expect(stderr.contains("\(log.path): appeared; following it"), "\(stderr)")
        #expect(!stderr.contains("No such file or directory"), "\(stderr)")
    }

    /// In a followed folder, a file removed (its source ended after the 5 s grace) and made again
    /// is followed again by the next walk (every 10 s); a trial saw it never read again.
    @Test func aRemovedFileMadeAgainInAFolderIsFollowedAgain() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try String(contentsOf: packageRoot.appendingPathComponent("samples/artifact-missing/kustomize-controller.log"), encoding: .utf8)
            .split(separator: "\n").map { $0 + "\n" }
        let log = dir.appendingPathComponent("kustomize-controller.log")
        try lines[0].write(to: log, atomically: false, encoding: .utf8)
        let live = try Live(["--window", "1s", dir.path])
        #expect(live.read { live.incidents >= 1 })
        let before = live.incidents
        try FileManager.default.removeItem(at: log)
        usleep(6_500_000)
        try lines.joined().write(to: log, atomically: false, encoding: .utf8)
        #expect(live.read(seconds: 40) { live.incidents > before }, "the file made again is read")
        #expect(live.stop().status == 0)
    }

    /// A sidecar resumed from `--state` with both controllers' logs followed: only kustomize-controller
    /// wrote since (one refused download appended as line 67), source-controller stayed quiet. The
    /// report counted the saved `seq` as written this run ("2 incident report(s)"), and said "the
    /// input holds no source-controller logs" of a followed source-controller.log. A missing input
    /// was reported twice.
    @Test func aResumedRunReportsItsOwnWork() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let logs = dir.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        for name in ["kustomize-controller.log", "source-controller.log"] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("samples/networkpolicy-9090/\(name)"), to: logs.appendingPathComponent(name))
        }
        let state = dir.appendingPathComponent("state.json").path
        let first = try run(["follow", "--until-caught-up", "--state", state, logs.path])
        #expect(first.status == 0, "\(first.stderr)")
        let log = logs.appendingPathComponent("kustomize-controller.log")
        let line = try #require(try String(contentsOf: log, encoding: .utf8).split(separator: "\n").first)
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line.replacingOccurrences(of: "02:41:12.479Z", with: "03:40:12.479Z") + "\n").utf8))
        try handle.close()
        let again = try run(["follow", "--until-caught-up", "--format", "text", "--state", state, logs.path])
        #expect(again.text.contains("kustomize-controller.log:67"), "\(again.text)")
        #expect(again.text.contains("1 incident report(s) written"))
        #expect(!again.text.contains("holds no source-controller logs"))
        let missing = try run(["follow", "--until-caught-up", "/nonexistent-\(UUID().uuidString).log"])
        #expect(missing.status == 2)
        #expect(missing.stderr.components(separatedBy: "No such file or directory").count == 2, "\(missing.stderr)")
    }

    /// What `follow` refuses: a JSON document (it writes as incidents close), stdin twice, a
    /// state file that is not one, and one that cannot be written (exit 2, naming the file).
    @Test func usageErrors() throws {
        let json = try run(["follow", "--format", "json", "samples/networkpolicy-9090/kustomize-controller.log"])
        #expect(json.status == 2)
        #expect(json.stderr.contains("--format ndjson"))
        let twice = try run(["follow", "-", "-"])
        #expect(twice.status == 2)
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString).json")
        try "not json".write(to: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: bad) }
        let state = try run(["follow", "--until-caught-up", "--state", bad.path, "samples/networkpolicy-9090/kustomize-controller.log"])
        #expect(state.status == 2)
        #expect(state.stderr.contains(bad.path))
        // A state file that could not be written is refused at start, not found out at the stop.
        let nowhere = try run(["follow", "--state", "/nonexistent-\(UUID().uuidString)/state.json", "samples/networkpolicy-9090/kustomize-controller.log"])
        #expect(nowhere.status == 2)
        #expect(nowhere.stderr.contains("cannot write in /nonexistent-"))
    }
}

/// A flag another thread reads (set once; a torn read only delays the writer's stop by a line).
final class UncheckedFlag: @unchecked Sendable {
    var stopped = false
}
