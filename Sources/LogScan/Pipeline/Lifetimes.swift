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
    /// Graceful stop lines this lifetime outlived (records came more than 90 s after them), or
    /// saw before it acquired its lease (and then acquired it). In one stream without pod names a rolling restart interleaves
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

    /// Takes `next`, the same process's records read on in another file (the kubelet's log
    /// rotation, `LifetimeFindings.joiningRotations`), as this lifetime's continuation: its
    /// end, last record and counts; the start stays this lifetime's.
    mutating func join(_ next: ControllerLifetime) {
        last = next.last
        lastLocation = next.lastLocation
        end = next.end
        endAt = next.endAt
        endLocation = next.endLocation
        if leaseAcquired == nil { leaseAcquired = next.leaseAcquired }
        if inheritedEnd == nil { (inheritedEnd, inheritedEndAt) = (next.inheritedEnd, next.inheritedEndAt) }
        stoppedBeforeLease = stoppedBeforeLease || next.stoppedBeforeLease
        records += next.records
        errors += next.errors
        if next.lastObject != nil { (lastObject, lastObjectAt) = (next.lastObject, next.lastObjectAt) }
        pendingAction = next.pendingAction
        if pod == nil { pod = next.pod }
    }
}

/// For an object that logged `Reconciliation finished in <d>, next run in <d>` (kustomize-controller;
/// helm-controller <= v0.36; source-controller < v0.22; FLUX-LOGS.md 1.4, 3.1): its newest such
/// line and its newest record of any kind from the controller that reconciles it, for overdue
/// reconciles. Objects that never logged a finish line are not kept.
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
    /// The record's line in its stream (the file is the stream's).
    var line: Int
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
    /// The object as a record read in place names it (`EventStore.quickObject`): where the
    /// tracker's cadence of it is, cached (`LifetimeTracker.cadenceSlot`).
    var quick: QuickObject?

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

    /// What signature `index` hitting a record tells: `capture` gives a named capture of the
    /// hit, `message` the record's message (read only for a finish line's `next run in`).
    func apply(_ index: Int, to n: inout LifetimeNote, capture: (String) -> String?, message: () -> String) {
        guard index < byIndex.count, let role = byIndex[index] else { return }
        switch role {
        case .graceful: n.marker = max(n.marker ?? .none, .graceful)
        case .panic: n.marker = .panic
        case .oomWatch: n.marker = max(n.marker ?? .none, .oomWatch)
        case .exited: n.marker = max(n.marker ?? .none, .exited)
        case .lease: n.leaseAcquired = true
        case .actionStarted: n.actionStarted = capture("action") ?? "upgrade"  // helm-upgrade-preparing has none
        case .finished:
            n.isResult = true
            if let next = capture("next"), let s = parseGoDuration(next), s > 0 {
                n.nextRun = s
                n.message = cut(message(), at: 200)
            }
        case .healthy: n.isResult = true
        }
    }

    /// The note of a fully decoded record and the signatures that hit it.
    func note(_ r: Record, hits: [SignatureHit]) -> LifetimeNote {
        var n = LifetimeNote(millis: r.time?.millis, line: r.location.line, pod: r.pod)
        n.startsLifetime = r.logger == "setup" && r.message == "starting manager"
        n.isError = r.level >= .error
        n.object = r.object
        n.isResult = n.isError
        for hit in hits { apply(hit.signature, to: &n, capture: { hit.captures[$0] }, message: { r.message }) }
        // A recovered panic is returned as an error and the controller goes on (RecoverPanic):
        // `panic: ... [recovered]` in a record's error is not an ending. Go's own crash report
        // (a plain-text record that begins `panic: `) is one even so: it prints `[recovered]`
        // when a recovered panic panicked again (`panic: X [recovered]` then a tab and `panic:
        // X`), and it prints only when the process dies.
        if n.marker == .panic, r.text.contains("[recovered]"), !(r.format == .plain && r.message.hasPrefix("panic: ")) {
            n.marker = nil
        }
        return n
    }
}

