/// Fills the `<name>`-style placeholders of a hypothesis' checks and fix with what one incident
/// names (docs/OUTPUT.md "Placeholders in checks and fixes"). The hypotheses in Patterns/ are data
/// written for every incident; a command printed for one incident should name its objects.
///
/// What is filled, and from where:
/// - `<name>` after a Flux object kind (`flux reconcile source git <name>`, `flux reconcile
///   kustomization <name>`, `kubectl ... describe gitrepository <name>`): the name of the one object
///   of that kind the incident is about (its upstream and affected objects). In the same command,
///   `<namespace>` and `<ns>` become that object's namespace, `-n flux-system` becomes `-n <its
///   namespace>`, and a `flux` command without `-n` gets one when the namespace is not flux-system.
///   With none or several objects of that kind, the placeholder stays.
/// - `<name>` after `provider` (`kubectl -n flux-system get provider <name>`): the Provider of the
///   incident's Alert, in the Alert's namespace, named by the captured `provider` (the log's
///   `providerName`); with no name captured, `-n flux-system` still becomes the Alert's namespace.
/// - `<name>` after `gitrepository` or `source git` for an ImageUpdateAutomation whose source no
///   line names: the lookup of its `spec.sourceRef.name`, in the automation's namespace.
/// - `<controller>`: the incident's controller, when it has exactly one.
/// - `<flux-namespace>`: the namespace Flux's controllers run in (`fluxNamespace`), in the steps
///   about Flux itself (its Deployments, pods, Services, NetworkPolicies, leases); in a `flux`
///   command ` -n <flux-namespace>` is left out for flux-system, the flux CLI's default.
/// - `<host>` and `<git-host>` (capture `host`), `<secret>` (capture `secret` without its
///   `namespace/`, which Flux writes before a Secret's name), `<chart>`, `<branch>`, `<tag>` (the
///   captures of the same name), `<release>` (capture `release` without its `namespace/`), `<url>`
///   (capture `url` of a Git signature, which also gives `<host>`, `<org>` and `<repo>`; else the
///   `url` of helm-repository-auth-failed, the Helm repository URL that answered 401/403): when the
///   incident's signals captured exactly one value.
/// - RBAC denials (signature `apply-forbidden`): `system:serviceaccount:<namespace>:<serviceaccount>`,
///   `<serviceaccount>`, `<verb>`, `<resource>` and `<namespace>` (the namespace of the denied
///   request) from its captures `user`, `verb`, `resource` and `namespace`; `<kind> <name> -n <namespace>` from the
///   captured `object` (`Deployment/podinfo/podinfo`) of apply failures.
/// - `<registry>` and `<repo>`: the registry host and repository of a captured registry `url`
///   (`oci://host/repo`, `https://host/v2/repo/tags/list`), when the incident's signals name one.
/// - Helm (an incident about one HelmRelease): `<namespace>` in a `helm` command and in
///   `kubectl ... -l owner=helm` (the release's storage Secrets) becomes the HelmRelease's
///   namespace, Helm's storage namespace unless `spec.storageNamespace` says otherwise (Flux
///   HelmRelease v2 API: "defaults to the namespace of the HelmRelease"). Elsewhere `<namespace>`
///   becomes the release's namespace when a signal captured the release as `namespace/name`
///   (helm-controller writes `Helm install failed for release %s/%s` with
///   `GetReleaseNamespace()`, `GetReleaseName()`: internal/reconcile/install.go).
/// - `<workload-namespace>` and `<workload>`: the workloads a health check or Helm's wait waited
///   for (`learnWorkloads(from:)`), from the incident's signals or, failing those, from the
///   evidence that supports the hypothesis about the incident's own objects (Helm's wait log).
/// - A step written for a Git source about Kustomizations or HelmReleases whose source no line
///   names (none among the objects or the evidence): the kind word becomes
///   `<git|oci|helm|bucket>` (`<gitrepository|...>` for kubectl), `<name>` stays.
/// Every other placeholder (`<name>` of a NetworkPolicy or a secret, `<pod>`, `<node>`, ...) names
/// something the logs do not say, and stays as written.
public struct PlaceholderFiller: Sendable {
    /// The incident's upstream and affected objects, then the objects of the incidents folded
    /// under it that wait on its upstream directly (`DownstreamIncident.waitsOn`: the HelmRelease
    /// whose HelmChart failed, the Kustomizations whose GitRepository did), unique.
    public var objects: [ObjectRef]
    /// How many of `objects` are the incident's own (upstream and affected); the rest wait on
    /// its upstream. A forced reconcile (`flux reconcile helmrelease <name> --force`, which
    /// starts a release over once its retries are exhausted) is written for those only: a
    /// HelmRelease that merely waits on the failed one needs none.
    public var ownObjects = Int.max
    /// Sources that the evidence supporting a hypothesis is about (`learnSource`), one per kind
    /// none of `objects` has: they fill `<name>` after their kind as `objects` do.
    public var learned: [ObjectRef] = []
    /// Placeholder (without `<>`) → value.
    public var values: [String: String]
    /// The namespace a captured Helm release (`namespace/name`) is installed in: Helm creates the
    /// chart's namespaced resources there (`GetReleaseNamespace()`, the HelmRelease's
    /// spec.targetNamespace or its own), so it fills `<workload-namespace>` when no wait log
    /// named the workloads (`learnWorkloads`).
    public var releaseNamespace: String?
    /// The workloads (and Services) the first capture set that named any waited for, unique, in
    /// its order: with several, a command about `<workload>` or `<workload-namespace>` that
    /// `values` leaves unfilled is written once for each (`fillWorkloads`).
    public var workloads: [ObjectRef] = []
    /// The namespace of the one HelmRelease the incident is about (Helm's storage namespace by
    /// default), nil with none or several.
    public var helmStorageNamespace: String?
    /// The namespace of the Secrets the steps name (`kubectl -n flux-system get secret <secret>`,
    /// `flux create secret git <secret> ...`): that of the captured `namespace/name` Secret, else
    /// that of the object that references them, nil when the incident's objects are in several
    /// (see `init`).
    public var secretNamespace: String?
    /// The namespace of the Provider of the incident's Alert(s) (that of the Alerts, when they
    /// are all in one and no Provider is among the objects): a command about a Provider whose
    /// name no line gives (`kubectl -n flux-system get provider <name>`) still looks there.
    public var providerNamespace: String?
    /// The namespace Flux's controllers run in, for `<flux-namespace>`: that of the Flux Service
    /// the incident's own signals name (`source-controller.flux.svc.cluster.local.` of a download
    /// that failed, `notification-controller.flux.svc...` of an event not delivered), when they
    /// name one; else what the whole input says (`FluxNamespaceClues`); else flux-system.
    public var fluxNamespace = FluxNamespaceClues.standard
    /// The transport of the incident's Git URLs (`ssh`, or `https` for http:// and https://), when
    /// the `url` its Git signatures captured all have one; nil when they name none or several.
    /// `fits(_:)` keeps the steps for that transport only.
    public var gitScheme: String?
    /// What a step's lookup of a value would print, when a line gave that value: the lookup's
    /// output format (`-o jsonpath='{.spec.secretRef.name}'`, `-o go-template='{{with
    /// .spec.releaseName}}...'`, `lookupOutputs`) → the value. A step says how to find a value the
    /// logs may not hold (`kubectl -n flux-system patch secret "$(kubectl -n flux-system get
    /// gitrepository <name> -o jsonpath='{.spec.secretRef.name}')" ...`); `answer(_:)` writes the
    /// value the logs gave instead of the lookup.
    public var answers: [String: String] = [:]

