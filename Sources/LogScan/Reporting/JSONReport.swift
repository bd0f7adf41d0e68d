/// JSON string quoting per RFC 8259 (quotes, backslash, control characters); the `JSON` value
/// below renders in key order, which CONTRACT.md prints in a fixed order.
public enum JSONWriter {
    public static func quote(_ s: String) -> String {
        // Most strings need no escape: one pass over the bytes, then one copy.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
        var r = "\""
        r.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": r += "\\\""
            case "\\": r += "\\\\"
            case "\n": r += "\\n"
            case "\r": r += "\\r"
            case "\t": r += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    r += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    r.unicodeScalars.append(u)
                }
            }
        }
        return r + "\""
    }
}

/// A JSON value built in order, rendered compactly.
public indirect enum JSON {
    case string(String)
    case number(Double)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    public var rendered: String {
        switch self {
        case .string(let s): return JSONWriter.quote(s)
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let a): return "[" + a.map(\.rendered).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.map { JSONWriter.quote($0.0) + ":" + $0.1.rendered }.joined(separator: ",") + "}"
        }
    }

    /// Two-space indented rendering for `--format json`.
    public func pretty(_ indent: String = "") -> String {
        var out = ""
        writePretty(into: &out, indent: indent)
        return out
    }

    /// `pretty(indent)` appended to `out`: one buffer for the whole value (building each level's
    /// string from its children's copied every byte once per level of nesting).
    func writePretty(into out: inout String, indent: String) {
        switch self {
        case .array(let a) where !a.isEmpty:
            let inner = indent + "  "
            out += "[\n"
            for (k, v) in a.enumerated() {
                if k > 0 { out += ",\n" }
                out += inner
                v.writePretty(into: &out, indent: inner)
            }
            out += "\n" + indent + "]"
        case .object(let o) where !o.isEmpty:
            let inner = indent + "  "
            out += "{\n"
            for (k, (key, v)) in o.enumerated() {
                if k > 0 { out += ",\n" }
                out += inner
                out += JSONWriter.quote(key)
                out += ": "
                v.writePretty(into: &out, indent: inner)
            }
            out += "\n" + indent + "}"
        default:
            out += rendered
        }
    }
}

