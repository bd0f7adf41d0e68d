import Foundation
import Testing
@testable import LogScan

/// artifact-missing's fix for a consumer whose source kind the logs do not name (trial 12 #5:
/// a Kustomization of an OCIRepository was told `flux reconcile source git <name>`).
/// With no source named by any line, the step says which kinds may stand there.
@Suite struct ArtifactMissingStepsTests {
    /// kustomize-controller's 404 from the artifact server (FLUX-LOGS.md 3.2).
    func waiting(_ ts: String) -> String {
        #"{"level":"info","ts":"\#(ts)","msg":"Source is not ready, artifact not found, retrying in 30s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"podinfo","namespace":"team-b"},"namespace":"team-b","name":"podinfo","reconcileID":"10b99ac9-f178-4d77-b24d-04fda24c8407"}"#
    }

    @Test func theFixReconcilesWhicheverSourceTheConsumerHas() throws {
        let found = try TransientTests.incidents([("kustomize-controller.log",
            ["2025-06-13T03:00:03.000Z", "2025-06-13T03:00:33.000Z", "2025-06-13T03:01:03.000Z"].map(waiting))])
        let h = try #require(found.first?.hypotheses.first { $0.id == "artifact-missing" })
        #expect(h.remediation.contains("Reconcile the source so it stores its artifact again: flux reconcile source <git|oci|helm|bucket> <name> (then flux reconcile kustomization podinfo -n team-b)"))
        #expect(!(h.remediation + h.checks).contains { $0.contains("source git") })
    }
}
