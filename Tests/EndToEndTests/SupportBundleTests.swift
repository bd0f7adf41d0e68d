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
}
