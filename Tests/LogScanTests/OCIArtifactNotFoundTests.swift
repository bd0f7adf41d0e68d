import Foundation
import Testing
@testable import LogScan

/// An OCIRepository whose tag, repository or semver range names nothing (trial 12 #4: "OCI
/// artifact, tag or repository not found" as title and then no hypothesis). Errors:
/// go-containerregistry's `<METHOD> <url>: MANIFEST_UNKNOWN: manifest unknown` and
/// `unexpected status code 404 Not Found (HEAD responses have no body, use GET for details)`,
/// source-controller's `failed to pull artifact from '%s': %w` and `failed to determine the
/// artifact tag for '%s': no match found for semver: %s` (FLUX-LOGS.md 3.8).
@Suite struct OCIArtifactNotFoundTests {
    func failed(_ ts: String, _ error: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"Reconciler error","controller":"ocirepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"OCIRepository","OCIRepository":{"name":"podinfo-manifests","namespace":"team-b"},"namespace":"team-b","name":"podinfo-manifests","reconcileID":"8d116ece-1738-47d9-8d9c-172411e20b8f","error":"\#(error)"}"#
    }

    @Test(arguments: [
        "failed to pull artifact from 'oci://ghcr.io/acme/podinfo-manifests:v6.9.9': GET https://ghcr.io/v2/acme/podinfo-manifests/manifests/v6.9.9: MANIFEST_UNKNOWN: manifest unknown; map[Tag:v6.9.9]",
        "failed to pull artifact from 'oci://ghcr.io/acme/podinfo-manifests': HEAD https://ghcr.io/v2/acme/podinfo-manifests/manifests/v6.9.9: unexpected status code 404 Not Found (HEAD responses have no body, use GET for details)",
        "failed to determine the artifact tag for 'oci://ghcr.io/acme/podinfo-manifests': no match found for semver: >=7.0.0",
    ])
    func theReferenceNamesNothing(_ error: String) throws {
        let found = try TransientTests.incidents([("source-controller.log",
            [failed("2025-06-10T02:12:00.000Z", error), failed("2025-06-10T02:13:00.000Z", error)])])
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.id == "oci-artifact-not-found")
        #expect(first.checks.contains("kubectl -n team-b get ocirepository podinfo-manifests -o jsonpath='{.spec.url} {.spec.ref}{\"\\n\"}'"))
        #expect(first.remediation.contains("Then retry at once: flux reconcile source oci podinfo-manifests -n team-b"))
    }

    /// An ImageRepository's unknown repository stays image-scan-failed's, with no OCIRepository
    /// hypothesis beside it (samples/image-scan-failed).
    @Test func anImageScanIsNotAnOCIRepository() throws {
        let line = #"{"level":"error","ts":"2026-11-24T22:01:03.638Z","msg":"scan failed: GET https://ghcr.io/v2/acme/checkout-api/tags/list?n=1000: NAME_UNKNOWN: repository name not known to registry","controller":"imagerepository","controllerGroup":"image.toolkit.fluxcd.io","controllerKind":"ImageRepository","ImageRepository":{"name":"checkout-api","namespace":"flux-system"},"namespace":"flux-system","name":"checkout-api","reconcileID":"0571ee6d-0ce5-4ede-87ad-40341f2b3854","error":"ReadOperationFailed"}"#
        let found = try TransientTests.incidents([("image-reflector-controller.log", [line])])
        let ids = found.first?.hypotheses.map(\.id) ?? []
        #expect(ids.first == "image-scan-failed")
        #expect(!ids.contains("oci-artifact-not-found"))
    }
}
