import Testing
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif
@testable import LogScan

/// Flux controller lines for lifetime stories. Message texts: FLUX-LOGS.md 1.2 (`starting
/// manager`, logger `setup`), 3.12 (client-go >= v0.35 lease lines with key `lock`, as the real
/// 2026 shapes in Patterns/signatures/lifecycle.yaml; controller-runtime's graceful stop lines;
/// `problem running manager` ... `leader election lost`), 1.4 and 3.15 (reconcile lines, the
/// third-era context), 3.1 (`running 'upgrade' action with timeout of 5m0s`), 3.7 (`Helm upgrade
/// succeeded for release ...`). Times count in seconds from 2026-11-24T10:00:00Z.
enum FluxLine {
    static let base = Timestamp.utc(year: 2026, month: 11, day: 24, hour: 10, minute: 0, second: 0, millis: 0)!
    static func ts(_ s: Double) -> String { Timestamp(millis: base.millis + Int64((s * 1000).rounded())).rfc3339 }
    static func clock(_ s: Double) -> String { Timestamp(millis: base.millis + Int64((s * 1000).rounded())).clock }

    static let groups = ["source-controller": ("gitrepository", "source.toolkit.fluxcd.io", "GitRepository"),
                         "kustomize-controller": ("kustomization", "kustomize.toolkit.fluxcd.io", "Kustomization"),
                         "helm-controller": ("helmrelease", "helm.toolkit.fluxcd.io", "HelmRelease")]

