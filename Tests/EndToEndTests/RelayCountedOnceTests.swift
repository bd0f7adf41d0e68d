import Foundation
import Testing

/// A failure its object's controller logged itself and notification-controller relayed counts
/// once in hypothesis evidence. kustomize-controller logs `Reconciliation failed after %s, next
/// try in %s` with the error in `error`, then records an event whose message is that error
/// (`r.event(obj, revision, originRevision, eventv1.EventSeverityError, reconcileErr.Error(), nil)`,
/// internal/controller/kustomization_controller.go; record format FLUX-LOGS.md 1.4, 3.3), and
/// notification-controller logs `dispatching event` with the event's `message` and
/// `eventInvolvedObject` (internal/server/event_handlers.go, FLUX-LOGS.md 1.4). Read together,
/// the health-check timeout was cited as `health-check-timeout ×2` for one record
/// (Sources/LogScan/Matching/QuotedCause.swift `withoutOwnCopies`).
@Suite struct RelayCountedOnceTests {
    static let error = "health check failed after 5m0.01s: timeout waiting for: [Deployment/podinfo/podinfo status: 'InProgress']"
    static let kustomizeController = [
        #"{"level":"info","ts":"2025-03-04T10:05:00.100Z","msg":"server-side apply completed","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"5edd4a48-c4f4-4c6b-8c25-bedd346af378","output":{"Deployment/podinfo/podinfo":"configured"},"revision":"main@sha1:0123456789abcdef0123456789abcdef01234567"}"#,
        #"{"level":"error","ts":"2025-03-04T10:10:00.500Z","msg":"Reconciliation failed after 5m0.4s, next try in 5m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"5edd4a48-c4f4-4c6b-8c25-bedd346af378","revision":"main@sha1:0123456789abcdef0123456789abcdef01234567","error":"\#(error)"}"#,
    ]
    /// The event of that failure, relayed 30 ms later.
    static let notificationController = [
        #"{"level":"info","ts":"2025-03-04T10:10:00.530Z","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"Kustomization","namespace":"flux-system","name":"apps","uid":"c2ceeb1c-dbdb-46c5-8863-a3315f1af406","apiVersion":"kustomize.toolkit.fluxcd.io/v1","resourceVersion":"9915876"},"message":"\#(error)"}"#,
    ]

    /// The first hypothesis' evidence line of the health-check timeout, from one report's incident.
    static func citation(_ incident: [String: Any]) throws -> String {
        let first = try #require((incident["hypotheses"] as? [[String: Any]])?.first)
        #expect(first["id"] as? String == "health-check-timeout")
        let lines = first["evidence_for"] as? [String] ?? []
        return try #require(lines.first { $0.contains("[health-check-timeout") })
    }

    func files(_ named: [String: [String]]) throws -> (URL, [String]) {
        let dir = try scratch("relay-once")
        var paths: [String] = []
        for (name, lines) in named.sorted(by: { $0.key < $1.key }) {
            let url = dir.appendingPathComponent(name)
            try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
        }
        return (dir, paths)
    }

    /// `scan` with one job and with two (each file read into a part of its own), and both pods'
    /// records in one file (`kubectl logs --prefix` of both, one store): one record, cited once,
    /// from kustomize-controller's log.
    @Test func scanCountsTheRelayedCopyOnce() throws {
        let (dir, paths) = try files(["kustomize-controller.log": Self.kustomizeController,
                                      "notification-controller.log": Self.notificationController])
        defer { try? FileManager.default.removeItem(at: dir) }
        let (oneDir, one) = try files(["flux.log": Self.kustomizeController + Self.notificationController])
        defer { try? FileManager.default.removeItem(at: oneDir) }
        for args in [["--jobs", "1"] + paths, ["--jobs", "2"] + paths, one] {
            let r = try run(["--format", "json"] + args)
            let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
            #expect(incidents.count == 1, "\(args)")
            let i = try #require(incidents.first)
            let cited = try Self.citation(i)
            #expect(cited.contains("[health-check-timeout, first 10:10:00, "), "\(args): \(cited)")
            #expect(cited.hasSuffix(args == one ? "flux.log:2]" : "kustomize-controller.log:2]"), "\(args): \(cited)")
            let signals = (i["signals"] as? [[String: Any]] ?? []).map { ($0["signature"] as? String ?? "", $0["count"] as? Int ?? -1) }
            #expect(signals.filter { $0.0 == "health-check-timeout" }.map(\.1) == [1], "\(args)")
        }
    }

