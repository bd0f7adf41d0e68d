import Foundation
import Testing

/// Runs a shell tool (gzip, tar, ln) for building test inputs.
@discardableResult
func sh(_ args: [String], in dir: URL) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    p.currentDirectoryURL = dir
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
}

func scratch(_ tag: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flux-logscan-\(tag)-\(getpid())-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// Issue "Archives and folders": the incidents do not depend on how the files were packed,
/// named or ordered.
@Suite struct ArchiveTests {
    static func podDir(_ file: String) -> String {
        if file.hasPrefix("source") { return "flux-system_source-controller-6ff87cdb64-8wv2j_0c6b1f5e-2a7d-4d4e-9a57-3f3f0d1f2b11" }
        if file.hasPrefix("helm") { return "flux-system_helm-controller-5f7c8d9b6-x4mzl_3c2b1a09-8f7e-4d6c-b5a4-93827160fedc" }
        return "flux-system_kustomize-controller-5d4b86b547-kqr2q_7e1d2c3b-4a5f-4e6d-8c7b-9a0b1c2d3e4f"
    }

    /// A /var/log/pods tree of CRI files (`<ts> stderr F <line>`, kubelet logs.go) for a sample.
    static func podsTree(_ sample: Sample, in root: URL) throws -> URL {
        let pods = root.appendingPathComponent("var/log/pods")
        for log in sample.logs {
            let file = (log as NSString).lastPathComponent
            let dir = pods.appendingPathComponent(podDir(file)).appendingPathComponent("manager")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let text = try String(contentsOf: packageRoot.appendingPathComponent(log), encoding: .utf8)
            let cri = text.split(separator: "\n").map { line -> String in
                let o = RewrapTests.object(String(line))
                let ts = (o["ts"] as? String ?? "2026-11-24T00:00:00.000Z").dropLast() + "123456Z"
                return "\(ts) stderr F \(line)"
            }
            try (cri.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("0.log"), atomically: true, encoding: .utf8)
        }
        return pods
    }

    @Test(arguments: try Sample.all())
    func sameIncidentsFromEveryPacking(_ sample: Sample) throws {
        let base = try incidentsWithoutPlaces(json(run(["--format", "json"] + sample.logs).stdout))
        let dir = try scratch("pack")
        defer { try? FileManager.default.removeItem(at: dir) }

        // gzip files (plain logs compressed), in reverse order.
        var gz: [String] = []
        for log in sample.logs.reversed() {
            let target = dir.appendingPathComponent((log as NSString).lastPathComponent)
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(log), to: target)
            try sh(["gzip", "-n", target.lastPathComponent], in: dir)
            gz.append(target.path + ".gz")
        }
        #expect(try incidentsWithoutPlaces(json(run(["--format", "json"] + gz).stdout)) == base, "gzip")

        // A /var/log/pods tree of CRI files, given as a folder.
        let pods = try Self.podsTree(sample, in: dir)
        #expect(try incidentsWithoutPlaces(json(run(["--format", "json", pods.path]).stdout)) == base, "pods tree")

        // The same tree as a .tar.gz support bundle.
        try sh(["tar", "czf", "bundle.tar.gz", "var"], in: dir)
        let bundle = dir.appendingPathComponent("bundle.tar.gz").path
        let r = try run(["--format", "json", bundle])
        #expect(r.stderr == "")
        #expect(try incidentsWithoutPlaces(json(r.stdout)) == base, "tar.gz bundle")
    }

    /// A support bundle holds more than logs: the sample folder's README.md and expected.json,
    /// packed next to its two logs, are skipped by name as a walked folder skips them (they were
    /// read as records: a "did not parse" warning blamed torn lines), and the warning names them.
    @Test func bundleMembersThatAreNotLogsAreSkippedByName() throws {
        let dir = try scratch("bundle")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = packageRoot.appendingPathComponent("samples/networkpolicy-9090")
        for name in ["README.md", "expected.json", "kustomize-controller.log", "source-controller.log"] {
            try FileManager.default.copyItem(at: sample.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        try sh(["tar", "czf", "bundle.tar.gz", "README.md", "expected.json", "kustomize-controller.log", "source-controller.log"], in: dir)
        let logs = ["samples/networkpolicy-9090/kustomize-controller.log", "samples/networkpolicy-9090/source-controller.log"]
        let base = try run(["--format", "json"] + logs)
        let r = try run(["--format", "json", dir.appendingPathComponent("bundle.tar.gz").path])
        #expect(try incidentsWithoutPlaces(json(r.stdout)) == incidentsWithoutPlaces(json(base.stdout)))
        let stats = try #require(try json(r.stdout)["stats"] as? [String: Any])
        let baseStats = try #require(try json(base.stdout)["stats"] as? [String: Any])
        #expect(stats["lines"] as? Int == baseStats["lines"] as? Int)
        #expect(r.stderr.contains("2 member(s) skipped, their names do not look like logs: README.md, expected.json"))
        #expect(!r.stderr.contains("did not parse"))
        // The same files in a folder: skipped too, and named.
        let folder = try run(["--format", "json", dir.path])
        #expect(folder.stderr.contains("were skipped"))
        #expect(folder.stderr.contains("README.md"))
    }

    /// A support bundle that packs each node's logs as an archive of its own (`node-1.tar.gz`
    /// inside `bundle.tar`): the inner archive's members are read as logs, named
    /// `bundle.tar:node-1.tar.gz:member` (trial 13: the inner archive was read as text, 8 binary
    /// lines and no incident). Archives nested deeper than four are named and not read.
    @Test func anArchiveInsideABundleIsReadMemberByMember() throws {
        let dir = try scratch("nested")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = packageRoot.appendingPathComponent("samples/networkpolicy-9090")
        for name in ["kustomize-controller.log", "source-controller.log"] {
            try FileManager.default.copyItem(at: sample.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        #expect(try sh(["tar", "czf", "node-1.tar.gz", "kustomize-controller.log", "source-controller.log"], in: dir) == 0)
        #expect(try sh(["tar", "cf", "bundle.tar", "node-1.tar.gz"], in: dir) == 0)
        let logs = ["samples/networkpolicy-9090/kustomize-controller.log", "samples/networkpolicy-9090/source-controller.log"]
        let base = try run(["--format", "json"] + logs)
        let bundle = dir.appendingPathComponent("bundle.tar").path
        let r = try run(["--format", "json", bundle])
        #expect(r.status == 1)
        #expect(try incidentsWithoutPlaces(json(r.stdout)) == incidentsWithoutPlaces(json(base.stdout)))
        let stats = try #require(try json(r.stdout)["stats"] as? [String: Any])
        #expect(stats["lines"] as? Int == (try json(base.stdout)["stats"] as? [String: Any])?["lines"] as? Int)
        #expect(stats["binary_lines"] as? Int ?? 0 == 0)
        #expect(r.text.contains("\(bundle):node-1.tar.gz:kustomize-controller.log"))

        // Four more levels: the innermost is named, not read.
        var inner = "node-1.tar.gz"
        for level in 2...5 {
            #expect(try sh(["tar", "cf", "level-\(level).tar", inner], in: dir) == 0)
            inner = "level-\(level).tar"
        }
        let deep = try run(["--format", "json", dir.appendingPathComponent(inner).path])
        #expect(deep.stderr.contains("a tar archive nested 5 deep, not read"), "\(deep.stderr)")
        #expect(!deep.stderr.contains("binary"), "\(deep.stderr)")
    }

    /// samples/networkpolicy-9090/kustomize-controller.log gzipped (`gzip -n`) into `dir`.
    func gzippedSample(in dir: URL) throws -> URL {
        let target = dir.appendingPathComponent("kustomize-controller.log")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log"), to: target)
        try sh(["gzip", "-n", "kustomize-controller.log"], in: dir)
        return dir.appendingPathComponent("kustomize-controller.log.gz")
    }

    @Test func truncatedGzipIsAWarningAndTheLinesBeforeAreRead() throws {
        let dir = try scratch("trunc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let gz = try gzippedSample(in: dir)
        let data = try Data(contentsOf: gz)
        try data.prefix(data.count / 2).write(to: gz)
        let r = try run(["--format", "json", gz.path])
        #expect(r.status == 1)  // an incident, not an input error
        #expect(r.stderr.contains("kustomize-controller.log.gz"))
        #expect(r.stderr.contains("gzip stream ends early"))
        let stats = try #require(try json(r.stdout)["stats"] as? [String: Any])
        #expect((stats["lines"] as? Int ?? 0) > 5)
        #expect(stats["damaged_inputs"] as? Int == 1)
    }

    /// CONTRACT.md: invalid UTF-8 "is a warning and a stats count, not exit 2" (a trial found it
    /// replaced silently). samples/networkpolicy-9090/kustomize-controller.log with 0xFF 0xFE
    /// (never valid in UTF-8, RFC 3629) inside line 3's message: the warning names the line, and
    /// the 66 records still make the incident.
    @Test func invalidUTF8IsAWarningAndACount() throws {
        let dir = try scratch("utf8")
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines = try String(contentsOf: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
        let at = try #require(lines[2].firstIndex(of: UInt8(ascii: "q")))  // "request failed"
        lines[2].insert(contentsOf: [0xFF, 0xFE], at: at)
        let file = dir.appendingPathComponent("kustomize-controller.log")
        try Data(Array(lines.joined(separator: [10]))).write(to: file)
        let r = try run(["--format", "json", file.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(file.path):3: 1 line(s) are not valid UTF-8"), "\(r.stderr)")
        let doc = try json(r.stdout)
        let stats = try #require(doc["stats"] as? [String: Any])
        #expect(stats["invalid_utf8_lines"] as? Int == 1)
        #expect(stats["records"] as? Int == 66)
        #expect((doc["incidents"] as? [[String: Any]])?.count == 1)
    }

    /// A support bundle cut short (a fresh user's trial): the unknown-errors sample's
    /// kustomize-controller.log, then its `kubectl logs --prefix` capture of both controllers, as
    /// one .tgz cut at three quarters. source-controller's records stop where the cut is, while
    /// kustomize-controller's own log goes on to 10:59: that is the damage, not a controller
    /// that was killed (no `controller-killed` evidence, no restart incident). The whole bundle
    /// has none either.
    @Test func aStreamCutByDamageIsNotAKilledController() throws {
        let dir = try scratch("cutbundle")
        defer { try? FileManager.default.removeItem(at: dir) }
        for log in ["kustomize-controller.log", "envelopes/prefix-timestamps.log"] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("samples/unknown-errors/" + log),
                                            to: dir.appendingPathComponent((log as NSString).lastPathComponent))
        }
        try sh(["tar", "czf", "bundle.tgz", "kustomize-controller.log", "prefix-timestamps.log"], in: dir)
        let bundle = dir.appendingPathComponent("bundle.tgz")
        let data = try Data(contentsOf: bundle)
        let cut = dir.appendingPathComponent("cut.tgz")
        try data.prefix(data.count * 3 / 4).write(to: cut)
        for path in [cut.path, bundle.path] {
            let r = try run(["--format", "json", path])
            let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
            #expect(!incidents.isEmpty, "\(path)")
            for i in incidents {
                #expect(i["title"] as? String == nil || !(i["title"] as! String).contains("killed"), "\(path)")
                for h in i["hypotheses"] as? [[String: Any]] ?? [] {
                    #expect(!((h["evidence_for"] as? [String] ?? []).joined().contains("controller-killed")), "\(path)")
                }
            }
        }
        #expect(try run(["--format", "json", cut.path]).stderr.contains("gzip stream ends early"))
    }

    /// A gzip archive damaged before its first record (a fresh user's trial: gzip's magic and
    /// header, then bytes that are no deflate stream) is read as far as it goes, warned about,
    /// and the empty report says the archive is damaged, not that the input was empty.
    @Test func gzipDamagedBeforeItsFirstRecordIsNotCalledEmpty() throws {
        let dir = try scratch("corrupt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let gz = try gzippedSample(in: dir)
        var data = try Data(contentsOf: gz)
        // The 10-byte header (RFC 1952 2.3) kept, the deflate stream (RFC 1951) overwritten:
        // block type 3 is reserved, an error at once.
        for i in 10..<data.count { data[i] = 0xff }
        try data.write(to: gz)
        let r = try run(["--color", "never", gz.path])
        #expect(r.status == 0)  // damage is a warning (CONTRACT.md), and no incident was found
        // zlib inflate.c's reason, at the first byte of the deflate stream (trial 13: the message
        // gave the bytes read in, 1494, as the place).
        #expect(r.text.contains("kustomize-controller.log.gz: gzip data is corrupt near byte 10 (invalid block type): nothing could be inflated from it"), "\(r.text)")
        #expect(r.text.contains("No records were read: the input is damaged before its first record"))
        #expect(!r.text.contains("the input is empty"))
        // Empty input still says empty.
        let empty = dir.appendingPathComponent("empty.log")
        try Data().write(to: empty)
        #expect(try run(["--color", "never", empty.path]).text.contains("No records were read: the input is empty"))
    }

    /// A gzip header broken at offset 3 (FLG with reserved bits 5 to 7 set, RFC 1952 2.3.1:
    /// "reserved FLG bits must be zero") is named at that byte with zlib's reason; damage after
    /// some data says how much was inflated before it.
    @Test func gzipDamageIsPlacedAtItsByte() throws {
        let dir = try scratch("gzplace")
        defer { try? FileManager.default.removeItem(at: dir) }
        let gz = try gzippedSample(in: dir)
        var data = try Data(contentsOf: gz)
        data[3] = 0xe0
        try data.write(to: gz)
        let r = try run(["--format", "json", gz.path])
        #expect(r.stderr.contains("kustomize-controller.log.gz: gzip data is corrupt near byte 3 (unknown header flags set): nothing could be inflated from it"), "\(r.stderr)")
    }

    @Test func symlinkLoopIsWalkedOnce() throws {
        let dir = try scratch("loop")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log"),
                                         to: dir.appendingPathComponent("kustomize-controller.log"))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("loop").path, withDestinationPath: dir.path)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("again.log").path,
                                                   withDestinationPath: dir.appendingPathComponent("kustomize-controller.log").path)
        let r = try run(["--format", "json", dir.path])
        let stats = try #require(try json(r.stdout)["stats"] as? [String: Any])
        #expect(stats["lines"] as? Int == 66)  // the sample's 66 lines, read once
        #expect(r.stderr.contains("a link back to a folder already walked"))
    }

    @Test func missingAndUnreadableInputsAreCounted() throws {
        let r = try run(["--format", "json", "samples/nope.log", "samples/networkpolicy-9090/kustomize-controller.log"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("samples/nope.log"))
        // The JSON says so too: a batch job reading only stdout must know the report is partial.
        let errors = try #require(try json(r.stdout)["input_errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect(errors.first?["input"] as? String == "samples/nope.log")
        #expect(errors.first?["reason"] as? String == "No such file or directory")
        // So does the text report, above its incidents.
        let text = try run(["samples/nope.log", "samples/networkpolicy-9090/kustomize-controller.log"])
        #expect(text.status == 2)
        #expect(text.text.contains("1 input(s) could not be read"))
        // With nothing else to read, the report does not call the input empty.
        let alone = try run(["samples/nope.log"])
        #expect(alone.status == 2)
        #expect(alone.text.contains("1 input(s) could not be read"))
        #expect(!alone.text.contains("the input is empty"))
        // And an input read whole adds no key.
        let whole = try run(["--format", "json", "samples/networkpolicy-9090/kustomize-controller.log"])
        #expect(try json(whole.stdout)["input_errors"] == nil)
    }
}

/// `--since/--until` (durations count back from `--now`), `--controller`, `--namespace`, `--object`
/// apply before correlation (CONTRACT.md).
@Suite struct FilterTests {
    let logs = ["samples/networkpolicy-9090/kustomize-controller.log", "samples/networkpolicy-9090/source-controller.log"]

    func events(_ extra: [String]) throws -> [[String: Any]] {
        try run(["--format", "ndjson", "-v"] + extra + logs).text.split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["type"] as? String == "event" }
    }

    /// `--until` reports as of that time. samples/unknown-errors: infrastructure's status patches
    /// are rejected from 09:30:46 (README: an older CRD applied at 09:30) until the 09:40 reconcile
    /// restores it; as of 09:31 it still fails. A trial saw it `resolved`, "recovered: 09:41:50 UTC,
    /// 10m54s after the last failure", from records after the cut.
    @Test func untilLeavesOutWhatCameAfter() throws {
        let r = try run(["--format", "json", "--until", "2026-11-24T09:31:00Z", "samples/unknown-errors/kustomize-controller.log",
                         "samples/unknown-errors/source-controller.log"])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let infrastructure = try #require(incidents.first { ($0["objects"] as? [String])?.contains("Kustomization/flux-system/infrastructure") == true })
        #expect(infrastructure["status"] as? String == "open")
        #expect(infrastructure["recovery"] is NSNull)
        #expect((infrastructure["last_seen"] as? String ?? "") <= "2026-11-24T09:31:00.000Z")
    }

    @Test func sinceUntilAsTimesAndDurations() throws {
        let all = try events([])
        let since = try events(["--since", "2026-11-24T02:50:00Z"])
        #expect(!since.isEmpty && since.count < all.count)
        #expect(since.allSatisfy { ($0["time"] as? String ?? "") >= "2026-11-24T02:50:00.000Z" })
        // 15m before --now 03:05:00 is 02:50:00: the same events.
        let ago = try events(["--now", "2026-11-24T03:05:00Z", "--since", "15m"])
        #expect(ago.count == since.count)
        let until = try events(["--until", "2026-11-24T02:50:00Z"])
        #expect(until.count + since.count == all.count)
    }

    /// `--since` in the middle of an outage: the incident's `when:` starts at the window, and the
    /// report says the objects were failing before it, with the first failure's time. The
    /// sample's downloads fail from 02:41:12.479 (kustomize-controller.log's first line, apps)
    /// on; apps is the Kustomization that has no failure inside 03:00–03:10 (a trial's window).
    @Test func sinceInsideAnOutageSaysItWasUnderWay() throws {
        let lines = try String(contentsOf: packageRoot.appendingPathComponent(logs[0]), encoding: .utf8).split(separator: "\n")
        let before = lines.filter {
            $0.contains("connection refused") && (RewrapTests.object(String($0))["ts"] as? String ?? "") < "2026-11-24T03:00:00"
        }.count
        #expect(before == 53)
        let r = try run(["--since", "2026-11-24T03:00:00Z", "--until", "2026-11-24T03:10:00Z"] + logs)
        #expect(r.text.contains("\(before) failure record(s) before --since 2026-11-24T03:00:00.000Z of 3 object(s) (Kustomization/flux-system/apps from 2026-11-24T02:41:12.479Z"), "\(r.text)")
        #expect(r.text.contains("incidents of those objects were already under way when the window begins"))
        let json = try run(["--format", "json", "--since", "2026-11-24T03:00:00Z"] + logs)
        #expect(json.stderr.contains("failure record(s) before --since"))
        // In the incident itself too (trial 12: the JSON told only stderr), for the text report
        // under `when:`.
        // Its records are those of the incident's own objects: in the window only infrastructure
        // and flux-system fail (apps' next attempt comes after 03:10), so apps' are not its.
        let incidents = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])["incidents"] as? [[String: Any]]
        #expect(incidents?.first?["objects"] as? [String] == ["GitRepository/flux-system/flux-system", "Kustomization/flux-system/flux-system",
                                                             "Kustomization/flux-system/infrastructure"])
        let own = lines.map { RewrapTests.object(String($0)) }.filter { o in
            let name = (o["Kustomization"] as? [String: Any])?["name"] as? String ?? ""
            return (o["ts"] as? String ?? "") < "2026-11-24T03:00:00" && ["infrastructure", "flux-system"].contains(name)
                && "\(o["msg"] ?? "") \(o["error"] ?? "")".contains("connection refused")
        }
        #expect(own.count == 31)
        let underWay = try #require(incidents?.first?["under_way_before_since"] as? [String: Any])
        #expect(underWay["first"] as? String == own.first?["ts"] as? String)
        #expect(underWay["first"] as? String == "2026-11-24T02:43:05.966Z")
        #expect(underWay["last"] as? String == own.last?["ts"] as? String)
        #expect(underWay["records"] as? Int == own.count)
        #expect(r.text.contains("under way:   before --since: failing from 02:43:05 UTC, 31 failure record(s) up to 02:59:46 UTC left out"), "\(r.text)")
        // Without --since nothing is left out and nothing is said.
        #expect(!(try run(logs)).text.contains("before --since"))
    }

    /// Objects healthy again before the window were not under way when it begins (a trial: three
    /// Kustomizations that recovered 9 minutes before `--since` were named). In
    /// samples/oom-killed-source-controller the downloads are refused until 10:08:25.468; apps
    /// finishes its reconciliation at 10:08:57.994 and infrastructure at 10:09:01.296
    /// (kustomize-controller.log lines 32 and 34).
    @Test func sinceAfterTheRecoveryNamesNoObject() throws {
        let sample = ["samples/oom-killed-source-controller/kustomize-controller.log", "samples/oom-killed-source-controller/source-controller.log"]
        let after = try run(["--since", "2026-11-25T10:20:00Z"] + sample)
        #expect(!after.text.contains("before --since"), "\(after.text)")
        let afterJSON = try run(["--format", "json", "--since", "2026-11-25T10:20:00Z"] + sample)
        let afterIncidents = try #require(try JSONSerialization.jsonObject(with: afterJSON.stdout) as? [String: Any])["incidents"] as? [[String: Any]]
        #expect(afterIncidents?.allSatisfy { $0["under_way_before_since"] is NSNull } == true)
        // Between the last refusal and apps' recovery both were still failing.
        let between = try run(["--since", "2026-11-25T10:08:40Z"] + sample)
        #expect(between.text.contains("Kustomization/flux-system/apps from "), "\(between.text)")
        #expect(between.text.contains("Kustomization/flux-system/infrastructure from "), "\(between.text)")
        // Between apps' recovery and infrastructure's, only infrastructure is.
        let one = try run(["--since", "2026-11-25T10:09:00Z"] + sample)
        #expect(one.text.contains("of 1 object(s) (Kustomization/flux-system/infrastructure from "), "\(one.text)")
    }

    @Test func controllerNamespaceObject() throws {
        let k = try events(["--controller", "kustomize"])
        #expect(!k.isEmpty && k.allSatisfy { $0["controller"] as? String == "kustomize-controller" })
        let o = try events(["--object", "Kustomization/flux-system/apps"])
        #expect(!o.isEmpty && o.allSatisfy { $0["object"] as? String == "Kustomization/flux-system/apps" })
        #expect(try events(["--namespace", "default"]).isEmpty)
    }
}

