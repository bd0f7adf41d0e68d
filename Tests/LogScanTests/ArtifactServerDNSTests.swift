import Foundation
import Testing
@testable import LogScan

/// A consumer that cannot resolve source-controller's own Service name gets steps about that
/// Service and a retry of itself (trial 18 #4: `lookup source-controller.flux-system.svc.cluster.local.
/// on 10.96.0.10:53: no such host` was told to fix "a source's spec.url" and to run `flux reconcile
/// source <git|oci|helm|bucket> <name>`), and an in-cluster name whose lookups time out is the
/// cluster DNS, not egress to outside hosts.
///
/// What Flux does: kustomize-controller and helm-controller download artifacts from
/// `http://source-controller.<ns>.svc.cluster.local./<kind>/<ns>/<name>/<file>`, the host being
/// source-controller's `--storage-adv-addr` (FLUX-LOGS.md 3.2, 5); retryablehttp logs each attempt
/// as `request failed` with Go's error `Get "<url>": dial tcp: lookup <host> on <dns>:53: no such
/// host` or `... read udp <a>-><dns>:53: i/o timeout` (FLUX-LOGS.md 1.4, 3.5), and
/// kustomize-controller gives up with `Reconciliation failed after ...` (3.1, 3.2). The URL's path
/// names the source (GitRepository flux-system/flux-system), as it does for a refused download.
/// A name under `.svc.` is a Service, which CoreDNS answers from the cluster itself (its
/// `kubernetes` plugin), so no egress to the outside is involved.
@Suite struct ArtifactServerDNSTests {
    static let gitURL = "http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/7c5792c17bd2fb15b570dba9b44688c79cae2f64.tar.gz"
    static let chartURL = "http://source-controller.flux-system.svc.cluster.local./helmchart/flux-system/podinfo-podinfo/podinfo-6.5.4.tgz"
    static let nxdomain = "dial tcp: lookup source-controller.flux-system.svc.cluster.local. on 10.96.0.10:53: no such host"
    static let timeout = "dial tcp: lookup source-controller.flux-system.svc.cluster.local. on 10.96.0.10:53: read udp 10.244.0.17:41234->10.96.0.10:53: i/o timeout"

    static func record(_ level: String, _ ts: String, _ kind: String, _ ns: String, _ name: String, _ msg: String, extra: String = "") -> String {
        let group = ["Kustomization": "kustomize.toolkit.fluxcd.io", "HelmRelease": "helm.toolkit.fluxcd.io"][kind] ?? "source.toolkit.fluxcd.io"
        return #"{"level":"\#(level)","ts":"\#(ts)","msg":"\#(msg)","controller":"\#(kind.lowercased())","controllerGroup":"\#(group)","controllerKind":"\#(kind)","\#(kind)":{"name":"\#(name)","namespace":"\#(ns)"},"namespace":"\#(ns)","name":"\#(name)","reconcileID":"a6a3a450-6513-470e-a69e-0d37f2a74de4"\#(extra)}"#
    }

