/// When and how a resolved incident recovered: the healthy event that followed its last failure
/// on the object that was healthy again last (CONTRACT.md: `resolved` means "a healthy signal for
/// the incident's objects follows its last failure"; this says which one and when).
///
/// Healthy signals are kept as timelines of entries, one per bucket of event time
/// (`EventStore`), and the store starts a new entry at the first healthy event after a failure of
/// the same object, so that this event keeps its own time and place. When the failure that ended
/// the incident was another object's (an upstream's), the entry that follows it may have begun
/// before it: the recovery is then known only as "by" the newest time of that entry.
public struct Recovery: Sendable, Equatable, Codable {
    /// The first healthy event after the incident's last failure (`exact`), or a time by which
    /// the object had been healthy again (milliseconds precision, UTC).
    public var time: Timestamp
    /// True when `time` is the first healthy event after the last failure; false when it is only
    /// known that one came after the last failure and at most at `time`.
    public var exact: Bool
    /// The object healthy again (of the incident's affected objects, else its upstream: the one
    /// that was healthy again last; for an incident about a controller, the object it reconciled).
    public var object: ObjectRef
    /// The healthy signature and the controller that logged it.
    public var signature: String
    public var controller: String
    /// The record of the healthy event; nil when `exact` is false and no kept event marks `time`.
    public var location: SourceLocation?

    /// The recovery of `incident` from the healthy `timelines` (`Timeline.role == .healthy`);
    /// nil when the incident is not resolved or a target object has no healthy entry after
    /// `lastSeen`.
    /// - Parameter healthyByObject: indices into `timelines` of the healthy timelines of each
    ///   object (`index(_:)`).
    public static func of(_ incident: Incident, timelines: [Timeline], healthyByObject: [ObjectRef: [Int]]) -> Recovery? {
        guard incident.status == .resolved else { return nil }
        var targets = incident.resolutionTargets
        // A controller that kept restarting is resolved by its lifetimes (`LifetimeFindings`: the
        // container after the last abnormal end lived a whole window); it recovered at its first
        // healthy event after the incident (a trial: `resolved` with no recovery).
        if targets.isEmpty, incident.failureClass == "controller-restart" { targets = incident.controllers.map(ObjectRef.controller) }
        guard !targets.isEmpty else { return nil }
        let after = incident.lastSeen.millis
        var last: Recovery?
        for object in targets {
            guard let r = first(after: after, of: object, in: (healthyByObject[object] ?? []).map { timelines[$0] }) else { return nil }
            if last.map({ $0.precedes(r) }) ?? true { last = r }
        }
        return last
    }

    /// The healthy timelines of each object, as indices into `timelines`; and of each
    /// controller under `ObjectRef.controller(name)` (every healthy timeline it logged).
    public static func index(_ timelines: [Timeline]) -> [ObjectRef: [Int]] {
        var out: [ObjectRef: [Int]] = [:]
        for (k, t) in timelines.enumerated() where t.role == .healthy || t.controllerHealthy {
            if t.role == .healthy, let o = t.object { out[o, default: []].append(k) }
            out[.controller(t.controller), default: []].append(k)
        }
        return out
    }

    /// The first healthy event of `object` after `after` (milliseconds, UTC) in `timelines`. An
    /// entry that begins after `after` gives its first event exactly; one that began before and
    /// ends after only bounds it (its newest time), and makes every later exact time a bound too
    /// (the event it hides may be earlier).
    static func first(after: Int64, of object: ObjectRef, in timelines: [Timeline]) -> Recovery? {
        var best: Recovery?
        var bounded = false
        for t in timelines {
            // The blocks skipped end at `after` or before.
            t.entries.forEach(reaching: after &+ 1) { e in
                guard e.last > after else { return true }
                let exact = e.first > after
                let time = exact ? e.first : e.last
                if !exact { bounded = true }
                // A controller's recovery names the object it reconciled (not the one a lease or
                // an event received was about: the controller itself was healthy then).
                let r = Recovery(time: Timestamp(millis: time), exact: exact, object: t.role == .healthy ? t.object ?? object : object,
                                 signature: t.signature,
                                 controller: t.controller,
                                 location: exact ? SourceLocation(file: t.files[Int(e.file)], line: Int(e.line)) : nil)
                if best.map({ r.precedes($0) }) ?? true { best = r }
                return !exact  // entries are sorted by `first`: no later one begins earlier
            }
        }
        if bounded { best?.exact = false }
        return best
    }

