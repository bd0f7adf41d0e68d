#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// Counts over the whole input (CONTRACT.md `stats`).
public struct ScanStats: Sendable {
    /// Bytes read from all inputs.
    public var bytes = 0
    public var lines = 0
    public var records = 0
    public var events = 0
    /// Records that looked like JSON but did not parse.
    public var malformed = 0
    public var byFormat: [String: Int] = [:]
    public var byController: [String: Int] = [:]
    /// Lines cut at the line cap.
    public var overlongLines = 0
    /// Lines holding NUL bytes.
    public var binaryLines = 0
    /// Lines that are not valid UTF-8 (without NUL bytes, not cut at the cap).
    public var invalidUTF8Lines = 0
    /// Inputs whose reading stopped early at damage (a truncated or corrupt gzip stream, a tar
    /// archive cut inside a member): each also has a warning naming it.
    public var damagedInputs = 0
    /// Records whose time came from a neighbour because neither they nor their envelope had one.
    public var inheritedTimes = 0
    /// Matched events left out by `--since/--until/--controller/--namespace/--object`.
    public var filteredEvents = 0
    /// Unknown error records mined into `unmatched_errors` (after filters), and those left out
    /// by the template cap (`ErrorMiner`).
    public var unmatchedRecords = 0
    public var unmatchedOverflow = 0
    public init() {}
}

/// A warning about the input: damage inside a readable input. Never fatal.
public struct ScanWarning: Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Options of one scan: what to keep before correlation.
public struct ScanFilter: Sendable {
    public var controller: String?
    public var namespace: String?
    public var object: ObjectRef?
    public var since: Timestamp?
    public var until: Timestamp?
    public init() {}

    /// Whether the filter lets every event through.
    var isEmpty: Bool { controller == nil && namespace == nil && object == nil && since == nil && until == nil }

    /// `--object` is matched with the kind in any case (`kustomization/flux-system/apps`).
    static func normalized(_ o: ObjectRef) -> ObjectRef {
        ObjectRef(kind: o.kind.lowercased(), namespace: o.namespace, name: o.name)
    }

    func accepts(_ e: Event) -> Bool {
        if let c = controller, e.controller != c { return false }
        if let ns = namespace, e.object?.namespace != ns, e.upstream?.namespace != ns { return false }
        if let o = object, e.object.map(ScanFilter.normalized) != o, e.upstream.map(ScanFilter.normalized) != o { return false }
        return acceptsTime(e)
    }
}

/// The result of reading and matching every input: events, stats and activity, ready for
/// correlation. Per-minute activity per controller is kept for silence detection (bounded by the
/// input's time span in minutes).
public struct ScanResult: Sendable {
    /// Matched failure and wrapper events, folded into runs (see `EventStore`).
    public var occurrences: [Occurrence] = []
    /// Matched healthy and lifecycle events, one timeline per (signature, controller, object).
    public var timelines: [Timeline] = []
    /// The newest healthy event per object (milliseconds, UTC).
    public var healthyUntil: [ObjectRef: Int64] = [:]
    /// Events per signature id (after filters), for `--counts`.
    public var countsBySignature: [String: Int] = [:]
    public var stats = ScanStats()
    public var warnings: [ScanWarning] = []
    /// Inputs that could not be opened or read (exit status 2).
    public var inputErrors: [InputError] = []
    /// Files found in a walked folder (`LogScanner.walked`) that no longer existed when their
    /// turn to be read came (ENOENT from open(2)): rotated away or deleted while the scan ran.
    /// Not input errors: a warning names them (`InputWalker.vanishedNote`).
    public var vanished: [String] = []
    /// controller → minutes (epoch minutes, UTC) in which it wrote at least one record.
    /// `Int64.min` marks a controller whose log is followed but wrote nothing yet (`follow`
    /// resumed from `--state`): its logs are there, and it was silent.
    public var activity: [String: Set<Int64>] = [:]
    /// Regexes that hit PCRE2's match limit: signature id → count.
    public var limitHits: [String: Int] = [:]
    /// Container restarts seen in kubelet log paths (`<restart>.log` after `<restart-1>.log`).
    public var restarts: [ContainerRestart] = []
    /// Templates of error records no signature knows, most records first (`ErrorMiner`).
    public var unmatchedErrors: [UnmatchedError] = []
    /// Controller lifetimes, in reading order (Pipeline/Lifetimes.swift).
    public var lifetimes: [ControllerLifetime] = []
    /// Objects that logged `next run in`: their newest finish line and newest record.
    public var cadences: [ObjectCadence] = []
    /// controller → the first record of each minute it logged in, sorted by minute.
    public var activityMarks: [String: [ActivityMark]] = [:]
    /// The newest record time in the input (any controller).
    public var inputEnd: Timestamp?
    /// Lifetimes, objects and activity marks left out at their caps (counted, see `LifetimeTracker`).
    public var lifetimeOverflow = 0
    /// The filters the scan was run with (they also choose which lifetime findings make incidents).
    public var filter = ScanFilter()
    /// Incidents closed while reading (Pipeline/Closing.swift), diagnosed; `Analysis` reports them
    /// with the rest.
    public var closed: [Incident] = []
    /// Incidents closed while reading and written to disk (`LogScanner.spillClosed`), in the
    /// order of their files; `IncidentStream` reads them back.
    public var spills: [IncidentSpill] = []
    /// What the runs of those incidents taught about upstreams (`EventStore.learnedUpstreams`).
    public var learnedUpstreams = LearnedUpstreams()
    /// Streams (names as in `file:line`) that ended because their input was damaged (a gzip or
    /// tar archive cut short): their last record is not where the controller stopped logging.
    public var cutStreams: Set<String> = []
    /// Followed container logs (`<n>.log`) that a newer container's log of the same pod
    /// superseded (`follow`): their last lifetime ended there, as the kubelet restarted the container.
    public var supersededStreams: Set<String> = []
    /// Failure and wrapper events left out because they came before `--since`, per object (nil:
    /// none named): the first and last one's time (milliseconds, UTC) and how many, so the report
    /// can say an incident was under way before the window (its `when:` starts at the window).
    public var failingBeforeSince: [ObjectRef?: (first: Int64, last: Int64, count: Int)] = [:]
    /// Of the failure and wrapper events before `--since` that announced their next try
    /// (`Correlator.nextTryReach`, `next try in 1h0m0s`), per object (nil: none named): the
    /// furthest reach, in milliseconds UTC. An incident of the object that begins within it went
    /// on from them (`UnderWay.of`), at windows of 15m or more (`Correlator.followsNextTries`).
    public var nextTryBeforeSince: [ObjectRef?: Int64] = [:]
    /// Failures another controller relayed about an object (`QuotedCause.relayed`: the capture
    /// `relayed`) that came before `--since`, per controller whose failures they are (the
    /// object's, `FluxControllers.byKind`), then as `failingBeforeSince`. They count as that
    /// controller's own failures where the relay is all there is (no record of it was read,
    /// `activity`), as `QuotedCause.relayedFailures` makes incidents of them: `beforeSince`.
    public var relayedBeforeSince: [String: [ObjectRef?: (first: Int64, last: Int64, count: Int)]] = [:]
    /// `nextTryBeforeSince` of the relayed failures before `--since`, per controller as
    /// `relayedBeforeSince`.
    public var relayedNextTryBeforeSince: [String: [ObjectRef?: Int64]] = [:]
    /// What the input said of the namespace Flux's controllers run in (Diagnosis/FluxNamespace.swift):
    /// artifact and event addresses, leader leases, kubelet log paths.
    public var fluxNamespace = FluxNamespaceClues()
    public init() {}

    /// The failures before `--since`: `failingBeforeSince` and `nextTryBeforeSince` with those
    /// relayed about objects whose controller's log was not read (`relayedBeforeSince`, as
    /// `QuotedCause.relayedFailures` decides which relayed failures are incidents), so that a
    /// failure known from notification-controller's `dispatching event` alone is under way
    /// before the window as one its own controller logged.
    public var beforeSince: (failing: [ObjectRef?: (first: Int64, last: Int64, count: Int)], nextTries: [ObjectRef?: Int64]) {
        var failing = failingBeforeSince, nextTries = nextTryBeforeSince
        for (controller, byObject) in relayedBeforeSince where QuotedCause.standsAlone(controller, activity: activity) {
            for (k, v) in byObject {
                let mine = failing[k]
                failing[k] = (min(mine?.first ?? v.first, v.first), max(mine?.last ?? v.last, v.last), (mine?.count ?? 0) + v.count)
            }
        }
        for (controller, byObject) in relayedNextTryBeforeSince where QuotedCause.standsAlone(controller, activity: activity) {
            for (k, v) in byObject { nextTries[k] = max(nextTries[k] ?? v, v) }
        }
        return (failing, nextTries)
    }

    /// The failures before `since` (`beforeSince`, relayed ones included) without the objects
    /// healthy again before `since` (a healthy event of the object after its last failure and
    /// before `since`, in `timelines`): what was still failing when the window begins.
    public func failingAtSince(_ since: Timestamp) -> [ObjectRef?: (first: Int64, last: Int64, count: Int)] {
        let recovered = recoveredBeforeSince(since)
        return beforeSince.failing.filter { k, _ in k.map { recovered[$0] == nil } ?? true }
    }

    /// The objects of `beforeSince` healthy again before `since` (a healthy event of the object
    /// after its last failure before `since`, in `timelines`), and when: those `failingAtSince`
    /// leaves out.
    public func recoveredBeforeSince(_ since: Timestamp) -> [ObjectRef: Timestamp] {
        let healthy = Recovery.index(timelines)
        var out: [ObjectRef: Timestamp] = [:]
        for case let (object?, v) in beforeSince.failing {
            guard let r = Recovery.first(after: v.last, of: object, in: (healthy[object] ?? []).map { timelines[$0] }), r.time < since else { continue }
            out[object] = r.time
        }
        return out
    }

    /// `failingAtSince` as one warning, or nil when it is empty: how many failure records,
    /// of which objects (the first five, earliest first) and from when (UTC). An object healthy
    /// again before the window (a healthy event of it after its last failure and before `since`,
    /// in `timelines`) was no longer failing when the window begins and is not named (a trial:
    /// three Kustomizations recovered 9 minutes before the window were said to be under way).
    /// - Parameter failing: `failingAtSince(since)` when the caller has it already.
    public func beforeSinceWarning(since: Timestamp, failing: [ObjectRef?: (first: Int64, last: Int64, count: Int)]? = nil) -> String? {
        let failing = failing ?? failingAtSince(since)
        guard !failing.isEmpty else { return nil }
        let total = failing.values.reduce(0) { $0 + $1.count }
        let named = failing.compactMap { k, v in k.map { ($0, v.first) } }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0.description < $1.0.description }
        let first = failing.values.map(\.first).min()!
        var list = named.prefix(5).map { "\($0.0) from \(Timestamp(millis: $0.1).rfc3339)" }.joined(separator: ", ")
        if named.count > 5 { list += " and \(named.count - 5) more" }
        let objects = named.isEmpty ? "" : " of \(named.count) object(s) (\(list))"
        return "\(total) failure record(s) before --since \(since.rfc3339)\(objects) were left out, the first at \(Timestamp(millis: first).rfc3339): incidents of those objects were already under way when the window begins"
    }
}

