import Testing
@testable import LogScan

/// Steps find the values the logs do not hold (a known defect: `<secret>` stayed unfilled in the
/// known_hosts patch of git-known-hosts-mismatch and git-host-key-algorithm-changed, `<release>`
/// in helm-release-locked, so no SRE could paste them): the step reads the value from the object
/// that names it, with the object filled in, and says the value itself when a line gave it
/// (`PlaceholderFiller.answers`).
///
/// What names the value: a GitRepository's `spec.secretRef` (a local reference: the Secret is in
/// its namespace; source-controller api/v1), a HelmRelease's Helm release (helm-controller's
/// GetReleaseName: spec.releaseName, else `<spec.targetNamespace>-<name>`, else its name; api/v2).
/// Lines: source-controller's `Reconciler error` (FLUX-LOGS.md 3.1) with the clone errors of
/// FLUX-LOGS.md 3.4 (`ssh: handshake failed: knownhosts: key mismatch`, [real]
/// source-controller#490; `failed to get secret '%s': %w`); helm-controller v0.x's `Helm upgrade
/// failed: another operation (install/upgrade/rollback) is in progress` ([real]
/// helm-controller#149) and v1's `Unlock of Helm release %s with chart %s in %s state failed: %s`
/// (internal/reconcile/unlock.go, FLUX-LOGS.md 3.7).
@Suite struct LookedUpStepsTests {
    static let mismatch = "failed to checkout and determine revision: unable to clone 'ssh://git@github.com/acme/fleet': ssh: handshake failed: knownhosts: key mismatch"

    /// The steps of the incident of GitRepository team-a/fleet failing with `error`, twice.
    static func gitRepository(_ error: String) throws -> [RankedHypothesis] {
        let lines = ["2026-11-24T09:02:11.337Z", "2026-11-24T09:03:11.337Z"].map {
            SourceVerificationBucketTests.reconcilerError($0, kind: "GitRepository", namespace: "team-a", name: "fleet", error)
        }
        let found = try TransientTests.incidents([("source-controller.log", lines)])
        #expect(found.count == 1)
        return try #require(found.first).hypotheses
    }

    static let secretOfFleet = #""$(kubectl -n team-a get gitrepository fleet -o jsonpath='{.spec.secretRef.name}')""#

    /// The known_hosts checks and patch read the GitRepository's secret, in its namespace.
    @Test func theKnownHostsPatchLooksUpTheGitRepositorysSecret() throws {
        let hypotheses = try Self.gitRepository(Self.mismatch)
        for id in ["git-known-hosts-mismatch", "git-host-key-algorithm-changed"] {
            let h = try #require(hypotheses.first { $0.id == id }, "\(hypotheses.map(\.id))")
            let fix = try #require(h.remediation.first { $0.contains("known_hosts") }, "\(h.remediation)")
            #expect(fix.contains("kubectl -n team-a patch secret \(Self.secretOfFleet) --type merge -p "), "\(fix)")
            #expect(h.checks.contains { $0.hasPrefix("kubectl -n team-a get secret \(Self.secretOfFleet) -o jsonpath='{.data.known_hosts}' | base64 -d") }, "\(h.checks)")
            #expect(!(h.checks + h.remediation).contains { $0.contains("<secret>") || $0.contains("<name>") }, "\(h.checks + h.remediation)")
        }
    }

    /// An ImageUpdateAutomation's clone: its GitRepository is the one its spec.sourceRef names,
    /// in the automation's namespace, whose secret the patch replaces known_hosts in.
    @Test func anAutomationsKnownHostsPatchLooksUpItsGitRepositorysSecret() throws {
        let found = try TransientTests.incidents([("image-automation-controller.log",
            (0...3).flatMap { DiagnosisStepsTests.attempt($0, "failed to checkout source: unable to clone 'ssh://git@github.com/acme/fleet-infra': ssh: handshake failed: knownhosts: key mismatch") })])
        let h = try #require(found.first?.hypotheses.first { $0.id == "git-known-hosts-mismatch" })
        let source = #""$(kubectl -n team-a get imageupdateautomation podinfo-auto -o jsonpath='{.spec.sourceRef.name}')""#
        let fix = try #require(h.remediation.first { $0.contains("known_hosts") }, "\(h.remediation)")
        #expect(fix.contains(#"kubectl -n team-a patch secret "$(kubectl -n team-a get gitrepository \#(source) -o jsonpath='{.spec.secretRef.name}')" --type merge -p "#), "\(fix)")
    }

