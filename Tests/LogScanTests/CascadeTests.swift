import Testing
@testable import LogScan

/// The cascade fold on hand-built events: each occurrence is what the shipped signature yields for
/// a real Flux line (the format named beside it, FLUX-LOGS.md), correlated by the real correlator,
/// then folded. Times are minutes after 2026-11-24T09:00:00Z; the window is 15 minutes.
@Suite struct CascadeTests {
    static let patterns = PatternLoader.shipped().set
    static let t0: Int64 = 1_795_510_800_000  // 2026-11-24T09:00:00Z, milliseconds

    /// One run of `count` events of `signature` about `object` from minute `from` to minute `to`.
    static func occ(_ signature: String, _ object: String, _ from: Int, _ to: Int, captures: [String: String] = [:],
                    upstream: String? = nil) -> Occurrence {
        let sig = patterns.signature(signature)!
        let obj = ObjectRef(parsing: object)!
        let place = SourceLocation(file: "\(obj.kind.lowercased()).log", line: from * 100 + to)
        return Occurrence(
            signature: signature, severity: sig.severity, role: sig.role, failureClass: sig.failureClass,
            controller: FluxControllers.controller(kind: obj.kind)!, object: obj, captures: captures,
            first: Timestamp(millis: t0 + Int64(from) * 60_000), last: Timestamp(millis: t0 + Int64(to) * 60_000),
            count: max(1, to - from), example: Example(location: place, text: "\(signature) \(object)"), location: place,
            upstream: upstream.flatMap { ObjectRef(parsing: $0) })
    }

    /// Correlates (in `Correlator.before` order, as Analysis does) and folds.
    static func fold(_ list: [Occurrence]) -> [Incident] {
        let sorted = list.sorted(by: Correlator.before)
        let incidents = Correlator(patterns: patterns).correlate(sorted: sorted, healthyUntil: [:])
        return Cascade().fold(incidents, occurrences: sorted).incidents
    }

    // Lines (FLUX-LOGS.md): source-controller `chart pull error: ... no 'podinfo' chart with version
    // matching '6.9.9' found` (3.8); helm-controller `HelmChart 'flux-system/podinfo-podinfo' is not
    // ready: ...` (3.2) and `dependencies do not meet ready condition (dependency 'ns/name' is not
    // ready): retrying in 30s` (3.11).
    static func chartFails(_ from: Int, _ to: Int) -> Occurrence {
        occ("helm-chart-version-not-found", "HelmChart/flux-system/podinfo-podinfo", from, to, captures: ["chart": "podinfo", "version": "6.9.9"])
    }
    static func waitsOnChart(_ release: String, _ from: Int, _ to: Int) -> Occurrence {
        occ("helm-source-not-ready", "HelmRelease/\(release)", from, to,
            captures: ["source_kind": "HelmChart", "source_namespace": "flux-system", "source_name": "podinfo-podinfo"],
            upstream: "HelmChart/flux-system/podinfo-podinfo")
    }
    static func dependsOn(_ release: String, _ dependency: String, _ from: Int, _ to: Int) -> Occurrence {
        occ("dependency-not-ready", "HelmRelease/\(release)", from, to,
            captures: ["dependency": dependency, "reason": "is not ready", "retry": "30s"])
    }

    @Test func chainFoldsUnderTheFirstFailingObject() {
        let list = [
            Self.chartFails(0, 12),
            Self.waitsOnChart("podinfo/podinfo", 0, 12),
            Self.dependsOn("podinfo/frontend", "podinfo/podinfo", 1, 14),
            Self.dependsOn("podinfo/web", "podinfo/frontend", 2, 14),
        ]
        let incidents = Self.fold(list)
        #expect(incidents.count == 1)
        let root = incidents[0]
        #expect(root.upstream?.description == "HelmChart/flux-system/podinfo-podinfo")
        #expect(root.failureClass == "helm-chart")
        #expect(root.downstreamObjects.map(\.description) == ["HelmRelease/podinfo/frontend", "HelmRelease/podinfo/podinfo", "HelmRelease/podinfo/web"])
        // The root keeps its own signals and span; its severity is the highest (the chart's error).
        #expect(root.signals.map(\.signature) == ["helm-chart-version-not-found"])
        #expect(root.firstSeen.millis == Self.t0 && root.lastSeen.millis == Self.t0 + 12 * 60_000)
        #expect(root.severity == .error)
        #expect(root.title.hasSuffix("(3 HelmReleases waiting on it)"))
        // What each folded incident waits on, as its lines name it.
        let waits = Dictionary(uniqueKeysWithValues: root.downstream.map { ($0.objects[0].name, $0.waitsOn.map(\.description)) })
        #expect(waits["podinfo"] == ["HelmChart/flux-system/podinfo-podinfo"])
        #expect(waits["frontend"] == ["HelmRelease/podinfo/podinfo"])
        #expect(waits["web"] == ["HelmRelease/podinfo/frontend"])
    }

