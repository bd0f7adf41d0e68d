/// Names of Flux's controllers and the maps from log fields to them.
/// Sources: FLUX-LOGS.md 1.2 (`controllerGroup` values, lowercase `controller` names) and the
/// kinds each controller reconciles (flux2 `manifests/bases`).
public enum FluxControllers {
    /// The controllers' Deployment names, the canonical identity flux-logscan reports.
    public static let all = [
        "source-controller", "kustomize-controller", "helm-controller", "notification-controller",
        "image-reflector-controller", "image-automation-controller",
    ]

    /// Kind (any case) → the controller that reconciles it.
    static let byKind: [String: String] = [
        "kustomization": "kustomize-controller",
        "helmrelease": "helm-controller",
        "gitrepository": "source-controller", "helmrepository": "source-controller",
        "helmchart": "source-controller", "ocirepository": "source-controller",
        "bucket": "source-controller", "externalartifact": "source-controller",
        "imagerepository": "image-reflector-controller", "imagepolicy": "image-reflector-controller",
        "imageupdateautomation": "image-automation-controller",
        "alert": "notification-controller", "provider": "notification-controller",
        "receiver": "notification-controller",
    ]

    /// The kinds source-controller reconciles: the sources whose artifacts the other controllers
    /// fetch (a HelmChart too, which helm-controller waits on for its HelmRelease).
    static let sourceKinds: Set<String> = ["GitRepository", "HelmRepository", "HelmChart", "OCIRepository", "Bucket", "ExternalArtifact"]

    /// Lowercase kind → API spelling, for kinds read from URLs and `controller` values.
    public static let kindSpelling: [String: String] = [
        "kustomization": "Kustomization", "helmrelease": "HelmRelease",
        "gitrepository": "GitRepository", "helmrepository": "HelmRepository",
        "helmchart": "HelmChart", "ocirepository": "OCIRepository", "bucket": "Bucket",
        "externalartifact": "ExternalArtifact",
        "imagerepository": "ImageRepository", "imagepolicy": "ImagePolicy",
        "imageupdateautomation": "ImageUpdateAutomation",
        "alert": "Alert", "provider": "Provider", "receiver": "Receiver",
    ]

    /// The controller for a `controllerGroup` value; `image.toolkit.fluxcd.io` is split by kind.
    static func controller(group: String, kind: String?) -> String? {
        switch group {
        case "kustomize.toolkit.fluxcd.io": return "kustomize-controller"
        case "helm.toolkit.fluxcd.io": return "helm-controller"
        case "source.toolkit.fluxcd.io": return "source-controller"
        case "notification.toolkit.fluxcd.io": return "notification-controller"
        case "image.toolkit.fluxcd.io":
            return kind?.lowercased() == "imageupdateautomation" ? "image-automation-controller" : "image-reflector-controller"
        default: return nil
        }
    }

    static func controller(kind: String) -> String? { byKind[kind.lowercased()] }

    /// How notification-controller's own records open, lowercase: the messages its event server
    /// and receiver server log, which `flux logs` prints with an empty kind (they carry
    /// `eventInvolvedObject` or nothing: `<ts> error  - failed to send notification <error>`,
    /// FLUX-LOGS.md 2) or, before commit 80f7237, with the kind of the event's involved object
    /// (`failed to send notification`, `Dispatching event: %s`, `Discarding event, no alerts found
    /// for the involved object` and `Discarding event, rate limiting duplicate events` logged
    /// `"reconciler kind", event.InvolvedObject.Kind`: `<ts> error Kustomization/apps.flux-system -
    /// failed to send notification <error>`). Sources, fluxcd/notification-controller:
    /// `internal/server/event_handlers.go` (`failed to get alerts for the
    /// event`, `discarding event, no alerts found for the involved object`, `dispatching event`,
    /// `failed to dispatch notification` with `failed to read provider: ...` and the other
    /// provider errors, `failed to send notification`, `event dropped for commit status|change
    /// request providers ...`, `failed to compile inclusion|exclusion regex: %s`; before commit
    /// 80f7237 `Dispatching event: %s`, `listing alerts failed`, `failed to compile regex: %s`,
    /// `Discarding event, access denied to cross-namespace sources`),
    /// `internal/server/event_server.go` (`reading|closing|decoding the request body failed`,
    /// `Discarding event, rate limiting duplicate events`, `Event server crashed`, `Event server
    /// graceful shutdown failed`, `Event server stopped`), `internal/server/receiver_handlers.go`
    /// (`handling request: %s`, `unable to list receivers`). Each is an opening no other Flux
    /// controller logs.
    static let notificationOpenings: [String] = [
        "failed to send notification", "failed to dispatch notification", "failed to get alerts for the event",
        "dispatching event", "discarding event, no alerts found for the involved object",
        "discarding event, rate limiting duplicate events", "discarding event, access denied to cross-namespace sources",
        "event dropped for commit status providers",
        "event dropped for change request providers", "failed to compile inclusion regex",
        "failed to compile exclusion regex", "failed to compile regex: ", "listing alerts failed",
        "reading the request body failed", "closing the request body failed", "decoding the request body failed",
        "event server crashed", "event server graceful shutdown failed", "event server stopped",
        "handling request: ", "unable to list receivers",
    ]

