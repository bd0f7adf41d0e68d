import Foundation
import CZlib
/// A run of identical events: one signature from one controller about one object and upstream,
/// within one bucket of event time (half the window, at least a minute). The correlator works on
/// these instead of single events, so memory grows with the number of distinct things that
/// happened per bucket, not with the number of lines (a crash-looping controller that logs the
/// same refusal 10,000 times a minute is one occurrence with count 10,000).
public struct Occurrence: Sendable {
    public var signature: String
    public var severity: Severity
    public var role: SignalRole
    public var failureClass: String
    public var controller: String
    public var object: ObjectRef?
    /// Captures of the run's first event (group name → text), unpacked from `packedCaptures` when
    /// read: occurrences share the event store's packed strings instead of holding a dictionary
    /// each (15 MB at the end of a 2 GiB archive).
    public var captures: [String: String] {
        get { PackedCaptures.unpack(packedCaptures) }
        set { packedCaptures = PackedCaptures.pack(newValue) }
    }
    /// Other capture sets seen in the run (at most a few), for hypotheses that test captures.
    public var otherCaptures: [[String: String]] {
        get { packedOtherCaptures.map(PackedCaptures.unpack) }
        set { packedOtherCaptures = newValue.map(PackedCaptures.pack) }
    }
    var packedCaptures: String
    var packedOtherCaptures: [String] = []
    /// Time of the first and last event of the run (UTC).
    public var first: Timestamp
    public var last: Timestamp
    public var count: Int
    /// The first event of the run, when its text was kept (see `EventStore`).
    public var example: Example?
    /// Where the first event of the run is (always kept, text or not).
    public var location: SourceLocation

    /// The upstream object named by the run's events' `source_kind`/`source_namespace`/`source_name`
    /// captures (kept apart from `captures`, which may be folded when a signature has too many
    /// distinct values).
    public var upstream: ObjectRef?

    /// The event store's run this occurrence was taken from (`EventStore.occurrences()`), -1 for
    /// derived ones: how closed incidents name their runs (`EventStore.settle(runs:)`).
    var run: Int32 = -1
    /// Whether this is a chain of old runs merged into one (`EventStore.settle(runs:chains:)`):
    /// its runs are already context-timeline entries, so diagnosis does not read it as evidence.
    var summary = false
    /// What the correlator counts for the run's naming of its upstream: the first run's events,
    /// for a merged chain (the later runs' namings went to `LearnedUpstreams`); nil: `count`.
    var namingCount: Int?

    /// - Parameters: as the properties; `first` and `last` in UTC.
    public init(signature: String, severity: Severity, role: SignalRole, failureClass: String, controller: String,
                object: ObjectRef?, captures: [String: String], otherCaptures: [[String: String]] = [],
                first: Timestamp, last: Timestamp, count: Int, example: Example?, location: SourceLocation,
                upstream: ObjectRef? = nil) {
        self.init(signature: signature, severity: severity, role: role, failureClass: failureClass, controller: controller,
                  object: object, packed: PackedCaptures.pack(captures), first: first, last: last, count: count,
                  example: example, location: location, upstream: upstream)
        if !otherCaptures.isEmpty { self.otherCaptures = otherCaptures }
    }

    init(signature: String, severity: Severity, role: SignalRole, failureClass: String, controller: String,
         object: ObjectRef?, packed: String, first: Timestamp, last: Timestamp, count: Int, example: Example?,
         location: SourceLocation, upstream: ObjectRef?) {
        self.signature = signature; self.severity = severity; self.role = role; self.failureClass = failureClass
        self.controller = controller; self.object = object; self.packedCaptures = packed
        self.first = first; self.last = last; self.count = count; self.example = example; self.location = location
        self.upstream = upstream
    }
}

/// An event's record kept for the report: where it is and what it says.
public struct Example: Sendable, Codable {
    public var location: SourceLocation
    /// The record without its envelope, cut at 2,000 bytes (CONTRACT.md `example.text`);
    /// inflated on each read when `compacted()` deflated it.
    public var text: String {
        get {
            switch storage {
            case .plain(let s): return s
            case .deflated(let bytes, let count): return Deflate.inflate(bytes, count: count) ?? ""
            }
        }
        set { storage = .plain(newValue) }
    }
    enum Storage: Sendable {
        case plain(String)
        /// zlib-deflated UTF-8 and its length in bytes.
        case deflated([UInt8], count: Int)
    }
    var storage: Storage

    public init(location: SourceLocation, text: String) {
        self.location = location
        self.storage = .plain(text)
    }

    /// The same example with its text deflated (zlib) when that saves at least a quarter: what
    /// the event store and closed incidents keep for hours (controller-runtime JSON records deflate
    /// to about a third).
    func compacted() -> Example {
        guard case .plain(let s) = storage, s.utf8.count >= 128, let d = Deflate.deflate(s), d.count * 4 <= s.utf8.count * 3 else { return self }
        var e = self
        e.storage = .deflated(d, count: s.utf8.count)
        return e
    }

    private enum CodingKeys: String, CodingKey { case location, text }

    /// Decodes `{location, text}` (as `encode(to:)` writes it) into a plain example.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(location: try c.decode(SourceLocation.self, forKey: .location), text: try c.decode(String.self, forKey: .text))
    }

    /// Encodes the place and the text (inflated when deflated): what an incident spilled to disk
    /// keeps of it (`IncidentSpill`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(location, forKey: .location)
        try c.encode(text, forKey: .text)
    }

    /// The decoded message and error, for the text report (decoded again from `text` when asked,
    /// so that kept examples cost their text once).
    public var summary: String {
        var bytes = Array(text.utf8)
        let record = bytes.withUnsafeMutableBytes {
            RecordDecoder.decodePayload(UnsafeRawBufferPointer($0), envelope: Envelope(), location: location)
        }
        return record.text
    }
}

/// The healthy or lifecycle events of one (signature, controller, object), compacted to one entry
/// per bucket (half the window): enough to tell whether the signal was present in a window, how often, and where.
public struct Timeline: Sendable {
    /// One bucket's events: the first event's time (milliseconds, UTC) and place (`file` indexes
    /// `Timeline.files`, `line` is 1-based), the newest event's time, and how many there were.
    /// The times are kept as 32-bit halves, so that an entry takes 28 bytes, not 32, while it is
    /// one of a timeline's newest; older ones are delta-coded in blocks (`Timeline.Entries`):
    /// a long stream keeps hundreds of thousands (10 GiB of the benchmark corpus: 665,731).
    public struct Entry: Sendable {
        private var firstLow: UInt32
        private var firstHigh: Int32
        private var lastLow: UInt32
        private var lastHigh: Int32
        public var count: Int32
        public var file: Int32
        public var line: Int32

        public init(first: Int64, last: Int64, count: Int32, file: Int32, line: Int32) {
            (firstLow, firstHigh) = Self.split(first)
            (lastLow, lastHigh) = Self.split(last)
            self.count = count
            self.file = file
            self.line = line
        }

        @inline(__always) static func split(_ v: Int64) -> (UInt32, Int32) {
            (UInt32(truncatingIfNeeded: v), Int32(truncatingIfNeeded: v >> 32))
        }

        /// The first event's time (milliseconds, UTC).
        public var first: Int64 {
            @inline(__always) get { Int64(firstHigh) << 32 | Int64(firstLow) }
            set { (firstLow, firstHigh) = Self.split(newValue) }
        }
        /// The newest event's time (milliseconds, UTC).
        public var last: Int64 {
            @inline(__always) get { Int64(lastHigh) << 32 | Int64(lastLow) }
            set { (lastLow, lastHigh) = Self.split(newValue) }
        }
    }
    public var signature: String
    public var severity: Severity
    public var role: SignalRole
    public var failureClass: String
    public var controller: String
    public var object: ObjectRef?
    /// Captures of the first event.
    public var captures: [String: String]
    public var example: Example?
    /// Entries sorted by time (`Entries`: compact, with the newest `last` up to each block).
    public var entries: Entries
    /// Input names, indexed by `Entry.file`.
    public var files: [String]
    /// Other capture sets of the events (context timelines of settled runs, `EventStore.settle`).
    public var otherCaptures: [[String: String]] = []
    /// Whether its signature is `controller_healthy` (`Signature.controllerHealthy`): a lifecycle
    /// signal whose events show the controller working (`Recovery` reads it for an incident about
    /// the controller).
    public var controllerHealthy = false
    /// The signal within [from, to] (milliseconds, UTC) as one occurrence, nil if absent.
    public func occurrence(from: Int64, to: Int64) -> Occurrence? {
        guard let s = within(from: from, to: to) else { return nil }
        return occurrence(s, packed: PackedCaptures.pack(captures), packedOther: otherCaptures.map(PackedCaptures.pack))
    }

    /// The first and newest event time (milliseconds, UTC) of all entries; nil when there are none.
    var span: (first: Int64, last: Int64)? {
        guard let first = entries.first?.first else { return nil }
        return (first, entries.reach)
    }

