/// Noise a healthy cluster absorbs by itself (docs/SCORING.md "Transient incidents"): a
/// Kustomization waiting 30 s for a dependsOn target that is applying the same commit, a download
/// refused while source-controller restarts and retried 5 s later, a HelmRelease waiting for the
/// HelmChart it just changed, a Git clone whose DNS lookup timed out once. Flux retries these on
/// its own (`--requeue-dependency` 30 s, retryablehttp; FLUX-LOGS.md 3.2, 3.11) and the next
/// attempt succeeds. Such an incident is still reported, at `info`, with `transient: true`.
public enum TransientRule {
    /// The most failure records per affected object: ten, five minutes of Flux's 30 s requeues
    /// (`--requeue-dependency`, FLUX-LOGS.md 3.11); retryablehttp's attempts are 5 to 30 s apart
    /// (FLUX-LOGS.md 3.2), so ten of them are at most five minutes of refusals too.
    public static let maxRecordsPerObject = 10
    /// The longest span of a transient incident, first event to last: 30 minutes. Short waits
    /// that come back with each commit (two 1-minute waits 15 minutes apart are one incident
    /// under the default 15m window) stay transient; a condition that keeps returning for longer
    /// is reported as it is.
    public static let maxSpanMillis: Int64 = 30 * 60_000
    /// How far apart the reports of one failed reconcile may be: a minute (the reconciler's
    /// `Reconciliation failed after ...` and controller-runtime's `Reconciler error` for the
    /// same run are logged together).
    public static let oneRunMillis: Int64 = 60_000

    /// Whether `incident` is transient:
    /// 1. it is `resolved` (every affected object logged a healthy event after the last failure);
    /// 2. every failure signal is a signature marked `transient: true` (a wait, a refused or
    ///    timed-out connection, a DNS timeout: faults that clear without anyone acting);
    /// 3. it is short: at most `maxRecordsPerObject` failure records per affected object, and its
    ///    events span at most `maxSpanMillis`;
    ///    A wait that quotes its source's error (`Incident.quotedCauses`) counts as that error;
    /// 4. it holds no report of a failed reconcile (a signature declared `role: wrapper`, such as
    ///    `Reconciliation failed after 3m35s` once retryablehttp gave up, or `Reconciler error`),
    ///    unless the reports are of a single failed run (`failedRuns`): one failed record of the
    ///    controllers that report it, then success on the next.
    /// An incident with no failure signal (no signature knows the cause, only a failed
    /// reconcile's reports) is transient when it is resolved and was one failed run: each
    /// report once, within `oneRunMillis`.
    public static func applies(to incident: Incident, patterns: PatternSet) -> Bool {
        guard incident.status == .resolved else { return false }
        guard incident.lastSeen.millis - incident.firstSeen.millis <= maxSpanMillis else { return false }
        // A failure signature that hit the same record as a more specific one joins the incident
        // as a wrapper (docs/PATTERNS.md "Roles"); it is still a failure kind and must be transient.
        var failureKinds: [SignalSummary] = [], reports: [SignalSummary] = []
        for s in incident.signals {
            let declared = patterns.signature(s.signature)
            if s.role == .failure || declared?.role == .failure { failureKinds.append(s) } else { reports.append(s) }
        }
        // No signature names the cause, only a failed reconcile's reports (`Reconciler error`,
        // `Reconciliation failed after ...`): one failed run, each report once, and success on
        // the next attempt (a status patch whose connection was reset, retried 5 ms later) is
        // what Flux absorbs; a fault that needs someone to act fails every retry until they do.
        if failureKinds.isEmpty {
            return !reports.isEmpty && reports.allSatisfy { $0.count == 1 }
                && incident.lastSeen.millis - incident.firstSeen.millis <= oneRunMillis
        }
        guard failureKinds.allSatisfy({ patterns.signature($0.signature)?.transient == true }) else { return false }
        // A wait that quotes its source's error (`QuotedCause`) is as transient as that error: a
        // HelmChart's `401 Unauthorized` waits for new credentials, not for Flux's next retry.
        guard incident.quotedCauses.allSatisfy({ patterns.signature($0)?.transient == true }) else { return false }
        // One record is one failure (its co-matching signatures are wrappers), so the failure
        // signals' counts are the failed records.
        let failedRecords = incident.signals.filter { $0.role == .failure }.reduce(0) { $0 + $1.count }
        guard failedRecords <= maxRecordsPerObject * max(1, incident.affected.count) else { return false }
        return reports.isEmpty || failedRuns(reportedIn: incident, reports: reports) == 1
    }

