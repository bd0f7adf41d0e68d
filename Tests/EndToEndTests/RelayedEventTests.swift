import Foundation
import Testing

/// notification-controller logs each event it forwards: `dispatching event` (logger
/// `event-server`) with the event's `message` and `eventInvolvedObject` (internal/server/
/// event_handlers.go, FLUX-LOGS.md 1.4). helm-controller at its default `--log-level=info` logs no
/// Helm error; the `UpgradeFailed` event it records carries it, and notification-controller's
/// relay may be its only copy (trial 14: the report said "the Helm error says why" without it).
/// `notification-dispatching` declares `relays: message`: the message is matched as a record of
/// the object's controller (Sources/LogScan/Matching/QuotedCause.swift `relayed`).
@Suite struct RelayedEventTests {
    /// helm-controller v1 at info level: out of sync, the upgrade, the failed state and the
    /// terminal error (FLUX-LOGS.md 3.1, 3.7).
    static let helmController = [
        #"{"level":"info","ts":"2024-05-20T02:00:00.000Z","msg":"release out-of-sync with desired state: chart version changed","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"backend","namespace":"shop"},"namespace":"shop","name":"backend","reconcileID":"377e6ff8-8e83-5961-2e84-3b2c7e96ba87"}"#,
        #"{"level":"info","ts":"2024-05-20T02:00:00.010Z","msg":"running 'upgrade' action with timeout of 5m0s","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"backend","namespace":"shop"},"namespace":"shop","name":"backend","reconcileID":"4b17653e-5213-dcb1-e833-7be0cf4b4d1f"}"#,
        #"{"level":"info","ts":"2024-05-20T02:05:00.000Z","msg":"release is in a failed state","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"backend","namespace":"shop"},"namespace":"shop","name":"backend","reconcileID":"0718c1a4-b173-61da-cdd1-73e9522aeca5"}"#,
        #"{"level":"error","ts":"2024-05-20T02:05:00.020Z","msg":"Reconciler error","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"backend","namespace":"shop"},"namespace":"shop","name":"backend","reconcileID":"10abffe1-5bfe-0688-5b80-4cd57c7573a5","error":"terminal error: exceeded maximum retries: cannot remediate failed release"}"#,
    ]
    /// The relayed `UpgradeFailed` event: helm-controller's `Helm upgrade failed for release %s/%s
    /// with chart %s@%s: %s` (FLUX-LOGS.md 3.7), here an immutable Deployment selector.
    static let notificationController = [
        #"{"level":"info","ts":"2024-05-20T02:05:00.040Z","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"HelmRelease","namespace":"shop","name":"backend","uid":"7c1e2f3a-0b1c-4d5e-8f90-a1b2c3d4e5f6","apiVersion":"helm.toolkit.fluxcd.io/v2","resourceVersion":"99123"},"message":"Helm upgrade failed for release shop/backend with chart backend@2.0.0: cannot patch \"backend\" with kind Deployment: Deployment.apps \"backend\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"backend-v2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable\n\nLast Helm logs:\n\npreparing upgrade for backend"}"#,
    ]

    func scan(_ files: [String: [String]], _ args: [String] = ["--format", "json"]) throws -> RunResult {
        let dir = try scratch("relayed")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, lines) in files {
            try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return try run(args + [dir.path])
    }

    @Test func theRelayedHelmErrorIsTheCause() throws {
        let r = try scan(["helm-controller.log": Self.helmController, "notification-controller.log": Self.notificationController])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        let i = try #require(incidents.first)
        // Evidence, not a failure of its own: the incident's signals are helm-controller's lines.
        let signals = (i["signals"] as? [[String: Any]] ?? []).compactMap { $0["signature"] as? String }
        #expect(!signals.contains("apply-immutable-field"), "\(signals)")
        let first = try #require((i["hypotheses"] as? [[String: Any]])?.first)
        #expect(first["id"] as? String == "immutable-field-change")
        // Its evidence is the relaying record, notification-controller.log:1 (20 ms after the last
        // failure of helm-controller's log: the window reaches a relay a minute late).
        let evidence = (first["evidence_for"] as? [String] ?? []).joined(separator: "\n")
        #expect(evidence.contains("[apply-immutable-field, first 02:05:00, "), "\(evidence)")
        #expect(evidence.contains("notification-controller.log:1]"), "\(evidence)")
    }

    /// Without it, the same HelmRelease has only helm-controller's state lines: no cause.
    @Test func withoutTheRelayNoCauseIsNamed() throws {
        let r = try scan(["helm-controller.log": Self.helmController])
        let i = try #require((try json(r.stdout)["incidents"] as? [[String: Any]])?.first)
        #expect((i["hypotheses"] as? [[String: Any]])?.first?["id"] as? String == "helm-action-failed")
    }

