/// Controller lifetimes: what each container of a controller did between its start-up and its last
/// record, kept while scanning so that restarts, kills and silence can be judged afterwards
/// (docs/PATTERNS.md "Derived signals"). Facts: FLUX-LOGS.md 1.2 (start-up lines), 3.12 (leader
/// election, graceful stop, "an OOMKill (exit 137) leaves no log line: the stream just ends").

/// How a controller lifetime ended, judged from its own last records.
public enum LifetimeEnd: String, Sendable, Comparable {
    /// No last words: the stream just ends (or the next start-up follows). An OOM kill (exit 137)
    /// or a SIGKILL after the termination grace period leaves no log line (FLUX-LOGS.md 3.12).
    case none
    /// controller-runtime's graceful stop (`Stopping and waiting for ...`, `Shutdown signal
    /// received, waiting for all workers to finish`, `Wait completed, proceeding to shutdown the
    /// manager`): the container got SIGTERM (rollout, eviction, liveness-probe kill).
    case graceful
    /// `problem running manager` (leader election lost, cache sync timeout): Flux's main.go exits 1.
    case exited
    /// helm-controller's OOM watch: `Memory usage is near OOM (<usage>/<limit>), shutting down`.
    case oomWatch = "oom-watch"
    /// A Go panic (`panic: ...`) or `Observed a panic in reconciler` (FLUX-LOGS.md 3.1).
    case panic

    /// How much an ending says about the cause, lowest first: a panic or OOM watch line explains
    /// the graceful stop lines that follow it.
    var rank: Int { [.none: 0, .graceful: 1, .exited: 2, .oomWatch: 3, .panic: 4][self]! }
    public static func < (a: LifetimeEnd, b: LifetimeEnd) -> Bool { a.rank < b.rank }
}

/// A Helm action (install, upgrade, rollback, ...) that helm-controller started in a lifetime and
/// for which the lifetime logged no result about the same HelmRelease. v1 logs
/// `running '<action>' action with timeout of <d>` (FLUX-LOGS.md 3.1); v0.x records the event
/// `Helm <action> has started` (debug level, logger `events`; helm-controller
/// controllers/helmrelease_controller.go before v0.37) and, at debug level, the Helm SDK's
/// `preparing upgrade for <release>` (helm pkg/action/upgrade.go).
public struct PendingHelmAction: Sendable, Equatable {
    /// `install`, `upgrade`, `rollback`, ... as the line names it.
    public var action: String
    /// The HelmRelease.
    public var object: ObjectRef
    /// The time and place of the line that started the action (UTC).
    public var at: Timestamp
    public var location: SourceLocation
}

/// One container lifetime of one controller in one input stream: from a `starting manager`
/// record (or the stream's first record) to the record before the next `starting manager` (or
/// the stream's end). Times are UTC; records without a time do not move `first`/`last`.
public struct ControllerLifetime: Sendable {
    /// The controller's Deployment name (`source-controller`).
    public var controller: String
    /// The pod named by a `kubectl logs --prefix` or stern envelope, if any.
    public var pod: String?
    /// Index of the input stream (order of reading) the lifetime was read from.
    public var stream: Int
    /// The first record (or the line just before `starting manager` that belongs to its start-up).
    public var first: Timestamp
    public var firstLocation: SourceLocation
    /// The last record.
    public var last: Timestamp
    public var lastLocation: SourceLocation
    /// True when the lifetime began with Flux's `starting manager` (logger `setup`).
    public var startedWithStartUp: Bool
    /// When the leader lease was acquired (`successfully acquired lease`), if it was.
    public var leaseAcquired: Timestamp?
    /// How it ended (`none` while it has no last words).
    public var end: LifetimeEnd
    /// The first record of the ending (the first graceful stop line, the panic, ...), nil for `none`.
    public var endAt: Timestamp?
    public var endLocation: SourceLocation?
    /// An ending seen in the first 120 s of this lifetime that it then outlived (records came
    /// more than 90 s after it), or graceful stop lines seen before this lifetime acquired its
    /// lease and then acquired it. In one stream without pod names a rolling restart interleaves
    /// the old pod's stop lines into the new pod's start-up (the Deployments roll with maxSurge,
    /// the new pod waits for the lease, FLUX-LOGS.md 3.12): they are the previous lifetime's ending.
    public var inheritedEnd: LifetimeEnd?
    /// When the inherited ending's first line came.
    public var inheritedEndAt: Timestamp?
    /// Graceful stop lines came in the first 90 s, before any lease was acquired.
    var stoppedBeforeLease = false
    /// Records in the lifetime (with or without a time).
    public var records: Int
    /// Records at level `error`.
    public var errors: Int
    /// The last object a record of this lifetime named, and when.
    public var lastObject: ObjectRef?
    public var lastObjectAt: Timestamp?
    /// A Helm action started and not finished when the lifetime ended.
    public var pendingAction: PendingHelmAction?
}

