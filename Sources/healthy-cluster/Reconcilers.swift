/// One function per kind: what a reconcile of it logs, and what it changes for the others
/// (new revisions trigger consumers; applies and upgrades make dependents wait).
extension Simulation {
    // MARK: source-controller (FLUX-LOGS.md 1.4, 3.1, 3.4, 3.5, 3.12, 3.15)

    /// A new container starts with an empty `/data` emptyDir (source-controller
    /// config/manager/deployment.yaml; FLUX-LOGS.md 3.12): the first reconcile of every source
    /// stores its artifact again, before the artifact server is reachable through the Service.
    func runGitRepository(_ g: GitRepository) {
        var next = 0
        var blip = 0
        reconcileLoop(g, .source, triggers: [], startupSpread: 3 * second) { t, startup in
            let id = rng.uuid()
            if blip < g.blips.count, g.blips[blip] <= t, !startup {
                blip += 1
                // The resolver gives up after its timeout; the next run clones again.
                let failed = t + rng.millis(5 * second, 10 * second)
                let line = Line.gitCloneTimeout(failed, g, id)
                emit(.source, failed, line)
                event(failed, g, "failed to checkout and determine revision: unable to clone '\(g.url)': dial tcp: lookup \(g.host): i/o timeout")
                return Outcome(took: failed - t, requeueAfter: nil)
            }
            let took = rng.millis(300, 1_800)
            var newest: Upstream?
            while next < g.pushes.count, g.pushes[next].pushed <= t { newest = g.pushes[next]; next += 1 }
            if let p = newest, p.revision != g.revisions.last!.revision {
                g.revisions.append(Revision(stored: t + took, revision: p.revision, file: p.file, note: p.note))
                emit(.source, t + took, Line.gitStored(t + took, g, id, subject: p.note))
                event(t + took + 2, g, "stored artifact for commit '\(p.note)'", revision: p.revision)
            } else if startup {
                emit(.source, t + took, Line.gitStored(t + took, g, id, subject: g.revisions.last!.note))
            } else {
                emit(.source, t + took, Line.gitNoChanges(t + took, g, id, revision: g.revisions.last!.revision))
            }
            return Outcome(took: took, requeueAfter: nil)
        }
    }

    func runOCIRepository(_ o: OCIRepository) {
        var next = 0
        reconcileLoop(o, .source, triggers: [], startupSpread: 3 * second) { t, startup in
            let id = rng.uuid()
            let took = rng.millis(200, 1_200)
            var newest: Upstream?
            while next < o.pushes.count, o.pushes[next].pushed <= t { newest = o.pushes[next]; next += 1 }
            if let p = newest {
                o.revisions.append(Revision(stored: t + took, revision: p.revision, file: p.file, note: ""))
                emit(.source, t + took, Line.ociStored(t + took, o, id, revision: p.revision, url: o.url))
                event(t + took + 2, o, "stored artifact with revision '\(p.revision)' from '\(o.url)'", revision: p.revision)
            } else if startup {
                emit(.source, t + took, Line.ociStored(t + took, o, id, revision: o.revisions.last!.revision, url: o.url))
            } else {
                emit(.source, t + took, Line.upToDate(t + took, o, id, revision: o.revisions.last!.revision))
            }
            return Outcome(took: took, requeueAfter: nil)
        }
    }

    func runHelmRepository(_ h: HelmRepository) {
        var next = 0
        reconcileLoop(h, .source, triggers: [], startupSpread: 3 * second) { t, startup in
            let id = rng.uuid()
            let took = rng.millis(1_000, 3_500)
            var newest: Upstream?
            while next < h.pushes.count, h.pushes[next].pushed <= t { newest = h.pushes[next]; next += 1 }
            if h.revisions.isEmpty {
                // Added during the log: its first index.
                let d = rng.hex(64)
                h.revisions.append(Revision(stored: t + took, revision: "sha256:\(d)", file: "index-\(d).yaml", note: indexSize()))
                emit(.source, t + took, Line.indexStored(t + took, h, id, size: h.revisions.last!.note, url: h.url))
                event(t + took + 2, h, "stored fetched index of size \(h.revisions.last!.note) from '\(h.url)'", revision: h.revisions.last!.revision)
            } else if let p = newest {
                h.revisions.append(Revision(stored: t + took, revision: p.revision, file: p.file, note: p.note))
                emit(.source, t + took, Line.indexStored(t + took, h, id, size: p.note, url: h.url))
                event(t + took + 2, h, "stored fetched index of size \(p.note) from '\(h.url)'", revision: p.revision)
            } else if startup {
                emit(.source, t + took, Line.indexStored(t + took, h, id, size: h.revisions.last!.note, url: h.url))
            } else {
                emit(.source, t + took, Line.upToDate(t + took, h, id, revision: h.revisions.last!.revision))
            }
            return Outcome(took: took, requeueAfter: nil)
        }
    }

