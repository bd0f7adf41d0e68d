import Foundation
import PCRE2
import Yams

/// One finding of `flux-logscan patterns lint`: a place in a pattern file, a level and a message,
/// printed as `file:line:column: error|warning: message` (lines and columns 1-based, columns in
/// Unicode scalars as libyaml counts them).
public struct LintFinding: Sendable, Hashable, CustomStringConvertible {
    /// `error` makes `patterns lint` exit 2; `warning` is advice.
    public enum Level: String, Sendable, Hashable {
        case error, warning
    }

    /// Where the problem is: the field, the example line, or the character of the regex.
    public var position: FilePosition
    /// `error` or `warning`.
    public var level: Level
    /// What is wrong and how to fix it, naming the signature (`signature `id`: ...`).
    public var message: String

    /// A finding at `position`.
    public init(position: FilePosition, level: Level, message: String) {
        self.position = position
        self.level = level
        self.message = message
    }

    /// `file:line:column: error|warning: message`.
    public var description: String { "\(position): \(level.rawValue): \(message)" }
}

/// What `PatternLint.lint` found, and the counts for the summary line.
public struct LintReport: Sendable {
    /// Every finding, sorted by file, line, column, then message.
    public var findings: [LintFinding]
    /// Signatures in force after all layers were loaded (ids overridden by later layers count once).
    public var signatures: Int
    /// Hypotheses in force after all layers were loaded.
    public var hypotheses: Int
    /// `examples.match` plus `examples.no_match` lines over all signatures.
    public var examples: Int

    /// The findings at level `error` (any of them makes `patterns lint` exit 2).
    public var errors: [LintFinding] { findings.filter { $0.level == .error } }
    /// The findings at level `warning`.
    public var warnings: [LintFinding] { findings.filter { $0.level == .warning } }
}

/// `flux-logscan patterns lint`: loads pattern files the way `scan` does (shipped files, then one
/// layer per `--patterns DIR`) and reports, each at its `file:line:column`:
/// - errors of the loader: YAML syntax, unknown fields, missing fields, duplicate ids, regexes that
///   do not compile (column recomputed from the YAML source, so `''` and `\"` escapes count right),
///   hypotheses naming unknown signals;
/// - examples that fail (`ExampleChecker`), and match examples whose text lacks the literal;
/// - regexes that risk catastrophic backtracking, found by shape (`RegexShape`: nested quantifiers,
///   repeated alternations whose branches overlap, adjacent overlapping repeats, leading or trailing
///   `.*`) and by a run of the examples and of adversarial strings built from them under a low PCRE2
///   match limit (`lintMatchLimit`) and a small JIT stack;
/// - warnings for signatures that lack a `source`, a prefilter literal, two match examples or a
///   no_match example;
/// - warnings for hypothesis steps that name flux-system for Flux itself instead of
///   `<flux-namespace>`, and for misspelled `<flux-...>` placeholders (`checkFluxNamespace`);
/// - warnings for a check (printed as a command) that reads as prose, and for prose that names
///   `flux` or `kubectl` without a subcommand, which the filler would take for a command
///   (`checkStepCommands`), and for a `flux create secret git` over SSH without
///   `--private-key-file`, which makes a new key pair (`StepCommands.newKeyPairCommands`).
public enum PatternLint {
    /// The PCRE2 match limit for the run check (`pcre2_set_match_limit`). Scanning uses 1,000,000.
    /// With the JIT every shipped example and its adversarial variants complete under 2,000, so
    /// this leaves room for the interpreter's finer count, while an exponential pattern such as
    /// `(a+)+$` exceeds it on a 40-byte subject.
    public static let lintMatchLimit: UInt32 = 100_000
    /// The JIT stack for the run check, in bytes (the minimum `Matcher` accepts).
    public static let lintJITStackBytes = 32 * 1024
    /// How long the pumped runs of adversarial subjects are, in bytes.
    public static let adversarialRunLength = 256

    /// Lints the shipped files plus every `*.yaml`/`*.yml` under each of `userDirectories` (walked,
    /// sorted by path; a directory may also be a single file), one override layer per directory.
    /// A path that does not exist or a file that cannot be read is an error at `path:1:1`.
    public static func lint(userDirectories: [String]) -> LintReport {
        var layers: [[(path: String, text: String)]] = []
        var problems: [LintFinding] = []
        for dir in userDirectories {
            var layer: [(path: String, text: String)] = []
            for path in yamlFiles(under: dir, problems: &problems) {
                guard let data = FileManager.default.contents(atPath: path) else {
                    problems.append(LintFinding(position: FilePosition(file: path, line: 1, column: 1), level: .error, message: "cannot read the file"))
                    continue
                }
                layer.append((path, String(decoding: data, as: UTF8.self)))
            }
            layers.append(layer)
        }
        var report = lint(shipped: PatternLoader.embedded, layers: layers)
        report.findings = sorted(report.findings + problems)
        return report
    }

    /// Lints `shipped` (one layer) and then each of `layers` (each a later, overriding layer), all
    /// given as (path, YAML text).
    public static func lint(shipped: [(path: String, text: String)], layers: [[(path: String, text: String)]]) -> LintReport {
        var loader = PatternLoader()
        loader.beginLayer()
        for f in shipped { loader.load(text: f.text, file: f.path) }
        for layer in layers {
            loader.beginLayer()
            for f in layer { loader.load(text: f.text, file: f.path) }
        }
        loader.validateReferences()
        let files = shipped + layers.flatMap { $0 }
        let index = SourceIndex(files: files)

        var findings: [LintFinding] = []
        for d in loader.diagnostics {
            findings.append(LintFinding(position: index.exactCompileErrorPosition(d) ?? d.position, level: .error, message: d.message))
        }
        for d in ExampleChecker.check(loader.set) {
            findings.append(LintFinding(position: d.position, level: .error, message: d.message))
        }
        for sig in loader.set.signatures {
            let entry = index.signature(at: sig.position)
            findings += checkHygiene(sig)
            findings += checkLiteral(sig)
            let shape = RegexShape.analyse(Array(sig.regex.pattern.utf8), caseless: sig.caseless)
            for issue in shape.issues {
                findings.append(LintFinding(position: entry?.position(ofPatternByte: issue.offset) ?? sig.position,
                                            level: issue.level, message: "signature `\(sig.id)`: \(issue.message)"))
            }
            if let f = checkRun(sig, shape: shape, entry: entry) { findings.append(f) }
        }
        let texts = Dictionary(files.map { ($0.path, $0.text) }, uniquingKeysWith: { _, last in last })
        for h in loader.set.hypotheses {
            findings += checkHygiene(h)
            findings += checkFluxNamespace(h, text: texts[h.position.file])
            findings += checkStepCommands(h, text: texts[h.position.file])
        }
        let examples = loader.set.signatures.reduce(0) { $0 + $1.matches.count + $1.noMatches.count }
        return LintReport(findings: sorted(findings), signatures: loader.set.signatures.count,
                          hypotheses: loader.set.hypotheses.count, examples: examples)
    }

    // MARK: - Checks

