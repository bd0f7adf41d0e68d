import Foundation
import Testing
@testable import LogScan

/// notification-controller's own failures get steps about notification-controller, its Alert and
/// Provider, in the Alert's namespace, and event-delivery failures name the controller that gave up
/// (trial 16, defects 01, 03 and 06).
///
/// Records are Flux's current JSON shape. notification-controller's event-server logs
/// `failed to send notification` with the alert as `{name, namespace, providerName}` and the
/// provider's error (FLUX-LOGS.md 1.4, 3.13; internal/server/event_handlers.go); the error text is
/// Go's (`tls: failed to verify certificate: x509: ...`, FLUX-LOGS.md 3.6; `dial tcp ...: i/o
/// timeout`, 3.4/3.5). Controllers that cannot reach notification-controller log `unable to record
/// event ... giving up after 5 attempt(s)` (FLUX-LOGS.md 3.14, fluxcd/pkg runtime/events/recorder.go).
@Suite struct NotificationStepsTests {
    static func sendFailed(_ ts: String, _ error: String) -> String {
        #"{"level":"error","ts":"\#(ts)","logger":"event-server","msg":"failed to send notification","eventInvolvedObject":{"kind":"Kustomization","namespace":"team-a","name":"apps"},"alert":{"name":"team-slack","namespace":"team-a","providerName":"slack-bot"},"error":"\#(error)"}"#
    }

    static func providerIncident(_ error: String) throws -> Incident {
        let found = try TransientTests.incidents([("notification-controller.log", [
            sendFailed("2026-11-24T10:15:41.002Z", error), sendFailed("2026-11-24T10:25:41.002Z", error),
        ])])
        return try #require(found.first)
    }

    /// Slack's certificate not trusted by notification-controller: the Provider's CA, not a
    /// GitRepository's; and notification-controller's own x509 failure counts as evidence (the
    /// hypothesis was at its 55 % prior with no evidence).
    @Test func aProvidersTLSFailureIsAboutTheProvider() throws {
        let incident = try Self.providerIncident(
            #"postMessage failed: Post \"https://hooks.slack.com/services/T000/B000/XXXX\": tls: failed to verify certificate: x509: certificate signed by unknown authority"#)
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "tls-verification-failed")
        #expect(h.evidenceFor.contains { $0.contains("[tls-unknown-authority ×2") }, "\(h.evidenceFor)")
        #expect(h.confidence > 0.55)
        let steps = h.checks + h.remediation
        #expect(!steps.contains { $0.lowercased().contains("gitrepository") || $0.contains("flux reconcile source") }, "\(steps)")
        #expect(steps.contains("kubectl -n team-a get provider slack-bot -o yaml   # spec.address (or the address in spec.secretRef), spec.certSecretRef, spec.proxy"), "\(steps)")
        #expect(steps.contains("kubectl -n team-a get alert team-slack -o jsonpath='{.spec.providerRef.name}'   # the Alert's Provider"), "\(steps)")
        #expect(steps.contains { $0.hasPrefix("Private CA or a TLS-inspecting proxy") && $0.contains("kubectl -n team-a create secret generic") }, "\(steps)")
    }

