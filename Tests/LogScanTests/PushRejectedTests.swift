import Foundation
import Testing
@testable import LogScan

/// Why image automation's push failed decides the first fix (the last notes' open item: a
/// protected branch was told to give the deploy key write access first). go-git returns a
/// receive hook's refusal as `command error on <ref>: <status>` (plumbing/protocol/packp/
/// report_status.go; GitHub and GitLab branch protection answer `protected branch hook
/// declined`, `pre-receive hook declined`), and the HTTP 403 as `authorization failed`
/// (FLUX-LOGS.md 3.4); image-automation-controller logs either after `failed to update source:
/// failed to push to remote: ` (FLUX-LOGS.md 1.4, eventLogf: the Ready reason in `error`).
@Suite struct PushRejectedTests {
    func failed(_ ts: String, _ reason: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"failed to update source: failed to push to remote: \#(reason)","controller":"imageupdateautomation","controllerGroup":"image.toolkit.fluxcd.io","controllerKind":"ImageUpdateAutomation","ImageUpdateAutomation":{"name":"fleet","namespace":"flux-system"},"namespace":"flux-system","name":"fleet","reconcileID":"6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d","error":"GitOperationFailed"}"#
    }

    func firstFix(_ reason: String) throws -> String {
        let found = try TransientTests.incidents([("image-automation-controller.log",
            [failed("2026-11-24T21:00:40.120Z", reason), failed("2026-11-24T21:05:40.310Z", reason)])])
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.id == "image-automation-push-failed")
        return try #require(first.remediation.first)
    }

    @Test(arguments: ["command error on refs/heads/main: protected branch hook declined",
                      "command error on refs/heads/main: pre-receive hook declined"])
    func aHookRefusalLeadsWithBranchProtection(_ reason: String) throws {
        #expect(try firstFix(reason).hasPrefix("If the remote rejected the push"))
    }

    @Test func aForbiddenPushLeadsWithWriteAccess() throws {
        #expect(try firstFix("authorization failed").hasPrefix("If the error says authorization failed"))
    }
}
