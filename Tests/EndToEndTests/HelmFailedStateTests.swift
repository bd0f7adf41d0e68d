import Foundation
import Testing

/// helm-controller v1 logs the state its action left the release in right after the action's
/// failure: `release is in a failed state` (internal/reconcile/state.go, FLUX-LOGS.md 3.7) and,
/// once remediation gives up, `Reconciler error` with `terminal error: exceeded maximum retries:
/// cannot remediate failed release` (internal/reconcile/atomic_release.go). They report a failed
/// action, they are not its cause: they join the incident of the cause when the same HelmRelease
/// has one (trial 14: one failed upgrade was two ERROR incidents, the second "Helm release in a
/// failed state" with a generic hypothesis; a v1 unlock after a kill was two warnings).
@Suite struct HelmFailedStateTests {
    /// An upgrade whose Deployment selector changed (the event helm-controller logs at debug,
    /// logger `events`, reason `UpgradeFailed`), then the failed state and the terminal error,
    /// within 120 ms.
    static let upgradeFailed = [
        #"{"level":"info","ts":"2024-05-20T02:00:00.000Z","msg":"release out-of-sync with desired state: chart version changed","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"backend","namespace":"shop"},"namespace":"shop","name":"backend","reconcileID":"377e6ff8-8e83-5961-2e84-3b2c7e96ba87"}"#,
        #"{"level":"info","ts":"2024-05-20T02:00:00.010Z","msg":"running 'upgrade' action with timeout of 5m0s","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"backend","namespace":"shop"},"namespace":"shop","name":"backend","reconcileID":"4b17653e-5213-dcb1-e833-7be0cf4b4d1f"}"#,
        #"{"level":"debug","ts":"2024-05-20T02:00:02.000Z","logger":"events","msg":"Helm upgrade failed for release shop/backend with chart backend@2.0.0: cannot patch \"backend\" with kind Deployment: Deployment.apps \"backend\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"backend-v2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable\n\nLast Helm logs:\n\npreparing upgrade for backend","type":"Warning","object":{"kind":"HelmRelease","namespace":"shop","name":"backend","uid":"7c1e2f3a-0b1c-4d5e-8f90-a1b2c3d4e5f6","apiVersion":"helm.toolkit.fluxcd.io/v2","resourceVersion":"99123"},"reason":"UpgradeFailed"}"#,
        #"{"level":"info","ts":"2024-05-20T02:00:02.100Z","msg":"release is in a failed state","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"backend","namespace":"shop"},"namespace":"shop","name":"backend","reconcileID":"0718c1a4-b173-61da-cdd1-73e9522aeca5"}"#,
        #"{"level":"error","ts":"2024-05-20T02:00:02.120Z","msg":"Reconciler error","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"backend","namespace":"shop"},"namespace":"shop","name":"backend","reconcileID":"10abffe1-5bfe-0688-5b80-4cd57c7573a5","error":"terminal error: exceeded maximum retries: cannot remediate failed release"}"#,
    ]
    /// helm-controller started again after a kill finds the release `pending-upgrade`, unlocks
    /// it (v1 marks it failed: `release is in a failed state`) and upgrades.
    static let unlock = [
        #"{"level":"info","ts":"2024-05-20T02:00:01.000Z","logger":"setup","msg":"starting manager"}"#,
        #"{"level":"info","ts":"2024-05-20T02:00:01.100Z","msg":"starting server","kind":"health probe","addr":"[::]:9440"}"#,
        #"{"level":"info","ts":"2024-05-20T02:00:01.200Z","logger":"runtime","msg":"attempting to acquire leader lease flux-system/helm-controller-leader-election..."}"#,
        #"{"level":"info","ts":"2024-05-20T02:00:35.000Z","logger":"runtime","msg":"successfully acquired lease flux-system/helm-controller-leader-election"}"#,
        #"{"level":"info","ts":"2024-05-20T02:00:35.100Z","msg":"Starting workers","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","worker count":4}"#,
        #"{"level":"info","ts":"2024-05-20T02:00:36.000Z","msg":"release locked: release with status 'pending-upgrade'","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"kube-prometheus-stack","namespace":"monitoring"},"namespace":"monitoring","name":"kube-prometheus-stack","reconcileID":"4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d"}"#,
        #"{"level":"info","ts":"2024-05-20T02:00:36.010Z","msg":"running 'unlock' action with timeout of 10m0s","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"kube-prometheus-stack","namespace":"monitoring"},"namespace":"monitoring","name":"kube-prometheus-stack","reconcileID":"4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d"}"#,
        #"{"level":"info","ts":"2024-05-20T02:00:36.300Z","msg":"release is in a failed state","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"kube-prometheus-stack","namespace":"monitoring"},"namespace":"monitoring","name":"kube-prometheus-stack","reconcileID":"4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d"}"#,
        #"{"level":"info","ts":"2024-05-20T02:00:36.310Z","msg":"running 'upgrade' action with timeout of 10m0s","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"kube-prometheus-stack","namespace":"monitoring"},"namespace":"monitoring","name":"kube-prometheus-stack","reconcileID":"4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d"}"#,
    ]

    func report(_ lines: [String]) throws -> [[String: Any]] {
        let dir = try scratch("failed-state")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("helm-controller.log")
        try (lines.joined(separator: "\n") + "\n").write(to: log, atomically: true, encoding: .utf8)
        let r = try run(["--format", "json", log.path])
        return try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
    }

    @Test func theFailedStateJoinsTheIncidentOfTheFailedUpgrade() throws {
        let incidents = try report(Self.upgradeFailed)
        #expect(incidents.count == 1)
        let signals = (incidents.first?["signals"] as? [[String: Any]] ?? []).compactMap { $0["signature"] as? String }
        #expect(Set(signals).isSuperset(of: ["apply-immutable-field", "helm-release-failed-state", "helm-retries-exhausted"]), "\(signals)")
        let first = (incidents.first?["hypotheses"] as? [[String: Any]])?.first?["id"] as? String
        #expect(first == "immutable-field-change")
    }

    @Test func theUnlocksFailedStateJoinsTheLockIncident() throws {
        let incidents = try report(Self.unlock)
        #expect(incidents.count == 1)
        #expect((incidents.first?["hypotheses"] as? [[String: Any]])?.first?["id"] as? String == "helm-release-locked")
    }

    /// With no cause in the log (helm-controller at info level logs no Helm error), the failed
    /// state and the exhausted retries are still an incident of their own.
    @Test func withoutACauseTheyStillMakeAnIncident() throws {
        let incidents = try report([Self.upgradeFailed[0], Self.upgradeFailed[1], Self.upgradeFailed[3], Self.upgradeFailed[4]])
        #expect(incidents.count == 1)
        #expect(incidents.first?["severity"] as? String == "error")
        #expect((incidents.first?["hypotheses"] as? [[String: Any]])?.first?["id"] as? String == "helm-action-failed")
    }
}
