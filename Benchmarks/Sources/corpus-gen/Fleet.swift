/// The simulated cluster: the Flux objects whose reconciles the corpus logs, built once from the
/// seed. Names, URLs and kinds follow FLUX-LOGS.md 1.2, 1.4, 3.2 and 3.15.

/// One reconciled object, with its controller-runtime context (FLUX-LOGS.md 1.2, current era).
final class FluxObject {
    let kind: String          // API kind: `Kustomization`
    let name: String
    let namespace: String
    /// `"controller":"kustomization",…,"reconcileID":"` (the UUID and closing quote follow).
    let context: [UInt8]

    // Sources (GitRepository, OCIRepository, HelmRepository, Bucket, HelmChart).
    var url = ""
    var revision = ""           // current revision string (`main@sha1:<40 hex>`, …)
    var digest = ""             // hex, for the artifact file name
    var chart = ""              // HelmChart: chart name
    var chartVersion = ""

    // Consumers (Kustomization, HelmRelease).
    var source: FluxObject?     // GitRepository / OCIRepository / HelmChart
    var inventory: [String] = []   // `Kind/ns/name`, sorted (zap sorts map keys, FLUX-LOGS.md 7)
    var interval = "10m0s"
    var releaseVersion = 1
    var dependsOn: FluxObject?

    init(kind: String, name: String, namespace: String) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        let lower = kind.lowercased()
        let group: String
        switch lower {
        case "kustomization": group = "kustomize.toolkit.fluxcd.io"
        case "helmrelease": group = "helm.toolkit.fluxcd.io"
        case "imagerepository", "imagepolicy", "imageupdateautomation": group = "image.toolkit.fluxcd.io"
        case "alert", "provider", "receiver": group = "notification.toolkit.fluxcd.io"
        default: group = "source.toolkit.fluxcd.io"
        }
        context = Array((
            "\"controller\":\"\(lower)\",\"controllerGroup\":\"\(group)\",\"controllerKind\":\"\(kind)\"," +
            "\"\(kind)\":{\"name\":\"\(name)\",\"namespace\":\"\(namespace)\"}," +
            "\"namespace\":\"\(namespace)\",\"name\":\"\(name)\",\"reconcileID\":\""
        ).utf8)
    }

    /// `kustomize-controller` etc.: who reconciles this kind.
    var controllerName: String {
        switch kind {
        case "Kustomization": return "kustomize-controller"
        case "HelmRelease": return "helm-controller"
        case "ImageRepository", "ImagePolicy": return "image-reflector-controller"
        case "ImageUpdateAutomation": return "image-automation-controller"
        default: return "source-controller"
        }
    }

    /// The artifact URL a consumer downloads from source-controller (FLUX-LOGS.md 3.2).
    var artifactURL: String {
        guard let s = source else { return "" }
        let file: String
        switch s.kind {
        case "HelmChart": file = "\(s.chart)-\(s.chartVersion).tgz"
        case "OCIRepository": file = "sha256:\(s.digest).tar.gz"
        default: file = "\(s.digest).tar.gz"
        }
        return "http://source-controller.flux-system.svc.cluster.local./\(s.kind.lowercased())/\(s.namespace)/\(s.name)/\(file)"
    }
}

struct Fleet {
    var gitRepositories: [FluxObject] = []
    var ociRepositories: [FluxObject] = []
    var helmRepositories: [FluxObject] = []
    var buckets: [FluxObject] = []
    var helmCharts: [FluxObject] = []
    var kustomizations: [FluxObject] = []
    var helmReleases: [FluxObject] = []
    var imageRepositories: [FluxObject] = []
    var imagePolicies: [FluxObject] = []
    var imageAutomations: [FluxObject] = []
    var alerts: [(name: String, provider: String)] = [("slack", "slack"), ("msteams", "msteams"), ("on-call", "pagerduty"), ("github-status", "github")]

    static let images = ["podinfo", "web", "api", "worker", "billing", "search", "gateway", "frontend", "auth", "reports", "notifier", "scheduler"]

