/// `unmatched_errors` in the JSON, NDJSON and text reports (CONTRACT.md keys `template`, `count`,
/// `example`; the others are documented in docs/OUTPUT.md).
extension JSONReport {
    /// One template: `template`, `count`, `example` (CONTRACT.md), then `controllers`,
    /// `first_seen`, `last_seen` (UTC RFC 3339, null without times), `source` and `line` (the
    /// example's place).
    public static func unmatched(_ u: UnmatchedError) -> [(String, JSON)] {
        [
            ("template", .string(u.template)),
            ("count", .int(u.count)),
            ("example", .string(u.example)),
            ("controllers", .array(u.controllers.map { .string($0) })),
            ("first_seen", u.firstSeen.map { .string($0.rfc3339) } ?? .null),
            ("last_seen", u.lastSeen.map { .string($0.rfc3339) } ?? .null),
            ("source", .string(u.location.shown.file)),
            ("line", .int(u.location.shown.line)),
        ]
    }
}

extension TextReport {
    /// How many templates the text report lists.
    public static let unmatchedShown = 10

    /// The section after the incidents: the most frequent templates of errors no signature
    /// knows, each with its count, controllers, template and the place of its example.
    public func unmatchedSection(_ list: [UnmatchedError]) -> String {
        guard !list.isEmpty else { return "" }
        let records = list.reduce(0) { $0 + $1.count }
        var out = "\n" + bold("Errors no signature knows") + " (\(list.count) template\(list.count == 1 ? "" : "s"), \(records) record\(records == 1 ? "" : "s"))"
        if quiet { return out + "; --format json lists them\n" }
        out += ":\n"
        for u in list.prefix(TextReport.unmatchedShown) {
            out += "    ×\(u.count)  \(u.controllers.joined(separator: ", "))  \(ellipsize(u.template, at: 300))\n"
            out += "      " + dim(u.location.description) + "\n"
        }
        if list.count > TextReport.unmatchedShown {
            out += dim("    ... and \(list.count - TextReport.unmatchedShown) more (--format json lists all)") + "\n"
        }
        return out
    }
}
