import Foundation
import Testing
@testable import LogScan

/// kustomize-controller logs a failed reconciliation with the time of its next attempt:
/// `Reconciliation failed after %s, next try in %s` (kustomize-controller
/// internal/controller/kustomization_controller.go; FLUX-LOGS.md 1.4, 3.1), captured as `duration`
/// and `next` by `kustomization-reconciliation-failed`. An object whose interval is 1h fails once an
/// hour; with the default window (15m) each failure was an incident of its own (a trial user).
/// A failure that announces its next try continues its incident until that try is due, plus
/// the attempt's own duration, plus 2 minutes (`Correlator.nextTryReach`).
@Suite struct NextTryTests {
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    /// 2025-03-04T10:00:00.500Z (UTC milliseconds), the first failure.
    static let t0 = Timestamp.utc(year: 2025, month: 3, day: 4, hour: 10, minute: 0, second: 0, millis: 500)!.millis

    /// A Kustomization's failed reconciliation in the current JSON era ([reconstructed] from
    /// FLUX-LOGS.md 1.4's line and the format string; the error is kustomize's missing-resource
    /// build failure of `kustomization-reconciliation-failed`'s examples), after `after` and with
    /// `next try in` `next`.
    static func failure(_ millis: Int64, name: String = "apps", after: String = "1.2s", next: String = "1h0m0s") -> String {
        let ts = Timestamp(millis: millis).rfc3339
        return #"{"level":"error","ts":"\#(ts)","msg":"Reconciliation failed after \#(after), next try in \#(next)","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"\#(name)","namespace":"flux-system"},"namespace":"flux-system","name":"\#(name)","reconcileID":"9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a","revision":"main@sha1:0123456789abcdef0123456789abcdef01234567","error":"kustomize build failed: accumulating resources: accumulation err='accumulating resources from './missing': open /tmp/kustomization-1234/missing: no such file or directory': must build at directory: not a valid directory"}"#
    }

    /// A scanner that read `lines` as kustomize-controller's log, closing no incident while reading.
    static func scanner(_ lines: [String]) throws -> LogScanner {
        let scanner = LogScanner(patterns: TransientTests.patterns)
        let (fd, path) = try tempFile(Array((lines.joined(separator: "\n") + "\n").utf8))
        defer { try? fd.close(); unlink(path) }
        scanner.scan(fd: fd, name: "kustomize-controller.log", fileName: "kustomize-controller.log")
        return scanner
    }

    static func incidents(_ lines: [String], windowSeconds: Double = 900) throws -> [Incident] {
        Analysis(scan: try scanner(lines).result, patterns: TransientTests.patterns, windowSeconds: windowSeconds).incidents
    }

