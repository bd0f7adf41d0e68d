import Foundation
import Testing
@testable import LogScan

/// The transient rule (docs/SCORING.md "Transient incidents"): each false positive the six-hour
/// healthy log (`healthy-cluster`) showed, as its own input, and the near misses that must keep
/// their severity. Lines are built from FLUX-LOGS.md formats (section per case).
@Suite struct TransientTests {
    static let patterns = PatternLoader.shipped().set

    /// Scans each (file name, lines) as one input file and returns the diagnosed incidents.
    static func incidents(_ files: [(String, [String])]) throws -> [Incident] {
        let scanner = LogScanner(patterns: patterns)
        for (name, lines) in files {
            let (fd, path) = try tempFile(Array((lines.joined(separator: "\n") + "\n").utf8))
            defer { try? fd.close(); unlink(path) }
            scanner.scan(fd: fd, name: name, fileName: name)
        }
        return Analysis(scan: scanner.result, patterns: patterns, windowSeconds: 900).incidents
    }

    /// A current-era record (FLUX-LOGS.md 1.2) of `kind`/`name` in flux-system.
    func line(_ level: String, _ ts: String, _ kind: String, _ name: String, _ msg: String, ns: String = "flux-system", extra: String = "") -> String {
        let group = ["Kustomization": "kustomize.toolkit.fluxcd.io", "HelmRelease": "helm.toolkit.fluxcd.io"][kind] ?? "source.toolkit.fluxcd.io"
        return #"{"level":"\#(level)","ts":"\#(ts)","msg":"\#(msg)","controller":"\#(kind.lowercased())","controllerGroup":"\#(group)","controllerKind":"\#(kind)","\#(kind)":{"name":"\#(name)","namespace":"\#(ns)"},"namespace":"\#(ns)","name":"\#(name)","reconcileID":"5edd4a48-c4f4-4c6b-8c25-bedd346af378"\#(extra)}"#
    }

    let url = "http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec2b5a4f3e9d8c7b6a5f4e3d2c1b0a9f8e.tar.gz"