/// Kubelet log paths (kubernetes pkg/kubelet/kuberuntime/helpers.go): a higher restart number is
/// a restart, and becomes evidence.
@Suite struct PodLogTests {
    @Test func restartNumberIsEvidence() throws {
        let dir = try scratch("restart")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = try #require(try Sample.all().first { $0.name == "networkpolicy-9090" })
        let pods = try ArchiveTests.podsTree(sample, in: dir)
        // Split source-controller's log in two containers: 0.log until 02:50, 1.log from 02:55.
        let scDir = pods.appendingPathComponent(ArchiveTests.podDir("source-controller.log")).appendingPathComponent("manager")
        let lines = try String(contentsOf: scDir.appendingPathComponent("0.log"), encoding: .utf8).split(separator: "\n")
        let before = lines.filter { $0.prefix(16) < "2026-11-24T02:50" }, after = lines.filter { $0.prefix(16) >= "2026-11-24T02:55" }
        #expect(!before.isEmpty && !after.isEmpty)
        try (before.joined(separator: "\n") + "\n").write(to: scDir.appendingPathComponent("0.log"), atomically: true, encoding: .utf8)
        try (after.joined(separator: "\n") + "\n").write(to: scDir.appendingPathComponent("1.log"), atomically: true, encoding: .utf8)
        let report = try json(run(["--format", "json", pods.path]).stdout)
        let incident = try #require((report["incidents"] as? [[String: Any]])?.first)
        let hyps = try #require(incident["hypotheses"] as? [[String: Any]])
        let unavailable = try #require(hyps.first { $0["id"] as? String == "source-controller-unavailable" })
        let evidence = (unavailable["evidence_for"] as? [String] ?? []).joined(separator: "\n")
        #expect(evidence.contains("container-restarted"))
        #expect(evidence.contains("manager/1.log:1"))
    }
}

