import Testing
@testable import LogScan

/// A Git secret's steps keep the deploy key the Git host knows and match the repository's
/// transport (docs/PATTERNS.md "Commands and prose in steps"): `flux create secret git` over SSH
/// without `--private-key-file` generates a new key pair (flux2 `flux create secret git`: "For Git
/// over SSH, the host and SSH keys are automatically generated"). Lines are source-controller's
/// (FLUX-LOGS.md 3.4, 3.12), as a trial wrote them.
@Suite struct GitSecretStepsTests {
    /// The GitRepository flux-system/flux-system's context fields (FLUX-LOGS.md 1.2, current era).
    static let context = #""controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository","GitRepository":{"name":"flux-system","namespace":"flux-system"},"namespace":"flux-system","name":"flux-system","reconcileID":"7b1e4f0a-2c3d-4e5f-8a9b-0c1d2e3f4a5b""#

    /// A `Reconciler error` of that GitRepository at `ts` with `error`.
    static func failed(_ ts: String, _ error: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"Reconciler error",\#(context),"error":"\#(error)"}"#
    }

    /// The checks and fixes of hypothesis `id` for the first incident of source-controller `lines`.
    static func steps(_ id: String, _ lines: [String]) throws -> [String] {
        let found = try TransientTests.incidents([("source-controller.log", lines)])
        let h = try #require(found.first?.hypotheses.first { $0.id == id }, "\(found.first?.hypotheses.map(\.id) ?? [])")
        return h.checks + h.remediation
    }