    /// What of the signal lies within [from, to] (milliseconds, UTC): the events counted, the
    /// first entry (by time, then place) and the newest `last`; nil if nothing.
    func within(from: Int64, to: Int64) -> (count: Int, first: Entry, last: Int64)? {
        var count = 0
        var first: Entry?
        var last: Int64 = .min
        // Entries are sorted by `first`; the blocks skipped end before `from`.
        entries.forEach(reaching: from) { e in
            guard e.first <= to else { return false }
            if e.last >= from {
                // Equal times: the earlier place, so that the reading order does not show.
                if first == nil || (e.first == first!.first
                                    && SourceLocation(file: files[Int(e.file)], line: Int(e.line))
                                        < SourceLocation(file: files[Int(first!.file)], line: Int(first!.line))) {
                    first = e
                }
                count += Int(e.count)
                last = max(last, e.last)
            }
            return true
        }
        guard let first else { return nil }
        return (count, first, last)
    }

    /// `within`'s answer as one occurrence, with the captures already packed (`PackedCaptures`).
    func occurrence(_ s: (count: Int, first: Entry, last: Int64), packed: String, packedOther: [String]) -> Occurrence {
        var o = Occurrence(
            signature: signature, severity: severity, role: role, failureClass: failureClass, controller: controller,
            object: object, packed: packed, first: Timestamp(millis: s.first.first), last: Timestamp(millis: s.last),
            count: s.count, example: example, location: SourceLocation(file: files[Int(s.first.file)], line: Int(s.first.line)),
            upstream: nil)
        o.packedOtherCaptures = packedOther
        return o
    }
}

/// Collects events with memory bounded by what happened, not by how many lines said it.
///
/// Failure and wrapper events fold into runs keyed by (signature, controller, object, upstream,
/// bucket of half the window); a run keeps its first event's captures and up to `captureVariantsPerRun` other
/// distinct capture sets. Healthy and lifecycle events fold into one `Timeline` per (signature,
/// controller, object) with one entry per bucket (`Timeline.Entries`: about 14 bytes each). Distinct capture sets are interned,
/// at most `captureSetsPerSignature` per signature (further sets fold into the first, counted in
/// `foldedCaptures` and reported as a warning: which sets came first depends on the reading
/// order, and the folded events show another event's captures). An event's
/// text is kept when its (signature, controller, object) has fewer than `examplesPerKey` kept
/// texts in the same stream, or when it comes more than the window after that key's previous
/// event in the same stream (where a new incident may start); otherwise only its location is
/// kept. Counted per stream, whether a text is kept depends on its own input's order only: the
/// same whether the inputs are read into one store (`follow`) or one store each (`scan`), in
/// any interleaving. A run's text is its first event's or none (never a later record's text
/// at the first one's place).
public final class EventStore {
    public var windowMillis: Int64
    /// 4,096: a day of one signature's `Reconciliation failed after <duration>` lines (every
    /// duration differs) stays exact; 64, the first cap, folded them within an hour.
    public var captureSetsPerSignature = 4096
    /// Events whose captures were folded into their signature's first set, by signature index.
    public private(set) var foldedCaptures: [Int32: Int] = [:]
    public var captureVariantsPerRun = 4
    public var examplesPerKey = 3

    struct Key: Hashable {
        var signature: Int32
        var wrapper: Bool
        var controller: Int32
        var object: Int32
        var upstream: Int32
        var minute: Int64
    }
    struct Run {
        var first: Int64
        var last: Int64
        var count: Int
        var location: SourceLocation
        var example: Int32
        var captures: Int32
        var variants: [Int32]
        /// Hashes of (time, record text) of the run's events: the same record read twice (a file
        /// given twice in two envelopes, overlapping rotated files) counts once.
        var seen: Set<UInt64>
        /// A chain of old runs merged into this one (`settle(runs:chains:)`).
        var merged = false
        /// For a merged chain: the first run's count (see `Occurrence.namingCount`).
        var namingCount = 0
    }
    struct ExampleKey: Hashable {
        var signature: Int32
        var controller: Int32
        var object: Int32
        /// Events another controller relayed about the object (`Event.quoted` with the capture
        /// `relayed`): a timeline of their own, so that those its own controller also logged can
        /// be told apart and counted once (`QuotedCause.withoutOwnCopies`).
        var relayed = false
    }
    final class TimelineState {
        var captures: Int32
        var example: Int32
        var entries: Timeline.Entries
        var sorted = true
        /// False for a lifecycle signal no hypothesis reads (`keepsEntries`): its events are
        /// counted, its entries are not kept.
        var keepsEntries = true
        /// Other capture sets of the runs of a context timeline (`settle(runs:)`).
        var variants: [Int32] = []
        init(captures: Int32, example: Int32, spill: TimelineSpill?) {
            self.captures = captures
            self.example = example
            entries = Timeline.Entries(spill: spill)
        }

        /// Appends an entry.
        @inline(__always)
        func append(_ e: Timeline.Entry) { entries.append(e) }

        /// Sorts the entries when an append came out of order (`by`: `Array.sort(by:)`'s order).
        func sort(by areInIncreasingOrder: (Timeline.Entry, Timeline.Entry) -> Bool) {
            guard !sorted else { return }
            var all = Array(entries)
            all.sort(by: areInIncreasingOrder)
            Timeline.Entries.dropCopies(&all)
            entries = Timeline.Entries(all, spill: entries.spill)
            sorted = true
        }
    }

    /// Where timelines' frozen entries go once they leave memory (`TimelineSpill`): `scan` sets
    /// one, `follow` does not (it prunes them).
    public var timelineSpill: TimelineSpill?
    private var controllers: [String] = []
    private var controllerIndex: [String: Int32] = [:]
    private var objects: [ObjectRef?] = [nil]
    private var objectIndex: [ObjectRef: Int32] = [:]
    /// Distinct capture sets, packed (`PackedCaptures`): one allocation each instead of a
    /// dictionary and its strings (a 2 GiB archive holds some 27,000).
    private var captureSets: [String] = [""]
    private var captureIndex: [String: Int32] = ["": 0]
    private var captureSetsBySignature: [Int32: Int] = [:]
    /// Hashes of the capture sets `settle` removed (no run or timeline held them):
    /// seen again, they are not counted against the cap a second time. (Swift's 64-bit hash: a
    /// collision would only let one new set in without counting it.)
    private var retiredCaptures: Set<Int> = []
    private var firstCaptureSet: [Int32: Int32] = [:]
    private var runs: [Key: Int] = [:]
    private var runList: [(Key, Run)] = []
    private var timelines: [ExampleKey: TimelineState] = [:]
    /// The runs of incidents closed while reading, as evidence for the diagnosis of the others:
    /// one timeline per (signature, controller, object, captures), one entry per run, for the
    /// signatures some hypothesis names (no other run can be evidence).
    struct ContextKey: Hashable {
        var signature: Int32
        var controller: Int32
        var object: Int32
        var captures: Int32
        var variants: [Int32]
    }
    private var context: [ContextKey: TimelineState] = [:]
    /// The capture sets of context keys (`ContextKey.captures`, `.variants`), packed, apart from
    /// the events' (they do not count against the cap per signature): only the names a hypothesis
    /// condition tests, so that a settled refusal keeps its `ip`, not its artifact URL.
    private var contextSets: [String] = [""]
    private var contextSetIndex: [String: Int32] = ["": 0]

    func intern(contextSet c: String) -> Int32 {
        if let i = contextSetIndex[c] { return i }
        contextSets.append(c)
        contextSetIndex[c] = Int32(contextSets.count - 1)
        return Int32(contextSets.count - 1)
    }

    /// Names of the captures some hypothesis condition tests, by signature.
    private lazy var testedNames: [Int32: Set<String>] = {
        var names: [String: Set<String>] = [:]
        for h in patterns.hypotheses {
            for c in h.supports + h.contradicts { if let cap = c.capture { for s in c.signals { names[s, default: []].insert(cap) } } }
        }
        var out: [Int32: Set<String>] = [:]
        for (i, sig) in patterns.signatures.enumerated() { if let n = names[sig.id] { out[Int32(i)] = n } }
        return out
    }()
    /// Per signature: whether its timelines keep entries. Only healthy ones (`Recovery`) and
    /// those some hypothesis reads (`PatternSet.evidenceSignals`) are read at the end; the
    /// lifecycle signals no hypothesis reads (Flux's "Dispatching event", "no alerts found",
    /// helm-controller's "running ... action") were a fifth of a long stream's entries; a Helm
    /// action's start is kept all the same (`ActionStart`: when a failed action began).
    private lazy var keepsEntries: [Bool] = {
        let read = patterns.evidenceSignals
        // A Helm action's start is read for the report's `began:` (`ActionStart`).
        return patterns.signatures.map { $0.role == .healthy || $0.controllerHealthy || read.contains($0.id) || ActionStart.signatures.contains($0.id) }
    }()
    /// Per signature: what one of its events says is healthy. 1: its object and its controller
    /// (`healthy: true`); 2: its controller only (`controller_healthy: true`, a lifecycle signal
    /// such as a leader lease acquired); 0: nothing.
    private lazy var health: [UInt8] = patterns.signatures.map { $0.role == .healthy ? 1 : $0.controllerHealthy ? 2 : 0 }
    /// Per signature: the controllers that log it at the end of every reconcile, failed or not
    /// (`Signature.endsFailedReconciles`); empty for most.
    private lazy var endsFailed: [[String]] = patterns.signatures.map(\.endsFailedReconciles)
    /// How soon after a failure or wrapper event of its object such a line ends that failed
    /// reconcile (milliseconds): helm-controller v0.x records the failure's event, updates the
    /// status, then logs `reconcilation finished` (2 to 10 ms apart in a trial's logs; one second
    /// allows a slow status update).
    static let endsFailedReconcileMillis: Int64 = 1000