    static func startingManager(_ s: Double) -> String { #"{"level":"info","ts":"\#(ts(s))","logger":"setup","msg":"starting manager"}"# }
    static func leaseAttempt(_ s: Double, _ c: String) -> String {
        #"{"level":"info","ts":"\#(ts(s))","logger":"runtime","msg":"Attempting to acquire leader lease...","lock":"flux-system/\#(c)-leader-election"}"#
    }
    static func leaseAcquired(_ s: Double, _ c: String) -> String {
        #"{"level":"info","ts":"\#(ts(s))","logger":"runtime","msg":"Successfully acquired lease","lock":"flux-system/\#(c)-leader-election"}"#
    }
    /// `starting manager`, then the lease 0.1 s later.
    static func startUp(_ s: Double, _ c: String) -> [String] { [startingManager(s), leaseAttempt(s + 0.1, c), leaseAcquired(s + 0.12, c)] }
    /// controller-runtime's graceful stop after SIGTERM.
    static func gracefulStop(_ s: Double, _ c: String) -> [String] {
        let g = groups[c]!
        let cr = #""controller":"\#(g.0)","controllerGroup":"\#(g.1)","controllerKind":"\#(g.2)""#
        return [
            #"{"level":"info","ts":"\#(ts(s))","msg":"Stopping and waiting for non leader election runnables"}"#,
            #"{"level":"info","ts":"\#(ts(s))","msg":"Stopping and waiting for leader election runnables"}"#,
            #"{"level":"info","ts":"\#(ts(s + 0.001))","msg":"Shutdown signal received, waiting for all workers to finish",\#(cr)}"#,
            #"{"level":"info","ts":"\#(ts(s + 0.002))","msg":"All workers finished",\#(cr)}"#,
            #"{"level":"info","ts":"\#(ts(s + 0.003))","msg":"Stopping and waiting for caches"}"#,
            #"{"level":"info","ts":"\#(ts(s + 0.004))","msg":"Stopping and waiting for HTTP servers"}"#,
            #"{"level":"info","ts":"\#(ts(s + 0.005))","msg":"Wait completed, proceeding to shutdown the manager"}"#,
        ]
    }
    static func problemRunningManager(_ s: Double) -> String {
        #"{"level":"error","ts":"\#(ts(s))","logger":"setup","msg":"problem running manager","error":"leader election lost"}"#
    }
    static func ctx(_ c: String, _ name: String, _ ns: String = "flux-system") -> String {
        let g = groups[c]!
        return #""controller":"\#(g.0)","controllerGroup":"\#(g.1)","controllerKind":"\#(g.2)","\#(g.2)":{"name":"\#(name)","namespace":"\#(ns)"},"namespace":"\#(ns)","name":"\#(name)","reconcileID":"3f1c2a9e-5b7d-4c1e-9a2f-6d8e0b1c2d3e""#
    }
    static func noChanges(_ s: Double, _ name: String = "flux-system") -> String {
        #"{"level":"info","ts":"\#(ts(s))","msg":"no changes since last reconciliation: observed revision 'main@sha1:0123456789abcdef0123456789abcdef01234567'",\#(ctx("source-controller", name))}"#
    }
    static func finished(_ s: Double, _ name: String, next: String = "10m0s") -> String {
        #"{"level":"info","ts":"\#(ts(s))","msg":"Reconciliation finished in 2.117s, next run in \#(next)",\#(ctx("kustomize-controller", name)),"revision":"main@sha1:0123456789abcdef0123456789abcdef01234567"}"#
    }
    static func failed(_ s: Double, _ name: String) -> String {
        #"{"level":"error","ts":"\#(ts(s))","msg":"Reconciliation failed after 5m0.4s, next try in 5m0s",\#(ctx("kustomize-controller", name)),"revision":"main@sha1:0123456789abcdef0123456789abcdef01234567","error":"health check failed after 5m0.01s: timeout waiting for: [Deployment/podinfo/podinfo status: 'InProgress']"}"#
    }
    static func runningUpgrade(_ s: Double) -> String {
        #"{"level":"info","ts":"\#(ts(s))","msg":"running 'upgrade' action with timeout of 5m0s",\#(ctx("helm-controller", "podinfo", "podinfo"))}"#
    }
    static func upgradeSucceeded(_ s: Double) -> String {
        #"{"level":"debug","ts":"\#(ts(s))","logger":"events","msg":"Helm upgrade succeeded for release podinfo/podinfo.v4 with chart podinfo@6.5.4","type":"Normal","object":{"kind":"HelmRelease","namespace":"podinfo","name":"podinfo","uid":"2f7f7c1e-8d3a-4b5c-9e6f-0a1b2c3d4e5f","apiVersion":"helm.toolkit.fluxcd.io/v2","resourceVersion":"48213"},"reason":"UpgradeSucceeded"}"#
    }
    static func inSync(_ s: Double) -> String {
        #"{"level":"info","ts":"\#(ts(s))","msg":"release in-sync with desired state",\#(ctx("helm-controller", "podinfo", "podinfo"))}"#
    }
    static func dispatching(_ s: Double) -> String {
        #"{"level":"info","ts":"\#(ts(s))","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"Kustomization","namespace":"flux-system","name":"apps"},"message":"Reconciliation finished in 2.1s, next run in 10m0s"}"#
    }
    /// source-controller reconciling its GitRepository every minute from `from` to `to` (seconds).
    static func everyMinute(_ from: Double, _ to: Double, _ line: (Double) -> String) -> [String] {
        stride(from: from, through: to, by: 60).map(line)
    }
}

let shippedPatterns = PatternLoader.shipped().set

/// Scans each (file name, lines) as one input, in order, with the shipped patterns.
func scanInputs(_ inputs: [(String, [String])], window: Double = 900, configure: (LogScanner) -> Void = { _ in }) throws -> ScanResult {
    let scanner = LogScanner(patterns: shippedPatterns, windowSeconds: window)
    configure(scanner)
    for (name, lines) in inputs {
        let (fd, path) = try tempFile(Array((lines.joined(separator: "\n") + "\n").utf8))
        defer { try? fd.close(); unlink(path) }
        scanner.scan(fd: fd, name: name, fileName: name)
    }
    return scanner.result
}

@Suite struct LifetimeSummaryTests {
    /// An OOM kill leaves no line (FLUX-LOGS.md 3.12): the first container's log just stops, the
    /// next one starts with `starting manager`.
    @Test func killedContainerThenANewOne() throws {
        let c = "source-controller"
        let lines = FluxLine.startUp(0, c) + [FluxLine.noChanges(5), FluxLine.noChanges(65)]
            + FluxLine.startUp(190, c) + [FluxLine.noChanges(196)]
        let scan = try scanInputs([("source-controller.log", lines)])
        #expect(scan.lifetimes.count == 2)
        let first = try #require(scan.lifetimes.first), second = try #require(scan.lifetimes.last)
        #expect(first.controller == c)
        #expect(first.startedWithStartUp)
        #expect(first.first.rfc3339 == FluxLine.ts(0))
        #expect(first.last.rfc3339 == FluxLine.ts(65))
        #expect(first.lastLocation == SourceLocation(file: "source-controller.log", line: 5))
        #expect(first.leaseAcquired?.rfc3339 == FluxLine.ts(0.12))
        #expect(first.end == .none)
        #expect(first.records == 5)
        #expect(first.lastObject?.description == "GitRepository/flux-system/flux-system")
        #expect(second.first.rfc3339 == FluxLine.ts(190))
        #expect(second.startedWithStartUp)

        let findings = LifetimeFindings(scan: scan, windowSeconds: 900)
        let judged = findings.judged
        #expect(judged.map(\.killed) == [true, false])
        #expect(judged.map(\.restarted) == [false, true])
        let killed = try #require(findings.evidence.first { $0.signature == DerivedSignal.controllerKilled })
        #expect(killed.controller == c)
        #expect(killed.first.rfc3339 == FluxLine.ts(65))
        #expect(killed.last.rfc3339 == FluxLine.ts(190))
        #expect(killed.location.line == 5)
        let restarted = try #require(findings.evidence.first { $0.signature == DerivedSignal.controllerRestarted })
        #expect(restarted.first.rfc3339 == FluxLine.ts(190))
        // Killed once: a warning incident of its own, ranked controller-restarting.
        let analysis = Analysis(scan: scan, patterns: shippedPatterns, windowSeconds: 900)
        #expect(analysis.incidents.count == 1)
        let incident = try #require(analysis.incidents.first)
        #expect(incident.severity == .warning)
        #expect(incident.failureClass == "controller-restart")
        #expect(incident.title.hasPrefix("source-controller killed"))
        #expect(incident.hypotheses.first?.id == "controller-restarting")
    }

