import Testing
@testable import LogScan

/// A Git repository that does not exist, in fluxcd/pkg's wording of go-git's bare
/// transport.ErrRepositoryNotFound (a known defect: git-repository-not-found did not match it).
///
/// go-git returns ErrRepositoryNotFound itself when the server says so on the SSH transport
/// (GitHub's `ERROR: Repository not found.`, plumbing/transport/internal/common/common.go
/// isRepoNotFoundError); fluxcd/pkg git/gogit/clone.go then returns
/// `git.ErrRepositoryNotFound{Message: fmt.Sprintf("unable to clone: %s", err), URL: url}`, whose
/// Error() is `%s: git repository: '%s'` (git/git.go). source-controller wraps it as `failed to
/// checkout and determine revision: %w` in `Reconciler error` (FLUX-LOGS.md 3.1, 3.4);
/// image-automation-controller as `failed to checkout source: %w`, its Ready message, logged in
/// `msg` with the reason GitOperationFailed in `error` and returned to controller-runtime
/// (imageupdateautomation_controller.go; FLUX-LOGS.md 1.4).
@Suite struct GitRepositoryNotFoundTests {
    static let url = "ssh://git@github.com/acme/fleet-infr"
    static let notFound = "unable to clone: repository not found: git repository: '\(url)'"

    /// The incident's signal of `signature`, with its captures.
    static func signal(_ incident: Incident, _ signature: String) -> SignalSummary? {
        incident.signals.first { $0.signature == signature }
    }

    @Test func sourceControllersWordingIsARepositoryNotFound() throws {
        let lines = ["2026-11-24T09:02:11.337Z", "2026-11-24T09:03:11.337Z"].map { ts in
            SourceVerificationBucketTests.reconcilerError(ts, kind: "GitRepository", namespace: "flux-system", name: "fleet-infra",
                                                           "failed to checkout and determine revision: \(Self.notFound)")
        }
        let found = try TransientTests.incidents([("source-controller.log", lines)])
        #expect(found.count == 1)
        let incident = try #require(found.first)
        #expect(incident.upstream == ObjectRef(kind: "GitRepository", namespace: "flux-system", name: "fleet-infra"))
        #expect(Self.signal(incident, "git-repository-not-found")?.captures["url"] == Self.url, "\(incident.signals.map(\.signature))")
        #expect(Self.signal(incident, "git-clone-failed")?.captures["url"] == Self.url, "\(incident.signals.map(\.signature))")
        #expect(incident.hypotheses.contains { $0.id == "git-ref-not-found" }, "\(incident.hypotheses.map(\.id))")
    }

    /// image-automation-controller's clone of the automation's GitRepository: the same signature,
    /// about the ImageUpdateAutomation, ranked as a GitRepository's would be (not the push).
    @Test func imageAutomationControllersWordingIsARepositoryNotFound() throws {
        let found = try TransientTests.incidents([("image-automation-controller.log",
            (0...3).flatMap { DiagnosisStepsTests.attempt($0, "failed to checkout source: \(Self.notFound)") })])
        #expect(found.count == 1)
        let incident = try #require(found.first)
        #expect(incident.upstream == ObjectRef(kind: "ImageUpdateAutomation", namespace: "team-a", name: "podinfo-auto"))
        #expect(Self.signal(incident, "git-repository-not-found")?.captures["url"] == Self.url, "\(incident.signals.map(\.signature))")
        let first = try #require(incident.hypotheses.first)
        #expect(["git-ref-not-found", "git-auth-failed"].contains(first.id), "\(incident.hypotheses.map { "\($0.id) \($0.confidence)" })")
    }

    /// The url of git-repository-not-found on source-controller's `Reconciler error` with `error`,
    /// nil when it does not hit.
    static func notFoundURL(_ error: String) throws -> String? {
        let patterns = TransientTests.patterns
        let index = try #require(patterns.signatures.firstIndex { $0.id == "git-repository-not-found" })
        let line = SourceVerificationBucketTests.reconcilerError("2026-11-24T09:02:11.337Z", kind: "GitRepository", namespace: "flux-system",
                                                               name: "fleet-infra", error)
        return SignatureMatcher(patterns: patterns).match(decode(line, file: "source-controller.log"))
            .first { $0.signature == index }?.captures["url"]
    }

    /// The URL-first wording (`unable to clone '<url>': repository not found: <body>`, go-git's
    /// 404 with its body) still matches, and a missing branch wrapped as fluxcd/pkg wraps a
    /// missing repository is no missing repository (git-ref-not-found).
    @Test func theOtherWordingsKeepTheirSignatures() throws {
        #expect(try Self.notFoundURL("failed to checkout and determine revision: unable to clone 'https://github.com/org/flet': repository not found: Not Found") == "https://github.com/org/flet")
        #expect(try Self.notFoundURL(#"failed to checkout and determine revision: unable to clone: couldn't find remote ref "refs/heads/mian": git repository: 'ssh://git@github.com/acme/fleet-infra'"#) == nil)
    }
}
