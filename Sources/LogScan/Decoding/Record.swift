import Foundation

/// A Kubernetes object reference, written `Kind/namespace/name` (CONTRACT.md). Cluster-scoped
/// objects have an empty namespace and print as `Kind/name`.
public struct ObjectRef: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Kind in its API spelling: `Kustomization`, `GitRepository`, `HelmRelease`, ...
    public var kind: String
    public var namespace: String
    public var name: String

    public init(kind: String, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public var description: String { namespace.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(namespace)/\(name)" }
    public static func < (a: ObjectRef, b: ObjectRef) -> Bool { a.description < b.description }

    /// Parses `Kind/namespace/name` (or `Kind/name`). Nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 3 where !parts[0].isEmpty && !parts[2].isEmpty:
            self.init(kind: parts[0], namespace: parts[1], name: parts[2])
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty:
            self.init(kind: parts[0], namespace: "", name: parts[1])
        default:
            return nil
        }
    }

    /// A controller as the subject of an incident about the controller itself (its Kubernetes API
    /// access, its leader lease): `Controller//kustomize-controller`. No Kubernetes kind is
    /// spelled `Controller`, so it never names a real object; the event store keeps the newest
    /// healthy event of each controller under it (`EventStore.healthyUntil`), which resolves such
    /// an incident (`Incident.resolutionTargets`).
    public static func controller(_ name: String) -> ObjectRef { ObjectRef(kind: controllerKind, namespace: "", name: name) }
    /// The kind of `controller(_:)`.
    public static let controllerKind = "Controller"
    /// The controller this reference stands for, when it is one (`controller(_:)`).
    public var controllerName: String? { kind == Self.controllerKind && namespace.isEmpty ? name : nil }
}

/// Log level of a record. Flux writes `info`, `debug`, `error` and `trace` (before fluxcd/pkg
/// c746b91d `Level(-2)`); other writers add `warn`, `fatal`, `panic` (FLUX-LOGS.md 1.1).
public enum Level: String, Sendable, Comparable {
    case trace, debug, info, warn, error, fatal, unknown

    /// Maps a level spelling (JSON, console, klog letter) to a level.
    public init(spelling s: String) {
        switch s.lowercased() {
        case "trace", "level(-2)": self = .trace
        case "debug", "level(-1)", "d": self = .debug
        case "info", "i", "notice": self = .info
        case "warn", "warning", "w": self = .warn
        case "error", "err", "e", "dpanic": self = .error
        case "fatal", "panic", "f", "critical": self = .fatal
        default: self = .unknown
        }
    }

    var rank: Int {
        switch self {
        case .trace: return 0
        case .debug: return 1
        case .unknown: return 2
        case .info: return 3
        case .warn: return 4
        case .error: return 5
        case .fatal: return 6
        }
    }
    public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
}

/// The encoding a record was read in; counted in `stats.by_format`.
public enum RecordFormat: String, Sendable, CaseIterable {
    /// controller-runtime zap JSON (FLUX-LOGS.md 1.1).
    case json
    /// zap console encoding, `--log-encoding=console` (FLUX-LOGS.md 1.3).
    case console
    /// klog text (client-go before Flux routed klog into zap; FLUX-LOGS.md 1.2).
    case klog
    /// `key=value` pairs, as log tools re-format records (`level=error msg="..." error="..."`).
    case logfmt
    /// `flux logs` output (flux2 `cmd/flux/logs.go` template; FLUX-LOGS.md 2).
    case fluxLogs = "flux-logs"
    /// No format recognised: the payload is the message.
    case plain
    /// Looked like JSON (starts with `{`) but did not parse: kept as plain text and counted apart.
    case malformed
}

/// Where a record came from: the input's display name and the 1-based line number in it.
/// `follow` numbers a file's lines on across a rename rotation (`RotatedFiles`): `shown` is the
/// place a reader opens (the rotated file's name and its own line number), what `description`
/// and the reports write.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public var file: String
    public var line: Int
    public init(file: String, line: Int) { self.file = file; self.line = line }
    public var description: String { let s = shown; return "\(s.file):\(s.line)" }
    /// The place as a reader finds it now (`RotatedFiles.shown`); itself unless `follow` saw
    /// its file rotated.
    public var shown: SourceLocation { RotatedFiles.shared.shown(self) }
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line) < (b.file, b.line)
    }
}

