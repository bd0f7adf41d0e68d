/// Writes the corpus: healthy reconcile lines from all five controller families, and, at the
/// requested share, bursts from the failure families of FLUX-LOGS.md section 3, each with the
/// message formats quoted there. JSON key order as zap writes it (FLUX-LOGS.md 1.1, 1.2):
/// level, ts, logger (when named), msg, the per-object context, call key/values, error.
final class Generator {
    var rng: Rng
    var fleet: Fleet
    let sink: Sink
    let errorShare: Double
    var line = LineBuilder()
    var clock: Int64
    var finished = false

    // Accounting.
    var lines = 0
    var failureLines = 0
    var linesOver9K = 0
    var longestLine = 0
    var familyLines: [Int]
    private var inFamily: Int?

    init(seed: UInt64, errorShare: Double, sink: Sink) {
        rng = Rng(seed: seed)
        fleet = Fleet(rng: &rng)
        self.sink = sink
        self.errorShare = errorShare
        clock = 1_741_046_400_000  // 2025-03-04T00:00:00.000Z
        familyLines = Array(repeating: 0, count: Generator.families.count)
    }

    // MARK: - Line assembly

    func begin(_ level: String, logger: String? = nil, _ msg: String) {
        clock += Int64(rng.below(40))
        line.reset()
        line.raw("{\"level\":\"")
        line.raw(level)
        line.raw("\",\"ts\":\"")
        line.raw(iso8601(millis: clock))
        line.raw("\"")
        if let logger { line.field("logger", logger) }
        line.field("msg", msg)
    }

    /// The controller-runtime per-object context (`controller` … `reconcileID`).
    func context(_ o: FluxObject, _ reconcileID: String) {
        line.raw(",")
        line.raw(o.context)
        line.raw(reconcileID)
        line.raw("\"")
    }

    func end(failure: Bool = false) {
        line.raw("}\n")
        guard !finished else { return }
        if !sink.put(line.bytes) { finished = true; return }
        lines += 1
        let n = line.bytes.count - 1
        if n > 9 * 1024 { linesOver9K += 1 }
        if n > longestLine { longestLine = n }
        if failure {
            failureLines += 1
            if let f = inFamily { familyLines[f] += 1 }
        }
    }

    // MARK: - Driving

    func run() {
        let healthyCumulative = Generator.cumulative(healthyWeights)
        let familyCumulative = Generator.cumulative(Generator.families.map(\.weight))
        while !finished {
            if Double(failureLines) < errorShare * Double(lines + 1) {
                let f = rng.weighted(familyCumulative)
                inFamily = f
                Generator.families[f].emit(self)
                inFamily = nil
            } else {
                healthy(rng.weighted(healthyCumulative))
            }
        }
    }

    static func cumulative(_ w: [Double]) -> [Double] {
        var total = 0.0
        return w.map { total += $0; return total }
    }

    // MARK: - Helpers for messages

    func duration(minMillis: Int, maxMillis: Int) -> String {
        goDuration(nanos: Int64(rng.int(minMillis, maxMillis)) * 1_000_000 + Int64(rng.below(1_000_000)))
    }

    var serviceIP: String { "10.96.\(rng.int(0, 255)).\(rng.int(1, 254))" }
    var podIP: String { "10.244.\(rng.int(0, 15)).\(rng.int(2, 254))" }

    func commitSubject() -> String {
        switch rng.below(6) {
        case 0: return "Merge pull request #\(rng.int(10, 4000)) from acme/\(rng.pick(["feature", "fix", "chore", "renovate"]))/\(rng.pick(Fleet.images))"
        case 1: return "Update image ghcr.io/acme/\(rng.pick(Fleet.images)) to 1.\(rng.int(0, 20)).\(rng.int(0, 30))"
        case 2: return "chore(deps): update helm release \(rng.pick(fleet.helmCharts).chart) to v\(rng.int(1, 60)).\(rng.int(0, 9)).\(rng.int(0, 9))"
        case 3: return "fix: raise memory limit for \(rng.pick(Fleet.images))"
        case 4: return "Add \(rng.pick(["NetworkPolicy", "PodDisruptionBudget", "ServiceMonitor", "HorizontalPodAutoscaler"])) for \(rng.pick(Fleet.images))"
        default: return "Revert \"bump \(rng.pick(Fleet.images)) replicas\""
        }
    }

