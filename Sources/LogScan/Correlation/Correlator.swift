/// The evidence of one signature from one controller inside an incident (CONTRACT.md `signals`).
public struct SignalSummary: Sendable, Codable {
    public var signature: String
    public var controller: String
    public var count: Int
    public var firstSeen: Timestamp?
    public var lastSeen: Timestamp?
    /// Captures of the first event.
    public var captures: [String: String]
    /// The first event's source.
    public var location: SourceLocation
    /// The first kept text among the signal's events (see `EventStore`).
    public var example: Example?
    public var role: SignalRole

    /// Where the shown record is: the kept text's own place (a later event's when the first
    /// kept none), else the first event's. The reports print it next to `example`'s text, so that
    /// a place and a text are always one record's (CONTRACT.md `example`: source, line, text).
    public var examplePlace: SourceLocation { example?.location ?? location }
}

/// Whether an incident's objects recovered after its last failure (CONTRACT.md `status`).
public enum IncidentStatus: String, Sendable, Codable { case open, resolved }

/// A root-cause hypothesis scored against one incident.
public struct RankedHypothesis: Sendable, Codable {
    public var id: String
    public var title: String
    /// Confidence in [0, 1] (docs/SCORING.md).
    public var confidence: Double
    public var evidenceFor: [String]
    public var evidenceAgainst: [String]
    public var checks: [String]
    public var remediation: [String]
}

/// The incidents of the same failure (`Incident.recurrenceKey`) before an incident: how many,
/// and the latest of them (JSON `earlier`, docs/OUTPUT.md). A failure that comes back after a
/// quiet window is an incident of its own; this tells the reader it is not new.
public struct Earlier: Sendable, Codable, Equatable {
    /// Incidents of the same failure that began before this one (at least 1).
    public var count: Int
    /// The latest of them: its id, span (event time, UTC) and status.
    public var id: String
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    public var status: IncidentStatus
}

/// An incident already under way when `--since` begins its window: the failure records of its
/// objects before the window, left out of the incident (its `firstSeen` is in the window), that
/// the same failure went on from (a trial: "already failing since" was told on standard error
/// only, and the JSON's `first_seen` read as the failure's start).
public struct UnderWay: Sendable, Codable, Equatable {
    /// The first and the last failure record left out (UTC).
    public var first: Timestamp
    public var last: Timestamp
    /// How many failure and wrapper records were left out.
    public var count: Int

    /// What of `failing` (`ScanResult.failingAtSince`: per object, the failure records before
    /// `since` of objects not healthy again before it) belongs to an incident about `objects`
    /// whose first event is `firstSeen`: the records of those objects, when the last of them is
    /// within `gapMillis` (`Correlator.failureGap`) of the incident's first event, so that it is
    /// the same failure going on, not one that stopped and came back, or when the incident
    /// begins within the reach of a next try those records announced (`nextTries`:
    /// `ScanResult.nextTryBeforeSince`, UTC milliseconds per object; `Correlator.nextTryReach`).
    /// nil when none.
    public static func of(objects: [ObjectRef], firstSeen: Timestamp, gapMillis: Int64,
                          failing: [ObjectRef?: (first: Int64, last: Int64, count: Int)],
                          nextTries: [ObjectRef?: Int64] = [:]) -> UnderWay? {
        var out: UnderWay?
        for o in Set(objects) {
            guard let f = failing[o],
                  firstSeen.millis - f.last <= gapMillis || firstSeen.millis <= (nextTries[o] ?? .min) else { continue }
            if var u = out {
                u.first = Timestamp(millis: min(u.first.millis, f.first))
                u.last = Timestamp(millis: max(u.last.millis, f.last))
                u.count += f.count
                out = u
            } else {
                out = UnderWay(first: Timestamp(millis: f.first), last: Timestamp(millis: f.last), count: f.count)
            }
        }
        return out
    }
}

/// Events that share a cause: one failure class and one upstream object within the window.
public struct Incident: Sendable, Codable {
    public var id: String
    public var title: String
    public var severity: Severity
    public var status: IncidentStatus
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    public var controllers: [String]
    /// Affected objects and the upstream object, sorted.
    public var objects: [String]
    /// The object whose failure the incident is about (the artifact's source, or the object itself).
    public var upstream: ObjectRef?
    /// Objects whose reconciliation failed (consumers), sorted.
    public var affected: [ObjectRef]
    public var failureClass: String
    public var signals: [SignalSummary]
    public var hypotheses: [RankedHypothesis] = []
    /// The signatures of the incident's own events (failure and wrapper).
    public var signatures: Set<String>
    /// Whether the incident is about events that did not reach notification-controller (class
    /// `event-delivery`, also when a DNS or dial error was its cause): see `resolutionTargets`.
    public var eventDelivery = false
    /// Incidents of objects that wait on this one, folded under it (`Cascade`), by first seen.
    public var downstream: [DownstreamIncident] = []
    /// Noise the cluster absorbed by itself, reported at `info` (`TransientRule`, docs/SCORING.md
    /// "Transient incidents").
    public var transient = false
    /// For a resolved incident: the healthy event that followed its last failure (`Recovery`),
    /// set by `Analysis`; nil while open.
    public var recovery: Recovery?
    /// The same failure earlier in the input (`Earlier`), set by `IncidentStream`; nil when this
    /// is its first incident.
    public var earlier: Earlier?
    /// When the Helm action that failed began (`ActionStart`), set by `IncidentStream`; nil when
    /// no HelmRelease of the incident logged one in the window before its first failure.
    public var actionStart: ActionStart?
    /// With `--since`: the failure records of the incident's objects that came before the window
    /// and were left out, when the failure went on into the window (`UnderWay.of`), set by
    /// `IncidentStream`; nil without `--since` or when the incident began in the window.
    public var underWay: UnderWay?
    /// The signatures of the errors its waits quote (`QuotedCause`: the capture `quoted` of its
    /// events), sorted: the diagnosis reads them as the incident's own (`requires`, classes),
    /// and an incident that quotes a cause someone must act on is not transient.
    public var quotedCauses: [String] = []