    /// Whether a healthy event of `signature` ends a failed reconcile of `object` rather than
    /// showing it healthy (`Signature.endsFailedReconciles`).
    @inline(__always)
    private func endsFailedReconcile(signature: Int32, object: Int32, controller: Int32, time: Int64) -> Bool {
        let by = endsFailed[Int(signature)]
        guard !by.isEmpty, object > 0, Int(object) < lastFailureByObject.count,
              lastFailureByObject[Int(object)] >= time - Self.endsFailedReconcileMillis,
              Int(controller) < controllers.count, by.contains(controllers[Int(controller)]) else { return false }
        return true
    }
    /// Signatures some hypothesis names in `supports` or `contradicts` (`Diagnoser`).
    private lazy var named: Set<Int32> = {
        let ids = Set(patterns.hypotheses.flatMap { ($0.supports + $0.contradicts).flatMap(\.signals) })
        return Set(patterns.signatures.indices.filter { ids.contains(patterns.signatures[$0].id) }.map(Int32.init))
    }()
    private var files: [String] = []
    private var fileIndex: [String: Int32] = [:]
    private var examples: [Example?] = []
    /// Per stream and example key: the time of the latest event (UTC milliseconds) and how many
    /// texts were kept.
    private var seenByStream: [Int: [ExampleKey: (time: Int64, kept: Int)]] = [:]
    /// The newest healthy event per object (milliseconds), for `resolved`; and per controller,
    /// whatever its object, under `ObjectRef.controller(name)` (for incidents about the
    /// controller itself, `Incident.resolutionTargets`).
    public var healthyUntil: [ObjectRef: Int64] {
        var out: [ObjectRef: Int64] = [:]
        for (i, t) in healthyUntilByObject.enumerated() where t != .min { if let o = objects[i] { out[o] = t } }
        for (i, t) in healthyUntilByController.enumerated() where t != .min { out[.controller(controllers[i])] = t }
        return out
    }
    /// `healthyUntil` by interned object (`objects`), `.min` for none: one array store per
    /// healthy event instead of hashing its object.
    private var healthyUntilByObject: [Int64] = [.min]
    /// `healthyUntil` by interned controller (`controllers`), `.min` for none.
    private var healthyUntilByController: [Int64] = []
    private func noteHealthy(object: Int32, controller: Int32, time: Int64) {
        Self.raise(&healthyUntilByObject, object: object, to: time, objects: objects.count)
        let c = Int(controller)
        if c >= healthyUntilByController.count {
            healthyUntilByController += repeatElement(.min, count: max(controllers.count, c + 1) - healthyUntilByController.count)
        }
        if time > healthyUntilByController[c] { healthyUntilByController[c] = time }
    }
    /// Raises `times[object]` to `time` (milliseconds) when it is newer; `times` is indexed by
    /// interned object and grows to `objects` entries, `.min` for none; the nil object (0) is skipped.
    private static func raise(_ times: inout [Int64], object: Int32, to time: Int64, objects: Int) {
        guard object != 0 else { return }
        let i = Int(object)
        if i >= times.count { times += repeatElement(.min, count: max(objects, i + 1) - times.count) }
        if time > times[i] { times[i] = time }
    }
    /// The newest failure or wrapper event per object (milliseconds, `.min` for none), by
    /// interned object: a healthy timeline entry never spans one (`startsEntry`), so that the
    /// first healthy event after a failure keeps its own time and place (`Recovery`).
    private var lastFailureByObject: [Int64] = [.min]
    /// By interned controller (`.min` for none), the newest event that ends its healthy and
    /// lifecycle entries: a failure or wrapper event that names no object (an incident about
    /// the controller itself, resolved by any healthy event of the controller,
    /// `ObjectRef.controller`), and its start-up (`controller-starting`: a new process, so an
    /// entry never spans the time the controller was down, and a run before a kill does not read
    /// as the controller working through the outage that followed).
    private var entryBreakByController: [Int64] = []
    /// Per signature: whether its event is a controller's start-up (`controller-starting`).
    private lazy var startsProcess: [Bool] = patterns.signatures.map { $0.id == "controller-starting" }
    private func noteFailure(object: Int32, controller: Int32, time: Int64) {
        if object != 0 {
            Self.raise(&lastFailureByObject, object: object, to: time, objects: objects.count)
            return
        }
        noteBreak(controller: controller, time: time)
    }
    /// Raises the controller's break (`entryBreakByController`) to `time`.
    private func noteBreak(controller: Int32, time: Int64) {
        let c = Int(controller)
        if c >= entryBreakByController.count {
            entryBreakByController += repeatElement(.min, count: max(controllers.count, c + 1) - entryBreakByController.count)
        }
        if time > entryBreakByController[c] { entryBreakByController[c] = time }
    }
    /// Whether a healthy event of `object` logged by `controller` at `time` starts a new entry
    /// after `entry`, the timeline's last, although in its bucket: a failure of the object, or
    /// one of the controller's that names no object, came between them.
    @inline(__always)
    private func startsEntry(after entry: Timeline.Entry, object: Int32, controller: Int32, time: Int64) -> Bool {
        let c = Int(controller)
        if c < entryBreakByController.count {
            let f = entryBreakByController[c]
            if f >= entry.last && f < time { return true }
        }
        let i = Int(object)
        guard i > 0, i < lastFailureByObject.count else { return false }
        let f = lastFailureByObject[i]
        return f >= entry.last && f < time
    }
    let patterns: PatternSet
    /// Events added (also those folded into runs).
    public private(set) var eventCount = 0
    /// Failure events dropped because the same record (time and text) was already counted.
    public private(set) var duplicates = 0

    public init(patterns: PatternSet, windowSeconds: Double) {
        self.patterns = patterns
        self.windowMillis = Int64(windowSeconds * 1000)
        self.bucketMillis = EventStore.bucket(windowMillis: Int64(windowSeconds * 1000))
    }

    /// How much event time one run or timeline entry covers: half the window (at least a
    /// minute), so that no gap inside a run can exceed the window and grouping by gaps stays exact.
    public let bucketMillis: Int64
    public static func bucket(windowMillis: Int64) -> Int64 { max(60_000, windowMillis / 2) }

    func intern(controller c: String) -> Int32 {
        if let i = controllerIndex[c] { return i }
        controllers.append(c)
        controllerIndex[c] = Int32(controllers.count - 1)
        return Int32(controllers.count - 1)
    }

    func intern(object o: ObjectRef?) -> Int32 {
        guard let o else { return 0 }
        if let i = objectIndex[o] { return i }
        objects.append(o)
        objectIndex[o] = Int32(objects.count - 1)
        return Int32(objects.count - 1)
    }

    func intern(file f: String) -> Int32 {
        if let i = fileIndex[f] { return i }
        files.append(f)
        fileIndex[f] = Int32(files.count - 1)
        return Int32(files.count - 1)
    }

    func intern(captures c: [String: String], signature: Int32) -> Int32 {
        intern(packed: PackedCaptures.pack(c), signature: signature)
    }

    func intern(packed c: String, signature: Int32) -> Int32 {
        if let i = captureIndex[c] { return i }
        // A set retired by `settle` was counted when first seen: it comes back as it was.
        if retiredCaptures.isEmpty || !retiredCaptures.contains(c.hashValue) {
            let n = captureSetsBySignature[signature, default: 0]
            if n >= captureSetsPerSignature, let first = firstCaptureSet[signature] {
                foldedCaptures[signature, default: 0] += 1
                return first
            }
            captureSetsBySignature[signature] = n + 1
        }
        captureSets.append(c)
        let i = Int32(captureSets.count - 1)
        captureIndex[c] = i
        if firstCaptureSet[signature] == nil { firstCaptureSet[signature] = i }
        return i
    }

    func keepExample(_ e: Event, _ ek: ExampleKey, time: Int64, limit: Int) -> Int32 {
        let seen = seenByStream[e.stream]?[ek]
        let keep = (seen?.kept ?? 0) < limit || seen.map { time - $0.time > windowMillis } == true
        seenByStream[e.stream, default: [:]][ek] = (time, (seen?.kept ?? 0) + (keep ? 1 : 0))
        guard keep else { return -1 }
        examples.append(Example(location: e.location, text: e.text))
        return Int32(examples.count - 1)
    }

    /// Changes whenever the interned ids may change meaning (`absorb` adopting another store's
    /// tables, `removeAll`): ids cached outside the store (`StreamState.storeIds`) are taken
    /// again then.
    private(set) var objectsEpoch = 0

    /// Objects of records read in place, by a hash of their kind, namespace and name bytes
    /// (`quickObject`); emptied when the ids or the timelines they hold change.
    private var quickObjects: [UInt64: QuickObject] = [:]