    /// The trial's input (/tmp/trial20 defect 03): repository fetched fine, source-controller shut
    /// down and started again (`starting manager`, lease acquired), then `knownhosts: key
    /// mismatch` on an SSH URL on port 2222. git-host-key-algorithm-changed leads, and its fix
    /// replaces only `known_hosts`, scanning every key type on that port: no `flux create secret
    /// git`, which would have replaced the deploy key with a new one.
    @Test func aKnownHostsMismatchAfterARestartKeepsTheDeployKey() throws {
        let g = #""controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository""#
        let error = "failed to checkout and determine revision: unable to list remote for 'ssh://git@git.acme.example:2222/platform/fleet-infra': ssh: handshake failed: knownhosts: key mismatch"
        var lines = ["00", "01", "02", "03"].map {
            #"{"level":"info","ts":"2026-11-24T09:\#($0):14.248Z","msg":"no changes since last reconciliation: observed revision 'main@sha1:56b7a9e899094eaed0b396a813970ff4dca0514f'",\#(Self.context)}"#
        }
        lines += [
            #"{"level":"info","ts":"2026-11-24T09:04:01.212Z","msg":"Shutdown signal received, waiting for all workers to finish",\#(g)}"#,
            #"{"level":"info","ts":"2026-11-24T09:04:01.213Z","msg":"All workers finished",\#(g)}"#,
            #"{"level":"info","ts":"2026-11-24T09:04:04.330Z","logger":"setup","msg":"starting manager"}"#,
            #"{"level":"info","ts":"2026-11-24T09:04:04.431Z","logger":"runtime","msg":"Attempting to acquire leader lease...","lock":"flux-system/source-controller-leader-election"}"#,
            #"{"level":"info","ts":"2026-11-24T09:04:06.448Z","logger":"runtime","msg":"Successfully acquired lease","lock":"flux-system/source-controller-leader-election"}"#,
            #"{"level":"info","ts":"2026-11-24T09:04:06.560Z","msg":"Starting workers",\#(g),"worker count":2}"#,
        ]
        lines += ["04:07", "05:07", "06:07", "08:07", "12:07"].map { Self.failed("2026-11-24T09:\($0).000Z", error) }
        let found = try TransientTests.incidents([("source-controller.log", lines)])
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.id == "git-host-key-algorithm-changed")
        let fix = try #require(first.remediation.first { $0.contains("known_hosts") }, "\(first.remediation)")
        #expect(fix.contains("kubectl -n flux-system patch secret \"$(kubectl -n flux-system get gitrepository flux-system -o jsonpath='{.spec.secretRef.name}')\" --type merge -p"), "\(fix)")
        #expect(fix.contains("$(ssh-keyscan -t ecdsa,ed25519,rsa -p 2222 git.acme.example 2>/dev/null | base64 -w0)"), "\(fix)")
        for h in found[0].hypotheses {
            for step in h.checks + h.remediation {
                #expect(StepCommands.newKeyPairCommands(step).isEmpty, "\(h.id): \(step)")
            }
        }
    }

    /// No shipped hypothesis recreates an SSH Git secret without `--private-key-file` (the whole
    /// kind of the trial's fix), as `explain` prints them.
    @Test func noShippedStepMakesANewKeyPair() {
        for h in TransientTests.patterns.hypotheses {
            for step in h.checks + h.remediation {
                #expect(StepCommands.newKeyPairCommands(step).isEmpty, "\(h.id): \(step)")
            }
        }
    }

    /// `patterns lint` warns about `flux create secret git` over SSH (an `ssh://` URL, or `<url>`
    /// with no HTTPS credentials) without `--private-key-file`, and about nothing else here:
    /// a key given, HTTPS credentials, the `kubectl patch` of known_hosts, prose naming the command.
    @Test func lintWarnsAboutANewKeyPair() {
        let yaml = #"""
        version: 1
        hypotheses:
          - id: t
            remediation:
              - "Re-scan: flux create secret git <secret> --url=ssh://git@<host>/<org>/<repo> (re-scans)."
              - "Recreate it: flux create secret git <secret> --url=<url> ..."
              - "Keep it: flux create secret git <secret> --url=ssh://git@<host>/<org>/<repo> --private-key-file=<private-key>"
              - "HTTPS: flux create secret git <secret> --url=<url> --username=<user> --password=<token>"
              - 'Patch: kubectl -n flux-system patch secret <secret> --type merge -p "{\"data\":{\"known_hosts\":\"$(ssh-keyscan <git-host> | base64 -w0)\"}}" (not Flux''s create secret git command).'
            title: t
            prior: 0.3
            requires: {any_of: [container-restarted]}
            explain: x
            source: test
            checks: ["kubectl get pods"]
        """#
        let report = PatternLint.lint(shipped: [], layers: [[("t.yaml", yaml)]])
        #expect(report.errors.map(\.description) == [])
        #expect(report.warnings.map(\.position.line) == [5, 6], "\(report.warnings.map(\.description))")
        #expect(report.warnings.allSatisfy { $0.message.contains("without --private-key-file") })
    }

    /// An HTTPS 401 (`unable to clone 'https://github.com/org/private-fleet': authentication
    /// required: Invalid username or token.`, FLUX-LOGS.md 3.4): git-auth-failed's fixes recreate
    /// an HTTPS secret for that URL, with no SSH command (a trial was offered
    /// `flux create secret git <secret> --url=ssh://...`).
    @Test func anHTTPS401GetsTheHTTPSStepsOnly() throws {
        let error = "failed to checkout and determine revision: unable to clone 'https://github.com/org/private-fleet': authentication required: Invalid username or token."
        let steps = try Self.steps("git-auth-failed", ["2025-03-04T10:21:40.031Z", "2025-03-04T10:22:40.031Z"].map { Self.failed($0, error) })
        #expect(steps.contains { $0.contains("flux create secret git \"$(kubectl -n flux-system get gitrepository flux-system -o jsonpath='{.spec.secretRef.name}')\" --url=https://github.com/org/private-fleet --username=<user> --password=<token>") }, "\(steps)")
        #expect(!steps.contains { $0.contains("--url=ssh://") || $0.hasPrefix("SSH:") }, "\(steps)")
    }

    /// An SSH key the host refuses (`ssh: handshake failed: ssh: unable to authenticate, attempted
    /// methods [none publickey], no supported methods remain`, FLUX-LOGS.md 3.4): the SSH fix,
    /// which keeps a key the host has (`--private-key-file`), and no HTTPS one.
    @Test func anSSHAuthFailureGetsTheSSHStepsOnly() throws {
        let error = "failed to checkout and determine revision: unable to clone 'ssh://git@github.com/org/fleet': ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain"
        let steps = try Self.steps("git-auth-failed", ["2025-03-04T10:21:40.031Z", "2025-03-04T10:22:40.031Z"].map { Self.failed($0, error) })
        #expect(steps.contains { $0.hasSuffix("flux create secret git \"$(kubectl -n flux-system get gitrepository flux-system -o jsonpath='{.spec.secretRef.name}')\" --url=ssh://git@github.com/org/fleet --private-key-file=<private-key>") }, "\(steps)")
        #expect(!steps.contains { $0.contains("--url=https://") || $0.hasPrefix("HTTPS:") }, "\(steps)")
    }

    /// `fits`: a step naming an `--url=` scheme stays for that transport only; `http://` is the
    /// HTTPS transport; with no transport known every step stays.
    @Test func aStepFitsItsTransport() {
        var filler = PlaceholderFiller()
        let ssh = "flux create secret git <secret> --url=ssh://git@<host>/<org>/<repo> --private-key-file=<private-key>"
        let https = "flux create secret git <secret> --url=https://<host>/<org>/<repo> --username=<user> --password=<token>"
        #expect(filler.fits(ssh) && filler.fits(https))
        filler.gitScheme = PlaceholderFiller.gitScheme(ofURL: "http://gitea.internal:3000/platform/fleet")
        #expect(filler.gitScheme == "https")
        #expect(!filler.fits(ssh) && filler.fits(https) && filler.fits("flux reconcile source git <name>"))
        filler.gitScheme = PlaceholderFiller.gitScheme(ofURL: "ssh://git@git.acme.example:2222/platform/fleet-infra")
        #expect(filler.fits(ssh) && !filler.fits(https))
    }
}

/// Confirm commands take the values the quoted log line names (docs/OUTPUT.md "Placeholders in
/// checks and fixes"): the trial's lines (/tmp/trial20 defect 05), in Flux's wordings
/// (FLUX-LOGS.md 3.7, 3.8, 3.10; source-controller bucket_controller.go).
@Suite struct QuotedValueStepsTests {
    /// The steps of hypothesis `id` for the first incident of `file`'s `lines`.
    static func steps(_ id: String, file: String, _ lines: [String]) throws -> [String] {
        let found = try TransientTests.incidents([(file, lines)])
        let h = try #require(found.first?.hypotheses.first { $0.id == id }, "\(found.first?.hypotheses.map(\.id) ?? [])")
        return h.checks + h.remediation
    }

    /// `failed to confirm existence of 'prod-manifests' bucket: The Access Key Id you provided does
    /// not exist in our records.`: the S3 probe lists s3://prod-manifests; the endpoint, which no
    /// line names, stays a placeholder.
    @Test func theBucketProbeNamesTheQuotedBucket() throws {
        let line = #"{"level":"error","ts":"2026-11-24T10:10:00.000Z","msg":"Reconciler error","controller":"bucket","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"Bucket","Bucket":{"name":"manifests","namespace":"team-c"},"namespace":"team-c","name":"manifests","reconcileID":"204fabd9-977b-4be7-8574-4c557b58a4c5","error":"failed to confirm existence of 'prod-manifests' bucket: The Access Key Id you provided does not exist in our records."}"#
        let steps = try Self.steps("registry-auth-failed", file: "source-controller.log", [line])
        let probe = try #require(steps.first { $0.hasPrefix("aws s3 ls s3://") }, "\(steps)")
        #expect(probe.hasPrefix("aws s3 ls s3://prod-manifests --endpoint-url https://<endpoint> "), "\(probe)")
        #expect(!steps.contains { $0.contains("<bucket>") }, "\(steps)")
    }

    /// helm-controller's `Helm upgrade failed for release apps/apps-podinfo with chart
    /// podinfo@6.5.4: cannot patch "apps-podinfo" with kind Deployment: Deployment.apps
    /// "apps-podinfo" is invalid: spec.selector: ...: field is immutable` (FLUX-LOGS.md 3.7,
    /// 3.10): the live object is the Deployment apps-podinfo in the release's namespace apps.
    @Test func aHelmImmutableFieldNamesTheRefusedObject() throws {
        let line = #"{"level":"error","ts":"2026-11-24T10:10:05.000Z","msg":"Reconciler error","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"podinfo","namespace":"flux-system"},"namespace":"flux-system","name":"podinfo","reconcileID":"404fabd9-977b-4be7-8574-4c557b58a4c5","error":"Helm upgrade failed for release apps/apps-podinfo with chart podinfo@6.5.4: cannot patch \"apps-podinfo\" with kind Deployment: Deployment.apps \"apps-podinfo\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app.kubernetes.io/name\":\"podinfo\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"}"#
        let steps = try Self.steps("immutable-field-change", file: "helm-controller.log", [line])
        #expect(steps.contains { $0.hasPrefix("kubectl get deployment apps-podinfo -n apps -o yaml") }, "\(steps)")
        #expect(!steps.contains { $0.contains("<kind>") || $0.contains("<name>") }, "\(steps)")
    }

    /// kustomize-controller's `Deployment/podinfo/podinfo dry-run failed (Invalid): Deployment.apps
    /// "podinfo" is invalid: ...` (FLUX-LOGS.md 3.10) keeps the object's own namespace.
    @Test func aKustomizationImmutableFieldKeepsItsObject() throws {
        let line = #"{"level":"error","ts":"2025-03-04T10:20:12.500Z","msg":"Reconciliation failed after 82.4ms, next try in 5m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"8b0e6f5c-2d4a-4f3b-9c1e-7a6d5e4f3b2a","revision":"main@sha1:0123456789abcdef0123456789abcdef01234567","error":"Deployment/podinfo/podinfo dry-run failed (Invalid): Deployment.apps \"podinfo\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"podinfo-v2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"}"#
        let steps = try Self.steps("immutable-field-change", file: "kustomize-controller.log", [line])
        #expect(steps.contains { $0.hasPrefix("kubectl get deployment podinfo -n podinfo -o yaml") }, "\(steps)")
    }

    /// `failed to pull artifact from 'oci://ghcr.io/org/manifests': GET
    /// https://ghcr.io/v2/org/manifests/manifests/v1.2.3: MANIFEST_UNKNOWN: manifest unknown`
    /// (FLUX-LOGS.md 3.8): both URLs name the repository org/manifests on ghcr.io, so the tag
    /// listing names it (the API URL was read as repository `org`, two values, none filled).
    @Test func theTagListingNamesTheQuotedRepository() throws {
        let line = #"{"level":"error","ts":"2026-11-24T10:10:30.000Z","msg":"Reconciler error","controller":"ocirepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"OCIRepository","OCIRepository":{"name":"manifests","namespace":"team-b"},"namespace":"team-b","name":"manifests","reconcileID":"304fabd9-977b-4be7-8574-4c557b58a4c5","error":"failed to pull artifact from 'oci://ghcr.io/org/manifests': GET https://ghcr.io/v2/org/manifests/manifests/v1.2.3: MANIFEST_UNKNOWN: manifest unknown; map[Tag:v1.2.3]"}"#
        let found = try TransientTests.incidents([("source-controller.log", [line])])
        let steps = try #require(found.first?.hypotheses.first).checks
        #expect(steps.contains { $0.hasPrefix("crane ls ghcr.io/org/manifests ") }, "\(steps)")
        #expect(!steps.contains { $0.contains("<registry>") || $0.contains("<repo>") }, "\(steps)")
    }

    /// The distribution API's endpoints (OCI distribution spec, "Endpoints"): the repository is
    /// what lies between `/v2/` and the endpoint's last two segments, whatever it holds.
    @Test func registryURLsNameTheirRepository() {
        let cases: [(String, String, String)] = [
            ("https://ghcr.io/v2/org/manifests/manifests/v1.2.3", "ghcr.io", "org/manifests"),
            ("https://ghcr.io/v2/acme/checkout-api/tags/list?n=1000", "ghcr.io", "acme/checkout-api"),
            ("https://registry-1.docker.io/v2/acme/blobs/blobs/sha256:0123", "registry-1.docker.io", "acme/blobs"),
            ("oci://ghcr.io/org/manifests:v1.2.3", "ghcr.io", "org/manifests"),
        ]
        for (url, registry, repository) in cases {
            let found = PlaceholderFiller.registryRepository(url)
            #expect(found?.registry == registry && found?.repository == repository, "\(url): \(String(describing: found))")
        }
    }
}
