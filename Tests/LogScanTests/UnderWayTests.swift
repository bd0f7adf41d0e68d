import Testing
@testable import LogScan

/// `UnderWay.of`: the failure records before `--since` belong to an incident only when the same
/// failure went on into the window: the last of them within the failure gap of the incident's
/// first event (the gap that would have kept them in one incident, `Correlator.failureGap`).
@Suite struct UnderWayTests {
    let apps = ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "apps")
    let infra = ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "infrastructure")
    let minute: Int64 = 60_000

    @Test func recordsOfTheIncidentsObjectsAreSummed() throws {
        let first = Timestamp(millis: 100 * minute)
        let failing: [ObjectRef?: (first: Int64, last: Int64, count: Int)] = [
            apps: (first: 80 * minute, last: 99 * minute, count: 30),
            infra: (first: 85 * minute, last: 98 * minute, count: 12),
            nil: (first: 70 * minute, last: 99 * minute, count: 5),
        ]
        let u = try #require(UnderWay.of(objects: [apps, infra], firstSeen: first, gapMillis: 5 * minute, failing: failing))
        #expect(u == UnderWay(first: Timestamp(millis: 80 * minute), last: Timestamp(millis: 99 * minute), count: 42))
        // Only apps.
        #expect(UnderWay.of(objects: [apps], firstSeen: first, gapMillis: 5 * minute, failing: failing)?.count == 30)
    }

    @Test func aFailureThatStoppedMoreThanAGapBeforeIsAnotherOne() {
        let failing: [ObjectRef?: (first: Int64, last: Int64, count: Int)] = [apps: (first: 10 * minute, last: 20 * minute, count: 7)]
        // 30 minutes between the last record before --since and the incident's first: with a
        // 5-minute window they are two incidents, and this one did not go on from those records.
        #expect(UnderWay.of(objects: [apps], firstSeen: Timestamp(millis: 50 * minute), gapMillis: 5 * minute, failing: failing) == nil)
        #expect(UnderWay.of(objects: [apps], firstSeen: Timestamp(millis: 25 * minute), gapMillis: 5 * minute, failing: failing)?.count == 7)
        #expect(UnderWay.of(objects: [infra], firstSeen: Timestamp(millis: 21 * minute), gapMillis: 5 * minute, failing: failing) == nil)
    }
}
