import Foundation
import Testing
@testable import LogScan

/// An Alert whose spec.providerRef names a Provider that is not in its namespace. Wording from
/// fluxcd/notification-controller internal/server/event_handlers.go: `getNotificationParams`
/// returns `failed to read provider: %w` around the API's NotFound (controller-runtime's cache
/// reader names the Kind: `Provider.notification.toolkit.fluxcd.io "slack-bot" not found`), and
/// `handleEvent` logs it as `failed to dispatch notification` with the alert logger value
/// `{name, namespace, providerName}` beside event_server.go's `eventInvolvedObject`; before
/// commit 80f7237 (2023-11) the event server logged `failed to read provider` with `reconciler
/// kind: Provider`, the Provider's name and the Alert's namespace. Lines reconstructed from those
/// format strings.
@Suite struct AlertProviderMissingTests {
    static let patterns = PatternLoader.shipped().set

    static func current(_ ts: String, error: String = #"failed to read provider: Provider.notification.toolkit.fluxcd.io \"slack-bot\" not found"#) -> String {
        #"{"level":"error","ts":"\#(ts)","logger":"event-server","msg":"failed to dispatch notification","eventInvolvedObject":{"kind":"Kustomization","namespace":"team-a","name":"apps","uid":"7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f","apiVersion":"kustomize.toolkit.fluxcd.io/v1","resourceVersion":"918273"},"alert":{"name":"team-slack","namespace":"team-a","providerName":"slack-bot"},"error":"\#(error)"}"#
    }

    static let beforeRefactor = #"{"level":"error","ts":"2022-03-10T09:12:41.502Z","logger":"event-server","msg":"failed to read provider","reconciler kind":"Provider","name":"slack","namespace":"flux-system","error":"Provider.notification.toolkit.fluxcd.io \"slack\" not found"}"#

    /// The captures of `alert-provider-not-found` on `line`, nil when it does not hit.
    static func captures(_ line: String) throws -> [String: String]? {
        let index = try #require(patterns.signatures.firstIndex { $0.id == "alert-provider-not-found" })
        return SignatureMatcher(patterns: patterns).match(decode(line, file: "notification-controller.log"))
            .first { $0.signature == index }?.captures
    }

    @Test func currentWordingCapturesTheProviderAndTheAlert() throws {
        let caps = try #require(try Self.captures(Self.current("2025-03-04T10:15:41.002Z")))
        #expect(caps["provider"] == "slack-bot")
        #expect(caps["alert"] == "team-slack")
        #expect(caps["namespace"] == "team-a")
    }

    @Test func olderWordingCapturesTheProvider() throws {
        let caps = try #require(try Self.captures(Self.beforeRefactor))
        #expect(caps == ["provider": "slack"])
    }

    /// `flux logs` prints the record with an empty kind; it is still notification-controller's.
    @Test func fluxLogsLineIsNotificationControllersAndCapturesTheProvider() throws {
        let line = #"2025-03-04T10:15:41.002Z error  - failed to dispatch notification failed to read provider: Provider.notification.toolkit.fluxcd.io "slack-bot" not found"#
        #expect(decode(line).controller == "notification-controller")
        #expect(try Self.captures(line) == ["provider": "slack-bot"])
    }

    /// The same record written by zap's console encoder is matched as its JSON (`field: raw`).
    @Test func consoleEncodingGivesTheSameCaptures() throws {
        let console = try ConsoleRawTests.console(Self.current("2025-03-04T10:15:41.002Z"))
        #expect(try Self.captures(console) == ["provider": "slack-bot", "alert": "team-slack", "namespace": "team-a"])
    }

    /// Other reasons the dispatch fails: a Provider that exists but whose Secret is missing, and
    /// a read that RBAC forbids, are no missing Provider.
    @Test(arguments: [
        #"failed to initialize notifier for provider 'slack-bot': failed to read secret: Secret \"slack-url\" not found"#,
        #"failed to read provider: providers.notification.toolkit.fluxcd.io \"slack-bot\" is forbidden: User \"system:serviceaccount:flux-system:notification-controller\" cannot get resource \"providers\" in API group \"notification.toolkit.fluxcd.io\" in the namespace \"team-a\""#,
    ])
    func otherDispatchFailuresDoNotMatch(_ error: String) throws {
        #expect(try Self.captures(Self.current("2025-03-04T10:15:41.002Z", error: error)) == nil)
    }

    /// Two lookups failing ten minutes apart: one incident about the Alert, whose first cause is
    /// the missing Provider, and whose steps look the Alert and the Provider up in team-a.
    @Test func theIncidentNamesTheMissingProviderInTheAlertsNamespace() throws {
        let found = try TransientTests.incidents([("notification-controller.log", [
            Self.current("2026-11-24T10:15:41.002Z"), Self.current("2026-11-24T10:25:41.002Z"),
        ])])
        #expect(found.count == 1)
        let incident = try #require(found.first)
        #expect(incident.objects == ["Alert/team-a/team-slack"])
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "alert-provider-missing")
        #expect(h.evidenceFor.contains { $0.contains("[alert-provider-not-found ×2") }, "\(h.evidenceFor)")
        #expect(h.checks.contains("kubectl -n team-a get alert team-slack -o jsonpath='{.spec.providerRef.name}'   # the Provider this Alert names"), "\(h.checks)")
        #expect(h.checks.contains("kubectl -n team-a get provider slack-bot   # NotFound confirms it: no Provider of that name in the Alert's namespace"), "\(h.checks)")
    }

    /// The same Alert posting to its Provider (a send that failed at Slack) says the Provider
    /// existed then: evidence against.
    @Test func aSendOfTheSameAlertIsEvidenceAgainst() throws {
        let sent = #"{"level":"error","ts":"2026-11-24T10:35:41.002Z","logger":"event-server","msg":"failed to send notification","eventInvolvedObject":{"kind":"Kustomization","namespace":"team-a","name":"apps"},"alert":{"name":"team-slack","namespace":"team-a","providerName":"slack-bot"},"error":"postMessage failed: request failed with status code 503: service unavailable"}"#
        let alone = try #require(try TransientTests.incidents([("notification-controller.log", [
            Self.current("2026-11-24T10:15:41.002Z"), Self.current("2026-11-24T10:25:41.002Z"),
        ])]).first?.hypotheses.first { $0.id == "alert-provider-missing" })
        let found = try TransientTests.incidents([("notification-controller.log", [
            Self.current("2026-11-24T10:15:41.002Z"), Self.current("2026-11-24T10:25:41.002Z"), sent,
        ])])
        let h = try #require(found.flatMap(\.hypotheses).first { $0.id == "alert-provider-missing" })
        #expect(h.evidenceAgainst.contains { $0.contains("[notification-send-failed") }, "\(h.evidenceAgainst)")
        #expect(h.confidence < alone.confidence)
    }
}
