import Foundation
import Testing

/// Issue "Every root cause in CONTRACT.md": every root-cause id of ../shared/CONTRACT.md has a
/// hypothesis that `explain` prints with its cause, checks and fix, and a sample that ranks it
/// first; the five misleading pairs are told apart by the evidence their reports name.
@Suite struct HypothesisTests {
    /// The root-cause table of CONTRACT.md ("Root-cause hypothesis ids"), copied here on purpose:
    /// a hypothesis renamed or dropped from Patterns/ fails this test.
    static let contractIDs = [
        "networkpolicy-blocks-artifact-port", "source-controller-unavailable", "artifact-missing",
        "notification-controller-unreachable", "git-auth-failed", "git-known-hosts-mismatch", "git-ref-not-found",
        "dns-resolution-failed", "egress-blocked-external", "tls-verification-failed", "registry-auth-failed",
        "rate-limited", "kustomize-build-failed", "sops-decryption-failed", "apply-forbidden", "immutable-field-change",
        "apply-rejected", "dependency-not-ready", "health-check-timeout", "helm-release-locked", "helm-action-failed",
        "helm-chart-unavailable", "controller-restarting", "apiserver-unreachable", "storage-full",
        "image-automation-push-failed", "image-scan-failed", "receiver-misconfigured",
    ]

    /// Programs a check may run: kubectl and flux above all, plus the few tools that confirm what
    /// the cluster cannot show (the Git host's keys, a certificate, a registry's tags, a storage
    /// bucket's answer to the Bucket's keys, an artifact's signatures).
    static let tools: Set<String> = ["kubectl", "flux", "helm", "git", "ssh-keyscan", "openssl", "crane", "kustomize", "grep", "aws", "cosign"]

    @Test func contractListsTwentyEightDistinctIDs() {
        #expect(Self.contractIDs.count == 28)
        #expect(Set(Self.contractIDs).count == 28)
    }

    @Test func explainWithoutIDListsEveryContractID() throws {
        let r = try run(["explain"])
        #expect(r.status == 0)
        let ids = Set(r.text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
        for id in Self.contractIDs {
            #expect(ids.contains(id), "explain does not list \(id)")
        }
    }

    /// `explain ID`: the cause in prose, at least one check, at least one fix, and where the facts come from.
    @Test(arguments: contractIDs)
    func explainPrintsCauseChecksAndFix(_ id: String) throws {
        let r = try run(["explain", id])
        #expect(r.status == 0, "explain \(id) exited \(r.status): \(r.stderr)")
        let text = r.text
        #expect(text.hasPrefix("\(id): "))
        let parts = text.components(separatedBy: "How to confirm:")
        #expect(parts.count == 2, "explain \(id) has no checks")
        let prose = parts[0].split(separator: "\n").dropFirst().joined(separator: " ").trimmingCharacters(in: .whitespaces)
        #expect(prose.count > 200, "explain \(id): the explanation is missing or too short for a person at 3 a.m.")
        let rest = parts.count == 2 ? parts[1] : ""
        let fixParts = rest.components(separatedBy: "How to fix:")
        #expect(fixParts.count == 2, "explain \(id) has no remediation")
        let checks = fixParts[0].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("$ ") }
        #expect(!checks.isEmpty, "explain \(id) prints no check command")
        let fixes = (fixParts.count == 2 ? fixParts[1] : "").split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- ") }
        #expect(!fixes.isEmpty, "explain \(id) prints no fix")
        // Checks are real commands: each starts with a known tool, and at least one is kubectl or flux.
        var clusterCommands = 0
        for check in checks {
            let program = String(check.dropFirst(2).split(separator: " ").first ?? "")
            #expect(Self.tools.contains(program), "explain \(id): check `\(check)` does not start with kubectl, flux or another known tool")
            if program == "kubectl" || program == "flux" { clusterCommands += 1 }
        }
        #expect(clusterCommands > 0, "explain \(id): no kubectl or flux check")
        #expect(text.contains("Source: "), "explain \(id) names no source")
    }

