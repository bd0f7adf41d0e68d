import Foundation
import Testing

/// samples/alert-provider-missing: the Alert on-call still names the Provider slack, renamed in
/// Git; notification-controller (wording before commit 80f7237) logs `failed to read provider`
/// with the API's NotFound on every event the Alert selects, two after each of five pushes the
/// Receiver github accepts (see the sample's README.md).
@Suite struct AlertProviderMissingSampleTests {
    @Test func theFirstCauseIsTheMissingProvider() throws {
        let r = try run(["--format", "json", "--color", "never", "samples/alert-provider-missing/notification-controller.log"])
        #expect(r.stderr == "")
        #expect(r.status == 1)
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        let incident = try #require(incidents.first)
        #expect(incident["objects"] as? [String] == ["Provider/flux-system/slack"])
        #expect(incident["controllers"] as? [String] == ["notification-controller"])
        #expect(incident["severity"] as? String == "error")
        let signal = try #require((incident["signals"] as? [[String: Any]])?.first)
        #expect(signal["signature"] as? String == "alert-provider-not-found")
        #expect(signal["count"] as? Int == 10)
        #expect(signal["captures"] as? [String: String] == ["provider": "slack"])
        let first = try #require((incident["hypotheses"] as? [[String: Any]])?.first)
        #expect(first["id"] as? String == "alert-provider-missing")
        #expect((first["checks"] as? [String] ?? []).contains("kubectl -n flux-system get provider slack   # NotFound confirms it: no Provider of that name in the Alert's namespace"))
    }
}