    /// `next try in 1h0m0s` after `1.2s`, logged at t0: the next failure may come until
    /// t0 + 1h + 1.2s + 2m.
    @Test func reachIsTheNextTryPlusTheAttemptPlusTwoMinutes() {
        let reach = Correlator.nextTryReach(captures: [["duration": "1.2s", "next": "1h0m0s"]], at: Self.t0)
        #expect(reach == Self.t0 + Self.hour + 1_200 + 2 * Self.minute)
        // kustomize-controller PR #289's real line: after 3m35.317406763s, next try in 5m0s.
        #expect(Correlator.nextTryReach(captures: [["duration": "3m35.317406763s", "next": "5m0s"]], at: 0)
                == 5 * Self.minute + 215_317 + 2 * Self.minute)
        // The furthest of a run's capture sets.
        #expect(Correlator.nextTryReach(captures: [["duration": "1s", "next": "5m0s"], ["duration": "1s", "next": "1h0m0s"]], at: 0)
                == Self.hour + 1_000 + 2 * Self.minute)
        // No next try announced, or none to wait for.
        #expect(Correlator.nextTryReach(captures: [["duration": "1.2s"]], at: Self.t0) == nil)
        #expect(Correlator.nextTryReach(captures: [["duration": "1.2s", "next": "0s"]], at: Self.t0) == nil)
        // A bogus capture is capped (7 days), not an overflow.
        #expect(Correlator.nextTryReach(captures: [["next": "99999999999999999999h"]], at: 0) == 7 * 24 * Self.hour + 2 * Self.minute)
    }

    /// Six hourly failures of one Kustomization are one incident from the first to the last
    /// failure (the last real event, not the next try it announced).
    @Test func hourlyFailuresAreOneIncident() throws {
        let times = (0..<6).map { Self.t0 + Int64($0) * (Self.hour + 1_000) }
        let found = try Self.incidents(times.map { Self.failure($0) })
        try #require(found.count == 1)
        #expect(found[0].firstSeen.millis == times.first)
        #expect(found[0].lastSeen.millis == times.last)
        #expect(found[0].affected == [ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "apps")])
        #expect(found[0].signals.first { $0.signature == "kustomization-reconciliation-failed" }?.count == 6)
    }

    /// At the reach the next failure still joins; a millisecond later it is a new incident.
    @Test func aFailureAfterTheReachIsANewIncident() throws {
        let reach = Self.t0 + Self.hour + 1_200 + 2 * Self.minute
        #expect(try Self.incidents([Self.failure(Self.t0), Self.failure(reach)]).count == 1)
        #expect(try Self.incidents([Self.failure(Self.t0), Self.failure(reach + 1)]).count == 2)
    }

    /// Only the object that announced the try: another Kustomization failing an hour later is
    /// its own incident.
    @Test func anotherObjectDoesNotJoin() throws {
        let found = try Self.incidents([Self.failure(Self.t0), Self.failure(Self.t0 + Self.hour, name: "infrastructure")])
        #expect(found.count == 2)
    }

    /// A window below Flux's retry cap (15m) is the user's choice to see attempts apart, as for
    /// the capped retry delay (`Correlator.failureGap`): each hourly failure stays its own incident.
    @Test func aWindowBelowTheCapKeepsAttemptsApart() throws {
        let times = (0..<3).map { Self.t0 + Int64($0) * Self.hour }
        #expect(try Self.incidents(times.map { Self.failure($0) }, windowSeconds: 600).count == 3)
        #expect(try Self.incidents(times.map { Self.failure($0) }, windowSeconds: 60).count == 3)
        #expect(try Self.incidents(times.map { Self.failure($0) }, windowSeconds: 1800).count == 1)
    }

    /// Closing while reading (Pipeline/Closing.swift): an incident whose last failure announced
    /// its next try stays open past two windows after its last event, until the try is overdue
    /// by two windows; then it closes, with its last real event as `lastSeen`.
    @Test func anIncidentClosesOnlyOnceItsNextTryIsOverdue() throws {
        let t1 = Self.t0 + Self.hour + 1_000
        let scanner = try Self.scanner([Self.failure(Self.t0), Self.failure(t1)])
        let w: Int64 = 15 * Self.minute
        scanner.closeBudget = 1
        // 40 minutes after the last failure: more than two windows (the rule without a next
        // try would close it), but the try announced for 12:00:01.5 is not due yet.
        scanner.closingWatermark = t1 + 40 * Self.minute
        scanner.closeIncidents()
        #expect(scanner.state.closed.isEmpty)
        // Two windows and a bucket (half a window) after the reach: overdue, closed.
        let reach = t1 + Self.hour + 1_200 + 2 * Self.minute
        scanner.closingWatermark = reach + 2 * w + w / 2
        scanner.closeIncidents()
        try #require(scanner.state.closed.count == 1)
        #expect(scanner.state.closed[0].firstSeen.millis == Self.t0)
        #expect(scanner.state.closed[0].lastSeen.millis == t1)
        #expect(scanner.state.closed[0].nextTryDue == reach)
    }

    /// `--since`: failures before the window whose announced next try reaches the incident's
    /// first event make it under way, though the gap exceeds the window (`UnderWay.of`).
    @Test func failuresBeforeSinceAnnouncingTheTryAreUnderWay() {
        let apps = ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "apps")
        let failing: [ObjectRef?: (first: Int64, last: Int64, count: Int)] = [apps: (first: 0, last: 2 * Self.hour, count: 3)]
        let reach = 3 * Self.hour + 1_200 + 2 * Self.minute
        let gap = Correlator.failureGap(windowMillis: 15 * Self.minute)
        let at = Timestamp(millis: 3 * Self.hour + 1_000)
        #expect(UnderWay.of(objects: [apps], firstSeen: at, gapMillis: gap, failing: failing) == nil)
        #expect(UnderWay.of(objects: [apps], firstSeen: at, gapMillis: gap, failing: failing, nextTries: [apps: reach])
                == UnderWay(first: Timestamp(millis: 0), last: Timestamp(millis: 2 * Self.hour), count: 3))
        #expect(UnderWay.of(objects: [apps], firstSeen: Timestamp(millis: reach + 1), gapMillis: gap, failing: failing,
                            nextTries: [apps: reach]) == nil)
    }
}
