/// Signals derived from controller lifetimes, silence and reconcile cadence (docs/PATTERNS.md
/// "Derived signals", docs/SCORING.md). Facts: FLUX-LOGS.md 1.2 (start-up lines), 1.4 and 3.1
/// (`Reconciliation finished in <d>, next run in <d>`), 3.12 (leader election, graceful stop, an
/// OOM kill leaves no line); Flux's Deployments (terminationGracePeriodSeconds 60, liveness probe
/// `/healthz` on 9440 with Kubernetes' defaults: every 10 s, 3 failures; fluxcd/kustomize-controller
/// config/manager/deployment.yaml); `--interval-jitter-percentage` (default 5: ±5 % of the
/// interval; kustomize-controller v1.1.0, helm-controller v0.36.0, source-controller v1.1.0
/// changelogs).
extension DerivedSignal {
    /// A start-up sequence after earlier activity of the same controller: a lifetime that begins
    /// with `starting manager` (or a new kubelet container file) while an earlier one exists.
    public static let controllerRestarted = "controller-restarted"
    /// A lifetime that ends with no shutdown, panic, OOM-watch or exit line while a new lifetime
    /// of the controller follows, or while the other controllers keep logging long after it:
    /// OOM-killed or SIGKILLed (FLUX-LOGS.md 3.12), or hung.
    public static let controllerKilled = "controller-killed"
    /// A lifetime that began with a start-up and ended with graceful stop lines within
    /// `LifetimeFindings.probeKillSeconds` of it, with no error record: the kubelet's
    /// liveness-probe kill.
    public static let controllerProbeKilled = "controller-probe-killed"
    /// helm-controller started a Helm action (`running 'upgrade' action ...`, `Helm upgrade has
    /// started`) and its lifetime ended abnormally before any result about that HelmRelease.
    public static let helmActionInterrupted = "helm-action-interrupted"
    /// A controller wrote nothing during an incident's span while it usually logs, and another
    /// controller logged meanwhile (the generalised `source-controller-silent`; never
    /// notification-controller or the image controllers, see `LifetimeFindings.logsOnlyOnChange`).
    public static let controllerSilent = "controller-silent"
    /// An object whose last record said `next run in <d>` and of which nothing followed for
    /// `<d>` plus the grace (`LifetimeFindings.jitterFraction` of `<d>`, plus the window).
    public static let reconcileOverdue = "reconcile-overdue"

    /// The derived signals about lifetimes, silence and cadence.
    public static let lifetimeSignals: Set<String> = [
        controllerRestarted, controllerKilled, controllerProbeKilled, helmActionInterrupted, controllerSilent, reconcileOverdue,
    ]
}

/// Judges every controller lifetime of a scan and turns the findings into evidence (occurrences
/// of derived signals, given to the Diagnoser as context) and into incidents of their own:
/// a controller killed or probe-killed repeatedly (class `controller-restart`, `error`), killed
/// once (`warning`), and objects whose reconcile is overdue (class `reconcile-overdue`, `warning`).
public struct LifetimeFindings: Sendable {
    /// A graceful stop at most this many seconds after `starting manager`, with no error record,
    /// is a liveness-probe kill: Flux's Deployments probe `/healthz` with Kubernetes' defaults
    /// (every 10 s, 3 failures: SIGTERM about 30 s after the probes start failing); 180 s also
    /// covers a slow start-up (the 35 s lease) and the 60 s termination grace. A rollout stops a
    /// container that ran for hours.
    public static let probeKillSeconds = 180.0
    /// The share of `next run in` allowed for jitter: twice Flux's default
    /// `--interval-jitter-percentage` of 5 (fluxcd/pkg runtime/jitter once defaulted to 10).
    public static let jitterFraction = 0.10
    /// Records of an object at most this long after its finish line still count as that
    /// reconcile's (a debug event logged after the finish).
    public static let settleMillis: Int64 = 60_000
    /// kubelet's CrashLoopBackOff cap (5 min): abnormal ends this much more than the window apart
    /// are not one restart loop.
    public static let backOffCapMillis: Int64 = 300_000
    /// Controllers that log at info level only when something arrives or changes, so a long quiet
    /// is normal for them: notification-controller (events, FLUX-LOGS.md 1.4, 3.14) and the image
    /// controllers (`tags did not change` is a trace line, FLUX-LOGS.md 1.4). They are never called
    /// silent, nor killed because their log ends early.
    public static let logsOnlyOnChange: Set<String> = ["notification-controller", "image-reflector-controller", "image-automation-controller"]
    /// A controller's log that ends early is judged only when it logged in at least this many
    /// distinct minutes before: fewer says too little about its usual rhythm.
    public static let regularMinutes = 10

