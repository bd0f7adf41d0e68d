/// Every log line the generator writes, one function per line kind, each with the FLUX-LOGS.md
/// section (and the Flux source file) its format comes from. Records are controller-runtime JSON
/// of the current field era (FLUX-LOGS.md 1.1, 1.2): keys in zap's order, `level`, `ts`, `logger`
/// (only for named loggers), `msg`, the per-object context, the call's key/values, `error` last.
enum Line {
    /// One field: a key and its value already written as JSON.
    typealias Field = (key: String, json: String)

    static func string(_ key: String, _ value: String) -> Field { (key, quoted(value)) }

    /// A record (FLUX-LOGS.md 1.1 key order).
    static func record(_ level: String, _ t: Millis, logger: String? = nil, _ msg: String, _ fields: [Field] = [], error: String? = nil) -> String {
        var s = "{\"level\":\"\(level)\",\"ts\":\"\(iso8601(t))\""
        if let logger { s += ",\"logger\":" + quoted(logger) }
        s += ",\"msg\":" + quoted(msg)
        for f in fields { s += "," + quoted(f.key) + ":" + f.json }
        if let error { s += ",\"error\":" + quoted(error) }
        return s + "}"
    }

    /// The per-object context controller-runtime >= v0.13 adds to every reconcile line
    /// (FLUX-LOGS.md 1.2, third era): controller, controllerGroup, controllerKind, the object under
    /// its Kind, namespace, name, reconcileID.
    static func context(_ o: FluxObject, _ reconcileID: String) -> [Field] {
        [string("controller", o.kind.lowercased()), string("controllerGroup", apiGroup(o.kind)), string("controllerKind", o.kind),
         (o.kind, "{\"name\":\(quoted(o.name)),\"namespace\":\(quoted(o.namespace))}"),
         string("namespace", o.namespace), string("name", o.name), string("reconcileID", reconcileID)]
    }

    /// controller, controllerGroup, controllerKind of a controller-runtime controller (start-up
    /// and shutdown lines carry no object).
    static func controllerFields(_ kind: String) -> [Field] {
        [string("controller", kind.lowercased()), string("controllerGroup", apiGroup(kind)), string("controllerKind", kind)]
    }

    // MARK: Start-up and shutdown (FLUX-LOGS.md 1.2, 3.12)

    /// `starting manager` (logger `setup`), the metrics server, the health probe server
    /// (FLUX-LOGS.md 1.2; Flux main.go, controller-runtime pkg/manager).
    static func managerStart(_ t: Millis) -> [(Millis, String)] {
        [(t, record("info", t, logger: "setup", "starting manager")),
         (t + 1, record("info", t + 1, logger: "controller-runtime.metrics", "Starting metrics server")),
         (t + 1, record("info", t + 1, "starting server", [string("kind", "health probe"), string("addr", "[::]:9440")])),
         (t + 2, record("info", t + 2, logger: "controller-runtime.metrics", "Serving metrics server",
                        [string("bindAddress", ":8080"), ("secure", "false")]))]
    }

    /// Leader election with client-go >= v0.35 wording, lease in key `lock`, logger `runtime`
    /// (FLUX-LOGS.md 3.12, 1.2; lease `<controller>-leader-election`).
    static func leaseAttempt(_ t: Millis, _ c: Controller) -> String {
        record("info", t, logger: "runtime", "Attempting to acquire leader lease...", [string("lock", "flux-system/\(c.rawValue)-leader-election")])
    }

    static func leaseAcquired(_ t: Millis, _ c: Controller) -> String {
        record("info", t, logger: "runtime", "Successfully acquired lease", [string("lock", "flux-system/\(c.rawValue)-leader-election")])
    }

