import PCRE2

/// Severity of a signature and of an incident (CONTRACT.md: `info|warning|error|critical`).
public enum Severity: String, Sendable, Comparable, CaseIterable, Codable {
    case info, warning, error, critical
    var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// How a signature's events take part in correlation (docs/PATTERNS.md "Roles").
public enum SignalRole: String, Sendable, Codable {
    /// Starts or joins an incident of its class.
    case failure
    /// A generic failure line (`Reconciliation failed after ...`) that joins an incident of the same
    /// object when there is one.
    case wrapper
    /// Start-up, leader election, shutdown: evidence only.
    case lifecycle
    /// Success: resolves incidents of the same object, evidence that a controller works.
    case healthy
}

/// Which text of a record a signature's regex runs on (docs/PATTERNS.md).
public enum MatchField: String, Sendable {
    case text, message, error, raw
}

/// A place in a pattern file, for diagnostics: `file:line:column` (1-based).
public struct FilePosition: Sendable, CustomStringConvertible, Hashable {
    public var file: String
    public var line: Int
    public var column: Int
    public var description: String { "\(file):\(line):\(column)" }
}

/// One example line of a signature and the captures it must yield.
public struct SignatureExample: Sendable {
    public var line: String
    public var captures: [String: String]
    public var position: FilePosition
}

/// A compiled signature: a PCRE2 regex over one field of a record, with its metadata.
/// Schema: docs/PATTERNS.md and CONTRACT.md "Pattern files, version 1".
public struct Signature: @unchecked Sendable {
    public var id: String
    public var title: String
    public var controllers: [String]
    public var severity: Severity
    public var role: SignalRole
    public var failureClass: String
    public var field: MatchField
    public var caseless: Bool
    /// Required substring (lowercased when `caseless`), UTF-8; empty when none could be derived.
    public var literal: [UInt8]
    public var regex: Regex
    public var matches: [SignatureExample]
    public var noMatches: [(line: String, position: FilePosition)]
    public var source: String
    public var position: FilePosition
    /// `transient: true` (extension, docs/PATTERNS.md): a failure that clears by itself without
    /// anyone acting (a wait on a dependency or a source, a refused or timed-out connection, a
    /// DNS timeout). An incident made only of such failures, short and resolved, is reported at
    /// `info` (docs/SCORING.md "Transient incidents").
    public var transient = false
    /// `controller_healthy: true` (extension, docs/PATTERNS.md; lifecycle signatures only): the
    /// event shows its controller working, whatever its object (a leader lease acquired: a
    /// lease write the API server accepted, and the controller leads again). It resolves an
    /// incident about the controller itself (`Incident.resolutionTargets`), as a healthy event does.
    public var controllerHealthy = false
    /// `ends_failed_reconciles: [controller, ...]` (extension, docs/PATTERNS.md; healthy
    /// signatures only): these controllers log the line at the end of every reconcile, failed or
    /// not (helm-controller <= v0.36's `reconcilation finished in %s, next run in %s` after
    /// `r.reconcile` whatever its error, controllers/helmrelease_controller.go). Such an event
    /// within `EventStore.endsFailedReconcileMillis` after a failure or wrapper event of its object
    /// ends that failed reconcile: it shows the controller working, not the object healthy.
    public var endsFailedReconciles: [String] = []
    /// `quotes:` (extension, docs/PATTERNS.md; failure signatures only): a wait whose named
    /// capture `capture` quotes another object's error as `controller` logged it (helm-controller's
    /// `HelmChart 'ns/name' is not ready: <the HelmChart's Ready message>`, FLUX-LOGS.md 3.2,
    /// 3.11). The quoted text is matched against `controller`'s signatures (`QuotedCause`).
    public var quotes: (capture: String, controller: String)?
    /// `relays:` (extension, docs/PATTERNS.md): the record relays an event of the object it names,
    /// whose message is the record's field of this name (notification-controller's `dispatching
    /// event` with `message`, internal/server/event_handlers.go). The message is matched as a
    /// record of the controller that reconciles the object's kind; its failure and wrapper hits
    /// are events of that controller about the object (`QuotedCause.relayed`).
    public var relays: String?

