import Foundation
import Testing
@testable import LogScan

/// `flux logs` lines of notification-controller before its commit 80f7237, printed under the
/// kind of the event's involved object, are notification-controller's (docs/PATTERNS.md).
@Suite struct FluxLogsInvolvedKindTests {
    /// Each old line opens as notification-controller's own do (`FluxControllers.notificationOpenings`).
    @Test(arguments: [sendFailed, discarded, dispatching, rateLimited])
    func notificationControllersOpeningNamesItWhateverTheKind(_ line: String) {
        let r = decode(line)
        #expect(r.format == .fluxLogs)
        #expect(r.controller == "notification-controller")
    }

    /// The object stays the event's involved object, as the JSON record names it.
    @Test func theObjectIsTheInvolvedObject() {
        #expect(decode(Self.sendFailed).object?.description == "Kustomization/flux-system/apps")
        #expect(decode(Self.discarded).object?.description == "HelmChart/default/app")
    }

    /// The `--no-cross-namespace-refs` refusal (event_handlers.go before 80f7237:
    /// `s.logger.Error(accessDenied, "Discarding event, access denied to cross-namespace sources")`,
    /// no kind) is notification-controller's too.
    @Test func theCrossNamespaceRefusalIsNotificationControllers() {
        let r = decode("2023-06-01T09:00:02.000Z error  - Discarding event, access denied to cross-namespace sources alert 'flux-system/slack' can't process event from 'Kustomization/apps/podinfo', cross-namespace references have been blocked")
        #expect(r.controller == "notification-controller")
    }

    /// One old `flux logs -A` stream: the provider failures make notification-controller's
    /// incident with its signature, and no kustomize-controller incident; a relayed failure
    /// (`Dispatching event: <kustomize-controller's error>`) is not one more failure of
    /// kustomize-controller (its own record, the `Reconciliation failed` line, counts once).
    @Test func anOldStreamAttributesNotificationLinesToNotificationController() throws {
        let error = "health check failed after 5m0.01s: timeout waiting for: [Deployment/podinfo/podinfo status: 'InProgress']"
        let lines = [
            "2023-06-01T09:00:00.000Z error Kustomization/apps.flux-system - Reconciliation failed after 5m0.4s, next try in 5m0s \(error)",
            "2023-06-01T09:00:00.030Z info Kustomization/apps.flux-system - Dispatching event: \(error) ",
            Self.sendFailed,
            "2023-06-01T09:10:00.100Z error Kustomization/apps.flux-system - failed to send notification postMessage failed: request failed with status code 503: service unavailable",
        ]
        let found = try TransientTests.incidents([("flux-logs-all.txt", lines)])
        let sending = try #require(found.first { $0.signatures.contains("notification-send-failed") })
        #expect(sending.controllers == ["notification-controller"])
        #expect(sending.signals.first { $0.signature == "notification-send-failed" }?.count == 2)
        let health = try #require(found.first { $0.signatures.contains("health-check-timeout") })
        #expect(health.controllers == ["kustomize-controller"])
        #expect(health.signals.first { $0.signature == "health-check-timeout" }?.count == 1)
        #expect(!found.contains { $0.controllers.contains("kustomize-controller") && $0.signatures.contains("notification-send-failed") })
    }

    /// `flux logs` prints `{{or .Kind .ControllerKind}}/{{.Name}}.{{.Namespace}}` with `Kind`
    /// read from `reconciler kind` (flux2 `cmd/flux/logs.go`, FLUX-LOGS.md 2), and the old event
    /// server logged `s.logger.Error(err, "failed to send notification", "reconciler kind",
    /// event.InvolvedObject.Kind, ...)` (internal/server/event_handlers.go): read as
    /// kustomize-controller's, no signature knew it.
    static let sendFailed = "2023-06-01T09:00:00.100Z error Kustomization/apps.flux-system - failed to send notification postMessage failed: request failed with status code 503: service unavailable"
    /// The record is real (FLUX-LOGS.md 1.4, helm-controller#247: `"reconciler kind":"HelmChart"`).
    static let discarded = "2021-04-16T16:46:45.501Z info HelmChart/app.default - Discarding event, no alerts found for the involved object "
    /// `Dispatching event: %s` (event_handlers.go) and the rate limiter's line (event_server.go),
    /// both with the involved object's kind.
    static let dispatching = "2023-06-01T09:00:00.030Z info HelmRelease/podinfo.podinfo - Dispatching event: Helm upgrade succeeded "
    static let rateLimited = "2023-06-01T09:00:01.000Z debug Kustomization/apps.flux-system - Discarding event, rate limiting duplicate events "
}