    /// Every contract id is the expected first hypothesis of at least one sample, `samples/<id>/`
    /// or the one named after the original scenario, and the binary agrees on the first
    /// hypothesis, the incident count, the first incident's objects and its status.
    @Test(arguments: contractIDs)
    func sampleRanksItFirst(_ id: String) throws {
        let samples = try Sample.all().filter { $0.firstHypothesis == id }
        #expect(!samples.isEmpty, "no sample expects \(id) first")
        let legacy = ["networkpolicy-blocks-artifact-port": "networkpolicy-9090", "source-controller-unavailable": "source-controller-restart"]
        #expect(samples.contains { $0.name == id || $0.name == legacy[id] }, "no samples/\(id)/")
        for sample in samples {
            let r = try run(["--format", "json", "--color", "never"] + sample.logs)
            #expect(r.status == 1, "\(sample.name): exit \(r.status)")
            let report = try json(r.stdout)
            let incidents = report["incidents"] as? [[String: Any]] ?? []
            #expect(incidents.count == sample.incidents, "\(sample.name): \(incidents.count) incidents")
            let first = try #require(incidents.first, "\(sample.name): no incident")
            let ranked = (first["hypotheses"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ranked.first == id, "\(sample.name): ranked \(ranked)")
            #expect((first["objects"] as? [String]) == sample.objects, "\(sample.name): objects \(first["objects"] ?? "none")")
            #expect(first["status"] as? String == sample.status, "\(sample.name): status")
        }
    }

    /// The five misleading pairs of the issue: (shared error text, deciding reason of a's first
    /// hypothesis, deciding reason of b's first hypothesis).
    static let pairs: [(n: Int, shared: String, a: String, b: String)] = [
        (1, "connect: connection refused",
         "source-controller (re)started during the failures; it refuses connections until it has the lease and is ready",
         "source-controller kept reconciling and storing artifacts while the downloads failed, so it was up"),
        (2, "data values must be of type string",
         "the reason word before Flux's masked Secret message is 'forbidden'",
         "the reason word before Flux's masked Secret message is 'badrequest'"),
        (3, "Helm upgrade failed: timed out waiting for the condition",
         "Helm's wait log says the pods were ready but a LoadBalancer Service never got an address",
         "Helm's wait log says pods of a workload never became ready"),
        (4, "x509: certificate signed by unknown authority",
         "the x509 error came from kustomize-controller while building the kustomization",
         "source-controller failed to verify the certificate of the source URL itself"),
        (5, "knownhosts: key mismatch",
         "source-controller (re)started right before the first key mismatch",
         "source-controller fetched this repository fine earlier in the same run without restarting"),
    ]

    /// The lines under the first listed cause of the first incident in the text report, up to its checks.
    static func firstCauseBlock(_ text: String) -> (header: String, evidence: String) {
        guard let causes = text.components(separatedBy: "likely causes:\n").dropFirst().first else { return ("", "") }
        let lines = causes.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines.first ?? ""
        var evidence: [String] = []
        for line in lines.dropFirst() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("confirm:") || t.hasPrefix("2. ") { break }
            evidence.append(t)
        }
        return (header, evidence.joined(separator: "\n"))
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func pairIsToldApartByItsDecidingEvidence(_ n: Int) throws {
        let pair = try #require(Self.pairs.first { $0.n == n })
        let a = try #require(try Sample.all().first { $0.name == "pair-\(n)-a" }, "samples/pair-\(n)-a missing")
        let b = try #require(try Sample.all().first { $0.name == "pair-\(n)-b" }, "samples/pair-\(n)-b missing")
        let ha = try #require(a.firstHypothesis), hb = try #require(b.firstHypothesis)
        #expect(ha != hb, "pair \(n): both halves expect \(ha)")
        for (sample, hypothesis, reason, other) in [(a, ha, pair.a, pair.b), (b, hb, pair.b, pair.a)] {
            // The main error text is shared by both halves.
            var logs = ""
            for f in sample.logs { logs += try String(contentsOf: packageRoot.appendingPathComponent(f), encoding: .utf8) }
            #expect(logs.contains(pair.shared), "\(sample.name) does not contain the shared error `\(pair.shared)`")
            // The text report ranks the expected cause first and names the deciding evidence under it.
            let text = try run(["--color", "never"] + sample.logs).text
            let (header, evidence) = Self.firstCauseBlock(text)
            #expect(header.contains("1. \(hypothesis) "), "\(sample.name): first cause is `\(header)`")
            #expect(evidence.contains("+ " + reason), "\(sample.name): the first cause's evidence does not name `\(reason)`:\n\(evidence)")
            #expect(!evidence.contains("+ " + other), "\(sample.name): the other half's deciding evidence supports the first cause too")
        }
    }
}

/// "source-controller kept reconciling and storing artifacts while the downloads failed" is
/// `during: true`: only source-controller's lines from the first failure to the last count.
@Suite struct DuringEvidenceTests {
    static let reason = "source-controller kept reconciling and storing artifacts while the downloads failed"