/// The newest record about one Flux object from the controller that reconciles it, and its
/// newest `Reconciliation finished in <d>, next run in <d>` (kustomize-controller; helm-controller
/// <= v0.36; source-controller < v0.22; FLUX-LOGS.md 1.4, 3.1), for overdue reconciles.
public struct ObjectCadence: Sendable {
    /// The Flux object.
    public var object: ObjectRef
    /// The controller that reconciles its kind.
    public var controller: String
    /// Its newest record from that controller (UTC) and where it is.
    public var lastRecord: Timestamp
    public var lastLocation: SourceLocation
    /// The newest finish line with a `next run in`, its promised interval in seconds, place and message.
    public var finished: Timestamp?
    public var nextRunSeconds: Double?
    public var finishedLocation: SourceLocation?
    public var finishedMessage: String?
}

/// The first record of each minute in which a controller logged: where its silence begins.
public struct ActivityMark: Sendable {
    /// Epoch minute (UTC).
    public var minute: Int64
    /// The first record of that minute.
    public var location: SourceLocation
}

/// What one record says about its controller's lifetime (built by the stream stage; the
/// controller may not be known yet, see `LogScanner.StreamState.pending`).
struct LifetimeNote {
    var millis: Int64?
    var location: SourceLocation
    var pod: String?
    var startsLifetime = false
    var marker: LifetimeEnd?
    var leaseAcquired = false
    var isError = false
    /// The record's object (any kind: notification-controller names other controllers' objects).
    var object: ObjectRef?
    /// A Helm action this record starts.
    var actionStarted: String?
    /// A result about `object`: an error-level record or a healthy signal.
    var isResult = false
    /// `next run in` of a finish line, in seconds, and the line's message.
    var nextRun: Double?
    var message: String?

    /// Whether a controller-runtime JSON record is at level `error`: zap writes `level` first
    /// (FLUX-LOGS.md 1.1), so the record starts with `{"level":"error"`.
    static func isErrorLevel(_ json: UnsafeRawBufferPointer) -> Bool {
        let prefix: StaticString = "{\"level\":\"error\""
        let n = prefix.utf8CodeUnitCount
        guard json.count >= n else { return false }
        return prefix.withUTF8Buffer { p in (0..<n).allSatisfy { json[$0] == p[$0] } }
    }
}

/// Which lifetime facts each signature tells; looked up by signature index while scanning.
struct LifetimeRoles {
    enum Role { case graceful, panic, oomWatch, exited, lease, actionStarted, finished, healthy }
    var byIndex: [Role?]

    /// Signature ids of the shipped lifecycle signatures (Patterns/signatures/lifecycle.yaml,
    /// apiserver.yaml, reconcile.yaml, helm.yaml); a user set that drops one loses that fact.
    static let ids: [String: Role] = [
        "controller-shutdown": .graceful,
        "go-runtime-panic": .panic, "reconciler-panic": .panic,
        "controller-oom-imminent": .oomWatch,
        "leader-election-lost": .exited, "manager-exited": .exited,
        "leader-election-acquired": .lease,
        "helm-running-action": .actionStarted, "helm-action-started": .actionStarted, "helm-upgrade-preparing": .actionStarted,
        "kustomization-reconciliation-finished": .finished,
    ]

