/// Failure families: each writes one burst of lines as a controller logs that failure, with the
/// message and error formats of FLUX-LOGS.md section 3 (the section is named per family). Lines
/// passed `end(failure: true)` count toward the error share.
struct Family: Sendable {
    let name: String
    let section: String
    let weight: Double
    let emit: @Sendable (Generator) -> Void
}

extension Generator {
    static let families: [Family] = [
        Family(name: "artifact-fetch-refused", section: "3.2, 5", weight: 10) { $0.artifactFetch(timeout: false) },
        Family(name: "artifact-fetch-timeout", section: "3.2, 5", weight: 6) { $0.artifactFetch(timeout: true) },
        Family(name: "artifact-not-found", section: "3.2, 3.12", weight: 3) { $0.artifactNotFound() },
        Family(name: "artifact-http-status", section: "3.2", weight: 2) { $0.artifactStatus() },
        Family(name: "artifact-digest-mismatch", section: "3.2", weight: 1.5) { $0.artifactDigest() },
        Family(name: "health-check-timeout", section: "3.3", weight: 5) { $0.healthCheck(stalled: false) },
        Family(name: "health-check-stalled", section: "3.3", weight: 2) { $0.healthCheck(stalled: true) },
        Family(name: "git-ssh-auth", section: "3.4", weight: 2) { $0.gitFailure(.sshAuth) },
        Family(name: "git-knownhosts", section: "3.4", weight: 1.5) { $0.gitFailure(.knownHosts) },
        Family(name: "git-https-auth", section: "3.4", weight: 2) { $0.gitFailure(.httpsAuth) },
        Family(name: "dns", section: "3.5", weight: 3) { $0.gitFailure(.dns) },
        Family(name: "tls-x509", section: "3.6", weight: 2) { $0.tlsFailure() },
        Family(name: "helm-release-failed", section: "3.7", weight: 4) { $0.helmFailed() },
        Family(name: "helm-release-locked", section: "3.1, 3.7", weight: 1.5) { $0.helmLocked() },
        Family(name: "registry-rate-limit", section: "3.8, 3.13", weight: 2) { $0.registryRateLimit() },
        Family(name: "helm-chart-pull", section: "3.8", weight: 1.5) { $0.chartPull() },
        Family(name: "kustomize-build", section: "3.9", weight: 2) { $0.kustomizeBuild() },
        Family(name: "sops-decryption", section: "3.9", weight: 1.5) { $0.sopsDecryption() },
        Family(name: "apply-dry-run", section: "3.10", weight: 3) { $0.applyDryRun() },
        Family(name: "dependency-not-ready", section: "3.11", weight: 4) { $0.dependencyNotReady() },
        Family(name: "event-delivery", section: "3.14, 3.13", weight: 4) { $0.eventDelivery() },
        Family(name: "notification-send", section: "3.13", weight: 2) { $0.notificationSend() },
        Family(name: "leader-election-lost", section: "3.12", weight: 0.5) { $0.leaderElectionLost() },
        Family(name: "disk-full", section: "3.12", weight: 1) { $0.diskFull() },
    ]

    /// A consumer (Kustomization or HelmRelease) whose artifact download fails.
    private func consumer() -> FluxObject {
        rng.chance(0.6) ? rng.pick(fleet.kustomizations) : rng.pick(fleet.helmReleases)
    }

    /// `Reconciliation failed after …, next try in …` (kustomize-controller, 3.1).
    private func kustomizationFailed(_ k: FluxObject, _ id: String, after: String, _ error: String) {
        begin("error", "Reconciliation failed after \(after), next try in \(rng.pick(["5m0s", "5m0s", "2m0s", "10m0s"]))")
        context(k, id)
        line.field("revision", k.source!.revision)
        line.field("error", error)
        end(failure: true)
    }

    /// controller-runtime's `Reconciler error` (3.1).
    private func reconcilerError(_ o: FluxObject, _ error: String) {
        begin("error", "Reconciler error")
        context(o, rng.uuid())
        line.field("error", error)
        end(failure: true)
    }