    /// The first failed attempt, when it began well before `firstSeen`: a failure or wrapper signal
    /// that says how long it ran (capture `duration`: kustomize-controller's `Reconciliation failed
    /// after 3m35.3s`, `health check failed after 5m0.00481s`, FLUX-LOGS.md 3.1-3.3) began that
    /// long before its first record, and the earliest such start is taken (`began`, UTC; `signal`
    /// says it). nil when no signal says, or when it began less than `attemptLeadMillis` before
    /// `firstSeen` (a reconcile that failed within seconds adds nothing). The text report's
    /// `began:` line and the diagnosis' `failureSpan` read it.
    public var firstAttempt: (began: Timestamp, signal: SignalSummary)? {
        var best: (began: Int64, signal: SignalSummary)?
        for s in signals where s.role == .failure || s.role == .wrapper {
            guard let d = s.captures["duration"], let secs = parseGoDuration(d), let first = s.firstSeen else { continue }
            let began = first.millis - Int64((secs * 1000).rounded())
            if best == nil || began < best!.began { best = (began, s) }
        }
        guard let b = best, b.began <= firstSeen.millis - Self.attemptLeadMillis else { return nil }
        return (Timestamp(millis: b.began), b.signal)
    }
    /// How long before `firstSeen` a failed attempt must have begun to be `firstAttempt`: 10 s.
    public static let attemptLeadMillis: Int64 = 10_000
    /// From when to when the failures went on (UTC milliseconds): from the first failed attempt
    /// (`firstAttempt`, the report's `began:`), else the first failure record, to the last one.
    /// What the diagnosis reads as "while the failures went on" (docs/SCORING.md): a `during`
    /// condition, `unless_healthy_since`, and the silence of source-controller and of the other
    /// controllers (`source-controller-silent`, `controller-silent`). A record at 10:14:00 of a
    /// reconcile that failed after 3m35.3s of refused downloads spans 10:10:24 to 10:14:00.
    public var failureSpan: (from: Int64, to: Int64) {
        (firstAttempt.map { min($0.began.millis, firstSeen.millis) } ?? firstSeen.millis, lastSeen.millis)
    }

    /// What makes two incidents the same failure at different times: the class and the object
    /// the failure is about (the upstream, else the affected objects, else the controllers for
    /// an incident about them). The correlator splits one failure into two incidents only where
    /// more than a window passed without it, so equal keys mean the failure came back.
    public var recurrenceKey: String {
        let about = upstream.map(\.description) ?? (affected.isEmpty ? controllers.joined(separator: ",")
            : affected.map(\.description).joined(separator: ","))
        return failureClass + "|" + about
    }
    /// The objects whose healthy events resolve the incident (CONTRACT.md `resolved`): its
    /// affected objects, else its upstream; an incident about the controllers themselves (no
    /// object, a class of `controllerScoped`) is resolved by a healthy event of each of its
    /// controllers, whatever the object (`ObjectRef.controller`).
    ///
    /// Events that did not reach notification-controller (`eventDelivery`) are an exception: a
    /// healthy reconciliation of the object they were about says nothing about delivery (a trial:
    /// such an incident was resolved by it while events were still lost). They are over when
    /// notification-controller received an event again (its `dispatching event` or `discarding
    /// event, no alerts found`: `controller_healthy` signals), so their target is
    /// notification-controller; with no notification-controller log in the input they stay open.
    public var resolutionTargets: [ObjectRef] {
        Self.resolutionTargets(affected: affected, upstream: upstream, failureClass: failureClass, controllers: controllers,
                               eventDelivery: eventDelivery)
    }
    /// `resolutionTargets` of an incident with these parts.
    static func resolutionTargets(affected: [ObjectRef], upstream: ObjectRef?, failureClass: String, controllers: [String],
                                  eventDelivery: Bool) -> [ObjectRef] {
        if eventDelivery { return [.controller("notification-controller")] }
        if !affected.isEmpty { return affected }
        if let upstream { return [upstream] }
        return controllerScoped.contains(failureClass) ? controllers.map(ObjectRef.controller) : []
    }
    /// Failure classes about a controller's own state, not an object's: its requests to the
    /// Kubernetes API (`apiserver`: lease reads and updates, API timeouts, throttling, caches)
    /// and its leader lease (`leader-election`). A reconciliation that the controller finishes
    /// healthy afterwards needed both (it reads and patches objects through the API, and only
    /// the leader reconciles: controller-runtime's manager starts the controllers once elected),
    /// so it is the healthy signal such an incident waits for (CONTRACT.md `resolved`).
    static let controllerScoped: Set<String> = ["apiserver", "leader-election"]
    /// How far the incident's announced next tries reach (UTC milliseconds,
    /// `Correlator.nextTryReach`): a failure of its objects until then still joins it, so it is
    /// not closed while reading before then (Pipeline/Closing.swift). Includes what folded under
    /// it (`Cascade`). nil when none announced one, or the window is below
    /// `Correlator.maxRetryDelayMillis`. `lastSeen` stays the last real event.
    public var nextTryDue: Int64?
    /// The event store's runs the incident (and what folded under it) was built from, for
    /// closing it while reading (`EventStore.settle(runs:)`).
    var runs: [Int32] = []
}