/// Lifetime state of one input stream, keyed by (controller, pod).
struct StreamLifetimes {
    struct Key: Hashable { var controller: String; var pod: String? }
    struct Open {
        var life: ControllerLifetime
        /// The fields every record moves, kept as numbers (no string to retain per record) and
        /// written into `life` when it closes.
        var lastMillis: Int64
        var lastLine: Int
        var records: Int
        var errors: Int
        var lastMinute: Int64 = .min
        /// Records with no object after a pause of at least a second: older controller-runtime
        /// logs `Metrics server is starting to listen` just before `starting manager`
        /// (FLUX-LOGS.md 1.2), so a tail that a start-up follows within 2 s belongs to it.
        var tail: (count: Int, errors: Int, first: Int64, line: Int)?
        /// The lifetime as it was before its tail; nil with a tail when the tail is all it holds.
        var beforeTail: (lastMillis: Int64, lastLine: Int, records: Int, errors: Int)?

        init(life: ControllerLifetime, line: Int) {
            self.life = life
            lastMillis = life.last.millis
            lastLine = line
            records = life.records
            errors = life.errors
        }

        func closed(file: String) -> ControllerLifetime {
            var l = life
            l.last = Timestamp(millis: lastMillis)
            l.lastLocation = SourceLocation(file: file, line: lastLine)
            l.records = records
            l.errors = errors
            return l
        }
    }
    /// Open lifetimes by key: a stream holds a few controllers (and pods), so a linear search
    /// over `keys` costs less than hashing their names on every record.
    var keys: [Key] = []
    var opens: [Open?] = []
    /// Whether `opens[i]` holds a lifetime: tested instead of the optional itself, whose test
    /// copied the whole `Open` (a dozen references) on every record.
    var live: [Bool] = []
    let stream: Int
    /// The stream's name, the `file` of every location.
    let file: String

    init(stream: Int, file: String) {
        self.stream = stream
        self.file = file
    }

    /// Key → index once there are more than 16 keys (many pods behind one stern prefix).
    var index: [Key: Int] = [:]

    mutating func slot(_ key: Key) -> Int {
        if keys.count <= 16 {
            if let i = keys.firstIndex(of: key) { return i }
        } else if let i = index[key] {
            return i
        }
        keys.append(key)
        opens.append(nil)
        live.append(false)
        if keys.count == 17 { for (i, k) in keys.enumerated() { index[k] = i } } else if keys.count > 17 { index[key] = keys.count - 1 }
        return keys.count - 1
    }

    mutating func note(_ n: LifetimeNote, controller: String, tracker: LifetimeTracker) {
        guard controller != "unknown" else { return }
        if let t = n.millis, t > tracker.inputEnd ?? .min { tracker.inputEnd = t }
        if n.object != nil { tracker.noteCadence(n, controller: controller, file: file) }
        let i = slot(Key(controller: controller, pod: n.pod))
        if n.startsLifetime {
            var first = n.millis, firstLine = n.line, records = 1, errors = n.isError ? 1 : 0
            if live[i], var cur = opens[i] {
                opens[i] = nil
                live[i] = false
                if let tail = cur.tail, let t = n.millis, t - tail.first <= 2_000 {
                    first = tail.first
                    firstLine = tail.line
                    records += tail.count
                    errors += tail.errors
                    if let before = cur.beforeTail {
                        cur.lastMillis = before.lastMillis
                        cur.lastLine = before.lastLine
                        cur.records = before.records
                        cur.errors = before.errors
                    } else {
                        cur.records = 0  // the tail was all of it
                    }
                }
                if cur.records > 0 { tracker.close(cur.closed(file: file)) }
            }
            guard let start = first else { return }  // no time: cannot be placed
            let firstLocation = SourceLocation(file: file, line: firstLine)
            let life = ControllerLifetime(
                controller: controller, pod: n.pod, stream: stream, first: Timestamp(millis: start), firstLocation: firstLocation,
                last: Timestamp(millis: n.millis ?? start), lastLocation: firstLocation, startedWithStartUp: true, end: .none,
                records: records, errors: errors)
            var o = Open(life: life, line: n.line)
            tracker.mark(controller: controller, millis: start, file: file, line: firstLine, open: &o)
            opens[i] = o
            live[i] = true
            return
        }
        guard let t = n.millis else {
            if live[i] { opens[i]!.records += 1; if n.isError { opens[i]!.errors += 1 } }
            return
        }
        if !live[i] {
            live[i] = true
            let here = SourceLocation(file: file, line: n.line)
            opens[i] = Open(life: ControllerLifetime(
                controller: controller, pod: n.pod, stream: stream, first: Timestamp(millis: t), firstLocation: here,
                last: Timestamp(millis: t), lastLocation: here, startedWithStartUp: false, end: .none, records: 0, errors: 0),
                line: n.line)
        }
        // In place: a static function, so that calling it does not copy `self` (and `opens` with it).
        StreamLifetimes.update(&opens[i]!, with: n, at: t, controller: controller, file: file, tracker: tracker)
    }