/// A container restart told by the kubelet's log files: `/var/log/pods/<ns>_<pod>_<uid>/<container>/`
/// holds `0.log`, `1.log`, ... one per container start (kubernetes `pkg/kubelet/kuberuntime/helpers.go`).
/// The end of the previous file is where the old container stopped.
public struct ContainerRestart: Sendable, Equatable {
    public var controller: String
    public var pod: String
    public var container: String
    /// The new container's restart number.
    public var restart: Int
    /// The last record time of the previous container's log, if it had one.
    public var stoppedAt: Timestamp?
    /// The first record time of the new container's log.
    public var startedAt: Timestamp
    /// The new container's log file.
    public var file: String
}

/// Reads inputs, decodes records, resolves controller identity per stream and matches signatures.
///
/// Identity per stream (DESIGN.md): a record's own JSON fields, then its `--prefix` pod, then the
/// input's file name; a record with none of these takes the stream's current controller. A
/// `"logger":"setup"` start-up line (`starting manager`, FLUX-LOGS.md 1.2) begins a new lifetime
/// whose controller is not known yet: its records wait and take the controller of the next record
/// that names one, so `cat a.log b.log |` splits at the seam.
public final class LogScanner {
    public let patterns: PatternSet
    public var filter = ScanFilter()
    public var lineCap = 1 << 20
    /// Paths that a folder walk found (`InputWalker.found`), not given by name: one of them gone
    /// by the time it is opened goes to `ScanResult.vanished`, not to `inputErrors`.
    public var walked: Set<String> = []
    var state = ScanResult()
    var store: EventStore
    /// Controller lifetimes, object cadences and activity marks (Pipeline/Lifetimes.swift).
    var lifetimes: LifetimeTracker
    /// Stream numbers given to the lifetimes of absorbed parts (`--jobs`).
    var streamBase = 0
    /// Close incidents while reading once the event store holds this many runs (Pipeline/Closing.swift);
    /// nil keeps every run to the end. `scan(paths:jobs:)` uses it only for a single input.
    public var closeBudget: Int?
    /// Write incidents closed while reading to disk (`IncidentSpill`, created at the first close)
    /// instead of keeping them in memory to the end: `scan` sets it; `follow` takes its closed
    /// incidents as they close. When the file cannot be created or written, they stay in memory.
    public var spillClosed = false
    /// Where timelines' frozen entries go once they leave memory (`TimelineSpill`): `scan` sets
    /// one (shared by the workers of a scan of several inputs), `follow` does not.
    public var timelineSpill: TimelineSpill? {
        didSet { store.timelineSpill = timelineSpill }
    }
    /// With `spillClosed`: how many closed incidents stay in memory; once more close, all of them
    /// go to disk (`keepClosed`), so that a long stream's memory at the end holds none. Spilling
    /// costs about a third of a millisecond of CPU per incident (written once, read twice: 6 % of
    /// the 1 GiB benchmark corpus with all of its 1,584 closed incidents on disk), so an input
    /// of a day or so (up to 2,000, about 9 MB) pays nothing; 10 GiB through stdin (14,892) pays
    /// for the first 2,000 a second time, about 0.7 s of 85.
    public var closedInMemory = 2000
    /// The file could not be created: no more tries.
    var spillUnavailable = false
    /// More than `closedInMemory` incidents closed: every closed incident goes to disk.
    var spillingAll = false
    /// Runs of incidents still open merged into others so far (Pipeline/Closing.swift).
    var mergedRuns = 0
    /// Runs in the store at which the next close is tried.
    var nextClose = 0
    /// The newest event time read (milliseconds, UTC), the watermark incidents are closed behind.
    var closingWatermark: Int64 = .min
    /// Incidents that ended before this (milliseconds, UTC) may have been closed.
    var closedBefore: Int64 = .min
    /// Failure events that came in behind a close (input not in time order).
    var lateEvents = 0
    /// Set by `Follower` (the `follow` sidecar): a stream that ends (a followed file removed, the
    /// follow stopped) does not close every incident, since other streams go on; the follower
    /// closes them by its watermark instead.
    var following = false
    /// Matching only (`--counts`): events are counted by signature and not kept, so nothing is
    /// correlated and memory does not grow with the events.
    public var countsOnly = false
    let matcher: SignatureMatcher
    /// What an event takes from its signature, one reference per signature (copying a
    /// `Signature` per hit cost a dozen retains).
    final class SignatureFacts {
        let id: String
        let severity: Severity
        let role: SignalRole
        let failureClass: String
        /// UTF-8 length of the regex pattern (the tie-break between failure signatures).
        let patternLength: Int
        /// `Signature.quotes`.
        let quotes: (capture: String, controller: String)?
        /// `Signature.relays`.
        let relays: String?
        init(_ s: Signature) {
            id = s.id; severity = s.severity; role = s.role; failureClass = s.failureClass
            patternLength = s.regex.pattern.utf8.count
            quotes = s.quotes
            relays = s.relays
        }
        /// Whether `other` names a record's cause better than this one: a higher severity, then
        /// a longer regex, then the lower id (one record, one failure: `processNow`, `QuotedCause`).
        func isLessSpecific(than other: SignatureFacts) -> Bool {
            if severity != other.severity { return severity < other.severity }
            if patternLength != other.patternLength { return patternLength < other.patternLength }
            return id > other.id
        }
    }
    let facts: [SignatureFacts]
    /// The multi-literal prefilter; nil when disabled or when Vectorscan refused the literals.
    let prefilter: Prefilter?
    /// Unknown error records mined into templates (`unmatched_errors`).
    let mining: UnknownErrorMining
    /// Per signature: whether a record it is a candidate for may be read in place
    /// (`StreamState.quick`): a healthy or lifecycle signature on the record's text or message,
    /// not a generic wrapper (`ErrorRule.isGenericWrapper`), not a panic (whose `[recovered]`
    /// is read from the decoded text).
    let quick: [Bool]
    /// Per signature: whether it relays another controller's event (`Signature.relays`): a record
    /// it hits whose line holds another signature's literal is decoded in full (`StreamState.quick`).
    let relaying: [Bool]
    /// Per signature: whether its events may name the namespace Flux runs in (its regex captures
    /// `host`, `url` or `lease`: `FluxNamespaceClues.note(captures:text:)`), and whether it is
    /// about leader leases (a `lease` group: client-go >= v0.35 names the lease in `"lock"` only).
    let namespaceClues: [(any: Bool, lease: Bool)]
    /// The signatures that hit the record `StreamState.quick` reads (reused between records).
    var quickHits: [Int] = []
    /// Called with every matched event that passes the filters, once its controller is known
    /// (`-v` prints them as they come).
    public var eventObserver: ((Event) -> Void)?

    /// Everything read so far: counts, warnings, errors, the occurrences of matched events, and
    /// container restarts from kubelet log paths.
    public var result: ScanResult {
        var r = state
        r.occurrences = store.occurrences()
        r.timelines = store.timelineList()
        r.healthyUntil = store.healthyUntil
        r.restarts = restarts()
        for (sig, n) in store.foldedCaptures.sorted(by: { $0.key < $1.key }) {
            r.warnings.append(ScanWarning(message: "signature \(patterns.signatures[Int(sig)].id): more than \(store.captureSetsPerSignature) distinct capture sets; \(n) event(s) show the first set's captures instead of their own"))
        }
        let (templates, overflow) = mining.miner.finish()
        r.unmatchedErrors = templates
        r.stats.unmatchedRecords = mining.miner.records
        r.stats.unmatchedOverflow = overflow
        r.warnings += mining.warnings(overflow: overflow)
        r.lifetimes = lifetimes.all
        r.cadences = lifetimes.cadence.sorted { $0.object < $1.object }
        r.activityMarks = lifetimes.sortedMarks
        r.inputEnd = lifetimes.inputEnd.map(Timestamp.init(millis:))
        r.lifetimeOverflow = lifetimes.overflow + lifetimes.cadenceOverflow + lifetimes.marksOverflow
        if r.lifetimeOverflow > 0 {
            r.warnings.append(ScanWarning(message: "\(r.lifetimeOverflow) controller lifetime(s), object(s) or activity minute(s) over the caps were not kept (\(lifetimes.lifetimesPerKey) lifetimes per stream and controller, \(lifetimes.objectCap) objects, \(lifetimes.marksPerController) minutes per controller)"))
        }
        r.filter = filter
        r.learnedUpstreams = store.learnedUpstreams
        if let late = lateWarning { r.warnings.append(late) }
        return r
    }

    /// The warning for failure events that came in behind a close (Pipeline/Closing.swift).
    var lateWarning: ScanWarning? {
        guard lateEvents > 0 else { return nil }
        return ScanWarning(message: "\(lateEvents) failure event(s) came more than a window behind newer events after incidents before them were closed to bound memory (the input is not in event-time order); they may show as incidents of their own. Give each controller's log as its own input to avoid this.")
    }

    /// `result`, after which the event store's runs, timelines and kept texts are freed: call it
    /// once, when every input has been read (the scanner then reads nothing more).
    public func finish() -> ScanResult {
        let r = result
        store.removeAll()
        return r
    }

    /// Memory accounting of the event store (debugging).
    public var storeSizes: String {
        store.sizes + ", incidents closed while reading \(state.closed.count + state.spills.reduce(0) { $0 + $1.count })"
            + ", of them on disk \(state.spills.reduce(0) { $0 + $1.count }), runs merged while reading \(mergedRuns)"
            + ", records read in place \(readInPlace), by header only \(headerOnly), decoded \(state.stats.records - readInPlace - headerOnly)"
            + ", timeline bytes on disk \(timelineSpill?.bytesWritten ?? 0)"
    }
    /// Records read in place (`StreamState.quick`) and by their header only (`processLight`).
    var readInPlace = 0
    var headerOnly = 0

