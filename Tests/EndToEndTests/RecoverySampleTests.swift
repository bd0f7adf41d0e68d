import Foundation
import Testing

/// The recovery of a resolved incident as the reports show it, on the OOM-killed source-controller
/// sample: kustomize-controller's downloads are refused until 10:08:25.468 (apps, line 30); apps
/// applies at 10:08:57.950 (line 31) and infrastructure at 10:09:01.252 (line 33), so the
/// incident recovered when infrastructure did.
@Suite struct RecoverySampleTests {
    let sample = "samples/oom-killed-source-controller"

    @Test func jsonNamesTheLastObjectToRecoverAndItsRecord() throws {
        let r = try run(["scan", "--format", "json", sample])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let resolved = try #require(incidents.first { $0["status"] as? String == "resolved" })
        let recovery = try #require(resolved["recovery"] as? [String: Any])
        #expect(recovery["time"] as? String == "2026-11-25T10:09:01.252Z")
        #expect(recovery["exact"] as? Bool == true)
        #expect(recovery["object"] as? String == "Kustomization/flux-system/infrastructure")
        #expect(recovery["signature"] as? String == "kustomization-applied")
        #expect(recovery["controller"] as? String == "kustomize-controller")
        #expect(recovery["source"] as? String == "\(sample)/kustomize-controller.log")
        #expect(recovery["line"] as? Int == 33)
        for i in incidents where i["status"] as? String == "open" { #expect(i["recovery"] is NSNull) }
    }

    /// 10:09:01.252 − 10:08:25.468 = 35.784 s, written `36s` (`goDuration`: whole seconds from 10 s up).
    @Test func textShowsWhenAndWhere() throws {
        let r = try run(["scan", sample])
        let line = try #require(r.text.split(separator: "\n").first { $0.hasPrefix("    recovered:") })
        #expect(line.hasPrefix("    recovered:   10:09:01 UTC, 36s after the last failure: Kustomization/flux-system/infrastructure healthy"))
        #expect(line.hasSuffix("(kustomization-applied, kustomize-controller, \(sample)/kustomize-controller.log:33)"))
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
}