    /// The object named by a record read in place (`LogScanner.StreamState.quick`), its id here
    /// and the timelines of it found here so far. Equal bytes give the same reference (`ObjectRef(kind:namespace:name:)`
    /// of the decoded strings, as the full decoder builds it); a hash collision or bytes that are
    /// not valid UTF-8 build it anew, uncached.
    /// - Parameters:
    ///   - kind: the kind as the decoder spells it (a kind member's key), or nil to take `kindBytes`
    ///     as they are (an involved object's `kind` member).
    func quickObject(kind: String?, kindBytes: UnsafeRawBufferPointer?, name: UnsafeRawBufferPointer,
                     namespace: UnsafeRawBufferPointer?) -> QuickObject {
        if quickObjects.count >= 65_536 { quickObjects.removeAll(keepingCapacity: true) }
        // Kind, namespace and name, each mixed in eight bytes at a time with its length.
        var h: UInt64 = 0x9e3779b97f4a7c15
        @inline(__always) func mix(_ b: UnsafeRawBufferPointer) {
            var i = 0
            while i + 8 <= b.count {
                h = (h ^ b.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xff51afd7ed558ccd
                h ^= h >> 32
                i += 8
            }
            var tail = UInt64(b.count) << 56, shift: UInt64 = 0
            while i < b.count { tail |= UInt64(b[i]) << shift; shift += 8; i += 1 }
            h = (h ^ tail) &* 0xff51afd7ed558ccd
            h ^= h >> 32
        }
        if var kind { kind.withUTF8 { mix(UnsafeRawBufferPointer($0)) } }
        if let kindBytes { mix(kindBytes) }
        mix(namespace ?? UnsafeRawBufferPointer(start: nil, count: 0))
        mix(name)
        func same(_ s: String, _ bytes: UnsafeRawBufferPointer?) -> Bool {
            guard let bytes, bytes.count > 0 else { return s.isEmpty }
            var s = s
            return s.withUTF8 { u in u.count == bytes.count && memcmp(u.baseAddress!, bytes.baseAddress!, u.count) == 0 }
        }
        if let hit = quickObjects[h], kind.map({ hit.ref.kind == $0 }) ?? same(hit.ref.kind, kindBytes),
           same(hit.ref.name, name), same(hit.ref.namespace, namespace) {
            return hit
        }
        let ref = ObjectRef(kind: kind ?? String(decoding: kindBytes!, as: UTF8.self),
                            namespace: namespace.map { String(decoding: $0, as: UTF8.self) } ?? "",
                            name: String(decoding: name, as: UTF8.self))
        let out = QuickObject(ref: ref, id: intern(object: ref))
        if same(ref.name, name), same(ref.namespace, namespace), kind != nil || same(ref.kind, kindBytes) { quickObjects[h] = out }
        return out
    }

    /// The timeline of a healthy or lifecycle signal, given its interned signature, controller
    /// and object; nil while it has none (the first event goes through `add`, which keeps its
    /// captures and text).
    /// - Parameter relayed: the timeline of relayed events (`ExampleKey.relayed`).
    func timeline(signature: Int32, controller: Int32, object: Int32, relayed: Bool = false) -> TimelineState? {
        timelines[ExampleKey(signature: signature, controller: controller, object: object, relayed: relayed)]
    }

    /// `add` of a healthy or lifecycle event with a time to its timeline `t` (from
    /// `timeline(signature:controller:object:)`): the event changes only the timeline's
    /// entries, the event count and, for a healthy one, `healthyUntil`.
    /// - Parameter time: milliseconds, UTC.
    func add(to t: TimelineState, signature: Int32, object: Int32, controller: Int32, time: Int64, file: Int32, line: Int) {
        eventCount += 1
        if endsFailedReconcile(signature: signature, object: object, controller: controller, time: time) {
            noteHealthy(object: 0, controller: controller, time: time)
            return
        }
        let health = health[Int(signature)]
        let healthy = health == 1
        if health != 0 { noteHealthy(object: healthy ? object : 0, controller: controller, time: time) }
        if startsProcess[Int(signature)] { noteBreak(controller: controller, time: time) }
        guard t.keepsEntries else { return }
        let bucket = time / bucketMillis
        if var entry = t.entries.last, entry.first / bucketMillis == bucket, entry.file == file,
           !healthy || !startsEntry(after: entry, object: object, controller: controller, time: time) {
            entry.count += 1
            if time < entry.first || (time == entry.first
                                      && SourceLocation(file: files[Int(file)], line: line) < SourceLocation(file: files[Int(entry.file)], line: Int(entry.line))) {
                entry.first = time; entry.file = file; entry.line = Int32(line)
            }
            entry.last = max(entry.last, time)
            t.entries.replaceLast(entry)
        } else {
            if let last = t.entries.last, Self.needsSort(after: last, time: time, file: file) { t.sorted = false }
            t.append(Timeline.Entry(first: time, last: time, count: 1, file: file, line: Int32(line)))
        }
    }

    /// Whether a new entry at `time` (milliseconds, UTC) from `file` after `last`, a timeline's
    /// last entry, leaves the timeline to be sorted before it is read: it is older, or another
    /// input's entry overlapping `last` (entries of one bucket are not shared between inputs, so
    /// that a copy of another input's records is an entry of its own that `sort` finds,
    /// `Timeline.Entries.dropCopies`, whatever the reading order and number of jobs).
    @inline(__always)
    static func needsSort(after last: Timeline.Entry, time: Int64, file: Int32) -> Bool {
        time < last.first || (file != last.file && time <= last.last)
    }