    /// retryablehttp's per-attempt line at info (FLUX-LOGS.md 1.4 [real, flux2#4811], 3.2).
    func refused(_ ts: String, _ name: String) -> String {
        line("info", ts, "Kustomization", name, "request failed",
             extra: #","error":"Get \"\#(url)\": dial tcp 10.43.89.232:80: connect: connection refused","method":"GET","url":"\#(url)""#)
    }

    func applied(_ ts: String, _ name: String) -> [String] {
        [line("info", ts, "Kustomization", name, "server-side apply completed",
              extra: #","output":{"Deployment/apps/web":"unchanged"},"revision":"main@sha1:c7313dec2b5a4f3e9d8c7b6a5f4e3d2c1b0a9f8e""#),
         line("info", ts, "Kustomization", name, "Reconciliation finished in 5.2s, next run in 10m0s",
              extra: #","revision":"main@sha1:c7313dec2b5a4f3e9d8c7b6a5f4e3d2c1b0a9f8e""#)]
    }

    // MARK: False positives of the healthy log, now transient

    /// Consumers that reconcile while source-controller starts are refused once or twice and
    /// succeed on retryablehttp's next attempt, 5 s later (healthy log at 00:00 and 03:00).
    @Test func refusedWhileSourceControllerStartsIsTransient() throws {
        let lines = [refused("2026-03-02T00:00:01.871Z", "apps"), refused("2026-03-02T00:00:02.574Z", "infra-configs"),
                     refused("2026-03-02T00:00:06.902Z", "apps")]
            + applied("2026-03-02T00:00:08.100Z", "infra-configs") + applied("2026-03-02T00:00:12.126Z", "apps")
        let found = try Self.incidents([("kustomize-controller.log", lines)])
        #expect(found.count == 1)
        #expect(found.first?.severity == .info)
        #expect(found.first?.transient == true)
        #expect(found.first?.status == .resolved)
    }

    /// The same refusals, but source-controller's log just ends at 23:59:30 (no shutdown lines:
    /// FLUX-LOGS.md 3.12, "an OOMKill leaves no log line") and a new container starts at 00:00:00:
    /// a crash, not a planned restart, so the incident keeps its severity (`TransientRule.revert`).
    @Test func refusedWhileSourceControllerWasKilledIsNotTransient() throws {
        let kustomize = [refused("2026-03-02T00:00:01.871Z", "apps"), refused("2026-03-02T00:00:02.574Z", "infra-configs"),
                         refused("2026-03-02T00:00:06.902Z", "apps")]
            + applied("2026-03-02T00:00:08.100Z", "infra-configs") + applied("2026-03-02T00:00:12.126Z", "apps")
        func start(_ ts: String) -> String { #"{"level":"info","ts":"\#(ts)","logger":"setup","msg":"starting manager"}"# }
        var source = [start("2026-03-01T23:40:00.000Z")]
        for minute in 41...59 {
            source.append(line("info", "2026-03-01T23:\(minute):30.000Z", "GitRepository", "flux-system",
                               "no changes since last reconciliation: observed revision 'main@sha1:c7313dec2b5a4f3e9d8c7b6a5f4e3d2c1b0a9f8e'"))
        }
        source.append(start("2026-03-02T00:00:00.000Z"))
        source.append(line("info", "2026-03-02T00:00:07.000Z", "GitRepository", "flux-system",
                           "stored artifact for commit 'Merge pull request #42 from acme/apps'"))
        let found = try Self.incidents([("kustomize-controller.log", kustomize), ("source-controller.log", source)])
        let refusedIncident = try #require(found.first { $0.signatures.contains("artifact-fetch-connection-refused") })
        #expect(refusedIncident.transient == false)
        #expect(refusedIncident.severity == .error)
        #expect(refusedIncident.hypotheses.first?.id == "source-controller-unavailable")
    }

    /// A dependsOn target applying the same commit: two 30 s requeues, then the object proceeds
    /// (FLUX-LOGS.md 1.4, 3.11).
    @Test func dependencyWaitThatClearsIsTransient() throws {
        let wait = "Dependencies do not meet ready condition, retrying in 30s"
        let lines = [line("info", "2026-03-02T00:19:30.035Z", "Kustomization", "infra-configs", wait),
                     line("info", "2026-03-02T00:20:00.201Z", "Kustomization", "infra-configs", wait),
                     line("info", "2026-03-02T00:20:30.518Z", "Kustomization", "infra-configs", "All dependencies are ready, proceeding with reconciliation")]
            + applied("2026-03-02T00:20:32.101Z", "infra-configs")
        let found = try Self.incidents([("kustomize-controller.log", lines)])
        #expect(found.map(\.severity) == [.info])
        #expect(found.map(\.transient) == [true])
    }

    /// helm-controller: a dependency upgrading (`dependencies do not meet ready condition (...)`,
    /// FLUX-LOGS.md 3.11), and a HelmChart whose template was just changed
    /// (`HelmChart '...' is not ready: latest generation of object has not been reconciled`,
    /// 3.2), each cleared by the next reconcile.
    @Test func helmReleaseWaitsThatClearAreTransient() throws {
        let dep = "dependencies do not meet ready condition (dependency 'cert-manager/cert-manager' is not ready): retrying in 30s"
        let lines = [
            line("info", "2026-03-02T00:20:17.340Z", "HelmRelease", "trust-manager", dep, ns: "cert-manager"),
            line("info", "2026-03-02T00:20:47.619Z", "HelmRelease", "trust-manager", dep, ns: "cert-manager"),
            line("info", "2026-03-02T00:21:17.911Z", "HelmRelease", "trust-manager", "all dependencies are ready", ns: "cert-manager"),
            line("info", "2026-03-02T00:21:48.020Z", "HelmRelease", "trust-manager", "release in-sync with desired state", ns: "cert-manager"),
            line("info", "2026-03-02T00:13:25.017Z", "HelmRelease", "podinfo", "HelmChart 'flux-system/podinfo-podinfo' is not ready: latest generation of object has not been reconciled", ns: "podinfo"),
            line("info", "2026-03-02T00:13:25.937Z", "HelmRelease", "podinfo", "running 'upgrade' action with timeout of 5m0s", ns: "podinfo"),
            line("info", "2026-03-02T00:14:02.410Z", "HelmRelease", "podinfo", "release in-sync with desired state", ns: "podinfo"),
        ]
        let found = try Self.incidents([("helm-controller.log", lines)])
        #expect(found.count == 2)
        #expect(found.allSatisfy { $0.severity == .info && $0.transient && $0.status == .resolved })
    }

    /// One clone whose DNS lookup timed out ([real] flux2#4200: `unable to clone
    /// 'https://github.com/stefanprodan/podinfo': Get "https://github.com/stefanprodan/podinfo/info/refs?service=git-upload-pack":
    /// dial tcp: lookup github.com: i/o timeout`; logged once as `Reconciler error` by
    /// source-controller >= v1.2, FLUX-LOGS.md 3.1, 3.4, 3.5), then success on the next run.
    func cloneTimeout(_ ts: String) -> String {
        line("error", ts, "GitRepository", "podinfo", "Reconciler error",
             extra: #","error":"failed to checkout and determine revision: unable to clone 'https://github.com/stefanprodan/podinfo': Get \"https://github.com/stefanprodan/podinfo/info/refs?service=git-upload-pack\": dial tcp: lookup github.com: i/o timeout""#)
    }

    func noChanges(_ ts: String) -> String {
        line("info", ts, "GitRepository", "podinfo", "no changes since last reconcilation: observed revision 'main@sha1:84cc73d04862f19113278b216be0dd96fe38a4ea'")
    }

    @Test func singleCloneTimeoutThenSuccessIsTransient() throws {
        let found = try Self.incidents([("source-controller.log", [noChanges("2026-03-02T01:25:31.002Z"), cloneTimeout("2026-03-02T01:30:37.820Z"), noChanges("2026-03-02T01:35:39.113Z")])])
        #expect(found.map(\.severity) == [.info])
        #expect(found.first?.transient == true)
        #expect(found.first?.signatures.contains("dns-timeout") == true)
    }

    /// HelmChart flux-system/podinfo-podinfo's pull fails once: source-controller's `Reconciler
    /// error` (FLUX-LOGS.md 3.1) with `chart pull error: ` (3.8, ChartPullError) around `error`.
    func chartPullFailed(_ ts: String, _ error: String) -> String {
        line("error", ts, "HelmChart", "podinfo-podinfo", "Reconciler error", extra: #","error":"chart pull error: \#(error)""#)
    }

    /// The retry pulls it (`pulled '%s' chart with version '%s'`, FLUX-LOGS.md 3.15).
    func chartPulled(_ ts: String) -> String {
        line("info", ts, "HelmChart", "podinfo-podinfo", "pulled 'podinfo' chart with version '6.5.4'")
    }

    /// helm-controller quotes the HelmChart's Ready message (`HelmChart '%s/%s' is not ready: %s`,
    /// info; FLUX-LOGS.md 3.2, 3.11), then the release is in sync (3.15).
    func releaseWaited(_ ts: String, _ error: String, synced: String) -> [String] {
        [line("info", ts, "HelmRelease", "podinfo", "HelmChart 'flux-system/podinfo-podinfo' is not ready: chart pull error: \(error)", ns: "podinfo"),
         line("info", synced, "HelmRelease", "podinfo", "release in-sync with desired state", ns: "podinfo")]
    }

    /// The index lookup's DNS timeout (FLUX-LOGS.md 3.5, `read udp ...: i/o timeout` [real
    /// source-controller#393]) inside the chart pull.
    let chartDNSTimeout = #"failed to get chart version for remote reference: Get \"https://charts.example.com/index.yaml\": dial tcp: lookup charts.example.com on 10.96.0.10:53: read udp 10.244.0.5:51234->10.96.0.10:53: i/o timeout"#

    /// One DNS timeout in a chart pull, retried 6 s later, is the same noise as a Git clone's
    /// (docs/SCORING.md "Transient incidents"), whether or not source-controller's log, which
    /// holds the failed run's report (`Reconciler error`), is given: the HelmRelease's wait that
    /// quotes it is no second failed run (a trial: ERROR with both logs, INFO with helm-controller's).
    @Test func oneChartPullDNSTimeoutIsTransientWithEitherLog() throws {
        let source = [chartPullFailed("2026-11-25T04:03:00.000Z", chartDNSTimeout), chartPulled("2026-11-25T04:03:06.000Z")]
        let helm = releaseWaited("2026-11-25T04:03:01.000Z", chartDNSTimeout, synced: "2026-11-25T04:03:08.000Z")
        let both = try Self.incidents([("source-controller.log", source), ("helm-controller.log", helm)])
        #expect(both.map(\.severity) == [.info])
        #expect(both.map(\.transient) == [true])
        #expect(both.first?.signatures.contains("helm-chart-pull-error") == true)
        let alone = try Self.incidents([("helm-controller.log", helm)])
        #expect(alone.map(\.severity) == [.info])
        #expect(alone.map(\.transient) == [true])
    }

    // MARK: Near misses that keep their severity

    /// Two failed runs are not a blip.
    @Test func repeatedCloneTimeoutsKeepTheirSeverity() throws {
        let found = try Self.incidents([("source-controller.log", [cloneTimeout("2026-03-02T01:30:37.820Z"), cloneTimeout("2026-03-02T01:31:48.020Z"), noChanges("2026-03-02T01:32:49.113Z")])])
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.transient == false)
    }

    /// Chart pull errors that need someone to act keep their severity with both logs, each failed
    /// once then pulled: a 401 from the chart repository (helm/helm pkg/getter/httpgetter.go
    /// `failed to fetch %s : %s`, FLUX-LOGS.md 3.8) and a version the index does not have
    /// (source-controller `no '%s' chart with version matching '%s' found`).
    @Test(arguments: [
        #"failed to download chart for remote reference: failed to fetch https://charts.example.com/charts/podinfo-6.5.4.tgz : 401 Unauthorized"#,
        "failed to get chart version for remote reference: no 'podinfo' chart with version matching '9.9.9' found",
    ])
    func aChartPullErrorToActOnKeepsItsSeverity(error: String) throws {
        let found = try Self.incidents([
            ("source-controller.log", [chartPullFailed("2026-11-25T04:03:00.000Z", error), chartPulled("2026-11-25T04:03:06.000Z")]),
            ("helm-controller.log", releaseWaited("2026-11-25T04:03:01.000Z", error, synced: "2026-11-25T04:03:08.000Z")),
        ])
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.status == .resolved)
        #expect(found.first?.transient == false)
    }

    /// Two failed pulls, each reported (`Reconciler error`), are two failed runs of the HelmChart,
    /// as two failed clones are (`repeatedCloneTimeoutsKeepTheirSeverity`), with the HelmRelease's
    /// wait or without it.
    @Test func repeatedChartPullDNSTimeoutsKeepTheirSeverity() throws {
        let source = [chartPullFailed("2026-11-25T04:03:00.000Z", chartDNSTimeout), chartPullFailed("2026-11-25T04:03:05.000Z", chartDNSTimeout),
                      chartPulled("2026-11-25T04:03:16.000Z")]
        let helm = releaseWaited("2026-11-25T04:03:01.000Z", chartDNSTimeout, synced: "2026-11-25T04:03:18.000Z")
        for files in [[("source-controller.log", source), ("helm-controller.log", helm)], [("source-controller.log", source)]] {
            let found = try Self.incidents(files)
            #expect(found.map(\.severity) == [.error])
            #expect(found.first?.transient == false)
        }
    }

    /// Refused until retryablehttp gave up: kustomize-controller reports the failed reconcile
    /// (`Reconciliation failed after 3m35.3s`, error; FLUX-LOGS.md 3.2 timing, PR #289), even if
    /// the next try succeeds.
    @Test func retriesRunOutKeepTheirSeverity() throws {
        var lines = ["00:00:00.100", "00:00:05.200", "00:00:15.300", "00:00:35.400", "00:01:05.500", "00:01:35.600",
                     "00:02:05.700", "00:02:35.800", "00:03:05.900", "00:03:35.000"].map { refused("2026-03-02T\($0)Z", "apps") }
        lines.append(line("error", "2026-03-02T00:03:35.417Z", "Kustomization", "apps", "Reconciliation failed after 3m35.317406763s, next try in 5m0s",
                          extra: #","revision":"main@sha1:c7313dec2b5a4f3e9d8c7b6a5f4e3d2c1b0a9f8e","error":"failed to download archive: GET \#(url) giving up after 10 attempt(s): Get \"\#(url)\": dial tcp 10.43.89.232:80: connect: connection refused""#))
        lines += applied("2026-03-02T00:08:36.002Z", "apps")
        let found = try Self.incidents([("kustomize-controller.log", lines)])
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.status == .resolved)
        #expect(found.first?.transient == false)
    }

    /// The same short wait after each of two commits 15 minutes apart (one incident under the
    /// 15m window; the healthy log with seed 8 showed it): each wait cleared in a minute.
    @Test func shortWaitsAfterTwoCommitsAreTransient() throws {
        let wait = "Dependencies do not meet ready condition, retrying in 30s"
        let lines = [line("info", "2026-03-02T00:20:13.256Z", "Kustomization", "team-a", wait),
                     line("info", "2026-03-02T00:20:43.470Z", "Kustomization", "team-a", wait)]
            + applied("2026-03-02T00:21:15.592Z", "team-a")
            + [line("info", "2026-03-02T00:35:16.669Z", "Kustomization", "team-a", wait),
               line("info", "2026-03-02T00:35:47.068Z", "Kustomization", "team-a", wait)]
            + applied("2026-03-02T00:36:17.420Z", "team-a")
        let found = try Self.incidents([("kustomize-controller.log", lines)])
        #expect(found.map(\.severity) == [.info])
        #expect(found.first?.transient == true)
    }

    /// Short waits that keep coming back for more than 30 minutes are reported as they are.
    @Test func waitsReturningForMoreThanHalfAnHourKeepTheirSeverity() throws {
        let wait = "Dependencies do not meet ready condition, retrying in 30s"
        var lines: [String] = []
        for m in [0, 12, 24, 36] {
            lines += [line("info", "2026-03-02T01:\(pad(m)):10.000Z", "Kustomization", "team-a", wait),
                      line("info", "2026-03-02T01:\(pad(m)):40.000Z", "Kustomization", "team-a", wait)]
            lines += applied("2026-03-02T01:\(pad(m + 1)):11.000Z", "team-a")
        }
        let found = try Self.incidents([("kustomize-controller.log", lines)])
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.transient == false)
    }

    /// A wait longer than five minutes (fourteen 30 s requeues) is worth a look even if it ended.
    @Test func longDependencyWaitKeepsItsSeverity() throws {
        let wait = "Dependencies do not meet ready condition, retrying in 30s"
        let lines = (0..<14).map { i in
            line("info", "2026-03-02T00:\(pad(19 + i / 2)):\(i % 2 == 0 ? "30" : "59").035Z", "Kustomization", "infra-configs", wait)
        } + applied("2026-03-02T00:26:31.101Z", "infra-configs")
        let found = try Self.incidents([("kustomize-controller.log", lines)])
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.status == .resolved)
        #expect(found.first?.transient == false)
    }

    /// A wait that has not ended is not transient.
    @Test func openWaitKeepsItsSeverity() throws {
        let wait = "Dependencies do not meet ready condition, retrying in 30s"
        let found = try Self.incidents([("kustomize-controller.log", [line("info", "2026-03-02T00:19:30.035Z", "Kustomization", "apps", wait),
                                                                      line("info", "2026-03-02T00:20:00.201Z", "Kustomization", "apps", wait)])])
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.status == .open)
    }

    /// A failure that does not clear by itself (`Source '...' not found`, FLUX-LOGS.md 3.11) keeps
    /// the incident's severity even when waits follow and the object recovers quickly.
    @Test func nonTransientFailureKeepsItsSeverity() throws {
        let lines = [line("info", "2026-03-02T05:00:02.654Z", "Kustomization", "apps", "Source 'GitRepository/flux-system/apps' not found"),
                     line("info", "2026-03-02T05:00:32.532Z", "Kustomization", "apps", "Dependencies do not meet ready condition, retrying in 30s")]
            + applied("2026-03-02T05:01:34.616Z", "apps")
        let found = try Self.incidents([("kustomize-controller.log", lines)])
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.transient == false)
    }

    func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    // MARK: The pattern field

    @Test func transientIsAFailureSignatureField() {
        #expect(Self.patterns.signature("dependency-not-ready")?.transient == true)
        #expect(Self.patterns.signature("artifact-fetch-connection-refused")?.transient == true)
        #expect(Self.patterns.signature("artifact-not-found")?.transient == false)
        let yaml = """
        version: 1
        signatures:
          - id: starting
            severity: info
            role: lifecycle
            transient: true
            regex: 'starting manager'
          - id: waiting
            severity: warning
            transient: maybe
            regex: 'waiting'
        """
        var loader = PatternLoader()
        loader.load(text: yaml, file: "user.yaml")
        #expect(loader.diagnostics.map(\.description) == [
            "user.yaml:6:16: error: transient applies to failure signatures only (this one is lifecycle)",
            "user.yaml:10:16: error: transient must be true or false",
        ])
    }
}

