import ArgumentParser
import LogScan

/// `flux-logscan explain [ID]`: what a root cause is, how to confirm it and how to fix it.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain a root-cause hypothesis: the cause, how to confirm it, how to fix it. No id lists them.")

    @Argument(help: "A hypothesis id, as a report lists it under \"likely causes\", e.g. networkpolicy-blocks-artifact-port (not a signature or incident id).")
    var id: String?

    @OptionGroup var patternOptions: PatternOptions

    func run() throws {
        let patterns = try loadPatterns(patternOptions.patternDirs)
        guard let id else {
            let width = patterns.hypotheses.map(\.id.count).max() ?? 0
            for h in patterns.hypotheses.sorted(by: { $0.id < $1.id }) {
                Output.stdout(h.id + String(repeating: " ", count: width - h.id.count + 2) + h.title + "\n")
            }
            return
        }
        guard let h = patterns.hypotheses.first(where: { $0.id == id }) else {
            Output.stderr(Self.notAHypothesis(id, patterns: patterns))
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
        // Steps are printed as written; the one placeholder every step about Flux itself holds is
        // said once (docs/OUTPUT.md "The namespace Flux runs in").
        if (h.checks + h.remediation).contains(where: { $0.contains("<flux-namespace>") }) {
            out += "<flux-namespace>: the namespace Flux's controllers run in, flux-system unless Flux was installed elsewhere (flux install --namespace); a report fills it from the logs (artifact URLs, kubelet log paths, leader leases).\n\n"
        }
        if !h.source.isEmpty { out += "Source: \(h.source)\n" }
        Output.stdout(out)
    }
}

extension Explain {
    /// The message for an argument that is no hypothesis id: what `explain` accepts, what the
    /// argument looks like instead (a signature id, an incident id), and the closest ids.
    static func notAHypothesis(_ arg: String, patterns: PatternSet) -> String {
        var out = "flux-logscan: `\(arg)` is not a hypothesis id. `explain` takes the id of a root-cause hypothesis,"
        out += " as a report lists it under \"likely causes\" (JSON: hypotheses[].id), e.g. networkpolicy-blocks-artifact-port.\n"
        let key = arg.lowercased()
        if let sig = patterns.signature(key) {
            let users = patterns.hypotheses.filter { h in
                (h.requiresAny + h.requiresAll + (h.supports + h.contradicts).flatMap(\.signals)).contains(sig.id)
            }.map(\.id).sorted()
            out += "`\(sig.id)` is a signature (a log pattern: \(sig.title))"
            out += users.isEmpty ? ".\n" : "; the hypotheses that weigh it: \(users.joined(separator: ", ")).\n"
        } else if key.count == 16, key.allSatisfy(\.isHexDigit) {
            out += "`\(arg)` looks like an incident id: the report prints that incident's likely causes; explain one of those.\n"
        }
        let close = patterns.signature(key) == nil ? closeMatches(key, among: patterns.hypotheses.map(\.id)) : []
        if !close.isEmpty { out += "Close matches: \(close.joined(separator: ", "))\n" }
        out += "`flux-logscan explain` with no id lists all \(patterns.hypotheses.count).\n"
        return out
    }

    /// Up to five ids that contain `arg` (or are contained in it), share a word with it, or are
    /// a few edits away; nearest first.
    static func closeMatches(_ arg: String, among ids: [String]) -> [String] {
        let words = Set(arg.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init).filter { $0.count >= 3 })
        var scored: [(id: String, score: Int)] = []
        for id in ids {
            let d = editDistance(arg, id)
            let idWords = Set(id.split(separator: "-").map(String.init))
            let shared = words.filter { w in idWords.contains { $0.hasPrefix(w) || w.hasPrefix($0) && $0.count >= 3 } }.count
            if id.contains(arg) || (arg.contains(id) && id.count >= 3) {
                scored.append((id, 0))
            } else if d <= max(2, arg.count / 3) {
                scored.append((id, d))
            } else if shared > 0 {
                scored.append((id, 100 - 10 * shared + d))
            }
        }
        return scored.sorted { $0.score != $1.score ? $0.score < $1.score : $0.id < $1.id }.prefix(5).map(\.id)
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var prev = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