    /// One lifetime and what it tells.
    public struct Judged: Sendable {
        /// The lifetime as the scan kept it.
        public var life: ControllerLifetime
        /// The next lifetime of the same controller that began with a start-up.
        public var successor: ControllerLifetime?
        /// The ending, taking the stop lines a successor inherited (rolling restart in one stream).
        public var end: LifetimeEnd
        /// `controller-killed`: ended with no last words while a new lifetime followed or the others logged on.
        public var killed = false
        /// Killed with no successor: the other controllers kept logging long after it.
        public var stoppedWhileOthersLogged = false
        /// `controller-probe-killed`: a graceful stop within `probeKillSeconds` of the start-up, no error record.
        public var probeKilled = false
        /// A start-up after earlier activity of the controller.
        public var restarted = false
        /// `helm-action-interrupted`: the Helm action the lifetime left without a result.
        public var interrupted: PendingHelmAction?
        /// When the lifetime ended: its last record when killed, its first stop line otherwise.
        public var endMoment: Timestamp { probeKilled ? (life.endAt ?? life.last) : life.last }
        /// Killed or probe-killed: an end that counts towards a restart incident.
        public var abnormal: Bool { killed || probeKilled }
    }

    /// `--window` in milliseconds.
    public let windowMillis: Int64
    /// Every lifetime of the scan (the same one read twice counted once), by controller, then time.
    public private(set) var judged: [Judged] = []
    /// Occurrences of the derived signals, for the Diagnoser's `extra` evidence.
    public private(set) var evidence: [Occurrence] = []
    /// Restart and overdue incidents (not yet diagnosed).
    public private(set) var incidents: [Incident] = []

    /// - Parameter windowSeconds: `--window`, the gap in event time that closes an incident.
    public init(scan: ScanResult, windowSeconds: Double) {
        windowMillis = Int64(windowSeconds * 1000)
        judge(scan)
        for j in judged { evidence += occurrences(j) }
        restartIncidents(scan.filter)
        overdueIncidents(scan)
    }

    // MARK: judging

    /// `lifetimes` with the pieces the kubelet's log rotation cut joined: the files of one
    /// container (`<restart>.log.<YYYYMMDD-hhmmss>[.gz]`, then the live `<restart>.log`, of one
    /// pod, container and restart number, `PodLogPath`) are one process's output, so a file's
    /// last lifetime with no ending continues into the next file's first when that one did not
    /// begin with a start-up (each file read as a stream of its own made the cut a kill
    /// followed by a lifetime of no start). A higher restart number is another container and is
    /// never joined. Order of the result: the input's, the joined pieces left out.
    static func joiningRotations(_ lifetimes: [ControllerLifetime]) -> [ControllerLifetime] {
        var groups: [String: [Int]] = [:]
        for (i, l) in lifetimes.enumerated() {
            guard let p = PodLogPath(l.firstLocation.file) else { continue }
            groups["\(p.namespace)/\(p.pod)/\(p.uid)/\(p.container)/\(p.restart)|\(l.controller)", default: []].append(i)
        }
        var out = lifetimes
        var joined = Set<Int>()
        for key in groups.keys.sorted() {
            let members = groups[key]!
            // Rotated files by their suffix (a UTC time, so text order is time order), the live file last.
            let files = Set(members.map { out[$0].firstLocation.file }).sorted { a, b in
                let (ra, rb) = (PodLogPath(a)?.rotated ?? "~", PodLogPath(b)?.rotated ?? "~")
                return ra != rb ? ra < rb : a < b
            }
            guard files.count > 1 else { continue }
            var tail: Int?
            for file in files {
                let own = members.filter { out[$0].firstLocation.file == file }
                    .sorted { (out[$0].first, out[$0].firstLocation) < (out[$1].first, out[$1].firstLocation) }
                guard let head = own.first else { continue }
                if let t = tail, out[t].end == .none, !out[head].startedWithStartUp, out[head].first >= out[t].last {
                    out[t].join(out[head])
                    joined.insert(head)
                    tail = own.count > 1 ? own.last : t
                } else {
                    tail = own.last
                }
            }
        }
        return out.indices.filter { !joined.contains($0) }.map { out[$0] }
    }