    init(patterns: PatternSet) {
        byIndex = patterns.signatures.map { s in LifetimeRoles.ids[s.id] ?? (s.role == .healthy ? .healthy : nil) }
    }

    /// The note of a fully decoded record and the signatures that hit it.
    func note(_ r: Record, hits: [SignatureHit]) -> LifetimeNote {
        var n = LifetimeNote(millis: r.time?.millis, location: r.location, pod: r.pod)
        n.startsLifetime = r.logger == "setup" && r.message == "starting manager"
        n.isError = r.level >= .error
        n.object = r.object
        n.isResult = n.isError
        for hit in hits {
            guard hit.signature < byIndex.count, let role = byIndex[hit.signature] else { continue }
            switch role {
            case .graceful: n.marker = max(n.marker ?? .none, .graceful)
            case .panic: n.marker = .panic
            case .oomWatch: n.marker = max(n.marker ?? .none, .oomWatch)
            case .exited: n.marker = max(n.marker ?? .none, .exited)
            case .lease: n.leaseAcquired = true
            case .actionStarted: n.actionStarted = hit.captures["action"] ?? "upgrade"  // helm-upgrade-preparing has none
            case .finished:
                n.isResult = true
                if let next = hit.captures["next"], let s = parseGoDuration(next), s > 0 {
                    n.nextRun = s
                    n.message = cut(r.message, at: 200)
                }
            case .healthy: n.isResult = true
            }
        }
        // A recovered panic is returned as an error and the controller goes on (RecoverPanic):
        // `panic: ... [recovered]` is not an ending.
        if n.marker == .panic, r.text.contains("[recovered]") { n.marker = nil }
        return n
    }
}

/// Lifetime state of one input stream, keyed by (controller, pod).
struct StreamLifetimes {
    struct Key: Hashable { var controller: String; var pod: String? }
    struct Open {
        var life: ControllerLifetime
        var lastMinute: Int64 = .min
        /// Records with no object after a pause of at least a second: older controller-runtime
        /// logs `Metrics server is starting to listen` just before `starting manager`
        /// (FLUX-LOGS.md 1.2), so a tail that a start-up follows within 2 s belongs to it.
        var tail: (count: Int, errors: Int, first: Int64, location: SourceLocation)?
        /// The lifetime as it was before its tail; nil with a tail when the tail is all it holds.
        var beforeTail: (last: Timestamp, location: SourceLocation, records: Int, errors: Int)?
    }
    var open: [Key: Open] = [:]
    let stream: Int

    init(stream: Int) { self.stream = stream }

