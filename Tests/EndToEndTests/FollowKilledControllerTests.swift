import Foundation
import Testing

/// `follow` of a /var/log/pods tree written while it runs, where source-controller is OOM-killed
/// (its `0.log` just stops, the kubelet starts `1.log`) and kustomize-controller's artifact
/// downloads are refused meanwhile (trial 21, /tmp/trial21/work/02: the records are the trial's
/// drive.py's). `scan` of the finished tree folds the kill into the refused downloads' incident
/// (its first hypothesis, source-controller-unavailable, cites it: docs/PATTERNS.md "A restart
/// incident is folded"); `follow` wrote the kill as an incident of its own, left open, once the
/// refused downloads' incident had closed and left its analyses.
@Suite struct FollowKilledControllerTests {
    /// A pods tree of source-controller and kustomize-controller (kubelet CRI files), with times
    /// counted in seconds from `base`.
    struct Tree {
        let root: URL
        let base: Date
        var pods: String { root.appendingPathComponent("pods").path }
        var source: URL { root.appendingPathComponent("pods/\(ArchiveTests.podDir("source-controller.log"))/manager") }
        var kustomize: URL { root.appendingPathComponent("pods/\(ArchiveTests.podDir("kustomize-controller.log"))/manager") }

        /// A tree whose times begin 5 s after a minute began, one or two minutes ago: the
        /// refused downloads (to 13.5 s) close at the next minute with `--window 20s` (the event
        /// store's buckets are a minute), about 40 s after the last record.
        init() throws {
            root = try FollowTests.scratch()
            let now = Date().timeIntervalSince1970
            base = Date(timeIntervalSince1970: (now / 60).rounded(.down) * 60 - 55)
            for d in [source, kustomize] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        }

