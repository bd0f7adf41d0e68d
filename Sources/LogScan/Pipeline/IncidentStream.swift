/// The incidents of a finished scan, correlated and in report order (severity, open first, first
/// seen, id), diagnosed a batch at a time as the report reads them: `scan` of a long stream writes
/// thousands of incidents, and holding them all with their hypotheses was the peak of its memory
/// (10 GiB through stdin: 138 MB, of which 35 MB diagnosis). Incidents closed while reading come
/// back from disk (`IncidentSpill`) the same way.
///
/// What is known before the first incident is written: which incidents there are (after
/// `LifetimeFindings` folding), their order, severity, status and whether they are transient
/// (`entries`), so the text report's header and the exit status need no diagnosis. Diagnosis only
/// fills `hypotheses` and `Recovery` only `recovery`: neither changes the order.
///
/// The report is the one `Analysis` gives (it collects this stream): the same incidents, in the
/// same order, with the same hypotheses, whatever the batch size or `jobs`.
public final class IncidentStream {
    /// The scan with its correlation inputs taken out (`occurrences`, `closed`, `spills` are
    /// empty): stats, warnings (with correlation's), unmatched errors, input errors, timelines.
    public private(set) var scan = ScanResult()
    /// Controller lifetimes as judged, and their evidence (Diagnosis/LifetimeFindings.swift).
    public let lifetimes: LifetimeFindings

    /// What the report needs to know of an incident before it is diagnosed.
    public struct Entry: Sendable, ReportOrdered {
        public var id: String
        public var severity: Severity
        public var status: IncidentStatus
        /// Event time, UTC.
        public var firstSeen: Timestamp
        public var lastSeen: Timestamp
        public var transient: Bool
        public var failureClass: String
        /// `Incident.recurrenceKey`.
        var recurrenceKey = ""
        /// Where the undiagnosed incident is: `memory[k]`, or the k-th of spill s.
        var origin: Origin
        /// A restart incident (`LifetimeFindings.restartIDs`): left out when another folds it.
        var restart = false
        /// The entry's place before sorting (the key of `diagnosed`).
        var slot = 0
        var selected = true
    }
    enum Origin: Sendable {
        case memory(Int)
        case spilled(Int, Int)
    }

    /// The selected incidents that are reported, in report order.
    public private(set) var entries: [Entry] = []
    /// Incidents `select` left out (not counting restart incidents folded into another).
    public private(set) var unselected = 0
    /// Spilled incidents that could not be read back (the file and the incident named): left
    /// out of the report, to be told as errors.
    public private(set) var readErrors: [String] = []

    private var memory: [Incident] = []
    /// `Incident.earlier` by `Entry.slot`, for the incidents whose failure came before.
    private var earlier: [Int: Earlier] = [:]
    private let spills: [IncidentSpill]
    private let session: Diagnoser.Session
    private let patterns: PatternSet
    private let windowMillis: Int64
    /// Lifetime evidence of controllers killed (`TransientRule.unplannedEnds`, for `TransientRule.revert`).
    private let ends: [Occurrence]
    private let healthyByObject: [ObjectRef: [Int]]
    /// `ActionStart.index` of the scan's timelines.
    private let startsByRelease: [ObjectRef: [Int]]
    /// With `--since`: `ScanResult.failingAtSince`, for `Incident.underWay`.
    private let failingAtSince: [ObjectRef?: (first: Int64, last: Int64, count: Int)]
    /// With `--since`: `ScanResult.beforeSince.nextTries` (relayed failures' included), for `Incident.underWay`.
    private let nextTriesBeforeSince: [ObjectRef?: Int64]
    private let keepDiagnosed: Bool
    /// Incidents diagnosed to decide restart folding, by `Entry.slot` (when `keepDiagnosed`).
    private var diagnosed: [Int: Incident] = [:]
    /// Incidents no longer in the scan that restart incidents still fold under (`follow`'s closed ones).
    private let folders: [LifetimeFindings.Folder]
    /// The ids of the restart incidents left out because another incident (or a folder) tells them.
    public private(set) var folded: Set<String> = []

