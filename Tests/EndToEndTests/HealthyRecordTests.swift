import Foundation
import Testing

/// A record that a healthy signature names is a success, whatever else its text holds:
/// source-controller's `stored artifact for commit '%s'` quotes the commit's subject (FLUX-LOGS.md
/// 3.15; fluxcd/pkg git `Commit.ShortMessage` keeps 50 characters), and a subject such as
/// `fix x509: certificate signed by unknown authority` made an ERROR TLS incident with openssl
/// steps and exit 1 (trial 15). Its failure hits are dropped; the same text as an error is still one.
@Suite struct HealthyRecordTests {
    static func record(_ msg: String, level: String = "info", error: String? = nil) -> String {
        var o: [String: Any] = [
            "level": level, "ts": "2026-11-25T09:12:05.000Z", "msg": msg, "controller": "gitrepository",
            "controllerGroup": "source.toolkit.fluxcd.io", "controllerKind": "GitRepository",
            "GitRepository": ["name": "flux-system", "namespace": "flux-system"], "namespace": "flux-system", "name": "flux-system",
            "reconcileID": "57124242-5051-41cc-917f-9acae01f5057",
        ]
        if let error { o["error"] = error }
        return String(decoding: try! JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    func incidents(_ lines: [String]) throws -> (status: Int32, incidents: [[String: Any]]) {
        let dir = try scratch("healthy-record")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("source-controller.log")
        try (lines.joined(separator: "\n") + "\n").write(to: log, atomically: true, encoding: .utf8)
        let r = try run(["--format", "json", log.path])
        return (r.status, try #require(try json(r.stdout)["incidents"] as? [[String: Any]]))
    }

    @Test func aCommitSubjectInAStoredArtifactLineIsNoFailure() throws {
        for subject in ["fix x509: certificate signed by unknown authority", "retry on no space left on device"] {
            let r = try incidents([Self.record("stored artifact for commit '\(subject)'")])
            #expect(r.incidents.isEmpty, "\(subject): \(r.incidents.map { $0["title"] ?? "" })")
            #expect(r.status == 0)
        }
    }

    /// The same words as the reconcile's error (source-controller's `Reconciler error`, FLUX-LOGS.md
    /// 3.1, with Go's x509 message) are still a TLS failure.
    @Test func theSameWordsAsAnErrorAreOne() throws {
        let r = try incidents([Self.record("Reconciler error", level: "error",
                                           error: "failed to checkout and determine revision: unable to clone 'https://git.example.com/org/repo': Get \"https://git.example.com/org/repo/info/refs?service=git-upload-pack\": tls: failed to verify certificate: x509: certificate signed by unknown authority")])
        #expect(r.incidents.count == 1)
        #expect(r.status == 1)
    }
}
