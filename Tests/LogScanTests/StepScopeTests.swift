import Foundation
import Testing
@testable import LogScan

/// A step's `when`, `only_when` and `unless` read the incident's own signals and the window's
/// evidence about its objects, not another object's failure in the same window (open item of the
/// fifteenth session's note). Records are Flux's current JSON shape (FLUX-LOGS.md 1.2 third era):
/// source-controller's `Reconciler error` for an HTTP/S HelmRepository whose index answered 401
/// (helm/helm pkg/getter/httpgetter.go `failed to fetch %s : %s`, FLUX-LOGS.md 3.8) and for an
/// OCIRepository the registry refused (`UNAUTHORIZED: authentication required`, flux2#5089).
@Suite struct StepScopeTests {
    static func helmRepository401(_ ts: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"Reconciler error","controller":"helmrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"HelmRepository","HelmRepository":{"name":"internal","namespace":"flux-system"},"namespace":"flux-system","name":"internal","reconcileID":"4a5b6c7d-8e9f-4a0b-1c2d-3e4f5a6b7c8d","error":"failed to fetch Helm repository index: failed to cache index to temporary file: failed to fetch https://charts.internal.example.com/index.yaml : 401 Unauthorized"}"#
    }
    static func ociRepository401(_ ts: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"Reconciler error","controller":"ocirepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"OCIRepository","OCIRepository":{"name":"manifests","namespace":"flux-system"},"namespace":"flux-system","name":"manifests","reconcileID":"9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a","error":"failed to determine the artifact tag for 'oci://registry-1.docker.io/org/manifests': GET https://registry-1.docker.io/v2/org/manifests/tags/list?n=1000: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:org/manifests Type:repository]]"}"#
    }

    /// Both repositories fail after one credential rotation, minutes apart: each incident gets its
    /// own repository type's steps (basic auth for the HTTP/S one, a docker-registry secret for
    /// the OCI one). Both got both.
    @Test func anotherObjectsFailureInTheWindowDoesNotChooseTheSteps() throws {
        let lines = (0..<6).flatMap { k in
            [Self.helmRepository401("2024-10-22T09:\(String(format: "%02d", k * 5)):00.000Z"),
             Self.ociRepository401("2024-10-22T09:\(String(format: "%02d", k * 5)):30.000Z")]
        }
        let found = try TransientTests.incidents([("source-controller.log", lines)])
        let helm = try #require(found.first { $0.affected.map(\.kind) == ["HelmRepository"] })
        let oci = try #require(found.first { $0.affected.map(\.kind) == ["OCIRepository"] })
        let h = try #require(helm.hypotheses.first { $0.id == "registry-auth-failed" })
        let o = try #require(oci.hypotheses.first { $0.id == "registry-auth-failed" })
        let helmSteps = h.checks + h.remediation, ociSteps = o.checks + o.remediation
        #expect(helmSteps.contains { $0.contains("{.data.username}") }, "\(helmSteps)")
        #expect(!helmSteps.contains { $0.contains("dockerconfigjson") || $0.contains("flux create secret oci") }, "\(helmSteps)")
        #expect(ociSteps.contains { $0.contains("flux create secret oci") }, "\(ociSteps)")
        #expect(!ociSteps.contains { $0.contains("{.data.username}") || $0.contains("flux create secret helm") }, "\(ociSteps)")
    }
}