    /// Warnings for a hypothesis that lacks a `source` (its required fields are the loader's
    /// errors, `PatternLoader.requiredHypothesisFields`).
    static func checkHygiene(_ h: Hypothesis) -> [LintFinding] {
        guard h.source.isEmpty else { return [] }
        return [LintFinding(position: h.position, level: .warning, message: "hypothesis `\(h.id)`: no `source`: name where its evidence and steps come from")]
    }

    static func checkHygiene(_ sig: Signature) -> [LintFinding] {
        var out: [LintFinding] = []
        func warn(_ m: String) { out.append(LintFinding(position: sig.position, level: .warning, message: "signature `\(sig.id)`: \(m)")) }
        if sig.source.isEmpty { warn("no `source`: name where the format comes from (repository file, issue)") }
        if sig.literal.isEmpty { warn("no `literal` and none can be derived: the regex runs on every record") }
        if sig.matches.count < 2 { warn("\(sig.matches.count) match example(s): give at least two, from different versions where the wording changed") }
        if sig.noMatches.isEmpty { warn("no `no_match` example: add a near miss that must not match") }
        return out
    }

    /// Resources and kubectl subcommands that are about Flux's own controllers when a step runs
    /// them in flux-system: their pods and Deployments, Services, endpoints, NetworkPolicies,
    /// leader leases, logs, probe pods (`kubectl run`).
    static let fluxOwnWords: Set<String> = [
        "networkpolicy", "networkpolicies", "netpol", "endpoints", "ep", "lease", "leases", "pod", "pods", "po",
        "deploy", "deployment", "deployments", "svc", "service", "services",
        "run", "logs", "exec", "top", "rollout",
    ]
    /// flux CLI subcommands about Flux itself, which take the namespace it runs in (`--namespace`,
    /// default flux-system: flux2 cmd/flux/check.go lists the controllers there).
    static let fluxOwnCommands = ["flux check", "flux install", "flux uninstall"]

    /// A hypothesis' steps about Flux itself should say `<flux-namespace>` (docs/PATTERNS.md "The
    /// namespace Flux runs in"), which a report fills with the namespace the logs show: a
    /// `kubectl -n flux-system` command about a pod, Deployment, Service, endpoints,
    /// NetworkPolicy, lease, logs or a probe pod (`fluxOwnWords`); a
    /// `source-controller.flux-system.svc` or `notification-controller.flux-system.svc` address;
    /// `flux check`, `flux install` or `flux uninstall` without `-n`. A `<flux...>` placeholder
    /// other than `<flux-namespace>` is a misspelling (nothing fills it). Warnings, at the step's
    /// line in `text` (the hypothesis' file) when found there, else at the hypothesis.
    static func checkFluxNamespace(_ h: Hypothesis, text: String?) -> [LintFinding] {
        var out: [LintFinding] = []
        func warn(_ step: String, _ message: String) { out.append(stepWarning(step, of: h, text: text, message)) }
        for step in h.checks + h.remediation {
            let chars = Array(step)
            var said = false
            // kubectl commands run in flux-system about Flux's own objects.
            var i = 0
            while !said, let r = String(chars[i...]).range(of: "kubectl ") {
                let rest = String(chars[i...])
                let start = i + rest.distance(from: rest.startIndex, to: r.lowerBound)
                i = start + 8
                if start > 0, chars[start - 1].isLetter || chars[start - 1] == "-" { continue }
                let command = String(chars[start..<PlaceholderFiller.commandEnd(chars, after: start + 8)])
                let words = command.split(separator: " ").map(String.init)
                let inFluxSystem = zip(words, words.dropFirst()).contains { $0 == "-n" && $1 == "flux-system" || $0 == "--namespace" && $1 == "flux-system" }
                    || words.contains("--namespace=flux-system") || words.contains("-nflux-system")
                guard inFluxSystem else { continue }
                let parts = words.flatMap { $0.split(whereSeparator: { $0 == "," || $0 == "/" }).map(String.init) }
                if let own = parts.first(where: { fluxOwnWords.contains($0) }) {
                    warn(step, "runs `\(own)` in flux-system, Flux's own namespace only by default: write `-n <flux-namespace>`, which a report fills with the namespace the logs show Flux in")
                    said = true
                }
            }
            for service in ["source-controller", "notification-controller"] where !said && step.contains("\(service).flux-system.svc") {
                warn(step, "names \(service).flux-system.svc: write \(service).<flux-namespace>.svc, which a report fills with the namespace the logs show Flux in")
                said = true
            }
            for command in fluxOwnCommands where !said {
                var from = step.startIndex
                while !said, let r = step.range(of: command, range: from..<step.endIndex) {
                    from = r.upperBound
                    // A word of its own (`flux install,` in prose; not `flux installs`).
                    if r.upperBound < step.endIndex, step[r.upperBound].isLetter || step[r.upperBound] == "-" { continue }
                    let c = Array(step), at = step.distance(from: step.startIndex, to: r.lowerBound)
                    let words = String(c[at..<PlaceholderFiller.commandEnd(c, after: at + command.count)]).split(separator: " ")
                    if !words.contains(where: { $0 == "-n" || $0 == "--namespace" || $0.hasPrefix("--namespace=") }) {
                        warn(step, "runs `\(command)` in the flux CLI's default namespace: write `\(command) -n <flux-namespace>` (left out of the report in flux-system)")
                        said = true
                    }
                }
            }
            // Misspelt placeholders: `<flux-ns>`, `<flux_namespace>`, `<flux-system>`.
            var rest = Substring(step)
            while let open = rest.range(of: "<flux") {
                let after = rest[open.upperBound...]
                guard let close = after.firstIndex(of: ">") else { break }
                let token = "<flux" + after[..<close] + ">"
                if token != "<flux-namespace>", !token.contains(" ") {
                    warn(step, "holds `\(token)`, which nothing fills: the namespace Flux runs in is `<flux-namespace>`")
                }
                rest = after[close...]
            }
        }
        return out
    }

    /// A warning about `step` of `h` at the step's line (`stepPosition`), naming the hypothesis
    /// and the step's first line (at most 80 characters).
    static func stepWarning(_ step: String, of h: Hypothesis, text: String?, _ message: String) -> LintFinding {
        let shown = step.split(separator: "\n").first.map { String($0.prefix(80)) } ?? ""
        return LintFinding(position: stepPosition(step, of: h, text: text), level: .warning,
                           message: "hypothesis `\(h.id)`: step `\(shown)` \(message)")
    }

    /// Where `step` is written in `text` (the hypothesis' file): the line and column of its first
    /// words (up to a character YAML may have escaped), searched from the hypothesis on; the
    /// hypothesis' own position when not found.
    static func stepPosition(_ step: String, of h: Hypothesis, text: String?) -> FilePosition {
        let lines = text.map { $0.split(separator: "\n", omittingEmptySubsequences: false) } ?? []
        let key = String(step.prefix { $0 != "\"" && $0 != "\\" && $0 != "'" && $0 != "\n" })
        guard key.count >= 8 else { return h.position }
        for n in max(0, h.position.line - 1)..<lines.count {
            if let r = lines[n].range(of: key) {
                return FilePosition(file: h.position.file, line: n + 1, column: lines[n].distance(from: lines[n].startIndex, to: r.lowerBound) + 1)
            }
        }
        return h.position
    }

