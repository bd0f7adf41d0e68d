import Foundation
import Testing

/// Issue "Throughput": records whose only hits are healthy or lifecycle signatures are read in
/// place (LogScan `StreamState.quick`), without building the record or its events. That must
/// change no byte of any report: each sample, as its files and as one time-ordered stream, gives
/// the same JSON report with the prefilter (which chooses the records read in place) as with
/// `--no-prefilter` (every record decoded in full and tried against every signature).
@Suite struct InPlaceTests {
    @Test(arguments: try Sample.all())
    func readingInPlaceChangesNoReport(sample: Sample) throws {
        let stream = try ClosingTests.merged(sample)
        defer { try? FileManager.default.removeItem(at: stream) }
        for inputs in [sample.logs, [stream.path]] {
            // The report, and matching only (`--counts`: records read in place are counted
            // without building their events).
            for mode in [["--format", "json"], ["--counts"]] {
                let args = mode + [ClosingTests.now] + inputs
                let fast = try run(args)
                let full = try run(["--no-prefilter"] + args)
                #expect(fast.status == full.status, "\(mode)")
                #expect(fast.stdout == full.stdout, "\(mode)")
                #expect(fast.stderr == full.stderr, "\(mode)")
            }
        }
    }

    /// Many inputs read one after another by one worker (`--jobs 1`): each input has an event
    /// store of its own, and what was learned of one store's objects must not be used in the
    /// next (object ids cached across inputs once crashed the merge of all samples at once).
    @Test func manyInputsOnOneWorker() throws {
        let logs = try Sample.all().flatMap(\.logs)
        let args = ["--format", "json", ClosingTests.now, "--jobs", "1"] + logs
        let fast = try run(args)
        let full = try run(["--no-prefilter"] + args)
        #expect(fast.status == 1)
        #expect(fast.stdout == full.stdout)
    }

    /// The comparison above means something only if records are read in place: the debug line
    /// counts them (`FLUX_LOGSCAN_DEBUG`). `unknown-errors` is mostly healthy traffic around a
    /// few unknown errors; across all samples, some of each sample's streams are read in place.
    @Test func samplesAreReadInPlace() throws {
        let samples = try Sample.all()
        let mostly = try #require(samples.first { $0.name == "unknown-errors" })
        let args = ["--format", "json", ClosingTests.now, "--jobs", "1"] + mostly.logs
        let inPlace = try ClosingTests.debugCount(args, "records read in place")
        let decoded = try ClosingTests.debugCount(args, "decoded")
        #expect(inPlace > 2 * decoded, "\(inPlace) read in place, \(decoded) decoded")
        var some = 0
        for sample in samples where try ClosingTests.debugCount(["--format", "json", ClosingTests.now] + sample.logs, "records read in place") > 0 {
            some += 1
        }
        #expect(some * 2 > samples.count, "\(some) of \(samples.count) samples have records read in place")
    }

    /// A record whose line holds a read-in-place signature's literal but that no signature hits
    /// is read in place as well (a record with no event), unless its line holds a word of
    /// `ErrorRule` (`failed`, …): such a record may be an unknown error to mine, and is decoded.
    /// Shipped signatures hit the real lines below, so a pattern folder overrides two of them
    /// (by id) with regexes these lines do not match: `kustomization-reconciliation-finished`
    /// (healthy, FLUX-LOGS.md 1.4: `Reconciliation finished in 2.117s, next run in 10m0s`) and
    /// `helm-release-failed-state` (helm-controller's `release is in a failed state`, an info
    /// record that mining reads for its `failed`).
    @Test func candidateNoSignatureHitsIsReadInPlaceUnlessItMayBeAnUnknownError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flux-logscan-nohit-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let patterns = dir.appendingPathComponent("patterns")
        try FileManager.default.createDirectory(at: patterns, withIntermediateDirectories: true)
        try """
        version: 1
        signatures:
          - id: kustomization-reconciliation-finished
            title: Kustomization reconciliation finished
            controllers: [kustomize-controller]
            severity: info
            healthy: true
            class: reconcile
            field: message
            caseless: true
            literal: 'finished in'
            regex: 'reconciliation finished in (?<duration>\\d[\\d.hmnsuµ]*+) after all'
          - id: helm-release-failed-state
            title: HelmRelease in a failed state
            controllers: [helm-controller]
            severity: warning
            class: helm-release
            literal: 'release is in a failed state'
            regex: 'release is in a failed state since forever'
        """.write(to: patterns.appendingPathComponent("override.yaml"), atomically: true, encoding: .utf8)
        let ctx = #""controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps""#
        var lines: [String] = []
        for (i, id) in ["3f1c2a9e-5b7d-4c1e-9a2f-6d8e0b1c2d3e", "4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d", "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a"].enumerated() {
            lines.append(#"{"level":"info","ts":"2025-03-04T10:\#(15 + 10 * i):02.118Z","msg":"Reconciliation finished in 2.117s, next run in 10m0s",\#(ctx),"reconcileID":"\#(id)","revision":"main@sha1:0123456789abcdef0123456789abcdef01234567"}"#)
        }
        let kustomize = dir.appendingPathComponent("kustomize-controller.log")
        try (lines.joined(separator: "\n") + "\n").write(to: kustomize, atomically: true, encoding: .utf8)
        let helm = dir.appendingPathComponent("helm-controller.log")
        try (#"{"level":"info","ts":"2025-03-04T11:55:00.000Z","msg":"release is in a failed state","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"podinfo","namespace":"podinfo"},"namespace":"podinfo","name":"podinfo","reconcileID":"4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d"}"# + "\n")
            .write(to: helm, atomically: true, encoding: .utf8)

        for inputs in [[kustomize.path], [helm.path], [kustomize.path, helm.path]] {
            for mode in [["--format", "json"], ["--counts"]] {
                let args = mode + ["--patterns", patterns.path, ClosingTests.now, "--jobs", "1"] + inputs
                let fast = try run(args)
                let full = try run(["--no-prefilter"] + args)
                #expect(fast.status == full.status, "\(mode) \(inputs)")
                #expect(fast.stdout == full.stdout, "\(mode) \(inputs)")
                #expect(fast.stderr == full.stderr, "\(mode) \(inputs)")
            }
        }
        // No signature hits any of the four lines (the overrides took).
        let counts = try run(["--counts", "--patterns", patterns.path, kustomize.path, helm.path]).text
        #expect(!counts.split(separator: "\n").contains { !$0.hasSuffix("\t0") && $0.contains("\t") }, "\(counts)")
        // The three finish lines are read in place; the helm line, with `failed`, is decoded and
        // mined: an unknown error of helm-controller in the report.
        let args = ["--format", "json", "--patterns", patterns.path, ClosingTests.now, "--jobs", "1"]
        #expect(try ClosingTests.debugCount(args + [kustomize.path], "records read in place") == 3)
        #expect(try ClosingTests.debugCount(args + [kustomize.path], "decoded") == 0)
        #expect(try ClosingTests.debugCount(args + [helm.path], "records read in place") == 0)
        #expect(try ClosingTests.debugCount(args + [helm.path], "decoded") == 1)
        let report = try run(args + [helm.path]).text
        #expect(report.contains("release is in a failed state"), "\(report)")
    }
}