    /// controller-runtime's graceful stop lines end a lifetime as `graceful`; `problem running
    /// manager` as `exited`; a Go panic as `panic` (FLUX-LOGS.md 3.1, 3.12).
    @Test func endingsAreReadFromTheLastLines() throws {
        let c = "source-controller"
        let graceful = FluxLine.startUp(0, c) + [FluxLine.noChanges(5)] + FluxLine.gracefulStop(3600, c)
        let exited = FluxLine.startUp(0, c) + [FluxLine.noChanges(5), FluxLine.problemRunningManager(40)]
        let panicked = FluxLine.startUp(0, c) + [FluxLine.noChanges(5), "panic: runtime error: invalid memory address or nil pointer dereference"]
        for (lines, end) in [(graceful, LifetimeEnd.graceful), (exited, .exited), (panicked, .panic)] {
            let scan = try scanInputs([("source-controller.log", lines)])
            #expect(scan.lifetimes.count == 1)
            #expect(scan.lifetimes.first?.end == end)
            let judged = LifetimeFindings(scan: scan, windowSeconds: 900).judged
            #expect(judged.first?.killed == false)
        }
        let g = try scanInputs([("source-controller.log", graceful)])
        #expect(g.lifetimes.first?.endAt?.rfc3339 == FluxLine.ts(3600))
    }

