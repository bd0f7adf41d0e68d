import PCRE2
import Yams

/// A problem in a pattern file, with its position (`file:line:column`).
public struct PatternDiagnostic: Error, Sendable, CustomStringConvertible {
    public var position: FilePosition
    public var message: String
    public var description: String { "\(position): error: \(message)" }
}

/// Reads pattern files (YAML, docs/PATTERNS.md) into a `PatternSet`.
///
/// Every problem is collected with its `file:line:column`; a set with problems must not be used
/// (the CLI exits 2). Unknown fields are errors, as CONTRACT.md requires.
public struct PatternLoader {
    public private(set) var set = PatternSet()
    public private(set) var diagnostics: [PatternDiagnostic] = []
    /// Ids defined by the current layer, to find duplicates within it.
    private var layerIDs: [String: FilePosition] = [:]

    public init() {}

    /// The pattern files compiled into the binary (Patterns/**/*.yaml at build time).
    public static var embedded: [(path: String, text: String)] { embeddedPatternFiles }

    /// Loads the shipped patterns; returns the loader (check `diagnostics`).
    public static func shipped() -> PatternLoader {
        var loader = PatternLoader()
        loader.beginLayer()
        for file in embeddedPatternFiles { loader.load(text: file.text, file: file.path) }
        return loader
    }

    /// Starts a new layer: ids in it may override earlier layers but not repeat within it.
    public mutating func beginLayer() { layerIDs = [:] }