/// What the report ranks incidents by (CONTRACT.md): the most severe first, open before resolved,
/// then by first event, then by id. `Incident` and `IncidentStream.Entry` share it.
public protocol ReportOrdered {
    var severity: Severity { get }
    var status: IncidentStatus { get }
    /// Event time, UTC.
    var firstSeen: Timestamp { get }
    var id: String { get }
}

extension ReportOrdered {
    /// Whether this comes before `o` in the report.
    public func precedes(inReport o: some ReportOrdered) -> Bool {
        if severity != o.severity { return severity > o.severity }
        if status != o.status { return status == .open }
        if firstSeen != o.firstSeen { return firstSeen < o.firstSeen }
        return id < o.id
    }
}

extension Incident: ReportOrdered {}

/// What the runs of incidents closed while reading taught about upstreams (Pipeline/Closing.swift):
/// object → upstream → events, counted for every occurrence still to correlate, and the runs that
/// began too late to count for all of them (by first event, UTC milliseconds), counted for an
/// occurrence only when they began at most a window after it.
public struct LearnedUpstreams: Sendable {
    public struct Naming: Sendable {
        public var first: Int64
        public var object: ObjectRef
        public var upstream: ObjectRef
        public var count: Int
    }
    public var counts: [ObjectRef: [ObjectRef: Int]] = [:]
    /// The (object, upstream) pairs the waiting namings name, each once.
    private var pairs: [(object: ObjectRef, upstream: ObjectRef)] = []
    private var pairIndex: [ObjectRef: [ObjectRef: Int32]] = [:]
    /// The namings still waiting, sorted by `first`, then object and upstream: 24 bytes each (a
    /// lasting incident's merged runs leave thousands waiting until the end of the input).
    private var waiting: [(first: Int64, pair: Int32, count: Int)] = []
    public init() {}

    /// The namings that began too late to count for every occurrence still to correlate, by first
    /// event (UTC milliseconds).
    public var pending: [Naming] { waiting.indices.map(naming) }
    /// How many namings wait (`pending.count`, without building them).
    public var pendingCount: Int { waiting.count }
    /// The first event of the `i`-th waiting naming (UTC milliseconds).
    public func pendingFirst(_ i: Int) -> Int64 { waiting[i].first }
    /// The `i`-th waiting naming.
    public func naming(_ i: Int) -> Naming {
        let w = waiting[i], p = pairs[Int(w.pair)]
        return Naming(first: w.first, object: p.object, upstream: p.upstream, count: w.count)
    }

    private mutating func wait(_ namings: some Sequence<Naming>) {
        for n in namings {
            let pair: Int32
            if let i = pairIndex[n.object]?[n.upstream] {
                pair = i
            } else {
                pair = Int32(pairs.count)
                pairs.append((n.object, n.upstream))
                pairIndex[n.object, default: [:]][n.upstream] = pair
            }
            waiting.append((n.first, pair, n.count))
        }
        waiting.sort { a, b in
            if a.first != b.first { return a.first < b.first }
            let x = pairs[Int(a.pair)], y = pairs[Int(b.pair)]
            return (x.object, x.upstream) < (y.object, y.upstream)
        }
    }

    /// Adds the namings of settled runs, then counts for everyone those that began at most a
    /// window after `oldest`, the first event of the oldest occurrence still to correlate.
    mutating func add(_ namings: [Naming], oldest: Int64, windowMillis: Int64) {
        wait(namings)
        // `oldest` is `.max` when nothing is left to correlate: everything counts.
        let limit = oldest > Int64.max - windowMillis ? Int64.max : oldest + windowMillis
        var k = 0
        while k < waiting.count, waiting[k].first <= limit {
            let p = pairs[Int(waiting[k].pair)]
            counts[p.object, default: [:]][p.upstream, default: 0] += waiting[k].count
            k += 1
        }
        waiting.removeFirst(k)
        if waiting.isEmpty {
            pairs = []
            pairIndex = [:]
        }
    }

    /// Merges what another part learned.
    mutating func absorb(_ o: LearnedUpstreams) {
        for (obj, m) in o.counts { for (u, n) in m { counts[obj, default: [:]][u, default: 0] += n } }
        wait(o.pending)
    }
}

/// Groups occurrences into incidents in event time (DESIGN.md "Correlation and diagnosis",
/// CONTRACT.md semantics): failures by (class, upstream object), split where two are more than
/// `window` apart; wrappers join an incident of the same object; healthy signals after the last
/// failure resolve it. The result does not depend on input order: occurrences are sorted by time
/// and content before grouping.
public struct Correlator {
    /// The gap in event time that closes an incident, in milliseconds (default 15 min).
    public var windowMillis: Int64
    public let patterns: PatternSet

