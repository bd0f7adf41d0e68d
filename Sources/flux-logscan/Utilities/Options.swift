import ArgumentParser
import Foundation
import LogScan

/// Output formats (CONTRACT.md `--format`).
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, ndjson, markdown, html

    /// The markup of `markdown` and `html` (`MarkupReport`); nil for the others.
    var markup: MarkupFormat? {
        switch self {
        case .markdown: return .markdown
        case .html: return .html
        case .text, .json, .ndjson: return nil
        }
    }
}

enum ColorMode: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

extension Severity: ExpressibleByArgument {}

/// A Go-style duration option (`15m`, `90s`, `1h30m`), in seconds.
struct Duration: ExpressibleByArgument, CustomStringConvertible {
    var seconds: Double
    init?(argument: String) {
        guard let s = parseGoDuration(argument), s > 0 else { return nil }
        seconds = s
    }
    init(seconds: Double) { self.seconds = seconds }
    var defaultValueDescription: String { goDuration(seconds: seconds) }
    var description: String { defaultValueDescription }

    /// For `@Option(transform:)`: the value, or an error that says what is expected.
    static func parse(_ argument: String) throws -> Duration {
        guard let d = Duration(argument: argument) else {
            throw ValidationError("expected a positive Go duration such as 15m, 90s or 1h30m")
        }
        return d
    }
}

/// `--since/--until`: an RFC 3339 time, or a duration counted back from `--now`.
enum TimeOrDuration: ExpressibleByArgument {
    case time(Timestamp)
    case ago(Double)
    init?(argument: String) {
        if let t = Timestamp.parse(argument) { self = .time(t) }
        else if let d = parseGoDuration(argument) { self = .ago(d) }
        else { return nil }
    }
    /// For `@Option(transform:)`: the value, or an error that says what is expected.
    static func parse(_ argument: String) throws -> TimeOrDuration {
        guard let v = TimeOrDuration(argument: argument) else {
            throw ValidationError("expected an RFC 3339 time (2026-11-24T03:00:00Z) or a Go duration counted back from --now (2h, 30m)")
        }
        return v
    }
    func resolve(now: Timestamp) -> Timestamp {
        switch self {
        case .time(let t): return t
        case .ago(let d): return Timestamp(millis: now.millis - Int64(d * 1000))
        }
    }

    /// The time a DURATION counts back from (CONTRACT.md): `--now`, else the wall clock.
    static func now(_ option: String?) -> Timestamp {
        if let option, let t = Timestamp.parse(option) { return t }
        return Timestamp(millis: Int64(Date().timeIntervalSince1970 * 1000))
    }

    /// `scan`'s and `follow`'s checks of `--now` and `--since/--until` (`until` nil for `follow`,
    /// which has none): `--now` is an RFC 3339 time, `--since` is not after `--until`.
    static func validate(since: TimeOrDuration?, until: TimeOrDuration?, now option: String?) throws {
        if let option, Timestamp.parse(option) == nil {
            throw ValidationError("--now: not an RFC 3339 time: \(option) (e.g. 2026-11-24T03:00:00Z)")
        }
        let now = Self.now(option)
        if let a = since?.resolve(now: now), let b = until?.resolve(now: now), a > b {
            throw ValidationError("--since (\(a)) is after --until (\(b))")
        }
    }
}

/// `--patterns DIR` (repeatable): loads and validates the pattern set or exits 2 with every
/// problem as `file:line:column: error: ...`.
func loadPatterns(_ dirs: [String]) throws -> PatternSet {
    let (set, problems) = loadPatterns(lenient: dirs)
    if problems > 0 { throw ExitCode(2) }
    return set
}