    /// controller-runtime < v0.16 logs `Metrics server is starting to listen` just before
    /// `starting manager` (samples/controller-restarting, FLUX-LOGS.md 1.2): it is the start of
    /// the new lifetime, not the last line of the previous one.
    @Test func lineJustBeforeStartingManagerBelongsToTheNewLifetime() throws {
        let c = "kustomize-controller"
        let metrics = { (s: Double) in #"{"level":"info","ts":"\#(FluxLine.ts(s))","logger":"controller-runtime.metrics","msg":"Metrics server is starting to listen","addr":":8080"}"# }
        let lines = [metrics(0)] + FluxLine.startUp(0.004, c) + [FluxLine.finished(10, "apps")]
            + [metrics(70)] + FluxLine.startUp(70.005, c) + [FluxLine.finished(80, "apps")]
        let scan = try scanInputs([("kustomize-controller.log", lines)])
        #expect(scan.lifetimes.count == 2)
        #expect(scan.lifetimes.map(\.first.rfc3339) == [FluxLine.ts(0), FluxLine.ts(70)])
        #expect(scan.lifetimes.first?.last.rfc3339 == FluxLine.ts(10))
        #expect(scan.lifetimes.allSatisfy { $0.startedWithStartUp })
    }

    /// Lifetimes are kept per pod when an envelope names it (stern's `<pod> <container> ` prefix,
    /// FLUX-LOGS.md 2): twenty pods in one stream, interleaved, are twenty lifetimes.
    @Test func onePerPodBehindAPrefix() throws {
        var lines: [String] = []
        for round in 0..<2 {
            for p in 0..<20 {
                let pod = "source-controller-6ff87cdb64-p\(p) manager "
                lines.append(pod + (round == 0 ? FluxLine.startingManager(Double(p)) : FluxLine.noChanges(100 + Double(p))))
            }
        }
        let scan = try scanInputs([("-", lines)])
        #expect(scan.lifetimes.count == 20)
        #expect(Set(scan.lifetimes.compactMap(\.pod)).count == 20)
        #expect(scan.lifetimes.allSatisfy { $0.records == 2 && $0.startedWithStartUp && $0.controller == "source-controller" })
    }

    /// Per stream and controller at most `lifetimesPerKey` lifetimes are kept; the rest are
    /// counted and reported.
    @Test func lifetimesAreCappedAndCounted() throws {
        let c = "source-controller"
        var lines: [String] = []
        for i in 0..<6 { lines += FluxLine.startUp(Double(i) * 100, c) + [FluxLine.noChanges(Double(i) * 100 + 5)] }
        let scan = try scanInputs([("source-controller.log", lines)]) { $0.lifetimes.lifetimesPerKey = 4 }
        #expect(scan.lifetimes.count == 4)
        #expect(scan.lifetimeOverflow == 2)
        #expect(scan.warnings.contains { $0.message.contains("2 controller lifetime(s)") })
        // The first and the newest are kept.
        #expect(scan.lifetimes.first?.first.rfc3339 == FluxLine.ts(0))
        #expect(scan.lifetimes.last?.first.rfc3339 == FluxLine.ts(500))
    }
}

@Suite struct LifetimeSignalTests {
    /// Liveness-probe kills (graceful stop about 30 s after start-up, no error), three times:
    /// one `controller-restart` incident at error, ranked controller-restarting.
    @Test func repeatedGracefulStopShortlyAfterStartIsAProbeKillLoop() throws {
        let c = "kustomize-controller"
        var lines: [String] = []
        for (i, start) in [0.0, 45, 110].enumerated() {
            lines += FluxLine.startUp(start, c) + [FluxLine.finished(start + 12, ["apps", "infrastructure", "flux-system"][i])]
            lines += FluxLine.gracefulStop(start + 30.4, c)
        }
        let scan = try scanInputs([("kustomize-controller.log", lines)])
        let findings = LifetimeFindings(scan: scan, windowSeconds: 900)
        #expect(findings.judged.map(\.probeKilled) == [true, true, true])
        #expect(findings.judged.map(\.killed) == [false, false, false])
        let analysis = Analysis(scan: scan, patterns: shippedPatterns, windowSeconds: 900)
        #expect(analysis.incidents.count == 1)
        let incident = try #require(analysis.incidents.first)
        #expect(incident.severity == .error)
        #expect(incident.failureClass == "controller-restart")
        #expect(incident.controllers == [c])
        #expect(incident.title.contains("3 lifetimes of 30s"))
        #expect(incident.signals.first?.signature == DerivedSignal.controllerProbeKilled)
        #expect(incident.signals.first?.count == 3)
        #expect(incident.hypotheses.first?.id == "controller-restarting")
    }

    /// With `--enable-leader-election=false` there are no lease lines: the stop lines 30 s after
    /// `starting manager` are still the lifetime's own.
    @Test func probeKillsWithoutLeaderElection() throws {
        let c = "kustomize-controller"
        var lines: [String] = []
        for start in [0.0, 45, 110] {
            lines += [FluxLine.startingManager(start), FluxLine.finished(start + 12, "apps")] + FluxLine.gracefulStop(start + 30.4, c)
        }
        let scan = try scanInputs([("kustomize-controller.log", lines)])
        #expect(LifetimeFindings(scan: scan, windowSeconds: 900).judged.map(\.probeKilled) == [true, true, true])
    }

    /// A rolling restart: hours of work, graceful stop lines, a new start-up with leader
    /// election. Not a probe kill, not a kill, no incident.
    @Test func rollingRestartAfterHoursIsNotAProbeKill() throws {
        let c = "source-controller"
        let lines = FluxLine.startUp(0, c) + FluxLine.everyMinute(5, 6 * 3600, { FluxLine.noChanges($0) })
            + FluxLine.gracefulStop(6 * 3600 + 20, c) + FluxLine.startUp(6 * 3600 + 24, c)
            + FluxLine.everyMinute(6 * 3600 + 30, 7 * 3600, { FluxLine.noChanges($0) })
        let scan = try scanInputs([("source-controller.log", lines)])
        let findings = LifetimeFindings(scan: scan, windowSeconds: 900)
        #expect(findings.judged.count == 2)
        #expect(findings.judged.allSatisfy { !$0.killed && !$0.probeKilled })
        #expect(findings.judged.first?.end == .graceful)
        #expect(findings.judged.last?.restarted == true)
        #expect(findings.incidents.isEmpty)
        let analysis = Analysis(scan: scan, patterns: shippedPatterns, windowSeconds: 900)
        #expect(analysis.incidents.allSatisfy { $0.severity <= .info })
    }

