import Dispatch
/// Scores every applicable hypothesis against every incident (docs/SCORING.md):
///
///     log-odds = logit(prior) + Σ weight(supports present) − Σ weight(contradicts present)
///     confidence = 1 / (1 + e^(−log-odds))
///
/// A hypothesis applies to an incident when its `classes` contain the incident's class (or are
/// empty) and its `requires` hold. Evidence is the incident's own events plus every event of any
/// controller from `window` before the incident's first event (or from its first failed attempt,
/// when that is earlier) to its last event, and the derived signals (`source-controller-silent`,
/// `source-controller-logs-absent`). What must hold "while the failures went on" (`during`,
/// `unless_healthy_since`, silence) reads `Incident.failureSpan`: from the first failed attempt.
public struct Diagnoser {
    public let patterns: PatternSet
    public var windowMillis: Int64
    /// When set, `controller-silent` occurrences are added to each incident's evidence.
    public var silence: SilenceIndex?
    /// Threads that score incidents (`--jobs`); the result does not depend on it.
    public var jobs = 1
    /// The namespace Flux's controllers run in as the whole input says (`FluxNamespaceClues.namespace`),
    /// nil when nothing says: the steps' `<flux-namespace>` (`PlaceholderFiller.fluxNamespace`).
    public var fluxNamespace: String?

    public init(patterns: PatternSet, windowSeconds: Double = 900) {
        self.patterns = patterns
        self.windowMillis = Int64(windowSeconds * 1000)
    }

    /// How long after an incident's last event a relayed failure of its objects is still read as
    /// its evidence: one minute (notification-controller logs `dispatching event` when the event
    /// reaches it, milliseconds to seconds after the controller recorded it).
    static let relayLagMillis: Int64 = 60_000

    /// Fills `hypotheses` of every incident, ranked by confidence (ties by id).
    /// - Parameters:
    ///   - occurrences: every occurrence of the scan (any role), used as context.
    ///   - activity: controller → epoch minutes with at least one record (for silence).
    ///   - timelines: healthy and lifecycle signals, queried per window.
    /// Occurrences come in `Correlator.before` order, plus a few `extra` ones (derived signals
    /// such as container restarts) in any order.
    public func diagnose(_ incidents: [Incident], sorted context: [Occurrence], extra: [Occurrence], timelines: [Timeline],
                         activity: [String: Set<Int64>]) -> [Incident] {
        session(sorted: context, extra: extra, timelines: timelines, activity: activity).diagnose(incidents)
    }