    func restarts() -> [ContainerRestart] {
        var byContainer: [String: [(path: PodLogPath, controller: String?, first: Timestamp?, last: Timestamp?, name: String)]] = [:]
        for log in podLogs { byContainer["\(log.path.namespace)/\(log.path.pod)/\(log.path.container)", default: []].append(log) }
        var out: [ContainerRestart] = []
        for key in byContainer.keys.sorted() {
            // Rotated files of one container share its number: take each number's span.
            var spans: [Int: (first: Timestamp?, last: Timestamp?, controller: String?, name: String)] = [:]
            for log in byContainer[key]! {
                var s = spans[log.path.restart] ?? (nil, nil, log.controller, log.name)
                if let f = log.first, s.first == nil || f < s.first! { s.first = f; s.name = log.name }
                if let l = log.last, s.last == nil || l > s.last! { s.last = l }
                spans[log.path.restart] = s
            }
            let numbers = spans.keys.sorted()
            for (i, n) in numbers.enumerated() where i > 0 {
                guard let started = spans[n]!.first else { continue }
                let any = byContainer[key]![0].path
                out.append(ContainerRestart(controller: spans[n]!.controller ?? "unknown", pod: any.pod, container: any.container,
                                            restart: n, stoppedAt: spans[numbers[i - 1]]!.last, startedAt: started, file: spans[n]!.name))
            }
        }
        return out
    }
    /// Called with every record after identity is resolved (tests and `patterns test` use it).
    public var recordObserver: ((Record) -> Void)?
    /// The year of `--now`, for klog's year-less timestamps when no neighbour, no file time and
    /// no `referenceTime` gives one (`StreamState.klogYear`: then the end of this year bounds them).
    public var referenceYear = 1970
    /// `--now`, when the caller gives it: the bound for klog's year when neither a neighbour nor
    /// the file's time gives one (`KlogYear`); nil falls back to the end of `referenceYear`.
    public var referenceTime: Timestamp?
    /// The modification time of the file being read (`scan(path:)`), for klog's year.
    var fileTime: Timestamp?
    private var streamCount = 0
    /// Per kubelet container log: its time span, for restarts.
    var podLogs: [(path: PodLogPath, controller: String?, first: Timestamp?, last: Timestamp?, name: String)] = []

    /// - Parameter windowSeconds: the correlation window, used to decide which events keep their
    ///   text as examples (`EventStore`).
    /// - Parameter prefilter: use the Vectorscan literal prefilter (default); false tries every
    ///   signature on every record (the reference the prefilter is tested against).
    public init(patterns: PatternSet, windowSeconds: Double = 900, prefilter: Bool = true) {
        self.patterns = patterns
        self.eventCounts = [Int](repeating: 0, count: patterns.signatures.count)
        self.matcher = SignatureMatcher(patterns: patterns)
        self.facts = patterns.signatures.map(SignatureFacts.init)
        self.prefilter = prefilter && !patterns.signatures.isEmpty
            ? Prefilter(patterns: patterns, extraLiterals: ErrorRule.prefilterLiterals) : nil
        self.mining = UnknownErrorMining(patterns: patterns)
        self.store = EventStore(patterns: patterns, windowSeconds: windowSeconds)
        self.lifetimes = LifetimeTracker(patterns: patterns)
        let roles = lifetimes.roles, generic = mining.generic
        self.relaying = patterns.signatures.map { $0.relays != nil }
        self.namespaceClues = patterns.signatures.map { s in
            (s.regex.names.contains { ["host", "url", "lease"].contains($0.name) }, s.regex.names.contains { $0.name == "lease" })
        }
        self.quick = patterns.signatures.indices.map { i in
            let s = patterns.signatures[i]
            return (s.role == .healthy || s.role == .lifecycle) && (s.field == .text || s.field == .message)
                && !generic[i] && roles.byIndex[i] != .panic
        }
    }

    /// Whether records may be read in place (`StreamState.quick`): no observer wants every
    /// record or event, and no filter chooses events.
    var quickReady: Bool { recordObserver == nil && eventObserver == nil && filter.isEmpty }