    // 3.2: per-attempt `request failed` (info) lines, then the final error after 10 attempts.
    func artifactFetch(timeout: Bool) {
        let c = consumer()
        let id = rng.uuid()
        let url = c.artifactURL
        let ip = "10.96.\(rng.int(0, 255)).\(rng.int(1, 254))"
        let cause = timeout ? "dial tcp \(ip):80: i/o timeout" : "dial tcp \(ip):80: connect: connection refused"
        for _ in 0..<rng.int(1, 4) {
            begin("info", "request failed")
            context(c, id)
            line.field("error", "Get \"\(url)\": \(cause)")
            line.field("method", "GET")
            line.field("url", url)
            end(failure: true)
        }
        guard rng.chance(0.5) else { return }
        let final = "GET \(url) giving up after 10 attempt(s): Get \"\(url)\": \(cause)"
        if c.kind == "Kustomization" {
            let after = timeout ? duration(minMillis: 514_000, maxMillis: 516_000) : duration(minMillis: 215_000, maxMillis: 224_000)
            kustomizationFailed(c, id, after: after, "failed to download archive: \(final)")
        } else {
            reconcilerError(c, final)
        }
    }

    func artifactNotFound() {
        let c = consumer()
        if c.kind == "Kustomization" {
            begin("info", "Source is not ready, artifact not found, retrying in 30s")
            context(c, rng.uuid())
            end(failure: true)
        } else {
            reconcilerError(c, "failed to download chart from '\(c.artifactURL)': file not found")
        }
    }

    func artifactStatus() {
        let k = rng.pick(fleet.kustomizations)
        let url = k.artifactURL
        let error = rng.chance(0.5)
            ? "failed to download archive from \(url) (status: 500 Internal Server Error)"
            : "failed to download archive: GET \(url) giving up after 10 attempt(s): unexpected HTTP status 503 Service Unavailable"
        kustomizationFailed(k, rng.uuid(), after: duration(minMillis: 200, maxMillis: 4000), error)
    }

    func artifactDigest() {
        let c = consumer()
        if c.kind == "Kustomization" {
            kustomizationFailed(c, rng.uuid(), after: duration(minMillis: 300, maxMillis: 3000),
                                "failed to verify archive: computed digest doesn't match provided 'sha256:\(rng.hex(64))' (check whether file size exceeds max download size)")
        } else {
            reconcilerError(c, "integrity failure: computed digest doesn't match 'sha256:\(rng.hex(64))'")
        }
    }

    // 3.3: the apply, then the health check's timeout with every object still waiting.
    func healthCheck(stalled: Bool) {
        let k = rng.pick(fleet.kustomizations)
        let id = rng.uuid()
        applyCompleted(k, id)
        let objects = k.inventory.filter { !$0.hasPrefix("CustomResourceDefinition/") }
        let waiting = stalled ? Array(objects.prefix(rng.int(1, 3))) : objects.filter { _ in rng.chance(0.85) }
        let list = (waiting.isEmpty ? [objects[0]] : waiting).map { obj -> String in
            if stalled { return "\(obj) status: 'Failed'" }
            let r = rng.below(20)
            return "\(obj) status: '\(r < 16 ? "InProgress" : r < 18 ? "Unknown" : "NotFound")'"
        }.joined(separator: ", ")
        let timeout = stalled ? duration(minMillis: 5000, maxMillis: 90_000) : "5m0.\(rng.int(1, 999))\(rng.int(100_000, 999_999))s"
        let error = stalled
            ? "health check failed after \(timeout): failed early due to stalled resources: [\(list)]"
            : "health check failed after \(timeout): timeout waiting for: [\(list)]"
        kustomizationFailed(k, id, after: stalled ? duration(minMillis: 6000, maxMillis: 95_000) : duration(minMillis: 301_000, maxMillis: 304_000), error)
    }

    enum GitFailure { case sshAuth, knownHosts, httpsAuth, dns }

    // 3.4, 3.5: `failed to checkout and determine revision: unable to clone '<url>': <cause>`.
    func gitFailure(_ kind: GitFailure) {
        let ssh = fleet.gitRepositories.filter { $0.url.hasPrefix("ssh://") }
        let https = fleet.gitRepositories.filter { $0.url.hasPrefix("https://") }
        let g: FluxObject
        let cause: String
        switch kind {
        case .sshAuth:
            g = rng.pick(ssh)
            cause = "ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain"
        case .knownHosts:
            g = rng.pick(ssh)
            cause = "ssh: handshake failed: knownhosts: \(rng.pick(["key mismatch", "key mismatch", "key is unknown"]))"
        case .httpsAuth:
            g = rng.pick(https)
            cause = rng.chance(0.7) ? "authentication required: Invalid username or password." : "authorization failed: Permission denied"
        case .dns:
            g = rng.pick(https)
            let host = String(g.url.dropFirst("https://".count).split(separator: "/")[0])
            cause = rng.chance(0.5)
                ? "Get \"\(g.url)/info/refs?service=git-upload-pack\": dial tcp: lookup \(host) on 10.96.0.10:53: no such host"
                : "Get \"\(g.url)/info/refs?service=git-upload-pack\": dial tcp: lookup \(host) on 10.96.0.10:53: read udp \(podIP):\(rng.int(32768, 60999))->10.96.0.10:53: i/o timeout"
        }
        reconcilerError(g, "failed to checkout and determine revision: unable to clone '\(g.url)': \(cause)")
    }

