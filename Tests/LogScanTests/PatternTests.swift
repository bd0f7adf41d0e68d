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
          - id: a
            regex: 'y'
        """
        loader.load(text: yaml, file: "dup.yaml")
        let messages = loader.diagnostics.map(\.description)
        #expect(messages.contains { $0.hasPrefix("dup.yaml:5:5:") && $0.contains("unknown field `colour`") })
        #expect(messages.contains { $0.hasPrefix("dup.yaml:6:") && $0.contains("duplicate id `a`") })
    }

    /// A loader that read one hypothesis `h` (lines 3-5 of `file`) with `fields` after its prior
    /// (from line 6 on, indented as its other fields).
    static func hypothesis(_ fields: String, file: String) -> PatternLoader {
        var loader = PatternLoader()
        loader.load(text: "version: 1\nhypotheses:\n  - id: h\n    title: t\n    prior: 0.3\n" + fields, file: file)
        return loader
    }

    /// `during:` (docs/PATTERNS.md) is a boolean; another value is an error at its place, and the
    /// condition keeps the default (false), as a bad `weight` keeps 1.
    @Test func duringIsABooleanOfTheCondition() {
        let loader = Self.hypothesis("""
            supports:
              - {signal: a, during: true, reason: r}
              - {signal: b, reason: r}
              - {signal: c, during: often, reason: r}
        """, file: "during.yaml")
        let supports = loader.set.hypotheses.first?.supports ?? []
        #expect(supports.map(\.during) == [true, false, false])
        #expect(loader.diagnostics.map(\.description).contains { $0.hasPrefix("during.yaml:9:") && $0.contains("during must be true or false") })
    }

    /// `only_with:` (docs/PATTERNS.md) names a signal or a list of them; an empty list is an
    /// error at its place (the condition keeps the default, as a bad `during` does), and a name
    /// that is no signal is one of `validateReferences`.
    @Test func onlyWithNamesSignals() {
        var loader = Self.hypothesis("""
            contradicts:
              - {signal: a, only_with: [apply-failed, helm-upgrade-failed], reason: r}
              - {signal: b, only_with: apply-failed, reason: r}
              - {signal: c, only_with: [], reason: r}
        """, file: "only.yaml")
        let contradicts = loader.set.hypotheses.first?.contradicts ?? []
        #expect(contradicts.map(\.onlyWith) == [["apply-failed", "helm-upgrade-failed"], ["apply-failed"], []])
        #expect(loader.diagnostics.map(\.description).contains { $0.hasPrefix("only.yaml:9:") && $0.contains("only_with must name one signal") })
        loader.validateReferences()
        #expect(loader.diagnostics.map(\.description).contains { $0.contains("names unknown signal `helm-upgrade-failed`") })
    }

    /// `kinds:` of a step (docs/PATTERNS.md) names Flux kinds in their API spelling.
    @Test func stepKindsAreFluxKinds() {
        let loader = Self.hypothesis("""
            remediation:
              - {kinds: [HelmRelease], text: "flux reconcile helmrelease <name>"}
              - "any kind"
              - {kinds: [Kustomisation], text: "flux reconcile kustomization <name>"}
        """, file: "kinds.yaml")
        #expect(loader.set.hypotheses.first?.remediationKinds == [["HelmRelease"], [], ["Kustomisation"]])
        #expect(loader.diagnostics.map(\.description).contains { $0.hasPrefix("kinds.yaml:9:") && $0.contains("unknown Flux kind `Kustomisation`") })
    }

    @Test func derivedLiteral() {
        #expect(LiteralDeriver.derive(#"dial tcp (?<ip>\S+): connect: connection refused"#) == ": connect: connection refused")
        #expect(LiteralDeriver.derive("stored artifact|no changes") == "")
        #expect(LiteralDeriver.derive(#"giving up after \d{1,2} attempt\(s\)"#) == "giving up after ")
    }
}