    // MARK: - Healthy lines (97 % by default)

    let healthyWeights: [Double] = [
        8, 10, 1, 0.5,              // kustomize: apply completed, finished, dependencies ready, cluster definitions
        10, 0.6, 3, 0.2, 2, 2, 0.3, 0.3,  // source: no changes, stored commit, oci up-to-date, oci stored, index, chart pulled, packaged, bucket
        9, 0.8,                     // helm: in-sync, running action
        4, 3, 0.3,                  // notification: dispatching, discarding, receiver
        5, 1, 2, 0.2,               // image: scan, policy, no change, pushed commit
        0.02,                       // a controller restart: the start-up sequence
        0.2,                        // health checks canceled by a new reconcile
    ]

    func healthy(_ choice: Int) {
        switch choice {
        case 0: applyCompleted(rng.pick(fleet.kustomizations), rng.uuid())
        case 1:
            let k = rng.pick(fleet.kustomizations)
            begin("info", "Reconciliation finished in \(duration(minMillis: 180, maxMillis: 6000)), next run in \(k.interval)")
            context(k, rng.uuid())
            line.field("revision", k.source!.revision)
            end()
        case 2:
            let k = rng.pick(fleet.kustomizations)
            begin("info", "All dependencies are ready, proceeding with reconciliation")
            context(k, rng.uuid())
            end()
        case 3:
            let k = fleet.kustomizations[rng.below(4)]
            begin("info", "server-side apply for cluster definitions completed")
            context(k, rng.uuid())
            let crds = k.inventory.filter { $0.hasPrefix("CustomResourceDefinition/") || $0.hasPrefix("Namespace/") }
            line.fieldJSON("output", outputMap(crds.isEmpty ? Array(k.inventory.prefix(3)) : crds, changeRate: 0))
            end()
        case 4:
            let g = rng.pick(fleet.gitRepositories)
            // The `reconcilation` typo was logged until 2026-05 (FLUX-LOGS.md 7).
            begin("info", "no changes since last reconcilation: observed revision '\(g.revision)'")
            context(g, rng.uuid())
            end()
        case 5:
            let g = rng.pick(fleet.gitRepositories)
            g.digest = rng.hex(40)
            g.revision = "main@sha1:\(g.digest)"
            begin("info", "stored artifact for commit '\(commitSubject())'")
            context(g, rng.uuid())
            end()
        case 6:
            let o = rng.pick(fleet.ociRepositories)
            begin("info", "artifact up-to-date with remote revision: '\(o.revision)'")
            context(o, rng.uuid())
            end()
        case 7:
            let o = rng.pick(fleet.ociRepositories)
            o.digest = rng.hex(64)
            o.revision = "latest@sha256:\(o.digest)"
            begin("info", "stored artifact with revision '\(o.revision)' from '\(o.url)'")
            context(o, rng.uuid())
            end()
        case 8:
            let h = rng.pick(fleet.helmRepositories)
            begin("info", "stored fetched index of size \(rng.int(1, 30)).\(rng.below(10))MB from '\(h.url)'")
            context(h, rng.uuid())
            end()
        case 9, 10:
            let c = rng.pick(fleet.helmCharts)
            begin("info", "\(choice == 9 ? "pulled" : "packaged") '\(c.chart)' chart with version '\(c.chartVersion)'")
            context(c, rng.uuid())
            end()
        case 11:
            let b = fleet.buckets[0]
            begin("info", "stored artifact with \(rng.int(3, 60)) fetched files from '\(b.url)' bucket")
            context(b, rng.uuid())
            end()
        case 12:
            let r = rng.pick(fleet.helmReleases)
            begin("info", "release in-sync with desired state")
            context(r, rng.uuid())
            end()
        case 13:
            let r = rng.pick(fleet.helmReleases)
            r.releaseVersion += 1
            begin("info", "running '\(rng.pick(["upgrade", "upgrade", "install", "test"]))' action with timeout of 5m0s")
            context(r, rng.uuid())
            end()
        case 14: dispatching()
        case 15:
            let o = rng.pick(fleet.kustomizations + fleet.gitRepositories)
            begin("info", logger: "event-server", "discarding event, no alerts found for the involved object")
            line.fieldJSON("eventInvolvedObject", involved(o))
            end()
        case 16:
            begin("info", logger: "receiver-server", "handling request: \(rng.hex(64))")
            end()
        case 17:
            let r = rng.pick(fleet.imageRepositories)
            begin("info", "successful scan: found \(rng.int(5, 400)) tags")
            context(r, rng.uuid())
            end()
        case 18:
            let p = rng.pick(fleet.imagePolicies)
            let previous = p.chartVersion
            p.chartVersion = "1.\(rng.int(0, 20)).\(rng.int(0, 30))"
            begin("info", "Latest image tag for \(p.url) resolved to \(p.chartVersion) (previously \(p.url):\(previous))")
            context(p, rng.uuid())
            end()
        case 19:
            let a = rng.pick(fleet.imageAutomations)
            begin("info", "no change since last reconciliation")
            context(a, rng.uuid())
            end()
        case 20:
            let a = rng.pick(fleet.imageAutomations)
            let img = rng.pick(Fleet.images)
            begin("info", "pushed commit '\(rng.hex(7))' to branch 'main'\nUpdate image ghcr.io/acme/\(img) to 1.\(rng.int(0, 20)).\(rng.int(0, 30))\n\nAutomation: flux-system/\(a.name)\n\nFiles:\n- apps/\(img)/deployment.yaml\n\nObjects:\n- Deployment \(img)")
            context(a, rng.uuid())
            end()
        case 21: startup(rng.pick(["source-controller", "kustomize-controller", "helm-controller", "notification-controller", "image-reflector-controller", "image-automation-controller"]))
        default:
            let k = rng.pick(fleet.kustomizations)
            begin("info", "New reconciliation triggered, canceling health checks")
            context(k, rng.uuid())
            line.field("trigger", "GitRepository/flux-system/\(k.source!.name)")
            end()
        }
    }

