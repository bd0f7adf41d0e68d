import Foundation
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The `follow` sidecar (CONTRACT.md: "follow files/folders, survive rotation, emit as windows
/// close"; DESIGN.md `Follow/`): one `LogScanner` fed by one thread per followed file, and a
/// ticker on the calling thread that closes incidents behind the watermark, diagnoses them and
/// hands each new or changed incident to `onIncident` with its sequence number (ndjson `seq`: a
/// higher one replaces the earlier record with the same `id`).
///
/// Threads. The scanner is not thread-safe: every thread holds `lock` while it touches it. A
/// reader thread runs `LogScanner.scan(source:)` holding the lock, and lets go of it only inside
/// its source's `read`, where it waits for the file to grow (`UnlockingSource`). The ticker takes
/// the lock between reads. Readers interleave chunk by chunk (1 MiB at most).
///
/// Closing. One followed input (stdin, or one file) is in event-time order, and closes by the
/// event store's budget as `scan` does (Pipeline/Closing.swift). Several files are read at once
/// but not in event-time order while they catch up on what they already hold, so incidents close
/// only once every reader waits at its end of file. Then, while the cluster is quiet, event time
/// is taken to advance with the wall clock from the newest event: incidents close a window or two
/// after their last event although no later record came.
///
/// Emission. At a tick (every `tickSeconds`, seconds) where incidents closed or events came, and
/// `analyseSeconds` passed since the last analysis, the scanner's whole state is analysed as `scan` analyses it at the
/// end (`Analysis`). A closed incident is emitted when new or changed, then leaves the scanner;
/// an open one is emitted when new, then at most every `reportEverySeconds` while it changes; at
/// the end (`run` returns) every change is emitted. A closed incident emitted as `open` is kept
/// as emitted (at most `keepClosed`, oldest dropped first) and emitted again, `resolved`, when its
/// objects turn healthy (`Analysis.resolve`). A closed incident whose first hypothesis tells a
/// controller's restart keeps folding restart incidents under it (`LifetimeFindings.Folder`), and a
/// restart incident emitted before the incident that tells it is emitted again, `resolved`, when
/// it folds (`Analysis.foldedRestarts`). Evidence older than what any incident still to
/// diagnose can look at is dropped (`EventStore.pruneEntries`). So memory follows what is still
/// open, not how long the sidecar has run.
public final class Follower: @unchecked Sendable {
    /// The scanner every reader feeds (its `filter`, `referenceYear` and patterns as set by the caller).
    public let scanner: LogScanner
    let patterns: PatternSet
    let windowSeconds: Double
    /// The stop request every source watches.
    public let control: FollowControl
    let lock = FollowLock()
    /// Incidents below this are not emitted.
    public var minSeverity: Severity = .info
    /// Seconds between ticks.
    public var tickSeconds = 1.0
    /// Seconds between two analyses (incidents that close in between wait for the next).
    public var analyseSeconds = 2.0
    /// Seconds between two emissions of the same open incident while it changes.
    public var reportEverySeconds = 60.0
    /// Seconds between two walks of the folders given, for new files (new pods, restarted containers).
    public var walkSeconds = 10.0
    /// Seconds a followed file's source waits between two looks at a file that has not grown.
    public var pollSeconds = 0.25
    /// Seconds of evidence kept behind the watermark for incidents open longer than that (their
    /// diagnosis then weighs the latest hour of evidence, not the whole of it, as `scan` would).
    public var evidenceSeconds = 3600.0
    /// Closed incidents kept (to emit their change to `resolved`) before the oldest are dropped.
    public var keepClosed = 1000
    /// Runs held before incidents close (`LogScanner.closeBudget`).
    public var closeBudget = 8192
    /// The wall clock, milliseconds since the Unix epoch (UTC); tests replace it.
    public var wallClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    /// Called with each incident to emit and its sequence number (1, 2, ...), on the ticker's
    /// thread, holding the lock.
    public var onIncident: ((Incident, Int) -> Void)?
    /// Called with notes worth a warning as they happen (a rotation followed, a file removed).
    public var onNote: ((String) -> Void)?
    /// The last sequence number given.
    public private(set) var seq = 0
    /// Stop once every reader waits at its end of input (tests and replays: the whole of what the
    /// files hold, emitted as `follow` emits it, then the end).
    public var stopWhenCaughtUp = false

    /// One input read by a thread of its own.
    struct Reader {
        var name: String
        /// The followed file's source (nil for stdin and for files read once).
        var source: FollowSource?
        /// Since when (wall clock, milliseconds) the reader has been inside its source's `read`
        /// (waiting for bytes), nil while it reads or matches.
        var waitingSince: Int64?
        var done = false
        var notesSeen = 0
        /// It reached the end of its input once (it waited): what it reads from then on is live,
        /// however often lines come.
        var live = false
        /// A followed file's inode and offset after its last read (for `snapshotState`).
        var position: (inode: UInt64, offset: UInt64)?
    }
    var readers: [Reader] = []
    /// Notes of the sources (rotations, truncations, removals) not handed to `onNote` yet.
    var pendingNotes: [String] = []
    /// Paths found by a walk so far.
    var known: Set<String> = []
    /// Whether a folder is among the inputs (then `run` goes on when every reader ended).
    var watchesFolders = false
    /// Paths given that did not exist when following began: waited for (`run`).
    var waitingFor: [String] = []
    /// Called (holding the lock) every `saveSeconds` with the state so far, so that a sidecar
    /// killed without a chance to flush (SIGKILL, OOM) goes on from near where it was.
    public var saveState: ((FollowState) -> Void)?
    /// Seconds between two calls of `saveState`.
    public var saveSeconds = 30.0
    var lastSave: Int64 = 0
    /// What makes a record of an incident worth writing again: the incident's JSON with each
    /// hypothesis' evidence kept as its reason alone (the text before ` [signal ×N in runs
    /// from ... to ...]`). Supporting healthy signals keep counting after the failures stop, and
    /// each new count rewrote the incident (a trial's resolved incident was written three more
    /// times with nothing else changed); a new reason, a confidence, a count of the failure
    /// signals or a status still make a new record.
    /// (`fnv1a64` of that JSON; computed only when the whole record changed while the incident is
    /// open, and when it is written.)
    static func reasonsDigest(_ incident: Incident) -> String {
        var i = incident
        func reason(_ s: String) -> String { s.range(of: " [").map { String(s[..<$0.lowerBound]) } ?? s }
        for k in i.hypotheses.indices {
            i.hypotheses[k].evidenceFor = i.hypotheses[k].evidenceFor.map(reason)
            i.hypotheses[k].evidenceAgainst = i.hypotheses[k].evidenceAgainst.map(reason)
        }
        return fnv1a64(JSON.object(JSONReport.incident(i)).rendered)
    }

    /// Sequence numbers a state saved while running reserves past its `seq` (`FollowState.reserved`).
    static let seqReservation = 1000
    /// Readers whose input ended, and that count at the last analysis.
    var streamsEnded = 0
    var lastStreamsEnded = 0
    /// When a change to an emitted incident held back by `reportEverySeconds` may be written
    /// (wall clock, milliseconds); nil when none waits.
    var changeDue: Int64?
    /// The highest number the last state saved while running reserved; reaching it saves again.
    var reservedSeq = Int.max

    /// The next sequence number. A running sidecar whose saved state did not reserve it saves
    /// the state first (a SIGKILL then cannot make the next run give it again).
    func nextSeq() -> Int {
        if seq + 1 > reservedSeq, let saveState {
            lastSave = wallClock()
            saveState(snapshotState())
        }
        seq += 1
        return seq
    }
    /// What was emitted of each incident still held: a digest of its JSON (`fnv1a64`), the
    /// digest of its reasons (`reasonsDigest`) and when (wall clock, ms).
    var emitted: [String: (digest: String, reasons: String, at: Int64)] = [:]
    var lastAnalysis: Int64 = 0
    /// Closed incidents emitted while `open`, as emitted (oldest first, at most `keepClosed`).
    var kept: [Incident] = []
    /// Closed incidents whose first hypothesis cites a controller's restarts, as `follow` last
    /// wrote them (oldest first, at most `keepClosed`): a restart incident they tell folds under
    /// them in later analyses too, as in `scan` (`LifetimeFindings.Folder`).
    var folders: [LifetimeFindings.Folder] = []
    /// Restart incidents (class `controller-restart`) as last written while held: one that an
    /// incident read later tells (`Analysis.foldedRestarts`) is written once more, `resolved`.
    var writtenRestarts: [String: Incident] = [:]
    /// Incidents closed and emitted, which later analyses no longer hold, by
    /// `Incident.recurrenceKey`: how many, and the latest (its id, span and status; the count
    /// is `count`). A failure that comes back names them (`Incident.earlier`) as `scan` does. At
    /// most `historyCap` keys (then the oldest half is forgotten).
    var history: [String: (count: Int, latest: Earlier)] = [:]
    static let historyCap = 10_000
    /// Evidence ending before this (UTC milliseconds) is dropped: no incident still to diagnose
    /// looks at it.
    var horizon: Int64 = .min
    /// `FLUX_LOGSCAN_DEBUG`: the watermark, horizon and store sizes after each analysis, on stderr.
    let debug = getenv("FLUX_LOGSCAN_DEBUG") != nil
    var lastEvents = -1
    /// The watermark as events last moved it, the wall clock then, and the value last set from the clock.
    var mark: (event: Int64, wall: Int64, set: Int64) = (.min, 0, .min)
    var lastCloseMark: Int64 = .min
    /// With `--since` (`scanner.filter.since`): `recordsBeforeSince` at the last analysis that
    /// could tell the warning about them (every input read), and the warning last told.
    var beforeSinceChecked = 0
    var beforeSinceTold: String?

    /// How many failure records before `--since` were read so far (relayed ones included).
    var recordsBeforeSince: Int {
        let s = scanner.state
        return s.failingBeforeSince.values.reduce(0) { $0 + $1.count }
            + s.relayedBeforeSince.values.reduce(0) { n, byObject in byObject.values.reduce(n) { $0 + $1.count } }
    }

    /// With `--since`, once every input is read (`caughtUp`) or at the end: `scan`'s warning on the
    /// objects already failing when the window begins (`ScanResult.beforeSinceWarning`), told by
    /// `onNote` when it is new (again when more of those records come: a file found later).
    func tellBeforeSince(_ analysis: Analysis) {
        guard let since = scanner.filter.since else { return }
        beforeSinceChecked = recordsBeforeSince
        guard beforeSinceChecked > 0, let w = analysis.scan.beforeSinceWarning(since: since), w != beforeSinceTold else { return }
        beforeSinceTold = w
        onNote?("warning: \(w)")
    }

    /// With `--since`, before evidence ending before `horizon` is dropped: an object healthy again
    /// before the window (`ScanResult.recoveredBeforeSince`) by a record about to be dropped
    /// leaves the failures before it, so that later analyses do not take it as failing when the
    /// window begins (a sidecar reading hours of history before its `--since`). Once the
    /// `previous` horizon is past the window's start, what tells it is gone already.
    func forgetRecoveredBeforeSince(_ analysis: Analysis, horizon: Int64, previous: Int64) {
        guard let since = scanner.filter.since, previous < since.millis, horizon > previous,
              !scanner.state.failingBeforeSince.isEmpty || !scanner.state.relayedBeforeSince.isEmpty else { return }
        for (object, at) in analysis.scan.recoveredBeforeSince(since) where at.millis < horizon {
            scanner.state.failingBeforeSince[object] = nil
            for c in scanner.state.relayedBeforeSince.keys { scanner.state.relayedBeforeSince[c]?[object] = nil }
        }
    }

    /// - Parameter windowSeconds: `--window`, as given to the scanner.
    public init(scanner: LogScanner, patterns: PatternSet, windowSeconds: Double, control: FollowControl = FollowControl()) {
        self.scanner = scanner
        self.patterns = patterns
        self.windowSeconds = windowSeconds
        self.control = control
    }

    /// Follows `inputs` (files, folders, `-` for standard input) until `control.stop()` or until
    /// every input ended (stdin closed, every file removed), emitting incidents as they close or
    /// change, then emits every change left and returns the final analysis (its `scan` holds the
    /// stats, unmatched errors and input errors). Inputs that cannot be opened are in
    /// `analysis.scan.inputErrors`; the rest is followed.
    /// - Parameter resume: a state file's offsets: each file whose inode matches starts where it
    ///   was left, and sequence numbers go on from its `seq`. Rotated and compressed files are
    ///   then not read again (their records were read before the state was written).
    public func run(inputs: [String], resume: FollowState? = nil) -> Analysis {
        lock.lock()
        scanner.following = true
        // After a SIGKILL the state is up to `saveSeconds` old: its `reserved` is above every
        // number the killed run could have written, so none is given twice.
        if let resume { seq = resume.lastSeqGiven }
        watchesFolders = inputs.contains { $0 != "-" && Self.isDirectory($0) }
        walk(inputs, first: true, resume: resume)
        // A path that does not exist yet (a sidecar started before the log volume is filled) is
        // waited for, as `tail -F` does: the walks look for it like for a folder's new files.
        if !waitingFor.isEmpty {
            watchesFolders = true
            onNote?("\(InputWalker.some(waitingFor)): does not exist yet; waiting for it to appear (looked for every \(Int(walkSeconds)) s)")
        }
        if readers.isEmpty, watchesFolders, waitingFor.isEmpty {
            onNote?("nothing to follow yet in \(inputs.filter(Self.isDirectory).joined(separator: ", ")): waiting for log files (looked for every \(Int(walkSeconds)) s)")
        }
        // One input in event-time order closes by the budget from the start, as `scan` does.
        if readers.count == 1, readers[0].source != nil || readers[0].name == "-" { scanner.closeBudget = closeBudget }
        lock.unlock()
        var lastWalk = wallClock()
        while !control.isStopped {
            control.wait(seconds: tickSeconds)
            lock.lock()
            // Every input ended: stdin closed, files given by name removed. A folder is watched
            // for new files however empty it is.
            if readers.allSatisfy(\.done), !watchesFolders {
                lock.unlock()
                break
            }
            let now = wallClock()
            if now - lastWalk >= Int64(walkSeconds * 1000) {
                walk(inputs, first: false, resume: nil)
                lastWalk = now
            }
            tick(final: false)
            if let saveState, now - lastSave >= Int64(saveSeconds * 1000) {
                lastSave = now
                saveState(snapshotState())
            }
            let stop = stopWhenCaughtUp && allCaughtUp
            lock.unlock()
            if stop { break }
        }
        control.stop()
        // Sources return what their files still hold, then end; their streams finish.
        while true {
            lock.lock()
            let done = readers.allSatisfy(\.done)
            lock.unlock()
            if done { break }
            usleep(10_000)
        }
        lock.lock()
        defer { lock.unlock() }
        return tick(final: true)!
    }

    /// What a state file keeps: each followed file's inode and offset, and the last sequence number.
    /// Call after `run` returned.
    public var state: FollowState {
        lock.lock()
        defer { lock.unlock() }
        return FollowState(seq: seq, files: readers.compactMap { r in
            r.source.map { FollowState.File(path: r.name, inode: $0.inode, offset: $0.offset) }
        })
    }

    /// The state while readers run (holding the lock): each file's inode and offset as of its last
    /// read (bytes handed to the line reader; a line cut by the read is counted as read).
    func snapshotState() -> FollowState {
        reservedSeq = seq + Self.seqReservation
        var s = FollowState(seq: seq, files: readers.compactMap { r in
            r.position.map { FollowState.File(path: r.name, inode: $0.inode, offset: $0.offset) }
        })
        s.reserved = reservedSeq
        return s
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// Finds the files of `inputs` not followed yet and starts a reader for each. On the first
    /// walk, rotated and compressed files (`0.log.20261201-010203`, `*.gz`) are read once, as
    /// history; later ones are rotations of files followed already, read through their source.
    func walk(_ inputs: [String], first: Bool, resume: FollowState?) {
        var walker = InputWalker()
        let paths = walker.expand(inputs)
        if first {
            // `--until-caught-up` reads what is there: a missing path stays an input error.
            waitingFor = stopWhenCaughtUp ? [] : walker.missing
            for e in walker.errors where !waitingFor.contains(e.name) {
                scanner.state.inputErrors.append(e)
                onNote?("error: \(e)")
            }
            for n in walker.notes { onNote?(n) }
        }
        for path in paths where !known.contains(path) {
            known.insert(path)
            if !first, waitingFor.contains(where: { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) {
                onNote?("\(path): appeared; following it")
            }
            if path == "-" {
                start(Reader(name: path)) { [self] in
                    scanner.scan(source: UnlockingSource(StdinSource(control: control), follower: self, reader: $0), name: "-", fileName: nil)
                }
                continue
            }
            if Self.isHistory(path) {
                guard first, resume == nil else { continue }
                start(Reader(name: path)) { [self] _ in scanner.scan(path: path) }
                continue
            }
            // A newer container of a pod (`1.log` after `0.log`): the older one's file is
            // complete; its reader ends once it has read it all (its lifetime then ends there,
            // and an OOM kill is seen while following, not at the sidecar's stop).
            if let p = PodLogPath(path), p.rotated == nil {
                for r in readers {
                    guard let source = r.source, let q = PodLogPath(r.name), q.rotated == nil, q.restart < p.restart,
                          q.namespace == p.namespace, q.pod == p.pod, q.uid == p.uid, q.container == p.container else { continue }
                    source.supersede(by: path)
                    scanner.state.supersededStreams.insert(r.name)
                }
            }
            let saved = resume?.files.first { $0.path == path }
            // A followed controller's log is in the input even before (or without) a new record:
            // a resumed sidecar's quiet source-controller is silent, not absent.
            if let c = FluxControllers.controller(inName: path) { scanner.state.activity[c, default: []].insert(Int64.min) }
            do {
                let source = try FollowSource(path: path, offset: saved?.offset ?? 0, inode: saved?.inode, control: control, pollSeconds: pollSeconds)
                // The file's time when following began bounds klog's year, as `scan` reads it.
                var st = stat()
                let modified = stat(path, &st) == 0
                    ? Timestamp(millis: Int64(st.st_mtim.tv_sec) * 1000 + Int64(st.st_mtim.tv_nsec / 1_000_000)) : nil
                start(Reader(name: path, source: source)) { [self] in
                    scanner.scan(source: UnlockingSource(source, follower: self, reader: $0), name: path, fileName: path, modified: modified)
                }
            } catch {
                let e = error as? InputError ?? InputError(name: path, reason: "\(error)")
                scanner.state.inputErrors.append(e)
                onNote?("error: \(e)")
            }
        }
    }

    /// Whether a file's name says it no longer grows: gzip or tar, or a rotated log
    /// (kubelet's `N.log.YYYYMMDD-hhmmss`, logrotate's `name.log.1`).
    static func isHistory(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".gz") || name.hasSuffix(".tgz") || name.hasSuffix(".tar") { return true }
        guard let r = name.range(of: ".log.") else { return false }
        let rest = name[r.upperBound...]
        return !rest.isEmpty && rest.allSatisfy { $0.isNumber || $0 == "-" }
    }

    /// Starts a thread that reads one input holding the lock (`body` gets the reader's index).
    /// Called holding the lock.
    func start(_ reader: Reader, _ body: @escaping (Int) -> Void) {
        let index = readers.count
        readers.append(reader)
        let box = UncheckedBox(body)
        let thread = Thread { [self] in
            lock.lock()
            box.value(index)
            readers[index].done = true
            streamsEnded += 1
            // A followed file that was removed: if a walk finds it again, it is followed again
            // (not one a newer container's log superseded: it is complete, and still there).
            if let source = readers[index].source, !control.isStopped, !source.superseded.isStopped {
                known.remove(readers[index].name)
            }
            lock.unlock()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Whether every reader has read what its input held when it started (it reached the end
    /// once, or waits now for at least two polls) or has ended. A busy file stays caught up.
    var allCaughtUp: Bool {
        let now = wallClock()
        let settle = Int64(2 * pollSeconds * 1000)
        return readers.allSatisfy { r in r.done || r.live || (r.waitingSince.map { now - $0 >= settle } ?? false) }
    }

    /// Closes what can close, analyses when due and emits (see the type's comment). Holding the lock.
    /// Returns the analysis when one ran (always when `final`).
    @discardableResult
    func tick(final: Bool) -> Analysis? {
        let now = wallClock()
        for n in pendingNotes { onNote?(n) }
        pendingNotes = []
        let caughtUp = allCaughtUp
        if !final, caughtUp {
            if scanner.closeBudget == nil { scanner.closeBudget = closeBudget }
            // Quiet: event time goes on with the wall clock from the newest event.
            let w = scanner.closingWatermark
            if w > .min {
                if w != mark.set { mark = (w, now, w) }
                let idle = mark.event + (now - mark.wall)
                if idle > w {
                    scanner.closingWatermark = idle
                    mark.set = idle
                }
            }
        }
        if !final, scanner.closeBudget != nil, scanner.closingWatermark > lastCloseMark {
            lastCloseMark = scanner.closingWatermark
            scanner.closeIncidents()
        }
        // Closed incidents emitted while open turn resolved when their objects turn healthy.
        if !kept.isEmpty {
            let healthy = scanner.store.healthyUntil
            var resolved: [(index: Int, incident: Incident)] = []
            for (k, incident) in kept.enumerated() {
                var i = incident
                if Analysis.resolve(&i, healthyUntil: healthy, patterns: patterns) { resolved.append((k, i)) }
            }
            if !resolved.isEmpty {
                // When each recovered, from the healthy timelines of their objects only (building
                // every timeline at each resolution cost more than the reading on a 10 GiB stream).
                let objects = Set(resolved.flatMap(\.incident.resolutionTargets))
                let list = scanner.store.healthyTimelines(of: objects)
                let index = Recovery.index(list)
                for var r in resolved {
                    r.incident.recovery = Recovery.of(r.incident, timelines: list, healthyByObject: index)
                    onIncident?(r.incident, nextSeq())
                    // A transient resolution lowers its severity: what it folds follows (scan's `settle`).
                    if let f = folders.firstIndex(where: { $0.id == r.incident.id }) { folders[f].severity = r.incident.severity }
                }
                let gone = Set(resolved.map(\.index))
                kept = kept.indices.filter { !gone.contains($0) }.map { kept[$0] }
            }
        }
        let fresh = scanner.state.closed
        let events = scanner.state.stats.events
        // While readers catch up on what their files hold, only closes are worth an analysis; at
        // most one per `analyseSeconds` (each analyses the whole of what is held: on a 10 GiB
        // stream one per second cost 60 % more CPU than `scan`).
        // A change held back by `--report-every` is written when its time comes, even if no
        // record arrives meanwhile (on a quiet cluster it waited for unrelated input).
        let changeWaits = changeDue.map { now >= $0 } ?? false
        // A stream that ended (an old container's log read to its end) ends its controller's
        // lifetime: a kill is known from then on.
        let ended = streamsEnded != lastStreamsEnded
        // Failure records before `--since` not yet told of (`tellBeforeSince`).
        let beforeSince = caughtUp && scanner.filter.since != nil && recordsBeforeSince != beforeSinceChecked
        let due = final || ((!fresh.isEmpty || (caughtUp && events != lastEvents) || changeWaits || ended || beforeSince)
                            && now - lastAnalysis >= Int64(analyseSeconds * 1000))
        guard due else { return nil }
        lastAnalysis = now
        lastEvents = events
        lastStreamsEnded = streamsEnded
        changeDue = nil
        // The incidents closed since the last analysis are diagnosed with the rest, then leave the
        // scanner: what is emitted of them stays as emitted.
        let analysis = Analysis(scan: scanner.result, patterns: patterns, windowSeconds: windowSeconds, jobs: 1, folders: folders)
        scanner.state.closed = []
        if caughtUp || final { tellBeforeSince(analysis) }
        let freshIDs = Set(fresh.map(\.id))
        var held: [String: (digest: String, reasons: String, at: Int64)] = [:]
        // An incident already written is written again whatever its severity now: a short
        // outage written `open` (error) that resolves as a transient (info) must reach the
        // reader as resolved, or it stays open for good below `--min-severity`.
        // The same failure before, of incidents no longer analysed (closed earlier).
        let incidents = analysis.incidents.map { i -> Incident in
            guard let h = history[i.recurrenceKey], h.latest.id != i.id, h.latest.firstSeen <= i.firstSeen else { return i }
            var i = i
            if var e = i.earlier { e.count += h.count; i.earlier = e } else {
                i.earlier = Earlier(count: h.count, id: h.latest.id, firstSeen: h.latest.firstSeen, lastSeen: h.latest.lastSeen,
                                    status: h.latest.status)
            }
            return i
        }
        for i in incidents where freshIDs.contains(i.id) {
            if let f = LifetimeFindings.Folder(i, windowMillis: Int64(windowSeconds * 1000), patterns: patterns) { folders.append(f) }
            let n = (history[i.recurrenceKey]?.count ?? 0) + 1
            history[i.recurrenceKey] = (n, Earlier(count: n, id: i.id, firstSeen: i.firstSeen, lastSeen: i.lastSeen, status: i.status))
        }
        if history.count > Self.historyCap {
            for (k, _) in history.sorted(by: { $0.value.latest.lastSeen < $1.value.latest.lastSeen }).prefix(history.count / 2) {
                history[k] = nil
            }
        }
        for i in incidents where scanner.filter.accepts(i) && (i.severity >= minSeverity || emitted[i.id] != nil) {
            let closed = freshIDs.contains(i.id)
            if closed, i.status == .open { kept.append(i) }
            let digest = fnv1a64(JSON.object(JSONReport.incident(i)).rendered)
            var reasons: String?
            if let e = emitted[i.id] {
                held[i.id] = e
                guard e.digest != digest else { continue }
                // While it stays open, a change of evidence counts alone is not written; the
                // record written when it closes, and at the end, is the whole incident.
                if !final, !closed {
                    reasons = Self.reasonsDigest(i)
                    if reasons == e.reasons { continue }
                }
                // Behind the horizon an incident only changes because its evidence was dropped.
                if !final, !closed, i.lastSeen.millis < horizon { continue }
                let every = Int64(reportEverySeconds * 1000)
                if !final, !closed, now - e.at < every {
                    changeDue = min(changeDue ?? .max, e.at + every)
                    continue
                }
            }
            let number = nextSeq()
            if !closed { held[i.id] = (digest, reasons ?? Self.reasonsDigest(i), now) }
            if i.failureClass == "controller-restart" { writtenRestarts[i.id] = i }
            onIncident?(i, number)
        }
        // A restart incident written before the incident that tells it cited it (the kill was
        // known before the refusals it caused were read) now folds under that one, as in `scan`:
        // written once more, `resolved`, so that it does not stay open beside its explanation.
        for id in analysis.foldedRestarts.sorted() where emitted[id] != nil {
            guard var i = writtenRestarts[id] else { continue }
            i.status = .resolved
            onIncident?(i, nextSeq())
        }
        // An incident no longer in the analysis (closed and emitted, folded, or filtered out) is forgotten.
        emitted = held
        writtenRestarts = writtenRestarts.filter { held[$0.key] != nil }
        if kept.count > keepClosed { kept.removeFirst(kept.count - keepClosed) }
        if folders.count > keepClosed { folders.removeFirst(folders.count - keepClosed) }
        // Evidence older than what any incident still to diagnose can look at goes (a diagnosis
        // looks a window before an incident's first event; runs start within a bucket).
        if scanner.closingWatermark > .min {
            let w = Int64(windowSeconds * 1000)
            let oldest = scanner.store.oldestRunStart ?? scanner.closingWatermark
            // An incident open for hours would hold every hour of evidence: at most
            // `evidenceSeconds` (or four windows) are kept behind the watermark.
            let span = max(Int64(evidenceSeconds * 1000), 4 * w)
            let previous = horizon
            horizon = max(horizon, min(oldest, scanner.closingWatermark - 2 * w) - w - scanner.store.bucketMillis,
                          scanner.closingWatermark - span)
            forgetRecoveredBeforeSince(analysis, horizon: horizon, previous: previous)
            let dropped = scanner.store.pruneEntries(endingBefore: horizon)
            if debug {
                FileHandle.standardError.write(Data("follow: watermark \(Timestamp(millis: scanner.closingWatermark)) oldest run \(Timestamp(millis: oldest)) horizon \(Timestamp(millis: horizon)), \(dropped) entries dropped, kept \(kept.count), emitted \(emitted.count); \(scanner.store.sizes)\n".utf8))
            }
        }
        return analysis
    }
}

/// A value handed to another thread as is (the follower's lock guards what it touches).
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A pthread mutex (allocated, so that its address never moves).
final class FollowLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    init() { pthread_mutex_init(mutex, nil) }
    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
}

/// A source that lets go of the follower's lock while its inner source reads (and may wait for
/// the file to grow), and notes since when its reader waits.
final class UnlockingSource: ByteSource {
    let inner: ByteSource
    unowned let follower: Follower
    let reader: Int
    var damage: String? { inner.damage }

    init(_ inner: ByteSource, follower: Follower, reader: Int) {
        self.inner = inner
        self.follower = follower
        self.reader = reader
    }

    func takeLineBase() -> Int? { inner.takeLineBase() }

    /// Whether `byteSourceWillWait` was returned since the last bytes.
    var toldWait = false
    /// The followed file's inode and offset after the last read (set off the lock, copied under it).
    var position: (inode: UInt64, offset: UInt64)?

    /// Called holding the lock; returns holding it. Before a followed file's source would wait (its
    /// size is its offset), returns `byteSourceWillWait` once, so that the held record is processed.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if !toldWait, let source = inner as? FollowSource {
            var st = stat()
            if stat(source.path, &st) == 0, UInt64(st.st_size) == source.offset {
                toldWait = true
                return byteSourceWillWait
            }
        }
        let started = follower.wallClock()
        follower.readers[reader].waitingSince = started
        follower.lock.unlock()
        defer {
            follower.lock.lock()
            follower.readers[reader].waitingSince = nil
            // A read that waited found the end of its input: the reader is live from now on.
            if follower.wallClock() - started >= Int64(follower.pollSeconds * 500) { follower.readers[reader].live = true }
            if let position { follower.readers[reader].position = position }
            // The source's notes are read here, on its own thread, holding the lock.
            if let source = inner as? FollowSource, source.notes.count > follower.readers[reader].notesSeen {
                follower.pendingNotes += source.notes[follower.readers[reader].notesSeen...]
                follower.readers[reader].notesSeen = source.notes.count
            }
        }
        let n = try inner.read(into: buffer)
        if let source = inner as? FollowSource { position = (source.inode, source.offset) }
        if n > 0 { toldWait = false }
        if n == byteSourceWillWait { follower.readers[reader].live = true }
        return n
    }
}

/// Standard input for `follow -` (`kubectl logs -f ... | flux-logscan follow -`): reads as bytes
/// come, looks at the stop request every 100 ms while none come, and ends at end of input or,
/// after a stop, once nothing more is waiting.
final class StdinSource: ByteSource {
    let control: FollowControl
    /// Whether `byteSourceWillWait` was returned since the last bytes.
    var toldWait = false
    var damage: String? { nil }
    init(control: FollowControl) { self.control = control }

    /// - Throws: `InputError` naming `-` when poll(2) or read(2) fails.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            var p = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, control.isStopped ? 0 : 100)
            if ready < 0 {
                if errno == EINTR { continue }
                throw InputError(name: "-", reason: "poll failed: \(Errno(rawValue: errno).description)")
            }
            if ready == 0 {
                if control.isStopped { return 0 }
                // Nothing for 100 ms: the reader may process what it holds back, once.
                if !toldWait {
                    toldWait = true
                    return byteSourceWillWait
                }
                continue
            }
            let n = Glibc.read(0, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw InputError(name: "-", reason: "read failed: \(Errno(rawValue: errno).description)")
            }
            if n > 0 { toldWait = false }
            return n
        }
    }
}