    /// Scans one input: a path, or `-` for standard input. gzip (by its magic bytes, whatever the
    /// name) is inflated as a stream; a tar archive (ustar magic, also inside gzip) is read member
    /// by member, each member its own stream named `archive:member`. An input that cannot be
    /// opened or read is recorded in `result.inputErrors`; what was read before a read error is kept.
    public func scan(path: String) {
        let fd: FileDescriptor
        if path == "-" {
            fd = .standardInput
        } else {
            do {
                fd = try FileDescriptor.open(FilePath(path), .readOnly)
            } catch let e as Errno {
                if e == .noSuchFileOrDirectory, walked.contains(path) { state.vanished.append(path); return }
                state.inputErrors.append(InputError(name: path, reason: e.description))
                return
            } catch {
                state.inputErrors.append(InputError(name: path, reason: "\(error)"))
                return
            }
        }
        defer { if path != "-" { try? fd.close() } }
        // A regular file was written no later than its modification time: a bound for klog's year.
        var st = stat()
        fileTime = path != "-" && fstat(fd.rawValue, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
            ? Timestamp(millis: Int64(st.st_mtim.tv_sec) * 1000 + Int64(st.st_mtim.tv_nsec / 1_000_000)) : nil
        defer { fileTime = nil }
        do {
            var source: ByteSource = PeekableSource(FileSource(fd: fd, name: path))
            var gzip: GzipSource?
            var damaged = false
            var lastStream: String?
            if try (source as! PeekableSource).peek(2) == [0x1f, 0x8b] {
                let g = try GzipSource(source, name: path)
                gzip = g
                source = PeekableSource(g)
            }
            if try Self.isTar(source as! PeekableSource) {
                // A bundle's members are files of their own, each going back in time: read whole.
                let budget = closeBudget
                closeBudget = nil
                defer { closeBudget = budget }
                let r = try scanTar(source, name: path, depth: 0)
                damaged = r.damaged
                lastStream = r.lastStream
            } else {
                lastStream = path
                scan(source: source, name: path, fileName: path == "-" ? nil : path)
            }
            if let d = gzip?.damage {
                state.warnings.append(ScanWarning(message: "\(path): \(d)"))
                damaged = true
            }
            if damaged {
                state.stats.damagedInputs += 1
                // The stream read last ended at the damage (LifetimeFindings: not a kill).
                if let lastStream { state.cutStreams.insert(lastStream) }
            }
        } catch let e as InputError {
            state.inputErrors.append(e)
        } catch {
            state.inputErrors.append(InputError(name: path, reason: "\(error)"))
        }
    }

    /// Whether `source` starts with a POSIX tar header (`ustar` magic at byte 257).
    static func isTar(_ source: PeekableSource) throws -> Bool {
        let head = try source.peek(512)
        return head.count == 512 && head[257..<262].elementsEqual("ustar".utf8)
    }

    /// Tar archives inside a tar archive (a support bundle that packs each node's `logs.tar.gz`)
    /// are read member by member up to this depth; deeper ones are named in a warning, not read.
    static let tarDepthLimit = 4

    /// Reads a tar archive's members, each its own stream named `archive:member` (a nested
    /// archive's `archive:member:inner`). Members whose names do not look like logs
    /// (`InputWalker.looksLikeLog`) and other pods' logs are skipped with a warning; a gzip
    /// member is inflated and a tar member (also inside gzip: `.tar.gz`, `.tgz`) is read as an
    /// archive, not as text (trial 13: a bundle's nested node archive was read as binary lines).
    /// Damage (the archive or a member cut short) is a warning naming the archive.
    /// - Returns: whether damage was found, and the stream read last (the one damage cut).
    /// - Throws: `InputError` when the archive cannot be read.
    func scanTar(_ source: ByteSource, name path: String, depth: Int) throws -> (damaged: Bool, lastStream: String?) {
        let tar = TarReader(source, name: path)
        var damaged = false
        var lastStream: String?
        // As in a walked folder, members whose names say they are not logs (a support
        // bundle's README.md, *.yaml, *.json) are not read (`InputWalker.looksLikeLog`).
        var skipped: [String] = []
        var otherPods: [String] = []
        while let member = try tar.next() {
            // A member not read cannot be the stream the damage cut.
            guard InputWalker.looksLikeLog(member.name) else { skipped.append(member.name); lastStream = nil; continue }
            // An application pod's log in a packed /var/log/pods tree: not Flux's.
            guard !InputWalker.isOtherPod(member.name) else { otherPods.append(member.name); lastStream = nil; continue }
            let memberName = path + ":" + member.name
            lastStream = memberName
            // A gzip member (the kubelet's rotated `0.log.20240524-101026.gz` in a packed
            // /var/log/pods tree) is inflated as a gzip file is, by its magic bytes.
            let peekable = PeekableSource(member)
            let inflated = try peekable.peek(2) == [0x1f, 0x8b] ? try GzipSource(peekable, name: memberName) : nil
            // The member's own time bounds klog's year, not the bundle's (packed later).
            let memberSource = inflated.map { PeekableSource($0) } ?? peekable
            if try Self.isTar(memberSource) {
                if depth + 1 >= Self.tarDepthLimit {
                    state.warnings.append(ScanWarning(message: "\(memberName): a tar archive nested \(depth + 2) deep, not read (extract it to read it)"))
                    lastStream = nil
                } else {
                    let inner = try scanTar(memberSource, name: memberName, depth: depth + 1)
                    if inner.damaged { damaged = true }
                    lastStream = inner.lastStream
                }
            } else {
                scan(source: memberSource, name: memberName, fileName: member.name, modified: member.modified)
            }
            if let d = inflated?.damage {
                state.warnings.append(ScanWarning(message: "\(memberName): \(d)"))
                damaged = true
                // The member's stream ended at the damage (LifetimeFindings: not a kill).
                if let lastStream { state.cutStreams.insert(lastStream) }
            }
        }
        if !skipped.isEmpty {
            state.warnings.append(ScanWarning(message: "\(path): \(skipped.count) member(s) skipped, their names do not look like logs: \(InputWalker.some(skipped))"))
        }
        if !otherPods.isEmpty {
            state.warnings.append(ScanWarning(message: "\(path): " + InputWalker.otherPodsNote(otherPods, files: "member(s)")))
        }
        if let d = tar.damage {
            state.warnings.append(ScanWarning(message: "\(path): \(d)"))
            damaged = true
        }
        return (damaged, lastStream)
    }

    /// Scans an open descriptor (no gzip or tar detection).
    public func scan(fd: FileDescriptor, name: String, fileName: String?) {
        scan(source: FileSource(fd: fd, name: name), name: name, fileName: fileName)
    }

    /// Scans one stream of lines. `name` is shown in `file:line`; `fileName` (if any) gives the
    /// stream's controller when it names one (`source-controller.log`,
    /// `/var/log/pods/flux-system_source-controller-.../manager/0.log`). `modified` is the
    /// file's modification time (UTC), when the caller knows it (a followed file): the bound for
    /// klog's year and the time of records that have none (`StreamState.releaseUndated`).
    public func scan(source: ByteSource, name: String, fileName: String?, modified: Timestamp? = nil) {
        var reading = StreamState(scanner: self, stream: streamCount, name: name,
                                fixed: fileName.flatMap { FluxControllers.controller(inName: $0) })
        reading.fileTime = modified ?? fileTime
        streamCount += 1
        // A Flux controller's kubelet log path names the pod's namespace (FluxNamespaceClues).
        if let fileName, let p = PodLogPath(fileName) ?? PodLogPath(containersLink: fileName),
           FluxControllers.controller(pod: p.pod, container: p.container) != nil {
            state.fluxNamespace.note(.podLogPath, p.namespace)
        }
        var reader = LineReader(lineCap: lineCap)
        if let prefilter { reader.regionHook = { prefilter.scan($0) } }
        do {
            let closing = closeBudget != nil
            if let b = closeBudget, nextClose == 0 { nextClose = b }
            let (bytes, damage) = try reader.read(source, name: name, { line, number, truncated in
                reading.line(line, number: number, truncated: truncated)
                if closing, store.runCount >= nextClose { closeIncidents() }
            }, idle: { reading.flushHeld(); reading.flushParked(); reading.releaseUndated(near: nil) })
            state.stats.bytes += bytes
            noteDamage(damage, name: name)
            // Stopped by SIGINT/SIGTERM: the stream ends where the reading stopped, not where its
            // controller stopped logging (LifetimeFindings: not a kill).
            if InputInterrupt.signal != 0 { state.cutStreams.insert(name) }
        } catch let e as InputError {
            state.inputErrors.append(e)
        } catch {
            state.inputErrors.append(InputError(name: name, reason: "\(error)"))
        }
        reading.finish()
        if reading.cutJoined > 0 {
            // Counted and named as the reader's over-long lines are (`noteDamage`).
            state.stats.overlongLines += reading.cutJoined
            state.warnings.append(ScanWarning(message: "\(name):\(reading.firstCutJoined): \(reading.cutJoined) record(s) joined from partial lines (CRI `P`, Docker chunks) longer than \(lineCap) bytes were cut at the cap"))
        }
        flushEventCounts()
        // The input ended (its last record flushed): what is still open can no longer change
        // (Pipeline/Closing.swift).
        if closeBudget != nil, !following { closeIncidents(final: true) }
        reading.lifetimeState.finish(tracker: lifetimes)
        if let fileName, let podPath = PodLogPath(fileName) {
            podLogs.append((podPath, reading.fixed ?? reading.current, reading.firstTime, reading.lastTime, name))
        }

        store.endStream(reading.stream)
        for (k, v) in matcher.limitHits { state.limitHits[k] = v }
    }

    /// Per-input state: envelope fragments waiting for their end, the record held back for
    /// continuation lines, and controller identity.
    struct StreamState {
        /// The scanner outlives its stream's state (a local of `scan(source:)`): unowned(unsafe)
        /// spares a strong retain and release per access on the per-line path.
        unowned(unsafe) let scanner: LogScanner
        let stream: Int
        let name: String
        /// Controller named by the file name or a `==> path <==` header.
        var fixed: String?
        /// Controller of the current lifetime, learned from records that name one.
        var current: String?
        /// The first controller a record of this stream named, and whether another one has been
        /// named since: an interleaved stream of several controllers with no name of its own
        /// (`kubectl logs -l app.kubernetes.io/part-of=flux` without `--prefix`), where a record
        /// that names none cannot be given the controller that logged just before it.
        var firstNamed: String?
        var mixed = false
        /// In a mixed stream, a `starting manager` line began a start-up whose records wait for
        /// the controller to name itself: its leader lease (`lock`) or controller-runtime's
        /// `Starting EventSource|Controller|workers`, not another controller's record.
        var startupPending = false
        var lastTime: Timestamp?
        var firstTime: Timestamp?
        /// Records whose controller is not known yet: their events and activity minute.
        var pending: [(events: [Event], minute: Int64?)] = []
        /// Unknown error records among `pending` (at most one per pending record).
        var pendingMined: [MinedRecord] = []
        /// What the pending records say about their lifetime, one per `pending` entry.
        var pendingNotes: [LifetimeNote] = []
        var lifetimeState: StreamLifetimes
        /// CRI `P` / Docker partial fragments per stream (`stdout`/`stderr`).
        var fragments: [String: (bytes: [UInt8], first: Int, env: Envelope, cut: Bool)] = [:]
        /// The last record, held until the next line shows it has no continuation.
        var held: Record?
        var heldLines = 0
        var heldIsTrace = false
        /// The last reconciler panic a record logged before panicking again, until Go's crash
        /// report of it comes (`ObservedPanic`, `reportedPanic`).
        var observedPanic: ObservedPanic?
        /// The held record is a `flux logs` or zap console line: untimed plain lines and blank
        /// lines after it are its message's or error's (`continues`).
        var heldTakesAll: Bool { held?.format == .fluxLogs || held?.format == .console }
        /// A blank line inside the held record (a Go crash report's, a `flux logs` error's); past
        /// the line cap the record is marked cut instead (a flood of blank lines stays bounded).
        mutating func continueHeldWithBlankLine() {
            guard let h = held else { return }
            if h.payload.utf8.count < scanner.lineCap {
                held!.message += "\n"
                held!.payload += "\n"
            } else {
                held!.truncated = true
            }
        }
        /// The stream is a `kubectl get` / `flux get` table (`Envelope.isTableHeader`): not read.
        var isTable = false
        /// Records joined from partial lines (CRI `P`, Docker chunks) that were cut at the line
        /// cap, and the line of the first one's first part (0: none).
        var cutJoined = 0
        var firstCutJoined = 0
        mutating func noteCut(at line: Int) {
            cutJoined += 1
            if firstCutJoined == 0 { firstCutJoined = line }
        }
        /// Records that looked like JSON but did not parse, and the line of the first.
        var malformed = 0
        var firstMalformed = 0
        /// JSON records counted but not yet added to `stats.byFormat` (added by `flushCounts`).
        var jsonRecords = 0
        /// Per controller seen in this stream (a handful): records not yet added to
        /// `stats.byController`, and the minute last put in `activity` (the same minute again
        /// changes nothing).
        var counted: [(controller: String, records: Int, minute: Int64)] = []

        init(scanner: LogScanner, stream: Int, name: String, fixed: String?) {
            self.scanner = scanner
            self.stream = stream
            self.name = name
            self.fixed = fixed
            self.lifetimeState = StreamLifetimes(stream: stream, file: name)
        }

        /// The newest time decoded so far (records are held back one step; klog's year needs it now).
        var lastDecodedTime: Timestamp?
        var yearHint: Int { (lastDecodedTime ?? lastTime)?.year ?? scanner.referenceYear }
        /// The file's modification time, if a regular file is read.
        var fileTime: Timestamp?
        /// Where klog's year comes from (CONTRACT.md): the newest neighbour's time, else the
        /// file's time, else `--now` (the end of `referenceYear` without one), as bounds.
        var klogYear: KlogYear {
            if let t = lastDecodedTime ?? lastTime { return KlogYear(reference: t, isBound: false) }
            if let f = fileTime { return KlogYear(reference: f, isBound: true) }
            let end = scanner.referenceTime
                ?? Timestamp.utc(year: scanner.referenceYear, month: 12, day: 31, hour: 0, minute: 0, second: 0, millis: 0)!
            return KlogYear(reference: end, isBound: true)
        }

        /// Whether the line `line` reads is a copy, not a slice of the reader's region (the
        /// prefilter then scans it on its own: `Prefilter.candidates(ofCopy:withUnfiltered:)`).
        var lineIsCopy = false

        mutating func line(_ line: UnsafeRawBufferPointer, number: Int, truncated: Bool) {
            // One strong reference for the whole line: every access through the unowned(unsafe)
            // property is a retain and a release of its own.
            let scanner = self.scanner
            scanner.state.stats.lines += 1
            if isTable { return }
            if number == 1, Envelope.isTableHeader(line) {
                // A status snapshot of a support bundle (`flux get all -A > flux-get-all.txt`).
                isTable = true
                scanner.state.warnings.append(ScanWarning(message: "\(name):1: a `kubectl get` or `flux get` table (\"\(String(decoding: line.prefix(60), as: UTF8.self).split(separator: " ").joined(separator: " "))\"), not a log: its rows have no time and were not read as records"))
                return
            }
            if line.isEmpty {
                if heldIsTrace || heldTakesAll { continueHeldWithBlankLine() } else { flushHeld() }
                return
            }
            // NUL bytes before a record: the zeroed blocks a node's crash leaves in a log file
            // (a trial: a record after 4 KiB of them lost its failure evidence). The line is read
            // from its first other byte (the reader counted and named it as binary).
            if line[0] == 0 {
                var first = 0
                while first < line.count, line[first] == 0 { first += 1 }
                scanner.state.stats.lines -= 1  // counted again by the call below
                // Still a slice of the reader's region (or of the copy being read): the prefilter's
                // hits for it stand.
                self.line(UnsafeRawBufferPointer(rebasing: line[first...]), number: number, truncated: truncated)
                return
            }
            // Colour codes around a prefix (`stern --color always` wraps the pod and container
            // names in SGR sequences): the line is read without its escape sequences.
            if TerminalEscapes.startsWithin(line) {
                var clean = TerminalEscapes.stripped(line)
                scanner.state.stats.lines -= 1  // counted again by the call below
                lineIsCopy = true
                clean.withUnsafeMutableBytes { self.line(UnsafeRawBufferPointer($0), number: number, truncated: truncated) }
                lineIsCopy = false
                return
            }
            var env = Envelope.peel(line)
            switch env.kind {
            case .header(let path):
                flushHeld()
                flushParked()
                parked.removeAll()
                timePod = nil
                // A new file's records (`tail` headers): what waited for a time gets none from it,
                // and its own records take no time from the file before.
                releaseUndated(near: nil)
                (lastTime, lastDecodedTime, holdsUndated) = (nil, nil, true)
                resolvePending(current ?? fixed ?? "unknown")
                fixed = FluxControllers.controller(inName: path)
                current = nil
                return
            case .notice(let pod):
                flushHeld()
                if let c = FluxControllers.controller(inName: pod) { resolvePending(current ?? c); fixed = c; current = nil }
                return
            case .record:
                // Another pod's records (`kubectl logs --prefix`, stern): as after a `tail` header,
                // its records take no time from the pod before (one with none waits for its pod's
                // first time: it took the other pod's last and made a lifetime of it).
                if let pod = env.pod, pod != timePod { switchPod(to: pod) }
                // A line with nothing after its prefix (a pod's, kubectl's `--timestamps`): a
                // blank line of its own (inside a Go crash report, between the `[signal ...]`
                // line and the goroutine).
                if env.pod != nil || env.time != nil, env.payloadOffset > 0, env.ownedPayload == nil,
                   env.payloadOffset >= line.count, !env.fragment {
                    if heldIsTrace || heldTakesAll { continueHeldWithBlankLine() } else { flushHeld() }
                    return
                }
            }
            // The prefilter's verdict for this line: which signatures' literals it holds.
            var candidates: [Int]? = nil
            if let prefilter = scanner.prefilter {
                if lineIsCopy {
                    prefilter.candidates(ofCopy: line, withUnfiltered: true)
                    candidates = prefilter.lineCandidates
                } else if prefilter.candidates(inLine: line, withUnfiltered: true) {
                    candidates = prefilter.lineCandidates
                }
            }
            // A whole record in this line, in place (no fragment to join, not cut at the cap):
            // its payload and, when it looks like one JSON object, the object's first and last byte.
            // (Not while records wait for a time, `undated`: the fast paths process at once.)
            if let c = candidates, undated.isEmpty, env.ownedPayload == nil, !env.fragment, !truncated,
               env.stream.map({ fragments[$0] == nil }) ?? true {
                let payload = UnsafeRawBufferPointer(rebasing: line[env.payloadOffset...])
                var first = 0
                while first < payload.count, payload[first] == 32 { first += 1 }
                var last = payload.count - 1
                while last > first, payload[last] == 32 || payload[last] == 9 { last -= 1 }
                if first < payload.count, payload[first] == UInt8(ascii: "{"), payload[last] == UInt8(ascii: "}") {
                    if c.isEmpty, scanner.prefilter?.lastLineHadExtra == false,
                       !ErrorRule.mayHoldErrorLevel(UnsafeRawBufferPointer(rebasing: payload[first...])) {
                        // No signature can match: a cheap header decode is all this record needs.
                        flushHeld()
                        let json = UnsafeRawBufferPointer(rebasing: payload[first...])
                        let header = LightHeader.read(json)
                        // The held record may have joined `undated`: this record's time releases
                        // them; without one it waits with them (decoded in full below).
                        if !undated.isEmpty, let t = header.time ?? env.time { releaseUndated(near: t) }
                        if undated.isEmpty {
                            processLight(header, env: env, line: number, isError: LifetimeNote.isErrorLevel(json),
                                         startup: startupPending && LightHeader.find(json, "\"msg\":\"Starting ") != nil)
                            return
                        }
                    }
                    if !c.isEmpty, scanner.quickReady, c.contains(where: { scanner.quick[$0] }),
                       quick(UnsafeRawBufferPointer(rebasing: payload[first...last]), payload: payload, env: env, number: number, candidates: c) {
                        // A healthy or lifecycle signature hit it: read in place.
                        return
                    }
                }
            }
            let payload: [UInt8]? = env.ownedPayload
            func withPayload<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
                if let payload { return payload.withUnsafeBytes(body) }
                return body(UnsafeRawBufferPointer(rebasing: line[env.payloadOffset...]))
            }
            // Re-join fragments (CRI P…F, Docker chunks) per stream, up to the line cap.
            if let key = env.stream {
                if env.fragment {
                    var f = fragments[key] ?? ([], number, env, false)
                    withPayload { p in
                        let room = scanner.lineCap - f.bytes.count
                        if p.count > room { f.cut = true }
                        if room > 0 { f.bytes.append(contentsOf: p.prefix(room)) }
                    }
                    fragments[key] = f
                    return
                }
                if var f = fragments.removeValue(forKey: key) {
                    withPayload { p in
                        let room = scanner.lineCap - f.bytes.count
                        if p.count > room { f.cut = true }
                        if room > 0 { f.bytes.append(contentsOf: p.prefix(room)) }
                    }
                    env.time = f.env.time ?? env.time
                    if f.cut { noteCut(at: f.first) }
                    let record = f.bytes.withUnsafeBytes {
                        RecordDecoder.decodePayload($0, envelope: env, location: SourceLocation(file: name, line: f.first),
                                                    truncated: truncated || f.cut, yearHint: yearHint, klogYear: klogYear)
                    }
                    accept(record)
                    return
                }
            }
            var record = withPayload {
                RecordDecoder.decodePayload($0, envelope: env, location: SourceLocation(file: name, line: number),
                                            truncated: truncated, yearHint: yearHint, klogYear: klogYear)
            }
            record.candidates = candidates
            accept(record)
        }

        /// Ids in the event store of this stream's name and of the controllers it named, with
        /// the store's `objectsEpoch` they were taken in (ids change only when it changes).
        var storeIds: (file: Int32, controllers: [(name: String, id: Int32)], epoch: Int)?
        /// The last pod of a `--prefix` envelope and the controller its name gives.
        var podController: (pod: String, controller: String?)?

        /// A record read in place (`JSONRecordView`) when the signatures that hit it are all
        /// `LogScanner.quick` ones, or none hits it and its line holds no unknown-error word: what
        /// `accept` and `process` do with it, without building the record, its events or their
        /// texts unless a timeline is new. False when the record is not of the plain shape, names
        /// no controller yet, another signature hits it, or none does and it may be an unknown
        /// error: nothing was changed then but the held record flushed (and the lifetime note
        /// built), and the caller decodes it in full.
        /// - Parameters:
        ///   - json: the record, without whitespace around it.
        ///   - payload: the line without its envelope (the text events keep).
        mutating func quick(_ json: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, env: Envelope, number: Int,
                            candidates: [Int]) -> Bool {
            guard let view = JSONRecordView.read(json) else { return false }
            flushHeld()
            let scanner = self.scanner  // one retain for the record (see `line`)
            let store = scanner.store
            // Identity as `decodePayload` and `JSONFields.finish` give it: JSON fields, then the pod.
            var own: String?
            if let pod = env.pod {
                if podController?.pod != pod { podController = (pod, FluxControllers.controller(inName: pod)) }
                own = podController!.controller
            }
            if let c = view.controller(json) { own = c }
            // A record that names no controller in an interleaved stream: `process` looks for
            // its lease and holds a start-up until the controller names itself.
            if own == nil, fixed == nil, mixed { return false }
            guard let controller = own ?? fixed ?? current else { return false }

            let message = UnsafeRawBufferPointer(rebasing: json[view.message!])
            var note = LifetimeNote(millis: nil, line: number, pod: env.pod)
            let matcher = scanner.matcher, roles = scanner.lifetimes.roles
            var hits = scanner.quickHits
            scanner.quickHits = []
            defer { scanner.quickHits = hits }
            guard matcher.quickMatch(message, controller: controller, only: candidates, hits: &hits, onHit: { i in
                roles.apply(i, to: &note, capture: { matcher.lastCapture(named: $0, of: i, in: message) },
                            message: { String(decoding: message, as: UTF8.self) })
            }), hits.allSatisfy({ scanner.quick[$0] }) else { return false }
            // A relayed event whose text may hold another signature's record (its literal is on
            // the line, in its `message`): a failure is decoded in full, where `Signature.relays`
            // is read; a success or lifecycle record (every candidate read in place) is matched
            // here as its object's controller's record, as `QuotedCause.relayed` matches it (a
            // success relayed after relayed failures resolves their incident; it was dropped).
            var relayed: (hits: [Int], healthy: Bool, text: UnsafeRawBufferPointer, owner: String, by: String)?
            if let relaying = hits.first(where: { scanner.relaying[$0] }), candidates.contains(where: { !hits.contains($0) }) {
                guard scanner.facts[relaying].relays == "message", view.messageReadable,
                      candidates.allSatisfy({ scanner.quick[$0] }) else { return false }
                let kind = view.kind ?? view.involved.map { String(decoding: UnsafeRawBufferPointer(rebasing: json[$0.kind]), as: UTF8.self) }
                if let r = view.relayedMessage, !r.isEmpty, let kind, let owner = FluxControllers.byKind[kind.lowercased()] {
                    let text = UnsafeRawBufferPointer(rebasing: json[r])
                    guard JSONRecordView.isASCII(text) else { return false }
                    var found: [Int] = []
                    guard matcher.quickMatch(text, controller: owner, only: candidates, hits: &found, onHit: { _ in }) else { return false }
                    let healthy = QuotedCause.keepSuccess(&found, signature: { $0 }, facts: scanner.facts)
                    if !found.isEmpty { relayed = (found, healthy, text, owner, scanner.facts[relaying].id) }
                }
            }
            // No signature hit: what `process` does with a record that has no event, unless the
            // line holds a word that may make it an unknown error (`ErrorRule.isErrorRecord`
            // reads the message for them: the prefilter's extra literals) and it must be mined.
            if hits.isEmpty, scanner.prefilter?.lastLineHadExtra != false { return false }

            // From here on the record is taken: `accept`, then `process`.
            var time = view.time, fromEnvelope = false
            if time == nil, let t = env.time { time = t; fromEnvelope = true }
            // The held record may have joined `undated`: this record's time releases them; one
            // with no time waits with them, or for the stream's first time (decoded in full by
            // the caller).
            if time == nil, lastTime == nil { return false }
            if !undated.isEmpty, let t = time { releaseUndated(near: t) }
            if let t = time, !fromEnvelope || lastDecodedTime == nil { lastDecodedTime = t }
            scanner.state.stats.records += 1
            jsonRecords += 1
            if time == nil, let t = lastTime {
                time = t
                scanner.state.stats.inheritedTimes += 1
            }
            if let t = time {
                lastTime = t
                if firstTime == nil { firstTime = t }
            }
            _ = identify(own: own, startsLifetime: false,
                         startup: startupPending && message.starts(with: "Starting ".utf8))
            let minute = time.map { $0.millis / 60_000 }
            count(controller: controller, minute: minute)

            func bytes(_ r: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: json[r]) }
            let object = view.kind != nil
                ? store.quickObject(kind: view.kind!, kindBytes: nil, name: bytes(view.name!), namespace: view.namespace.map(bytes))
                : store.quickObject(kind: nil, kindBytes: bytes(view.involved!.kind), name: bytes(view.involved!.name),
                                      namespace: view.involved!.namespace.map(bytes))
            if storeIds == nil || storeIds!.epoch != store.objectsEpoch {
                storeIds = (store.intern(file: name), [], store.objectsEpoch)
            }
            var controllerId: Int32 = -1
            for c in storeIds!.controllers where c.name == controller { controllerId = c.id; break }
            if controllerId < 0 {
                controllerId = store.intern(controller: controller)
                if storeIds!.controllers.count < 16 { storeIds!.controllers.append((controller, controllerId)) }
            }
            let fileId = storeIds!.file
            for i in hits {
                if scanner.countsOnly {
                    // `emit` when matching only: counted, not kept (no event is built).
                    scanner.state.stats.events += 1
                    scanner.eventCounts[i] += 1
                    continue
                }
                let facts = scanner.facts[i]
                // `emit` with no filter: counted, then kept in the signal's timeline.
                if let t = time?.millis, let timeline = object.timeline(Int32(i), controllerId, in: store) {
                    store.add(to: timeline, signature: Int32(i), object: object.id, controller: controllerId, time: t,
                              file: fileId, line: number)
                    scanner.state.stats.events += 1
                    scanner.eventCounts[i] += 1
                    if scanner.closeBudget != nil, t > scanner.closingWatermark { scanner.closingWatermark = t }
                    continue
                }
                // A new timeline (or no time): the event as `process` builds it.
                scanner.emit(Event(
                    time: time, controller: controller, object: object.ref, signature: facts.id, severity: facts.severity,
                    role: facts.role, failureClass: facts.failureClass, captures: matcher.captures(of: i, in: message),
                    location: SourceLocation(file: name, line: number), level: view.level,
                    text: cut(String(decoding: payload, as: UTF8.self), at: 2000), stream: stream, signatureIndex: i))
            }
            // The relayed record's events (`QuotedCause.relayed`): evidence of the object's own
            // controller, marked quoted (not counted as hits), their timelines keeping entries.
            if let relayed, !scanner.countsOnly {
                let ownerId = store.intern(controller: relayed.owner)
                for i in relayed.hits {
                    if let t = time?.millis, let timeline = store.timeline(signature: Int32(i), controller: ownerId, object: object.id, relayed: true) {
                        if !timeline.keepsEntries { timeline.keepsEntries = true }
                        store.add(to: timeline, signature: Int32(i), object: object.id, controller: ownerId, time: t,
                                  file: fileId, line: number)
                        if scanner.closeBudget != nil, t > scanner.closingWatermark { scanner.closingWatermark = t }
                        continue
                    }
                    let facts = scanner.facts[i]
                    var captures = matcher.captures(of: i, in: relayed.text)
                    captures["relayed"] = relayed.by
                    var e = Event(
                        time: time, controller: relayed.owner, object: object.ref, signature: facts.id, severity: facts.severity,
                        role: relayed.healthy ? .healthy : .lifecycle, failureClass: facts.failureClass, captures: captures,
                        location: SourceLocation(file: name, line: number), level: view.level,
                        text: cut(String(decoding: payload, as: UTF8.self), at: 2000), stream: stream, signatureIndex: i)
                    e.quoted = true
                    e.timeInherited = time != nil && view.time == nil && !fromEnvelope
                    scanner.emit(e)
                }
            }
            note.millis = time?.millis
            note.object = object.ref
            note.quick = object
            lifetimeState.note(note, controller: controller, tracker: scanner.lifetimes)
            scanner.readInPlace += 1
            return true
        }