    /// retryablehttp's per-attempt line (FLUX-LOGS.md 1.4).
    static func attempt(_ ts: String, _ kind: String, _ ns: String, _ name: String, url: String, _ cause: String) -> String {
        record("info", ts, kind, ns, name, "request failed", extra: #","error":"Get \"\#(url)\": \#(cause)","method":"GET","url":"\#(url)""#)
    }

    /// source-controller reconciling GitRepository flux-system/flux-system every minute, healthy.
    static let sourceController = ("source-controller.log", (0..<6).map {
        record("info", "2026-11-24T02:4\($0):10.000Z", "GitRepository", "flux-system", "flux-system",
               "no changes since last reconciliation: observed revision 'main@sha1:7c5792c17bd2fb15b570dba9b44688c79cae2f64'")
    })

    /// Kustomizations apps and flux-system failing to download the GitRepository's artifact.
    static func kustomizations(_ cause: String) throws -> Incident {
        var lines: [String] = []
        for (i, t) in ["02:41:00", "02:41:05", "02:41:15", "02:41:35", "02:42:05"].enumerated() {
            for name in ["apps", "flux-system"] {
                lines.append(attempt("2026-11-24T\(t).\(i)0\(name == "apps" ? 1 : 2)Z", "Kustomization", "flux-system", name, url: gitURL, cause))
            }
        }
        lines.append(record("error", "2026-11-24T02:44:35.034Z", "Kustomization", "flux-system", "apps", "Reconciliation failed after 3m35.034s, next try in 10m0s",
                            extra: #","revision":"main@sha1:7c5792c17bd2fb15b570dba9b44688c79cae2f64","error":"failed to download archive: GET \#(gitURL) giving up after 10 attempt(s): Get \"\#(gitURL)\": \#(cause)""#))
        let found = try TransientTests.incidents([("kustomize-controller.log", lines), sourceController])
        #expect(found.count == 1, "\(found.map(\.title))")
        return try #require(found.first { $0.objects.contains("Kustomization/flux-system/apps") })
    }

    /// HelmRelease podinfo/podinfo failing to download its chart.
    static func helmRelease(_ cause: String) throws -> Incident {
        let lines = ["02:41:00.000", "02:41:05.001", "02:41:15.002"].map {
            attempt("2026-11-24T\($0)Z", "HelmRelease", "podinfo", "podinfo", url: chartURL, cause)
        }
        let found = try TransientTests.incidents([("helm-controller.log", lines), sourceController])
        return try #require(found.first { $0.objects.contains("HelmRelease/podinfo/podinfo") })
    }

    static func steps(_ h: RankedHypothesis) -> [String] { h.checks + h.remediation }

    /// Nothing about a source's own address, and no source kind or name left open.
    static func noSourceSteps(_ steps: [String]) -> Bool {
        !steps.contains { $0.contains("spec.url") || $0.contains("flux reconcile source") || $0.contains("<git|") || $0.contains("<name>") }
    }

    // MARK: NXDOMAIN

    /// The trial's case: the Service's name does not exist.
    @Test func anArtifactHostThatDoesNotResolveIsAboutSourceControllersService() throws {
        let incident = try Self.kustomizations(Self.nxdomain)
        #expect(incident.upstream == ObjectRef(kind: "GitRepository", namespace: "flux-system", name: "flux-system"))
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "dns-resolution-failed", "\(incident.hypotheses.map(\.id))")
        let steps = Self.steps(h)
        #expect(Self.noSourceSteps(steps), "\(steps)")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n flux-system get svc source-controller") }, "\(h.checks)")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n flux-system get endpoints source-controller") }, "\(h.checks)")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n flux-system get deploy source-controller") && $0.contains("--storage-adv-addr") }, "\(h.checks)")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n kube-system get pods -l k8s-app=kube-dns") }, "\(h.checks)")
        #expect(h.remediation.contains { $0.contains("flux reconcile kustomization apps") && $0.contains("flux reconcile kustomization flux-system") }, "\(h.remediation)")
        // The source the URL names keeps reconciling; that says nothing for event delivery.
        let events = incident.hypotheses.first { $0.id == "notification-controller-unreachable" }
        #expect((events?.confidence ?? 0) <= 0.1, "\(incident.hypotheses.map { ($0.id, $0.confidence) })")
    }

    /// helm-controller's chart download: the HelmRelease is retried, as itself.
    @Test func aHelmReleasesArtifactHostThatDoesNotResolveRetriesTheHelmRelease() throws {
        let incident = try Self.helmRelease(Self.nxdomain)
        #expect(incident.upstream == ObjectRef(kind: "HelmChart", namespace: "flux-system", name: "podinfo-podinfo"))
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "dns-resolution-failed", "\(incident.hypotheses.map(\.id))")
        let steps = Self.steps(h)
        #expect(Self.noSourceSteps(steps) && !steps.contains { $0.contains("reconcile kustomization") }, "\(steps)")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n flux-system get svc source-controller") }, "\(h.checks)")
        #expect(h.remediation.contains { $0.contains("flux reconcile helmrelease podinfo -n podinfo") }, "\(h.remediation)")
    }

    // MARK: Timeouts

    /// The lookups of the artifact host time out: the cluster DNS, not egress to outside hosts.
    @Test func anArtifactHostWhoseLookupsTimeOutIsTheClusterDNS() throws {
        let incident = try Self.kustomizations(Self.timeout)
        #expect(incident.upstream == ObjectRef(kind: "GitRepository", namespace: "flux-system", name: "flux-system"))
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "dns-resolution-failed", "\(incident.hypotheses.map(\.id))")
        if let egress = incident.hypotheses.first(where: { $0.id == "egress-blocked-external" }) {
            #expect(egress.confidence < 0.5, "\(incident.hypotheses.map { ($0.id, $0.confidence) })")
        }
        let steps = Self.steps(h)
        #expect(Self.noSourceSteps(steps), "\(steps)")
        #expect(h.checks.contains { $0.hasPrefix("kubectl -n kube-system get pods -l k8s-app=kube-dns") }, "\(h.checks)")
        #expect(h.remediation.contains { $0.contains("flux reconcile kustomization apps") && $0.contains("flux reconcile kustomization flux-system") }, "\(h.remediation)")
    }

    /// source-controller's own lookups of an in-cluster Git server time out: the cluster DNS too.
    @Test func anInClusterGitHostWhoseLookupsTimeOutIsTheClusterDNS() throws {
        let found = try SourceVerificationBucketTests.incidents(kind: "GitRepository", namespace: "flux-system", name: "fleet",
            #"failed to checkout and determine revision: unable to clone 'http://gitea-http.gitea.svc.cluster.local:3000/org/fleet': Get "http://gitea-http.gitea.svc.cluster.local:3000/org/fleet/info/refs?service=git-upload-pack": dial tcp: lookup gitea-http.gitea.svc.cluster.local on 10.96.0.10:53: read udp 10.244.0.9:53112->10.96.0.10:53: i/o timeout"#)
        let incident = try #require(found.first)
        #expect(incident.hypotheses.first?.id == "dns-resolution-failed", "\(incident.hypotheses.map(\.id))")
        let egress = try #require(incident.hypotheses.first { $0.id == "egress-blocked-external" })
        #expect(egress.confidence < 0.5, "\(incident.hypotheses.map { ($0.id, $0.confidence) })")
    }

    /// The near miss: a public Git host's lookups time out; the way out may be blocked (an
    /// egress policy without port 53, or CoreDNS's upstream), so egress stays as likely as before.
    @Test func anExternalHostWhoseLookupsTimeOutMayStillBeEgress() throws {
        let found = try SourceVerificationBucketTests.incidents(kind: "GitRepository", namespace: "flux-system", name: "fleet",
            #"failed to checkout and determine revision: unable to clone 'https://github.com/org/fleet': Get "https://github.com/org/fleet/info/refs?service=git-upload-pack": dial tcp: lookup github.com on 10.96.0.10:53: read udp 10.244.0.9:53112->10.96.0.10:53: i/o timeout"#)
        let incident = try #require(found.first)
        let egress = try #require(incident.hypotheses.first { $0.id == "egress-blocked-external" })
        #expect(egress.confidence > 0.5, "\(incident.hypotheses.map { ($0.id, $0.confidence) })")
        #expect(!egress.evidenceAgainst.contains { $0.contains("in-cluster") }, "\(egress.evidenceAgainst)")
    }
}
