import Testing
@testable import LogScan

/// Steps that name what a log line captured instead of a name written into the hypothesis
/// (docs/OUTPUT.md "Placeholders in checks and fixes"): the lines are Flux's formats (FLUX-LOGS.md
/// section per test), the expected names are the ones those lines carry.
@Suite struct SopsSecretStepsTests {
    /// kustomize-controller's `Reconciliation failed after %s, next try in %s` (FLUX-LOGS.md 3.1)
    /// with `error`, for Kustomization `namespace`/`name`.
    static func failed(_ ts: String, _ error: String, name: String = "tenant-secrets", namespace: String = "apps") -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"Reconciliation failed after 82.4ms, next try in 5m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"\#(name)","namespace":"\#(namespace)"},"namespace":"\#(namespace)","name":"\#(name)","reconcileID":"6513270e-269e-4d37-b2a7-4de452e6b438","revision":"main@sha1:0123456789abcdef0123456789abcdef01234567","error":"\#(error)"}"#
    }

    /// The sops-decryption-failed steps of the first incident.
    static func steps(_ lines: [String]) throws -> [String] {
        let found = try TransientTests.incidents([("kustomize-controller.log", lines)])
        let h = try #require(found.first?.hypotheses.first { $0.id == "sops-decryption-failed" })
        return h.checks + h.remediation
    }

    /// `cannot get %s decryption Secret '%s': %w` (FLUX-LOGS.md 3.9, kustomize-controller
    /// internal/decryptor/decryptor.go; the Secret as `namespace/name`, the Kustomization's
    /// namespace and spec.decryption.secretRef.name) names the Secret the Kustomization reads:
    /// the steps inspect and create sops-gpg in apps, not the sops-age they were written with
    /// (a trial: the fix made a Secret nobody references and the error came back).
    @Test func aMissingDecryptionSecretIsTheOneTheStepsName() throws {
        let error = #"cannot get sops decryption Secret 'apps/sops-gpg': secrets \"sops-gpg\" not found"#
        let steps = try Self.steps(["2026-11-25T14:00:00.000Z", "2026-11-25T14:05:00.000Z"].map { Self.failed($0, error) })
        #expect(steps.contains { $0.hasPrefix("kubectl -n apps get secret sops-gpg -o jsonpath='{.data}' | jq 'keys'") }, "\(steps)")
        // Both key types' fixes write that Secret: an age key (`*.agekey`) or a PGP key (`*.asc`).
        #expect(steps.contains { $0.hasSuffix("| kubectl -n apps create secret generic sops-gpg --from-file=age.agekey=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -") }, "\(steps)")
        #expect(steps.contains { $0.hasSuffix("| kubectl -n apps create secret generic sops-gpg --from-file=sops.asc=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -") }, "\(steps)")
        #expect(!steps.contains { $0.contains("sops-age") || $0.contains("apps/sops-gpg") || $0.contains("<secret>") }, "\(steps)")
    }

    /// No line names the Secret (`Failed to get the data key required to decrypt the SOPS file`,
    /// FLUX-LOGS.md 3.9 [real getsops/sops#1084]): the steps keep the names of Flux's SOPS guide,
    /// sops-age for age and sops-gpg for PGP, and say they are only the conventional ones.
    @Test func withoutANamedSecretTheConventionalNamesStay() throws {
        let error = #"decryption failed for 'Secret.v1.[noGrp]/db-credentials': failed to decrypt and format 'apps/db-credentials' Secret data: cannot get sops data key: Failed to get the data key required to decrypt the SOPS file.\n\nGroup 0: FAILED\n  age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs8ztqjt: FAILED\n    - | failed to load age identities: no age identity found"#
        let steps = try Self.steps([Self.failed("2026-11-25T14:00:00.000Z", error)])
        let check = try #require(steps.first { $0.hasPrefix("kubectl -n apps get secret sops-age -o jsonpath='{.data}' | jq 'keys'") }, "\(steps)")
        #expect(check.contains("conventional"), "\(check)")
        let age = try #require(steps.first { $0.hasSuffix("| kubectl -n apps create secret generic sops-age --from-file=age.agekey=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -") }, "\(steps)")
        #expect(age.contains("conventional"), "\(age)")
        #expect(steps.contains { $0.hasSuffix("| kubectl -n apps create secret generic sops-gpg --from-file=sops.asc=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -") }, "\(steps)")
        #expect(!steps.contains { $0.contains("<secret>") }, "\(steps)")
    }

    /// source-controller's `failed to get secret '%s/%s': %w` (FLUX-LOGS.md 3.4) names the Secret
    /// as `namespace/name` too: git.yaml's `kubectl -n flux-system get secret <secret>` and
    /// `flux create secret git <secret>` take its name, in its namespace (they printed
    /// `get secret team-b/git-credentials`, which kubectl does not take as a name).
    @Test func aCapturedSecretIsItsNameInItsNamespace() throws {
        let line = #"{"level":"error","ts":"2025-03-04T10:21:40.031Z","msg":"Reconciler error","controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository","GitRepository":{"name":"backend","namespace":"team-b"},"namespace":"team-b","name":"backend","reconcileID":"7e6d5c4b-3a2f-4e1d-8c0b-9a8f7e6d5c4b","error":"failed to get secret 'team-b/git-credentials': secrets \"git-credentials\" not found"}"#
        let found = try TransientTests.incidents([("source-controller.log", [line])])
        let h = try #require(found.first?.hypotheses.first { $0.id == "git-auth-failed" })
        let steps = h.checks + h.remediation
        #expect(steps.contains { $0.hasPrefix("kubectl -n team-b get secret git-credentials -o jsonpath='{.data}' | jq 'keys'") }, "\(steps)")
        #expect(steps.contains { $0.contains("flux create secret git git-credentials -n team-b --url=") }, "\(steps)")
        #expect(!steps.contains { $0.contains("team-b/git-credentials") }, "\(steps)")
    }
}