    init(rng: inout Rng) {
        // Git sources: the fleet repository and a few app repositories.
        let gits: [(String, String)] = [
            ("flux-system", "ssh://git@github.com/acme/fleet-infra"),
            ("apps", "https://github.com/acme/apps"),
            ("platform", "ssh://git@github.com/acme/platform"),
            ("tenants", "https://gitlab.com/acme/tenants.git"),
            ("podinfo", "https://github.com/stefanprodan/podinfo"),
            ("charts", "https://github.com/acme/charts"),
        ]
        for (name, url) in gits {
            let g = FluxObject(kind: "GitRepository", name: name, namespace: "flux-system")
            g.url = url
            g.digest = rng.hex(40)
            g.revision = "main@sha1:\(g.digest)"
            gitRepositories.append(g)
        }
        for (name, url) in [("manifests", "oci://ghcr.io/acme/manifests"), ("podinfo-oci", "oci://ghcr.io/stefanprodan/manifests/podinfo"), ("policies", "oci://ghcr.io/acme/policies")] {
            let o = FluxObject(kind: "OCIRepository", name: name, namespace: "flux-system")
            o.url = url
            o.digest = rng.hex(64)
            o.revision = "latest@sha256:\(o.digest)"
            ociRepositories.append(o)
        }
        let helmRepos: [(String, String)] = [
            ("podinfo", "https://stefanprodan.github.io/podinfo"),
            ("bitnami", "https://charts.bitnami.com/bitnami"),
            ("prometheus-community", "https://prometheus-community.github.io/helm-charts"),
            ("grafana", "https://grafana.github.io/helm-charts"),
            ("jetstack", "https://charts.jetstack.io"),
            ("ingress-nginx", "https://kubernetes.github.io/ingress-nginx"),
        ]
        for (name, url) in helmRepos {
            let h = FluxObject(kind: "HelmRepository", name: name, namespace: "flux-system")
            h.url = url
            h.digest = rng.hex(64)
            helmRepositories.append(h)
        }
        let b = FluxObject(kind: "Bucket", name: "config", namespace: "flux-system")
        b.url = "flux-artifacts"
        b.digest = rng.hex(64)
        buckets.append(b)

        // Helm releases, each with its HelmChart (`<ns>-<name>` in flux-system).
        let releases: [(String, String, String, String)] = [
            ("podinfo", "podinfo", "podinfo", "6.5.4"), ("redis", "cache", "redis", "18.6.1"),
            ("postgresql", "db", "postgresql", "13.2.24"), ("kube-prometheus-stack", "monitoring", "kube-prometheus-stack", "56.6.2"),
            ("loki", "monitoring", "loki", "5.41.8"), ("grafana", "monitoring", "grafana", "7.3.0"),
            ("cert-manager", "cert-manager", "cert-manager", "v1.14.2"), ("ingress-nginx", "ingress-nginx", "ingress-nginx", "4.9.1"),
            ("promtail", "monitoring", "promtail", "6.15.5"), ("tempo", "monitoring", "tempo", "1.7.1"),
            ("rabbitmq", "queue", "rabbitmq", "12.9.0"), ("keycloak", "auth", "keycloak", "18.4.0"),
            ("external-dns", "external-dns", "external-dns", "1.14.3"), ("sealed-secrets", "kube-system", "sealed-secrets", "2.15.0"),
            ("metrics-server", "kube-system", "metrics-server", "3.12.0"), ("velero", "velero", "velero", "5.4.1"),
            ("podinfo-staging", "staging", "podinfo", "6.5.4"), ("podinfo-canary", "canary", "podinfo", "6.6.0"),
        ]
        for (i, (name, ns, chart, version)) in releases.enumerated() {
            let c = FluxObject(kind: "HelmChart", name: "\(ns)-\(name)", namespace: "flux-system")
            c.chart = chart
            c.chartVersion = version
            c.url = helmRepositories[i % helmRepositories.count].url
            helmCharts.append(c)
            let r = FluxObject(kind: "HelmRelease", name: name, namespace: ns)
            r.source = c
            r.releaseVersion = rng.int(1, 40)
            r.interval = rng.pick(["5m0s", "10m0s", "30m0s", "1h0m0s"])
            helmReleases.append(r)
        }

        // Kustomizations with their inventories (the `output` change set of every apply).
        let names = ["flux-system", "infra-controllers", "infra-configs", "crds", "monitoring", "logging", "apps",
                     "podinfo", "ingress", "cert-manager", "policies", "tenants", "team-a", "team-b", "team-c",
                     "databases", "queues", "storage", "backup", "security", "rbac", "namespaces", "network-policies",
                     "observability", "gateway", "dashboards", "alerts", "jobs", "cronjobs", "frontend", "backend",
                     "payments", "search", "reports", "staging-apps", "canary", "edge", "batch", "ml-serving", "secrets"]
        for (i, name) in names.enumerated() {
            let k = FluxObject(kind: "Kustomization", name: name, namespace: i % 7 == 6 ? "tenants" : "flux-system")
            let src: FluxObject = i % 9 == 4 ? ociRepositories[i % ociRepositories.count] : gitRepositories[i % gitRepositories.count]
            k.source = src
            k.interval = rng.pick(["10m0s", "10m0s", "5m0s", "1h0m0s", "30m0s"])
            // Inventory size: mostly small, a quarter medium, a few large (over 9 KB of output).
            let roll = rng.below(100)
            let size = roll < 70 ? rng.int(3, 20) : roll < 94 ? rng.int(20, 80) : rng.int(140, 260)
            k.inventory = Fleet.inventory(for: name, size: size, rng: &rng)
            kustomizations.append(k)
        }
        for i in 1..<kustomizations.count where i % 5 == 0 { kustomizations[i].dependsOn = kustomizations[i % 3] }

        for img in Fleet.images {
            let r = FluxObject(kind: "ImageRepository", name: img, namespace: "flux-system")
            r.url = "ghcr.io/acme/\(img)"
            imageRepositories.append(r)
            let p = FluxObject(kind: "ImagePolicy", name: img, namespace: "flux-system")
            p.url = r.url
            p.chartVersion = "1.\(rng.int(0, 20)).\(rng.int(0, 30))"
            imagePolicies.append(p)
        }
        for name in ["flux-system", "apps", "staging"] {
            imageAutomations.append(FluxObject(kind: "ImageUpdateAutomation", name: name, namespace: "flux-system"))
        }
    }