    /// Every hypothesis line (for and against) of the first incident of `sample`.
    func evidenceLines(_ sample: String) throws -> (first: String?, lines: [String]) {
        let r = try run(["--format", "json", "samples/\(sample)"])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let hypotheses = try #require(incidents.first?["hypotheses"] as? [[String: Any]])
        let lines = hypotheses.flatMap { ($0["evidence_for"] as? [String] ?? []) + ($0["evidence_against"] as? [String] ?? []) }
        return (hypotheses.first?["id"] as? String, lines)
    }

    /// samples/oom-killed-source-controller: source-controller.log's last line of its first
    /// lifetime is `stored artifact` at 10:07:18.402 (line 55); it starts again at 10:08:00 and
    /// stores nothing before 10:08:33, after the last refused download (10:08:25). Its earlier
    /// `no changes` lines (09:44 to 10:06:29, the 15-minute window before) were counted as
    /// "kept reconciling while the downloads failed", a false line against the right cause.
    @Test func linesBeforeTheFailuresDoNotShowSourceControllerUp() throws {
        let e = try evidenceLines("oom-killed-source-controller")
        #expect(e.first == "source-controller-unavailable")
        #expect(!e.lines.contains { $0.hasPrefix(Self.reason) }, "\(e.lines)")
    }

    /// A trial's input: networkpolicy-9090's kustomize-controller.log (refusals 02:41:12 to
    /// 03:05:29) with only source-controller.log's first two lines (02:40:25, 02:41:28), as if it
    /// died 16 s into the outage. One line in the span's first minute is not "kept reconciling
    /// while the downloads failed": the state must go on to the span's middle.
    @Test func aControllerThatStoppedEarlyInTheFailuresWasNotUp() throws {
        let dir = try scratch("during")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log"),
                                         to: dir.appendingPathComponent("kustomize-controller.log"))
        let source = try String(contentsOf: packageRoot.appendingPathComponent("samples/networkpolicy-9090/source-controller.log"), encoding: .utf8)
        try (source.split(separator: "\n").prefix(2).joined(separator: "\n") + "\n")
            .write(to: dir.appendingPathComponent("source-controller.log"), atomically: true, encoding: .utf8)
        let r = try run(["--format", "json", dir.appendingPathComponent("kustomize-controller.log").path,
                         dir.appendingPathComponent("source-controller.log").path])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let hypotheses = try #require(incidents.first?["hypotheses"] as? [[String: Any]])
        let lines = hypotheses.flatMap { ($0["evidence_for"] as? [String] ?? []) + ($0["evidence_against"] as? [String] ?? []) }
        #expect(!lines.contains { $0.hasPrefix(Self.reason) }, "\(lines)")
    }

    /// samples/networkpolicy-9090: source-controller logs `no changes` every minute through the
    /// failures (02:41:12 to 03:05:29), its last at 03:05:47 (source-controller.log:29).
    @Test func linesDuringTheFailuresStillCount() throws {
        let e = try evidenceLines("networkpolicy-9090")
        #expect(e.first == "networkpolicy-blocks-artifact-port")
        let line = try #require(e.lines.first { $0.hasPrefix(Self.reason) })
        #expect(line.contains(" in runs from 02:40:25 to 03:05:47, first at "), "\(line)")
    }
}

