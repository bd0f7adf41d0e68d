import Testing
import Foundation
@testable import LogScan

/// Decodes `lines` as one input named `name` and returns its records (through the scanner's
/// stream stage: fragments re-joined, continuation lines grouped).
func records(_ lines: [String], name: String = "input.log", year: Int = 2026) throws -> [Record] {
    let scanner = LogScanner(patterns: PatternSet())
    scanner.referenceYear = year
    var collected: [Record] = []
    scanner.recordObserver = { collected.append($0) }
    let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
    let (fd, path) = try tempFile(bytes)
    defer { try? fd.close() }
    scanner.scan(fd: fd, name: name, fileName: name)
    _ = path
    return collected
}

/// One golden test per envelope and per record encoding (issue "Read every shape"); each line is
/// documented or real, its source named.
@Suite struct EnvelopeTests {
    static let json = #"{"level":"error","ts":"2024-05-24T10:10:26.095Z","msg":"Reconciliation failed after 3m35.317406763s, next try in 5m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"5edd4a48-c4f4-4c6b-8c25-bedd346af378","error":"failed to download archive: connection refused"}"#

    func expectDecoded(_ r: Record, time: String = "2024-05-24T10:10:26.095Z") {
        #expect(r.format == .json)
        #expect(r.time?.rfc3339 == time)
        #expect(r.level == .error)
        #expect(r.controller == "kustomize-controller")
        #expect(r.object?.description == "Kustomization/flux-system/apps")
        #expect(r.message == "Reconciliation failed after 3m35.317406763s, next try in 5m0s")
        #expect(r.error == "failed to download archive: connection refused")
    }

    @Test func kubectlTimestamps() throws {
        // kubelet logs.go: RFC3339NanoFixed then one space (FLUX-LOGS.md 2).
        let r = try records(["2024-05-24T10:10:26.095734021Z " + Self.json])
        #expect(r.count == 1)
        expectDecoded(r[0])
    }

    @Test func kubectlPrefix() throws {
        // kubectl logs.go addPrefixIfNeeded: "[pod/%s/%s] ".
        let r = try records(["[pod/kustomize-controller-5d4b86b547-kqr2q/manager] " + Self.json], name: "-")
        expectDecoded(r[0])
        #expect(r[0].pod == "kustomize-controller-5d4b86b547-kqr2q")
    }

    @Test func kubectlNoticeIsNotARecordAndNamesTheController() throws {
        // kubectl prints "Found N pods, using pod/NAME" when a selector matches several pods.
        let setup = #"{"level":"info","ts":"2024-05-24T10:00:00.000Z","logger":"setup","msg":"starting manager"}"#
        let r = try records(["Found 2 pods, using pod/source-controller-6ff87cdb64-8wv2j", setup], name: "-")
        #expect(r.count == 1)
        #expect(r[0].controller == "source-controller")
    }

    @Test func tailHeadersNameTheStream() throws {
        // GNU tail prints "==> FILE <==" before each file's lines.
        let setup = #"{"level":"info","ts":"2024-05-24T10:00:00.000Z","logger":"setup","msg":"starting manager"}"#
        let scanner = LogScanner(patterns: PatternLoader.shipped().set)
        var starts: [String] = []
        scanner.eventObserver = { if $0.signature == "controller-starting" { starts.append($0.controller) } }
        let bytes = Array(["==> /logs/source-controller.log <==", setup, "", "==> /logs/helm-controller.log <==", setup].joined(separator: "\n").utf8 + [10])
        let (fd, _) = try tempFile(bytes)
        defer { try? fd.close() }
        scanner.scan(fd: fd, name: "-", fileName: nil)
        #expect(starts == ["source-controller", "helm-controller"])
    }

    @Test func sternPrefix() throws {
        // stern's "<pod> <container> " prefix [real, source-controller#402].
        let r = try records(["kustomize-controller-5d4b86b547-kqr2q manager " + Self.json], name: "-")
        expectDecoded(r[0])
        #expect(r[0].pod == "kustomize-controller-5d4b86b547-kqr2q")
    }

