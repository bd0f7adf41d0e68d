import Testing
@testable import LogScan

/// Durations in human-readable output are written as Go writes them, like the durations in Flux's
/// own lines (FLUX-LOGS.md 1.2/1.4: `next run in 10m0s`, `Reconciliation failed after 3m35s...`,
/// `retrying in 30s`), by one function, `goDuration`.
@Suite struct DurationTests {
    @Test func goStyle() {
        #expect(goDuration(seconds: 570) == "9m30s")
        #expect(goDuration(seconds: 600) == "10m0s")       // `next run in 10m0s`
        #expect(goDuration(seconds: 300) == "5m0s")        // `next try in 5m0s`
        #expect(goDuration(seconds: 30) == "30s")          // `retrying in 30s`
        #expect(goDuration(seconds: 215.344404824) == "3m35s")
        #expect(goDuration(seconds: 3723) == "1h2m3s")
        #expect(goDuration(seconds: 3600) == "1h0m0s")
        #expect(goDuration(seconds: 1.840578367) == "1.8s")
        #expect(goDuration(seconds: 0.412337033) == "412ms")  // `Reconciliation finished in 412.337033ms`
        #expect(goDuration(seconds: 0) == "0s")
    }

    /// Whatever it writes, Go's parser reads back (to the rounding): `parseGoDuration`.
    @Test func roundTrips() {
        for s in [0.05, 1.5, 9.9, 45, 570, 600, 3723, 86_400] {
            let back = parseGoDuration(goDuration(seconds: s))
            #expect(back != nil && abs(back! - s) < 0.051 * max(1, s / 10), "\(s) → \(goDuration(seconds: s))")
        }
    }

    /// Spans flux-logscan derives (captured as `10m`, unchanged in JSON) print Go-style in text;
    /// values read from a log line print as written.
    @Test func captureText() {
        #expect(TextReport.captureText("10m", derived: true) == "10m0s")
        #expect(TextReport.captureText("1h2m", derived: true) == "1h2m0s")
        #expect(TextReport.captureText("31s", derived: true) == "31s")
        #expect(TextReport.captureText("14:02:47", derived: true) == "14:02:47")
        #expect(TextReport.captureText("3m35.344404824s", derived: false) == "3m35.344404824s")
    }

    /// The overdue text (ReconcileOverdueTests' input): due 10:10:02, grace 1m0s (10 %) + the
    /// 15-minute window, the last record of the controller 10:40:30.
    @Test func overdueTextIsGoStyle() throws {
        let lines = [FluxLine.finished(2, "apps")] + stride(from: 30.0, through: 3000, by: 600).map { FluxLine.finished($0, "infrastructure") }
        let scan = try scanInputs([("kustomize-controller.log", lines)])
        let findings = LifetimeFindings(scan: scan, windowSeconds: 900)
        let overdue = try #require(findings.evidence.first { $0.signature == DerivedSignal.reconcileOverdue })
        let text = overdue.example?.text ?? ""
        #expect(text.contains("(grace 16m0s)"), "\(text)")
        #expect(text.contains("nothing about it since, 30m28s after its next run was due"), "\(text)")
    }
}
