/// A run of identical events: one signature from one controller about one object with one set of
/// captures, within one minute of event time. The correlator works on these instead of single
/// events, so memory grows with the number of distinct things that happened per minute, not with
/// the number of lines (a crash-looping controller that logs the same refusal 10,000 times a
/// minute is one occurrence with count 10,000).
public struct Occurrence: Sendable {
    public var signature: String
    public var severity: Severity
    public var role: SignalRole
    public var failureClass: String
    public var controller: String
    public var object: ObjectRef?
    public var captures: [String: String]
    /// Time of the first and last event of the run (UTC).
    public var first: Timestamp
    public var last: Timestamp
    public var count: Int
    /// The first event of the run, when its text was kept (see `EventStore`).
    public var example: Example?
    /// Where the first event of the run is (always kept, text or not).
    public var location: SourceLocation

    /// The upstream object named by `source_kind`/`source_namespace`/`source_name` captures.
    public var upstream: ObjectRef? {
        guard let k = captures["source_kind"], let n = captures["source_name"] else { return nil }
        return ObjectRef(kind: FluxControllers.spell(kind: k), namespace: captures["source_namespace"] ?? "", name: n)
    }
}

/// An event's record kept for the report: where it is and what it says.
public struct Example: Sendable {
    public var location: SourceLocation
    /// The record without its envelope, cut at 2,000 bytes (CONTRACT.md `example.text`).
    public var text: String
    /// The decoded message and error, cut at 2,000 bytes, for the text report.
    public var summary: String
}

/// Collects events into occurrences with bounded memory.
///
/// Events are keyed by (signature, controller, object, captures, minute). Distinct capture sets are
/// interned, at most `captureSetsPerSignature` per signature (further sets fold into the first:
/// a flood of unique values cannot grow memory). An event's text is kept when its (signature,
/// controller, object) has fewer than `examplesPerKey` kept texts, or when it comes more than the
/// window after that key's previous event in the same stream (where a new incident may start);
/// otherwise only its location is kept.
public final class EventStore {
    public var windowMillis: Int64
    public var captureSetsPerSignature = 256
    public var examplesPerKey = 3

    struct Key: Hashable {
        var signature: Int32
        var controller: Int32
        var object: Int32
        var captures: Int32
        var minute: Int64
    }
    struct Run {
        var first: Int64
        var last: Int64
        var count: Int
        var location: SourceLocation
        var example: Int32
    }
    struct ExampleKey: Hashable {
        var signature: Int32
        var controller: Int32
        var object: Int32
    }

    private var controllers: [String] = []
    private var controllerIndex: [String: Int32] = [:]
    private var objects: [ObjectRef?] = [nil]
    private var objectIndex: [ObjectRef: Int32] = [:]
    private var captureSets: [[String: String]] = [[:]]
    private var captureIndex: [[String: String]: Int32] = [[:]: 0]
    private var captureSetsBySignature: [Int32: Int] = [:]
    private var firstCaptureSet: [Int32: Int32] = [:]
    private var runs: [Key: Int] = [:]
    private var runList: [(Key, Run)] = []
    private var examples: [Example] = []
    private var examplesKept: [ExampleKey: Int] = [:]
    private var lastSeen: [Int: [ExampleKey: Int64]] = [:]
    let patterns: PatternSet
    /// Events added (also those folded into runs).
    public private(set) var eventCount = 0

    public init(patterns: PatternSet, windowSeconds: Double) {
        self.patterns = patterns
        self.windowMillis = Int64(windowSeconds * 1000)
    }

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

    func intern(captures c: [String: String], signature: Int32) -> Int32 {
        if let i = captureIndex[c] { return i }
        let n = captureSetsBySignature[signature, default: 0]
        if n >= captureSetsPerSignature, let first = firstCaptureSet[signature] { return first }
        captureSets.append(c)
        let i = Int32(captureSets.count - 1)
        captureIndex[c] = i
        captureSetsBySignature[signature] = n + 1
        if firstCaptureSet[signature] == nil { firstCaptureSet[signature] = i }
        return i
    }

    /// Adds one event. Events without a time are counted but not kept (they cannot be placed in a
    /// window).
    public func add(_ e: Event, signatureIndex: Int) {
        eventCount += 1
        guard let time = e.time?.millis else { return }
        let sig = Int32(signatureIndex)
        let controller = intern(controller: e.controller)
        let object = intern(object: e.object)
        let caps = intern(captures: e.captures, signature: sig)
        let key = Key(signature: sig, controller: controller, object: object, captures: caps, minute: time / 60_000)

        let ek = ExampleKey(signature: sig, controller: controller, object: object)
        var keep = examplesKept[ek, default: 0] < examplesPerKey
        if let prev = lastSeen[e.stream]?[ek], time - prev > windowMillis { keep = true }
        lastSeen[e.stream, default: [:]][ek] = time
        var exampleIndex: Int32 = -1
        if keep {
            examples.append(Example(location: e.location, text: e.text, summary: e.summary))
            exampleIndex = Int32(examples.count - 1)
            examplesKept[ek, default: 0] += 1
        }

        if let i = runs[key] {
            var run = runList[i].1
            run.count += 1
            if time < run.first || (time == run.first && e.location < run.location) {
                run.first = time
                run.location = e.location
                if exampleIndex >= 0 { run.example = exampleIndex }
            } else if run.example < 0, exampleIndex >= 0 {
                run.example = exampleIndex
            }
            run.last = max(run.last, time)
            runList[i].1 = run
        } else {
            runs[key] = runList.count
            runList.append((key, Run(first: time, last: time, count: 1, location: e.location, example: exampleIndex)))
        }
    }

    /// Ends a stream: its per-key "last seen" times are no longer needed.
    public func endStream(_ stream: Int) { lastSeen[stream] = nil }

    /// Every occurrence, in no particular order.
    public func occurrences() -> [Occurrence] {
        runList.map { key, run in
            let sig = patterns.signatures[Int(key.signature)]
            return Occurrence(
                signature: sig.id, severity: sig.severity, role: sig.role, failureClass: sig.failureClass,
                controller: controllers[Int(key.controller)], object: objects[Int(key.object)],
                captures: captureSets[Int(key.captures)], first: Timestamp(millis: run.first),
                last: Timestamp(millis: run.last), count: run.count,
                example: run.example >= 0 ? examples[Int(run.example)] : nil, location: run.location)
        }
    }
}