/// A failed image scan is over once a later scan of the same ImageRepository succeeds. Current
/// image-reflector-controller releases log a successful scan as `successful scan: found N tags`
/// (the Ready message, when it changes) or `no new tags found, next scan in 5m0s` (every other
/// scan): imagerepository_controller.go, reconcile() and notify(). The signature knew only
/// `... tags with checksum X`, so such an incident stayed open for ever.
@Suite struct ImageScanRecoveryTests {
    /// A current-era image-reflector-controller record (FLUX-LOGS.md 1.2) of ImageRepository `app`.
    func line(_ level: String, _ ts: String, _ msg: String, extra: String = "") -> String {
        #"{"level":"\#(level)","ts":"\#(ts)","msg":"\#(msg)","controller":"imagerepository","controllerGroup":"image.toolkit.fluxcd.io","controllerKind":"ImageRepository","ImageRepository":{"name":"app","namespace":"flux-system"},"namespace":"flux-system","name":"app","reconcileID":"4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d"\#(extra)}"#
    }

    /// Docker Hub's rate limit on the tag list (Patterns/signatures/rate-limit.yaml's example).
    var failed: String {
        line("error", "2026-11-24T10:24:00.510Z", "scan failed: GET https://index.docker.io/v2/library/nginx/tags/list?n=1000: TOOMANYREQUESTS: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
             extra: #","error":"ReadOperationFailed""#)
    }

    @Test(arguments: ["no new tags found, next scan in 5m0s", "successful scan: found 42 tags", "successful scan, next scan in 5m0s"])
    func aLaterSuccessfulScanResolvesTheIncident(message: String) throws {
        let found = try TransientTests.incidents([("image-reflector-controller.log", [failed, line("info", "2026-11-24T10:29:00.402Z", message)])])
        let incident = try #require(found.first { $0.objects.contains("ImageRepository/flux-system/app") })
        #expect(incident.status == .resolved)
    }

    /// An ImageRepository's rate limit is checked with `flux get images all -A`: `flux get
    /// sources all -A` lists no ImageRepository (a trial).
    @Test func anImageRepositorysRateLimitIsCheckedAmongTheImages() throws {
        let found = try TransientTests.incidents([("image-reflector-controller.log", [failed])])
        let incident = try #require(found.first { $0.objects.contains("ImageRepository/flux-system/app") })
        let h = try #require(incident.hypotheses.first { $0.id == "rate-limited" })
        #expect(h.checks.contains("flux get images all -A"), "\(h.checks)")
        #expect(!h.checks.contains("flux get sources all -A"), "\(h.checks)")
    }

    @Test func withoutOneItStaysOpen() throws {
        let found = try TransientTests.incidents([("image-reflector-controller.log", [failed])])
        let incident = try #require(found.first { $0.objects.contains("ImageRepository/flux-system/app") })
        #expect(incident.status == .open)
    }
}

/// client-go's discovery asks the API server for its group list at `/api?timeout=32s` (a query,
/// no path after `/api`): kubectl prints `couldn't get current server API group list: Get
/// "https://10.2.1.31:8443/api?timeout=32s": dial tcp 10.2.1.31:8443: connect: connection
/// refused` in public reports, and a controller that cannot start logs the same request. The
/// API signatures knew only `/api/` and `/apis/` with a path, so a fresh user's trial saw a
/// timeout to the cluster's `kubernetes` Service diagnosed as a blocked external host.
@Suite struct APIServerDiscoveryTests {
    func line(_ reason: String) -> String {
        #"{"level":"error","ts":"2026-11-24T10:00:03.638Z","logger":"setup","msg":"unable to create controller","controller":"ImageRepository","error":"failed to get server groups: Get \"https://10.43.0.1:443/api?timeout=32s\": \#(reason)"}"#
    }

