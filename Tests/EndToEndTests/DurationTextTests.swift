import Foundation
import Testing

/// The text report writes its own durations Go-style, like the Flux lines it quotes
/// (docs/OUTPUT.md "Durations"). Spans come from the samples' timestamps.
@Suite struct DurationTextTests {
    /// samples/apply-forbidden: failures at 16:04:10.624 and 16:14:10.441 (kustomize-controller.log
    /// lines 1 and 3): a span of 9m59.8s, written 10m0s, not 10m.
    @Test func wholeMinutesKeepTheirSeconds() throws {
        let text = try run(["--color", "never", "samples/apply-forbidden"]).text
        #expect(text.contains("    when:        2026-11-24 16:04:10–16:14:10 UTC, 10m0s\n"))
    }

    /// samples/probe-kill-loop: eight lifetimes of 30-31 s (README), 14:02:47 to 14:21:38.
    @Test func lifetimesAndSpan() throws {
        let text = try run(["--color", "never", "samples/probe-kill-loop"]).text
        #expect(text.contains("keeps restarting: 8 lifetimes of 30s–31s, "))
        #expect(text.contains("    when:        2026-11-26 14:02:47–14:21:38 UTC, 18m51s\n"))
    }

    /// A span that crosses midnight names the end's date too: `2024-12-31 23:59:55–00:00:05`
    /// read as ten seconds on one day running backwards (a trial's New Year input). The record is
    /// kustomize-controller's `Reconciliation failed after ...` (FLUX-LOGS.md 3.1), twice.
    @Test func aSpanAcrossMidnightNamesBothDays() throws {
        func line(_ ts: String) -> String {
            #"{"level":"error","ts":"\#(ts)","msg":"Reconciliation failed after 3m35.317406763s, next try in 5m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"5edd4a48-c4f4-4c6b-8c25-bedd346af378","error":"failed to download archive: connection refused"}"#
        }
        let input = line("2024-12-31T23:59:55.000Z") + "\n" + line("2025-01-01T00:00:05.000Z") + "\n"
        let text = try run(["--color", "never", "-"], stdin: Data(input.utf8)).text
        #expect(text.contains("    when:        2024-12-31 23:59:55–2025-01-01 00:00:05 UTC, 10s\n"), "\(text)")
    }

    /// `--help` shows the default window as Flux would print it.
    @Test func helpDefaultWindow() throws {
        let text = try run(["scan", "--help"]).text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("default: 15m0s"))
    }
}
