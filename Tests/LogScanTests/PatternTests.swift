import Testing
@testable import LogScan

@Suite struct PatternTests {
    @Test func shippedPatternsLoadWithoutProblems() {
        var loader = PatternLoader.shipped()
        loader.validateReferences()
        #expect(loader.diagnostics.map(\.description) == [])
        #expect(!loader.set.signatures.isEmpty)
        #expect(!loader.set.hypotheses.isEmpty)
    }

    /// Every signature's `examples.match` (with captures) and `examples.no_match`, through the same
    /// decoding and matching as real input.
    @Test func everySignatureExamplePasses() {
        let set = PatternLoader.shipped().set
        let problems = ExampleChecker.check(set).map(\.description)
        #expect(problems == [])
        for s in set.signatures {
            #expect(s.matches.count >= 1, "signature \(s.id) has no match example")
            #expect(s.noMatches.count >= 1, "signature \(s.id) has no no_match example")
        }
    }

    @Test func spineSignaturesExist() {
        let ids = Set(PatternLoader.shipped().set.signatures.map(\.id))
        for id in ["artifact-fetch-connection-refused", "artifact-fetch-timeout", "artifact-not-found",
                   "kustomization-reconciliation-failed", "health-check-timeout", "source-controller-artifact-stored",
                   "source-controller-no-changes", "controller-starting", "controller-shutdown"] {
            #expect(ids.contains(id), "missing signature \(id)")
        }
    }

    @Test func badRegexIsRejectedWithFileLineColumnAndPCRE2Message() {
        var loader = PatternLoader()
        let yaml = """
        version: 1
        signatures:
          - id: broken
            regex: 'dial tcp (?<ip>[0-9.]+'
            examples:
              match: []
        """
        loader.load(text: yaml, file: "user/broken.yaml")
        #expect(loader.diagnostics.count == 1)
        let d = loader.diagnostics[0]
        #expect(d.position.file == "user/broken.yaml")
        #expect(d.position.line == 4)
        // PCRE2 reports a missing ")" at the end of the pattern: offset 22, its length.
        // The opening quote is at column 12, so the fault is at column 12 + 1 + 22.
        #expect("dial tcp (?<ip>[0-9.]+".utf8.count == 22)
        #expect(d.position.column == 12 + 1 + 22)
        #expect(d.message.contains("missing closing parenthesis"))
        #expect(d.message.contains("offset 22"))
    }

    @Test func unknownFieldAndDuplicateIdAreErrors() {
        var loader = PatternLoader()
        let yaml = """
        version: 1
        signatures:
          - id: a
            regex: 'x'
            colour: red
          - id: b
            regex: 'y'
          - id: b
            regex: 'z'
        """
        loader.load(text: yaml, file: "dup.yaml")
        let messages = loader.diagnostics.map(\.description)
        #expect(messages.contains { $0.hasPrefix("dup.yaml:5:5:") && $0.contains("unknown field `colour`") })
        #expect(messages.contains { $0.hasPrefix("dup.yaml:8:") && $0.contains("duplicate id `b`") })
        // Both are left out: `a` with its error, the second `b` as a duplicate (the first is used).
        #expect(loader.set.signatures.map(\.regex.pattern) == ["y"])
    }

    /// A loader that read one hypothesis `h` (lines 3-5 of `file`) with `fields` after its prior
    /// (from line 6 on, indented as its other fields), then the other required fields it lacks.
    static func hypothesis(_ fields: String, file: String) -> PatternLoader {
        var loader = PatternLoader()
        var rest = "\n    requires: {any_of: [a]}\n    explain: x\n    source: test"
        for field in ["checks", "remediation"] where !fields.contains("\(field):") { rest += "\n    \(field): [x]" }
        loader.load(text: "version: 1\nhypotheses:\n  - id: h\n    title: t\n    prior: 0.3\n" + fields + rest, file: file)
        return loader
    }

    /// `during:` (docs/PATTERNS.md) is a boolean; another value is an error at its place, and the
    /// hypothesis is left out (trial 22 #03: an entry with an error is not used).
    @Test func duringIsABooleanOfTheCondition() {
        let loader = Self.hypothesis("""
            supports:
              - {signal: a, during: true, reason: r}
              - {signal: b, reason: r}
        """, file: "during.yaml")
        #expect(loader.diagnostics.map(\.description) == [])
        #expect(loader.set.hypotheses.first?.supports.map(\.during) == [true, false])
        let bad = Self.hypothesis("""
            supports:
              - {signal: a, during: true, reason: r}
              - {signal: c, during: often, reason: r}
        """, file: "during.yaml")
        #expect(bad.diagnostics.map(\.description).contains { $0.hasPrefix("during.yaml:8:") && $0.contains("during must be true or false") })
        #expect(bad.set.hypotheses.isEmpty)
    }

    /// `only_with:` (docs/PATTERNS.md) names a signal or a list of them; an empty list is an
    /// error at its place and the hypothesis is left out (as every entry with an error is), and a
    /// name that is no signal is one of `validateReferences`, which leaves it out too.
    @Test func onlyWithNamesSignals() {
        var loader = Self.hypothesis("""
            contradicts:
              - {signal: a, only_with: [apply-failed, helm-upgrade-failed], reason: r}
              - {signal: b, only_with: apply-failed, reason: r}
        """, file: "only.yaml")
        #expect(loader.diagnostics.map(\.description) == [])
        let contradicts = loader.set.hypotheses.first?.contradicts ?? []
        #expect(contradicts.map(\.onlyWith) == [["apply-failed", "helm-upgrade-failed"], ["apply-failed"]])
        loader.validateReferences()
        #expect(loader.diagnostics.map(\.description).contains { $0.contains("names unknown signal `helm-upgrade-failed`") })
        #expect(loader.set.hypotheses.isEmpty)
        let bad = Self.hypothesis("""
            contradicts:
              - {signal: c, only_with: [], reason: r}
        """, file: "only.yaml")
        #expect(bad.diagnostics.map(\.description).contains { $0.hasPrefix("only.yaml:7:") && $0.contains("only_with must name one signal") })
        #expect(bad.set.hypotheses.isEmpty)
    }

    /// `kinds:` of a step (docs/PATTERNS.md) names Flux kinds in their API spelling.
    @Test func stepKindsAreFluxKinds() {
        let loader = Self.hypothesis("""
            remediation:
              - {kinds: [HelmRelease], text: "flux reconcile helmrelease <name>"}
              - "any kind"
              - {kinds: [Kustomisation], text: "flux reconcile kustomization <name>"}
        """, file: "kinds.yaml")
        #expect(loader.diagnostics.map(\.description).contains { $0.hasPrefix("kinds.yaml:9:") && $0.contains("unknown Flux kind `Kustomisation`") })
        #expect(loader.set.hypotheses.isEmpty)
        let good = Self.hypothesis("""
            remediation:
              - {kinds: [HelmRelease], text: "flux reconcile helmrelease <name>"}
              - "any kind"
        """, file: "kinds.yaml")
        #expect(good.diagnostics.map(\.description) == [])
        #expect(good.set.hypotheses.first?.remediationKinds == [["HelmRelease"], []])
    }

    @Test func derivedLiteral() {
        #expect(LiteralDeriver.derive(#"dial tcp (?<ip>\S+): connect: connection refused"#) == ": connect: connection refused")
        #expect(LiteralDeriver.derive("stored artifact|no changes") == "")
        #expect(LiteralDeriver.derive(#"giving up after \d{1,2} attempt\(s\)"#) == "giving up after ")
    }
}