    @Test(arguments: ["dial tcp 10.43.0.1:443: i/o timeout", "dial tcp 10.43.0.1:443: connect: connection refused"])
    func theGroupListRequestIsTheAPIServer(reason: String) throws {
        let found = try TransientTests.incidents([("image-reflector-controller.log", [line(reason)])])
        let incident = try #require(found.first)
        #expect(incident.signals.map(\.signature) == ["apiserver-request-failed"])
        #expect(incident.hypotheses.first?.id == "apiserver-unreachable")
        #expect(!incident.hypotheses.contains { $0.id.hasPrefix("egress-") })
    }
}

/// `controller_healthy: true` (docs/PATTERNS.md): a lifecycle signal that shows its controller
/// working; the bundled leader lease acquired is one, and a failure or healthy signature cannot be.
@Suite struct ControllerHealthyFieldTests {
    @Test func onlyLifecycleSignaturesTakeIt() throws {
        let bundled = PatternLoader.shipped().set
        #expect(bundled.signature("leader-election-acquired")?.controllerHealthy == true)
        #expect(bundled.signature("leader-election-attempt")?.controllerHealthy == false)
        let yaml = """
        version: 1
        signatures:
          - id: failed
            severity: error
            controller_healthy: true
            regex: 'failed'
          - id: acquired
            severity: info
            role: lifecycle
            controller_healthy: yes please
            regex: 'acquired'
        """
        var loader = PatternLoader()
        loader.load(text: yaml, file: "user.yaml")
        #expect(loader.diagnostics.map(\.description) == [
            "user.yaml:5:25: error: controller_healthy applies to lifecycle signatures only (this one is failure; a healthy one already counts)",
            "user.yaml:10:25: error: controller_healthy must be true or false",
        ])
    }
}

