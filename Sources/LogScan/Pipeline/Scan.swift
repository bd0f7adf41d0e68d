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
    /// Records whose time came from a neighbour because neither they nor their envelope had one.
    public var inheritedTimes = 0
    public init() {}
}

/// A warning about the input: damage inside a readable input. Never fatal.
public struct ScanWarning: Sendable, CustomStringConvertible {
    public var message: String
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

    func accepts(_ e: Event) -> Bool {
        if let c = controller, e.controller != c { return false }
        if let ns = namespace, e.object?.namespace != ns, e.upstream?.namespace != ns { return false }
        if let o = object, e.object != o, e.upstream != o { return false }
        if let t = e.time {
            if let s = since, t < s { return false }
            if let u = until, t > u { return false }
        }
        return true
    }
}

/// The result of reading and matching every input: events, stats and activity, ready for
/// correlation. Per-minute activity per controller is kept for silence detection (bounded by the
/// input's time span in minutes).
public struct ScanResult: Sendable {
    public var events: [Event] = []
    public var stats = ScanStats()
    public var warnings: [ScanWarning] = []
    /// Inputs that could not be opened or read (exit status 2).
    public var inputErrors: [InputError] = []
    /// controller → minutes (epoch minutes, UTC) in which it wrote at least one record.
    public var activity: [String: Set<Int64>] = [:]
    /// Regexes that hit PCRE2's match limit: signature id → count.
    public var limitHits: [String: Int] = [:]
    public init() {}
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
    public private(set) var result = ScanResult()
    private let matcher: SignatureMatcher
    private var streamCount = 0

    public init(patterns: PatternSet) {
        self.patterns = patterns
        self.matcher = SignatureMatcher(patterns: patterns)
    }

    /// Scans one input: a path, or `-` for standard input. An input that cannot be opened or read
    /// is recorded in `result.inputErrors`; what was read before a read error is kept.
    public func scan(path: String) {
        if path == "-" {
            scan(fd: .standardInput, name: "-", fileName: nil)
            return
        }
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(FilePath(path), .readOnly)
        } catch let e as Errno {
            result.inputErrors.append(InputError(name: path, reason: e.description))
            return
        } catch {
            result.inputErrors.append(InputError(name: path, reason: "\(error)"))
            return
        }
        defer { try? fd.close() }
        scan(fd: fd, name: path, fileName: path)
    }

    /// Scans an open descriptor. `name` is shown in `file:line`; `fileName` (if any) gives the
    /// stream's controller when it names one (`source-controller.log`).
    public func scan(fd: FileDescriptor, name: String, fileName: String?) {
        let stream = streamCount
        streamCount += 1
        let fixed = fileName.flatMap { FluxControllers.controller(inName: lastPathComponent($0)) }
        var current: String?
        var lastTime: Timestamp?
        var pending: [(events: [Int], minute: Int64?)] = []
        let firstIndex = result.events.count

        func resolve(_ controller: String) {
            for p in pending {
                for i in p.events { result.events[i].controller = controller }
                result.stats.byController[controller, default: 0] += 1
                if let m = p.minute { result.activity[controller, default: []].insert(m) }
            }
            pending.removeAll()
        }

        let reader = LineReader(lineCap: lineCap)
        do {
            let (bytes, damage) = try reader.read(fd, name: name) { line, number, truncated in
                result.stats.lines += 1
                if line.isEmpty { return }
                var record = RecordDecoder.decode(line, location: SourceLocation(file: name, line: number), truncated: truncated)
                result.stats.records += 1
                result.stats.byFormat[record.format.rawValue, default: 0] += 1
                if record.format == .malformed { result.stats.malformed += 1 }
                if record.time == nil, let t = lastTime {
                    record.time = t
                    result.stats.inheritedTimes += 1
                }
                if let t = record.time { lastTime = t }

                // Identity.
                let own = record.controller
                var controller: String? = own ?? fixed
                if controller == nil {
                    if record.logger == "setup" && record.message == "starting manager" { current = nil }
                    controller = current
                } else if own != nil && fixed == nil {
                    if current != own { current = own }
                    if !pending.isEmpty { resolve(own!) }
                }
                record.controller = controller
                let minute = record.time.map { $0.millis / 60_000 }

                var newEvents: [Int] = []
                for hit in matcher.match(record) {
                    let sig = patterns.signatures[hit.signature]
                    let event = Event(
                        time: record.time, controller: controller ?? "unknown", object: record.object,
                        signature: sig.id, severity: sig.severity, role: sig.role, failureClass: sig.failureClass,
                        captures: hit.captures, location: record.location, level: record.level,
                        text: cut(record.payload, at: 2000), summary: cut(record.text, at: 2000), stream: stream)
                    result.events.append(event)
                    newEvents.append(result.events.count - 1)
                }
                if let controller {
                    result.stats.byController[controller, default: 0] += 1
                    if let minute { result.activity[controller, default: []].insert(minute) }
                } else {
                    pending.append((newEvents, minute))
                    if pending.count > 100_000 { resolve("unknown") }  // bound memory on identity-less input
                }
            }
            result.stats.bytes += bytes
            noteDamage(damage, name: name)
        } catch let e as InputError {
            result.inputErrors.append(e)
        } catch {
            result.inputErrors.append(InputError(name: name, reason: "\(error)"))
        }
        if !pending.isEmpty { resolve("unknown") }

        // Filters apply before correlation; stats count everything read.
        if firstIndex < result.events.count {
            let tail = result.events[firstIndex...].filter { filter.accepts($0) }
            result.events.replaceSubrange(firstIndex..., with: tail)
        }
        result.stats.events = result.events.count
        for (k, v) in matcher.limitHits { result.limitHits[k] = v }
    }

    private func noteDamage(_ d: ReadDamage, name: String) {
        result.stats.overlongLines += d.overlongLines
        result.stats.binaryLines += d.binaryLines
        if d.overlongLines > 0 {
            result.warnings.append(ScanWarning(message: "\(name):\(d.firstOverlongLine): \(d.overlongLines) line(s) longer than \(lineCap) bytes were cut at the cap"))
        }
        if d.binaryLines > 0 {
            result.warnings.append(ScanWarning(message: "\(name):\(d.firstBinaryLine): \(d.binaryLines) line(s) hold NUL bytes (binary data); read as text"))
        }
    }
}

/// The last component of a path string (`/a/b/c.log` → `c.log`).
func lastPathComponent(_ path: String) -> String {
    path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
}