    /// The controller a `flux logs` line's message names (`<ts> <level> [Kind/name.namespace] -
    /// <message>`, FLUX-LOGS.md 2), whatever its kind: `notification-controller` when it opens
    /// with one of `notificationOpenings` (ASCII case ignored: the capitalised spellings of older
    /// releases count), else nil (the kind, when there is one, then names it).
    static func controller(notificationMessage message: some StringProtocol) -> String? {
        let head = message.utf8.prefix(64).map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        for opening in notificationOpenings where head.starts(with: opening.utf8) { return "notification-controller" }
        return nil
    }

    /// `controller(group:kind:)` from the group's and the kind's bytes (no string built per
    /// record); nil for any other group, and for `image.toolkit.fluxcd.io` without `kind` (the
    /// caller then asks `controller(group:kind:)`).
    static func controller(group: UnsafeRawBufferPointer, kind: UnsafeRawBufferPointer? = nil) -> String? {
        if JSONScanner.equals(group, "kustomize.toolkit.fluxcd.io") { return "kustomize-controller" }
        if JSONScanner.equals(group, "helm.toolkit.fluxcd.io") { return "helm-controller" }
        if JSONScanner.equals(group, "source.toolkit.fluxcd.io") { return "source-controller" }
        if JSONScanner.equals(group, "notification.toolkit.fluxcd.io") { return "notification-controller" }
        if let kind, JSONScanner.equals(group, "image.toolkit.fluxcd.io") {
            // As `kind?.lowercased() == "imageupdateautomation"`, on ASCII bytes.
            let word = "imageupdateautomation".utf8
            let automation = kind.count == word.count && zip(kind, word).allSatisfy { a, b in (a >= 65 && a <= 90 ? a + 32 : a) == b }
            return automation ? "image-automation-controller" : "image-reflector-controller"
        }
        return nil
    }

    /// The controller whose Deployment made the pod `pod` with container `container`, nil when
    /// none did: Flux's pods are named `<controller>-<pod-template-hash>-<suffix>` (a Deployment's
    /// ReplicaSet's pods) and their container is `manager` (flux2 `cmd/flux/logs.go`
    /// `controllerContainer = "manager"`, FLUX-LOGS.md 2). A pod that only begins with a
    /// controller's name (`source-controller-exporter-6f7d8c9b5-xyz12`) or runs another
    /// container (rancher's `helm-controller` in kube-system) is not Flux's (a trial: both were read
    /// as Flux controllers). The container's name is the strong test here, so the two name parts
    /// are only checked as lowercase letters and digits; a stern prefix, which has no container
    /// to test against words of a sentence, checks them against Kubernetes' alphabet
    /// (`Envelope.isDeploymentPod`).
    public static func controller(pod: String, container: String) -> String? {
        guard container == "manager" else { return nil }
        for c in all where pod.hasPrefix(c + "-") {
            let rest = pod.dropFirst(c.count + 1).split(separator: "-", omittingEmptySubsequences: false)
            guard rest.count == 2, rest.allSatisfy({ !$0.isEmpty && $0.count <= 10 && $0.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) } })
            else { continue }
            return c
        }
        return nil
    }

    /// The controller named inside a pod or file name (`kustomize-controller-5d4b86b547-kqr2q`,
    /// `/logs/source-controller.log`, `flux-system_helm-controller-...`), nil if none.
    public static func controller(inName name: String) -> String? {
        for c in all where name.contains(c) { return c }
        return nil
    }

    /// Normalises a user's `--controller` value: `kustomize` → `kustomize-controller`.
    public static func canonical(_ name: String) -> String {
        let n = name.lowercased()
        if n.hasSuffix("-controller") { return n }
        if n == "image-reflector" || n == "image-automation" { return n + "-controller" }
        return n + "-controller"
    }

    /// The API spelling of a lowercase kind (`gitrepository` → `GitRepository`).
    public static func spell(kind: String) -> String { kindSpelling[kind.lowercased()] ?? kind }
}
