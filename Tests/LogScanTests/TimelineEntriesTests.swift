import Foundation
import SystemPackage
import Testing
@testable import LogScan

/// `Timeline.Entries`, the compact store of a timeline's entries: what goes in comes out, in
/// order, whatever the values (out-of-order times, lines going back, another file, counts and
/// spans, the extremes of each field), and the readers that skip blocks (`within`, `Recovery`)
/// answer as a plain scan of every entry does.
@Suite struct TimelineEntriesTests {
    typealias Entry = Timeline.Entry

    static func fields(_ e: Entry) -> [Int64] { [e.first, e.last, Int64(e.count), Int64(e.file), Int64(e.line)] }

    /// 2026-03-02T00:00:00Z in milliseconds (date -u -d 2026-03-02 +%s: 1772409600).
    static let base: Int64 = 1_772_409_600_000

    /// A stream of entries with every kind of step between neighbours, more than a few blocks long.
    static func mixed(_ n: Int) -> [Entry] {
        var out: [Entry] = []
        var generator = SystemRandomNumberGenerator()
        var first = base, line: Int32 = 1
        for i in 0..<n {
            switch i % 7 {
            case 0: first += 600_000                                   // a reconciliation interval later
            case 1: first -= Int64.random(in: 0...90_000, using: &generator)   // out of order
            case 2: first += Int64.random(in: 0...3_000_000_000, using: &generator)
            default: first += Int64.random(in: 0...150_000, using: &generator)
            }
            line = i % 11 == 3 ? 1 : line + Int32.random(in: 1...100_000, using: &generator)
            let span = i % 3 == 0 ? 0 : Int64.random(in: 0...150_000, using: &generator)
            let count: Int32 = i % 5 == 0 ? 1 : Int32.random(in: 1...1_000_000, using: &generator)
            let file = Int32(i % 13 == 0 ? i % 4 : 0)
            out.append(Entry(first: first, last: first + span, count: count, file: file, line: line))
        }
        return out
    }

    @Test(arguments: [0, 1, 15, 16, 17, 32, 33, 1_000])
    func entriesComeBackAsTheyWentIn(count: Int) {
        let entries = Self.mixed(count)
        let stored = Timeline.Entries(entries)
        #expect(stored.count == count)
        #expect(stored.isEmpty == entries.isEmpty)
        #expect(Array(stored).map(Self.fields) == entries.map(Self.fields))
        #expect(stored.first.map(Self.fields) == entries.first.map(Self.fields))
        #expect(stored.last.map(Self.fields) == entries.last.map(Self.fields))
        #expect(stored.reach == (entries.map(\.last).max() ?? .min))
    }

    /// The extremes of every field survive the deltas (zigzag of a wrapping difference).
    @Test func extremeValuesComeBack() {
        let entries = [
            Entry(first: .min, last: .max, count: .max, file: .max, line: .min),
            Entry(first: .max, last: .max, count: .min, file: 0, line: .max),
            Entry(first: 0, last: 0, count: 0, file: -1, line: 0),
            Entry(first: -5, last: 7, count: 1, file: .min, line: -1),
        ] + Self.mixed(40)
        #expect(Array(Timeline.Entries(entries)).map(Self.fields) == entries.map(Self.fields))
    }

    /// The store changes the newest entry of its bucket in place: also right after a block froze,
    /// and after it went to disk (`TimelineSpill`, a segment per block).
    @Test(arguments: [false, true])
    func theLastEntryChangesInPlace(spilled: Bool) {
        var stored = Timeline.Entries(spill: spilled ? TimelineSpill(segmentBytes: 16) : nil)
        var plain: [Entry] = []
        for (i, e) in Self.mixed(100).enumerated() {
            stored.append(e); plain.append(e)
            if i % 2 == 0 {
                var changed = e
                changed.count += 3
                changed.last += 1_000
                stored.replaceLast(changed); plain[plain.count - 1] = changed
            }
        }
        #expect(Array(stored).map(Self.fields) == plain.map(Self.fields))
        #expect(stored.reach == plain.map(\.last).max())
    }

    @Test func removeAllKeepsTheOthersInOrder() {
        let entries = Self.mixed(200)
        let cut = entries[120].first
        var stored = Timeline.Entries(entries)
        let dropped = stored.removeAll { $0.last < cut }
        let kept = entries.filter { !($0.last < cut) }
        #expect(dropped == entries.count - kept.count)
        #expect(Array(stored).map(Self.fields) == kept.map(Self.fields))
        #expect(stored.removeAll { _ in false } == 0)
    }

    /// `within` over blocks it may skip equals the sum over every entry that overlaps the window.
    @Test func withinAnswersAsAScanOfEveryEntry() {
        let sorted = Self.mixed(500).sorted { $0.first < $1.first }
        let timeline = Timeline(signature: "kustomization-reconciliation-finished", severity: .info, role: .healthy,
                                failureClass: "healthy", controller: "kustomize-controller", object: nil, captures: [:],
                                example: nil, entries: sorted, files: ["a.log", "b.log", "c.log", "d.log"])
        let lo = sorted.first!.first, hi = sorted.map(\.last).max()!
        for k in 0..<60 {
            let from = lo + (hi - lo) * Int64(k) / 60, to = from + Int64(k % 5) * 900_000
            let overlapping = sorted.filter { $0.first <= to && $0.last >= from }
            let got = timeline.within(from: from, to: to)
            #expect(got?.count == (overlapping.isEmpty ? nil : overlapping.reduce(0) { $0 + Int($1.count) }))
            #expect(got?.last == overlapping.map(\.last).max())
            #expect(got?.first.first == overlapping.map(\.first).min())
        }
    }

