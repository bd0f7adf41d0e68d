/// The cluster's objects and the changes pushed to their upstreams during the log, all drawn from
/// the seed. Objects and intervals: 6 GitRepositories (two every 1m, four every 5m), 2
/// OCIRepositories (5m), 6 HelmRepositories and 10 HelmCharts (10m), 30 Kustomizations (10m),
/// 10 HelmReleases (5m and 10m), 4 ImageRepositories with their ImagePolicies (5m) and one
/// ImageUpdateAutomation (5m).
extension Simulation {
    /// A time for an upstream change: not in the first 10 minutes, not in the last 20 (its
    /// consequences finish inside the log), not within 6 minutes before or 5 minutes after the
    /// restart (a controller is not stopped in the middle of a health check or a Helm upgrade),
    /// and at least 15 minutes from `others` (so that waits on one change do not mix with the next).
    func changeTime(avoiding others: [Millis]) -> Millis {
        let lo = start + 10 * minute, hi = end - 20 * minute
        var t = rng.millis(lo, hi)
        for _ in 0..<200 {
            let nearRestart = t > restartAt - 6 * minute && t < restartAt + 5 * minute
            if !nearRestart && !others.contains(where: { abs($0 - t) < 15 * minute }) { break }
            t = rng.millis(lo, hi)
        }
        return t
    }

    func commitSubject() -> String {
        switch rng.below(5) {
        case 0: return "Merge pull request #\(rng.int(100, 4000)) from acme/\(rng.pick(["feature", "fix", "chore"]))/\(rng.pick(["limits", "replicas", "probes", "labels", "alerts"]))"
        case 1: return "fix: raise memory limit for \(rng.pick(["api", "worker", "gateway", "indexer"]))"
        case 2: return "Add \(rng.pick(["NetworkPolicy", "PodDisruptionBudget", "ServiceMonitor", "HorizontalPodAutoscaler"])) for \(rng.pick(["api", "web", "worker", "cache"]))"
        case 3: return "chore: bump \(rng.pick(["api", "web", "worker"])) replicas to \(rng.int(2, 6))"
        default: return "Update \(rng.pick(["ingress annotations", "resource requests", "log level", "config map"]))"
        }
    }

    func gitPush(_ t: Millis, subject: String) -> Upstream {
        let sha = rng.hex(40)
        return Upstream(pushed: t, revision: "main@sha1:\(sha)", file: "\(sha).tar.gz", note: subject)
    }

    /// Inventory of a Kustomization: `Kind/namespace/name`, sorted.
    func inventory(_ base: String, size: Int) -> [String] {
        let kinds = ["ConfigMap", "Secret", "Service", "ServiceAccount", "Deployment", "HorizontalPodAutoscaler",
                     "PodDisruptionBudget", "Ingress", "NetworkPolicy", "Role", "RoleBinding", "ServiceMonitor"]
        let words = ["api", "web", "worker", "cache", "proxy", "metrics", "config", "gateway", "auth", "sync", "events", "indexer"]
        var set: Set<String> = ["Namespace/\(base)"]
        while set.count < size { set.insert("\(rng.pick(kinds))/\(base)/\(rng.pick(words))-\(rng.pick(words))") }
        return set.sorted()
    }

    /// Marks what a commit changes in the Kustomizations that apply it.
    func touch(_ k: Kustomization, revision: String, _ entries: [String: String]) {
        k.changes[revision, default: [:]].merge(entries) { $1 }
    }