    static func update(_ cur: inout Open, with n: LifetimeNote, at t: Int64, controller: String, file: String, tracker: LifetimeTracker) {
        // The tail: trailing records with no object and no ending, after a pause.
        if n.object == nil, n.marker == nil {
            if cur.tail != nil {
                cur.tail!.count += 1
                if n.isError { cur.tail!.errors += 1 }
            } else if cur.records == 0 {
                cur.beforeTail = nil
                cur.tail = (1, n.isError ? 1 : 0, t, n.line)
            } else if t - cur.lastMillis >= 1_000 {
                cur.beforeTail = (cur.lastMillis, cur.lastLine, cur.records, cur.errors)
                cur.tail = (1, n.isError ? 1 : 0, t, n.line)
            }
        } else if cur.tail != nil {
            cur.tail = nil
            cur.beforeTail = nil
        }
        // An ending the lifetime outlived: a shutting-down manager is gone within the termination
        // grace period (60 s in Flux's Deployments), so a record 90 s later means it went on, and
        // graceful stop lines it outlived were another pod's (the previous one, in one stream).
        if cur.life.end != .none, let endAt = cur.life.endAt, t - endAt.millis > 90_000 {
            if cur.life.end == .graceful, cur.life.inheritedEnd == nil {
                cur.life.inheritedEnd = cur.life.end
                cur.life.inheritedEndAt = endAt
            }
            cur.life.end = .none
            cur.life.endAt = nil
            cur.life.endLocation = nil
        }
        if t >= cur.lastMillis {
            cur.lastMillis = t
            cur.lastLine = n.line
        }
        cur.records += 1
        if n.isError { cur.errors += 1 }
        if n.marker != nil || n.leaseAcquired || n.object != nil { apply(n, at: t, to: &cur.life, file: file) }
        tracker.mark(controller: controller, millis: t, file: file, line: n.line, open: &cur)
    }

    /// Folds what one timed record says about endings, the lease and objects into a lifetime.
    static func apply(_ n: LifetimeNote, at t: Int64, to life: inout ControllerLifetime, file: String) {
        let time = Timestamp(millis: t)
        if let m = n.marker {
            if m > life.end {
                if life.end == .none { life.endAt = time; life.endLocation = SourceLocation(file: file, line: n.line) }
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
                life.pendingAction = PendingHelmAction(action: action, object: o, at: time, location: SourceLocation(file: file, line: n.line))
            } else if n.isResult, life.pendingAction?.object == o {
                life.pendingAction = nil
            }
        }
    }