    /// A HelmChart reconciles when its HelmRepository stores a new index and when helm-controller
    /// changes its template; it waits for a HelmRepository that has no artifact yet
    /// (`reconciliation waiting`, reason NoSourceArtifact, FLUX-LOGS.md 3.1).
    func runHelmChart(_ c: HelmChart) {
        let triggers = c.repository.revisions.filter { $0.stored > start }.map { $0.stored + rng.millis(100, 400) } + c.specChanges.map { $0 + rng.millis(40, 200) }
        reconcileLoop(c, .source, triggers: triggers, startupSpread: 3 * second) { t, startup in
            let id = rng.uuid()
            guard c.repository.revisions.contains(where: { $0.stored <= t }) else {
                emit(.source, t + 4, Line.reconciliationWaiting(t + 4, c, id, reason: "NoSourceArtifact", duration: "30s"))
                return Outcome(took: rng.millis(5, 20), requeueAfter: 30 * second)
            }
            let took = rng.millis(300, 1_500)
            let wanted = c.versions.last { $0.available <= t }!.version
            if wanted != c.revisions.last?.revision {
                c.revisions.append(Revision(stored: t + took, revision: wanted, file: "\(c.chart)-\(wanted).tgz", note: wanted))
                emit(.source, t + took, Line.chartPulled(t + took, c, id, chart: c.chart, version: wanted))
                event(t + took + 2, c, "pulled '\(c.chart)' chart with version '\(wanted)'", revision: wanted)
            } else if startup {
                emit(.source, t + took, Line.chartPulled(t + took, c, id, chart: c.chart, version: wanted))
            } else {
                emit(.source, t + took, Line.upToDate(t + took, c, id, revision: wanted))
            }
            return Outcome(took: took, requeueAfter: nil)
        }
    }

    // MARK: kustomize-controller (FLUX-LOGS.md 1.4, 3.2, 3.3, 3.10, 3.11)