/// A sidecar mounting the node's `/var/log/pods` sees every pod: an application's log there
/// (`shop_checkout-7d9f8-abcde_<uid>/app/0.log`, its own `no space left on device` and
/// `x509` errors) made CRITICAL "No space left on device" and TLS incidents with `controllers:
/// unknown` and flux-system commands (a trial). Pods that no Flux controller's Deployment makes
/// are skipped, in a folder and in a tar bundle, with a note naming them; a file given by name
/// is read.
@Suite struct OtherPodsTests {
    @Test func applicationPodsOfAPodsTreeAreSkipped() throws {
        let dir = try scratch("other-pods")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = try #require(try Sample.all().first { $0.name == "networkpolicy-9090" })
        let pods = try ArchiveTests.podsTree(sample, in: dir)
        let app = pods.appendingPathComponent("shop_checkout-7d9f8-abcde_99999999-aaaa/app")
        try FileManager.default.createDirectory(at: app, withIntermediateDirectories: true)
        var lines: [String] = []
        for i in 0..<30 {
            let ts = String(format: "2026-11-24T02:5%d:%02d.000Z", i / 10, (i % 10) * 5)
            lines.append("\(ts.dropLast())000000Z stderr F {\"level\":\"error\",\"ts\":\"\(ts)\",\"msg\":\"write failed\",\"error\":\"write /data/x: no space left on device\"}")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: app.appendingPathComponent("0.log"), atomically: true, encoding: .utf8)
        let base = try json(run(["--format", "json"] + sample.logs).stdout)
        let tree = try run(["--format", "json", pods.path])
        #expect(try incidentsWithoutPlaces(json(tree.stdout)) == incidentsWithoutPlaces(base))
        #expect(tree.stderr.contains("1 log file(s) of 1 pod(s) that are not Flux controllers were skipped"), "\(tree.stderr)")
        #expect(tree.stderr.contains("shop/checkout-7d9f8-abcde"))
        try sh(["tar", "czf", "bundle.tar.gz", "var"], in: dir)
        let bundle = try run(["--format", "json", dir.appendingPathComponent("bundle.tar.gz").path])
        #expect(try incidentsWithoutPlaces(json(bundle.stdout)) == incidentsWithoutPlaces(base))
        #expect(bundle.stderr.contains("1 member(s) of 1 pod(s) that are not Flux controllers were skipped"), "\(bundle.stderr)")
        // Given by name, it is read: its records are counted.
        let byName = try json(run(["--format", "json", app.appendingPathComponent("0.log").path]).stdout)
        #expect((byName["stats"] as? [String: Any])?["records"] as? Int == 30)
    }
}

