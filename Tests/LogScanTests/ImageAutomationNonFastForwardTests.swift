import Foundation
import Testing
@testable import LogScan

/// image-automation-controller's push refused because it is not a fast-forward (trial 16 defect
/// 4): the branch moved after the clone (another writer, a force-push) or a separate push branch
/// diverged. go-git refuses it client-side (remote.go checkFastForwardUpdate: `non-fast-forward
/// update: %s`); a server answers the report-status `command error on <ref>: non-fast-forward`.
/// Records are the controller's eventLogf line (Ready message in `msg`, reason in `error`) and its
/// `Reconciler error` (FLUX-LOGS.md 1.4).
@Suite struct ImageAutomationNonFastForwardTests {
    /// The eventLogf line of ImageUpdateAutomation team-a/podinfo-auto.
    static func event(_ ts: String, _ message: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"\#(message)","controller":"imageupdateautomation","controllerGroup":"image.toolkit.fluxcd.io","controllerKind":"ImageUpdateAutomation","ImageUpdateAutomation":{"name":"podinfo-auto","namespace":"team-a"},"namespace":"team-a","name":"podinfo-auto","reconcileID":"f436b457-280e-46f3-9df5-09c1e81d8e22","error":"GitOperationFailed"}"#
    }

    /// The `Reconciler error` of the same object.
    static func reconcilerError(_ ts: String, _ error: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"Reconciler error","controller":"imageupdateautomation","controllerGroup":"image.toolkit.fluxcd.io","controllerKind":"ImageUpdateAutomation","ImageUpdateAutomation":{"name":"podinfo-auto","namespace":"team-a"},"namespace":"team-a","name":"podinfo-auto","reconcileID":"f436b457-280e-46f3-9df5-09c1e81d8e22","error":"\#(error)"}"#
    }

    static func incidents(_ lines: [String]) throws -> [Incident] {
        try TransientTests.incidents([("image-automation-controller.log", lines)])
    }

    /// The reporter's log (/tmp/trial16/defects/04-iua-non-fast-forward-misdiagnosed), and the same
    /// failure on a separate push branch and as the server's report-status.
    @Test(arguments: [
        ("failed to update source: failed to push to remote: non-fast-forward update: refs/heads/main", "refs/heads/main"),
        ("failed to update source: failed to push to remote: non-fast-forward update: refs/heads/flux/image-updates", "refs/heads/flux/image-updates"),
        ("failed to update source: failed to push to remote: command error on refs/heads/main: non-fast-forward", "refs/heads/main"),
    ])
    func aNonFastForwardPushIsNamedAndGetsBranchSteps(_ error: String, ref: String) throws {
        let found = try Self.incidents([
            Self.event("2026-11-24T21:00:40.458Z", error),
            Self.reconcilerError("2026-11-24T21:00:40.460Z", error),
            Self.event("2026-11-24T21:05:40.770Z", error),
        ])
        #expect(found.count == 1)
        let incident = try #require(found.first)
        #expect(incident.title.hasPrefix("Image automation's push is not a fast-forward"), "\(incident.title)")
        let signal = try #require(incident.signals.first { $0.signature == "image-automation-push-non-fast-forward" })
        #expect(signal.captures["ref"] == ref)
        // Not a hook's rejection, not the credentials.
        #expect(!incident.signals.contains { $0.signature == "image-automation-push-rejected" || $0.signature == "image-automation-push-unauthorized" })
        let first = try #require(incident.hypotheses.first)
        #expect(first.id == "image-automation-push-failed")
        #expect(first.evidenceFor.contains { $0.contains("not a fast-forward") })
        // The moved-branch steps lead; the credentials and branch-protection ones are not first.
        #expect(first.checks.first?.contains("{.spec.git.checkout.ref.branch} -> {.spec.git.push.branch}") == true, "\(first.checks)")
        #expect(first.checks.contains { $0.contains("git log") && $0.contains("origin/<branch>") })
        #expect(first.remediation.first?.hasPrefix("If the push was not a fast-forward") == true, "\(first.remediation)")
        #expect(first.remediation.contains { $0.contains("git push origin --delete <branch>") })
        #expect(first.remediation.contains { $0 == "Then retry at once: flux reconcile image update podinfo-auto -n team-a" })
    }

    /// A branch protection hook is still a hook's rejection, with no moved-branch steps.
    @Test func aProtectedBranchGetsNoMovedBranchSteps() throws {
        let error = "failed to update source: failed to push to remote: command error on refs/heads/main: protected branch hook declined"
        let found = try Self.incidents([Self.event("2026-11-24T21:00:40.458Z", error), Self.event("2026-11-24T21:05:40.770Z", error)])
        let incident = try #require(found.first)
        #expect(incident.signals.contains { $0.signature == "image-automation-push-rejected" })
        #expect(!incident.signals.contains { $0.signature == "image-automation-push-non-fast-forward" })
        let first = try #require(incident.hypotheses.first)
        #expect(first.id == "image-automation-push-failed")
        #expect(!(first.checks + first.remediation).contains { $0.contains("fast-forward") })
    }
}