        /// A record no signature can match: counted, timed and identified, not decoded.
        mutating func processLight(_ h: LightHeader.Result, env: Envelope, line: Int, isError: Bool, startup: Bool = false) {
            let scanner = self.scanner  // one retain for the record (see `line`)
            scanner.state.stats.records += 1
            scanner.headerOnly += 1
            jsonRecords += 1
            var time = h.time ?? env.time
            if time == nil, let t = lastTime {
                time = t
                scanner.state.stats.inheritedTimes += 1
            }
            if let t = time {
                lastTime = t
                lastDecodedTime = t
                if firstTime == nil { firstTime = t }
            }
            let own = h.controller ?? env.pod.flatMap { FluxControllers.controller(inName: $0) }
            let controller = identify(own: own, startsLifetime: h.startsLifetime, startup: startup)
            let minute = time.map { $0.millis / 60_000 }
            var note = LifetimeNote(millis: time?.millis, line: line, pod: env.pod)
            note.startsLifetime = h.startsLifetime
            note.isError = isError
            if let controller {
                count(controller: controller, minute: minute)
                lifetimeState.note(note, controller: controller, tracker: scanner.lifetimes)
            } else {
                pending.append(([], minute))
                pendingNotes.append(note)
                if pending.count > 10_000 { resolvePending("unknown") }
            }
        }

