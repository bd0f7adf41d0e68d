extension ScanFilter {
    /// Whether `e` is inside `--since/--until` (an event without a time is).
    func acceptsTime(_ e: Event) -> Bool {
        guard let t = e.time else { return true }
        if let s = since, t < s { return false }
        if let u = until, t > u { return false }
        return true
    }

    /// Whether an incident is about what `--controller/--namespace/--object` ask for: one of its
    /// controllers, objects (affected and upstream) or downstream objects and controllers (the
    /// waits folded under it, `Cascade`) matches every filter given. Failures of every object are
    /// correlated, so `--object Kustomization/flux-system/apps` shows the GitRepository incident
    /// apps waits on, with apps listed downstream, instead of apps' wait alone.
    ///
    /// A controller is also about the objects it reconciles (`FluxControllers.byKind`): with
    /// `--controller source-controller`, kustomize-controller's failures to fetch a
    /// GitRepository's artifact are shown, since source-controller serves that artifact (the
    /// NetworkPolicy :9090 case logs them in kustomize-controller alone), and so are the failures
    /// to reach its Service (a captured `host` of `notification-controller.flux-system.svc...`:
    /// kustomize-controller's events that notification-controller never received).
    public func accepts(_ i: Incident) -> Bool {
        let objects = i.affected + (i.upstream.map { [$0] } ?? []) + i.downstream.flatMap(\.objects)
        if let c = controller {
            func reaches(_ s: SignalSummary) -> Bool { s.captures["host"].map { $0 == c || $0.hasPrefix(c + ".") } ?? false }
            guard i.controllers.contains(c) || i.downstream.contains(where: { $0.signals.contains { $0.controller == c || reaches($0) } })
                    || objects.contains(where: { FluxControllers.byKind[$0.kind.lowercased()] == c })
                    || i.signals.contains(where: reaches) else { return false }
        }
        if let ns = namespace, !objects.contains(where: { $0.namespace == ns }) { return false }
        if let o = object, !objects.contains(where: { ScanFilter.normalized($0) == o }) { return false }
        return true
    }

    /// Whether any of `--controller/--namespace/--object` is given.
    public var selectsIncidents: Bool { controller != nil || namespace != nil || object != nil }
}