/// Helm returns several errors as a hashicorp/go-multierror list (`%d error(s) occurred:\n\t* %s`):
/// the `reason` of a failed install was `1 error occurred:` (a trial), the item is the reason.
@Suite struct HelmMultiErrorReasonTests {
    @Test func theFirstItemIsTheReason() throws {
        let set = PatternLoader.shipped().set
        let matcher = SignatureMatcher(patterns: set)
        let line = #"{"level":"error","ts":"2026-12-02T02:01:02.000Z","msg":"Reconciler error","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"postgres","namespace":"db"},"namespace":"db","name":"postgres","reconcileID":"9531985d-5d9d-4818-8818-e811892f902b","error":"Helm install failed for release db/postgres with chart postgresql@15.5.38: 2 errors occurred:\n\t* PersistentVolumeClaim \"data\" is invalid: spec.storageClassName: Invalid value: \"fast-ssd\": storageclass not found\n\t* Service \"postgres\" is invalid\n\n"}"#
        var bytes = Array(line.utf8)
        let record = bytes.withUnsafeMutableBytes { RecordDecoder.decodePayload(UnsafeRawBufferPointer($0), envelope: Envelope(), location: SourceLocation(file: "-", line: 1)) }
        let hit = try #require(matcher.match(record).first { set.signatures[$0.signature].id == "helm-install-failed" })
        #expect(hit.captures["reason"] == #"PersistentVolumeClaim "data" is invalid: spec.storageClassName: Invalid value: "fast-ssd": storageclass not found"#)
    }
}