    /// `forEach(reaching:)` leaves out only entries that end before the time.
    @Test func skippedBlocksEndBeforeTheTime() {
        let entries = Self.mixed(300)
        let stored = Timeline.Entries(entries)
        for e in entries.enumerated() where e.offset % 17 == 0 {
            let time = e.element.last
            var given: [Entry] = []
            stored.forEach(reaching: time) { given.append($0); return true }
            let left = entries.count - given.count
            #expect(entries.prefix(left).allSatisfy { $0.last < time })
            #expect(given.map(Self.fields) == entries.suffix(given.count).map(Self.fields))
        }
    }

    /// `dropCopies`: an entry of another file with the same first and newest time and count is a
    /// copy of the same records (kubectl's output next to the kubelet's file) and goes; the
    /// first of each such group in order stays. Entries of one file, or that differ in their
    /// newest time or count, are distinct records and stay.
    @Test func copiesFromAnotherFileGoAndDistinctEntriesStay() {
        let t = TimelineEntriesTests.base
        var entries: [Timeline.Entry] = [
            Timeline.Entry(first: t, last: t, count: 1, file: 0, line: 3),
            Timeline.Entry(first: t, last: t, count: 1, file: 1, line: 7),            // copy of the first
            Timeline.Entry(first: t, last: t, count: 1, file: 0, line: 4),            // same file: a record of its own
            Timeline.Entry(first: t, last: t + 60_000, count: 2, file: 1, line: 9),   // another span
            Timeline.Entry(first: t + 1, last: t + 1, count: 1, file: 2, line: 1),
            Timeline.Entry(first: t + 1, last: t + 1, count: 2, file: 0, line: 5),    // another count
            Timeline.Entry(first: t + 600_000, last: t + 650_000, count: 3, file: 0, line: 8),
            Timeline.Entry(first: t + 600_000, last: t + 650_000, count: 3, file: 2, line: 2),  // copy
            Timeline.Entry(first: t + 600_000, last: t + 650_000, count: 3, file: 1, line: 11), // copy
        ]
        let removed = Timeline.Entries.dropCopies(&entries)
        #expect(removed == 3)
        let kept: [[Int64]] = entries.map { [$0.first - t, Int64($0.file), Int64($0.line)] }
        let expected: [[Int64]] = [[0, 0, 3], [0, 0, 4], [0, 1, 9], [1, 2, 1], [1, 0, 5], [600_000, 0, 8]]
        #expect(kept == expected)
    }
}

/// Which timelines keep entries: a lifecycle signal no hypothesis reads keeps its timeline but
/// no entries (nothing reads them at the end); healthy signals and those a hypothesis reads do.
@Suite struct KeptEntriesTests {
    /// helm-controller's "release out-of-sync with desired state" (Patterns/signatures/helm.yaml's
    /// example of `helm-release-state`, a lifecycle signal no hypothesis names; an action's start,
    /// `helm-running-action`, keeps its entries for `ActionStart`) and a Kustomization applied and
    /// reconciled (FLUX-LOGS.md 1.2, `TransientTests.applied`).
    @Test func unreadLifecycleSignalsKeepNoEntries() throws {
        let patterns = TransientTests.patterns
        let running = #"{"level":"info","ts":"2025-03-04T11:05:00.002Z","msg":"release out-of-sync with desired state: release config values changed","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"podinfo","namespace":"podinfo"},"namespace":"podinfo","name":"podinfo","reconcileID":"4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d"}"#
        let lines = [running] + TransientTests().applied("2025-03-04T11:06:00.000Z", "apps")
        let scanner = LogScanner(patterns: patterns)
        let (fd, path) = try tempFile(Array((lines.joined(separator: "\n") + "\n").utf8))
        defer { try? fd.close(); unlink(path) }
        scanner.scan(fd: fd, name: "controllers.log", fileName: "controllers.log")
        let timelines = scanner.result.timelines
        #expect(!patterns.evidenceSignals.contains("helm-release-state"))
        #expect(patterns.evidenceSignals.contains("kustomization-applied"))
        let running1 = try #require(timelines.first { $0.signature == "helm-release-state" })
        #expect(running1.entries.isEmpty)
        #expect(running1.captures["state"] == "out-of-sync with desired state")
        let applied = try #require(timelines.first { $0.signature == "kustomization-applied" })
        #expect(applied.entries.count == 1)
        let finished = try #require(timelines.first { $0.signature == "kustomization-reconciliation-finished" })
        #expect(Array(finished.entries).map(\.line) == [3])
        #expect(scanner.result.stats.events == 3)
    }
}
