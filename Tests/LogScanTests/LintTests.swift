import Foundation
import Testing
@testable import LogScan

/// `flux-logscan patterns lint` (issue "Signatures for every Flux failure family"): the shipped
/// set lints clean, and a broken copy names file:line:column for each kind of problem. Every
/// expected position below is counted from the YAML written in the test.
@Suite struct LintTests {
    /// `patterns lint` of one hypothesis `t` whose steps `yaml` holds (the file from `version:` to
    /// its last step, so that warnings keep their lines), completed with the other fields a
    /// hypothesis needs (`PatternLoader.requiredHypothesisFields`); no error is expected of it.
    static func lintSteps(_ yaml: String) -> LintReport {
        let fields = "\n    title: t\n    prior: 0.3\n    requires: {any_of: [container-restarted]}\n    explain: x\n    source: test"
        let report = PatternLint.lint(shipped: [], layers: [[("t.yaml", yaml + fields)]])
        #expect(report.errors.map(\.description) == [])
        return report
    }

    @Test func shippedSetLintsClean() {
        let report = PatternLint.lint(shipped: PatternLoader.embedded, layers: [])
        #expect(report.errors.map(\.description) == [])
        #expect(report.warnings.map(\.description) == [])
        #expect(report.signatures >= 80)
    }

    /// Every signature carries what the issue asks for: two match examples, a near miss, a
    /// source, a prefilter literal.
    @Test func everyShippedSignatureHasExamplesSourceAndLiteral() {
        let set = PatternLoader.shipped().set
        for s in set.signatures {
            #expect(s.matches.count >= 2, "signature \(s.id) has \(s.matches.count) match example(s)")
            #expect(s.noMatches.count >= 1, "signature \(s.id) has no no_match example")
            #expect(!s.source.isEmpty, "signature \(s.id) has no source")
            #expect(!s.literal.isEmpty, "signature \(s.id) has no literal")
        }
    }

    /// One file per failure family of FLUX-LOGS.md section 3, each with at least one failure signal.
    @Test func everyFailureFamilyHasAFile() {
        let set = PatternLoader.shipped().set
        let families = ["reconcile", "artifact-fetch", "health-check", "git", "dns", "tls", "helm", "helm-chart",
                        "oci-registry", "kustomize-build", "sops", "apply", "dependencies", "lifecycle", "apiserver",
                        "storage", "rate-limit", "notification", "source-controller", "image-automation", "network"]
        for family in families {
            let inFile = set.signatures.filter { $0.position.file == "Patterns/signatures/\(family).yaml" }
            #expect(!inFile.isEmpty, "no signatures in Patterns/signatures/\(family).yaml")
        }
        #expect(set.signatures.contains { $0.healthy })
    }

    static let broken = """
    version: 1
    signatures:
      - id: broken-regex
        regex: 'it''s (?<x>[0-9]+'
      - id: dup
        regex: 'first'
        examples:
          match: ['first', 'the first']
          no_match: ['second']
        source: test
      - id: dup
        regex: 'second'
      - id: unknown-field
        regex: 'third'
        colour: red
      - id: nested
        literal: 'aa'
        regex: '(a+)+$'
        examples:
          match: ['aaaa', 'xaa']
          no_match: ['b']
        source: test
    """

