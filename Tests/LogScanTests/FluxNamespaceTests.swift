import Foundation
import Testing
@testable import LogScan

/// Flux installed in another namespace than flux-system (`flux install --namespace=flux`): the steps
/// about Flux itself (its pods, Deployments, Services, endpoints, NetworkPolicies, leases, logs)
/// name the namespace the logs show it in, and the steps about an object keep the object's
/// (trial 18, defect 02: `kubectl -n flux-system get endpoints source-controller` answered NotFound
/// for a Flux in `flux`, which reads as "source-controller is gone").
///
/// Records are Flux's current JSON shape (FLUX-LOGS.md 1.2, 1.4); the artifact URL is
/// source-controller's `--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.cluster.local.`
/// (FLUX-LOGS.md 3.2), leases `<ns>/<controller>-leader-election` (3.12), the event address
/// `notification-controller.<ns>.svc.cluster.local.` (3.14).
@Suite struct FluxNamespaceTests {
    static func line(_ level: String, _ ts: String, _ kind: String, _ ns: String, _ name: String, _ msg: String, extra: String = "") -> String {
        let group = kind == "Kustomization" ? "kustomize.toolkit.fluxcd.io" : "source.toolkit.fluxcd.io"
        return #"{"level":"\#(level)","ts":"\#(ts)","msg":"\#(msg)","controller":"\#(kind.lowercased())","controllerGroup":"\#(group)","controllerKind":"\#(kind)","\#(kind)":{"name":"\#(name)","namespace":"\#(ns)"},"namespace":"\#(ns)","name":"\#(name)","reconcileID":"5edd4a48-c4f4-4c6b-8c25-bedd346af378"\#(extra)}"#
    }

    static func ts(_ seconds: Int) -> String {
        let t = Timestamp(millis: 1_795_478_400_000 + Int64(seconds) * 1000)  // 2026-11-24T00:00:00Z
        return t.rfc3339
    }

    /// Kustomizations apps and infrastructure in `ns` fail to download GitRepository `ns`/fleet's
    /// artifact from `source-controller.<flux>.svc.cluster.local.` (dial i/o timeouts, a
    /// NetworkPolicy dropping TCP 9090) while source-controller keeps reconciling the source.
    static func blockedDownloads(flux: String, ns: String) -> [(String, [String])] {
        let url = "http://source-controller.\(flux).svc.cluster.local./gitrepository/\(ns)/fleet/7c5792c17bd2fb15b570dba9b44688c79cae2f64.tar.gz"
        var kustomize: [String] = [], source: [String] = []
        for k in 0..<60 {
            let name = k % 2 == 0 ? "apps" : "infrastructure"
            kustomize.append(line("info", ts(9000 + k * 17), "Kustomization", ns, name, "request failed",
                                  extra: #","error":"Get \"\#(url)\": dial tcp 10.96.12.34:80: i/o timeout","method":"GET","url":"\#(url)""#))
        }
        for m in 0..<35 {
            source.append(line("info", ts(8940 + m * 60), "GitRepository", ns, "fleet",
                               "no changes since last reconciliation: observed revision 'main@sha1:7c5792c17bd2fb15b570dba9b44688c79cae2f64'"))
        }
        return [("kustomize-controller.log", kustomize), ("source-controller.log", source)]
    }







    /// What each kind of evidence says, and which wins: the artifact host over the kubelet path
    /// over the lease over the event address; within one, the namespace named most (ties:
    /// flux-system, then by name). Parts of a scan (`--jobs`) add up.
    @Test func theMostTrustedClueDecides() {
        var c = FluxNamespaceClues()
        #expect(c.namespace == nil)
        c.note(.eventAddress, "events")
        #expect(c.namespace == "events")
        c.note(.leaderLease, "leases")
        c.note(.podLogPath, "pods", 5)
        #expect(c.namespace == "pods")
        c.note(.artifactHost, "flux")
        #expect(c.decided?.namespace == "flux" && c.decided?.clue == .artifactHost)
        c.note(.artifactHost, "other", 2)
        #expect(c.namespace == "other")
        var tie = FluxNamespaceClues()
        tie.note(.podLogPath, "b"); tie.note(.podLogPath, "a")
        #expect(tie.namespace == "a")
        tie.note(.podLogPath, "flux-system")
        #expect(tie.namespace == "flux-system")
        var merged = FluxNamespaceClues()
        merged.absorb(tie)
        merged.absorb(c)
        #expect(merged.namespace == "other")
        #expect(merged.counts[FluxNamespaceClues.Clue.podLogPath.rawValue] == ["a": 1, "b": 1, "flux-system": 1, "pods": 5])
        // Not a namespace: ignored.
        var bad = FluxNamespaceClues()
        bad.note(.leaderLease, "Flux_System")
        bad.note(.leaderLease, "")
        #expect(bad.isEmpty)
    }

    @Test func servicesAndLeasesNameTheirNamespace() {
        #expect(FluxNamespaceClues.service(host: "source-controller.flux.svc.cluster.local.")! == ("source-controller", "flux"))
        #expect(FluxNamespaceClues.service(host: "source-controller.gitops.svc")! == ("source-controller", "gitops"))
        #expect(FluxNamespaceClues.service(host: "notification-controller.flux.svc.corp.internal")! == ("notification-controller", "flux"))
        #expect(FluxNamespaceClues.service(host: "source-controller.example.com") == nil)
        #expect(FluxNamespaceClues.service(host: "source-controller") == nil)
        #expect(FluxNamespaceClues.service(host: "localhost") == nil)
        #expect(FluxNamespaceClues.leases(in: #"I0506 14:35:42.034270       7 leaderelection.go:243] attempting to acquire leader lease flux/kustomize-controller-leader-election..."#)
            == ["flux/kustomize-controller-leader-election"])
        #expect(FluxNamespaceClues.leases(in: #"{"level":"info","ts":"2026-09-27T16:05:14.913Z","logger":"runtime","msg":"Attempting to acquire leader lease...","lock":"gitops/helm-controller-leader-election"}"#)
            == ["gitops/helm-controller-leader-election"])
        #expect(FluxNamespaceClues.leases(in: "2026-09-27T16:05:14.917Z\tINFO\truntime\tSuccessfully acquired lease\t{\"lock\": \"gitops/helm-controller-leader-election\"}")
            == ["gitops/helm-controller-leader-election"])
        var c = FluxNamespaceClues()
        c.note(captures: ["host": "source-controller.flux.svc.cluster.local.", "port": "80"], text: "")
        c.note(captures: ["url": "http://notification-controller.events.svc.cluster.local./"], text: "")
        c.note(captures: ["lease": "leases/source-controller-leader-election"], text: "")
        #expect(c.counts.map { $0.keys.sorted() } == [["flux"], [], ["leases"], ["events"]])
    }


    /// Several inputs read in parallel (`--jobs`) learn what one reader learns.
    @Test func partsOfAScanAddUp() throws {
        var paths: [String] = []
        defer { for p in paths { unlink(p) } }
        for (_, lines) in Self.blockedDownloads(flux: "gitops", ns: "gitops") {
            let (fd, path) = try tempFile(Array((lines.joined(separator: "\n") + "\n").utf8))
            try fd.close()
            paths.append(path)
        }
        let scanner = LogScanner(patterns: TransientTests.patterns)
        scanner.scan(paths: paths, jobs: 2)
        #expect(scanner.result.fluxNamespace.decided?.namespace == "gitops")
        #expect(scanner.result.fluxNamespace.decided?.clue == .artifactHost)
    }
}
