/// The evidence of one signature from one controller inside an incident (CONTRACT.md `signals`).
public struct SignalSummary: Sendable {
    public var signature: String
    public var controller: String
    public var count: Int
    public var firstSeen: Timestamp?
    public var lastSeen: Timestamp?
    /// Captures of the first event.
    public var captures: [String: String]
    /// The first event's source and text.
    public var example: Event
}

/// Whether an incident's objects recovered after its last failure (CONTRACT.md `status`).
public enum IncidentStatus: String, Sendable { case open, resolved }

/// A root-cause hypothesis scored against one incident.
public struct RankedHypothesis: Sendable {
    public var id: String
    public var title: String
    /// Confidence in [0, 1] (docs/SCORING.md).
    public var confidence: Double
    public var evidenceFor: [String]
    public var evidenceAgainst: [String]
    public var checks: [String]
    public var remediation: [String]
}

/// Events that share a cause: one failure class and one upstream object within the window.
public struct Incident: Sendable {
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
    /// The incident's own events (failure and wrapper), in time order.
    public var events: [Event]
}

/// Groups events into incidents in event time (DESIGN.md "Correlation and diagnosis",
/// CONTRACT.md semantics): failure events by (class, upstream object), split where two events are
/// more than `window` apart; wrapper events join an incident of the same object; healthy events
/// after the last failure resolve it. The result does not depend on input order: events are
/// sorted by time and content before grouping.
public struct Correlator {
    /// The gap in event time that closes an incident, in milliseconds (default 15 min).
    public var windowMillis: Int64
    public let patterns: PatternSet

    public init(patterns: PatternSet, windowSeconds: Double = 900) {
        self.patterns = patterns
        self.windowMillis = Int64(windowSeconds * 1000)
    }

    /// Deterministic order: time, then content, then place.
    static func ordered(_ events: [Event]) -> [Event] {
        events.filter { $0.time != nil }.sorted { a, b in
            if a.time! != b.time! { return a.time! < b.time! }
            if a.signature != b.signature { return a.signature < b.signature }
            if a.controller != b.controller { return a.controller < b.controller }
            if a.text != b.text { return a.text < b.text }
            return a.location < b.location
        }
    }

    public func correlate(_ input: [Event]) -> [Incident] {
        let events = Correlator.ordered(input)

        // Learn which upstream each object fetches from (object → upstream counts), from events
        // that name both; an event without an upstream of its own takes its object's.
        var learned: [ObjectRef: [ObjectRef: Int]] = [:]
        for e in events {
            if let o = e.object, let u = e.upstream, o != u { learned[o, default: [:]][u, default: 0] += 1 }
        }
        // Signatures whose regex can name an upstream (a `source_kind` group) are about fetching
        // from it: when a line carries no URL (kustomize-controller's 404 line does not), the
        // upstream is unknown, and such events of one class and controller share an incident.
        let upstreamBearing = Set(patterns.signatures.filter { $0.regex.names.contains { $0.name == "source_kind" } }.map(\.id))
        func upstream(of e: Event) -> ObjectRef? {
            if let u = e.upstream { return u }
            guard let o = e.object else { return nil }
            if let m = learned[o], let best = m.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) {
                return best.key
            }
            return upstreamBearing.contains(e.signature) ? nil : o
        }

        // 1. Failures grouped by (class, upstream), split by the gap.
        struct Key: Hashable { var cls: String; var upstream: String }
        var groups: [Key: [[Event]]] = [:]
        var order: [Key] = []
        for e in events where e.role == .failure {
            let key = Key(cls: e.failureClass, upstream: upstream(of: e)?.description ?? "unknown upstream, controller:" + e.controller)
            if groups[key] == nil { order.append(key) }
            var runs = groups[key] ?? []
            if let last = runs.last?.last, e.time!.millis - last.time!.millis <= windowMillis {
                runs[runs.count - 1].append(e)
            } else {
                runs.append([e])
            }
            groups[key] = runs
        }
        var drafts: [[Event]] = []
        for key in order { drafts.append(contentsOf: groups[key]!) }