    /// The hash a run's `seen` keeps of one record: its time (milliseconds) and text, eight bytes
    /// at a time (a multiply-xorshift mix per word; the same in every store, so that `absorb`
    /// finds the records two inputs share).
    static func recordHash(time: Int64, text: String) -> UInt64 {
        var h: UInt64 = 0x9e3779b97f4a7c15 ^ UInt64(bitPattern: time)
        @inline(__always) func mix(_ w: UInt64) {
            h = (h ^ w) &* 0xff51afd7ed558ccd
            h ^= h >> 32
        }
        var text = text
        text.withUTF8 { b in
            let raw = UnsafeRawBufferPointer(b)
            var i = 0
            while i + 8 <= raw.count {
                mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            var tail: UInt64 = UInt64(raw.count) << 56
            var shift: UInt64 = 0
            while i < raw.count { tail |= UInt64(raw[i]) << shift; shift += 8; i += 1 }
            mix(tail)
        }
        h = (h ^ (h >> 29)) &* 0xbf58476d1ce4e5b9
        return h ^ (h >> 32)
    }

    /// Adds one event. Events without a time are counted but not kept (they cannot be placed in a
    /// window).
    public func add(_ e: Event, signatureIndex: Int) {
        eventCount += 1
        guard let time = e.time?.millis else { return }
        let sig = Int32(signatureIndex)
        let controller = intern(controller: e.controller)
        let object = intern(object: e.object)
        let ek = ExampleKey(signature: sig, controller: controller, object: object, relayed: e.quoted && e.captures["relayed"] != nil)

        if e.role == .healthy || e.role == .lifecycle {
            // The end of a failed reconcile: the controller works, its object is not healthy
            // (no timeline entry, which `Recovery` would read as the object's recovery).
            if endsFailedReconcile(signature: sig, object: object, controller: controller, time: time) {
                noteHealthy(object: 0, controller: controller, time: time)
                return
            }
            let health = health[Int(sig)]
            if health != 0 { noteHealthy(object: health == 1 ? object : 0, controller: controller, time: time) }
            if startsProcess[Int(sig)] { noteBreak(controller: controller, time: time) }
            let file = intern(file: e.location.file)
            let t: TimelineState
            if let existing = timelines[ek] {
                t = existing
            } else {
                t = TimelineState(captures: intern(captures: e.captures, signature: sig), example: keepExample(e, ek, time: time, limit: 1),
                                  spill: timelineSpill)
                t.keepsEntries = keepsEntries[Int(sig)]
                timelines[ek] = t
            }
            // Evidence relayed or quoted from another record (`QuotedCause`): an incident of its
            // object reads it as its own (`requires`), whatever its signature; kept per timeline,
            // not per signature (settled runs of every failure signature kept theirs too, and a
            // 10 GiB stream peaked 9 MiB higher).
            if e.quoted, !t.keepsEntries { t.keepsEntries = true }
            guard t.keepsEntries else { return }
            let bucket = time / bucketMillis
            if var entry = t.entries.last, entry.first / bucketMillis == bucket, entry.file == file,
               e.role != .healthy || !startsEntry(after: entry, object: object, controller: controller, time: time) {
                entry.count += 1
                if time < entry.first || (time == entry.first && e.location < SourceLocation(file: files[Int(entry.file)], line: Int(entry.line))) {
                    entry.first = time; entry.file = file; entry.line = Int32(e.location.line)
                }
                entry.last = max(entry.last, time)
                t.entries.replaceLast(entry)
            } else {
                if let last = t.entries.last, Self.needsSort(after: last, time: time, file: file) { t.sorted = false }
                t.append(Timeline.Entry(first: time, last: time, count: 1, file: file, line: Int32(e.location.line)))
            }
            return
        }

        if e.role == .failure || e.role == .wrapper { noteFailure(object: object, controller: controller, time: time) }
        let caps = intern(captures: e.captures, signature: sig)
        let upstream = intern(object: e.upstream)
        let key = Key(signature: sig, wrapper: e.role == .wrapper, controller: controller, object: object, upstream: upstream,
                      minute: time / bucketMillis)
        // Copies of one record (the same file given twice, kubectl's output next to the kubelet's
        // file, `flux logs` output next to `kubectl logs`) have the same time and captures in
        // the same run (signature, controller, object): their texts differ with the envelope and
        // encoding (`flux logs` joins message and error), so the text is not compared. Records
        // that took a neighbour's time may share both and be distinct (18,888 `no such host`
        // lines with no time counted once): their place too.
        // (The interned set: packed once already; a signature's sets folded past the cap are
        // its first set, and then only the time tells copies apart.)
        var h = Self.recordHash(time: time, text: captureSets[Int(caps)])
        if e.timeInherited { h = (h ^ UInt64(truncatingIfNeeded: e.location.line)) &* 0x9e3779b97f4a7c15 }
        if let i = runs[key], runList[i].1.seen.contains(h) { duplicates += 1; return }
        let exampleIndex = keepExample(e, ek, time: time, limit: examplesPerKey)
        if let i = runs[key] {
            var run = runList[i].1
            run.count += 1
            run.seen.insert(h)
            var other = caps
            if time < run.first || (time == run.first && e.location < run.location) {
                // The earliest event (by time, then place) gives the run its place, captures
                // and example, whatever the reading order.
                run.first = time
                run.location = e.location
                swap(&run.captures, &other)
                run.example = exampleIndex
            }
            if other != run.captures, !run.variants.contains(other), run.variants.count < captureVariantsPerRun {
                run.variants.append(other)
            }
            run.variants.removeAll { $0 == run.captures }
            run.last = max(run.last, time)
            runList[i].1 = run
        } else {
            runs[key] = runList.count
            runList.append((key, Run(first: time, last: time, count: 1, location: e.location, example: exampleIndex,
                                     captures: caps, variants: [], seen: [h])))
        }
    }

    /// Sizes, for `FLUX_LOGSCAN_DEBUG`: runs, timelines, timeline entries, kept examples, capture sets.
    public var sizes: String {
        "runs \(runList.count), timelines \(timelines.count), entries \(timelines.values.reduce(0) { $0 + $1.entries.count }) (\(timelines.values.reduce(0) { $0 + $1.entries.bytesHeld }) bytes), examples \(examples.count) (\(examples.reduce(0) { $0 + ($1?.text.utf8.count ?? 0) }) bytes), capture sets \(captureSets.count), context timelines \(context.count) (\(context.values.reduce(0) { $0 + $1.entries.count }) entries, \(context.values.reduce(0) { $0 + $1.entries.bytesHeld }) bytes, \(context.values.reduce(0) { $0 + $1.variants.count }) variants), duplicate failure records \(duplicates)"
    }

    /// Whether nothing was added yet.
    public var isEmpty: Bool { eventCount == 0 && runList.isEmpty && timelines.isEmpty }

    /// Merges the events of `other` (the store of another input, built with the same patterns and
    /// window) into this one. Runs with the same key merge: counts add, less the records both
    /// saw (the same record read from two inputs counts once, as in `add`); first/last widen and
    /// the earliest event (by time, then place) gives the run's place and text (none when its store kept none). Timeline entries
    /// are appended. The result does not depend on which thread built which store, only on the
    /// order of the `absorb` calls, and for everything the reports show not even on that.
    public func absorb(_ other: EventStore) {
        if isEmpty, captureSets.count == 1 {
            adopt(other)
            return
        }
        let controllerMap = other.controllers.map { intern(controller: $0) }
        let objectMap = other.objects.map { intern(object: $0) }
        let fileMap = other.files.map { intern(file: $0) }
        let exampleBase = Int32(examples.count)
        examples += other.examples
        func example(_ i: Int32) -> Int32 { i >= 0 ? i + exampleBase : -1 }
        func captures(_ i: Int32, _ sig: Int32) -> Int32 { intern(packed: other.captureSets[Int(i)], signature: sig) }
        func exampleKey(_ k: ExampleKey) -> ExampleKey {
            ExampleKey(signature: k.signature, controller: controllerMap[Int(k.controller)], object: objectMap[Int(k.object)], relayed: k.relayed)
        }
        for (i, t) in other.healthyUntilByObject.enumerated() where t != .min {
            Self.raise(&healthyUntilByObject, object: objectMap[i], to: t, objects: objects.count)
        }
        for (i, t) in other.healthyUntilByController.enumerated() where t != .min {
            noteHealthy(object: 0, controller: controllerMap[i], time: t)
        }
        for (i, t) in other.lastFailureByObject.enumerated() where t != .min { noteFailure(object: objectMap[i], controller: 0, time: t) }
        for (i, t) in other.entryBreakByController.enumerated() where t != .min {
            noteFailure(object: 0, controller: controllerMap[i], time: t)
        }
        eventCount += other.eventCount
        duplicates += other.duplicates
        for (k, n) in other.foldedCaptures { foldedCaptures[k, default: 0] += n }
        learnedUpstreams.absorb(other.learnedUpstreams)

        for (k, r) in other.runList {
            let key = Key(signature: k.signature, wrapper: k.wrapper, controller: controllerMap[Int(k.controller)],
                          object: objectMap[Int(k.object)], upstream: objectMap[Int(k.upstream)], minute: k.minute)
            let caps = captures(r.captures, k.signature)
            let variants = r.variants.map { captures($0, k.signature) }
            guard let i = runs[key] else {
                runs[key] = runList.count
                runList.append((key, Run(first: r.first, last: r.last, count: r.count, location: r.location,
                                         example: example(r.example), captures: caps, variants: variants, seen: r.seen,
                                         merged: r.merged, namingCount: r.namingCount)))
                continue
            }
            var run = runList[i].1
            let both = run.seen.intersection(r.seen).count
            duplicates += both
            run.count += r.count - both
            run.seen.formUnion(r.seen)
            var others = [caps] + variants
            if r.first < run.first || (r.first == run.first && r.location < run.location) {
                run.first = r.first
                run.location = r.location
                swap(&run.captures, &others[0])
                run.example = example(r.example)
            }
            run.last = max(run.last, r.last)
            for v in others where v != run.captures && !run.variants.contains(v) && run.variants.count < captureVariantsPerRun {
                run.variants.append(v)
            }
            run.variants.removeAll { $0 == run.captures }
            runList[i].1 = run
        }

        for (k, t) in other.context {
            func set(_ i: Int32) -> Int32 { intern(contextSet: other.contextSets[Int(i)]) }
            let key = ContextKey(signature: k.signature, controller: controllerMap[Int(k.controller)], object: objectMap[Int(k.object)],
                                 captures: set(k.captures), variants: k.variants.map(set))
            let entries = t.entries.lazy.map { e -> Timeline.Entry in
                var e = e
                e.file = fileMap[Int(e.file)]
                return e
            }
            if let mine = context[key] {
                mine.entries.append(contentsOf: entries)
                mine.sorted = false
            } else {
                let state = TimelineState(captures: key.captures, example: -1, spill: timelineSpill)
                state.variants = key.variants
                state.entries = Timeline.Entries(entries, spill: timelineSpill)
                state.sorted = t.sorted
                context[key] = state
            }
        }
        for (k, t) in other.timelines {
            let key = exampleKey(k)
            let entries = t.entries.lazy.map { e -> Timeline.Entry in
                var e = e
                e.file = fileMap[Int(e.file)]
                return e
            }
            if let mine = timelines[key] {
                if mine.example < 0 { mine.example = example(t.example) }
                mine.entries.append(contentsOf: entries)
                mine.sorted = false
            } else {
                let state = TimelineState(captures: captures(t.captures, k.signature), example: example(t.example), spill: timelineSpill)
                state.keepsEntries = t.keepsEntries
                state.entries = Timeline.Entries(entries, spill: timelineSpill)
                state.sorted = t.sorted
                timelines[key] = state
            }
        }
    }

    /// Takes `other`'s contents as they are (this store is empty): no re-interning.
    private func adopt(_ other: EventStore) {
        controllers = other.controllers; controllerIndex = other.controllerIndex
        objects = other.objects; objectIndex = other.objectIndex
        captureSets = other.captureSets; captureIndex = other.captureIndex
        captureSetsBySignature = other.captureSetsBySignature; firstCaptureSet = other.firstCaptureSet
        retiredCaptures = other.retiredCaptures
        runs = other.runs; runList = other.runList; timelines = other.timelines
        files = other.files; fileIndex = other.fileIndex
        examples = other.examples
        healthyUntilByObject = other.healthyUntilByObject
        healthyUntilByController = other.healthyUntilByController
        lastFailureByObject = other.lastFailureByObject
        entryBreakByController = other.entryBreakByController
        objectsEpoch += 1
        quickObjects = [:]
        eventCount = other.eventCount; duplicates = other.duplicates
        foldedCaptures = other.foldedCaptures
        learnedUpstreams = other.learnedUpstreams
        context = other.context
        contextSets = other.contextSets; contextSetIndex = other.contextSetIndex
        other.removeAll()
    }

    /// Frees every run, timeline and kept text (after `occurrences()` and `timelineList()` have
    /// been taken: what they hold stays alive through them).
    public func removeAll() {
        objectsEpoch += 1
        quickObjects = [:]
        runs = [:]
        runList = []
        timelines = [:]
        context = [:]
        contextSets = [""]
        contextSetIndex = ["": 0]
        examples = []
        seenByStream = [:]
        // The capture sets too: what was taken holds its own references to those it uses (the
        // rest, some 12 MiB for a 2 GiB archive, stayed alive through the whole diagnosis).
        captureSets = [""]
        captureIndex = ["": 0]
        captureSetsBySignature = [:]
        firstCaptureSet = [:]
        retiredCaptures = []
    }

    /// Upstream links of settled runs: the correlator still learns each object's upstream from
    /// them (`Correlator.correlate(sorted:healthyUntil:learned:)`).
    public private(set) var learnedUpstreams = LearnedUpstreams()

    /// Runs held now (failure and wrapper), for the closing budget (`IncidentClosing`).
    public var runCount: Int { runList.count }

    /// Settles the runs of closed incidents, given as `Occurrence.run` of the last `occurrences()`
    /// (which this invalidates): they leave the runs (no longer correlated), and those of a
    /// signature some hypothesis names become entries of context timelines, evidence for the
    /// diagnosis of every incident at the end (`Analysis`).
    ///
    /// Then merges each of `chains` (runs of an incident still open, from `chains(in:endingBefore:)`)
    /// into its first run: counts add, the last time widens, every capture set of the chain stays
    /// (as variants, uncapped), the first run keeps its place and text. Its runs become context
    /// entries as settled ones do, and the merged run is no longer evidence (`Occurrence.summary`);
    /// the later runs' upstream namings go to `learnedUpstreams` with their own times, so the
    /// correlator counts them as it did. Then compacts kept texts to those still referenced.
    /// Returns the runs removed.
    @discardableResult
    public func settle(runs closing: Set<Int32>, chains: [[Int32]] = []) -> Int {
        var namings: [LearnedUpstreams.Naming] = []
        func naming(_ k: Key, first: Int64, count: Int) {
            if k.object != k.upstream, let o = objects[Int(k.object)], let u = objects[Int(k.upstream)] {
                namings.append(.init(first: first, object: o, upstream: u, count: count))
            }
        }
        func context(_ k: Key, _ r: Run) {
            guard named.contains(k.signature), !r.merged else { return }
            // Captures are evidence only where a condition tests one, and only the names it tests:
            // the runs of other signatures share one timeline per (signature, controller, object).
            var captures: Int32 = 0
            var variants: [Int32] = []
            if let names = testedNames[k.signature] {
                func project(_ i: Int32) -> Int32 {
                    intern(contextSet: PackedCaptures.pack(PackedCaptures.unpack(captureSets[Int(i)]).filter { names.contains($0.key) }))
                }
                captures = project(r.captures)
                for v in r.variants.map(project) where v != captures && !variants.contains(v) { variants.append(v) }
            }
            let ck = ContextKey(signature: k.signature, controller: k.controller, object: k.object, captures: captures, variants: variants)
            let t = self.context[ck] ?? {
                let t = TimelineState(captures: captures, example: -1, spill: timelineSpill)
                t.variants = variants
                self.context[ck] = t
                return t
            }()
            if let last = t.entries.last, r.first < last.first { t.sorted = false }
            let file = intern(file: r.location.file)
            t.append(Timeline.Entry(first: r.first, last: r.last, count: Int32(clamping: r.count), file: file, line: Int32(clamping: r.location.line)))
        }
        var removed = closing
        for chain in chains where chain.count > 1 {
            let head = Int(chain[0])
            let key = runList[head].0
            var h = runList[head].1
            // A merged run is not evidence: its other capture sets serve only to read what a wait
            // names (`Cascade.waits`), so only those of symptom classes are kept.
            let symptom = Cascade.symptomClasses.contains(patterns.signatures[Int(key.signature)].failureClass)
            var sets = Set(h.variants)
            var variants = symptom ? h.variants : []
            let headNaming = h.merged ? h.namingCount : h.count
            for ci in chain {
                let (k, r) = runList[Int(ci)]
                context(k, r)
                guard Int(ci) != head else { continue }
                h.count += r.count
                h.last = max(h.last, r.last)
                if symptom {
                    for v in [r.captures] + r.variants where v != h.captures && sets.insert(v).inserted { variants.append(v) }
                }
                naming(k, first: r.first, count: r.merged ? r.namingCount : r.count)
                removed.insert(ci)
            }
            h.variants = variants
            h.seen = []
            h.merged = true
            h.namingCount = headNaming
            runList[head] = (key, h)
        }
        var kept: [(Key, Run)] = []
        kept.reserveCapacity(max(0, runList.count - removed.count))
        for (i, entry) in runList.enumerated() {
            guard removed.contains(Int32(i)) else { kept.append(entry); continue }
            guard closing.contains(Int32(i)) else { continue }
            let (k, r) = entry
            naming(k, first: r.first, count: r.merged ? r.namingCount : r.count)
            context(k, r)
        }
        let freed = runList.count - kept.count
        runList = kept
        learnedUpstreams.add(namings, oldest: runList.lazy.map(\.1.first).min() ?? .max, windowMillis: windowMillis)
        var index: [Key: Int] = [:]
        index.reserveCapacity(runList.count)
        for (i, (k, _)) in runList.enumerated() { index[k] = i }
        runs = index

        retireCaptures()

        // Kept texts still referenced, renumbered in order of first use.
        var exampleMap: [Int32: Int32] = [:]
        var newExamples: [Example?] = []
        func example(_ i: Int32) -> Int32 {
            guard i >= 0 else { return -1 }
            if let j = exampleMap[i] { return j }
            // What outlives a close is kept deflated.
            newExamples.append(examples[Int(i)]?.compacted())
            exampleMap[i] = Int32(newExamples.count - 1)
            return Int32(newExamples.count - 1)
        }
        for i in runList.indices { runList[i].1.example = example(runList[i].1.example) }
        for (_, t) in timelines.sorted(by: { ($0.key.signature, $0.key.controller, $0.key.object, $0.key.relayed ? 1 : 0)
                                               < ($1.key.signature, $1.key.controller, $1.key.object, $1.key.relayed ? 1 : 0) }) {
            t.example = example(t.example)
        }
        examples = newExamples
        return freed
    }

    /// Removes the capture sets that no run or timeline holds (once they are a quarter
    /// of all), renumbering the rest; their hashes stay in `retiredCaptures`, so that the cap per
    /// signature counts every set once, as when nothing is closed.
    private func retireCaptures() {
        var used = [Bool](repeating: false, count: captureSets.count)
        used[0] = true
        func use(_ i: Int32) { used[Int(i)] = true }
        for (_, r) in runList { use(r.captures); r.variants.forEach(use) }
        for (_, t) in timelines { use(t.captures); t.variants.forEach(use) }
        firstCaptureSet.values.forEach(use)
        let unused = used.lazy.filter { !$0 }.count
        guard unused > 0, unused * 4 >= captureSets.count else { return }
        var map = [Int32](repeating: -1, count: captureSets.count)
        var sets: [String] = []
        sets.reserveCapacity(captureSets.count - unused)
        var index: [String: Int32] = [:]
        index.reserveCapacity(captureSets.count - unused)
        for (i, c) in captureSets.enumerated() {
            if used[i] {
                map[i] = Int32(sets.count)
                index[c] = Int32(sets.count)
                sets.append(c)
            } else {
                retiredCaptures.insert(c.hashValue)
            }
        }
        captureSets = sets
        captureIndex = index
        func remap(_ i: Int32) -> Int32 { map[Int(i)] }
        for i in runList.indices {
            runList[i].1.captures = remap(runList[i].1.captures)
            runList[i].1.variants = runList[i].1.variants.map(remap)
        }
        for (_, t) in timelines { t.captures = remap(t.captures); t.variants = t.variants.map(remap) }
        for (sig, i) in firstCaptureSet { firstCaptureSet[sig] = remap(i) }
    }

    /// Runs to merge (`settle(runs:chains:)`), from `groups` (the runs of each incident the
    /// correlator formed, of those that stay open): within a group, runs of one key (signature,
    /// controller, object, upstream; any bucket) that ended before `cutoff`, in order of first
    /// event (then place). A chain's first run gives the merged run its place, captures and kept
    /// text, so a chain either holds no kept text at all or begins at its first (the incident's
    /// id and its signals' examples come from the first kept text).
    ///
    /// How far apart the runs of a chain may be (docs/OUTPUT.md, "Incidents closed while
    /// reading"): the correlator groups failures by class and upstream and splits them only where
    /// no event of the group falls within a window, so the failures of one incident cover its
    /// whole span and a chain of them may span any gap. A wrapper joins the nearest incident
    /// holding its object; each run of the chain chose this one, so the merged run, which
    /// overlaps it or lies on the same side, does too (a nearer incident would lie in a gap,
    /// nearer to the run before it). `Cascade.waits` reads something else: the events of symptom
    /// classes (`Cascade.symptomClasses`) that lie wholly within a symptom incident's span,
    /// whichever incident they belong to. A chain of those may span any gap when `incidents` (the
    /// correlator's, index for index with `groups`) are given, but never straddles the first or
    /// last event of another symptom incident that holds the chain's object and signature or may
    /// still grow (ends at or after `cutoff`): each merged run then lies within such an incident
    /// exactly when each of its runs did (events about no object are never read). Without
    /// `incidents`, its runs follow each other within a window.
    /// - Parameter incidents: the incidents of `groups`, index for index (nil: chains of symptom
    ///   classes keep the window rule).
    func chains(in groups: [[Int32]], endingBefore cutoff: Int64, incidents: [Incident]? = nil) -> [[Int32]] {
        struct Same: Hashable { var signature: Int32; var wrapper: Bool; var controller: Int32; var object: Int32; var upstream: Int32 }
        let symptomIncidents = incidents.map { list in list.indices.filter { Cascade.symptomClasses.contains(list[$0].failureClass) } } ?? []
        var out: [[Int32]] = []
        for (g, group) in groups.enumerated() {
            var byKey: [Same: [Int32]] = [:]
            for i in group where runList[Int(i)].1.last < cutoff {
                let k = runList[Int(i)].0
                byKey[Same(signature: k.signature, wrapper: k.wrapper, controller: k.controller, object: k.object, upstream: k.upstream), default: []].append(i)
            }
            for (same, var list) in byKey where list.count > 1 {
                list.sort { a, b in
                    let x = runList[Int(a)].1, y = runList[Int(b)].1
                    return x.first != y.first ? x.first < y.first : x.location < y.location
                }
                var gap = Int64.max
                // Times no merged run may straddle: where another symptom incident that could read
                // part of the chain begins (by first event) or ends (by last event).
                var firstCuts: [Int64] = [], lastCuts: [Int64] = []
                let signature = patterns.signatures[Int(same.signature)]
                if Cascade.symptomClasses.contains(signature.failureClass) {
                    if let incidents, let object = objects[Int(same.object)] {
                        let from = runList[Int(list[0])].1.first, to = list.lazy.map { self.runList[Int($0)].1.last }.max()!
                        for h in symptomIncidents where h != g {
                            let e = incidents[h]
                            let (first, last) = (e.firstSeen.millis, e.lastSeen.millis)
                            guard first <= to, last >= from else { continue }
                            guard last >= cutoff || (e.affected.contains(object) && e.signatures.contains(signature.id)) else { continue }
                            if first > from { firstCuts.append(first) }
                            if last < to { lastCuts.append(last) }
                        }
                    } else if incidents == nil {
                        gap = windowMillis
                    }
                }
                // Runs with no kept text before the first that has one make a chain of their own.
                var chain: [Int32] = []
                var reach = Int64.min, head = Int64.min, lowest = Int64.max
                var texts = false
                for i in list {
                    let r = runList[Int(i)].1
                    if !chain.isEmpty, r.first - reach <= gap, texts || r.example < 0,
                       !firstCuts.contains(where: { head < $0 && $0 <= r.first }),
                       !lastCuts.contains(where: { min(lowest, r.last) <= $0 && $0 < max(reach, r.last) }) {
                        chain.append(i)
                        reach = max(reach, r.last)
                        lowest = min(lowest, r.last)
                        continue
                    }
                    if chain.count > 1 { out.append(chain) }
                    chain = [i]
                    reach = r.last
                    lowest = r.last
                    head = r.first
                    texts = r.example >= 0
                }
                if chain.count > 1 { out.append(chain) }
            }
        }
        return out
    }

    /// Ends a stream: its per-key "last seen" times are no longer needed.
    public func endStream(_ stream: Int) { seenByStream[stream] = nil }

    /// The failure and wrapper runs, in no particular order.
    /// Built at its exact size (an occurrence is about 260 bytes and a close reads every run held:
    /// growth by doubling held up to one and a half times the array at once).
    public func occurrences() -> [Occurrence] {
        var list: [Occurrence] = []
        list.reserveCapacity(runList.count)
        for (i, entry) in runList.enumerated() {
            let (key, run) = entry
            let sig = patterns.signatures[Int(key.signature)]
            var o = Occurrence(
                signature: sig.id, severity: sig.severity, role: key.wrapper ? .wrapper : sig.role, failureClass: sig.failureClass,
                controller: controllers[Int(key.controller)], object: objects[Int(key.object)],
                packed: captureSets[Int(run.captures)], first: Timestamp(millis: run.first),
                last: Timestamp(millis: run.last), count: run.count,
                example: run.example >= 0 ? examples[Int(run.example)] ?? nil : nil, location: run.location,
                upstream: objects[Int(key.upstream)])
            o.packedOtherCaptures = run.variants.map { captureSets[Int($0)] }
            o.run = Int32(i)
            if run.merged { o.summary = true; o.namingCount = run.namingCount }
            list.append(o)
        }
        return list
    }

    /// The first event (UTC milliseconds) of the oldest run held, nil when none is: no incident
    /// still to close began before it.
    var oldestRunStart: Int64? { runList.lazy.map(\.1.first).min() }

    /// Drops the timeline entries (healthy, lifecycle and context) that ended before `time` (UTC
    /// milliseconds), for `follow`: no incident diagnosed from now on looks at evidence that old.
    /// Healthy and lifecycle timelines left without entries stay (readers hold them,
    /// `QuickObject`); empty context timelines go. Returns the entries dropped.
    @discardableResult
    func pruneEntries(endingBefore time: Int64) -> Int {
        var dropped = 0
        for t in timelines.values { dropped += t.entries.removeAll { $0.last < time } }
        // A context timeline is made again by the next run that settles into it.
        for (k, t) in context {
            dropped += t.entries.removeAll { $0.last < time }
            if t.entries.isEmpty { context[k] = nil }
        }
        return dropped
    }

    /// The order of a healthy or lifecycle timeline's entries: by first time, then place (input
    /// name and line), so that of copies read from two inputs the same one comes first (and
    /// stays, `Timeline.Entries.dropCopies`) whatever the reading order and number of jobs.
    private func entryOrder(_ a: Timeline.Entry, _ b: Timeline.Entry) -> Bool {
        if a.first != b.first { return a.first < b.first }
        if a.file == b.file { return a.line < b.line }
        return SourceLocation(file: files[Int(a.file)], line: Int(a.line)) < SourceLocation(file: files[Int(b.file)], line: Int(b.line))
    }

    /// The healthy timelines of `objects`, as `timelineList` builds them but without their
    /// captures and example (`Recovery` reads only their entries and names): for `follow`, which
    /// asks when incidents it wrote recovered, and must not build every timeline to learn it.
    func healthyTimelines(of objects: Set<ObjectRef>) -> [Timeline] {
        let ids = Set(objects.compactMap { objectIndex[$0] })
        // A controller stands for all its objects (`ObjectRef.controller`).
        let controllerIds = Set(objects.compactMap { $0.controllerName.flatMap { controllerIndex[$0] } })
        guard !ids.isEmpty || !controllerIds.isEmpty else { return [] }
        var out: [Timeline] = []
        for (key, t) in timelines where ids.contains(key.object) || controllerIds.contains(key.controller) {
            let sig = patterns.signatures[Int(key.signature)]
            guard sig.role == .healthy || (sig.controllerHealthy && controllerIds.contains(key.controller)) else { continue }
            t.sort(by: entryOrder)
            var timeline = Timeline(
                signature: sig.id, severity: sig.severity, role: sig.role, failureClass: sig.failureClass,
                controller: controllers[Int(key.controller)], object: self.objects[Int(key.object)],
                captures: [:], example: nil, entries: t.entries, files: files)
            timeline.controllerHealthy = sig.controllerHealthy
            out.append(timeline)
        }
        return out
    }

    /// The healthy and lifecycle timelines, then the context timelines of settled runs
    /// (`settle(runs:)`), entries sorted by time (in the store too: a timeline's entries are
    /// held once, not copied).
    public func timelineList() -> [Timeline] {
        return timelines.map { key, t in
            let sig = patterns.signatures[Int(key.signature)]
            t.sort(by: entryOrder)
            var timeline = Timeline(
                signature: sig.id, severity: sig.severity, role: sig.role, failureClass: sig.failureClass,
                controller: controllers[Int(key.controller)], object: objects[Int(key.object)],
                captures: PackedCaptures.unpack(captureSets[Int(t.captures)]), example: t.example >= 0 ? examples[Int(t.example)] ?? nil : nil,
                entries: t.entries, files: files)
            timeline.controllerHealthy = sig.controllerHealthy
            return timeline
        } + context.sorted(by: { ($0.key.signature, $0.key.controller, $0.key.object, $0.key.captures) < ($1.key.signature, $1.key.controller, $1.key.object, $1.key.captures) }).map { key, t in
            let sig = patterns.signatures[Int(key.signature)]
            t.sort(by: entryOrder)
            var timeline = Timeline(
                signature: sig.id, severity: sig.severity, role: sig.role, failureClass: sig.failureClass,
                controller: controllers[Int(key.controller)], object: objects[Int(key.object)],
                captures: PackedCaptures.unpack(contextSets[Int(t.captures)]), example: nil, entries: t.entries, files: files)
            timeline.otherCaptures = t.variants.map { PackedCaptures.unpack(contextSets[Int($0)]) }
            return timeline
        }
    }
}

/// A capture set (group name → captured text) packed into one string: for each pair in key order,
/// the key's and the value's UTF-8 lengths in decimal, each followed by `:` and the bytes
/// (`4:port2:80`). Length-prefixed, so that any byte may appear in a key or value. The empty set
/// is the empty string; equal sets pack to equal strings.
enum PackedCaptures {
    static func pack(_ c: [String: String]) -> String {
        if c.isEmpty { return "" }
        let pairs = c.sorted(by: { $0.key < $1.key })
        func digits(_ n: Int) -> Int { n < 10 ? 1 : 1 + digits(n / 10) }
        let size = pairs.reduce(0) { $0 + digits($1.key.utf8.count) + $1.key.utf8.count + digits($1.value.utf8.count) + $1.value.utf8.count + 2 }
        // Written in place at its exact size: appending grew each string to about twice its length.
        let packed = String(unsafeUninitializedCapacity: size) { buf in
            var i = 0
            func put(_ s: String) {
                let n = s.utf8.count
                var d = digits(n), x = n
                while d > 0 { d -= 1; buf[i + d] = UInt8(48 + x % 10); x /= 10 }
                i += digits(n)
                buf[i] = UInt8(ascii: ":"); i += 1
                for b in s.utf8 { buf[i] = b; i += 1 }
            }
            for (k, v) in pairs { put(k); put(v) }
            return i
        }
        // Long sets (a health check's list of objects and their statuses) are kept deflated:
        // `~`, the packed length, `:`, then the zlib bytes in base64. Deflating is deterministic,
        // so equal sets still pack to equal strings.
        guard size >= longSet, let d = Deflate.deflate(packed) else { return packed }
        return "~\(size):" + Data(d).base64EncodedString()
    }

