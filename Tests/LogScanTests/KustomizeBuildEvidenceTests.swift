import Foundation
import Testing
@testable import LogScan

/// Every `kustomize build failed:` is evidence for kustomize-build-failed (trial 12: a bad
/// merge's YAML parse error, which kustomize wraps as `MalformedYAMLError: yaml: line N: ... in
/// File: <file>`, got 50 % and no evidence). kustomize-controller's line: FLUX-LOGS.md 1.4, 3.9.
@Suite struct KustomizeBuildEvidenceTests {
    func failed(_ ts: String, _ error: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"Reconciliation failed after 512.1ms, next try in 5m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"shop","namespace":"team-a"},"namespace":"team-a","name":"shop","reconcileID":"6513270e-269e-4d37-b2a7-4de452e6b438","revision":"main@sha1:0123456789abcdef0123456789abcdef01234567","error":"\#(error)"}"#
    }

    func first(_ error: String) throws -> RankedHypothesis {
        let found = try TransientTests.incidents([("kustomize-controller.log",
            [failed("2025-06-10T04:00:00.000Z", error), failed("2025-06-10T04:05:00.000Z", error)])])
        return try #require(found.first?.hypotheses.first)
    }

    @Test func aFileThatDoesNotParse() throws {
        let h = try first(#"kustomize build failed: MalformedYAMLError: yaml: line 3: mapping values are not allowed in this context in File: kustomization.yaml"#)
        #expect(h.id == "kustomize-build-failed")
        #expect(h.confidence > 0.9)
        #expect(h.evidenceFor.contains { $0.contains("[kustomize-malformed-yaml ×2") })
    }

    /// A kustomize error no signature knows still names the build as the cause.
    @Test func anErrorNoSignatureKnows() throws {
        let h = try first(#"kustomize build failed: trouble configuring builtin PatchTransformer with config: `\npath: patch.yaml\n`: failed to get the patch file from path(patch.yaml)"#)
        #expect(h.id == "kustomize-build-failed")
        #expect(h.confidence > 0.7)
        #expect(h.evidenceFor.contains { $0.contains("[kustomize-build-failed ×2") })
    }
}
