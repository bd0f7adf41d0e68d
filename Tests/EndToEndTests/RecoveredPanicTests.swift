import Foundation
import Testing

/// controller-runtime with RecoverPanic on (v0.15 and later) returns a reconciler's panic as the
/// reconcile's error, `fmt.Errorf("panic: %v [recovered]", r)`, logged as `Reconciler error`
/// (FLUX-LOGS.md 3.1), and the process goes on; older ones log `Observed a panic in reconciler:
/// %v` and panic again, which kills it (docs/PATTERNS.md "Lifetimes"). Trial 22 (#04):
/// `Fixtures/recovered-panic/kustomize-controller.log`, one `starting manager` at 09:00:00, six
/// `panic: runtime error: invalid memory address or nil pointer dereference [recovered]` of
/// Kustomization monitoring from 09:01:00 while twelve other Kustomizations finished, was ranked
/// `controller-restarting` 98 %, citing the start-up a minute before the first panic as "started
/// again right after".
@Suite struct RecoveredPanicTests {
    static let fixture = "Tests/EndToEndTests/Fixtures/recovered-panic/kustomize-controller.log"

    /// The hypotheses of the one incident of `args`, ranked.
    func hypotheses(_ args: [String], stdin: Data? = nil) throws -> [[String: Any]] {
        let r = try run(["--format", "json"] + args, stdin: stdin)
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        return try #require(incidents.first?["hypotheses"] as? [[String: Any]])
    }

    func hypothesis(_ id: String, in list: [[String: Any]]) throws -> [String: Any] {
        try #require(list.first { $0["id"] as? String == id })
    }

    /// The fixture's lines, with those holding `drop` left out and `insert` put before the first
    /// line that holds `before`.
    func lines(dropping drop: String? = nil, inserting insert: String? = nil, before: String = "") throws -> Data {
        let text = try String(contentsOfFile: Self.fixture, encoding: .utf8)
        var kept = text.split(separator: "\n").map(String.init).filter { drop == nil || !$0.contains(drop!) }
        if let insert, let k = kept.firstIndex(where: { $0.contains(before) }) { kept.insert(insert, at: k) }
        return stdinData(kept)
    }

    @Test func aReturnedPanicIsTheReconcilersBugNotARestart() throws {
        let list = try hypotheses([Self.fixture])
        let first = try #require(list.first)
        #expect(first["id"] as? String == "reconciler-bug")
        let evidence = first["evidence_for"] as? [String] ?? []
        #expect(evidence.contains { $0.hasPrefix("controller-runtime recovered the panic") && $0.contains("[reconciler-panic ×6, first 09:01:00") })
        // apps0 ... apps11 finish from 09:03:00 to 09:25:30, while the panics went on.
        #expect(evidence.contains { $0.contains("[kustomization-reconciliation-finished ×10 in runs from 09:03:00 to 09:25:30") })
        let fixes = first["remediation"] as? [String] ?? []
        #expect(fixes.contains { $0.hasPrefix("Until then, stop the failing reconciles: flux suspend kustomization monitoring -n flux-system") })
        let checks = first["checks"] as? [String] ?? []
        #expect(!checks.contains { $0.contains("--previous") })

        let restarting = try hypothesis("controller-restarting", in: list)
        #expect((restarting["confidence"] as? Double ?? 1) < 0.1)
        let against = restarting["evidence_against"] as? [String] ?? []
        #expect(against.contains { $0.hasPrefix("the panic was recovered and returned as the reconcile's error") })
        // The start-up at 09:00:00 came before the first panic: not "started again after".
        let support = restarting["evidence_for"] as? [String] ?? []
        #expect(!support.contains { $0.contains("controller-starting") })
        #expect(support.isEmpty)
    }

    /// Without its start-up line the input was still ranked controller-restarting (91 %): the
    /// recovered panic itself was read as a crash.
    @Test func withoutTheStartUpStillTheReconcilersBug() throws {
        let list = try hypotheses(["-"], stdin: try lines(dropping: "starting manager"))
        #expect(list.first?["id"] as? String == "reconciler-bug")
        #expect((try hypothesis("controller-restarting", in: list)["confidence"] as? Double ?? 1) < 0.1)
    }

    /// A start-up that follows the first failure is cited, by its own time; one before it never.
    /// Flux's `starting manager` (FLUX-LOGS.md 1.2) at 09:12:00, between the third and the
    /// fourth panic, also ends the lifetime before it with no shutdown line (a kill, an incident
    /// of its own); the panics' incident cites that start-up, at its line 10.
    @Test func onlyAStartUpAfterTheFirstPanicCountsAsARestart() throws {
        let later = #"{"level":"info","ts":"2026-11-24T09:12:00.000Z","logger":"setup","msg":"starting manager"}"#
        let r = try run(["--format", "json", "-"], stdin: try lines(inserting: later, before: "2026-11-24T09:13:00.000Z"))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let panics = try #require(incidents.first { $0["upstream"] as? String == "Kustomization/flux-system/monitoring" })
        let list = try #require(panics["hypotheses"] as? [[String: Any]])
        let support = try hypothesis("controller-restarting", in: list)["evidence_for"] as? [String] ?? []
        let restart = try #require(support.first { $0.hasPrefix("the controller started again") })
        #expect(restart.contains("[controller-restarted, controller-starting, first 09:12:00, -:10]"), "\(restart)")
        #expect(!support.contains { $0.contains("09:00:00") })
    }

    /// controller-runtime before v0.15 logs the panic and panics again: the process dies and
    /// restarts (samples/controller-restarting: four `Observed a panic in reconciler`, each
    /// followed by a new `starting manager`). That stays controller-restarting, with the
    /// restarts after the panics as evidence, and the returned-panic cause far below.
    @Test func aPanicThatKillsTheProcessStaysARestartingController() throws {
        let r = try run(["--format", "json", "samples/controller-restarting/kustomize-controller.log"])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let list = try #require(incidents.first?["hypotheses"] as? [[String: Any]])
        let first = try #require(list.first)
        #expect(first["id"] as? String == "controller-restarting")
        let support = first["evidence_for"] as? [String] ?? []
        #expect(support.contains { $0.hasPrefix("the controller panicked and the panic was not recovered") })
        #expect(support.contains { $0.hasPrefix("the controller started again (starting manager) after the failure") })
        let bug = try hypothesis("reconciler-bug", in: list)
        #expect((bug["confidence"] as? Double ?? 1) < 0.1)
        #expect((bug["evidence_against"] as? [String] ?? []).contains { $0.hasPrefix("the panic was not recovered") })
    }
}