/// A Helm remediation that succeeded is not the HelmRelease healthy again: after a failed upgrade
/// helm-controller rolls back (`Helm rollback to previous release ... succeeded`), after a failed
/// install it uninstalls (`Helm uninstall succeeded for release ...`), and keeps Ready=False
/// (helm-controller internal/reconcile/release.go `summarize`: "Any remediated state is
/// considered an error"; FLUX-LOGS.md 3.7). A trial's incidents were `resolved` by them.
@Suite struct HelmRemediationTests {
    static let context = #""controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"podinfo","namespace":"flux-system"},"namespace":"flux-system","name":"podinfo","reconcileID":"cad4ef19-0601-4b7e-9d61-6c1f0e5a2b11""#
    static func event(_ ts: String, _ msg: String, type: String) -> String {
        #"{"level":"debug","ts":"\#(ts)","logger":"events","msg":"\#(msg)","type":"\#(type)","object":{"kind":"HelmRelease","namespace":"flux-system","name":"podinfo","uid":"5f0c","apiVersion":"helm.toolkit.fluxcd.io/v2","resourceVersion":"1"},"reason":"info"}"#
    }
    static let failed = event("2026-03-10T02:05:01.100Z", "Helm upgrade failed for release podinfo/podinfo-podinfo with chart podinfo@6.5.4: context deadline exceeded", type: "Warning")