        // 2. Wrappers join the nearest incident holding their object within the window; the
        // rest form incidents of their own, grouped like failures.
        var loose: [Event] = []
        for e in events where e.role == .wrapper {
            var best: (index: Int, distance: Int64)?
            if let o = e.object {
                for (i, d) in drafts.enumerated() where d.contains(where: { $0.object == o }) {
                    let first = d.first!.time!.millis, last = d.last!.time!.millis
                    let t = e.time!.millis
                    let distance = t < first ? first - t : (t > last ? t - last : 0)
                    if distance <= windowMillis, best == nil || distance < best!.distance { best = (i, distance) }
                }
            }
            if let best {
                drafts[best.index].append(e)
            } else {
                loose.append(e)
            }
        }
        var looseGroups: [Key: [[Event]]] = [:]
        var looseOrder: [Key] = []
        for e in loose {
            let key = Key(cls: e.failureClass, upstream: e.object?.description ?? "controller:" + e.controller)
            if looseGroups[key] == nil { looseOrder.append(key) }
            var runs = looseGroups[key] ?? []
            if let last = runs.last?.last, e.time!.millis - last.time!.millis <= windowMillis {
                runs[runs.count - 1].append(e)
            } else {
                runs.append([e])
            }
            looseGroups[key] = runs
        }
        for key in looseOrder { drafts.append(contentsOf: looseGroups[key]!) }

        // 3. Build incidents.
        let healthy = events.filter { $0.role == .healthy }
        var incidents: [Incident] = []
        for var evs in drafts {
            evs = Correlator.ordered(evs)
            incidents.append(build(evs, upstream: evs.lazy.compactMap(upstream(of:)).first, healthy: healthy))
        }
        return incidents.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if a.status != b.status { return a.status == .open }
            if a.firstSeen != b.firstSeen { return a.firstSeen < b.firstSeen }
            return a.id < b.id
        }
    }

    func build(_ evs: [Event], upstream: ObjectRef?, healthy: [Event]) -> Incident {
        let primary = evs.first { $0.role == .failure } ?? evs[0]
        let first = evs.first!.time!, last = evs.last!.time!
        let affected = Array(Set(evs.compactMap(\.object))).sorted()
        var objects = Set(affected.map(\.description))
        if let upstream { objects.insert(upstream.description) }
        let severity = evs.map(\.severity).max() ?? .error

        // Signals: one per (signature, controller), first event as the example.
        var summaries: [String: SignalSummary] = [:]
        var summaryOrder: [String] = []
        for e in evs {
            let key = e.signature + "\u{0}" + e.controller
            if var s = summaries[key] {
                s.count += 1
                s.lastSeen = e.time
                summaries[key] = s
            } else {
                summaries[key] = SignalSummary(signature: e.signature, controller: e.controller, count: 1,
                                               firstSeen: e.time, lastSeen: e.time, captures: e.captures, example: e)
                summaryOrder.append(key)
            }
        }
        let signals = summaryOrder.map { summaries[$0]! }.sorted { a, b in
            if (a.example.role == .failure) != (b.example.role == .failure) { return a.example.role == .failure }
            if a.count != b.count { return a.count > b.count }
            return a.signature < b.signature
        }

        // Resolved when every affected object has a healthy event after the last failure.
        let targets = affected.isEmpty ? (upstream.map { [$0] } ?? []) : affected
        var status = IncidentStatus.open
        if !targets.isEmpty {
            let recovered = targets.allSatisfy { o in healthy.contains { $0.object == o && $0.time! > last } }
            if recovered { status = .resolved }
        }

        let sig = patterns.signature(primary.signature)
        let what = sig?.title ?? primary.signature
        var title = what
        if let upstream, !affected.contains(upstream) || affected.count > 1 {
            let consumers = affected.filter { $0 != upstream }
            title += " for \(upstream)"
            if !consumers.isEmpty {
                let kinds = Set(consumers.map(\.kind))
                let noun = kinds.count == 1 ? consumers[0].kind + (consumers.count > 1 ? "s" : "") : "objects"
                title += ": \(consumers.count) \(noun) failing"
            }
        } else if upstream == nil, affected.count > 1 {
            let kinds = Set(affected.map(\.kind))
            title += ": \(affected.count) \(kinds.count == 1 ? affected[0].kind + "s" : "objects") failing"
        } else if let o = affected.first {
            title += ": \(o)"
        }

        let id = fnv1a64([primary.signature, upstream?.description ?? "", String(first.millis), primary.text].joined(separator: "\u{1}"))
        return Incident(
            id: id, title: title, severity: severity, status: status, firstSeen: first, lastSeen: last,
            controllers: Array(Set(evs.map(\.controller))).sorted(), objects: objects.sorted(),
            upstream: upstream, affected: affected, failureClass: primary.failureClass,
            signals: signals, events: evs)
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
