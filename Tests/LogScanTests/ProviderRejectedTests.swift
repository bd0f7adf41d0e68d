import Foundation
import Testing
@testable import LogScan

/// A Provider that answers 4xx (the last notes' open item: "a Slack/Teams Provider answering 4xx
/// still has no hypothesis"). notification-controller's event-server logs `failed to send
/// notification` with the provider's answer in `error` (FLUX-LOGS.md 1.4, 3.13: `postMessage
/// failed: request failed with status code <n>: <body>`, internal/notifier/client.go).
@Suite struct ProviderRejectedTests {
    func failed(_ ts: String, _ error: String) -> String {
        #"{"level":"error","ts":"\#(ts)","logger":"event-server","msg":"failed to send notification","eventInvolvedObject":{"kind":"Kustomization","namespace":"flux-system","name":"apps"},"alert":{"name":"slack","namespace":"flux-system","providerName":"slack"},"error":"\#(error)"}"#
    }

    static func incidents(_ lines: [String]) throws -> [Incident] {
        try TransientTests.incidents([("notification-controller.log", lines)])
    }

    /// Slack's answers to a revoked webhook (404 no_team), an invalid token (403), an archived
    /// channel (410): the Provider's configuration.
    @Test(arguments: ["404: no_team", "403: invalid_token", "410: channel_is_archived"])
    func aClientErrorIsTheProvidersConfiguration(_ answer: String) throws {
        let error = "postMessage failed: request failed with status code \(answer)"
        let found = try Self.incidents([failed("2026-11-24T10:15:41.002Z", error), failed("2026-11-24T10:25:41.002Z", error)])
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.id == "notification-provider-rejected")
        #expect(first.evidenceFor.contains { $0.contains("[notification-provider-refused ×2") })
    }

    /// The provider's own outage (503) is not its configuration: no such hypothesis.
    @Test func aServerErrorIsNotTheConfiguration() throws {
        let error = "postMessage failed: request failed with status code 503: service unavailable"
        let found = try Self.incidents([failed("2026-11-24T10:15:41.002Z", error), failed("2026-11-24T10:25:41.002Z", error)])
        let incident = try #require(found.first)
        #expect(!incident.hypotheses.contains { $0.id == "notification-provider-rejected" })
    }
}