/// One decoded log record: envelope peeled, encoding decoded. Strings are decoded text (JSON
/// escapes resolved); `payload` is the record as written, without its envelope.
public struct Record: Sendable {
    /// Event time in UTC: the record's own `ts`, else the envelope's, else nil.
    public var time: Timestamp?
    /// True when `time` came from the envelope (kubelet timestamp) because the record had none.
    public var timeFromEnvelope = false
    /// True when `time` came from the record before it in the stream (no time of its own and no
    /// envelope time).
    public var timeInherited = false
    /// True when `time` is a klog stamp whose year no neighbouring record gave: it was bounded by
    /// the file's modification time or `--now` (`KlogYear.isBound`), or taken from the year hint.
    /// The scanner holds such records until a dated record of the stream gives the year.
    public var yearGuessed = false
    public var level: Level = .unknown
    /// Controller identity (`kustomize-controller`, ...), nil when nothing in the record or its
    /// envelope says. The pipeline fills it from the stream when nil (see `StreamIdentity`).
    public var controller: String?
    /// The reconciled object, from the `"<Kind>":{name,namespace}` key, `controllerKind`+`name`+
    /// `namespace`, or notification-controller's `eventInvolvedObject`.
    public var object: ObjectRef?
    /// zap's logger name (`setup`, `runtime`, `events`, `event-server`, ...), empty if none.
    public var logger = ""
    /// The message: JSON `msg` (or `message` for `"logger":"events"` lines), else the payload.
    public var message = ""
    /// The JSON `error` field, empty if none.
    public var error = ""
    /// Other string fields worth keeping: `url`, `revision`, `reason`, `method`.
    public var fields: [String: String] = [:]
    /// The payload as written (envelope removed), decoded as UTF-8 with U+FFFD for bad bytes.
    public var payload = ""
    public var format: RecordFormat = .plain
    /// The pod named by a `kubectl logs --prefix` envelope, if any.
    public var pod: String?
    public var location: SourceLocation
    /// True when the line was longer than the line cap and was cut.
    public var truncated = false
    /// The signatures worth trying on this record (sorted indices, from the prefilter), nil for all.
    public var candidates: [Int]?

    public init(location: SourceLocation) { self.location = location }

    /// The text a signature with `field: raw` sees: the record as written (`payload`), except a
    /// zap console record (`--log-encoding=console`, FLUX-LOGS.md 1.3), which is given as the zap
    /// JSON record the same controller writes with `--log-encoding=json` (FLUX-LOGS.md 1.1:
    /// `{"level":"error","ts":...,"logger":...,"msg":...,<fields>}`, no spaces), because `raw`
    /// signatures are written against the JSON text (`"providerName":"slack"`). Built on each
    /// call, and only for console records: the matcher asks for it once per record, and only when
    /// a `field: raw` signature is tried (`SignatureMatcher.match`).
    public var raw: String {
        guard format == .console else { return payload }
        return TextEncodings.consoleAsZapJSON(payload) ?? payload
    }

    /// The text a signature with `field: text` sees: message, then a space and the error
    /// (the `flux logs` template `{{.Message}} {{.Error}}`, FLUX-LOGS.md 2).
    public var text: String { error.isEmpty ? message : message + " " + error }
}

/// The rename rotations `follow` saw (the kubelet's `0.log` → `0.log.20261202-100000`, logrotate's
/// `x.log` → `x.log.1`): for each followed path, the line numbers at which its files changed and
/// where the earlier files went. `follow` keeps numbering a path's lines across a rotation, so a
/// record read before it keeps a place of its own (a trial opened `0.log:6` after the rotation and
/// found the new file's record); `shown` turns that number back into the rotated file's name and
/// its own line. Empty outside `follow` (then `shown` is the place itself).
public final class RotatedFiles: @unchecked Sendable {
    public static let shared = RotatedFiles()
    private let lock = NSLock()
    private var any = false
    /// Per path: (the last line number the rotated file holds, its name now), oldest first.
    private var rotations: [String: [(boundary: Int, name: String)]] = [:]

    /// Records that lines up to `boundary` of `path` (as numbered) are now in the file `name`.
    public func add(path: String, boundary: Int, name: String) {
        lock.lock(); defer { lock.unlock() }
        rotations[path, default: []].append((boundary, name))
        any = true
    }

    /// `location` as a reader finds it: in the rotated file that holds its line, renumbered from
    /// that file's first line, or in the current file after the last rotation.
    public func shown(_ location: SourceLocation) -> SourceLocation {
        lock.lock(); defer { lock.unlock() }
        guard any, let list = rotations[location.file] else { return location }
        var previous = 0
        for r in list {
            if location.line <= r.boundary { return SourceLocation(file: r.name, line: location.line - previous) }
            previous = r.boundary
        }
        return SourceLocation(file: location.file, line: location.line - previous)
    }
}
