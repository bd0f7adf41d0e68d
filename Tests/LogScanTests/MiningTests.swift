import Testing
@testable import LogScan

/// Unknown-error mining (issue 8): masking, Drain clustering, determinism, caps, and the rule that
/// picks error records. Texts are real Flux lines (source named on each) or built from the format
/// strings FLUX-LOGS.md quotes; expected templates apply the masking rule documented in
/// docs/OUTPUT.md and `Masking`.
@Suite struct MaskingTests {
    func masked(_ text: String) -> String { Masking.tokens(text).joined(separator: " ") }

    @Test func urlAndIPv4WithPort() {
        // [real] flux2#4811 (FLUX-LOGS.md 1.4): the quoted URL is a quoted value, the address a variable.
        let t = #"Get "http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec48a666d0386d25ef24226e84befb1287.tar.gz": dial tcp 10.43.89.232:80: connect: connection refused"#
        #expect(masked(t) == #"Get "<*>": dial tcp <*>: connect: connection refused"#)
    }

    @Test func unquotedURLNumberAndIPv6() {
        // [real] kustomize-controller PR #289 (FLUX-LOGS.md 1.4), era-1 error text.
        let t = "failed to download artifact, error: GET http://localhost:8080/gitrepository/flux-system/podinfo/e43ebfa3fa5c6fd9f1ee0c4e8f5b7f9d6a1b2c3d.tar.gz giving up after 10 attempt(s): dial tcp [::1]:8080: connect: connection refused"
        #expect(masked(t) == "failed to download artifact, error: GET <*> giving up after <*> attempt(s): dial tcp <*>: connect: connection refused")
    }

    @Test func addressPairOfAReadError() {
        // [real] source-controller#393 (FLUX-LOGS.md 3.5): `read udp <local>-><dns>:53`.
        let t = "dial tcp: lookup github.com on 10.96.0.10:53: read udp 10.244.1.5:50809->10.96.0.10:53: i/o timeout"
        #expect(masked(t) == "dial tcp: lookup github.com on <*>: read udp <*>: i/o timeout")
    }

    @Test func goDurations() {
        // [real] kustomize-controller PR #289 and XenitAB/terraform-modules#392 (FLUX-LOGS.md 3.2).
        #expect(masked("Reconciliation failed after 3m35.317406763s, next try in 5m0s") == "Reconciliation failed after <*>, next try in <*>")
        #expect(masked("Reconciliation failed after 8m35.028300927s, next try in 5m0s") == "Reconciliation failed after <*>, next try in <*>")
        // [reconstructed, FLUX-LOGS.md 1.4] sub-second durations.
        #expect(masked("Reconciliation finished in 95.33ms, next run in 10m0s") == "Reconciliation finished in <*>, next run in <*>")
    }

    @Test func uuidRevisionAndHex() {
        // reconcileID of flux2#4811; revisions of FLUX-LOGS.md 3.15 (Flux >= 2 and < 2).
        #expect(masked("reconcile 5edd4a48-c4f4-4c6b-8c25-bedd346af378 failed") == "reconcile <*> failed")
        #expect(masked("Applied revision: main@sha1:0123456789abcdef0123456789abcdef01234567") == "Applied revision: <*>")
        #expect(masked("Applied revision: master/e43ebfa3fa5c6fd9f1ee0c4e8f5b7f9d6a1b2c3d") == "Applied revision: <*>")
        #expect(masked("artifact up-to-date with remote revision: sha256:2f7f7c1e8d3a4b5c9e6f0a1b2c3d4e5f2f7f7c1e8d3a4b5c9e6f0a1b2c3d4e5f") == "artifact up-to-date with remote revision: <*>")
        // A hex id of 7+ characters with a digit; a word of hex letters is not one.
        #expect(masked("commit c7313dec is not a deadbeef") == "commit <*> is not a deadbeef")
    }

    @Test func objectReferences() {
        // ssa `<Kind>/<ns>/<name> dry-run failed` (FLUX-LOGS.md 3.10); the lowercase API group is kept.
        let t = #"Deployment/podinfo/podinfo dry-run failed (Forbidden): deployments.apps "podinfo" is forbidden"#
        #expect(masked(t) == #"<*> dry-run failed (Forbidden): deployments.apps "<*>" is forbidden"#)
        #expect(masked("unable to get source apps/v1") == "unable to get source apps/v1")
    }