    /// What `diagnose` scores incidents against, prepared once (the evidence pool and each
    /// hypothesis' conditions as signal numbers), so that `IncidentStream` can score a batch at
    /// a time. Arguments as `diagnose`'s.
    public func session(sorted context: [Occurrence], extra: [Occurrence], timelines: [Timeline],
                        activity: [String: Set<Int64>]) -> Session {
        // Occurrences last at most a bucket, so any that overlaps [from, to] starts after from − bucket.
        let bucket = EventStore.bucket(windowMillis: windowMillis)
        // Only signals some hypothesis names can be evidence: the rest is never copied.
        let named = patterns.evidenceSignals
        // Evidence is kept by the number of its signal (its index in `names`), not by its name.
        let names = named.sorted()
        let number = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let namedTimelines = timelines.filter { named.contains($0.signature) }
        let namedExtra = extra.filter { named.contains($0.signature) }
        // The context occurrences that can be evidence (named; a merged chain of runs is not: its
        // runs are context timelines), once, as plain numbers: each incident's loop over its
        // window touches no occurrence. Still in `Correlator.before` order, so sorted by `first`.
        var candidates = ContextCandidates()
        for i in context.indices where !context[i].summary {
            guard let n = number[context[i].signature] else { continue }
            candidates.append(index: i, first: context[i].first.millis, last: context[i].last.millis, number: n)
        }
        var pool = EvidencePool(context: context, extra: namedExtra, timelines: namedTimelines, number: number)
        // Failures another controller relayed about an object (`QuotedCause.relayed`: the capture
        // `relayed`): read as the object's own by an incident about it (`requires`, classes).
        let relayed = timelines.filter { QuotedCause.holdsRelayedFailures($0, patterns: patterns) }
        // The healthy timelines of the controllers an `unless_healthy_since` condition names.
        let watched = Set(patterns.hypotheses.flatMap { $0.supports + $0.contradicts }.filter(\.unlessHealthySince).compactMap(\.controller))
        for t in timelines where t.role == .healthy && watched.contains(t.controller) { pool.healthy[t.controller, default: []].append(t) }
        let conditions = patterns.hypotheses.map { h in
            (supports: h.supports.map { Self.numbers($0, number) }, contradicts: h.contradicts.map { Self.numbers($0, number) })
        }
        // Per incident class, the signals that some hypothesis applying to it reads (its
        // conditions and the `when` of its steps): an incident's window is searched for those
        // only. A hypothesis with no classes applies to every class; a class no hypothesis
        // names gets those alone (`unclassed`).
        func wanted(_ applies: (Hypothesis) -> Bool) -> [Bool] {
            var out = [Bool](repeating: false, count: names.count)
            for h in patterns.hypotheses where applies(h) {
                for s in (h.supports + h.contradicts).flatMap(\.signals) + h.stepSignals {
                    if let n = number[s] { out[n] = true }
                }
            }
            return out
        }
        var wantedByClass: [String: [Bool]] = [:]
        for c in Set(patterns.hypotheses.flatMap(\.classes)) { wantedByClass[c] = wanted { $0.classes.isEmpty || $0.classes.contains(c) } }
        let unclassed = wanted { $0.classes.isEmpty }
        let one: (Incident) -> Incident = { [self] incident in
            var out = incident
            // While the failures went on: from the first failed attempt (the report's `began:`) to
            // the last failure record (`Incident.failureSpan`). The window reaches that far back
            // even when the attempts ran longer than it.
            let span = incident.failureSpan
            let from = min(incident.firstSeen.millis - windowMillis, span.from)
            var to = incident.lastSeen.millis
            var evidence = Evidence(pool)
            // Failures of its own objects that another controller relayed (`QuotedCause.relayed`),
            // up to `relayLagMillis` after its last event (notification-controller forwards an
            // event after the controller recorded it): the window reaches them.
            let own = Set([incident.upstream].compactMap { $0 } + incident.affected)
            var relayedIds: Set<String> = []
            for t in relayed where own.contains(t.object!) {
                guard let w = t.within(from: from, to: to + Self.relayLagMillis) else { continue }
                relayedIds.insert(t.signature)
                to = max(to, w.last)
            }
            // The classes of the errors its waits quote (`Incident.quotedCauses`) or that were
            // relayed: hypotheses of those classes apply too, and read the window for their signals.
            let quoted = Set(incident.quotedCauses).union(relayedIds)
            // A wait that quotes its source's error is about that error: the hypotheses of its
            // class apply, not those of waiting as such (trial 15: `dependency-not-ready` ranked
            // above the quoted 401's `registry-auth-failed`, read from another release's waits).
            // Relayed failures add their classes to the incident's own.
            let quotedClasses = incident.quotedCauses.compactMap { patterns.signature($0)?.failureClass }
            let classes = Set((quotedClasses.isEmpty ? [incident.failureClass] : quotedClasses)
                              + relayedIds.compactMap { patterns.signature($0)?.failureClass })
            var wants = classes.contains(incident.failureClass) ? wantedByClass[incident.failureClass] ?? unclassed : unclassed
            for c in classes where c != incident.failureClass {
                if let w = wantedByClass[c] { for n in w.indices where w[n] { wants[n] = true } }
            }
            var i = candidates.lowerBound(from - bucket)
            while i < candidates.first.count, candidates.first[i] <= to {
                if candidates.last[i] >= from, wants[Int(candidates.number[i])] {
                    evidence.indices[Int(candidates.number[i])].append(candidates.index[i])
                }
                i += 1
            }
            for k in pool.timelines.indices where wants[pool.timelineNumbers[k]] && pool.spans[k].first <= to && pool.spans[k].last >= from {
                if let w = pool.timelines[k].within(from: from, to: to) {
                    evidence.timelineHits[pool.timelineNumbers[k]].append(TimelineHit(timeline: k, window: w))
                }
            }
            for k in pool.extraSpans.indices where wants[pool.extraNumbers[k]] && pool.extraSpans[k].last >= from && pool.extraSpans[k].first <= to {
                evidence.extraIndices[pool.extraNumbers[k]].append(Int32(k))
            }
            if let silence {
                for o in silence.occurrences(from: span.from, to: span.to) {
                    if let n = number[o.signature], wants[n] { evidence.own[n].append(o) }
                }
            }
            var derived: Set<String> = []
            let sc = "source-controller"
            if let minutes = activity[sc], !minutes.isEmpty {
                // Silent over the minutes of the failed attempts, not only of the failure records:
                // a line at 10:12 inside attempts that ran from 10:10:24 to 10:14:00 is not silence.
                let a = span.from / 60_000, b = span.to / 60_000
                if !(a...b).contains(where: { minutes.contains($0) }) { derived.insert(DerivedSignal.sourceControllerSilent) }
            } else {
                derived.insert(DerivedSignal.sourceControllerLogsAbsent)
            }
            // Once per incident, not per hypothesis: what `requires` tests, and the filler of the steps.
            let signatures = incident.signatures.union(derived).union(quoted)
            var filler = PlaceholderFiller(incident: incident, fluxNamespace: fluxNamespace)
            if let source = Self.sourceByURL(of: incident, in: evidence) { filler.learnSource(source) }
            out.hypotheses = patterns.hypotheses.indices.compactMap { k in
                score(patterns.hypotheses[k], numbers: conditions[k], incident: incident, evidence: evidence, derived: derived,
                      signatures: signatures, classes: classes, filler: filler, activity: activity)
            }.sorted { a, b in a.confidence != b.confidence ? a.confidence > b.confidence : a.id < b.id }
            return out
        }
        return Session(score: one, jobs: jobs)
    }