    /// Commands and prose in a hypothesis' steps (docs/PATTERNS.md "Commands and prose in
    /// steps", `StepCommands`): a check is printed as a command (`$ ...`, a `sh` block), so one
    /// that reads as prose (`Check the ...`, `flux to ...`) is a warning; so is a step whose
    /// prose uses `flux ` or `kubectl ` as a word with no subcommand after it, which the filler
    /// would take for a command and give `-n <namespace>` (`Use flux to check the gitrepository
    /// <name> spec` became `... <name> -n team-a spec`). Warnings at the step's line.
    static func checkStepCommands(_ h: Hypothesis, text: String?) -> [LintFinding] {
        var out: [LintFinding] = []
        func warn(_ step: String, _ message: String) { out.append(stepWarning(step, of: h, text: text, message)) }
        for step in h.checks {
            if let why = StepCommands.proseInCheck(step) {
                warn(step, "is a check, printed as a command, but reads as prose (\(why)): write the command, or make it a `remediation` step")
            }
        }
        for step in h.checks + h.remediation {
            for command in StepCommands.newKeyPairCommands(step) {
                warn(step, "recreates an SSH Git secret without --private-key-file (`\(command)`): the command then makes a new key pair, which the Git host does not know; give --private-key-file=<private-key>, or replace only known_hosts (`kubectl patch secret`)")
            }
            for words in StepCommands.proseCommandWords(step) {
                warn(step, "uses `\(words)` as prose: no \(words.hasPrefix("flux") ? "flux" : "kubectl") subcommand follows, yet the filler takes it for a command; write Flux (capitalised) or the command in full")
            }
        }
        return out
    }

    /// A match example whose text lacks the literal would be skipped by the prefilter.
    static func checkLiteral(_ sig: Signature) -> [LintFinding] {
        guard !sig.literal.isEmpty else { return [] }
        var out: [LintFinding] = []
        for ex in sig.matches {
            var bytes = Array(subject(ex.line, field: sig.field).utf8)
            if sig.caseless { bytes = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 } }
            let found = bytes.withUnsafeBytes { hay in sig.literal.withUnsafeBytes { containsBytes(hay, $0) } }
            if !found {
                out.append(LintFinding(position: ex.position, level: .error,
                                       message: "signature `\(sig.id)`: the literal `\(String(decoding: sig.literal, as: UTF8.self))` is not in this example's \(sig.field == .text ? "text" : "`\(sig.field.rawValue)` text"), so the prefilter skips it"))
            }
        }
        return out
    }

    /// Runs the regex over every example and over adversarial variants (each run of bytes that an
    /// unbounded, backtracking repeat consumes, pumped to `adversarialRunLength`, with the rest of
    /// the line kept or cut off) under `lintMatchLimit`. Reports the first subject that exceeds it.
    static func checkRun(_ sig: Signature, shape: RegexShape, entry: SourceIndex.Entry?) -> LintFinding? {
        let matcher = Matcher(matchLimit: lintMatchLimit, jitStackBytes: lintJITStackBytes)
        func exceeds(_ s: [UInt8]) -> Bool {
            do {
                _ = try s.withUnsafeBytes { try matcher.match(sig.regex, in: $0) }
                return false
            } catch MatchError.limitExceeded {
                return true
            } catch {
                return false
            }
        }
        let examples: [(text: String, position: FilePosition)] = sig.matches.map { ($0.line, $0.position) } + sig.noMatches.map { ($0.line, $0.position) }
        for ex in examples {
            let s = Array(subject(ex.text, field: sig.field).utf8)
            if exceeds(s) {
                return LintFinding(position: ex.position, level: .error,
                                   message: "signature `\(sig.id)`: the regex exceeds the PCRE2 match limit (\(lintMatchLimit)) on this example: catastrophic backtracking")
            }
        }
        let n = adversarialRunLength
        // Outer repeats first, so that a finding points at the construct to rewrite.
        let repeats = shape.backtrackingRepeats.sorted { ($0.offset, -$0.source.count) < ($1.offset, -$1.source.count) }
        for rep in repeats {
            guard let pump = rep.chars.first(preferring: Array("a0 /.-_:".utf8)) else { continue }
            let stop = rep.chars.complement.first(preferring: Array("!#;\u{01}".utf8)) ?? 0
            var candidates: [(subject: [UInt8], byte: UInt8, from: FilePosition?)] = [(Array(repeating: pump, count: n) + [stop], pump, nil)]
            for ex in examples {
                let s = Array(subject(ex.text, field: sig.field).utf8)
                var runs = 0
                var i = 0
                while i < s.count, runs < 4 {
                    guard rep.chars.contains(s[i]) else { i += 1; continue }
                    var j = i
                    while j < s.count, rep.chars.contains(s[j]) { j += 1 }
                    let run = Array(repeating: s[i], count: n)
                    candidates.append((Array(s[..<i]) + run + Array(s[j...]), s[i], ex.position))
                    candidates.append((Array(s[..<i]) + run + [stop], s[i], ex.position))
                    runs += 1
                    i = j
                }
            }
            for c in candidates where exceeds(c.subject) {
                var one = ByteSet()
                one.insert(c.byte)
                let from = c.from.map { ", built from the example at line \($0.line)" } ?? ""
                return LintFinding(position: entry?.position(ofPatternByte: rep.offset) ?? sig.position, level: .error,
                                   message: "signature `\(sig.id)`: catastrophic backtracking: `\(printable(rep.source))` exceeds the PCRE2 match limit (\(lintMatchLimit)) on a run of \(n) \(one.sample)\(from); make it possessive (`*+`, `++`) or atomic (`(?>...)`)")
            }
        }
        return nil
    }

    // MARK: - Helpers

    /// The text a signature with `field` sees for an example line, decoded like input.
    static func subject(_ line: String, field: MatchField) -> String {
        var bytes = Array(line.utf8)
        if bytes.last == 10 { bytes.removeLast() }
        let record = bytes.withUnsafeBytes { RecordDecoder.decode($0, location: SourceLocation(file: "example", line: 1)) }
        switch field {
        case .text: return record.text
        case .message: return record.message
        case .error: return record.error
        case .raw: return record.raw
        }
    }

    static func printable(_ bytes: [UInt8]) -> String {
        let s = String(decoding: bytes.prefix(60), as: UTF8.self)
        return bytes.count > 60 ? s + "..." : s
    }

    static func sorted(_ f: [LintFinding]) -> [LintFinding] {
        f.sorted { a, b in
            (a.position.file, a.position.line, a.position.column, a.message) < (b.position.file, b.position.line, b.position.column, b.message)
        }
    }

    /// Every `*.yaml`/`*.yml` under `dir` (walked, sorted), or `dir` itself when it is a file.
    static func yamlFiles(under dir: String, problems: inout [LintFinding]) -> [String] {
        guard let files = PatternSource.yamlFiles(under: dir) else {
            problems.append(LintFinding(position: FilePosition(file: dir, line: 1, column: 1), level: .error, message: "no such file or directory"))
            return []
        }
        return files
    }
}