    /// Correlates a finished scan, folds and ranks its incidents, and prepares their diagnosis
    /// (Analysis does the same, then collects them).
    /// - Parameters:
    ///   - windowSeconds: `--window`, the gap in event time that closes an incident.
    ///   - jobs: threads for scoring incidents (`--jobs`); the result does not depend on it.
    ///   - keepDiagnosed: keep the incidents diagnosed to decide restart folding, for `forEach`
    ///     (which then does not diagnose them again): what a caller that holds every incident
    ///     anyway wants (`Analysis`, and so `follow`); `scan` of a long stream does not.
    ///   - select: which incidents the report is about (`--controller`, `--namespace`,
    ///     `--object`: `ScanFilter.accepts`); it sees an incident before diagnosis.
    ///   - folders: incidents the scan no longer holds (closed and written by `follow`) that
    ///     restart incidents fold under as under the scan's own.
    public init(scan: consuming ScanResult, patterns: PatternSet, windowSeconds: Double, jobs: Int = 1,
                keepDiagnosed: Bool = false, select: (Incident) -> Bool = { _ in true }, folders: [LifetimeFindings.Folder] = []) {
        self.keepDiagnosed = keepDiagnosed
        self.folders = folders
        var scan = consume scan
        self.patterns = patterns
        let windowMillis = Int64(windowSeconds * 1000)
        self.windowMillis = windowMillis
        // Sorted once, in place; the correlator and the diagnoser both read this order.
        var occurrences = scan.occurrences
        scan.occurrences = []
        // A relay of what its object's controller logged itself counts once, as that record.
        scan.timelines = QuotedCause.withoutOwnCopies(scan.timelines, occurrences: occurrences)
        occurrences += QuotedCause.relayedFailures(scan.timelines, activity: scan.activity, patterns: patterns)
        Correlator.sort(&occurrences)
        let correlated = Correlator(patterns: patterns, windowSeconds: windowSeconds)
            .correlate(sorted: occurrences, healthyUntil: scan.healthyUntil, learned: scan.learnedUpstreams)
        // Downstream symptoms fold under their root before diagnosis, which scores roots on their own events.
        let cascade = Cascade(windowSeconds: windowSeconds).fold(correlated, occurrences: occurrences,
                                                                    controllersRead: Set(scan.activity.keys))
        scan.warnings += cascade.warnings.map { ScanWarning(message: $0) }
        let restarts = scan.restarts.map(Analysis.occurrence)
        // Lifetimes, silence and cadence (Diagnosis/LifetimeFindings.swift): evidence for every
        // incident, and restart and overdue incidents of their own, folded where another
        // incident's first hypothesis already tells the restart.
        let lifetimes = LifetimeFindings(scan: scan, windowSeconds: windowSeconds)
        self.lifetimes = lifetimes
        ends = lifetimes.evidence.filter { TransientRule.unplannedEnds.contains($0.signature) }
        var diagnoser = Diagnoser(patterns: patterns, windowSeconds: windowSeconds)
        diagnoser.silence = SilenceIndex(marks: scan.activityMarks, inputEnd: scan.inputEnd)
        diagnoser.jobs = jobs
        diagnoser.fluxNamespace = scan.fluxNamespace.namespace
        // Closed incidents are scored with the rest, on the whole input's evidence: their runs'
        // evidence stayed as timelines (`EventStore.settle(runs:)`).
        session = diagnoser.session(sorted: occurrences, extra: restarts + lifetimes.evidence, timelines: scan.timelines,
                                    activity: scan.activity)
        healthyByObject = Recovery.index(scan.timelines)
        startsByRelease = ActionStart.index(scan.timelines)
        failingAtSince = scan.filter.since.map { scan.failingAtSince($0) } ?? [:]
        nextTriesBeforeSince = scan.filter.since == nil ? [:] : scan.beforeSince.nextTries
        spills = scan.spills
        scan.spills = []

        // Incidents closed while reading (Pipeline/Closing.swift) take their status from the
        // whole input (`settle`); the others are as the correlator and the cascade left them.
        let closed = scan.closed
        scan.closed = []
        var all: [Entry] = []
        func add(_ i: Incident, origin: Origin) {
            all.append(Entry(id: i.id, severity: i.severity, status: i.status, firstSeen: i.firstSeen, lastSeen: i.lastSeen,
                             transient: i.transient, failureClass: i.failureClass, recurrenceKey: i.recurrenceKey,
                             origin: origin, slot: all.count, selected: select(i)))
        }
        for i in closed {
            let settled = settle(i, healthyUntil: scan.healthyUntil)
            add(settled, origin: .memory(memory.count))
            memory.append(settled)
        }
        for (s, spill) in spills.enumerated() {
            for k in 0..<spill.count {
                do { add(settle(try spill.incident(at: k), healthyUntil: scan.healthyUntil), origin: .spilled(s, k)) } catch {
                    readErrors.append("\(error)")
                }
            }
        }
        // Refusals around a killed controller are not the noise of a planned restart.
        for i in TransientRule.revert(cascade.incidents, ends: ends, windowMillis: windowMillis, patterns: patterns) {
            add(i, origin: .memory(memory.count))
            memory.append(i)
        }
        let restartIDs = lifetimes.restartIDs
        for i in lifetimes.incidents {
            add(i, origin: .memory(memory.count))
            all[all.count - 1].restart = restartIDs.contains(i.id)
            memory.append(i)
        }
        self.scan = scan
        let dropped = foldedRestarts(all)
        folded = dropped
        // The same failure earlier (selected or not, restart incidents folded into another left
        // out: they are reported as part of it), by first seen, then id.
        var byKey: [String: [Int]] = [:]
        for (k, e) in all.enumerated() where !dropped.contains(e.id) { byKey[e.recurrenceKey, default: []].append(k) }
        for list in byKey.values where list.count > 1 {
            let ordered = list.sorted { (all[$0].firstSeen, all[$0].id) < (all[$1].firstSeen, all[$1].id) }
            for n in 1..<ordered.count {
                let before = all[ordered[n - 1]]
                earlier[all[ordered[n]].slot] = Earlier(count: n, id: before.id, firstSeen: before.firstSeen,
                                                        lastSeen: before.lastSeen, status: before.status)
            }
        }
        all.sort { $0.precedes(inReport: $1) }
        for e in all where !dropped.contains(e.id) {
            if e.selected { entries.append(e) } else { unselected += 1 }
        }
    }

