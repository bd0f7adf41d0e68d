import Foundation

/// Loads pattern sets: the shipped ones, plus user folders (`--patterns DIR`, repeatable) that add
/// or override by id. Not the hot path, so Foundation reads the files.
public enum PatternSource {
    /// Shipped patterns plus every `*.yaml`/`*.yml` under each of `dirs` (walked, sorted by path).
    /// Returns the loader; callers must refuse to run when `diagnostics` is not empty.
    public static func load(userDirectories dirs: [String]) -> PatternLoader {
        var loader = PatternLoader.shipped()
        for dir in dirs {
            loader.beginLayer()
            for path in yamlFiles(under: dir, loader: &loader) {
                guard let data = FileManager.default.contents(atPath: path) else {
                    loader.report(file: path, "cannot read the file")
                    continue
                }
                loader.load(text: String(decoding: data, as: UTF8.self), file: path)
            }
        }
        loader.validateReferences()
        return loader
    }

    static func yamlFiles(under dir: String, loader: inout PatternLoader) -> [String] {
        guard let files = yamlFiles(under: dir) else {
            loader.report(file: dir, "no such file or directory")
            return []
        }
        return files
    }

    /// Every `*.yaml`/`*.yml` under `dir` (walked, sorted by path), `[dir]` when it is a file, nil
    /// when it does not exist.
    static func yamlFiles(under dir: String) -> [String]? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else { return nil }
        if !isDir.boolValue { return [dir] }
        var out: [String] = []
        if let e = FileManager.default.enumerator(atPath: dir) {
            for case let rel as String in e where rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") {
                out.append((dir as NSString).appendingPathComponent(rel))
            }
        }
        return out.sorted()
    }
}

extension PatternLoader {
    /// Records a problem with a whole file (line 1, column 1).
    public mutating func report(file: String, _ message: String) {
        appendDiagnostic(PatternDiagnostic(position: FilePosition(file: file, line: 1, column: 1), message: message))
    }
}

/// Everything one `scan` produces: incidents (correlated and diagnosed), the scan's counts and
/// warnings, and the matched events.
public struct Analysis: Sendable {
    public var incidents: [Incident]
    public var scan: ScanResult
    /// Controller lifetimes as judged, and their evidence (Diagnosis/LifetimeFindings.swift).
    public var lifetimes: LifetimeFindings
    /// The ids of the restart incidents left out because another incident tells them
    /// (`IncidentStream.folded`).
    public var foldedRestarts: Set<String>

    /// Correlates and diagnoses a finished scan: every incident of `IncidentStream`, collected.
    /// - Parameter windowSeconds: `--window`, the gap in event time that closes an incident.
    /// Pass the scan with `consume` when the caller no longer needs it: the occurrences are then
    /// sorted in place instead of copied (on a 2 GiB archive they are tens of MiB).
    /// - Parameter jobs: threads for scoring incidents (`--jobs`); the result does not depend on it.
    /// - Parameter folders: incidents no longer in the scan that restart incidents still fold
    ///   under (`follow`'s closed ones, `IncidentStream`).
    public init(scan: consuming ScanResult, patterns: PatternSet, windowSeconds: Double, jobs: Int = 1,
                folders: [LifetimeFindings.Folder] = []) {
        let stream = IncidentStream(scan: scan, patterns: patterns, windowSeconds: windowSeconds, jobs: jobs, keepDiagnosed: true,
                                    folders: folders)
        var incidents: [Incident] = []
        stream.forEach(batch: Int.max) { incidents.append($0) }
        self.incidents = incidents
        self.scan = stream.scan
        self.scan.warnings += stream.readErrors.map { ScanWarning(message: $0) }
        self.lifetimes = stream.lifetimes
        self.foldedRestarts = stream.folded
    }

    /// A closed incident still `open` becomes `resolved` when every object it is about (its
    /// affected objects, else its upstream) had a healthy event after its last failure
    /// (`healthyUntil`, UTC milliseconds by object), and then transient when `TransientRule` says
    /// so. Returns whether it changed.
    @discardableResult
    static func resolve(_ incident: inout Incident, healthyUntil: [ObjectRef: Int64], patterns: PatternSet) -> Bool {
        guard incident.status == .open else { return false }
        let targets = incident.resolutionTargets
        guard !targets.isEmpty, targets.allSatisfy({ (healthyUntil[$0] ?? .min) > incident.lastSeen.millis }) else { return false }
        incident.status = .resolved
        // As in the correlator, before the cascade raised the root to what folded under it.
        if TransientRule.applies(to: incident, patterns: patterns) {
            incident.transient = true
            incident.severity = incident.downstream.map(\.severity).max().map { max($0, .info) } ?? .info
        }
        return true
    }

    /// A container restart as evidence: the derived signal `container-restarted` at the new
    /// container's first record.
    static func occurrence(_ r: ContainerRestart) -> Occurrence {
        var text = "container \(r.container) of pod \(r.pod) started again (restart \(r.restart))"
        if let stopped = r.stoppedAt { text += "; the previous container's log ends at \(stopped.rfc3339)" }
        let location = SourceLocation(file: r.file, line: 1)
        return Occurrence(
            signature: DerivedSignal.containerRestarted, severity: .info, role: .lifecycle, failureClass: "lifecycle",
            controller: r.controller, object: nil, captures: ["pod": r.pod, "restart": String(r.restart)],
            first: r.startedAt, last: r.startedAt, count: 1,
            example: Example(location: location, text: text), location: location, upstream: nil)
    }
}