/// A run of healthy events never spans a restart of its controller (a new `starting manager`):
/// a trial's source-controller reconciled until 04:09:58, was OOM-killed (no line), started
/// again at 04:13:30 and reconciled on; the downloads were refused from 04:10:09 to 04:13:29.
/// Its runs were recorded whole per half window (04:07:31 to 04:14:57), so "kept reconciling
/// while the downloads failed" held, and the NetworkPolicy ranked first on 11 of 14 incidents.
/// The records below are samples/oom-killed-source-controller's (`no changes since last
/// reconciliation`, `starting manager`, the refused `request failed`, `Reconciliation finished`)
/// at those times.
@Suite struct RestartSplitsRunsTests {
    static func at(_ line: String, _ ts: String) -> String {
        let old = RewrapTests.object(line)["ts"] as! String
        return line.replacingOccurrences(of: old, with: ts)
    }

    @Test func aRunBeforeAKillIsNotTheControllerWorkingThroughTheOutage() throws {
        let src = try String(contentsOf: packageRoot.appendingPathComponent("samples/oom-killed-source-controller/source-controller.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let kus = try String(contentsOf: packageRoot.appendingPathComponent("samples/oom-killed-source-controller/kustomize-controller.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let start = try #require(src.first { $0.contains("\"msg\":\"starting manager\"") })
        let noChanges = try #require(src.first { $0.contains("no changes since last reconciliation") })
        let refused = try #require(kus.first { $0.contains("connect: connection refused") })
        let finished = try #require(kus.last { $0.contains("Reconciliation finished") })
        func clock(_ s: Int) -> String { String(format: "2026-11-25T04:%02d:%02d.000Z", s / 60, s % 60) }
        var source = [Self.at(start, clock(0))]
        for s in stride(from: 7 * 60 + 31, through: 9 * 60 + 58, by: 30) { source.append(Self.at(noChanges, clock(s))) }
        source.append(Self.at(start, clock(13 * 60 + 30)))
        for s in [13 * 60 + 31, 14 * 60 + 1, 14 * 60 + 31, 14 * 60 + 57] { source.append(Self.at(noChanges, clock(s))) }
        var kustomize: [String] = []
        for s in stride(from: 10 * 60 + 9, through: 13 * 60 + 29, by: 20) { kustomize.append(Self.at(refused, clock(s))) }
        kustomize.append(Self.at(finished, clock(13 * 60 + 59)))
        let dir = try scratch("restart-splits")
        defer { try? FileManager.default.removeItem(at: dir) }
        try (source.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("source-controller.log"), atomically: true, encoding: .utf8)
        try (kustomize.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("kustomize-controller.log"), atomically: true, encoding: .utf8)
        let r = try run(["--format", "json", dir.path])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let hypotheses = try #require(incidents.first?["hypotheses"] as? [[String: Any]])
        #expect(hypotheses.first?["id"] as? String == "source-controller-unavailable")
        let lines = hypotheses.flatMap { ($0["evidence_for"] as? [String] ?? []) + ($0["evidence_against"] as? [String] ?? []) }
        #expect(!lines.contains { $0.hasPrefix(DuringEvidenceTests.reason) }, "\(lines)")
    }
}

/// An evidence line about a failure cites the incident's own records when they satisfy it: a
/// trial's GitRepository team-a/podinfo (failing from 02:20:01, 14 records) cited
/// `git-http-auth-failed ×29, first 02:10:03` and flux-system's line, the other incident's.
/// Here samples/git-auth-failed's six `authentication required` records of flux-system
/// (04:00:13 to 04:10:13) and the same records for GitRepository team-a/podinfo 20 minutes later.
@Suite struct OwnEvidenceTests {
    @Test func anotherObjectsFailuresAreNotCitedForThisOne() throws {
        let log = try String(contentsOf: packageRoot.appendingPathComponent("samples/git-auth-failed/source-controller.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let failures = log.filter { $0.contains("authentication required") }
        #expect(failures.count == 6)
        let other = failures.map { line -> String in
            let ts = RewrapTests.object(line)["ts"] as! String
            let later = ts.replacingOccurrences(of: "T04:0", with: "T04:2").replacingOccurrences(of: "T04:1", with: "T04:3")
            return line.replacingOccurrences(of: ts, with: later)
                .replacingOccurrences(of: #""GitRepository":{"name":"flux-system","namespace":"flux-system"},"namespace":"flux-system","name":"flux-system""#,
                                      with: #""GitRepository":{"name":"podinfo","namespace":"team-a"},"namespace":"team-a","name":"podinfo""#)
        }
        #expect(other.allSatisfy { $0.contains("\"name\":\"podinfo\"") })
        let r = try run(["--format", "json", "-"], stdin: Data(((log + other).joined(separator: "\n") + "\n").utf8))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let podinfo = try #require(incidents.first { ($0["objects"] as? [String] ?? []).contains("GitRepository/team-a/podinfo") })
        let first = try #require((podinfo["hypotheses"] as? [[String: Any]])?.first)
        #expect(first["id"] as? String == "git-auth-failed")
        let line = try #require((first["evidence_for"] as? [String] ?? []).first { $0.contains("git-http-auth-failed") })
        #expect(line.contains("[git-http-auth-failed ×6, first 04:20:13, -:"), "\(line)")
    }
}

/// An evidence line counts each signature on its own: samples/probe-kill-loop's
/// kustomize-controller.log holds 8 `starting manager` lines (FLUX-LOGS.md 3.12), so 8 starts and
/// 7 restarts; the line said `[controller-restarted, controller-starting ×15, ...]`, a sum a
/// trial read as 15 starts. "Started again after the failure" counts only what follows the first
/// probe kill (14:02:59, line 28; `after_failure`, trial 22): the 7 restarts, not the first
/// start-up at 14:02:17, whose run of start-up records began before it.
@Suite struct EvidenceCountTests {
    @Test func eachSignatureHasItsOwnCount() throws {
        let r = try run(["--color", "never", "samples/probe-kill-loop"])
        #expect(r.text.contains("[controller-restarted ×7, first 14:02:59, samples/probe-kill-loop/kustomize-controller.log:28]"), "\(r.text)")
        #expect(!r.text.contains("×15"))
        #expect(!r.text.contains("controller-starting ×8"))
    }
}

/// A condition with `same_object: true` counts only events about the incident's own objects. A
/// trial: Kustomization `apps` misses a resource (samples/kustomize-build-failed's first record,
/// `accumulating resources from './podinfo': ... no such file or directory`) and `infra`, a minute
/// later, fails its build for another reason; infra's incident cited apps's record as "a path
/// named in kustomization.yaml does not exist" (kustomize-missing-resource).
@Suite struct SameObjectEvidenceTests {
    @Test func anotherObjectsFailureIsNoEvidence() throws {
        let apps = try #require(try String(contentsOf: packageRoot.appendingPathComponent("samples/kustomize-build-failed/kustomize-controller.log"), encoding: .utf8)
            .split(separator: "\n").first.map(String.init))
        // The same record for `infra`, a minute later, with another build error in place of the
        // missing path (its `error` value is the record's last field).
        let errorKey = try #require(apps.range(of: "\"error\":\""))
        let infra = String(apps[..<errorKey.upperBound])
            .replacingOccurrences(of: "\"name\":\"apps\"", with: "\"name\":\"infra\"")
            .replacingOccurrences(of: "2026-11-24T10:15:01.589Z", with: "2026-11-24T10:16:01.589Z")
            + #"kustomize build failed: map[string]interface {}(nil): yaml: unmarshal errors:\n  line 4: mapping key \"name\" already defined at line 3"}"#
        #expect(infra.contains("\"name\":\"infra\"") && !infra.contains("no such file"))
        let r = try run(["--format", "json", "-"], stdin: Data((apps + "\n" + infra + "\n").utf8))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let infraIncident = try #require(incidents.first { ($0["objects"] as? [String]) == ["Kustomization/flux-system/infra"] })
        let lines = (infraIncident["hypotheses"] as? [[String: Any]] ?? []).flatMap { ($0["evidence_for"] as? [String] ?? []) + ($0["evidence_against"] as? [String] ?? []) }
        #expect(!lines.contains { $0.contains("kustomize-missing-resource") }, "\(lines)")
        // apps's own incident still has it.
        let appsIncident = try #require(incidents.first { ($0["objects"] as? [String]) == ["Kustomization/flux-system/apps"] })
        let appsLines = (appsIncident["hypotheses"] as? [[String: Any]] ?? []).flatMap { $0["evidence_for"] as? [String] ?? [] }
        #expect(appsLines.contains { $0.contains("kustomize-missing-resource") })
    }

    /// notification-controller-unreachable's "the reconciliations themselves succeeded ..., only
    /// the event delivery failed" is about the incident's own objects: samples/dns-resolution-
    /// failed (GitRepository platform cannot resolve its host) next to another GitRepository's
    /// healthy reconciliations in the same minutes (samples/networkpolicy-9090's flux-system,
    /// moved 30 minutes later) cited it, with no event-delivery failure in the input (a
    /// new-user trial: 10 % became 33 %).
    @Test func otherObjectsSuccessIsNoSupportForLostEvents() throws {
        let dns = try String(contentsOf: packageRoot.appendingPathComponent("samples/dns-resolution-failed/source-controller.log"), encoding: .utf8)
        let healthy = try String(contentsOf: packageRoot.appendingPathComponent("samples/networkpolicy-9090/source-controller.log"), encoding: .utf8)
        // 02:40–03:05 on 2026-11-24 moved to 03:10–03:35, the DNS failures' minutes.
        var moved: [String] = []
        for line in healthy.split(separator: "\n") {
            let ts = try #require(RewrapTests.object(String(line))["ts"] as? String)
            let h = Int(ts.dropFirst(11).prefix(2))!, m = Int(ts.dropFirst(14).prefix(2))! + 30
            let shifted = ts.prefix(11) + String(format: "%02d:%02d", h + m / 60, m % 60) + ts.dropFirst(16)
            moved.append(line.replacingOccurrences(of: ts, with: String(shifted)))
        }
        #expect(!(dns + moved.joined()).contains("unable to record event"))
        let input = (dns.split(separator: "\n").map(String.init) + moved)
            .sorted { (RewrapTests.object($0)["ts"] as? String ?? "") < (RewrapTests.object($1)["ts"] as? String ?? "") }
        let r = try run(["--format", "json", "-"], stdin: Data((input.joined(separator: "\n") + "\n").utf8))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let first = try #require(incidents.first)
        #expect(first["objects"] as? [String] == ["GitRepository/flux-system/platform"])
        let hypotheses = try #require(first["hypotheses"] as? [[String: Any]])
        #expect(hypotheses.first?["id"] as? String == "dns-resolution-failed")
        let lost = try #require(hypotheses.first { $0["id"] as? String == "notification-controller-unreachable" })
        #expect((lost["evidence_for"] as? [String])?.isEmpty == true, "\(lost["evidence_for"] ?? [])")
    }

    /// Lookups that only time out (`dial tcp: lookup gitlab.com on 10.43.0.10:53: read udp ...:
    /// i/o timeout`, Go's resolver, FLUX-LOGS.md 3.5) and no connection to an external host:
    /// CONTRACT.md gives "timeouts to port 53" to dns-resolution-failed. The one such record of
    /// samples/dns-resolution-failed, repeated every five minutes, ranked egress-blocked-external
    /// first (a new-user trial), with the timeouts as evidence against DNS.
    @Test func dnsTimeoutsAloneAreDNS() throws {
        let source = try String(contentsOf: packageRoot.appendingPathComponent("samples/dns-resolution-failed/source-controller.log"), encoding: .utf8)
        let line = try #require(source.split(separator: "\n").first { $0.contains("read udp") && $0.contains(":53") })
        var lines: [String] = []
        for k in 0..<8 {
            let ts = String(format: "2026-11-24T%02d:%02d:02.080Z", 3 + (18 + 5 * k) / 60, (18 + 5 * k) % 60)
            lines.append(String(line).replacingOccurrences(of: "2026-11-24T03:18:02.080Z", with: ts))
        }
        let r = try run(["--format", "json", "-"], stdin: stdinData(lines))
        let first = try #require((try json(r.stdout)["incidents"] as? [[String: Any]])?.first)
        let hypotheses = try #require(first["hypotheses"] as? [[String: Any]])
        #expect(hypotheses.first?["id"] as? String == "dns-resolution-failed", "\(hypotheses.map { $0["id"] ?? "" })")
        let dns = try #require(hypotheses.first { $0["id"] as? String == "dns-resolution-failed" })
        #expect((dns["evidence_against"] as? [String])?.isEmpty == true)
        #expect((dns["evidence_for"] as? [String] ?? []).contains { $0.contains("dns-timeout") })
    }

    /// An overdue Kustomization (kustomize-controller's `Reconciliation finished in 1.1s, next
    /// run in 10m0s`, FLUX-LOGS.md 1.4, then nothing about it for 50 minutes while another
    /// Kustomization goes on) in an input with kustomize-controller's log only: reconcile-stuck
    /// names what it could not check about kustomize-controller, not helm-controller's silence
    /// (a new-user trial), which is about HelmReleases.
    @Test func unknownsAreAboutTheIncidentsControllers() throws {
        let sample = try String(contentsOf: packageRoot.appendingPathComponent("samples/oom-killed-source-controller/kustomize-controller.log"), encoding: .utf8)
        let finished = try #require(sample.split(separator: "\n").first { $0.contains("Reconciliation finished in") && $0.contains("\"name\":\"flux-system\"") })
        func line(_ name: String, _ minute: Int, _ second: Int) -> String {
            let ts = String(format: "2026-12-01T%02d:%02d:%02d.197Z", 21 + minute / 60, minute % 60, second)
            return String(finished).replacingOccurrences(of: "2026-11-25T09:44:12.765Z", with: ts)
                .replacingOccurrences(of: "\"name\":\"flux-system\",\"namespace\"", with: "\"name\":\"\(name)\",\"namespace\"")
                .replacingOccurrences(of: "\"name\":\"flux-system\",\"reconcileID\"", with: "\"name\":\"\(name)\",\"reconcileID\"")
        }
        var lines: [String] = []
        for m in stride(from: 0, through: 110, by: 10) {
            lines.append(line("apps", m, 0))
            if m <= 50 { lines.append(line("infra", m, 30)) }
        }
        let r = try run(["--format", "json", "--now", "2026-12-02T00:00:00Z", "-"], stdin: stdinData(lines))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        let first = try #require(incidents.first)
        #expect(first["objects"] as? [String] == ["Kustomization/flux-system/infra"])
        let hypotheses = try #require(first["hypotheses"] as? [[String: Any]])
        #expect(hypotheses.first?["id"] as? String == "reconcile-stuck")
        let texts = hypotheses.flatMap { ($0["evidence_for"] as? [String] ?? []) + ($0["evidence_against"] as? [String] ?? []) }
        #expect(!texts.contains { $0.contains("helm-controller") }, "\(texts)")
    }

    /// One cause behind many objects is one incident listing them: samples/notification-
    /// controller-unreachable's Kustomization apps, copied as five Kustomizations in the same
    /// minutes (each record renamed; `unable to record event ... lookup notification-controller...
    /// no such host`, FLUX-LOGS.md 3.14) made five incidents (a trial: twenty for twenty).
    @Test func oneMissingServiceBehindManyObjectsIsOneIncident() throws {
        let lines = try String(contentsOf: packageRoot.appendingPathComponent("samples/notification-controller-unreachable/kustomize-controller.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let names = ["apps", "infra", "monitoring", "tenants", "ingress"]
        var out: [String] = []
        for line in lines {
            for name in names {
                out.append(line.replacingOccurrences(of: "\"name\":\"apps\"", with: "\"name\":\"\(name)\""))
            }
        }
        let r = try run(["--format", "json", "-"], stdin: Data((out.joined(separator: "\n") + "\n").utf8))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        #expect(Set(incidents.first?["objects"] as? [String] ?? []) == Set(names.map { "Kustomization/flux-system/\($0)" }))
        #expect((incidents.first?["title"] as? String ?? "").hasSuffix(": 5 Kustomizations failing"))
        #expect((incidents.first?["hypotheses"] as? [[String: Any]])?.first?["id"] as? String == "notification-controller-unreachable")
    }

}

/// A health check on Flux objects is a wait on them, not a workload that failed: piped alone,
/// samples/gitrepository-cascade/kustomize-controller.log's two health checks (dashboards on
/// Kustomization monitoring, line 38; infrastructure on GitRepository platform and two
/// Kustomizations, line 56) ranked health-check-timeout first, "the workload itself, not Flux",
/// with `kubectl get pods -n <workload-namespace>` (a trial). The objects are not ready because
/// of their own failures: dependency-not-ready.
@Suite struct FluxObjectHealthCheckTests {
    @Test func aHealthCheckOnFluxObjectsIsAWaitOnThem() throws {
        let log = try Data(contentsOf: packageRoot.appendingPathComponent("samples/gitrepository-cascade/kustomize-controller.log"))
        let r = try run(["--format", "json", "-"], stdin: log)
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        // infrastructure's health check names the GitRepository, whose log is not given: it stands
        // in for it, and dashboards' wait (on monitoring, which waits on it) folds under it
        // (CascadeSampleTests.withoutTheSourcesLogTheWaitOnItIsTheRoot).
        let i = try #require(incidents.first { ($0["objects"] as? [String]) == ["Kustomization/flux-system/infrastructure"] })
        #expect((i["downstream"] as? [String] ?? []).contains("Kustomization/flux-system/dashboards"))
        let h = try #require((i["hypotheses"] as? [[String: Any]])?.first)
        #expect(h["id"] as? String == "dependency-not-ready")
        let steps = (h["checks"] as? [String] ?? []) + (h["remediation"] as? [String] ?? [])
        #expect(!steps.contains { $0.contains("<workload-namespace>") }, "\(steps)")
    }
}

/// "source-controller fetched this repository fine earlier" is about this repository only (a
/// trial: a GitRepository that never got past `knownhosts: key mismatch` was said to have
/// worked before, citing another repository's 60 lines). samples/git-known-hosts-mismatch's
/// flux-system logs 6 `no changes` before its mismatch; the same lines for a GitRepository
/// `infra` keep the count at 6, and `infra` alone is no evidence.
@Suite struct KnownHostsOwnRepositoryTests {
    @Test func anotherRepositorysFetchesAreNotThisOnes() throws {
        let log = try String(contentsOf: packageRoot.appendingPathComponent("samples/git-known-hosts-mismatch/source-controller.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let other = log.filter { $0.contains("no changes since last") }.map {
            $0.replacingOccurrences(of: #""GitRepository":{"name":"flux-system","namespace":"flux-system"},"namespace":"flux-system","name":"flux-system""#,
                                    with: #""GitRepository":{"name":"infra","namespace":"flux-system"},"namespace":"flux-system","name":"infra""#)
        }
        #expect(other.count == 6 && other.allSatisfy { $0.contains(#""name":"infra""#) })
        let r = try run(["--format", "json", "-"], stdin: Data(((log + other).joined(separator: "\n") + "\n").utf8))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let h = try #require((incidents.first?["hypotheses"] as? [[String: Any]])?.first)
        #expect(h["id"] as? String == "git-known-hosts-mismatch")
        let line = try #require((h["evidence_for"] as? [String] ?? []).first { $0.hasPrefix("source-controller fetched this repository fine earlier") })
        #expect(line.contains("[source-controller-no-changes ×6, "), "\(line)")
        // The fix keeps the deploy key: only known_hosts is replaced.
        let fixes = h["remediation"] as? [String] ?? []
        #expect(fixes.contains { $0.contains("patch secret") && $0.contains("known_hosts") && $0.contains("ssh-keyscan") }, "\(fixes)")
    }
}
