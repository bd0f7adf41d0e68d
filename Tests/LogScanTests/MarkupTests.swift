import Testing
@testable import LogScan

/// The escaping of `MarkdownMarkup` and `HTMLMarkup` (Sources/LogScan/Reporting/Markup.swift):
/// text from a log line must not become markup.
@Suite struct MarkupTests {
    let md = MarkdownMarkup()
    let html = HTMLMarkup()

    @Test func markdownTextEscapesInlineMarkup() {
        #expect(md.text("a *b* _c_ [d](e) <script> `f` ~g~ |h| \\i") == "a \\*b\\* \\_c\\_ \\[d\\](e) \\<script\\> \\`f\\` \\~g\\~ \\|h\\| \\\\i")
        // An entity would be decoded; a lone ampersand stays as written.
        #expect(md.text("&lt; && & x&#60;") == "\\&lt; && & x\\&#60;")
    }

    @Test func markdownTextEscapesBlockMarkersAtItsStart() {
        #expect(md.text("# h") == "\\# h")
        #expect(md.text("- item") == "\\- item")
        #expect(md.text("+ item") == "\\+ item")
        #expect(md.text("12. item") == "12\\. item")
        #expect(md.text("3) item") == "3\\) item")
        // Not at the start: as written.
        #expect(md.text("a - b # c 1. d") == "a - b # c 1. d")
        #expect(md.text("flux-system") == "flux-system")
    }

    @Test func markdownTextIsOneLine() {
        #expect(md.text("a\n# b\r\nc") == "a # b c")
        // Control characters are shown, not passed on (an ANSI escape in a log line).
        #expect(md.text("\u{1B}[31mred") == "\u{241B}\\[31mred")
    }

    @Test func codeSpanOutlastsTheBackticksItHolds() {
        #expect(md.code("a b") == "`a b`")
        #expect(md.code("a `b` c") == "``a `b` c``")
        #expect(md.code("`x") == "`` `x ``")
        #expect(md.code("") == "")
        #expect(md.code("a\nb") == "`a b`")
    }

    @Test func fenceOutlastsTheFencesItHolds() {
        #expect(md.codeBlock("x\n```\ny", language: "sh") == "````sh\nx\n```\ny\n````\n\n")
        #expect(md.codeBlock("plain", language: "") == "```\nplain\n```\n\n")
    }

    @Test func listItemsKeepTheirBlocksInside() {
        #expect(md.list(["a", "b\n```\nc\n```\n\n"]) == "- a\n- b\n  ```\n  c\n  ```\n\n")
    }

    /// A fix written in Patterns/ (artifact-fetch.yaml's NetworkPolicy fix, its first line): the
    /// author's backtick pairs are code spans (CommonMark 6.1), the rest escaped text; spaces
    /// around a span stay. Before, the backticks came out escaped (`\`egress:\``).
    @Test func authoredTextKeepsItsCodeSpans() {
        let line = "restricts the consumers (`kubectl -n flux-system edit networkpolicy <name>`, the policy `get networkpolicy` shows), as one more entry of its `egress:` list:"
        #expect(md.authored(line) == "restricts the consumers (`kubectl -n flux-system edit networkpolicy <name>`, the policy `get networkpolicy` shows), as one more entry of its `egress:` list:")
        #expect(html.authored("its `egress:` list") == "its <code>egress:</code> list")
        // A filled value from a log stays escaped inside its span and outside of one.
        #expect(md.authored("a `<x>` *b*") == "a `<x>` \\*b\\*")
        #expect(html.authored("a `<x>`") == "a <code>&lt;x&gt;</code>")
        // A backtick without a partner, or an empty pair, is text.
        #expect(md.authored("one ` tick") == "one \\` tick")
        #expect(md.authored("`a` and ` b") == "`a` and \\` b")
        #expect(md.authored("empty `` pair") == "empty \\`\\` pair")
        #expect(md.authored("`a` `b`") == "`a` `b`")
    }

    @Test func htmlEscapes() {
        #expect(html.text("<script>alert('x')</script> & \"q\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        #expect(html.code("a<b") == "<code>a&lt;b</code>")
        #expect(html.codeBlock("</pre>\n<b>", language: "sh") == "<pre><code class=\"language-sh\">&lt;/pre&gt;\n&lt;b&gt;</code></pre>\n")
        #expect(html.text("\u{0}x") == "\u{2400}x")
    }
}