        func ts(_ s: Double) -> String {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
            return f.string(from: base.addingTimeInterval(s))
        }
        func startingManager(_ s: Double) -> String { #"{"level":"info","ts":"\#(ts(s))","logger":"setup","msg":"starting manager"}"# }
        func gitRepository(_ s: Double, _ msg: String) -> String {
            #"{"level":"info","ts":"\#(ts(s))","msg":"\#(msg)","controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository","GitRepository":{"name":"flux-system","namespace":"flux-system"},"namespace":"flux-system","name":"flux-system","reconcileID":"0d9b1c52-3f0e-4a8e-9d6b-2b1f4c7e8a90"}"#
        }
        func upToDate(_ s: Double) -> String { gitRepository(s, "artifact up-to-date with remote revision: 'main@sha1:c7313dec'") }
        func stored(_ s: Double) -> String { gitRepository(s, "stored artifact for commit 'Merge pull request #42 from org/feature'") }
        func kustomization(_ s: Double, _ rest: String) -> String {
            #"{"level":"info","ts":"\#(ts(s))",\#(rest),"controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"6c1e9f3a-8b2d-4e7f-a1c5-3d9e0f2b4a68"}"#
        }
        func refused(_ s: Double) -> String {
            let url = "http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec.tar.gz"
            return kustomization(s, #""msg":"request failed","error":"Get \"\#(url)\": dial tcp 10.96.12.34:80: connect: connection refused","method":"GET","url":"\#(url)""#)
        }
        func finished(_ s: Double) -> String {
            kustomization(s, #""msg":"Reconciliation finished in 14.2s, next run in 10m0s","revision":"main@sha1:c7313dec""#)
        }

        /// Appends `lines` (CRI: `<ts> stderr F <line>`) to `file` of `folder`, creating it.
        func append(_ lines: [String], to file: String, in folder: URL) throws {
            let url = folder.appendingPathComponent(file)
            let text = lines.map { RewrapTests.kubelet($0) + " stderr F " + $0 + "\n" }.joined()
            if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
            let h = try FileHandle(forWritingTo: url)
            try h.seekToEnd()
            try h.write(contentsOf: Data(text.utf8))
            try h.close()
        }
    }

    static func title(_ r: [String: Any]) -> String { r["title"] as? String ?? "" }

    /// The trial's order: source-controller's 0.log stops at 2 s, kustomize-controller's
    /// downloads are refused from 3 s to 13.5 s (the incident is written open), then 1.log starts
    /// at 15 s and stores an artifact, and kustomize-controller finishes at 18 s. Once the
    /// refusals' incident cites the kill, one more refusal at 80 s (and its recovery) closes it:
    /// more than two windows later, in the next minute. No record is about a kill, and what
    /// `follow` leaves is exactly what `scan` reports for the finished tree.
    @Test func aKillTheRefusalsTellIsNoIncidentOnceTheyClosed() throws {
        let t = try Tree()
        defer { try? FileManager.default.removeItem(at: t.root) }
        try t.append([t.startingManager(0)] + [0.0, 1, 2].map(t.upToDate), to: "0.log", in: t.source)
        try t.append([t.startingManager(0)] + (0..<8).map { t.refused(3 + 1.5 * Double($0)) }, to: "0.log", in: t.kustomize)
        let live = try FollowTests.Live(["--window", "20s", "--report-every", "1s", t.pods])
        func records() -> [[String: Any]] { live.incidentRecords }
        func refusals() -> [[String: Any]] { records().filter { $0["first_seen"] as? String == t.ts(3) } }
        #expect(live.read(seconds: 120) { !refusals().isEmpty }, "the refusals, open")
        try t.append([t.startingManager(15), t.stored(16)], to: "1.log", in: t.source)
        try t.append([t.finished(18)], to: "0.log", in: t.kustomize)
        // The kill is known while the refusals' incident is open (a walk finds 1.log within 10 s).
        let killed = "[controller-killed, first \(t.ts(2).dropFirst(11).prefix(8))"
        func citesTheKill(_ r: [String: Any]) -> Bool {
            let first = (r["hypotheses"] as? [[String: Any]])?.first
            return first?["id"] as? String == "source-controller-unavailable"
                && (first?["evidence_for"] as? [String] ?? []).contains { $0.contains(killed) }
        }
        #expect(live.read(seconds: 120) { refusals().last.map(citesTheKill) ?? false },
                "the refusals tell the kill: \(refusals().last.map { ($0["hypotheses"] as? [[String: Any]])?.first ?? [:] } ?? [:])")
        try t.append([t.refused(80), t.finished(81)], to: "0.log", in: t.kustomize)
        #expect(live.read(seconds: 120) { records().contains { $0["first_seen"] as? String == t.ts(80) } }, "the refusal at 80 s")
        let stopped = live.stop()
        #expect(stopped.status == 0)
        #expect(stopped.stderr.contains("0.log: its container restarted"), "\(stopped.stderr)")
        let written = records()
        #expect(!written.contains { Self.title($0).contains("killed") }, "\(written.map { "\(Self.title($0)) \($0["status"] ?? "")" })")
        #expect(refusals().last.map(citesTheKill) == true)
        #expect(try FollowTests.finalState(live.received) == FollowTests.scanned(["--window", "20s", t.pods]))
    }

    /// The other order: the kubelet's 1.log (start-up at 15 s) is there when `follow` starts, so
    /// the kill is known and written as an incident of its own, open, before kustomize-controller's
    /// downloads are refused (16 s to 23.5 s, while the new container is not ready). Once the
    /// refusals are read, their incident tells the kill (as in `scan`, which reports no kill), and
    /// the kill's incident is written again, resolved, with nothing else left that `scan` does not report.
    @Test func aKillWrittenBeforeTheRefusalsThatTellItIsResolvedByThem() throws {
        let t = try Tree()
        defer { try? FileManager.default.removeItem(at: t.root) }
        try t.append([t.startingManager(0)] + [0.0, 1, 2].map(t.upToDate), to: "0.log", in: t.source)
        try t.append([t.startingManager(15)], to: "1.log", in: t.source)
        try t.append([t.startingManager(0), t.finished(1)], to: "0.log", in: t.kustomize)
        let live = try FollowTests.Live(["--window", "20s", "--report-every", "1s", t.pods])
        func records() -> [[String: Any]] { live.incidentRecords }
        #expect(live.read(seconds: 120) { records().contains { Self.title($0).hasPrefix("source-controller killed") } }, "the kill, on its own")
        let kill = try #require(records().first { Self.title($0).hasPrefix("source-controller killed") })
        #expect(kill["status"] as? String == "open")
        let id = try #require(kill["id"] as? String)
        try t.append((0..<6).map { t.refused(16 + 1.5 * Double($0)) } + [t.finished(27)], to: "0.log", in: t.kustomize)
        try t.append([t.stored(25)], to: "1.log", in: t.source)
        #expect(live.read(seconds: 300) { records().contains { $0["id"] as? String == id && $0["status"] as? String == "resolved" } },
                "the kill, told by the refusals: \(records().map { "\(Self.title($0)) \($0["status"] ?? "")" })")
        #expect(live.stop().status == 0)
        var followed = try FollowTests.finalState(live.received)
        #expect(followed.removeValue(forKey: id)?["status"] as? String == "resolved")
        let scanned = try FollowTests.scanned(["--window", "20s", t.pods])
        #expect(!scanned.values.contains { ($0["title"] as? String ?? "").contains("killed") })
        let refused = try #require(scanned.values.first { ($0["title"] as? String ?? "").hasPrefix("Artifact download refused") })
        #expect(((refused["hypotheses"] as? [[String: Any]])?.first)?["id"] as? String == "source-controller-unavailable")
        #expect(followed == scanned)
    }
}
