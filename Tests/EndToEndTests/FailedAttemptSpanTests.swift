import Foundation
import Testing

/// A trial (defect 01 of trial 20): one kustomize-controller record at 10:14:00,
/// `Reconciliation failed after 3m35.3s` with the refused download of FLUX-LOGS.md 3.2 (ten
/// attempts, 215 s of backoff: the downloads failed from 10:10:24 on, the report's `began:`),
/// while source-controller logs `no changes since last reconciliation` every 5 minutes. Whether
/// source-controller logged while the downloads failed is read over the failed attempts, from
/// 10:10:24 to 10:14:00, not over the record's minute alone: a healthy line at 10:12:00 is not
/// silence, and the NetworkPolicy ranks first wherever in the attempts the line falls.
@Suite struct FailedAttemptSpanTests {
    static let grContext = #""controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository","GitRepository":{"name":"flux-system","namespace":"flux-system"},"namespace":"flux-system","name":"flux-system","reconcileID":"5edd4a48-c4f4-4c6b-8c25-bedd346af378""#
    static let ksContext = #""controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"6edd4a48-c4f4-4c6b-8c25-bedd346af378""#
    static let url = "http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/0123456789abcdef0123456789abcdef01234567.tar.gz"
    /// The one failure record: its attempts ran from 10:10:24 (10:14:00 − 3m35.3s) to 10:14:00.
    static var kustomize: String {
        #"{"level":"error","ts":"2026-11-24T10:14:00.000Z","msg":"Reconciliation failed after 3m35.3s, next try in 10m0s",\#(ksContext),"revision":"main@sha1:0123456789abcdef0123456789abcdef01234567","error":"failed to download archive: GET \#(url) giving up after 10 attempt(s): Get \"\#(url)\": dial tcp 10.43.89.232:80: connect: connection refused"}"#
    }
    static func noChanges(at clock: String) -> String {
        #"{"level":"info","ts":"2026-11-24T\#(clock).000Z","msg":"no changes since last reconciliation: observed revision 'main@sha1:0123456789abcdef0123456789abcdef01234567'",\#(grContext)}"#
    }
    static let reason = "source-controller wrote nothing while the downloads failed"
    static let kept = "source-controller kept reconciling and storing artifacts while the downloads failed"

    /// The text report and the JSON of the trial's input, source-controller logging at `clocks`.
    static func report(sourceAt clocks: [String]) throws -> (text: String, hypotheses: [[String: Any]]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("attempt-span-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("source-controller.log"), kustomize = dir.appendingPathComponent("kustomize-controller.log")
        try (clocks.map(noChanges).joined(separator: "\n") + "\n").write(to: source, atomically: false, encoding: .utf8)
        try (Self.kustomize + "\n").write(to: kustomize, atomically: false, encoding: .utf8)
        let text = try run(["--color", "never", source.path, kustomize.path]).text
        let r = try run(["--format", "json", source.path, kustomize.path])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        return (text, try #require(incidents.first?["hypotheses"] as? [[String: Any]]))
    }

    static func lines(_ h: [String: Any]) -> [String] {
        (h["evidence_for"] as? [String] ?? []) + (h["evidence_against"] as? [String] ?? [])
    }

    /// The trial's two placements of source-controller's 10:12 line: inside the failed attempts
    /// (10:12:00) and on the failure record's minute (10:14:00). In both source-controller logged
    /// while the downloads failed, so `source-controller-silent` does not hold and the
    /// NetworkPolicy ranks above source-controller-unavailable.
    @Test(arguments: ["10:12:00", "10:14:00"])
    func aHealthyLineInsideTheFailedAttemptsIsNotSilence(_ third: String) throws {
        let r = try Self.report(sourceAt: ["10:02:00", "10:07:00", third, "10:17:00"])
        #expect(r.text.contains("began:       10:10:24 UTC, the first failed attempt (kustomization-reconciliation-failed after 3m35.3s at 10:14:00)"), "\(r.text)")
        let ids = r.hypotheses.compactMap { $0["id"] as? String }
        #expect(ids.first == "networkpolicy-blocks-artifact-port", "\(ids)")
        #expect(ids.contains("source-controller-unavailable"))
        #expect(!r.hypotheses.flatMap(Self.lines).contains { $0.hasPrefix(Self.reason) }, "\(r.hypotheses)")
    }

    /// The line on the failure record's minute (10:14:00) is the state going on to the end of the
    /// attempts: "kept reconciling" holds for the NetworkPolicy and against source-controller-unavailable.
    @Test func aHealthyLineAtTheFailureKeepsSourceControllerUp() throws {
        let r = try Self.report(sourceAt: ["10:02:00", "10:07:00", "10:14:00", "10:17:00"])
        let np = try #require(r.hypotheses.first { $0["id"] as? String == "networkpolicy-blocks-artifact-port" })
        #expect((np["evidence_for"] as? [String] ?? []).contains { $0.hasPrefix(Self.kept) }, "\(np)")
    }

    /// The same record with source-controller quiet from 10:07 to 10:17 (its 10:12 line missing):
    /// it wrote nothing in the minutes of the failed attempts (10:10 to 10:14), which still reads as
    /// `source-controller-silent`, for source-controller-unavailable and against the NetworkPolicy.
    @Test func aSourceControllerQuietThroughTheAttemptsIsSilent() throws {
        let r = try Self.report(sourceAt: ["10:02:00", "10:07:00", "10:17:00"])
        let unavailable = try #require(r.hypotheses.first { $0["id"] as? String == "source-controller-unavailable" })
        #expect((unavailable["evidence_for"] as? [String] ?? []).contains { $0.hasPrefix(Self.reason) }, "\(unavailable)")
        #expect(r.hypotheses.first?["id"] as? String == "source-controller-unavailable", "\(r.hypotheses.compactMap { $0["id"] })")
    }

    /// A line before the first attempt (10:09:00, 84 s before 10:10:24) is not inside the
    /// failures: source-controller is still silent over them.
    @Test func aLineBeforeTheFirstAttemptIsNotInside() throws {
        let r = try Self.report(sourceAt: ["10:04:00", "10:09:00", "10:19:00"])
        let unavailable = try #require(r.hypotheses.first { $0["id"] as? String == "source-controller-unavailable" })
        #expect((unavailable["evidence_for"] as? [String] ?? []).contains { $0.hasPrefix(Self.reason) }, "\(unavailable)")
    }
}
