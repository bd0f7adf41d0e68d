import Foundation
import Testing
@testable import LogScan

/// A source that keeps failing is retried by controller-runtime's rate limiter, which Flux
/// builds with 750 ms doubling to `--max-retry-delay`, 15 minutes by default (fluxcd/pkg
/// runtime/controller/rate_limiter.go); each failure is logged when its attempt ends. A trial's
/// deleted branch failing for three hours was 11 incidents with the default window of 15m.
@Suite struct RetryCadenceTests {
    /// source-controller's `Reconciler error` for a deleted branch (FLUX-LOGS.md 3.3, 3.15).
    func failure(_ millis: Int64) -> String {
        let ts = Timestamp(millis: millis).rfc3339
        return #"{"level":"error","ts":"\#(ts)","msg":"Reconciler error","controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository","GitRepository":{"name":"shop","namespace":"team-a"},"namespace":"team-a","name":"shop","reconcileID":"0b7c1e2d-3f4a-4b5c-8d6e-7f8091a2b3c4","error":"failed to checkout and determine revision: unable to clone 'https://github.com/acme/shop': couldn't find remote ref \"refs/heads/release-1.4\""}"#
    }

    /// Failure times: the backoff's delays (750 ms doubling, capped at 15 m) plus 4 s an attempt.
    static func schedule(hours: Double) -> [Int64] {
        let start = Timestamp.utc(year: 2025, month: 6, day: 10, hour: 0, minute: 0, second: 0, millis: 0)!.millis
        var out: [Int64] = [start], delay: Int64 = 750
        while out.last! - start < Int64(hours * 3_600_000) {
            out.append(out.last! + delay + 4_000)
            delay = min(delay * 2, 15 * 60_000)
        }
        return out
    }

    func incidents(_ times: [Int64], windowSeconds: Double) throws -> [Incident] {
        let patterns = TransientTests.patterns
        let scanner = LogScanner(patterns: patterns)
        let (fd, path) = try tempFile(Array((times.map(failure).joined(separator: "\n") + "\n").utf8))
        defer { try? fd.close(); unlink(path) }
        scanner.scan(fd: fd, name: "source-controller.log", fileName: "source-controller.log")
        return Analysis(scan: scanner.result, patterns: patterns, windowSeconds: windowSeconds).incidents
    }

    @Test func failuresAtTheRetryCapAreOneIncident() throws {
        let times = Self.schedule(hours: 3)
        let found = try incidents(times, windowSeconds: 900)
        #expect(found.count == 1)
        #expect(found.first?.firstSeen.millis == times.first)
        #expect(found.first?.lastSeen.millis == times.last)
    }

    /// A window shorter than the retry cap is the user's choice: the retries are incidents apart.
    @Test func aWindowBelowTheCapStillSplits() throws {
        let times = Self.schedule(hours: 1)
        let capped = times.indices.dropFirst().filter { times[$0] - times[$0 - 1] > 600_000 }.count
        #expect(capped > 0)
        #expect(try incidents(times, windowSeconds: 600).count == capped + 1)
    }

    /// Beyond the allowance (the window plus 2 minutes) a failure is a new incident.
    @Test func aLongerPauseIsANewIncident() throws {
        let t0 = Self.schedule(hours: 0)[0]
        #expect(try incidents([t0, t0 + 900_000 + 119_000], windowSeconds: 900).count == 1)
        #expect(try incidents([t0, t0 + 900_000 + 121_000], windowSeconds: 900).count == 2)
    }
}