// MARK: - Where a regex sits in its YAML file

/// The signatures of a set of pattern files with the YAML node of each `regex`, so that a byte
/// offset into a pattern can be turned into the `file:line:column` of that character in the file.
struct SourceIndex {
    /// A signature's `regex` scalar: where it starts and how it is quoted.
    struct Entry {
        var file: String
        var lines: [[Unicode.Scalar]]
        /// 1-based line and column of the scalar's first character (the quote, for quoted styles).
        var line: Int
        var column: Int
        var style: Node.Scalar.Style
        var value: String
        var caseless: Bool

        /// The file position of the character that starts at UTF-8 byte `offset` of the value
        /// (the end of the value for an offset past it).
        func position(ofPatternByte offset: Int) -> FilePosition {
            let scalars = Array(value.unicodeScalars)
            var bytes = 0, index = 0
            while index < scalars.count, bytes + String(scalars[index]).utf8.count <= offset {
                bytes += String(scalars[index]).utf8.count
                index += 1
            }
            let map = sourceMap()
            if index < map.count { return FilePosition(file: file, line: map[index].line, column: map[index].column) }
            if let last = map.last { return FilePosition(file: file, line: last.line, column: last.column + 1) }
            return FilePosition(file: file, line: line, column: column)
        }

        /// For each Unicode scalar of `value`, its 1-based (line, column) in the file.
        func sourceMap() -> [(line: Int, column: Int)] {
            let target = Array(value.unicodeScalars)
            var out: [(line: Int, column: Int)] = []
            var l = line - 1, c = column - 1
            func at() -> Unicode.Scalar? { l < lines.count && c < lines[l].count ? lines[l][c] : nil }
            func next() { if l < lines.count, c < lines[l].count { c += 1 } else { l += 1; c = 0 } }
            func eol() -> Bool { l >= lines.count || c >= lines[l].count }
            switch style {
            case .singleQuoted, .doubleQuoted:
                next()  // the opening quote
            case .literal, .folded:
                l += 1; c = 0  // content starts on the next line
            default:
                break
            }
            var k = 0
            while k < target.count, l < lines.count {
                if eol() {
                    // A line break in the source: literal blocks keep it, flow and folded styles fold it.
                    if target[k] == "\n" || target[k] == " " {
                        out.append((l + 1, c + 1)); k += 1
                    }
                    l += 1; c = 0
                    while let s = at(), s == " " || s == "\t" { next() }
                    continue
                }
                let s = at()!
                if style == .doubleQuoted, s == "\\" {
                    // One escape sequence stands for one character of the value.
                    out.append((l + 1, c + 1)); k += 1
                    next()
                    if let e = at() {
                        next()
                        let extra = e == "x" ? 2 : e == "u" ? 4 : e == "U" ? 8 : 0
                        for _ in 0..<extra { next() }
                    }
                    continue
                }
                if style == .singleQuoted, s == "'" {
                    out.append((l + 1, c + 1)); k += 1
                    next(); next()  // `''` is one quote
                    continue
                }
                if s == target[k] {
                    out.append((l + 1, c + 1)); k += 1
                }
                next()
            }
            return out
        }
    }

    private var entries: [String: Entry] = [:]

    init(files: [(path: String, text: String)]) {
        for f in files {
            guard let root = try? Yams.compose(yaml: f.text), case .mapping(let top) = root else { continue }
            let lines = f.text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
            for (k, v) in top where k.string == "signatures" {
                guard case .sequence(let items) = v else { continue }
                for item in items {
                    guard case .mapping(let m) = item, let mark = item.mark else { continue }
                    var regexNode: Node?
                    var caseless = false
                    for (mk, mv) in m {
                        if mk.string == "regex" { regexNode = mv }
                        if mk.string == "caseless" { caseless = mv.bool ?? false }
                    }
                    guard let rn = regexNode, case .scalar(let s) = rn, let rm = rn.mark else { continue }
                    entries[Self.key(f.path, mark.line)] = Entry(file: f.path, lines: lines, line: rm.line, column: rm.column,
                                                                 style: s.style, value: s.string, caseless: caseless)
                }
            }
        }
    }

    static func key(_ file: String, _ line: Int) -> String { "\(file)\u{0}\(line)" }

    /// The regex entry of the signature whose mapping starts at `position`.
    func signature(at position: FilePosition) -> Entry? { entries[Self.key(position.file, position.line)] }

    /// For a loader diagnostic about a regex that does not compile: the exact position of the
    /// fault, from PCRE2's offset and the scalar's escapes. Nil for other diagnostics.
    func exactCompileErrorPosition(_ d: PatternDiagnostic) -> FilePosition? {
        guard d.message.contains("regex does not compile") else { return nil }
        guard let e = entries.values.first(where: { $0.file == d.position.file && $0.line == d.position.line }) else { return nil }
        do {
            _ = try Regex(e.value, options: e.caseless ? [.caseless] : [])
            return nil
        } catch let c as CompileError {
            return e.position(ofPatternByte: c.offset)
        } catch {
            return nil
        }
    }
}

// MARK: - Regex shape analysis

/// A 256-bit set of bytes: what one position of a regex can consume. PCRE2 runs without UTF mode
/// here, so a regex sees bytes.
public struct ByteSet: Sendable, Hashable {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The empty set.
    public init() {}

    /// All 256 byte values.
    public static var all: ByteSet { var s = ByteSet(); s.words = (~0, ~0, ~0, ~0); return s }