    @Test func quotedValuesButNotApostrophes() {
        // [real] flux2#4200 (FLUX-LOGS.md 1.4); go-git `couldn't find remote ref %q` (3.4).
        let t = #"failed to checkout and determine revision: unable to clone 'https://github.com/stefanprodan/podinfo': Get "https://github.com/stefanprodan/podinfo/info/refs?service=git-upload-pack": dial tcp: lookup github.com: i/o timeout"#
        #expect(masked(t) == #"failed to checkout and determine revision: unable to clone '<*>': Get "<*>": dial tcp: lookup github.com: i/o timeout"#)
        #expect(masked(#"couldn't find remote ref "refs/heads/main""#) == #"couldn't find remote ref "<*>""#)
    }

    @Test func sizesAndVersions() {
        // source-controller `stored fetched index of size %s from '%s'`; helm chart versions (FLUX-LOGS.md 3.15).
        #expect(masked("stored fetched index of size 3.251MB from 'https://kubernetes.github.io/ingress-nginx'") == "stored fetched index of size <*> from '<*>'")
        #expect(masked("pulled 'podinfo' chart with version 6.5.4") == "pulled '<*>' chart with version <*>")
        // [real] image-reflector-controller#105: badger's sizes.
        #expect(masked("error: mremap size mismatch: requested: 20 got: 536870912") == "error: mremap size mismatch: requested: <*> got: <*>")
    }

    @Test func oneLineCutAtTheCap() {
        // ssa apply errors are `"%w\n%s"` (error, then the change set; FLUX-LOGS.md 3.10): only the first line is mined.
        #expect(masked("Deployment/podinfo/podinfo apply failed: boom\nService/podinfo/podinfo unchanged\n") == "<*> apply failed: boom")
        let long = String(repeating: "word ", count: 1000)
        #expect(Masking.tokens(long).count <= Masking.maxTokens)
        #expect(Masking.tokens(long).joined(separator: " ").utf8.count <= Masking.maxTextBytes)
    }
}

@Suite struct ErrorMinerTests {
    static func record(_ text: String, _ n: Int, controller: String = "kustomize-controller", file: String = "k.log") -> MinedRecord {
        MinedRecord(tokens: Masking.tokens(text), time: Timestamp(millis: 1_764_000_000_000 + Int64(n) * 1000),
                    controller: controller, location: SourceLocation(file: file, line: n + 1), example: text)
    }

    /// Three kinds, values varying within each (names, sizes, durations, file names).
    static let threeKinds: [String] = [
        // [real] kustomize-controller#491: the resource id varies per Kustomization.
        "too many fields within: exploitation_clusterRole_rbac.authorization.k8s.io",
        "too many fields within: observability-viewer_clusterRole_rbac.authorization.k8s.io",
        "too many fields within: exploitation_clusterRole_rbac.authorization.k8s.io",
        "too many fields within: tenants_role_rbac.authorization.k8s.io",
        // [real] image-reflector-controller#105: badger value log; file and sizes vary.
        "During db.vlog.open error: while truncating last value log file: /data/000027.vlog error: mremap size mismatch: requested: 20 got: 536870912",
        "During db.vlog.open error: while truncating last value log file: /data/000031.vlog error: mremap size mismatch: requested: 48 got: 1073741824",
        "During db.vlog.open error: while truncating last value log file: /data/000002.vlog error: mremap size mismatch: requested: 20 got: 536870912",
        // [real] kustomize-controller PR #289, flux2#2067, XenitAB/terraform-modules#392: retry spans.
        "Reconciliation failed after 3m35.317406763s, next try in 5m0s",
        "Reconciliation failed after 3m44.106330951s, next try in 10m0s",
        "Reconciliation failed after 8m35.028300927s, next try in 5m0s",
        "Reconciliation failed after 3m35.317406763s, next try in 5m0s",
        "Reconciliation failed after 95.33ms, next try in 1m0s",
    ]

