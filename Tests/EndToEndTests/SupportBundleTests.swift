import Foundation
import Testing

/// What a support bundle holds besides the controllers' JSON logs, as a new-user trial packed
/// one: status snapshots (`flux get all -A`, `kubectl get events`), `flux logs` output of a
/// multi-line error, and a record the container runtime split into 16 KiB partial lines.
@Suite struct SupportBundleTests {
    /// `flux get all -A` and `kubectl get events -n flux-system` as the CLIs print them (header
    /// row in capitals, columns padded with spaces; the rows have no time).
    static let fluxGetAll = """
        NAMESPACE       NAME                            REVISION                SUSPENDED       READY   MESSAGE
        flux-system     gitrepository/flux-system       main@sha1:dd1f1fe7      False           False   failed to checkout and determine revision: unable to clone 'https://github.com/acme/fleet-infra': authentication required: Invalid username or token. Password authentication is not supported for Git operations.

        """
    static let events = """
        LAST SEEN   TYPE      REASON                  OBJECT                              MESSAGE
        12m         Warning   GitOperationFailed      gitrepository/flux-system           failed to checkout and determine revision: unable to clone 'https://github.com/acme/fleet-infra': authentication required: Invalid username or token.

        """

    /// The snapshots' rows were read as untimed records, dated at the files' time, and made a
    /// second open "Git HTTPS credentials rejected" incident with no object and `<name>` left in
    /// its commands. They are named in a warning and not read.
    @Test func statusSnapshotsAreNotReadAsRecords() throws {
        let dir = try scratch("snapshots")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = "samples/git-auth-failed/source-controller.log"
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("logs"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(log),
                                         to: dir.appendingPathComponent("logs/source-controller.log"))
        try Self.fluxGetAll.write(to: dir.appendingPathComponent("flux-get-all.txt"), atomically: true, encoding: .utf8)
        try Self.events.write(to: dir.appendingPathComponent("events.txt"), atomically: true, encoding: .utf8)
        let alone = try run(["--format", "json", log])
        let bundle = try run(["--format", "json", dir.path])
        #expect(bundle.status == alone.status)
        #expect(try incidentsWithoutPlaces(json(bundle.stdout)) == incidentsWithoutPlaces(json(alone.stdout)))
        #expect(bundle.stderr.contains("flux-get-all.txt:1: a `kubectl get` or `flux get` table"), "\(bundle.stderr)")
        #expect(bundle.stderr.contains("events.txt:1: a `kubectl get` or `flux get` table"), "\(bundle.stderr)")
    }