    /// - Parameters:
    ///   - incident: the incident whose objects, controllers and captures fill the text.
    ///   - fluxNamespace: the namespace Flux runs in as the whole input says
    ///     (`FluxNamespaceClues.namespace`), nil when nothing says.
    public init(incident: Incident, fluxNamespace learnt: String? = nil) {
        var objects: [ObjectRef] = []
        for o in [incident.upstream].compactMap({ $0 }) + incident.affected where !objects.contains(o) { objects.append(o) }
        let own = objects.count
        if let upstream = incident.upstream {
            for d in incident.downstream where d.waitsOn.contains(upstream) {
                for o in d.objects where !objects.contains(o) { objects.append(o) }
            }
        }
        self.objects = objects
        ownObjects = own
        var values: [String: String] = [:]
        if incident.controllers.count == 1 { values["controller"] = incident.controllers[0] }
        // The Flux Services the incident's own signals name: the source-controller its consumers
        // could not download from is the one the steps are about.
        let named = Set(incident.signals.flatMap { s in
            [s.captures["host"], s.captures["url"].flatMap(FluxNamespaceClues.host(ofURL:))].compactMap { $0 }
        }.compactMap { FluxNamespaceClues.service(host: $0)?.namespace })
        fluxNamespace = named.count == 1 ? named.first! : learnt ?? FluxNamespaceClues.standard
        func unique(_ key: String, where keep: (SignalSummary) -> Bool = { _ in true }, as form: (String) -> String = { $0 }) -> String? {
            let found = Set(incident.signals.filter(keep).compactMap { $0.captures[key] }.filter { !$0.isEmpty }.map(form))
            return found.count == 1 ? found.first : nil
        }
        if let host = unique("host") {
            // Go's resolver keeps the trailing dot of a fully qualified name; commands do not need it.
            let bare = host.hasSuffix(".") ? String(host.dropLast()) : host
            values["host"] = bare
            values["git-host"] = bare
        }
        // `region`: the one a Bucket's store expects (bucket-region-mismatch), for `--region
        // <region>` and `spec.region`.
        // `bucket`: the bucket a Bucket's store was asked for (`failed to confirm existence of
        // 'prod-manifests' bucket`, bucket_controller.go), for `aws s3 ls s3://<bucket>`.
        for key in ["chart", "branch", "tag", "region", "bucket"] { if let v = unique(key) { values[key] = v } }
        // Flux names a Secret as `namespace/name` (`cannot get sops decryption Secret
        // 'apps/sops-gpg': ...`, `failed to get secret 'team-b/git-credentials': ...`: kustomize-controller
        // internal/decryptor/decryptor.go, source-controller; FLUX-LOGS.md 3.4, 3.9): a command
        // takes its name, in its namespace (`secretNamespace`).
        var capturedSecretNamespace: String?
        if let v = unique("secret") {
            let parts = v.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty {
                values["secret"] = String(parts[1])
                capturedSecretNamespace = String(parts[0])
            } else {
                values["secret"] = v
            }
        }
        // One release however it is named: `apps/podinfo` (install and upgrade failures) and
        // `apps/podinfo.v5` (`Unlocked Helm release apps/podinfo.v5 ...`: the revision's storage
        // name, helm-controller internal/reconcile/unlock.go) are the release `podinfo`.
        if let r = unique("release", as: Self.releaseWithoutRevision) {
            values["release"] = r.split(separator: "/").last.map(String.init) ?? r
            // `namespace/name` (install and upgrade failures): the release's namespace, where its
            // workloads are.
            let parts = r.split(separator: "/")
            if parts.count == 2, objects.contains(where: { $0.kind == "HelmRelease" }) {
                values["namespace"] = String(parts[0])
                releaseNamespace = String(parts[0])
            }
        }
        // The incident's own HelmRelease (one folded under it that waits on it is not the release
        // whose history or storage the steps read).
        let ownReleases = objects.prefix(own).filter { $0.kind == "HelmRelease" && !$0.namespace.isEmpty }
        let releases = ownReleases.isEmpty ? objects.filter { $0.kind == "HelmRelease" && !$0.namespace.isEmpty } : Array(ownReleases)
        helmStorageNamespace = releases.count == 1 ? releases[0].namespace : nil
        let schemes = Set(incident.signals.filter { $0.signature.hasPrefix("git-") }.compactMap { $0.captures["url"] }.compactMap(Self.gitScheme(ofURL:)))
        gitScheme = schemes.count == 1 ? schemes.first : nil
        if let u = unique("url", where: { $0.signature.hasPrefix("git-") }) {
            values["url"] = u
            // https://github.com/acme/shop-apps, ssh://git@github.com/acme/shop-apps(.git)
            let rest = u.split(separator: "://", maxSplits: 1).last.map(String.init) ?? u
            let parts = rest.split(separator: "/").map(String.init)
            if parts.count >= 3 {
                let host = parts[0].split(separator: "@").last.map(String.init) ?? parts[0]
                let bare = host.split(separator: ":").first.map(String.init) ?? host
                let port = host.split(separator: ":").dropFirst().first.map(String.init)
                if values["host"] == nil {
                    values["host"] = bare
                    // ssh-keyscan takes the port apart (`-p 2222`): SSH on another port than 22.
                    values["git-host"] = u.hasPrefix("ssh://") && port != nil && port != "22" ? "-p \(port!) \(bare)" : bare
                }
                values["org"] = parts[1]
                values["repo"] = parts[2].hasSuffix(".git") ? String(parts[2].dropLast(4)) : parts[2]
                // The repository's URL as a secret needs it, port and nested groups kept
                // (`ssh://git@git.acme.example:2222/platform/fleet-infra`, `gitlab.com/group/sub/repo`).
                let path = parts.dropFirst().joined(separator: "/")
                values["host>/<org>/<repo"] = host + "/" + (path.hasSuffix(".git") ? String(path.dropLast(4)) : path)
            }
        }
        // An HTTP/S Helm repository's URL that answered 401/403 (Helm's HTTP getter: `failed to
        // fetch <url> : 401 Unauthorized`, signature helm-repository-auth-failed), for registry.yaml's
        // `helm pull <url> --username <user> --password <password>` with the secret's basic-auth
        // credentials.
        if values["url"] == nil, let u = unique("url", where: { $0.signature == "helm-repository-auth-failed" }) {
            values["url"] = u
        }
        // An OCI repository (registry.yaml's `crane ls <registry>/<repo>`, `oci://<registry>/<repo>`):
        // from a registry URL that names one, when the incident's signals name exactly one.
        if values["repo"] == nil {
            let refs = Set(incident.signals.compactMap { $0.captures["url"] }.compactMap(Self.registryRepository).map { "\($0.registry)/\($0.repository)" })
            if refs.count == 1, let ref = refs.first, let slash = ref.firstIndex(of: "/") {
                values["registry"] = String(ref[..<slash])
                values["repo"] = String(ref[ref.index(after: slash)...])
            }
        }
        // The apply's target (apply.yaml `object`, `Kind/namespace/name`) and the denied request.
        if let object = unique("object"), let ref = ObjectRef(parsing: object), !ref.namespace.isEmpty {
            values["kind> <name> -n <namespace"] = "\(ref.kind.lowercased()) \(ref.name) -n \(ref.namespace)"
        } else if let kind = unique("target_kind"), let name = unique("target_name") {
            // The API server's own name for the object it refused (`Deployment.apps "apps-podinfo"
            // is invalid`, apimachinery NewInvalid: `%s %q is invalid`), as Helm relays it: no
            // namespace there, but Helm applies the chart's objects in the release's namespace
            // (`GetReleaseNamespace()`), which `Helm upgrade failed for release apps/apps-podinfo`
            // names (a trial: `kubectl get <kind> <name> -n apps` stayed unfilled).
            if let ns = releaseNamespace {
                values["kind> <name> -n <namespace"] = "\(kind.lowercased()) \(name) -n \(ns)"
            } else {
                values["kind> <name"] = "\(kind.lowercased()) \(name)"
            }
        }
        if let user = unique("user"), user.hasPrefix("system:serviceaccount:"), user.split(separator: ":").count == 4 {
            values["serviceaccount"] = String(user.split(separator: ":")[3])
            values["system:serviceaccount:<namespace>:<serviceaccount"] = user
        }
        // The verb the API server denied (`cannot delete resource "configmaps"`: a prune), for
        // `kubectl auth can-i <verb> ...`.
        if let verb = unique("verb", where: { $0.signature == "apply-forbidden" }) { values["verb"] = verb }
        if let r = unique("resource"), values["serviceaccount"] != nil {
            values["resource"] = r
            if let ns = unique("namespace") { values["namespace"] = ns }
        }
        // A Secret refused by RBAC behind Flux's mask (`Secret/ns/name forbidden, error: data
        // values must be of type string`, fluxcd/pkg ssa; FLUX-LOGS.md 3.10) names no user, but
        // the resource and its namespace. That namespace is also the ServiceAccount's
        // (`system:serviceaccount:<namespace>:...`, spec.serviceAccountName lives in the
        // Kustomization's namespace) only when the one Kustomization is in it.
        if values["resource"] == nil, let object = unique("object"), let ref = ObjectRef(parsing: object), !ref.namespace.isEmpty,
           incident.signals.contains(where: { $0.captures["reason"]?.lowercased().hasPrefix("forbidden") == true }) {
            values["resource"] = Self.resource(ofKind: ref.kind)
            let kustomizations = objects.filter { $0.kind == "Kustomization" }
            if kustomizations.count == 1, kustomizations[0].namespace == ref.namespace { values["namespace"] = ref.namespace }
        }
        // A kind the API server does not know (`no matches for kind "ServiceMonitor" in version
        // "monitoring.coreos.com/v1"`, apimachinery NoKindMatchError): its CRD's name is the
        // resource's plural and the group (`servicemonitors.monitoring.coreos.com`); the CRD's
        // author names the plural, taken here as the usual English one (`resource(ofKind:)`).
        let unknownKinds = Set(incident.signals.compactMap { s -> String? in
            guard let kind = s.captures["kind"], let version = s.captures["version"], let slash = version.firstIndex(of: "/"),
                  slash > version.startIndex, !kind.isEmpty else { return nil }
            return "\(Self.resource(ofKind: kind)).\(version[..<slash])"
        })
        if unknownKinds.count == 1 { values["plural>.<group"] = unknownKinds.first! }
        self.values = values
        // The Secret a source's spec.secretRef names, as source-controller and image-automation-
        // controller name it when it is missing or unusable (git.yaml, bucket.yaml: `failed to get
        // secret 'ns/name'`); a SOPS decryption Secret (spec.decryption.secretRef) is another.
        if let secret = values["secret"], unique("secret", where: { $0.signature.hasPrefix("git-") || $0.signature.hasPrefix("bucket-") }) != nil {
            answers[Self.lookupOutputs["secret"]!] = secret
        }
        if let release = values["release"] { answers[Self.lookupOutputs["release"]!] = release }
        // A Secret a Flux object names (`spec.secretRef`, `certSecretRef`, `decryption.secretRef`,
        // a Receiver's `secretRef`) is a local reference: it lives in that object's namespace
        // (Flux's source, kustomize and notification APIs). The namespace of the Secret a line
        // names, else the failing source's, else the one namespace of every object of the incident.
        if let ns = capturedSecretNamespace {
            secretNamespace = ns
        } else if let u = incident.upstream, !u.namespace.isEmpty {
            secretNamespace = u.namespace
        } else if let first = objects.first, !first.namespace.isEmpty, objects.allSatisfy({ $0.namespace == first.namespace }) {
            secretNamespace = first.namespace
        }
        for signal in incident.signals { learnWorkloads(from: signal.captures) }
        // An Alert's Provider: spec.providerRef is a local reference (notification-controller's
        // Alert API), so the Provider is in the Alert's namespace; notification-controller names
        // it as the alert's `providerName` when a send fails (internal/server/event_handlers.go;
        // FLUX-LOGS.md 1.4, 3.13), and in the NotFound of a lookup that failed (`failed to read
        // provider: Provider.notification.toolkit.fluxcd.io "<name>" not found`), captured as
        // `provider` by the notification signatures.
        let alertNamespaces = Set(objects.filter { $0.kind == "Alert" }.map(\.namespace))
        if alertNamespaces.count == 1, let ns = alertNamespaces.first, !ns.isEmpty, !objects.contains(where: { $0.kind == "Provider" }) {
            providerNamespace = ns
            if let provider = unique("provider") { learned.append(ObjectRef(kind: "Provider", namespace: ns, name: provider)) }
        }
    }