    /// Ids of the signatures that quote another controller's error (`Signature.quotes`): only
    /// their occurrences may carry the capture `quoted` (unpacking every occurrence's captures
    /// to look cost 2 % of a run).
    let quoting: Set<String>

    public init(patterns: PatternSet, windowSeconds: Double = 900) {
        self.patterns = patterns
        self.windowMillis = Int64(windowSeconds * 1000)
        quoting = Set(patterns.signatures.filter { $0.quotes != nil }.map(\.id))
        announcing = Set(patterns.signatures.filter { !$0.healthy && $0.regex.names.contains { $0.name == "next" } }.map(\.id))
    }

    /// Ids of the failure and wrapper signatures whose regex captures `next` (a next try the
    /// record announces, `nextTryReach`): only their occurrences are unpacked to look.
    let announcing: Set<String>

    /// Flux controllers retry a failing object after an exponential backoff capped at
    /// `--max-retry-delay`, 15 minutes by default (fluxcd/pkg runtime/controller/rate_limiter.go:
    /// 750 ms doubling to 15 m), and log the next failure once that attempt has run as well
    /// (a GitRepository's or OCIRepository's `spec.timeout` is 60 s by default). So an object that
    /// keeps failing logs a failure every 15 minutes and some seconds: with the default window
    /// (15 m) each retry was an incident of its own (a trial: a deleted branch for three hours, 11
    /// incidents of 0 s). When the window is at least the cap, a gap up to the window plus
    /// `retryAllowanceMillis` continues a failure's incident.
    public static let maxRetryDelayMillis: Int64 = 15 * 60_000
    /// What a retry's own attempt may add to the capped delay (milliseconds): 2 minutes.
    public static let retryAllowanceMillis: Int64 = 2 * 60_000

    /// The largest gap in event time between two failures of one incident (milliseconds): the
    /// window, and the retry allowance when the window holds Flux's retry cap.
    public static func failureGap(windowMillis: Int64) -> Int64 {
        windowMillis >= maxRetryDelayMillis ? windowMillis + retryAllowanceMillis : windowMillis
    }

    /// A failed reconciliation that Flux logs with the time of its next attempt continues its
    /// incident until that attempt is due: kustomize-controller's `Reconciliation failed after
    /// 1.2s, next try in 1h0m0s` (`kustomization-reconciliation-failed`, captures `duration` and
    /// `next`; kustomize-controller internal/controller/kustomization_controller.go, FLUX-LOGS.md
    /// 3.1) requeues the object after `next` (its `spec.retryInterval`, else `spec.interval`), and
    /// the next failure is logged when that attempt ends. An object with an interval of 1h fails
    /// once an hour, each failure more than a window after the one before: it was one incident
    /// per hour (a trial user). The reach of such a failure is the time it was logged plus `next`,
    /// plus the attempt's own duration (`duration`, the `after` of the line, as the next attempt's
    /// estimate), plus `nextTryGraceMillis`; the next failure of the same object within it joins
    /// the incident, whatever the gap. Only at a window of at least `maxRetryDelayMillis` (the
    /// default, `followsNextTries`): a shorter window is the user's choice to see attempts apart,
    /// as for the capped retry delay (`failureGap`).
    /// What the next attempt may take beyond the announced time and the last attempt's own
    /// duration (milliseconds): 2 minutes.
    public static let nextTryGraceMillis: Int64 = 2 * 60_000
    /// The longest announced wait (`next` plus `duration`) a reach counts, in seconds: 7 days
    /// (an interval longer than that is not a retry a report waits for; it also keeps a bogus
    /// capture from overflowing the milliseconds).
    public static let nextTryLimitSeconds: Double = 7 * 86_400

    /// Whether announced next tries continue incidents at this window (milliseconds): when the
    /// window holds Flux's retry cap (`maxRetryDelayMillis`, 15 minutes; the default window).
    public static func followsNextTries(windowMillis: Int64) -> Bool { windowMillis >= maxRetryDelayMillis }

    /// The reach of a failure logged at `millis` (UTC milliseconds) whose record announced its
    /// next try (captures `next` and `duration`, Go durations as `time.Duration.String` writes
    /// them: `1h0m0s`, `1.2s`): `millis` plus `next`, plus `duration`, plus `nextTryGraceMillis`,
    /// the largest over the capture sets given (a run's first event's and its variants). nil
    /// when none holds a positive `next`. Announced waits are counted up to `nextTryLimitSeconds`.
    public static func nextTryReach(captures: [[String: String]], at millis: Int64) -> Int64? {
        var best: Int64?
        for c in captures {
            guard let next = c["next"].flatMap(parseGoDuration), next > 0 else { continue }
            let after = c["duration"].flatMap(parseGoDuration) ?? 0
            let wait = min(next + max(after, 0), nextTryLimitSeconds)
            let reach = millis + Int64(wait * 1000) + nextTryGraceMillis
            best = max(best ?? reach, reach)
        }
        return best
    }

    /// Deterministic order: time, then content, then place.
    static func ordered(_ list: [Occurrence]) -> [Occurrence] {
        list.sorted(by: before)
    }