    /// `Envelope.isDeploymentPod`: `<deployment>-<pod-template-hash>-<suffix>` drawn from
    /// Kubernetes' `bcdfghjklmnpqrstvwxz2456789` (the pod names in the samples' CRI paths, e.g.
    /// `source-controller-6ff87cdb64-q7ztl`).
    @Test func deploymentPodNames() {
        #expect(Envelope.isDeploymentPod("source-controller-6ff87cdb64-q7ztl"))
        #expect(Envelope.isDeploymentPod("kustomize-controller-7bc8dd6d5b-x2tqk"))
        #expect(!Envelope.isDeploymentPod("source-controller"))
        #expect(!Envelope.isDeploymentPod("source-controller-abc12"))
        #expect(!Envelope.isDeploymentPod("kustomize-controller-5f7c9b8d7-abcde"))  // vowels: not drawn so
        #expect(!Envelope.isDeploymentPod("some-words"))
    }

    /// `Envelope.isTableHeader`: the header rows `kubectl get` and `flux get` print (capital
    /// column names two or more spaces apart, k8s.io/cli-runtime's table printer), and not a log
    /// line, a sentence in capitals or a row of the table.
    @Test func tableHeaders() {
        func header(_ s: String) -> Bool { Array(s.utf8).withUnsafeBytes { Envelope.isTableHeader($0) } }
        #expect(header("NAME                                       READY   STATUS    RESTARTS   AGE"))
        #expect(header("NAMESPACE       NAME                            REVISION                SUSPENDED       READY   MESSAGE"))
        #expect(header("NAME         \tREVISION             \tSUSPENDED\tREADY\tMESSAGE"))
        #expect(header("LAST SEEN   TYPE      REASON                  OBJECT                              MESSAGE"))
        #expect(header("NAMESPACE     LAST SEEN   TYPE      REASON   OBJECT   MESSAGE\r"))
        #expect(!header("NAME READY STATUS RESTARTS AGE"))          // one blank apart: a sentence
        #expect(!header("NAME   READY"))                            // two columns
        #expect(!header("ERROR   FAILED   TO   RECONCILE"))         // not a table's first column
        #expect(!header("flux-system     gitrepository/flux-system       main@sha1:dd1f1fe7      False"))
        #expect(!header("E1124 10:00:05.000000       1 leaderelection.go:332] error retrieving resource lock"))
        #expect(!header(Self.json))
    }

    @Test func sternLikeWordsWithoutARecordAreNotPeeled() throws {
        let r = try records(["some-words here and more text"], name: "-")
        #expect(r[0].format == .plain)
        #expect(r[0].message == "some-words here and more text")
    }

    @Test func criFullRecord() throws {
        // [real] CRI line from source-controller#192: "<ts> stderr F {json}".
        let r = try records(["2024-05-24T10:10:26.095734021Z stderr F " + Self.json])
        expectDecoded(r[0])
    }

    @Test func criPartialRecordsAreRejoined() throws {
        // containerd splits lines over max_container_log_line_size into P records then F.
        let json = Self.json
        let a = String(json.prefix(100)), b = String(json.dropFirst(100).prefix(150)), c = String(json.dropFirst(250))
        let r = try records(["2024-05-24T10:10:26.1Z stderr P " + a, "2024-05-24T10:10:26.1Z stderr P " + b, "2024-05-24T10:10:26.1Z stderr F " + c])
        #expect(r.count == 1)
        expectDecoded(r[0])
        #expect(r[0].location.line == 1)
    }

    @Test func dockerJSONFileWithPartialChunks() throws {
        // Docker json-file: {"log":"...\n","stream":"stderr","time":"..."}; chunks lack the "\n".
        func docker(_ s: String, last: Bool) -> String {
            let escaped = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return #"{"log":""# + escaped + (last ? "\\n" : "") + #"","stream":"stderr","time":"2024-05-24T10:10:26.09573402Z"}"#
        }
        let json = Self.json
        let r = try records([docker(String(json.prefix(120)), last: false), docker(String(json.dropFirst(120)), last: true)])
        #expect(r.count == 1)
        expectDecoded(r[0])
    }

