import PCRE2
import Testing
@testable import LogScan

/// Pattern files and log lines of trial 22 (`/tmp/trial22/work/`), shared by the pattern tests.
enum Trial22 {
    /// A kustomize-controller record (FLUX-LOGS.md 1.1, zap JSON) whose error quotes an admission
    /// webhook's denial, the line of trial 22's inputs (`/tmp/trial22/work/01/kustomize-controller.log`).
    static let quotaLine = #"{"level":"error","ts":"2026-11-24T10:00:00.000Z","msg":"Reconciliation failed after 1.2s, next try in 5m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"5edd4a48-c4f4-4c6b-8c25-bedd346af378","error":"Deployment/shop/checkout dry-run failed: admission webhook \"quota.acme.io\" denied the request: Team Quota Exceeded for shop"}"#

    /// A signature file with one signature of `regex` and `controllers`, the quota line its example.
    static func quotaSignature(id: String, regex: String, controllers: String = "[kustomize-controller]", extra: String = "") -> String {
        """
        version: 1
        signatures:
          - id: \(id)
            controllers: \(controllers)
            severity: error
            class: acme-quota
            regex: '\(regex)'
            examples:
              match:
                - line: '\(quotaLine)'
                  captures: {team: shop}
            source: "in-house quota webhook"\(extra)
        """
    }

    /// A loader that read `files` (path, YAML text) as one layer, references checked when `validate`.
    static func load(_ files: [(String, String)], validate: Bool = true) -> PatternLoader {
        var loader = PatternLoader()
        loader.beginLayer()
        for (path, text) in files { loader.load(text: text, file: path) }
        if validate { loader.validateReferences() }
        return loader
    }
}

/// The literal derived from a regex without `literal:` (trial 22 #01): it must be text every match
/// holds, read as PCRE2 reads the pattern (pcre2pattern(3), "Non-printing characters",
/// "Internal option setting", "Backtracking control"), or none.
@Suite struct LiteralDerivationTests {
    /// pcre2pattern: `\xhh` is "character with hex code hh" and `\0` is followed by "up to two
    /// further octal digits": `\x20` and `\040` are both a space. `(?i)` at the start makes the
    /// whole pattern caseless, so no case-sensitive literal is implied.
    @Test func trialRegexesDeriveTheTextTheyMatch() {
        #expect(LiteralDeriver.derive(#"Team\x20Quota Exceeded for (?<team>\w+)"#) == "Team Quota Exceeded for ")
        #expect(LiteralDeriver.derive(#"Team\040Quota Exceeded for (?<team>\w+)"#) == "Team Quota Exceeded for ")
        #expect(LiteralDeriver.derive(#"(?i)team quota exceeded for (?<team>\w+)"#) == "")
    }