    /// A line that names the Secret (`failed to get secret 'team-a/git-credentials'`): the steps
    /// say its name, not the lookup.
    @Test func aSecretALineNamesIsNotLookedUp() throws {
        let hypotheses = try Self.gitRepository(#"failed to get secret 'team-a/git-credentials': secrets "git-credentials" not found"#)
        let h = try #require(hypotheses.first { $0.id == "git-auth-failed" }, "\(hypotheses.map(\.id))")
        #expect(h.checks.contains("kubectl -n team-a get secret git-credentials -o jsonpath='{.data}' | jq 'keys'   # identity + known_hosts for SSH, username + password (or bearerToken) for HTTPS"), "\(h.checks)")
        #expect(!(h.checks + h.remediation).contains { $0.contains("{.spec.secretRef.name}')\"") }, "\(h.checks + h.remediation)")
    }

    /// An SSH key the host refuses names no Secret: the recreated secret is the GitRepository's
    /// own, looked up; `-n` follows the lookup, not the middle of it.
    @Test func aRecreatedGitSecretIsTheGitRepositorysOwn() throws {
        let hypotheses = try Self.gitRepository("failed to checkout and determine revision: unable to clone 'ssh://git@github.com/acme/fleet': ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain")
        let h = try #require(hypotheses.first { $0.id == "git-auth-failed" }, "\(hypotheses.map(\.id))")
        #expect(h.remediation.contains { $0.hasSuffix("flux create secret git \(Self.secretOfFleet) -n team-a --url=ssh://git@github.com/acme/fleet --private-key-file=<private-key>") }, "\(h.remediation)")
    }

    static let releaseFormat = "-o go-template='{{with .spec.releaseName}}{{.}}{{else}}{{with .spec.targetNamespace}}{{.}}-{{end}}{{.metadata.name}}{{end}}'"

    /// A HelmRelease monitoring/kube-prometheus-stack's record (helm-controller, current era).
    static func helmRelease(_ ts: String, level: String = "error", _ msg: String) -> String {
        #"{"level":"\#(level)","ts":"\#(ts)","msg":"\#(msg)","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"kube-prometheus-stack","namespace":"monitoring"},"namespace":"monitoring","name":"kube-prometheus-stack","reconcileID":"204fabd9-977b-4be7-8574-4c557b58a4c5"}"#
    }

    /// helm-controller v0.x names no release: Helm's commands read it from the HelmRelease.
    @Test func aLockedReleaseNoLineNamesIsLookedUp() throws {
        let lines = ["2026-11-24T10:15:41.002Z", "2026-11-24T10:20:41.002Z"].map {
            Self.helmRelease($0, "Helm upgrade failed: another operation (install/upgrade/rollback) is in progress")
        }
        let found = try TransientTests.incidents([("helm-controller.log", lines)])
        let h = try #require(found.first?.hypotheses.first { $0.id == "helm-release-locked" }, "\(found.first?.hypotheses.map(\.id) ?? [])")
        let release = #""$(kubectl -n monitoring get helmrelease kube-prometheus-stack \#(Self.releaseFormat))""#
        #expect(h.checks.contains { $0.hasPrefix("helm history -n monitoring \(release)   # the last revision is pending") }, "\(h.checks)")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n monitoring get secrets -l owner=helm,name=\(release) --show-labels") }, "\(h.checks)")
        #expect(h.remediation.contains { $0.contains("release=\(release); helm rollback -n monitoring \"$release\" \"$(helm history -n monitoring \"$release\" -o json | jq -r '[.[] | select(.status == \"deployed\")] | last | .revision')\"") }, "\(h.remediation)")
        #expect(!(h.checks + h.remediation).contains { $0.contains("<release>") || $0.contains("<last-deployed-revision>") || $0.contains("<name>") }, "\(h.checks + h.remediation)")
    }

    /// helm-controller v1's unlock event names the release with its revision's storage suffix
    /// (`monitoring/kube-prometheus-stack.v7`): the release is `kube-prometheus-stack`.
    @Test func aLockedReleaseALineNamesIsNotLookedUp() throws {
        let unlock = #"{"level":"debug","ts":"2026-11-24T10:15:41.002Z","logger":"events","msg":"Unlock of Helm release monitoring/kube-prometheus-stack.v7 with chart kube-prometheus-stack@58.2.1 in pending-upgrade state failed: context deadline exceeded","type":"Warning","object":{"kind":"HelmRelease","namespace":"monitoring","name":"kube-prometheus-stack","uid":"2f7f7c1e-8d3a-4b5c-9e6f-0a1b2c3d4e5f","apiVersion":"helm.toolkit.fluxcd.io/v2","resourceVersion":"48213"},"reason":"PendingRelease"}"#
        let found = try TransientTests.incidents([("helm-controller.log", [unlock, unlock.replacingOccurrences(of: "10:15:41", with: "10:20:41")])])
        let h = try #require(found.first?.hypotheses.first { $0.id == "helm-release-locked" }, "\(found.first?.hypotheses.map(\.id) ?? [])")
        #expect(h.checks.contains { $0.hasPrefix("helm history -n monitoring kube-prometheus-stack   #") }, "\(h.checks)")
        #expect(h.remediation.contains { $0.contains("release=kube-prometheus-stack; helm rollback -n monitoring \"$release\"") }, "\(h.remediation)")
        #expect(PlaceholderFiller.releaseWithoutRevision("monitoring/kube-prometheus-stack.v7") == "monitoring/kube-prometheus-stack")
        #expect(PlaceholderFiller.releaseWithoutRevision("apps/podinfo") == "apps/podinfo")
    }
}
