import Foundation
import Testing

/// A Flux installed in namespace `flux` (trial 18, defect 02), read as a sidecar reads it: the
/// kubelet's `/var/log/pods/flux_<pod>_<uid>/manager/0.log` files, whose records name
/// `source-controller.flux.svc.cluster.local.` (FLUX-LOGS.md 3.2). The report's checks and fixes
/// about Flux itself look in `flux` (docs/OUTPUT.md "The namespace Flux runs in"); `explain` keeps
/// the placeholder and says what it is.
@Suite struct FluxNamespaceReportTests {
    static func record(_ ts: String, _ kind: String, _ name: String, _ msg: String, extra: String = "") -> String {
        let group = kind == "Kustomization" ? "kustomize.toolkit.fluxcd.io" : "source.toolkit.fluxcd.io"
        return #"{"level":"info","ts":"\#(ts)","msg":"\#(msg)","controller":"\#(kind.lowercased())","controllerGroup":"\#(group)","controllerKind":"\#(kind)","\#(kind)":{"name":"\#(name)","namespace":"flux"},"namespace":"flux","name":"\#(name)","reconcileID":"a6a3a450-6513-270e-269e-0d37f2a74de4"\#(extra)}"#
    }

    /// kustomize-controller's downloads from source-controller.flux time out for 25 minutes while
    /// source-controller reconciles GitRepository flux/fleet every minute.
    static func podLogs() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flux-logscan-fluxns-\(getpid())-\(UUID().uuidString.prefix(8))")
        let url = "http://source-controller.flux.svc.cluster.local./gitrepository/flux/fleet/7c5792c17bd2fb15b570dba9b44688c79cae2f64.tar.gz"
        var kustomize: [String] = [], source: [String] = []
        for k in 0..<90 {
            let s = 30 + k * 17
            kustomize.append(record(String(format: "2026-11-24T02:%02d:%02d.005Z", 41 + s / 60, s % 60), "Kustomization", k % 2 == 0 ? "apps" : "infrastructure",
                                    "request failed", extra: #","error":"Get \"\#(url)\": dial tcp 10.96.12.34:80: i/o timeout","method":"GET","url":"\#(url)""#))
        }
        for m in 0..<30 {
            source.append(record(String(format: "2026-11-24T%02d:%02d:10.000Z", 2 + (40 + m) / 60, (40 + m) % 60), "GitRepository", "fleet",
                                 "no changes since last reconciliation: observed revision 'main@sha1:7c5792c17bd2fb15b570dba9b44688c79cae2f64'"))
        }
        for (pod, lines) in [("kustomize-controller-5d4b86b547-kqr2q", kustomize), ("source-controller-6d9c7c8f5-x7k2p", source)] {
            let container = dir.appendingPathComponent("var/log/pods/flux_\(pod)_0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e/manager")
            try FileManager.default.createDirectory(at: container, withIntermediateDirectories: true)
            try (lines.joined(separator: "\n") + "\n").write(to: container.appendingPathComponent("0.log"), atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func theReportLooksForFluxWhereItRuns() throws {
        let dir = try Self.podLogs()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try run(["--format", "json", dir.appendingPathComponent("var/log/pods").path])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let h = try #require((incidents.first?["hypotheses"] as? [[String: Any]])?.first)
        #expect(h["id"] as? String == "networkpolicy-blocks-artifact-port")
        let steps = (h["checks"] as? [String] ?? []) + (h["remediation"] as? [String] ?? [])
        #expect(steps.contains("kubectl -n flux get networkpolicy"), "\(steps)")
        #expect(steps.contains("kubectl -n flux get endpoints source-controller   # ready endpoints mean source-controller itself is serving"), "\(steps)")
        #expect(steps.contains { $0.hasPrefix("kubectl -n flux run artifact-probe --rm -it --restart=Never --image=busybox:1.36 --labels=app=kustomize-controller -- wget -q -S -O /dev/null -T 5 http://source-controller.flux.svc.cluster.local./ ") }, "\(steps)")
        #expect(!steps.contains { $0.contains("flux-system") }, "\(steps)")
        let text = try run([dir.appendingPathComponent("var/log/pods").path]).stdout
        #expect(String(decoding: text, as: UTF8.self).contains("$ kubectl -n flux get endpoints source-controller"))
    }

    @Test func explainKeepsThePlaceholderAndSaysWhatItIs() throws {
        let out = String(decoding: try run(["explain", "networkpolicy-blocks-artifact-port"]).stdout, as: UTF8.self)
        #expect(out.contains("  $ kubectl -n <flux-namespace> get endpoints source-controller"), "\(out)")
        #expect(out.contains("<flux-namespace>: the namespace Flux's controllers run in, flux-system unless"), "\(out)")
    }
}
