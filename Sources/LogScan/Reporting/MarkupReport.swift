/// `--format markdown` and `--format html`: the text report's content as a document to paste
/// into an incident ticket, a chat or a GitHub issue (Markdown) or to open in a browser (one
/// self-contained HTML page). What is said is what `TextReport` computes (span, began,
/// recovered, downstream, captures, filled placeholders); only the markup differs. Every string
/// from the logs, the pattern files or the command line is escaped (`Markup`).
///
/// Layout (docs/OUTPUT.md "Markdown and HTML"): a title with the incident count and severities;
/// the records read, warnings and unreadable inputs; per incident a heading (number, severity,
/// status, title), its facts as a list, its evidence, its ranked hypotheses (confidence in
/// percent, evidence for and against) and, for the first `detailedHypotheses`, the commands that
/// confirm it in a `sh` code block and the fixes as a list; then the errors no signature knows.
public struct MarkupReport {
    public var format: MarkupFormat
    /// How many hypotheses get their checks and fix written (the rest: evidence only).
    public var detailedHypotheses = 1
    /// `-q`: one summary line per incident.
    public var quiet = false
    /// Transient incidents in full (`-v`); by default one line each, at most `transientLines`.
    public var expandTransient = false
    public var transientLines = 10

    public init(format: MarkupFormat) { self.format = format }

    var markup: any Markup {
        switch format {
        case .markdown: return MarkdownMarkup()
        case .html: return HTMLMarkup()
        }
    }

    /// The text report with the same settings and no colour, for what it computes.
    var text: TextReport {
        var t = TextReport(color: false)
        t.detailedHypotheses = detailedHypotheses
        t.quiet = quiet
        t.expandTransient = expandTransient
        t.transientLines = transientLines
        return t
    }

    /// The whole report as one string (`write` collected).
    public func render(incidents: [Incident], stats: ScanStats, warnings: [String], context: TextReport.Context = .init(),
                       unmatched: [UnmatchedError] = [], inputErrors: [InputError] = []) -> String {
        var out = ""
        write(count: incidents.count, severities: incidents.map(\.severity), transient: incidents.filter(\.transient).count,
              stats: stats, warnings: warnings, context: context, unmatched: unmatched, inputErrors: inputErrors,
              incidents: { body in incidents.forEach(body) }) { out += $0 }
        return out
    }

    /// Writes the report a piece at a time, as `TextReport.write` does: the head from what is
    /// known before diagnosis, then each incident as `incidents` hands it over, then the errors
    /// no signature knows and (HTML) the end of the page.
    /// - Parameters:
    ///   - count: incidents `incidents` will hand over; `severities` has one element each.
    ///   - transient: how many of them are transient.
    ///   - warnings: shown in the report (input damage, limits reached), one list item each.
    ///   - inputErrors: inputs that could not be opened or read, named in the report (a pasted
    ///     report has no stderr beside it).
    ///   - write: receives consecutive pieces of the document (UTF-8 text).
    public func write(count: Int, severities: [Severity], transient transientTotal: Int, stats: ScanStats, warnings: [String],
                      context: TextReport.Context = .init(), unmatched: [UnmatchedError] = [], inputErrors: [InputError] = [],
                      incidents: ((Incident) -> Void) -> Void, write: (String) -> Void) {
        let m = markup
        let (headline, bySeverity) = TextReport.headline(count: count, severities: severities)
        let title = "flux-logscan: " + headline + (bySeverity.isEmpty ? "" : " (\(bySeverity))")
        var out = m.begin(title: title) + m.heading(1, m.text(title))
        var read = "\(stats.records) records, \(stats.events) events"
        let formats = TextReport.formatsRead(stats)
        if !formats.isEmpty { read += "; read: " + formats }
        out += m.paragraph(m.text(read))
        if !warnings.isEmpty {
            out += m.paragraph(m.strong(m.text("Warnings:")))
            out += m.list(warnings.map { m.text($0) })
        }
        if context.unreadable > 0 || !inputErrors.isEmpty {
            let n = max(context.unreadable, inputErrors.count)
            out += m.paragraph(m.strong(m.text("\(n) input(s) could not be read; this report covers only the rest:")))
            out += m.list(inputErrors.map { m.code($0.name) + m.text(": " + $0.reason) })
        }
        if count == 0 {
            let verdict = text.emptyVerdict(stats: stats, context: context)
            for line in verdict.split(separator: "\n") { out += m.paragraph(m.text(String(line))) }
            write(out + unmatchedSection(unmatched) + m.end())
            return
        }
        write(out)
        var transientShown = 0
        var n = 0
        var quietLines: [String] = []
        withoutActuallyEscaping(write) { write in
            incidents { i in
                n += 1
                if i.transient, !expandTransient {
                    if !quietLines.isEmpty { write(m.list(quietLines)); quietLines = [] }
                    var out = ""
                    if transientShown == 0 {
                        out += m.heading(2, m.text("Transient"))
                        out += m.paragraph(m.text(TextReport.transientNote(transientTotal)))
                    }
                    transientShown += 1
                    if transientShown <= transientLines {
                        out += m.list([summary(i, number: n)])
                    } else if transientShown == transientLines + 1 {
                        out += m.list([m.text("... and \(transientTotal - transientLines) more transient incident(s)")])
                    }
                    write(out)
                    return
                }
                // -q: the summary lines make one list, written in pieces of up to 100.
                if quiet {
                    quietLines.append(summary(i, number: n))
                    if quietLines.count >= 100 { write(m.list(quietLines)); quietLines = [] }
                    return
                }
                write(block(i, number: n))
            }
        }
        write(m.list(quietLines) + unmatchedSection(unmatched) + m.end())
    }