    mutating func judge(_ scan: ScanResult) {
        // The same container read twice (a file given twice, overlapping rotated files) counts once.
        var seen: Set<String> = []
        var byController: [String: [ControllerLifetime]] = [:]
        for l in Self.joiningRotations(scan.lifetimes) {
            let key = "\(l.controller)|\(l.first.millis)|\(l.last.millis)|\(l.records)"
            if seen.insert(key).inserted { byController[l.controller, default: []].append(l) }
        }
        let kubeletStarts = Set(scan.restarts.map { "\($0.controller)|\($0.startedAt.millis)" })
        var lastOf: [String: Int64] = [:]
        for (c, list) in byController { lastOf[c] = list.map(\.last.millis).max() }
        for c in byController.keys.sorted() {
            let list = byController[c]!.sorted { a, b in
                a.first != b.first ? a.first < b.first : (a.stream, a.firstLocation) < (b.stream, b.firstLocation)
            }
            let startsContainer = list.map { $0.startedWithStartUp || kubeletStarts.contains("\(c)|\($0.first.millis)") }
            let otherEnd = lastOf.filter { $0.key != c }.map(\.value).max()
            let marks = scan.activityMarks[c] ?? []
            var longestGap: Int64 = 0
            for i in marks.indices.dropFirst() { longestGap = max(longestGap, marks[i].minute - marks[i - 1].minute) }
            for (i, life) in list.enumerated() {
                var j = Judged(life: life, end: life.end)
                if let k = list.indices.first(where: { $0 > i && startsContainer[$0] && list[$0].first > life.first }) {
                    j.successor = list[k]
                }
                if j.end == .none, let inherited = j.successor?.inheritedEnd { j.end = inherited }
                if j.end == .none {
                    // A successor that began before this lifetime's last record ran beside it (another
                    // replica, or records of another controller taken for this one's): no restart
                    // ended this one (a trial printed "a new container started -25m57s later").
                    if let s = j.successor, s.first >= life.last {
                        j.killed = true
                    } else if scan.supersededStreams.contains(life.lastLocation.file) {
                        // `follow`: a newer container's log of the pod appeared and this one was
                        // read to its end (the newer one's lifetime is still open, not listed).
                        j.killed = true
                    } else if i == list.count - 1, !LifetimeFindings.logsOnlyOnChange.contains(c), marks.count >= LifetimeFindings.regularMinutes, let other = otherEnd,
                              // A stream cut by a damaged archive ends where the damage is, not
                              // where the controller stopped.
                              !scan.cutStreams.contains(life.lastLocation.file),
                              // Nor does a kubelet container file (`/var/log/pods/.../<n>.log`):
                              // the kubelet restarts a killed container into `<n+1>.log` (a
                              // successor, above) and rotates a running one's log into
                              // `<n>.log.<time>[.gz]`, which goes on in `<n>.log`. A file that
                              // stops with neither is a controller gone quiet (hung, or its pod
                              // moved off this node), not a kill the files show. (Trial 17:
                              // `follow` read rotated files found at start as history, the live
                              // file's lifetime, still open, was not there to join them, and
                              // every rotation among failures was "kustomize-controller killed";
                              // a live file that went quiet was "source-controller killed".)
                              PodLogPath(life.lastLocation.file) == nil,
                              other - life.last.millis > max(windowMillis, 3 * longestGap * 60_000) {
                        j.killed = true
                        j.stoppedWhileOthersLogged = true
                    }
                }
                // A liveness-probe kill restarts the container in its pod (the kubelet's `<n+1>.log`
                // beside `<n>.log`); a graceful stop followed by another pod's start-up is a pod
                // replaced (a rollout, an eviction in a node upgrade: a trial's three evictions in
                // four minutes were an ERROR "liveness-probe kill" loop).
                var newPod = false
                if let s = j.successor, let next = Self.pod(of: s), let this = Self.pod(of: life) { newPod = next != this }
                if life.startedWithStartUp, life.end == .graceful, let endAt = life.endAt, life.errors == 0, !newPod,
                   Double(endAt.millis - life.first.millis) / 1000 <= LifetimeFindings.probeKillSeconds {
                    j.probeKilled = true
                }
                j.restarted = startsContainer[i] && i > 0
                if let pending = life.pendingAction, j.killed || [.panic, .exited, .oomWatch].contains(j.end) {
                    j.interrupted = pending
                }
                judged.append(j)
            }
        }
    }

    /// The name of the pod a lifetime was logged by: its `--prefix`/stern envelope's, else its
    /// file's kubelet path (`PodLogPath`); nil when neither names one.
    static func pod(of l: ControllerLifetime) -> String? {
        if let p = l.pod { return p.split(separator: "/").last.map(String.init) ?? p }
        return PodLogPath(l.firstLocation.file)?.pod
    }

    // MARK: evidence