    func buildFleet() {
        func uid() -> String { rng.uuid() }
        // GitRepositories (FLUX-LOGS.md 3.4 URL shapes).
        let gits: [(String, String, Millis)] = [
            ("flux-system", "ssh://git@github.com/acme/fleet-infra", minute), ("apps", "https://github.com/acme/apps", minute),
            ("tenants", "https://gitlab.com/acme/tenants.git", 5 * minute), ("platform", "ssh://git@github.com/acme/platform", 5 * minute),
            ("podinfo", "https://github.com/stefanprodan/podinfo", 5 * minute), ("dashboards", "https://github.com/acme/dashboards", 5 * minute),
        ]
        for (name, url, interval) in gits {
            let g = GitRepository(name: name, url: url, interval: interval, start: start, uid: uid())
            let first = gitPush(start - 3 * hour, subject: commitSubject())
            g.revisions = [Revision(stored: start - 3 * hour, revision: first.revision, file: first.file, note: first.note)]
            gitRepositories.append(g)
        }
        let git = Dictionary(uniqueKeysWithValues: gitRepositories.map { ($0.name, $0) })
        for (name, url) in [("podinfo-oci", "oci://ghcr.io/stefanprodan/manifests/podinfo"), ("manifests", "oci://ghcr.io/acme/manifests")] {
            let o = OCIRepository(name: name, url: url, interval: 5 * minute, start: start, uid: uid())
            let digest = rng.hex(64)
            o.revisions = [Revision(stored: start - 2 * hour, revision: "latest@sha256:\(digest)", file: "sha256:\(digest).tar.gz", note: "")]
            let d = rng.hex(64)
            o.pushes = [Upstream(pushed: changeTime(avoiding: []), revision: "latest@sha256:\(d)", file: "sha256:\(d).tar.gz", note: "")]
            ociRepositories.append(o)
        }

        // Kustomizations: (name, source, dependsOn, wait).
        let ks: [(String, String, String?, Bool)] = [
            ("flux-system", "flux-system", nil, false), ("infra-controllers", "flux-system", nil, true),
            ("infra-configs", "flux-system", "infra-controllers", false), ("crds", "flux-system", nil, false),
            ("monitoring", "flux-system", "crds", false), ("logging", "flux-system", nil, false), ("ingress", "flux-system", nil, false),
            ("cert-manager", "flux-system", nil, false), ("policies", "flux-system", nil, false), ("namespaces", "flux-system", nil, false),
            ("rbac", "flux-system", nil, false), ("network-policies", "flux-system", nil, false),
            ("apps", "apps", "infra-configs", false), ("podinfo", "apps", nil, false), ("frontend", "apps", nil, false),
            ("backend", "apps", nil, false), ("payments", "apps", nil, false), ("search", "apps", nil, false),
            ("reports", "podinfo", nil, false), ("jobs", "apps", nil, false), ("cronjobs", "apps", nil, false),
            ("tenants", "tenants", nil, true), ("team-a", "tenants", "tenants", false), ("team-b", "tenants", "tenants", false),
            ("team-c", "tenants", "tenants", false), ("databases", "platform", nil, false), ("queues", "platform", nil, false),
            ("storage", "platform", nil, false), ("dashboards", "dashboards", nil, false), ("canary", "podinfo-oci", nil, false),
        ]
        var byName: [String: Kustomization] = [:]
        for (name, sourceName, dep, wait) in ks {
            let source: SourceObject = git[sourceName] ?? ociRepositories.first { $0.name == sourceName }!
            let k = Kustomization(name: name, source: source, interval: 10 * minute, start: start, uid: uid())
            k.wait = wait
            if let dep { k.dependsOn = [byName[dep]!] }
            k.inventory = inventory(name, size: rng.int(4, 24))
            k.applied[source.revisions[0].revision] = start - 3 * hour
            byName[name] = k
            kustomizations.append(k)
        }

        // Helm: repositories, charts, releases (FLUX-LOGS.md 3.2, 3.7, 3.15).
        let repos: [(String, String)] = [
            ("podinfo", "https://stefanprodan.github.io/podinfo"), ("bitnami", "https://charts.bitnami.com/bitnami"),
            ("prometheus-community", "https://prometheus-community.github.io/helm-charts"), ("grafana", "https://grafana.github.io/helm-charts"),
            ("jetstack", "https://charts.jetstack.io"), ("ingress-nginx", "https://kubernetes.github.io/ingress-nginx"),
        ]
        for (name, url) in repos {
            let h = HelmRepository(name: name, url: url, interval: 10 * minute, created: start, uid: uid())
            let d = rng.hex(64)
            h.revisions = [Revision(stored: start - 2 * hour, revision: "sha256:\(d)", file: "index-\(d).yaml", note: indexSize())]
            helmRepositories.append(h)
        }
        let repo = Dictionary(uniqueKeysWithValues: helmRepositories.map { ($0.name, $0) })
        // (release, namespace, repository, chart, version, interval, dependsOn)
        let releases: [(String, String, String, String, String, Millis, String?)] = [
            ("podinfo", "podinfo", "podinfo", "podinfo", "6.5.4", 5 * minute, nil),
            ("redis", "cache", "bitnami", "redis", "18.6.1", 10 * minute, nil),
            ("postgresql", "db", "bitnami", "postgresql", "13.2.24", 10 * minute, nil),
            ("kube-prometheus-stack", "monitoring", "prometheus-community", "kube-prometheus-stack", "56.6.2", 10 * minute, nil),
            ("loki", "monitoring", "grafana", "loki", "5.41.8", 10 * minute, nil),
            ("grafana", "monitoring", "grafana", "grafana", "7.3.0", 10 * minute, nil),
            ("cert-manager", "cert-manager", "jetstack", "cert-manager", "v1.14.4", 10 * minute, nil),
            ("trust-manager", "cert-manager", "jetstack", "trust-manager", "v0.9.1", 10 * minute, "cert-manager"),
            ("ingress-nginx", "ingress-nginx", "ingress-nginx", "ingress-nginx", "4.9.1", 10 * minute, nil),
            ("podinfo-canary", "canary", "podinfo", "podinfo", "6.5.4", 5 * minute, nil),
        ]
        var releaseByName: [String: HelmRelease] = [:]
        for (name, ns, repoName, chartName, version, interval, dep) in releases {
            let c = HelmChart(name: "\(ns)-\(name)", chart: chartName, repository: repo[repoName]!, interval: 10 * minute, created: start, uid: uid())
            c.versions = [ChartVersion(available: start - 3 * hour, version: version)]
            c.revisions = [Revision(stored: start - 2 * hour, revision: version, file: "\(chartName)-\(version).tgz", note: version)]
            helmCharts.append(c)
            let r = HelmRelease(name: name, namespace: ns, chart: c, interval: interval, created: start, releaseNumber: rng.int(2, 30), uid: uid())
            r.installed = version
            if let dep { r.dependsOn = [releaseByName[dep]!] }
            releaseByName[name] = r
            helmReleases.append(r)
        }

        // Upstream changes. Git commits: several to the fleet repository, fewer elsewhere.
        let commitCounts = ["flux-system": 4, "apps": 3, "tenants": 2, "platform": 2, "podinfo": 1, "dashboards": 2]
        for g in gitRepositories {
            var times: [Millis] = []
            for _ in 0..<commitCounts[g.name]! { times.append(changeTime(avoiding: times)) }
            for t in times.sorted() { g.pushes.append(gitPush(t, subject: commitSubject())) }
        }
        // Two HelmRepositories and their HelmReleases added by a commit (reconciliation waiting,
        // HelmChart not ready, install).
        let adds: [(String, String, String, String, String, String, String)] = [
            ("open-telemetry", "https://open-telemetry.github.io/opentelemetry-helm-charts", "opentelemetry-collector", "monitoring", "opentelemetry-collector", "0.97.1", "monitoring"),
            ("vmware-tanzu", "https://vmware-tanzu.github.io/helm-charts", "velero", "velero", "velero", "5.4.1", "storage"),
        ]
        for (repoName, url, release, ns, chartName, version, kName) in adds {
            let k = byName[kName]!
            let g = k.source as! GitRepository
            let push = gitPush(changeTime(avoiding: g.pushes.map(\.pushed)), subject: "Add \(release) HelmRelease")
            g.pushes.append(push)
            g.pushes.sort { $0.pushed < $1.pushed }
            let h = HelmRepository(name: repoName, url: url, interval: 10 * minute, created: end, uid: uid())
            helmRepositories.append(h)
            let c = HelmChart(name: "\(ns)-\(release)", chart: chartName, repository: h, interval: 10 * minute, created: end, uid: uid())
            c.versions = [ChartVersion(available: start, version: version)]
            helmCharts.append(c)
            let r = HelmRelease(name: release, namespace: ns, chart: c, interval: 10 * minute, created: end, releaseNumber: 0, uid: uid())
            helmReleases.append(r)
            touch(k, revision: push.revision, ["HelmRepository/flux-system/\(repoName)": "created", "HelmRelease/\(ns)/\(release)": "created"])
            onboarding.append((h, r, k, push.revision))
        }
        // A Renovate chart bump in the apps repository (HelmChart template changes: the HelmRelease
        // waits for the HelmChart, then upgrades).
        do {
            let k = byName["podinfo"]!, g = git["apps"]!
            let push = gitPush(changeTime(avoiding: g.pushes.map(\.pushed)), subject: "chore(deps): update helm release podinfo to v6.6.0")
            g.pushes.append(push)
            g.pushes.sort { $0.pushed < $1.pushed }
            touch(k, revision: push.revision, ["HelmRelease/podinfo/podinfo": "configured"])
            bumps.append((releaseByName["podinfo"]!, "6.6.0", k, push.revision))
        }
        // Regular commits change one to three Kustomizations of their repository.
        for g in gitRepositories {
            let consumers = kustomizations.filter { $0.source === g }
            guard !consumers.isEmpty else { continue }
            for p in g.pushes where !kustomizations.contains(where: { $0.changes[p.revision] != nil }) {
                for _ in 0..<rng.int(1, min(3, consumers.count)) {
                    let k = rng.pick(consumers)
                    var entries: [String: String] = [:]
                    for _ in 0..<rng.int(1, 3) { entries[rng.pick(k.inventory)] = "configured" }
                    touch(k, revision: p.revision, entries)
                }
            }
        }
        // New index versions: jetstack publishes cert-manager and trust-manager releases (the
        // HelmReleases follow a semver range), prometheus-community a kube-prometheus-stack patch;
        // bitnami and grafana publish versions outside the ranges in use.
        let indexPushes = ["jetstack": 2, "prometheus-community": 1, "bitnami": 3, "grafana": 1]
        for h in helmRepositories {
            var times: [Millis] = []
            for _ in 0..<(indexPushes[h.name] ?? 0) { times.append(changeTime(avoiding: times)) }
            for t in times.sorted() {
                let d = rng.hex(64)
                h.pushes.append(Upstream(pushed: t, revision: "sha256:\(d)", file: "index-\(d).yaml", note: indexSize()))
            }
        }
        chartReleases = [
            ("cert-manager-cert-manager", "jetstack", ["v1.14.5", "v1.14.6"]),
            ("cert-manager-trust-manager", "jetstack", ["v0.9.2", "v0.10.0"]),
            ("monitoring-kube-prometheus-stack", "prometheus-community", ["56.6.3"]),
        ]

        // Image automation: four images, three tag pushes.
        for (name, tag, tags) in [("frontend", "1.4.2", 37), ("backend", "2.11.0", 81), ("payments", "0.9.14", 23), ("search", "3.2.7", 55)] {
            let r = ImageRepository(name: name, image: "ghcr.io/acme/\(name)", tags: tags, interval: 5 * minute, start: start, uid: uid())
            imageRepositories.append(r)
            imagePolicies.append(ImagePolicy(repository: r, latest: tag, start: start, uid: uid()))
        }
        var tagTimes: [Millis] = []
        for (i, tag) in [(0, "1.4.3"), (1, "2.11.1"), (0, "1.5.0")] {
            let t = changeTime(avoiding: tagTimes)
            tagTimes.append(t)
            imageRepositories[i].pushes.append((t, tag))
        }
        for r in imageRepositories { r.pushes.sort { $0.0 < $1.0 } }
        automation = FluxObject(kind: "ImageUpdateAutomation", name: "apps", interval: 5 * minute, created: start, uid: uid())

        // Two clone timeouts (DNS) on HTTPS repositories (the podinfo one is the real case of
        // flux2#4200).
        git["apps"]!.blips = [changeTime(avoiding: [])]
        git["podinfo"]!.blips = [changeTime(avoiding: [])]
    }

    func indexSize() -> String { "\(rng.int(1, 24)).\(rng.below(10))MB" }
}