    // 3.6: HelmRepository index over TLS.
    func tlsFailure() {
        let h = rng.pick(fleet.helmRepositories)
        let cause = rng.chance(0.6)
            ? "tls: failed to verify certificate: x509: certificate signed by unknown authority"
            : "tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2025-03-04T10:15:02Z is after 2025-02-28T23:59:59Z"
        reconcilerError(h, "failed to fetch Helm repository index: failed to cache index to temporary file: Get \"\(h.url)/index.yaml\": \(cause)")
    }

    // 3.7: the action, then retries exhausted.
    func helmFailed() {
        let r = rng.pick(fleet.helmReleases)
        let id = rng.uuid()
        let action = rng.pick(["upgrade", "upgrade", "install"])
        begin("info", "running '\(action)' action with timeout of 5m0s")
        context(r, id)
        end()
        let error = rng.chance(0.5)
            ? "terminal error: exceeded maximum retries: cannot \(action) release"
            : "Helm \(action) failed for release \(r.namespace)/\(r.name) with chart \(r.source!.chart)@\(r.source!.chartVersion): context deadline exceeded"
        reconcilerError(r, error)
    }

    // 3.1 (`release locked: <reason>`), 3.7 (pending releases, another operation in progress).
    func helmLocked() {
        let r = rng.pick(fleet.helmReleases)
        begin("info", "release locked: release with status 'pending-\(rng.pick(["upgrade", "install", "rollback"]))'")
        context(r, rng.uuid())
        end(failure: true)
        if rng.chance(0.5) {
            reconcilerError(r, "Helm upgrade failed for release \(r.namespace)/\(r.name) with chart \(r.source!.chart)@\(r.source!.chartVersion): another operation (install/upgrade/rollback) is in progress")
        }
    }

    // 3.8, 3.13: OCI tags and image scans throttled by the registry. Image controllers log a
    // Warning event as `error` = the condition reason and the text in `msg` (FLUX-LOGS.md 1.4).
    func registryRateLimit() {
        if rng.chance(0.5) {
            let o = rng.pick(fleet.ociRepositories)
            let path = String(o.url.dropFirst("oci://ghcr.io/".count))
            reconcilerError(o, "failed to determine the artifact tag for '\(o.url)': GET https://ghcr.io/v2/\(path)/tags/list?n=1000: TOOMANYREQUESTS: retry-after: 1.21ms, allowed: 44000/minute")
        } else {
            let r = rng.pick(fleet.imageRepositories)
            begin("error", "GET https://registry-1.docker.io/v2/acme/\(r.name)/tags/list?n=1000: TOOMANYREQUESTS: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit")
            context(r, rng.uuid())
            line.field("error", "ReconciliationFailed")
            end(failure: true)
        }
    }

    func chartPull() {
        let c = rng.pick(fleet.helmCharts)
        reconcilerError(c, "chart pull error: failed to get chart version for remote reference: no '\(c.chart)' chart with version matching '\(rng.int(7, 99)).\(rng.int(0, 9)).x' found")
    }

    // 3.9
    func kustomizeBuild() {
        let k = rng.pick(fleet.kustomizations)
        let dir = "/tmp/kustomization-\(rng.int(100_000_000, 999_999_999))"
        let path = "\(dir)/\(rng.pick(["clusters/production", "apps/overlays/prod", "infrastructure/configs"]))/\(k.name)"
        kustomizationFailed(k, rng.uuid(), after: duration(minMillis: 80, maxMillis: 900),
                            "kustomize build failed: accumulating resources: accumulation err='accumulating resources from '\(path)': open \(path): no such file or directory': must build at directory: not a valid directory: evalsymlink failure on '\(path)' : lstat \(path): no such file or directory")
    }

    // 3.9: SOPS errors are multi-line: one physical line with `\n` escapes.
    func sopsDecryption() {
        let k = rng.pick(fleet.kustomizations)
        let secret = "\(rng.pick(["db", "api", "smtp", "registry", "oauth"]))-credentials"
        let recipient = "age1" + rng.hex(58)
        let error = "decryption failed for 'Secret.v1.[noGrp]/\(secret)': Failed to get the data key required to decrypt the SOPS file.\n\nGroup 0: FAILED\n  \(recipient): FAILED\n    - | failed to create reader for decrypting sops data key with\n      | age: no identity matched any of the recipients\n\nRecovery failed because no master key was able to decrypt the file. In\norder for SOPS to recover the file, at least one key has to be successful,\nbut none were."
        kustomizationFailed(k, rng.uuid(), after: duration(minMillis: 300, maxMillis: 2500), error)
    }