    /// `"output":{"Kind/ns/name":"unchanged",…}`, keys sorted as zap writes maps.
    func outputMap(_ inventory: [String], changeRate: Int = 5) -> String {
        var s = "{"
        s.reserveCapacity(inventory.count * 64)
        for (i, key) in inventory.enumerated() {
            if i > 0 { s += "," }
            let r = rng.below(100)
            s += "\"\(key)\":\"\(r < changeRate ? "configured" : r < changeRate + 1 ? "created" : "unchanged")\""
        }
        return s + "}"
    }

    func applyCompleted(_ k: FluxObject, _ id: String) {
        begin("info", "server-side apply completed")
        context(k, id)
        line.fieldJSON("output", outputMap(k.inventory))
        line.field("revision", k.source!.revision)
        end()
    }

    /// `eventInvolvedObject` of notification-controller's event server.
    func involved(_ o: FluxObject) -> String {
        let group: String
        switch o.kind {
        case "Kustomization": group = "kustomize.toolkit.fluxcd.io/v1"
        case "HelmRelease": group = "helm.toolkit.fluxcd.io/v2"
        case "ImageUpdateAutomation", "ImagePolicy", "ImageRepository": group = "image.toolkit.fluxcd.io/v1beta2"
        case "OCIRepository": group = "source.toolkit.fluxcd.io/v1beta2"
        default: group = "source.toolkit.fluxcd.io/v1"
        }
        return "{\"kind\":\"\(o.kind)\",\"namespace\":\"\(o.namespace)\",\"name\":\"\(o.name)\",\"uid\":\"\(rng.uuid())\",\"apiVersion\":\"\(group)\",\"resourceVersion\":\"\(rng.int(1000, 9_999_999))\"}"
    }