    /// A span for captures (JSON values, unchanged: `formatSpan`).
    static func span(_ a: Timestamp, _ b: Timestamp) -> String { formatSpan(seconds: Double(b.millis - a.millis) / 1000) }
    /// A span for text a person reads: Go-style (`goDuration`, docs/OUTPUT.md "Durations").
    static func prose(_ a: Timestamp, _ b: Timestamp) -> String { goDuration(seconds: Double(b.millis - a.millis) / 1000) }

    func occurrence(_ signal: String, _ j: Judged, first: Timestamp, last: Timestamp, location: SourceLocation,
                    object: ObjectRef? = nil, captures: [String: String], text: String) -> Occurrence {
        Occurrence(signature: signal, severity: .info, role: .lifecycle, failureClass: "lifecycle", controller: j.life.controller,
                   object: object, captures: captures, first: first, last: max(first, last), count: 1,
                   example: Example(location: location, text: text), location: location, upstream: nil)
    }

    /// The derived signals of one lifetime. Texts name times, never files (the same input given
    /// another way must give the same incidents).
    func occurrences(_ j: Judged) -> [Occurrence] {
        var out: [Occurrence] = []
        let l = j.life, c = l.controller
        if j.restarted {
            out.append(occurrence(DerivedSignal.controllerRestarted, j, first: l.first, last: l.first, location: l.firstLocation,
                                  captures: ["started": l.first.clock],
                                  text: "\(c) started again at \(l.first.clock) (start-up sequence after earlier activity of the controller)"))
        }
        if j.killed {
            var text = "\(c)'s log ends at \(l.last.clock) with no shutdown line, \(Self.prose(l.first, l.last)) after "
            text += l.startedWithStartUp ? "its start-up" : "its first record in the input"
            if let o = l.lastObject { text += "; the last object it named was \(o)" }
            var captures = ["lifetime": Self.span(l.first, l.last), "ended": l.last.clock]
            if let s = j.successor {
                text += "; a new container started \(Self.prose(l.last, s.first)) later: killed (OOM kill or SIGKILL)"
                captures["restarted_after"] = Self.span(l.last, s.first)
            } else {
                text += "; the other controllers kept logging: killed or hung (or its log was captured earlier than theirs)"
            }
            out.append(occurrence(DerivedSignal.controllerKilled, j, first: l.last, last: j.successor?.first ?? l.last,
                                  location: l.lastLocation, object: nil, captures: captures, text: text))
        }
        if j.probeKilled, let endAt = l.endAt {
            out.append(occurrence(DerivedSignal.controllerProbeKilled, j, first: endAt, last: l.last, location: l.endLocation ?? l.lastLocation,
                                  captures: ["lifetime": Self.span(l.first, endAt), "stopped": endAt.clock],
                                  text: "\(c) stopped gracefully at \(endAt.clock), \(Self.prose(l.first, endAt)) after its start-up, with no error: a liveness-probe kill"))
        }
        if let p = j.interrupted {
            let how = j.killed ? "was killed" : "ended (\(j.end.rawValue))"
            // Its time is the lifetime's end, so its place is the end's record (the action's start
            // is a capture): an evidence line paired 10:02:20 with the 10:02:11 start's line.
            out.append(occurrence(DerivedSignal.helmActionInterrupted, j, first: l.last, last: j.successor?.first ?? l.last,
                                  location: l.lastLocation, object: p.object, captures: ["action": p.action, "started": p.at.clock],
                                  text: "\(c) started Helm \(p.action) of \(p.object) at \(p.at.clock) and \(how) at \(l.last.clock) before any result: the release is left pending-\(p.action)"))
        }
        return out
    }

    // MARK: restart incidents

    mutating func restartIncidents(_ filter: ScanFilter) {
        guard filter.namespace == nil, filter.object == nil else { return }  // about no object
        let byController = Dictionary(grouping: judged.indices, by: { judged[$0].life.controller })
        for c in byController.keys.sorted() {
            if let f = filter.controller, f != c { continue }
            let abnormal = byController[c]!.filter { i in
                let j = judged[i]
                guard j.abnormal else { return false }
                if let s = filter.since, j.endMoment < s { return false }
                if let u = filter.until, j.endMoment > u { return false }
                return true
            }
            var groups: [[Int]] = []
            for i in abnormal {
                if let prev = groups.last?.last, judged[i].life.first.millis - judged[prev].life.last.millis
                    <= windowMillis + LifetimeFindings.backOffCapMillis {
                    groups[groups.count - 1].append(i)
                } else {
                    groups.append([i])
                }
            }
            for g in groups {
                let killed = g.filter { judged[$0].killed }.count
                if g.count == 1 && killed == 0 { continue }  // one probe kill alone: evidence only
                incidents.append(restartIncident(c, g.map { judged[$0] }, killed: killed))
            }
        }
    }