    /// Adds byte `b`.
    public mutating func insert(_ b: UInt8) {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    /// Adds every byte of `range`.
    public mutating func insert(_ range: ClosedRange<UInt8>) { for b in range { insert(b) } }

    /// Whether byte `b` is in the set.
    public func contains(_ b: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    /// No byte at all.
    public var isEmpty: Bool { words.0 | words.1 | words.2 | words.3 == 0 }
    /// How many of the 256 byte values are in the set.
    public var count: Int { words.0.nonzeroBitCount + words.1.nonzeroBitCount + words.2.nonzeroBitCount + words.3.nonzeroBitCount }
    /// The bytes not in the set.
    public var complement: ByteSet { var s = ByteSet(); s.words = (~words.0, ~words.1, ~words.2, ~words.3); return s }

    /// The bytes in either set.
    public func union(_ o: ByteSet) -> ByteSet {
        var s = ByteSet(); s.words = (words.0 | o.words.0, words.1 | o.words.1, words.2 | o.words.2, words.3 | o.words.3); return s
    }

    /// The bytes in both sets.
    public func intersection(_ o: ByteSet) -> ByteSet {
        var s = ByteSet(); s.words = (words.0 & o.words.0, words.1 & o.words.1, words.2 & o.words.2, words.3 & o.words.3); return s
    }

    /// The first of `preferred` in the set, else the lowest printable ASCII byte, else any byte.
    public func first(preferring preferred: [UInt8]) -> UInt8? {
        if let p = preferred.first(where: contains) { return p }
        if let p = (UInt8(33)...UInt8(126)).first(where: contains) { return p }
        return (0...255).lazy.map { UInt8($0) }.first(where: contains)
    }

    /// Same bytes.
    public static func == (a: ByteSet, b: ByteSet) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }

    /// Hashes the 256 bits.
    public func hash(into h: inout Hasher) { h.combine(words.0); h.combine(words.1); h.combine(words.2); h.combine(words.3) }

    /// A short human-readable sample of the set: `'a'`, `'\n'`, `any byte`.
    var sample: String {
        if count >= 250 { return "any byte" }
        guard let b = first(preferring: Array("a0 ".utf8)) else { return "nothing" }
        switch b {
        case 10: return "'\\n'"
        case 9: return "'\\t'"
        case 32: return "' '"
        case 33...126: return "'\(Character(Unicode.Scalar(b)))'"
        default: return "byte 0x" + String(b, radix: 16)
        }
    }
}

/// The shape of a PCRE2 pattern as far as backtracking is concerned, and the risks found in it.
///
/// The pattern is parsed into a small tree (bytes, classes, groups, alternations, repeats; PCRE2
/// syntax, no UTF mode). For each unbounded repeat that can backtrack (greedy or lazy, not
/// possessive) it checks:
/// - nested quantifiers: the repeated body ends with a backtracking repeat that can consume a byte
///   the body can start with (`(a+)+`, `(\w+\s?)*`), or the body can match the empty string and
///   holds a repeat (`(a*)*`): a failing match tries exponentially many ways to split the input
///   (error);
/// - repeated alternations whose branches overlap: two branches can start with the same byte
///   (`(?:a|ab)*`, exponential), or one branch can consume what another starts with
///   (`(?:[^"\\]|\\.)*`: one backtracking point per character, quadratic on failure and deep
///   recursion on long lines) (error);
/// - adjacent repeats in a sequence that can consume the same bytes (`\s*\s*`, `.*.*`, polynomial)
///   (warning);
/// - a leading `.*` in an unanchored pattern (retried at every start position) and a trailing
///   `.*` (useless work) (warning).
/// Lookarounds are analysed like any other group.
public struct RegexShape: Sendable {
    /// One risk, at a byte offset into the pattern.
    public struct Issue: Sendable, Hashable {
        /// Byte offset (0-based) into the pattern where the risky construct starts.
        public var offset: Int
        /// `error` for exponential or per-character backtracking, `warning` for polynomial or wasted work.
        public var level: LintFinding.Level
        /// What the risk is and how to rewrite the construct.
        public var message: String
    }

    /// An unbounded repeat that can backtrack: where it starts, the bytes its body can consume and
    /// its source text. Used to build adversarial subjects.
    public struct Repeat: Sendable {
        /// Byte offset (0-based) into the pattern where the repeated atom or group starts.
        public var offset: Int
        /// Every byte the repeated body can consume.
        public var chars: ByteSet
        /// The repeat as written, quantifier included (`(a+)+`).
        public var source: [UInt8]
    }

    /// The risks found, sorted by offset.
    public var issues: [Issue] = []
    /// Every unbounded greedy or lazy repeat, in the order the walk met them (inner first).
    public var backtrackingRepeats: [Repeat] = []

    /// Analyses `pattern` (the regex's UTF-8 bytes); `caseless` is the signature's PCRE2_CASELESS.
    public static func analyse(_ pattern: [UInt8], caseless: Bool) -> RegexShape {
        var parser = RegexParser(p: pattern, caseless: caseless)
        let tree = parser.parse()
        var shape = RegexShape()
        shape.walk(tree, pattern: pattern)
        shape.checkEnds(tree, pattern: pattern)
        var seen = Set<Issue>()
        shape.issues = shape.issues.filter { seen.insert($0).inserted }.sorted { ($0.offset, $0.message) < ($1.offset, $1.message) }
        return shape
    }