    /// The failed runs that `reports` (signals of signatures declared `role: wrapper`) report:
    /// for each controller that logged one, its failure records (one record, one failed run: the
    /// cause and its wrappers share it), or its most repeated report when no signature named the
    /// cause. A report says that its own controller's reconcile failed. Another controller's
    /// records that report no failed run of their own (helm-controller's `HelmChart '%s/%s' is
    /// not ready: %s` at info, quoting the HelmChart's error: FLUX-LOGS.md 3.2, 3.11) are not more
    /// failed runs of it, so one failed chart pull reads the same with helm-controller's log
    /// alone (no report) as with source-controller's `Reconciler error` beside it (a trial).
    static func failedRuns(reportedIn incident: Incident, reports: [SignalSummary]) -> Int {
        Set(reports.map(\.controller)).reduce(0) { total, controller in
            let records = incident.signals.filter { $0.role == .failure && $0.controller == controller }.reduce(0) { $0 + $1.count }
            return total + (records > 0 ? records : reports.filter { $0.controller == controller }.map(\.count).max() ?? 0)
        }
    }

    /// Marks a transient incident and reports it at `info`.
    public static func apply(to incident: inout Incident, patterns: PatternSet) {
        guard applies(to: incident, patterns: patterns) else { return }
        incident.transient = true
        incident.severity = .info
    }
}

extension TransientRule {
    /// Derived signals of a controller that ended without being asked to (docs/PATTERNS.md
    /// "Lifetimes, silence and cadence"): killed (the stream just ends: OOM kill, SIGKILL),
    /// probe-killed, or stopped in the middle of a Helm action.
    public static let unplannedEnds: Set<String> = [
        DerivedSignal.controllerKilled, DerivedSignal.controllerProbeKilled, DerivedSignal.helmActionInterrupted,
    ]

    /// A download refused while source-controller restarts is noise when the restart was planned
    /// (a rollout: graceful stop lines, then start-up) and Flux's retry 5 s later succeeds. When a
    /// controller was killed instead, the same lines are the trace of a crash someone has to
    /// look at (the `oom-killed-source-controller` sample): a transient incident with an
    /// unplanned end of any controller from `window` before its first event to its last event is
    /// not transient, and gets back the highest severity of its signals and of the incidents
    /// folded under it.
    /// - Parameter ends: occurrences of `unplannedEnds` (others are ignored).
    public static func revert(_ incidents: [Incident], ends: [Occurrence], windowMillis: Int64, patterns: PatternSet) -> [Incident] {
        let unplanned = ends.filter { unplannedEnds.contains($0.signature) }
        guard !unplanned.isEmpty else { return incidents }
        return incidents.map { revert($0, unplanned: unplanned, windowMillis: windowMillis, patterns: patterns) }
    }

    /// `revert` of one incident, with the ends already chosen.
    /// - Parameter unplanned: occurrences of `unplannedEnds` only.
    public static func revert(_ i: Incident, unplanned: [Occurrence], windowMillis: Int64, patterns: PatternSet) -> Incident {
        guard i.transient else { return i }
        let from = i.firstSeen.millis - windowMillis, to = i.lastSeen.millis
        guard unplanned.contains(where: { $0.last.millis >= from && $0.first.millis <= to }) else { return i }
        var out = i
        out.transient = false
        out.severity = (i.signals.compactMap { patterns.signature($0.signature)?.severity } + i.downstream.map(\.severity))
            .max() ?? i.severity
        return out
    }
}