    /// `text` (plain) as a paragraph of its own, in bold: `follow --format markdown`'s
    /// `update of [N] (...)` line before an incident written again.
    public func note(_ text: String) -> String {
        let m = markup
        return m.paragraph(m.strong(m.text(text)))
    }

    /// The one-line form (`-q`, transient incidents): number, severity, status, title and span.
    func summary(_ i: Incident, number: Int) -> String {
        let m = markup
        return m.text("\(number).") + " " + m.tag(i.severity.rawValue.uppercased(), kind: i.severity.rawValue) + " "
            + m.text(i.status.rawValue + (i.transient ? " transient" : "")) + " " + m.strong(m.text(i.title))
            + " " + m.text("(" + text.span(i) + ")")
    }

    /// One incident in full: a level-2 heading (`1. ERROR open: title`), the facts
    /// (`TextReport.facts`) and id as a list, the evidence, the ranked hypotheses. `follow
    /// --format markdown` writes one per incident record.
    public func block(_ i: Incident, number: Int) -> String {
        let m = markup
        let t = text
        var head = m.text("\(number).") + " " + m.tag(i.severity.rawValue.uppercased(), kind: i.severity.rawValue)
            + " " + m.tag(i.status.rawValue, kind: i.status.rawValue)
        if i.transient { head += " " + m.tag("transient", kind: "transient") }
        head += ": " + m.text(i.title)
        var out = m.heading(2, head)
        var facts: [String] = []
        for f in t.facts(i) {
            var item = m.strong(m.text(f.label + ":")) + " " + m.text(f.value)
            if f.label == "downstream", let first = t.downstreamFirst(i) {
                item += "\n" + m.list([m.text("first:") + " " + m.code(first.location.description) + " " + m.code(first.signature)
                                       + " " + m.code(ellipsize(first.example?.summary ?? "", at: TextReport.downstreamTextLimit))])
            }
            facts.append(item)
        }
        facts.append(m.strong(m.text("id:")) + " " + m.code(i.id))
        out += m.list(facts)

        out += m.heading(3, m.text("Evidence"))
        out += m.list(i.signals.map { s in
            var item = m.strong(m.code(s.signature)) + " " + m.text("×\(s.count)") + " " + m.text(s.controller)
            for c in t.captures(s) { item += " " + m.code("\(c.key)=\(c.value)") }
            let record = ellipsize(s.example?.summary ?? "", at: TextReport.evidenceTextLimit).trimmingTrailingWhitespace()
            item += m.lineBreak + m.code(s.examplePlace.description)
            if record.contains(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
                item += "\n" + m.codeBlock(record, language: "")
            } else if !record.isEmpty {
                item += " " + m.code(record)
            }
            return item
        })

        if i.hypotheses.isEmpty {
            out += m.paragraph(m.strong(m.text("Hypotheses:")) + " " + m.text(TextReport.noHypothesis))
            return out
        }
        out += m.heading(3, m.text("Likely causes"))
        for (k, h) in i.hypotheses.enumerated() {
            let pct = Int((h.confidence * 100).rounded())
            out += m.heading(4, m.text("\(k + 1).") + " " + m.code(h.id) + " " + m.authored("\(pct)%: " + h.title))
            var evidence = h.evidenceFor.map { m.strong(m.text("+")) + " " + m.text($0) }
            evidence += h.evidenceAgainst.map { m.strong(m.text($0.hasPrefix("unknown:") ? "?" : "−")) + " " + m.text($0) }
            out += m.list(evidence)
            guard k < detailedHypotheses else { continue }
            if !h.checks.isEmpty {
                out += m.paragraph(m.strong(m.text("Confirm:")))
                out += m.codeBlock(h.checks.joined(separator: "\n"), language: "sh")
            }
            if !h.remediation.isEmpty {
                let heading = TextReport.fixHeading(i)
                out += m.paragraph(m.strong(m.text(heading.prefix(1).uppercased() + heading.dropFirst() + ":")))
                out += m.list(h.remediation.map { r in
                    // A fix of several lines (a YAML snippet): its first line, then the rest as written.
                    let lines = r.trimmingTrailingWhitespace().split(separator: "\n", omittingEmptySubsequences: false)
                    var item = m.authored(String(lines.first ?? ""))
                    if lines.count > 1 { item += "\n" + m.codeBlock(lines.dropFirst().joined(separator: "\n"), language: "") }
                    return item
                })
            }
        }
        return out
    }

    /// The errors no signature knows, as `TextReport.unmatchedSection`: the ten most frequent
    /// templates with count, controllers and the example's `file:line`; `-q`: the heading only.
    func unmatchedSection(_ list: [UnmatchedError]) -> String {
        guard !list.isEmpty else { return "" }
        let m = markup
        let records = list.reduce(0) { $0 + $1.count }
        let heading = "Errors no signature knows (\(list.count) template\(list.count == 1 ? "" : "s"), \(records) record\(records == 1 ? "" : "s"))"
        if quiet { return m.heading(2, m.text(heading)) + m.paragraph(m.text("--format json lists them.")) }
        var items = list.prefix(TextReport.unmatchedShown).map { u in
            m.text("×\(u.count)") + " " + m.text(u.controllers.joined(separator: ", ")) + " " + m.code(ellipsize(u.template, at: 300))
                + m.lineBreak + m.code(u.location.description)
        }
        if list.count > TextReport.unmatchedShown {
            items.append(m.text("... and \(list.count - TextReport.unmatchedShown) more (--format json lists all)"))
        }
        return m.heading(2, m.text(heading)) + m.list(items)
    }
}
