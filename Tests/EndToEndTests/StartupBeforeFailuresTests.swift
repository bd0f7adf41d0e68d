import Foundation
import Testing

/// A source-controller that started minutes before the artifact downloads failed and reconciled
/// every minute since is not why they failed (a trial). The input: samples/networkpolicy-9090
/// (refused downloads 02:41:12–03:05:29 while source-controller logs `no changes since last
/// reconciliation` from 02:40:25 on, its README: a NetworkPolicy) with source-controller's
/// start-up in front of its log, as `kubectl logs` of a young pod shows it: the 24 start-up lines
/// of samples/source-controller-restart (`starting manager` ... `Successfully acquired lease` ...
/// `Starting workers`, all at 02:40:31) moved to 02:36:12, 5 minutes before the first failure.
@Suite struct StartupBeforeFailuresTests {
    static func inputs(startupAt time: String) throws -> [String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("startup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let root = packageRoot.appendingPathComponent("samples")
        let startup = try String(contentsOf: root.appendingPathComponent("source-controller-restart/source-controller.log"), encoding: .utf8)
            .split(separator: "\n").prefix(24).map { $0.replacingOccurrences(of: "\"ts\":\"2026-11-24T02:40:31.", with: "\"ts\":\"2026-11-24T\(time).") }
        #expect(startup.first?.contains("\"msg\":\"starting manager\"") == true)
        #expect(startup.allSatisfy { $0.contains("\"ts\":\"2026-11-24T\(time).") })
        // The sample's own lines from the start on (a pod's log begins at its start-up).
        let healthy = try String(contentsOf: root.appendingPathComponent("networkpolicy-9090/source-controller.log"), encoding: .utf8)
            .split(separator: "\n").filter { line in
                guard let r = line.range(of: "\"ts\":\"2026-11-24T") else { return false }
                return line[r.upperBound...].prefix(8) >= Substring(time)
            }
        let source = dir.appendingPathComponent("source-controller.log")
        try ((startup + healthy.map(String.init)).joined(separator: "\n") + "\n").write(to: source, atomically: false, encoding: .utf8)
        return [root.appendingPathComponent("networkpolicy-9090/kustomize-controller.log").path, source.path]
    }

    static func first(_ inputs: [String]) throws -> (id: String, against: [String], all: [[String: Any]]) {
        let r = try run(["--format", "json"] + inputs)
        let incident = try #require((try json(r.stdout)["incidents"] as? [[String: Any]])?.first)
        let hypotheses = try #require(incident["hypotheses"] as? [[String: Any]])
        return (hypotheses[0]["id"] as? String ?? "", hypotheses[0]["evidence_against"] as? [String] ?? [], hypotheses)
    }

    @Test func aStartUpFollowedByHealthyReconciliationsIsNoEvidence() throws {
        let found = try Self.first(try Self.inputs(startupAt: "02:36:12"))
        #expect(found.id == "networkpolicy-blocks-artifact-port")
        #expect(!found.against.contains { $0.contains("(re)started during the failures") }, "\(found.against)")
    }

    /// The same start-up at 02:41:00 (the pod's log from there on: its 02:40:25 record left out),
    /// after which source-controller's first healthy record (02:41:28) comes after the first
    /// failure (02:41:12): it was still starting when they began, and the start counts against
    /// the NetworkPolicy as before.
    @Test func aStartUpThatTheFailuresCaughtStillCounts() throws {
        let found = try Self.first(try Self.inputs(startupAt: "02:41:00"))
        let np = try #require(found.all.first { $0["id"] as? String == "networkpolicy-blocks-artifact-port" })
        #expect((np["evidence_against"] as? [String] ?? []).contains { $0.contains("(re)started during the failures") }, "\(np)")
    }
}