    /// Slack's address timing out from notification-controller: egress of notification-controller's
    /// pods, not source-controller's.
    @Test func aProvidersEgressTimeoutIsAboutNotificationController() throws {
        let incident = try Self.providerIncident(
            #"postMessage failed: Post \"https://hooks.slack.com/services/T000/B000/XXXX\": dial tcp 54.192.23.41:443: i/o timeout"#)
        let h = try #require(incident.hypotheses.first { $0.id == "egress-blocked-external" })
        let steps = h.checks + h.remediation
        #expect(!steps.contains { $0.contains("source-controller") || $0.lowercased().contains("gitrepository") || $0.contains("flux get sources") }, "\(steps)")
        #expect(steps.contains { $0.contains("--labels=app=notification-controller") && $0.contains("https://hooks.slack.com/") }, "\(steps)")
        #expect(steps.contains { $0.hasPrefix("kubectl -n team-a get provider slack-bot -o jsonpath=") }, "\(steps)")
        #expect(steps.contains { $0.hasPrefix("Allow egress from notification-controller") }, "\(steps)")
    }

    /// A Provider answering 404 for an Alert in team-a: the Provider and Alert are looked up in
    /// team-a, the Provider by the name the log gives (`providerName`).
    @Test func providerChecksUseTheAlertsNamespaceAndTheProvidersName() throws {
        let incident = try Self.providerIncident("postMessage failed: request failed with status code 404: no_team")
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "notification-provider-rejected")
        #expect(h.checks.contains("kubectl -n team-a get provider slack-bot -o wide   # type, channel, address; Ready"), "\(h.checks)")
        #expect(h.checks.contains("kubectl -n team-a get alert team-slack -o jsonpath='{.spec.providerRef.name}'   # the Provider this Alert posts to"), "\(h.checks)")
        #expect(!h.checks.contains { $0.contains("-n flux-system") }, "\(h.checks)")
    }

    /// The Alert's NotificationDispatchFailed event names no Provider: the Provider's name stays a
    /// placeholder, its namespace is still the Alert's (spec.providerRef is a local reference).
    @Test func anUnnamedProviderIsStillInTheAlertsNamespace() throws {
        // [reconstructed] the Alert's event (`failed to send notification for %s: %s`, FLUX-LOGS.md 3.13)
        func event(_ ts: String) -> String {
            #"{"level":"debug","ts":"\#(ts)","logger":"events","msg":"failed to send notification for Kustomization/team-a/apps: postMessage failed: request failed with status code 403: invalid_token","type":"Warning","object":{"kind":"Alert","namespace":"team-a","name":"team-slack","uid":"2f7f7c1e-8d3a-4b5c-9e6f-0a1b2c3d4e5f","apiVersion":"notification.toolkit.fluxcd.io/v1beta3","resourceVersion":"48213"},"reason":"NotificationDispatchFailed"}"#
        }
        let found = try TransientTests.incidents([("notification-controller.log", [event("2026-11-24T10:15:41.010Z"), event("2026-11-24T10:25:41.010Z")])])
        let h = try #require(found.first?.hypotheses.first { $0.id == "notification-provider-rejected" })
        #expect(h.checks.contains("kubectl -n team-a get provider <name> -o wide   # type, channel, address; Ready"), "\(h.checks)")
    }

    /// image-reflector-controller gives up posting events while its scans succeed: the check reads
    /// its own --events-addr, and its successful scans count as "reconciliations still succeed".
    /// The Provider's host does not resolve: notification-controller's own lookup (Go's `dial tcp:
    /// lookup <host> on <dns>: no such host`, FLUX-LOGS.md 3.5). No hypothesis applied (the
    /// incident's class is the Provider's, and DNS was only for sources).
    @Test func aProvidersHostThatDoesNotResolveIsDNS() throws {
        let incident = try Self.providerIncident(
            #"postMessage failed: Post \"https://hooks.slack.com/services/T000/B000/XXXX\": dial tcp: lookup hooks.slack.com on 10.96.0.10:53: no such host"#)
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "dns-resolution-failed")
        let steps = h.checks + h.remediation
        #expect(steps.contains { $0.contains("nslookup hooks.slack.com") }, "\(steps)")
        #expect(steps.contains { $0.hasPrefix("Fix CoreDNS (its upstream forwarders) or the host name in the Provider's address") }, "\(steps)")
        #expect(!steps.contains { $0.lowercased().contains("gitrepository") }, "\(steps)")
    }

