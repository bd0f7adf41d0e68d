import Foundation
import Testing

/// The recovery of a resolved incident as the reports show it, on the OOM-killed source-controller
/// sample: kustomize-controller's downloads are refused until 10:08:25.468 (apps, line 30); apps
/// finishes its reconciliation at 10:08:57.994 (line 32) and infrastructure at 10:09:01.296 (line
/// 34), so the incident recovered when infrastructure did. (Their `server-side apply completed`
/// lines 31 and 33 come before the health checks and prove nothing yet: FLUX-LOGS.md 1.4, 3.3.)
@Suite struct RecoverySampleTests {
    let sample = "samples/oom-killed-source-controller"

    @Test func jsonNamesTheLastObjectToRecoverAndItsRecord() throws {
        let r = try run(["scan", "--format", "json", sample])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let resolved = try #require(incidents.first { $0["status"] as? String == "resolved" })
        let recovery = try #require(resolved["recovery"] as? [String: Any])
        #expect(recovery["time"] as? String == "2026-11-25T10:09:01.296Z")
        #expect(recovery["exact"] as? Bool == true)
        #expect(recovery["object"] as? String == "Kustomization/flux-system/infrastructure")
        #expect(recovery["signature"] as? String == "kustomization-reconciliation-finished")
        #expect(recovery["controller"] as? String == "kustomize-controller")
        #expect(recovery["source"] as? String == "\(sample)/kustomize-controller.log")
        #expect(recovery["line"] as? Int == 34)
        for i in incidents where i["status"] as? String == "open" { #expect(i["recovery"] is NSNull) }
    }

    /// 10:09:01.296 − 10:08:25.468 = 35.828 s, written `36s` (`goDuration`: whole seconds from 10 s up).
    @Test func textShowsWhenAndWhere() throws {
        let r = try run(["scan", sample])
        let line = try #require(r.text.split(separator: "\n").first { $0.hasPrefix("    recovered:") })
        #expect(line.hasPrefix("    recovered:   10:09:01 UTC, 36s after the last failure: Kustomization/flux-system/infrastructure healthy"))
        #expect(line.hasSuffix("(kustomization-reconciliation-finished, kustomize-controller, \(sample)/kustomize-controller.log:34)"))
    }

    /// The fixes of a resolved incident are for its next time; an open one's are for now (the
    /// NetworkPolicy :9090 sample ends still failing).
    @Test func aResolvedIncidentsFixesAreForItsNextTime() throws {
        let resolved = try run(["scan", sample]).text
        #expect(resolved.contains("\n       fix, should it come back:\n"))
        #expect(!resolved.contains("\n       fix:\n"))
        let open = try run(["scan", "samples/networkpolicy-9090"]).text
        #expect(open.contains("[1] ERROR open"))
        #expect(open.contains("\n       fix:\n"))
        #expect(!open.contains("should it come back"))
    }

    /// The mission's case, cut where a live capture often ends: the health check failed at
    /// 19:05:10 (line 2) and the next reconciliation has applied at 19:10:10 (line 3) and is
    /// running its health checks again (the sample's full log shows them fail). The apply proves
    /// nothing yet (FLUX-LOGS.md 1.4, 3.3): the incident stays open, with no recovery.
    @Test func anApplyBeforeTheHealthChecksDoesNotResolve() throws {
        let log = try String(contentsOf: packageRoot.appendingPathComponent("samples/health-check-timeout/kustomize-controller.log"), encoding: .utf8)
        let firstThree = log.split(separator: "\n").prefix(3).joined(separator: "\n") + "\n"
        #expect(firstThree.contains("server-side apply completed") && firstThree.contains("health check failed"))
        let r = try run(["scan", "--format", "json", "-"], stdin: Data(firstThree.utf8))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        #expect(incidents.first?["status"] as? String == "open")
        #expect(incidents.first?["recovery"] is NSNull)
    }
}

/// `began:` in the text report: a failure that says how long it ran began that long before it was
/// logged (docs/OUTPUT.md "When the first failed attempt began").
@Suite struct BeganLineTests {
    /// health-check-timeout/kustomize-controller.log:2 at 19:05:10.650, `Reconciliation failed after
    /// 5m1.973s`: the reconciliation began at 19:00:08.677, five minutes before `when:` starts.
    /// networkpolicy-9090-timeout/kustomize-controller.log at 02:49:47.484, `after 8m35.093410576s`:
    /// 02:41:12.391, while the first `i/o timeout` is logged 30 s later (a dial timeout).
    @Test(arguments: [
        ("samples/health-check-timeout", "    began:       19:00:08 UTC, the first failed attempt (kustomization-reconciliation-failed after 5m1.973s at 19:05:10)\n"),
        ("samples/networkpolicy-9090-timeout/kustomize-controller.log",
         "    began:       02:41:12 UTC, the first failed attempt (kustomization-reconciliation-failed after 8m35.093410576s at 02:49:47)\n"),
    ])
    func theFirstFailedAttemptsStartIsShown(_ input: String, _ line: String) throws {
        let r = try run(["--color", "never", input])
        #expect(r.text.contains(line), "\(r.text)")
    }

    /// pair-4-a's first `Reconciliation failed after 1.840578367s` (11:00:11) began 2 s before the
    /// span: nothing to add to `when:`.
    @Test func aFailureWithinSecondsAddsNoLine() throws {
        let r = try run(["--color", "never", "samples/pair-4-a"])
        #expect(r.text.contains("    when:        2026-11-24 11:00:11"))
        #expect(!r.text.contains("began:"))
    }
}