/// `loadPatterns` for `scan`: the problems are printed (file:line:column and what is wrong), and
/// the run goes on with what did load: the shipped set and every user signature and hypothesis
/// that was read without error (a broken file or entry is left out, as `PatternLoader` skips it).
/// The caller exits 2 at the end when `problems` is above 0 (CONTRACT.md: an invalid pattern file
/// is exit 2, the rest still processed and reported).
///
/// A user signature whose regex `patterns lint` finds at risk of catastrophic backtracking is a
/// problem too, and left out: it made a scan 30 times slower, every record hitting PCRE2's match
/// limit, with no word at load time (a trial). The shipped ones are checked by the tests.
func loadPatterns(lenient dirs: [String]) -> (set: PatternSet, problems: Int) {
    let loader = PatternSource.load(userDirectories: dirs)
    var set = loader.set
    var problems = loader.diagnostics.map(\.description)
    if !dirs.isEmpty {
        // A file already named for a load problem is not named again for its regexes.
        let broken = Set(loader.diagnostics.map(\.position.file))
        for f in PatternLint.lint(userDirectories: dirs).findings
        where f.level == .error && f.message.contains("catastrophic backtracking") && !broken.contains(f.position.file) {
            guard let id = f.message.split(separator: "`").dropFirst().first.map(String.init) else { continue }
            if let k = set.signatures.firstIndex(where: { $0.id == id && $0.position.file == f.position.file }) {
                set.signatures.remove(at: k)
                problems.append("\(f) (left out)")
            }
        }
    }
    if !problems.isEmpty {
        for d in problems { Output.stderr("\(d)\n") }
        Output.stderr("flux-logscan: \(problems.count) problem(s) in pattern files\n")
    }
    return (set, problems.count)
}

/// `--patterns DIR` (CONTRACT.md options), shared by every subcommand that loads patterns: the
/// shipped set plus each folder's (or file's) YAML, later ones overriding by id (`loadPatterns`).
struct PatternOptions: ParsableArguments {
    @Option(name: .customLong("patterns"), help: "A folder (or file) of extra pattern YAML; repeatable; overrides by id.")
    var patternDirs: [String] = []
}

/// `--controller`, `--namespace`, `--object` (CONTRACT.md options), shared by `scan` and `follow`:
/// which incidents are shown (every controller's failures are still correlated).
/// Each takes the next word as its value even when it starts with `-` (`.unconditional`), so that
/// `--namespace -team` is told what is wrong with it rather than "Missing value".
struct SelectionOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Show only incidents with events of this controller (kustomize-controller or kustomize) or about objects it reconciles (source-controller: GitRepository, HelmChart, ...) or its Service; every controller's failures are still correlated.")
    var controller: String?

    @Option(parsing: .unconditional, help: "Show only incidents about an object in this namespace (affected, upstream or waiting downstream).")
    var namespace: String?

    @Option(parsing: .unconditional, help: "Show only incidents about this object (Kind/namespace/name), the upstream incident it waits on included.")
    var object: String?

    /// - Throws: `ValidationError` for an `--object` that is not Kind/namespace/name, a `--namespace`
    ///   that cannot name a namespace (empty, upper-case, ...) or an unknown `--controller`.
    func validate() throws {
        // Flux's objects are namespaced: `Kind/name` would match nothing, silently.
        if let object, ObjectRef(parsing: object)?.namespace.isEmpty != false {
            throw ValidationError("--object: expected Kind/namespace/name (e.g. Kustomization/flux-system/apps), got \(object)")
        }
        // An empty or impossible namespace (`--namespace "$NS"` with NS unset) would hide every
        // incident and exit 0 unnoticed (a trial).
        if let namespace, !Self.isNamespaceName(namespace) {
            throw ValidationError("--namespace: expected a Kubernetes namespace name (lower-case letters, digits and '-', at most 63), got '\(namespace)'")
        }
        if let c = controller.map(FluxControllers.canonical), !FluxControllers.all.contains(c) {
            throw ValidationError("--controller: unknown controller \(controller!); one of \(FluxControllers.all.joined(separator: ", ")) (the -controller suffix may be left out)")
        }
    }

    /// Whether `name` can name a namespace: a DNS-1123 label, `[a-z0-9]([-a-z0-9]*[a-z0-9])?` of at
    /// most 63 bytes (Kubernetes apimachinery `ValidateNamespaceName`, which is `IsDNS1123Label`).
    static func isNamespaceName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        func alnum(_ b: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) }
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63, alnum(first), alnum(last) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// The filter these options ask for (controller name canonical, object kind lower-cased).
    var filter: ScanFilter {
        var filter = ScanFilter()
        filter.controller = controller.map(FluxControllers.canonical)
        filter.namespace = namespace
        if let object, let o = ObjectRef(parsing: object) {
            filter.object = ObjectRef(kind: o.kind.lowercased(), namespace: o.namespace, name: o.name)
        }
        return filter
    }
}
