/// The error a wait quotes, as the signature of the controller that logged it would name it.
///
/// helm-controller waits for the HelmChart it reads the chart from and logs the HelmChart's Ready
/// message: `HelmChart 'flux-system/db-postgres' is not ready: chart pull error: ... 401
/// Unauthorized` (FLUX-LOGS.md 3.2, 3.11). Read alone (`kubectl logs deploy/helm-controller`),
/// that wait was a transient dependency incident at `info` while the quoted 401 needed someone to
/// fix the credentials (a trial). A signature with `quotes:` (docs/PATTERNS.md) names the capture
/// that holds the quoted message and the controller that wrote it; the message is matched
/// against that controller's signatures, and the most specific failure among them is the quoted
/// cause: the wait's event keeps its id in the capture `quoted` (its incident takes that signature's
/// severity when higher: `Correlator.build`),
/// and an event of that signature joins as evidence (`Event.quoted`, role `lifecycle`).
enum QuotedCause {
    /// The most specific failure signature (highest severity, then longest regex, then id, as a
    /// record's own cause is chosen) of `controller` that hits `text`, other than `excluding`
    /// (the quoting signature itself), with its captures; nil when none does.
    /// - Parameters:
    ///   - text: the quoted message (UTF-8, decoded: no JSON escapes).
    ///   - facts: per signature index, what the scanner knows of it (`LogScanner.facts`).
    ///   - only: the signatures whose literals the prefilter found on the record's line (the
    ///     quote is part of it), nil for all.
    static func match(_ text: String, controller: String, matcher: SignatureMatcher, facts: [LogScanner.SignatureFacts],
                      excluding: Int, only: [Int]? = nil) -> SignatureHit? {
        hits(text, controller: controller, matcher: matcher, only: only)
            .filter { $0.signature != excluding && facts[$0.signature].role == .failure }
            .max { facts[$0.signature].isLessSpecific(than: facts[$1.signature]) }
    }

    /// The signatures of `controller` that hit `text` read as a record of its own (its message).
    static func hits(_ text: String, controller: String, matcher: SignatureMatcher, only: [Int]?) -> [SignatureHit] {
        var record = Record(location: SourceLocation(file: "", line: 0))
        record.message = text
        record.payload = text
        record.controller = controller
        return matcher.match(record, only: only)
    }

    /// The evidence a relayed message holds (`Signature.relays`): `text` matched as a record of
    /// `controller`; each hit that is not healthy becomes an event of its signature with role
    /// `lifecycle`, marked `Event.quoted` (not counted as a hit) and with the capture `relayed`
    /// (the relaying signature's id), which the diagnosis reads as a failure of the object the
    /// event is about (`Diagnoser`: `requires`, classes). A message that hits a healthy signature
    /// is a success: only its healthy hits, as healthy events. Time, object, place and text are
    /// the caller's to set.
    ///
    /// Evidence, not failures: the object's own controller logs the same failure (a second copy
    /// made every count double, trial 15) except what helm-controller at info level leaves out,
    /// the Helm error and Helm's wait log that the `UpgradeFailed` event carries (trial 14: the
    /// report said "the Helm error says why" without it).
    /// - Parameter only: the signatures whose literals the prefilter found on the record's line,
    ///   nil for all.
    static func relayed(_ text: String, controller: String, by relaying: String, matcher: SignatureMatcher,
                        facts: [LogScanner.SignatureFacts], only: [Int]? = nil) -> [Event] {
        var found = hits(text, controller: controller, matcher: matcher, only: only)
        let healthy = keepSuccess(&found, signature: \.signature, facts: facts)
        return found.map { hit in
            let f = facts[hit.signature]
            var captures = hit.captures
            captures["relayed"] = relaying
            var e = Event(time: nil, controller: controller, object: nil, signature: f.id, severity: f.severity,
                          role: healthy ? .healthy : .lifecycle, failureClass: f.failureClass, captures: captures,
                          location: SourceLocation(file: "", line: 0), level: .unknown, text: text, stream: 0,
                          signatureIndex: hit.signature)
            e.quoted = true
            return e
        }
    }

    /// A relayed success is only that: when a hit is healthy, only the healthy hits stay, as
    /// healthy events of the object (what resolves an incident known from relayed failures alone,
    /// `relayedFailures`). True when so (the events' role is then `healthy`, else `lifecycle`).
    /// Shared by `relayed` and the in-place read of a relay (`StreamState.quick`).
    static func keepSuccess<T>(_ found: inout [T], signature: (T) -> Int, facts: [LogScanner.SignatureFacts]) -> Bool {
        let healthy = found.contains { facts[signature($0)].role == .healthy }
        if healthy { found.removeAll { facts[signature($0)].role != .healthy } }
        return healthy
    }

    /// Whether `t` holds failures (or wrappers) another controller relayed about an object: its
    /// captures name `relayed` (`relayed(_:controller:by:...)`).
    static func holdsRelayedFailures(_ t: Timeline, patterns: PatternSet) -> Bool {
        guard t.object != nil, t.captures["relayed"] != nil || t.otherCaptures.contains(where: { $0["relayed"] != nil }),
              let role = patterns.signature(t.signature)?.role else { return false }
        return role == .failure || role == .wrapper
    }

