/// Closing incidents while reading, so that memory follows the incidents still open rather than
/// the length of the input (issue "Archives and folders": a 2 GB archive in under 64 MiB; DESIGN.md
/// "per-object state is evicted when its window closes").
///
/// When the event store holds `LogScanner.closeBudget` runs, the scanner correlates, folds and
/// diagnoses what it holds, exactly as `Analysis` does at the end. Every incident that ended more
/// than two windows before the watermark (the newest event time read), is resolved, and after
/// whose end every controller has logged again (how a lifetime ends, killed or silent, is told by
/// what follows its last record), or that ended more than four windows (at least 30 minutes)
/// before the watermark, is closed: kept as diagnosed, and its runs leave the store. No event newer than the watermark can join it: a later event is at least two windows
/// after its end, and the correlator splits at one. Diagnosis reads at most one window before an
/// incident and nothing after it, so its evidence is all read too.
///
/// At the end (`Analysis`) closed incidents take their final status from the whole input (a
/// healthy event after the close resolves them), are checked again against controllers killed
/// later (`TransientRule.revert`), and are reported with the others in one order.
///
/// Exact for input in event-time order: one stream (a file, a gzip file, stdin), or a tar bundle
/// whose members follow each other in time. It is used only when there is one input; an event
/// that arrives more than a window behind the last close (a tar bundle of per-controller files,
/// `cat a b |`) may miss the incident it belongs to and is counted in a warning.
extension LogScanner {
    /// Closes the incidents that can no longer change (see the file's comment), and frees their
    /// runs, texts and timeline entries. `open` holds the current stream's lifetimes that have not
    /// ended yet (their ends are judged at the end, past every incident closed here).
    func closeIncidents(open: StreamLifetimes) {
        guard let budget = closeBudget, closingWatermark > .min else { return }
        let w = store.windowMillis
        // An incident some controller has been quiet since waits at least 30 minutes: a killed
        // controller's successor comes within the kubelet's 5-minute crash-loop back-off.
        let cutoff = closingWatermark - 2 * w, stale = closingWatermark - max(4 * w, 30 * 60_000)
        var occurrences = store.occurrences()
        occurrences.sort(by: Correlator.before)
        let windowSeconds = Double(w) / 1000
        let correlated = Correlator(patterns: patterns, windowSeconds: windowSeconds)
            .correlate(sorted: occurrences, healthyUntil: store.healthyUntil, learned: store.learnedUpstreams)
        let cascade = Cascade(windowSeconds: windowSeconds).fold(correlated, occurrences: occurrences)
        func end(_ i: Incident) -> Int64 { max(i.lastSeen.millis, i.downstream.map(\.lastSeen.millis).max() ?? .min) }
        // How a controller's lifetime ends (killed, silent) is told by what comes after its last
        // record: an incident after which some controller has not logged yet waits.
        let ongoing = open.snapshot()
        var newest: [String: Int64] = [:]
        for l in lifetimes.all + ongoing { newest[l.controller] = max(newest[l.controller] ?? .min, l.last.millis) }
        let quietSince = newest.values.min() ?? .max
        var isReady = cascade.incidents.map {
            let e = end($0)
            return e < cutoff && (e < stale || ($0.status == .resolved && quietSince > e))
        }
        // A downstream wait folds under an incident it overlaps (within the window) when that is
        // the only or best root among those it overlaps (`Cascade`): a wait and every incident it
        // overlaps close together, or not at all, so that no later fold sees half of them.
        func start(_ i: Incident) -> Int64 { min(i.firstSeen.millis, i.downstream.map(\.firstSeen.millis).min() ?? .max) }
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
        // The next try comes after a quarter more runs (at least the budget): often enough that
        // what closes does not pile up, rarely enough that trying costs little.
        guard !ready.isEmpty else {
            nextClose = store.runCount + max(budget, store.runCount / 4)
            return
        }

        // The context `Analysis` gives the diagnoser, as read so far.
        var snapshot = ScanResult()
        snapshot.lifetimes = lifetimes.all + ongoing
        snapshot.activityMarks = lifetimes.sortedMarks
        snapshot.inputEnd = lifetimes.inputEnd.map(Timestamp.init(millis:))
        snapshot.restarts = restarts()
        snapshot.activity = state.activity
        snapshot.filter = filter
        let findings = LifetimeFindings(scan: snapshot, windowSeconds: windowSeconds)
        let incidents = TransientRule.revert(ready, ends: findings.evidence, windowMillis: w, patterns: patterns)
        var diagnoser = Diagnoser(patterns: patterns, windowSeconds: windowSeconds)
        diagnoser.silence = SilenceIndex(marks: snapshot.activityMarks, inputEnd: snapshot.inputEnd)
        let diagnosed = diagnoser.diagnose(incidents, sorted: occurrences, extra: snapshot.restarts.map(Analysis.occurrence) + findings.evidence,
                                           timelines: store.timelineList(), activity: state.activity)
        state.closed += diagnosed.map { var i = $0; i.runs = []; return i }
        state.warnings += cascade.warnings.map { ScanWarning(message: $0) }

        store.settle(runs: Set(ready.flatMap(\.runs)))
        closedBefore = max(closedBefore, cutoff)
        nextClose = store.runCount + max(budget, store.runCount / 4)
    }
}

extension StreamLifetimes {
    /// The stream's lifetimes that have not ended, as they stand (the stream goes on).
    func snapshot() -> [ControllerLifetime] {
        keys.indices.sorted { (keys[$0].controller, keys[$0].pod ?? "") < (keys[$1].controller, keys[$1].pod ?? "") }
            .compactMap { i in
                guard let o = opens[i], o.records > 0 else { return nil }
                var life = o.closed(file: file)
                life.ongoing = true
                return life
            }
    }
}
