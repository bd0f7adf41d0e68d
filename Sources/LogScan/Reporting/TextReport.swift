/// The report a person reads at 3 a.m.: incidents most severe first, each with its span, objects,
/// evidence lines (`file:line`), ranked hypotheses with the evidence for and against, the checks
/// to run and the fix. ANSI colour only when `color` is true.
public struct TextReport {
    public var color: Bool
    /// How many hypotheses get their checks and fix printed (the rest: evidence only).
    public var detailedHypotheses = 1
    /// `-q`: one summary line per incident.
    public var quiet = false
    /// Render transient incidents in full, like the others (`-v`); by default they take one line
    /// each, at most `transientLines` of them.
    public var expandTransient = false
    public var transientLines = 10

    public init(color: Bool) { self.color = color }

    func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    /// The SGR sequences `paint` writes (`ESC [ code m`), the only escape sequences the report
    /// sends to a terminal.
    static let ownSGR: Set<String> = ["0", "1", "2", "31", "32", "33", "36", "1;31"]

    /// `text` as it may reach a terminal: control characters that come from log records (an
    /// error text quoting an HTTP body or a Git server's message, JSON-escaped `\u001b` that the
    /// decoder turned back into ESC) shown as their control pictures (U+2400 + code, DEL as
    /// U+2421), C1 controls (U+0080–U+009F: 0x9B is CSI to some terminals) as U+FFFD, lone CR as
    /// LF; tab and line feed kept. With `color`, the colour codes the report itself writes
    /// (`ownSGR`) are kept: a record can at most colour its own text, never move the cursor,
    /// erase lines or set the window title (a trial: `ESC[2K ESC[1A` erased evidence lines).
    func terminalSafe(_ text: String) -> String {
        guard text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A) || $0 == 0x7F || $0 == 0xC2 }) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var k = 0
        while k < scalars.count {
            let u = scalars[k]
            switch u.value {
            case 0x1B:
                if color, k + 1 < scalars.count, scalars[k + 1] == "[" {
                    var end = k + 2
                    while end < scalars.count, end - k < 8, (scalars[end] >= "0" && scalars[end] <= "9") || scalars[end] == ";" { end += 1 }
                    if end < scalars.count, scalars[end] == "m",
                       Self.ownSGR.contains(String(String.UnicodeScalarView(scalars[(k + 2)..<end]))) {
                        out.append(contentsOf: scalars[k...end])
                        k = end + 1
                        continue
                    }
                }
                out.append("\u{241B}")
            case 0x0D:
                if k + 1 < scalars.count, scalars[k + 1] == "\n" { break }
                out.append("\n")
            case 0x09, 0x0A: out.append(u)
            case 0..<0x20: out.append(Unicode.Scalar(0x2400 + u.value)!)
            case 0x7F: out.append("\u{2421}")
            case 0x80...0x9F: out.append("\u{FFFD}")
            default: out.append(u)
            }
            k += 1
        }
        return String(out)
    }
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

    /// Says why nothing is shown, so that an empty report is never mistaken for an all-clear when
    /// the input was empty, not Flux logs, filtered out, or below `--min-severity` (inputs that
    /// could not be read are said above it, by `render`, whatever was found).
    func emptyVerdict(stats: ScanStats, context: Context) -> String {
        var lines: [String] = []
        if stats.records == 0 {
            // Nothing read because nothing could be: the line above says so.
            if context.unreadable > 0 { return "" }
            // Read, but damaged before any record: the warning names the input and the place.
            if stats.damagedInputs > 0 {
                lines.append(paint("No records were read: the input is damaged before its first record (see the warning). Check the archive (gzip -t, tar -tf).", "33"))
                return lines.joined(separator: "\n")
            }
            // Nothing read because the folders held no file named like a log (a trial's folder
            // with only a README.md was called empty).
            if stats.bytes == 0, context.skippedByName > 0 {
                lines.append(paint("No records were read: the folders given hold no file whose name looks like a log (\(context.skippedByName) skipped by name, see the warning). Give the files by name to read them.", "33"))
                return lines.joined(separator: "\n")
            }
            lines.append(paint("No records were read: the input is empty. Check the command that produced it (kubectl logs, flux logs).", "33"))
            return lines.joined(separator: "\n")
        }
        let flux = stats.byController.filter { $0.key != "unknown" }.values.reduce(0, +)
        if flux == 0 {
            lines.append(paint("None of the \(stats.records) records came from a Flux controller (no controller fields, pod prefix or file name said so).", "33"))
        }
        if context.hidden > 0 {
            lines.append("\(context.hidden) incident(s) found below --min-severity; lower it to see them.")
        } else if context.notSelected > 0 {
            lines.append("\(context.notSelected) incident(s) were found, none about the --controller/--namespace/--object given (nor anything they wait on).")
        } else if context.filtered > 0 {
            lines.append("\(context.filtered) matched event(s) were left out by --since/--until/--controller/--namespace/--object; no incident in what remains.")
        } else if flux > 0, context.unmatchedRecords > 0 {
            lines.append("No failure signatures matched in \(flux) Flux controller records; \(context.unmatchedRecords) error record(s) no signature knows are listed below.")
        } else if flux > 0 {
            lines.append("No failure signatures matched in \(flux) Flux controller records. Nothing in these logs says a reconciliation is failing.")
        }
        return lines.joined(separator: "\n")
    }

    /// One line: `ERROR open  <title>  (02:41:05–02:58:31 UTC)`.
    public func summaryLine(_ i: Incident) -> String {
        terminalSafe("\(severityTag(i.severity)) \(i.status.rawValue)\(i.transient ? " transient" : "")  \(i.title)  (\(span(i)))")
    }

    /// `2024-12-30 10:00:00–10:50:00 UTC, 50m0s`; the end's date too when it is another day
    /// (`2024-12-31 23:59:55–2025-01-01 00:00:05 UTC, 10s`).
    func span(_ i: Incident) -> String {
        let secs = Double(i.lastSeen.millis - i.firstSeen.millis) / 1000
        return "\(i.firstSeen.rfc3339.prefix(10)) \(i.firstSeen.clock)–\(Self.clock(i.lastSeen, from: i.firstSeen)) UTC, \(goDuration(seconds: secs))"
    }

    /// `t`'s `HH:MM:SS`, after its date (`2025-01-01 00:00:05`) when that is not `start`'s day
    /// (UTC): what `when:`, `began:`, `recovered:` and `downstream:` write after the incident's
    /// first day.
    static func clock(_ t: Timestamp, from start: Timestamp) -> String {
        let day = t.rfc3339.prefix(10)
        return (day == start.rfc3339.prefix(10) ? "" : day + " ") + t.clock
    }

    /// `10:08:31 UTC, 6s after the last failure: Kustomization/flux-system/apps healthy
    /// (kustomization-reconciliation-finished, kustomize-controller.log:25)`; `by 10:12:00 UTC, ...`
    /// when only a bound is known (`Recovery.exact`). The date is shown when it is not the day the
    /// incident began.
    func recovered(_ r: Recovery, after i: Incident) -> String {
        let clock = Self.clock(r.time, from: i.firstSeen) + " UTC"
        let secs = Double(r.time.millis - i.lastSeen.millis) / 1000
        var where_ = r.signature + ", " + r.controller
        if let l = r.location { where_ += ", " + l.description }
        return (r.exact ? clock + ", " + goDuration(seconds: secs) + " after the last failure"
                        : "by " + clock + " (" + goDuration(seconds: secs) + " after the last failure at the latest)")
            + ": \(r.object.controllerName ?? r.object.description) healthy (" + where_ + ")"
    }

    /// What else the reader must know when no incident is shown: why.
    public struct Context {
        /// Incidents found but below `--min-severity`.
        public var hidden = 0
        /// Inputs that could not be opened or read.
        public var unreadable = 0
        /// Events matched but dropped by `--since/--until/--controller/--namespace/--object`.
        public var filtered = 0
        /// Incidents found but not about the `--controller/--namespace/--object` given.
        public var notSelected = 0
        /// Error records no signature knows (mined into `unmatched_errors`).
        public var unmatchedRecords = 0
        /// Files in the folders given that were not read because their names do not look like
        /// logs (`InputWalker`).
        public var skippedByName = 0
        public init() {}
    }

    /// - Parameter unmatched: templates of error records no signature knows, listed after the
    ///   incidents (`unmatchedSection`).
    public func render(incidents: [Incident], stats: ScanStats, warnings: [String], context: Context = Context(),
                       unmatched: [UnmatchedError] = []) -> String {
        var out = ""
        write(count: incidents.count, severities: incidents.map(\.severity), transient: incidents.filter(\.transient).count,
              stats: stats, warnings: warnings, context: context, unmatched: unmatched,
              incidents: { body in incidents.forEach(body) }) { out += $0 }
        return out
    }

    /// `render(incidents:...)`, written one piece at a time: the header from what is known before
    /// diagnosis (how many incidents, their severities, how many are transient), then each
    /// incident as `incidents` hands it over (`IncidentStream.forEach`), then the unmatched errors.
    /// - Parameters:
    ///   - count: incidents `incidents` will hand over; `severities` has one element each.
    ///   - transient: how many of them are transient.
    ///   - write: receives consecutive pieces of the report.
    public func write(count: Int, severities: [Severity], transient transientTotal: Int, stats: ScanStats, warnings: [String],
                      context: Context = Context(), unmatched: [UnmatchedError] = [],
                      incidents: ((Incident) -> Void) -> Void, write: (String) -> Void) {
        var out = ""
        let (headline, bySeverity) = Self.headline(count: count, severities: severities)
        out += bold("flux-logscan: \(headline)") + (bySeverity.isEmpty ? "" : " (\(bySeverity))")
        out += dim(" in \(stats.records) records, \(stats.events) events") + "\n"
        let formats = Self.formatsRead(stats)
        if !formats.isEmpty { out += dim("read: \(formats)") + "\n" }
        for w in warnings { out += paint("warning: ", "33") + w + "\n" }
        if context.unreadable > 0 {
            out += paint(Self.unreadableNote(context.unreadable), "33") + "\n"
        }
        if count == 0 {
            let verdict = emptyVerdict(stats: stats, context: context)
            if !verdict.isEmpty { out += verdict + "\n" }
            write(out + unmatchedSection(unmatched))
            return
        }
        write(terminalSafe(out))
        var transientShown = 0
        var n = 0
        // `write` is called only while `incidents` runs.
        withoutActuallyEscaping(write) { write in
            incidents { i in
                n += 1
                // Transient incidents (docs/SCORING.md) are noise Flux absorbed by itself: one line
                // each, at most `transientLines`, unless `expandTransient` (-v).
                if i.transient, !expandTransient {
                    var out = ""
                    if transientShown == 0 {
                        out += "\n" + dim("transient: " + Self.transientNote(transientTotal)) + "\n"
                    }
                    transientShown += 1
                    if transientShown <= transientLines {
                        out += bold("[\(n)] ") + summaryLine(i) + "\n"
                    } else if transientShown == transientLines + 1 {
                        out += dim("... and \(transientTotal - transientLines) more transient incident(s)") + "\n"
                    }
                    write(terminalSafe(out))
                    return
                }
                // -q: one line per incident, no blank lines between them.
                if quiet { write((n == 1 ? "\n" : "") + bold("[\(n)] ") + summaryLine(i) + "\n"); return }
                write("\n" + block(i, number: n))  // both terminal-safe already
            }
        }
        write(terminalSafe(unmatchedSection(unmatched)))
    }

    /// One incident as the text report shows it in full (not the one-line transient or `-q`
    /// form): the `[number] severity status  title` line, when, objects, controllers, id, the
    /// evidence lines (file:line and the record) and the ranked hypotheses with their checks and
    /// fixes. Ends with a newline; `follow` prints one block per incident as it closes or changes.
    public func block(_ i: Incident, number: Int) -> String { terminalSafe(rawBlock(i, number: number)) }

    /// `block` before `terminalSafe`.
    func rawBlock(_ i: Incident, number: Int) -> String {
        var out = ""
        out += bold("[\(number)] ") + severityTag(i.severity) + " " + (i.status == .open ? paint("open", "1") : paint("resolved", "32"))
        // docs/SCORING.md "Transient incidents": noise Flux absorbed by itself.
        if i.transient { out += " " + dim("transient") }
        out += "  " + bold(i.title) + "\n"
        for f in facts(i) {
            out += "    " + f.label + ":" + String(repeating: " ", count: max(1, 12 - f.label.count)) + f.value + "\n"
            if f.label == "downstream", let first = downstreamFirst(i) {
                out += "                 " + dim("first: \(first.location)") + "  \(first.signature)  "
                    + indented(ellipsize(first.example?.summary ?? "", at: Self.downstreamTextLimit), by: 19) + "\n"
            }
        }
        out += dim("    id \(i.id)") + "\n"
        out += "  evidence:\n"
        for s in i.signals {
            let caps = captures(s).map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            out += "    \(bold(s.signature)) ×\(s.count)  \(s.controller)  \(caps)\n"
            out += "      " + dim(s.examplePlace.description) + "  " + indented(ellipsize(s.example?.summary ?? "", at: Self.evidenceTextLimit), by: 8) + "\n"
        }
        if i.hypotheses.isEmpty {
            out += "  hypotheses: " + Self.noHypothesis + "\n"
            return out
        }
        out += "  likely causes:\n"
        for (k, h) in i.hypotheses.enumerated() {
            let pct = Int((h.confidence * 100).rounded())
            out += "    \(k + 1). " + bold(h.id) + "  \(pct)%  " + h.title + "\n"
            for e in h.evidenceFor { out += "       " + paint("+ ", "32") + indented(e, by: 9) + "\n" }
            for e in h.evidenceAgainst {
                out += "       " + (e.hasPrefix("unknown:") ? paint("? ", "33") : paint("- ", "31")) + indented(e, by: 9) + "\n"
            }
            if k < detailedHypotheses {
                if !h.checks.isEmpty {
                    out += "       confirm:\n"
                    for c in h.checks { out += "         $ \(c)\n" }
                }
                if !h.remediation.isEmpty {
                    out += "       \(Self.fixHeading(i)):\n"
                    for r in h.remediation {
                        let lines = r.trimmingTrailingWhitespace().split(separator: "\n", omittingEmptySubsequences: false)
                        out += "         - \(lines[0])\n"
                        for l in lines.dropFirst() { out += "           \(l)\n" }
                    }
                }
            }
        }
        return out
    }

    /// When the first failed attempt started, if well before the incident's first record: a
    /// failure that says how long it ran (`Reconciliation failed after 5m1.973s`, `health check
    /// failed after 5m0.00481s`: capture `duration` of a failure or wrapper signal, FLUX-LOGS.md
    /// 3.1, 3.3) began that long before it was logged. `19:00:08 UTC, the first failed attempt
    /// (kustomization-reconciliation-failed after 5m1.973s at 19:05:10)`; nil when no signal says,
    /// or it began less than 10 seconds before the incident's first record (a reconcile that
    /// failed within seconds adds nothing to `when:`). The duration's start is
    /// `Incident.firstAttempt`, where the diagnosis' span of the failures begins (`failureSpan`).
    func beganLine(_ i: Incident) -> String? {
        // A Helm action's start (`ActionStart`): `23:11:28 UTC, the Helm action started
        // (helm-upgrade-preparing, helm-controller.log:1)`.
        if let a = i.actionStart, a.time.millis <= i.firstSeen.millis - Incident.attemptLeadMillis {
            return "\(Self.clock(a.time, from: i.firstSeen)) UTC, the Helm action started (\(a.signature)\(a.location.map { ", \($0)" } ?? ""))"
        }
        // The first failed attempt (`Incident.firstAttempt`), where the diagnosis' span begins too.
        guard let b = i.firstAttempt, let d = b.signal.captures["duration"], let logged = b.signal.firstSeen else { return nil }
        return "\(Self.clock(b.began, from: i.firstSeen)) UTC, the first failed attempt (\(b.signal.signature) after \(d) at \(logged.clock))"
    }

    /// The `downstream:` fact: `7 Kustomizations (apps, infra-configs, ...) waiting on it` (with
    /// when the last of them waited, if after the incident's last failure: the root's span ends
    /// there, the outage did not); nil when nothing was folded under the incident.
    func downstreamSummary(_ i: Incident) -> String? {
        let objects = i.downstreamObjects
        guard !objects.isEmpty else { return nil }
        let home = i.upstream?.namespace ?? i.affected.first?.namespace
        var parts: [String] = []
        for kind in Set(objects.map(\.kind)).sorted(by: { a, b in
            let na = objects.filter { $0.kind == a }.count, nb = objects.filter { $0.kind == b }.count
            return na != nb ? na > nb : a < b
        }) {
            let of = objects.filter { $0.kind == kind }
            var names = of.prefix(8).map { $0.namespace == home || $0.namespace.isEmpty ? $0.name : "\($0.namespace)/\($0.name)" }
            if of.count > 8 { names.append("…") }
            parts.append("\(Cascade.describe(of)) (\(names.joined(separator: ", ")))")
        }
        var waiting = "waiting on it"
        // Waits more than a minute older than the root's first failure: the root's own log began
        // later (a restarted source-controller's container) and the waits tell since when (trial
        // 14: 50 minutes). Within a minute it is the order two controllers logged one failure in.
        if let first = i.downstream.map(\.firstSeen).min(by: { $0.millis < $1.millis }), i.firstSeen.millis - first.millis > 60_000 {
            let before = goDuration(seconds: Double(i.firstSeen.millis - first.millis) / 1000)
            waiting += " from \(Self.clock(first, from: i.firstSeen)) UTC (\(before) before the first failure above)"
        }
        if let last = i.downstream.map(\.lastSeen).max(by: { $0.millis < $1.millis }), last.millis > i.lastSeen.millis {
            let after = goDuration(seconds: Double(last.millis - i.lastSeen.millis) / 1000)
            waiting += ", the last at \(Self.clock(last, from: i.firstSeen)) UTC (\(after) after the last failure above)"
        }
        return "\(parts.joined(separator: ", ")) \(waiting)"
    }

    /// The first downstream event (earliest, then by place) of the incidents folded under `i`:
    /// the text report prints its place, signature and record under `downstream:`.
    func downstreamFirst(_ i: Incident) -> DownstreamSignal? {
        i.downstreamSignals.min(by: { a, b in
            (a.firstSeen?.millis ?? .max, a.location.file, a.location.line) < (b.firstSeen?.millis ?? .max, b.location.file, b.location.line)
        })
    }

    /// The facts listed under an incident's heading, in order, each a label and a plain-text value
    /// (no colour): `when` (span), `began` (`beganLine`), `recovered`, `upstream`, `affected`
    /// (without the upstream), `controllers`, `downstream` (`downstreamSummary`), `earlier`
    /// (`earlier(_:before:)`); `under way` after `when` with `--since` (`Incident.underWay`). Absent facts are left out. Shared by the text, Markdown and HTML reports.
    func facts(_ i: Incident) -> [(label: String, value: String)] {
        var out: [(label: String, value: String)] = [("when", span(i))]
        if let u = i.underWay {
            out.append(("under way", "before --since: failing from \(Self.clock(u.first, from: i.firstSeen)) UTC, \(u.count) failure record(s) "
                        + "up to \(Self.clock(u.last, from: i.firstSeen)) UTC left out"))
        }
        if let b = beganLine(i) { out.append(("began", b)) }
        if let r = i.recovery { out.append(("recovered", recovered(r, after: i))) }
        if let u = i.upstream { out.append(("upstream", u.description)) }
        let consumers = i.affected.filter { $0 != i.upstream }
        if !consumers.isEmpty { out.append(("affected", consumers.map(\.description).joined(separator: ", "))) }
        out.append(("controllers", i.controllers.joined(separator: ", ")))
        if let d = downstreamSummary(i) { out.append(("downstream", d)) }
        if let e = i.earlier { out.append(("earlier", earlier(e, before: i))) }
        return out
    }

    /// `the same kind of failure once before: 08:00:05–08:12:30 UTC, resolved, 47m35s before this one
    /// (id 8c1f...)`; with more, `3 times before, the last: ...` (`Incident.earlier`).
    func earlier(_ e: Earlier, before i: Incident) -> String {
        let times = e.count == 1 ? "once before:" : "\(e.count) times before, the last:"
        let gap = goDuration(seconds: Double(i.firstSeen.millis - e.lastSeen.millis) / 1000)
        return "the same kind of failure \(times) \(Self.clock(e.firstSeen, from: i.firstSeen))–\(Self.clock(e.lastSeen, from: i.firstSeen)) UTC, "
            + "\(e.status.rawValue), \(gap) before this one (id \(e.id))"
    }

    /// A signal's captures as the reports show them, sorted by name: without the upstream's
    /// `source_*` parts and `url` (the evidence line's record holds them), values as
    /// `captureText` prints them.
    func captures(_ s: SignalSummary) -> [(key: String, value: String)] {
        let derived = DerivedSignal.all.contains(s.signature)
        return s.captures.sorted { $0.key < $1.key }
            .filter { !$0.key.hasPrefix("source_") && $0.key != "url" }
            .map { ($0.key, Self.captureText($0.value, derived: derived)) }
    }

    /// Bytes of an evidence line's record text shown (the JSON keeps 2,000).
    static let evidenceTextLimit = 400
    /// Bytes of the first downstream record's text shown.
    static let downstreamTextLimit = 200

    /// `3 incidents` and `1 critical, 2 errors` (empty when there are none), for the report's
    /// first line.
    static func headline(count: Int, severities: [Severity]) -> (count: String, bySeverity: String) {
        let counts = Dictionary(grouping: severities, by: { $0 }).mapValues(\.count)
        let parts = Severity.allCases.reversed().compactMap { s in counts[s].map { "\($0) \(s.rawValue)\($0 == 1 || s == .info ? "" : "s")" } }
        return ("\(count) \(count == 1 ? "incident" : "incidents")", parts.joined(separator: ", "))
    }

    /// `120 json, 4 klog`: records read per encoding, most first (empty when none).
    static func formatsRead(_ stats: ScanStats) -> String {
        stats.byFormat.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    static func unreadableNote(_ n: Int) -> String {
        "\(n) input(s) could not be read (see the errors above); this report covers only the rest."
    }

    static func transientNote(_ n: Int) -> String {
        "\(n) incident\(n == 1 ? "" : "s") resolved by Flux's own retries (one line each; -v or --format json for their evidence)"
    }

    static let noHypothesis = "none of the known causes fits; the evidence above is all there is."

    /// A resolved incident needs no fix now: the steps are for its next time.
    static func fixHeading(_ i: Incident) -> String { i.status == .resolved ? "fix, should it come back" : "fix" }

    /// A capture as printed: the spans flux-logscan derives itself (lifetimes, overdue and quiet
    /// times, captured as `10m`, `1h2m`) in Go's format like Flux's own (`10m0s`); captures read
    /// from a log line as they were written.
    static func captureText(_ value: String, derived: Bool) -> String {
        guard derived, value.last?.isLetter == true, let secs = parseGoDuration(value) else { return ellipsize(value, at: captureLimit) }
        return goDuration(seconds: secs)
    }

    /// Bytes of a capture value the text report shows (the JSON keeps it whole): a record's
    /// `error` may run to the line cap (1 MiB), and one evidence line must stay readable.
    static let captureLimit = 400

    /// One matched event, for `-v`.
    public func event(_ e: Event) -> String {
        let caps = e.captures.sorted { $0.key < $1.key }.map { "\($0.key)=\(ellipsize($0.value, at: Self.captureLimit))" }.joined(separator: " ")
        let time = e.time?.rfc3339 ?? "-"
        return terminalSafe("\(time) \(e.controller) \(e.object?.description ?? "-") \(bold(e.signature)) \(caps) \(dim(e.location.description))")
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

/// `text` as one block of the report: without trailing spaces and line breaks, and its further
/// lines indented by `width` spaces, so that a record's multi-line message (a SOPS error's `Group 0:
/// FAILED` lines, an API error ending in `\n`) stays under the entry it belongs to.
func indented(_ text: String, by width: Int) -> String {
    var trimmed = Substring(text)
    while let last = trimmed.last, last.isWhitespace { trimmed.removeLast() }  // "\r\n" is one Character
    guard trimmed.utf8.contains(UInt8(ascii: "\n")) else { return String(trimmed) }
    let pad = String(repeating: " ", count: width)
    var out = ""
    for (k, line) in trimmed.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
        if k > 0 { out += line.isEmpty ? "\n" : "\n" + pad }
        out += line
    }
    return out
}

/// Cuts at `limit` bytes and marks the cut with "…".
func ellipsize(_ s: String, at limit: Int) -> String {
    s.utf8.count <= limit ? s : cut(s, at: limit) + "…"
}