    /// `Starting EventSource` / `Starting Controller` / `Starting workers` per kind
    /// (FLUX-LOGS.md 1.2; controller-runtime pkg/internal/controller/controller.go).
    static func controllerStart(_ t: Millis, kind: String, workers: Int) -> [(Millis, String)] {
        let f = controllerFields(kind)
        return [(t, record("info", t, "Starting EventSource", f + [string("source", "kind source: *v1.\(kind)")])),
                (t, record("info", t, "Starting Controller", f)),
                (t + 90, record("info", t + 90, "Starting workers", f + [("worker count", String(workers))]))]
    }

    /// A graceful stop on SIGTERM (FLUX-LOGS.md 3.12; controller-runtime pkg/manager/internal.go
    /// engageStopProcedure, pkg/internal/controller/controller.go).
    static func shutdown(_ t: Millis, kinds: [String]) -> [(Millis, String)] {
        var out: [(Millis, String)] = [(t, record("info", t, "Stopping and waiting for non leader election runnables")),
                                       (t, record("info", t, "Stopping and waiting for leader election runnables"))]
        for k in kinds { out.append((t, record("info", t, "Shutdown signal received, waiting for all workers to finish", controllerFields(k)))) }
        for k in kinds { out.append((t + 1, record("info", t + 1, "All workers finished", controllerFields(k)))) }
        out.append((t + 2, record("info", t + 2, "Stopping and waiting for caches")))
        out.append((t + 3, record("info", t + 3, "Stopping and waiting for HTTP servers")))
        out.append((t + 4, record("info", t + 4, "Wait completed, proceeding to shutdown the manager")))
        return out
    }

    // MARK: source-controller (FLUX-LOGS.md 1.4, 3.1, 3.15, 7)

    /// GitRepository, nothing new. The `reconcilation` typo was logged until 2026-05
    /// (FLUX-LOGS.md 7, 3.15).
    static func gitNoChanges(_ t: Millis, _ o: FluxObject, _ id: String, revision: String) -> String {
        record("info", t, "no changes since last reconcilation: observed revision '\(revision)'", context(o, id))
    }

    /// GitRepository, a new artifact (FLUX-LOGS.md 1.4, 3.15; event reason NewArtifact).
    static func gitStored(_ t: Millis, _ o: FluxObject, _ id: String, subject: String) -> String {
        record("info", t, "stored artifact for commit '\(subject)'", context(o, id))
    }

    /// HelmRepository, HelmChart, OCIRepository with nothing new (FLUX-LOGS.md 1.4, 3.15).
    static func upToDate(_ t: Millis, _ o: FluxObject, _ id: String, revision: String) -> String {
        record("info", t, "artifact up-to-date with remote revision: '\(revision)'", context(o, id))
    }

    /// HelmRepository, a new index (FLUX-LOGS.md 1.4, 3.15).
    static func indexStored(_ t: Millis, _ o: FluxObject, _ id: String, size: String, url: String) -> String {
        record("info", t, "stored fetched index of size \(size) from '\(url)'", context(o, id))
    }

    /// HelmChart, a chart version pulled from its repository (FLUX-LOGS.md 1.4, 3.15).
    static func chartPulled(_ t: Millis, _ o: FluxObject, _ id: String, chart: String, version: String) -> String {
        record("info", t, "pulled '\(chart)' chart with version '\(version)'", context(o, id))
    }

    /// OCIRepository, a new artifact (FLUX-LOGS.md 3.15).
    static func ociStored(_ t: Millis, _ o: FluxObject, _ id: String, revision: String, url: String) -> String {
        record("info", t, "stored artifact with revision '\(revision)' from '\(url)'", context(o, id))
    }

    /// source-controller requeues with a reason (FLUX-LOGS.md 3.1; internal/reconcile/summarize/
    /// processor.go, keys `reason`, `duration`): a HelmChart whose HelmRepository has no artifact yet.
    static func reconciliationWaiting(_ t: Millis, _ o: FluxObject, _ id: String, reason: String, duration: String) -> String {
        record("info", t, "reconciliation waiting", context(o, id) + [string("reason", reason), string("duration", duration)])
    }