    /// The same rolling restart collected as one stream without pod names: the new pod starts
    /// (maxSurge) while the old one still runs, and the old pod's stop lines come before the new
    /// pod wins the lease. They are the old lifetime's ending, not a probe kill of the new one.
    /// Also when the old pod's stop lines come after the new pod won the lease (the old one
    /// releases it while stopping), even minutes after the new pod started: the new pod then
    /// works for an hour, so the stop was not its own. Arguments: seconds after the new
    /// `starting manager` of the new lease and of the old pod's stop lines.
    @Test(arguments: [(9.0, 4.0), (2.0, 4.0), (2.0, 200.0)])
    func rollingRestartInterleavedInOneStreamIsNotAKill(leaseAfter: Double, stopAfter: Double) throws {
        let c = "kustomize-controller"
        let stop = 3 * 3600.0
        var lines = FluxLine.startUp(0, c)
        lines += stride(from: 600.0, through: stop - 60, by: 600).map { FluxLine.finished($0, "apps") }
        lines += [FluxLine.startingManager(stop), FluxLine.leaseAttempt(stop + 0.1, c)]
        if leaseAfter < stopAfter { lines += [FluxLine.leaseAcquired(stop + leaseAfter, c)] }
        lines += FluxLine.gracefulStop(stop + stopAfter, c)
        if leaseAfter >= stopAfter { lines += [FluxLine.leaseAcquired(stop + leaseAfter, c)] }
        lines += stride(from: stop + 212, through: stop + 3600, by: 600).map { FluxLine.finished($0, "apps") }
        let scan = try scanInputs([("kustomize-controller.log", lines)])
        let findings = LifetimeFindings(scan: scan, windowSeconds: 900)
        #expect(findings.judged.count == 2)
        #expect(findings.judged.first?.end == .graceful)
        #expect(findings.judged.allSatisfy { !$0.killed && !$0.probeKilled })
        #expect(findings.incidents.isEmpty)
        let analysis = Analysis(scan: scan, patterns: shippedPatterns, windowSeconds: 900)
        #expect(analysis.incidents.allSatisfy { $0.severity <= .info })
    }

    /// A controller whose log stops with no shutdown line while the others log for an hour more.
    @Test func streamEndingWhileOthersLogIsAKill() throws {
        let source = FluxLine.startUp(0, "source-controller") + FluxLine.everyMinute(5, 600, { FluxLine.noChanges($0) })
        let kustomize = stride(from: 30.0, through: 4200, by: 600).map { FluxLine.finished($0, "apps") }
        let scan = try scanInputs([("source-controller.log", source), ("kustomize-controller.log", kustomize)])
        let findings = LifetimeFindings(scan: scan, windowSeconds: 900)
        let sc = try #require(findings.judged.first { $0.life.controller == "source-controller" })
        #expect(sc.killed)
        #expect(sc.stoppedWhileOthersLogged)
        let kc = try #require(findings.judged.first { $0.life.controller == "kustomize-controller" })
        #expect(!kc.killed)
    }

    /// A controller that logged in only a few minutes says too little about its rhythm: its log
    /// ending early is not judged a kill (a quiet helm-controller with a few HelmReleases).
    @Test func fewActiveMinutesAreNotJudged() throws {
        let helm = FluxLine.startUp(0, "helm-controller") + [FluxLine.inSync(65), FluxLine.inSync(365)]
        let kustomize = stride(from: 30.0, through: 6 * 3600, by: 600).map { FluxLine.finished($0, "apps") }
        let scan = try scanInputs([("helm-controller.log", helm), ("kustomize-controller.log", kustomize)])
        let findings = LifetimeFindings(scan: scan, windowSeconds: 900)
        #expect(findings.judged.allSatisfy { !$0.killed })
        #expect(findings.incidents.isEmpty)
    }