    /// The output formats of the lookups steps write for values the logs may not hold (see
    /// `answers`), by the placeholder whose value they print:
    /// - `secret`: a source's spec.secretRef (a local reference, in the source's namespace);
    /// - `release`: a HelmRelease's Helm release, helm-controller's GetReleaseName:
    ///   spec.releaseName, else `<spec.targetNamespace>-<name>`, else its name (api/v2
    ///   helmrelease_types.go).
    static let lookupOutputs: [String: String] = [
        "secret": "-o jsonpath='{.spec.secretRef.name}'",
        "release": "-o go-template='{{with .spec.releaseName}}{{.}}{{else}}{{with .spec.targetNamespace}}{{.}}-{{end}}{{.metadata.name}}{{end}}'",
    ]

    /// `text` with every lookup (`"$(kubectl ... <format>)"`) whose value a line gave (`answers`)
    /// replaced by that value.
    func answer(_ text: String) -> String {
        guard !answers.isEmpty, text.holds("\"$(kubectl ") else { return text }
        var out = text
        for (format, value) in answers {
            var rest = Substring(out), done = ""
            while let open = rest.firstRange(of: "\"$(kubectl "), let close = rest[open.upperBound...].firstRange(of: ")\"") {
                let inner = rest[open.upperBound..<close.lowerBound]
                if !inner.contains("$("), inner.hasSuffix(" " + format) {
                    done += rest[..<open.lowerBound] + value
                } else {
                    done += rest[..<close.upperBound]
                }
                rest = rest[close.upperBound...]
            }
            out = done + rest
        }
        return out
    }

