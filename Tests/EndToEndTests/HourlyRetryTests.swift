import Foundation
import Testing

/// A Kustomization with an interval of 1h that keeps failing: kustomize-controller logs
/// `Reconciliation failed after 1.2s, next try in 1h0m0s` once an hour (kustomize-controller
/// internal/controller/kustomization_controller.go; FLUX-LOGS.md 1.4, 3.1). Each failure is more
/// than the default window (15m) after the one before, yet the report shows one incident that
/// has been failing for five hours, in `scan`, closing while reading, `follow` and `--since`
/// (docs/OUTPUT.md "The same failure earlier").
@Suite struct HourlyRetryTests {
    static let now = "--now=2025-03-05T00:00:00Z"

    /// A failed reconciliation of Kustomization `name` at `ts` ([reconstructed] from FLUX-LOGS.md
    /// 1.4's line, the current JSON era; the error is kustomize's missing-resource build failure).
    static func failure(_ ts: String, name: String, next: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"Reconciliation failed after 1.2s, next try in \#(next)","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"\#(name)","namespace":"flux-system"},"namespace":"flux-system","name":"\#(name)","reconcileID":"9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a","revision":"main@sha1:0123456789abcdef0123456789abcdef01234567","error":"kustomize build failed: accumulating resources: accumulation err='accumulating resources from './missing': open /tmp/kustomization-1234/missing: no such file or directory': must build at directory: not a valid directory"}"#
    }

    /// `apps` (interval 1h) fails six times, 10:00:00.5Z to 15:00:05.5Z; `infra` (5m) fails
    /// every 5 minutes meanwhile, so that event time goes on between apps' failures and closing
    /// while reading and `follow` would close apps' incident in between.
    static func log() -> String {
        var lines: [String] = []
        for h in 0..<6 {
            lines.append(failure("2025-03-04T1\(h):00:0\(h).500Z", name: "apps", next: "1h0m0s"))
            for m in stride(from: 2, to: h == 5 ? 3 : 60, by: 5) {
                lines.append(failure("2025-03-04T1\(h):\(m < 10 ? "0" : "")\(m):10.000Z", name: "infra", next: "5m0s"))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func logFile() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hourly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("kustomize-controller.log")
        try log().write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func hourlyFailuresAreOneIncidentInEveryPath() throws {
        let url = try Self.logFile()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let args = ["--format", "json", Self.now, url.path]
        let whole = try run(args + ["--close-after-runs", "0"])
        let incidents = try #require(try json(whole.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 2)
        let apps = try #require(incidents.first { $0["objects"] as? [String] == ["Kustomization/flux-system/apps"] })
        #expect(apps["first_seen"] as? String == "2025-03-04T10:00:00.500Z")
        // The last real failure, not the 16:00 try it announced.
        #expect(apps["last_seen"] as? String == "2025-03-04T15:00:05.500Z")
        #expect(apps["earlier"] is NSNull)
        // Closing while reading at every line holds it open until its next try is overdue.
        let closing = try run(args + ["--close-after-runs", "1", "--closed-in-memory", "0"])
        #expect(closing.stdout == whole.stdout)
        // The sidecar writes the one incident, never a new one each hour.
        let followed = try run(["follow", "--until-caught-up", url.path])
        let ids = Set(String(decoding: followed.stdout, as: UTF8.self).split(separator: "\n").compactMap { line -> String? in
            guard let r = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], r["type"] as? String == "incident" else { return nil }
            return r["id"] as? String
        })
        #expect(ids == Set(incidents.compactMap { $0["id"] as? String }))
    }

    /// With `--since 12:30`, the 13:00 failure continues the 12:00 one (its next try was due at
    /// 13:00:02.5 at the latest, plus 1.2 s and 2 minutes): under way since 10:00, three records.
    @Test func sinceTellsTheFailuresBeforeTheWindow() throws {
        let url = try Self.logFile()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let r = try run(["--format", "json", Self.now, "--since", "2025-03-04T12:30:00Z", url.path])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let apps = try #require(incidents.first { $0["objects"] as? [String] == ["Kustomization/flux-system/apps"] })
        #expect(incidents.count == 2)
        #expect(apps["first_seen"] as? String == "2025-03-04T13:00:03.500Z")
        let under = try #require(apps["under_way_before_since"] as? [String: Any])
        #expect(under["first"] as? String == "2025-03-04T10:00:00.500Z")
        #expect(under["last"] as? String == "2025-03-04T12:00:02.500Z")
        #expect(under["records"] as? Int == 3)
    }

    /// `--window 1m` is the user's choice to see each attempt: six incidents of apps.
    @Test func aShortWindowShowsEachAttempt() throws {
        let url = try Self.logFile()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let r = try run(["--format", "json", Self.now, "--window", "1m", url.path])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.filter { $0["objects"] as? [String] == ["Kustomization/flux-system/apps"] }.count == 6)
    }

    /// A live sidecar: the log up to 11:57 (apps failed at 10:00 and 11:00, announcing 12:00),
    /// then, once `follow` wrote apps' incident and had time to close what it can, the rest.
    /// apps' 12:00 to 15:00 failures continue the incident written before: every record about
    /// apps has one id, the last spans 10:00:00.5 to 15:00:05.5.
    @Test func aLiveSidecarKeepsTheIncidentOpenUntilTheNextTry() throws {
        let dir = try FollowTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = Self.log().split(separator: "\n").map { $0 + "\n" }
        let split = try #require(lines.firstIndex { $0.contains("\"ts\":\"2025-03-04T12:00:02.500Z\"") })
        let log = dir.appendingPathComponent("kustomize-controller.log")
        try lines[..<split].joined().write(to: log, atomically: false, encoding: .utf8)
        let live = try FollowTests.Live(["--report-every", "1s", log.path])
        func apps() -> [[String: Any]] {
            live.incidentRecords.filter { $0["objects"] as? [String] == ["Kustomization/flux-system/apps"] }
        }
        #expect(live.read { !apps().isEmpty })
        _ = live.read(seconds: 2) { false }
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines[split...].joined().utf8))
        try handle.close()
        _ = live.read { apps().contains { $0["last_seen"] as? String == "2025-03-04T15:00:05.500Z" } }
        #expect(live.stop().status == 0)
        let written = apps()
        #expect(Set(written.compactMap { $0["id"] as? String }).count == 1)
        let last = try #require(written.last)
        #expect(last["first_seen"] as? String == "2025-03-04T10:00:00.500Z")
        #expect(last["last_seen"] as? String == "2025-03-04T15:00:05.500Z")
    }
}
