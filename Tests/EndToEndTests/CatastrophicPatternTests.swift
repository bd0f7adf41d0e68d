import Foundation
import Testing

/// A user signature that `patterns lint` rejects for catastrophic backtracking is left out of a
/// scan with its file:line:column, and the exit status is 2 (README: an invalid pattern file is
/// exit 2, the rest still processed; trial 13: `^(\w+\s?)*$` was loaded silently and made the
/// scan 30 times slower, every record at PCRE2's match limit).
@Suite struct CatastrophicPatternTests {
    @Test func aBacktrackingRegexIsLeftOutAndNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evil-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("evil.yaml")
        try """
        version: 1
        signatures:
          - id: evil-backtrack
            controllers: [kustomize-controller]
            severity: error
            literal: "request"
            regex: '^(\\w+\\s?)*$'
            examples:
              match:
                - line: 'request failed'
            source: a test
        """.write(to: file, atomically: true, encoding: .utf8)
        let r = try run(["--format", "json", "--patterns", dir.path, "samples/networkpolicy-9090"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(file.path):7:14: error: signature `evil-backtrack`: catastrophic backtracking"), "\(r.stderr)")
        #expect(r.stderr.contains("(left out)"))
        #expect(!r.stderr.contains("PCRE2 match limit hit"), "\(r.stderr)")
        // The rest is read and reported as without the file.
        let hyps = try #require((json(r.stdout)["incidents"] as? [[String: Any]])?.first?["hypotheses"] as? [[String: Any]])
        #expect(hyps.first?["id"] as? String == "networkpolicy-blocks-artifact-port")
    }
}