    /// A wait that stops and comes back under a root that goes on failing is one downstream
    /// entry, its events summed (10 GiB of the benchmark corpus folded 1,793 under one root).
    @Test func recurringWaitMergesUnderItsRoot() {
        let list = [
            Self.chartFails(0, 120),
            Self.waitsOnChart("podinfo/podinfo", 0, 12),
            Self.waitsOnChart("podinfo/podinfo", 60, 72),
            Self.dependsOn("podinfo/frontend", "podinfo/podinfo", 1, 14),
        ]
        // Without the root the two waits are two incidents (48 minutes apart, the window is 15).
        #expect(Self.fold(Array(list.dropFirst())).filter { $0.affected.map(\.name) == ["podinfo"] }.count == 2)
        let incidents = Self.fold(list)
        #expect(incidents.count == 1)
        let root = incidents[0]
        #expect(root.downstream.count == 2)
        let podinfo = root.downstream.first { $0.objects.map(\.name) == ["podinfo"] }
        #expect(podinfo?.firstSeen.millis == Self.t0 && podinfo?.lastSeen.millis == Self.t0 + 72 * 60_000)
        #expect(podinfo?.waitsOn.map(\.description) == ["HelmChart/flux-system/podinfo-podinfo"])
        let wait = podinfo?.signals.first { $0.signature == "helm-source-not-ready" }
        #expect(wait?.count == 24)
        #expect(wait?.firstSeen?.millis == Self.t0 && wait?.lastSeen?.millis == Self.t0 + 72 * 60_000)
        // The first run's place: `occ` puts a run from minute 0 to 12 on line 12.
        #expect(wait?.location.line == 12)
        // What the report reads of it is what the two incidents gave.
        let signal = root.downstreamSignals.first { $0.signature == "helm-source-not-ready" }
        #expect(signal?.count == 24)
        #expect(signal?.objects.map(\.name) == ["podinfo"])
        #expect(root.title.hasSuffix("(2 HelmReleases waiting on it)"))
    }

    @Test func foldDoesNotDependOnInputOrder() {
        let list = [
            Self.chartFails(0, 12), Self.waitsOnChart("podinfo/podinfo", 0, 12),
            Self.dependsOn("podinfo/frontend", "podinfo/podinfo", 1, 14), Self.dependsOn("podinfo/web", "podinfo/frontend", 2, 14),
        ]
        func key(_ l: [Occurrence]) -> [String] {
            Self.fold(l).map { "\($0.id) \($0.severity) \($0.title) \($0.downstream.map(\.id))" }
        }
        let base = key(list)
        #expect(key(list.reversed()) == base)
        #expect(key([list[2], list[0], list[3], list[1]]) == base)
    }

    @Test func diamondHasOneRoot() {
        // app dependsOn b and c; b and c dependsOn d; d's Helm upgrade timed out (FLUX-LOGS.md 3.7
        // `Helm upgrade failed for release podinfo/d with chart d@1.0.0: context deadline exceeded`).
        let list = [
            Self.occ("helm-wait-timeout", "HelmRelease/podinfo/d", 0, 10,
                     captures: ["action": "upgrade", "release": "podinfo/d", "chart": "d", "version": "1.0.0", "reason": "context deadline exceeded"]),
            Self.dependsOn("podinfo/b", "podinfo/d", 1, 12),
            Self.dependsOn("podinfo/c", "podinfo/d", 1, 12),
            Self.dependsOn("podinfo/app", "podinfo/b", 2, 12),
            Self.dependsOn("podinfo/app", "podinfo/c", 2, 12),
        ]
        let incidents = Self.fold(list)
        #expect(incidents.count == 1)
        #expect(incidents[0].affected.map(\.description) == ["HelmRelease/podinfo/d"])
        #expect(incidents[0].downstreamObjects.map(\.description) == ["HelmRelease/podinfo/app", "HelmRelease/podinfo/b", "HelmRelease/podinfo/c"])
        let app = incidents[0].downstream.first { $0.objects.map(\.name) == ["app"] }
        #expect(app?.waitsOn.map(\.description) == ["HelmRelease/podinfo/b", "HelmRelease/podinfo/c"])
    }

