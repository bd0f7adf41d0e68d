/// The error a wait quotes, as the signature of the controller that logged it would name it.
///
/// helm-controller waits for the HelmChart it reads the chart from and logs the HelmChart's Ready
/// message: `HelmChart 'flux-system/db-postgres' is not ready: chart pull error: ... 401
/// Unauthorized` (FLUX-LOGS.md 3.2, 3.11). Read alone (`kubectl logs deploy/helm-controller`),
/// that wait was a transient dependency incident at `info` while the quoted 401 needed someone to
/// fix the credentials (a trial). A signature with `quotes:` (docs/PATTERNS.md) names the capture
/// that holds the quoted message and the controller that wrote it; the message is matched
/// against that controller's signatures, and the most specific failure among them is the quoted
/// cause: the wait's event keeps its id in the capture `quoted` (its incident takes that signature's
/// severity when higher: `Correlator.build`),
/// and an event of that signature joins as evidence (`Event.quoted`, role `lifecycle`).
enum QuotedCause {
    /// The most specific failure signature (highest severity, then longest regex, then id, as a
    /// record's own cause is chosen) of `controller` that hits `text`, other than `excluding`
    /// (the quoting signature itself), with its captures; nil when none does.
    /// - Parameters:
    ///   - text: the quoted message (UTF-8, decoded: no JSON escapes).
    ///   - facts: per signature index, what the scanner knows of it (`LogScanner.facts`).
    static func match(_ text: String, controller: String, matcher: SignatureMatcher, facts: [LogScanner.SignatureFacts],
                      excluding: Int) -> SignatureHit? {
        var record = Record(location: SourceLocation(file: "", line: 0))
        record.message = text
        record.payload = text
        record.controller = controller
        let hits = matcher.match(record, only: nil).filter { $0.signature != excluding && facts[$0.signature].role == .failure }
        return hits.max { a, b in
            let sa = facts[a.signature], sb = facts[b.signature]
            if sa.severity != sb.severity { return sa.severity < sb.severity }
            if sa.patternLength != sb.patternLength { return sa.patternLength < sb.patternLength }
            return sa.id > sb.id
        }
    }
}
