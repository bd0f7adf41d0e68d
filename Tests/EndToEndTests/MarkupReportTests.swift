import Foundation
import Testing

/// `scan --format markdown|html` (CONTRACT.md "Options every user expects"), run on the bundled
/// samples: the values asserted come from the sample files, their README and expected.json, and
/// the same run's `--format json` (confidence), not from the Markdown itself.
@Suite struct MarkupReportTests {
    static let networkpolicy = ["samples/networkpolicy-9090/kustomize-controller.log", "samples/networkpolicy-9090/source-controller.log"]
    static let healthCheck = ["samples/health-check-timeout/kustomize-controller.log", "samples/health-check-timeout/source-controller.log"]

    /// Lines of the fenced code block opened by `opening` (e.g. "```sh"), up to its closing fence.
    static func fencedBlock(_ text: String, opening: String) -> [String]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: opening) else { return nil }
        let fence = String(opening.prefix(while: { $0 == "`" }))
        guard let end = lines[(start + 1)...].firstIndex(of: fence) else { return nil }
        return Array(lines[(start + 1)..<end])
    }

    /// The Markdown with its fenced code blocks and code spans removed (what a renderer reads as
    /// markup), by CommonMark's rules for backtick fences and spans.
    static func outsideCode(_ markdown: String) -> String {
        var out = ""
        var fence: Int?
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.drop(while: { $0 == " " })
            let run = line.prefix(while: { $0 == "`" }).count
            if let f = fence {
                if run >= f && line.dropFirst(run).allSatisfy({ $0 == " " }) { fence = nil }
                continue
            }
            if run >= 3 { fence = run; continue }
            // Code spans: a run of n backticks up to the next run of exactly n.
            let chars = Array(raw)
            var k = 0
            while k < chars.count {
                if chars[k] == "\\" && k + 1 < chars.count { out.append(chars[k]); out.append(chars[k + 1]); k += 2; continue }
                guard chars[k] == "`" else { out.append(chars[k]); k += 1; continue }
                var n = 0
                while k + n < chars.count && chars[k + n] == "`" { n += 1 }
                var j = k + n
                var closed: Int?
                while j < chars.count {
                    if chars[j] == "`" {
                        var m = 0
                        while j + m < chars.count && chars[j + m] == "`" { m += 1 }
                        if m == n { closed = j + m; break }
                        j += m
                    } else { j += 1 }
                }
                if let c = closed { out += "CODE"; k = c } else { out += String(repeating: "`", count: n); k += n }
            }
            out += "\n"
        }
        return out
    }

    // MARK: Markdown on the samples

    /// samples/networkpolicy-9090 (README: refused downloads of the GitRepository's artifact for
    /// apps, infrastructure and flux-system; expected.json: first hypothesis
    /// networkpolicy-blocks-artifact-port, status open).
    @Test func markdownNetworkPolicySample() throws {
        let r = try run(["scan", "--format", "markdown"] + Self.networkpolicy)
        let text = try run(["scan", "--format", "text", "--color", "never"] + Self.networkpolicy)
        #expect(r.status == 1)
        #expect(r.status == text.status)
        #expect(r.stderr == "")
        let md = r.text
        let lines = md.split(separator: "\n").map(String.init)
        #expect(lines.first == "# flux-logscan: 1 incident (1 error)")
        #expect(lines.contains("## 1\\. **ERROR** **open**: Artifact download refused for GitRepository/flux-system/flux-system: 3 Kustomizations failing"))
        #expect(lines.contains("- **upstream:** GitRepository/flux-system/flux-system"))
        #expect(lines.contains("- **affected:** Kustomization/flux-system/apps, Kustomization/flux-system/flux-system, Kustomization/flux-system/infrastructure"))
        #expect(lines.contains("- **controllers:** kustomize-controller"))

        // The first hypothesis, with the confidence the JSON gives, in percent.
        let json = try json(run(["scan", "--format", "json"] + Self.networkpolicy).stdout)
        let incident = try #require((json["incidents"] as? [[String: Any]])?.first)
        let first = try #require((incident["hypotheses"] as? [[String: Any]])?.first)
        #expect(first["id"] as? String == "networkpolicy-blocks-artifact-port")
        let pct = Int(((first["confidence"] as? Double ?? -1) * 100).rounded())
        let heading = try #require(lines.first { $0.hasPrefix("#### 1\\. ") })
        #expect(heading.hasPrefix("#### 1\\. `networkpolicy-blocks-artifact-port` \(pct)%: A NetworkPolicy blocks"))
        // The id is the JSON's.
        #expect(lines.contains("- **id:** `\(incident["id"] as? String ?? "?")`"))

        // The confirm commands in a sh block, one per line, as the JSON's checks.
        let block = try #require(Self.fencedBlock(md, opening: "```sh"))
        #expect(block.first == "kubectl -n flux-system get networkpolicy")
        #expect(block == first["checks"] as? [String])
        // The fixes as a list: the retry filled with the three Kustomizations.
        #expect(lines.contains { $0.hasPrefix("- Then retry at once: flux reconcile kustomization apps --with-source && flux reconcile kustomization flux-system --with-source") })

        // Evidence: signature ×count, and the record of a file:line that holds it.
        #expect(lines.contains { $0.hasPrefix("- **`artifact-fetch-connection-refused`** ×66 kustomize-controller ") && $0.contains("`ip=10.43.89.232` `port=80`") })
        let place = try #require(lines.first { $0.hasPrefix("  `samples/networkpolicy-9090/kustomize-controller.log:1`") })
        let logLine1 = try String(contentsOf: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log"), encoding: .utf8)
            .split(separator: "\n").first.map(String.init) ?? ""
        #expect(logLine1.contains("dial tcp 10.43.89.232:80: connect: connection refused"))
        #expect(place.contains("dial tcp 10.43.89.232:80: connect: connection refused`"))
    }

    /// samples/health-check-timeout (README: the health check of Deployment/shop/checkout times
    /// out after 5m; the reconciliation that timed out began at 19:00:08).
    @Test func markdownHealthCheckSample() throws {
        let r = try run(["scan", "--format", "markdown"] + Self.healthCheck)
        #expect(r.status == 1)
        let lines = r.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("## 1\\. **ERROR** **open**: Health check timed out: Kustomization/flux-system/apps"))
        #expect(lines.contains("- **began:** 19:00:08 UTC, the first failed attempt (kustomization-reconciliation-failed after 5m1.973s at 19:05:10)"))
        #expect(lines.contains { $0.hasPrefix("#### 1\\. `health-check-timeout` ") })
        let block = try #require(Self.fencedBlock(r.text, opening: "```sh"))
        // <workload-namespace> filled from the health check's list (Deployment/shop/checkout).
        #expect(block.contains("kubectl get pods -n shop -o wide   # CrashLoopBackOff, Pending, ImagePullBackOff"))
        #expect(lines.contains { $0.hasPrefix("  `samples/health-check-timeout/kustomize-controller.log:2` `Reconciliation failed after 5m1.973s") })
        #expect(lines.contains("**Fix:**"))
    }

    /// -q: one list item per incident, no evidence.
    @Test func markdownQuiet() throws {
        let r = try run(["scan", "--format", "markdown", "-q"] + Self.networkpolicy)
        #expect(r.status == 1)
        #expect(r.text.contains("\n- 1\\. **ERROR** open **Artifact download refused for GitRepository/flux-system/flux-system: 3 Kustomizations failing** (2026-11-24 02:41:12–03:05:29 UTC, 24m17s)\n"))
        #expect(!r.text.contains("```sh"))
    }

    // MARK: HTML

    @Test func htmlIsOneSelfContainedPage() throws {
        let r = try run(["scan", "--format", "html"] + Self.networkpolicy)
        #expect(r.status == 1)
        #expect(r.stderr == "")
        let html = r.text
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.hasSuffix("</body>\n</html>\n"))
        #expect(html.contains("<style>"))
        for external in ["<script", "<link", "src=", "@import", "url("] {
            #expect(!html.contains(external), "\(external)")
        }
        #expect(html.contains("<title>flux-logscan: 1 incident (1 error)</title>"))
        #expect(html.contains("<span class=\"tag error\">ERROR</span> <span class=\"tag open\">open</span>: Artifact download refused for GitRepository/flux-system/flux-system: 3 Kustomizations failing</h2>"))
        #expect(html.contains("<h4>1. <code>networkpolicy-blocks-artifact-port</code> "))
        #expect(html.contains("<pre><code class=\"language-sh\">kubectl -n flux-system get networkpolicy\n"))
        #expect(html.contains("<code>samples/networkpolicy-9090/kustomize-controller.log:1</code>"))
        // The hypothesis title's apostrophe, escaped.
        #expect(html.contains("A NetworkPolicy blocks consumers from source-controller&#39;s artifact port (TCP 9090)</h4>"))
    }

    // MARK: Escaping

    /// A kustomize-controller record (the shape of samples/health-check-timeout line 2) about a
    /// Kustomization whose name holds markup (it reaches the title, the facts and the fixes) and
    /// whose error holds markup, an ampersand, backticks, a fence and a heading on lines of their
    /// own, and an unknown error record with markup.
    static let craftedName = "apps<script>x</script>&amp;[y](z)"

    static func craftedLog() throws -> String {
        func record(_ ts: String, _ fields: [String: Any]) throws -> String {
            var r: [String: Any] = ["level": "error", "ts": ts, "controller": "kustomization", "controllerGroup": "kustomize.toolkit.fluxcd.io",
                                    "controllerKind": "Kustomization", "Kustomization": ["name": Self.craftedName, "namespace": "flux-system"],
                                    "namespace": "flux-system", "name": Self.craftedName, "reconcileID": "a64225ca-b678-4e68-ac4c-4e8758b7d8b2"]
            r.merge(fields) { $1 }
            return String(decoding: try JSONSerialization.data(withJSONObject: r, options: [.sortedKeys]), as: UTF8.self)
        }
        let error = "health check failed after 5m0.00481s: timeout waiting for: [Deployment/shop/<script>alert(1)</script> status: 'InProgress'] & `x` *y* [z](http://e.x) &lt;\n```\n# not a heading\n</pre>"
        let lines = [
            try record("2026-11-24T19:05:10.650Z", ["msg": "Reconciliation failed after 5m1.973s, next try in 5m0s", "error": error]),
            try record("2026-11-24T19:06:00.000Z", ["msg": "frobnicate <b>failed</b> & broke"]),
            try record("2026-11-24T19:15:10.444Z", ["msg": "Reconciliation failed after 5m1.929s, next try in 5m0s", "error": error]),
        ]
        let dir = try scratch("markup")
        let file = dir.appendingPathComponent("kustomize-controller.log")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func htmlEscapesEveryLogDerivedString() throws {
        let log = try Self.craftedLog()
        defer { try? FileManager.default.removeItem(atPath: (log as NSString).deletingLastPathComponent) }
        let r = try run(["scan", "--format", "html", log])
        #expect(r.status == 1)
        let html = r.text
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>"))
        // The record's own "</pre>" does not close the block early.
        #expect(html.components(separatedBy: "</pre>").count == html.components(separatedBy: "<pre>").count)
        #expect(html.contains("# not a heading\n&lt;/pre&gt;</code></pre>"))
        #expect(html.contains("Deployment/shop/&lt;script&gt;alert(1)&lt;/script&gt; status: &#39;InProgress&#39;] &amp; `x` *y* [z](http://e.x) &amp;lt;"))
        // The unknown error's template.
        #expect(html.contains("frobnicate &lt;b&gt;failed&lt;/b&gt; &amp; broke"))
        // The object's name in the page's title, the heading and the facts.
        let name = "Kustomization/flux-system/apps&lt;script&gt;x&lt;/script&gt;&amp;amp;[y](z)"
        #expect(html.contains("<title>flux-logscan: 1 incident (1 error)</title>"))
        #expect(html.contains("<span class=\"tag open\">open</span>: Health check timed out: \(name)</h2>"))
        #expect(html.contains("<li><strong>upstream:</strong> \(name)</li>"))
        // Every tag in the page is one the report writes.
        let allowed: Set<String> = ["!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "ul", "li",
                                    "strong", "code", "pre", "span", "br"]
        let re = try NSRegularExpression(pattern: "</?([!A-Za-z0-9]+)")
        let tags = re.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { String(html[Range($0.range(at: 1), in: html)!]) }
        #expect(Set(tags).subtracting(allowed).isEmpty, "\(Set(tags).subtracting(allowed))")
    }

    @Test func markdownEscapesEveryLogDerivedString() throws {
        let log = try Self.craftedLog()
        defer { try? FileManager.default.removeItem(atPath: (log as NSString).deletingLastPathComponent) }
        let r = try run(["scan", "--format", "markdown", log])
        #expect(r.status == 1)
        let md = r.text
        // The multi-line record is in a fence longer than the ``` it holds; its "# not a heading"
        // stays inside it.
        #expect(md.contains("  ````\n  Reconciliation failed after 5m1.973s"))
        #expect(md.contains("  ```\n  # not a heading\n  </pre>\n  ````\n"))
        // The object's name (title, facts, the filled fix) is escaped.
        let name = "Kustomization/flux-system/apps\\<script\\>x\\</script\\>\\&amp;\\[y\\](z)"
        #expect(md.contains("**open**: Health check timed out: \(name)\n"))
        #expect(md.contains("- **upstream:** \(name)\n"))
        // Outside code, no markup comes from the log: every <, [ and & before a letter or # is
        // escaped (the report itself writes none of them).
        let prose = Self.outsideCode(md)
        #expect(!prose.contains("\n# not a heading"))
        for bad in [#"(?<!\\)<"#, #"(?<!\\)&[A-Za-z#]"#, #"(?<!\\)\["#] {
            #expect(prose.range(of: bad, options: .regularExpression) == nil, "\(bad)")
        }
        #expect(prose.contains("apps\\<script\\>x"))
        // The template of the unknown error is a code span; the evidence capture too.
        #expect(md.contains("`frobnicate <b>failed</b> & broke`"))
        #expect(md.contains("`objects=Deployment/shop/<script>alert(1)</script> status: 'InProgress'`"))
        // Checks filled from the log are in the sh block, as written.
        #expect(md.contains("```sh\n"))
    }

    // MARK: Exit status and inputs

    /// CONTRACT.md exit status, the same as for text: 1 at --fail-on, 0 below it, 2 for an input
    /// that cannot be read (the rest still reported).
    @Test(arguments: ["markdown", "html"])
    func exitStatusAsForText(format: String) throws {
        for extra in [[], ["--fail-on", "critical"], ["samples/no-such-file.log"]] {
            let text = try run(["scan", "--format", "text"] + Self.healthCheck + extra)
            let r = try run(["scan", "--format", format] + Self.healthCheck + extra)
            #expect(r.status == text.status, "\(extra)")
        }
        let missing = try run(["scan", "--format", format] + Self.healthCheck + ["samples/no-such-file.log"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("samples/no-such-file.log: No such file or directory"))
        // The document names it and still reports the incident.
        #expect(missing.text.contains("samples/no-such-file.log"))
        #expect(missing.text.contains("Health check timed out: Kustomization/flux-system/apps"))
        #expect(try run(["scan", "--format", format, "--fail-on", "critical"] + Self.healthCheck).status == 0)
    }

    /// An empty input says why nothing is shown, as the text report does.
    @Test func emptyInputSaysSo() throws {
        let r = try run(["scan", "--format", "markdown", "-"], stdin: Data())
        #expect(r.status == 0)
        #expect(r.text.hasPrefix("# flux-logscan: 0 incidents\n"))
        #expect(r.text.contains("No records were read: the input is empty."))
    }

    @Test func helpListsTheFormats() throws {
        let r = try run(["scan", "--help"])
        #expect(r.text.contains("markdown"))
        #expect(r.text.contains("html"))
    }

    // MARK: follow

    /// follow writes markdown blocks as incidents close (oom-killed-source-controller: written
    /// once as transient, then again once the restart makes it an outage, see FollowTests).
    @Test func followMarkdown() throws {
        let logs = ["samples/oom-killed-source-controller/kustomize-controller.log", "samples/oom-killed-source-controller/source-controller.log"]
        let r = try run(["follow", "--until-caught-up", "--format", "markdown"] + logs)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("## 1\\. **INFO** **resolved** **transient**: Artifact download refused for GitRepository/flux-system/flux-system") == true)
        #expect(lines.contains("**update of \\[1\\] (the same incident, error, was info; no longer transient):**"))
        #expect(lines.contains { $0.hasPrefix("## 2\\. **ERROR** **resolved**: Artifact download refused") })
    }

    @Test func followRefusesHTML() throws {
        let r = try run(["follow", "--until-caught-up", "--format", "html"] + Self.healthCheck)
        #expect(r.status == 2)
        #expect(r.stderr.contains("--format html writes one page at the end"))
        #expect(r.stdout.isEmpty)
    }
}