    /// A closed incident's final status and transience, from the whole input: `Analysis.resolve`
    /// (a healthy event after its close), then `TransientRule.revert` (a controller killed near it).
    private func settle(_ incident: Incident, healthyUntil: [ObjectRef: Int64]) -> Incident {
        var i = incident
        Analysis.resolve(&i, healthyUntil: healthyUntil, patterns: patterns)
        return TransientRule.revert(i, unplanned: ends, windowMillis: windowMillis, patterns: patterns)
    }

    /// The undiagnosed incident of an entry; nil (and an error kept) when its spill cannot be read.
    private func load(_ e: Entry) -> Incident? {
        switch e.origin {
        case .memory(let k): return memory[k]
        case .spilled(let s, let k):
            do { return settle(try spills[s].incident(at: k), healthyUntil: scan.healthyUntil) } catch {
                readErrors.append("\(error)")
                return nil
            }
        }
    }

    /// The ids of the restart incidents that fold under another incident
    /// (`LifetimeFindings.folds`) or under one of `folders`. Only incidents that could fold one (as severe, overlapping it)
    /// are diagnosed for it, a few at a time until one does, and only those of a class whose
    /// hypotheses can cite the restart (`LifetimeFindings.citingClasses`); what each cites is
    /// remembered.
    private func foldedRestarts(_ all: [Entry]) -> Set<String> {
        var dropped: Set<String> = []
        var cited: [Int: (any: Bool, controllers: Set<String>)?] = [:]
        var citing: [String: Set<String>?] = [:]
        let chunk = max(8, session.jobs * 4)
        for d in all where d.restart {
            guard let restart = load(d) else { continue }
            let spans = LifetimeFindings.restartSpans(restart)
            let c = restart.controllers.first ?? ""
            if citing[c] == nil { citing[c] = .some(LifetimeFindings.citingClasses(restartsOf: c, patterns: patterns)) }
            let classes = citing[c]!
            if folders.contains(where: { $0.folds(restart, spans: spans) }) { dropped.insert(d.id); continue }
            func folds(_ k: Int) -> Bool {
                let e = all[k]
                return LifetimeFindings.folds(restart: restart, spans: spans, severity: e.severity, from: e.firstSeen.millis - windowMillis,
                                              to: e.lastSeen.millis, cited: cited[k] ?? nil)
            }
            // As severe and overlapping: what citing would fold it under.
            let candidates = all.indices.filter { k in
                !all[k].restart && all[k].severity >= restart.severity && classes?.contains(all[k].failureClass) != false
                    && spans.contains { $0.last >= all[k].firstSeen.millis - windowMillis && $0.first <= all[k].lastSeen.millis }
            }
            if candidates.contains(where: { cited[$0] != nil && folds($0) }) { dropped.insert(d.id); continue }
            let unknown = candidates.filter { cited[$0] == nil }
            var start = 0
            while start < unknown.count {
                let part = Array(unknown[start..<min(unknown.count, start + chunk)])
                start += chunk
                for (k, i) in zip(part, diagnose(part.map { all[$0] })) {
                    guard let i else { continue }
                    cited[k] = .some(LifetimeFindings.citedRestarts(i, patterns: patterns))
                    if keepDiagnosed { diagnosed[all[k].slot] = i }
                }
                if part.contains(where: folds) { dropped.insert(d.id); break }
            }
        }
        return dropped
    }