    /// notification-controller logs only when events arrive (FLUX-LOGS.md 1.4, 3.14): its log
    /// ending early is not a kill, and its quiet is not silence.
    @Test func quietNotificationControllerIsNeitherKilledNorSilent() throws {
        let notification = [FluxLine.dispatching(10), FluxLine.dispatching(70), FluxLine.dispatching(130), FluxLine.dispatching(190)]
        let kustomize = stride(from: 30.0, through: 4200, by: 60).map { FluxLine.finished($0, "apps") }
        let scan = try scanInputs([("notification-controller.log", notification), ("kustomize-controller.log", kustomize)])
        let findings = LifetimeFindings(scan: scan, windowSeconds: 900)
        #expect(findings.judged.allSatisfy { !$0.killed })
        let silence = SilenceIndex(marks: scan.activityMarks, inputEnd: scan.inputEnd)
        let from = FluxLine.base.millis + 3000 * 1000
        #expect(silence.occurrences(from: from, to: from + 60_000).isEmpty)
    }

    /// source-controller logs every minute (10:00:05 to 10:10:05), then nothing until 10:30:05
    /// while kustomize-controller goes on: silent during a span inside that gap; not silent in a
    /// minute it logged.
    @Test func controllerSilentWhileOthersLog() throws {
        let source = FluxLine.everyMinute(5, 605, { FluxLine.noChanges($0) }) + FluxLine.everyMinute(1805, 2400, { FluxLine.noChanges($0) })
        let kustomize = stride(from: 30.0, through: 2400, by: 60).map { FluxLine.finished($0, "apps") }
        let scan = try scanInputs([("source-controller.log", source), ("kustomize-controller.log", kustomize)])
        let silence = SilenceIndex(marks: scan.activityMarks, inputEnd: scan.inputEnd)
        let at = { (s: Double) in FluxLine.base.millis + Int64(s * 1000) }
        let silent = silence.occurrences(from: at(1200), to: at(1260))
        #expect(silent.map(\.controller) == ["source-controller"])
        #expect(silent.first?.signature == DerivedSignal.controllerSilent)
        // The quiet stretch: from the minute after its 10:10 record to its 10:30 record.
        #expect(silent.first?.first.rfc3339 == FluxLine.ts(660))
        #expect(silent.first?.last.rfc3339 == FluxLine.ts(1800))
        #expect(silence.occurrences(from: at(300), to: at(360)).isEmpty)
    }

    /// A controller that usually logs every 10 minutes is not silent after 12 quiet minutes.
    @Test func slowControllerIsNotSilentBetweenItsRuns() throws {
        let kustomize = stride(from: 30.0, through: 4200, by: 600).map { FluxLine.finished($0, "apps") }
        let source = FluxLine.everyMinute(5, 4200, { FluxLine.noChanges($0) })
        let scan = try scanInputs([("kustomize-controller.log", kustomize), ("source-controller.log", source)])
        let silence = SilenceIndex(marks: scan.activityMarks, inputEnd: scan.inputEnd)
        let from = FluxLine.base.millis + 900 * 1000
        #expect(silence.occurrences(from: from, to: from + 60_000).isEmpty)
    }