    /// The trial's signatures, loaded as a user's file: their examples match (the literal is used
    /// before the regex in every scan, also with `--no-prefilter`) and lint finds nothing.
    @Test func trialSignaturesMatchTheirExamples() {
        let files = [
            ("x20.yaml", Trial22.quotaSignature(id: "acme-quota-x20", regex: #"Team\x20Quota Exceeded for (?<team>\w+)"#)),
            ("octal.yaml", Trial22.quotaSignature(id: "acme-quota-octal", regex: #"Team\040Quota Exceeded for (?<team>\w+)"#)),
            ("inline.yaml", Trial22.quotaSignature(id: "acme-quota-inline-i", regex: #"(?i)team quota exceeded for (?<team>\w+)"#)),
        ]
        let loader = Trial22.load(files)
        #expect(loader.diagnostics.map(\.description) == [])
        #expect(loader.set.signatures.count == 3)
        #expect(ExampleChecker.check(loader.set).map(\.description) == [])
        let report = PatternLint.lint(shipped: [], layers: [files])
        #expect(report.errors.map(\.description) == [])
    }

    /// Each construct PCRE2 reads differently from plain text, with a subject PCRE2 matches: the
    /// derived literal is the expected one, and (the property) it occurs in the subject.
    @Test(arguments: [
        (#"Team\x{20}Quota Exceeded"#, "Team Quota Exceeded", "Team Quota Exceeded"),
        (#"Team\o{40}Quota Exceeded"#, "Team Quota Exceeded", "Team Quota Exceeded"),
        (#"\x41BC quota"#, "ABC quota", "ABC quota"),
        // `\101`: three digits, no groups: octal 101 ('A'), not decoded; "BC quota" follows.
        (#"\101BC quota"#, "ABC quota", "BC quota"),
        // `\cA` is control-A, one character.
        (#"ab\cAQuota Exceeded"#, "ab\u{01}Quota Exceeded", "Quota Exceeded"),
        (#"(\w+)\1 doubled"#, "abab doubled", " doubled"),
        (#"(?<t>a)\k<t>quota exceeded"#, "aaquota exceeded", "quota exceeded"),
        (#"(?<t>a)\g{t}quota exceeded"#, "aaquota exceeded", "quota exceeded"),
        (#"(a)\g1quota exceeded"#, "aaquota exceeded", "quota exceeded"),
        (#"x\Q(q)|\E quota exceeded"#, "x(q)| quota exceeded", " quota exceeded"),
        (#"\Nquota\Rexceeded\h+now"#, "-quota\nexceeded now", "exceeded"),
        (#"\pLuota exceeded"#, "Quota exceeded", "uota exceeded"),
        (#"\p{Lu}uota exceeded"#, "Quota exceeded", "uota exceeded"),
        (#"[]x]quota exceeded"#, "]quota exceeded", "quota exceeded"),
        (#"[[:alpha:]]quota exceeded"#, "aquota exceeded", "quota exceeded"),
        (#"[\Q]\E]quota exceeded"#, "]quota exceeded", "quota exceeded"),
        (#"(?#a (comment)quota exceeded"#, "quota exceeded", "quota exceeded"),
        (#"team quota(?i) EXCEEDED"#, "team quota exceeded", "team quota"),
        (#"(?s)quota.exceeded"#, "quota\nexceeded", ""),
        // Extended mode: whitespace is ignored and `#` starts a comment, so nothing is certain.
        (#"(?x) quota \ exceeded  # (note"#, "quota exceeded", ""),
        (#"quota (?x: exceeded ) for"#, "quota exceeded for", ""),
        // `(*ACCEPT)` ends the match at once: "quota exceeded" is not required.
        (#"(?:x(*ACCEPT))?quota exceeded"#, "x", ""),
        (#"(*UTF)quota exceeded"#, "quota exceeded", ""),
        (#"quota(?:d|e)? exceeded|other"#, "other", ""),
        // A quantifier repeats the byte before it (no PCRE2_UTF): `é?` leaves `é`'s first byte.
        ("quotaé? exceeded", "quotaé exceeded", " exceeded"),
    ] as [(String, String, String)])
    func constructs(regex: String, subject: String, expected: String) throws {
        let compiled = try Regex(regex)
        let matcher = Matcher()
        let found = try Array(subject.utf8).withUnsafeBytes { try matcher.found(compiled, in: $0) }
        #expect(found, "PCRE2 does not match \(regex) on \(subject)")
        let derived = LiteralDeriver.derive(regex)
        #expect(derived == expected)
        #expect(derived.isEmpty || Array(subject.utf8).firstRange(of: Array(derived.utf8)) != nil)
    }

    /// The property over the shipped set: the literal derived from each signature's regex (whether
    /// or not the file gives one) is in the text of every example the signature matches.
    @Test func derivedLiteralOfEveryShippedSignatureIsInItsExamples() {
        for sig in PatternLoader.shipped().set.signatures {
            let derived = LiteralDeriver.derive(sig.regex.pattern)
            guard !derived.isEmpty else { continue }
            let literal = sig.caseless ? LiteralDeriver.asciiLowercased(derived) : derived
            for ex in sig.matches {
                let text = PatternLint.subject(ex.line, field: sig.field)
                let hay = sig.caseless ? LiteralDeriver.asciiLowercased(text) : text
                #expect(hay.contains(literal), "signature \(sig.id): derived `\(derived)` not in \(ex.position)")
            }
        }
    }

    /// A caseless literal is lowercased in ASCII only, as PCRE2 without UTF and the matcher's
    /// lowercasing of subjects fold case: `É` stays `É`.
    @Test func caselessLiteralLowercasesASCIIOnly() {
        #expect(LiteralDeriver.asciiLowercased("Échec QUOTA") == "Échec quota")
    }

    /// The lint message names the field once: "this example's text", not "text text".
    @Test func literalMissingMessageNamesTheFieldOnce() {
        let yaml = Trial22.quotaSignature(id: "acme-quota", regex: #"Team Quota Exceeded for (?<team>\w+)"#, extra: "\n    literal: 'Team Quota Denied'")
        let report = PatternLint.lint(shipped: [], layers: [[("q.yaml", yaml)]])
        #expect(report.errors.map(\.message) == ["signature `acme-quota`: example does not match", "signature `acme-quota`: the literal `Team Quota Denied` is not in this example's text, so the prefilter skips it"])
    }
}