    @Test(arguments: ["Helm rollback to previous release podinfo/podinfo-podinfo.v4 with chart podinfo@6.5.3 succeeded",
                      "Helm uninstall succeeded for release podinfo/podinfo-podinfo.v5 with chart podinfo@6.5.4"])
    func aRemediationLeavesTheIncidentOpen(message: String) throws {
        let found = try TransientTests.incidents([("helm-controller.log", [Self.failed, Self.event("2026-03-10T02:05:09.100Z", message, type: "Normal")])])
        let incident = try #require(found.first { $0.objects.contains("HelmRelease/flux-system/podinfo") })
        #expect(incident.status == .open)
        #expect(incident.recovery == nil)
    }

    /// The upgrade succeeding afterwards is health (`Helm upgrade succeeded for release ...`).
    @Test func aLaterUpgradeResolvesIt() throws {
        let found = try TransientTests.incidents([("helm-controller.log", [Self.failed,
            Self.event("2026-03-10T02:15:09.100Z", "Helm upgrade succeeded for release podinfo/podinfo-podinfo.v6 with chart podinfo@6.5.5", type: "Normal")])])
        let incident = try #require(found.first { $0.objects.contains("HelmRelease/flux-system/podinfo") })
        #expect(incident.status == .resolved)
    }
}

/// Steps for the incident's own kind and evidence of its own object (a trial): an ImageRepository
/// refused by ghcr.io (`scan failed: GET https://ghcr.io/v2/acme/checkout/tags/list?n=1000:
/// UNAUTHORIZED: authentication required`, image-reflector-controller, FLUX-LOGS.md 1.4, 3.8) is
/// checked as an ImageRepository, not an OCIRepository, and another repository's successful scans
/// are no evidence about it; a HelmRelease whose install RBAC refuses (`roles.rbac.authorization.k8s.io
/// "redis" is forbidden: User "system:serviceaccount:team-a:flux-tenant" cannot get resource
/// "roles"`, FLUX-LOGS.md 3.10) gets helm-controller's steps, not a Kustomization's.
@Suite struct StepsByKindTests {
    static func image(_ level: String, _ ts: String, _ msg: String, name: String, namespace: String, error: String? = nil) -> String {
        #"{"level":"\#(level)","ts":"\#(ts)","msg":"\#(msg)","controller":"imagerepository","controllerGroup":"image.toolkit.fluxcd.io","controllerKind":"ImageRepository","ImageRepository":{"name":"\#(name)","namespace":"\#(namespace)"},"namespace":"\#(namespace)","name":"\#(name)","reconcileID":"157a83e1-6e24-4ab8-8fc4-3967387ec271"\#(error.map { #","error":"\#($0)""# } ?? "")}"#
    }
    static func refused(_ ts: String) -> String {
        image("error", ts, "scan failed: GET https://ghcr.io/v2/acme/checkout/tags/list?n=1000: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:acme/checkout Type:repository]]",
              name: "checkout", namespace: "apps", error: "ReadOperationFailed")
    }

    @Test func anImageRepositorysCredentialsAreCheckedOnItAndItsOwnScans() throws {
        var lines: [String] = []
        for m in [0, 5, 10] {
            lines.append(Self.refused("2026-03-10T02:\(String(format: "%02d", m)):01.000Z"))
            lines.append(Self.image("info", "2026-03-10T02:\(String(format: "%02d", m)):03.000Z", "successful scan: found 12 tags with checksum 9f9f",
                                    name: "ledger", namespace: "payments"))
        }
        let found = try TransientTests.incidents([("image-reflector-controller.log", lines)])
        let incident = try #require(found.first { $0.objects.contains("ImageRepository/apps/checkout") })
        let auth = try #require(incident.hypotheses.first { $0.id == "registry-auth-failed" })
        #expect(auth.checks.contains("kubectl -n apps get imagerepository checkout -o jsonpath='{.spec.image} {.spec.secretRef.name} {.spec.provider}{\"\\n\"}'"), "\(auth.checks)")
        #expect(!auth.checks.contains { $0.contains("ocirepository") }, "\(auth.checks)")
        #expect(auth.remediation.contains("Then retry at once: flux reconcile image repository checkout -n apps"), "\(auth.remediation)")
        // payments/ledger's successful scans say nothing of apps/checkout.
        let scan = incident.hypotheses.first { $0.id == "image-scan-failed" }
        #expect(!(scan?.evidenceAgainst ?? []).contains { $0.contains("later scans of the same repository succeeded") }, "\(scan?.evidenceAgainst ?? [])")
    }