/// Builds CONTRACT.md's JSON output, version 1.
public enum JSONReport {
    public static func event(_ e: Event) -> JSON {
        var o: [(String, JSON)] = [("type", .string("event"))]
        o.append(("time", e.time.map { .string($0.rfc3339) } ?? .null))
        o.append(("controller", .string(e.controller)))
        o.append(("object", e.object.map { .string($0.description) } ?? .null))
        o.append(("signature", .string(e.signature)))
        o.append(("severity", .string(e.severity.rawValue)))
        o.append(("captures", .object(e.captures.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        o.append(("source", .string(e.location.shown.file)))
        o.append(("line", .int(e.location.shown.line)))
        o.append(("text", .string(e.text)))
        return .object(o)
    }

    /// `{"time", "exact", "object", "signature", "controller", "source", "line"}`; `source` and
    /// `line` are null when no kept record marks the time (`Recovery.location`); `object` is null
    /// when the controller's own event recovered it (a lease acquired, `ObjectRef.controller`).
    public static func recovery(_ r: Recovery) -> JSON {
        .object([
            ("time", .string(r.time.rfc3339)),
            ("exact", .bool(r.exact)),
            ("object", r.object.controllerName == nil ? .string(r.object.description) : .null),
            ("signature", .string(r.signature)),
            ("controller", .string(r.controller)),
            ("source", r.location.map { .string($0.shown.file) } ?? .null),
            ("line", r.location.map { .int($0.shown.line) } ?? .null),
        ])
    }

    /// `{"count", "id", "first_seen", "last_seen", "status"}`: how many incidents of the same
    /// failure came before, and the latest of them (`Earlier`).
    public static func earlier(_ e: Earlier) -> JSON {
        .object([
            ("count", .int(e.count)),
            ("id", .string(e.id)),
            ("first_seen", .string(e.firstSeen.rfc3339)),
            ("last_seen", .string(e.lastSeen.rfc3339)),
            ("status", .string(e.status.rawValue)),
        ])
    }

    public static func incident(_ i: Incident) -> [(String, JSON)] {
        [
            ("id", .string(i.id)),
            ("title", .string(i.title)),
            ("severity", .string(i.severity.rawValue)),
            ("status", .string(i.status.rawValue)),
            // Extension (docs/SCORING.md "Transient incidents"): noise absorbed by Flux, at info.
            ("transient", .bool(i.transient)),
            // Extension: when and by what healthy event a resolved incident recovered (`Recovery`).
            ("recovery", i.recovery.map(recovery) ?? .null),
            // Extension: the same failure earlier in the input (`Earlier`), null when none.
            ("earlier", i.earlier.map(earlier) ?? .null),
            // Extension: when the Helm action that failed started (`ActionStart`), null when none.
            ("action_started", i.actionStart.map { a in .object([
                ("time", .string(a.time.rfc3339)), ("signature", .string(a.signature)),
                ("source", a.location.map { .string($0.shown.file) } ?? .null), ("line", a.location.map { .int($0.shown.line) } ?? .null),
            ]) } ?? .null),
            // Extension: with --since, the failure records before the window that this incident
            // went on from (`UnderWay`), null when none.
            ("under_way_before_since", i.underWay.map { u in .object([
                ("first", .string(u.first.rfc3339)), ("last", .string(u.last.rfc3339)), ("records", .int(u.count)),
            ]) } ?? .null),
            ("first_seen", .string(i.firstSeen.rfc3339)),
            ("last_seen", .string(i.lastSeen.rfc3339)),
            ("controllers", .array(i.controllers.map { .string($0) })),
            ("objects", .array(i.objects.map { .string($0) })),
            ("signals", .array(i.signals.map(signal))),
            ("hypotheses", .array(i.hypotheses.map(hypothesis))),
            ("upstream", i.upstream.map { .string($0.description) } ?? .null),
            ("downstream", .array(i.downstreamObjects.map { .string($0.description) })),
            ("downstream_signals", .array(i.downstreamSignals.map(downstreamSignal))),
        ]
    }

    /// docs/OUTPUT.md `downstream_signals`.
    static func downstreamSignal(_ s: DownstreamSignal) -> JSON {
        .object([
            ("signature", .string(s.signature)),
            ("controller", .string(s.controller)),
            ("count", .int(s.count)),
            ("objects", .array(s.objects.map { .string($0.description) })),
            ("first_seen", s.firstSeen.map { .string($0.rfc3339) } ?? .null),
            ("last_seen", s.lastSeen.map { .string($0.rfc3339) } ?? .null),
            ("example", .object([
                ("source", .string(s.examplePlace.shown.file)),
                ("line", .int(s.examplePlace.shown.line)),
                ("text", .string(s.example?.text ?? "")),
            ])),
        ])
    }

    static func signal(_ s: SignalSummary) -> JSON {
        .object([
            ("signature", .string(s.signature)),
            ("controller", .string(s.controller)),
            ("count", .int(s.count)),
            ("first_seen", s.firstSeen.map { .string($0.rfc3339) } ?? .null),
            ("last_seen", s.lastSeen.map { .string($0.rfc3339) } ?? .null),
            ("captures", .object(s.captures.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("example", .object([
                ("source", .string(s.examplePlace.shown.file)),
                ("line", .int(s.examplePlace.shown.line)),
                ("text", .string(s.example?.text ?? "")),
            ])),
        ])
    }

    static func hypothesis(_ h: RankedHypothesis) -> JSON {
        .object([
            ("id", .string(h.id)),
            ("title", .string(h.title)),
            ("confidence", .number(h.confidence)),
            ("evidence_for", .array(h.evidenceFor.map { .string($0) })),
            ("evidence_against", .array(h.evidenceAgainst.map { .string($0) })),
            ("checks", .array(h.checks.map { .string($0) })),
            ("remediation", .array(h.remediation.map { .string($0) })),
        ])
    }

    public static func stats(_ s: ScanStats) -> [(String, JSON)] {
        [
            ("bytes", .int(s.bytes)), ("lines", .int(s.lines)), ("records", .int(s.records)),
            ("events", .int(s.events)), ("malformed", .int(s.malformed)),
            ("by_format", .object(s.byFormat.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("by_controller", .object(s.byController.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("overlong_lines", .int(s.overlongLines)), ("binary_lines", .int(s.binaryLines)),
            ("invalid_utf8_lines", .int(s.invalidUTF8Lines)), ("damaged_inputs", .int(s.damagedInputs)),
            ("inherited_times", .int(s.inheritedTimes)), ("filtered_events", .int(s.filteredEvents)),
            ("unmatched_records", .int(s.unmatchedRecords)), ("unmatched_overflow", .int(s.unmatchedOverflow)),
        ]
    }

    /// Writes `document(incidents:stats:unmatched:)` rendered with `pretty()` plus a final newline, byte for
    /// byte, one piece at a time: each incident's JSON is built and rendered only when it is
    /// written, so a report of thousands of incidents never exists whole in memory.
    /// - Parameter write: receives consecutive UTF-8 pieces of the document.
    public static func writeDocument(incidents: [Incident], stats: ScanStats, unmatched: [UnmatchedError] = [],
                                     inputErrors: [InputError] = [], write: (String) -> Void) {
        writeDocument(count: incidents.count, incidents: { body in incidents.forEach(body) }, stats: stats, unmatched: unmatched,
                      inputErrors: inputErrors, write: write)
    }

    /// `writeDocument(incidents:...)` for incidents handed over one at a time
    /// (`IncidentStream.forEach`): `count` says whether there is any; the document is the same.
    public static func writeDocument(count: Int, incidents: ((Incident) -> Void) -> Void, stats: ScanStats,
                                     unmatched: [UnmatchedError] = [], inputErrors: [InputError] = [], write: (String) -> Void) {
        guard case .object(let members) = document(incidents: [], stats: stats, unmatched: unmatched, inputErrors: inputErrors) else { return }
        write("{\n")
        for (n, (key, value)) in members.enumerated() {
            write("  " + JSONWriter.quote(key) + ": ")
            if key == "incidents", count > 0 {
                write("[")
                var first = true
                // `write` is called only while `incidents` runs.
                withoutActuallyEscaping(write) { write in
                    incidents { i in
                        write((first ? "\n    " : ",\n    ") + JSON.object(incident(i)).pretty("    "))
                        first = false
                    }
                }
                write("\n  ]")
            } else {
                write(value.pretty("  "))
            }
            write(n + 1 < members.count ? ",\n" : "\n")
        }
        write("}\n")
    }

    /// The whole `--format json` document.
    /// - Parameter unmatched: `unmatched_errors`, most records first (`ErrorMiner`).
    public static func document(incidents: [Incident], stats: ScanStats, unmatched: [UnmatchedError] = [],
                                inputErrors: [InputError] = []) -> JSON {
        var members: [(String, JSON)] = [
            ("version", .int(1)),
            ("incidents", .array(incidents.map { .object(incident($0)) })),
            ("unmatched_errors", .array(unmatched.map { .object(JSONReport.unmatched($0)) })),
        ]
        // Only when an input could not be read (docs/OUTPUT.md): the report covers the rest.
        if !inputErrors.isEmpty { members.append(("input_errors", .array(inputErrors.map { .object(inputError($0)) }))) }
        members.append(("stats", .object(JSONReport.stats(stats))))
        return .object(members)
    }

    /// An input that could not be opened or read: `{"input": path, "reason": text}`.
    public static func inputError(_ e: InputError) -> [(String, JSON)] {
        [("input", .string(e.name)), ("reason", .string(e.reason))]
    }
}