        /// Identity, in order of trust: the record's JSON fields or pod prefix, the stream's name,
        /// the lifetime's controller. A `starting manager` line begins a new lifetime (FLUX-LOGS.md
        /// 1.2): its records wait for the next record that names a controller.
        ///
        /// In an interleaved stream (`mixed`), a start-up's records wait for a record of the
        /// start-up itself (`startup`: its lease, controller-runtime's `Starting ...` lines), not
        /// for the next record of any controller: a trial's sorted merge of two controllers'
        /// logs gave source-controller's `starting manager` to kustomize-controller and invented
        /// a kustomize-controller kill.
        mutating func identify(own: String?, startsLifetime: Bool, startup: Bool = false) -> String? {
            if let own, fixed == nil, !mixed {
                if firstNamed == nil { firstNamed = own } else if firstNamed != own { mixed = true }
            }
            var controller: String? = own ?? fixed
            if controller == nil {
                if startsLifetime {
                    if let c = current { resolvePending(c) }
                    current = nil
                    if mixed { startupPending = true }
                }
                controller = current
            } else if let own, fixed == nil {
                // Another controller's record inside a start-up: the start-up goes on waiting.
                if startupPending, !startup { return own }
                startupPending = false
                current = own
                if !pending.isEmpty { resolvePending(own) }
            }
            return controller
        }

        /// The controller a leader lease names (`"lock":"flux-system/source-controller-leader-election"`,
        /// client-go >= v0.35; `attempting to acquire leader lease flux-system/...` before), for a
        /// record that names no controller otherwise (FLUX-LOGS.md 3.12).
        static func leaseController(_ r: Record) -> String? {
            // The leases client-go's and controller-runtime's wordings name (`FluxNamespaceClues.leases`).
            for lease in FluxNamespaceClues.leases(in: r.payload) {
                if let c = FluxControllers.controller(inName: String(lease)) { return c }
            }
            return nil
        }

        /// A line that continues the held record: a Go panic or stack trace (FLUX-LOGS.md 1.1:
        /// zap console writes stacktraces on following lines; Go's runtime writes `panic:` then
        /// `goroutine N [running]:` and frames).
        func continues(_ r: Record) -> Bool {
            guard held != nil, r.format == .plain, heldLines < 2000 else { return false }
            // `flux logs` prints a record's error as it is, newlines and all (its template ends
            // `{{.Message}} {{.Error}}\n`, FLUX-LOGS.md 2: SOPS's `Group 0: FAILED` lines), and
            // zap's console encoder a message's newlines (FLUX-LOGS.md 1.3: Helm's `Last Helm
            // logs:`, the fields after the last line): every line until the next record with a
            // time of its own is the record's, but a Go crash report's start.
            if heldTakesAll, r.time == nil || r.timeFromEnvelope, !StreamState.startsTrace(r) { return true }
            let m = r.message
            if m.hasPrefix("\t") || m.hasPrefix("    ") { return true }
            if heldIsTrace {
                if m.hasPrefix("goroutine ") || m.hasPrefix("[signal ") || m.hasPrefix("created by ") || m.hasPrefix("panic: ") { return true }
                // A frame: `pkg.(*T).method(0xc000, ...)`, `panic({0x1d7e5a0?, 0x3562e40?})`
                // (Go 1.21+ prints the re-panic's frame so): no space before its arguments.
                if m.hasSuffix(")"), let open = m.firstIndex(of: "("), !m[..<open].contains(" ") { return true }
            } else if m.hasPrefix("goroutine "), m.contains("[") {
                return true
            }
            return false
        }

        static func startsTrace(_ r: Record) -> Bool {
            r.format == .plain && (r.message.hasPrefix("panic: ") || r.message.hasPrefix("fatal error: ")
                || (r.message.hasPrefix("goroutine ") && r.message.hasSuffix(":")))
        }

        mutating func accept(_ record: consuming Record) {
            if let t = record.time, !record.yearGuessed, !record.timeFromEnvelope || lastDecodedTime == nil { lastDecodedTime = t }
            if continues(record), var h = held {
                let cap = scanner.lineCap
                if h.message.utf8.count + record.message.utf8.count < cap {
                    h.message += "\n" + record.message
                    h.payload += "\n" + record.payload
                } else {
                    h.truncated = true
                }
                if let a = h.candidates {
                    h.candidates = record.candidates.map { Array(Set(a + $0)).sorted() }
                }
                if record.message.hasPrefix("goroutine ") { heldIsTrace = true }
                held = h
                heldLines += 1
                return
            }
            flushHeld()
            heldIsTrace = StreamState.startsTrace(record)
            held = record  // moved: a record holds a dozen references
            heldLines = 1
        }

        mutating func flushHeld() {
            guard var record = held.take() else { return }  // moved out, not copied
            heldIsTrace = false
            if record.format == .console, heldLines > 1 || record.payload.utf8.contains(10) { StreamState.redecodeConsole(&record) }
            process(&record)
        }

        /// A zap console record that took continuation lines (`continues`): decoded again from
        /// its whole text, so that the fields JSON after the message's last line (the object,
        /// the controller) and the whole message are the record's (zap console: `ts TAB LEVEL
        /// TAB [logger TAB] msg [TAB fields]`, the message's newlines written as they are).
        static func redecodeConsole(_ record: inout Record) {
            var again = Record(location: record.location)
            let decoded = Array(record.payload.utf8).withUnsafeBytes { p -> Bool in
                var start = 0
                while start < p.count, p[start] == 32 || p[start] == 9 { start += 1 }
                return TextEncodings.console(UnsafeRawBufferPointer(rebasing: p[start...]), into: &again)
            }
            guard decoded else { return }
            record.level = again.level
            if let c = again.controller { record.controller = c }
            if let o = again.object { record.object = o }
            record.logger = again.logger
            record.message = again.message
            record.error = again.error
            record.fields = again.fields
        }

        /// The pod of the last record with an envelope that names one (`Envelope.pod`).
        var timePod: String?
        /// What each other pod of a `--prefix`/stern stream left while the current pod's lines
        /// are read: its record held for continuation lines and its times. `kubectl logs -f
        /// --prefix` of several pods interleaves their lines, so a Go crash report of one pod
        /// may have another pod's lines between its own: a trial's was cut into eight records,
        /// and each record took the other pod's time.
        struct Parked {
            var held: Record?
            var heldLines: Int
            var heldIsTrace: Bool
            var lastTime: Timestamp?
            var lastDecodedTime: Timestamp?
        }
        var parked: [String: Parked] = [:]