    /// helm-controller v1 logs `running 'upgrade' action with timeout of 5m0s` (FLUX-LOGS.md 3.1)
    /// and is killed before any result: the action is interrupted. With `Helm upgrade succeeded`
    /// (FLUX-LOGS.md 3.7) after it, it is not.
    @Test func helmActionInterruptedOnlyWithoutAResult() throws {
        let c = "helm-controller"
        let killed = FluxLine.startUp(0, c) + [FluxLine.inSync(5), FluxLine.runningUpgrade(300)] + FluxLine.startUp(420, c) + [FluxLine.inSync(425)]
        let scan = try scanInputs([("helm-controller.log", killed)])
        let life = try #require(scan.lifetimes.first)
        #expect(life.pendingAction?.action == "upgrade")
        #expect(life.pendingAction?.object.description == "HelmRelease/podinfo/podinfo")
        #expect(life.pendingAction?.at.rfc3339 == FluxLine.ts(300))
        let findings = LifetimeFindings(scan: scan, windowSeconds: 900)
        let e = try #require(findings.evidence.first { $0.signature == DerivedSignal.helmActionInterrupted })
        #expect(e.object?.description == "HelmRelease/podinfo/podinfo")
        #expect(e.captures["action"] == "upgrade")

        let finished = FluxLine.startUp(0, c) + [FluxLine.runningUpgrade(300), FluxLine.upgradeSucceeded(340)] + FluxLine.startUp(420, c)
        let ok = try scanInputs([("helm-controller.log", finished)])
        #expect(ok.lifetimes.first?.pendingAction == nil)
        #expect(!LifetimeFindings(scan: ok, windowSeconds: 900).evidence.contains { $0.signature == DerivedSignal.helmActionInterrupted })
    }
}

@Suite struct ReconcileOverdueTests {
    /// `Reconciliation finished in 2.117s, next run in 10m0s` (FLUX-LOGS.md 1.4) at 10:00:02 for
    /// apps, then nothing about apps while infrastructure is reconciled every 10 minutes until
    /// 10:50: due 10:10:02, grace 1 min (10 %) + the 15 min window: overdue.
    @Test func missedRunWhileTheControllerLogsOthersIsOverdue() throws {
        let lines = [FluxLine.finished(2, "apps")] + stride(from: 30.0, through: 3000, by: 600).map { FluxLine.finished($0, "infrastructure") }
        let scan = try scanInputs([("kustomize-controller.log", lines)])
        let findings = LifetimeFindings(scan: scan, windowSeconds: 900)
        let overdue = findings.evidence.filter { $0.signature == DerivedSignal.reconcileOverdue }
        #expect(overdue.map { $0.object?.description } == ["Kustomization/flux-system/apps"])
        #expect(overdue.first?.first.rfc3339 == FluxLine.ts(602))
        #expect(overdue.first?.captures["next"] == "10m")
        let analysis = Analysis(scan: scan, patterns: shippedPatterns, windowSeconds: 900)
        #expect(analysis.incidents.count == 1)
        let incident = try #require(analysis.incidents.first)
        #expect(incident.severity == .warning)
        #expect(incident.failureClass == "reconcile-overdue")
        #expect(incident.objects == ["Kustomization/flux-system/apps"])
        #expect(incident.title == "Reconciliation overdue: Kustomization/flux-system/apps")
        #expect(incident.hypotheses.first?.id == "reconcile-stuck")
    }

    /// Reconciled on time (every 10 minutes, within the jitter), or the input ends before the
    /// due time plus the grace: not overdue.
    @Test func onTimeOrTooShortIsNotOverdue() throws {
        let onTime = stride(from: 2.0, through: 3000, by: 615).map { FluxLine.finished($0, "apps") }
            + stride(from: 30.0, through: 3000, by: 600).map { FluxLine.finished($0, "infrastructure") }
        let tooShort = [FluxLine.finished(2, "apps")] + stride(from: 30.0, through: 1500, by: 600).map { FluxLine.finished($0, "infrastructure") }
        for lines in [onTime, tooShort] {
            let scan = try scanInputs([("kustomize-controller.log", lines)])
            #expect(!LifetimeFindings(scan: scan, windowSeconds: 900).evidence.contains { $0.signature == DerivedSignal.reconcileOverdue })
            #expect(Analysis(scan: scan, patterns: shippedPatterns, windowSeconds: 900).incidents.isEmpty)
        }
    }

