import Dispatch
/// Scores every applicable hypothesis against every incident (docs/SCORING.md):
///
///     log-odds = logit(prior) + Σ weight(supports present) − Σ weight(contradicts present)
///     confidence = 1 / (1 + e^(−log-odds))
///
/// A hypothesis applies to an incident when its `classes` contain the incident's class (or are
/// empty) and its `requires` hold. Evidence is the incident's own events plus every event of any
/// controller from `window` before the incident's first event to its last event, and the derived
/// signals (`source-controller-silent`, `source-controller-logs-absent`).
public struct Diagnoser {
    public let patterns: PatternSet
    public var windowMillis: Int64
    /// When set, `controller-silent` occurrences are added to each incident's evidence.
    public var silence: SilenceIndex?
    /// Threads that score incidents (`--jobs`); the result does not depend on it.
    public var jobs = 1

    public init(patterns: PatternSet, windowSeconds: Double = 900) {
        self.patterns = patterns
        self.windowMillis = Int64(windowSeconds * 1000)
    }

    /// Fills `hypotheses` of every incident, ranked by confidence (ties by id).
    /// - Parameters:
    ///   - occurrences: every occurrence of the scan (any role), used as context.
    ///   - activity: controller → epoch minutes with at least one record (for silence).
    ///   - timelines: healthy and lifecycle signals, queried per window.
    /// Occurrences come in `Correlator.before` order, plus a few `extra` ones (derived signals
    /// such as container restarts) in any order.
    public func diagnose(_ incidents: [Incident], sorted context: [Occurrence], extra: [Occurrence], timelines: [Timeline],
                         activity: [String: Set<Int64>]) -> [Incident] {
        // Occurrences last at most a bucket, so any that overlaps [from, to] starts after from − bucket.
        let bucket = EventStore.bucket(windowMillis: windowMillis)
        // Only signals some hypothesis names can be evidence: the rest is never copied.
        let named = Set(patterns.hypotheses.flatMap {
            ($0.supports + $0.contradicts).flatMap(\.signals) + ($0.checkSignals + $0.remediationSignals).flatMap { $0 }
        })
        let namedTimelines = timelines.filter { named.contains($0.signature) }
        // Per timeline, once: its span (most lie outside a short incident's window) and its
        // captures packed as occurrences hold them.
        let spans = namedTimelines.map { $0.span ?? (.max, .min) }
        let packed = namedTimelines.map { PackedCaptures.pack($0.captures) }
        let packedOther = namedTimelines.map { $0.otherCaptures.map(PackedCaptures.pack) }
        let namedExtra = extra.filter { named.contains($0.signature) }
        // Their times as plain numbers: every incident tests every one (no copies of them).
        let extraSpans = namedExtra.map { (first: $0.first.millis, last: $0.last.millis) }
        // Evidence is kept by the number of its signal (its index in `names`), not by its name.
        let names = named.sorted()
        let number = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let extraNumbers = namedExtra.map { number[$0.signature]! }
        let timelineNumbers = namedTimelines.map { number[$0.signature]! }
        // The context occurrences that can be evidence (named; a merged chain of runs is not: its
        // runs are context timelines), once, as plain numbers: each incident's loop over its
        // window touches no occurrence. Still in `Correlator.before` order, so sorted by `first`.
        var candidates = ContextCandidates()
        for i in context.indices where !context[i].summary {
            guard let n = number[context[i].signature] else { continue }
            candidates.append(index: i, first: context[i].first.millis, last: context[i].last.millis, number: n)
        }
        let one: (Incident) -> Incident = { incident in
            var out = incident
            let from = incident.firstSeen.millis - windowMillis, to = incident.lastSeen.millis
            var evidence = Evidence(context: context, extra: namedExtra, number: number)
            func add(_ o: Occurrence, _ n: Int) { evidence.own[n].append(o) }
            var i = candidates.lowerBound(from - bucket)
            while i < candidates.first.count, candidates.first[i] <= to {
                if candidates.last[i] >= from { evidence.indices[Int(candidates.number[i])].append(candidates.index[i]) }
                i += 1
            }
            for k in namedTimelines.indices where spans[k].first <= to && spans[k].last >= from {
                if let w = namedTimelines[k].within(from: from, to: to) {
                    add(namedTimelines[k].occurrence(w, packed: packed[k], packedOther: packedOther[k]), timelineNumbers[k])
                }
            }
            for k in extraSpans.indices where extraSpans[k].last >= from && extraSpans[k].first <= to {
                evidence.extraIndices[extraNumbers[k]].append(Int32(k))
            }
            if let silence {
                for o in silence.occurrences(from: incident.firstSeen.millis, to: incident.lastSeen.millis) {
                    if let n = number[o.signature] { add(o, n) }
                }
            }
            var derived: Set<String> = []
            let sc = "source-controller"
            if let minutes = activity[sc], !minutes.isEmpty {
                let a = incident.firstSeen.millis / 60_000, b = incident.lastSeen.millis / 60_000
                if !(a...b).contains(where: { minutes.contains($0) }) { derived.insert(DerivedSignal.sourceControllerSilent) }
            } else {
                derived.insert(DerivedSignal.sourceControllerLogsAbsent)
            }
            out.hypotheses = patterns.hypotheses.compactMap { h in
                score(h, incident: incident, evidence: evidence, derived: derived, activity: activity)
            }.sorted { a, b in a.confidence != b.confidence ? a.confidence > b.confidence : a.id < b.id }
            return out
        }
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

    /// Hands a buffer to `concurrentPerform`'s threads, each writing its own slots.
    private struct UnsafeSendable<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    /// The context occurrences that can be evidence, as parallel arrays (one element each, in
    /// the context's order): index in the context, first and last event time (milliseconds, UTC),
    /// number of the signal (`Evidence.number`).
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

    /// One incident's evidence by signal number (`number`: signal name → index of the lists):
    /// occurrences of the scan's context and of the extra ones (restarts, lifetime evidence), by
    /// index (a long incident's window holds thousands; copies of them made diagnosis the peak of
    /// memory), and the incident's own queried ones (timelines, silence).
    struct Evidence {
        let context: [Occurrence]
        let extra: [Occurrence]
        let number: [String: Int]
        var indices: [[Int32]]
        var extraIndices: [[Int32]]
        var own: [[Occurrence]]

        init(context: [Occurrence], extra: [Occurrence], number: [String: Int]) {
            self.context = context
            self.extra = extra
            self.number = number
            indices = Array(repeating: [], count: number.count)
            extraIndices = indices
            own = Array(repeating: [], count: number.count)
        }

        func contains(_ signature: String) -> Bool {
            guard let n = number[signature] else { return false }
            return !indices[n].isEmpty || !extraIndices[n].isEmpty || !own[n].isEmpty
        }

        func forEach(_ signature: String, _ body: (Occurrence) -> Void) {
            guard let n = number[signature] else { return }
            for i in indices[n] { body(context[Int(i)]) }
            for i in extraIndices[n] { body(extra[Int(i)]) }
            for o in own[n] { body(o) }
        }
    }

    /// What satisfied a condition: the first occurrence (`Correlator.before`; nil for a derived
    /// signal of silence or absence), the signatures and the events counted.
    struct Hits {
        var first: Occurrence?
        var names: Set<String> = []
        var count = 0
    }

    /// The evidence that satisfies `c`, nil when none; empty `Hits` when a derived signal of
    /// silence or absence does.
    func present(_ c: SignalCondition, _ evidence: Evidence, _ derived: Set<String>) -> Hits? {
        if c.signals.contains(where: { derived.contains($0) }) { return Hits() }  // silence and absence
        var hits = Hits()
        for signature in Set(c.signals) {
            evidence.forEach(signature) { e in
                if let ctl = c.controller, e.controller != ctl { return }
                if let cap = c.capture {
                    let matches = ([e.captures] + e.otherCaptures).contains { captures in
                        guard let v = captures[cap] else { return false }
                        if let p = c.prefix, !v.hasPrefix(p) { return false }
                        if c.min != nil || c.max != nil {
                            guard let secs = parseGoDuration(v) ?? Double(v) else { return false }
                            if let lo = c.min, secs < lo { return false }
                            if let hi = c.max, secs > hi { return false }
                        }
                        return true
                    }
                    if !matches { return }
                }
                if hits.first == nil || Correlator.before(e, hits.first!) { hits.first = e }
                hits.names.insert(e.signature)
                hits.count += e.count
            }
        }
        return hits.first == nil ? nil : hits
    }

    func describe(_ c: SignalCondition, _ hits: Hits) -> String {
        guard let first = hits.first else { return "\(c.reason) [\(c.signal)]" }
        let names = hits.names.sorted().joined(separator: ", ")
        let count = hits.count
        var s = "\(c.reason) [\(names)"
        s += count > 1 ? " ×\(count)" : ""
        s += ", first \(first.first.clock), \(first.location)]"
        return s
    }

    func score(_ h: Hypothesis, incident: Incident, evidence: Evidence, derived: Set<String>,
               activity: [String: Set<Int64>]) -> RankedHypothesis? {
        if !h.classes.isEmpty, !h.classes.contains(incident.failureClass) { return nil }
        // `requires` looks at the incident's own signals; supports/contradicts at the whole window.
        let signatures = incident.signatures.union(derived)
        if !h.requiresAny.isEmpty, !h.requiresAny.contains(where: signatures.contains) { return nil }
        if !h.requiresAll.allSatisfy(signatures.contains) { return nil }

        var logOdds = log(h.prior / (1 - h.prior))
        var forLines: [String] = [], againstLines: [String] = []
        for c in h.supports {
            if let hits = present(c, evidence, derived) {
                logOdds += c.weight
                forLines.append(describe(c, hits))
            } else if let ctl = c.controller, activity[ctl]?.isEmpty ?? true {
                againstLines.append("unknown: the input holds no \(ctl) logs, so this cannot be checked: \(c.reason)")
            }
        }
        for c in h.contradicts {
            if let hits = present(c, evidence, derived) {
                logOdds -= c.weight
                againstLines.append(describe(c, hits))
            }
        }
        let confidence = 1 / (1 + exp(-logOdds))
        // Steps about what was seen come first (docs/SCORING.md "Checks and fixes"); the commands
        // name this incident's objects where it knows them (docs/OUTPUT.md).
        let seen: (String) -> Bool = { evidence.contains($0) || signatures.contains($0) }
        let filler = PlaceholderFiller(incident: incident)
        return RankedHypothesis(
            id: h.id, title: h.title, confidence: (confidence * 1000).rounded() / 1000,
            evidenceFor: forLines, evidenceAgainst: againstLines,
            checks: Self.byEvidence(h.checks, h.checkSignals, seen: seen).map(filler.fill),
            remediation: Self.byEvidence(h.remediation, h.remediationSignals, seen: seen).map(filler.fill))
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
