import Foundation
import Testing

/// The recovery of a resolved incident as the reports show it, on the OOM-killed source-controller
/// sample: kustomize-controller's downloads are refused until 10:08:25.468 (apps, line 30); apps
/// finishes its reconciliation at 10:08:57.994 (line 32) and infrastructure at 10:09:01.296 (line
/// 34), so the incident recovered when infrastructure did. (Their `server-side apply completed`
/// lines 31 and 33 come before the health checks and prove nothing yet: FLUX-LOGS.md 1.4, 3.3.)
@Suite struct RecoverySampleTests {
    let sample = "samples/oom-killed-source-controller"

    @Test func jsonNamesTheLastObjectToRecoverAndItsRecord() throws {
        let r = try run(["scan", "--format", "json", sample])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let resolved = try #require(incidents.first { $0["status"] as? String == "resolved" })
        let recovery = try #require(resolved["recovery"] as? [String: Any])
        #expect(recovery["time"] as? String == "2026-11-25T10:09:01.296Z")
        #expect(recovery["exact"] as? Bool == true)
        #expect(recovery["object"] as? String == "Kustomization/flux-system/infrastructure")
        #expect(recovery["signature"] as? String == "kustomization-reconciliation-finished")
        #expect(recovery["controller"] as? String == "kustomize-controller")
        #expect(recovery["source"] as? String == "\(sample)/kustomize-controller.log")
        #expect(recovery["line"] as? Int == 34)
        for i in incidents where i["status"] as? String == "open" { #expect(i["recovery"] is NSNull) }
    }

    /// 10:09:01.296 − 10:08:25.468 = 35.828 s, written `36s` (`goDuration`: whole seconds from 10 s up).
    @Test func textShowsWhenAndWhere() throws {
        let r = try run(["scan", sample])
        let line = try #require(r.text.split(separator: "\n").first { $0.hasPrefix("    recovered:") })
        #expect(line.hasPrefix("    recovered:   10:09:01 UTC, 36s after the last failure: Kustomization/flux-system/infrastructure healthy"))
        #expect(line.hasSuffix("(kustomization-reconciliation-finished, kustomize-controller, \(sample)/kustomize-controller.log:34)"))
    }

    /// The fixes of a resolved incident are for its next time; an open one's are for now (the
    /// NetworkPolicy :9090 sample ends still failing).
    @Test func aResolvedIncidentsFixesAreForItsNextTime() throws {
        let resolved = try run(["scan", sample]).text
        #expect(resolved.contains("\n       fix, should it come back:\n"))
        #expect(!resolved.contains("\n       fix:\n"))
        let open = try run(["scan", "samples/networkpolicy-9090"]).text
        #expect(open.contains("[1] ERROR open"))
        #expect(open.contains("\n       fix:\n"))
        #expect(!open.contains("should it come back"))
    }

    /// The mission's case, cut where a live capture often ends: the health check failed at
    /// 19:05:10 (line 2) and the next reconciliation has applied at 19:10:10 (line 3) and is
    /// running its health checks again (the sample's full log shows them fail). The apply proves
    /// nothing yet (FLUX-LOGS.md 1.4, 3.3): the incident stays open, with no recovery.
    @Test func anApplyBeforeTheHealthChecksDoesNotResolve() throws {
        let log = try String(contentsOf: packageRoot.appendingPathComponent("samples/health-check-timeout/kustomize-controller.log"), encoding: .utf8)
        let firstThree = log.split(separator: "\n").prefix(3).joined(separator: "\n") + "\n"
        #expect(firstThree.contains("server-side apply completed") && firstThree.contains("health check failed"))
        let r = try run(["scan", "--format", "json", "-"], stdin: Data(firstThree.utf8))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        #expect(incidents.first?["status"] as? String == "open")
        #expect(incidents.first?["recovery"] is NSNull)
    }
}

/// `began:` in the text report: a failure that says how long it ran began that long before it was
/// logged (docs/OUTPUT.md "When the first failed attempt began").
@Suite struct BeganLineTests {
    /// health-check-timeout/kustomize-controller.log:2 at 19:05:10.650, `Reconciliation failed after
    /// 5m1.973s`: the reconciliation began at 19:00:08.677, five minutes before `when:` starts.
    /// networkpolicy-9090-timeout/kustomize-controller.log at 02:49:47.484, `after 8m35.093410576s`:
    /// 02:41:12.391, while the first `i/o timeout` is logged 30 s later (a dial timeout).
    @Test(arguments: [
        ("samples/health-check-timeout", "    began:       19:00:08 UTC, the first failed attempt (kustomization-reconciliation-failed after 5m1.973s at 19:05:10)\n"),
        ("samples/networkpolicy-9090-timeout/kustomize-controller.log",
         "    began:       02:41:12 UTC, the first failed attempt (kustomization-reconciliation-failed after 8m35.093410576s at 02:49:47)\n"),
    ])
    func theFirstFailedAttemptsStartIsShown(_ input: String, _ line: String) throws {
        let r = try run(["--color", "never", input])
        #expect(r.text.contains(line), "\(r.text)")
    }