    /// The entries' incidents, diagnosed together (on `jobs` threads), one per entry in order;
    /// nil where a spill cannot be read back. Those kept from restart folding (`diagnosed`) are
    /// taken, not diagnosed again.
    private func diagnose(_ picked: [Entry]) -> [Incident?] {
        var out = picked.map { diagnosed.removeValue(forKey: $0.slot) }
        let loaded = out.indices.compactMap { k in out[k] == nil ? load(picked[k]).map { (k, $0) } : nil }
        for (k, i) in zip(loaded.map(\.0), session.diagnose(loaded.map(\.1))) { out[k] = i }
        return out
    }

    /// Hands `body` each reported incident at or above `minSeverity`, diagnosed, with its
    /// recovery when resolved, in report order; `batch` incidents are loaded and diagnosed at a
    /// time (on `jobs` threads). An incident whose spill cannot be read back is skipped and told
    /// in `readErrors`.
    public func forEach(minSeverity: Severity = .info, batch: Int = 256, _ body: (Incident) throws -> Void) rethrows {
        let shown = entries.filter { $0.severity >= minSeverity }
        var start = 0
        while start < shown.count {
            let part = shown[start..<min(shown.count, start + batch)]
            start += batch
            for (e, diagnosed) in zip(part, diagnose(Array(part))) {
                guard var i = diagnosed else { continue }
                i.earlier = earlier[e.slot]
                i.actionStart = ActionStart.of(i, timelines: scan.timelines, windowMillis: windowMillis, byRelease: startsByRelease)
                if !failingAtSince.isEmpty {
                    i.underWay = UnderWay.of(objects: [i.upstream].compactMap { $0 } + i.affected, firstSeen: i.firstSeen,
                                             gapMillis: Correlator.failureGap(windowMillis: windowMillis), failing: failingAtSince,
                                             nextTries: Correlator.followsNextTries(windowMillis: windowMillis) ? nextTriesBeforeSince : [:])
                }
                if i.status == .resolved {
                    i.recovery = Recovery.of(i, timelines: scan.timelines, healthyByObject: healthyByObject)
                }
                try body(i)
            }
        }
    }
}