    /// Sorts `list` in `before` order, in place, with the same result as `list.sort(by: before)`:
    /// the same sort runs over indices (4 bytes each) with the same comparisons, and the
    /// occurrences then move along the permutation's cycles. The sort's merge buffer holds
    /// indices instead of occurrences (about 260 bytes each; a close sorts every run held).
    static func sort(_ list: inout [Occurrence]) {
        guard list.count > 1 else { return }
        var order = (0..<Int32(list.count)).map { $0 }
        list.withUnsafeBufferPointer { p in order.sort { before(p[Int($0)], p[Int($1)]) } }
        // Position j takes the occurrence at order[j]: follow each cycle once, marking with -1.
        for start in order.indices where order[start] >= 0 {
            var j = start
            while true {
                let k = Int(order[j])
                order[j] = -1
                if k == start { break }
                list.swapAt(j, k)
                j = k
            }
        }
    }

    static func before(_ a: Occurrence, _ b: Occurrence) -> Bool {
        if a.first != b.first { return a.first < b.first }
        if a.signature != b.signature { return a.signature < b.signature }
        if a.controller != b.controller { return a.controller < b.controller }
        let ao = a.object?.description ?? "", bo = b.object?.description ?? ""
        if ao != bo { return ao < bo }
        let ac = a.captures.sorted { $0.key < $1.key }.description, bc = b.captures.sorted { $0.key < $1.key }.description
        if ac != bc { return ac < bc }
        return a.location < b.location
    }

    /// - Parameters:
    ///   - input: failure and wrapper occurrences (others are ignored).
    ///   - healthyUntil: the newest healthy event per object (milliseconds, UTC): an incident whose
    ///     objects all have a later one is `resolved`.
    /// Groups occurrences already in `Correlator.before` order (failure and wrapper ones).
    /// - Parameter healthyUntil: the newest healthy event per object (milliseconds, UTC): an
    ///   incident whose objects all have a later one is `resolved`.
    /// - Parameter learned: what the runs of incidents closed while reading (no longer in `list`)
    ///   taught about upstreams (`EventStore.learnedUpstreams`).
    public func correlate(sorted list: [Occurrence], healthyUntil: [ObjectRef: Int64],
                          learned: LearnedUpstreams = LearnedUpstreams()) -> [Incident] {

        // Learn which upstream each object fetches from (object → upstream → events), from events
        // that name both; one without an upstream of its own takes the upstream its object's
        // events named most, counting those that began at most a window after it (ties by name).
        // Counting no further keeps the answer the same when incidents are closed while reading.
        // Signatures whose regex can name an upstream (a `source_kind` group) are about fetching
        // from it: when a line carries no URL (kustomize-controller's 404 line does not), the
        // upstream is unknown, and such events of one class and controller share an incident.
        let upstreamBearing = Set(patterns.signatures.filter { $0.regex.names.contains { $0.name == "source_kind" } }.map(\.id))
        var counts = learned.counts
        var ups = [ObjectRef?](repeating: nil, count: list.count)
        var next = 0, nextPending = 0
        for (i, o) in list.enumerated() {
            let horizon = o.first.millis + windowMillis
            while nextPending < learned.pendingCount, learned.pendingFirst(nextPending) <= horizon {
                let p = learned.naming(nextPending)
                counts[p.object, default: [:]][p.upstream, default: 0] += p.count
                nextPending += 1
            }
            while next < list.count, list[next].first.millis <= horizon {
                let n = list[next]
                if let obj = n.object, let u = n.upstream, obj != u { counts[obj, default: [:]][u, default: 0] += n.namingCount ?? n.count }
                next += 1
            }
            if let u = o.upstream {
                ups[i] = u
            } else if o.role == .failure, Self.sharedCause(o) != nil {
                // One cause behind several objects' failures (`sharedCause`): the incident is
                // about all of them, none is another's upstream.
                ups[i] = nil
            } else if let obj = o.object {
                if let m = counts[obj], let best = m.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) {
                    ups[i] = best.key
                } else {
                    ups[i] = upstreamBearing.contains(o.signature) ? nil : obj
                }
            }
        }

