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