/// apply-forbidden's `kubectl auth can-i` check asks about the verb the API server denied
/// (`User "%s" cannot %s resource "%s" in API group "%s" in the namespace "%s"`, kubernetes
/// apiserver; signature apply-forbidden captures it as `verb`), not always `patch`.
@Suite struct ForbiddenVerbStepsTests {
    /// apply-forbidden's checks for the first incident about Kustomization tenant-a/apps.
    static func checks(error: String) throws -> [String] {
        let line = SopsSecretStepsTests.failed("2026-11-25T14:00:01.000Z", error, name: "apps", namespace: "tenant-a")
        let found = try TransientTests.incidents([("kustomize-controller.log", [line])])
        let h = try #require(found.first?.hypotheses.first { $0.id == "apply-forbidden" })
        return h.checks
    }

    /// A prune denied by RBAC: fluxcd/pkg ssa ResourceManager.DeleteAll returns `delete failed,
    /// errors: %s`, each entry `%s delete failed: %w` and `;` (ssa/manager_delete.go; FLUX-LOGS.md
    /// 3.10). The tenant may patch ConfigMaps, so `can-i patch` answered yes (a trial).
    @Test func aDeniedDeleteIsCheckedAsADelete() throws {
        let checks = try Self.checks(error: #"delete failed, errors: ConfigMap/apps/old-settings delete failed: configmaps \"old-settings\" is forbidden: User \"system:serviceaccount:tenant-a:flux-reconciler\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"apps\";"#)
        #expect(checks.contains("kubectl auth can-i delete configmaps -n apps --as=system:serviceaccount:tenant-a:flux-reconciler"), "\(checks)")
        #expect(!checks.contains { $0.contains("can-i patch") || $0.contains("<verb>") }, "\(checks)")
    }

    /// The server-side apply's dry-run (`%s dry-run failed (%s): %s`, ssa/errors/errors.go;
    /// FLUX-LOGS.md 3.10) denied `patch`: the check stays `can-i patch`.
    @Test func aDeniedPatchIsCheckedAsAPatch() throws {
        let checks = try Self.checks(error: #"Deployment/apps/web dry-run failed (Forbidden): deployments.apps \"web\" is forbidden: User \"system:serviceaccount:tenant-a:flux-reconciler\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"apps\""#)
        #expect(checks.contains("kubectl auth can-i patch deployments -n apps --as=system:serviceaccount:tenant-a:flux-reconciler"), "\(checks)")
        #expect(!checks.contains { $0.contains("<verb>") }, "\(checks)")
    }
}