    /// A failed GitRepository reconcile returned to controller-runtime (source-controller >= v1.2
    /// logs it once, as `Reconciler error`; FLUX-LOGS.md 3.1) wrapping the clone error
    /// (`failed to checkout and determine revision: unable to clone '%s': %w`, 3.4) of a DNS
    /// lookup that timed out ([real] `dial tcp: lookup github.com: i/o timeout`, flux2#4200, 3.5).
    /// `o` has an HTTPS URL (go-git's smart HTTP discovery GETs `<url>/info/refs`).
    static func gitCloneTimeout(_ t: Millis, _ o: GitRepository, _ id: String) -> String {
        record("error", t, "Reconciler error", context(o, id),
               error: "failed to checkout and determine revision: unable to clone '\(o.url)': Get \"\(o.url)/info/refs?service=git-upload-pack\": dial tcp: lookup \(o.host): i/o timeout")
    }

    // MARK: Consumers fetching artifacts (FLUX-LOGS.md 3.2)

    /// One failed attempt of retryablehttp, logged at info (`request failed`, keys `error`,
    /// `method`, `url`; FLUX-LOGS.md 1.4 [real, flux2#4811], 3.2): source-controller's Service has
    /// no ready endpoint, kube-proxy rejects (`connect: connection refused`, FLUX-LOGS.md 5).
    static func requestFailed(_ t: Millis, _ o: FluxObject, _ id: String, url: String, serviceIP: String) -> String {
        // retryablehttp passes `error`, `method`, `url` as key/values, in that order.
        record("info", t, "request failed", context(o, id) + [
            string("error", "Get \"\(url)\": dial tcp \(serviceIP):80: connect: connection refused"),
            string("method", "GET"), string("url", url)])
    }

    // MARK: kustomize-controller (FLUX-LOGS.md 1.4, 3.11)

    /// The apply's change set, `Kind/ns/name` → created|configured|unchanged, keys sorted
    /// (FLUX-LOGS.md 1.4, 3.10, 7).
    static func applyCompleted(_ t: Millis, _ o: FluxObject, _ id: String, output: [(String, String)], revision: String) -> String {
        let map = "{" + output.sorted { $0.0 < $1.0 }.map { quoted($0.0) + ":" + quoted($0.1) }.joined(separator: ",") + "}"
        return record("info", t, "server-side apply completed", context(o, id) + [("output", map), string("revision", revision)])
    }

    /// `Reconciliation finished in %s, next run in %s` (info, key `revision`; FLUX-LOGS.md 1.4,
    /// 3.1); the same text is the Kustomization's success event.
    static func finishedMessage(took: String, interval: Millis) -> String {
        "Reconciliation finished in \(took), next run in \(goDuration(millis: interval))"
    }

    static func reconciliationFinished(_ t: Millis, _ o: FluxObject, _ id: String, message: String, revision: String) -> String {
        record("info", t, message, context(o, id) + [string("revision", revision)])
    }

    /// A dependsOn target is not Ready (info; requeue after --requeue-dependency, 30s; FLUX-LOGS.md 1.4, 3.11).
    static func kustomizeDependenciesNotReady(_ t: Millis, _ o: FluxObject, _ id: String) -> String {
        record("info", t, "Dependencies do not meet ready condition, retrying in 30s", context(o, id))
    }

    static func kustomizeDependenciesReady(_ t: Millis, _ o: FluxObject, _ id: String) -> String {
        record("info", t, "All dependencies are ready, proceeding with reconciliation", context(o, id))
    }

    // MARK: helm-controller (FLUX-LOGS.md 1.4, 3.1, 3.2, 3.11)

    static func releaseInSync(_ t: Millis, _ o: FluxObject, _ id: String) -> String {
        record("info", t, "release in-sync with desired state", context(o, id))
    }