    /// A broken copy in a folder given like `--patterns DIR`: a regex that does not compile (after a
    /// `''` escape, which takes two columns for one byte), a duplicate id, an unknown field and
    /// `(a+)+$`. A copy of a shipped file next to it adds nothing.
    @Test func brokenCopyNamesFileLineColumn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let shippedDNS = try #require(PatternLoader.embedded.first { $0.path == "Patterns/signatures/dns.yaml" })
        try shippedDNS.text.write(to: dir.appendingPathComponent("dns.yaml"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("broken.yaml").path
        try Self.broken.write(toFile: file, atomically: true, encoding: .utf8)

        let report = PatternLint.lint(userDirectories: [dir.path])
        let errors = report.errors
        func at(_ line: Int, _ column: Int, _ phrase: String) -> Bool {
            errors.contains { $0.position == FilePosition(file: file, line: line, column: column) && $0.message.contains(phrase) }
        }
        // Line 4: `    regex: 'it''s (?<x>[0-9]+'`: the quote is column 12; the 16-byte value ends at
        // column 12 + 1 + 16 + 1 (the `''`), where the `)` is missing.
        #expect(at(4, 30, "regex does not compile: missing closing parenthesis"))
        // The second `- id: dup` mapping starts at line 11, column 5.
        #expect(at(11, 5, "duplicate id `dup` (first defined at \(file):5:5)"))
        // `colour:` at line 15, column 5.
        #expect(at(15, 5, "unknown field `colour`"))
        // Line 18: `    regex: '(a+)+$'`: the outer group opens at column 13. Found by shape and by the run.
        #expect(at(18, 13, "nested quantifier"))
        #expect(at(18, 13, "catastrophic backtracking: `(a+)+` exceeds the PCRE2 match limit (100000) on a run of 256 'a'"))
        #expect(errors.count == 5, "\(errors.map(\.description))")
        #expect(!report.findings.contains { $0.position.file.hasSuffix("/dns.yaml") })
    }

    /// Double-quoted escapes count too: `\t` is two columns for one byte.
    @Test func compileErrorColumnAfterDoubleQuotedEscape() {
        let yaml = """
        version: 1
        signatures:
          - id: t
            regex: "tab\\there (?<x"
        """
        let report = PatternLint.lint(shipped: [], layers: [[("t.yaml", yaml)]])
        // The quote is column 12; the 13-byte value (the tab is one byte) ends at 12 + 1 + 13 + 1.
        #expect(report.errors.map(\.position) == [FilePosition(file: "t.yaml", line: 4, column: 27)])
        #expect(report.errors.first?.message.contains("PCRE2 error 142, offset 13") == true)
    }

    @Test func missingFolderIsAnError() {
        let report = PatternLint.lint(userDirectories: ["/nonexistent/flux-logscan-patterns"])
        #expect(report.errors.map(\.description) == ["/nonexistent/flux-logscan-patterns:1:1: error: no such file or directory"])
    }

    /// A match example without the literal would be skipped by the prefilter in a real scan.
    @Test func literalMissingFromAnExampleIsNamed() {
        let yaml = """
        version: 1
        signatures:
          - id: t
            literal: 'refused'
            regex: 'connect: connection re(?:fused|set)'
            examples:
              match: ['connect: connection refused', 'connect: connection reset']
              no_match: ['connect: no route to host']
            source: test
        """
        let report = PatternLint.lint(shipped: [], layers: [[("t.yaml", yaml)]])
        let literal = report.errors.filter { $0.message.contains("the literal `refused` is not in this example") }
        // The second match example is the flow item at line 7, column 46.
        #expect(literal.map(\.position) == [FilePosition(file: "t.yaml", line: 7, column: 46)])
    }

    /// Steps about Flux itself say `<flux-namespace>`, which a report fills with the namespace the
    /// logs show Flux in (trial 18: `kubectl -n flux-system get endpoints source-controller` for a
    /// Flux installed in `flux`): flux-system written for its endpoints, its Service's address or
    /// `flux check` is a warning at the step, and so is a misspelled placeholder; steps about an
    /// object (`get kustomization <name>`) and `<flux-namespace>` itself are fine.
    @Test func stepsAboutFluxItselfSayFluxNamespace() {
        let yaml = """
        version: 1
        hypotheses:
          - id: t
            checks:
              - "kubectl -n flux-system get endpoints source-controller   # ready endpoints"
              - "kubectl -n flux-system get kustomization <name> -o yaml"
              - "curl http://source-controller.flux-system.svc.cluster.local./"
              - "flux check"
              - "kubectl -n <flux-ns> get pods"
            remediation:
              - "kubectl -n <flux-namespace> logs deploy/<controller> && flux check -n <flux-namespace>"
              - "Restore it (flux install, or reconcile the flux-system Kustomization)."
        """
        let report = Self.lintSteps(yaml)
        #expect(report.warnings.map(\.position) == [5, 7, 8, 9, 12].map { FilePosition(file: "t.yaml", line: $0, column: 10) })
        #expect(report.warnings.first?.message.contains("runs `endpoints` in flux-system") == true)
        #expect(report.warnings.first?.message.contains("write `-n <flux-namespace>`") == true)
        #expect(report.warnings.map(\.message).contains { $0.contains("holds `<flux-ns>`, which nothing fills") })
    }

    // MARK: - Shape

    func issues(_ pattern: String, caseless: Bool = false) -> [RegexShape.Issue] {
        RegexShape.analyse(Array(pattern.utf8), caseless: caseless).issues
    }

    @Test func textbookCatastrophicShapesAreErrors() {
        for (pattern, phrase, offset) in [
            ("(a+)+$", "nested quantifier", 0),
            ("x(a*)*y", "can match the empty string", 1),
            ("w(\\w+\\s?)*$", "nested quantifier", 1),
            ("\"(?:[^\"\\\\]|\\\\.)*\"", "a branch can consume any byte", 1),
            ("q(?:a|ab)*c", "branches that can start with the same byte ('a')", 1),
            ("(?i:(?:A|a)+)z", "branches that can start with the same byte ('a')", 4),
        ] {
            let found = issues(pattern)
            #expect(found.contains { $0.level == .error && $0.offset == offset && $0.message.contains(phrase) }, "\(pattern): \(found)")
        }
    }

    @Test func caselessFoldsLettersBeforeComparing() {
        #expect(issues("(?:a|A)+!").isEmpty)
        #expect(issues("(?:a|A)+!", caseless: true).contains { $0.level == .error })
    }

    @Test func polynomialShapesAreWarnings() {
        #expect(issues("k\\s*\\s*x").map(\.level) == [.warning])
        #expect(issues(".*foo").map(\.offset) == [0])
        #expect(issues("foo.*").map(\.offset) == [3])
        #expect(issues("^.*foo").isEmpty)
    }

    @Test func possessiveAtomicAndDisjointFormsAreClean() {
        for pattern in ["(?:\\.\\d++)*", "(?: [a-z]++)*+", "(?>a+)+$", "(?:\\s++\\S+)*", "(?:ab|cd)*",
                        "\"(?:[^\"\\\\]++|\\\\.)*+\"", "x[^\\n]*?\\bdial tcp", "\\d[\\d.hmnsuµ]*+"] {
            #expect(issues(pattern).isEmpty, "\(pattern): \(issues(pattern))")
        }
        // Every shipped regex is free of shape issues.
        for s in PatternLoader.shipped().set.signatures {
            #expect(issues(s.regex.pattern, caseless: s.caseless).isEmpty, "\(s.id)")
        }
    }
}