    mutating func walk(_ n: RX, pattern: [UInt8]) {
        switch n.kind {
        case .set, .zero, .backref:
            return
        case .seq(let items):
            for i in items.indices {
                walk(items[i], pattern: pattern)
            }
            checkAdjacent(items, pattern: pattern)
        case .alt(let branches):
            for b in branches { walk(b, pattern: pattern) }
        case .group(let inner, _):
            walk(inner, pattern: pattern)
        case .rep(let body, _, let max, let mode):
            walk(body, pattern: pattern)
            guard max == nil, mode != .possessive else { return }
            let src = Array(pattern[n.offset..<min(n.end, pattern.count)])
            let c = body.chars
            if !c.isEmpty { backtrackingRepeats.append(Repeat(offset: n.offset, chars: c, source: src)) }
            let text = String(decoding: src, as: UTF8.self)
            if body.nullable && body.hasBacktrackingUnboundedRepeat {
                issues.append(Issue(offset: n.offset, level: .error,
                                    message: "nested quantifier: `\(text)` repeats a group that can match the empty string and holds a repeat itself (like `(a*)*`): a failing match backtracks exponentially; make the inner or outer repeat possessive"))
            } else {
                let overlap = body.tailRepeatChars.intersection(body.first)
                if !overlap.isEmpty {
                    issues.append(Issue(offset: n.offset, level: .error,
                                        message: "nested quantifier: in `\(text)` the inner repeat and the outer one can both consume \(overlap.sample) (like `(a+)+$`): a failing match tries exponentially many splits; make the inner repeat possessive (`++`) or the group atomic"))
                }
            }
            if case .alt(let branches) = body.unwrapped.kind, branches.count > 1 {
                var reported = false
                outer: for i in branches.indices {
                    for j in branches.indices where j > i {
                        if !branches[i].first.intersection(branches[j].first).isEmpty {
                            issues.append(Issue(offset: n.offset, level: .error,
                                                message: "repeated alternation `\(text)` has branches that can start with the same byte (\(branches[i].first.intersection(branches[j].first).sample)): each iteration can take either, so a failing match backtracks exponentially; make the branches disjoint or the repeat possessive (`*+`)"))
                            reported = true
                            break outer
                        }
                    }
                }
                if !reported {
                    outer2: for i in branches.indices {
                        for j in branches.indices where j != i {
                            let o = branches[i].chars.intersection(branches[j].first)
                            if !o.isEmpty, branches[i].length != 1 {
                                issues.append(Issue(offset: n.offset, level: .error,
                                                    message: "repeated alternation `\(text)`: a branch can consume \(o.sample), which another branch starts with (like `(?:[^\"\\\\]|\\\\.)*`): one backtracking point per iteration, quadratic on failure and deep on long lines; make the repeat possessive (`*+`)"))
                                break outer2
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adjacent repeats over overlapping bytes (zero-width items in between are skipped).
    mutating func checkAdjacent(_ items: [RX], pattern: [UInt8]) {
        var prev: RX?
        for item in items {
            if case .zero = item.kind { continue }
            if let p = prev {
                let o = p.tailRepeatChars.intersection(item.headRepeatChars)
                if !o.isEmpty {
                    let a = String(decoding: pattern[p.offset..<min(p.end, pattern.count)], as: UTF8.self)
                    let b = String(decoding: pattern[item.offset..<min(item.end, pattern.count)], as: UTF8.self)
                    issues.append(Issue(offset: p.offset, level: .warning,
                                        message: "adjacent repeats `\(a)` and `\(b)` can both consume \(o.sample): a failing match tries every split between them (polynomial); make the first possessive"))
                }
            }
            prev = item
        }
    }

    /// Leading `.*` in an unanchored pattern, trailing `.*`.
    mutating func checkEnds(_ tree: RX, pattern: [UInt8]) {
        let branches: [RX]
        if case .alt(let b) = tree.kind { branches = b } else { branches = [tree] }
        for b in branches {
            let items: [RX]
            if case .seq(let s) = b.kind { items = s } else { items = [b] }
            guard let first = items.first else { continue }
            if first.isDotStar {
                issues.append(Issue(offset: first.offset, level: .warning,
                                    message: "leading `\(String(decoding: pattern[first.offset..<first.end], as: UTF8.self))` in an unanchored pattern is retried at every start position (quadratic); drop it, the search is unanchored anyway"))
            }
            if let last = items.last, items.count > 1, last.isDotStar {
                issues.append(Issue(offset: last.offset, level: .warning,
                                    message: "trailing `\(String(decoding: pattern[last.offset..<last.end], as: UTF8.self))` only costs time; drop it (capture with a possessive class if you need the rest)"))
            }
        }
    }
}

/// A parsed regex node: its kind and the byte range of its source.
struct RX: Sendable {
    enum GroupKind: Sendable { case plain, atomic, lookaround }
    enum Mode: Sendable { case greedy, lazy, possessive }
    indirect enum Kind: Sendable {
        /// One byte from the set.
        case set(ByteSet)
        /// Consumes nothing: anchors, `\b`, `\K`, comments, verbs.
        case zero
        /// A backreference or subroutine call: consumes something unknown.
        case backref
        case seq([RX])
        case alt([RX])
        case group(RX, GroupKind)
        case rep(RX, min: Int, max: Int?, mode: Mode)
    }

    var kind: Kind
    var offset: Int
    var end: Int

    var nullable: Bool {
        switch kind {
        case .set: return false
        case .zero, .backref: return true
        case .seq(let i): return i.allSatisfy(\.nullable)
        case .alt(let b): return b.contains { $0.nullable }
        case .group(let g, let k): return k == .lookaround ? true : g.nullable
        case .rep(let b, let min, _, _): return min == 0 || b.nullable
        }
    }

    /// Bytes that can start a non-empty match.
    var first: ByteSet {
        switch kind {
        case .set(let s): return s
        case .zero: return ByteSet()
        case .backref: return .all
        case .seq(let items):
            var s = ByteSet()
            for i in items {
                s = s.union(i.first)
                if !i.nullable { break }
            }
            return s
        case .alt(let b): return b.reduce(ByteSet()) { $0.union($1.first) }
        case .group(let g, let k): return k == .lookaround ? ByteSet() : g.first
        case .rep(let b, _, let max, _): return max == 0 ? ByteSet() : b.first
        }
    }

    /// Every byte the node can consume.
    var chars: ByteSet {
        switch kind {
        case .set(let s): return s
        case .zero: return ByteSet()
        case .backref: return .all
        case .seq(let i): return i.reduce(ByteSet()) { $0.union($1.chars) }
        case .alt(let b): return b.reduce(ByteSet()) { $0.union($1.chars) }
        case .group(let g, let k): return k == .lookaround ? ByteSet() : g.chars
        case .rep(let b, _, let max, _): return max == 0 ? ByteSet() : b.chars
        }
    }

    /// Bytes consumed by unbounded, backtracking repeats that can end this node's match.
    var tailRepeatChars: ByteSet {
        switch kind {
        case .set, .zero, .backref: return ByteSet()
        case .seq(let items):
            var s = ByteSet()
            for i in items.reversed() {
                s = s.union(i.tailRepeatChars)
                if !i.nullable { break }
            }
            return s
        case .alt(let b): return b.reduce(ByteSet()) { $0.union($1.tailRepeatChars) }
        case .group(let g, let k): return k == .plain ? g.tailRepeatChars : ByteSet()
        case .rep(let b, _, let max, let mode):
            if mode == .possessive || max == 0 { return ByteSet() }
            return max == nil ? b.chars : b.tailRepeatChars
        }
    }

    /// Bytes consumed by unbounded, backtracking repeats that can start this node's match.
    var headRepeatChars: ByteSet {
        switch kind {
        case .set, .zero, .backref: return ByteSet()
        case .seq(let items):
            var s = ByteSet()
            for i in items {
                s = s.union(i.headRepeatChars)
                if !i.nullable { break }
            }
            return s
        case .alt(let b): return b.reduce(ByteSet()) { $0.union($1.headRepeatChars) }
        case .group(let g, let k): return k == .plain ? g.headRepeatChars : ByteSet()
        case .rep(let b, _, let max, let mode):
            if mode == .possessive || max == 0 { return ByteSet() }
            return max == nil ? b.chars : b.headRepeatChars
        }
    }

    var hasBacktrackingUnboundedRepeat: Bool {
        switch kind {
        case .set, .zero, .backref: return false
        case .seq(let i): return i.contains { $0.hasBacktrackingUnboundedRepeat }
        case .alt(let b): return b.contains { $0.hasBacktrackingUnboundedRepeat }
        case .group(let g, let k): return k == .plain && g.hasBacktrackingUnboundedRepeat
        case .rep(let b, _, let max, let mode):
            if mode == .possessive { return false }
            return max == nil || b.hasBacktrackingUnboundedRepeat
        }
    }

    /// The node without plain (capturing or non-capturing) group wrappers.
    var unwrapped: RX {
        if case .group(let g, .plain) = kind { return g.unwrapped }
        return self
    }

    /// Fixed length in bytes when the node always consumes exactly that many, else nil.
    var length: Int? {
        switch kind {
        case .set: return 1
        case .zero: return 0
        case .backref: return nil
        case .seq(let items):
            var n = 0
            for i in items { guard let l = i.length else { return nil }; n += l }
            return n
        case .alt(let b):
            let ls = b.map(\.length)
            guard let f = ls.first, let v = f, ls.allSatisfy({ $0 == v }) else { return nil }
            return v
        case .group(let g, let k): return k == .lookaround ? 0 : g.length
        case .rep(let b, let min, let max, _):
            guard let max, max == min, let l = b.length else { return nil }
            return l * min
        }
    }

    /// `.*`-like: an unbounded, backtracking repeat of (nearly) any byte.
    var isDotStar: Bool {
        if case .rep(let b, _, nil, let mode) = kind, mode != .possessive, case .set(let s) = b.unwrapped.kind {
            return s.count >= 250
        }
        return false
    }
}

/// A recursive-descent parser for the PCRE2 syntax that signatures use: literals, escapes, classes
/// (with POSIX names), groups of every kind, alternation, and quantifiers with lazy and
/// possessive suffixes. Unknown constructs are read conservatively (as "any byte").
struct RegexParser {
    let p: [UInt8]
    var i = 0
    var caseless: Bool

    init(p: [UInt8], caseless: Bool) {
        self.p = p
        self.caseless = caseless
    }

    mutating func parse() -> RX {
        var nodes: [RX] = []
        while i < p.count {
            nodes.append(parseAlt())
            if i < p.count, p[i] == UInt8(ascii: ")") { i += 1 }  // an unbalanced ")": PCRE2 would reject it
        }
        if nodes.count == 1 { return nodes[0] }
        return RX(kind: .seq(nodes), offset: 0, end: p.count)
    }

    func peek(_ k: Int = 0) -> UInt8? { i + k < p.count ? p[i + k] : nil }

    mutating func parseAlt() -> RX {
        let start = i
        let saved = caseless
        var branches = [parseSeq()]
        while peek() == UInt8(ascii: "|") {
            i += 1
            branches.append(parseSeq())
        }
        caseless = saved
        if branches.count == 1 { return branches[0] }
        return RX(kind: .alt(branches), offset: start, end: i)
    }

    mutating func parseSeq() -> RX {
        let start = i
        var items: [RX] = []
        while let c = peek(), c != UInt8(ascii: "|"), c != UInt8(ascii: ")") {
            let atomStart = i
            var atom = parseAtom()
            atom = parseQuantifiers(atom, start: atomStart)
            items.append(atom)
        }
        if items.count == 1 { return items[0] }
        return RX(kind: .seq(items), offset: start, end: i)
    }

    mutating func parseQuantifiers(_ atom: RX, start: Int) -> RX {
        var node = atom
        while let c = peek() {
            var min = 0, max: Int? = nil
            if c == UInt8(ascii: "*") { i += 1 }
            else if c == UInt8(ascii: "+") { min = 1; i += 1 }
            else if c == UInt8(ascii: "?") { max = 1; i += 1 }
            else if c == UInt8(ascii: "{"), let (lo, hi, len) = braces() { min = lo; max = hi; i += len }
            else { break }
            var mode = RX.Mode.greedy
            if peek() == UInt8(ascii: "?") { mode = .lazy; i += 1 }
            else if peek() == UInt8(ascii: "+") { mode = .possessive; i += 1 }
            node = RX(kind: .rep(node, min: min, max: max, mode: mode), offset: start, end: i)
        }
        return node
    }

    /// `{n}`, `{n,}`, `{n,m}` at `i`: (min, max, length in bytes), or nil for a literal `{`.
    func braces() -> (Int, Int?, Int)? {
        var k = i + 1
        var lo = 0, digits = 0
        while k < p.count, p[k] >= 48, p[k] <= 57 { lo = lo * 10 + Int(p[k] - 48); k += 1; digits += 1 }
        guard digits > 0, k < p.count else { return nil }
        if p[k] == UInt8(ascii: "}") { return (lo, lo, k - i + 1) }
        guard p[k] == UInt8(ascii: ",") else { return nil }
        k += 1
        var hi = 0, hd = 0
        while k < p.count, p[k] >= 48, p[k] <= 57 { hi = hi * 10 + Int(p[k] - 48); k += 1; hd += 1 }
        guard k < p.count, p[k] == UInt8(ascii: "}") else { return nil }
        return (lo, hd == 0 ? nil : hi, k - i + 1)
    }

    mutating func parseAtom() -> RX {
        let start = i
        let c = p[i]
        switch c {
        case UInt8(ascii: "("):
            return parseGroup()
        case UInt8(ascii: "["):
            let s = parseClass()
            return RX(kind: .set(s), offset: start, end: i)
        case UInt8(ascii: "\\"):
            return parseEscape()
        case UInt8(ascii: "."):
            i += 1
            var newline = ByteSet()
            newline.insert(10)
            return RX(kind: .set(newline.complement), offset: start, end: i)
        case UInt8(ascii: "^"), UInt8(ascii: "$"):
            i += 1
            return RX(kind: .zero, offset: start, end: i)
        default:
            i += 1
            return RX(kind: .set(literal(c)), offset: start, end: i)
        }
    }

    func literal(_ c: UInt8) -> ByteSet {
        var s = ByteSet()
        s.insert(c)
        if caseless {
            if c >= 65, c <= 90 { s.insert(c + 32) }
            if c >= 97, c <= 122 { s.insert(c - 32) }
        }
        return s
    }

    mutating func parseGroup() -> RX {
        let start = i
        i += 1  // (
        var kind = RX.GroupKind.plain
        let outerCaseless = caseless
        if peek() == UInt8(ascii: "*") {  // (*VERB) / (*VERB:NAME)
            skipTo(UInt8(ascii: ")"))
            return RX(kind: .zero, offset: start, end: i)
        }
        if peek() == UInt8(ascii: "?") {
            i += 1
            guard let c = peek() else { return RX(kind: .zero, offset: start, end: i) }
            switch c {
            case UInt8(ascii: "#"):
                skipTo(UInt8(ascii: ")"))
                return RX(kind: .zero, offset: start, end: i)
            case UInt8(ascii: ":"), UInt8(ascii: "|"):
                i += 1
            case UInt8(ascii: ">"):
                i += 1; kind = .atomic
            case UInt8(ascii: "="), UInt8(ascii: "!"):
                i += 1; kind = .lookaround
            case UInt8(ascii: "<") where peek(1) == UInt8(ascii: "=") || peek(1) == UInt8(ascii: "!"):
                i += 2; kind = .lookaround
            case UInt8(ascii: "<"), UInt8(ascii: "'"):
                let close = c == UInt8(ascii: "<") ? UInt8(ascii: ">") : UInt8(ascii: "'")
                i += 1
                while let x = peek(), x != close { i += 1 }
                i += 1
            case UInt8(ascii: "P"):
                if peek(1) == UInt8(ascii: "<") {
                    i += 2
                    while let x = peek(), x != UInt8(ascii: ">") { i += 1 }
                    i += 1
                } else {  // (?P=name) backreference, (?P>name) call
                    skipTo(UInt8(ascii: ")"))
                    return RX(kind: .backref, offset: start, end: i)
                }
            case UInt8(ascii: "R"), UInt8(ascii: "&"), UInt8(ascii: "+"), 48...57:
                skipTo(UInt8(ascii: ")"))
                return RX(kind: .backref, offset: start, end: i)
            default:
                // Option settings: (?i) (?-i) (?i:...) (?^...) and friends.
                var on = true, newCaseless = caseless
                while let x = peek(), x != UInt8(ascii: ")"), x != UInt8(ascii: ":") {
                    if x == UInt8(ascii: "-") { on = false }
                    else if x == UInt8(ascii: "^") { newCaseless = false }
                    else if x == UInt8(ascii: "i") { newCaseless = on }
                    i += 1
                }
                if peek() == UInt8(ascii: ")") {
                    i += 1
                    caseless = newCaseless  // applies to the rest of the enclosing group
                    return RX(kind: .zero, offset: start, end: i)
                }
                i += 1  // ':'
                caseless = newCaseless
            }
        }
        let inner = parseAlt()
        if peek() == UInt8(ascii: ")") { i += 1 }
        caseless = outerCaseless
        return RX(kind: .group(inner, kind), offset: start, end: i)
    }

    mutating func skipTo(_ b: UInt8) {
        while let x = peek(), x != b { i += x == UInt8(ascii: "\\") ? 2 : 1 }
        if i < p.count { i += 1 }
    }

    mutating func parseEscape() -> RX {
        let start = i
        i += 1
        guard let c = peek() else { return RX(kind: .set(literal(UInt8(ascii: "\\"))), offset: start, end: i) }
        i += 1
        if let s = Self.classEscape(c) { return RX(kind: .set(s), offset: start, end: i) }
        switch c {
        case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "Z"),
             UInt8(ascii: "G"), UInt8(ascii: "K"), UInt8(ascii: "E"):
            return RX(kind: .zero, offset: start, end: i)
        case UInt8(ascii: "Q"):
            var items: [RX] = []
            while i < p.count {
                if p[i] == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "E") { i += 2; break }
                items.append(RX(kind: .set(literal(p[i])), offset: i, end: i + 1))
                i += 1
            }
            return RX(kind: .seq(items), offset: start, end: i)
        case 49...57, UInt8(ascii: "g"), UInt8(ascii: "k"):
            while let x = peek(), (x >= 48 && x <= 57) || x == UInt8(ascii: "{") || x == UInt8(ascii: "<") || x == UInt8(ascii: "'") || x == UInt8(ascii: "-") {
                if x == UInt8(ascii: "{") || x == UInt8(ascii: "<") || x == UInt8(ascii: "'") {
                    let close = x == UInt8(ascii: "{") ? UInt8(ascii: "}") : x == UInt8(ascii: "<") ? UInt8(ascii: ">") : UInt8(ascii: "'")
                    i += 1
                    while let y = peek(), y != close { i += 1 }
                    i += 1
                    break
                }
                i += 1
            }
            return RX(kind: .backref, offset: start, end: i)
        case UInt8(ascii: "p"), UInt8(ascii: "P"):
            if peek() == UInt8(ascii: "{") { skipTo(UInt8(ascii: "}")) } else { i += 1 }
            return RX(kind: .set(.all), offset: start, end: i)
        default:
            return RX(kind: .set(literal(escapedByte(c))), offset: start, end: i)
        }
    }

    /// The byte an escape such as `\n`, `\x41`, `\x{41}`, `\.` stands for (consumes its digits).
    mutating func escapedByte(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "n"): return 10
        case UInt8(ascii: "t"): return 9
        case UInt8(ascii: "r"): return 13
        case UInt8(ascii: "f"): return 12
        case UInt8(ascii: "e"): return 27
        case UInt8(ascii: "a"): return 7
        case UInt8(ascii: "0"): return 0
        case UInt8(ascii: "c"):
            if let x = peek() { i += 1; return x ^ 0x40 }
            return 0
        case UInt8(ascii: "x"):
            var hex = ""
            if peek() == UInt8(ascii: "{") {
                i += 1
                while let x = peek(), x != UInt8(ascii: "}") { hex.append(Character(Unicode.Scalar(x))); i += 1 }
                i += 1
            } else {
                while hex.count < 2, let x = peek(), (x >= 48 && x <= 57) || (x | 0x20 >= 97 && x | 0x20 <= 102) {
                    hex.append(Character(Unicode.Scalar(x))); i += 1
                }
            }
            return UInt8(truncatingIfNeeded: Int(hex, radix: 16) ?? 0)
        default:
            return c
        }
    }

    /// `\d \D \w \W \s \S \h \H \v \V \N \R` as byte sets (ASCII semantics, no UTF mode).
    static func classEscape(_ c: UInt8) -> ByteSet? {
        var s = ByteSet()
        switch c {
        case UInt8(ascii: "d"), UInt8(ascii: "D"):
            s.insert(48...57)
        case UInt8(ascii: "w"), UInt8(ascii: "W"):
            s.insert(48...57); s.insert(65...90); s.insert(97...122); s.insert(UInt8(ascii: "_"))
        case UInt8(ascii: "s"), UInt8(ascii: "S"):
            for b: UInt8 in [9, 10, 11, 12, 13, 32] { s.insert(b) }
        case UInt8(ascii: "h"), UInt8(ascii: "H"):
            s.insert(9); s.insert(32); s.insert(0xa0)
        case UInt8(ascii: "v"), UInt8(ascii: "V"), UInt8(ascii: "R"):
            for b: UInt8 in [10, 11, 12, 13, 0x85] { s.insert(b) }
        case UInt8(ascii: "N"):
            s.insert(10)
            return s.complement
        default:
            return nil
        }
        let upper = c >= 65 && c <= 90 && c != UInt8(ascii: "R")
        return upper ? s.complement : s
    }

    mutating func parseClass() -> ByteSet {
        i += 1  // [
        var negate = false
        if peek() == UInt8(ascii: "^") { negate = true; i += 1 }
        var s = ByteSet()
        var firstItem = true
        while let c = peek() {
            if c == UInt8(ascii: "]"), !firstItem { i += 1; break }
            firstItem = false
            if c == UInt8(ascii: "["), peek(1) == UInt8(ascii: ":") {
                var k = i + 2
                var name = ""
                while k < p.count, p[k] != UInt8(ascii: ":") { name.append(Character(Unicode.Scalar(p[k]))); k += 1 }
                if k + 1 < p.count, p[k + 1] == UInt8(ascii: "]") {
                    i = k + 2
                    s = s.union(Self.posix(name))
                    continue
                }
            }
            var lo: UInt8
            if c == UInt8(ascii: "\\") {
                i += 1
                guard let e = peek() else { break }
                i += 1
                if let set = Self.classEscape(e) { s = s.union(set); continue }
                lo = e == UInt8(ascii: "b") ? 8 : escapedByte(e)
            } else {
                lo = c
                i += 1
            }
            if peek() == UInt8(ascii: "-"), let after = peek(1), after != UInt8(ascii: "]") {
                i += 1
                var hi: UInt8
                if after == UInt8(ascii: "\\") {
                    i += 1
                    let e = peek() ?? 0
                    i += 1
                    hi = escapedByte(e)
                } else {
                    hi = after
                    i += 1
                }
                if hi >= lo { for b in lo...hi { s = s.union(literal(b)) } }
            } else {
                s = s.union(literal(lo))
            }
        }
        return negate ? s.complement : s
    }

    static func posix(_ name: String) -> ByteSet {
        var s = ByteSet()
        switch name {
        case "alpha": s.insert(65...90); s.insert(97...122)
        case "digit": s.insert(48...57)
        case "alnum": s.insert(48...57); s.insert(65...90); s.insert(97...122)
        case "upper": s.insert(65...90)
        case "lower": s.insert(97...122)
        case "space": for b: UInt8 in [9, 10, 11, 12, 13, 32] { s.insert(b) }
        case "blank": s.insert(9); s.insert(32)
        case "xdigit": s.insert(48...57); s.insert(65...70); s.insert(97...102)
        case "punct": for b in UInt8(33)...UInt8(126) where !(48...57).contains(b) && !(65...90).contains(b) && !(97...122).contains(b) { s.insert(b) }
        case "word": s.insert(48...57); s.insert(65...90); s.insert(97...122); s.insert(95)
        case "print": s.insert(32...126)
        case "graph": s.insert(33...126)
        case "cntrl": s.insert(0...31); s.insert(127)
        default: return .all
        }
        return s
    }
}
