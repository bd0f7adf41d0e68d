import Foundation
import Testing

/// helm-controller up to v0.36 logs `reconcilation finished in %s, next run in %s` at the end of
/// every reconcile, failed or not: `Reconcile` logs it after `r.reconcile` returns, whatever its
/// error (controllers/helmrelease_controller.go; FLUX-LOGS.md 3.1, 7). A HelmRelease whose
/// HelmChart was not ready on every reconcile (v0.31's info record `HelmChart '%s/%s' is not
/// ready`, then the finished line of the same reconcile 4 ms later) was reported `resolved`
/// ("recovered 4ms after the last failure", a trial). `ends_failed_reconciles` (docs/PATTERNS.md).
@Suite struct HelmFinishedLineTests {
    /// One reconcile of HelmRelease podinfo/podinfo at `ts` (HH:MM:SS.mmm): the wait, then 4 ms
    /// later the line that ends the reconcile, both with the reconcile's id.
    static func failedReconcile(_ ts: String, _ id: String) -> [String] {
        let ctx = #""controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"podinfo","namespace":"podinfo"},"namespace":"podinfo","name":"podinfo","reconcileID":"\#(id)""#
        let ms = Int(ts.suffix(3))! + 4
        let finished = ts.dropLast(3) + String(format: "%03d", ms)
        return [
            #"{"level":"info","ts":"2023-03-09T\#(ts)Z","msg":"HelmChart 'flux-system/podinfo-podinfo' is not ready",\#(ctx)}"#,
            #"{"level":"info","ts":"2023-03-09T\#(finished)Z","msg":"reconcilation finished in 4.1ms, next run in 5m0s",\#(ctx)}"#,
        ]
    }
    static let failing = failedReconcile("11:00:03.000", "6513270e-269e-4d37-b2a7-4de452e6b438")
        + failedReconcile("11:05:03.549", "0ed90475-9531-485d-9d9d-c9f81818e811")
        + failedReconcile("11:10:04.102", "1012f037-b64c-4422-8c38-fb2918f135d2")
        + failedReconcile("11:15:04.650", "34b9b5df-9e77-49b1-8f42-05b4907a70c3")

    func incident(_ lines: [String]) throws -> [String: Any] {
        let dir = try scratch("helm-finished")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("helm-controller.log")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let incidents = try #require(try json(try run(["--format", "json", file.path]).stdout)["incidents"] as? [[String: Any]])
        return try #require(incidents.first { ($0["objects"] as? [String])?.contains("HelmRelease/podinfo/podinfo") == true })
    }

    @Test func theLineThatEndsAFailedReconcileIsNoRecovery() throws {
        let i = try incident(Self.failing)
        #expect(i["status"] as? String == "open")
        #expect(i["recovery"] is NSNull || i["recovery"] == nil)
    }

    /// A reconcile with no failure (the chart ready again) five minutes later resolves it, at
    /// that line.
    @Test func aReconcileWithoutFailureStillResolves() throws {
        let ok = #"{"level":"info","ts":"2023-03-09T11:20:05.201Z","msg":"reconcilation finished in 1.042861319s, next run in 5m0s","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"podinfo","namespace":"podinfo"},"namespace":"podinfo","name":"podinfo","reconcileID":"204fabd9-977b-4be7-8574-4c557b58a4c5"}"#
        let i = try incident(Self.failing + [ok])
        #expect(i["status"] as? String == "resolved")
        let recovery = try #require(i["recovery"] as? [String: Any])
        #expect(recovery["time"] as? String == "2023-03-09T11:20:05.201Z")
        #expect(recovery["line"] as? Int == 9)
    }
}
