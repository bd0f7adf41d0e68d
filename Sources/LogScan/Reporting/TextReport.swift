/// The report a person reads at 3 a.m.: incidents most severe first, each with its span, objects,
/// evidence lines (`file:line`), ranked hypotheses with the evidence for and against, the checks
/// to run and the fix. ANSI colour only when `color` is true.
public struct TextReport {
    public var color: Bool
    /// How many hypotheses get their checks and fix printed (the rest: evidence only).
    public var detailedHypotheses = 1
    /// `-q`: one summary line per incident.
    public var quiet = false

    public init(color: Bool) { self.color = color }

    func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { paint(s, "1") }
    func dim(_ s: String) -> String { paint(s, "2") }

    func severityTag(_ s: Severity) -> String {
        let tag = s.rawValue.uppercased()
        switch s {
        case .critical: return paint(tag, "1;31")
        case .error: return paint(tag, "31")
        case .warning: return paint(tag, "33")
        case .info: return paint(tag, "36")
        }
    }

    /// One line: `ERROR open  <title>  (02:41:05–02:58:31 UTC)`.
    public func summaryLine(_ i: Incident) -> String {
        "\(severityTag(i.severity)) \(i.status.rawValue)  \(i.title)  (\(span(i)))"
    }

    func span(_ i: Incident) -> String {
        let secs = Double(i.lastSeen.millis - i.firstSeen.millis) / 1000
        let day = String(i.firstSeen.rfc3339.prefix(10))
        return "\(day) \(i.firstSeen.clock)–\(i.lastSeen.clock) UTC, \(formatSpan(seconds: secs))"
    }

    public func render(incidents: [Incident], stats: ScanStats, warnings: [String]) -> String {
        var out = ""
        let counts = Dictionary(grouping: incidents, by: \.severity).mapValues(\.count)
        let parts = Severity.allCases.reversed().compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }
        let noun = incidents.count == 1 ? "incident" : "incidents"
        out += bold("flux-logscan: \(incidents.count) \(noun)") + (parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))")
        out += dim(" in \(stats.records) records, \(stats.events) events") + "\n"
        let formats = stats.byFormat.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        if !formats.isEmpty { out += dim("read: \(formats)") + "\n" }
        for w in warnings { out += paint("warning: ", "33") + w + "\n" }
        if incidents.isEmpty {
            out += "No failure signatures matched. Nothing looks broken in these logs.\n"
            return out
        }
        for (n, i) in incidents.enumerated() {
            out += "\n"
            if quiet { out += summaryLine(i) + "\n"; continue }
            out += bold("[\(n + 1)] ") + severityTag(i.severity) + " " + (i.status == .open ? paint("OPEN", "1") : paint("resolved", "32"))
            out += "  " + bold(i.title) + "\n"
            out += "    when:        \(span(i))\n"
            if let u = i.upstream { out += "    upstream:    \(u)\n" }
            let consumers = i.affected.filter { $0 != i.upstream }
            if !consumers.isEmpty { out += "    affected:    \(consumers.map(\.description).joined(separator: ", "))\n" }
            out += "    controllers: \(i.controllers.joined(separator: ", "))\n"
            out += dim("    id \(i.id)") + "\n"
            out += "  evidence:\n"
            for s in i.signals {
                let caps = s.captures.sorted { $0.key < $1.key }
                    .filter { !$0.key.hasPrefix("source_") && $0.key != "url" }
                    .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                out += "    \(bold(s.signature)) ×\(s.count)  \(s.controller)  \(caps)\n"
                out += "      " + dim(s.location.description) + "  " + cut(s.example?.summary ?? "", at: 400) + "\n"
            }
            if i.hypotheses.isEmpty {
                out += "  hypotheses: none of the known causes fits; the evidence above is all there is.\n"
                continue
            }
            out += "  likely causes:\n"
            for (k, h) in i.hypotheses.enumerated() {
                let pct = Int((h.confidence * 100).rounded())
                out += "    \(k + 1). " + bold(h.id) + "  \(pct)%  " + h.title + "\n"
                for e in h.evidenceFor { out += "       " + paint("+ ", "32") + e + "\n" }
                for e in h.evidenceAgainst {
                    out += "       " + (e.hasPrefix("unknown:") ? paint("? ", "33") : paint("- ", "31")) + e + "\n"
                }
                if k < detailedHypotheses {
                    if !h.checks.isEmpty {
                        out += "       confirm:\n"
                        for c in h.checks { out += "         $ \(c)\n" }
                    }
                    if !h.remediation.isEmpty {
                        out += "       fix:\n"
                        for r in h.remediation {
                            let lines = r.trimmingTrailingWhitespace().split(separator: "\n", omittingEmptySubsequences: false)
                            out += "         - \(lines[0])\n"
                            for l in lines.dropFirst() { out += "           \(l)\n" }
                        }
                    }
                }
            }
        }
        return out
    }

    /// One matched event, for `-v`.
    public func event(_ e: Event) -> String {
        let caps = e.captures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = e.time?.rfc3339 ?? "-"
        return "\(time) \(e.controller) \(e.object?.description ?? "-") \(bold(e.signature)) \(caps) \(dim(e.location.description))"
    }
}

extension String {
    /// The string without trailing spaces and newlines (YAML block scalars end with one).
    public func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }
}
