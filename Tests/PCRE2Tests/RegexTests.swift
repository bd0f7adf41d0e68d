import Testing
@testable import PCRE2

/// Facts from PCRE2's documentation (pcre2api(3), pcre2pattern(3)) and its error table
/// (pcre2_compile.c `compile_error_texts`).
@Suite struct RegexTests {
    @Test func compileErrorCarriesMessageAndOffset() {
        // "missing closing parenthesis" is PCRE2 compile error 114; the offset is the end of the pattern.
        #expect(throws: CompileError.self) { try Regex("dial tcp (abc") }
        do {
            _ = try Regex("dial tcp (abc")
        } catch let e as CompileError {
            #expect(e.message == "missing closing parenthesis")
            #expect(e.offset == 13)
            #expect(e.code == 114)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func namedCapturesFromARealFluxError() throws {
        // Error text from flux2#4811 (FLUX-LOGS.md 1.4).
        let subject = #"Get "http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec.tar.gz": dial tcp 10.43.89.232:80: connect: connection refused"#
        let r = try Regex(#"dial tcp (?<ip>[0-9.]+):(?<port>\d+): connect: (?<reason>connection refused)"#)
        #expect(r.isJIT)
        #expect(r.names.map(\.name) == ["ip", "port", "reason"])
        let caps = try Matcher().namedCaptures(r, in: subject)
        #expect(caps == ["ip": "10.43.89.232", "port": "80", "reason": "connection refused"])
    }

    @Test func caselessMatchesBothHistoricalSpellings() throws {
        // kustomize-controller wrote "Health check failed after" before v1.2.0, lowercase since (FLUX-LOGS.md 3.3).
        let r = try Regex("health check failed after", options: [.caseless])
        let m = Matcher()
        #expect(try m.match(r, in: "Health check failed after 5m0.01s: timeout") != nil)
        #expect(try m.match(r, in: "health check failed after 5m0.01s: timeout") != nil)
        #expect(try m.match(r, in: "health check passed in 5s") == nil)
    }

    @Test func catastrophicBacktrackingHitsTheLimitInsteadOfHanging() throws {
        // The textbook exponential pattern (pcre2perform(3)); with a small limit it must fail fast.
        let r = try Regex("(a+)+$")
        let m = Matcher(matchLimit: 10_000)
        let subject = String(repeating: "a", count: 40) + "b"
        #expect(throws: MatchError.self) { try m.match(r, in: subject) }
    }

    @Test func matchesBytesWithNulAndInvalidUTF8() throws {
        let r = try Regex("refused")
        let bytes: [UInt8] = [0xff, 0xfe, 0x00] + Array("connection refused".utf8)
        let ranges = try bytes.withUnsafeBytes { try Matcher().match(r, in: $0) }
        #expect(ranges?[0] == 14..<21)
    }

    @Test func unsetGroupIsNil() throws {
        let r = try Regex("(?<a>x)|(?<b>y)")
        let caps = try Matcher().namedCaptures(r, in: "y")
        #expect(caps == ["b": "y"])
    }
}
