import Foundation
import Testing

/// Bad option values of `scan` (the default subcommand) exit 2 (CONTRACT.md) with a message that
/// says what is expected, followed by `scan`'s usage, not the root command's `<subcommand>` one.
@Suite struct UsageErrorTests {
    static let scanUsage = "Usage: flux-logscan scan [<options>] [<paths> ...]"

    func expectUsageError(_ args: [String], saying message: String) throws {
        let r = try run(args)
        #expect(r.status == 2, "\(args): exit \(r.status)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        #expect(r.stderr.contains(Self.scanUsage), "\(args): \(r.stderr)")
        #expect(!r.stderr.contains("<subcommand>"), "\(args): \(r.stderr)")
    }

    @Test func badWindow() throws {
        try expectUsageError(["--window", "bogus", "x.log"], saying: "expected a positive Go duration such as 15m, 90s or 1h30m")
    }

    @Test func badObject() throws {
        try expectUsageError(["--object", "badformat", "x.log"],
                             saying: "--object: expected Kind/namespace/name (e.g. Kustomization/flux-system/apps), got badformat")
        try expectUsageError(["scan", "--object", "badformat", "x.log"], saying: "--object: expected Kind/namespace/name")
        // Kind/name: Flux objects are namespaced, so it would match nothing and exit 0 unnoticed.
        try expectUsageError(["--object", "HelmRelease/podinfo", "x.log"], saying: "--object: expected Kind/namespace/name")
        let follow = try run(["follow", "--object", "HelmRelease/podinfo", "x.log"])
        #expect(follow.status == 2)
        #expect(follow.stderr.contains("--object: expected Kind/namespace/name"))
    }

    @Test func badTimesControllerAndJobs() throws {
        try expectUsageError(["--since", "yesterday", "x.log"], saying: "expected an RFC 3339 time")
        try expectUsageError(["--now", "bogus", "x.log"], saying: "--now: not an RFC 3339 time: bogus")
        try expectUsageError(["--since", "2026-11-24T02:00:00Z", "--until", "2026-11-24T01:00:00Z", "x.log"], saying: "is after --until")
        try expectUsageError(["--controller", "flux-controller", "x.log"], saying: "--controller: unknown controller flux-controller")
        try expectUsageError(["--jobs", "0", "x.log"], saying: "--jobs must be at least 1, got 0")
    }

    /// A value that starts with `-` is the option's value, rejected for what it is (a trial got
    /// "Missing value for '--window <window>'" for `--window -5m`); Go durations are unsigned here.
    @Test func negativeValues() throws {
        try expectUsageError(["--window", "-5m", "x.log"], saying: "expected a positive Go duration such as 15m, 90s or 1h30m")
        try expectUsageError(["--since", "-2h", "x.log"], saying: "expected an RFC 3339 time")
        try expectUsageError(["--until", "-2h", "x.log"], saying: "expected an RFC 3339 time")
        try expectUsageError(["--now", "-1", "x.log"], saying: "--now: not an RFC 3339 time: -1")
        try expectUsageError(["--jobs", "-1", "x.log"], saying: "--jobs must be at least 1, got -1")
        for args in [["follow", "--report-every", "-1m", "x.log"], ["follow", "--window", "-5m", "x.log"]] {
            let r = try run(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains("expected a positive Go duration"), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Missing value"), "\(args): \(r.stderr)")
        }
    }

    /// `--namespace "$NS"` with NS unset hid every incident and exited 0 (a trial): a namespace is
    /// a DNS-1123 label (Kubernetes `ValidateNamespaceName`), so empty, upper-case or dotted
    /// values can match nothing and are usage errors, in `scan` and `follow`.
    @Test func impossibleNamespace() throws {
        for ns in ["", "Flux-System", "flux.system", "-team", "team-", String(repeating: "a", count: 64)] {
            try expectUsageError(["--namespace", ns, "x.log"], saying: "--namespace: expected a Kubernetes namespace name")
        }
        let follow = try run(["follow", "--namespace", "", "x.log"])
        #expect(follow.status == 2)
        #expect(follow.stderr.contains("--namespace: expected a Kubernetes namespace name"))
    }

    /// A valid `--namespace` still selects: samples/apply-forbidden's incident is about team-a;
    /// a 63-byte name is valid and selects nothing there (exit 0: nothing shown at error).
    @Test func validNamespaceStillWorks() throws {
        let r = try run(["--namespace", "team-a", "-q", "--color", "never", "samples/apply-forbidden"])
        #expect(r.status == 1)
        #expect(r.text.contains("Kustomization/team-a/team-a"))
        let other = try run(["--namespace", String(repeating: "a", count: 63), "-q", "--color", "never", "samples/apply-forbidden"])
        #expect(other.status == 0, "\(other.stderr)")
    }

    /// A valid `--object` still selects: samples/apply-forbidden's Kustomization team-a/team-a.
    @Test func validObjectStillWorks() throws {
        let r = try run(["--object", "Kustomization/team-a/team-a", "-q", "--color", "never", "samples/apply-forbidden"])
        #expect(r.status == 1)
        #expect(r.text.contains("Kustomization/team-a/team-a"))
    }
}

/// `--counts` follows `--format` (a trial found `--counts --format json` printing TSV to a script
/// that asked for JSON). samples/networkpolicy-9090/kustomize-controller.log: all 66 lines hold
/// `connect: connection refused` (60 `request failed` retries, 6 `Reconciliation failed`).
@Suite struct CountsFormatTests {
    static let log = "samples/networkpolicy-9090/kustomize-controller.log"

    @Test func jsonIsOneDocument() throws {
        let r = try run(["--counts", "--format", "json", Self.log])
        #expect(r.status == 0)
        let doc = try json(r.stdout)
        let counts = try #require(doc["counts"] as? [String: Any])
        #expect(counts["artifact-fetch-connection-refused"] as? Int == 66)
        #expect(counts["kustomization-reconciliation-failed"] as? Int == 6)
        #expect((doc["stats"] as? [String: Any])?["lines"] as? Int == 66)
    }

    @Test func ndjsonIsOneLinePerSignatureThenStats() throws {
        let r = try run(["--counts", "--format", "ndjson", Self.log])
        let lines = r.text.split(separator: "\n")
        #expect(lines.contains(#"{"type":"count","signature":"artifact-fetch-connection-refused","count":66}"#))
        #expect(lines.last?.hasPrefix(#"{"type":"stats""#) == true)
    }

    @Test func textStaysTabSeparated() throws {
        let r = try run(["--counts", Self.log])
        #expect(r.text.split(separator: "\n").contains("artifact-fetch-connection-refused\t66"))
    }
}
