import Testing
@testable import LogScan

/// A HelmRelease whose chart source's certificate is not trusted, known only from helm-controller's
/// quote of it (docs/PATTERNS.md "quotes"): the steps are about that source's kind (a known defect:
/// the GitRepository steps, whose kinds include HelmRelease, were listed with an unfilled `<name>`).
///
/// helm-controller v1 logs `<Kind> '<ns>/<name>' is not ready: <Ready message>` while its
/// HelmChart or OCIRepository is not ready (internal/controller/helmrelease_controller.go,
/// FLUX-LOGS.md 3.2, 3.11). The Ready messages are source-controller's: a HelmChart's `chart pull
/// error: failed to download chart for remote reference: ...` (ChartPullError, FLUX-LOGS.md 3.8,
/// [real] with an x509 cause), an OCIRepository's `failed to determine the artifact tag for '%s':
/// %w` (FLUX-LOGS.md 3.8); the cause is Go's `tls: failed to verify certificate: x509: certificate
/// signed by unknown authority` (FLUX-LOGS.md 3.6, flux2#4218, #4838).
@Suite struct QuotedSourceStepsTests {
    static let untrusted = "tls: failed to verify certificate: x509: certificate signed by unknown authority"

    /// helm-controller's wait on `source` (`HelmChart 'apps/apps-podinfo'`) for HelmRelease
    /// apps/podinfo, twice five minutes apart, with the source's Ready message `reason`.
    static func incident(source: String, _ reason: String) throws -> Incident {
        let lines = ["2026-11-24T10:15:41.002Z", "2026-11-24T10:20:41.002Z"].map { ts in
            #"{"level":"info","ts":"\#(ts)","msg":"\#(source) is not ready: \#(reason.replacingOccurrences(of: "\"", with: "\\\""))","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"podinfo","namespace":"apps"},"namespace":"apps","name":"podinfo","reconcileID":"4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d"}"#
        }
        let found = try TransientTests.incidents([("helm-controller.log", lines)])
        #expect(found.count == 1)
        return try #require(found.first)
    }