    /// A relayed healthy event is no failure, and a relay is not counted as a hit of what it
    /// relays (`--counts` counts each signature's own records).
    @Test func relaysAreNotCountedAndHealthyOnesAddNothing() throws {
        let r = try scan(["notification-controller.log": Self.notificationController], ["--counts"])
        let counts = Dictionary(uniqueKeysWithValues: r.text.split(separator: "\n").map { row in
            let cols = row.split(separator: "\t")
            return (String(cols[0]), Int(cols[1]) ?? -1)
        })
        #expect(counts["notification-dispatching"] == 1)
        #expect(counts["apply-immutable-field"] == 0)
        let healthy = #"{"level":"info","ts":"2025-03-04T10:15:02.130Z","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"Kustomization","namespace":"flux-system","name":"apps"},"message":"Reconciliation finished in 2.1s, next run in 10m0s"}"#
        let quiet = try scan(["notification-controller.log": [healthy]])
        #expect((try json(quiet.stdout)["incidents"] as? [[String: Any]])?.isEmpty == true)
        // With kustomize-controller's own log, a relayed copy of its failure adds no count (trial
        // 15: `health-check-timeout ×4` for 2 records): relays are evidence, not failures.
        let kc = [
            #"{"level":"info","ts":"2025-03-04T10:15:02.100Z","msg":"Source artifact not found, retrying in 30s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"8b0e6f5c-2d4a-4f3b-9c1e-7a6d5e4f3b2a"}"#,
            #"{"level":"info","ts":"2025-03-04T10:15:40.000Z","msg":"Reconciliation finished in 2.1s, next run in 10m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"9c1f7a6d-3e5b-4a4c-8d2f-8b7e6f5a4c3b"}"#,
        ]
        let wait = #"{"level":"info","ts":"2025-03-04T10:15:02.130Z","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"Kustomization","namespace":"flux-system","name":"apps"},"message":"Source artifact not found, retrying in 30s"}"#
        let both = try #require(try json(try scan(["kustomize-controller.log": kc, "notification-controller.log": [wait]]).stdout)["incidents"] as? [[String: Any]])
        #expect(both.count == 1)
        let waits = (both.first?["signals"] as? [[String: Any]])?.filter { $0["signature"] as? String == "source-artifact-not-ready" }
        #expect(waits?.map { $0["count"] as? Int } == [1])
        #expect(both.first?["transient"] as? Bool == true)
    }

    /// Without any record of the object's controller (kustomize-controller's log not given), the
    /// relay is all there is: its failures make the incident (trial 15: no incident at all).
    @Test func withoutTheControllersLogTheRelayIsTheFailure() throws {
        let failed = #"{"level":"info","ts":"2025-03-04T10:15:02.130Z","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"HelmRelease","namespace":"shop","name":"backend"},"message":"Helm upgrade failed for release shop/backend with chart backend@2.0.0: cannot patch \"backend\" with kind Deployment: Deployment.apps \"backend\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"backend-v2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"}"#
        let incidents = try #require(try json(try scan(["notification-controller.log": [failed]]).stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        #expect(incidents.first?["objects"] as? [String] == ["HelmRelease/shop/backend"])
        #expect((incidents.first?["hypotheses"] as? [[String: Any]])?.first?["id"] as? String == "immutable-field-change")
    }

    /// A relayed success after relayed failures, with no record of the object's controller: the
    /// incident known from the relay is resolved by it, as the object's own `Reconciliation
    /// finished` would resolve it (kustomize-controller's formats since v1.2.0, FLUX-LOGS.md 1.4 and 3.4). The
    /// success was dropped when its `dispatching event` record was read in place (a healthy
    /// signature's literal in `message` did not send it to the full decoder), so the incident
    /// stayed `open` unless `-v` or `--no-prefilter` decoded every record.
    @Test func aRelayedSuccessResolvesAnIncidentKnownFromRelaysAlone() throws {
        func dispatch(_ ts: String, _ message: String) -> String {
            #"{"level":"info","ts":"2025-03-04T\#(ts)Z","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"Kustomization","namespace":"flux-system","name":"apps","uid":"c2ceeb1c-dbdb-46c5-8863-a3315f1af406","apiVersion":"kustomize.toolkit.fluxcd.io/v1","resourceVersion":"9915876"},"message":"\#(message)"}"#
        }
        let failed = "health check failed after 5m0.012s: timeout waiting for: [Deployment/apps/podinfo status: 'InProgress']"
        let lines = [
            dispatch("10:00:00.000", failed), dispatch("10:10:00.000", failed),
            dispatch("10:20:00.000", "Reconciliation finished in 2.1s, next run in 10m0s"),
        ]
        for flags in [[], ["--no-prefilter"]] {
            let r = try scan(["notification-controller.log": lines], flags + ["--format", "json"])
            let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
            #expect(incidents.count == 1, "\(flags)")
            #expect(incidents.first?["objects"] as? [String] == ["Kustomization/flux-system/apps"], "\(flags)")
            #expect(incidents.first?["status"] as? String == "resolved", "\(flags)")
            let recovery = incidents.first?["recovery"] as? [String: Any]
            #expect(recovery?["time"] as? String == "2025-03-04T10:20:00.000Z", "\(flags)")
            #expect(recovery?["line"] as? Int == 3, "\(flags)")
        }
        // The success is read in place (its text matched as kustomize-controller's record there),
        // the two failures decoded in full: a relayed success costs no full decode.
        let dir = try scratch("relayed-in-place")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("notification-controller.log")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        #expect(try ClosingTests.debugCount(["--format", "json", file.path], "records read in place") == 1)
        #expect(try ClosingTests.debugCount(["--format", "json", file.path], "decoded") == 2)
    }
}