/// Pods that only look like Flux's (a trial): `source-controller-exporter-6f7d8c9b5-xyz12`
/// (a Deployment whose name begins with a controller's) and rancher/helm-controller in kube-system
/// (container `helm-controller`, not Flux's `manager`), each with an error of its own; and the
/// node's `/var/log` walked whole, where `containers/` holds the kubelet's links
/// (`<pod>_<namespace>_<container>-<id>.log`) to every pod's file, an application's too. Only
/// Flux's pods are read (once, under their /var/log/pods name), and the note names the others.
@Suite struct LookAlikePodsTests {
    @Test func podsNamedLikeFluxAndTheContainersLinksAreSkipped() throws {
        let dir = try scratch("look-alike")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = try #require(try Sample.all().first { $0.name == "networkpolicy-9090" })
        let pods = try ArchiveTests.podsTree(sample, in: dir)
        func pod(_ dir: String, _ line: String) throws -> URL {
            let url = pods.appendingPathComponent(dir)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try ("2026-11-24T02:50:00.000000000Z stderr F " + line + "\n").write(to: url.appendingPathComponent("0.log"), atomically: true, encoding: .utf8)
            return url.appendingPathComponent("0.log")
        }
        let exporter = try pod("monitoring_source-controller-exporter-6f7d8c9b5-xyz12_aaaaaaaa-0000-4000-8000-000000000003/exporter",
            #"{"level":"error","ts":"2026-11-24T02:50:00.000Z","msg":"scrape failed","error":"Get \"http://source-controller.flux-system.svc.cluster.local.:8080/metrics\": dial tcp 10.43.89.232:8080: i/o timeout"}"#)
        let rancher = try pod("kube-system_helm-controller-7b9f6d8c4-q8w2e_aaaaaaaa-0000-4000-8000-000000000002/helm-controller",
            #"time="2026-11-24T02:50:00Z" level=error msg="error syncing 'kube-system/traefik': handler helm-controller-chart-registration: Get \"https://10.43.0.1:443/apis/batch/v1/namespaces/kube-system/jobs/helm-install-traefik\": dial tcp 10.43.0.1:443: i/o timeout, requeuing""#)
        let app = try pod("cert-manager_cert-manager-6d4d9f7c8-q2k4p_aaaaaaaa-0000-4000-8000-000000000004/cert-manager-controller",
            #"{"level":"error","ts":"2026-11-24T02:50:00.000Z","msg":"Reconciler error","controller":"certificaterequest","error":"Post \"https://10.43.0.7:443/sign\": dial tcp 10.43.0.7:443: connect: connection refused"}"#)
        // The kubelet's links, named as it names them.
        let containers = dir.appendingPathComponent("var/log/containers")
        try FileManager.default.createDirectory(at: containers, withIntermediateDirectories: true)
        let id = String(repeating: "0123456789abcdef", count: 4)
        for (file, target) in [("cert-manager-6d4d9f7c8-q2k4p_cert-manager_cert-manager-controller-\(id).log", app)] {
            try FileManager.default.createSymbolicLink(at: containers.appendingPathComponent(file), withDestinationURL: target)
        }
        for log in sample.logs {
            let file = (log as NSString).lastPathComponent
            let podDir = ArchiveTests.podDir(file).split(separator: "_")
            let target = pods.appendingPathComponent(ArchiveTests.podDir(file)).appendingPathComponent("manager/0.log")
            try FileManager.default.createSymbolicLink(at: containers.appendingPathComponent("\(podDir[1])_\(podDir[0])_manager-\(id).log"),
                                                       withDestinationURL: target)
        }
        let base = try json(run(["--format", "json"] + sample.logs).stdout)
        for top in [pods, dir.appendingPathComponent("var/log"), containers] {
            let r = try run(["--format", "json", top.path])
            #expect(try incidentsWithoutPlaces(json(r.stdout)) == incidentsWithoutPlaces(base), "\(top.path)")
            #expect(!r.stderr.contains("the same file is read once"), "\(r.stderr)")
        }
        let walked = try run(["--format", "json", dir.appendingPathComponent("var/log").path])
        #expect(walked.stderr.contains("3 log file(s) of 3 pod(s) that are not Flux controllers were skipped"), "\(walked.stderr)")
        for skipped in ["monitoring/source-controller-exporter-6f7d8c9b5-xyz12", "kube-system/helm-controller-7b9f6d8c4-q8w2e",
                        "cert-manager/cert-manager-6d4d9f7c8-q2k4p"] {
            #expect(walked.stderr.contains(skipped), "\(skipped)")
        }
        _ = (exporter, rancher)
    }
}

/// A folder whose only file is a README.md (skipped by name, as InputWalker.looksLikeLog says)
/// was reported as "the input is empty" right after the warning that skipped it.
@Suite struct SkippedFolderTests {
    @Test func aFolderWithoutLogNamesIsNotCalledEmpty() throws {
        let dir = try scratch("nologs")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("samples/networkpolicy-9090/README.md"),
                                         to: dir.appendingPathComponent("README.md"))
        let r = try run(["--color", "never", dir.path])
        #expect(r.status == 0)
        #expect(r.text.contains("No records were read: the folders given hold no file whose name looks like a log (1 skipped by name"), "\(r.text)")
        #expect(!r.text.contains("the input is empty"))
    }
}

/// Records with no time anywhere in their input (a `kubectl logs --previous` that holds only the
/// Go runtime's crash report, `panic: %v` then the goroutine dump: Go's panic.go) had their events
/// dropped: `0 incidents`, exit 0, "nothing in these logs says a reconciliation is failing".
/// They are placed at the file's modification time (the log was written no later), with a
/// warning naming the file and line; more than 4,096 records before the first full date warn too.
@Suite struct UntimedRecordTests {
    @Test func aCrashReportAloneIsAnIncidentAtTheFilesTime() throws {
        let dir = try scratch("untimed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("kustomize-controller.log")
        try """
        panic: runtime error: invalid memory address or nil pointer dereference
        [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1a2b3c4]

        goroutine 412 [running]:
        """.write(to: log, atomically: true, encoding: .utf8)
        var times = [timespec(tv_sec: 1_741_082_400, tv_nsec: 0), timespec(tv_sec: 1_741_082_400, tv_nsec: 0)]  // 2025-03-04T10:00:00Z
        #expect(utimensat(AT_FDCWD, log.path, &times, 0) == 0)
        let r = try run(["--format", "json", log.path])
        #expect(r.status == 1, "\(r.stderr)")
        let report = try json(r.stdout)
        let incidents = try #require(report["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        #expect(incidents.first?["first_seen"] as? String == "2025-03-04T10:00:00.000Z")
        let signals = incidents.first?["signals"] as? [[String: Any]] ?? []
        #expect(signals.map { $0["signature"] as? String } == ["go-runtime-panic"])
        #expect(r.stderr.contains("warning: \(log.path):1: 1 record(s) with no time and no record with one after them: placed at 2025-03-04T10:00:00.000Z, the file's modification time"), "\(r.stderr)")
    }

    /// client-go retries its leader lease every 2 s while the API server is away (`error
    /// retrieving resource lock`, leaderelection.go): 4,096 klog lines before the first JSON
    /// record in about two hours. They are no longer held: a warning says their year is a guess.
    @Test func tooManyUndatedRecordsWarn() throws {
        let dir = try scratch("undated-cap")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("kustomize-controller.log")
        var text = ""
        for k in 0..<4100 {
            text += "E1231 20:\(k / 120 % 60 < 10 ? "0" : "")\(k / 120 % 60):00.000000       7 leaderelection.go:325] error retrieving resource lock flux-system/kustomize-controller-leader-election: context deadline exceeded\n"
        }
        text += #"{"level":"info","ts":"2021-12-31T22:00:00.000Z","logger":"setup","msg":"starting manager"}"# + "\n"
        try text.write(to: log, atomically: true, encoding: .utf8)
        let r = try run(["--format", "json", "--now", "2026-06-01T00:00:00Z", log.path])
        #expect(r.stderr.contains("warning: \(log.path):1: more than 4096 records before the first record with a full date"), "\(r.stderr)")
    }
}

/// A second trial's cases for records that wait for a time (Sources/LogScan/Pipeline/Scan.swift,
/// `StreamState.undated`).
@Suite struct UndatedRecordTrialTests {
    static let dns = "failed to checkout and determine revision: unable to clone 'https://github.com/acme/x': dial tcp: lookup github.com on 10.43.0.10:53: no such host"
    static let start = #"{"level":"info","ts":"2026-11-24T03:10:02.457Z","logger":"setup","msg":"starting manager"}"#

    /// `kubectl logs --prefix` of two pods, one after the other: source-controller's leading
    /// untimed line took kustomize-controller's last time (01:05:00), and made a two-hour
    /// lifetime that "ended with no shutdown line" (a false kill). It waits for its own pod's time.
    @Test func aPodsLeadingUntimedLineWaitsForItsOwnPod() throws {
        let input = """
        [pod/kustomize-controller-7f9c6d8b4-xyz12/manager] {"level":"info","ts":"2026-11-24T01:00:00.000Z","logger":"setup","msg":"starting manager"}
        [pod/kustomize-controller-7f9c6d8b4-xyz12/manager] {"level":"info","ts":"2026-11-24T01:05:00.000Z","msg":"All done","controller":"kustomization"}
        [pod/source-controller-6d8f9c7b5-abcde/manager] \(Self.dns)
        [pod/source-controller-6d8f9c7b5-abcde/manager] \(Self.start)

        """
        let r = try run(["--format", "json", "-"], stdin: Data(input.utf8))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.map { $0["first_seen"] as? String } == ["2026-11-24T03:10:02.457Z"], "\(incidents.map { $0["title"] ?? "" })")
        #expect(!incidents.contains { ($0["title"] as? String ?? "").contains("killed") })
    }

    /// Identical records with no time share the time they take; they were counted as copies of
    /// one record (18,888 `no such host` lines: `×1`). Ten lines, then a record with a time.
    @Test func identicalUntimedRecordsAreAllCounted() throws {
        let input = String(repeating: Self.dns + "\n", count: 10) + Self.start + "\n"
        let r = try run(["--format", "json", "-"], stdin: Data(input.utf8))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let signals = incidents.first?["signals"] as? [[String: Any]] ?? []
        #expect(signals.first { $0["signature"] as? String == "dns-no-such-host" }?["count"] as? Int == 10, "\(signals)")
    }

    /// 4,097 untimed lines before a record with a time: no longer held, and the warning says so
    /// (it said "no record with one after them", though one came).
    @Test func overTheCapTheWarningSaysWhy() throws {
        let input = String(repeating: Self.dns + "\n", count: 4097) + Self.start + "\n"
        let r = try run(["--format", "json", "--now", "2026-11-25T00:00:00Z", "-"], stdin: Data(input.utf8))
        #expect(r.stderr.contains("warning: -:1: more than 4096 records before the first record with a full date"), "\(r.stderr)")
        #expect(!r.stderr.contains("no record with one after them"), "\(r.stderr)")
        // Exactly 4,096 are held: they take the record's time.
        let held = String(repeating: Self.dns + "\n", count: 4096) + Self.start + "\n"
        let h = try run(["--format", "json", "--now", "2026-11-25T00:00:00Z", "-"], stdin: Data(held.utf8))
        #expect(h.stderr.isEmpty, "\(h.stderr)")
        let incidents = try #require(try json(h.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.first?["first_seen"] as? String == "2026-11-24T03:10:02.457Z")
    }

    /// Held records are bounded in bytes too: ten lines of 1 MB (the line cap is 1 MiB) are more
    /// than 8 MiB.
    @Test func heldRecordsAreBoundedInBytes() throws {
        let long = Self.dns + " " + String(repeating: "a", count: 1_000_000)
        let input = String(repeating: long + "\n", count: 10) + Self.start + "\n"
        let r = try run(["--counts", "--now", "2026-11-25T00:00:00Z", "-"], stdin: Data(input.utf8))
        #expect(r.stderr.contains("warning: -:1: more than 8 MiB of records before the first record with a full date"), "\(r.stderr)")
    }

    /// A support bundle's members keep their own modification times (ustar header, offset 136):
    /// a member written 2027-01-01T00:05Z holding `E1231 23:59:50` is 2026-12-31, whatever the
    /// bundle's own time (it took the bundle's: a year off).
    @Test func aTarMembersOwnTimeBoundsKlog() throws {
        let dir = try scratch("tar-mtime")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("kustomize-controller.log")
        try "E1231 23:59:50.000000       1 leaderelection.go:325] error retrieving resource lock flux-system/kustomize-controller-leader-election: context deadline exceeded\n"
            .write(to: log, atomically: true, encoding: .utf8)
        var times = [timespec(tv_sec: 1_798_761_900, tv_nsec: 0), timespec(tv_sec: 1_798_761_900, tv_nsec: 0)]  // 2027-01-01T00:05:00Z
        #expect(utimensat(AT_FDCWD, log.path, &times, 0) == 0)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-czf", dir.appendingPathComponent("bundle.tgz").path, "-C", dir.path, "kustomize-controller.log"]
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        let r = try run(["--format", "json", "--now", "2030-01-01T00:00:00Z", dir.appendingPathComponent("bundle.tgz").path])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.first?["first_seen"] as? String == "2026-12-31T23:59:50.000Z", "\(r.stderr)")
    }
}

/// A third trial's cases: Go's crash report of a re-panic, stern prefixes before text, lease
/// lines of two controllers in one unnamed stream.
@Suite struct GoCrashAndPrefixTests {
    static func finished(_ ts: String) -> String {
        #"{"level":"info","ts":"\#(ts)","msg":"Reconciliation finished in 1.2s, next run in 10m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps"}"#
    }
    static let start = #"{"level":"info","ts":"2026-11-24T10:06:00.000Z","logger":"setup","msg":"starting manager"}"#
    /// Go's re-panic crash report (a panic recovered by controller-runtime and re-raised), with
    /// the blank line Go writes between the signal line and the goroutine.
    static let crash = [
        "panic: runtime error: invalid memory address or nil pointer dereference [recovered]",
        "\tpanic: runtime error: invalid memory address or nil pointer dereference",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1b2c3d4]",
        "",
        "goroutine 312 [running]:",
        "sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).Reconcile.func1()",
        "\t/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.16.3/pkg/internal/controller/controller.go:116 +0x1e5",
        "panic({0x1d7e5a0?, 0x3562e40?})",
        "\t/usr/local/go/src/runtime/panic.go:914 +0x21f",
    ]