    func restartIncident(_ c: String, _ group: [Judged], killed: Int) -> Incident {
        let probe = group.count - killed
        let lengths = group.map { Double($0.endMoment.millis - $0.life.first.millis) / 1000 }
        let shortest = goDuration(seconds: lengths.min()!), longest = goDuration(seconds: lengths.max()!)
        let range = shortest == longest ? shortest : "\(shortest)–\(longest)"
        let title: String
        let severity: Severity
        if group.count == 1 {
            let j = group[0]
            severity = .warning
            var t = "\(c) killed: its log ends at \(j.life.last.clock) with no shutdown line after \(range) of life"
            if let s = j.successor {
                t += ", a new container started \(Self.prose(j.life.last, s.first)) later"
            } else if j.stoppedWhileOthersLogged {
                t += ", while the other controllers kept logging"
            }
            title = t
        } else {
            severity = .error
            var how: [String] = []
            if killed > 0 { how.append("\(killed == group.count ? "each" : "\(killed)×") ended with no shutdown line (OOM kill or SIGKILL)") }
            if probe > 0 {
                how.append("\(probe == group.count ? "each" : "\(probe)×") stopped gracefully shortly after start-up with no error (liveness-probe kill)")
            }
            title = "\(c) keeps restarting: \(group.count) lifetimes of \(range), \(how.joined(separator: "; "))"
        }
        // The evidence of the group: its kills, probe kills and restarts.
        var occ: [Occurrence] = []
        for j in group {
            occ += occurrences(j).filter { $0.signature != DerivedSignal.helmActionInterrupted }
            if let s = j.successor, let sj = judged.first(where: { $0.life.first == s.first && $0.life.controller == c && $0.restarted }) {
                occ += occurrences(sj).filter { $0.signature == DerivedSignal.controllerRestarted }
            }
        }
        var seen: Set<String> = []
        occ = occ.filter { seen.insert("\($0.signature)|\($0.first.millis)").inserted }
        // The span covers its evidence: a probe kill's signal lasts to the lifetime's last record,
        // a kill's to the next container's start (probe-kill-loop: the signal's last_seen was 2 ms
        // after the incident's).
        let first = group.map(\.endMoment).min()!
        let last = max(group.map(\.endMoment).max()!, occ.map(\.last).max() ?? first)
        // Resolved when the container after the last abnormal end lived a whole window.
        var status = IncidentStatus.open
        if let s = group.last!.successor, let sj = judged.first(where: { $0.life.first == s.first && $0.life.controller == c }),
           !sj.abnormal, sj.life.last.millis - sj.life.first.millis >= windowMillis {
            status = .resolved
        }
        let id = fnv1a64(["controller-restart", c, String(first.millis)].joined(separator: "\u{1}"))
        return Incident(
            id: id, title: title, severity: severity, status: status, firstSeen: first, lastSeen: last, controllers: [c],
            objects: [], upstream: nil, affected: [], failureClass: "controller-restart",
            signals: Self.summaries(occ, failure: [DerivedSignal.controllerKilled, DerivedSignal.controllerProbeKilled]),
            signatures: Set(occ.map(\.signature)))
    }

    /// One signal summary per (signature, controller), failures first, then by count.
    static func summaries(_ occ: [Occurrence], failure: Set<String>) -> [SignalSummary] {
        var out: [String: SignalSummary] = [:]
        var order: [String] = []
        for o in occ.sorted(by: Correlator.before) {
            let key = o.signature + "\u{0}" + o.controller
            if var s = out[key] {
                s.count += o.count
                s.lastSeen = max(s.lastSeen ?? o.last, o.last)
                out[key] = s
            } else {
                out[key] = SignalSummary(signature: o.signature, controller: o.controller, count: o.count, firstSeen: o.first,
                                         lastSeen: o.last, captures: o.captures, location: o.location, example: o.example,
                                         role: failure.contains(o.signature) ? .failure : .lifecycle)
                order.append(key)
            }
        }
        return order.map { out[$0]! }.sorted { a, b in
            if (a.role == .failure) != (b.role == .failure) { return a.role == .failure }
            if a.count != b.count { return a.count > b.count }
            return a.signature < b.signature
        }
    }

    // MARK: overdue reconciles