    /// Closes every open lifetime (the stream ended).
    mutating func finish(tracker: LifetimeTracker) {
        for i in keys.indices.sorted(by: { (keys[$0].controller, keys[$0].pod ?? "") < (keys[$1].controller, keys[$1].pod ?? "") }) {
            if let o = opens[i], o.records > 0 { tracker.close(o.closed(file: file)) }
        }
        keys.removeAll()
        opens.removeAll()
        live.removeAll()
        index.removeAll()
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
    private(set) var cadence: [ObjectCadence] = []
    private var cadenceIndex: [ObjectRef: Int] = [:]
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

    func mark(controller: String, millis: Int64, file: String, line: Int, open: inout StreamLifetimes.Open) {
        let minute = millis >= 0 ? millis / 60_000 : (millis - 59_999) / 60_000
        guard minute != open.lastMinute else { return }
        open.lastMinute = minute
        if marks[controller, default: []].count >= marksPerController { marksOverflow += 1; return }
        marks[controller, default: []].append(ActivityMark(minute: minute, location: SourceLocation(file: file, line: line)))
    }

    /// Identifies this tracker to the cadence slots cached in `QuickObject`s (random: trackers
    /// come and go with the inputs, and a cache must never take one tracker's slot for another's).
    let serial = UInt64.random(in: 1 ... .max)

    /// The index of `q`'s object in `cadence`, nil when it has none: looked up once, then
    /// remembered in `q` (slots never move: `cadence` is only appended to).
    func cadenceSlot(_ q: QuickObject) -> Int? {
        if q.cadenceTracker == serial {
            if q.cadenceSlot >= 0 { return q.cadenceSlot }
            if q.cadenceAbsentAt == cadence.count { return nil }
        }
        let k = cadenceIndex[q.ref]
        q.cadenceTracker = serial
        q.cadenceSlot = k ?? -1
        q.cadenceAbsentAt = cadence.count
        return k
    }

    func noteCadence(_ n: LifetimeNote, controller: String, file: String) {
        guard let o = n.object, let t = n.millis else { return }
        if let k = n.quick.map(cadenceSlot) ?? cadenceIndex[o] {
            // One hash, then in place.
            guard t >= cadence[k].lastRecord.millis, cadence[k].controller == controller else { return }
            cadence[k].lastRecord = Timestamp(millis: t)
            // The line, and the file only when it changed (storing the same string again is a
            // retain and a release per record).
            cadence[k].lastLocation.line = n.line
            if cadence[k].lastLocation.file != file { cadence[k].lastLocation.file = file }
            if let next = n.nextRun {
                cadence[k].finished = Timestamp(millis: t)
                cadence[k].nextRunSeconds = next
                cadence[k].finishedLocation = cadence[k].lastLocation
                cadence[k].finishedMessage = n.message
            }
            return
        }
        // An object enters at its first finish line: only those promise a next run.
        guard let next = n.nextRun, FluxControllers.controller(kind: o.kind) == controller else { return }
        guard cadence.count < objectCap else { cadenceOverflow += 1; return }
        let here = SourceLocation(file: file, line: n.line)
        cadenceIndex[o] = cadence.count
        cadence.append(ObjectCadence(object: o, controller: controller, lastRecord: Timestamp(millis: t), lastLocation: here,
                                     finished: Timestamp(millis: t), nextRunSeconds: next, finishedLocation: here,
                                     finishedMessage: n.message))
    }

    /// Adds another input's lifetimes, cadences and activity marks (the parts of `--jobs`). Its
    /// streams are numbered from `streamBase` on, in their own order, so that lifetimes of two
    /// inputs never share a key; returns how many stream numbers it used.
    func absorb(_ other: LifetimeTracker, streamBase: Int) -> Int {
        let streams = Array(Set(other.keyOrder.map(\.stream))).sorted()
        let renumber = Dictionary(uniqueKeysWithValues: streams.enumerated().map { ($1, streamBase + $0) })
        for key in other.keyOrder {
            for var life in other.lifetimes[key]! {
                life.stream = renumber[life.stream]!
                close(life)
            }
        }
        overflow += other.overflow
        for c in other.cadence {
            guard let k = cadenceIndex[c.object] else {
                guard cadence.count < objectCap else { cadenceOverflow += 1; continue }
                cadenceIndex[c.object] = cadence.count
                cadence.append(c)
                continue
            }
            guard cadence[k].controller == c.controller else { continue }
            // The newest record and the newest finish line win, whichever input held them.
            if c.lastRecord > cadence[k].lastRecord || (c.lastRecord == cadence[k].lastRecord && c.lastLocation < cadence[k].lastLocation) {
                cadence[k].lastRecord = c.lastRecord
                cadence[k].lastLocation = c.lastLocation
            }
            if let f = c.finished, let place = c.finishedLocation,
               cadence[k].finished.map({ f > $0 || (f == $0 && place < (cadence[k].finishedLocation ?? place)) }) ?? true {
                cadence[k].finished = c.finished
                cadence[k].nextRunSeconds = c.nextRunSeconds
                cadence[k].finishedLocation = c.finishedLocation
                cadence[k].finishedMessage = c.finishedMessage
            }
        }
        cadenceOverflow += other.cadenceOverflow
        for (controller, list) in other.marks {
            let room = max(0, marksPerController - marks[controller, default: []].count)
            marks[controller, default: []] += list.prefix(room)
            marksOverflow += list.count - min(room, list.count)
        }
        marksOverflow += other.marksOverflow
        if let e = other.inputEnd { inputEnd = max(inputEnd ?? e, e) }
        return streams.count
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