    /// controller-runtime recovers a reconciler's panic and panics again; Go prints `panic: X
    /// [recovered]`, a tab and `panic: X`, and since Go 1.21 a `panic({0x..., 0x...})` frame
    /// (runtime/panic.go). That frame started a record of its own, and `[recovered]` made the
    /// crash no ending: the lifetime read as killed, and the first hypothesis cited an OOM kill.
    @Test func aRepanicCrashIsOneRecordAndAPanicEnding() throws {
        let crash = """
        panic: runtime error: invalid memory address or nil pointer dereference [recovered]
        \tpanic: runtime error: invalid memory address or nil pointer dereference
        [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1b2c3d4]

        goroutine 312 [running]:
        sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).Reconcile.func1()
        \t/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.16.3/pkg/internal/controller/controller.go:116 +0x1e5
        panic({0x1d7e5a0?, 0x3562e40?})
        \t/usr/local/go/src/runtime/panic.go:914 +0x21f
        github.com/fluxcd/kustomize-controller/internal/controller.(*KustomizationReconciler).reconcile(0xc000a1e000)
        \t/workspace/internal/controller/kustomization_controller.go:412 +0x9a
        """
        var lines = [#"{"level":"info","ts":"2026-11-24T10:00:00.000Z","logger":"setup","msg":"starting manager"}"#]
        lines += (0..<5).map { Self.finished("2026-11-24T10:0\($0):10.000Z") }
        lines.append(crash)
        lines.append(Self.start)
        lines += (6..<10).map { Self.finished("2026-11-24T10:0\($0):10.000Z") }
        let dir = try scratch("repanic")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("kustomize-controller.log")
        try (lines.joined(separator: "\n") + "\n").write(to: log, atomically: true, encoding: .utf8)
        let r = try run(["--format", "json", "--now", "2026-11-25T00:00:00Z", log.path])
        let report = try json(r.stdout)
        let stats = try #require(report["stats"] as? [String: Any])
        #expect((stats["by_format"] as? [String: Any])?["plain"] as? Int == 1, "\(stats)")
        #expect(!r.text.contains("controller-killed"), "\(r.text)")
        #expect(r.text.contains("go-runtime-panic"))
    }

    /// stern prints every line as `POD CONTAINER LINE`; the prefix was peeled only before JSON,
    /// so a kustomize-controller panic after a source-controller line went to source-controller
    /// (and `kubectl logs deploy/source-controller --previous`). A Flux controller's Deployment
    /// pod name is peeled before any payload; other words are not (`sternLikeWords...` test).
    @Test func sternPrefixBeforeTextNamesItsPod() throws {
        let input = """
        kustomize-controller-7bc8dd6d5b-x2tqk manager \(Self.finished("2026-11-24T10:04:10.000Z"))
        source-controller-6ff87cdb64-q7ztl manager {"level":"info","ts":"2026-11-24T10:04:20.000Z","msg":"stored artifact for commit 'Merge pull request #1'","controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository","GitRepository":{"name":"flux-system","namespace":"flux-system"},"namespace":"flux-system","name":"flux-system"}
        kustomize-controller-7bc8dd6d5b-x2tqk manager panic: runtime error: invalid memory address or nil pointer dereference
        kustomize-controller-7bc8dd6d5b-x2tqk manager E1124 10:04:30.000000       1 leaderelection.go:332] error retrieving resource lock flux-system/kustomize-controller-leader-election: context deadline exceeded

        """
        let r = try run(["--format", "json", "--now", "2026-11-25T00:00:00Z", "-"], stdin: Data(input.utf8))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let panic = try #require(incidents.first { ($0["signals"] as? [[String: Any]] ?? []).contains { $0["signature"] as? String == "go-runtime-panic" } })
        #expect(panic["controllers"] as? [String] == ["kustomize-controller"])
        let stats = try #require(try json(r.stdout)["stats"] as? [String: Any])
        #expect((stats["by_format"] as? [String: Any])?["klog"] as? Int == 1, "\(stats)")
    }

    /// `kubectl logs -f --prefix` of two pods interleaves their lines: source-controller lines
    /// between the lines of kustomize-controller's crash report (Go's re-panic format, as above)
    /// cut it into eight records, and each took source-controller's time. Each pod keeps its own
    /// held record and times: one record, at kustomize-controller's last time (10:04:10).
    @Test func interleavedPodsKeepTheirOwnCrashReport() throws {
        let k = "[pod/kustomize-controller-7bc8dd6d5b-x2tqk/manager] ", src = "[pod/source-controller-6ff87cdb64-q7ztl/manager] "
        func stored(_ ts: String) -> String {
            #"{"level":"info","ts":"\#(ts)","msg":"artifact up-to-date with remote revision: 'main@sha1:5a2b6f27d1f0a1e8d3c4b5a6978812345678abcd'","controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository","GitRepository":{"name":"flux-system","namespace":"flux-system"},"namespace":"flux-system","name":"flux-system"}"#
        }
        let crash = Self.crash
        var lines = [k + #"{"level":"info","ts":"2026-11-24T10:00:00.000Z","logger":"setup","msg":"starting manager"}"#]
        for m in 0..<5 {
            lines.append(k + Self.finished("2026-11-24T10:0\(m):10.000Z"))
            lines.append(src + stored("2026-11-24T10:0\(m):20.000Z"))
        }
        for (j, l) in crash.enumerated() {
            lines.append(k + l)
            if j % 3 == 0 { lines.append(src + stored("2026-11-24T10:05:0\(j).000Z")) }
        }
        lines.append(k + Self.start)
        lines.append(k + Self.finished("2026-11-24T10:06:10.000Z"))
        let r = try run(["--format", "json", "--now", "2026-11-25T00:00:00Z", "-"], stdin: stdinData(lines))
        let report = try json(r.stdout)
        let stats = try #require(report["stats"] as? [String: Any])
        #expect((stats["by_format"] as? [String: Any])?["plain"] as? Int == 1, "\(stats)")
        let incidents = try #require(report["incidents"] as? [[String: Any]])
        let panic = try #require(incidents.first { ($0["signals"] as? [[String: Any]] ?? []).contains { $0["signature"] as? String == "go-runtime-panic" } })
        #expect(panic["controllers"] as? [String] == ["kustomize-controller"])
        #expect(panic["first_seen"] as? String == "2026-11-24T10:04:10.000Z")
        #expect(!r.text.contains("controller-killed"))
    }

    /// `kubectl logs --timestamps` puts its timestamp on every line, the blank one inside Go's
    /// crash report too (`<ts> ` and nothing after it): the report was cut there, its record
    /// held only `panic: ...` and `[signal SIGSEGV ...]`, and the goroutine became a record of
    /// its own (a trial). Without the timestamps the same lines are one record.
    @Test func aTimestampedBlankLineStaysInsideTheCrashReport() throws {
        let crash = Self.crash
        var lines = ["2026-11-24T10:00:00.000123456Z " + #"{"level":"info","ts":"2026-11-24T10:00:00.000Z","logger":"setup","msg":"starting manager"}"#,
                     "2026-11-24T10:04:10.000123456Z " + Self.finished("2026-11-24T10:04:10.000Z")]
        lines += crash.map { "2026-11-24T10:04:20.500000000Z " + $0 }
        let r = try run(["--format", "json", "--now", "2026-11-25T00:00:00Z", "-"], stdin: stdinData(lines))
        let report = try json(r.stdout)
        let stats = try #require(report["stats"] as? [String: Any])
        #expect((stats["by_format"] as? [String: Any])?["plain"] as? Int == 1, "\(stats)")
        let incidents = try #require(report["incidents"] as? [[String: Any]])
        let signal = try #require(incidents.flatMap { $0["signals"] as? [[String: Any]] ?? [] }.first { $0["signature"] as? String == "go-runtime-panic" })
        let example = try #require((signal["example"] as? [String: Any])?["text"] as? String)
        #expect(example.contains("goroutine 312 [running]:") && example.contains("controller.go:116"), "\(example)")
    }

    /// `stern --color always` wraps the pod and container names in SGR sequences (stern's default
    /// template `{{color .PodColor .PodName}} {{color .ContainerColor .ContainerName}} {{.Message}}`):
    /// the prefix was not recognised, every record lost its time and the Git failures their
    /// incidents (a trial). With the colours the lines read as without them.
    @Test func sternColoursAreRemoved() throws {
        let log = try String(contentsOf: packageRoot.appendingPathComponent("samples/git-auth-failed/source-controller.log"), encoding: .utf8)
        let plain = log.split(separator: "\n").map { "source-controller-6ff87cdb64-8wv2j manager " + $0 }
        let coloured = log.split(separator: "\n").map { "\u{1b}[32msource-controller-6ff87cdb64-8wv2j\u{1b}[0m \u{1b}[1;33mmanager\u{1b}[0m " + $0 }
        let a = try json(try run(["--format", "json", "--now", "2026-12-01T00:00:00Z", "-"], stdin: Data((plain.joined(separator: "\n") + "\n").utf8)).stdout)
        let b = try json(try run(["--format", "json", "--now", "2026-12-01T00:00:00Z", "-"], stdin: Data((coloured.joined(separator: "\n") + "\n").utf8)).stdout)
        let ids = { (d: [String: Any]) in (d["incidents"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
        #expect(!ids(a).isEmpty)
        #expect(ids(a) == ids(b))
        #expect((b["stats"] as? [String: Any])?["by_format"] as? [String: Int] == (a["stats"] as? [String: Any])?["by_format"] as? [String: Int])
    }

    /// `cat kustomize-controller.log source-controller.log |` of two controllers that cannot
    /// reach the API server: each lease line names its own controller (every line took the first
    /// one's).
    @Test func eachLeaseLineNamesItsController() throws {
        let input = """
        E1124 10:00:05.000000       1 leaderelection.go:332] error retrieving resource lock flux-system/kustomize-controller-leader-election: Get "https://10.96.0.1:443/apis/coordination.k8s.io/v1/namespaces/flux-system/leases/kustomize-controller-leader-election": dial tcp 10.96.0.1:443: connect: connection refused
        E1124 10:00:06.000000       1 leaderelection.go:332] error retrieving resource lock flux-system/source-controller-leader-election: Get "https://10.96.0.1:443/apis/coordination.k8s.io/v1/namespaces/flux-system/leases/source-controller-leader-election": dial tcp 10.96.0.1:443: connect: connection refused

        """
        let r = try run(["--format", "json", "--now", "2026-12-01T00:00:00Z", "-"], stdin: Data(input.utf8))
        let stats = try #require(try json(r.stdout)["stats"] as? [String: Any])
        #expect(stats["by_controller"] as? [String: Int] == ["kustomize-controller": 1, "source-controller": 1], "\(stats)")
    }
}
