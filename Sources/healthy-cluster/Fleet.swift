/// The simulated cluster: six Flux controllers and the objects they reconcile. Names, URLs, kinds
/// and API groups follow FLUX-LOGS.md 1.2, 1.4, 3.2 and 3.15.

/// A Flux controller (one Deployment in `flux-system`, container `manager`).
enum Controller: String, CaseIterable, Comparable {
    case source = "source-controller"
    case kustomize = "kustomize-controller"
    case helm = "helm-controller"
    case notification = "notification-controller"
    case imageReflector = "image-reflector-controller"
    case imageAutomation = "image-automation-controller"

    static func < (a: Controller, b: Controller) -> Bool { a.rawValue < b.rawValue }

    /// The kinds it reconciles, in the order controller-runtime starts them (FLUX-LOGS.md 1.2).
    var kinds: [String] {
        switch self {
        case .source: return ["GitRepository", "HelmRepository", "HelmChart", "OCIRepository", "Bucket"]
        case .kustomize: return ["Kustomization"]
        case .helm: return ["HelmRelease"]
        case .notification: return ["Alert", "Provider", "Receiver"]
        case .imageReflector: return ["ImageRepository", "ImagePolicy"]
        case .imageAutomation: return ["ImageUpdateAutomation"]
        }
    }
}

/// The API group of a kind (FLUX-LOGS.md 1.2 `controllerGroup`).
func apiGroup(_ kind: String) -> String {
    switch kind {
    case "Kustomization": return "kustomize.toolkit.fluxcd.io"
    case "HelmRelease": return "helm.toolkit.fluxcd.io"
    case "ImageRepository", "ImagePolicy", "ImageUpdateAutomation": return "image.toolkit.fluxcd.io"
    case "Alert", "Provider", "Receiver": return "notification.toolkit.fluxcd.io"
    default: return "source.toolkit.fluxcd.io"
    }
}

/// The served API version of a kind, for `eventInvolvedObject.apiVersion`.
func apiVersion(_ kind: String) -> String {
    switch kind {
    case "HelmRelease": return "helm.toolkit.fluxcd.io/v2"
    case "ImageRepository", "ImagePolicy", "ImageUpdateAutomation": return "image.toolkit.fluxcd.io/v1beta2"
    default: return apiGroup(kind) + "/v1"
    }
}

/// A reconciled object with its per-object log context.
class FluxObject {
    let kind: String
    let name: String
    let namespace: String
    /// `spec.interval` in milliseconds.
    let interval: Millis
    /// When the object appeared (it was applied by a Kustomization); the start of the log for
    /// objects that already existed.
    var created: Millis
    /// Kubernetes metadata.uid, for `eventInvolvedObject`.
    let uid: String

    init(kind: String, name: String, namespace: String = "flux-system", interval: Millis, created: Millis, uid: String) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.interval = interval
        self.created = created
        self.uid = uid
    }

    /// `Kind/namespace/name`.
    var path: String { "\(kind)/\(namespace)/\(name)" }
    /// `namespace/name`, as dependsOn errors name objects (FLUX-LOGS.md 3.11).
    var ref: String { "\(namespace)/\(name)" }
}

/// A source revision stored by source-controller and the time it was stored.
struct Revision {
    var stored: Millis
    /// `main@sha1:<40 hex>`, `sha256:<64 hex>`, a chart version, ... (FLUX-LOGS.md 3.15).
    var revision: String
    /// The file name in the artifact URL (FLUX-LOGS.md 3.2).
    var file: String
    /// What source-controller says it stored (commit subject, chart version, index size).
    var note: String
}

/// An object that produces artifacts (GitRepository, OCIRepository, HelmRepository, HelmChart).
class SourceObject: FluxObject {
    /// Revisions in the order source-controller stored them; the first is the one in the status
    /// before the log starts.
    var revisions: [Revision] = []

    /// The revision stored at time `t` (the newest one stored at or before it).
    func revision(at t: Millis) -> Revision {
        var r = revisions[0]
        for x in revisions where x.stored <= t { r = x }
        return r
    }

    /// The artifact URL a consumer downloads (FLUX-LOGS.md 3.2).
    func artifactURL(at t: Millis) -> String {
        "http://source-controller.\(namespace).svc.cluster.local./\(kind.lowercased())/\(namespace)/\(name)/\(revision(at: t).file)"
    }
}

/// A change pushed to a Git repository (or an OCI tag, a chart version in an index) that
/// source-controller picks up at its next reconcile.
struct Upstream {
    var pushed: Millis
    var revision: String
    var file: String
    var note: String
}

final class GitRepository: SourceObject {
    let url: String
    /// Changes pushed to the remote, in time order.
    var pushes: [Upstream] = []
    /// Times at which a clone times out once (FLUX-LOGS.md 3.5 DNS timeout); the next run succeeds.
    var blips: [Millis] = []