    mutating func note(_ n: LifetimeNote, controller: String, tracker: LifetimeTracker) {
        guard controller != "unknown" else { return }
        if let t = n.millis { tracker.inputEnd = max(tracker.inputEnd ?? t, t) }
        let key = Key(controller: controller, pod: n.pod)
        tracker.noteCadence(n, controller: controller)
        if n.startsLifetime {
            var first = n.millis, firstLocation = n.location, records = 1, errors = n.isError ? 1 : 0
            if var cur = open.removeValue(forKey: key) {
                if let tail = cur.tail, let t = n.millis, t - tail.first <= 2_000 {
                    first = tail.first
                    firstLocation = tail.location
                    records += tail.count
                    errors += tail.errors
                    if let before = cur.beforeTail {
                        cur.life.last = before.last
                        cur.life.lastLocation = before.location
                        cur.life.records = before.records
                        cur.life.errors = before.errors
                    } else {
                        cur.life.records = 0  // the tail was all of it
                    }
                }
                if cur.life.records > 0 { tracker.close(cur.life) }
            }
            guard let start = first else { return }  // no time: cannot be placed
            let life = ControllerLifetime(
                controller: controller, pod: n.pod, stream: stream, first: Timestamp(millis: start), firstLocation: firstLocation,
                last: Timestamp(millis: n.millis ?? start), lastLocation: n.location, startedWithStartUp: true, end: .none,
                records: records, errors: errors)
            var o = Open(life: life)
            tracker.mark(controller: controller, millis: start, location: firstLocation, open: &o)
            open[key] = o
            return
        }
        guard let t = n.millis else {
            if var cur = open[key] { cur.life.records += 1; if n.isError { cur.life.errors += 1 }; open[key] = cur }
            return
        }
        var cur = open[key] ?? Open(life: ControllerLifetime(
            controller: controller, pod: n.pod, stream: stream, first: Timestamp(millis: t), firstLocation: n.location,
            last: Timestamp(millis: t), lastLocation: n.location, startedWithStartUp: false, end: .none, records: 0, errors: 0))
        // The tail: trailing records with no object and no ending, after a pause.
        if n.object == nil, n.marker == nil {
            if cur.tail != nil {
                cur.tail!.count += 1
                if n.isError { cur.tail!.errors += 1 }
            } else if cur.life.records == 0 {
                cur.beforeTail = nil
                cur.tail = (1, n.isError ? 1 : 0, t, n.location)
            } else if t - cur.life.last.millis >= 1_000 {
                cur.beforeTail = (cur.life.last, cur.life.lastLocation, cur.life.records, cur.life.errors)
                cur.tail = (1, n.isError ? 1 : 0, t, n.location)
            }
        } else {
            cur.tail = nil
            cur.beforeTail = nil
        }
        apply(n, at: t, to: &cur.life)
        tracker.mark(controller: controller, millis: t, location: n.location, open: &cur)
        open[key] = cur
    }

    /// Folds one timed record into a lifetime.
    func apply(_ n: LifetimeNote, at t: Int64, to life: inout ControllerLifetime) {
        let time = Timestamp(millis: t)
        // An ending the lifetime outlived: a shutting-down manager is gone within the termination
        // grace period (60 s in Flux's Deployments), so a record 90 s later means it went on.
        if life.end != .none, let endAt = life.endAt, t - endAt.millis > 90_000 {
            if endAt.millis - life.first.millis <= 120_000, life.inheritedEnd == nil {
                life.inheritedEnd = life.end
                life.inheritedEndAt = endAt
            }
            life.end = .none
            life.endAt = nil
            life.endLocation = nil
        }
        if t >= life.last.millis {
            life.last = time
            life.lastLocation = n.location
        }
        life.records += 1
        if n.isError { life.errors += 1 }
        if let m = n.marker {
            if m > life.end {
                if life.end == .none { life.endAt = time; life.endLocation = n.location }
                life.end = m
            }
            if m == .graceful, life.startedWithStartUp, life.leaseAcquired == nil, t - life.first.millis <= 90_000 {
                life.stoppedBeforeLease = true
            }
        }
        if n.leaseAcquired, life.leaseAcquired == nil {
            life.leaseAcquired = time
            // A manager that is stopping acquires no lease: the stop lines before it were the
            // previous pod's (rolling restart in one stream).
            if life.stoppedBeforeLease, life.end == .graceful, let endAt = life.endAt {
                if life.inheritedEnd == nil { life.inheritedEnd = .graceful; life.inheritedEndAt = endAt }
                life.end = .none
                life.endAt = nil
                life.endLocation = nil
            }
        }
        if let o = n.object {
            life.lastObject = o
            life.lastObjectAt = time
            if let action = n.actionStarted {
                life.pendingAction = PendingHelmAction(action: action, object: o, at: time, location: n.location)
            } else if n.isResult, life.pendingAction?.object == o {
                life.pendingAction = nil
            }
        }
    }