    /// A Helm release as helm-controller names it, without the revision its storage adds
    /// (`podinfo/podinfo.v5` → `podinfo/podinfo`).
    static func releaseWithoutRevision(_ release: String) -> String {
        guard let dot = release.lastIndex(of: "."), release[release.index(after: dot)...].first == "v" else { return release }
        let digits = release[release.index(dot, offsetBy: 2)...]
        return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) ? String(release[..<dot]) : release
    }

    /// The resource name RBAC and `kubectl auth can-i` use for a kind: lowercase plural
    /// (`Secret` → `secrets`, `Ingress` → `ingresses`, `NetworkPolicy` → `networkpolicies`;
    /// `Endpoints` is plural already), as the API server's discovery spells the core and apps kinds.
    static func resource(ofKind kind: String) -> String {
        let k = kind.lowercased()
        if k == "endpoints" { return k }
        if k.hasSuffix("s") || k.hasSuffix("x") || k.hasSuffix("ch") || k.hasSuffix("sh") { return k + "es" }
        if k.hasSuffix("y"), let before = k.dropLast().last, !"aeiou".contains(before) { return k.dropLast() + "ies" }
        return k + "s"
    }

    /// The workloads (`Deployment/shop/checkout`) a capture set names: kustomize-controller's
    /// health-check list `objects` (`Deployment/shop/checkout status: 'InProgress', ...`,
    /// FLUX-LOGS.md 3.3), Helm's wait log's `kind` and `object` (`Deployment` and
    /// `ingress-nginx/ingress-nginx-controller`, helm/helm pkg/kube ready.go) or its `service`
    /// without a load-balancer address (`ingress-nginx/ingress-nginx-controller`, a Service).
    /// Only kinds whose pods `kubectl logs` and `get pods` reach count (a health check may wait
    /// on a HelmRelease or a Kustomization: `kubectl logs helmrelease/x` is no command), and in a
    /// health-check list only those not yet `Current` (kstatus): the ones the wait was for.
    static func workloads(in captures: [String: String]) -> [ObjectRef] {
        if let list = captures["objects"] {
            return list.split(separator: ",").compactMap { item -> ObjectRef? in
                if item.contains("status: 'Current'") { return nil }
                guard let ref = item.split(separator: " ").first.flatMap({ ObjectRef(parsing: String($0)) }), !ref.namespace.isEmpty,
                      workloadKinds.contains(ref.kind) else { return nil }
                return ref
            }
        }
        if let kind = captures["kind"], workloadKinds.contains(kind), let object = captures["object"] {
            let parts = object.split(separator: "/")
            if parts.count == 2 { return [ObjectRef(kind: kind, namespace: String(parts[0]), name: String(parts[1]))] }
        }
        // `Service does not have load balancer ingress IP address: <namespace>/<name>` (ready.go).
        if let service = captures["service"] {
            let parts = service.split(separator: "/")
            if parts.count == 2 { return [ObjectRef(kind: "Service", namespace: String(parts[0]), name: String(parts[1]))] }
        }
        return []
    }

    /// Kinds that run pods (Kubernetes workload resources), as health checks and Helm name them.
    static let workloadKinds: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]

    /// Fills `<workload-namespace>` (all the workloads `captures` names are in one namespace) and
    /// `<workload>` (it names one: `deployment/checkout`, as `kubectl logs` takes it), unless an
    /// earlier capture set filled them.
    public mutating func learnWorkloads(from captures: [String: String]) {
        guard values["workload-namespace"] == nil else { return }
        let found = Self.workloads(in: captures)
        if workloads.isEmpty {
            var unique: [ObjectRef] = []
            for w in found where !unique.contains(w) { unique.append(w) }
            workloads = unique
        }
        guard let ns = found.first?.namespace, found.allSatisfy({ $0.namespace == ns }) else { return }
        values["workload-namespace"] = ns
        // A Service (Helm's LoadBalancer wait) gives the namespace only: its pods are not its own.
        if Set(found).count == 1, Self.workloadKinds.contains(found[0].kind) {
            values["workload"] = "\(found[0].kind.lowercased())/\(found[0].name)"
        }
    }

    /// The registry host and repository a registry URL names: `oci://registry-1.docker.io/acme/apps-manifests`
    /// (an OCIRepository's URL; a `:tag` or `@digest` dropped), or the distribution API's
    /// `https://ghcr.io/v2/acme/checkout-api/tags/list?n=1000` (`/v2/<name>/tags/`, `/manifests/`,
    /// `/blobs/`: OCI distribution spec, "Endpoints"). Nil for any other URL.
    static func registryRepository(_ url: String) -> (registry: String, repository: String)? {
        if url.hasPrefix("oci://") {
            let rest = url.dropFirst(6)
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            var repository = rest[rest.index(after: slash)...]
            if let at = repository.firstIndex(of: "@") { repository = repository[..<at] }
            if let colon = repository.lastIndex(of: ":"), !repository[colon...].contains("/") { repository = repository[..<colon] }
            let registry = rest[..<slash]
            return registry.isEmpty || repository.isEmpty ? nil : (String(registry), String(repository))
        }
        guard let scheme = url.firstRange(of: "://"), url.hasPrefix("http") else { return nil }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/"), let v2 = rest.firstRange(of: "/v2/"), v2.lowerBound == slash else { return nil }
        let path = rest[v2.upperBound...].prefix { $0 != "?" }
        // `/v2/<name>/manifests/<reference>`, `/blobs/<digest>`, `/tags/list`: the reference has no
        // slash, so the endpoint is the path's last two segments, whatever the name holds (a
        // repository `org/manifests` reads `/v2/org/manifests/manifests/v1.2.3`: a trial's
        // `crane ls <registry>/<repo>` stayed unfilled).
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        if segments.count >= 3, ["manifests", "blobs", "tags"].contains(segments[segments.count - 2]), !segments[0].isEmpty {
            return (String(rest[..<slash]), segments.dropLast(2).joined(separator: "/"))
        }
        for marker in ["/tags/", "/manifests/", "/blobs/"] {
            if let r = path.ranges(of: marker).last, r.lowerBound > path.startIndex {
                return (String(rest[..<slash]), String(path[..<r.lowerBound]))
            }
        }
        return nil
    }

    /// The transport a Git URL names: `ssh` (`ssh://git@host:2222/org/repo`), `https` for
    /// `https://` and `http://` (the HTTP transport, with `--username`/`--password` or a token),
    /// nil for anything else.
    static func gitScheme(ofURL url: String) -> String? {
        let u = url.lowercased()
        if u.hasPrefix("ssh://") { return "ssh" }
        if u.hasPrefix("https://") || u.hasPrefix("http://") { return "https" }
        return nil
    }

    /// Whether a check or fix is for the incident's Git transport (`gitScheme`): a step whose
    /// command names a Git URL of one scheme (`--url=ssh://...`, `--url=https://...`) is about Git
    /// over that transport, and is left out when the incident's Git URLs have the other (a trial:
    /// an HTTPS 401 was told `flux create secret git <secret> --url=ssh://...`). True when the
    /// step names no such URL or the incident's transport is not known.
    public func fits(_ step: String) -> Bool {
        guard let scheme = gitScheme, step.holds("--url=") else { return true }
        for (prefix, transport) in [("--url=ssh://", "ssh"), ("--url=https://", "https"), ("--url=http://", "https")]
        where transport != scheme && step.holds(prefix) {
            return false
        }
        return true
    }

    /// An empty filler: fills nothing.
    public init(objects: [ObjectRef] = [], values: [String: String] = [:], helmStorageNamespace: String? = nil,
                secretNamespace: String? = nil) {
        self.objects = objects
        self.values = values
        self.helmStorageNamespace = helmStorageNamespace
        self.secretNamespace = secretNamespace
    }

    /// The word(s) before `<name>` → the kind they name. `flux` spells kinds as subcommands
    /// (`source git`, `image repository`), kubectl as resource names.
    static let kindWords: [String: String] = [
        "kustomization": "Kustomization", "ks": "Kustomization",
        "helmrelease": "HelmRelease", "hr": "HelmRelease",
        "gitrepository": "GitRepository", "helmrepository": "HelmRepository", "ocirepository": "OCIRepository",
        "helmchart": "HelmChart", "bucket": "Bucket",
        "imagerepository": "ImageRepository", "imagepolicy": "ImagePolicy", "imageupdateautomation": "ImageUpdateAutomation",
        "receiver": "Receiver", "alert": "Alert", "provider": "Provider",
        "source git": "GitRepository", "source helm": "HelmRepository", "source oci": "OCIRepository",
        "source chart": "HelmChart", "source bucket": "Bucket",
        "image repository": "ImageRepository", "image policy": "ImagePolicy", "image update": "ImageUpdateAutomation",
    ]

    /// `text` with every placeholder that the incident fills replaced (see the type's comment).
    public func fill(_ text: String) -> String {
        // Most steps are ASCII without `<`: nothing to fill (every placeholder holds a `<`, and
        // ASCII text matches only by its bytes), unless a `system:` key without one is filled.
        if text.utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "<") }),
           values.keys.allSatisfy({ !$0.hasPrefix("system:") || $0.utf8.contains(UInt8(ascii: "<")) }) {
            // A secret step names no placeholder but its namespace (`kubectl -n flux-system
            // create secret generic sops-age ...`).
            return fillSecretNamespace(text)
        }
        var out = fillSecretNamespace(fillHelmStorage(fillObjects(answer(text))))
        // Longest first: `<kind> <name> -n <namespace>` before `<namespace>`.
        for (key, value) in values.sorted(by: { $0.key.count > $1.key.count }) {
            out = out.replacingAll(key.hasPrefix("system:") ? key + ">" : "<\(key)>", with: value)
        }
        out = fillWorkloads(out)
        // A Helm release's workloads are in the release's namespace when no wait log named them.
        if let ns = releaseNamespace { out = out.replacingAll("<workload-namespace>", with: ns) }
        // Last: every `-n flux-system` above is an object's, rewritten for it already.
        return fillFluxNamespace(out)
    }

    /// `<flux-namespace>` → `fluxNamespace` (see the type's comment). In flux-system, ` -n
    /// <flux-namespace>` of a `flux` command is left out: the flux CLI's `--namespace` defaults
    /// to it, so the default install reads `flux reconcile kustomization flux-system --with-source`
    /// as it always did, and a `kubectl` command says `-n flux-system`.
    func fillFluxNamespace(_ text: String) -> String {
        guard text.holds("<flux-namespace>") else { return text }
        var chars = Array(text)
        if fluxNamespace == FluxNamespaceClues.standard {
            let token = Array(" -n <flux-namespace>"), program = Array("flux ")
            var i = 0
            while i + token.count <= chars.count {
                guard chars[i..<(i + token.count)].elementsEqual(token) else { i += 1; continue }
                let start = Self.commandStart(chars, before: i)
                if start + program.count <= i, chars[start..<(start + program.count)].elementsEqual(program) {
                    chars.removeSubrange(i..<(i + token.count))
                } else {
                    i += token.count
                }
            }
        }
        return String(chars).replacingAll("<flux-namespace>", with: fluxNamespace)
    }

    /// A command about `<workload>` (`kubectl logs -n <workload-namespace> <workload> --previous`)
    /// when the wait named 2 or 3 workloads, or about `<workload-namespace>` alone when they are
    /// in 2 or 3 namespaces: one command each, chained with `&&` as `fillObjects` chains objects
    /// (a trial: a health check of workloads in two namespaces kept `-n <workload-namespace>`).
    /// A command that holds another placeholder (`kubectl describe pod -n <workload-namespace>
    /// <pod>`: the pod is picked from the list) is left as it is; so is one with more workloads.
    func fillWorkloads(_ text: String) -> String {
        guard workloads.count > 1, text.holds("<workload") else { return text }
        // Filled already by a later capture set (`learnWorkloads`): only its namespace's workloads.
        let pool = values["workload-namespace"].map { ns in workloads.filter { $0.namespace == ns } } ?? workloads
        var chars = Array(text)
        var i = 0
        let tokens = [Array("<workload-namespace>"), Array("<workload>")]
        while i < chars.count {
            guard tokens.contains(where: { i + $0.count <= chars.count && chars[i..<(i + $0.count)].elementsEqual($0) }) else {
                i += 1; continue
            }
            let start = Self.commandStart(chars, before: i)
            let end = Self.commandEnd(chars, after: i)
            var command = String(chars[start..<end])
            var trailing = ""
            while command.last == " " { trailing.append(" "); command.removeLast() }
            let names = command.holds("<workload>")
            let units: [(namespace: String, workload: String)] = names
                ? pool.filter { Self.workloadKinds.contains($0.kind) }.map { ($0.namespace, "\($0.kind.lowercased())/\($0.name)") }
                : pool.reduce(into: [String]()) { if !$0.contains($1.namespace) { $0.append($1.namespace) } }.map { ($0, "") }
            let rest = command.replacingAll("<workload-namespace>", with: "").replacingAll("<workload>", with: "")
            guard (2...Self.maxObjects).contains(units.count), !rest.contains("<") else { i = end; continue }
            let chained = units.map { u in
                command.replacingAll("<workload-namespace>", with: u.namespace).replacingAll("<workload>", with: u.workload)
            }.joined(separator: " && ") + trailing
            chars.replaceSubrange(start..<end, with: Array(chained))
            i = start + chained.count
        }
        return String(chars)
    }

    /// The kind named by the words just before `prefix`'s end (`... source git `), nil if none.
    static func kind(before prefix: Substring) -> String? {
        let words = prefix.split(whereSeparator: { $0 == " " || $0 == "\n" }).suffix(3).map { $0.lowercased() }
        guard let last = words.last else { return nil }
        // `flux create secret tls <name>` names a secret, not a source.
        if words.count >= 2 {
            let pair = words[words.count - 2] + " " + last
            if let k = kindWords[pair] { return k }
            if words[words.count - 2] == "secret" { return nil }
        }
        if ["git", "helm", "oci", "chart", "repository", "update", "policy"].contains(last) { return nil }
        return kindWords[last]
    }

    /// Takes `object` as the one of its kind the steps name, when it is a source (GitRepository,
    /// OCIRepository, HelmRepository, Bucket: `sourceWords`), the incident names no source of its
    /// own (none of these, no HelmChart: then the evidence's source is another one) and no earlier
    /// lesson one of that kind, and its namespace is that of every object of the incident (a
    /// `sourceRef` without a namespace is in its consumer's: the Kustomization, HelmRelease and
    /// ImageUpdateAutomation APIs), so that a source in another namespace is not taken for theirs.
    /// A HelmChart is taken when it is the one helm-controller made for one of the incident's
    /// HelmReleases: named `<namespace>-<name>` of the HelmRelease (helm-controller's
    /// `GetHelmChartName`), in whatever namespace its source is (the chart is created in its
    /// HelmRepository's), so that `flux resume source chart <name>` names a suspended chart.
    public mutating func learnSource(_ object: ObjectRef) {
        if object.kind == "HelmChart" {
            guard !objects.contains(where: { Self.sourceWords[$0.kind] != nil || $0.kind == "HelmChart" }),
                  !learned.contains(where: { $0.kind == "HelmChart" }),
                  objects.contains(where: { $0.kind == "HelmRelease" && "\($0.namespace)-\($0.name)" == object.name }) else { return }
            learned.append(object)
            return
        }
        guard Self.sourceWords[object.kind] != nil,
              !objects.contains(where: { Self.sourceWords[$0.kind] != nil || $0.kind == "HelmChart" }),
              !learned.contains(where: { $0.kind == object.kind }),
              objects.allSatisfy({ $0.namespace == object.namespace }) else { return }
        learned.append(object)
    }

    func fillObjects(_ text: String) -> String {
        // Most steps name no object: kept as they are (one string shared by every incident).
        guard text.holds("<name>") || text.holds("<namespace>-<release>") else { return text }
        var chars = Array(text)
        // A HelmChart's name is `<namespace>-<release>` (the HelmRelease's), as the checks write it.
        let tokens = [Array("<name>"), Array("<namespace>-<release>")]
        var i = 0
        while i < chars.count {
            guard let token = tokens.first(where: { i + $0.count <= chars.count && chars[i..<(i + $0.count)].elementsEqual($0) }) else {
                i += 1; continue
            }
            let prefix = Substring(String(chars[0..<i]))
            guard let kind = Self.kind(before: prefix) else { i += token.count; continue }
            var candidates = (objects + learned).filter { $0.kind.lowercased() == kind.lowercased() }
            // The command: from its program word to the next separator or comment.
            let start = Self.commandStart(chars, before: i)
            let end = Self.commandEnd(chars, after: i + token.count)
            var head = String(chars[start..<i])
            // A step written for one kind of source (`flux reconcile source git <name>`) about an
            // incident of another (one HelmRepository): the command for that source's kind.
            if candidates.isEmpty, let words = Self.sourceWords[kind] {
                let others = objects.filter { Self.sourceWords[$0.kind] != nil }
                if others.count == 1, let to = Self.sourceWords[others[0].kind] {
                    for (a, b) in [(words.flux, to.flux), (words.kubectl, to.kubectl)] where head.hasSuffix(a + " ") {
                        head = String(head.dropLast(a.count + 1)) + b + " "
                        candidates = others
                        break
                    }
                }
            }
            // A step written for a Git source about consumers whose source the logs never name
            // (no source among the incident's objects or the evidence's): the kind is not known,
            // so the command says which words may stand there (a trial: an OCIRepository's
            // Kustomization was told `flux reconcile source git <name>`).
            if candidates.isEmpty, let words = Self.sourceWords[kind],
               !(objects + learned).contains(where: { Self.sourceWords[$0.kind] != nil || $0.kind == "HelmChart" }),
               objects.contains(where: { $0.kind == "Kustomization" || $0.kind == "HelmRelease" }) {
                for (a, b) in [(words.flux, "source <git|oci|helm|bucket>"), (words.kubectl, "<gitrepository|ocirepository|helmrepository|bucket>")]
                where head.hasSuffix(a + " ") {
                    let replaced = String(head.dropLast(a.count + 1)) + b + " "
                    chars.replaceSubrange(start..<i, with: Array(replaced))
                    i = start + replaced.count
                    break
                }
                i += token.count
                continue
            }
            // The GitRepository of an ImageUpdateAutomation whose source no line names (its
            // source-controller log not read): the automation's spec.sourceRef, looked up, in the
            // automation's namespace, where a sourceRef without a namespace is (image-automation-
            // controller's CrossNamespaceSourceReference), written as any object is (`command`).
            // A trial's automation in team-a was told `kubectl -n flux-system get gitrepository <name>`.
            if candidates.isEmpty, kind.lowercased() == "gitrepository", token == tokens[0],
               !(objects + learned).contains(where: { Self.sourceWords[$0.kind] != nil }),
               case let automations = objects.filter({ $0.kind == "ImageUpdateAutomation" }), automations.count == 1 {
                let a = automations[0]
                let lookup = "\"$(kubectl -n \(a.namespace) get imageupdateautomation \(a.name) -o jsonpath='{.spec.sourceRef.name}')\""
                candidates = [ObjectRef(kind: "GitRepository", namespace: a.namespace, name: lookup)]
            }
            // A Provider no line names, of an Alert in another namespace: `<name>` stays, the
            // command looks in the Alert's namespace (`providerNamespace`).
            if candidates.isEmpty, kind == "Provider", let ns = providerNamespace, ns != "flux-system", head.hasPrefix("kubectl "),
               head.holds("-n flux-system ") {
                let filled = head.replacingAll("-n flux-system ", with: "-n \(ns) ")
                chars.replaceSubrange(start..<i, with: Array(filled))
                i = start + filled.count + token.count
                continue
            }
            if String(chars[(i + token.count)..<end]).contains("--force") || head.contains("--force") {
                let own = Set(objects.prefix(ownObjects))
                candidates = candidates.filter { own.contains($0) || learned.contains($0) }
            }
            guard (1...Self.maxObjects).contains(candidates.count) else { i += token.count; continue }
            // Prose with no command in it names one object or none.
            if candidates.count > 1, !(head.hasPrefix("kubectl ") || head.hasPrefix("flux ")) { i += token.count; continue }
            var tail = Substring(String(chars[(i + token.count)..<end]))
            var trailing = ""
            while let last = tail.last, last == " " { trailing.append(" "); tail.removeLast() }
            // Several objects of the kind: one command each, chained with `&&`.
            let command = candidates.map { Self.command(head: head, object: $0, tail: String(tail)) }
                .joined(separator: " && ") + trailing
            chars.replaceSubrange(start..<end, with: Array(command))
            i = start + command.count
            if candidates.count == 1 { Self.fillEnclosing(&chars, lookup: start, end: &i, object: candidates[0]) }
        }
        return String(chars)
    }

    /// Whether a lookup command (`kubectl ... get helmchart podinfo-podinfo -o jsonpath=...`) reads
    /// a local reference of `object`: a name that the API resolves in `object`'s own namespace.
    /// A HelmChart's spec.sourceRef (LocalHelmChartSourceReference: no namespace; `flux reconcile
    /// source chart --with-source` looks its source up in the HelmChart's namespace,
    /// flux2 cmd/flux/reconcile_source_chart.go) and any spec.secretRef are; a Kustomization's or a
    /// HelmRelease's sourceRef may name another namespace and is not. A spec.certSecretRef (the CA
    /// of a HelmRepository, OCIRepository, Bucket, ImageRepository or Provider) is one too, and so
    /// is a Kustomization's or HelmRelease's spec.kubeConfig.secretRef (meta.SecretKeyReference:
    /// the kubeconfig Secret in the object's namespace).
    /// An ImagePolicy's spec.imageRepositoryRef names its ImageRepository, in the policy's own
    /// namespace when it names none (image-reflector-controller's ImagePolicy API); the lookup
    /// reads only the name, so it is taken as the policy's namespace, as an ImageUpdateAutomation's
    /// sourceRef is (`fillObjects`).
    static func readsLocalReference(_ lookup: String, of object: ObjectRef) -> Bool {
        lookup.holds("{.spec.secretRef.name}") || lookup.holds("{.spec.certSecretRef.name}")
            || lookup.holds("{.spec.kubeConfig.secretRef.name}")
            || (object.kind == "HelmChart" && lookup.holds("{.spec.sourceRef.name}"))
            || (object.kind == "ImagePolicy" && lookup.holds("{.spec.imageRepositoryRef.name}"))
    }

    /// A command whose argument is a command substitution reading a local reference of `object`
    /// (`kubectl -n flux-system get helmrepository "$(kubectl -n apps get helmchart podinfo-podinfo
    /// -o jsonpath='{.spec.sourceRef.name}')"`, `flux reconcile source helm "$(...)"`) is about an
    /// object in `object`'s namespace: its `-n flux-system` becomes that namespace, and a `flux`
    /// command without `-n` gets `-n <namespace>` after the substitution (a trial: a HelmRepository
    /// and its HelmChart in namespace apps were looked up in flux-system). Nothing changes in
    /// flux-system, or when the lookup at `lookup..<end` is no such substitution.
    /// - Parameters:
    ///   - lookup: where the filled lookup command starts in `chars` (after `$(`).
    ///   - end: where it ends; moved by what is inserted or replaced before it.
    static func fillEnclosing(_ chars: inout [Character], lookup: Int, end: inout Int, object: ObjectRef) {
        let ns = object.namespace
        guard !ns.isEmpty, ns != "flux-system", lookup >= 2, chars[lookup - 2] == "$", chars[lookup - 1] == "(",
              readsLocalReference(String(chars[lookup..<end]), of: object),
              let close = chars[end...].firstIndex(of: ")") else { return }
        // The command the substitution is an argument of: it runs on to the substitution's `(`.
        let outer = commandStart(chars, before: lookup - 2)
        guard commandEnd(chars, after: outer) == lookup - 1 else { return }
        var after = close + 1
        if after < chars.count, chars[after] == "\"" { after += 1 }
        let head = String(chars[outer..<(lookup - 2)])
        let tail = String(chars[after..<commandEnd(chars, after: after)])
        if head.hasPrefix("flux "), StepCommands.isFluxOrKubectlCommand(head),
           !head.holds(" -n "), !tail.holds(" -n "), !head.holds("--namespace"), !tail.holds("--namespace") {
            chars.insert(contentsOf: Array(" -n \(ns)"), at: after)
        } else if head.hasPrefix("kubectl "), head.holds("-n flux-system ") {
            let filled = head.replacingAll("-n flux-system ", with: "-n \(ns) ")
            chars.replaceSubrange(outer..<(lookup - 2), with: Array(filled))
            end += filled.count - head.count
        }
    }

    /// `<namespace>` in commands that read Helm's storage (`helm ...`, `kubectl ... -l
    /// owner=helm`) → `helmStorageNamespace` (see the type's comment).
    func fillHelmStorage(_ text: String) -> String {
        guard let ns = helmStorageNamespace, text.holds("<namespace>") else { return text }
        var chars = Array(text)
        let token = Array("<namespace>"), value = Array(ns)
        var i = 0
        while i + token.count <= chars.count {
            guard chars[i..<(i + token.count)].elementsEqual(token) else { i += 1; continue }
            let start = Self.commandStart(chars, before: i, programs: ["kubectl ", "flux ", "helm "])
            let command = String(chars[start..<Self.commandEnd(chars, after: i + token.count)])
            if command.hasPrefix("helm ") || command.contains("owner=helm") {
                chars.replaceSubrange(i..<(i + token.count), with: value)
                i += value.count
            } else {
                i += token.count
            }
        }
        return String(chars)
    }

    /// Commands about a Secret (`kubectl -n flux-system get secret ...`, `kubectl -n flux-system
    /// create secret ...`, `flux create secret <type> <name> ...`) in `secretNamespace`: `-n
    /// flux-system` changed, `-n` added after the secret's name of a `flux create secret` that has
    /// none. Nothing changes when that namespace is flux-system or not known.
    func fillSecretNamespace(_ text: String) -> String {
        guard let ns = secretNamespace, ns != "flux-system", text.holds(" secret ") else { return text }
        var chars = Array(text)
        let token = Array(" secret ")
        var i = 0
        while i + token.count <= chars.count {
            guard chars[i..<(i + token.count)].elementsEqual(token) else { i += 1; continue }
            let start = Self.commandStart(chars, before: i)
            let end = Self.commandEnd(chars, after: i + token.count)
            var command = String(chars[start..<end])
            if command.hasPrefix("kubectl "), command.holds("-n flux-system ") {
                command = command.replacingAll("-n flux-system ", with: "-n \(ns) ")
            } else if command.hasPrefix("flux create secret "), !command.holds(" -n "), !command.holds("--namespace"),
                      StepCommands.createsNamedSecret(command.split(separator: " ")), !command.holds("\"$") {
                // A name looked up (`flux create secret git "$(kubectl ... get gitrepository ...)"`)
                // gets its `-n` after the lookup (`fillEnclosing`).
                // Not prose that names the command (`flux create secret git without --private-key-file`).
                // `flux create secret git <secret> -n team-b --url=...`
                var words = command.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                words.insert(contentsOf: ["-n", ns], at: min(5, words.count))
                command = words.joined(separator: " ")
            } else {
                i += token.count
                continue
            }
            chars.replaceSubrange(start..<end, with: Array(command))
            i = start + command.count
        }
        return String(chars)
    }

    /// The sources' kinds → their `flux` subcommand and kubectl resource name (`flux reconcile
    /// source helm`, `kubectl describe helmrepository`): a step written for one is rewritten for
    /// the incident's source of another kind (`fillObjects`).
    static let sourceWords: [String: (flux: String, kubectl: String)] = [
        "GitRepository": ("source git", "gitrepository"), "HelmRepository": ("source helm", "helmrepository"),
        "OCIRepository": ("source oci", "ocirepository"), "Bucket": ("source bucket", "bucket"),
    ]

    /// At most this many objects of one kind are written out (one command each); with more, the
    /// placeholder stays and the report's object lists say which they are.
    static let maxObjects = 3

    /// `head` + the object's name + `tail`, in the object's namespace: `<namespace>`/`<ns>` filled,
    /// `-n flux-system` changed, `-n` added after the name to a `flux` command that has none
    /// (the name may be a command substitution with a `-n` of its own). Prose that names the
    /// tool but calls no subcommand of it (`flux to check the ...`) is not a command: no `-n`.
    static func command(head: String, object o: ObjectRef, tail: String) -> String {
        var command = head + o.name + tail
        let ns = o.namespace
        guard !ns.isEmpty else { return command }
        command = command.replacingAll("<namespace>", with: ns).replacingAll("<ns>", with: ns)
        guard ns != "flux-system" else { return command }
        command = command.replacingAll("-n flux-system ", with: "-n \(ns) ")
        // Not the name's own `-n` (a name may be a lookup: `"$(kubectl -n apps get ...)"`); only
        // into a command: prose that names the tool (`Use flux to check the gitrepository
        // <name> spec`) is no `flux` command and gets no `-n` (StepCommands).
        if command.hasPrefix("flux "), StepCommands.isFluxOrKubectlCommand(head),
           !(head + tail).contains(" -n "), !(head + tail).contains("--namespace") {
            let chars = Array(command), nameEnd = head.count + o.name.count
            command = String(chars[0..<nameEnd]) + " -n \(ns)" + String(chars[nameEnd...])
        }
        return command
    }

    /// Where the command holding position `i` starts: its last program word (`kubectl `/`flux `
    /// unless `programs` says) before `i` (0 when none).
    static func commandStart(_ chars: [Character], before i: Int, programs names: [String] = ["kubectl ", "flux "]) -> Int {
        let programs = names.map(Array.init)
        var j = i - 1
        while j >= 0 {
            if j == 0 || !(chars[j - 1].isLetter || chars[j - 1] == "-") {
                for p in programs where j + p.count <= i && chars[j..<(j + p.count)].elementsEqual(p) { return j }
            }
            j -= 1
        }
        return 0
    }

    /// Where the command after position `i` ends: before ` && `, `; `, ` (`, `)`, `,`, a comment or
    /// a line break.
    static func commandEnd(_ chars: [Character], after i: Int) -> Int {
        var j = i
        while j < chars.count {
            let c = chars[j]
            if c == "\n" || c == ")" || c == ";" || c == "#" || c == "," { return j }
            if c == "(" || (c == "&" && j + 1 < chars.count && chars[j + 1] == "&") || (c == "|" && j > 0 && chars[j - 1] == " ") {
                return j
            }
            j += 1
        }
        return j
    }
}

extension String {
    /// The string with every occurrence of `target` replaced by `replacement` (found by
    /// `firstRange(of:)`, not Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, holds(target) else { return self }
        var out = "", rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[rest.startIndex..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

    /// Whether `target` occurs in the string, as `contains(_:)` answers: by bytes when both are
    /// ASCII and `target` neither starts with a line feed nor ends with a carriage return (no
    /// character of the string can then hold part of a match); else by `contains(_:)`.
    func holds(_ target: String) -> Bool {
        let t = target.utf8
        guard let first = t.first, let last = t.last, first != UInt8(ascii: "\n"), last != UInt8(ascii: "\r"),
              t.allSatisfy({ $0 < 0x80 }), utf8.allSatisfy({ $0 < 0x80 }) else { return contains(target) }
        var text = self, needle = target
        return needle.withUTF8 { t in text.withUTF8 { s in containsBytes(UnsafeRawBufferPointer(s), UnsafeRawBufferPointer(t)) } }
    }
}
