import Foundation
import Testing

/// A damaged JSON record that still holds its error keeps its failure evidence (trial 13): one
/// after the zeroed blocks a node's crash leaves (4 KiB of NUL bytes before it), and one torn
/// after its `error` member (no closing `}`: not JSON, read as text). The record is
/// samples/networkpolicy-9090/kustomize-controller.log line 8, retryablehttp's `request failed`
/// with `dial tcp 10.43.89.232:80: connect: connection refused` (FLUX-LOGS.md 3.2).
@Suite struct DamagedRecordTests {
    static let sample = "samples/networkpolicy-9090/kustomize-controller.log"

    func refusals(_ text: String) throws -> Int {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("kustomize-controller.log")
        try Data(text.utf8).write(to: file)
        let r = try run(["--counts", file.path])
        let row = r.text.split(separator: "\n").first { $0.hasPrefix("artifact-fetch-connection-refused\t") }
        return Int(row?.split(separator: "\t").last ?? "") ?? -1
    }

    @Test func nulPaddingAndATornEndKeepTheEvidence() throws {
        var lines = try String(contentsOf: packageRoot.appendingPathComponent(Self.sample), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let intact = try refusals(lines.joined(separator: "\n"))
        #expect(intact > 0)
        let eighth = lines[7]
        #expect(eighth.contains(#"connect: connection refused","#))
        lines[7] = String(repeating: "\u{0}", count: 4096) + eighth
        #expect(try refusals(lines.joined(separator: "\n")) == intact)
        // Torn right after the error member's value.
        let cut = try #require(eighth.range(of: #"connect: connection refused""#))
        lines[7] = String(eighth[..<cut.upperBound])
        #expect(try refusals(lines.joined(separator: "\n")) == intact)
    }
}