    /// The TLS hypothesis leads, and none of its steps is about a GitRepository or keeps a
    /// `<name>` the incident fills.
    static func tlsSteps(_ incident: Incident) throws -> RankedHypothesis {
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "tls-verification-failed", "\(incident.hypotheses.map(\.id))")
        let steps = h.checks + h.remediation
        #expect(!steps.contains { $0.contains("gitrepository") || $0.contains("source git") || $0.contains("GitRepository's") }, "\(steps)")
        #expect(!steps.contains { $0.contains("<name>") }, "\(steps)")
        return h
    }

    /// A HelmChart pulled from an HTTPS HelmRepository whose certificate a private CA signed: the
    /// HelmChart's steps, and the CA its HelmRepository's spec.certSecretRef names, looked up.
    @Test func aHelmChartsUntrustedRepositoryIsTheHelmChartsSource() throws {
        let incident = try Self.incident(source: "HelmChart 'apps/apps-podinfo'",
            #"chart pull error: failed to download chart for remote reference: Get "https://charts.acme.internal/podinfo-6.5.4.tgz": \#(Self.untrusted)"#)
        #expect(incident.upstream == ObjectRef(kind: "HelmChart", namespace: "apps", name: "apps-podinfo"))
        let h = try Self.tlsSteps(incident)
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n apps get helmchart apps-podinfo -o jsonpath='{.spec.sourceRef.kind}/{.spec.sourceRef.name}") }, "\(h.checks)")
        #expect(h.checks.contains { $0.hasPrefix(#"kubectl -n apps get secret "$(kubectl -n apps get helmrepository "$(kubectl -n apps get helmchart apps-podinfo -o jsonpath='{.spec.sourceRef.name}')" -o jsonpath='{.spec.certSecretRef.name}')" -o jsonpath='{.data.ca\.crt}'"#) }, "\(h.checks)")
        #expect(h.remediation.contains("Then retry at once: flux reconcile source chart apps-podinfo -n apps --with-source"), "\(h.remediation)")
        #expect(h.remediation.contains { $0.hasSuffix("flux create secret tls <cert-secret> -n apps --ca-crt-file=ca.crt") }, "\(h.remediation)")
    }

    /// The same HelmChart from an OCI HelmRepository (`oci://`): Helm's registry client GETs the
    /// manifest over HTTPS (`failed to perform "FetchReference" on source: GET "<url>": ...`, the
    /// wording of a real 403 in ChartPullError, helm-chart.yaml).
    @Test func aHelmChartsUntrustedOCIRegistryIsTheHelmChartsSource() throws {
        let incident = try Self.incident(source: "HelmChart 'apps/apps-podinfo'",
            #"chart pull error: failed to download chart for remote reference: failed to get 'oci://registry.acme.internal/charts/podinfo:6.5.4': failed to perform "FetchReference" on source: GET "https://registry.acme.internal/v2/charts/podinfo/manifests/6.5.4": \#(Self.untrusted)"#)
        let h = try Self.tlsSteps(incident)
        #expect(h.remediation.contains("Then retry at once: flux reconcile source chart apps-podinfo -n apps --with-source"), "\(h.remediation)")
    }

    /// A HelmRelease's chartRef to an OCIRepository: the OCIRepository's steps, its own
    /// spec.certSecretRef, retried as an OCIRepository.
    @Test func aChartRefsUntrustedOCIRepositoryIsTheOCIRepository() throws {
        let incident = try Self.incident(source: "OCIRepository 'apps/podinfo-chart'",
            #"failed to determine the artifact tag for 'oci://registry.acme.internal/charts/podinfo': Get "https://registry.acme.internal/v2/charts/podinfo/tags/list?n=1000": \#(Self.untrusted)"#)
        #expect(incident.upstream == ObjectRef(kind: "OCIRepository", namespace: "apps", name: "podinfo-chart"))
        let h = try Self.tlsSteps(incident)
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n apps describe ocirepository podinfo-chart ") }, "\(h.checks)")
        #expect(h.checks.contains { $0.hasPrefix(#"kubectl -n apps get secret "$(kubectl -n apps get ocirepository podinfo-chart -o jsonpath='{.spec.certSecretRef.name}')" -o jsonpath='{.data.ca\.crt}'"#) }, "\(h.checks)")
        #expect(h.remediation.contains("Then retry at once: flux reconcile source oci podinfo-chart -n apps"), "\(h.remediation)")
        #expect(!h.checks.contains { $0.contains("helmchart") }, "\(h.checks)")
    }

    /// The kinds filter itself: a step about a kind of source and its consumers stays for the
    /// incident's source of that kind only; a step about consumers alone stays for them.
    @Test func aSourceStepIsAboutTheIncidentsSource() {
        let steps = ["git", "oci", "release"]
        let kinds = [["GitRepository", "Kustomization", "HelmRelease"], ["OCIRepository"], ["HelmRelease"]]
        let chart = [ObjectRef(kind: "HelmChart", namespace: "apps", name: "apps-podinfo"), ObjectRef(kind: "HelmRelease", namespace: "apps", name: "podinfo")]
        #expect(Diagnoser.byEvidence(steps, [], kinds, objects: chart, seen: { _ in false }) == ["release"])
        let git = [ObjectRef(kind: "GitRepository", namespace: "flux-system", name: "flux-system"), ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "apps")]
        #expect(Diagnoser.byEvidence(steps, [], kinds, objects: git, seen: { _ in false }) == ["git"])
        // No source named: the consumers' steps, as before.
        let release = [ObjectRef(kind: "HelmRelease", namespace: "apps", name: "podinfo")]
        #expect(Diagnoser.byEvidence(steps, [], kinds, objects: release, seen: { _ in false }) == ["git", "release"])
    }
}