    func runKustomization(_ k: Kustomization) {
        let triggers = k.source.revisions.filter { $0.stored > start }.map { $0.stored + rng.millis(30, 600) }
        var readyAt: [String: Millis] = [:]
        reconcileLoop(k, .kustomize, triggers: triggers, startupSpread: 8 * second) { t, startup in
            let id = rng.uuid()
            var clock = t + rng.millis(3, 12)
            if !k.dependsOn.isEmpty {
                if k.dependsOn.contains(where: { overlaps($0.notReady, t) }) {
                    emit(.kustomize, clock, Line.kustomizeDependenciesNotReady(clock, k, id))
                    event(clock + 1, k, "Dependencies do not meet ready condition, retrying in 30s", revision: k.source.revision(at: t).revision)
                    return Outcome(took: clock + rng.millis(5, 30) - t, requeueAfter: 30 * second)
                }
                emit(.kustomize, clock, Line.kustomizeDependenciesReady(clock, k, id))
            }
            let rev = k.source.revision(at: clock)
            clock = fetch(.kustomize, k, id, url: k.source.artifactURL(at: clock), at: clock + rng.millis(5, 40))
            clock += 120 + Millis(k.inventory.count) * rng.millis(8, 30)
            let isNew = k.applied[rev.revision] == nil
            let changed = isNew ? (k.changes[rev.revision] ?? [:]) : [:]
            var output = k.inventory.map { ($0, changed[$0] ?? "unchanged") }
            for (path, action) in changed where !k.inventory.contains(path) { output.append((path, action)) }
            emit(.kustomize, clock, Line.applyCompleted(clock, k, id, output: output, revision: rev.revision))
            if isNew {
                k.applied[rev.revision] = clock
                k.inventory = Array(Set(k.inventory + changed.keys)).sorted()
                if !changed.isEmpty {
                    // The change set is the event of a new revision (FLUX-LOGS.md 3.10 change set entries).
                    event(clock + 1, k, changed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n"), revision: rev.revision)
                }
                // Health checks (spec.wait): no line while they pass (FLUX-LOGS.md 3.3).
                if k.wait { clock += rng.millis(20 * second, 90 * second) }
            }
            clock += rng.millis(5, 60)
            let message = Line.finishedMessage(took: goDuration(nanos: (clock - t) * 1_000_000 + Int64(rng.below(1_000_000))), interval: k.interval)
            emit(.kustomize, clock, Line.reconciliationFinished(clock, k, id, message: message, revision: rev.revision))
            event(clock + 1, k, message, revision: rev.revision)
            if isNew { readyAt[rev.revision] = clock }
            return Outcome(took: clock - t, requeueAfter: nil)
        }
        // Not Ready for dependents from each new source revision until it is applied.
        for r in k.source.revisions where r.stored > start { k.notReady.append((r.stored, readyAt[r.revision] ?? end)) }
    }

    // MARK: Helm changes that follow from applies (FLUX-LOGS.md 3.2, 3.7)

    /// Objects added by a commit exist from the time their Kustomization applied it; a chart bump
    /// makes helm-controller change the HelmChart template when the HelmRelease reconciles.
    func planHelmChanges() {
        for (h, r, k, revision) in onboarding {
            guard let applied = k.applied[revision] else { continue }
            h.created = applied
            r.created = applied
            r.chart.created = applied + 400
            r.chart.versions[0].available = applied
        }
        for (r, version, k, revision) in bumps {
            guard let applied = k.applied[revision] else { continue }
            let reconcile = applied + rng.millis(50, 300)
            r.triggers.append(reconcile)
            r.chart.specChanges.append(reconcile + 5)
            r.chart.versions.append(ChartVersion(available: reconcile + 5, version: version))
        }
        for (chartName, repoName, versions) in chartReleases {
            guard let c = helmCharts.first(where: { $0.name == chartName }), let h = helmRepositories.first(where: { $0.name == repoName }) else { continue }
            for (push, version) in zip(h.pushes, versions) {
                if let stored = h.revisions.first(where: { $0.revision == push.revision })?.stored {
                    c.versions.append(ChartVersion(available: stored, version: version))
                }
            }
        }
    }

    // MARK: helm-controller (FLUX-LOGS.md 1.4, 3.1, 3.2, 3.7, 3.11)

    func runHelmRelease(_ r: HelmRelease) {
        // A dependent's chart (trust-manager, from the same index as cert-manager's) is pulled a
        // moment after its dependency's (the HelmChart queue), so it checks its dependency while
        // that one upgrades.
        let lag: Millis = r.dependsOn.isEmpty ? 0 : rng.millis(1_500, 3_000)
        let triggers = r.chart.revisions.filter { $0.stored > start }.map { $0.stored + lag + rng.millis(50, 300) } + r.triggers
        reconcileLoop(r, .helm, triggers: triggers, startupSpread: 8 * second) { t, startup in
            let id = rng.uuid()
            var clock = t + rng.millis(3, 12)
            if let dep = r.dependsOn.first(where: { overlaps($0.notReady, t) }) {
                emit(.helm, clock, Line.helmDependenciesNotReady(clock, r, id, dependency: dep.ref))
                event(clock + 1, r, "dependency '\(dep.ref)' is not ready")
                return Outcome(took: clock + rng.millis(5, 30) - t, requeueAfter: 30 * second)
            }
            if !r.dependsOn.isEmpty { emit(.helm, clock, Line.helmDependenciesReady(clock, r, id)) }
            let chart = r.chart.revisions.last { $0.stored <= clock }
            let templateChanged = r.chart.specChanges.contains { $0 <= clock + 10 && $0 > (chart?.stored ?? .min) }
            guard let chart, !templateChanged else {
                // Just created or just changed: the watch on the HelmChart brings it back.
                clock += rng.millis(5, 40)
                emit(.helm, clock, Line.helmSourceNotReady(clock, r, id, chart: r.chart))
                return Outcome(took: clock - t, requeueAfter: nil)
            }
            clock = fetch(.helm, r, id, url: r.chart.artifactURL(at: clock), at: clock + rng.millis(5, 30))
            if r.installed != chart.revision {
                let action = r.installed == nil ? "install" : "upgrade"
                emit(.helm, clock, Line.runningAction(clock, r, id, action: action))
                let began = clock
                clock += rng.millis(15 * second, 70 * second)
                r.releaseNumber += 1
                r.installed = chart.revision
                r.notReady.append((began, clock))
                // Helm action success events (FLUX-LOGS.md 3.7).
                event(clock + 1, r, "Helm \(action) succeeded for release \(r.ref).v\(r.releaseNumber) with chart \(r.chart.chart)@\(chart.revision)", revision: chart.revision)
            }
            clock += rng.millis(5, 30)
            emit(.helm, clock, Line.releaseInSync(clock, r, id))
            return Outcome(took: clock - t, requeueAfter: nil)
        }
    }

    // MARK: image-reflector- and image-automation-controller (FLUX-LOGS.md 1.4)

    /// ImageRepositories scan every 5m and log only when the tags changed (an unchanged scan is a
    /// trace event); the ImagePolicy then resolves the new tag, and the ImageUpdateAutomation
    /// commits it to the apps repository at its next run.
    func runImageControllers() {
        var resolved: [(Millis, ImagePolicy, String, String)] = []
        for (i, r) in imageRepositories.enumerated() {
            var next = 0
            reconcileLoop(r, .imageReflector, triggers: [], startupSpread: 4 * second) { t, _ in
                let id = rng.uuid()
                let took = rng.millis(300, 1_500)
                var newest: String?
                while next < r.pushes.count, r.pushes[next].0 <= t { newest = r.pushes[next].1; next += 1 }
                if let tag = newest {
                    r.tags += 1
                    emit(.imageReflector, t + took, Line.scanSucceeded(t + took, r, id, tags: r.tags, checksum: rng.hex(64)))
                    let p = imagePolicies[i]
                    let tp = t + took + rng.millis(30, 200)
                    let message = "Latest image tag for \(r.image) resolved to \(tag) (previously \(r.image):\(p.latest))"
                    emit(.imageReflector, tp, Line.policyResolved(tp, p, rng.uuid(), image: r.image, tag: tag, previous: p.latest))
                    event(tp + 1, p, message, revision: tag)
                    resolved.append((tp, p, tag, p.latest))
                    p.latest = tag
                }
                return Outcome(took: took, requeueAfter: nil)
            }
        }
        resolved.sort { $0.0 < $1.0 }
        let apps = gitRepositories.first { $0.name == "apps" }!
        var done = 0
        reconcileLoop(automation, .imageAutomation, triggers: [], startupSpread: 4 * second) { t, _ in
            let id = rng.uuid()
            let took = rng.millis(800, 3_000)
            var updates: [(ImagePolicy, String)] = []
            while done < resolved.count, resolved[done].0 <= t { updates.append((resolved[done].1, resolved[done].2)); done += 1 }
            guard !updates.isEmpty else {
                emit(.imageAutomation, t + took, Line.automationNoChange(t + took, automation, id))
                return Outcome(took: took, requeueAfter: nil)
            }
            let sha = rng.hex(40)
            let subject = updates.map { "Update image \($0.0.repository.image) to \($0.1)" }.joined(separator: ", ")
            let message = "\(subject)\n\nAutomation: flux-system/\(automation.name)\n\nFiles:\n"
                + updates.map { "- apps/\($0.0.name)/deployment.yaml" }.joined(separator: "\n")
            emit(.imageAutomation, t + took, Line.automationPushed(t + took, automation, id, commit: String(sha.prefix(7)), message: message))
            event(t + took + 1, automation, "pushed commit '\(sha.prefix(7))' to branch 'main'\n\(message)", revision: "main@sha1:\(sha)")
            apps.pushes.append(Upstream(pushed: t + took, revision: "main@sha1:\(sha)", file: "\(sha).tar.gz", note: subject))
            apps.pushes.sort { $0.pushed < $1.pushed }
            for (p, _) in updates {
                if let k = kustomizations.first(where: { $0.name == p.name }) {
                    touch(k, revision: "main@sha1:\(sha)", ["Deployment/\(p.name)/\(p.name)": "configured"])
                }
            }
            return Outcome(took: took, requeueAfter: nil)
        }
    }

    // MARK: notification-controller (FLUX-LOGS.md 1.4, 3.13, 3.14)

    /// Every event reaches the event server a few milliseconds after it is sent (while the event
    /// server restarts, the sender's retries deliver it when it is back). An event identical to
    /// one accepted in the last 5 minutes (`--rate-limit-interval`, same object, message and
    /// revision) is answered with 429 and logged only at debug; the others are dispatched to the
    /// Alerts that select their kind, or discarded for want of one.
    func runNotificationController() {
        let alerted: Set<String> = ["Kustomization", "HelmRelease", "GitRepository", "ImagePolicy", "ImageUpdateAutomation"]
        var accepted: [String: Millis] = [:]
        var resourceVersion = rng.int(4_000_000, 6_000_000)
        for e in events.sorted(by: { $0.t < $1.t }) {
            var t = e.t + rng.millis(2, 25)
            if !lifetimes[.notification]!.contains(where: { $0.start <= t && t < ($0.stop ?? end) }) {
                guard let back = lifetimes[.notification]!.first(where: { $0.start > t }) else { continue }
                t = back.start + rng.millis(300, 900)
            }
            resourceVersion += rng.int(1, 40)
            let involved = Line.involvedObject(e.object, resourceVersion: resourceVersion)
            let key = e.object.path + "\u{0}" + e.message + "\u{0}" + e.revision
            if let last = accepted[key], t - last < 5 * minute {
                if notificationDebug { emit(.notification, t, Line.duplicateDiscarded(t, involved: involved)) }
                continue
            }
            accepted[key] = t
            if alerted.contains(e.object.kind) {
                emit(.notification, t, Line.dispatching(t, involved: involved, message: e.message))
            } else {
                emit(.notification, t, Line.noAlerts(t, involved: involved))
            }
        }
    }
}
