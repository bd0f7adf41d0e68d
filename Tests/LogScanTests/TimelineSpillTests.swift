import Foundation
import Testing
@testable import LogScan

/// `scan` moves timelines' frozen entries to disk (`TimelineSpill`) so that its memory stays flat
/// as input grows (issue "Throughput"). What comes back from disk must be what went in, the
/// readers that skip blocks must skip the same ones, and no report may change by a byte.
@Suite struct TimelineSpillTests {
    typealias Entry = Timeline.Entry
    static let fields = TimelineEntriesTests.fields

    /// A spill that writes a segment as soon as one block (16 entries) is frozen.
    static func smallSpill() -> TimelineSpill { TimelineSpill(segmentBytes: 16) }

    @Test(arguments: [0, 16, 17, 33, 1_000, 5_000])
    func entriesComeBackFromDisk(count: Int) {
        let entries = TimelineEntriesTests.mixed(count)
        let spill = Self.smallSpill()
        let stored = Timeline.Entries(entries, spill: spill)
        let inMemory = Timeline.Entries(entries)
        #expect(stored.count == count)
        #expect(Array(stored).map(Self.fields) == entries.map(Self.fields))
        #expect(stored.first.map(Self.fields) == entries.first.map(Self.fields))
        #expect(stored.last.map(Self.fields) == entries.last.map(Self.fields))
        #expect(stored.reach == (entries.map(\.last).max() ?? .min))
        // Frozen blocks (all but the newest 1 to 16 entries) went to disk.
        #expect((spill.bytesWritten > 0) == (count > 16))
        if count >= 1_000 { #expect(stored.bytesHeld * 4 < inMemory.bytesHeld) }
        #expect(spill.readFailures == 0)
    }

    /// `forEach(reaching:)` over segments on disk leaves out only entries that end before the
    /// time, and gives the others as the entries kept in memory give them.
    @Test func readersSkipTheSameEntriesFromDisk() {
        let entries = TimelineEntriesTests.mixed(700)
        let stored = Timeline.Entries(entries, spill: TimelineSpill(segmentBytes: 200))
        let inMemory = Timeline.Entries(entries)
        for e in entries.enumerated() where e.offset % 13 == 0 {
            var fromDisk: [Entry] = [], fromMemory: [Entry] = []
            stored.forEach(reaching: e.element.last) { fromDisk.append($0); return true }
            inMemory.forEach(reaching: e.element.last) { fromMemory.append($0); return true }
            #expect(fromDisk.map(Self.fields) == fromMemory.map(Self.fields))
            #expect(fromDisk.map(Self.fields) == entries.suffix(fromDisk.count).map(Self.fields))
            // Stopping early stops.
            var seen = 0
            stored.forEach(reaching: e.element.last) { _ in seen += 1; return seen < 3 }
            #expect(seen == min(3, fromDisk.count))
        }
    }

    /// Filtering entries that went to disk keeps the others in order, and the rebuilt entries
    /// go to the same spill.
    @Test func filteringKeepsOrderAndTheSpill() {
        let spill = Self.smallSpill()
        let plain = TimelineEntriesTests.mixed(300)
        var stored = Timeline.Entries(plain, spill: spill)
        #expect(Array(stored).map(Self.fields) == plain.map(Self.fields))
        let cut = plain[150].first
        let written = spill.bytesWritten
        #expect(stored.removeAll { $0.last < cut } == plain.filter { $0.last < cut }.count)
        #expect(Array(stored).map(Self.fields) == plain.filter { !($0.last < cut) }.map(Self.fields))
        #expect(spill.bytesWritten > written)  // the rebuilt entries went to disk too
    }

    /// A `$TMPDIR` where no file can be made: entries stay in memory and come back the same.
    @Test func noFileKeepsEntriesInMemory() {
        let entries = TimelineEntriesTests.mixed(400)
        let spill = TimelineSpill(directory: "/nonexistent-flux-logscan-dir/", segmentBytes: 16)
        let stored = Timeline.Entries(entries, spill: spill)
        #expect(Array(stored).map(Self.fields) == entries.map(Self.fields))
        #expect(spill.bytesWritten == 0)
        #expect(spill.path == nil)
        #expect(spill.readFailures == 0)
    }

    /// Every `*.log` of a sample's folder read by one scanner with a `window` (seconds) and `spill`.
    static func scan(_ sample: String, window: Double, spill: TimelineSpill?) throws -> ScanResult {
        let scanner = LogScanner(patterns: IncidentStreamTests.patterns, windowSeconds: window)
        scanner.timelineSpill = spill
        let dir = IncidentStreamTests.samples.appendingPathComponent(sample)
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where f.hasSuffix(".log") {
            scanner.scan(path: dir.appendingPathComponent(f).path)
        }
        return scanner.result
    }

    /// A segment that cannot be read back (here: the file cut to nothing under the reader) is
    /// left out and counted, and the entries still in memory come back; nothing traps.
    @Test func anUnreadableSegmentIsCountedNotFatal() throws {
        let entries = TimelineEntriesTests.mixed(100)
        let spill = Self.smallSpill()
        let stored = Timeline.Entries(entries, spill: spill)
        let fd = try #require(spill.file?.fd)
        #expect(ftruncate(fd, 0) == 0)
        let back = Array(stored)
        // 100 entries: 6 blocks of 16 went to disk (one segment each), the newest 4 stayed.
        #expect(back.map(Self.fields) == entries.suffix(4).map(Self.fields))
        #expect(spill.readFailures == 6)
        var given = 0
        stored.forEach(reaching: .min) { _ in given += 1; return true }
        #expect(given == 4)
        #expect(spill.readFailures == 12)
    }

    /// Bundled samples whose timelines grow past one block (16 entries) at a 1-minute window
    /// (30-second buckets): the :9090 case and its timeout variant, source-controller OOM-killed
    /// (restarts, recoveries), a pair's second half, and the unknown-error miner's sample (117
    /// entries in one timeline: several segments).
    static let long = ["networkpolicy-9090", "networkpolicy-9090-timeout", "oom-killed-source-controller", "pair-1-b", "unknown-errors"]

    /// Their reports (hypotheses, recoveries, folded restarts) are the same, byte for byte, when
    /// every frozen block of every timeline is read back from disk.
    @Test(arguments: long)
    func reportsAreTheSameWithTimelinesOnDisk(sample: String) throws {
        let window = 60.0
        func report(_ spill: TimelineSpill?) throws -> [String] {
            let scan = try Self.scan(sample, window: window, spill: spill)
            let stream = IncidentStream(scan: scan, patterns: IncidentStreamTests.patterns, windowSeconds: window, jobs: 2)
            var out: [String] = []
            stream.forEach(batch: 2) { out.append(IncidentStreamTests.rendered($0)) }
            return out
        }
        let spill = TimelineSpill(segmentBytes: 1)
        let inMemory = try report(nil)
        #expect(!inMemory.isEmpty)
        #expect(try report(spill) == inMemory)
        #expect(spill.readFailures == 0)
        #expect(spill.bytesWritten > 0)
    }
}
