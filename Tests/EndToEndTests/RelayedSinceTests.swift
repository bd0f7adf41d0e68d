import Foundation
import Testing

/// `--since/--until` choose the failures that make incidents (CONTRACT.md, docs/OUTPUT.md "An
/// incident under way before `--since`"), whether the failure is known from its controller's
/// log or only from notification-controller's relay of its event (`dispatching event`,
/// `Signature.relays`, QuotedCause.swift `relayedFailures`). A trial: two relayed `Helm upgrade
/// failed ... context deadline exceeded` at 10:10 and 10:20 made an ERROR incident (first_seen
/// 10:10) and exit 1 with `--since 10:25`, even when nothing was logged after the failures;
/// helm-controller's own log of the same story gave no incident, the before---since warning and
/// exit 0.
@Suite struct RelayedSinceTests {
    /// The HelmRelease's event as notification-controller relays it (FLUX-LOGS.md 1.4
    /// `dispatching event`, with `eventInvolvedObject`; 3.7 `Helm upgrade failed for release %s/%s
    /// with chart %s@%s: %s`, Helm's wait timeout `context deadline exceeded`).
    static func relay(_ ts: String, _ message: String) -> String {
        #"{"level":"info","ts":"\#(ts)","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"HelmRelease","namespace":"apps","name":"podinfo","uid":"2b5c2f8e-7d3a-4c51-9a8e-0f1e2d3c4b5a","apiVersion":"helm.toolkit.fluxcd.io/v2","resourceVersion":"123"},"message":"\#(message)"}"#
    }
    static let failed = "Helm upgrade failed for release apps/podinfo with chart podinfo@6.5.4: context deadline exceeded"
    /// 3.7's success shape: `Helm upgrade succeeded for release <ns>/<name>.v<N> with chart <chart>@<ver>`.
    static let succeeded = "Helm upgrade succeeded for release apps/podinfo.v7 with chart podinfo@6.5.5"
    static let notificationController = [
        relay("2026-11-24T10:10:00.000Z", failed),
        relay("2026-11-24T10:20:00.000Z", failed),
        relay("2026-11-24T10:30:00.000Z", succeeded),
    ]
    /// The same story in helm-controller's log (FLUX-LOGS.md 1.4: `Reconciler error` with the
    /// controller-runtime context, `release in-sync with desired state`).
    static func helm(_ ts: String, _ fields: String) -> String {
        #"{"level":"\#(fields.isEmpty ? "info" : "error")","ts":"\#(ts)","msg":"\#(fields.isEmpty ? "release in-sync with desired state" : "Reconciler error")","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"podinfo","namespace":"apps"},"namespace":"apps","name":"podinfo","reconcileID":"204fabd9-977b-4be7-8574-4c557b58a4c5"\#(fields)}"#
    }
    static let helmController = [
        helm("2026-11-24T10:10:00.000Z", #","error":"\#(failed)""#),
        helm("2026-11-24T10:20:00.000Z", #","error":"\#(failed)""#),
        helm("2026-11-24T10:30:00.000Z", ""),
    ]

    func scan(_ files: [String: [String]], _ args: [String]) throws -> RunResult {
        let dir = try scratch("relayed-since")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, lines) in files {
            try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return try run(["--format", "json"] + args + [dir.path])
    }

    static let warning = "2 failure record(s) before --since 2026-11-24T10:25:00.000Z of 1 object(s) (HelmRelease/apps/podinfo from 2026-11-24T10:10:00.000Z) were left out, the first at 2026-11-24T10:10:00.000Z"

    /// Every failure before `--since 10:25`: no incident, the warning, exit 0, as for
    /// helm-controller's own log.
    @Test func relayedFailuresBeforeSinceMakeNoIncident() throws {
        for files in [["notification-controller.log": Self.notificationController], ["helm-controller.log": Self.helmController]] {
            let r = try scan(files, ["--since", "2026-11-24T10:25:00Z"])
            #expect(r.status == 0, "\(files.keys)")
            let out = try json(r.stdout)
            #expect((out["incidents"] as? [[String: Any]])?.isEmpty == true, "\(files.keys): \(r.text)")
            #expect(r.stderr.contains(Self.warning), "\(files.keys): \(r.stderr)")
        }
        // Both logs, each read by its own worker (`--jobs 2`, merged in `ScanResult.absorb`):
        // helm-controller's log is read, so the relays are no second count.
        let both = try scan(["notification-controller.log": Self.notificationController, "helm-controller.log": Self.helmController],
                            ["--since", "2026-11-24T10:25:00Z", "--jobs", "2"])
        #expect(both.status == 0)
        #expect((try json(both.stdout)["incidents"] as? [[String: Any]])?.isEmpty == true)
        #expect(both.stderr.contains(Self.warning), "\(both.stderr)")
    }

    /// The trial's second variant: the two failures and nothing after them (no event in the
    /// window at all) gave `0 events` and yet `[1] ERROR open`, exit 1.
    @Test func relayedFailuresAloneBeforeSinceMakeNoIncident() throws {
        let r = try scan(["notification-controller.log": Array(Self.notificationController.prefix(2))], ["--since", "2026-11-24T10:25:00Z"])
        #expect(r.status == 0)
        let out = try json(r.stdout)
        #expect((out["incidents"] as? [[String: Any]])?.isEmpty == true, "\(r.text)")
        #expect((out["stats"] as? [String: Any])?["events"] as? Int == 0)
        #expect(r.stderr.contains(Self.warning), "\(r.stderr)")
    }

    /// A failure going on into the window (`--since 10:15`): the incident starts at the 10:20
    /// relay and was under way since 10:10, one record left out, as from helm-controller's log;
    /// with both logs the relay is no second copy (still one record).
    @Test func relayedFailuresBeforeSinceAreUnderWay() throws {
        for files in [["notification-controller.log": Self.notificationController], ["helm-controller.log": Self.helmController],
                      ["notification-controller.log": Self.notificationController, "helm-controller.log": Self.helmController]] {
            let r = try scan(files, ["--since", "2026-11-24T10:15:00Z"])
            #expect(r.status == 1, "\(files.keys)")
            let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
            #expect(incidents.count == 1, "\(files.keys)")
            let i = try #require(incidents.first)
            #expect(i["first_seen"] as? String == "2026-11-24T10:20:00.000Z", "\(files.keys)")
            #expect(i["status"] as? String == "resolved", "\(files.keys)")
            let under = try #require(i["under_way_before_since"] as? [String: Any], "\(files.keys)")
            #expect(under["first"] as? String == "2026-11-24T10:10:00.000Z")
            #expect(under["last"] as? String == "2026-11-24T10:10:00.000Z")
            #expect(under["records"] as? Int == 1, "\(files.keys)")
            #expect(r.stderr.contains("1 failure record(s) before --since 2026-11-24T10:15:00.000Z of 1 object(s) (HelmRelease/apps/podinfo"), "\(r.stderr)")
        }
    }

    /// `--until 10:15`: the report is as of 10:15, the 10:20 failure and the 10:30 success
    /// relayed after it count for nothing (open since 10:10, one failure), as in helm-controller's log.
    @Test func relayedFailuresAfterUntilAreLeftOut() throws {
        for files in [["notification-controller.log": Self.notificationController], ["helm-controller.log": Self.helmController]] {
            let r = try scan(files, ["--until", "2026-11-24T10:15:00Z"])
            #expect(r.status == 1, "\(files.keys)")
            let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
            #expect(incidents.count == 1, "\(files.keys)")
            let i = try #require(incidents.first)
            #expect(i["first_seen"] as? String == "2026-11-24T10:10:00.000Z")
            #expect(i["last_seen"] as? String == "2026-11-24T10:10:00.000Z", "\(files.keys)")
            #expect(i["status"] as? String == "open", "\(files.keys)")
        }
        // Every failure after --until: nothing.
        let none = try scan(["notification-controller.log": Self.notificationController], ["--until", "2026-11-24T10:05:00Z"])
        #expect(none.status == 0)
        #expect((try json(none.stdout)["incidents"] as? [[String: Any]])?.isEmpty == true)
    }

    /// A quoted error (`quotes:`, helm-controller's wait for a HelmChart quoting
    /// source-controller's build error) is evidence of that failure: before `--since` it is left
    /// out as the failure is, not cited as evidence from before the window
    /// (samples/helmchart-cascade: `helm-chart-version-not-found ×4, first 11:00:03` with
    /// `--since 11:13:34`).
    @Test func quotedFailuresBeforeSinceAreNotEvidence() throws {
        let sample = packageRoot.appendingPathComponent("samples/helmchart-cascade")
        let logs = try FileManager.default.contentsOfDirectory(atPath: sample.path).filter { $0.hasSuffix(".log") }.sorted()
            .map { "samples/helmchart-cascade/\($0)" }
        let r = try run(["--format", "json", "--since", "2026-11-24T11:13:34Z"] + logs)
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let lines = incidents.flatMap { i in (i["hypotheses"] as? [[String: Any]] ?? []).flatMap { h in
            (h["evidence_for"] as? [String] ?? []) + (h["evidence_against"] as? [String] ?? [])
        } }
        // The quoted build error, cited with its first time (`first HH:MM:SS`): the wait at
        // 11:15:08 (helm-controller.log:35), none before the window. (Healthy context before it
        // stays: source-controller's stored artifacts from 11:00:00.)
        let quoted = lines.filter { $0.contains("[helm-chart-version-not-found") }
        #expect(!quoted.isEmpty, "\(lines)")
        for line in quoted {
            #expect(line.contains("[helm-chart-version-not-found, first 11:15:08, samples/helmchart-cascade/helm-controller.log:35]"), "\(line)")
        }
    }
}
