import Foundation
import Testing
@testable import LogScan

/// fluxcd/pkg ssa's fail-fast (`failed early due to stalled resources: [...]`, wrapped by
/// kustomize-controller's `health check failed after %s: %w`, FLUX-LOGS.md 1.4, 3.3) is a
/// health check that failed on a stalled resource, not one that timed out (trial 12: a
/// Deployment past its progress deadline was titled "Health check timed out").
@Suite struct HealthCheckStalledTests {
    let lines = TransientTests()

    func failed(_ ts: String, _ error: String) -> String {
        lines.line("error", ts, "Kustomization", "shop", "Reconciliation failed after 10m3.2s, next try in 5m0s", ns: "team-a",
                   extra: #","error":"\#(error)""#)
    }

    @Test func aStalledResourceIsNotATimeout() throws {
        let error = "health check failed after 10m0.01s: failed early due to stalled resources: [Deployment/shop/checkout status: 'Failed': Progress deadline exceeded]"
        let found = try TransientTests.incidents([("kustomize-controller.log",
            [failed("2025-06-10T05:10:14.051Z", error), failed("2025-06-10T05:25:17.320Z", error)])])
        let incident = try #require(found.first)
        #expect(incident.title == "Health check failed early, a resource stalled: Kustomization/team-a/shop")
        #expect(incident.hypotheses.first?.id == "health-check-timeout")
        // The workload's namespace and name come from the stalled list as from a timeout's.
        #expect(incident.hypotheses.first?.checks.contains("kubectl get events -n shop --sort-by=.lastTimestamp   # probes failing, OOMKilled, FailedScheduling, image pull errors") == true)
    }
}