    static func runningAction(_ t: Millis, _ o: FluxObject, _ id: String, action: String) -> String {
        record("info", t, "running '\(action)' action with timeout of 5m0s", context(o, id))
    }

    /// `dependencies do not meet ready condition (%s): retrying in %s` with the error
    /// `dependency '%s' is not ready` (FLUX-LOGS.md 3.11).
    static func helmDependenciesNotReady(_ t: Millis, _ o: FluxObject, _ id: String, dependency: String) -> String {
        record("info", t, "dependencies do not meet ready condition (dependency '\(dependency)' is not ready): retrying in 30s", context(o, id))
    }

    static func helmDependenciesReady(_ t: Millis, _ o: FluxObject, _ id: String) -> String {
        record("info", t, "all dependencies are ready", context(o, id))
    }

    /// The HelmChart template was just changed and source-controller has not reconciled it yet:
    /// `%s '%s/%s' is not ready: %s` (FLUX-LOGS.md 3.2) with helm-controller's reason for a
    /// generation ahead of the observed one (internal/controller/helmrelease_controller.go
    /// `isReady`: `latest generation of object has not been reconciled`), logged at info.
    static func helmSourceNotReady(_ t: Millis, _ o: FluxObject, _ id: String, chart: FluxObject) -> String {
        record("info", t, "HelmChart '\(chart.ref)' is not ready: latest generation of object has not been reconciled", context(o, id))
    }

    // MARK: notification-controller (FLUX-LOGS.md 1.4, 3.13)

    static func involvedObject(_ o: FluxObject, resourceVersion: Int) -> String {
        "{\"kind\":\(quoted(o.kind)),\"namespace\":\(quoted(o.namespace)),\"name\":\(quoted(o.name)),\"uid\":\(quoted(o.uid)),\"apiVersion\":\(quoted(apiVersion(o.kind))),\"resourceVersion\":\(quoted(String(resourceVersion)))}"
    }

    static func dispatching(_ t: Millis, involved: String, message: String) -> String {
        record("info", t, logger: "event-server", "dispatching event", [("eventInvolvedObject", involved), string("message", message)])
    }

    static func noAlerts(_ t: Millis, involved: String) -> String {
        record("info", t, logger: "event-server", "discarding event, no alerts found for the involved object", [("eventInvolvedObject", involved)])
    }

    /// A duplicate of an event accepted in the last 5 minutes answered with HTTP 429; logged only
    /// at V(1), debug (FLUX-LOGS.md 3.13; notification-controller internal/server/event_server.go
    /// `logRateLimitMiddleware`, with the request logger's `eventInvolvedObject`). The sender logs
    /// nothing (fluxcd/pkg runtime/events/recorder.go treats 429 as delivered).
    static func duplicateDiscarded(_ t: Millis, involved: String) -> String {
        record("debug", t, logger: "event-server", "Discarding event, rate limiting duplicate events", [("eventInvolvedObject", involved)])
    }

    // MARK: image-reflector- and image-automation-controller (FLUX-LOGS.md 1.4)

    static func scanSucceeded(_ t: Millis, _ o: FluxObject, _ id: String, tags: Int, checksum: String) -> String {
        record("info", t, "successful scan: found \(tags) tags with checksum \(checksum)", context(o, id))
    }

    static func policyResolved(_ t: Millis, _ o: FluxObject, _ id: String, image: String, tag: String, previous: String) -> String {
        record("info", t, "Latest image tag for \(image) resolved to \(tag) (previously \(image):\(previous))", context(o, id))
    }

    static func automationNoChange(_ t: Millis, _ o: FluxObject, _ id: String) -> String {
        record("info", t, "no change since last reconciliation", context(o, id))
    }

    static func automationPushed(_ t: Millis, _ o: FluxObject, _ id: String, commit: String, message: String) -> String {
        record("info", t, "pushed commit '\(commit)' to branch 'main'\n\(message)", context(o, id))
    }
}