    // 3.10: dry-run failures; apply errors carry the change set after a newline.
    func applyDryRun() {
        let k = rng.pick(fleet.kustomizations)
        let deployments = k.inventory.filter { $0.hasPrefix("Deployment/") }
        let target = deployments.isEmpty ? "Deployment/\(k.name)/\(k.name)" : rng.pick(deployments)
        let parts = target.split(separator: "/")
        let ns = String(parts[1]), name = String(parts[2])
        let error: String
        if rng.chance(0.5) {
            error = "\(target) dry-run failed (Forbidden): deployments.apps \"\(name)\" is forbidden: User \"system:serviceaccount:flux-system:kustomize-controller\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"\(ns)\""
        } else {
            let changeSet = k.inventory.prefix(rng.int(1, 40)).map { "\($0) unchanged" }.joined(separator: "\n")
            error = "\(target) dry-run failed (Invalid): Deployment.apps \"\(name)\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"\(name)\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable\n\(changeSet)\n"
        }
        kustomizationFailed(k, rng.uuid(), after: duration(minMillis: 400, maxMillis: 5000), error)
    }

    // 3.11
    func dependencyNotReady() {
        if rng.chance(0.6) {
            let k = rng.pick(fleet.kustomizations)
            begin("info", "Dependencies do not meet ready condition, retrying in 30s")
            context(k, rng.uuid())
            end(failure: true)
        } else {
            let r = rng.pick(fleet.helmReleases)
            begin("info", "dependencies do not meet ready condition (dependency 'cert-manager/cert-manager' is not ready): retrying in 30s")
            context(r, rng.uuid())
            end(failure: true)
        }
    }

    // 3.14: every controller's event recorder; keys name, namespace, reconciler kind, error.
    func eventDelivery() {
        let o = rng.pick(fleet.kustomizations + fleet.helmReleases + fleet.gitRepositories + fleet.helmCharts + fleet.imagePolicies)
        let url = "http://notification-controller.flux-system.svc.cluster.local./"
        let cause = rng.chance(0.5)
            ? "dial tcp 10.96.45.67:80: connect: connection refused"
            : "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
        begin("error", "unable to record event")
        line.field("name", o.name)
        line.field("namespace", o.namespace)
        line.field("reconciler kind", o.kind)
        line.field("error", "POST \(url) giving up after 5 attempt(s): Post \"\(url)\": \(cause)")
        end(failure: true)
    }

    // 3.13: a provider answers 429.
    func notificationSend() {
        let o = rng.pick(fleet.kustomizations + fleet.helmReleases)
        let alert = rng.pick(fleet.alerts)
        begin("error", logger: "event-server", "failed to send notification")
        line.fieldJSON("eventInvolvedObject", involved(o))
        line.fieldJSON("alert", "{\"name\":\"\(alert.name)\",\"namespace\":\"flux-system\",\"providerName\":\"\(alert.provider)\"}")
        line.field("error", "postMessage failed: request failed with status code 429: rate_limited")
        end(failure: true)
    }

    // 3.12: the lease is lost, the manager exits, the container restarts.
    func leaderElectionLost() {
        let controller = rng.pick(["source-controller", "kustomize-controller", "helm-controller"])
        begin("error", logger: "runtime", "failed to renew lease flux-system/\(controller)-leader-election: timed out waiting for the condition")
        end(failure: true)
        begin("error", logger: "setup", "problem running manager")
        line.field("error", "leader election lost")
        end(failure: true)
        startup(controller)
    }

    // 3.12: `no space left on device`, wrapped.
    func diskFull() {
        if rng.chance(0.5) {
            let h = rng.pick(fleet.helmRepositories)
            reconcilerError(h, "failed to fetch Helm repository index: failed to create temp file to cache index to: open /tmp/chart-index-\(rng.int(100_000_000, 999_999_999)).yaml: no space left on device")
        } else {
            let g = rng.pick(fleet.gitRepositories)
            reconcilerError(g, "unable to archive artifact to storage: failed to create temporary file: open /data/gitrepository/\(g.namespace)/\(g.name)/\(g.digest).tar.gz.tmp\(rng.int(100_000, 999_999)): no space left on device")
        }
    }
}