        /// Reads `pod`'s lines from here on: the current pod's held trace (a record that is not
        /// one is processed first) and times are parked,
        /// `pod`'s restored (none: a pod's first line takes no time from the pod before, as after
        /// a `tail` header). Records waiting for a time (`undated`) are the stream's, not a pod's.
        mutating func switchPod(to pod: String) {
            if let from = timePod {
                // Only a crash report or stack trace in progress waits for its pod's next lines;
                // any other record is processed now, in reading order (`-v`).
                if !heldIsTrace { flushHeld() }
                parked[from] = Parked(held: held.take(), heldLines: heldLines, heldIsTrace: heldIsTrace,
                                      lastTime: lastTime, lastDecodedTime: lastDecodedTime)
                // Bounded: a stream of many short-lived pods parks at most 64.
                if parked.count > 64 { flushParked() }
            }
            let p = parked.removeValue(forKey: pod)
            held = p?.held
            heldLines = p?.heldLines ?? 0
            heldIsTrace = p?.heldIsTrace ?? false
            (lastTime, lastDecodedTime, holdsUndated) = (p?.lastTime, p?.lastDecodedTime, true)
            timePod = pod
        }

        /// Processes the records the other pods hold, each with its own pod's times.
        mutating func flushParked() {
            guard !parked.isEmpty else { return }
            let mine = (held.take(), heldLines, heldIsTrace, lastTime, lastDecodedTime)
            for pod in parked.keys.sorted() {
                guard var p = parked[pod], p.held != nil else { continue }
                held = p.held.take()
                heldLines = p.heldLines
                heldIsTrace = p.heldIsTrace
                lastTime = p.lastTime
                lastDecodedTime = p.lastDecodedTime
                flushHeld()
                p.lastTime = lastTime
                p.lastDecodedTime = lastDecodedTime
                p.heldLines = 0
                p.heldIsTrace = false
                parked[pod] = p
            }
            (held, heldLines, heldIsTrace, lastTime, lastDecodedTime) = mine
            if parked.count > 64 { parked.removeAll() }
        }

        /// Records that wait for a time, in order: until a stream (or a `tail` header's file) has
        /// had a record with a time, its records with none and its klog records, whose year was
        /// a guess (`Record.yearGuessed`), are held; the first record with a time releases them
        /// (`releaseUndated`). A controller's log often begins with client-go's klog lines; a
        /// `kubectl logs --previous` of a crash may hold nothing but a Go panic. Read at once,
        /// the first took the year of `--now` or of the file (years ahead of the records after
        /// them, in a replayed archive) and the second had no time at all, so their events were
        /// dropped: no incident. At most `undatedCap` are held (then they are released with
        /// what they have, and a warning says so).
        var undated: [Record] = []
        /// The bytes of the held records' payloads (a record is up to the 1 MiB line cap).
        var undatedBytes = 0
        var holdsUndated = true
        /// Whether a warning about times that came from no record was written for this stream.
        var warnedUndated = false
        /// At most this many records, or `undatedByteCap` bytes of them, are held.
        static let undatedCap = 4096
        static let undatedByteCap = 8 << 20

        mutating func process(_ record: inout Record) {
            if holdsUndated, lastTime == nil, record.yearGuessed || record.time == nil {
                undatedBytes += record.payload.utf8.count
                undated.append(record)
                if undated.count > Self.undatedCap || undatedBytes > Self.undatedByteCap {
                    // No more are held: these take what they have (the guessed year, the time of
                    // the first of them that has one, else the file's time or --now).
                    holdsUndated = false
                    let first = undated[0].location.line, count = undated.count
                    if !warnedUndated {
                        warnedUndated = true
                        let what = count > Self.undatedCap ? "more than \(Self.undatedCap) records" : "more than \(Self.undatedByteCap >> 20) MiB of records"
                        scanner.state.warnings.append(ScanWarning(message:
                            "\(name):\(first): \(what) before the first record with a full date (klog lines, which carry no year, or records with no time); they were not held longer: their times come from the file's modification time or --now, a guess"))
                    }
                    releaseUndated(near: nil)
                }
                return
            }
            if !undated.isEmpty { releaseUndated(near: record.time) }
            processNow(&record)
        }

        /// Processes the held `undated` records with the time they lacked. `near` is the time of
        /// the record after them (nil: none came: the end of the input, a pause in a followed
        /// one, the cap, a new file):
        /// - a klog stamp takes the latest year that puts it no later than `near` (with
        ///   `KlogYear`'s day of slack): a line before a record is not after it;
        /// - a record with no time before any that has one takes the time of the first held
        ///   record that has one, else `near`, else the file's modification time or `--now`
        ///   (`referenceTime`), with a warning; the ones after a timed one inherit its time as
        ///   `processNow` gives it.
        mutating func releaseUndated(near: Timestamp?) {
            guard !undated.isEmpty else { return }
            var held = undated
            undated = []
            undatedBytes = 0
            if let near {
                let bound = KlogYear(reference: near, isBound: true)
                for k in held.indices where held[k].yearGuessed {
                    guard let t = held[k].time else { continue }
                    let c = t.civil
                    if let moved = bound.time(month: c.month, day: c.day, hour: c.hour, minute: c.minute, second: c.second,
                                              millis: c.millis) {
                        held[k].time = moved
                    }
                    held[k].yearGuessed = false
                }
            }
            if lastTime == nil {
                let firstTimed = held.firstIndex { $0.time != nil }
                var forward = firstTimed.flatMap { held[$0].time } ?? near
                if forward == nil, let t = fileTime ?? scanner.referenceTime {
                    forward = t
                    if !warnedUndated {
                        warnedUndated = true
                        let from = fileTime != nil ? "the file's modification time" : "the reference time (--now, else the time of reading)"
                        scanner.state.warnings.append(ScanWarning(message:
                            "\(name):\(held[0].location.line): \(firstTimed ?? held.count) record(s) with no time and no record with one after them: placed at \(t.rfc3339), \(from)"))
                    }
                }
                if let forward {
                    for k in 0..<(firstTimed ?? held.count) {
                        held[k].time = forward
                        held[k].timeInherited = true
                        scanner.state.stats.inheritedTimes += 1
                    }
                }
            }
            for k in held.indices { processNow(&held[k]) }
        }

        mutating func processNow(_ record: inout Record) {
            scanner.state.stats.records += 1
            if record.format == .json { jsonRecords += 1 } else { scanner.state.stats.byFormat[record.format.rawValue, default: 0] += 1 }
            if record.format == .malformed {
                scanner.state.stats.malformed += 1
                malformed += 1
                if firstMalformed == 0 { firstMalformed = record.location.line }
            }
            if record.time == nil, let t = lastTime {
                record.time = t
                record.timeInherited = true
                scanner.state.stats.inheritedTimes += 1
            }
            if let t = record.time {
                lastTime = t
                if firstTime == nil { firstTime = t }
            }

            // A record that names no controller may name its lease (start-up, leader election).
            var own = record.controller
            var startup = startupPending && record.message.hasPrefix("Starting ")
            // In any stream with no name of its own: klog's lease lines alone (a controller that
            // cannot reach the API server logs nothing else) were `unknown`, and in `cat a.log
            // b.log` every lease line took the first one's controller.
            if own == nil, fixed == nil, let lease = Self.leaseController(record) {
                own = lease
                startup = true
            }
            let controller = identify(own: own,
                                      startsLifetime: record.logger == "setup" && record.message == "starting manager",
                                      startup: startup)
            record.controller = controller
            scanner.recordObserver?(record)
            let minute = record.time.map { $0.millis / 60_000 }

            var newEvents: [Event] = []
            var hits = scanner.matcher.match(record, only: record.candidates)
            // One record is one failure: when several failure signatures hit it (a DNS error in an
            // event delivery line), the most specific names the cause and the others join its
            // incident as wrappers. Most specific: highest severity, then the longest regex.
            let facts = scanner.facts
            // A healthy record is no failure: a commit subject inside `stored artifact for commit
            // 'fix x509: certificate signed by unknown authority'` made a TLS incident (trial 15).
            if hits.contains(where: { facts[$0.signature].role == .healthy }) {
                hits.removeAll { facts[$0.signature].role == .failure || facts[$0.signature].role == .wrapper }
            }
            let failures = hits.filter { facts[$0.signature].role == .failure }
            let cause = failures.max { facts[$0.signature].isLessSpecific(than: facts[$1.signature]) }?.signature
            let note = scanner.lifetimes.roles.note(record, hits: hits)
            // Go's crash report of the reconciler panic the record before logged (`ObservedPanic`):
            // the same panic, about that record's object, counted once.
            let echoed = reportedPanic(record, note: note, hits: hits, cause: cause, controller: controller)
            for hit in hits {
                let sig = facts[hit.signature]
                var role: SignalRole = sig.role == .failure && failures.count > 1 && hit.signature != cause ? .wrapper : sig.role
                var object = record.object
                if let echoed, sig.role == .failure || sig.role == .wrapper {
                    if hit.signature == echoed.signature { continue }
                    role = .wrapper
                    object = object ?? echoed.object
                }
                var event = Event(
                    time: record.time, controller: controller ?? "unknown", object: object,
                    signature: sig.id, severity: sig.severity, role: role, failureClass: sig.failureClass,
                    captures: hit.captures, location: record.location, level: record.level,
                    text: cut(record.payload, at: 2000), stream: stream,
                    signatureIndex: hit.signature, timeInherited: record.timeInherited)
                // A wait that quotes its source's error (`Signature.quotes`): the error's own
                // signature names it, and joins as evidence (`QuotedCause`).
                if let q = sig.quotes, let text = hit.captures[q.capture], !text.isEmpty,
                   let quoted = QuotedCause.match(text, controller: q.controller, matcher: scanner.matcher, facts: facts,
                                                  excluding: hit.signature, only: record.candidates) {
                    let qf = facts[quoted.signature]
                    event.captures["quoted"] = qf.id
                    var evidence = Event(
                        time: record.time, controller: controller ?? "unknown", object: record.object,
                        signature: qf.id, severity: qf.severity, role: .lifecycle, failureClass: qf.failureClass,
                        captures: quoted.captures, location: record.location, level: record.level,
                        text: event.text, stream: stream, signatureIndex: quoted.signature, timeInherited: record.timeInherited)
                    evidence.quoted = true
                    newEvents.append(event)
                    newEvents.append(evidence)
                    continue
                }
                newEvents.append(event)
                // A relayed event of the record's object (`Signature.relays`): what its own
                // controller's record of it would say.
                if let field = sig.relays, let text = record.fields[field], !text.isEmpty, let object = record.object,
                   let owner = FluxControllers.byKind[object.kind.lowercased()] {
                    for var e in QuotedCause.relayed(text, controller: owner, by: sig.id, matcher: scanner.matcher, facts: facts,
                                                     only: record.candidates) {
                        e.time = record.time
                        e.object = object
                        e.location = record.location
                        e.level = record.level
                        e.text = event.text
                        e.stream = stream
                        e.timeInherited = record.timeInherited
                        newEvents.append(e)
                    }
                }
            }
            let mined = scanner.mining.unknownError(record, hits: hits)
            if let controller {
                count(controller: controller, minute: minute)
                for e in newEvents { scanner.emit(e) }
                if let mined { scanner.mining.mine(mined, filter: scanner.filter) }
                lifetimeState.note(note, controller: controller, tracker: scanner.lifetimes)
            } else {
                if let mined { pendingMined.append(mined) }
                pending.append((newEvents, minute))
                pendingNotes.append(note)
                if pending.count > 10_000 { resolvePending("unknown") }  // bound memory on identity-less input
            }
        }