    @Test func cycleWithoutRootEndsAndStaysUnfolded() {
        // a dependsOn b dependsOn a: both wait forever, nothing fails on its own.
        let list = [Self.dependsOn("podinfo/a", "podinfo/b", 0, 10), Self.dependsOn("podinfo/b", "podinfo/a", 0, 10)]
        let incidents = Self.fold(list)
        #expect(incidents.count == 2)
        #expect(incidents.allSatisfy { $0.downstream.isEmpty })
        #expect(Set(incidents.flatMap(\.affected).map(\.name)) == ["a", "b"])
    }

    @Test func cycleWithARootFoldsIntoIt() {
        // a ↔ b, and b also waits on its HelmChart, which fails.
        let list = [
            Self.dependsOn("podinfo/a", "podinfo/b", 0, 10), Self.dependsOn("podinfo/b", "podinfo/a", 0, 10),
            Self.occ("helm-source-not-ready", "HelmRelease/podinfo/b", 0, 10,
                     captures: ["source_kind": "HelmChart", "source_namespace": "flux-system", "source_name": "podinfo-b"],
                     upstream: "HelmChart/flux-system/podinfo-b"),
            Self.occ("helm-chart-version-not-found", "HelmChart/flux-system/podinfo-b", 0, 10, captures: ["chart": "b", "version": "9.9.9"]),
        ]
        let incidents = Self.fold(list)
        #expect(incidents.count == 1)
        #expect(incidents[0].affected.map(\.description) == ["HelmChart/flux-system/podinfo-b"])
        #expect(incidents[0].downstreamObjects.map(\.description) == ["HelmRelease/podinfo/a", "HelmRelease/podinfo/b"])
    }

    @Test func waitWithNoFailingRootStaysItsOwnIncident() {
        // kustomize-controller `Dependencies do not meet ready condition, retrying in 30s` names no
        // dependency (FLUX-LOGS.md 3.11); with no other failure in the window there is nothing to fold into.
        let list = [Self.occ("dependency-not-ready", "Kustomization/flux-system/apps", 0, 10, captures: ["retry": "30s"])]
        let incidents = Self.fold(list)
        #expect(incidents.count == 1)
        #expect(incidents[0].failureClass == "dependency")
        #expect(incidents[0].downstream.isEmpty)
        #expect(incidents[0].severity == .warning)
    }

    @Test func unnamedWaitsFoldOnlyIntoASingleRoot() {
        // `Source artifact not found, retrying in 30s` (FLUX-LOGS.md 3.11) names no source.
        let wait = Self.occ("source-artifact-not-ready", "Kustomization/flux-system/infra", 0, 10, captures: ["retry": "30s"])
        // [real, source-controller PR #89] ssh unable to authenticate (FLUX-LOGS.md 3.4).
        func sshFails(_ repo: String) -> Occurrence {
            Self.occ("git-ssh-auth-failed", "GitRepository/flux-system/\(repo)", 0, 10,
                     captures: ["url": "ssh://git@github.com/acme/\(repo)", "methods": "none publickey"])
        }
        let one = Self.fold([wait, sshFails("platform")])
        #expect(one.count == 1)
        #expect(one[0].upstream?.description == "GitRepository/flux-system/platform")
        #expect(one[0].downstreamObjects.map(\.description) == ["Kustomization/flux-system/infra"])
        #expect(one[0].downstream[0].waitsOn.isEmpty)
        // Two failing GitRepositories: which one infra uses is unknown, so it is not folded.
        let two = Self.fold([wait, sshFails("platform"), sshFails("apps")])
        #expect(two.count == 3)
        #expect(two.allSatisfy { $0.downstream.isEmpty })
    }

    @Test func waitOutsideTheWindowIsNotFolded() {
        // The chart failed from 09:00 to 09:10; the release waits from 10:00: more than the
        // 15-minute window apart.
        let incidents = Self.fold([Self.chartFails(0, 10), Self.waitsOnChart("podinfo/podinfo", 60, 70)])
        #expect(incidents.count == 2)
        #expect(incidents.allSatisfy { $0.downstream.isEmpty })
        // Within the window (starting 12 minutes after the chart's last failure) it is.
        #expect(Self.fold([Self.chartFails(0, 10), Self.waitsOnChart("podinfo/podinfo", 22, 30)]).count == 1)
    }

