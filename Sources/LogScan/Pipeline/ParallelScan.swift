import Dispatch
import Foundation

/// What one input left in a scanner: its counts, warnings and errors, its events, and its kubelet
/// log paths. Parts are merged in the order of the inputs.
struct ScanPart {
    var state: ScanResult
    var store: EventStore
    var podLogs: [(path: PodLogPath, controller: String?, first: Timestamp?, last: Timestamp?, name: String)]
    /// Its unknown error records, not yet clustered into templates.
    var miner: ErrorMiner
    /// Its controller lifetimes, object cadences and activity marks.
    var lifetimes: LifetimeTracker
    /// Its records read in place and by their header only (`FLUX_LOGSCAN_DEBUG`).
    var readInPlace = 0
    var headerOnly = 0
}

extension ScanStats {
    /// Adds another input's counts.
    mutating func absorb(_ o: ScanStats) {
        bytes += o.bytes; lines += o.lines; records += o.records; events += o.events; malformed += o.malformed
        for (k, v) in o.byFormat { byFormat[k, default: 0] += v }
        for (k, v) in o.byController { byController[k, default: 0] += v }
        overlongLines += o.overlongLines; binaryLines += o.binaryLines; damagedInputs += o.damagedInputs
        invalidUTF8Lines += o.invalidUTF8Lines
        inheritedTimes += o.inheritedTimes; filteredEvents += o.filteredEvents
        unmatchedRecords += o.unmatchedRecords; unmatchedOverflow += o.unmatchedOverflow
    }
}

extension ScanResult {
    /// Adds what another input's scan collected (not the correlation inputs `result` fills).
    mutating func absorb(_ o: ScanResult) {
        stats.absorb(o.stats)
        warnings += o.warnings
        closed += o.closed
        spills += o.spills
        inputErrors += o.inputErrors
        vanished += o.vanished
        cutStreams.formUnion(o.cutStreams)
        fluxNamespace.absorb(o.fluxNamespace)
        supersededStreams.formUnion(o.supersededStreams)
        for (c, minutes) in o.activity { activity[c, default: []].formUnion(minutes) }
        for (k, v) in o.limitHits { limitHits[k, default: 0] += v }
        for (k, v) in o.countsBySignature { countsBySignature[k, default: 0] += v }
        for (k, v) in o.nextTryBeforeSince { nextTryBeforeSince[k] = max(nextTryBeforeSince[k] ?? v, v) }
        func merge(_ a: inout [ObjectRef?: (first: Int64, last: Int64, count: Int)], _ b: [ObjectRef?: (first: Int64, last: Int64, count: Int)]) {
            for (k, v) in b {
                let mine = a[k]
                a[k] = (min(mine?.first ?? v.first, v.first), max(mine?.last ?? v.last, v.last), (mine?.count ?? 0) + v.count)
            }
        }
        merge(&failingBeforeSince, o.failingBeforeSince)
        for (c, byObject) in o.relayedBeforeSince { merge(&relayedBeforeSince[c, default: [:]], byObject) }
        for (c, byObject) in o.relayedNextTryBeforeSince {
            for (k, v) in byObject { relayedNextTryBeforeSince[c, default: [:]][k] = max(relayedNextTryBeforeSince[c]?[k] ?? v, v) }
        }
    }
}

/// Moves a value to another thread when the caller guarantees that only one thread uses it at a
/// time (here: a worker's scanner is used by its worker only; parts are handed over under a lock).
private final class Handoff<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

extension LogScanner {
    /// A scanner with the same patterns, options and observers, and nothing read yet.
    func worker() -> LogScanner {
        let w = LogScanner(patterns: patterns, windowSeconds: Double(store.windowMillis) / 1000, prefilter: prefilter != nil)
        w.filter = filter
        w.lineCap = lineCap
        w.walked = walked
        w.referenceYear = referenceYear
        w.referenceTime = referenceTime
        w.eventObserver = eventObserver
        w.recordObserver = recordObserver
        w.countsOnly = countsOnly
        w.timelineSpill = timelineSpill
        return w
    }

    /// Takes what this scanner has read since the last `detach` and starts it afresh.
    func detach() -> ScanPart {
        var taken = state
        if let late = lateWarning { taken.warnings.append(late) }
        lateEvents = 0
        nextClose = 0
        closingWatermark = .min
        closedBefore = .min
        let part = ScanPart(state: taken, store: store, podLogs: podLogs, miner: mining.miner, lifetimes: lifetimes,
                            readInPlace: readInPlace, headerOnly: headerOnly)
        readInPlace = 0
        headerOnly = 0
        mining.miner = part.miner.emptyCopy()
        lifetimes = LifetimeTracker(patterns: patterns)
        state = ScanResult()
        store = EventStore(patterns: patterns, windowSeconds: Double(store.windowMillis) / 1000)
        store.timelineSpill = timelineSpill
        podLogs = []
        matcher.resetLimitHits()
        return part
    }

    /// Adds one input's part to what this scanner holds.
    func absorb(_ part: ScanPart) {
        state.absorb(part.state)
        store.absorb(part.store)
        podLogs += part.podLogs
        readInPlace += part.readInPlace
        headerOnly += part.headerOnly
        mining.miner.absorb(part.miner)
        streamBase += lifetimes.absorb(part.lifetimes, streamBase: streamBase)
    }

    /// Scans `paths` (files, `-` for standard input) on up to `jobs` threads, one input per task
    /// (DESIGN.md: "one task per file on a bounded pool; results merged"). Each input is read into
    /// a part of its own and the parts are merged in the order of `paths` as they complete, so the
    /// result is the same for any `jobs`, and the same as reading the inputs one after another
    /// except for which of several equal-time events gives a run its example (the earliest by
    /// place, not by reading order). With an event or record observer (`-v`, `patterns test`) the
    /// inputs are read one after another on this thread, so the observer sees them in order.
    /// - Parameter jobs: at most this many inputs are read at once (≥ 1; the CLI's `--jobs`,
    ///   default the number of cores).
    public func scan(paths: [String], jobs: Int) {
        let width = eventObserver != nil || recordObserver != nil ? 1 : max(1, min(jobs, paths.count))
        if width == 1 {
            let w = worker()
            // Closing while reading is exact only for one input in event-time order (Pipeline/Closing.swift).
            if paths.count == 1 { w.closeBudget = closeBudget; w.spillClosed = spillClosed; w.closedInMemory = closedInMemory }
            for path in paths {
                w.scan(path: path)
                mergedRuns += w.mergedRuns
                w.mergedRuns = 0
                absorb(w.detach())
            }
            return
        }
        let workers = (0..<width).map { _ in Handoff(worker()) }
        let lock = NSLock()
        let shared = Handoff((next: 0, merged: 0, ready: [Int: ScanPart]()))
        let me = Handoff(self)
        DispatchQueue.concurrentPerform(iterations: width) { w in
            let scanner = workers[w].value
            while true {
                lock.lock()
                let i = shared.value.next
                shared.value.next += 1
                lock.unlock()
                guard i < paths.count else { return }
                scanner.scan(path: paths[i])
                let part = scanner.detach()
                lock.lock()
                shared.value.ready[i] = part
                // Merge every part whose predecessors are merged, in input order.
                while let p = shared.value.ready.removeValue(forKey: shared.value.merged) {
                    me.value.absorb(p)
                    shared.value.merged += 1
                }
                lock.unlock()
            }
        }
    }
}
