import Foundation
import Testing
@testable import LogScan

/// When a resolved incident recovered (`Recovery`): the first healthy event after its last
/// failure, with its place, even when a healthy event of the same object came earlier in the
/// same bucket of event time (the store starts a new timeline entry after a failure). Lines are
/// FLUX-LOGS.md's formats, built by `TransientTests` (1.2 records, 1.4 retryablehttp's refusal).
@Suite struct RecoveryTests {
    let lines = TransientTests()

    /// apps applies at 00:00:00, is refused at 00:01:00 and 00:02:00, and applies again at
    /// 00:02:30.500: all in one 7m30s bucket. The recovery is the 00:02:30.500 reconciliation,
    /// line 6 of the file (`Reconciliation finished`: the apply line before it, line 5, comes
    /// before the health checks and proves nothing, FLUX-LOGS.md 1.4).
    @Test func firstHealthyEventAfterTheLastFailureInTheSameBucket() throws {
        let input = lines.applied("2026-03-02T00:00:00.000Z", "apps")
            + [lines.refused("2026-03-02T00:01:00.000Z", "apps"), lines.refused("2026-03-02T00:02:00.000Z", "apps")]
            + lines.applied("2026-03-02T00:02:30.500Z", "apps")
        let found = try TransientTests.incidents([("kustomize-controller.log", input)])
        #expect(found.count == 1)
        let incident = try #require(found.first)
        #expect(incident.status == .resolved)
        let r = try #require(incident.recovery)
        #expect(r.time == Timestamp.parse("2026-03-02T00:02:30.500Z"))
        #expect(r.exact)
        #expect(r.object == ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "apps"))
        #expect(r.signature == "kustomization-reconciliation-finished")
        #expect(r.controller == "kustomize-controller")
        #expect(r.location == SourceLocation(file: "kustomize-controller.log", line: 6))
    }

    /// Two affected Kustomizations: the incident recovered when the later of the two did.
    @Test func theObjectHealthyAgainLastGivesTheRecovery() throws {
        let input = [lines.refused("2026-03-02T00:01:00.000Z", "apps"), lines.refused("2026-03-02T00:01:00.700Z", "infra-configs")]
            + lines.applied("2026-03-02T00:01:06.000Z", "infra-configs") + lines.applied("2026-03-02T00:01:09.000Z", "apps")
        let found = try TransientTests.incidents([("kustomize-controller.log", input)])
        let r = try #require(found.first?.recovery)
        #expect(r.object.name == "apps")
        #expect(r.time == Timestamp.parse("2026-03-02T00:01:09.000Z"))
        #expect(r.location?.line == 6)
    }

    /// Still failing at the end of the input: open, no recovery.
    @Test func anOpenIncidentHasNoRecovery() throws {
        let input = lines.applied("2026-03-02T00:00:00.000Z", "apps") + [lines.refused("2026-03-02T00:01:00.000Z", "apps")]
        let found = try TransientTests.incidents([("kustomize-controller.log", input)])
        #expect(found.first?.status == .open)
        #expect(found.first?.recovery == nil)
    }

    func timeline(_ signature: String, _ entries: [(Int64, Int64, Int32)]) -> Timeline {
        Timeline(signature: signature, severity: .info, role: .healthy, failureClass: "healthy", controller: "kustomize-controller",
                 object: ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "apps"), captures: [:], example: nil,
                 entries: entries.map { Timeline.Entry(first: $0.0, last: $0.1, count: 2, file: 0, line: $0.2) }, files: ["k.log"])
    }

    /// An entry that began before the last failure (another object's) and ends after it only
    /// bounds the recovery: "by" its newest time, with no place; an exact entry of another
    /// signature after that bound does not make it exact, one before it gives the time.
    @Test func anEntrySpanningTheLastFailureOnlyBoundsTheRecovery() throws {
        let object = ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "apps")
        let spanning = timeline("kustomization-applied", [(1_000, 5_000, 10)])
        let alone = try #require(Recovery.first(after: 2_000, of: object, in: [spanning]))
        #expect(alone.time.millis == 5_000)
        #expect(!alone.exact)
        #expect(alone.location == nil)
        let later = timeline("kustomization-reconciliation-finished", [(6_000, 6_000, 20)])
        #expect(Recovery.first(after: 2_000, of: object, in: [spanning, later])?.time.millis == 5_000)
        let earlier = timeline("kustomization-reconciliation-finished", [(3_000, 3_000, 30)])
        let both = try #require(Recovery.first(after: 2_000, of: object, in: [earlier, spanning]))
        #expect(both.time.millis == 3_000)
        #expect(!both.exact)
        #expect(both.location == SourceLocation(file: "k.log", line: 30))
        #expect(Recovery.first(after: 2_000, of: object, in: [later])?.exact == true)
        #expect(Recovery.first(after: 7_000, of: object, in: [spanning, later]) == nil)
    }
}