    /// The provider answers 503 (`request failed with status code 503: <body>`, internal/notifier/
    /// client.go; FLUX-LOGS.md 3.13): an outage on its side, not the Alert's configuration. No
    /// hypothesis applied.
    @Test func aProviderAnswering5xxIsItsOutage() throws {
        let incident = try Self.providerIncident(
            "postMessage failed: request failed: request failed with status code 503: upstream connect error or disconnect/reset before headers")
        #expect(incident.signals.first { $0.signature == "notification-send-failed" }?.captures["status"] == "503")
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "notification-provider-unavailable")
        #expect(h.confidence > 0.8)
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n team-a get provider slack-bot -o wide") }, "\(h.checks)")
        // A 4xx is the Provider's configuration: the outage is not offered first.
        let refused = try Self.providerIncident(#"postMessage failed: request failed: request failed with status code 404: no_team"#)
        #expect(refused.hypotheses.first?.id == "notification-provider-rejected")
    }

    /// The provider answers 429 (`request failed with status code 429: <body>`, internal/notifier/
    /// client.go; FLUX-LOGS.md 1.4, 3.13): Slack throttles the Alert's events. The steps are about
    /// the Alert (which events it sends) and its Provider, in the Alert's namespace, not a
    /// registry's pull secret or the sources' intervals (they were the only steps).
    @Test func aProviderAnswering429IsAboutTheAlertsVolume() throws {
        let incident = try Self.providerIncident("postMessage failed: request failed: request failed with status code 429: rate limited")
        #expect(incident.signals.first { $0.signature == "provider-rate-limited" }?.captures["provider"] == "slack-bot")
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "rate-limited")
        let steps = h.checks + h.remediation
        #expect(!steps.contains { $0.contains("secret") || $0.contains("ocirepository") || $0.contains("flux get sources") || $0.contains("spec.interval") }, "\(steps)")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n team-a get alert team-slack -o jsonpath=") && $0.contains("{.spec.eventSeverity}") && $0.contains("{.spec.exclusionList}") }, "\(h.checks)")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n team-a get provider slack-bot -o jsonpath=") && $0.contains("{.spec.proxySecretRef.name}") }, "\(h.checks)")
        #expect(h.remediation.contains { $0.hasPrefix("Send fewer events to the Provider") && $0.contains("spec.eventSeverity") && $0.contains("spec.exclusionList") }, "\(h.remediation)")
        #expect(!steps.contains { $0.contains("-n flux-system get alert") || $0.contains("-n flux-system get provider") }, "\(steps)")
    }

    @Test func eventDeliveryNamesTheControllerThatGaveUp() throws {
        func scan(_ ts: String, _ msg: String, _ id: String) -> String {
            #"{"level":"info","ts":"\#(ts)","msg":"\#(msg)","controller":"imagerepository","controllerGroup":"image.toolkit.fluxcd.io","controllerKind":"ImageRepository","ImageRepository":{"name":"checkout-api","namespace":"shop"},"namespace":"shop","name":"checkout-api","reconcileID":"\#(id)"}"#
        }
        func lost(_ ts: String) -> String {
            #"{"level":"error","ts":"\#(ts)","msg":"unable to record event","name":"checkout-api","namespace":"shop","reconciler kind":"ImageRepository","error":"POST http://notification-controller.flux-system.svc.cluster.local./ giving up after 5 attempt(s): Post \"http://notification-controller.flux-system.svc.cluster.local./\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"}"#
        }
        let found = try TransientTests.incidents([("image-reflector-controller.log", [
            scan("2026-11-24T10:00:00.412Z", "successful scan: found 42 tags", "4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d"),
            lost("2026-11-24T10:00:45.420Z"),
            scan("2026-11-24T10:05:00.397Z", "no new tags found, next scan in 5m0s", "5a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d"),
            scan("2026-11-24T10:10:00.397Z", "successful scan: found 43 tags", "6a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d"),
            lost("2026-11-24T10:10:45.420Z"),
        ])])
        let h = try #require(found.first?.hypotheses.first)
        #expect(h.id == "notification-controller-unreachable")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n flux-system get deploy image-reflector-controller -o jsonpath=") }, "\(h.checks)")
        #expect(!h.checks.contains { $0.contains("kustomize-controller") }, "\(h.checks)")
        #expect(h.evidenceFor.contains { $0.hasPrefix("the reconciliations themselves succeeded") && $0.contains("[image-scan-succeeded ×3") }, "\(h.evidenceFor)")
    }
}
