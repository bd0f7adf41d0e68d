import Testing
@testable import LogScan

/// The prefilter may only drop lines that no signature matches: every signature's every match
/// example must be a candidate for that signature.
@Suite struct PrefilterTests {
    @Test func everyMatchExampleIsACandidateOfItsSignature() throws {
        let set = PatternLoader.shipped().set
        let prefilter = try #require(Prefilter(patterns: set))
        var misses: [String] = []
        for (index, sig) in set.signatures.enumerated() {
            for ex in sig.matches {
                var bytes = Array(ex.line.utf8)
                let candidates: [Int] = bytes.withUnsafeMutableBytes { buf in
                    let line = UnsafeRawBufferPointer(buf)
                    prefilter.scan(line)
                    return (prefilter.signatures(inLine: line) ?? []) + prefilter.unfiltered
                }
                if !candidates.contains(index) { misses.append("\(sig.id) at \(ex.position)") }
            }
        }
        #expect(misses == [])
    }

    @Test func safeLiteralAvoidsEscapedCharacters() {
        // zap escapes " and \ (FLUX-LOGS.md 1.1); flux logs < v0.27 HTML-escapes " ' & (2).
        #expect(Prefilter.safeLiteral(#"Get "http://source-controller"#) == "http://source-controller")
        #expect(Prefilter.safeLiteral("no changes since last reconcilation") == "no changes since last reconcilation")
        #expect(Prefilter.safeLiteral(#"a"b"#) == "a")
    }

    @Test func hitsAreAssignedToTheirLines() throws {
        var set = PatternSet()
        var loader = PatternLoader()
        loader.load(text: """
        version: 1
        signatures:
          - id: refused
            regex: 'connection refused'
          - id: timeout
            caseless: true
            regex: 'i/o timeout'
        """, file: "t.yaml")
        set = loader.set
        let prefilter = try #require(Prefilter(patterns: set))
        var text = Array("a connection refused here\nnothing\nI/O TIMEOUT and connection refused\n".utf8)
        let lines: [[Int]] = text.withUnsafeMutableBytes { buf in
            let region = UnsafeRawBufferPointer(buf)
            prefilter.scan(region)
            let l1 = UnsafeRawBufferPointer(rebasing: region[0..<25])
            let l2 = UnsafeRawBufferPointer(rebasing: region[26..<33])
            let l3 = UnsafeRawBufferPointer(rebasing: region[34..<68])
            return [l1, l2, l3].map { prefilter.signatures(inLine: $0) ?? [-1] }
        }
        #expect(lines == [[0], [], [0, 1]])
    }
}
