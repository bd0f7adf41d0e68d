import Foundation
import Testing

/// The cascade samples through the binary (issue 8: "one failing GitRepository with five
/// Kustomizations waiting on it and two health-check timeouts giving exactly one incident at error
/// or above, rooted at the GitRepository"). Expected values come from each sample's expected.json,
/// written from the story in its README.md (samples/gen_cascades.py), not from the tool's output.
@Suite struct CascadeSampleTests {
    struct Expected: CustomStringConvertible, Sendable {
        var name: String
        var logs: [String]
        var atError: Int
        var upstream: String
        var objects: [String]
        var downstream: [String]
        var description: String { name }
    }

    /// Every sample whose expected.json has a `downstream` list.
    static func cascades() throws -> [Expected] {
        try Sample.all().compactMap { s in
            let url = packageRoot.appendingPathComponent("samples/\(s.name)/expected.json")
            let e = try json(Data(contentsOf: url))
            guard let downstream = e["downstream"] as? [String] else { return nil }
            return Expected(name: s.name, logs: s.logs, atError: try #require(e["incidents_at_error"] as? Int),
                            upstream: try #require(e["upstream"] as? String), objects: s.objects ?? [], downstream: downstream)
        }
    }

    @Test func bothCascadeSamplesExist() throws {
        #expect(try Self.cascades().map(\.name) == ["gitrepository-cascade", "helmchart-cascade"])
    }

    @Test(arguments: try cascades())
    func oneRootIncidentWithItsDownstreamObjects(_ c: Expected) throws {
        let r = try run(["--format", "json"] + c.logs)
        #expect(r.stderr == "")
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let atError = incidents.filter { ["error", "critical"].contains($0["severity"] as? String) }
        #expect(atError.count == c.atError)
        let root = try #require(atError.first)
        #expect(root["upstream"] as? String == c.upstream)
        #expect(root["objects"] as? [String] == c.objects)
        #expect(root["downstream"] as? [String] == c.downstream)
        // Every downstream object's evidence is listed, each signal with the objects it came from.
        let signals = try #require(root["downstream_signals"] as? [[String: Any]])
        let covered = Set(signals.flatMap { $0["objects"] as? [String] ?? [] })
        #expect(covered == Set(c.downstream))
        // The root's own evidence stays its own: no downstream object's signal among `signals`.
        let own = (root["signals"] as? [[String: Any]] ?? []).compactMap { $0["controller"] as? String }
        #expect(Set(own) == ["source-controller"])
    }

    @Test func gitRepositoryCascadeTextReport() throws {
        let r = try run(["--color", "never", "samples/gitrepository-cascade/kustomize-controller.log",
                         "samples/gitrepository-cascade/source-controller.log"])
        #expect(r.status == 1)
        let text = r.text
        #expect(text.contains("flux-logscan: 1 incident (1 error)"))
        // The story's five waiting Kustomizations and two whose health checks timed out.
        // The last of them waited at 09:13:36 (kustomize-controller.log's last lines), 40 s after
        // source-controller's last SSH failure (09:12:56.478), where the root's span ends.
        #expect(text.contains("    downstream:  7 Kustomizations (apps, dashboards, infra-configs, infra-controllers, infrastructure, monitoring, tenants) waiting on it, the last at 09:13:36 UTC (40s after the last failure above)\n"))
        // The first downstream line: infra-controllers' first `Source artifact not found` at 09:00:04.505.
        #expect(text.contains("first: samples/gitrepository-cascade/kustomize-controller.log:"))
        #expect(text.contains("source-artifact-not-ready  Source artifact not found, retrying in 30s"))
    }

    /// gitrepository-cascade's kustomize-controller log piped alone (a trial): the GitRepository's
    /// SSH failure is in source-controller's log, not given, so nothing names the cause; but
    /// infrastructure's health check names the source (`timeout waiting for:
    /// [GitRepository/flux-system/platform status: 'InProgress', ...]`, line 56), the only source
    /// any wait names. The README's story: the other six Kustomizations wait on platform, directly
    /// (`Source artifact not found`) or through their dependsOn; they were seven incidents.
    @Test func withoutTheSourcesLogTheWaitOnItIsTheRoot() throws {
        let r = try run(["--format", "json", "samples/gitrepository-cascade/kustomize-controller.log"])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        let root = try #require(incidents.first)
        #expect(root["upstream"] as? String == "Kustomization/flux-system/infrastructure")
        #expect(root["downstream"] as? [String] == ["Kustomization/flux-system/apps", "Kustomization/flux-system/dashboards",
            "Kustomization/flux-system/infra-configs", "Kustomization/flux-system/infra-controllers",
            "Kustomization/flux-system/monitoring", "Kustomization/flux-system/tenants"])
        #expect((root["title"] as? String)?.hasSuffix("; GitRepository/flux-system/platform not ready, source-controller's log not read") == true)
        let first = (root["hypotheses"] as? [[String: Any]])?.first
        #expect(first?["id"] as? String == "dependency-not-ready")
    }

    /// helmchart-cascade: the HelmChart's last pull error is at 11:12:50 (source-controller backs
    /// off), while frontend kept waiting every 30 s until 11:19:35.385 (helm-controller.log's last
    /// line): the root's span alone read as if the outage ended at 11:12:50.
    @Test func downstreamWaitsAfterTheRootsLastFailureAreShown() throws {
        let r = try run(["--color", "never", "samples/helmchart-cascade/helm-controller.log", "samples/helmchart-cascade/source-controller.log"])
        #expect(r.text.contains("    when:        2026-11-24 11:00:02–11:12:50 UTC"))
        #expect(r.text.contains("waiting on it, the last at 11:19:35 UTC (6m45s after the last failure above)\n"), "\(r.text)")
    }

    /// The same sample 12h43m later (every `ts` shifted, as a trial did): the root's span ends at
    /// 23:55:50 and frontend's last wait is at 00:02:35 the next day; the line named no date.
    @Test func aDownstreamWaitAfterMidnightNamesItsDay() throws {
        var input = ""
        for f in ["helm-controller.log", "source-controller.log"] {
            var text = try String(contentsOf: packageRoot.appendingPathComponent("samples/helmchart-cascade/\(f)"), encoding: .utf8)
            // Every record is in hour 11 of 2026-11-24: minute m becomes 23:(m+43) or, from
            // minute 17 on, 00:(m-17) of the next day.
            for m in 0..<60 where text.contains("2026-11-24T11:\(m < 10 ? "0" : "")\(m):") {
                let shifted = m + 43 < 60 ? "2026-11-24T23:\(m + 43):" : "2026-11-25T00:\(m - 17 < 10 ? "0" : "")\(m - 17):"
                text = text.replacingOccurrences(of: "2026-11-24T11:\(m < 10 ? "0" : "")\(m):", with: shifted)
            }
            input += "==> \(f) <==\n" + text + "\n"
        }
        let r = try run(["--color", "never", "-"], stdin: Data(input.utf8))
        #expect(r.text.contains("    when:        2026-11-24 23:43:02–23:55:50 UTC"), "\(r.text)")
        #expect(r.text.contains("waiting on it, the last at 2026-11-25 00:02:35 UTC (6m45s after the last failure above)\n"), "\(r.text)")
    }

    /// Without source-controller's log nothing says which object failed first: the waits name
    /// nothing and the health checks wait on objects that only wait, so each Kustomization of the
    /// story stays an incident of its own (the two health-check timeouts at error, five waits at warning).
    /// At 3 a.m. one runs the tool on the object that is stuck: `--object` (and `--controller`,
    /// `--namespace`) choose incidents, not failures, so the Kustomization `apps` shows the
    /// GitRepository incident it waits on (the story of samples/gitrepository-cascade/README.md:
    /// `platform` fails SSH authentication, apps waits through dependsOn), with apps downstream.
    @Test(arguments: [["--object", "Kustomization/flux-system/apps"], ["--controller", "kustomize"],
                      ["--namespace", "flux-system"], ["--object", "GitRepository/flux-system/platform"]])
    func filtersShowTheRootAnObjectWaitsOn(_ filter: [String]) throws {
        let logs = ["samples/gitrepository-cascade/kustomize-controller.log", "samples/gitrepository-cascade/source-controller.log"]
        let r = try run(["--format", "json"] + filter + logs)
        #expect(r.status == 1)
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        #expect(incidents.first?["upstream"] as? String == "GitRepository/flux-system/platform")
        #expect((incidents.first?["downstream"] as? [String])?.contains("Kustomization/flux-system/apps") == true)
        let hypotheses = incidents.first?["hypotheses"] as? [[String: Any]]
        #expect(hypotheses?.first?["id"] as? String == "git-auth-failed")
    }

    /// `--controller source-controller` at 3 a.m., because the artifacts do not come: the
    /// NetworkPolicy :9090 sample's failures are all kustomize-controller's (`dial tcp
    /// 10.43.x.x:80: connect: connection refused` fetching GitRepository/flux-system/flux-system's
    /// artifact), but the artifact is source-controller's to serve, so the incident is about it
    /// (it was hidden: "none about the --controller given"). helm-controller reconciles nothing
    /// in it, so it still hides it.
    @Test func aControllerShowsTheIncidentsAboutWhatItReconciles() throws {
        let logs = ["samples/networkpolicy-9090/kustomize-controller.log", "samples/networkpolicy-9090/source-controller.log"]
        let r = try run(["--format", "json", "--controller", "source-controller"] + logs)
        #expect(r.status == 1)
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        #expect(incidents.first?["upstream"] as? String == "GitRepository/flux-system/flux-system")
        #expect(incidents.first?["controllers"] as? [String] == ["kustomize-controller"])
        let hypotheses = incidents.first?["hypotheses"] as? [[String: Any]]
        #expect(hypotheses?.first?["id"] as? String == "networkpolicy-blocks-artifact-port")
        // notification-controller-unreachable: kustomize-controller's events never reach
        // notification-controller's Service (`dial tcp: lookup
        // notification-controller.flux-system.svc.cluster.local.`): an incident about it.
        let events = try run(["--format", "json", "--controller", "notification-controller", "samples/notification-controller-unreachable"])
        #expect(events.status == 1)
        let shown = try #require(try json(events.stdout)["incidents"] as? [[String: Any]])
        #expect(shown.count == 1)
        #expect(shown.first?["controllers"] as? [String] == ["kustomize-controller"])
        let helm = try run(["--format", "json", "--controller", "helm"] + logs)
        #expect(helm.status == 0)
        #expect((try json(helm.stdout)["incidents"] as? [[String: Any]])?.isEmpty == true)
    }

    @Test func aFilterThatMatchesNoIncidentSaysSo() throws {
        let logs = ["samples/gitrepository-cascade/kustomize-controller.log", "samples/gitrepository-cascade/source-controller.log"]
        let r = try run(["--color", "never", "--namespace", "default"] + logs)
        #expect(r.status == 0)
        #expect(r.text.contains("1 incident(s) were found, none about the --controller/--namespace/--object given"))
    }
}
