/// The six hours of a healthy, busy cluster, object by object: every object reconciles on its
/// own cadence (interval from the end of its last reconcile, plus queue latency), again when its
/// source brings a new revision, and once more when its controller starts (the informer lists
/// every object). What real clusters add to that, each several times over the hours:
/// - every controller starts at the beginning (leader election) and is restarted half-way
///   (`kubectl -n flux-system rollout restart deployment`: graceful shutdown, new pod, new lease);
/// - consumers that start before source-controller serves artifacts get `connection refused`
///   (`request failed` at info) and succeed on retryablehttp's next attempt (flux2#4811);
/// - Kustomizations and HelmReleases wait for a dependsOn target that is applying the same
///   change (`Dependencies do not meet ready condition, retrying in 30s`), then proceed;
/// - a HelmChart waits for a HelmRepository added with it (`reconciliation waiting`), and a
///   HelmRelease for its HelmChart after a chart bump (`... is not ready: latest generation ...`);
/// - notification-controller answers the repeated dependency events with 429 (logged at debug);
/// - a GitRepository clone times out once on a DNS lookup and succeeds on the next run.
final class Simulation {
    var rng: Rng
    let start: Millis
    let end: Millis
    /// notification-controller runs with `--log-level=debug`, the only level at which its
    /// duplicate-event 429s are logged (FLUX-LOGS.md 3.13).
    let notificationDebug: Bool

    /// One written record.
    struct Record {
        var t: Millis
        var seq: Int
        var controller: Controller
        var pod: String
        var text: String
    }
    private(set) var records: [Record] = []
    private var seq = 0

    /// One container of a controller's pod, from `starting manager` to its graceful stop.
    struct Lifetime {
        var pod: String
        var start: Millis
        var leader: Millis
        /// SIGTERM (graceful shutdown); nil when it runs to the end of the log.
        var stop: Millis?
        /// source-controller: when its artifact server answers through the Service (it starts
        /// after the lease is won and the readiness probe then passes, FLUX-LOGS.md 5).
        var serving: Millis
    }
    private(set) var lifetimes: [Controller: [Lifetime]] = [:]

    /// An event sent to notification-controller (FLUX-LOGS.md 3.14).
    struct FluxEvent {
        var t: Millis
        var object: FluxObject
        var message: String
        var revision: String
    }
    var events: [FluxEvent] = []

    /// source-controller's Service ClusterIP (consumers dial port 80, FLUX-LOGS.md 5).
    let serviceIP: String

    // The objects.
    var gitRepositories: [GitRepository] = []
    var ociRepositories: [OCIRepository] = []
    var helmRepositories: [HelmRepository] = []
    var helmCharts: [HelmChart] = []
    var kustomizations: [Kustomization] = []
    var helmReleases: [HelmRelease] = []
    var imageRepositories: [ImageRepository] = []
    var imagePolicies: [ImagePolicy] = []
    var automation: FluxObject!
    /// HelmRepositories and HelmReleases added by a commit during the log, with the
    /// Kustomization that applies them and the commit's revision.
    var onboarding: [(repository: HelmRepository, release: HelmRelease, by: Kustomization, revision: String)] = []
    /// Chart bumps by a commit (Renovate): the HelmRelease, the new version, the Kustomization
    /// that applies the commit.
    var bumps: [(release: HelmRelease, version: String, by: Kustomization, revision: String)] = []
    /// New chart versions published in a HelmRepository index, one per index push, by HelmChart name.
    var chartReleases: [(chart: String, repository: String, versions: [String])] = []

    init(seed: UInt64, start: Millis, hours: Double, notificationDebug: Bool) {
        rng = Rng(seed: seed)
        self.start = start
        self.end = start + Millis(hours * Double(hour))
        self.notificationDebug = notificationDebug
        serviceIP = "10.96.\(rng.int(1, 250)).\(rng.int(2, 250))"
    }

    // MARK: Writing records

    func pod(_ c: Controller, at t: Millis) -> String {
        var p = lifetimes[c]![0].pod
        for l in lifetimes[c]! where l.start <= t { p = l.pod }
        return p
    }

    func emit(_ c: Controller, _ t: Millis, _ text: String) {
        guard t < end else { return }
        seq += 1
        records.append(Record(t: t, seq: seq, controller: c, pod: pod(c, at: t), text: text))
    }

    func event(_ t: Millis, _ o: FluxObject, _ message: String, revision: String = "") {
        events.append(FluxEvent(t: t, object: o, message: message, revision: revision))
    }

    // MARK: The whole run

    func run() {
        buildFleet()
        planLifetimes()
        for c in Controller.allCases { writeLifetimes(c) }
        runImageControllers()
        for g in gitRepositories { runGitRepository(g) }
        for o in ociRepositories { runOCIRepository(o) }
        for h in helmRepositories where h.created == start { runHelmRepository(h) }
        for k in kustomizations { runKustomization(k) }   // built in dependency order
        planHelmChanges()
        for h in helmRepositories where h.created > start { runHelmRepository(h) }
        for c in helmCharts { runHelmChart(c) }
        for r in helmReleases { runHelmRelease(r) }      // built in dependency order
        runNotificationController()
    }

    // MARK: Lifetimes (FLUX-LOGS.md 1.2, 3.12, 5)

    /// Each controller starts with the log and is restarted once half-way. source-controller's
    /// Deployment uses `strategy: Recreate` (source-controller config/manager/deployment.yaml): the
    /// new pod starts only after the old one stopped. The other Deployments roll; the generator
    /// writes their two containers one after the other too, so that each file holds one
    /// container at a time, as a log collector keeps them.
    var restartAt: Millis { start + (end - start) / 2 }