    /// `follow`: the incident's last record cites the one record.
    @Test func followCountsTheRelayedCopyOnce() throws {
        let (dir, paths) = try files(["kustomize-controller.log": Self.kustomizeController,
                                      "notification-controller.log": Self.notificationController])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try run(["follow", "--until-caught-up"] + paths)
        let records = r.text.split(separator: "\n").compactMap { try? json(Data($0.utf8)) }.filter { $0["type"] as? String == "incident" }
        let last = try #require(records.last)
        #expect(try Self.citation(last).contains("[health-check-timeout, first 10:10:00, "))
    }

    /// The relay still counts where the object's own record is not there: the previous try's
    /// failure (10:00, `next try in 5m0s`) was relayed, but kustomize-controller's log given
    /// begins at 10:05 (the container before it is not in the input): that relay and the own
    /// record of 10:10 are two failures, the relay of 10:10 none.
    @Test func aRelayWithoutItsOwnRecordStillCounts() throws {
        let previous = Self.notificationController[0].replacingOccurrences(of: "2025-03-04T10:10:", with: "2025-03-04T10:00:")
        let (dir, paths) = try files(["kustomize-controller.log": Self.kustomizeController,
                                      "notification-controller.log": [previous] + Self.notificationController])
        defer { try? FileManager.default.removeItem(at: dir) }
        for jobs in ["1", "2"] {
            let r = try run(["--format", "json", "--jobs", jobs] + paths)
            let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
            #expect(incidents.count == 1)
            let cited = try Self.citation(try #require(incidents.first))
            #expect(cited.contains("[health-check-timeout ×2, first 10:00:00, "), "\(cited)")
            #expect(cited.hasSuffix("notification-controller.log:1]"), "\(cited)")
        }
    }

    /// A relayed success its own controller logged too counts once: source-controller's
    /// `stored artifact for commit '%s'` (FLUX-LOGS.md 1.4, 3.15; the `NewArtifact` event carries
    /// the same message) added to the NetworkPolicy :9090 sample's outage (whose source-controller
    /// log holds one already), relayed 30 ms later: two records of source-controller storing
    /// artifacts, not three.
    @Test func aRelayedSuccessItsControllerLoggedCountsOnce() throws {
        let sample = packageRoot.appendingPathComponent("samples/networkpolicy-9090")
        let kc = try String(contentsOf: sample.appendingPathComponent("kustomize-controller.log"), encoding: .utf8)
        let sc = try String(contentsOf: sample.appendingPathComponent("source-controller.log"), encoding: .utf8)
        let message = "stored artifact for commit 'Merge pull request #42 from org/feature'"
        let stored = #"{"level":"info","ts":"2026-11-24T02:50:00.000Z","msg":"\#(message)","controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository","GitRepository":{"name":"flux-system","namespace":"flux-system"},"namespace":"flux-system","name":"flux-system","reconcileID":"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"}"#
        let relay = #"{"level":"info","ts":"2026-11-24T02:50:00.030Z","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"GitRepository","namespace":"flux-system","name":"flux-system","uid":"5b0e1c2d-3f4a-4b5c-8d6e-7f8091a2b3c4","apiVersion":"source.toolkit.fluxcd.io/v1","resourceVersion":"48213"},"message":"\#(message)"}"#
        let (dir, paths) = try files(["kustomize-controller.log": kc.split(separator: "\n").map(String.init),
                                      "source-controller.log": sc.split(separator: "\n").map(String.init) + [stored],
                                      "notification-controller.log": [relay]])
        defer { try? FileManager.default.removeItem(at: dir) }
        for jobs in ["1", "2"] {
            let r = try run(["--format", "json", "--jobs", jobs] + paths)
            let i = try #require((try json(r.stdout)["incidents"] as? [[String: Any]])?.first)
            let first = try #require((i["hypotheses"] as? [[String: Any]])?.first)
            #expect(first["id"] as? String == "networkpolicy-blocks-artifact-port")
            let line = try #require((first["evidence_for"] as? [String])?.first { $0.contains("source-controller-artifact-stored") })
            #expect(line.contains("[source-controller-artifact-stored ×2, source-controller-no-changes ×28 "), "\(line)")
        }
    }
}
