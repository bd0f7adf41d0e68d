import Foundation
import Testing

/// Issue 8, restarts and silence as evidence: the lifetime samples through the binary. What each
/// test expects comes from the sample's expected.json, written by samples/gen_lifetimes.py from
/// the story in the sample's README.md (which line is the killed lifetime's last, how many
/// lifetimes the probe-kill loop has and how long each lasts, which Helm action was cut).
@Suite struct LifetimeSampleTests {
    static func expected(_ name: String) throws -> [String: Any] {
        try json(Data(contentsOf: packageRoot.appendingPathComponent("samples/\(name)/expected.json")))
    }

    static func report(_ name: String) throws -> (incidents: [[String: Any]], status: Int32) {
        let sample = try #require(try Sample.all().first { $0.name == name }, "samples/\(name) missing")
        let r = try run(["--format", "json", "--color", "never"] + sample.logs)
        #expect(r.stderr == "")
        return (try json(r.stdout)["incidents"] as? [[String: Any]] ?? [], r.status)
    }

    /// The artifact-fetch incident's first hypothesis names the killed lifetime of
    /// source-controller: its `controller-killed` evidence starts at the lifetime's last record.
    @Test func oomKilledSourceControllerIsEvidenceForUnavailable() throws {
        let e = try Self.expected("oom-killed-source-controller")
        let killed = try #require(e["killed"] as? [String: String])
        let (incidents, status) = try Self.report("oom-killed-source-controller")
        #expect(status == 1)
        #expect(incidents.count == e["incidents"] as? Int)
        let first = try #require(incidents.first?["hypotheses"] as? [[String: Any]]).first
        #expect(first?["id"] as? String == e["first_hypothesis"] as? String)
        let evidence = first?["evidence_for"] as? [String] ?? []
        let line = evidence.first { $0.contains(killed["signal"]!) }
        #expect(line != nil, "no \(killed["signal"]!) evidence in \(evidence)")
        #expect(line?.contains("first \(killed["last_record"]!), samples/oom-killed-source-controller/\(killed["controller"]!).log:") == true)
        // No second incident for the kill: it is told as the cause of the refused downloads.
        #expect(!incidents.contains { ($0["title"] as? String)?.hasPrefix("\(killed["controller"]!) killed") == true })
    }

    /// One incident, severity error, titled with the controller, the number of lifetimes and
    /// their length; its failure signal is the probe kill, counted once per lifetime.
    @Test func probeKillLoopIsOneRestartIncident() throws {
        let e = try Self.expected("probe-kill-loop")
        let restarts = try #require(e["restarts"] as? [String: Any])
        let controller = try #require(restarts["controller"] as? String)
        let lifetimes = try #require(restarts["lifetimes"] as? Int)
        let (incidents, status) = try Self.report("probe-kill-loop")
        #expect(status == 1)
        #expect(incidents.count == 1)
        let incident = try #require(incidents.first)
        #expect(incident["severity"] as? String == "error")
        #expect(incident["controllers"] as? [String] == [controller])
        let title = incident["title"] as? String ?? ""
        #expect(title.hasPrefix(controller))
        #expect(title.contains("\(lifetimes) lifetimes of \(restarts["min_seconds"]!)s–\(restarts["max_seconds"]!)s"))
        let signals = incident["signals"] as? [[String: Any]] ?? []
        let probe = signals.first { $0["signature"] as? String == restarts["signal"] as? String }
        #expect(probe?["count"] as? Int == lifetimes)
        let hyps = incident["hypotheses"] as? [[String: Any]] ?? []
        #expect(hyps.first?["id"] as? String == e["first_hypothesis"] as? String)
    }

