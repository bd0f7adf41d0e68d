/// Runs every signature's examples through the same decoding and matching as real input:
/// each `examples.match` line must hit its signature with exactly the listed captures (and the
/// signature's literal must occur), each `examples.no_match` line must not hit it.
public enum ExampleChecker {
    /// - Returns: one diagnostic per failing example, at the example's `file:line:column`.
    public static func check(_ patterns: PatternSet) -> [PatternDiagnostic] {
        var problems: [PatternDiagnostic] = []
        let matcher = SignatureMatcher(patterns: patterns)
        for (index, sig) in patterns.signatures.enumerated() {
            for ex in sig.matches {
                let hits = hitsFor(ex.line, matcher: matcher)
                guard let hit = hits.first(where: { $0.signature == index }) else {
                    problems.append(PatternDiagnostic(position: ex.position, message: "signature `\(sig.id)`: example does not match"))
                    continue
                }
                for (name, expected) in ex.captures.sorted(by: { $0.key < $1.key }) where hit.captures[name] != expected {
                    problems.append(PatternDiagnostic(position: ex.position,
                        message: "signature `\(sig.id)`: capture `\(name)` is \(hit.captures[name].map { "\"\($0)\"" } ?? "unset"), expected \"\(expected)\""))
                }
                for name in hit.captures.keys.sorted() where ex.captures[name] == nil {
                    problems.append(PatternDiagnostic(position: ex.position,
                        message: "signature `\(sig.id)`: capture `\(name)` = \"\(hit.captures[name]!)\" is not listed in the example's captures"))
                }
            }
            for (line, position) in sig.noMatches where hitsFor(line, matcher: matcher).contains(where: { $0.signature == index }) {
                problems.append(PatternDiagnostic(position: position, message: "signature `\(sig.id)`: no_match example matches"))
            }
        }
        return problems
    }

    /// Decodes `line` like an input line (file `example`) and returns the hits.
    public static func hitsFor(_ line: String, matcher: SignatureMatcher) -> [SignatureHit] {
        var bytes = Array(line.utf8)
        if bytes.last == 10 { bytes.removeLast() }
        let record = bytes.withUnsafeBytes { RecordDecoder.decode($0, location: SourceLocation(file: "example", line: 1)) }
        return matcher.match(record)
    }
}
