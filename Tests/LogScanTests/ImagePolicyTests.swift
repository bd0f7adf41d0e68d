import Foundation
import Testing
@testable import LogScan

/// An ImagePolicy that selects none of its repository's tags (the Helm/image trial's open item:
/// "an ImagePolicy with no matching tags gets no hypothesis"). The errors are image-reflector-
/// controller's policers' (internal/policy semver.go, alphabetical.go, numerical.go: `Latest`),
/// logged once by its eventLogf helper (`msg` the Ready message, `error` the reason, Failure:
/// imagepolicy_controller.go marks Ready False with metav1.StatusFailure) and once as
/// controller-runtime's `Reconciler error` (FLUX-LOGS.md 1.4).
@Suite struct ImagePolicyTests {
    /// A current-era image-reflector-controller record (FLUX-LOGS.md 1.2) of `kind`/`name`.
    func line(_ level: String, _ ts: String, _ kind: String, _ name: String, _ msg: String, extra: String = "") -> String {
        #"{"level":"\#(level)","ts":"\#(ts)","msg":"\#(msg)","controller":"\#(kind.lowercased())","controllerGroup":"image.toolkit.fluxcd.io","controllerKind":"\#(kind)","\#(kind)":{"name":"\#(name)","namespace":"apps"},"namespace":"apps","name":"\#(name)","reconcileID":"5e0f3b1c-2a4d-4c6e-9f8a-7b6c5d4e3f2a"\#(extra)}"#
    }

    /// One failed reconciliation of ImagePolicy apps/checkout: the eventLogf line and the
    /// `Reconciler error` 2 ms later, after a successful scan of its ImageRepository.
    func attempt(_ minute: Int, _ error: String) -> [String] {
        let m = String(format: "%02d", minute)
        return [line("info", "2026-11-24T13:\(m):01.649Z", "ImageRepository", "checkout", "successful scan: found 41 tags with checksum 9c1e5a77"),
                line("error", "2026-11-24T13:\(m):02.289Z", "ImagePolicy", "checkout", error, extra: #","error":"Failure""#),
                line("error", "2026-11-24T13:\(m):02.291Z", "ImagePolicy", "checkout", "Reconciler error", extra: #","error":"\#(error)""#)]
    }

    static func incidents(_ lines: [String]) throws -> [Incident] {
        try TransientTests.incidents([("image-reflector-controller.log", lines)])
    }

    @Test(arguments: [
        // semver range with no tag in it
        "unable to determine latest version from provided list",
        // spec.filterTags.pattern kept none
        "version list argument cannot be empty",
        // numerical order, extract left a word (Go's %s inside single quotes)
        "failed to parse invalid numeric value 'latest'",
    ])
    func eachPolicerErrorIsThePolicy(_ error: String) throws {
        let found = try Self.incidents([21, 26, 31].flatMap { attempt($0, error) })
        #expect(found.count == 1)
        let incident = try #require(found.first)
        #expect(incident.upstream == ObjectRef(kind: "ImagePolicy", namespace: "apps", name: "checkout"))
        #expect(incident.status == .open)
        let first = try #require(incident.hypotheses.first)
        #expect(first.id == "image-policy-no-match")
        // The scans that succeed speak for it: the registry is not the cause.
        #expect(first.evidenceFor.contains { $0.contains("[image-scan-succeeded ×3, first 13:21:01") })
        #expect(!incident.hypotheses.contains { $0.id == "image-scan-failed" || $0.id == "registry-auth-failed" })
        // The checks name the policy in its namespace.
        #expect(first.checks.contains { $0.hasPrefix("kubectl -n apps get imagepolicy checkout -o jsonpath=") })
    }

    /// The release the range waited for is pushed: the policy resolves (image-reflector-controller's
    /// Ready message, `Latest image tag for %s resolved to %s (previously %s:%s)`) and the incident
    /// with it.
    @Test func aResolvedTagEndsIt() throws {
        let resolved = line("info", "2026-11-24T13:36:02.291Z", "ImagePolicy", "checkout",
                            "Latest image tag for ghcr.io/acme/checkout resolved to 3.0.0 (previously ghcr.io/acme/checkout:2.14.3)")
        let found = try Self.incidents([21, 26].flatMap { attempt($0, "unable to determine latest version from provided list") } + [resolved])
        #expect(found.count == 1)
        #expect(found.first?.status == .resolved)
        #expect(found.first?.hypotheses.first?.id == "image-policy-no-match")
    }
}