    /// probe-kill-loop's lifetimes as the kubelet keeps them: each container's log in its pod's
    /// folder (CRI lines, `<ts> stderr F <record>`). In one pod, as `0.log`, `1.log`, ... (a probe
    /// kill restarts the container in its pod), it is the sample's restart loop; each in a pod of
    /// its own (`kustomize-controller-5d4b86b547-pNNNN/manager/0.log`: pods replaced, a rollout or
    /// a node upgrade's evictions, where each stops gracefully too) it is no incident (a trial:
    /// three evictions were an ERROR liveness-probe kill loop).
    @Test(arguments: [true, false])
    func probeKillsAreRestartsInOnePod(onePod: Bool) throws {
        let e = try Self.expected("probe-kill-loop")
        let lifetimes = try #require((e["restarts"] as? [String: Any])?["lifetimes"] as? Int)
        let log = try String(contentsOf: packageRoot.appendingPathComponent("samples/probe-kill-loop/kustomize-controller.log"), encoding: .utf8)
        var containers: [[String]] = []
        for line in log.split(separator: "\n") {
            if line.contains("\"msg\":\"starting manager\"") || containers.isEmpty { containers.append([]) }
            let ts = try #require(line.range(of: "\"ts\":\"").map { line[$0.upperBound...].prefix(24) })
            containers[containers.count - 1].append("\(ts.dropLast())000000Z stderr F \(line)")
        }
        #expect(containers.count == lifetimes)
        let dir = try scratch("probe-pods")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pods = dir.appendingPathComponent("var/log/pods")
        for (n, lines) in containers.enumerated() {
            let pod = onePod ? "kustomize-controller-5d4b86b547-kqr2q" : "kustomize-controller-5d4b86b547-p\(n)bbb"
            let folder = pods.appendingPathComponent("flux-system_\(pod)_7e1d2c3b-4a5f-4e6d-8c7b-9a0b1c2d3e4\(onePod ? 0 : n)/manager")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("\(onePod ? n : 0).log"), atomically: true, encoding: .utf8)
        }
        let r = try run(["--format", "json", pods.path])
        let incidents = try json(r.stdout)["incidents"] as? [[String: Any]] ?? []
        if onePod {
            #expect(r.status == 1)
            #expect((incidents.first?["hypotheses"] as? [[String: Any]])?.first?["id"] as? String == e["first_hypothesis"] as? String)
        } else {
            #expect(r.status == 0, "\(incidents.map { $0["title"] ?? "" })")
            #expect(!incidents.contains { ($0["title"] as? String ?? "").contains("liveness-probe") })
        }
    }

    /// The kill mid-upgrade is evidence for helm-release-locked, on the incident of the locked
    /// release, not an incident of its own.
    @Test func helmKilledMidUpgradeSupportsReleaseLocked() throws {
        let e = try Self.expected("helm-controller-killed-mid-upgrade")
        let interrupted = try #require(e["interrupted"] as? [String: String])
        let (incidents, _) = try Self.report("helm-controller-killed-mid-upgrade")
        #expect(incidents.count == 1)
        let incident = try #require(incidents.first)
        #expect(incident["objects"] as? [String] == [interrupted["object"]!])
        let first = (incident["hypotheses"] as? [[String: Any]])?.first
        #expect(first?["id"] as? String == e["first_hypothesis"] as? String)
        let evidence = first?["evidence_for"] as? [String] ?? []
        #expect(evidence.contains { $0.contains("[\(interrupted["signal"]!)") }, "no \(interrupted["signal"]!) in \(evidence)")
    }
}

/// A derived signal's evidence names the record at its time: helm-action-interrupted is timed at
/// the end of helm-controller's first lifetime (helm-controller.log:45, 10:02:20.860, `beginning
/// wait for 147 resources`), while the upgrade began at line 41 (10:02:11.485, `preparing upgrade
/// for kube-prometheus-stack`, kept as the `started` capture); the line paired 10:02:20 with :41.
@Suite struct DerivedEvidencePlaceTests {
    @Test func anInterruptedActionIsPlacedAtTheLifetimesEnd() throws {
        let r = try run(["--color", "never", "samples/helm-controller-killed-mid-upgrade"])
        #expect(r.text.contains("[helm-action-interrupted, first 10:02:20, samples/helm-controller-killed-mid-upgrade/helm-controller.log:45]"), "\(r.text)")
        #expect(!r.text.contains("helm-action-interrupted, first 10:02:20, samples/helm-controller-killed-mid-upgrade/helm-controller.log:41"))
    }
}
