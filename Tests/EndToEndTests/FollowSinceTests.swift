import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `follow --since TIME|DURATION` (CONTRACT.md `--since/--until`, docs/OUTPUT.md "An incident
/// under way before `--since`"): what the files hold before the window is read, its failures make
/// no incident. A sidecar started on a node with days of logs reported every old incident.
///
/// samples/unknown-errors (kustomize-controller, 09:00-11:00): `rbac-exploitation` and
/// `rbac-observability` fail every 5m throughout, `infrastructure` and `monitoring` fail from
/// 09:30 until 09:36 and are healthy again at 09:40, and three connection resets come after 10:00.
@Suite struct FollowSinceTests {
    static let logs = ["samples/unknown-errors/kustomize-controller.log", "samples/unknown-errors/source-controller.log"]
    static let cut = "2026-11-24T10:00:00"

    /// The sample's kustomize-controller records (parsed), in file order.
    static func records() throws -> [[String: Any]] {
        try String(contentsOf: packageRoot.appendingPathComponent(logs[0]), encoding: .utf8).split(separator: "\n").map { RewrapTests.object(String($0)) }
    }
    static func name(_ r: [String: Any]) -> String { (r["Kustomization"] as? [String: Any])?["name"] as? String ?? "" }
    static func ts(_ r: [String: Any]) -> String { r["ts"] as? String ?? "" }

    /// The sample's kustomize-controller log up to the cut, written to `dir`; and the rest.
    static func beforeTheCut(in dir: URL) throws -> (log: URL, rest: String) {
        let lines = try String(contentsOf: packageRoot.appendingPathComponent(logs[0]), encoding: .utf8)
            .split(separator: "\n").map { $0 + "\n" }
        let cut = try #require(lines.firstIndex { ts(RewrapTests.object(String($0))) >= Self.cut })
        let log = dir.appendingPathComponent("kustomize-controller.log")
        try lines[..<cut].joined().write(to: log, atomically: false, encoding: .utf8)
        return (log, lines[cut...].joined())
    }

    static func append(_ text: String, to log: URL) throws {
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// Followed to its end with `--since`, the sample leaves exactly the incidents `scan --since`
    /// reports (README: followed to its end, `follow` leaves `scan`'s incidents), and those are
    /// the sample's: nothing of `infrastructure` and `monitoring` (09:30-09:36, before the cut),
    /// the connection resets after it, and the rbac failures under way since their first record.
    @Test func followSinceEndsWithWhatScanSinceReports() throws {
        let r = try run(["follow", "--until-caught-up", "--since", Self.cut + "Z"] + Self.logs)
        #expect(r.status == 0, "\(r.stderr)")
        let state = try FollowTests.finalState(r.stdout)
        #expect(state == (try FollowTests.scanned(["--since", Self.cut + "Z"] + Self.logs)))

        let records = try Self.records()
        let resets = records.filter { "\($0["error"] ?? "")".contains("connection reset by peer") }.map(Self.ts)
        #expect(resets.count == 3 && resets.allSatisfy { $0 > Self.cut })
        let firstSeen = Set(state.values.compactMap { $0["first_seen"] as? String })
        #expect(firstSeen.isSuperset(of: resets))
        #expect(firstSeen.allSatisfy { $0 >= Self.cut }, "\(firstSeen)")
        #expect(!state.values.contains { ($0["objects"] as? [String])?.contains("Kustomization/flux-system/infrastructure") == true })

        // rbac-exploitation: every failure record before the cut left out, its incident under way from the first.
        let before = records.filter { Self.name($0) == "rbac-exploitation" && $0["level"] as? String == "error" && Self.ts($0) < Self.cut }
        #expect(before.count == 12)
        let rbac = try #require(state.values.first { ($0["objects"] as? [String]) == ["Kustomization/flux-system/rbac-exploitation"] })
        let underWay = try #require(rbac["under_way_before_since"] as? [String: Any])
        #expect(underWay["first"] as? String == before.first.map(Self.ts))
        #expect(underWay["last"] as? String == before.last.map(Self.ts))
        #expect(underWay["records"] as? Int == before.count)

        // scan's warning: the rbac objects, not infrastructure and monitoring (healthy again at 09:40).
        let failing = records.filter { Self.name($0).hasPrefix("rbac-") && $0["level"] as? String == "error" && Self.ts($0) < Self.cut }
        #expect(r.stderr.contains("\(failing.count) failure record(s) before --since \(Self.cut).000Z of 2 object(s) (Kustomization/flux-system/rbac-exploitation from \(Self.ts(before[0]))"), "\(r.stderr)")
        #expect(!r.stderr.contains("infrastructure"))

        // A duration counts back from --now, as in scan.
        let ago = try run(["follow", "--until-caught-up", "--now", "2026-11-24T11:00:00Z", "--since", "1h"] + Self.logs)
        #expect(ago.status == 0, "\(ago.stderr)")
        #expect(try FollowTests.finalState(ago.stdout) == state)
    }

    /// Other cuts, each followed as `scan --since` reports it: samples/networkpolicy-9090 in the
    /// middle of its outage (docs/OUTPUT.md's example), samples/artifact-missing before its recovery,
    /// and samples/git-auth-failed after its last failure (no incident at all).
    @Test(arguments: [("networkpolicy-9090", "2026-11-24T03:00:00Z"), ("artifact-missing", "2026-11-24T02:50:00Z"),
                      ("git-auth-failed", "2026-11-24T04:30:00Z")])
    func followSinceMatchesScanSince(sample: String, since: String) throws {
        let logs = try #require(try Sample.all().first { $0.name == sample }).logs
        let r = try run(["follow", "--until-caught-up", "--since", since] + logs)
        #expect(r.status == 0, "\(r.stderr)")
        let state = try FollowTests.finalState(r.stdout)
        #expect(state == (try FollowTests.scanned(["--since", since] + logs)))
        #expect(state.values.allSatisfy { ($0["first_seen"] as? String ?? "") >= since.replacingOccurrences(of: "Z", with: "") })
        if sample == "git-auth-failed" { #expect(state.isEmpty) }
        if sample == "networkpolicy-9090" {
            // docs/OUTPUT.md: "failing from 02:43:05 UTC, 31 failure record(s) up to 02:59:46 UTC left out".
            let underWay = try #require(state.values.first?["under_way_before_since"] as? [String: Any])
            #expect(underWay["first"] as? String == "2026-11-24T02:43:05.966Z")
            #expect(underWay["records"] as? Int == 31)
        }
    }

    /// Bad values are usage errors with follow's usage; follow has no --until.
    @Test func usageErrors() throws {
        for (args, message) in [(["--since", "yesterday"], "expected an RFC 3339 time"), (["--since", "-2h"], "expected an RFC 3339 time"),
                                (["--now", "bogus", "--since", "2h"], "--now: not an RFC 3339 time: bogus"),
                                (["--until", "2h"], "follow has no --until")] {
            let r = try run(["follow"] + args + ["samples/unknown-errors/kustomize-controller.log"])
            #expect(r.status == 2, "\(args)")
            #expect(r.stdout.isEmpty, "\(args)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("Usage: flux-logscan follow"), "\(args): \(r.stderr)")
        }
    }

    /// A live file: its records before the cut are read (the warning names the rbac objects once
    /// they are) and written as no incident; the rest, appended while `follow` runs, is, and at
    /// the stop the incidents are `scan --since`'s of the whole file.
    @Test func liveRecordsAfterTheCut() throws {
        let dir = try FollowTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (log, rest) = try Self.beforeTheCut(in: dir)

        let live = try FollowTests.Live(["--since", Self.cut + "Z", log.path])
        var stderr = Data()
        func readStderr(seconds: Double, until done: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while !done(), Date() < deadline {
                var fd = pollfd(fd: live.err.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
                if poll(&fd, 1, 100) > 0 { stderr.append(live.err.fileHandleForReading.availableData) }
            }
            return done()
        }
        #expect(readStderr(seconds: 60) { String(decoding: stderr, as: UTF8.self).contains("failure record(s) before --since") })
        _ = live.read(seconds: 3) { false }
        #expect(live.incidents == 0, "nothing before the cut: \(String(decoding: live.received, as: UTF8.self))")

        try Self.append(rest, to: log)
        #expect(live.read(seconds: 60) { live.incidentRecords.contains { $0["first_seen"] as? String == "2026-11-24T10:52:11.172Z" } })
        #expect(live.stop().status == 0)
        let state = try FollowTests.finalState(live.received)
        #expect(state.values.allSatisfy { ($0["first_seen"] as? String ?? "") >= Self.cut })
        #expect(state == (try FollowTests.scanned(["--since", Self.cut + "Z", log.path])))
    }

    /// A run resumed from `--state` reads what was appended since, with the same `--since`: the
    /// first run read the records before the cut and wrote nothing; the second writes the
    /// incidents after it, none before.
    @Test func resumedFromState() throws {
        let dir = try FollowTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (log, rest) = try Self.beforeTheCut(in: dir)
        let state = dir.appendingPathComponent("state.json").path
        let first = try run(["follow", "--until-caught-up", "--since", Self.cut + "Z", "--state", state, log.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try FollowTests.finalState(first.stdout).isEmpty)

        try Self.append(rest, to: log)
        let again = try run(["follow", "--until-caught-up", "--since", Self.cut + "Z", "--state", state, log.path])
        #expect(again.status == 0, "\(again.stderr)")
        let incidents = try FollowTests.finalState(again.stdout)
        let firstSeen = Set(incidents.values.compactMap { $0["first_seen"] as? String })
        let resets = rest.split(separator: "\n").map { RewrapTests.object(String($0)) }.filter { "\($0["error"] ?? "")".contains("connection reset by peer") }.map(Self.ts)
        #expect(firstSeen.isSuperset(of: resets))
        #expect(firstSeen.allSatisfy { $0 >= Self.cut }, "\(firstSeen)")
    }
}