    mutating func overdueIncidents(_ scan: ScanResult) {
        guard let end = scan.inputEnd else { return }
        let filter = scan.filter
        var overdue: [Occurrence] = []
        var finishedAt: [ObjectRef: Int64] = [:]
        for c in scan.cadences {
            guard let finished = c.finished, let next = c.nextRunSeconds, let place = c.finishedLocation,
                  c.lastRecord.millis - finished.millis <= LifetimeFindings.settleMillis else { continue }
            let due = finished.millis + Int64(next * 1000)
            let grace = Int64(next * LifetimeFindings.jitterFraction * 1000) + windowMillis
            guard end.millis > due + grace else { continue }
            if let f = filter.controller, f != c.controller { continue }
            if let ns = filter.namespace, c.object.namespace != ns { continue }
            if let o = filter.object, ScanFilter.normalized(c.object) != o { continue }
            if let s = filter.since, Timestamp(millis: due) < s { continue }
            if let u = filter.until, Timestamp(millis: due) > u { continue }
            let marks = scan.activityMarks[c.controller] ?? []
            let lastMinute = marks.last?.minute ?? 0
            var text = "\(c.object): last record at \(finished.clock): \"\(c.finishedMessage ?? "next run in \(goDuration(seconds: next))")\"; "
            text += "nothing about it since, \(goDuration(seconds: Double(end.millis - due) / 1000)) after its next run was due "
            text += "(grace \(goDuration(seconds: Double(grace) / 1000)))"
            if lastMinute * 60_000 > due + grace {
                text += ", while \(c.controller) kept logging about other objects"
            } else {
                text += ", and \(c.controller) stopped logging"
            }
            finishedAt[c.object] = finished.millis
            overdue.append(Occurrence(
                signature: DerivedSignal.reconcileOverdue, severity: .warning, role: .failure, failureClass: "reconcile-overdue",
                controller: c.controller, object: c.object,
                captures: ["next": formatSpan(seconds: next), "overdue": formatSpan(seconds: Double(end.millis - due) / 1000)],
                first: Timestamp(millis: due), last: end, count: 1, example: Example(location: place, text: text),
                location: place, upstream: nil))
        }
        evidence += overdue
        // One incident per controller and run of due times no more than a window apart.
        let byController = Dictionary(grouping: overdue, by: \.controller)
        for c in byController.keys.sorted() {
            var groups: [[Occurrence]] = []
            for o in byController[c]!.sorted(by: Correlator.before) {
                if let prev = groups.last?.last, o.first.millis - prev.first.millis <= windowMillis {
                    groups[groups.count - 1].append(o)
                } else {
                    groups.append([o])
                }
            }
            for g in groups {
                let since = g.compactMap { $0.object.flatMap { finishedAt[$0] } }.min() ?? g[0].first.millis
                incidents.append(overdueIncident(c, g, since: since))
            }
        }
    }

    /// - Parameter since: the oldest finish line of the group (milliseconds, UTC).
    func overdueIncident(_ c: String, _ group: [Occurrence], since: Int64) -> Incident {
        let objects = group.compactMap(\.object).sorted()
        // Kills of the same controller after the reconciles finished explain why none followed.
        let kills = evidence.filter {
            $0.controller == c && $0.first.millis >= since
                && ($0.signature == DerivedSignal.controllerKilled || $0.signature == DerivedSignal.controllerProbeKilled)
        }
        let occ = group + kills
        var title = "Reconciliation overdue"
        if objects.count == 1 {
            title += ": \(objects[0])"
        } else {
            let kinds = Set(objects.map(\.kind))
            title += ": \(objects.count) \(kinds.count == 1 ? objects[0].kind + "s" : "objects") of \(c)"
        }
        let first = occ.map(\.first).min()!, last = occ.map(\.last).max()!  // its kills too: the span covers its evidence
        let id = fnv1a64(["reconcile-overdue", c, objects.map(\.description).joined(separator: ","), String(first.millis)].joined(separator: "\u{1}"))
        return Incident(
            id: id, title: title, severity: .warning, status: .open, firstSeen: first, lastSeen: last, controllers: [c],
            objects: objects.map(\.description), upstream: nil, affected: objects, failureClass: "reconcile-overdue",
            signals: Self.summaries(occ, failure: [DerivedSignal.reconcileOverdue]), signatures: Set(occ.map(\.signature)))
    }

    // MARK: folding

    /// Signals by which a hypothesis of another incident can cite a restart.
    static let restartSignals: Set<String> = [
        DerivedSignal.controllerRestarted, DerivedSignal.controllerKilled, DerivedSignal.controllerProbeKilled,
        DerivedSignal.helmActionInterrupted, DerivedSignal.containerRestarted, "controller-starting",
    ]

    /// The ids of the restart incidents (class `controller-restart`) among `incidents`: the ones
    /// `folds(restart:spans:severity:from:to:cited:)` may drop.
    public var restartIDs: Set<String> { Set(incidents.filter { $0.failureClass == "controller-restart" }.map(\.id)) }

