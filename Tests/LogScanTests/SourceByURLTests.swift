import Foundation
import Testing
@testable import LogScan

/// An incident that names no source but clones the same URL as a failing source in its window
/// takes that source's name and namespace in its steps (trial 16, defect 2). Records are Flux's
/// current JSON shape (FLUX-LOGS.md 1.2 third era): source-controller's `Reconciler error` for the
/// GitRepository (`failed to checkout and determine revision: unable to clone '<url>':
/// authentication required`, FLUX-LOGS.md 3.4) and image-automation-controller's
/// `failed to checkout source: ...` for the ImageUpdateAutomation that pushes to it, which clones
/// the GitRepository's URL with its credentials.
@Suite struct SourceByURLTests {
    static let token = "authentication required: Invalid username or token. Password authentication is not supported for Git operations."
    static func gitRepository(_ ts: String, url: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"Reconciler error","controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository","GitRepository":{"name":"fleet","namespace":"team-a"},"namespace":"team-a","name":"fleet","reconcileID":"64b1f9e4-142d-46e6-adb9-c0872dd7b905","error":"failed to checkout and determine revision: unable to clone '\#(url)': \#(token)"}"#
    }
    static func automation(_ ts: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"failed to checkout source: unable to clone 'https://github.com/acme/fleet': \#(token)","controller":"imageupdateautomation","controllerGroup":"image.toolkit.fluxcd.io","controllerKind":"ImageUpdateAutomation","ImageUpdateAutomation":{"name":"podinfo-auto","namespace":"team-a"},"namespace":"team-a","name":"podinfo-auto","reconcileID":"f436b457-280e-46f3-9df5-09c1e81d8e22","error":"GitOperationFailed"}"#
    }

    static func automationSteps(sourceURL: String) throws -> [String] {
        let found = try TransientTests.incidents([
            ("source-controller.log", [gitRepository("2026-11-24T21:00:20.458Z", url: sourceURL), gitRepository("2026-11-24T21:05:20.458Z", url: sourceURL)]),
            ("image-automation-controller.log", [automation("2026-11-24T21:00:40.458Z"), automation("2026-11-24T21:05:40.458Z")]),
        ])
        let incident = try #require(found.first { $0.affected.map(\.kind) == ["ImageUpdateAutomation"] })
        let first = try #require(incident.hypotheses.first)
        #expect(first.id == "git-auth-failed")
        return first.checks + first.remediation
    }

    @Test func theGitRepositoryCloningTheSameURLFillsTheSteps() throws {
        let steps = try Self.automationSteps(sourceURL: "https://github.com/acme/fleet")
        #expect(steps.contains { $0.hasPrefix("kubectl -n team-a get gitrepository fleet -o jsonpath=") }, "\(steps)")
        #expect(steps.contains { $0.contains("flux reconcile source git fleet -n team-a") }, "\(steps)")
        #expect(!steps.contains { $0.contains("-n flux-system") && $0.contains("gitrepository") }, "\(steps)")
    }

    /// The automation's log alone: its GitRepository is its spec.sourceRef, looked up in the
    /// automation's namespace (a sourceRef without a namespace is there), not `<name>` in flux-system.
    @Test func withoutTheSourcesLogTheAutomationsSourceRefIsLookedUp() throws {
        let found = try TransientTests.incidents([
            ("image-automation-controller.log", [Self.automation("2026-11-24T21:00:40.458Z"), Self.automation("2026-11-24T21:05:40.458Z")]),
        ])
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.id == "git-auth-failed")
        let lookup = #""$(kubectl -n team-a get imageupdateautomation podinfo-auto -o jsonpath='{.spec.sourceRef.name}')""#
        let steps = first.checks + first.remediation
        #expect(steps.contains { $0.hasPrefix("kubectl -n team-a get gitrepository \(lookup) -o jsonpath=") }, "\(steps)")
        #expect(steps.contains { $0.hasSuffix("flux reconcile source git \(lookup) -n team-a") }, "\(steps)")
        #expect(!steps.contains { $0.contains("gitrepository <name>") || $0.contains("source git <name>") }, "\(steps)")
        // A clone that failed (`failed to checkout source:`) made no commit: the push hypothesis
        // says so, not that the commit never reached Git.
        let push = try #require(found.first?.hypotheses.first { $0.id == "image-automation-push-failed" })
        #expect(push.evidenceFor.contains { $0.contains("could not check out the branch (failed to checkout source)") }, "\(push.evidenceFor)")
        #expect(!push.evidenceFor.contains { $0.contains("the commit was made") }, "\(push.evidenceFor)")
    }

    /// Another repository's failure names no source for it: the steps keep their placeholders.
    @Test func anotherURLIsNotItsSource() throws {
        let steps = try Self.automationSteps(sourceURL: "https://github.com/acme/other")
        #expect(!steps.contains { $0.contains("gitrepository fleet") || $0.contains("source git fleet") }, "\(steps)")
    }
}
