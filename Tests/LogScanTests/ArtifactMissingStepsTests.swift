import Foundation
import Testing
@testable import LogScan

/// artifact-missing's fix for a consumer whose source kind the logs do not name (trial 12 #5:
/// a Kustomization of an OCIRepository was told `flux reconcile source git <name>`).
/// With no source named by any line, the step says which kinds may stand there.
@Suite struct ArtifactMissingStepsTests {
    /// kustomize-controller's 404 from the artifact server (FLUX-LOGS.md 3.2).
    func waiting(_ ts: String) -> String {
        #"{"level":"info","ts":"\#(ts)","msg":"Source is not ready, artifact not found, retrying in 30s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"podinfo","namespace":"team-b"},"namespace":"team-b","name":"podinfo","reconcileID":"10b99ac9-f178-4d77-b24d-04fda24c8407"}"#
    }

    @Test func theFixReconcilesWhicheverSourceTheConsumerHas() throws {
        let found = try TransientTests.incidents([("kustomize-controller.log",
            ["2025-06-13T03:00:03.000Z", "2025-06-13T03:00:33.000Z", "2025-06-13T03:01:03.000Z"].map(waiting))])
        let h = try #require(found.first?.hypotheses.first { $0.id == "artifact-missing" })
        #expect(h.remediation.contains("Reconcile the source so it stores its artifact again: flux reconcile source <git|oci|helm|bucket> <name> (then flux reconcile kustomization podinfo -n team-b)"))
        #expect(!(h.remediation + h.checks).contains { $0.contains("source git") })
    }
}

/// artifact-missing's steps for a HelmRelease (trial 18 #3): source-controller restarted with an
/// empty /data and helm-controller logged `Source not ready: artifact not found. Retrying in 30s`
/// for HelmRelease podinfo/podinfo; the fix said `flux reconcile source <git|oci|helm|bucket>
/// <name> (then flux reconcile kustomization <name>)`.
///
/// What Flux does: helm-controller downloads the chart artifact of the HelmRelease's HelmChart
/// (named `<namespace>-<name>`, in its source's namespace) from source-controller and logs
/// `Source not ready: artifact not found. Retrying in %s` on a 404 (`failed to download chart from
/// '%s': file not found`; FLUX-LOGS.md 3.2, 3.12). `flux reconcile helmrelease <name> -n <ns>
/// --with-source` reconciles that HelmChart first, then the release (flux2
/// cmd/flux/reconcile_helmrelease.go, `getSource`: HelmChart `<namespace>-<name>`); no
/// Kustomization is involved, and the kind says which source to reconcile.
@Suite struct ArtifactMissingHelmStepsTests {
    static func record(_ level: String, _ ts: String, _ kind: String, _ ns: String, _ name: String, _ msg: String, extra: String = "") -> String {
        let group = ["HelmRelease": "helm.toolkit.fluxcd.io"][kind] ?? "source.toolkit.fluxcd.io"
        return #"{"level":"\#(level)","ts":"\#(ts)","msg":"\#(msg)","controller":"\#(kind.lowercased())","controllerGroup":"\#(group)","controllerKind":"\#(kind)","\#(kind)":{"name":"\#(name)","namespace":"\#(ns)"},"namespace":"\#(ns)","name":"\#(name)","reconcileID":"cc011cdd-9474-431b-8f26-144b98289fcd"\#(extra)}"#
    }

    /// source-controller's start-up at 02:40:00 (FLUX-LOGS.md 1.2 `setup`), then `more` of its records.
    static func sourceController(_ more: [String] = []) -> (String, [String]) {
        ("source-controller.log", [#"{"level":"info","ts":"2026-11-24T02:40:00.000Z","logger":"setup","msg":"starting manager"}"#] + more)
    }

    static let times = ["2026-11-24T02:40:30.000Z", "2026-11-24T02:41:00.030Z", "2026-11-24T02:41:30.060Z"]

    /// helm-controller v1's info line on a 404 (helmrelease_controller.go).
    static let waits = times.map { record("info", $0, "HelmRelease", "podinfo", "podinfo", "Source not ready: artifact not found. Retrying in 30s") }

    static func firstHypothesis(_ files: [(String, [String])]) throws -> RankedHypothesis {
        let found = try TransientTests.incidents(files)
        let incident = try #require(found.first { $0.objects.contains("HelmRelease/podinfo/podinfo") }, "\(found.map(\.objects))")
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "artifact-missing", "\(incident.hypotheses.map(\.id))")
        return h
    }

    /// No step about a Kustomization, and no source kind left open.
    static func noKustomizationOrOpenKind(_ steps: [String]) -> Bool {
        !steps.contains { $0.lowercased().contains("kustomization") || $0.contains("<git|oci|helm|bucket>") || $0.contains("source git") }
    }

    /// The trial's case: the HelmRelease's own line names no URL.
    @Test func aHelmReleasesMissingChartIsReconciledAsAHelmRelease() throws {
        let h = try Self.firstHypothesis([("helm-controller.log", Self.waits), Self.sourceController()])
        let steps = h.checks + h.remediation
        #expect(Self.noKustomizationOrOpenKind(steps), "\(steps)")
        #expect(h.remediation.contains { $0.contains("flux reconcile helmrelease podinfo -n podinfo --with-source") }, "\(h.remediation)")
    }

    /// The error text names the chart's URL: the HelmChart flux-system/podinfo-podinfo is the
    /// upstream, the HelmRelease's steps are the same.
    @Test func aMissingChartURLIsReconciledThroughItsHelmRelease() throws {
        let url = "http://source-controller.flux-system.svc.cluster.local./helmchart/flux-system/podinfo-podinfo/podinfo-6.5.4.tgz"
        let errors = Self.times.map {
            Self.record("error", $0, "HelmRelease", "podinfo", "podinfo", "Reconciler error", extra: #","error":"failed to download chart from '\#(url)': file not found""#)
        }
        let h = try Self.firstHypothesis([("helm-controller.log", errors), Self.sourceController()])
        let steps = h.checks + h.remediation
        #expect(Self.noKustomizationOrOpenKind(steps), "\(steps)")
        #expect(h.remediation.contains { $0.contains("flux reconcile helmrelease podinfo -n podinfo --with-source") }, "\(h.remediation)")
    }

    /// The HelmChart is suspended (source-controller skips it: `reconciliation is suspended for
    /// this object`, reconcile.yaml): the step to resume it is about a chart source, not a Git one.
    @Test func aSuspendedChartSourceIsNotToldAsAGitSource() throws {
        let suspended = Self.record("info", "2026-11-24T02:40:07.000Z", "HelmChart", "flux-system", "podinfo-podinfo", "reconciliation is suspended for this object")
        let h = try Self.firstHypothesis([("helm-controller.log", Self.waits), Self.sourceController([suspended])])
        let steps = h.checks + h.remediation
        #expect(Self.noKustomizationOrOpenKind(steps), "\(steps)")
        #expect(h.remediation.first?.hasPrefix("A suspended source is skipped") == true, "\(h.remediation)")
        #expect(h.remediation.first?.contains("flux resume source chart") == true, "\(h.remediation)")
    }
}