    /// A restart incident's signal spans (UTC milliseconds): what another incident's window must
    /// overlap to tell the restart.
    public static func restartSpans(_ d: Incident) -> [(first: Int64, last: Int64)] {
        d.signals.map { ($0.firstSeen?.millis ?? d.firstSeen.millis, $0.lastSeen?.millis ?? d.lastSeen.millis) }
    }

    /// Which controllers' restarts a diagnosed incident's first hypothesis cites: a `supports`
    /// condition about restarts that held (its reason opens one of the hypothesis' evidence
    /// lines, Diagnoser.describe), of a named controller, of the incident's own controllers (an
    /// `own_controller` condition without one), or of any (`any`). Nil when it cites none.
    public static func citedRestarts(_ i: Incident, patterns: PatternSet) -> (any: Bool, controllers: Set<String>)? {
        guard let ranked = i.hypotheses.first, let h = patterns.hypotheses.first(where: { $0.id == ranked.id }) else { return nil }
        var any = false
        var controllers: Set<String> = []
        for cond in h.supports where !Set(cond.signals).isDisjoint(with: restartSignals)
            && ranked.evidenceFor.contains(where: { $0.hasPrefix(cond.reason + " [") }) {
            if let c = cond.controller {
                controllers.insert(c)
            } else if cond.ownController {
                controllers.formUnion(i.controllers)
            } else {
                any = true
            }
        }
        return any || !controllers.isEmpty ? (any, controllers) : nil
    }

    /// The failure classes of the incidents that can cite restarts of controller `c`: those a
    /// hypothesis applies to (`classes`) when it has a `supports` condition about restarts of `c`
    /// or of any controller; nil when such a hypothesis applies to every class. An incident of
    /// another class never folds a restart of `c` (its first hypothesis cannot cite it), so
    /// `IncidentStream` need not diagnose it to know.
    public static func citingClasses(restartsOf c: String, patterns: PatternSet) -> Set<String>? {
        var classes: Set<String> = []
        for h in patterns.hypotheses where h.supports.contains(where: {
            !Set($0.signals).isDisjoint(with: restartSignals) && ($0.controller == nil || $0.controller == c)
        }) {
            if h.classes.isEmpty { return nil }
            classes.formUnion(h.classes)
        }
        return classes
    }

    /// What folding needs of an incident that may fold restart incidents under it, kept by
    /// `follow` once the incident closed and left its analyses: a restart it explains that
    /// becomes known (or is judged again) later still folds under it, as in `scan`, which holds
    /// every incident at the end (trial 21: a killed source-controller, told by the refused
    /// downloads' incident, was written as an incident of its own once that one had closed).
    public struct Folder: Sendable {
        /// The incident's id.
        public var id: String
        /// Its severity (as last written: a transient resolution lowers it).
        public var severity: Severity
        /// Its evidence window, UTC milliseconds: its first event minus the window, its last event.
        public var from: Int64
        public var to: Int64
        /// Whose restarts its first hypothesis cites (`citedRestarts`).
        public var cited: (any: Bool, controllers: Set<String>)

        /// The folder of a diagnosed incident; nil when its first hypothesis cites no restart.
        /// - Parameter windowMillis: `--window` in milliseconds.
        public init?(_ i: Incident, windowMillis: Int64, patterns: PatternSet) {
            guard let cited = LifetimeFindings.citedRestarts(i, patterns: patterns) else { return nil }
            id = i.id
            severity = i.severity
            from = i.firstSeen.millis - windowMillis
            to = i.lastSeen.millis
            self.cited = cited
        }

        /// Whether restart incident `d` (with `restartSpans(d)`) folds under this incident (`folds`).
        public func folds(_ d: Incident, spans: [(first: Int64, last: Int64)]) -> Bool {
            LifetimeFindings.folds(restart: d, spans: spans, severity: severity, from: from, to: to, cited: cited)
        }
    }

    /// Whether a restart incident `d` (of `restartIDs`, with `restartSpans(d)`) folds under
    /// another incident: one at least as severe whose evidence window (`from` = its first event
    /// minus the window, `to` = its last, UTC milliseconds) overlaps the restart's spans and whose
    /// first hypothesis cites that controller's restarts (`cited`, from `citedRestarts`). The
    /// restart is then told as the cause of that incident, not as a second unrelated one; the
    /// restart incident is left out of the report.
    public static func folds(restart d: Incident, spans: [(first: Int64, last: Int64)], severity: Severity,
                             from: Int64, to: Int64, cited: (any: Bool, controllers: Set<String>)?) -> Bool {
        guard severity >= d.severity, let cited, spans.contains(where: { $0.last >= from && $0.first <= to }) else { return false }
        return cited.any || cited.controllers.contains(d.controllers.first ?? "")
    }
}

