import Foundation
import Testing

/// source-controller writes every artifact URL with the host it advertises (`--storage-adv-addr`,
/// FLUX-LOGS.md 3.2); a URL on localhost sends each consumer to its own loopback, as in the real
/// era-1 line of kustomize-controller PR #289 (FLUX-LOGS.md 1.4): `Get
/// "http://localhost:8080/...": dial tcp [::1]:8080: connect: connection refused`. No
/// NetworkPolicy filters a pod's traffic to itself. Trial 22 (#05):
/// `Fixtures/storage-adv-addr/` (samples/networkpolicy-9090 with the URL on localhost:8080,
/// source-controller healthy) was ranked `networkpolicy-blocks-artifact-port` 84 % and told to
/// open TCP 9090.
@Suite struct LoopbackArtifactURLTests {
    static let dir = "Tests/EndToEndTests/Fixtures/storage-adv-addr"

    /// The hypotheses of the one incident of `files`, ranked.
    func hypotheses(_ files: [String]) throws -> [[String: Any]] {
        let r = try run(["--format", "json"] + files)
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        return try #require(incidents.first?["hypotheses"] as? [[String: Any]])
    }

    @Test func aLoopbackDownloadIsTheAdvertisedAddressNotAPolicy() throws {
        let list = try hypotheses(["\(Self.dir)/kustomize-controller.log", "\(Self.dir)/source-controller.log"])
        let first = try #require(list.first)
        #expect(first["id"] as? String == "storage-adv-addr-misconfigured")
        #expect((first["confidence"] as? Double ?? 0) > 0.9)
        let checks = first["checks"] as? [String] ?? []
        #expect(checks.contains { $0.hasPrefix("kubectl -n flux-system get deploy source-controller -o jsonpath='{.spec.template.spec.containers[0].args}'") })
        #expect(checks.contains { $0.hasPrefix("kubectl -n flux-system get gitrepository flux-system -o jsonpath='{.status.artifact.url}'") })
        let fixes = first["remediation"] as? [String] ?? []
        #expect(fixes.first?.contains("--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.cluster.local.") == true)

        let policy = try #require(list.first { $0["id"] as? String == "networkpolicy-blocks-artifact-port" })
        #expect((policy["confidence"] as? Double ?? 1) < 0.5)
        let against = policy["evidence_against"] as? [String] ?? []
        #expect(against.contains { $0.hasPrefix("the download went to the consumer's own loopback address") && $0.contains("[artifact-url-loopback") })
    }

    /// The two era-1 lines alone (no source-controller log) were a 0.3 / 0.3 tie of the policy
    /// and the outage.
    @Test func theRealEra1LinesAloneNameTheAdvertisedAddress() throws {
        let list = try hypotheses(["\(Self.dir)/era1/kustomize-controller.log"])
        #expect(list.first?["id"] as? String == "storage-adv-addr-misconfigured")
        let others = list.dropFirst().compactMap { $0["confidence"] as? Double }
        #expect(others.allSatisfy { $0 < 0.1 })
    }

    /// Refused on source-controller's ClusterIP (samples/networkpolicy-9090, `dial tcp
    /// 10.43.89.232:80`): the loopback signature does not match and the policy stays first.
    @Test func aClusterIPRefusalStaysThePolicy() throws {
        let list = try hypotheses(["samples/networkpolicy-9090/kustomize-controller.log", "samples/networkpolicy-9090/source-controller.log"])
        #expect(list.first?["id"] as? String == "networkpolicy-blocks-artifact-port")
        #expect(!list.contains { $0["id"] as? String == "storage-adv-addr-misconfigured" })
    }
}