    public var healthy: Bool { role == .healthy }
}

/// A condition on a signal used by a hypothesis: the signal id, optionally only from one
/// controller, optionally with a capture inside a range (Go durations, in seconds) or with a prefix.
public struct SignalCondition: Sendable {
    /// The signal ids; the condition holds when any of them does (YAML: a string or a list).
    public var signals: [String]
    /// The signals as written, for messages: `a` or `a|b`.
    public var signal: String { signals.joined(separator: "|") }
    public var controller: String?
    public var capture: String?
    public var min: Double?
    public var max: Double?
    public var prefix: String?
    public var weight: Double
    public var reason: String
    /// True (YAML `during: true`): only events from when the incident's failures began (its first
    /// failed attempt, `Incident.failureSpan`, else its first event) to its last event count, not
    /// those of the `--window` before it. For evidence about a state that must hold while the
    /// failures went on ("source-controller kept storing artifacts"), which lines from before
    /// the first failure do not show (docs/SCORING.md 2).
    public var during: Bool = false
    /// True (YAML `same_object: true`): only events about the incident's own objects count (its
    /// upstream, affected and directly waiting objects). For a failure of one object that says
    /// what broke it (`kustomize-missing-resource`): another Kustomization's missing file in the
    /// same window is no evidence about this one.
    public var sameObject: Bool = false
    /// True (YAML `unless_healthy_since: true`, with `controller`): an event before the
    /// incident's failures began (its first failed attempt, `Incident.failureSpan`, else its first
    /// failure) counts only when that controller logged no healthy record between it and then. For a restart, a kill or a leader-lease wait that explains the
    /// failures only while the controller is down: one that ended in minutes of healthy
    /// reconciliations before the first failure did not cause them (a trial: a source-controller
    /// start 5 minutes before a NetworkPolicy's refusals, reconciling every minute since, made
    /// "source-controller unavailable" first).
    public var unlessHealthySince: Bool = false
    /// True (YAML `own_controller: true`): the condition counts only events of the incident's own
    /// controllers (those whose events the incident holds); with `controller`, it holds only for
    /// an incident whose own events include that controller's. For a controller's restart that
    /// explains only its own failures: image-automation-controller's crash loop is no upgrade
    /// behind source-controller's known_hosts mismatch (a 300 MB corpus folded 22 OOM kills of
    /// image-automation-controller into a GitRepository's incident as "an upgraded controller"),
    /// and kustomize-controller's `starting manager` is no restart of a killed source-controller
    /// (trial 21).
    public var ownController: Bool = false
    /// YAML `only_with: [signal, ...]`: the condition holds only for an incident whose own
    /// signals (what `requires` tests) include one of these; empty: every incident. For evidence
    /// that means something only about one kind of failure: other Kustomizations applying while
    /// one object's apply fails says its requests went elsewhere (a remote cluster), but says
    /// nothing about a controller's own leader lease, which is always renewed in its own API
    /// server (a 300 MB corpus: sporadic lease timeouts over two hours, with reconciliations
    /// finishing between them, fell from apiserver-unreachable 0.96 to 0.33).
    public var onlyWith: [String] = []
    /// True (YAML `after_failure: true`): an event counts only when it began after the first
    /// failure record of the incident from the same controller (an event of a controller the
    /// incident holds no failure of never counts). For a condition that says something came
    /// after the failure, a restart that followed an exit: a `starting manager` a minute before
    /// the first panic is the lifetime the panic happened in, not the kubelet restarting the
    /// process (trial 22: cited as "the controller started again right after").
    public var afterFailure: Bool = false
}

/// A root-cause hypothesis (docs/PATTERNS.md "Hypothesis", CONTRACT.md ids).
public struct Hypothesis: Sendable {
    public var id: String
    public var title: String
    public var classes: [String]
    public var prior: Double
    public var requiresAny: [String]
    public var requiresAll: [String]
    public var supports: [SignalCondition]
    public var contradicts: [SignalCondition]
    public var checks: [String]
    public var remediation: [String]
    /// For each of `checks`, the signals it is about (YAML `when:`, docs/PATTERNS.md); empty for
    /// a check that always applies. A report lists the checks about signals it saw first.
    public var checkSignals: [[String]] = []
    /// For each of `remediation`, the signals it is about, as `checkSignals`.
    public var remediationSignals: [[String]] = []
    /// For each of `checks`, the Flux kinds it is about (YAML `kinds:`, API spelling such as
    /// `HelmRelease`; docs/PATTERNS.md); empty for a check about any. A report leaves out a check
    /// whose kinds none of the incident's objects has (`flux reconcile kustomization` for an
    /// incident about a HelmRelease).
    public var checkKinds: [[String]] = []
    /// For each of `remediation`, the kinds it is about, as `checkKinds`.
    public var remediationKinds: [[String]] = []
    /// For each of `checks`, the signals without which a report leaves it out (YAML
    /// `only_when:`, docs/PATTERNS.md): one of them must have been seen; empty for a check shown
    /// whatever was seen. `explain` prints every step.
    public var checkOnlyWhen: [[String]] = []
    /// For each of `remediation`, as `checkOnlyWhen`.
    public var remediationOnlyWhen: [[String]] = []
    /// For each of `checks`, the signals with which a report leaves it out (YAML `unless:`,
    /// docs/PATTERNS.md): none of them may have been seen (as `when` counts them); empty for a
    /// check no signal excludes. `explain` prints every step.
    public var checkUnless: [[String]] = []
    /// For each of `remediation`, as `checkUnless`.
    public var remediationUnless: [[String]] = []
    public var explain: String
    public var source: String
    public var position: FilePosition

    /// Every signal its steps name (`when:`, `only_when:` and `unless:` of its checks and fixes).
    public var stepSignals: [String] {
        (checkSignals + remediationSignals + checkOnlyWhen + remediationOnlyWhen + checkUnless + remediationUnless).flatMap { $0 }
    }
}

/// Every signature and hypothesis in force, ids unique (later files override earlier ones).
public struct PatternSet: @unchecked Sendable {
    public var signatures: [Signature] = []
    public var hypotheses: [Hypothesis] = []

    public init() {}

    public func signature(_ id: String) -> Signature? { signatures.first { $0.id == id } }

    /// Ids of the signals some hypothesis reads: as evidence (`supports`, `contradicts`) or in its
    /// check and remediation steps (`checkSignals`, `remediationSignals`, `checkOnlyWhen`,
    /// `remediationOnlyWhen`, `checkUnless`, `remediationUnless`). The diagnosis looks at
    /// no other signal's occurrences or timelines (`Diagnoser.session`).
    public var evidenceSignals: Set<String> {
        Set(hypotheses.flatMap {
            ($0.supports + $0.contradicts).flatMap(\.signals) + $0.stepSignals
        })
    }
}