    /// Packed sets of this many bytes and more are deflated.
    static let longSet = 512

    /// The value of `key` in the packed set `s`, as `unpack(s)[key]`, read in place (no
    /// dictionary); a deflated set is unpacked.
    static func value(of key: String, in s: String) -> String? {
        if s.isEmpty { return nil }
        if s.utf8.first == UInt8(ascii: "~") { return unpack(s)[key] }
        var s = s, utf8Key = key
        return utf8Key.withUTF8 { k in
            s.withUTF8 { bytes -> String? in
                var i = 0
                // As `unpack`'s `field`: the range of the next field's bytes.
                func field() -> Range<Int> {
                    var n = 0
                    while i < bytes.count, bytes[i] != UInt8(ascii: ":") { n = n * 10 + Int(bytes[i] &- 48); i += 1 }
                    i += 1
                    let end = min(bytes.count, i + n)
                    defer { i = end }
                    return i..<end
                }
                while i < bytes.count {
                    let name = UnsafeBufferPointer(rebasing: bytes[field()])
                    let value = field()
                    // Equal bytes are equal keys; other non-ASCII text may still be an equal String
                    // (canonically equivalent), as the dictionary would find it.
                    if name.elementsEqual(k)
                        || (!(name.allSatisfy { $0 < 0x80 } && k.allSatisfy { $0 < 0x80 })
                            && String(decoding: name, as: UTF8.self) == key) {
                        return String(decoding: UnsafeBufferPointer(rebasing: bytes[value]), as: UTF8.self)
                    }
                }
                return nil
            }
        }
    }

