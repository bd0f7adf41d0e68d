import Foundation
import Testing

/// helm-controller waits for the HelmChart it reads its chart from and logs the HelmChart's Ready
/// message (`HelmChart '<ns>/<name>' is not ready: <message>`, FLUX-LOGS.md 3.2, 3.11). The message
/// is source-controller's error: `helm-source-not-ready` declares `quotes:` and the quoted text is
/// matched against source-controller's signatures (Sources/LogScan/Matching/QuotedCause.swift).
/// Trial 14: helm-controller's log alone (`kubectl logs deploy/helm-controller | flux-logscan`)
/// with 25 minutes of a chart pull refused with `401 Unauthorized` was an `info` transient
/// incident, exit 0, with "pin a chart version" first.
@Suite struct QuotedCauseTests {
    /// helm-controller v1 (controller-runtime JSON, FLUX-LOGS.md 1.2): HelmRelease db/postgres
    /// in sync, then its HelmChart not ready every 5 minutes from 02:10:04 to 02:35:04 with
    /// `reason`, then in sync again at 02:39:10 after the fix.
    static func helmController(reason: String) -> String {
        func line(_ ts: String, _ msg: String) -> String {
            let object: [String: Any] = [
                "level": "info", "ts": "2024-05-20T\(ts)Z", "msg": msg, "controller": "helmrelease",
                "controllerGroup": "helm.toolkit.fluxcd.io", "controllerKind": "HelmRelease",
                "HelmRelease": ["name": "postgres", "namespace": "db"], "namespace": "db", "name": "postgres",
                "reconcileID": "cc73abe9-9eba-409f-822a-87dc52e17fd9",
            ]
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self)
        }
        var lines = [line("02:00:04.000", "release in-sync with desired state"), line("02:05:04.000", "release in-sync with desired state")]
        for minute in stride(from: 10, through: 35, by: 5) {
            lines.append(line("02:\(minute):04.000", "HelmChart 'flux-system/db-postgres' is not ready: \(reason)"))
        }
        lines += [line("02:38:30.000", "release out-of-sync with desired state: chart version changed"),
                  line("02:39:10.000", "release in-sync with desired state"), line("02:45:04.000", "release in-sync with desired state")]
        return lines.joined(separator: "\n") + "\n"
    }
    /// Helm's HTTP getter (helm pkg/getter/httpgetter.go `failed to fetch %s : %s`) inside
    /// source-controller's ChartPullError (`chart pull error: ...`, FLUX-LOGS.md 3.8).
    static let unauthorized = "chart pull error: failed to download chart for remote reference: failed to fetch https://charts.example.com/charts/postgresql-12.5.6.tgz : 401 Unauthorized"
    /// source-controller's chart version lookup (FLUX-LOGS.md 3.8).
    static let noVersion = "chart pull error: failed to get chart version for remote reference: no 'postgresql' chart with version matching '12.5.66' found"

    func scan(_ text: String, _ args: [String] = ["--format", "json"]) throws -> RunResult {
        let dir = try scratch("quoted")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("helm-controller.log")
        try text.write(to: log, atomically: true, encoding: .utf8)
        return try run(args + [log.path])
    }

    @Test func aQuoted401IsAnErrorWithItsCredentialsHypothesis() throws {
        let r = try scan(Self.helmController(reason: Self.unauthorized))
        #expect(r.status == 1)
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        let i = try #require(incidents.first)
        #expect(i["severity"] as? String == "error")
        #expect(i["transient"] as? Bool == false)
        #expect(i["status"] as? String == "resolved")
        let wait = (i["signals"] as? [[String: Any]])?.first { $0["signature"] as? String == "helm-source-not-ready" }
        #expect((wait?["captures"] as? [String: Any])?["quoted"] as? String == "helm-repository-auth-failed")
        #expect((i["hypotheses"] as? [[String: Any]])?.first?["id"] as? String == "registry-auth-failed")
    }

    @Test func aQuotedMissingVersionIsNotTransient() throws {
        let r = try scan(Self.helmController(reason: Self.noVersion))
        #expect(r.status == 1)
        let i = try #require((try json(r.stdout)["incidents"] as? [[String: Any]])?.first)
        #expect(i["transient"] as? Bool == false)
        #expect((i["hypotheses"] as? [[String: Any]])?.first?["id"] as? String == "helm-chart-unavailable")
    }

    /// A quoted error that clears by itself (source-controller's artifact not stored yet: the
    /// `transient` wait it always was) leaves the wait as it was: the rule looks at the quote.
    @Test func withoutAQuotedFailureTheWaitStaysTransient() throws {
        var text = ""
        for line in Self.helmController(reason: Self.unauthorized).split(separator: "\n") {
            // Two waits, no reason: a chart change passing through (docs/SCORING.md "Transient incidents").
            if line.contains("is not ready") {
                if line.contains("02:10:04") || line.contains("02:15:04") {
                    text += line.replacingOccurrences(of: ": " + Self.unauthorized, with: "") + "\n"
                }
                continue
            }
            text += line + "\n"
        }
        let i = try #require((try json(try scan(text).stdout)["incidents"] as? [[String: Any]])?.first)
        #expect(i["transient"] as? Bool == true)
    }

    /// `--counts` counts a signature's own records: helm-controller's quote is no record of
    /// source-controller's `helm-repository-auth-failed` (the harness compares counts with grep
    /// over each signature's controllers, Benchmarks/README.md "The count check").
    @Test func quotesAreNotCountedAsTheQuotedSignature() throws {
        let r = try scan(Self.helmController(reason: Self.unauthorized), ["--counts"])
        let counts = Dictionary(uniqueKeysWithValues: r.text.split(separator: "\n").map { row in
            let cols = row.split(separator: "\t")
            return (String(cols[0]), Int(cols[1]) ?? -1)
        })
        #expect(counts["helm-source-not-ready"] == 6)
        #expect(counts["helm-repository-auth-failed"] == 0)
    }

    /// The HelmChart's own log begins in the middle of the outage (source-controller's container
    /// restarted at 03:00; trial 14): the HelmRelease's waits since 02:10:04 say since when, in
    /// the `downstream:` line (the first failure above is source-controller's at 03:00:05).
    @Test func waitsOlderThanTheRootSaySinceWhen() throws {
        func record(_ fields: [String: Any]) -> String {
            String(decoding: try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        }
        var helm: [String] = [], source: [String] = []
        for minute in stride(from: 130, through: 205, by: 5) {
            helm.append(record([
                "level": "info", "ts": String(format: "2024-05-20T%02d:%02d:04.000Z", minute / 60, minute % 60),
                "msg": "HelmChart 'flux-system/db-postgres' is not ready: " + Self.unauthorized, "controller": "helmrelease",
                "controllerGroup": "helm.toolkit.fluxcd.io", "controllerKind": "HelmRelease",
                "HelmRelease": ["name": "postgres", "namespace": "db"], "namespace": "db", "name": "postgres",
                "reconcileID": "cc73abe9-9eba-409f-822a-87dc52e17fd9"]))
        }
        source.append(#"{"level":"info","ts":"2024-05-20T03:00:00.000Z","logger":"setup","msg":"starting manager"}"#)
        for minute in stride(from: 180, through: 200, by: 5) {
            source.append(record([
                "level": "error", "ts": String(format: "2024-05-20T%02d:%02d:05.000Z", minute / 60, minute % 60),
                "msg": "Reconciler error", "controller": "helmchart", "controllerGroup": "source.toolkit.fluxcd.io",
                "controllerKind": "HelmChart", "HelmChart": ["name": "db-postgres", "namespace": "flux-system"],
                "namespace": "flux-system", "name": "db-postgres", "reconcileID": "6513a1f0-2b3c-4d5e-8f90-a1b2c3d4e5f6",
                "error": Self.unauthorized]))
        }
        let dir = try scratch("quoted-since")
        defer { try? FileManager.default.removeItem(at: dir) }
        try (helm.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("helm-controller.log"), atomically: true, encoding: .utf8)
        try (source.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("source-controller.log"), atomically: true, encoding: .utf8)
        let r = try run(["--color", "never", dir.path])
        #expect(r.text.contains("when:        2024-05-20 03:00:05–03:20:05 UTC"), "\(r.text)")
        #expect(r.text.contains("1 HelmRelease (db/postgres) waiting on it from 02:10:04 UTC (50m1s before the first failure above)"), "\(r.text)")
    }

    /// The quoted 401 names the incident's cause even when another release waits on this one
    /// (HelmRelease db/app with `dependsOn: db/postgres` logs `dependencies do not meet ready
    /// condition (dependency 'db/postgres' is not ready): retrying in 30s`, FLUX-LOGS.md 3.11,
    /// every 30 s): trial 15 got `dependency-not-ready` first (90 %, read from db/app's waits)
    /// for db/postgres, which has no dependsOn.
    @Test func aQuotedCauseOutranksWaitingAsSuch() throws {
        var text = Self.helmController(reason: Self.unauthorized)
        for second in stride(from: 0, to: 25 * 60, by: 30) {
            let object: [String: Any] = [
                "level": "info", "ts": String(format: "2024-05-20T02:%02d:%02d.500Z", 10 + second / 60, second % 60),
                "msg": "dependencies do not meet ready condition (dependency 'db/postgres' is not ready): retrying in 30s",
                "controller": "helmrelease", "controllerGroup": "helm.toolkit.fluxcd.io", "controllerKind": "HelmRelease",
                "HelmRelease": ["name": "app", "namespace": "db"], "namespace": "db", "name": "app",
                "reconcileID": "dd84bcfa-0fad-4a10-933e-98fe63f28ea0",
            ]
            text += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        let incidents = try #require(try json(try scan(text).stdout)["incidents"] as? [[String: Any]])
        let postgres = try #require(incidents.first { ($0["objects"] as? [String] ?? []).contains("HelmRelease/db/postgres") })
        #expect((postgres["hypotheses"] as? [[String: Any]])?.first?["id"] as? String == "registry-auth-failed")
        #expect((postgres["hypotheses"] as? [[String: Any]] ?? []).allSatisfy { $0["id"] as? String != "dependency-not-ready" })
    }

    /// samples/helmchart-cascade's helm-controller.log alone (source-controller's log not read):
    /// the wait on HelmChart flux-system/podinfo-podinfo stands in for the HelmChart, and
    /// podinfo/frontend, whose dependsOn names podinfo/podinfo (`dependency 'podinfo/podinfo' is
    /// not ready`), folds under it as with every log given (the sample's expected.json: one
    /// incident, frontend downstream). Trial 15: two incidents.
    @Test func aHelmChartWaitStandsInForTheChart() throws {
        let r = try run(["--format", "json", "samples/helmchart-cascade/helm-controller.log"])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        #expect(incidents.first?["upstream"] as? String == "HelmChart/flux-system/podinfo-podinfo")
        #expect(incidents.first?["downstream"] as? [String] == ["HelmRelease/podinfo/frontend"])
        #expect((incidents.first?["hypotheses"] as? [[String: Any]])?.first?["id"] as? String == "helm-chart-unavailable")
    }
}
