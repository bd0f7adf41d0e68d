import Foundation
import Testing
@testable import LogScan

/// `flux logs` lines with an empty kind (flux2 `cmd/flux/logs.go` template
/// `{{.Timestamp}} {{.Level}} {{or .Kind .ControllerKind}}{{if .Name}}/{{.Name}}.{{.Namespace}}{{end}} - {{.Message}} {{.Error}}`,
/// FLUX-LOGS.md 2): notification-controller's event server logs with `eventInvolvedObject` and no
/// `reconciler kind`/`controllerKind` (notification-controller `internal/server/event_handlers.go`,
/// `event_server.go`), so `flux logs -A` prints `<ts> error  - failed to send notification <error>`.
/// A trial user's notification failures were read as the stream's controller's and no signature
/// knew them.
@Suite struct FluxLogsKindlessTests {
    /// The messages and errors notification-controller logs (FLUX-LOGS.md 1.4, 3.13; the
    /// `failed to read provider: %w` wrapping of event_handlers.go `getNotificationParams`, with
    /// controller-runtime's NotFound text), as `flux logs` prints them.
    static let sendFailed = "2025-03-04T10:15:41.002Z error  - failed to send notification postMessage failed: request failed with status code 503: service unavailable"
    static let providerMissing = #"2025-03-04T10:17:41.002Z error  - failed to dispatch notification failed to read provider: Provider.notification.toolkit.fluxcd.io "slack" not found"#
    static let dispatching = "2025-03-04T10:15:40.990Z info  - dispatching event "
    static let rateLimited = "2025-03-04T10:15:42.000Z debug  - Discarding event, rate limiting duplicate events "
    static let bodyFailed = "2025-03-04T10:15:43.000Z error  - decoding the request body failed unexpected EOF"
    /// A kustomize-controller line of the same `flux logs -A` stream.
    static let finished = "2025-03-04T10:15:00.118Z info Kustomization/apps.flux-system - Reconciliation finished in 2.1s, next run in 10m0s "

    @Test(arguments: [sendFailed, providerMissing, dispatching, rateLimited, bodyFailed])
    func anEmptyKindWithNotificationControllersOpeningIsItsRecord(_ line: String) {
        let r = decode(line)
        #expect(r.format == .fluxLogs)
        #expect(r.controller == "notification-controller")
        #expect(r.object == nil)
    }

    @Test func theMessageAndErrorStayAsPrinted() {
        let r = decode(Self.sendFailed)
        #expect(r.level == .error)
        #expect(r.time?.rfc3339 == "2025-03-04T10:15:41.002Z")
        #expect(r.message == "failed to send notification postMessage failed: request failed with status code 503: service unavailable")
    }

    /// Empty-kind lines of other controllers (controller-runtime's start-up, FLUX-LOGS.md 1.2)
    /// name no controller: the stream's stands.
    @Test(arguments: [
        "2025-03-04T10:00:00.000Z info  - starting manager ",
        "2025-03-04T10:00:00.100Z info  - Starting metrics server ",
        // klog routed into zap, logger `runtime` (FLUX-LOGS.md 1.2, flux2#1395's message)
        "2025-03-04T10:00:00.200Z info  - attempting to acquire leader lease flux-system/kustomize-controller-leader-election... ",
    ])
    func otherEmptyKindLinesNameNoController(_ line: String) {
        let r = decode(line)
        #expect(r.format == .fluxLogs)
        #expect(r.controller == nil)
    }

    /// A kind still names its controller, whatever the message says.
    @Test func aKindStillNamesTheController() {
        let r = decode(Self.finished)
        #expect(r.controller == "kustomize-controller")
        #expect(r.object?.description == "Kustomization/flux-system/apps")
    }

    /// One `flux logs -A` stream (no controller in its name): the provider failures make an
    /// incident of notification-controller with its signature, not kustomize-controller's.
    @Test func notificationFailuresInAFluxLogsStreamAreNotificationControllers() throws {
        let lines = [
            Self.finished,
            Self.dispatching,
            Self.sendFailed,
            "2025-03-04T10:25:41.002Z error  - failed to send notification postMessage failed: request failed with status code 503: service unavailable",
        ]
        let found = try TransientTests.incidents([("flux-logs-all.txt", lines)])
        let incident = try #require(found.first { $0.signatures.contains("notification-send-failed") })
        #expect(incident.controllers == ["notification-controller"])
        let signal = try #require(incident.signals.first { $0.signature == "notification-send-failed" })
        #expect(signal.controller == "notification-controller")
        #expect(signal.count == 2)
        #expect(signal.captures["status"] == "503")
        #expect(!found.contains { $0.controllers.contains("kustomize-controller") })
    }
}