    static func unpack(_ s: String) -> [String: String] {
        if s.isEmpty { return [:] }
        if s.utf8.first == UInt8(ascii: "~") {
            guard let colon = s.firstIndex(of: ":"), let count = Int(s[s.index(after: s.startIndex)..<colon]),
                  let data = Data(base64Encoded: String(s[s.index(after: colon)...])),
                  let text = Deflate.inflate(Array(data), count: count) else { return [:] }
            return unpack(text)
        }
        var out: [String: String] = [:]
        let bytes = Array(s.utf8)
        var i = 0
        func field() -> String {
            var n = 0
            while i < bytes.count, bytes[i] != UInt8(ascii: ":") { n = n * 10 + Int(bytes[i] &- 48); i += 1 }
            i += 1
            let end = min(bytes.count, i + n)
            defer { i = end }
            return String(decoding: bytes[i..<end], as: UTF8.self)
        }
        while i < bytes.count {
            let k = field()
            out[k] = field()
        }
        return out
    }
}

/// zlib for kept texts (`Example.compacted()`): deflate at level 6 with zlib's defaults (the
/// bytes `compress2(..., 6)` writes) and `uncompress`.
enum Deflate {
    /// The text deflated; nil if zlib fails. Each thread keeps one deflate stream and resets it
    /// per call (`deflateReset`): a fresh stream (`compress2`) allocated and freed some 270 KB of
    /// state per text, which glibc maps and unmaps, a page fault per page each time.
    static func deflate(_ s: String) -> [UInt8]? {
        guard let deflater = Deflater.current else { return nil }
        var input = Array(s.utf8)
        return input.withUnsafeMutableBufferPointer { deflater.deflate($0) }
    }