    /// Only a finish line promises a next run: when a failure (`next try in 5m0s`) is the object's
    /// last record, the overdue rule does not apply (docs/PATTERNS.md `reconcile-overdue`).
    @Test func aLaterFailureIsNotAnOverdueRun() throws {
        let lines = [FluxLine.finished(2, "apps"), FluxLine.failed(400, "apps")]
            + stride(from: 30.0, through: 3000, by: 600).map { FluxLine.finished($0, "infrastructure") }
        let scan = try scanInputs([("kustomize-controller.log", lines)])
        #expect(!LifetimeFindings(scan: scan, windowSeconds: 900).evidence.contains { $0.signature == DerivedSignal.reconcileOverdue })
    }
}

/// A lifetime that another began during (a second pod of a rollout starting while the first one
/// still logs, its capture cut before its shutdown lines) was not ended by that start: a trial's
/// report said "killed ... a new container started -25m57s later".
@Suite struct OverlappingLifetimeTests {
    @Test func aLifetimeThatAnotherBeganDuringWasNotKilledByIt() throws {
        let c = "source-controller"
        let old = FluxLine.startUp(0, c) + stride(from: 60.0, through: 1800, by: 60).map { FluxLine.noChanges($0) }
        let new = FluxLine.startUp(600, c) + [FluxLine.noChanges(700), FluxLine.noChanges(2400)]
        let scan = try scanInputs([("source-controller-6ff87cdb64-8wv2j.log", old), ("source-controller-7c9d8b6f5-x2kqp.log", new)])
        #expect(scan.lifetimes.count == 2)
        let judged = LifetimeFindings(scan: scan, windowSeconds: 900).judged
        let first = try #require(judged.first { $0.life.first.rfc3339 == FluxLine.ts(0) })
        #expect(!first.killed)
        let analysis = Analysis(scan: scan, patterns: shippedPatterns, windowSeconds: 900)
        #expect(!analysis.incidents.contains { $0.title.contains(" started -") })
    }
}

/// A controller that kept restarting and then ran a whole window is `resolved` (LifetimeFindings)
/// and recovered at its first healthy event after the incident: a trial's report said
/// `resolved` with `recovery: null` (docs/OUTPUT.md: null only while open).
@Suite struct RestartRecoveryTests {
    @Test func aResolvedRestartLoopHasItsRecovery() throws {
        let c = "source-controller"
        var lines = FluxLine.startUp(0, c) + [FluxLine.noChanges(5)]
        lines += FluxLine.startUp(190, c) + [FluxLine.noChanges(196)]
        lines += FluxLine.startUp(400, c) + stride(from: 460.0, through: 2400, by: 60).map { FluxLine.noChanges($0) }
        let scan = try scanInputs([("source-controller.log", lines)])
        let analysis = Analysis(scan: scan, patterns: shippedPatterns, windowSeconds: 900)
        let incident = try #require(analysis.incidents.first { $0.failureClass == "controller-restart" })
        #expect(incident.status == .resolved)
        let recovery = try #require(incident.recovery)
        #expect(recovery.controller == c)
        #expect(recovery.time.millis > incident.lastSeen.millis)
        #expect(recovery.time.millis <= Timestamp.parse(FluxLine.ts(460))!.millis)
    }
}

@Suite struct RestartEvidenceTests {
    /// The evidence of a controller's restart incident is that controller's own lines (trial 21:
    /// "source-controller killed" cited kustomize-controller's `starting manager` as "the
    /// controller started again"). source-controller starts at 10:00:00, is killed after 10:01:05
    /// and starts again at 10:03:10; kustomize-controller starts 30 s before it, inside the
    /// window. Every evidence line of the incident's hypotheses names source-controller's log,
    /// and "started again" cites its restart at 10:03:10 (line 6, the second start-up), not
    /// kustomize-controller's, nor its own first start-up at 10:00:00, which came before the kill
    /// (`after_failure`, trial 22: a start-up before the failure is not "started again").
    @Test func aRestartIncidentCitesOnlyItsOwnControllersLines() throws {
        let c = "source-controller"
        let source = FluxLine.startUp(0, c) + [FluxLine.noChanges(5), FluxLine.noChanges(65)] + FluxLine.startUp(190, c) + [FluxLine.noChanges(196)]
        let kustomize = FluxLine.startUp(-30, "kustomize-controller") + [FluxLine.finished(-20, "apps")]
        let scan = try scanInputs([("kustomize-controller.log", kustomize), ("source-controller.log", source)])
        let analysis = Analysis(scan: scan, patterns: shippedPatterns, windowSeconds: 900)
        let incident = try #require(analysis.incidents.first { $0.failureClass == "controller-restart" })
        #expect(incident.title.hasPrefix("source-controller killed: its log ends at 10:01:05"))
        let first = try #require(incident.hypotheses.first)
        #expect(first.id == "controller-restarting")
        let lines = incident.hypotheses.flatMap { $0.evidenceFor + $0.evidenceAgainst }
        #expect(!lines.isEmpty)
        #expect(!lines.contains { $0.contains("kustomize-controller") }, "\(lines)")
        let started = try #require(first.evidenceFor.first { $0.hasPrefix("the controller started again") })
        #expect(started.hasSuffix("[controller-restarted, first 10:03:10, source-controller.log:6]"), "\(started)")
    }

    /// An incident of one controller that cites restarts by `own_controller` conditions folds a
    /// restart of that controller only (`LifetimeFindings.citedRestarts`).
    @Test func anOwnControllerConditionCitesTheIncidentsControllers() throws {
        let c = "source-controller"
        let source = FluxLine.startUp(0, c) + [FluxLine.noChanges(5), FluxLine.noChanges(65)] + FluxLine.startUp(190, c) + [FluxLine.noChanges(196)]
        let analysis = Analysis(scan: try scanInputs([("source-controller.log", source)]), patterns: shippedPatterns, windowSeconds: 900)
        let incident = try #require(analysis.incidents.first { $0.failureClass == "controller-restart" })
        let cited = try #require(LifetimeFindings.citedRestarts(incident, patterns: shippedPatterns))
        #expect(!cited.any)
        #expect(cited.controllers == [c])
    }
}
