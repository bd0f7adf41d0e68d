import Foundation
import Testing

/// A record whose error runs to hundreds of KB (a kustomize build error quoting a whole
/// manifest, up to the 1 MiB line cap) keeps every line of the text report readable: capture
/// values are cut at `TextReport.captureLimit` (400 bytes, as the example lines) with `…`, in
/// the evidence and in `-v`; the JSON keeps them whole. Found by a fresh user's trial: one 1,048,270-character line.
@Suite struct TextWidthTests {
    /// kustomize-controller's `kustomize build failed: <reason>` (FLUX-LOGS.md 3.9 format, as the
    /// signature's own example) with a 300,000-byte reason.
    static let input: Data = {
        let reason = String(repeating: "x", count: 300_000)
        let line = #"{"level":"error","ts":"2025-03-04T10:20:12.500Z","msg":"Reconciliation failed after 82.4ms, next try in 5m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"8b0e6f5c-2d4a-4f3b-9c1e-7a6d5e4f3b2a","error":"kustomize build failed: \#(reason)"}"#
        return Data((line + "\n").utf8)
    }()

    @Test(arguments: [["scan", "-"], ["scan", "-v", "-"]])
    func noTextLineCarriesTheWholeValue(_ args: [String]) throws {
        let r = try run(args, stdin: Self.input)
        let evidence = try #require(r.text.split(separator: "\n").first { $0.contains("kustomize-build-failed ×1") })
        #expect(evidence.contains("reason=" + String(repeating: "x", count: 380)))
        #expect(evidence.contains("…"))
        let longest = r.text.split(separator: "\n").map(\.utf8.count).max() ?? 0
        #expect(longest < 4_000)
    }

    @Test func jsonKeepsTheWholeCapture() throws {
        let r = try run(["scan", "--format", "json", "-"], stdin: Self.input)
        let incident = try #require((try json(r.stdout)["incidents"] as? [[String: Any]])?.first)
        let signal = try #require((incident["signals"] as? [[String: Any]])?.first { $0["signature"] as? String == "kustomize-build-failed" })
        let reason = try #require((signal["captures"] as? [String: String])?["reason"])
        #expect(reason.utf8.count == 300_000)
    }
}