    /// - Parameter count: the inflated length in bytes.
    static func inflate(_ bytes: [UInt8], count: Int) -> String? {
        var size = uLong(count)
        var input = bytes
        var out = [UInt8](repeating: 0, count: max(1, count))
        let rc = out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeMutableBufferPointer { i in uncompress(o.baseAddress, &size, i.baseAddress, uLong(i.count)) }
        }
        guard rc == Z_OK, Int(size) == count else { return nil }
        return String(decoding: out[..<count], as: UTF8.self)
    }
}

/// An object of records read in place (`EventStore.quickObject`): its reference, its id in the
/// event store and the store's timelines of it found so far (timelines are never removed while
/// reading; the store drops its cache when its tables change).
final class QuickObject {
    let ref: ObjectRef
    let id: Int32
    /// `LifetimeTracker.cadenceSlot`'s cache: the tracker (its `serial`), the slot (-1: none),
    /// and the tracker's cadence count when it had none.
    var cadenceTracker: UInt64 = 0
    var cadenceSlot = -1
    var cadenceAbsentAt = -1
    /// Timelines found: their (signature, controller id) keys, and the states at the same index
    /// (apart, so that the search reads plain numbers and retains nothing).
    private var keys: [(signature: Int32, controller: Int32)] = []
    private var states: [EventStore.TimelineState] = []

    init(ref: ObjectRef, id: Int32) { self.ref = ref; self.id = id }

    /// The store's timeline of (signature, controller id, this object), nil while there is none.
    func timeline(_ signature: Int32, _ controller: Int32, in store: EventStore) -> EventStore.TimelineState? {
        for i in keys.indices where keys[i].signature == signature && keys[i].controller == controller { return states[i] }
        guard let state = store.timeline(signature: signature, controller: controller, object: id) else { return nil }
        keys.append((signature, controller))
        states.append(state)
        return state
    }
}

/// One thread's zlib deflate stream (level 6, zlib's default window and memory level, as
/// `compress2` sets them up), reset before each text.
final class Deflater {
    private var stream = z_stream()
    private var out: [UInt8] = []

    private init?() {
        guard deflateInit_(&stream, 6, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
    }
    deinit { deflateEnd(&stream) }

    /// This thread's deflater, made on first use and freed with the thread.
    static var current: Deflater? {
        if let p = pthread_getspecific(deflaterKey) { return Unmanaged<Deflater>.fromOpaque(p).takeUnretainedValue() }
        guard let d = Deflater() else { return nil }
        pthread_setspecific(deflaterKey, Unmanaged.passRetained(d).toOpaque())
        return d
    }

    /// `input` deflated in one zlib stream (`Z_FINISH`); nil if zlib fails.
    func deflate(_ input: UnsafeMutableBufferPointer<UInt8>) -> [UInt8]? {
        guard deflateReset(&stream) == Z_OK else { return nil }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        if out.count < bound { out = [UInt8](repeating: 0, count: bound) }
        return out.withUnsafeMutableBufferPointer { o -> [UInt8]? in
            stream.next_in = input.baseAddress
            stream.avail_in = uInt(input.count)
            stream.next_out = o.baseAddress
            stream.avail_out = uInt(o.count)
            guard zlibDeflate(&stream, Z_FINISH) == Z_STREAM_END else { return nil }
            return Array(o[..<(o.count - Int(stream.avail_out))])
        }
    }
}

/// zlib's `deflate` (the name is taken by `Deflate.deflate` inside `Deflate`).
@inline(__always) private func zlibDeflate(_ s: UnsafeMutablePointer<z_stream>, _ flush: Int32) -> Int32 { deflate(s, flush) }

/// The key of each thread's `Deflater` (released when the thread ends).
private let deflaterKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { p in
        if let p { Unmanaged<Deflater>.fromOpaque(p).release() }
    }
    return key
}()