/// The state `follow --state FILE` writes when it stops and reads when it starts (JSON), so that a
/// restarted sidecar goes on where it stopped instead of reading and reporting everything again.
public struct FollowState: Codable, Sendable, Equatable {
    /// A followed file: its path, the inode of the file read at that path, and the bytes read of it.
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var inode: UInt64
        public var offset: UInt64
        public init(path: String, inode: UInt64, offset: UInt64) {
            self.path = path
            self.inode = inode
            self.offset = offset
        }
    }
    /// The state file's format version (1).
    public var version = 1
    /// The last sequence number emitted.
    public var seq: Int
    /// Written while running (every `saveSeconds`): a number above every one the run may write
    /// before it saves again. A run resumed from the state starts above it, so that after a
    /// SIGKILL (the state up to 30 s old) no `seq` is given twice. Nil in the state written at
    /// a clean stop: numbers go on from `seq`.
    public var reserved: Int?
    public var files: [File]

    /// The number a run resumed from this state goes on after: `seq`, or `reserved` when the
    /// run that saved it may have written past `seq` (it was killed before its next save).
    public var lastSeqGiven: Int { max(seq, reserved ?? seq) }

    public init(seq: Int, files: [File]) {
        self.seq = seq
        self.files = files
    }

    /// The state in `path`, nil when there is no such file.
    /// - Throws: `InputError` naming the file when it cannot be read or is not a state file.
    public static func load(path: String) throws -> FollowState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(FollowState.self, from: data)
        } catch {
            throw InputError(name: path, reason: "not a follow state file (\(error.localizedDescription)); remove it to start over")
        }
    }

    /// Writes the state to `path` (to a temporary file beside it, then renamed over it).
    /// - Throws: `InputError` naming the file when it cannot be written.
    public func save(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let data = try encoder.encode(self)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw InputError(name: path, reason: "cannot write the follow state: \(error.localizedDescription)")
        }
    }
}