    /// Order among candidates (timelines come in no fixed order): earlier first, then a known
    /// place before none, then by place, then by signature.
    func precedes(_ o: Recovery) -> Bool {
        if time != o.time { return time < o.time }
        if exact != o.exact { return exact }
        switch (location, o.location) {
        case let (a?, b?) where a != b: return a < b
        case (.some, .none): return true
        case (.none, .some): return false
        default: return signature < o.signature
        }
    }
}

/// When the Helm action that failed began: helm-controller logs the start of an install or
/// upgrade (`preparing upgrade for <release>`, `running 'upgrade' action with timeout of 5m0s`,
/// FLUX-LOGS.md 1.4, 3.7) minutes before its failure (`timed out waiting for the condition` after
/// the action's timeout), which alone made the incident's span 0 s long (a note's open item).
/// The latest such start of the incident's HelmRelease at or before its first failure, within a
/// window before it (UTC milliseconds precision).
public struct ActionStart: Sendable, Equatable, Codable {
    /// The start: a record's time.
    public var time: Timestamp
    public var signature: String
    /// The start's record; nil when the store kept no place for it (a start inside a timeline
    /// entry's run, not its first).
    public var location: SourceLocation?

    /// Lifecycle signatures that start a Helm action (Patterns/signatures/lifecycle.yaml, helm.yaml).
    static let signatures: Set<String> = ["helm-upgrade-preparing", "helm-running-action", "helm-action-started"]

    /// The start for `incident` (one with a HelmRelease among its objects) in the
    /// lifecycle `timelines`, no earlier than `windowMillis` before its first failure; nil when none.
    /// - Parameter byRelease: indices into `timelines` of each HelmRelease's action-start
    ///   timelines (`index(_:)`); nil reads every timeline (tests).
    public static func of(_ incident: Incident, timelines: [Timeline], windowMillis: Int64,
                          byRelease: [ObjectRef: [Int]]? = nil) -> ActionStart? {
        let releases = Set((incident.affected + [incident.upstream].compactMap { $0 }).filter { $0.kind == "HelmRelease" })
        guard !releases.isEmpty else { return nil }
        let to = incident.firstSeen.millis, from = to - windowMillis
        var best: ActionStart?
        // Only the releases' own start timelines: every timeline of the run, per incident, was
        // 3.5 % of a 300 MB benchmark run (a copy and a string hash each).
        let indices = byRelease.map { index in releases.flatMap { index[$0] ?? [] }.sorted() } ?? Array(timelines.indices)
        for k in indices {
            let t = timelines[k]
            guard signatures.contains(t.signature), let o = t.object, releases.contains(o) else { continue }
            t.entries.forEach(reaching: from) { e in
                guard e.first <= to else { return false }
                if e.last >= from {
                    // The entry's newest start at or before the failure: its last event when that
                    // is before it (no place kept), else its first (a later one before the
                    // failure is not known).
                    let time = e.last <= to ? e.last : e.first
                    guard time >= from else { return true }
                    let s = ActionStart(time: Timestamp(millis: time), signature: t.signature,
                                        location: time == e.first ? SourceLocation(file: t.files[Int(e.file)], line: Int(e.line)) : nil)
                    if best.map({ time > $0.time.millis }) ?? true { best = s }
                }
                return true
            }
        }
        return best
    }

    /// The action-start timelines of each HelmRelease, as indices into `timelines`.
    public static func index(_ timelines: [Timeline]) -> [ObjectRef: [Int]] {
        var out: [ObjectRef: [Int]] = [:]
        for k in timelines.indices {
            guard let o = timelines[k].object, o.kind == "HelmRelease", signatures.contains(timelines[k].signature) else { continue }
            out[o, default: []].append(k)
        }
        return out
    }
}