    /// The source object (GitRepository, OCIRepository, HelmRepository, Bucket) whose failures in
    /// the incident's window name the same `url` as the incident's own signals, when exactly one
    /// such object is found; nil otherwise (`PlaceholderFiller.learnSource` takes it only when the
    /// incident names no source of its own). An
    /// ImageUpdateAutomation clones its GitRepository's URL with its credentials (FLUX-LOGS.md
    /// 3.4): a trial's automation in team-a failing `unable to clone 'https://github.com/acme/fleet'`
    /// beside GitRepository team-a/fleet failing on the same URL was told to look for
    /// `gitrepository <name>` in flux-system.
    static func sourceByURL(of incident: Incident, in evidence: Evidence) -> ObjectRef? {
        let urls = Set(incident.signals.compactMap { $0.captures["url"] }.filter { !$0.isEmpty })
        guard !urls.isEmpty else { return nil }
        var found: Set<ObjectRef> = []
        let pool = evidence.pool
        for list in evidence.indices {
            for i in list {
                let o = pool.context[Int(i)]
                guard let object = o.object, PlaceholderFiller.sourceWords[object.kind] != nil, !found.contains(object),
                      let url = PackedCaptures.value(of: "url", in: o.packedCaptures), urls.contains(url) else { continue }
                found.insert(object)
            }
        }
        return found.count == 1 ? found.first : nil
    }

    /// Scores incidents against the evidence of one finished scan (`session(sorted:extra:timelines:activity:)`).
    public struct Session: @unchecked Sendable {
        /// One incident with its `hypotheses` filled; reads only what the session was made of.
        let score: (Incident) -> Incident
        let jobs: Int

        /// Fills `hypotheses` of every incident, ranked by confidence (ties by id), as
        /// `Diagnoser.diagnose` does; the result does not depend on how incidents are batched
        /// nor on `jobs`.
        public func diagnose(_ incidents: [Incident]) -> [Incident] {
            let one = score
            // Incidents are scored independently (read-only inputs, one output slot each): on up to
            // `jobs` threads, worker w taking chunks w, w + width, ... (chunks of at most 64, at least
            // four per thread, so that uneven incidents spread).
            if jobs <= 1 || incidents.count < 2 { return incidents.map(one) }
            let results = UnsafeMutableBufferPointer<Incident?>.allocate(capacity: incidents.count)
            results.initialize(repeating: nil)
            defer { _ = results.deinitialize(); results.deallocate() }
            let slots = UnsafeSendable(results), work = UnsafeSendable(one), input = UnsafeSendable(incidents)
            let chunk = max(1, min(64, incidents.count / (jobs * 4)))
            let chunks = (incidents.count + chunk - 1) / chunk
            let width = min(jobs, chunks)
            DispatchQueue.concurrentPerform(iterations: width) { w in
                for c in stride(from: w, to: chunks, by: width) {
                    for k in c * chunk..<min(input.value.count, (c + 1) * chunk) { slots.value[k] = work.value(input.value[k]) }
                }
            }
            return results.map { $0! }
        }
    }

    /// Hands a buffer to `concurrentPerform`'s threads, each writing its own slots.
    private struct UnsafeSendable<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    /// The context occurrences that can be evidence, as parallel arrays (one element each, in
    /// the context's order): index in the context, first and last event time (milliseconds, UTC),
    /// number of the signal (`EvidencePool.number`).
    struct ContextCandidates {
        var index: [Int32] = []
        var first: [Int64] = []
        var last: [Int64] = []
        var number: [Int32] = []

        mutating func append(index i: Int, first f: Int64, last l: Int64, number n: Int) {
            index.append(Int32(i)); first.append(f); last.append(l); number.append(Int32(n))
        }

