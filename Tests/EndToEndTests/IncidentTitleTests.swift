import Foundation
import Testing

/// An event delivery that fails on a DNS error names the delivery in the incident's title, with
/// the DNS answer as its cause: the object the event was about is not failing (FLUX-LOGS.md 3.14).
@Suite struct IncidentTitleTests {
    /// samples/notification-controller-unreachable: `unable to record event ... lookup
    /// notification-controller.flux-system.svc.cluster.local. on 10.96.0.10:53: no such host`.
    @Test func nxdomainOnTheEventsAddressNamesTheDelivery() throws {
        let title = "Events not delivered to notification-controller (DNS name does not exist): Kustomization/flux-system/apps"
        let text = try run(["--color", "never", "samples/notification-controller-unreachable"]).text
        #expect(text.contains("[1] ERROR open  " + title + "\n"))
        let report = try json(try run(["--format", "json", "samples/notification-controller-unreachable"]).stdout)
        let incidents = try #require(report["incidents"] as? [[String: Any]])
        #expect(incidents.first?["title"] as? String == title)
    }

    /// The same line with a DNS timeout (the Go resolver's `read udp ...:53: i/o timeout`,
    /// FLUX-LOGS.md 3.5) instead of NXDOMAIN, on stdin.
    @Test func dnsTimeoutOnTheEventsAddressNamesTheDelivery() throws {
        let line = #"{"level":"error","ts":"2026-11-24T01:10:21.467Z","msg":"unable to record event","name":"apps","namespace":"flux-system","reconciler kind":"Kustomization","error":"POST http://notification-controller.flux-system.svc.cluster.local./ giving up after 5 attempt(s): Post \"http://notification-controller.flux-system.svc.cluster.local./\": dial tcp: lookup notification-controller.flux-system.svc.cluster.local. on 10.96.0.10:53: read udp 10.244.0.5:43210->10.96.0.10:53: i/o timeout"}"#
        let text = try run(["--color", "never"], stdin: Data((line + "\n").utf8)).text
        #expect(text.contains("  Events not delivered to notification-controller (DNS lookups time out): Kustomization/flux-system/apps\n"))
    }

    /// A DNS failure of a source's own URL keeps its DNS title (samples/dns-resolution-failed:
    /// `unable to clone 'https://gitlab.com/acme/platform': ... server misbehaving`).
    @Test func dnsFailureOfASourceKeepsItsTitle() throws {
        let text = try run(["--color", "never", "samples/dns-resolution-failed"]).text
        #expect(text.contains("  DNS server failing (SERVFAIL): GitRepository/flux-system/platform\n"))
    }
}

/// Reports of a failed reconcile (wrappers) that come within the window of each other are one
/// episode, however far the first is from the failure that names the cause. A trial's
/// HelmRelease db/postgres: `Helm install failed` (helm-controller's `Helm install failed for
/// release %s/%s with chart %s@%s: %s`, internal/reconcile/install.go; the cause a Helm
/// multierror no signature knows) at 02:01, 02:03, 02:08, 02:13 and 02:18, then `exceeded maximum
/// retries: cannot install release` (a failure) at 02:23: two incidents, the first "02:01–02:03",
/// the attempts of 02:01 and 02:03 more than the 15-minute window before 02:23.
@Suite struct WrapperChainTests {
    static func record(_ ts: String, _ error: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"Reconciler error","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"postgres","namespace":"db"},"namespace":"db","name":"postgres","reconcileID":"9531985d-5d9d-4818-8818-e811892f902b","error":"\#(error)"}"#
    }

    @Test func attemptsAWindowApartEachAreOneIncident() throws {
        let install = #"Helm install failed for release db/postgres with chart postgresql@15.5.38: 1 error occurred:\n\t* PersistentVolumeClaim \"data-postgres-postgresql-0\" is invalid: spec.storageClassName: Invalid value: \"fast-ssd\": storageclass not found\n\n"#
        var lines = ["02:01:02", "02:03:02", "02:08:02", "02:13:02", "02:18:02"].map { Self.record("2026-12-02T\($0).000Z", install) }
        lines.append(Self.record("2026-12-02T02:23:00.000Z", "terminal error: exceeded maximum retries: cannot install release"))
        let r = try run(["--format", "json", "-"], stdin: stdinData(lines))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1, "\(incidents.map { $0["title"] ?? "" })")
        #expect(incidents.first?["first_seen"] as? String == "2026-12-02T02:01:02.000Z")
        #expect(incidents.first?["last_seen"] as? String == "2026-12-02T02:23:00.000Z")
    }

    /// Wrappers more than a window from every failure and from each other stay apart.
    @Test func attemptsMoreThanAWindowApartStayApart() throws {
        let install = #"Helm install failed for release db/postgres with chart postgresql@15.5.38: 1 error occurred:\n\t* some error\n\n"#
        let lines = [Self.record("2026-12-02T01:00:00.000Z", install),
                     Self.record("2026-12-02T02:23:00.000Z", "terminal error: exceeded maximum retries: cannot install release")]
        let r = try run(["--format", "json", "-"], stdin: stdinData(lines))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 2)
    }
}

/// Downloads refused by source-controller's artifact server are one cause whatever source they
/// asked for (a trial: an OOM-killed source-controller was 14 incidents, one per GitRepository,
/// some ranked as a NetworkPolicy). samples/oom-killed-source-controller, with Kustomization apps
/// fetching from a GitRepository team-a/apps of its own: one incident about both Kustomizations.
@Suite struct ArtifactServerOutageTests {
    @Test func refusalsForSeveralSourcesAreOneIncident() throws {
        let dir = try scratch("artifact-server")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = packageRoot.appendingPathComponent("samples/oom-killed-source-controller")
        try FileManager.default.copyItem(at: sample.appendingPathComponent("source-controller.log"), to: dir.appendingPathComponent("source-controller.log"))
        let k = try String(contentsOf: sample.appendingPathComponent("kustomize-controller.log"), encoding: .utf8)
        let moved = k.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.contains(#""name":"apps""#), line.contains("connection refused") else { return String(line) }
            return line.replacingOccurrences(of: "/gitrepository/flux-system/flux-system/", with: "/gitrepository/team-a/apps/")
        }
        #expect(moved.filter { $0.contains("/gitrepository/team-a/apps/") }.count >= 2)
        try moved.joined(separator: "\n").write(to: dir.appendingPathComponent("kustomize-controller.log"), atomically: true, encoding: .utf8)
        let r = try run(["--format", "json", dir.path])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let refused = incidents.filter { ($0["signals"] as? [[String: Any]] ?? []).contains { $0["signature"] as? String == "artifact-fetch-connection-refused" } }
        #expect(refused.count == 1, "\(incidents.map { $0["title"] ?? "" })")
        let objects = refused.first?["objects"] as? [String] ?? []
        #expect(objects.contains("Kustomization/flux-system/apps") && objects.contains("Kustomization/flux-system/infrastructure"), "\(objects)")
        #expect(((refused.first?["hypotheses"] as? [[String: Any]])?.first?["id"] as? String) == "source-controller-unavailable")
    }
}