    @Test func healthCheckOnAFailingObjectFoldsAndRaisesSeverity() {
        // kustomize-controller `health check failed after 5m0.01s: timeout waiting for:
        // [HelmRelease/podinfo/podinfo status: 'InProgress', Deployment/podinfo/cache status: 'InProgress']`
        // (FLUX-LOGS.md 3.3) while helm-controller says `release is in a failed state` (3.1, warning).
        let list = [
            Self.occ("helm-release-failed-state", "HelmRelease/podinfo/podinfo", 0, 10),
            Self.occ("health-check-timeout", "Kustomization/flux-system/apps", 5, 5,
                     captures: ["duration": "5m0.01s",
                                "objects": "HelmRelease/podinfo/podinfo status: 'InProgress', Deployment/podinfo/cache status: 'InProgress'"]),
        ]
        let incidents = Self.fold(list)
        #expect(incidents.count == 1)
        #expect(incidents[0].affected.map(\.description) == ["HelmRelease/podinfo/podinfo"])
        #expect(incidents[0].severity == .error)  // the health check's error over the root's warning
        #expect(incidents[0].downstreamObjects.map(\.description) == ["Kustomization/flux-system/apps"])
    }

    @Test func healthCheckOnWorkloadsOnlyIsARootOfItsOwn() {
        // apps times out on a Deployment, which has no incident of its own: apps failed on its own.
        // shop-config waits on apps by name (`dependency 'flux-system/apps' is not ready`, FLUX-LOGS.md
        // 3.11, as in dependency-blocked's examples in Patterns/signatures/dependencies.yaml).
        let list = [
            Self.occ("health-check-timeout", "Kustomization/flux-system/apps", 0, 0,
                     captures: ["duration": "5m0.00481s", "objects": "Deployment/shop/checkout status: 'InProgress'"]),
            Self.occ("dependency-blocked", "Kustomization/flux-system/shop-config", 1, 8,
                     captures: ["dependency": "flux-system/apps", "reason": "is not ready"]),
        ]
        let incidents = Self.fold(list)
        #expect(incidents.count == 1)
        #expect(incidents[0].failureClass == "health-check")
        #expect(incidents[0].affected.map(\.description) == ["Kustomization/flux-system/apps"])
        #expect(incidents[0].downstreamObjects.map(\.description) == ["Kustomization/flux-system/shop-config"])
    }