    func planLifetimes() {
        let restart = restartAt + rng.millis(0, 90 * second)
        for c in Controller.allCases {
            let replicaSet = rng.podSuffix(10)
            func podName(_ rs: String) -> String { "\(c.rawValue)-\(rs)-\(rng.podSuffix(5))" }
            func lifetime(_ pod: String, _ t: Millis) -> Lifetime {
                let leader = t + rng.millis(120, 1_500)
                return Lifetime(pod: pod, start: t, leader: leader, stop: nil, serving: leader + rng.millis(8 * second, 14 * second))
            }
            var first = lifetime(podName(replicaSet), start + rng.millis(300, 4_000))
            let stop = restart + rng.millis(200, 2_500)
            first.stop = stop
            // The new ReplicaSet (pod template annotated by `rollout restart`) starts its pod after
            // the old container exited (graceful stop, then a container start of a few seconds).
            let next = lifetime(podName(rng.podSuffix(10)), stop + rng.millis(3 * second, 8 * second))
            lifetimes[c] = [first, next]
        }
    }

    /// Start-up and shutdown lines of every container.
    func writeLifetimes(_ c: Controller) {
        for l in lifetimes[c]! {
            for (t, line) in Line.managerStart(l.start) { emit(c, t, line) }
            emit(c, l.start + rng.millis(90, 110), Line.leaseAttempt(l.start + 100, c))
            emit(c, l.leader, Line.leaseAcquired(l.leader, c))
            var t = l.leader + 1
            for kind in c.kinds {
                for (tt, line) in Line.controllerStart(t, kind: kind, workers: c == .kustomize || c == .helm ? 4 : 2) { emit(c, tt, line) }
                t += rng.millis(1, 4)
            }
            if let stop = l.stop {
                for (tt, line) in Line.shutdown(stop, kinds: c.kinds) { emit(c, tt, line) }
            }
        }
    }

    /// The lifetime running at `t`, if the controller holds the lease then.
    func leading(_ c: Controller, at t: Millis) -> Lifetime? {
        lifetimes[c]!.first { $0.leader <= t && t < ($0.stop ?? end) }
    }

    /// Whether source-controller's artifact server answers through its Service at `t`.
    func artifactsServed(at t: Millis) -> Bool {
        lifetimes[.source]!.contains { $0.serving <= t && t < ($0.stop ?? end) }
    }

    // MARK: The reconcile loop

    /// What one reconcile did: how long it took, and whether it asked to be requeued sooner than
    /// its interval (dependency waits: --requeue-dependency 30s, FLUX-LOGS.md 3.11).
    struct Outcome {
        var took: Millis
        var requeueAfter: Millis?
    }

    /// Runs `body(t, startup)` for every reconcile of `o` in time order. `startup` is true for the
    /// reconcile that follows a controller start (the informer's initial list).
    func reconcileLoop(_ o: FluxObject, _ c: Controller, triggers: [Millis], startupSpread: Millis = 6 * second,
                       _ body: (Millis, Bool) -> Outcome) {
        let trig = triggers.sorted()
        var ti = 0
        for life in lifetimes[c]! {
            let lifeEnd = min(life.stop ?? end, end)
            // A reconcile is not started in the last seconds before SIGTERM (the new pod's initial
            // list reconciles the object right after).
            let lastStart = life.stop == nil ? end : lifeEnd - 5 * second
            guard o.created < lastStart else { continue }
            let startup = o.created <= life.leader
            let first = startup ? life.leader + rng.millis(50, startupSpread) : o.created + rng.millis(30, 300)
            var pending: Millis? = first
            var busyUntil = first
            var isFirst = true
            while true {
                var candidate = pending
                if ti < trig.count, candidate == nil || trig[ti] < candidate! { candidate = trig[ti] }
                guard let due = candidate, due < lastStart else { break }
                let at = max(due, busyUntil)
                guard at < lastStart else { break }
                // Triggers that came while the object was queued or reconciling are one reconcile.
                while ti < trig.count && trig[ti] <= at { ti += 1 }
                if let p = pending, p <= at { pending = nil }
                let out = body(at, isFirst && startup)
                isFirst = false
                busyUntil = at + out.took
                let next = busyUntil + (out.requeueAfter ?? o.interval) + rng.millis(0, 400)
                pending = min(pending ?? .max, next)
            }
            // Triggers while the controller was down are covered by the next start's initial list.
            while ti < trig.count && trig[ti] < lifeEnd + 20 * second { ti += 1 }
        }
    }

    // MARK: Consumers fetching an artifact (FLUX-LOGS.md 3.2, 5)

    /// Downloads `url` starting at `t`: while source-controller does not serve artifacts, each
    /// attempt is refused and logged as `request failed` (info), and retryablehttp waits 5s,
    /// 10s, 20s, then 30s (DefaultBackoff, RetryWaitMin 5s, RetryWaitMax 30s; FLUX-LOGS.md 3.2).
    /// Returns when the download finished.
    func fetch(_ c: Controller, _ o: FluxObject, _ id: String, url: String, at t: Millis) -> Millis {
        var clock = t
        var wait = 5 * second
        var attempts = 0
        while !artifactsServed(at: clock) && attempts < 9 {
            emit(c, clock + 2, Line.requestFailed(clock + 2, o, id, url: url, serviceIP: serviceIP))
            clock += wait + rng.millis(0, 40)
            wait = min(wait * 2, 30 * second)
            attempts += 1
        }
        return clock + rng.millis(15, 120)
    }
}