        // Announced next tries (`nextTryReach`): each occurrence's own, and per object when and
        // how far each reaches, by the time it was logged (its run's last event).
        let followNext = Self.followsNextTries(windowMillis: windowMillis) && !announcing.isEmpty
        var ownReach: [Int: Int64] = [:]
        var announced: [ObjectRef: [(at: Int64, reach: Int64)]] = [:]
        if followNext {
            for (i, o) in list.enumerated() where announcing.contains(o.signature) {
                guard let r = Self.nextTryReach(captures: [o.captures] + o.otherCaptures, at: o.last.millis) else { continue }
                ownReach[i] = r
                if let obj = o.object { announced[obj, default: []].append((o.last.millis, r)) }
            }
            for k in announced.keys { announced[k]!.sort { $0.at != $1.at ? $0.at < $1.at : $0.reach < $1.reach } }
        }
        // How far occurrence `i` reaches (UTC milliseconds): its own announcement, else the
        // furthest of those its object's records made during its run (the wrapper line that
        // carries `next try in` is its failure's record: `Reconciliation failed after 1.2s, next
        // try in 1h0m0s` with the cause in `error`). nil when none.
        func reach(_ i: Int) -> Int64? {
            guard followNext else { return nil }
            if let r = ownReach[i] { return r }
            let o = list[i]
            guard let obj = o.object, let a = announced[obj] else { return nil }
            var lo = 0, hi = a.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if a[mid].at < o.first.millis { lo = mid + 1 } else { hi = mid }
            }
            var best: Int64?
            while lo < a.count, a[lo].at <= o.last.millis {
                best = max(best ?? a[lo].reach, a[lo].reach)
                lo += 1
            }
            return best
        }

        // 1. Failures grouped by (class, upstream), split by the gap (the window, with the retry
        // allowance: `failureGap`), except where an object's announced next try reaches (`reach`).
        let gap = Self.failureGap(windowMillis: windowMillis)
        struct Key: Hashable { var cls: String; var upstream: String }
        func group<S: Sequence>(_ items: S, key: (Int) -> Key) -> [[Int]] where S.Element == Int {
            var groups: [Key: [[Int]]] = [:]
            var lastEnd: [Key: Int64] = [:]
            // Per key and object, how far the group's announced next tries reach.
            var due: [Key: [ObjectRef: Int64]] = [:]
            var order: [Key] = []
            for i in items {
                let o = list[i]
                let k = key(i)
                if groups[k] == nil { order.append(k) }
                let awaited = o.object.flatMap { due[k]?[$0] }.map { o.first.millis <= $0 } ?? false
                // Mutated in place: copying the key's runs out and back made grouping quadratic.
                if let end = lastEnd[k], o.first.millis - end <= gap || awaited {
                    groups[k, default: []][groups[k]!.count - 1].append(i)
                } else {
                    groups[k, default: []].append([i])
                }
                lastEnd[k] = max(lastEnd[k] ?? Int64.min, o.last.millis)
                if let obj = o.object, let r = reach(i) { due[k, default: [:]][obj] = max(due[k]?[obj] ?? r, r) }
            }
            return order.flatMap { groups[$0]! }
        }
        var drafts = group(list.indices.lazy.filter { list[$0].role == .failure }) {
            if let shared = Self.sharedCause(list[$0]) { return Key(cls: list[$0].failureClass, upstream: shared) }
            return Key(cls: list[$0].failureClass, upstream: ups[$0]?.description ?? "unknown upstream, controller:" + list[$0].controller)
        }

        // 2. Wrappers join the nearest incident holding their object within the window; the rest
        // form incidents of their own, grouped like failures.
        // A wrapper about no object (lease and API lines) joins by its controller instead.
        var byObject: [ObjectRef: [Int]] = [:]
        var byController: [String: [Int]] = [:]
        var spans: [(Int64, Int64)] = []
        for (i, d) in drafts.enumerated() {
            spans.append((d.map { list[$0].first.millis }.min()!, d.map { list[$0].last.millis }.max()!))
            for obj in Set(d.compactMap { list[$0].object }) { byObject[obj, default: []].append(i) }
            for c in Set(d.filter { list[$0].object == nil }.map { list[$0].controller }) { byController[c, default: []].append(i) }
        }
        // Where each wrapper went (nil: none within the window); see the chains below.
        var joined: [Int: Int] = [:]
        var wrappers: [Int] = []
        for (j, o) in list.enumerated() where o.role == .wrapper {
            wrappers.append(j)
            var best: (index: Int, distance: Int64)?
            if let candidates = o.object.map({ byObject[$0] ?? [] }) ?? byController[o.controller] {
                for i in candidates {
                    let (first, last) = spans[i]
                    let distance = o.last.millis < first ? first - o.last.millis : (o.first.millis > last ? o.first.millis - last : 0)
                    // Ties go to the incident that began first, then to the lower index: an order
                    // of content, which closing incidents while reading does not change.
                    if distance <= windowMillis, best == nil || distance < best!.distance
                        || (distance == best!.distance && first < spans[best!.index].0) { best = (i, distance) }
                }
            }
            if let best { joined[j] = best.index }
        }
        // A wrapper too far from every failure still joins the incident that the wrappers of its
        // object (or controller) next to it, each within the window of the one before, joined:
        // a HelmRelease whose `Helm install failed` (a wrapper of an unknown cause) came every
        // 2 to 5 minutes from 02:01 until `exceeded maximum retries` (a failure) at 02:23 was
        // two incidents, the early attempts more than a window before the failure (a trial).
        func chainKey(_ o: Occurrence) -> String { o.object?.description ?? "controller:" + o.controller }
        for forward in [true, false] {
            var reach: [String: (draft: Int, edge: Int64)] = [:]
            for j in forward ? wrappers : wrappers.reversed() {
                let o = list[j], key = chainKey(o)
                if let d = joined[j] {
                    reach[key] = (d, forward ? o.last.millis : o.first.millis)
                } else if let r = reach[key], forward ? o.first.millis - r.edge <= windowMillis : r.edge - o.last.millis <= windowMillis {
                    joined[j] = r.draft
                    reach[key] = (r.draft, forward ? o.last.millis : o.first.millis)
                }
            }
        }
        var loose: [Int] = []
        for j in wrappers {
            if let d = joined[j] { drafts[d].append(j) } else { loose.append(j) }
        }
        // Wrappers with no failure to join: one incident per object, whatever their classes (a
        // generic `Reconciler error` and a specific `Helm upgrade failed` on the same object).
        drafts += group(loose) { Key(cls: "wrapper", upstream: list[$0].object?.description ?? "controller:" + list[$0].controller) }

        // 3. Build incidents.
        // At its exact size, sorted in place (not grown by doubling, nor a sorted copy): a close
        // correlates every run held.
        var incidents: [Incident] = []
        incidents.reserveCapacity(drafts.count)
        for d in drafts {
            // `list` is in `Correlator.before` order, so are ascending indices.
            let idx = d.sorted()
            // A shared cause (`sharedCause`) has no upstream object, whatever its wrappers name;
            // downloads from the artifact server (and lookups of its name) keep theirs while they
            // all name one source.
            let shared = idx.contains { list[$0].role == .failure && Self.sharedCause(list[$0]) != nil }
            var upstream = shared ? nil : idx.lazy.compactMap { ups[$0] }.first
            if shared, idx.allSatisfy({
                list[$0].role != .failure || Self.artifactServerFailures.contains(list[$0].signature)
                    || Self.artifactServerLookups.contains(list[$0].signature)
            }) {
                let sources = Set(idx.filter { list[$0].role == .failure }.compactMap { ups[$0] })
                if sources.count == 1 { upstream = sources.first }
            }
            var incident = build(idx.map { list[$0] }, upstream: upstream, healthyUntil: healthyUntil)
            if followNext { incident.nextTryDue = idx.compactMap(reach).max() }
            incidents.append(incident)
        }
        incidents.sort { $0.precedes(inReport: $1) }
        return incidents
    }

    /// A kind's plural in a title: `Kustomizations`, `HelmReleases`, `GitRepositories`,
    /// `ImagePolicies` (English: a consonant before a final y makes -ies).
    static func plural(_ kind: String) -> String {
        if kind.hasSuffix("y"), let before = kind.dropLast().last, !"aeiouAEIOU".contains(before) { return kind.dropLast() + "ies" }
        return kind + "s"
    }

    /// The one cause a failure shares with other objects' failures of its kind, so that they
    /// make one incident with every object affected instead of one incident per object (a trial:
    /// 20 Kustomizations whose events could not reach notification-controller were 20
    /// incidents, four GitRepositories behind one timing-out cluster DNS four):
    /// - a name that does not resolve (`nameNotFound`): the name (capture `host`);
    /// - the cluster DNS failing (`dns-timeout`, `dns-server-misbehaving`, `dns-refused`): the
    ///   DNS server's address (capture `dns_ip`, Go's `lookup <host> on <ip>:53`);
    /// - events not delivered (class `event-delivery`): notification-controller's host;
    /// - downloads that never reached the artifact server (`artifactServerFailures`): its host;
    /// - requests to the Kubernetes API that name no object (class `apiserver`, lease reads and
    ///   updates, API timeouts): the cluster has one API server (a trial: four controllers in
    ///   one API outage were four incidents, each citing the others' records as its evidence).
    /// Nil for every other failure (grouped by its upstream or object).
    static func sharedCause(_ o: Occurrence) -> String? {
        if o.failureClass == "dns" {
            let name = Self.nameNotFound.contains(o.signature)
            if name, let h = o.captures["host"], !h.isEmpty { return "dns name " + h }
            if !name, let ip = o.captures["dns_ip"], !ip.isEmpty { return "dns server " + ip }
        }
        if o.failureClass == "event-delivery", let h = o.captures["host"], !h.isEmpty { return "events to " + h }
        if Self.artifactServerFailures.contains(o.signature), let h = o.captures["host"], !h.isEmpty { return "artifact server " + h }
        // Requests of every controller to the cluster's API server (`https://10.96.0.1:443/...`,
        // and lease renewals that name no address): one outage.
        if o.failureClass == "apiserver", o.object == nil { return "kubernetes api" }
        return nil
    }

    /// Downloads that never reached source-controller's artifact server (refused, timed out,
    /// unreachable: the connection, not the artifact): one cause behind every source whose
    /// artifact was asked for then (a trial: one OOM-killed source-controller was 14 incidents,
    /// one per GitRepository, some diagnosed as a NetworkPolicy and some as the restart). A
    /// missing artifact (`artifact-not-found`, a 404) stays its source's own incident.
    static let artifactServerFailures: Set<String> = ["artifact-fetch-connection-refused", "artifact-fetch-timeout", "artifact-fetch-unreachable"]

    /// Lookups of the artifact server's own name that failed (dns.yaml: NXDOMAIN, timeouts,
    /// SERVFAIL or refused for the host of an artifact URL). Their incident is the name's or the
    /// DNS server's (`sharedCause`), and keeps the source the URLs name while they all name one,
    /// as downloads that never reached the server do (`artifactServerFailures`).
    static let artifactServerLookups: Set<String> = ["dns-artifact-server-no-such-host", "dns-artifact-server-timeout", "dns-artifact-server-failed"]

    /// NXDOMAIN failures: one incident per name that does not exist, whatever asked for it.
    static let nameNotFound: Set<String> = ["dns-no-such-host", "dns-artifact-server-no-such-host"]

    func build(_ occ: [Occurrence], upstream: ObjectRef?, healthyUntil: [ObjectRef: Int64]) -> Incident {
        // The cause names the incident: its first failure, else its first wrapper that is not a
        // generic reconcile wrapper (class `reconcile`).
        let primary = occ.first { $0.role == .failure } ?? occ.first { $0.failureClass != "reconcile" } ?? occ[0]
        let first = occ.map(\.first).min()!, last = occ.map(\.last).max()!
        let affected = Array(Set(occ.compactMap(\.object))).sorted()
        var objects = Set(affected.map(\.description))
        if let upstream { objects.insert(upstream.description) }
        // The errors its waits quote count as its own (`QuotedCause`): a wait on a HelmChart
        // whose pull is refused with 401 is an error, as the HelmChart's own record would be.
        let quotedCauses = quoting.isEmpty ? []
            : Set(occ.lazy.filter { quoting.contains($0.signature) }.flatMap { [$0.captures] + $0.otherCaptures }.compactMap { $0["quoted"] }).sorted()
        let severity = (occ.map(\.severity) + quotedCauses.compactMap { patterns.signature($0)?.severity }).max() ?? .error

        // Signals: one per (signature, controller); the first occurrence gives captures and place,
        // the first kept text the example.
        var summaries: [String: SignalSummary] = [:]
        var summaryOrder: [String] = []
        for o in occ {
            let key = o.signature + "\u{0}" + o.controller
            if var s = summaries[key] {
                s.count += o.count
                s.lastSeen = max(s.lastSeen ?? o.last, o.last)
                if s.example == nil { s.example = o.example }
                summaries[key] = s
            } else {
                summaries[key] = SignalSummary(signature: o.signature, controller: o.controller, count: o.count,
                                               firstSeen: o.first, lastSeen: o.last, captures: o.captures,
                                               location: o.location, example: o.example, role: o.role)
                summaryOrder.append(key)
            }
        }
        let signals = summaryOrder.map { summaries[$0]! }.sorted { a, b in
            if (a.role == .failure) != (b.role == .failure) { return a.role == .failure }
            if a.count != b.count { return a.count > b.count }
            return a.signature < b.signature
        }

        // Resolved when every affected object has a healthy event after the last failure.
        // A record that failed to deliver an event (class `event-delivery`, FLUX-LOGS.md 3.14) is
        // about notification-controller, whatever its cause: `unable to record event ... lookup
        // notification-controller... no such host` names the delivery, with the DNS answer as its
        // cause, not a DNS failure of the object the event was about. (The scanner made the
        // delivery signature a wrapper of the DNS one on that record: the DNS error is the cause.)
        let wrappedDelivery = primary.failureClass == "event-delivery" ? nil
            : occ.first(where: { $0.failureClass == "event-delivery" && $0.location == primary.location })
        let eventDelivery = primary.failureClass == "event-delivery" || wrappedDelivery != nil

        let controllers = Array(Set(occ.map(\.controller))).sorted()
        let targets = Incident.resolutionTargets(affected: affected, upstream: upstream, failureClass: primary.failureClass,
                                                 controllers: controllers, eventDelivery: eventDelivery)
        var status = IncidentStatus.open
        if !targets.isEmpty, targets.allSatisfy({ (healthyUntil[$0] ?? Int64.min) > last.millis }) { status = .resolved }

        let sig = patterns.signature(primary.signature)
        var title = sig?.title ?? primary.signature
        // A wait that quotes its source's error is titled by the error (`QuotedCause`).
        if quoting.contains(primary.signature), let q = primary.captures["quoted"], let quoted = patterns.signature(q) { title = quoted.title }
        if let delivery = wrappedDelivery {
            title = "\(patterns.signature(delivery.signature)?.title ?? delivery.signature) (\(title))"
        }
        if let upstream, !affected.contains(upstream) || affected.count > 1 {
            let consumers = affected.filter { $0 != upstream }
            title += " for \(upstream)"
            if !consumers.isEmpty {
                let kinds = Set(consumers.map(\.kind))
                let noun = kinds.count == 1 ? (consumers.count > 1 ? Self.plural(consumers[0].kind) : consumers[0].kind) : "objects"
                title += ": \(consumers.count) \(noun) failing"
            }
        } else if upstream == nil, affected.count > 1 {
            let kinds = Set(affected.map(\.kind))
            title += ": \(affected.count) \(kinds.count == 1 ? Self.plural(affected[0].kind) : "objects") failing"
        } else if let o = affected.first {
            title += ": \(o)"
        }

        let text = primary.example?.text ?? ""
        let id = fnv1a64([primary.signature, upstream?.description ?? "", String(first.millis), text].joined(separator: "\u{1}"))
        var incident = Incident(
            id: id, title: title, severity: severity, status: status, firstSeen: first, lastSeen: last,
            controllers: controllers, objects: objects.sorted(),
            upstream: upstream, affected: affected, failureClass: primary.failureClass,
            signals: signals, signatures: Set(occ.map(\.signature)))
        incident.eventDelivery = eventDelivery
        incident.quotedCauses = quotedCauses
        incident.runs = occ.compactMap { $0.run >= 0 ? $0.run : nil }
        TransientRule.apply(to: &incident, patterns: patterns)
        return incident
    }
}

/// FNV-1a, 64 bits, as 16 hex digits: a stable id that depends only on its input text.
func fnv1a64(_ s: String) -> String {
    var h: UInt64 = 0xcbf29ce484222325
    for b in s.utf8 {
        h ^= UInt64(b)
        h = h &* 0x100000001b3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
