import Foundation
import Testing
@testable import LogScan

/// network.yaml's DNS, egress and TLS steps name each kind of object as itself (trial 16
/// leftover: an ImageRepository whose registry certificate is not trusted was told `kubectl
/// describe gitrepository` and `flux reconcile source git`, and its x509 failure ranked the
/// generic scan failure first).
///
/// Records are Flux's current JSON shape (FLUX-LOGS.md 1.2 third era). image-reflector-controller
/// logs a failed scan through eventLogf: message `scan failed: <error>`, the `error` field holding
/// the Ready reason `ReadOperationFailed` (FLUX-LOGS.md 1.4; imagerepository_controller.go); the
/// error is go-containerregistry's ping of `https://<registry>/v2/`, a Go `*url.Error` (`Get
/// "<url>": <cause>`). source-controller's are `Reconciler error` records (FLUX-LOGS.md 3.1) with
/// the wrappings of helmchart_controller.go (`chart pull error: failed to download chart for
/// remote reference: ...`) and bucket_controller.go (`failed to confirm existence of '<bucket>'
/// bucket: ...`, minio-go's HEAD). The causes are Go's (`tls: failed to verify certificate: x509:
/// certificate signed by unknown authority`, FLUX-LOGS.md 3.6; `dial tcp: lookup <host> on
/// <dns>:53: no such host`, 3.5; `dial tcp <ip>:443: i/o timeout`, 3.4).
@Suite struct SourceKindStepsTests {
    static func scanFailed(_ ts: String, _ error: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"scan failed: \#(error.replacingOccurrences(of: "\"", with: "\\\""))","controller":"imagerepository","controllerGroup":"image.toolkit.fluxcd.io","controllerKind":"ImageRepository","ImageRepository":{"name":"checkout-api","namespace":"shop"},"namespace":"shop","name":"checkout-api","reconcileID":"4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d","error":"ReadOperationFailed"}"#
    }

    /// Two failed scans of ImageRepository shop/checkout-api, five minutes apart.
    static func imageRepositoryIncident(_ error: String) throws -> Incident {
        let found = try TransientTests.incidents([("image-reflector-controller.log", [
            scanFailed("2026-11-24T10:15:41.002Z", error), scanFailed("2026-11-24T10:20:41.002Z", error),
        ])])
        #expect(found.count == 1)
        return try #require(found.first)
    }

    /// source-controller's `Reconciler error` for `kind` flux-system/`name`, twice.
    static func sourceIncident(kind: String, name: String, _ error: String) throws -> Incident {
        let found = try SourceVerificationBucketTests.incidents(kind: kind, namespace: "flux-system", name: name, error)
        #expect(found.count == 1)
        return try #require(found.first)
    }

    static func steps(_ h: RankedHypothesis) -> [String] { h.checks + h.remediation }

    static let untrusted = "tls: failed to verify certificate: x509: certificate signed by unknown authority"

    /// No step about another kind of source (a GitRepository, `flux get sources`).
    static func noGitSteps(_ steps: [String]) -> Bool {
        !steps.contains { $0.contains("gitrepository") || $0.contains("source git") || $0.contains("<git|oci|helm|bucket>") }
    }

    // MARK: ImageRepository

    /// The reporter's case: the registry's certificate is signed by a private CA.
    @Test func anImageRepositorysUntrustedRegistryIsAboutTheImageRepository() throws {
        let incident = try Self.imageRepositoryIncident(#"Get "https://registry.acme.internal/v2/": \#(Self.untrusted)"#)
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "tls-verification-failed", "\(incident.hypotheses.map(\.id))")
        #expect(h.evidenceFor.contains { $0.hasPrefix("image-reflector-controller failed to verify the certificate") }, "\(h.evidenceFor)")
        let steps = Self.steps(h)
        #expect(Self.noGitSteps(steps) && !steps.contains { $0.contains("flux get sources") }, "\(steps)")
        #expect(h.checks.contains("kubectl -n shop describe imagerepository checkout-api   # spec.image, spec.certSecretRef and the Ready condition"), "\(h.checks)")
        #expect(h.checks.contains("flux get images all -A"), "\(h.checks)")
        #expect(h.remediation.contains { $0.contains("the ImageRepository's spec.certSecretRef") && $0.contains("kubectl -n shop create secret generic <cert-secret> --from-file=ca.crt") }, "\(h.remediation)")
        #expect(h.remediation.contains("Then retry at once: flux reconcile image repository checkout-api -n shop"), "\(h.remediation)")
    }

    /// The registry's name does not resolve: the ImageRepository's spec.image, retried as itself.
    @Test func anImageRepositorysUnknownHostIsRetriedAsAnImageRepository() throws {
        let incident = try Self.imageRepositoryIncident(
            #"Get "https://registry.acme.internal/v2/": dial tcp: lookup registry.acme.internal on 10.96.0.10:53: no such host"#)
        let h = try #require(incident.hypotheses.first { $0.id == "dns-resolution-failed" })
        let steps = Self.steps(h)
        #expect(Self.noGitSteps(steps), "\(steps)")
        #expect(h.remediation.contains("Then retry at once: flux reconcile image repository checkout-api -n shop"), "\(h.remediation)")
        #expect(h.remediation.contains { $0.contains("an ImageRepository's spec.image") }, "\(h.remediation)")
    }

    /// The registry times out: egress of image-reflector-controller's pods, which scan the
    /// registry themselves, not source-controller's.
    @Test func anImageRepositorysEgressIsImageReflectorControllers() throws {
        let incident = try Self.imageRepositoryIncident(#"Get "https://registry.acme.internal/v2/": dial tcp 203.0.113.7:443: i/o timeout"#)
        let h = try #require(incident.hypotheses.first { $0.id == "egress-blocked-external" })
        let steps = Self.steps(h)
        #expect(Self.noGitSteps(steps) && !steps.contains { $0.contains("source-controller") || $0.contains("flux get sources") }, "\(steps)")
        #expect(h.checks.contains { $0.contains("--labels=app=image-reflector-controller") && $0.contains("https://registry.acme.internal/") }, "\(h.checks)")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n flux-system get deploy image-reflector-controller -o jsonpath=") }, "\(h.checks)")
        #expect(h.remediation.contains { $0.hasPrefix("Allow egress from image-reflector-controller (pods labelled app=image-reflector-controller)") }, "\(h.remediation)")
        #expect(h.remediation.contains("Then retry at once: flux reconcile image repository checkout-api -n shop"), "\(h.remediation)")
    }

    // MARK: source-controller's other kinds

    /// A HelmChart's chart URL with an untrusted certificate: the HelmRepository it is pulled
    /// from holds the CA, and the chart is retried with its source.
    @Test func aHelmChartsUntrustedChartURLIsRetriedAsAChart() throws {
        let incident = try Self.sourceIncident(kind: "HelmChart", name: "apps-podinfo",
            #"chart pull error: failed to download chart for remote reference: Get "https://charts.acme.internal/podinfo-6.5.4.tgz": \#(Self.untrusted)"#)
        let h = try #require(incident.hypotheses.first { $0.id == "tls-verification-failed" })
        let steps = Self.steps(h)
        #expect(Self.noGitSteps(steps), "\(steps)")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n flux-system get helmchart apps-podinfo -o jsonpath='{.spec.sourceRef.kind}/{.spec.sourceRef.name}") }, "\(h.checks)")
        #expect(h.remediation.contains("Then retry at once: flux reconcile source chart apps-podinfo --with-source"), "\(h.remediation)")
        #expect(h.remediation.contains { $0.hasPrefix("Private CA: put its certificate in a secret (key ca.crt) and reference it from the source's spec.certSecretRef") }, "\(h.remediation)")
    }

    /// A Bucket's S3-compatible endpoint with an untrusted certificate.
    @Test func aBucketsUntrustedEndpointIsAboutTheBucket() throws {
        let incident = try Self.sourceIncident(kind: "Bucket", name: "manifests",
            #"failed to confirm existence of 'prod-manifests' bucket: Head "https://minio.acme.internal/prod-manifests/": \#(Self.untrusted)"#)
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "tls-verification-failed")
        let steps = Self.steps(h)
        #expect(Self.noGitSteps(steps), "\(steps)")
        #expect(h.checks.contains("kubectl -n flux-system describe bucket manifests   # spec.endpoint, spec.certSecretRef and the Ready condition"), "\(h.checks)")
        #expect(h.remediation.contains("Then retry at once: flux reconcile source bucket manifests"), "\(h.remediation)")
    }

    /// A GitRepository has no spec.certSecretRef (source-controller api/v1 GitRepositorySpec):
    /// its CA is the key ca.crt of the HTTPS secret in spec.secretRef.
    @Test func aGitRepositorysCAIsInItsSecretRef() throws {
        let incident = try Self.sourceIncident(kind: "GitRepository", name: "fleet",
            #"failed to checkout and determine revision: unable to clone 'https://git.acme.internal/platform/fleet': Get "https://git.acme.internal/platform/fleet/info/refs?service=git-upload-pack": \#(Self.untrusted)"#)
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "tls-verification-failed")
        #expect(h.remediation.contains { $0.contains("key ca.crt to the GitRepository's HTTPS secret (spec.secretRef") && $0.contains(#"flux create secret git "$(kubectl -n flux-system get gitrepository fleet -o jsonpath='{.spec.secretRef.name}')" --url="#) }, "\(h.remediation)")
        #expect(!h.remediation.contains { $0.contains("certSecretRef") }, "\(h.remediation)")
        #expect(h.remediation.contains("Then retry at once: flux reconcile source git fleet"), "\(h.remediation)")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n flux-system describe gitrepository fleet ") }, "\(h.checks)")
    }

    /// An OCIRepository's registry that does not resolve: retried once, as an OCIRepository. (A
    /// guard, passing before the kinds' own variants too: PlaceholderFiller rewrote the Git step
    /// for the incident's one OCIRepository; now the Git step is left out, not shown twice.)
    @Test func anOCIRepositoryIsRetriedOnce() throws {
        let incident = try Self.sourceIncident(kind: "OCIRepository", name: "manifests",
            #"failed to determine artifact digest: Get "https://registry.acme.internal/v2/": dial tcp: lookup registry.acme.internal on 10.96.0.10:53: no such host"#)
        let h = try #require(incident.hypotheses.first { $0.id == "dns-resolution-failed" })
        #expect(h.remediation.filter { $0.hasPrefix("Then retry at once:") } == ["Then retry at once: flux reconcile source oci manifests"], "\(h.remediation)")
    }
}