    /// A 2 MiB record: as one line it is cut at the 1 MiB cap with a warning and an
    /// `overlong_lines` count; split by the runtime into CRI `P` parts of 16 KiB (containerd's
    /// default `max_container_log_line_size`) and an `F` part, the joined record was cut silently.
    @Test func aRecordJoinedFromPartsOverTheCapIsWarnedAndCounted() throws {
        let dir = try scratch("parts")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try String(contentsOf: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log"), encoding: .utf8)
        let line = try #require(source.split(separator: "\n").first { $0.contains("Reconciliation failed after") })
        var record = RewrapTests.object(String(line))
        record["error"] = (record["error"] as? String ?? "") + String(repeating: "x", count: 2 << 20)
        let text = RewrapTests.jsonText(record)
        let ts = RewrapTests.kubelet(String(line))
        var parts: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty { parts.append(String(rest.prefix(16384))); rest = rest.dropFirst(16384) }
        let cri = parts.enumerated().map { "\(ts) stderr \($0.offset == parts.count - 1 ? "F" : "P") \($0.element)" }
        try (cri.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("0.log"), atomically: true, encoding: .utf8)
        try (text + "\n").write(to: dir.appendingPathComponent("one-line.log"), atomically: true, encoding: .utf8)
        for name in ["one-line.log", "0.log"] {
            let r = try run(["--format", "json", dir.appendingPathComponent(name).path])
            let stats = try #require(try json(r.stdout)["stats"] as? [String: Any])
            #expect(stats["overlong_lines"] as? Int == 1, "\(name)")
            #expect(r.stderr.contains("\(name):1: 1 "), "\(name): \(r.stderr)")
            #expect(r.stderr.contains("were cut at the cap"), "\(name): \(r.stderr)")
        }
    }

    /// `flux logs` prints a record's error as it is (its template ends `{{.Message}} {{.Error}}\n`,
    /// FLUX-LOGS.md 2): SOPS's error spans ten lines (`Group 0: FAILED`, the age key, `Recovery
    /// failed because ...`). They are the record's, not untimed records of their own mined as
    /// errors no signature knows.
    @Test func fluxLogsMultiLineErrorsStayOneRecord() throws {
        let sample = try #require(try Sample.all().first { $0.name == "sops-decryption-failed" })
        let wrap = try #require(RewrapTests.wrappers.first { $0.0 == "flux-logs" }).1
        let dir = try scratch("flux-logs")
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        var multiLine = false
        for log in sample.logs {
            let lines = try String(contentsOf: packageRoot.appendingPathComponent(log), encoding: .utf8).split(separator: "\n").map(String.init)
            let wrapped = wrap(lines, (log as NSString).lastPathComponent)
            multiLine = multiLine || wrapped.contains { $0.contains("\n") }
            let url = dir.appendingPathComponent((log as NSString).lastPathComponent)
            try (wrapped.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
        }
        #expect(multiLine, "the sample's SOPS error holds newlines")
        let plain = try json(run(["--format", "json"] + sample.logs).stdout)
        let fluxLogs = try json(run(["--format", "json"] + paths).stdout)
        #expect((plain["unmatched_errors"] as? [Any])?.count == 0)
        #expect((fluxLogs["unmatched_errors"] as? [Any])?.count == 0, "\(fluxLogs["unmatched_errors"] ?? [])")
        let incidents = try #require(fluxLogs["incidents"] as? [[String: Any]])
        #expect(incidents.count == sample.incidents)
        #expect((incidents.first?["hypotheses"] as? [[String: Any]])?.first?["id"] as? String == sample.firstHypothesis)
    }

    /// zap's console encoder writes a message's newlines as they are and the fields after its
    /// last line (FLUX-LOGS.md 1.3): helm-controller's `Helm upgrade failed ... Last Helm logs:`
    /// event (logger `events`, the HelmRelease in `object`), seven lines. They are one record whose
    /// object is the HelmRelease, as in JSON; they were several plain records and an incident with
    /// no object (a new-user trial).
    @Test func consoleMultiLineMessagesStayOneRecord() throws {
        let event = #"{"level":"debug","ts":"2026-12-01T15:05:06.000Z","logger":"events","msg":"Helm upgrade failed for release shop/checkout with chart checkout@2.4.0: context deadline exceeded\n\nLast Helm logs:\n\nwaiting for release checkout resources (created: 0 updated: 4  deleted: 0)\nbeginning wait for 4 resources with timeout of 5m0s\nDeployment is not ready: shop/checkout. 0 out of 3 expected pods are ready","type":"Warning","object":{"kind":"HelmRelease","namespace":"shop","name":"checkout","uid":"5b0b6f0a-5d0a-4c39-9d8c-7e8c2f1f0a11","apiVersion":"helm.toolkit.fluxcd.io/v2","resourceVersion":"918273"},"reason":"UpgradeFailed"}"#
        let failed = #"{"level":"info","ts":"2026-12-01T15:05:06.030Z","msg":"release is in a failed state","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"checkout","namespace":"shop"},"namespace":"shop","name":"checkout","reconcileID":"03de571c-1851-4e43-a3fe-f4093d5977a5"}"#
        let wrap = try #require(RewrapTests.wrappers.first { $0.0 == "console" }).1
        let console = wrap([event, failed], "helm-controller.log")
        #expect(console[0].split(separator: "\n", omittingEmptySubsequences: false).count == 7, "the console record spans seven lines")
        let dir = try scratch("console")
        defer { try? FileManager.default.removeItem(at: dir) }
        let jsonFile = dir.appendingPathComponent("json-helm-controller.log"), consoleFile = dir.appendingPathComponent("console-helm-controller.log")
        try ([event, failed].joined(separator: "\n") + "\n").write(to: jsonFile, atomically: true, encoding: .utf8)
        try (console.joined(separator: "\n") + "\n").write(to: consoleFile, atomically: true, encoding: .utf8)
        let fromJSON = try json(run(["--format", "json", jsonFile.path]).stdout)
        let fromConsole = try json(run(["--format", "json", consoleFile.path]).stdout)
        let stats = try #require(fromConsole["stats"] as? [String: Any])
        #expect(stats["records"] as? Int == 2)
        #expect((stats["by_format"] as? [String: Int]) == ["console": 2])
        let incidents = try #require(fromConsole["incidents"] as? [[String: Any]])
        #expect(incidents.map { $0["objects"] as? [String] ?? [] } == [["HelmRelease/shop/checkout"]])
        // What the incident says (the records' texts and places differ with the encoding).
        func summary(_ report: [String: Any]) -> [String] {
            (report["incidents"] as? [[String: Any]] ?? []).flatMap { i -> [String] in
                let signals = (i["signals"] as? [[String: Any]] ?? []).map { "\($0["signature"] ?? "") ×\($0["count"] ?? "")" }
                let hypotheses = (i["hypotheses"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? "") \($0["confidence"] ?? "")" }
                return ["\(i["title"] ?? "") \(i["status"] ?? "") \(i["first_seen"] ?? "")"] + signals + hypotheses
            }
        }
        #expect(summary(fromConsole) == summary(fromJSON))
        #expect(!summary(fromJSON).isEmpty)
    }
}