        /// The first position whose `first` is at least `millis` (`first` is sorted).
        func lowerBound(_ millis: Int64) -> Int {
            var lo = 0, hi = first.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if first[mid] < millis { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    /// What every incident's evidence is drawn from, prepared once per `diagnose`: the scan's
    /// context occurrences, the extra ones and the timelines that some hypothesis names, with
    /// what each incident reads of them as plain values. `number`: signal name → its number,
    /// the index of `Evidence`'s lists.
    struct EvidencePool {
        let context: [Occurrence]
        let extra: [Occurrence]
        let timelines: [Timeline]
        let number: [String: Int]
        /// Per extra occurrence: its first and last event time (milliseconds, UTC; every incident
        /// tests every one) and its signal's number.
        let extraSpans: [(first: Int64, last: Int64)]
        let extraNumbers: [Int]
        /// Per timeline: its span (most lie outside a short incident's window), its signal's
        /// number and its captures packed as occurrences hold them (`PackedCaptures`).
        let spans: [(first: Int64, last: Int64)]
        let timelineNumbers: [Int]
        let packed: [String]
        let packedOther: [[String]]
        /// Healthy timelines by controller, of the controllers that `unless_healthy_since`
        /// conditions name (`healthy(_:after:before:)`).
        var healthy: [String: [Timeline]] = [:]

        /// Whether `controller` logged a healthy record after `after` and before `before`
        /// (milliseconds, UTC). Entries are read as their first and last events: one that began
        /// before `after` and ended after `before` is taken as no proof (the store starts a new
        /// entry at a controller's start-up, so one that began after a start is what follows it).
        func healthy(_ controller: String, after: Int64, before: Int64) -> Bool {
            guard before > after + 1, let list = healthy[controller] else { return false }
            var found = false
            for t in list where !found {
                t.entries.forEach(reaching: after &+ 1) { e in
                    guard e.first < before else { return false }
                    if e.first > after || (e.last > after && e.last < before) { found = true; return false }
                    return true
                }
            }
            return found
        }

        /// - Parameters: as the properties; every signature of `extra` and `timelines` has a number.
        init(context: [Occurrence], extra: [Occurrence], timelines: [Timeline], number: [String: Int]) {
            self.context = context
            self.extra = extra
            self.timelines = timelines
            self.number = number
            extraSpans = extra.map { (first: $0.first.millis, last: $0.last.millis) }
            extraNumbers = extra.map { number[$0.signature]! }
            spans = timelines.map { $0.span ?? (.max, .min) }
            timelineNumbers = timelines.map { number[$0.signature]! }
            packed = timelines.map { PackedCaptures.pack($0.captures) }
            packedOther = timelines.map { $0.otherCaptures.map(PackedCaptures.pack) }
        }
    }

    /// What of one timeline lies within an incident's window (`Timeline.within`): made an
    /// occurrence only when a condition's hits need it (`Evidence.occurrence`).
    struct TimelineHit {
        /// Index in `EvidencePool.timelines`.
        var timeline: Int
        var window: (count: Int, first: Timeline.Entry, last: Int64)
    }

    /// One incident's evidence by signal number (`EvidencePool.number`; one list per number):
    /// occurrences of the scan's context and of the extra ones (restarts, lifetime evidence), by
    /// index (a long incident's window holds thousands; copies of them made diagnosis the peak of
    /// memory), what of each timeline lies in the window, and the incident's own queried
    /// occurrences (silence).
    struct Evidence {
        let pool: EvidencePool
        var indices: [[Int32]]
        var extraIndices: [[Int32]]
        var timelineHits: [[TimelineHit]]
        var own: [[Occurrence]]

        /// No evidence yet.
        init(_ pool: EvidencePool) {
            self.pool = pool
            indices = Array(repeating: [], count: pool.number.count)
            extraIndices = indices
            timelineHits = Array(repeating: [], count: pool.number.count)
            own = Array(repeating: [], count: pool.number.count)
        }

        /// Whether the window holds `signature` about any object but a failure or wrapper about
        /// one of `folded` (`Diagnoser.isFoldedEcho`).
        func contains(_ signature: String, except folded: Set<ObjectRef> = []) -> Bool {
            guard let n = pool.number[signature] else { return false }
            func kept(_ role: SignalRole, _ object: ObjectRef?) -> Bool { !Diagnoser.isFoldedEcho(role: role, object: object, folded: folded) }
            return indices[n].contains { kept(pool.context[Int($0)].role, pool.context[Int($0)].object) }
                || extraIndices[n].contains { kept(pool.extra[Int($0)].role, pool.extra[Int($0)].object) }
                || timelineHits[n].contains { kept(pool.timelines[$0.timeline].role, pool.timelines[$0.timeline].object) }
                || own[n].contains { kept($0.role, $0.object) }
        }

        /// Whether the window holds `signature` about one of `objects` or about no object (a
        /// controller's restart, its silence, a lifetime).
        func contains(_ signature: String, about objects: [ObjectRef]) -> Bool {
            guard let n = pool.number[signature] else { return false }
            func ours(_ o: ObjectRef?) -> Bool { o.map { objects.contains($0) } ?? true }
            return indices[n].contains { ours(pool.context[Int($0)].object) }
                || extraIndices[n].contains { ours(pool.extra[Int($0)].object) }
                || timelineHits[n].contains { ours(pool.timelines[$0.timeline].object) }
                || own[n].contains { ours($0.object) }
        }

        /// Where an item of evidence is: which list of signal number `n`, at which position.
        enum Item {
            case context(Int), extra(Int), timeline(n: Int, Int), own(n: Int, Int)
            /// What of timeline `k` (index in `EvidencePool.timelines`) lies within the incident's
            /// own span (a `during` condition's hit), or after its first failure (`afterFailure`).
            case span(timeline: Int, window: (count: Int, first: Timeline.Entry, last: Int64))
        }

        /// The item as an occurrence (a copy; a timeline's made as `Timeline.occurrence` makes it).
        func occurrence(_ item: Item) -> Occurrence {
            switch item {
            case .context(let i): return pool.context[i]
            case .extra(let i): return pool.extra[i]
            case .timeline(let n, let j):
                let hit = timelineHits[n][j], k = hit.timeline
                return pool.timelines[k].occurrence(hit.window, packed: pool.packed[k], packedOther: pool.packedOther[k])
            case .own(let n, let j): return own[n][j]
            case .span(let k, let window):
                return pool.timelines[k].occurrence(window, packed: pool.packed[k], packedOther: pool.packedOther[k])
            }
        }
    }

    /// What satisfied a condition: the first occurrence (`Correlator.before`; nil for a derived
    /// signal of silence or absence), the signatures and the events counted.
    struct Hits {
        var first: Occurrence?
        /// Per signature that satisfied the condition, the events it counted.
        var counts: [String: Int] = [:]
        /// The newest last event time of the hits (milliseconds, UTC); `Int64.min` when none.
        var last: Int64 = .min
        /// The objects the hits are about, each once (none for events about no object).
        var objects: [ObjectRef] = []
    }

    /// `c.signals`' numbers (`EvidencePool.number`), each once, in the order written; signals
    /// without a number have no evidence and are left out.
    static func numbers(_ c: SignalCondition, _ number: [String: Int]) -> [Int] {
        var out: [Int] = []
        for s in c.signals { if let n = number[s], !out.contains(n) { out.append(n) } }
        return out
    }

    /// The evidence that satisfies `c`, nil when none; empty `Hits` when a derived signal of
    /// silence or absence does. Occurrences are read in place, their captures from the packed
    /// strings; only the first (and, on a tie of first event times, the one it is compared with)
    /// is copied.
    /// - Parameters:
    ///   - numbers: `numbers(c, evidence.pool.number)`.
    ///   - span: when the incident's failures went on (`Incident.failureSpan`: from its first
    ///     failed attempt, else its first event, to its last event; milliseconds, UTC): a `during`
    ///     condition counts only events within it, the others the whole window;
    ///     `unless_healthy_since` reads its start as when the failures began.
    ///   - objects: the incident's objects (`PlaceholderFiller.objects`): a `sameObject`
    ///     condition counts only events about one of them (or about none).
    ///   - controllers: the incident's controllers: an `ownController` condition counts only
    ///     events of one of them (and, with a `controller`, holds only when it is one of them).
    ///   - folded: the objects of the incidents folded under this one (`Incident.downstream`),
    ///     not its own: their failures and wrappers are no evidence (`isFoldedEcho`).
    ///   - firstFailures: per controller, the first event time of the incident's own signals of
    ///     that controller (`firstFailures(of:)`): an `afterFailure` condition counts only events
    ///     that began after it.
    func present(_ c: SignalCondition, numbers: [Int], _ evidence: Evidence, _ derived: Set<String>,
                 span: (from: Int64, to: Int64), objects: [ObjectRef] = [], controllers: [String] = [],
                 folded: Set<ObjectRef> = [], firstFailures: [String: Int64] = [:]) -> Hits? {
        if c.ownController, let own = c.controller, !controllers.contains(own) { return nil }
        func echo(_ role: SignalRole, _ object: ObjectRef?) -> Bool { Self.isFoldedEcho(role: role, object: object, folded: folded) }
        // `holds`, and for an `ownController` condition only events of the incident's controllers:
        // a restart incident of source-controller cited kustomize-controller's `starting manager`
        // as "the controller started again" (trial 21).
        func holds(_ c: SignalCondition, controller: String, packed: String, other: [String]) -> Bool {
            (!c.ownController || controllers.contains(controller)) && self.holds(c, controller: controller, packed: packed, other: other)
        }
        if c.signals.contains(where: { derived.contains($0) }) { return Hits() }  // silence and absence
        var hits = Hits()
        var first: (item: Evidence.Item, millis: Int64)?
        let pool = evidence.pool
        // The failures of the incident's objects first: when they satisfy the condition, the
        // evidence cites them alone (a trial: an incident of GitRepository team-a/podinfo cited
        // `×29, first 02:10:03` and the line of flux-system's failure, the other incident's 15
        // records, ten minutes before its own began). Other objects' count only when none does.
        for ownOnly in [true, false] {
            for n in numbers {
                // One item that holds: counted, named, and the first if it comes before (by
                // `Correlator.before`, which compares first event times first).
                func take(_ item: Evidence.Item, millis: Int64, last: Int64, count: Int, signature s: String, object: ObjectRef?) {
                    hits.last = max(hits.last, last)
                    if let object, !hits.objects.contains(object) { hits.objects.append(object) }
                    if let f = first {
                        if millis < f.millis || (millis == f.millis && Correlator.before(evidence.occurrence(item), evidence.occurrence(f.item))) {
                            first = (item, millis)
                        }
                    } else {
                        first = (item, millis)
                    }
                    hits.counts[s, default: 0] += count
                }
                // A `during` condition: an occurrence counts when it overlaps the incident's span.
                func inSpan(_ o: Occurrence) -> Bool {
                    (!c.during || (o.last.millis >= span.from && o.first.millis <= span.to)) && ours(o.object)
                        && after(o.controller, o.first.millis)
                }
                // An `afterFailure` condition: an event counts when it began after the incident's
                // first failure of its controller.
                func after(_ controller: String, _ millis: Int64) -> Bool {
                    !c.afterFailure || firstFailures[controller].map { millis > $0 } ?? false
                }
                func ours(_ object: ObjectRef?) -> Bool { !c.sameObject || object.map { objects.contains($0) } ?? true }
                // `unless_healthy_since`: an event that ended before the failures began, after
                // which the controller was healthy again before them, is no evidence.
                func current(_ last: Int64) -> Bool {
                    !c.unlessHealthySince || last >= span.from || !pool.healthy(c.controller!, after: last, before: span.from)
                }
                // The first pass takes the failures and wrappers of the incident's objects alone.
                func mine(_ o: Occurrence) -> Bool {
                    !ownOnly || ((o.role == .failure || o.role == .wrapper) && o.object.map { objects.contains($0) } ?? false)
                }
                for i in evidence.indices[n] {
                    let i = Int(i)
                    guard !echo(pool.context[i].role, pool.context[i].object), mine(pool.context[i]), inSpan(pool.context[i]), current(pool.context[i].last.millis), holds(c, controller: pool.context[i].controller, packed: pool.context[i].packedCaptures,
                                other: pool.context[i].packedOtherCaptures) else { continue }
                    take(.context(i), millis: pool.context[i].first.millis, last: pool.context[i].last.millis, count: pool.context[i].count, signature: pool.context[i].signature, object: pool.context[i].object)
                }
                if !ownOnly {  // silence, restarts and lifetimes are no object's failures
                    for j in evidence.own[n].indices {
                        let o = evidence.own[n][j]
                        guard !echo(o.role, o.object), ours(o.object), after(o.controller, o.first.millis), current(o.last.millis),
                              holds(c, controller: o.controller, packed: o.packedCaptures, other: o.packedOtherCaptures) else { continue }
                        take(.own(n: n, j), millis: o.first.millis, last: o.last.millis, count: o.count, signature: o.signature, object: o.object)
                    }
                    for i in evidence.extraIndices[n] {
                        let i = Int(i)
                        guard !echo(pool.extra[i].role, pool.extra[i].object), inSpan(pool.extra[i]), current(pool.extra[i].last.millis),
                              holds(c, controller: pool.extra[i].controller, packed: pool.extra[i].packedCaptures,
                                    other: pool.extra[i].packedOtherCaptures) else { continue }
                        take(.extra(i), millis: pool.extra[i].first.millis, last: pool.extra[i].last.millis, count: pool.extra[i].count, signature: pool.extra[i].signature, object: pool.extra[i].object)
                    }
                }
                for j in evidence.timelineHits[n].indices {
                    let hit = evidence.timelineHits[n][j], k = hit.timeline
                    if echo(pool.timelines[k].role, pool.timelines[k].object) { continue }
                    // A failure's records may be a context timeline (a settled run): the first
                    // pass takes those of the incident's objects.
                    if ownOnly {
                        let t = pool.timelines[k]
                        guard t.role == .failure || t.role == .wrapper, let o = t.object, objects.contains(o) else { continue }
                    }
                    guard ours(pool.timelines[k].object), current(hit.window.last),
                          holds(c, controller: pool.timelines[k].controller, packed: pool.packed[k], other: pool.packedOther[k]) else { continue }
                    if c.afterFailure {
                        // The window's hit may begin before the first failure: read what follows it.
                        guard let ff = firstFailures[pool.timelines[k].controller], hit.window.last > ff,
                              let w = pool.timelines[k].within(from: max(ff + 1, c.during ? span.from : .min), to: c.during ? span.to : hit.window.last),
                              w.first.first > ff  // an entry that began before it is cited by its first event
                        else { continue }
                        take(.span(timeline: k, window: w), millis: w.first.first, last: w.last, count: w.count, signature: pool.timelines[k].signature,
                             object: pool.timelines[k].object)
                        continue
                    }
                    if c.during {
                        // The window's hit may begin before the incident: read the span alone.
                        guard let w = pool.timelines[k].within(from: span.from, to: span.to) else { continue }
                        take(.span(timeline: k, window: w), millis: w.first.first, last: w.last, count: w.count, signature: pool.timelines[k].signature,
                             object: pool.timelines[k].object)
                        continue
                    }
                    take(.timeline(n: n, j), millis: hit.window.first.first, last: hit.window.last, count: hit.window.count, signature: pool.timelines[k].signature,
                         object: pool.timelines[k].object)
                }
            }
            if first != nil { break }
        }
        guard let first else { return nil }
        // A state that held while the failures went on must still hold at their middle: a
        // source-controller that logged 13 s into a 24-minute outage and then died was not up.
        if c.during, hits.last < span.from + (span.to - span.from) / 2 { return nil }
        hits.first = evidence.occurrence(first.item)
        return hits
    }

    /// Per controller, the first event time (milliseconds, UTC) of the incident's own signals of
    /// that controller (its failures, their wrappers, the lifetime findings it was made of): what
    /// an `after_failure` condition's events must come after.
    static func firstFailures(of incident: Incident) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for s in incident.signals {
            guard let t = s.firstSeen?.millis else { continue }
            out[s.controller] = min(out[s.controller] ?? .max, t)
        }
        return out
    }

    /// Whether an event is an echo of the failure folded under an incident: a failure or wrapper
    /// about one of `folded`, the objects of its downstream incidents (docs/OUTPUT.md
    /// "Downstream incidents"). Those objects fail because the incident's object does (a
    /// Kustomization whose health check waits on the failed HelmRelease, a Kustomization whose
    /// source has no artifact), so their lines say nothing of why it does: diagnosis sees only
    /// the root's own events as its signals, and the folded ones are not evidence either (trial 21:
    /// `timeout waiting for: [HelmRelease/podinfo/podinfo status: 'InProgress']` of the folded
    /// Kustomization apps was cited as the workloads' health check and ranked
    /// health-check-timeout 0.858 over the HelmRelease's own Helm timeout).
    static func isFoldedEcho(role: SignalRole, object: ObjectRef?, folded: Set<ObjectRef>) -> Bool {
        guard role == .failure || role == .wrapper, let object else { return false }
        return folded.contains(object)
    }

    /// Whether an occurrence of `controller` with the packed captures `packed` (and `other`
    /// sets) meets `c`'s controller and capture tests.
    func holds(_ c: SignalCondition, controller: String, packed: String, other: [String]) -> Bool {
        if let ctl = c.controller, controller != ctl { return false }
        guard let cap = c.capture else { return true }
        func matches(_ set: String) -> Bool {
            guard let v = PackedCaptures.value(of: cap, in: set) else { return false }
            if let p = c.prefix, !v.hasPrefix(p) { return false }
            if c.min != nil || c.max != nil {
                guard let secs = parseGoDuration(v) ?? Double(v) else { return false }
                if let lo = c.min, secs < lo { return false }
                if let hi = c.max, secs > hi { return false }
            }
            return true
        }
        return matches(packed) || other.contains(where: matches)
    }

    func describe(_ c: SignalCondition, _ hits: Hits) -> String {
        guard let first = hits.first else { return "\(c.reason) [\(c.signal)]" }
        // Each signature with its own count: a sum read as the last one's (`controller-restarted,
        // controller-starting ×15` was 7 restarts and 8 starts).
        let names = hits.counts.sorted { $0.key < $1.key }.map { $0.value > 1 ? "\($0.key) ×\($0.value)" : $0.key }
        var s = "\(c.reason) [\(names.joined(separator: ", "))"
        if c.during, hits.last > first.first.millis {
            // A `during` hit: the run from its first to its last event went on while the
            // failures did (runs are recorded whole, so the first may come before them).
            s += " in runs from \(first.first.clock) to \(Timestamp(millis: hits.last).clock), first at \(first.location)]"
        } else {
            s += ", first \(first.first.clock), \(first.location)]"
        }
        return s
    }

    /// `h` scored on one incident's evidence, nil when it does not apply.
    /// - Parameters:
    ///   - numbers: per condition of `h.supports` and of `h.contradicts`, its signals' numbers
    ///     (`numbers(_:_:)`).
    ///   - signatures: the incident's signatures, the errors it quotes and the derived signals
    ///     (what `requires` tests).
    ///   - classes: the classes of the errors it quotes (`Incident.quotedCauses`), else its own
    ///     class, and those of failures relayed about its objects.
    ///   - filler: `PlaceholderFiller(incident: incident)`.
    func score(_ h: Hypothesis, numbers: (supports: [[Int]], contradicts: [[Int]]), incident: Incident, evidence: Evidence,
               derived: Set<String>, signatures: Set<String>, classes: Set<String>, filler: PlaceholderFiller,
               activity: [String: Set<Int64>]) -> RankedHypothesis? {
        if !h.classes.isEmpty, !h.classes.contains(where: classes.contains) { return nil }
        // `requires` looks at the incident's own signals; supports/contradicts at the whole window.
        if !h.requiresAny.isEmpty, !h.requiresAny.contains(where: signatures.contains) { return nil }
        if !h.requiresAll.allSatisfy(signatures.contains) { return nil }

        var logOdds = log(h.prior / (1 - h.prior))
        var forLines: [String] = [], againstLines: [String] = []
        let span = incident.failureSpan
        var filler = filler
        // The incident's own objects (upstream and affected): `filler.objects` goes on with those
        // of the incidents folded under it, whose steps it fills, but whose failures are no
        // evidence (`isFoldedEcho`).
        let own = Array(filler.objects.prefix(filler.ownObjects))
        let folded = Set(incident.downstream.flatMap(\.objects)).subtracting(own)
        // `only_with`: a condition about one kind of failure is left out of other incidents.
        func applies(_ c: SignalCondition) -> Bool { c.onlyWith.isEmpty || c.onlyWith.contains(where: signatures.contains) }
        let firstFailures = Self.firstFailures(of: incident)
        for (c, n) in zip(h.supports, numbers.supports) where applies(c) {
            if let hits = present(c, numbers: n, evidence, derived, span: span, objects: own, controllers: incident.controllers, folded: folded,
                                  firstFailures: firstFailures) {
                logOdds += c.weight
                forLines.append(describe(c, hits))
                // The workloads a wait about the incident's own object names (Helm's wait log).
                if let o = hits.first, let object = o.object, own.contains(object) {
                    filler.learnWorkloads(from: o.captures)
                }
                // The one source the supporting evidence is about, when the incident names none of
                // its kind (artifact-missing: `reconciliation is suspended for this object` of
                // GitRepository flux-system/flux-system, behind Kustomizations whose errors name
                // no source): the steps about a source of that kind name it.
                if hits.objects.count == 1 { filler.learnSource(hits.objects[0]) }
            } else if let ctl = c.controller, activity[ctl]?.isEmpty ?? true,
                      incident.controllers.contains(ctl) || filler.objects.isEmpty
                        || filler.objects.contains(where: { FluxControllers.byKind[$0.kind.lowercased()] == ctl }) {
                // Only about a controller the incident concerns: one of its own, or the one that
                // reconciles one of its objects (a Kustomization's overdue reconcile said that
                // helm-controller's silence could not be checked).
                againstLines.append("unknown: the input holds no \(ctl) logs, so this cannot be checked: \(c.reason)")
            }
        }
        for (c, n) in zip(h.contradicts, numbers.contradicts) where applies(c) {
            if let hits = present(c, numbers: n, evidence, derived, span: span, objects: own, controllers: incident.controllers, folded: folded,
                                  firstFailures: firstFailures) {
                logOdds -= c.weight
                againstLines.append(describe(c, hits))
                // Evidence against names the same workloads (Helm's wait log about a LoadBalancer).
                if let o = hits.first, let object = o.object, own.contains(object) {
                    filler.learnWorkloads(from: o.captures)
                }
            }
        }
        let confidence = 1 / (1 + exp(-logOdds))
        // Steps about what was seen come first (docs/SCORING.md "Checks and fixes"); the commands
        // name this incident's objects where it knows them (docs/OUTPUT.md).
        // What a step's `when`, `only_when` and `unless` test: the incident's own signals, and the
        // window's evidence about its objects, the source its supporting evidence named
        // (`learnSource`), or no object; another object's failure in the same window is another
        // incident's (a window with an image registry's 401 and an HTTP Helm repository's 401
        // gave both incidents the docker-registry and the basic-auth steps).
        let objects = own + filler.learned
        let seen: (String) -> Bool = {
            signatures.contains($0) || (objects.isEmpty ? evidence.contains($0, except: folded) : evidence.contains($0, about: objects))
        }
        return RankedHypothesis(
            id: h.id, title: h.title, confidence: (confidence * 1000).rounded() / 1000,
            evidenceFor: forLines, evidenceAgainst: againstLines,
            checks: Self.byEvidence(h.checks, h.checkSignals, h.checkKinds, onlyWhen: h.checkOnlyWhen, unless: h.checkUnless,
                                    objects: filler.objects, seen: seen).filter(filler.fits).map(filler.fill),
            remediation: Self.byEvidence(h.remediation, h.remediationSignals, h.remediationKinds, onlyWhen: h.remediationOnlyWhen,
                                         unless: h.remediationUnless, objects: filler.objects, seen: seen).filter(filler.fits).map(filler.fill))
    }

    /// `steps` without those about other kinds of object, those whose evidence is missing and
    /// those whose evidence says they do not apply: a step with `kinds` stays when one of
    /// `objects` has one of them, or when the incident names no object; a step with `onlyWhen`
    /// signals stays when one of them was seen; a step with `unless` signals stays when none of
    /// them was seen; then in `byEvidence`'s order.
    ///
    /// A step about a kind of source (its `kinds` name one of `FluxControllers.sourceKinds`,
    /// with or without the consumers that may fetch from it: `[GitRepository, Kustomization,
    /// HelmRelease]`) is about the incident's source when the incident names one: it stays when
    /// that source is of one of its kinds, whatever the consumers. A HelmRelease whose HelmChart
    /// could not be pulled (helm-controller's `HelmChart 'apps/apps-podinfo' is not ready: ...`,
    /// the chart's source a HelmRepository) was told the GitRepository steps, whose kinds
    /// include HelmRelease, with their `<name>` unfilled.
    /// - Parameters: `when`, `kinds`, `onlyWhen` and `unless` per step (missing or empty: any).
    static func byEvidence(_ steps: [String], _ when: [[String]], _ kinds: [[String]], onlyWhen: [[String]] = [],
                           unless: [[String]] = [], objects: [ObjectRef], seen: (String) -> Bool) -> [String] {
        let sources = objects.filter { FluxControllers.sourceKinds.contains($0.kind) }
        let kept = steps.indices.filter { k in
            if k < onlyWhen.count, !onlyWhen[k].isEmpty, !onlyWhen[k].contains(where: seen) { return false }
            if k < unless.count, unless[k].contains(where: seen) { return false }
            guard k < kinds.count, !kinds[k].isEmpty, !objects.isEmpty else { return true }
            let about = !sources.isEmpty && kinds[k].contains(where: FluxControllers.sourceKinds.contains) ? sources : objects
            return about.contains { kinds[k].contains($0.kind) }
        }
        return byEvidence(kept.map { steps[$0] }, kept.map { $0 < when.count ? when[$0] : [] }, seen: seen)
    }

    /// `steps` in a stable order: first those whose `when` signals include one that was seen, then
    /// those without `when`, then those about signals that were not seen.
    /// - Parameter when: per step, its signals (missing or empty: the step always applies).
    static func byEvidence(_ steps: [String], _ when: [[String]], seen: (String) -> Bool) -> [String] {
        func rank(_ k: Int) -> Int {
            let signals = k < when.count ? when[k] : []
            if signals.isEmpty { return 1 }
            return signals.contains(where: seen) ? 0 : 2
        }
        return steps.indices.sorted { a, b in rank(a) != rank(b) ? rank(a) < rank(b) : a < b }.map { steps[$0] }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
