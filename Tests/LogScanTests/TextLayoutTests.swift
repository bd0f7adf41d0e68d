import Testing
@testable import LogScan

/// The text report keeps a record's multi-line message under the entry it belongs to
/// (`indented`): kustomize-controller's SOPS errors hold `\n\nGroup 0: FAILED\n  age1...: FAILED`
/// (samples/sops-decryption-failed/kustomize-controller.log line 1), and messages that end in a
/// line break left blank lines in the report.
@Suite struct TextLayoutTests {
    /// The `error` of samples/sops-decryption-failed/kustomize-controller.log line 1, decoded.
    static let sopsError = "decryption failed for 'Secret.v1.[noGrp]/db-credentials': Failed to get the data key required to decrypt the SOPS file.\n\nGroup 0: FAILED\n  age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs8ztqjt: FAILED\n    - | failed to load age identities: no age identity found\n\nRecovery failed because no master key was able to decrypt the file."

    @Test func continuationLinesAreIndented() {
        let out = indented(Self.sopsError, by: 8)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 7)
        #expect(lines[0].hasPrefix("decryption failed for "))
        #expect(lines[1] == "")
        #expect(lines[2] == "        Group 0: FAILED")
        #expect(lines[3] == "          age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs8ztqjt: FAILED")
        #expect(lines[6] == "        Recovery failed because no master key was able to decrypt the file.")
    }

    @Test func trailingBreaksAndOneLineTexts() {
        #expect(indented("Reconciliation finished in 1.2s, next run in 10m0s\n", by: 8) == "Reconciliation finished in 1.2s, next run in 10m0s")
        #expect(indented("one line", by: 4) == "one line")
        #expect(indented("a\r\nb\r\n", by: 2) == "a\n  b")
        #expect(indented("", by: 4) == "")
    }
}
