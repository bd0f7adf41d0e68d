import Foundation
import Testing

/// The incidents folded under a root (docs/OUTPUT.md "Downstream incidents") fail because the
/// root's object does; diagnosis sees only the root's own events as its signals, and the folded
/// objects' failures are no evidence for or against its hypotheses either
/// (`Diagnoser.isFoldedEcho`).
/// Trial 21 (#04): `Fixtures/helm-wait-health-check/`: HelmRelease podinfo/podinfo fails its
/// upgrade with `Helm upgrade failed for release podinfo/podinfo with chart podinfo@6.5.4: context
/// deadline exceeded` (FLUX-LOGS.md 3.7) and Kustomization flux-system/apps, whose health check
/// waits on it, logs `health check failed after 5m0.01s: timeout waiting for:
/// [HelmRelease/podinfo/podinfo status: 'InProgress']` (FLUX-LOGS.md 3.3): a wait on a Flux
/// object, folded under the HelmRelease. `health-check-timeout` ranked first at 0.858, citing that
/// line as "the health check timed out waiting for the listed workloads".
@Suite struct FoldedEvidenceTests {
    static let fixtures = ["Tests/EndToEndTests/Fixtures/helm-wait-health-check/helm-controller.log",
                           "Tests/EndToEndTests/Fixtures/helm-wait-health-check/kustomize-controller.log"]

    func incident() throws -> [String: Any] {
        let r = try run(["--format", "json"] + Self.fixtures)
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        return try #require(incidents.first)
    }

    @Test func theFoldedHealthCheckIsNoEvidenceOfAWorkloadFailure() throws {
        let i = try incident()
        #expect(i["upstream"] as? String == "HelmRelease/podinfo/podinfo")
        #expect(i["downstream"] as? [String] == ["Kustomization/flux-system/apps"])
        let folded = (i["downstream_signals"] as? [[String: Any]] ?? []).compactMap { $0["signature"] as? String }
        #expect(folded.contains("health-check-waits-on-flux"))
        let hypotheses = try #require(i["hypotheses"] as? [[String: Any]])
        // No line of the folded Kustomization is cited, for or against, by any hypothesis.
        for h in hypotheses {
            for line in (h["evidence_for"] as? [String] ?? []) + (h["evidence_against"] as? [String] ?? []) {
                #expect(!line.contains("kustomize-controller.log"), "\(h["id"] ?? ""): \(line)")
            }
        }
        let workload = try #require(hypotheses.first { $0["id"] as? String == "health-check-timeout" })
        #expect(workload["evidence_for"] as? [String] == [])
        #expect(workload["confidence"] as? Double == 0.45)  // its prior: nothing for or against
    }

    /// samples/helmchart-cascade: source-controller logs the HelmChart's error 11 times (`no
    /// 'podinfo' chart with version matching ...`), helm-controller quotes it for the folded
    /// HelmRelease (`HelmChart 'flux-system/podinfo-podinfo' is not ready: ...`, FLUX-LOGS.md
    /// 3.11). The quotes are the waiter's copies, not more evidence of the chart's failure.
    @Test func aFoldedWaitsQuotesAreNotCountedAsTheRootsEvidence() throws {
        let r = try run(["--format", "json", "samples/helmchart-cascade/helm-controller.log", "samples/helmchart-cascade/source-controller.log"])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let chart = try #require(incidents.flatMap { $0["hypotheses"] as? [[String: Any]] ?? [] }
            .first { $0["id"] as? String == "helm-chart-unavailable" })
        let support = chart["evidence_for"] as? [String] ?? []
        #expect(support.contains { $0.contains("[helm-chart-version-not-found ×11, first 11:00:02, samples/helmchart-cascade/source-controller.log:2]") })
        #expect(!support.contains { $0.contains("helm-source-not-ready") })
    }

    @Test func theHelmTimeoutRanksTheHelmActionFirst() throws {
        let hypotheses = try #require(try incident()["hypotheses"] as? [[String: Any]])
        let first = try #require(hypotheses.first)
        #expect(first["id"] as? String == "helm-action-failed")
        let support = first["evidence_for"] as? [String] ?? []
        #expect(support.contains { $0.contains("[helm-wait-timeout ×4, first 02:06:45, ") && $0.hasSuffix("helm-controller.log:7]") })
    }
}
