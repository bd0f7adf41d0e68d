import Foundation
import Testing

/// A failure that comes back after a quiet window is an incident of its own (CONTRACT.md: an
/// incident closes after `--window` without an event); `earlier` says it is not new. The input:
/// samples/git-auth-failed (HTTPS credentials rejected, 04:00:13–04:10:13, no recovery, its
/// README) read twice, the second time with every `ts` an hour later, as the same GitRepository
/// failing again at 05:00:13 after 50 quiet minutes.
@Suite struct RecurrenceTests {
    static func input() throws -> Data {
        let log = try String(contentsOf: packageRoot.appendingPathComponent("samples/git-auth-failed/source-controller.log"), encoding: .utf8)
        let later = log.replacingOccurrences(of: "\"ts\":\"2026-11-24T04:", with: "\"ts\":\"2026-11-24T05:")
        #expect(later != log)
        return Data((log + later).utf8)
    }

    @Test func theSecondIncidentNamesTheFirst() throws {
        let r = try run(["--format", "json", "-"], stdin: try Self.input())
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let ours = incidents.filter { ($0["objects"] as? [String])?.contains("GitRepository/flux-system/flux-system") == true }
            .sorted { ($0["first_seen"] as? String ?? "") < ($1["first_seen"] as? String ?? "") }
        try #require(ours.count == 2)
        // The sample's first `Reconciler error` (line 2) and the same line an hour later.
        #expect(ours[0]["first_seen"] as? String == "2026-11-24T04:00:13.020Z")
        #expect(ours[1]["first_seen"] as? String == "2026-11-24T05:00:13.020Z")
        #expect(ours[0]["earlier"] is NSNull)
        let earlier = try #require(ours[1]["earlier"] as? [String: Any])
        #expect(earlier["count"] as? Int == 1)
        #expect(earlier["id"] as? String == ours[0]["id"] as? String)
        #expect(earlier["first_seen"] as? String == ours[0]["first_seen"] as? String)
        #expect(earlier["last_seen"] as? String == ours[0]["last_seen"] as? String)
        #expect(earlier["status"] as? String == ours[0]["status"] as? String)
    }

    @Test func theTextReportSaysWhenItWasSeenBefore() throws {
        let r = try run(["--color", "never", "-"], stdin: try Self.input())
        // 04:10:13.564 (the first's last failure, line 12) to 05:00:13.020 (the second's first): 49m59.456s.
        #expect(r.text.contains("    earlier:     the same kind of failure once before: 04:00:13–04:10:13 UTC, "), "\(r.text)")
        #expect(r.text.contains(", 49m59s before this one (id "), "\(r.text)")
    }
}

/// samples/helm-action-failed: helm-controller logs `preparing upgrade for ingress-nginx` at
/// 23:11:28.930 (line 1) and the upgrade fails `timed out waiting for the condition` at
/// 23:16:30.363 (line 12), its README's story: a 5m0s wait. The incident's span is that one
/// failure; `began:` says the upgrade started five minutes before.
@Suite struct HelmActionStartTests {
    @Test func theFailedUpgradesStartIsShown() throws {
        let logs = ["samples/helm-action-failed/helm-controller.log"]
        let r = try run(["--format", "json"] + logs)
        let incident = try #require((try json(r.stdout)["incidents"] as? [[String: Any]])?.first)
        let start = try #require(incident["action_started"] as? [String: Any])
        #expect(start["time"] as? String == "2023-06-15T23:11:28.930Z")
        #expect(start["signature"] as? String == "helm-upgrade-preparing")
        #expect(start["line"] as? Int == 1)
        let text = try run(["--color", "never"] + logs).text
        #expect(text.contains("    began:       23:11:28 UTC, the Helm action started (helm-upgrade-preparing, samples/helm-action-failed/helm-controller.log:1)\n"), "\(text)")
    }
}