    /// Closes every open lifetime (the stream ended).
    mutating func finish(tracker: LifetimeTracker) {
        for key in open.keys.sorted(by: { ($0.controller, $0.pod ?? "") < ($1.controller, $1.pod ?? "") }) {
            if let o = open[key], o.life.records > 0 { tracker.close(o.life) }
        }
        open.removeAll()
    }
}

/// Scanner-wide lifetime state: finished lifetimes (bounded per stream and controller), the
/// cadence of every object (bounded), activity marks per controller (one per minute, bounded).
final class LifetimeTracker {
    /// At most this many lifetimes are kept per (stream, controller, pod): the first half and the
    /// newest half; the rest are counted in `overflow`.
    var lifetimesPerKey = 200
    /// At most this many objects have a cadence; later objects are counted in `cadenceOverflow`.
    var objectCap = 50_000
    /// At most this many activity marks per controller (minutes, about two years).
    var marksPerController = 1_000_000

    struct Key: Hashable { var stream: Int; var controller: String; var pod: String? }
    private(set) var lifetimes: [Key: [ControllerLifetime]] = [:]
    private var keyOrder: [Key] = []
    private(set) var overflow = 0
    private(set) var cadence: [ObjectRef: ObjectCadence] = [:]
    private(set) var cadenceOverflow = 0
    private(set) var marks: [String: [ActivityMark]] = [:]
    private(set) var marksOverflow = 0
    /// The newest record time of any controller (milliseconds, UTC).
    var inputEnd: Int64?
    let roles: LifetimeRoles

    init(patterns: PatternSet) { roles = LifetimeRoles(patterns: patterns) }

    func close(_ life: ControllerLifetime) {
        let key = Key(stream: life.stream, controller: life.controller, pod: life.pod)
        if lifetimes[key] == nil { keyOrder.append(key) }
        lifetimes[key, default: []].append(life)
        if lifetimes[key]!.count > lifetimesPerKey {
            lifetimes[key]!.remove(at: lifetimesPerKey / 2)
            overflow += 1
        }
    }

    func mark(controller: String, millis: Int64, location: SourceLocation, open: inout StreamLifetimes.Open) {
        let minute = millis >= 0 ? millis / 60_000 : (millis - 59_999) / 60_000
        guard minute != open.lastMinute else { return }
        open.lastMinute = minute
        if marks[controller, default: []].count >= marksPerController { marksOverflow += 1; return }
        marks[controller, default: []].append(ActivityMark(minute: minute, location: location))
    }

    func noteCadence(_ n: LifetimeNote, controller: String) {
        guard let o = n.object, let t = n.millis, FluxControllers.controller(kind: o.kind) == controller else { return }
        if var c = cadence[o] {
            guard t >= c.lastRecord.millis else { return }
            c.lastRecord = Timestamp(millis: t)
            c.lastLocation = n.location
            if let next = n.nextRun {
                c.finished = c.lastRecord
                c.nextRunSeconds = next
                c.finishedLocation = n.location
                c.finishedMessage = n.message
            }
            cadence[o] = c
        } else {
            guard cadence.count < objectCap else { cadenceOverflow += 1; return }
            var c = ObjectCadence(object: o, controller: controller, lastRecord: Timestamp(millis: t), lastLocation: n.location)
            if let next = n.nextRun {
                c.finished = c.lastRecord
                c.nextRunSeconds = next
                c.finishedLocation = n.location
                c.finishedMessage = n.message
            }
            cadence[o] = c
        }
    }

    /// Every kept lifetime, in reading order.
    var all: [ControllerLifetime] { keyOrder.flatMap { lifetimes[$0]! } }

    /// Activity marks per controller, sorted by minute, one per minute (the first place wins).
    var sortedMarks: [String: [ActivityMark]] {
        marks.mapValues { list in
            var seen: [Int64: ActivityMark] = [:]
            for m in list where seen[m.minute].map({ m.location < $0.location }) ?? true { seen[m.minute] = m }
            return seen.values.sorted { $0.minute < $1.minute }
        }
    }
}