    /// pair-4-a's first `Reconciliation failed after 1.840578367s` (11:00:11) began 2 s before the
    /// span: nothing to add to `when:`.
    @Test func aFailureWithinSecondsAddsNoLine() throws {
        let r = try run(["--color", "never", "samples/pair-4-a"])
        #expect(r.text.contains("    when:        2026-11-24 11:00:11"))
        #expect(!r.text.contains("began:"))
    }
}

/// Incidents about a controller itself (its requests to the Kubernetes API, its leader lease)
/// name no object: CONTRACT.md's `resolved` ("a healthy signal for the incident's objects") is
/// read as a healthy event of that controller, whatever its object, or its leader lease acquired
/// again (`controller_healthy`, docs/PATTERNS.md). A trial's API-server outage that ended 15
/// minutes before the capture did was 4 open "Kubernetes API unreachable" and 4 open "Leader
/// election lost" incidents.
@Suite struct ControllerRecoveryTests {
    /// samples/apiserver-unreachable: the lease reads and updates fail from 10:05:02 to
    /// 10:05:23.428 (lines 3-7), then kustomize-controller finishes reconciling the
    /// Kustomization flux-system at 10:06:38.520 (line 9; line 8's apply proves nothing yet).
    @Test func aReconciliationByTheControllerResolvesItsAPIOutage() throws {
        let sample = "samples/apiserver-unreachable"
        let r = try run(["scan", "--format", "json", sample])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        let i = try #require(incidents.first)
        #expect(i["status"] as? String == "resolved")
        let recovery = try #require(i["recovery"] as? [String: Any])
        #expect(recovery["time"] as? String == "2025-03-04T10:06:38.520Z")
        #expect(recovery["exact"] as? Bool == true)
        #expect(recovery["object"] as? String == "Kustomization/flux-system/flux-system")
        #expect(recovery["signature"] as? String == "kustomization-reconciliation-finished")
        #expect(recovery["line"] as? Int == 9)
    }

    /// notification-controller loses its lease in an API outage and exits (`problem running
    /// manager` / `leader election lost`, Flux's main.go); the new process waits for the lease
    /// and gets it at 17:09:30 (client-go's `successfully acquired lease`): it reconciles
    /// nothing a log line names, so the lease is its healthy signal.
    static let outage = [
        #"{"level":"error","ts":"2026-12-01T17:02:06.000Z","logger":"runtime","msg":"error retrieving resource lock flux-system/notification-controller-leader-election: Get \"https://10.96.0.1:443/apis/coordination.k8s.io/v1/namespaces/flux-system/leases/notification-controller-leader-election\": context deadline exceeded"}"#,
        #"{"level":"error","ts":"2026-12-01T17:02:11.000Z","logger":"runtime","msg":"error retrieving resource lock flux-system/notification-controller-leader-election: Get \"https://10.96.0.1:443/apis/coordination.k8s.io/v1/namespaces/flux-system/leases/notification-controller-leader-election\": context deadline exceeded"}"#,
        #"{"level":"error","ts":"2026-12-01T17:02:36.003Z","logger":"setup","msg":"problem running manager","error":"leader election lost"}"#,
        #"{"level":"info","ts":"2026-12-01T17:02:48.000Z","logger":"setup","msg":"starting manager"}"#,
        #"{"level":"info","ts":"2026-12-01T17:02:48.010Z","logger":"runtime","msg":"attempting to acquire leader lease flux-system/notification-controller-leader-election...\n"}"#,
    ]
    static let acquired = #"{"level":"info","ts":"2026-12-01T17:09:30.000Z","logger":"runtime","msg":"successfully acquired lease flux-system/notification-controller-leader-election\n"}"#

    func incidents(_ files: [String: [String]]) throws -> [[String: Any]] {
        let dir = try scratch("controller-recovery")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, lines) in files {
            try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let r = try run(["scan", "--format", "json", dir.path])
        return try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
    }

    /// The election lost is how the lease failures ended: one incident (a wrapper of them).
    @Test func theLeaseAcquiredAgainResolvesTheOutageAndTheLostElection() throws {
        let all = try incidents(["notification-controller.log": Self.outage + [Self.acquired]])
        #expect(all.count == 1, "\(all.map { $0["title"] ?? "" })")
        let signals = Set((all.first?["signals"] as? [[String: Any]] ?? []).compactMap { $0["signature"] as? String })
        #expect(all.first?["title"] as? String == "Kubernetes API unreachable")
        #expect(signals.isSuperset(of: ["leader-lock-retrieve-failed", "leader-election-lost"]), "\(signals)")
        for i in all where i["controllers"] as? [String] == ["notification-controller"] {
            #expect(i["status"] as? String == "resolved", "\(i["title"] ?? "")")
            let recovery = try #require(i["recovery"] as? [String: Any])
            #expect(recovery["time"] as? String == "2026-12-01T17:09:30.000Z")
            #expect(recovery["signature"] as? String == "leader-election-acquired")
            #expect(recovery["controller"] as? String == "notification-controller")
            #expect(recovery["object"] is NSNull)
            #expect(recovery["line"] as? Int == 6)
        }
    }