    @Test func threeKindsGiveThreeTemplatesWithTheirCounts() {
        let miner = ErrorMiner()
        for (i, t) in Self.threeKinds.enumerated() { miner.add(Self.record(t, i)) }
        let (templates, overflow) = miner.finish()
        #expect(overflow == 0)
        #expect(templates.map(\.template) == [
            "Reconciliation failed after <*>, next try in <*>",
            "too many fields within: <*>",
            "During db.vlog.open error: while truncating last value log file: <*> error: mremap size mismatch: requested: <*> got: <*>",
        ])
        #expect(templates.map(\.count) == [5, 4, 3])
        // The example is the earliest record of its template.
        #expect(templates[1].example == Self.threeKinds[0])
        #expect(templates[1].location == SourceLocation(file: "k.log", line: 1))
        #expect(templates[2].firstSeen == Timestamp(millis: 1_764_000_000_000 + 4000))
        #expect(templates[2].lastSeen == Timestamp(millis: 1_764_000_000_000 + 6000))
    }

    @Test func differentTextsOfOneLengthStaySeparate() {
        // Two errors of five tokens each sharing only the lead: below Drain's threshold.
        let miner = ErrorMiner()
        miner.add(Self.record("unable to record event: boom", 0))       // FLUX-LOGS.md 3.14 wording
        miner.add(Self.record("unable to clone 'x': y", 1))             // FLUX-LOGS.md 3.4 wording
        #expect(miner.finish().templates.count == 2)
    }

    /// One record read from two inputs (a pod's file and a `kubectl logs --prefix` capture of it):
    /// same time, controller and text, another place. Mined once, in one miner or across two.
    @Test func theSameRecordFromTwoInputsIsMinedOnce() {
        let text = "too many fields within: exploitation_clusterRole_rbac.authorization.k8s.io"  // kustomize-controller#491
        let one = ErrorMiner()
        one.add(Self.record(text, 0, file: "kustomize-controller.log"))
        one.add(Self.record(text, 0, file: "envelopes/prefix-timestamps.log"))
        one.add(Self.record(text, 1, file: "kustomize-controller.log"))
        #expect(one.finish().templates.map(\.count) == [2])
        #expect(one.duplicates == 1)
        #expect(one.records == 2)

        let a = ErrorMiner(), b = ErrorMiner()
        a.add(Self.record(text, 0, file: "kustomize-controller.log"))
        a.add(Self.record(text, 1, file: "kustomize-controller.log"))
        b.add(Self.record(text, 0, file: "envelopes/prefix-timestamps.log"))
        b.add(Self.record(text, 2, file: "envelopes/prefix-timestamps.log"))
        a.absorb(b)
        #expect(a.finish().templates.map(\.count) == [3])
        #expect(a.records == 3)
        // Another controller's record with the same time and text is another record.
        let c = ErrorMiner()
        c.add(Self.record(text, 0))
        c.add(Self.record(text, 0, controller: "helm-controller"))
        #expect(c.finish().templates.map(\.count) == [2])
    }

    /// The same records in any order give the same templates, counts, examples and spans.
    @Test func orderDoesNotMatter() {
        // Records from several files, also with equal times, so that the example falls back to the place.
        var records: [MinedRecord] = []
        for (i, t) in Self.threeKinds.enumerated() {
            records.append(Self.record(t, i, file: "a.log"))
            records.append(Self.record(t, i, controller: "helm-controller", file: "b.log"))
        }
        // Order-sensitive for online Drain: "a b c d" then "a b x y" merge, then "a z x y" does
        // not; the other way round "a z x y" and "a b x y" merge first.
        for (i, t) in ["dependency 'flux-system/apps' is not ready", "dependency is not ready yet",
                       "dependency was not ready yet", "dependency was not found yet"].enumerated() {
            records.append(Self.record(t, 100 + i))
        }
        let reference: [UnmatchedError] = {
            let m = ErrorMiner()
            records.forEach(m.add)
            return m.finish().templates
        }()
        var seed: UInt64 = 42
        for _ in 0..<20 {
            var shuffled = records
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                shuffled.swapAt(i, Int(seed >> 33) % (i + 1))
            }
            let m = ErrorMiner()
            shuffled.forEach(m.add)
            #expect(m.finish().templates == reference)
        }
        let reversed = ErrorMiner()
        records.reversed().forEach(reversed.add)
        #expect(reversed.finish().templates == reference)
        #expect(reference.first { $0.template.hasPrefix("too many") }?.controllers == ["helm-controller", "kustomize-controller"])
    }

    @Test func templateCapCountsTheOverflow() {
        // Five kinds of different lengths, a cap of three templates: the two smallest overflow.
        let miner = ErrorMiner(maxTemplates: 3)
        let kinds = ["a", "b c", "d e f", "g h i j", "k l m n o"]
        var n = 0
        for (k, text) in kinds.enumerated() {
            for _ in 0..<(10 - k) { miner.add(Self.record(text, n)); n += 1 }
        }
        let (templates, overflow) = miner.finish()
        #expect(templates.map(\.count) == [10, 9, 8])
        #expect(overflow == 7 + 6)
        #expect(miner.records == 40)
    }

    @Test func keyCapCompactsAndKeepsEveryRecord() {
        // 60 distinct texts of one kind (the name is not a variable Masking knows), 20 keys at most.
        let miner = ErrorMiner(maxTemplates: 10, maxKeys: 20)
        for i in 0..<60 { miner.add(Self.record("too many fields within: team\(UnicodeScalar(97 + i % 26)!)x\(i / 26)_clusterRole", i)) }
        let (templates, overflow) = miner.finish()
        #expect(miner.compactions > 0)
        #expect(overflow == 0)
        #expect(templates.map(\.template) == ["too many fields within: <*>"])
        #expect(templates.map(\.count) == [60])
    }
}