    @Test func healthCheckObjectLists() {
        // fluxcd/pkg ssa WaitForSet (FLUX-LOGS.md 3.3), with an error after a status.
        #expect(Cascade.objectList("GitRepository/flux-system/platform status: 'InProgress', Kustomization/flux-system/infra-configs status: 'Failed': dependency 'a/b', is not ready, Namespace/shop status: 'Terminating'")
            .map(\.description) == ["GitRepository/flux-system/platform", "Kustomization/flux-system/infra-configs", "Namespace/shop"])
        // kustomize-controller <= v0.14 `Health check failed for [Deployment 'apps/web', StatefulSet 'apps/db']`.
        #expect(Cascade.objectList("Deployment 'apps/web', StatefulSet 'apps/db'").map(\.description)
            == ["Deployment/apps/web", "StatefulSet/apps/db"])
        #expect(Cascade.objectList("no objects here").isEmpty)
    }

    /// Lists are read as bytes when ASCII (`Cascade.objectList(ascii:)`, the fast path) and as
    /// Characters otherwise: both read the same objects. A list ending in `Kind '` (a quote that
    /// opens nothing) names no object; it used to stop the program (a range ending before it began).
    @Test func objectListsReadAsBytesAsAsCharacters() {
        let lists = [
            "GitRepository/flux-system/platform status: 'InProgress', Kustomization/flux-system/infra-configs status: 'Failed': dependency 'a/b', is not ready, Namespace/shop status: 'Terminating'",
            "Deployment 'apps/web', StatefulSet 'apps/db'",
            "no objects here", "", ", , ", "  Deployment/apps/web status: 'Current',, ConfigMap/x status: ",
            "Deployment '", "Deployment ''", "Deployment 'web'", "Deployment '/web'", "Deployment 'a/b/c'",
            "deployment 'apps/web'", "Deployment X 'apps/web'", " status: 'Current'", "HelmRelease/a/b/c status: 'Ready'",
        ]
        for list in lists {
            #expect(Cascade.objectList(list).map(\.description) == Cascade.objectListOfCharacters(list).map(\.description), "\(list)")
        }
        #expect(Cascade.objectList("Deployment '").isEmpty)
        #expect(Cascade.objectList("Deployment 'web'").map(\.description) == ["Deployment/web"])
        #expect(Cascade.objectList("Deployment 'apps/wéb', Service 'apps/web'").map(\.description) == ["Deployment/apps/wéb", "Service/apps/web"])
    }

    /// kustomize-controller's log alone (FLUX-LOGS.md 3.3, 3.11): infrastructure's health check
    /// timed out on `[GitRepository/flux-system/platform status: 'InProgress', Kustomization/
    /// flux-system/infra status: 'InProgress']`, infra says `Source artifact not found` and apps
    /// `Dependencies do not meet ready condition`. With no source-controller record read, the
    /// health check stands in for platform: one incident. With source-controller's log read and
    /// platform failing nowhere in it, the wait names no failing source: three incidents.
    @Test func aWaitOnASourceWhoseLogWasNotReadStandsInForIt() {
        let list = [
            Self.occ("health-check-waits-on-flux", "Kustomization/flux-system/infrastructure", 5, 5, captures: [
                "duration": "5m0.008648382s",
                "objects": "GitRepository/flux-system/platform status: 'InProgress', Kustomization/flux-system/infra status: 'InProgress'"]),
            Self.occ("source-artifact-not-ready", "Kustomization/flux-system/infra", 0, 13, captures: ["retry": "30s"]),
            Self.occ("dependency-not-ready", "Kustomization/flux-system/apps", 0, 13, captures: ["retry": "30s"]),
        ].sorted(by: Correlator.before)
        let incidents = Correlator(patterns: Self.patterns).correlate(sorted: list, healthyUntil: [:])
        #expect(incidents.count == 3)
        let alone = Cascade().fold(incidents, occurrences: list, controllersRead: ["kustomize-controller"]).incidents
        #expect(alone.count == 1)
        #expect(alone.first?.affected.map(\.description) == ["Kustomization/flux-system/infrastructure"])
        #expect(alone.first?.downstreamObjects.map(\.description) == ["Kustomization/flux-system/apps", "Kustomization/flux-system/infra"])
        #expect(alone.first?.title.hasSuffix("; GitRepository/flux-system/platform not ready, source-controller's log not read") == true)
        let both = Cascade().fold(incidents, occurrences: list, controllersRead: ["kustomize-controller", "source-controller"]).incidents
        #expect(both.count == 3)
        #expect(both.allSatisfy { !$0.title.contains("log not read") })
    }

    @Test func wildcardCandidateCapIsCountedAndReported() {
        // infra waits on an unnamed source (`Source artifact not found`) while two GitRepositories
        // in its namespace fail; with a cap of one candidate it is left alone, counted and reported.
        let list = [
            Self.occ("source-artifact-not-ready", "Kustomization/flux-system/infra", 0, 10, captures: ["retry": "30s"]),
            Self.occ("git-ssh-auth-failed", "GitRepository/flux-system/platform", 0, 10, captures: ["methods": "none publickey"]),
            Self.occ("git-ssh-auth-failed", "GitRepository/flux-system/apps", 0, 10, captures: ["methods": "none publickey"]),
        ].sorted(by: Correlator.before)
        let incidents = Correlator(patterns: Self.patterns).correlate(sorted: list, healthyUntil: [:])
        var cascade = Cascade()
        cascade.wildcardCandidateCap = 1
        let r = cascade.fold(incidents, occurrences: list)
        #expect(r.incidents.count == 3)
        #expect(r.wildcardsOverCap == 1)
        #expect(r.warnings.count == 1)
        #expect(!r.passCapHit)
    }
}

/// `Correlator.plural`: kinds in titles (`4 GitRepositories failing`, not `GitRepositorys`).
@Suite struct KindPluralTests {
    @Test func kindPlurals() {
        #expect(Correlator.plural("Kustomization") == "Kustomizations")
        #expect(Correlator.plural("GitRepository") == "GitRepositories")
        #expect(Correlator.plural("ImagePolicy") == "ImagePolicies")
        #expect(Correlator.plural("HelmRelease") == "HelmReleases")
    }
}
