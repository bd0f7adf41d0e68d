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
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func sample(_ path: String) throws -> [String] {
        try String(contentsOf: root.appendingPathComponent("samples/\(path)"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

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

    static func steps(_ h: RankedHypothesis) -> [String] { h.checks + h.remediation }

    /// The trial's case: every artifact URL names source-controller.flux.svc.cluster.local.: the
    /// NetworkPolicy, endpoints and probe steps look in `flux`, and the Kustomizations' own steps
    /// in their namespace, once (`-n flux`, not rewritten twice).
    @Test func theArtifactHostNamesFluxsNamespace() throws {
        let incidents = try TransientTests.incidents(Self.blockedDownloads(flux: "flux", ns: "flux"))
        let incident = try #require(incidents.first { $0.affected.contains(ObjectRef(kind: "Kustomization", namespace: "flux", name: "apps")) })
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "networkpolicy-blocks-artifact-port")
        let steps = Self.steps(h)
        #expect(steps.contains("kubectl -n flux get networkpolicy"), "\(steps)")
        #expect(steps.contains { $0.hasPrefix("kubectl -n flux get endpoints source-controller   #") }, "\(steps)")
        #expect(steps.contains { $0.hasPrefix("kubectl -n flux run artifact-probe ") && $0.contains(" http://source-controller.flux.svc.cluster.local./ ") }, "\(steps)")
        #expect(steps.contains { $0.contains("(`kubectl -n flux edit networkpolicy <name>`") }, "\(steps)")
        #expect(steps.contains { $0.contains("flux reconcile kustomization apps -n flux --with-source") }, "\(steps)")
        #expect(!steps.contains { $0.contains("flux-system") }, "\(steps)")
        // The runner-up's steps too: source-controller's pods, logs and lease are in flux.
        let unavailable = try #require(incident.hypotheses.first { $0.id == "source-controller-unavailable" })
        #expect(Self.steps(unavailable).contains("kubectl -n flux logs deploy/source-controller --previous"), "\(Self.steps(unavailable))")
        #expect(Self.steps(unavailable).contains("kubectl -n flux get lease source-controller-leader-election -o yaml"))
        #expect(!Self.steps(unavailable).contains { $0.contains("flux-system") }, "\(Self.steps(unavailable))")
    }

    /// Objects in their own namespace (team-a) with Flux in `flux`: each step keeps its own.
    @Test func objectsKeepTheirNamespaceAndFluxItsOwn() throws {
        let incidents = try TransientTests.incidents(Self.blockedDownloads(flux: "flux", ns: "team-a"))
        let h = try #require(incidents.first?.hypotheses.first)
        let steps = Self.steps(h)
        #expect(steps.contains("kubectl -n flux get networkpolicy"), "\(steps)")
        #expect(steps.contains { $0.contains("flux reconcile kustomization apps -n team-a --with-source") }, "\(steps)")
        #expect(!steps.contains { $0.contains("-n flux-system") || $0.contains("-n team-a get networkpolicy") }, "\(steps)")
    }

    /// The default install: the same steps as ever (samples/*/expected.json hold the rest).
    @Test func theDefaultInstallStaysInFluxSystem() throws {
        let incidents = try TransientTests.incidents(Self.blockedDownloads(flux: "flux-system", ns: "flux-system"))
        let steps = Self.steps(try #require(incidents.first?.hypotheses.first))
        #expect(steps.contains("kubectl -n flux-system get networkpolicy"), "\(steps)")
        #expect(steps.contains { $0.hasPrefix("kubectl -n flux-system run artifact-probe ") && $0.contains(" http://source-controller.flux-system.svc.cluster.local./ ") })
        #expect(steps.contains { $0.contains("flux reconcile kustomization apps --with-source") }, "\(steps)")
        // A `flux` command about Flux itself has no `-n flux-system` (samples/controller-restarting).
        let restarting = try #require(try TransientTests.incidents([("kustomize-controller.log", try Self.sample("controller-restarting/kustomize-controller.log"))]).first?.hypotheses.first)
        #expect(Self.steps(restarting).contains("flux check"), "\(Self.steps(restarting))")
        #expect(Self.steps(restarting).contains("kubectl -n flux-system get pods -o wide   # RESTARTS"))
        #expect(Self.steps(restarting).contains { $0.hasPrefix("Panic: upgrade to a Flux release that fixes it (flux install / bump the flux-system manifests)") })
    }

    /// No artifact URL, but the kubelet's path of source-controller's log: its pod runs in `flux`.
    /// samples/dns-resolution-failed: GitRepository flux-system/platform cannot resolve gitlab.com;
    /// the DNS probe and the policy steps run in `flux`, the source's reconcile stays in flux-system.
    @Test func theKubeletPathNamesFluxsNamespace() throws {
        let path = "/var/log/pods/flux_source-controller-6d9c7c8f5-x7k2p_0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e/manager/0.log"
        let incidents = try TransientTests.incidents([(path, try Self.sample("dns-resolution-failed/source-controller.log"))])
        let h = try #require(incidents.first?.hypotheses.first)
        #expect(h.id == "dns-resolution-failed")
        let steps = Self.steps(h)
        #expect(steps.contains("kubectl -n flux run dns-probe --rm -it --restart=Never --image=busybox:1.36 -- nslookup gitlab.com"), "\(steps)")
        #expect(steps.contains { $0.hasPrefix("kubectl -n flux get networkpolicy -o yaml") }, "\(steps)")
        #expect(steps.contains { $0.hasSuffix("flux reconcile source git platform") }, "\(steps)")
        // An application's pod in another namespace says nothing about Flux's.
        let other = "/var/log/pods/shop_checkout-7f9c8d6b5-abcde_0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e/checkout/0.log"
        let scanner = LogScanner(patterns: TransientTests.patterns)
        let (fd, temp) = try tempFile(Array("{\"level\":\"info\",\"ts\":\"2026-11-24T00:00:00.000Z\",\"msg\":\"started\"}\n".utf8))
        defer { try? fd.close(); unlink(temp) }
        scanner.scan(fd: fd, name: other, fileName: other)
        #expect(scanner.result.fluxNamespace.isEmpty)
    }

    /// No artifact URL and no kubelet path (`kubectl logs` output): the leader lease the
    /// controller names, in client-go's text (`attempting to acquire leader lease flux/...`) and
    /// in its JSON `lock` member (client-go >= v0.35). samples/controller-restarting's
    /// kustomize-controller restarts; its pods, describe and logs steps look in `flux`.
    @Test func theLeaderLeaseNamesFluxsNamespace() throws {
        let lines = try Self.sample("controller-restarting/kustomize-controller.log")
        let texts = lines.map { $0.replacingOccurrences(of: "lease flux-system/", with: "lease flux/") }
        let locks = lines.map { l in
            l.contains("leader lease") || l.contains("acquired lease")
                ? l.replacingOccurrences(of: #""msg":"attempting to acquire leader lease flux-system/kustomize-controller-leader-election...\n""#,
                                         with: #""msg":"Attempting to acquire leader lease...","lock":"flux/kustomize-controller-leader-election""#)
                   .replacingOccurrences(of: #""msg":"successfully acquired lease flux-system/kustomize-controller-leader-election\n""#,
                                         with: #""msg":"Successfully acquired lease","lock":"flux/kustomize-controller-leader-election""#)
                : l
        }
        #expect(locks.contains { $0.contains(#""lock":"flux/"#) } && !locks.contains { $0.contains("lease flux-system/") })
        for variant in [texts, locks] {
            let h = try #require(try TransientTests.incidents([("kustomize-controller.log", variant)]).first?.hypotheses.first)
            #expect(h.id == "controller-restarting")
            let steps = Self.steps(h)
            #expect(steps.contains("kubectl -n flux get pods -o wide   # RESTARTS"), "\(steps)")
            #expect(steps.contains { $0.hasPrefix("kubectl -n flux logs deploy/kustomize-controller --previous") }, "\(steps)")
            #expect(steps.contains("flux check -n flux"), "\(steps)")
            #expect(!steps.contains { $0.contains("flux-system") }, "\(steps)")
        }
    }

    /// Events not delivered to `notification-controller.flux.svc.cluster.local.`: its Deployment,
    /// Service and endpoints are looked for in `flux` (samples/notification-controller-unreachable,
    /// its address moved to flux; its Kustomization stays in flux-system).
    @Test func theEventAddressNamesFluxsNamespace() throws {
        let lines = try Self.sample("notification-controller-unreachable/kustomize-controller.log")
            .map { $0.replacingOccurrences(of: "notification-controller.flux-system.svc", with: "notification-controller.flux.svc") }
        let h = try #require(try TransientTests.incidents([("kustomize-controller.log", lines)]).first?.hypotheses.first)
        #expect(h.id == "notification-controller-unreachable")
        let steps = Self.steps(h)
        #expect(steps.contains("kubectl -n flux get deploy,svc,endpoints notification-controller"), "\(steps)")
        #expect(steps.contains { $0.contains("(flux install -n flux, or reconcile the flux Kustomization)") }, "\(steps)")
        #expect(!steps.contains { $0.contains("-n flux-system") }, "\(steps)")
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

    /// `<flux-namespace>` as PlaceholderFiller fills it: everywhere the namespace; ` -n
    /// <flux-namespace>` of a `flux` command left out in flux-system (the flux CLI's default), so
    /// the default install reads as before. The steps about an object are the object's: one step
    /// with both says each namespace once.
    @Test func theFillerWritesFluxsNamespace() {
        var f = PlaceholderFiller(objects: [ObjectRef(kind: "Kustomization", namespace: "apps", name: "web")])
        f.fluxNamespace = "flux"
        #expect(f.fill("kubectl -n <flux-namespace> get endpoints source-controller") == "kubectl -n flux get endpoints source-controller")
        #expect(f.fill("run flux reconcile kustomization <flux-namespace> -n <flux-namespace> --with-source to catch up.")
            == "run flux reconcile kustomization flux -n flux --with-source to catch up.")
        #expect(f.fill("kubectl -n flux-system get kustomization <name> -o yaml && kubectl -n <flux-namespace> logs deploy/kustomize-controller")
            == "kubectl -n apps get kustomization web -o yaml && kubectl -n flux logs deploy/kustomize-controller")
        #expect(f.fill("(flux install -n <flux-namespace>, or reconcile the <flux-namespace> Kustomization)")
            == "(flux install -n flux, or reconcile the flux Kustomization)")
        let home = PlaceholderFiller(objects: [ObjectRef(kind: "Kustomization", namespace: "apps", name: "web")])
        #expect(home.fluxNamespace == "flux-system")
        #expect(home.fill("kubectl -n <flux-namespace> get endpoints source-controller") == "kubectl -n flux-system get endpoints source-controller")
        #expect(home.fill("run flux reconcile kustomization <flux-namespace> -n <flux-namespace> --with-source to catch up.")
            == "run flux reconcile kustomization flux-system --with-source to catch up.")
        #expect(home.fill("(flux install -n <flux-namespace>, or reconcile the <flux-namespace> Kustomization)")
            == "(flux install, or reconcile the flux-system Kustomization)")
        #expect(home.fill("flux check -n <flux-namespace>") == "flux check")
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