@Suite struct ErrorRuleTests {
    func decode(_ line: String) -> Record {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBytes { RecordDecoder.decode(UnsafeRawBufferPointer($0), location: SourceLocation(file: "t", line: 1), yearHint: 2024) }
    }

    @Test func errorLevelAndErrorWords() {
        // [real] flux2#4811: go-retryablehttp's per-attempt line is info with `request failed`.
        let requestFailed = decode(#"{"level":"info","ts":"2024-05-24T10:10:26.095Z","msg":"request failed","controller":"kustomization","error":"Get \"http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec48a666d0386d25ef24226e84befb1287.tar.gz\": dial tcp 10.43.89.232:80: connect: connection refused"}"#)
        #expect(ErrorRule.isErrorRecord(requestFailed))
        // [reconstructed, FLUX-LOGS.md 1.4] a success line is no error record.
        #expect(!ErrorRule.isErrorRecord(decode(#"{"level":"info","ts":"2025-03-04T10:15:02.118Z","msg":"Reconciliation finished in 2.117s, next run in 10m0s"}"#)))
        // [real] helm-controller#701: level error, whatever the words.
        #expect(ErrorRule.isErrorRecord(decode(#"{"level":"error","ts":"2023-06-15T23:21:28.930Z","msg":"Reconciler error","error":"install retries exhausted"}"#)))
        // klog E (FLUX-LOGS.md 1.2), zap console ERROR (1.3).
        #expect(ErrorRule.isErrorRecord(decode("E0506 14:35:42.034270       7 leaderelection.go:325] something odd happened")))
        #expect(ErrorRule.isErrorRecord(decode("2021-04-29T10:12:51.869Z\tERROR\tsetup\tproblem running manager\t{\"error\": \"leader election lost\"}")))
        // Debug events (FLUX-LOGS.md 1.2) are left out even with error words.
        #expect(!ErrorRule.isErrorRecord(decode(#"{"level":"debug","ts":"2021-02-22T14:30:01.460Z","logger":"events","msg":"Normal","reason":"error","message":"reconciliation failed: Helm upgrade failed: timed out waiting for the condition"}"#)))
    }

    @Test func levelOnTheRawLine() {
        func check(_ s: String) -> Bool { var b = Array(s.utf8); return b.withUnsafeMutableBytes { ErrorRule.mayHoldErrorLevel(UnsafeRawBufferPointer($0)) } }
        #expect(check(#"{"level":"error","ts":"2024-05-24T10:10:26.095Z","msg":"x"}"#))
        #expect(check(#"{"ts":"2024-05-24T10:10:26.095Z", "level" : "E", "msg":"x"}"#))   // spellings of Level(spelling:)
        #expect(check(#"{"level":"fatal","msg":"x"}"#))
        #expect(!check(#"{"level":"info","ts":"2024-05-24T10:10:26.095Z","msg":"level is fine"}"#))
        #expect(!check(#"{"level":"info","msg":"x","note":"\"level\" said"}"#))
    }

    @Test func innerErrorOfAGenericWrapper() throws {
        let set = PatternLoader.shipped().set
        let matcher = SignatureMatcher(patterns: set)
        let mining = UnknownErrorMining(patterns: set)
        // [real] kustomize-controller#491 as `flux logs` printed it: message and error joined.
        let flux = decode("2021-11-15T08:40:40.715Z error Kustomization/rights.flux-system - Reconciliation failed after 23.465925ms, next try in 5m0s too many fields within: exploitation_clusterRole_rbac.authorization.k8s.io")
        // The same record as controller-runtime JSON (FLUX-LOGS.md 1.4 shape).
        let json = decode(#"{"level":"error","ts":"2021-11-15T08:40:40.715Z","msg":"Reconciliation failed after 23.465925ms, next try in 5m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"rights","namespace":"flux-system"},"namespace":"flux-system","name":"rights","error":"too many fields within: exploitation_clusterRole_rbac.authorization.k8s.io"}"#)
        for r in [flux, json] {
            let hits = matcher.match(r)
            #expect(hits.map { set.signatures[$0.signature].id } == ["kustomization-reconciliation-failed"])
            let m = try #require(mining.unknownError(r, hits: hits))
            #expect(m.tokens.joined(separator: " ") == "too many fields within: exploitation_clusterRole_rbac.authorization.k8s.io")
        }
        // A record a specific signature knows is not an unknown error: [real] flux2#4811.
        let known = decode(#"{"level":"error","ts":"2024-05-24T10:13:58.113Z","msg":"Reconciliation failed after 3m35.317406763s, next try in 5m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"flux-system","namespace":"flux-system"},"namespace":"flux-system","name":"flux-system","error":"failed to download archive: GET http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec48a666d0386d25ef24226e84befb1287.tar.gz giving up after 10 attempt(s): Get \"http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec48a666d0386d25ef24226e84befb1287.tar.gz\": dial tcp 10.43.89.232:80: connect: connection refused"}"#)
        #expect(mining.unknownError(known, hits: matcher.match(known)) == nil)
    }

    @Test func prefilterMarksLinesWithErrorWords() throws {
        let set = PatternLoader.shipped().set
        let prefilter = try #require(Prefilter(patterns: set, extraLiterals: ErrorRule.prefilterLiterals))
        func scan(_ line: String) -> (signatures: [Int], extra: Bool) {
            var b = Array(line.utf8)
            return b.withUnsafeMutableBytes { buf in
                let l = UnsafeRawBufferPointer(buf)
                prefilter.scan(l)
                return (prefilter.signatures(inLine: l) ?? [-1], prefilter.lastLineHadExtra)
            }
        }
        // image-reflector-controller#105's message (there at level error) at info: no signature
        // literal, no `error` anywhere, only the words `unable to`.
        let unknown = scan(#"{"level":"info","ts":"2021-02-11T10:23:21.766Z","logger":"setup","msg":"unable to open the Badger database"}"#)
        #expect(unknown.extra)
        let healthy = scan(#"{"level":"info","ts":"2025-03-04T10:15:00.000Z","msg":"no changes since last reconciliation: observed revision 'main@sha1:0123456789abcdef0123456789abcdef01234567'"}"#)
        #expect(!healthy.extra)
        #expect(!healthy.signatures.isEmpty)  // source-controller-no-changes
    }
}

/// The prefilter changes nothing for mining: tricky records give the same templates with and
/// without it (the light header path must not skip an error record).
@Suite struct MiningPrefilterEquivalenceTests {
    static let lines = [
        // info with an error word only in the error field
        #"{"level":"info","ts":"2026-11-24T09:00:00.000Z","msg":"something happened","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","error":"Unable To parse thing"}"#,
        // level spelled `E` and `fatal`, no error word
        #"{"level":"E","ts":"2026-11-24T09:00:01.000Z","msg":"strange thing","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io"}"#,
        #"{"ts":"2026-11-24T09:00:02.000Z", "level": "fatal", "msg":"strange thing","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io"}"#,
        // debug: never mined
        #"{"level":"debug","ts":"2026-11-24T09:00:03.000Z","msg":"cannot do it","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io"}"#,
        // healthy
        #"{"level":"info","ts":"2026-11-24T09:00:04.000Z","msg":"Reconciliation finished in 2.117s, next run in 10m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps"}"#,
        // klog, and plain text (pflag's `unknown flag: --%s` as cobra prints it; no level)
        "E1124 09:00:05.000000       1 reflector.go:138] strange thing",
        "Error: unknown flag: --storage-adv-addr2",
    ]

    @Test func sameTemplatesWithAndWithoutThePrefilter() throws {
        func mined(prefilter: Bool) throws -> [UnmatchedError] {
            let scanner = LogScanner(patterns: PatternLoader.shipped().set, prefilter: prefilter)
            let (fd, _) = try tempFile(Array((Self.lines.joined(separator: "\n") + "\n").utf8))
            defer { try? fd.close() }
            scanner.scan(fd: fd, name: "kustomize-controller.log", fileName: "kustomize-controller.log")
            return scanner.result.unmatchedErrors
        }
        let with = try mined(prefilter: true)
        #expect(with == (try mined(prefilter: false)))
        #expect(with.map(\.template).sorted() == ["Error: unknown flag: --storage-adv-addr2", "something happened Unable To parse thing", "strange thing"])
        #expect(with.first { $0.template == "strange thing" }?.count == 3)
    }
}