    init(name: String, url: String, interval: Millis, start: Millis, uid: String) {
        self.url = url
        super.init(kind: "GitRepository", name: name, interval: interval, created: start, uid: uid)
    }

    /// The host of the remote (`github.com`).
    var host: String {
        var rest = url.components(separatedBy: "://").last ?? url
        if let at = rest.firstIndex(of: "@") { rest = String(rest[rest.index(after: at)...]) }
        return String(rest.prefix { $0 != "/" && $0 != ":" })
    }
}

final class OCIRepository: SourceObject {
    let url: String
    var pushes: [Upstream] = []
    init(name: String, url: String, interval: Millis, start: Millis, uid: String) {
        self.url = url
        super.init(kind: "OCIRepository", name: name, interval: interval, created: start, uid: uid)
    }
}

final class HelmRepository: SourceObject {
    let url: String
    /// Index publications (a new chart version somewhere in the repository).
    var pushes: [Upstream] = []
    init(name: String, url: String, interval: Millis, created: Millis, uid: String) {
        self.url = url
        super.init(kind: "HelmRepository", name: name, interval: interval, created: created, uid: uid)
    }
}

/// A chart version that becomes available in a HelmRepository index, or that a commit asks for.
struct ChartVersion {
    var available: Millis
    var version: String
}

final class HelmChart: SourceObject {
    let chart: String
    let repository: HelmRepository
    /// Versions the chart resolves to over time (semver range over the index, or a pinned
    /// version changed by a commit), the first being the one installed before the log starts.
    var versions: [ChartVersion] = []
    /// Times at which helm-controller changed the chart template (a new `spec.chart.spec.version`):
    /// the HelmChart's generation is ahead of its observed generation until its next reconcile.
    var specChanges: [Millis] = []

    init(name: String, chart: String, repository: HelmRepository, interval: Millis, created: Millis, uid: String) {
        self.chart = chart
        self.repository = repository
        super.init(kind: "HelmChart", name: name, interval: interval, created: created, uid: uid)
    }
}

final class Kustomization: FluxObject {
    let source: SourceObject
    var dependsOn: [Kustomization] = []
    /// `spec.wait`: health checks after a new revision is applied (FLUX-LOGS.md 3.3).
    var wait = false
    /// The objects it applies, `Kind/namespace/name` (zap writes map keys sorted, FLUX-LOGS.md 7).
    var inventory: [String] = []
    /// Objects a commit adds or changes, by the source revision that brings them.
    var changes: [String: [String: String]] = [:]
    /// Spans during which it is not Ready for its dependents: from a new source revision until it
    /// is applied (kustomize-controller compares the dependency's last applied revision,
    /// FLUX-LOGS.md 3.11 `dependency '%s' revision is not up to date`).
    var notReady: [(Millis, Millis)] = []
    /// When each source revision was applied.
    var applied: [String: Millis] = [:]

    init(name: String, source: SourceObject, interval: Millis, start: Millis, uid: String) {
        self.source = source
        super.init(kind: "Kustomization", name: name, interval: interval, created: start, uid: uid)
    }
}

final class HelmRelease: FluxObject {
    let chart: HelmChart
    var dependsOn: [HelmRelease] = []
    /// The release revision number (`<ns>/<name>.v<N>`, FLUX-LOGS.md 3.7).
    var releaseNumber: Int
    /// Spans during which it is not Ready (an install or upgrade running).
    var notReady: [(Millis, Millis)] = []
    /// The chart version of the deployed release; nil before the first install.
    var installed: String?
    /// Times at which something other than its HelmChart asks for a reconcile (a Kustomization
    /// applied a change to it).
    var triggers: [Millis] = []

    init(name: String, namespace: String, chart: HelmChart, interval: Millis, created: Millis, releaseNumber: Int, uid: String) {
        self.chart = chart
        self.releaseNumber = releaseNumber
        super.init(kind: "HelmRelease", name: name, namespace: namespace, interval: interval, created: created, uid: uid)
    }
}

final class ImageRepository: FluxObject {
    let image: String
    var tags: Int
    /// Times at which a new tag is pushed to the registry, with the tag.
    var pushes: [(Millis, String)] = []
    init(name: String, image: String, tags: Int, interval: Millis, start: Millis, uid: String) {
        self.image = image
        self.tags = tags
        super.init(kind: "ImageRepository", name: name, interval: interval, created: start, uid: uid)
    }
}

final class ImagePolicy: FluxObject {
    let repository: ImageRepository
    var latest: String
    init(repository: ImageRepository, latest: String, start: Millis, uid: String) {
        self.repository = repository
        self.latest = latest
        super.init(kind: "ImagePolicy", name: repository.name, interval: 0, created: start, uid: uid)
    }
}

func overlaps(_ spans: [(Millis, Millis)], _ t: Millis) -> Bool {
    spans.contains { $0.0 <= t && t < $0.1 }
}