/// When each controller logged, for `controller-silent`: a controller is silent during a span
/// when it has no record in the span's minutes, the quiet stretch around the span (from its
/// record before to its record after, or to the input's end) is at least three times its median
/// gap between active minutes and at least 3 minutes, and another controller logged during that
/// stretch. notification-controller and the image controllers are never called silent: they log
/// only when something arrives or changes (`LifetimeFindings.logsOnlyOnChange`), so quiet is healthy.
public struct SilenceIndex: Sendable {
    let marks: [String: [ActivityMark]]
    let typical: [String: Int64]
    let endMinute: Int64?

    /// - Parameters:
    ///   - marks: controller → its active minutes, sorted (`ScanResult.activityMarks`).
    ///   - inputEnd: the newest record time of the input.
    public init(marks: [String: [ActivityMark]], inputEnd: Timestamp?) {
        self.marks = marks
        var typical: [String: Int64] = [:]
        for (c, list) in marks where list.count >= 3 {
            var gaps = (1..<list.count).map { list[$0].minute - list[$0 - 1].minute }
            gaps.sort()
            typical[c] = max(1, gaps[gaps.count / 2])
        }
        self.typical = typical
        self.endMinute = inputEnd.map { $0.millis / 60_000 }
    }

    static func lowerBound(_ list: [ActivityMark], _ minute: Int64) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].minute < minute { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// `controller-silent` occurrences for the span [from, to] (milliseconds, UTC), one per silent controller.
    public func occurrences(from: Int64, to: Int64) -> [Occurrence] {
        let a = from / 60_000, b = to / 60_000
        var out: [Occurrence] = []
        for c in marks.keys.sorted() where !LifetimeFindings.logsOnlyOnChange.contains(c) {
            guard let list = marks[c], let d = typical[c] else { continue }
            let i = Self.lowerBound(list, a)
            if i < list.count, list[i].minute <= b { continue }  // it logged during the span
            guard i > 0 else { continue }  // it never logged before: absent, not silent
            let prev = list[i - 1].minute
            let next = i < list.count ? list[i].minute : (endMinute ?? b) + 1
            let quiet = next - prev - 1
            guard quiet >= max(3, 3 * d) else { continue }
            let othersLogged = marks.contains { other, l in
                other != c && { let k = Self.lowerBound(l, prev + 1); return k < l.count && l[k].minute < next }()
            }
            guard othersLogged else { continue }
            let first = Timestamp(millis: (prev + 1) * 60_000), last = Timestamp(millis: next * 60_000)
            let text = "\(c) wrote nothing from \(first.clock) to \(last.clock) (\(goDuration(seconds: Double(quiet) * 60)); it usually logs every \(d == 1 ? "minute" : goDuration(seconds: Double(d) * 60))) while other controllers logged"
            out.append(Occurrence(
                signature: DerivedSignal.controllerSilent, severity: .info, role: .lifecycle, failureClass: "lifecycle", controller: c,
                object: nil, captures: ["quiet": "\(quiet)m", "usual_gap": "\(d)m"], first: first, last: last, count: 1,
                example: Example(location: list[i - 1].location, text: text), location: list[i - 1].location, upstream: nil))
        }
        return out
    }
}

extension LifetimeFindings {
    /// One line per judged lifetime, for `FLUX_LOGSCAN_DEBUG`: controller, span, how it began and
    /// ended, and what was judged.
    public var lifetimeReport: String {
        judged.map { j in
            let l = j.life
            var s = "lifetime \(l.controller)\(l.pod.map { " pod \($0)" } ?? "") \(l.first.rfc3339)–\(l.last.rfc3339) "
            s += "records \(l.records) errors \(l.errors) start-up \(l.startedWithStartUp) end \(j.end.rawValue)"
            if let e = l.endAt { s += " at \(e.clock)" }
            if let o = l.lastObject { s += " last object \(o)" }
            if let p = l.pendingAction { s += " pending \(p.action) \(p.object)" }
            let flags = [(j.killed, "killed"), (j.probeKilled, "probe-killed"), (j.restarted, "restarted"),
                         (j.stoppedWhileOthersLogged, "stopped-while-others-logged"), (j.interrupted != nil, "helm-action-interrupted")]
            let on = flags.filter(\.0).map(\.1)
            if !on.isEmpty { s += " → " + on.joined(separator: ", ") }
            return s
        }.joined(separator: "\n")
    }
}
