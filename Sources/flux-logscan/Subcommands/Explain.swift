import ArgumentParser
import LogScan

/// `flux-logscan explain [ID]`: what a root cause is, how to confirm it and how to fix it.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain a root-cause hypothesis: the cause, how to confirm it, how to fix it. No id lists them.")

    @Argument(help: "A hypothesis id, e.g. networkpolicy-blocks-artifact-port.")
    var id: String?

    @Option(name: .customLong("patterns"), help: "A folder of extra pattern YAML; repeatable.")
    var patternDirs: [String] = []

    func run() throws {
        let patterns = try loadPatterns(patternDirs)
        guard let id else {
            let width = patterns.hypotheses.map(\.id.count).max() ?? 0
            for h in patterns.hypotheses.sorted(by: { $0.id < $1.id }) {
                Output.stdout(h.id + String(repeating: " ", count: width - h.id.count + 2) + h.title + "\n")
            }
            return
        }
        guard let h = patterns.hypotheses.first(where: { $0.id == id }) else {
            Output.stderr("flux-logscan: no hypothesis `\(id)`; `flux-logscan explain` lists them\n")
            throw ExitCode(2)
        }
        var out = "\(h.id): \(h.title)\n\n"
        if !h.explain.isEmpty { out += h.explain.trimmingTrailingNewlines() + "\n\n" }
        if !h.checks.isEmpty { out += "How to confirm:\n" + h.checks.map { "  $ \($0)\n" }.joined() + "\n" }
        if !h.remediation.isEmpty {
            out += "How to fix:\n"
            for r in h.remediation {
                let lines = r.trimmingTrailingWhitespace().split(separator: "\n", omittingEmptySubsequences: false)
                out += "  - \(lines[0])\n" + lines.dropFirst().map { "    \($0)\n" }.joined()
            }
            out += "\n"
        }
        if !h.source.isEmpty { out += "Source: \(h.source)\n" }
        Output.stdout(out)
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
