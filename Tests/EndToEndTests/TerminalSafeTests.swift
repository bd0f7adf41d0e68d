import Foundation
import Testing

/// Record text reaches the text report's terminal without its control sequences (a trial): zap
/// writes control characters JSON-escaped (`\u001b`, FLUX-LOGS.md 1.1), the decoder turns them
/// back into ESC, and an error quoting an HTTP body or a Git server's message could erase lines
/// (`ESC[2K`), move the cursor (`ESC[1A`) or set the window title (`ESC]0;...BEL`). The input:
/// samples/networkpolicy-9090 with those sequences after each `connection refused`.
@Suite struct TerminalSafeTests {
    static func input() throws -> [String] {
        let root = packageRoot.appendingPathComponent("samples/networkpolicy-9090")
        let log = try String(contentsOf: root.appendingPathComponent("kustomize-controller.log"), encoding: .utf8)
        let crafted = log.replacingOccurrences(of: "connect: connection refused",
                                               with: #"connect: connection refused \u001b[2K\u001b[1A\u001b]0;owned\u0007\u009b2J"#)
        #expect(crafted != log)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("terminal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("kustomize-controller.log")
        try crafted.write(to: path, atomically: false, encoding: .utf8)
        return [path.path, root.appendingPathComponent("source-controller.log").path]
    }

    @Test func withoutColourNoEscapeReachesTheTerminal() throws {
        for args in [["--color", "never"], ["--color", "never", "-v"], ["--color", "never", "-q"]] {
            let r = try run(args + (try Self.input()))
            #expect(!r.stdout.contains(0x1B), "\(args)")
            #expect(!r.stdout.contains(0x07), "\(args)")
            #expect(!r.text.unicodeScalars.contains { (0x80...0x9F).contains($0.value) }, "\(args)")
        }
        let r = try run(["--color", "never"] + (try Self.input()))
        // The sequences are shown, as control pictures: ESC is U+241B, BEL U+2407.
        #expect(r.text.contains("connection refused \u{241B}[2K\u{241B}[1A\u{241B}]0;owned\u{2407}\u{FFFD}2J"), "\(r.text)")
    }

    @Test func withColourOnlyTheReportsOwnColoursAreWritten() throws {
        let r = try run(["--color", "always"] + (try Self.input()))
        let text = r.text
        var sequences = Set<String>()
        var rest = Substring(text)
        while let esc = rest.firstIndex(of: "\u{1B}") {
            let after = rest[rest.index(after: esc)...]
            let end = after.firstIndex(of: "m") ?? after.endIndex
            sequences.insert(String(after[..<end]))
            rest = after
        }
        // TextReport.paint's codes: bold, dim, reset, red, green, yellow, cyan, bold red.
        #expect(sequences.isSubset(of: ["[0", "[1", "[2", "[31", "[32", "[33", "[36", "[1;31"]), "\(sequences)")
        #expect(text.contains("\u{241B}[2K"))
    }
}