    @Test func aHelmReleaseRefusedByRBACGetsHelmSteps() throws {
        let line = #"{"level":"error","ts":"2026-03-10T02:00:01.000Z","msg":"Reconciler error","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"redis","namespace":"team-a"},"namespace":"team-a","name":"redis","reconcileID":"8f6e2e76-6ddd-4f1b-8aa2-5052ea3ebb8e","error":"Helm install failed for release team-a/redis with chart redis@19.6.4: Unable to continue with install: could not get information about the resource Role \"redis\" in namespace \"team-a\": roles.rbac.authorization.k8s.io \"redis\" is forbidden: User \"system:serviceaccount:team-a:flux-tenant\" cannot get resource \"roles\" in API group \"rbac.authorization.k8s.io\" in the namespace \"team-a\""}"#
        let found = try TransientTests.incidents([("helm-controller.log", [line])])
        let incident = try #require(found.first { $0.objects.contains("HelmRelease/team-a/redis") })
        let h = try #require(incident.hypotheses.first)
        #expect(h.id == "apply-forbidden")
        #expect(h.checks.contains("flux get helmreleases -A"), "\(h.checks)")
        #expect(!(h.checks + h.remediation).contains { $0.contains("kustomization") }, "\(h.checks + h.remediation)")
        #expect(h.remediation.contains("Then retry at once: flux reconcile helmrelease redis -n team-a --force"), "\(h.remediation)")
    }
}

/// helm-controller v1 returns Helm's error bare when the action stored no release
/// (internal/reconcile/upgrade.go: `if len(obsReleases) == 0 { return err }`): the values schema
/// (helm pkg/chartutil/jsonschema.go), the post-renderer (pkg/action/action.go) and a resource of
/// another owner (pkg/action/install.go) came out as `Reconciler error` with no hypothesis (a
/// trial). Each is a Helm action that failed, its error naming the fix.
@Suite struct BareHelmErrorTests {
    @Test(arguments: [
        "values don't meet the specifications of the schema(s) in the following chart(s):\\npodinfo:\\n- replicaCount: Invalid type. Expected: integer, given: string\\n",
        "error while running post render on files: map[string]interface {}(nil): yaml: unmarshal errors:\\n  line 3: mapping key \\\"metadata\\\" already defined at line 2",
        "rendered manifests contain a resource that already exists. Unable to continue with install: ServiceAccount \\\"grafana\\\" in namespace \\\"apps\\\" exists and cannot be imported into the current release: invalid ownership metadata",
    ])
    func aBareHelmErrorIsAHelmActionFailure(error: String) throws {
        let line = #"{"level":"error","ts":"2026-03-10T02:00:00.000Z","msg":"Reconciler error","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"a","namespace":"apps"},"namespace":"apps","name":"a","reconcileID":"5b2e0c1d-3f4a-4b6c-8d7e-9f0a1b2c3d4e","error":"\#(error)"}"#
        let found = try TransientTests.incidents([("helm-controller.log", [line])])
        let incident = try #require(found.first { $0.objects.contains("HelmRelease/apps/a") })
        #expect(incident.failureClass == "helm-action")
        #expect(incident.hypotheses.first?.id == "helm-action-failed", "\(incident.hypotheses.map(\.id))")
    }
}

/// helm-controller v1 logs `release locked: release with status 'pending-upgrade'` (FLUX-LOGS.md
/// 3.1; Patterns/signatures/helm.yaml's example) and then unlocks the release itself by marking it
/// failed: the evidence said "(and could not unlock it)" of it (a trial). Only an unlock that
/// failed says so.
@Suite struct HelmLockReasonTests {
    @Test func aV1LockIsNotCalledUnreleasable() throws {
        let line = #"{"level":"info","ts":"2025-03-04T11:50:00.000Z","msg":"release locked: release with status 'pending-upgrade'","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"podinfo","namespace":"podinfo"},"namespace":"podinfo","name":"podinfo","reconcileID":"4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d"}"#
        let found = try TransientTests.incidents([("helm-controller.log", [line])])
        let incident = try #require(found.first { $0.objects.contains("HelmRelease/podinfo/podinfo") })
        let h = try #require(incident.hypotheses.first { $0.id == "helm-release-locked" })
        #expect(h.evidenceFor.contains { $0.hasPrefix("helm-controller found the release locked in a pending state (v1 then marks it failed") }, "\(h.evidenceFor)")
        #expect(!h.evidenceFor.contains { $0.contains("could not unlock it") }, "\(h.evidenceFor)")
    }
}

/// `quotes:` (docs/PATTERNS.md): a mapping with `capture`, a named group of the regex, and
/// `controller`, on a failure signature; anything else is named with file:line:column.
@Suite struct QuotesFieldTests {
    @Test func theBundledWaitQuotesSourceController() {
        let q = PatternLoader.shipped().set.signature("helm-source-not-ready")?.quotes
        #expect(q?.capture == "reason")
        #expect(q?.controller == "source-controller")
    }

    @Test func badQuotesAreNamed() {
        let yaml = """
        version: 1
        signatures:
          - id: wait
            severity: warning
            quotes: {capture: why, controller: source-controller}
            regex: 'not ready: (?<reason>.+)'
          - id: started
            severity: info
            role: lifecycle
            quotes: {capture: reason, controller: source-controller}
            regex: 'started (?<reason>.+)'
        """
        var loader = PatternLoader()
        loader.load(text: yaml, file: "user.yaml")
        #expect(loader.diagnostics.map(\.description) == [
            "user.yaml:5:13: error: quotes.capture `why` is not a named group of the regex",
            "user.yaml:10:13: error: quotes applies to failure signatures only (this one is lifecycle)",
        ])
    }
}
