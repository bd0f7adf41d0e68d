import Foundation
import Testing
@testable import LogScan

/// A dependsOn wait that names no dependency (`Dependencies do not meet ready condition, retrying
/// in 30s`, FLUX-LOGS.md 1.4) may fold under a failing Kustomization of the window, but not under
/// one that kept failing after the wait ended: once its dependency is ready, the waiter goes on at
/// its next 30 s retry. A fresh user's trial: apps waited on infrastructure (healthy at 09:03:45),
/// and was filed under tenant-x, whose kustomize build failed every 5 minutes until 09:20.
@Suite struct WildcardWaitTests {
    let lines = TransientTests()

    /// kustomize-controller's `kustomize build failed: %w` (FLUX-LOGS.md 3.9) for tenant-x.
    func buildFails(_ ts: String) -> String {
        lines.line("error", ts, "Kustomization", "tenant-x", "Reconciliation failed after 40ms, next try in 5m0s",
                   extra: #","error":"kustomize build failed: accumulating resources: accumulation err='accumulating resources from './podinfo': open /tmp/kustomization-1170420/podinfo: no such file or directory'""#)
    }

    func waits(_ ts: String) -> String {
        lines.line("info", ts, "Kustomization", "apps", "Dependencies do not meet ready condition, retrying in 30s")
    }

    /// tenant-x fails at 09:00:11 and then every 5 minutes until `lastFailure`; apps waits from
    /// 09:01:30 to 09:03:30, infrastructure finishes at 09:03:45, apps goes on at 09:04:00.
    func scenario(failuresUntil minutes: [Int]) -> [String] {
        var out = [buildFails("2026-11-30T09:00:11.000Z")]
        out += ["09:01:30", "09:02:00", "09:02:30", "09:03:00", "09:03:30"].map { waits("2026-11-30T\($0).500Z") }
        out.append(lines.line("info", "2026-11-30T09:03:45.000Z", "Kustomization", "infrastructure", "Reconciliation finished in 2m45s, next run in 10m0s"))
        out.append(lines.line("info", "2026-11-30T09:04:00.500Z", "Kustomization", "apps", "All dependencies are ready, proceeding with reconciliation"))
        out += lines.applied("2026-11-30T09:04:02.000Z", "apps")
        for m in minutes { out.append(buildFails(String(format: "2026-11-30T09:%02d:11.000Z", m))) }
        return out.sorted()  // in time order, as one controller logs them
    }

    @Test func aWaitThatEndedWhileTheCandidateKeptFailingIsItsOwnIncident() throws {
        let found = try TransientTests.incidents([("kustomize-controller.log", scenario(failuresUntil: [5, 10, 15, 20]))])
        let tenant = try #require(found.first { $0.affected.contains { $0.name == "tenant-x" } })
        #expect(tenant.downstream.isEmpty)
        let apps = try #require(found.first { $0.affected.contains { $0.name == "apps" } })
        #expect(apps.failureClass == "dependency")
        #expect(apps.status == .resolved)
    }

    /// The same wait while tenant-x's last failure (09:03:11) came before apps went on: tenant-x
    /// may be what it waited on, and the wait still folds under it.
    @Test func aCandidateThatStoppedFailingBeforeTheWaitEndedStillTakesIt() throws {
        let found = try TransientTests.incidents([("kustomize-controller.log", scenario(failuresUntil: [3]))])
        let tenant = try #require(found.first { $0.affected.contains { $0.name == "tenant-x" } })
        #expect(tenant.downstream.map(\.objects) == [[ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "apps")]])
        #expect(!found.contains { $0.affected.contains { $0.name == "apps" } })
    }

    /// Trial 12: team-a/shop-apps waits on a dependsOn its line does not name while two
    /// Kustomizations fail, team-a/shop-secrets (SOPS) and flux-system/infra-configs (build):
    /// dependsOn may name another namespace (Flux's Kustomization API: `namespace` of a
    /// dependency defaults to the waiter's, any may be given), so the wait is its own incident,
    /// not filed under the one of its namespace. With one of them failing it folds.
    @Test func twoCandidatesInTwoNamespacesAreNoFold() throws {
        func line(_ level: String, _ ts: String, _ name: String, _ ns: String, _ msg: String, extra: String = "") -> String {
            lines.line(level, ts, "Kustomization", name, msg, ns: ns, extra: extra)
        }
        let sops = #","error":"decryption failed for 'shop-db': Error getting data key: 0 successful groups required, got 0""#
        let build = #","error":"kustomize build failed: accumulating resources: accumulation err='accumulating resources from './ingress': open /tmp/kustomization-1170420/ingress: no such file or directory'""#
        var both: [String] = [], oneOnly: [String] = []
        for m in [0, 5, 10] {
            let t = String(format: "2026-11-30T09:%02d:1", m)
            let secrets = line("error", t + "1.000Z", "shop-secrets", "team-a", "Reconciliation failed after 1.2s, next try in 5m0s", extra: sops)
            let infra = line("error", t + "2.000Z", "infra-configs", "flux-system", "Reconciliation failed after 40ms, next try in 5m0s", extra: build)
            let wait = line("info", t + "5.000Z", "shop-apps", "team-a", "Dependencies do not meet ready condition, retrying in 30s")
            both += [secrets, infra, wait]
            oneOnly += [infra, wait]
        }
        let found = try TransientTests.incidents([("kustomize-controller.log", both)])
        let apps = try #require(found.first { $0.affected.contains { $0.name == "shop-apps" } })
        #expect(apps.failureClass == "dependency")
        #expect(found.allSatisfy { $0.downstream.isEmpty })
        let folded = try TransientTests.incidents([("kustomize-controller.log", oneOnly)])
        let infra = try #require(folded.first { $0.affected.contains { $0.name == "infra-configs" } })
        #expect(infra.downstream.map(\.objects) == [[ObjectRef(kind: "Kustomization", namespace: "team-a", name: "shop-apps")]])
    }
}
