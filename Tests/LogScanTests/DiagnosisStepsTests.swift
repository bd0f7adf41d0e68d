import Foundation
import Testing
@testable import LogScan

/// Three defects of a trial: image-automation-controller's clone errors ranked the push hypothesis
/// first; `-n <namespace>` was added to prose that names `flux`; an ImagePolicy's steps did not
/// name its ImageRepository.
@Suite struct DiagnosisStepsTests {
    // MARK: - image-automation-controller's Git errors

    /// The eventLogf line of ImageUpdateAutomation team-a/podinfo-auto (FLUX-LOGS.md 1.4: `msg`
    /// the Ready message, `error` the reason GitOperationFailed) and its `Reconciler error`.
    static func attempt(_ minute: Int, _ message: String) -> [String] {
        let ts = "2026-11-24T21:0\(minute):40.458Z"
        let context = #""controller":"imageupdateautomation","controllerGroup":"image.toolkit.fluxcd.io","controllerKind":"ImageUpdateAutomation","ImageUpdateAutomation":{"name":"podinfo-auto","namespace":"team-a"},"namespace":"team-a","name":"podinfo-auto","reconcileID":"f436b457-280e-46f3-9df5-09c1e81d8e22""#
        return [#"{"level":"error","ts":"\#(ts)","msg":"\#(message)",\#(context),"error":"GitOperationFailed"}"#,
                #"{"level":"error","ts":"\#(ts)","msg":"Reconciler error",\#(context),"error":"\#(message)"}"#]
    }

    /// image-automation-controller wraps the clone's error as `failed to checkout source: %w`
    /// (imageupdateautomation_controller.go); the clone's is fluxcd/pkg git/gogit clone.go's
    /// (`unable to clone '%s': %w`, `unable to clone: %s` + `: git repository: '%s'` for a missing
    /// ref), with x/crypto's SSH errors and go-git's HTTP ones (FLUX-LOGS.md 3.4). The first
    /// hypothesis is the one a GitRepository with the same error gets, not the push.
    @Test(arguments: [
        (#"failed to checkout source: unable to clone 'ssh://git@github.com/acme/fleet-infra': ssh: handshake failed: knownhosts: key mismatch"#,
         "git-known-hosts-mismatch"),
        (#"failed to checkout source: unable to clone 'ssh://git@github.com/acme/fleet-infra': ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain"#,
         "git-auth-failed"),
        (#"failed to checkout source: unable to clone 'https://github.com/acme/fleet-infra': authentication required: Invalid username or password."#,
         "git-auth-failed"),
        (#"failed to checkout source: unable to clone: couldn't find remote ref \"refs/heads/mian\": git repository: 'ssh://git@github.com/acme/fleet-infra'"#,
         "git-ref-not-found"),
    ])
    func anAutomationsCloneErrorRanksItsGitCause(_ message: String, cause: String) throws {
        let found = try TransientTests.incidents([("image-automation-controller.log", (0...3).flatMap { Self.attempt($0, message) })])
        #expect(found.count == 1)
        let incident = try #require(found.first)
        #expect(incident.upstream == ObjectRef(kind: "ImageUpdateAutomation", namespace: "team-a", name: "podinfo-auto"))
        let first = try #require(incident.hypotheses.first)
        #expect(first.id == cause, "\(incident.hypotheses.map { "\($0.id) \($0.confidence)" })")
        // The push hypothesis is told why it is not first.
        let push = try #require(incident.hypotheses.first { $0.id == "image-automation-push-failed" })
        #expect(push.confidence < first.confidence)
        #expect(push.evidenceAgainst.contains { $0.hasPrefix("the clone's Git error names its cause") })
        // The steps name the automation and the GitRepository its sourceRef names, in team-a.
        let lookup = #""$(kubectl -n team-a get imageupdateautomation podinfo-auto -o jsonpath='{.spec.sourceRef.name}')""#
        #expect(first.checks.contains { $0.hasPrefix("kubectl -n team-a get gitrepository \(lookup) -o jsonpath=") }, "\(first.checks)")
        #expect(first.checks.contains { $0.hasPrefix("kubectl -n team-a get imageupdateautomation podinfo-auto -o jsonpath='{.spec.sourceRef.kind}/{.spec.sourceRef.name} checkout={.spec.git.checkout.ref}") })
        #expect(first.remediation.contains("Then retry the automation: flux reconcile image update podinfo-auto -n team-a"), "\(first.remediation)")
        // No push steps.
        #expect(!(first.checks + first.remediation).contains { $0.contains("push branch") || $0.contains("Protected branch") })
    }

    /// A controller's restart explains its own known_hosts mismatch only (`own_controller`): an
    /// image-automation-controller start (its `starting manager`, controller-runtime's setup
    /// logger) two minutes before source-controller's mismatches in samples/git-known-hosts-
    /// mismatch is no upgrade behind them (a 300 MB corpus folded 22 OOM kills of
    /// image-automation-controller into a GitRepository's incident that way), while the same start
    /// before the automation's own mismatch still counts for `git-host-key-algorithm-changed`.
    @Test func aRestartExplainsOnlyItsOwnControllersMismatch() throws {
        let started = #"{"level":"info","ts":"2023-03-24T05:19:00.000Z","logger":"setup","msg":"starting manager"}"#
        let source = try String(contentsOf: JSONReportTests.samples.appendingPathComponent("git-known-hosts-mismatch/source-controller.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let other = try #require(try TransientTests.incidents([("source-controller.log", source), ("image-automation-controller.log", [started])])
            .first { $0.controllers == ["source-controller"] })
        let changed = try #require(other.hypotheses.first { $0.id == "git-host-key-algorithm-changed" })
        #expect(!changed.evidenceFor.contains { $0.hasPrefix("image-automation-controller (re)started") }, "\(changed.evidenceFor)")
        let mismatch = #"failed to checkout source: unable to clone 'ssh://git@github.com/acme/fleet-infra': ssh: handshake failed: knownhosts: key mismatch"#
        let ownStart = #"{"level":"info","ts":"2026-11-24T20:59:00.000Z","logger":"setup","msg":"starting manager"}"#
        let own = try #require(try TransientTests.incidents([("image-automation-controller.log", [ownStart] + (0...3).flatMap { Self.attempt($0, mismatch) })])
            .first { $0.controllers == ["image-automation-controller"] })
        let ownChanged = try #require(own.hypotheses.first { $0.id == "git-host-key-algorithm-changed" })
        #expect(ownChanged.evidenceFor.contains { $0.hasPrefix("image-automation-controller (re)started") }, "\(ownChanged.evidenceFor)")
    }

    /// A push refused after a clone that worked stays the push hypothesis (samples/image-automation-push-failed).
    @Test func aRefusedPushIsStillThePush() throws {
        let message = "failed to update source: failed to push to remote: authorization failed"
        let found = try TransientTests.incidents([("image-automation-controller.log", (0...2).flatMap { Self.attempt($0, message) })])
        #expect(found.first?.hypotheses.first?.id == "image-automation-push-failed")
    }

    // MARK: - `-n` only into commands

    /// A step's prose that names `flux` calls no flux subcommand: the filler adds `-n` only to a
    /// command (a trial's `Use flux to check the gitrepository <name> spec` got `-n team-a` after
    /// the name), and a `flux create secret git without --private-key-file` in a sentence names
    /// no secret.
    @Test func theNamespaceFlagGoesIntoCommandsOnly() {
        let f = PlaceholderFiller(objects: [ObjectRef(kind: "GitRepository", namespace: "team-a", name: "fleet")], secretNamespace: "team-a")
        #expect(f.fill("Use flux to check the gitrepository <name> spec") == "Use flux to check the gitrepository fleet spec")
        #expect(f.fill("Then retry at once: flux reconcile source git <name>") == "Then retry at once: flux reconcile source git fleet -n team-a")
        #expect(f.fill("keep the key (flux create secret git without --private-key-file makes a new one)")
            == "keep the key (flux create secret git without --private-key-file makes a new one)")
        #expect(f.fill("flux create secret git <secret> --url=ssh://git@github.com/acme/fleet-infra")
            == "flux create secret git <secret> -n team-a --url=ssh://git@github.com/acme/fleet-infra")
    }

    @Test func commandsAreToldFromProse() {
        #expect(StepCommands.isFluxOrKubectlCommand("flux reconcile source git <name>"))
        #expect(StepCommands.isFluxOrKubectlCommand("kubectl -n <flux-namespace> logs deploy/<controller>"))
        #expect(!StepCommands.isFluxOrKubectlCommand("flux to check the gitrepository <name>"))
        #expect(StepCommands.proseInCheck("kubectl -n flux-system get gitrepository <name>") == nil)
        #expect(StepCommands.proseInCheck("Check the -n flux-system gitrepository") != nil)
        #expect(StepCommands.proseInCheck("check the gitrepository <name>") != nil)
        #expect(StepCommands.proseCommandWords("Make flux reconcile image update <name> now") == [])
        #expect(StepCommands.proseCommandWords("Use flux to check it") == ["flux to check it"])
    }

    /// `patterns lint` warns about a check that reads as prose and about prose the filler would
    /// take for a command, each at its step; commands and sentences holding commands are clean.
    @Test func lintWarnsAboutProseChecksAndCommandLikeProse() {
        let yaml = """
        version: 1
        hypotheses:
          - id: t
            checks:
              - "Check the gitrepository <name> and its secret"
              - "kubectl -n flux-system describe gitrepository <name>"
              - "flux to get the gitrepository <name>"
            remediation:
              - "Use flux to check the gitrepository <name> spec"
              - "Then retry at once: flux reconcile source git <name>"
              - "keep the key (flux create secret git without --private-key-file makes a new one)"
        """
        let report = LintTests.lintSteps(yaml)
        #expect(report.warnings.map(\.position.line) == [5, 7, 7, 9, 11], "\(report.warnings.map(\.description))")
        #expect(report.warnings.first?.message.contains("reads as prose") == true)
        #expect(report.warnings.map(\.message).contains { $0.contains("uses `flux to check the gitrepository <name> s` as prose") })
    }

    // MARK: - ImagePolicy steps name its ImageRepository

    /// The tags an ImagePolicy selects from are its ImageRepository's last scan: the steps look
    /// the repository up from the policy's spec.imageRepositoryRef, in the policy's namespace
    /// (samples/image-policy-no-match's records, in namespace apps).
    @Test func aPolicysStepsNameItsImageRepository() throws {
        let context = { (kind: String, name: String) in
            #""controller":"\#(kind.lowercased())","controllerGroup":"image.toolkit.fluxcd.io","controllerKind":"\#(kind)","\#(kind)":{"name":"\#(name)","namespace":"apps"},"namespace":"apps","name":"\#(name)","reconcileID":"5e0f3b1c-2a4d-4c6e-9f8a-7b6c5d4e3f2a""#
        }
        let lines = [21, 26, 31].flatMap { m in [
            #"{"level":"info","ts":"2026-11-24T13:\#(m):01.649Z","msg":"successful scan: found 41 tags with checksum 9c1e5a77",\#(context("ImageRepository", "checkout-api"))}"#,
            #"{"level":"error","ts":"2026-11-24T13:\#(m):02.289Z","msg":"unable to determine latest version from provided list",\#(context("ImagePolicy", "checkout-api")),"error":"Failure"}"#,
        ] }
        let found = try TransientTests.incidents([("image-reflector-controller.log", lines)])
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.id == "image-policy-no-match")
        let lookup = #""$(kubectl -n apps get imagepolicy checkout-api -o jsonpath='{.spec.imageRepositoryRef.name}')""#
        #expect(first.checks.contains { $0.hasPrefix("flux get image repository \(lookup) -n apps") }, "\(first.checks)")
        #expect(first.checks.contains { $0.hasPrefix("kubectl -n apps describe imagerepository \(lookup)") })
        #expect(first.remediation.contains { $0.hasSuffix("flux reconcile image repository \(lookup) -n apps") }, "\(first.remediation)")
    }
}
