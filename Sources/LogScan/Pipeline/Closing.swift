/// Closing incidents while reading, so that memory follows the incidents still open rather than
/// the length of the input (issue "Archives and folders"; DESIGN.md "per-object state is evicted
/// when its window closes").
///
/// When the event store holds `LogScanner.closeBudget` runs, the scanner correlates and folds what
/// it holds, exactly as `Analysis` does at the end. Every incident that ended more than two windows
/// before the watermark (the newest event time read), and before the watermark's bucket of runs
/// began, is closed: kept as it is, and its runs leave
/// the store (those some hypothesis names stay as compact evidence, `EventStore.settle(runs:)`).
/// No event newer than the watermark can join it: a later event is at least two windows after its
/// end, and the correlator splits at one. An incident whose last failure announced its next try
/// (`Incident.nextTryDue`, `Correlator.nextTryReach`) ends, for closing, at that try's reach: it
/// stays open until the try is overdue by two windows, then closes (memory stays bounded when
/// the try never comes), with its `lastSeen` still its last real event. A downstream wait (class `dependency` or `health-check`)
/// and the incidents it overlaps within the window close together or not at all: which root it
/// folds under depends on all of them (`Cascade`).
///
/// Everything that depends on the rest of the input waits for the end (`Analysis`): a closed
/// incident's final status (a healthy event after the close resolves it, which may make it
/// transient), controllers killed later (`TransientRule.revert`), and its diagnosis, scored with
/// the others on the whole input's lifetimes, timelines and evidence.
///
/// Exact for input in event-time order: one stream (a file, a gzip file, stdin). It is used only
/// when there is one input, and not inside a tar bundle (its members go back in time); an event
/// that arrives more than a window behind the last close (`cat a b |`) may miss the incident it
/// belongs to and is counted in a warning.
extension LogScanner {
    /// Closes the incidents that can no longer change (see the file's comment) and settles their runs.
    /// - Parameter final: the input ended, so no incident can change: every one closes (what the
    ///   whole-input analysis would correlate from the runs, it takes from the closed incidents,
    ///   and their runs stay only as evidence timelines, about 14 bytes each (`Timeline.Entries`) instead of an occurrence).
    func closeIncidents(final: Bool = false) {
        guard let budget = closeBudget, closingWatermark > .min else { return }
        let w = store.windowMillis
        // Runs cover a bucket of event time (half the window, at least a minute): an incident
        // closes only once the bucket of the watermark began after it, so that no later event
        // lands in one of its runs.
        let bucket = store.bucketMillis
        let cutoff = final ? Int64.max : min(closingWatermark - 2 * w, closingWatermark / bucket * bucket)
        var occurrences = store.occurrences()
        let learned = store.learnedUpstreams
        // When the input ended every run settles: the runs are freed before correlating (what that
        // needs is in `occurrences`, and the upstreams learned so far are taken before the runs'
        // own namings join them), so that they and the correlation never take memory together.
        if final { store.settle(runs: Set(occurrences.map(\.run))) }
        Correlator.sort(&occurrences)
        let windowSeconds = Double(w) / 1000
        let correlated = Correlator(patterns: patterns, windowSeconds: windowSeconds)
            .correlate(sorted: occurrences, healthyUntil: store.healthyUntil, learned: learned)
        let cascade = Cascade(windowSeconds: windowSeconds).fold(correlated, occurrences: occurrences,
                                                                    controllersRead: Set(state.activity.keys))
        // Not read again: freed before the runs settle, whose timelines grow meanwhile (the
        // occurrences of a close, 4 MB at the end of a 10 GiB stream, were part of its peak).
        occurrences = []
        func start(_ i: Incident) -> Int64 { min(i.firstSeen.millis, i.downstream.map(\.firstSeen.millis).min() ?? .max) }
        // An incident whose failure announced its next try (`Incident.nextTryDue`) may still be
        // joined until that try is overdue: it ends, for closing, at the try's reach.
        func end(_ i: Incident) -> Int64 { max(i.lastSeen.millis, i.downstream.map(\.lastSeen.millis).max() ?? .min, i.nextTryDue ?? .min) }
        var isReady = cascade.incidents.map { end($0) < cutoff }
        let spans = cascade.incidents.map { (start($0), end($0), Cascade.symptomClasses.contains($0.failureClass)) }
        var changed = true
        while changed {
            changed = false
            for i in spans.indices where isReady[i] {
                for j in spans.indices where !isReady[j] && (spans[i].2 || spans[j].2)
                    && spans[j].0 <= spans[i].1 + w && spans[j].1 >= spans[i].0 - w {
                    isReady[i] = false
                    changed = true
                    break
                }
            }
        }
        let ready = cascade.incidents.indices.filter { isReady[$0] }.map { cascade.incidents[$0] }
        // The next try comes after a quarter more runs (at least the budget), or twice as many
        // when this one freed less than a quarter (incidents open for hours hold their runs):
        // often enough that what closes does not pile up, rarely enough that trying costs little.
        let held = store.runCount
        var freed = 0
        defer { nextClose = freed * 4 >= held ? store.runCount + max(budget, store.runCount / 4) : max(budget, held * 2) }
        // Incidents that stay open (for hours, some) keep their runs, but the old ones merge:
        // per incident the correlator formed and key, into one run per chain (`EventStore.chains`).
        let closing = Set(ready.flatMap(\.runs))
        let chains = store.chains(in: correlated.map { $0.runs.filter { !closing.contains($0) } }, endingBefore: cutoff, incidents: correlated)
        guard !ready.isEmpty || !chains.isEmpty else { return }
        // A closed incident is kept to the end: its examples deflated (`Example.compacted()`).
        let compacted = ready.map { incident in
            var i = incident
            i.runs = []
            for k in i.signals.indices { i.signals[k].example = i.signals[k].example?.compacted() }
            for k in i.downstream.indices {
                for j in i.downstream[k].signals.indices { i.downstream[k].signals[j].example = i.downstream[k].signals[j].example?.compacted() }
            }
            return i
        }
        keepClosed(compacted)
        if !ready.isEmpty { state.warnings += cascade.warnings.map { ScanWarning(message: $0) } }
        // (At the end the runs were settled before correlating; nothing is read after.)
        freed = final ? 0 : store.settle(runs: closing, chains: chains)
        mergedRuns += chains.reduce(0) { $0 + $1.count - 1 }
        if !final { closedBefore = max(closedBefore, cutoff) }
    }

    /// Keeps closed incidents to the end: in memory (`state.closed`) while they are at most
    /// `closedInMemory`; past that, with `spillClosed`, every one on disk, those held so far too
    /// (in memory those from the first the file cannot take on, or all when it cannot be made).
    func keepClosed(_ incidents: [Incident]) {
        state.closed += incidents
        guard spillClosed, !spillUnavailable, spillingAll || state.closed.count > closedInMemory else { return }
        spillingAll = true
        if state.spills.isEmpty {
            guard let spill = IncidentSpill() else {
                spillUnavailable = true
                return
            }
            state.spills.append(spill)
        }
        let spill = state.spills[state.spills.count - 1]
        // Once the file refuses one (a full disk), it and the rest stay in memory, and no more tries.
        state.closed = state.closed.filter { i in
            if !spillUnavailable, spill.append(i) { return false }
            spillUnavailable = true
            return true
        }
    }
}