    /// Parses one file's text. Problems are appended to `diagnostics`.
    public mutating func load(text: String, file: String) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            diagnostics.append(PatternDiagnostic(position: yamlErrorPosition(error, file: file), message: "YAML: \(yamlErrorText(error))"))
            return
        } catch {
            diagnostics.append(PatternDiagnostic(position: FilePosition(file: file, line: 1, column: 1), message: "YAML: \(error)"))
            return
        }
        guard let root, case .mapping(let top) = root else {
            diagnostics.append(PatternDiagnostic(position: FilePosition(file: file, line: 1, column: 1),
                                                 message: "expected a mapping with `version: 1` and `signatures:` or `hypotheses:`"))
            return
        }
        // A problem with the file itself (its version, an unknown field, a list that is none)
        // leaves the whole file out, as README "Exit status" says of broken entries.
        let before = diagnostics.count
        var signatureItems: [Node] = [], hypothesisItems: [Node] = []
        for (k, v) in top {
            guard let key = k.string else { continue }
            switch key {
            case "version":
                if v.int != 1 { fail(v, file, "unsupported version \(v.string ?? "?") (this build reads version 1)") }
            case "signatures":
                guard case .sequence(let items) = v else { fail(v, file, "`signatures` must be a list"); continue }
                signatureItems = Array(items)
            case "hypotheses":
                guard case .sequence(let items) = v else { fail(v, file, "`hypotheses` must be a list"); continue }
                hypothesisItems = Array(items)
            default:
                fail(k, file, "unknown field `\(key)` (expected version, signatures, hypotheses)")
            }
        }
        guard diagnostics.count == before else { return }
        for item in signatureItems { if let s = entry({ $0.signature(item, file: file) }) { add(s) } }
        for item in hypothesisItems { if let h = entry({ $0.hypothesis(item, file: file) }) { add(h) } }
    }

    /// Reads one entry with `read`: nil when reading it found any error, so an entry with a
    /// problem is left out whatever the problem (an unknown field, a bad weight, an unknown
    /// controller), not used with the faulty part ignored.
    mutating func entry<T>(_ read: (inout PatternLoader) -> T?) -> T? {
        let before = diagnostics.count
        let value = read(&self)
        return diagnostics.count == before ? value : nil
    }

    /// Whether `id` is kebab-case, as docs/PATTERNS.md requires of ids: lowercase ASCII letters
    /// and digits in words joined by single hyphens (`artifact-fetch-connection-refused`).
    public static func isKebabCase(_ id: String) -> Bool {
        let words = id.split(separator: "-", omittingEmptySubsequences: false)
        return words.allSatisfy { w in !w.isEmpty && w.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) } }
    }

    /// Fails at `node` when `id` is not kebab-case (`isKebabCase`); `what` is `signature` or
    /// `hypothesis`.
    mutating func checkID(_ id: String, _ node: Node, _ file: String, _ what: String) {
        guard !Self.isKebabCase(id) else { return }
        fail(node, file, "\(what) id `\(id)` is not kebab-case (lowercase letters and digits joined by single hyphens, like `acme-quota-exceeded`)")
    }

    /// A controller a pattern file names (`controllers`, `ends_failed_reconciles`,
    /// `quotes.controller`, a condition's `controller`): a Deployment name of `FluxControllers.all`
    /// or the short form `--controller` accepts (`kustomize`, `image-reflector`), returned as the
    /// Deployment name. Any other name is an error at `node` (nil): a record never names it, so a
    /// signature or condition naming it would never hold.
    mutating func controllerName(_ node: Node, file: String, in field: String) -> String? {
        let name = node.string ?? ""
        let canonical = FluxControllers.canonical(name)
        guard FluxControllers.all.contains(canonical) else {
            fail(node, file, "unknown controller `\(name)` in `\(field)` (expected \(FluxControllers.all.joined(separator: ", ")), or the same without `-controller`\(field == "controllers" ? "; or `any` alone for every controller" : ""))")
            return nil
        }
        return canonical
    }

    /// `controllers:` of a signature, as Deployment names; empty (every controller) when absent or
    /// `any` (as `patterns list` prints it), `any` standing alone.
    mutating func controllerList(_ node: Node?, file: String) -> [String] {
        guard let node else { return [] }
        let items: [Node]
        if case .sequence(let list) = node { items = Array(list) } else { items = [node] }
        if items.count == 1, items[0].string == "any" { return [] }
        var out: [String] = []
        for item in items {
            if item.string == "any" { fail(item, file, "`any` means every controller: write `controllers: [any]` or leave `controllers` out"); continue }
            if let c = controllerName(item, file: file, in: "controllers"), !out.contains(c) { out.append(c) }
        }
        return out
    }

    // MARK: - Signatures

    static let signatureFields: Set<String> = [
        "id", "title", "controllers", "severity", "healthy", "role", "class", "field", "caseless",
        "literal", "regex", "examples", "source", "transient", "controller_healthy", "ends_failed_reconciles", "quotes", "relays",
    ]

    mutating func signature(_ node: Node, file: String) -> Signature? {
        guard case .mapping(let map) = node else { fail(node, file, "a signature must be a mapping"); return nil }
        var fields: [String: Node] = [:]
        for (k, v) in map {
            guard let key = k.string else { continue }
            if !Self.signatureFields.contains(key) {
                fail(k, file, "unknown field `\(key)` in signature (see docs/PATTERNS.md)")
                continue
            }
            fields[key] = v
        }
        let pos = position(node, file)
        guard let id = fields["id"]?.string, !id.isEmpty else { fail(node, file, "signature without `id`"); return nil }
        checkID(id, fields["id"]!, file, "signature")
        guard let regexNode = fields["regex"], let pattern = regexNode.string else {
            fail(node, file, "signature `\(id)` has no `regex`"); return nil
        }
        let caseless = fields["caseless"]?.bool ?? false
        let regex: Regex
        do {
            regex = try Regex(pattern, options: caseless ? [.caseless] : [])
        } catch let e as CompileError {
            var p = position(regexNode, file)
            if case .scalar(let s) = regexNode, s.style == .singleQuoted || s.style == .doubleQuoted {
                p.column += 1
            }
            p.column += e.offset
            diagnostics.append(PatternDiagnostic(position: p, message: "signature `\(id)`: regex does not compile: \(e.message) (PCRE2 error \(e.code), offset \(e.offset))"))
            return nil
        } catch {
            fail(regexNode, file, "signature `\(id)`: \(error)"); return nil
        }
        var severity = Severity.error
        if let s = fields["severity"] {
            guard let v = s.string.flatMap(Severity.init(rawValue:)) else {
                fail(s, file, "severity must be one of info, warning, error, critical"); return nil
            }
            severity = v
        }
        var role = SignalRole.failure
        if let r = fields["role"] {
            guard let v = r.string.flatMap(SignalRole.init(rawValue:)), v != .healthy else {
                fail(r, file, "role must be failure, wrapper or lifecycle (use `healthy: true` for success signals)"); return nil
            }
            role = v
        }
        if fields["healthy"]?.bool == true { role = .healthy }
        var field = MatchField.text
        if let f = fields["field"] {
            guard let v = f.string.flatMap(MatchField.init(rawValue:)) else {
                fail(f, file, "field must be text, message, error or raw"); return nil
            }
            field = v
        }
        var literal: [UInt8] = []
        if let l = fields["literal"]?.string {
            literal = Array((caseless ? LiteralDeriver.asciiLowercased(l) : l).utf8)
            // The literal must be in every example that matches; checked by `patterns lint`/tests.
        } else {
            let derived = LiteralDeriver.derive(pattern)
            literal = Array((caseless ? LiteralDeriver.asciiLowercased(derived) : derived).utf8)
        }
        var matches: [SignatureExample] = []
        var noMatches: [(String, FilePosition)] = []
        if let ex = fields["examples"] {
            guard case .mapping(let exMap) = ex else { fail(ex, file, "`examples` must be a mapping"); return nil }
            for (k, v) in exMap {
                switch k.string {
                case "match":
                    guard case .sequence(let items) = v else { fail(v, file, "`examples.match` must be a list"); continue }
                    for item in items {
                        if let line = item.string {
                            matches.append(SignatureExample(line: line, captures: [:], position: position(item, file)))
                        } else if case .mapping(let m) = item {
                            var line: String?
                            var caps: [String: String] = [:]
                            for (mk, mv) in m {
                                switch mk.string {
                                case "line": line = mv.string
                                case "captures":
                                    if case .mapping(let cm) = mv {
                                        for (ck, cv) in cm { if let ck = ck.string { caps[ck] = cv.string ?? "" } }
                                    } else { fail(mv, file, "`captures` must be a mapping") }
                                default: fail(mk, file, "unknown field `\(mk.string ?? "?")` in example (expected line, captures)")
                                }
                            }
                            if let line { matches.append(SignatureExample(line: line, captures: caps, position: position(item, file))) }
                            else { fail(item, file, "example without `line`") }
                        }
                    }
                case "no_match":
                    guard case .sequence(let items) = v else { fail(v, file, "`examples.no_match` must be a list"); continue }
                    for item in items {
                        if let line = item.string { noMatches.append((line, position(item, file))) }
                        else { fail(item, file, "a no_match example must be a string") }
                    }
                default:
                    fail(k, file, "unknown field `\(k.string ?? "?")` in examples (expected match, no_match)")
                }
            }
        }
        let controllers = controllerList(fields["controllers"], file: file)
        var signature = Signature(
            id: id, title: fields["title"]?.string ?? id, controllers: controllers, severity: severity,
            role: role, failureClass: fields["class"]?.string ?? id, field: field, caseless: caseless,
            literal: literal, regex: regex, matches: matches, noMatches: noMatches,
            source: fields["source"]?.string ?? "", position: pos)
        if let t = fields["transient"] {
            guard let v = t.bool else { fail(t, file, "transient must be true or false"); return nil }
            guard !v || role == .failure else {
                fail(t, file, "transient applies to failure signatures only (this one is \(role.rawValue))"); return nil
            }
            signature.transient = v
        }
        if let t = fields["controller_healthy"] {
            guard let v = t.bool else { fail(t, file, "controller_healthy must be true or false"); return nil }
            guard !v || role == .lifecycle else {
                fail(t, file, "controller_healthy applies to lifecycle signatures only (this one is \(role.rawValue); a healthy one already counts)"); return nil
            }
            signature.controllerHealthy = v
        }
        if let t = fields["ends_failed_reconciles"] {
            guard case .sequence(let items) = t, !items.isEmpty else {
                fail(t, file, "ends_failed_reconciles must be a list of controllers"); return nil
            }
            guard role == .healthy else {
                fail(t, file, "ends_failed_reconciles applies to healthy signatures only (this one is \(role.rawValue))"); return nil
            }
            var names: [String] = []
            for item in items {
                guard let name = controllerName(item, file: file, in: "ends_failed_reconciles") else { return nil }
                guard signature.controllers.isEmpty || signature.controllers.contains(name) else {
                    fail(item, file, "ends_failed_reconciles: \(item.string ?? "?") is not one of the signature's controllers"); return nil
                }
                names.append(name)
            }
            signature.endsFailedReconciles = names
        }
        if let q = fields["quotes"] {
            guard case .mapping(let m) = q else { fail(q, file, "`quotes` must be a mapping with `capture` and `controller`"); return nil }
            var capture: String?, controllerNode: Node?
            for (mk, mv) in m {
                switch mk.string {
                case "capture": capture = mv.string
                case "controller": controllerNode = mv
                default: fail(mk, file, "unknown field `\(mk.string ?? "?")` in quotes (expected capture, controller)")
                }
            }
            guard role == .failure else { fail(q, file, "quotes applies to failure signatures only (this one is \(role.rawValue))"); return nil }
            guard let capture, let controllerNode else {
                fail(q, file, "`quotes` needs `capture` (a named group of the regex) and `controller`"); return nil
            }
            guard let controller = controllerName(controllerNode, file: file, in: "quotes.controller") else { return nil }
            guard regex.names.contains(where: { $0.name == capture }) else {
                fail(q, file, "quotes.capture `\(capture)` is not a named group of the regex"); return nil
            }
            signature.quotes = (capture, controller)
        }
        if let r = fields["relays"] {
            guard let field = r.string, !field.isEmpty else { fail(r, file, "relays must name a field of the record (message)"); return nil }
            signature.relays = field
        }
        return signature
    }

    // MARK: - Hypotheses

    static let hypothesisFields: Set<String> = [
        "id", "title", "classes", "prior", "requires", "supports", "contradicts", "checks",
        "remediation", "explain", "source",
    ]
    /// The fields a hypothesis must have (docs/PATTERNS.md "Hypothesis"): what ranks it and what a
    /// report and `explain` show of it. `classes`, `supports` and `contradicts` may be left out;
    /// a missing `source` is a lint warning.
    static let requiredHypothesisFields = ["id", "title", "prior", "requires", "checks", "remediation", "explain"]
    static let conditionFields: Set<String> = ["signal", "controller", "capture", "min", "max", "prefix", "weight", "reason", "during", "same_object", "unless_healthy_since", "own_controller", "only_with", "after_failure"]

    mutating func hypothesis(_ node: Node, file: String) -> Hypothesis? {
        guard case .mapping(let map) = node else { fail(node, file, "a hypothesis must be a mapping"); return nil }
        var fields: [String: Node] = [:]
        for (k, v) in map {
            guard let key = k.string else { continue }
            if !Self.hypothesisFields.contains(key) {
                fail(k, file, "unknown field `\(key)` in hypothesis (see docs/PATTERNS.md)"); continue
            }
            fields[key] = v
        }
        guard let id = fields["id"]?.string, !id.isEmpty else { fail(node, file, "hypothesis without `id`"); return nil }
        checkID(id, fields["id"]!, file, "hypothesis")
        for field in Self.requiredHypothesisFields where fields[field] == nil {
            fail(node, file, "hypothesis `\(id)` has no `\(field)` (required: \(Self.requiredHypothesisFields.joined(separator: ", ")); docs/PATTERNS.md)")
        }
        var prior = 0.2
        if let p = fields["prior"] {
            guard let v = p.float, v > 0, v < 1 else { fail(p, file, "prior must be a number in (0, 1)"); return nil }
            prior = v
        }
        var any: [String] = [], all: [String] = []
        if let r = fields["requires"] {
            guard case .mapping(let rm) = r else { fail(r, file, "`requires` must be a mapping with any_of/all_of"); return nil }
            for (k, v) in rm {
                switch k.string {
                case "any_of": any = strings(v)
                case "all_of": all = strings(v)
                default: fail(k, file, "unknown field `\(k.string ?? "?")` in requires (expected any_of, all_of)")
                }
            }
        }
        let checks = steps(fields["checks"], file: file), remediation = steps(fields["remediation"], file: file)
        var h = Hypothesis(
            id: id, title: fields["title"]?.string ?? id, classes: fields["classes"].map { strings($0) } ?? [],
            prior: prior, requiresAny: any, requiresAll: all,
            supports: conditions(fields["supports"], file: file), contradicts: conditions(fields["contradicts"], file: file),
            checks: checks.map(\.text), remediation: remediation.map(\.text),
            explain: fields["explain"]?.string ?? "", source: fields["source"]?.string ?? "", position: position(node, file))
        h.checkSignals = checks.map(\.when)
        h.remediationSignals = remediation.map(\.when)
        h.checkKinds = checks.map(\.kinds)
        h.remediationKinds = remediation.map(\.kinds)
        h.checkOnlyWhen = checks.map(\.onlyWhen)
        h.remediationOnlyWhen = remediation.map(\.onlyWhen)
        h.checkUnless = checks.map(\.unless)
        h.remediationUnless = remediation.map(\.unless)
        return h
    }

    /// `checks` / `remediation`: a list whose items are a string, or a mapping `{when: [signal,
    /// ...], only_when: [signal, ...], unless: [signal, ...], kinds: [Kind, ...], text: "..."}` for
    /// a step about some signals or some Flux kinds only (docs/PATTERNS.md). A kind must be one of
    /// `FluxControllers.kindSpelling`'s.
    mutating func steps(_ node: Node?, file: String) -> [(text: String, when: [String], kinds: [String], onlyWhen: [String], unless: [String])] {
        guard let node else { return [] }
        guard case .sequence(let items) = node else { return strings(node).map { ($0, [], [], [], []) } }
        var out: [(text: String, when: [String], kinds: [String], onlyWhen: [String], unless: [String])] = []
        let known = Set(FluxControllers.kindSpelling.values)
        for item in items {
            if let s = item.string { out.append((s, [], [], [], [])); continue }
            guard case .mapping(let m) = item else {
                fail(item, file, "a check or fix must be a string or a mapping with `text` and `when`, `only_when`, `unless` or `kinds`"); continue
            }
            var text: String?, when: [String] = [], kinds: [String] = [], onlyWhen: [String] = [], unless: [String] = []
            for (k, v) in m {
                switch k.string {
                case "text": text = v.string
                case "when": when = strings(v)
                case "only_when": onlyWhen = strings(v)
                case "unless": unless = strings(v)
                case "kinds":
                    kinds = strings(v)
                    for kind in kinds where !known.contains(kind) {
                        fail(v, file, "unknown Flux kind `\(kind)` in `kinds` (expected \(known.sorted().joined(separator: ", ")))")
                    }
                default: fail(k, file, "unknown field `\(k.string ?? "?")` in a check or fix (expected text, when, only_when, unless, kinds)")
                }
            }
            guard let text, !text.isEmpty else { fail(item, file, "a check or fix without `text`"); continue }
            out.append((text, when, kinds, onlyWhen, unless))
        }
        return out
    }

    mutating func conditions(_ node: Node?, file: String) -> [SignalCondition] {
        guard let node else { return [] }
        guard case .sequence(let items) = node else { fail(node, file, "expected a list of signal conditions"); return [] }
        var out: [SignalCondition] = []
        for item in items {
            guard case .mapping(let m) = item else { fail(item, file, "a signal condition must be a mapping"); continue }
            var c = SignalCondition(signals: [], controller: nil, capture: nil, min: nil, max: nil, prefix: nil, weight: 1, reason: "")
            for (k, v) in m {
                guard let key = k.string else { continue }
                switch key {
                case "signal": c.signals = strings(v)
                case "controller": c.controller = controllerName(v, file: file, in: "controller")
                case "capture": c.capture = v.string
                case "min": c.min = v.float
                case "max": c.max = v.float
                case "prefix": c.prefix = v.string
                case "weight":
                    guard let w = v.float, w >= 0 else { fail(v, file, "weight must be a number >= 0"); continue }
                    c.weight = w
                case "reason": c.reason = v.string ?? ""
                case "during":
                    guard let b = v.bool else { fail(v, file, "during must be true or false"); continue }
                    c.during = b
                case "same_object":
                    guard let b = v.bool else { fail(v, file, "same_object must be true or false"); continue }
                    c.sameObject = b
                case "unless_healthy_since":
                    guard let b = v.bool else { fail(v, file, "unless_healthy_since must be true or false"); continue }
                    c.unlessHealthySince = b
                case "own_controller":
                    guard let b = v.bool else { fail(v, file, "own_controller must be true or false"); continue }
                    c.ownController = b
                case "only_with":
                    c.onlyWith = strings(v)
                    if c.onlyWith.isEmpty { fail(v, file, "only_with must name one signal or a list of them"); continue }
                case "after_failure":
                    guard let b = v.bool else { fail(v, file, "after_failure must be true or false"); continue }
                    c.afterFailure = b
                default: fail(k, file, "unknown field `\(key)` in signal condition (expected \(Self.conditionFields.sorted().joined(separator: ", ")))")
                }
            }
            if c.signals.isEmpty { fail(item, file, "signal condition without `signal`"); continue }
            if c.unlessHealthySince, c.controller == nil {
                fail(item, file, "unless_healthy_since needs `controller`: whose healthy records end the condition"); continue
            }
            out.append(c)
        }
        return out
    }

    // MARK: - Helpers

    mutating func add(_ s: Signature) {
        if let prev = layerIDs[s.id] {
            diagnostics.append(PatternDiagnostic(position: s.position, message: "duplicate id `\(s.id)` (first defined at \(prev))"))
            return
        }
        layerIDs[s.id] = s.position
        if let i = set.signatures.firstIndex(where: { $0.id == s.id }) { set.signatures[i] = s } else { set.signatures.append(s) }
    }

    mutating func add(_ h: Hypothesis) {
        let key = "hypothesis:" + h.id
        if let prev = layerIDs[key] {
            diagnostics.append(PatternDiagnostic(position: h.position, message: "duplicate hypothesis id `\(h.id)` (first defined at \(prev))"))
            return
        }
        layerIDs[key] = h.position
        if let i = set.hypotheses.firstIndex(where: { $0.id == h.id }) { set.hypotheses[i] = h } else { set.hypotheses.append(h) }
    }

    /// Checks cross-references: every signal a hypothesis names is a signature or a derived signal;
    /// a hypothesis naming another is reported and left out of `set`.
    public mutating func validateReferences() {
        let known = Set(set.signatures.map(\.id)).union(DerivedSignal.all)
        set.hypotheses.removeAll { h in
            let named = h.requiresAny + h.requiresAll + h.supports.flatMap(\.signals) + h.contradicts.flatMap(\.signals)
                + (h.supports + h.contradicts).flatMap(\.onlyWith) + h.stepSignals
            let unknown = named.filter { !known.contains($0) }
            for name in unknown {
                diagnostics.append(PatternDiagnostic(position: h.position, message: "hypothesis `\(h.id)` names unknown signal `\(name)`"))
            }
            // Left out, as every entry with an error is: a condition on a signal that never
            // occurs would silently never hold.
            return !unknown.isEmpty
        }
    }

    func strings(_ node: Node) -> [String] {
        if case .sequence(let items) = node { return items.compactMap(\.string) }
        return node.string.map { [$0] } ?? []
    }

    func position(_ node: Node, _ file: String) -> FilePosition {
        FilePosition(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// Appends a diagnostic found outside the YAML reader (unreadable file, missing folder).
    public mutating func appendDiagnostic(_ d: PatternDiagnostic) { diagnostics.append(d) }

    mutating func fail(_ node: Node, _ file: String, _ message: String) {
        diagnostics.append(PatternDiagnostic(position: position(node, file), message: message))
    }

    func yamlErrorPosition(_ error: YamlError, file: String) -> FilePosition {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return FilePosition(file: file, line: mark.line, column: mark.column)
        default:
            return FilePosition(file: file, line: 1, column: 1)
        }
    }

    func yamlErrorText(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return "\(error)"
        }
    }
}

/// Signals the correlator derives from the whole input rather than from one line.
public enum DerivedSignal {
    /// source-controller logged during the input, but not during the incident's span.
    public static let sourceControllerSilent = "source-controller-silent"
    /// The input holds no source-controller record.
    public static let sourceControllerLogsAbsent = "source-controller-logs-absent"
    /// A kubelet log path shows a new container of the controller's pod (`1.log` after `0.log`).
    public static let containerRestarted = "container-restarted"
    public static let all: Set<String> = Set([sourceControllerSilent, sourceControllerLogsAbsent, containerRestarted]).union(lifetimeSignals)
}
