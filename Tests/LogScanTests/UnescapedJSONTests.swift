import Testing
@testable import LogScan

/// JSON string escapes (RFC 8259 section 7) decoded in a record read as text because it did not
/// parse (`RecordDecoder.unescapedJSON`).
@Suite struct UnescapedJSONTests {
    @Test func rfc8259Escapes() {
        #expect(RecordDecoder.unescapedJSON(#"Get \"http://a/b\": x\\y \/ \n\t"#) == "Get \"http://a/b\": x\\y / \n\t")
        // \u with a surrogate pair (RFC 8259's G clef example, U+1D11E), and a lone one.
        #expect(RecordDecoder.unescapedJSON(#"\u00e9 \ud834\udd1e \ud834"#) == "é \u{1D11E} \u{FFFD}")
        // Not an escape, or cut: as written.
        #expect(RecordDecoder.unescapedJSON(#"a\q \u12"#) == #"a\q \u12"#)
        #expect(RecordDecoder.unescapedJSON(#"end\"#) == #"end\"#)
    }
}