    @Test func fluxLogsOutput() throws {
        // Golden line of flux2 cmd/flux/testdata/logs/all-logs.txt.
        let r = try records(["2022-08-02T12:56:04.679Z error GitRepository/flux-system.flux-system - no changes since last reconcilation: observed revision "])
        #expect(r[0].format == .fluxLogs)
        #expect(r[0].time?.rfc3339 == "2022-08-02T12:56:04.679Z")
        #expect(r[0].level == .error)
        #expect(r[0].object?.description == "GitRepository/flux-system/flux-system")
        #expect(r[0].controller == "source-controller")
        #expect(r[0].message == "no changes since last reconcilation: observed revision")
    }

    @Test func oldFluxLogsWithHTMLEscapes() throws {
        // flux CLI < v0.27 used html/template: quotes as &#34; [real, flux2#2067].
        let r = try records([#"2021-11-05T10:11:12.345Z error Kustomization/apps.flux-system - Reconciliation failed after 3m44s, next try in 5m0s failed to download artifact, error: Get &#34;http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/abc.tar.gz&#34;: dial tcp 10.43.27.117:80: connect: connection refused"#])
        #expect(r[0].format == .fluxLogs)
        #expect(r[0].message.contains(#"Get "http://source-controller"#))
        #expect(r[0].object?.description == "Kustomization/flux-system/apps")
    }
}

@Suite struct RecordEncodingTests {
    @Test func zapConsoleWithFields() throws {
        // FLUX-LOGS.md 1.3 (zap console encoder with Flux's options).
        let line = "2025-03-04T10:15:02.118Z\tINFO\tReconciliation finished in 2.1s, next run in 10m0s\t{\"controller\": \"kustomization\", \"controllerGroup\": \"kustomize.toolkit.fluxcd.io\", \"controllerKind\": \"Kustomization\", \"Kustomization\": {\"name\": \"apps\", \"namespace\": \"flux-system\"}, \"namespace\": \"flux-system\", \"name\": \"apps\", \"revision\": \"main@sha1:0123\"}"
        let r = try records([line])
        #expect(r[0].format == .console)
        #expect(r[0].time?.rfc3339 == "2025-03-04T10:15:02.118Z")
        #expect(r[0].level == .info)
        #expect(r[0].controller == "kustomize-controller")
        #expect(r[0].object?.description == "Kustomization/flux-system/apps")
        #expect(r[0].message == "Reconciliation finished in 2.1s, next run in 10m0s")
    }

    @Test func zapConsoleWithLogger() throws {
        // [real, other operator, same encoder] monzo/egress-operator#19 (FLUX-LOGS.md 1.3).
        let r = try records(["2021-04-29T10:12:51.869Z\tERROR\tsetup\tproblem running manager\t{\"error\": \"leader election lost\"}"])
        #expect(r[0].format == .console)
        #expect(r[0].level == .error)
        #expect(r[0].logger == "setup")
        #expect(r[0].message == "problem running manager")
        #expect(r[0].error == "leader election lost")
    }

    @Test func klogWithYearFromNeighbours() throws {
        // [real] flux2#1395; klog writes no year: the JSON record before it gives 2021.
        let before = #"{"level":"info","ts":"2021-05-06T14:35:41.000Z","logger":"setup","msg":"starting manager"}"#
        let r = try records([before, "I0506 14:35:42.034270       7 leaderelection.go:243] attempting to acquire leader lease flux-system/kustomize-controller-leader-election..."], year: 2026)
        #expect(r[1].format == .klog)
        #expect(r[1].time?.rfc3339 == "2021-05-06T14:35:42.034Z")
        #expect(r[1].level == .info)
        #expect(r[1].message == "attempting to acquire leader lease flux-system/kustomize-controller-leader-election...")
    }

    @Test func klogYearFromNowWhenAlone() throws {
        let r = try records(["E1124 02:41:12.479000       1 reflector.go:138] failed to list"], year: 2026)
        #expect(r[0].time?.rfc3339 == "2026-11-24T02:41:12.479Z")
        #expect(r[0].level == .error)
    }

    /// CONTRACT.md: klog's year "comes from neighbouring records, the file's time, else `--now`".
    /// A trial's New Year: `E1231 23:58:10` then `E0101 00:00:10` (klog's `Lmmdd hh:mm:ss.uuuuuu`
    /// header, k8s.io/klog) in a file written at 2027-01-01T00:05Z were dated 2027-12-31 and
    /// 2027-01-01, or with `--now` 2026-12-31 and 2026-01-01: time ran backwards.
    @Test func klogYearCrossesNewYearForwards() throws {
        let lines = [
            "E1231 23:58:10.101344       1 leaderelection.go:367] failed to renew lease flux-system/kustomize-controller-leader-election: timed out waiting for the condition",
            "E0101 00:00:10.101344       1 leaderelection.go:367] failed to renew lease flux-system/kustomize-controller-leader-election: timed out waiting for the condition",
        ]
        let (fd, path) = try tempFile(Array((lines.joined(separator: "\n") + "\n").utf8))
        try? fd.close()
        defer { unlink(path) }
        var times = [timespec(tv_sec: 1_798_761_900, tv_nsec: 0), timespec(tv_sec: 1_798_761_900, tv_nsec: 0)]  // 2027-01-01T00:05:00Z
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        let scanner = LogScanner(patterns: PatternSet())
        scanner.referenceYear = 2026
        var collected: [Record] = []
        scanner.recordObserver = { collected.append($0) }
        scanner.scan(path: path)
        #expect(collected.map { $0.time?.rfc3339 } == ["2026-12-31T23:58:10.101Z", "2027-01-01T00:00:10.101Z"])
    }

    /// A controller's log often begins with client-go's klog lines, before its first JSON record
    /// (flux2#1395's `attempting to acquire leader lease`). Replayed from an archive, they took the
    /// year from the file's time (2026 here) instead of from the record after them (2021): the
    /// lines went five years ahead of their neighbours. Now they wait for that record, in order.
    @Test func klogBeforeTheFirstDatedRecordTakesItsYear() throws {
        let r = try records([
            "W0506 14:35:40.912000       7 client_config.go:617] Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.",
            "I0506 14:35:42.034270       7 leaderelection.go:243] attempting to acquire leader lease flux-system/kustomize-controller-leader-election...",
            #"{"level":"info","ts":"2021-05-06T14:35:42.500Z","logger":"setup","msg":"starting manager"}"#,
        ], year: 2026)
        #expect(r.map { $0.time?.rfc3339 } == ["2021-05-06T14:35:40.912Z", "2021-05-06T14:35:42.034Z", "2021-05-06T14:35:42.500Z"])
        #expect(r.map(\.format) == [.klog, .klog, .json])
        #expect(r.map(\.location.line) == [1, 2, 3])
        // A line before a record is not after it: June 1 before 2021-12-31 is 2021-06-01, not the
        // nearer 2022-06-01 (a trial's input).
        let june = try records([
            "E0601 14:35:52.000000       1 leaderelection.go:325] error retrieving resource lock flux-system/kustomize-controller-leader-election: context deadline exceeded",
            #"{"level":"info","ts":"2021-12-31T10:00:00.000Z","logger":"setup","msg":"starting manager"}"#,
        ], year: 2026)
        #expect(june.first?.time?.rfc3339 == "2021-06-01T14:35:52.000Z")
        // Across New Year: the last year that puts it before the record after it.
        let n = try records([
            "E1231 23:59:50.000000       1 leaderelection.go:367] failed to renew lease flux-system/kustomize-controller-leader-election: timed out waiting for the condition",
            #"{"level":"info","ts":"2021-01-01T00:00:05.000Z","logger":"setup","msg":"starting manager"}"#,
        ], year: 2026)
        #expect(n.map { $0.time?.rfc3339 } == ["2020-12-31T23:59:50.000Z", "2021-01-01T00:00:05.000Z"])
        // With no dated record at all they keep the file's year, as before.
        let alone = try records(["E1124 02:41:12.479000       1 reflector.go:138] failed to list", "plain text after it"], year: 2026)
        #expect(alone.map { $0.time?.rfc3339 } == ["2026-11-24T02:41:12.479Z", "2026-11-24T02:41:12.479Z"])
    }

    /// Records with no time before a stream's first record with one (a Go panic, a plain line)
    /// take that record's time; they had none, so their events were dropped (a trial: `0
    /// incidents` for a `no such host` line before a JSON record).
    @Test func untimedRecordsBeforeTheFirstTimeTakeItsTime() throws {
        let r = try records([
            "failed to checkout and determine revision: unable to clone 'https://github.com/acme/x': dial tcp: lookup github.com on 10.43.0.10:53: no such host",
            #"{"level":"info","ts":"2024-05-24T10:10:26.095Z","logger":"setup","msg":"starting manager"}"#,
            "plain line after it",
        ])
        #expect(r.map { $0.time?.rfc3339 } == ["2024-05-24T10:10:26.095Z", "2024-05-24T10:10:26.095Z", "2024-05-24T10:10:26.095Z"])
        #expect(r.map(\.timeInherited) == [true, false, true])
        #expect(r.map(\.location.line) == [1, 2, 3])
    }

    /// `tail` headers start another file: its klog lines wait for its own first dated record,
    /// not the previous file's (a trial: `tail -n +1 source-controller.log kustomize-controller.log`
    /// dated kustomize-controller's `E0101` by source-controller's 2020 record).
    @Test func aTailHeaderStartsTheWaitAgain() throws {
        let r = try records([
            "==> source-controller.log <==",
            #"{"level":"info","ts":"2020-06-01T23:00:00.000Z","logger":"setup","msg":"starting manager"}"#,
            "",
            "==> kustomize-controller.log <==",
            "E0101 00:10:00.000000       1 leaderelection.go:325] error retrieving resource lock flux-system/kustomize-controller-leader-election: context deadline exceeded",
            #"{"level":"info","ts":"2022-01-01T00:20:00.000Z","logger":"setup","msg":"starting manager"}"#,
        ])
        #expect(r.map { $0.time?.rfc3339 } == ["2020-06-01T23:00:00.000Z", "2022-01-01T00:10:00.000Z", "2022-01-01T00:20:00.000Z"])
        #expect(r.map(\.controller) == ["source-controller", "kustomize-controller", "kustomize-controller"])
    }

    /// A controller that cannot reach the API server logs only client-go's lease lines
    /// (leaderelection.go: `error retrieving resource lock %v: %v`, `failed to renew lease %v:
    /// %v`), klog text naming no controller; in a stream with no name (stdin) they were
    /// `unknown`. The lease's name says whose they are (`<controller>-leader-election`).
    @Test func klogLeaseLinesNameTheirController() throws {
        let r = try records([
            #"E0524 10:10:26.095000       1 leaderelection.go:325] error retrieving resource lock flux-system/kustomize-controller-leader-election: Get "https://10.96.0.1:443/apis/coordination.k8s.io/v1/namespaces/flux-system/leases/kustomize-controller-leader-election": context deadline exceeded"#,
            "E0524 10:10:36.095000       1 leaderelection.go:367] failed to renew lease flux-system/kustomize-controller-leader-election: timed out waiting for the condition",
        ], name: "-")
        #expect(r.map(\.controller) == ["kustomize-controller", "kustomize-controller"])
    }

    /// Where the year comes from: a neighbour's time gives the nearest date, a bound (the file's
    /// time, `--now`) the latest date no more than a day after it; February 29 finds its leap year.
    @Test func klogYearRules() {
        func at(_ s: String) -> Timestamp { Timestamp.parse(s)! }
        let neighbour = KlogYear(reference: at("2026-12-31T23:59:00Z"), isBound: false)
        #expect(neighbour.time(month: 1, day: 1, hour: 0, minute: 0, second: 10, millis: 0)?.rfc3339 == "2027-01-01T00:00:10.000Z")
        #expect(neighbour.time(month: 12, day: 30, hour: 8, minute: 0, second: 0, millis: 0)?.rfc3339 == "2026-12-30T08:00:00.000Z")
        let now = KlogYear(reference: at("2026-12-01T20:00:00Z"), isBound: true)
        #expect(now.time(month: 12, day: 31, hour: 23, minute: 58, second: 10, millis: 0)?.rfc3339 == "2025-12-31T23:58:10.000Z")
        #expect(now.time(month: 12, day: 2, hour: 10, minute: 0, second: 0, millis: 0)?.rfc3339 == "2026-12-02T10:00:00.000Z")
        #expect(now.time(month: 2, day: 29, hour: 1, minute: 0, second: 0, millis: 0)?.rfc3339 == "2024-02-29T01:00:00.000Z")
    }

    @Test func logfmtReformatted() throws {
        // The flux2#4811 record as a log tool re-formats it: `level=... msg="..." error="..."`.
        let line = #"ts=2024-05-24T10:10:26.095Z level=info msg="request failed" controller=kustomization controllerGroup=kustomize.toolkit.fluxcd.io controllerKind=Kustomization Kustomization.name=flux-system Kustomization.namespace=flux-system namespace=flux-system name=flux-system error="Get \"http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec.tar.gz\": dial tcp 10.43.89.232:80: connect: connection refused""#
        let r = try records([line])
        #expect(r[0].format == .logfmt)
        #expect(r[0].time?.rfc3339 == "2024-05-24T10:10:26.095Z")
        #expect(r[0].controller == "kustomize-controller")
        #expect(r[0].object?.description == "Kustomization/flux-system/flux-system")
        #expect(r[0].message == "request failed")
        #expect(r[0].error.hasSuffix("dial tcp 10.43.89.232:80: connect: connection refused"))
        #expect(r[0].error.hasPrefix(#"Get "http://"#))
    }

    @Test func goPanicIsOneRecord() throws {
        // Go runtime panic output (runtime/panic.go printpanics, traceback).
        let lines = [
            "panic: runtime error: invalid memory address or nil pointer dereference",
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1b2c3d4]",
            "",
            "goroutine 412 [running]:",
            "github.com/fluxcd/source-controller/internal/controller.(*GitRepositoryReconciler).reconcileSource(0xc000a1b2c0)",
            "\t/workspace/internal/controller/gitrepository_controller.go:512 +0x1d",
            "created by sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).Start.func2",
            "\t/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.17.2/pkg/internal/controller/controller.go:223 +0x2e",
            #"{"level":"info","ts":"2024-05-24T10:10:26.095Z","logger":"setup","msg":"starting manager"}"#,
        ]
        let r = try records(lines)
        #expect(r.count == 2)
        #expect(r[0].message.hasPrefix("panic: runtime error: invalid memory address"))
        #expect(r[0].message.contains("goroutine 412 [running]:"))
        #expect(r[0].message.hasSuffix("controller.go:223 +0x2e"))
        #expect(r[1].format == .json)
    }

    @Test func mixedStreamDecodesEachRecord() throws {
        let lines = [
            EnvelopeTests.json,
            "I0506 14:35:42.034270       7 leaderelection.go:243] attempting to acquire leader lease flux-system/kustomize-controller-leader-election...",
            "panic: boom",
            "",
            "goroutine 1 [running]:",
            "main.main()",
            "\t/workspace/main.go:12 +0x1d",
            "2021-04-29T10:12:51.869Z\tERROR\tsetup\tproblem running manager\t{\"error\": \"leader election lost\"}",
        ]
        let r = try records(lines, year: 2024)
        #expect(r.map(\.format) == [.json, .klog, .plain, .console])
        #expect(r[2].message.contains("main.main()"))
    }

    @Test func recordWithoutTimeInheritsItsPredecessorsMarked() throws {
        let r = try records([EnvelopeTests.json, "a plain line with no time"])
        #expect(r[1].time?.rfc3339 == "2024-05-24T10:10:26.095Z")
        #expect(r[1].timeInherited)
    }
}