    /// Without the lease, nothing says the controller works again: both stay open. Another
    /// controller's healthy reconciliation says nothing about this one.
    @Test func anotherControllersHealthDoesNotResolveIt() throws {
        let kustomize = #"{"level":"info","ts":"2026-12-01T17:05:00.000Z","msg":"Reconciliation finished in 1.311961771s, next run in 10m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"flux-system","namespace":"flux-system"},"namespace":"flux-system","name":"flux-system","reconcileID":"1d5c5f8a-8a4f-4b59-9f0e-58d6f5a6e1f2","revision":"main@sha1:7a1d9e3c4b5f"}"#
        let all = try incidents(["notification-controller.log": Self.outage, "kustomize-controller.log": [kustomize]])
        let ours = all.filter { $0["controllers"] as? [String] == ["notification-controller"] }
        #expect(ours.count == 1)
        for i in ours {
            #expect(i["status"] as? String == "open", "\(i["title"] ?? "")")
            #expect(i["recovery"] is NSNull)
        }
    }
}

/// One API server outage is one incident whatever controllers it hit: a trial's four
/// controllers (each `error retrieving resource lock ...: Get "https://10.96.0.1:443/...":
/// context deadline exceeded`, then `leader election lost`) were four `Kubernetes API
/// unreachable` and four `Leader election lost` incidents, each hypothesis counting the others'
/// records as its evidence.
@Suite struct APIServerOutageTests {
    @Test func fourControllersOneOutage() throws {
        let dir = try scratch("api-outage")
        defer { try? FileManager.default.removeItem(at: dir) }
        for c in ["source-controller", "kustomize-controller", "helm-controller", "notification-controller"] {
            let lines = ControllerRecoveryTests.outage.map { $0.replacingOccurrences(of: "notification-controller", with: c) }
                + [ControllerRecoveryTests.acquired.replacingOccurrences(of: "notification-controller", with: c)]
            try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("\(c).log"), atomically: true, encoding: .utf8)
        }
        let r = try run(["--format", "json", dir.path])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1, "\(incidents.map { $0["title"] ?? "" })")
        let i = try #require(incidents.first)
        #expect(i["controllers"] as? [String] == ["helm-controller", "kustomize-controller", "notification-controller", "source-controller"])
        #expect(i["status"] as? String == "resolved")
        #expect(((i["hypotheses"] as? [[String: Any]])?.first?["id"] as? String) == "apiserver-unreachable")
    }
}

/// Events that did not reach notification-controller are not over when the object they were
/// about reconciles again: its `Reconciliation finished` says nothing about delivery (a trial
/// found such an incident resolved while events were still lost). They are over when
/// notification-controller receives an event again (`dispatching event`, FLUX-LOGS.md 1.4).
@Suite struct EventDeliveryRecoveryTests {
    /// samples/notification-controller-unreachable/kustomize-controller.log lines 1-5: apps
    /// reconciles (01:10:06), its event fails (01:10:21, `no such host`), and it reconciles again
    /// (01:20:06.462), before its next event fails (line 6, cut here).
    func firstFive() throws -> [String] {
        let log = try String(contentsOf: packageRoot.appendingPathComponent("samples/notification-controller-unreachable/kustomize-controller.log"), encoding: .utf8)
        let lines = log.split(separator: "\n").prefix(5).map(String.init)
        #expect(lines[2].contains("unable to record event") && lines[4].contains("Reconciliation finished"))
        return lines
    }

    func incidents(_ files: [String: [String]], format: String = "json") throws -> RunResult {
        let dir = try scratch("event-delivery-recovery")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, lines) in files {
            try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return try run(["scan", "--format", format, "--color", "never", dir.path])
    }

    @Test func aReconciliationOfTheObjectLeavesItOpen() throws {
        let r = try incidents(["kustomize-controller.log": try firstFive()])
        let all = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(all.count == 1)
        #expect(all.first?["status"] as? String == "open")
        #expect(all.first?["recovery"] is NSNull)
    }

    @Test func anEventReceivedByNotificationControllerResolvesIt() throws {
        let received = #"{"level":"info","ts":"2026-11-24T01:25:00.130Z","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"Kustomization","namespace":"flux-system","name":"apps"},"message":"Reconciliation finished in 2.1s, next run in 10m0s"}"#
        let files = ["kustomize-controller.log": try firstFive(), "notification-controller.log": [received]]
        let all = try #require(try json(try incidents(files).stdout)["incidents"] as? [[String: Any]])
        let delivery = try #require(all.first { ($0["title"] as? String)?.hasPrefix("Events not delivered") == true })
        #expect(delivery["status"] as? String == "resolved")
        let recovery = try #require(delivery["recovery"] as? [String: Any])
        #expect(recovery["time"] as? String == "2026-11-24T01:25:00.130Z")
        #expect(recovery["signature"] as? String == "notification-dispatching")
        #expect(recovery["controller"] as? String == "notification-controller")
        #expect(recovery["object"] is NSNull)
        let text = try incidents(files, format: "text").text
        #expect(text.contains(": notification-controller healthy (notification-dispatching, notification-controller, "), "\(text)")
    }
}
