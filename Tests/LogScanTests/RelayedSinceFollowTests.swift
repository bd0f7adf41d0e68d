import Foundation
import Testing
@testable import LogScan

/// The follow sidecar's scanner with a time filter (`ScanFilter.since`, as `scan --since` sets
/// it): a failure known only from notification-controller's relay of the HelmRelease's event
/// (`dispatching event`, FLUX-LOGS.md 1.4; the message is helm-controller's, 3.7) before the
/// window makes no incident and is under way before it, as a failure in helm-controller's own
/// log (`ScanResult.beforeSince`; EndToEndTests/RelayedSinceTests.swift for `scan`).
@Suite struct RelayedSinceFollowTests {
    static let patterns = PatternLoader.shipped().set
    static let podinfo = ObjectRef(kind: "HelmRelease", namespace: "apps", name: "podinfo")

    static func relay(_ ts: String, _ message: String) -> String {
        #"{"level":"info","ts":"\#(ts)","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"HelmRelease","namespace":"apps","name":"podinfo","uid":"2b5c2f8e-7d3a-4c51-9a8e-0f1e2d3c4b5a","apiVersion":"helm.toolkit.fluxcd.io/v2","resourceVersion":"123"},"message":"\#(message)"}"#
    }
    static let log = [
        relay("2026-11-24T10:10:00.000Z", "Helm upgrade failed for release apps/podinfo with chart podinfo@6.5.4: context deadline exceeded"),
        relay("2026-11-24T10:20:00.000Z", "Helm upgrade failed for release apps/podinfo with chart podinfo@6.5.4: context deadline exceeded"),
    ].joined(separator: "\n") + "\n"

    func follow(since: String) throws -> Analysis {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relayed-since-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("notification-controller.log").path
        try Self.log.write(toFile: path, atomically: true, encoding: .utf8)
        let scanner = LogScanner(patterns: Self.patterns)
        scanner.filter.since = try #require(Timestamp.parse(since))
        let follower = Follower(scanner: scanner, patterns: Self.patterns, windowSeconds: 900)
        follower.stopWhenCaughtUp = true
        return follower.run(inputs: [path])
    }

    @Test func relayedFailuresBeforeTheWindowAreLeftOut() throws {
        let a = try follow(since: "2026-11-24T10:25:00Z")
        #expect(a.incidents.isEmpty)
        let at = a.scan.failingAtSince(try #require(Timestamp.parse("2026-11-24T10:25:00Z")))
        let noted = try #require(at[Self.podinfo])
        #expect(noted.count == 2)
        #expect(noted.first == Timestamp.parse("2026-11-24T10:10:00Z")?.millis)
        #expect(noted.last == Timestamp.parse("2026-11-24T10:20:00Z")?.millis)
    }

    @Test func aRelayedFailureGoingOnIntoTheWindowIsUnderWay() throws {
        let a = try follow(since: "2026-11-24T10:15:00Z")
        #expect(a.incidents.count == 1)
        let i = try #require(a.incidents.first)
        #expect(i.firstSeen == Timestamp.parse("2026-11-24T10:20:00Z"))
        let under = try #require(i.underWay)
        #expect(under.first == Timestamp.parse("2026-11-24T10:10:00Z"))
        #expect(under.count == 1)
    }
}