    /// How long before its object's own record a relay of the same failure may be stamped: 5 s
    /// (the controller logs the failure and then sends its event, so the relay normally comes
    /// milliseconds after; the two pods' clocks and a record's inherited time may put it a
    /// little before).
    static let relayLeadMillis: Int64 = 5_000

    /// `timelines` without the relayed events that only repeat a record of the object's own
    /// controller: notification-controller's `dispatching event` of a failure its object's
    /// controller logged itself (kustomize-controller's `Reconciliation failed after ..., next
    /// try in ...`, whose `error` is the event's message: `r.event(obj, ...,
    /// reconcileErr.Error(), ...)`, FLUX-LOGS.md 1.4 and 3.1), or of a success it logged
    /// (`Reconciliation finished in ...`). Counted as well, one failure was two in hypothesis
    /// evidence (`health-check-timeout ×2` for one record, confidence as if twice seen) and each
    /// relayed success one more healthy line. A relayed timeline's entry (its captures name
    /// `relayed`; the store keeps relayed events apart, `EventStore.ExampleKey.relayed`) is dropped
    /// when a record of the same signature, controller and object (the relayed message is matched
    /// as that controller's record, so the same message hits the same signature), not itself
    /// relayed, overlaps the entry's relays widened by `Diagnoser.relayLagMillis` before them and
    /// `relayLeadMillis` after; a timeline with no entry left is dropped. What stays counts where
    /// the relay is all there is (helm-controller at info level logs no Helm error; its
    /// controller's log not given, or not from then). The own records are `occurrences` (runs)
    /// and the other timelines (healthy and lifecycle ones, and those of settled runs,
    /// `EventStore.settle(runs:)`), so the answer does not depend on how the input was read
    /// (`scan`, `--jobs`, `follow`).
    static func withoutOwnCopies(_ timelines: [Timeline], occurrences: [Occurrence]) -> [Timeline] {
        struct Key: Hashable { var signature: String, controller: String, object: ObjectRef }
        func key(_ t: Timeline) -> Key? { t.object.map { Key(signature: t.signature, controller: t.controller, object: $0) } }
        let relayed = Set(timelines.indices.filter { timelines[$0].object != nil && timelines[$0].captures["relayed"] != nil })
        guard !relayed.isEmpty else { return timelines }
        let wanted = Set(relayed.compactMap { key(timelines[$0]) })
        // The own records' spans (first, last event; milliseconds, UTC) per key.
        var own: [Key: [(first: Int64, last: Int64)]] = [:]
        for o in occurrences {
            guard let object = o.object else { continue }
            let k = Key(signature: o.signature, controller: o.controller, object: object)
            guard wanted.contains(k), PackedCaptures.value(of: "relayed", in: o.packedCaptures) == nil else { continue }
            own[k, default: []].append((o.first.millis, o.last.millis))
        }
        for (i, t) in timelines.enumerated() where !relayed.contains(i) {
            guard let k = key(t), wanted.contains(k), t.captures["relayed"] == nil else { continue }
            for e in t.entries { own[k, default: []].append((e.first, e.last)) }
        }
        guard !own.isEmpty else { return timelines }
        var out: [Timeline] = []
        out.reserveCapacity(timelines.count)
        for (i, t) in timelines.enumerated() {
            guard relayed.contains(i), let spans = own[key(t)!] else {
                out.append(t)
                continue
            }
            var kept = t
            kept.entries.removeAll { e in
                spans.contains { $0.first - relayLeadMillis <= e.last && e.first <= $0.last + Diagnoser.relayLagMillis }
            }
            if !kept.entries.isEmpty { out.append(kept) }
        }
        return out
    }

    /// Whether failures relayed about the objects of `controller` are all the input says of them:
    /// no record of `controller` was read (`activity`, controller → minutes with a record). Then
    /// they are its failures (`relayedFailures`), and those before `--since` count as under way
    /// (`ScanResult.beforeSince`).
    static func standsAlone(_ controller: String, activity: [String: Set<Int64>]) -> Bool {
        activity[controller]?.isEmpty ?? true
    }

    /// Failures relayed about objects whose controller's log is not in the input at all (no
    /// record of it was read, `activity`): then the relay is all there is, and its failures are
    /// the object's (trial 15: notification-controller's log alone showed no incident). One
    /// occurrence per timeline entry (a bucket of half the window), role as the signature
    /// declares. Timelines that hold relayed events are those whose captures name `relayed`.
    static func relayedFailures(_ timelines: [Timeline], activity: [String: Set<Int64>], patterns: PatternSet) -> [Occurrence] {
        var out: [Occurrence] = []
        for t in timelines where standsAlone(t.controller, activity: activity) {
            guard holdsRelayedFailures(t, patterns: patterns) else { continue }
            let packed = PackedCaptures.pack(t.captures), other = t.otherCaptures.map(PackedCaptures.pack)
            t.entries.forEach(reaching: .min) { e in
                out.append(t.occurrence((Int(e.count), e, e.last), packed: packed, packedOther: other))
                return true
            }
        }
        return out
    }
}
