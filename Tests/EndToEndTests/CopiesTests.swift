import Foundation
import Testing

/// A support bundle holds a pod's records twice: `kubectl logs` output next to the kubelet's file
/// under /var/log/pods, or a `kubectl logs --prefix --timestamps` capture of several pods next to
/// their own files. The healthy and lifecycle evidence a hypothesis cites counts each record once
/// (it counted both copies: `source-controller-no-changes ×56` for 28 records, found by a
/// new-user trial and in the samples' own folders).
@Suite struct CopiesTests {
    static let sample = "samples/networkpolicy-9090"
    static let now = "--now=2026-11-30T00:00:00Z"

    /// The records of source-controller.log that `source-controller-no-changes` stands for: a
    /// GitRepository's `no changes since last reconcil(i)ation: observed revision '<rev>'` and
    /// `artifact up-to-date with remote revision: '<rev>'` (FLUX-LOGS.md 1.4, 7).
    static func noChangeRecords() throws -> Int {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("\(sample)/source-controller.log"), encoding: .utf8)
        var n = 0
        for line in text.split(separator: "\n") {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let msg = record["msg"] as? String ?? ""
            if msg.hasPrefix("no changes since last reconciliation: observed revision '")
                || msg.hasPrefix("no changes since last reconcilation: observed revision '")
                || msg.hasPrefix("artifact up-to-date with remote revision: '") { n += 1 }
        }
        return n
    }

    /// The count the first hypothesis's evidence gives `signal` (`signal ×N`, or 1 without `×`).
    static func citedCount(_ signal: String, in report: Data) throws -> Int? {
        let incidents = try #require(try json(report)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        let first = try #require((incidents.first?["hypotheses"] as? [[String: Any]])?.first)
        #expect(first["id"] as? String == "networkpolicy-blocks-artifact-port")
        for line in first["evidence_for"] as? [String] ?? [] {
            guard let r = line.range(of: signal) else { continue }
            let rest = line[r.upperBound...]
            if rest.hasPrefix(" ×") { return Int(rest.dropFirst(2).prefix { $0.isNumber }) }
            return 1
        }
        return nil
    }

    /// source-controller.log written as the kubelet writes it (CRI: `<RFC3339Nano> stderr F
    /// <line>`, the record's own time as the kubelet's, as it is within milliseconds).
    static func criCopy(in dir: URL) throws -> String {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("\(sample)/source-controller.log"), encoding: .utf8)
        var out = ""
        for line in text.split(separator: "\n") {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            out += "\(try #require(record["ts"] as? String)) stderr F \(line)\n"
        }
        let pod = dir.appendingPathComponent("flux-system_source-controller-6d5b8c7f4-x7k2p_0f1e2d3c/manager")
        try FileManager.default.createDirectory(at: pod, withIntermediateDirectories: true)
        let file = pod.appendingPathComponent("0.log")
        try out.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func theSampleFolderWithItsPrefixCaptureCountsEachRecordOnce() throws {
        let expected = try Self.noChangeRecords()
        #expect(expected == 28)
        // The folder: both controllers' files and envelopes/prefix-timestamps.log, the same records.
        for args in [[Self.sample], ["\(Self.sample)/envelopes/prefix-timestamps.log", "\(Self.sample)/source-controller.log",
                                     "\(Self.sample)/kustomize-controller.log"]] {
            for jobs in ["1", "3"] {
                let r = try run(["--format", "json", Self.now, "--jobs", jobs] + args)
                #expect(try Self.citedCount("source-controller-no-changes", in: r.stdout) == expected, "\(args) --jobs \(jobs)")
            }
        }
    }

    @Test func kubectlOutputAndTheKubeletsFileCountEachRecordOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("copies-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cri = try Self.criCopy(in: dir)
        let expected = try Self.noChangeRecords()
        let logs = ["\(Self.sample)/kustomize-controller.log", "\(Self.sample)/source-controller.log"]
        let alone = try run(["--format", "json", Self.now] + logs)
        #expect(try Self.citedCount("source-controller-no-changes", in: alone.stdout) == expected)
        for args in [logs + [cri], [cri] + logs] {
            for jobs in ["1", "2"] {
                let r = try run(["--format", "json", Self.now, "--jobs", jobs] + args)
                #expect(try Self.citedCount("source-controller-no-changes", in: r.stdout) == expected, "\(args) --jobs \(jobs)")
                // The file's one `stored fetched index of size 3.251MB from '<url>'` (a HelmRepository,
                // FLUX-LOGS.md 1.4): `source-controller-artifact-stored`, not ×2.
                #expect(try Self.citedCount("source-controller-artifact-stored", in: r.stdout) == 1, "\(args) --jobs \(jobs)")
            }
        }
    }

    /// `flux logs` output next to `kubectl logs` of the same pod: the failure records' texts
    /// differ (`flux logs` joins message and error, FLUX-LOGS.md 2), their time and captures do
    /// not; each failure counts once (a new-user trial: `artifact-fetch-connection-refused ×132`
    /// for 66 records).
    @Test func fluxLogsNextToKubectlLogsCountEachFailureOnce() throws {
        let dir = try scratch("flux-logs-copy")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = "\(Self.sample)/kustomize-controller.log"
        let lines = try String(contentsOf: packageRoot.appendingPathComponent(log), encoding: .utf8).split(separator: "\n").map(String.init)
        let refused = lines.filter { $0.contains("connect: connection refused") }.count
        #expect(refused == 66)
        let wrap = try #require(RewrapTests.wrappers.first { $0.0 == "flux-logs" }).1
        let copy = dir.appendingPathComponent("flux-logs.txt")
        try (wrap(lines, "kustomize-controller.log").joined(separator: "\n") + "\n").write(to: copy, atomically: true, encoding: .utf8)
        for args in [[log, copy.path], [copy.path, log]] {
            for jobs in ["1", "2"] {
                let r = try run(["--format", "json", Self.now, "--jobs", jobs] + args + ["\(Self.sample)/source-controller.log"])
                let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
                let signals = incidents.first?["signals"] as? [[String: Any]] ?? []
                let count = signals.first { $0["signature"] as? String == "artifact-fetch-connection-refused" }?["count"] as? Int
                #expect(count == refused, "\(args) --jobs \(jobs)")
            }
        }
    }
}