    func dispatching() {
        let message: String
        let o: FluxObject
        switch rng.below(4) {
        case 0:
            let k = rng.pick(fleet.kustomizations)
            o = k
            let changed = k.inventory.prefix(rng.int(1, min(12, k.inventory.count)))
            message = changed.map { "\($0) configured" }.joined(separator: "\n")
        case 1:
            let r = rng.pick(fleet.helmReleases)
            o = r
            message = "Helm upgrade succeeded for release \(r.namespace)/\(r.name).v\(r.releaseVersion) with chart \(r.source!.chart)@\(r.source!.chartVersion)"
        case 2:
            let g = rng.pick(fleet.gitRepositories)
            o = g
            message = "stored artifact for commit '\(commitSubject())'"
        default:
            let p = rng.pick(fleet.imagePolicies)
            o = p
            message = "Latest image tag for \(p.url) resolved to \(p.chartVersion)"
        }
        begin("info", logger: "event-server", "dispatching event")
        line.fieldJSON("eventInvolvedObject", involved(o))
        line.field("message", message)
        end()
    }

    /// A controller's start-up sequence (FLUX-LOGS.md 1.2, 3.12): setup, metrics, probes, leader
    /// election through the `runtime` logger, controllers and workers.
    func startup(_ controller: String) {
        begin("info", logger: "setup", "starting manager")
        end()
        begin("info", logger: "controller-runtime.metrics", "Starting metrics server")
        end()
        begin("info", "starting server")
        line.field("kind", "health probe")
        line.field("addr", "[::]:9440")
        end()
        begin("info", logger: "controller-runtime.metrics", "Serving metrics server")
        line.field("bindAddress", ":8080")
        line.fieldJSON("secure", "false")
        end()
        begin("info", logger: "runtime", "attempting to acquire leader lease flux-system/\(controller)-leader-election...")
        end()
        begin("info", logger: "runtime", "successfully acquired lease flux-system/\(controller)-leader-election")
        end()
        let kinds: [String], g: String
        switch controller {
        case "source-controller":
            (kinds, g) = (["GitRepository", "HelmRepository", "HelmChart", "OCIRepository", "Bucket"], "source.toolkit.fluxcd.io")
        case "kustomize-controller": (kinds, g) = (["Kustomization"], "kustomize.toolkit.fluxcd.io")
        case "helm-controller": (kinds, g) = (["HelmRelease"], "helm.toolkit.fluxcd.io")
        case "notification-controller": (kinds, g) = (["Alert", "Provider", "Receiver"], "notification.toolkit.fluxcd.io")
        case "image-reflector-controller": (kinds, g) = (["ImageRepository", "ImagePolicy"], "image.toolkit.fluxcd.io")
        default: (kinds, g) = (["ImageUpdateAutomation"], "image.toolkit.fluxcd.io")
        }
        for kind in kinds {
            let lower = kind.lowercased()
            begin("info", "Starting EventSource")
            line.field("controller", lower)
            line.field("controllerGroup", g)
            line.field("controllerKind", kind)
            line.field("source", "kind source: *v1.\(kind)")
            end()
            begin("info", "Starting Controller")
            line.field("controller", lower)
            line.field("controllerGroup", g)
            line.field("controllerKind", kind)
            end()
            begin("info", "Starting workers")
            line.field("controller", lower)
            line.field("controllerGroup", g)
            line.field("controllerKind", kind)
            line.fieldJSON("worker count", "\(rng.pick([2, 4, 10]))")
            end()
        }
    }
}
