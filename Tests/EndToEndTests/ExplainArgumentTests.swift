import Foundation
import Testing

/// `explain` with something that is not a hypothesis id says what it takes, recognises a
/// signature id or an incident id, and names the closest hypothesis ids; exit 2.
@Suite struct ExplainArgumentTests {
    func explain(_ arg: String) throws -> RunResult {
        let r = try run(["explain", arg])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("`\(arg)` is not a hypothesis id. `explain` takes the id of a root-cause hypothesis"))
        return r
    }

    @Test func closeMatchesOfATypoOrAFragment() throws {
        #expect(try explain("gti-auth-failed").stderr.contains("Close matches: git-auth-failed,"))
        #expect(try explain("networkpolicy").stderr.contains("Close matches: networkpolicy-blocks-artifact-port"))
        #expect(try explain("helm-locked").stderr.contains("Close matches: helm-release-locked"))
        #expect(try explain("controller-restart").stderr.contains("Close matches: controller-restarting"))
    }

    /// `dns-no-such-host` is the signature of Go's NXDOMAIN line (FLUX-LOGS.md 3.5).
    @Test func aSignatureIDNamesTheHypothesesThatUseIt() throws {
        let err = try explain("dns-no-such-host").stderr
        #expect(err.contains("`dns-no-such-host` is a signature (a log pattern: DNS name does not exist)"))
        #expect(err.contains("dns-resolution-failed"))
        #expect(err.contains("notification-controller-unreachable"))
    }

    /// The incident id samples/networkpolicy-9090's report prints (`id 833577d2a27e9630`).
    @Test func anIncidentID() throws {
        let report = try json(try run(["--format", "json", "samples/networkpolicy-9090"]).stdout)
        let id = try #require((report["incidents"] as? [[String: Any]])?.first?["id"] as? String)
        #expect(try explain(id).stderr.contains("looks like an incident id"))
    }

    @Test func nothingClose() throws {
        let err = try explain("zzz").stderr
        #expect(!err.contains("Close matches"))
        #expect(err.contains("`flux-logscan explain` with no id lists all"))
    }
}