    /// A Kustomization's objects, `Kind/namespace/name` (cluster-scoped: `Kind/name`), sorted.
    static func inventory(for base: String, size: Int, rng: inout Rng) -> [String] {
        let namespaced = ["ConfigMap", "Secret", "Service", "ServiceAccount", "Deployment", "StatefulSet", "DaemonSet",
                          "HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress", "NetworkPolicy", "Role",
                          "RoleBinding", "CronJob", "PersistentVolumeClaim", "ServiceMonitor", "PrometheusRule",
                          "HelmRelease", "Certificate", "Kustomization"]
        let clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass", "StorageClass"]
        let crdGroups = ["monitoring.coreos.com", "cert-manager.io", "acme.cert-manager.io", "toolkit.fluxcd.io", "networking.istio.io", "kyverno.io"]
        let words = ["api", "web", "worker", "cache", "proxy", "metrics", "config", "gateway", "auth", "sync", "events",
                     "ingest", "export", "indexer", "scheduler", "controller", "webhook", "agent", "collector", "store"]
        var set = Set<String>()
        let ns = base == "flux-system" ? "flux-system" : base
        var guardCount = 0
        while set.count < size && guardCount < size * 20 {
            guardCount += 1
            if rng.below(10) == 0 {
                let kind = rng.pick(clusterScoped)
                let name = kind == "CustomResourceDefinition" ? "\(rng.pick(words))\(rng.pick(["s", "policies", "rules", "monitors", "configs"])).\(rng.pick(crdGroups))" : "\(base)-\(rng.pick(words))"
                set.insert("\(kind)/\(name)")
            } else {
                let kind = rng.pick(namespaced)
                let name = "\(rng.pick(words))-\(rng.pick(words))\(rng.below(3) == 0 ? "-\(rng.below(20))" : "")"
                set.insert("\(kind)/\(ns)/\(name)")
            }
        }
        return set.sorted()
    }
}