        /// The reconciler panic `record` is Go's crash report of (`ObservedPanic`), nil when it is
        /// none; and what a record logged of a panic its process will not survive, kept in
        /// `observedPanic` for the report that may follow. `note` is the record's lifetime note
        /// (a panic that ends the process: `LifetimeNote.marker`), `cause` the failure signature
        /// that names the record.
        mutating func reportedPanic(_ record: Record, note: LifetimeNote, hits: [SignatureHit], cause: Int?,
                                    controller: String?) -> ObservedPanic? {
            guard note.marker == .panic || observedPanic != nil else { return nil }
            if let value = ObservedPanic.repanickedValue(record) {
                guard let observed = observedPanic,
                      observed.isReported(value: value, controller: controller, millis: record.time?.millis) else { return nil }
                observedPanic = nil  // the process died: one report per logged panic
                return observed
            }
            // A record that logs a panic and is no crash report: `Observed a panic in reconciler`.
            // A panic returned as an error (`[recovered]` in a `Reconciler error`) has no marker.
            if note.marker == .panic, let cause, let hit = hits.first(where: { $0.signature == cause }),
               let value = hit.captures["panic"] ?? hit.captures["panic2"], !value.isEmpty {
                observedPanic = ObservedPanic(value: String(value.prefix { $0 != "\n" }), object: record.object, controller: controller,
                                              millis: record.time?.millis, signature: cause)
            }
            return nil
        }

        /// Counts one record of `controller` (in `stats.byController`, through `countedRecords`) and
        /// its minute in `activity`; the dictionaries are touched only when the controller or the
        /// minute changes.
        mutating func count(controller: String, minute: Int64?) {
            var k = 0
            while k < counted.count, counted[k].controller != controller { k += 1 }
            if k == counted.count {
                if k >= 32 { flushCounts(); k = 0 }  // many controller names: keep the list short
                counted.append((controller, 0, .min))
            }
            counted[k].records += 1
            if let minute, minute != counted[k].minute {
                scanner.state.activity[controller, default: []].insert(minute)
                counted[k].minute = minute
            }
        }

        /// Adds the counts kept in the stream's state to `stats`.
        mutating func flushCounts() {
            for c in counted where c.records > 0 { scanner.state.stats.byController[c.controller, default: 0] += c.records }
            counted.removeAll()
            if jsonRecords > 0 { scanner.state.stats.byFormat[RecordFormat.json.rawValue, default: 0] += jsonRecords }
            jsonRecords = 0
        }

        mutating func resolvePending(_ controller: String) {
            for (i, p) in pending.enumerated() {
                scanner.state.stats.byController[controller, default: 0] += 1
                if let m = p.minute { scanner.state.activity[controller, default: []].insert(m) }
                for var e in p.events {
                    e.controller = controller
                    scanner.emit(e)
                }
                if i < pendingNotes.count { lifetimeState.note(pendingNotes[i], controller: controller, tracker: scanner.lifetimes) }
            }
            pending.removeAll()
            for var m in pendingMined {
                m.controller = controller
                scanner.mining.mine(m, filter: scanner.filter)
            }
            pendingMined.removeAll()
            pendingNotes.removeAll()
        }

        mutating func finish() {
            // Fragments with no final record: decode what arrived.
            for key in fragments.keys.sorted() {
                let f = fragments[key]!
                if f.cut { noteCut(at: f.first) }
                let record = f.bytes.withUnsafeBytes {
                    RecordDecoder.decodePayload($0, envelope: f.env, location: SourceLocation(file: name, line: f.first),
                                                truncated: f.cut, yearHint: yearHint, klogYear: klogYear)
                }
                accept(record)
            }
            fragments.removeAll()
            flushHeld()
            flushParked()
            releaseUndated(near: nil)
            if !pending.isEmpty { resolvePending(current ?? "unknown") }
            flushCounts()
            if malformed > 0 {
                scanner.state.warnings.append(ScanWarning(message:
                    "\(name):\(firstMalformed): \(malformed) record(s) looked like JSON but did not parse (torn or cut lines); read as plain text"))
            }
        }
    }

    /// Accepted events per signature index, not yet added to `countsBySignature` (by
    /// `flushEventCounts`, at the end of every stream).
    /// (Not lazy: a lazy property's getter and setter on the per-event path cost a retain each.)
    var eventCounts: [Int]

    func flushEventCounts() {
        for i in eventCounts.indices where eventCounts[i] > 0 {
            state.countsBySignature[patterns.signatures[i].id, default: 0] += eventCounts[i]
            eventCounts[i] = 0
        }
    }

    /// The record of the last event `emit` counted in `failingBeforeSince`.
    private var lastBeforeSince: SourceLocation?
    /// The record of the last relayed event `emit` counted in `relayedBeforeSince`.
    private var lastRelayedBeforeSince: SourceLocation?

    /// Filters (before correlation, CONTRACT.md), then stores and reports one event. Healthy and
    /// lifecycle events are kept whatever the filters say: they are the context hypotheses are
    /// judged in (`--controller kustomize` must not hide that source-controller was up).
    func emit(_ e: Event) {
        // Whatever the filters say: the steps name Flux's namespace for every incident shown.
        let clues = namespaceClues[e.signatureIndex]
        if clues.any { state.fluxNamespace.note(captures: e.captures, text: clues.lease ? e.text : nil) }
        let accepted = filter.accepts(e)
        if !accepted {
            state.stats.filteredEvents += 1
            // Before --since: only context (healthy and lifecycle events: what led up to it). After --until: nothing, the
            // report is as of that time (a recovery after it made an incident 'resolved' and
            // measured the gap from the cut). Outside --controller/--namespace/--object: kept, so
            // that the incident an object waits on can still be found; the filters then choose
            // which incidents are shown (`ScanFilter.accepts(_: Incident)`).
            if let u = filter.until, let t = e.time, t > u { return }
            // Evidence of a failure read from another record (`QuotedCause`: the error a wait
            // quotes, a failure notification-controller relays) is that failure for the time
            // filter: left out before --since as the failure is, not kept as context, else a
            // relayed failure before the window made an incident (`QuotedCause.relayedFailures`).
            let evidence = e.quoted && e.role == .lifecycle && (facts[e.signatureIndex].role == .failure || facts[e.signatureIndex].role == .wrapper)
            if evidence, let since = filter.since, let t = e.time, t < since, e.captures["relayed"] != nil {
                // Counted as its controller's, where its log is not read (`ScanResult.beforeSince`);
                // a record once, as below.
                if let r = Correlator.nextTryReach(captures: [e.captures], at: t.millis) {
                    state.relayedNextTryBeforeSince[e.controller, default: [:]][e.object] =
                        max(state.relayedNextTryBeforeSince[e.controller]?[e.object] ?? r, r)
                }
                if e.location != lastRelayedBeforeSince {
                    lastRelayedBeforeSince = e.location
                    var noted = state.relayedBeforeSince[e.controller]?[e.object] ?? (t.millis, t.millis, 0)
                    noted.first = min(noted.first, t.millis)
                    noted.last = max(noted.last, t.millis)
                    noted.count += 1
                    state.relayedBeforeSince[e.controller, default: [:]][e.object] = noted
                }
            }
            if let since = filter.since, let t = e.time, t < since, e.role == .failure || e.role == .wrapper,
               let r = Correlator.nextTryReach(captures: [e.captures], at: t.millis) {
                // Any event of the record: the `next try in` line is often its wrapper's.
                state.nextTryBeforeSince[e.object] = max(state.nextTryBeforeSince[e.object] ?? r, r)
            }
            if let since = filter.since, let t = e.time, t < since, e.role == .failure || e.role == .wrapper,
               e.location != lastBeforeSince {
                // Records, not events: a record's events come one after another.
                lastBeforeSince = e.location
                let key = e.object
                var noted = state.failingBeforeSince[key] ?? (t.millis, t.millis, 0)
                noted.first = min(noted.first, t.millis)
                noted.last = max(noted.last, t.millis)
                noted.count += 1
                state.failingBeforeSince[key] = noted
            }
            if !countsOnly, (e.role == .healthy || e.role == .lifecycle) && !evidence || filter.acceptsTime(e) {
                store.add(e, signatureIndex: e.signatureIndex)
            }
            return
        }
        if !e.quoted {
            state.stats.events += 1
            eventCounts[e.signatureIndex] += 1
        }
        if countsOnly {
            eventObserver?(e)
            return
        }
        if closeBudget != nil, let t = e.time?.millis {
            if t > closingWatermark { closingWatermark = t }
            if t < closedBefore + store.windowMillis, e.role == .failure || e.role == .wrapper { lateEvents += 1 }
        }
        store.add(e, signatureIndex: e.signatureIndex)
        eventObserver?(e)
    }

    private func noteDamage(_ d: ReadDamage, name: String) {
        state.stats.overlongLines += d.overlongLines
        state.stats.binaryLines += d.binaryLines
        state.stats.invalidUTF8Lines += d.invalidUTF8Lines
        if d.overlongLines > 0 {
            state.warnings.append(ScanWarning(message: "\(name):\(d.firstOverlongLine): \(d.overlongLines) line(s) longer than \(lineCap) bytes were cut at the cap"))
        }
        if d.binaryLines > 0 {
            state.warnings.append(ScanWarning(message: "\(name):\(d.firstBinaryLine): \(d.binaryLines) line(s) hold NUL bytes (binary data); read as text"))
        }
        if d.invalidUTF8Lines > 0 {
            state.warnings.append(ScanWarning(message: "\(name):\(d.firstInvalidUTF8Line): \(d.invalidUTF8Lines) line(s) are not valid UTF-8; their bad bytes read as U+FFFD"))
        }
    }
}

