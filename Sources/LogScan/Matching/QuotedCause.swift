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
    ///   - only: the signatures whose literals the prefilter found on the record's line (the
    ///     quote is part of it), nil for all.
    static func match(_ text: String, controller: String, matcher: SignatureMatcher, facts: [LogScanner.SignatureFacts],
                      excluding: Int, only: [Int]? = nil) -> SignatureHit? {
        var record = Record(location: SourceLocation(file: "", line: 0))
        record.message = text
        record.payload = text
        record.controller = controller
        let hits = matcher.match(record, only: only).filter { $0.signature != excluding && facts[$0.signature].role == .failure }
        return hits.max { a, b in
            let sa = facts[a.signature], sb = facts[b.signature]
            if sa.severity != sb.severity { return sa.severity < sb.severity }
            if sa.patternLength != sb.patternLength { return sa.patternLength < sb.patternLength }
            return sa.id > sb.id
        }
    }

    /// The events a relayed message stands for (`Signature.relays`): `text` matched as a record of
    /// `controller`, its failure and wrapper hits as events of that controller (one record, one
    /// failure: the most specific failure is the cause, other failures wrappers, as the scanner
    /// decides for a record of its own; transient failures left out), marked `Event.quoted` (not counted as hits). Time, object,
    /// place and text are the caller's to set. Trial 14: helm-controller at info level logs no
    /// Helm error; notification-controller's `dispatching event` relayed `Helm upgrade failed ...
    /// field is immutable` and the report said "the Helm error says why" without it.
    /// - Parameter only: the signatures whose literals the prefilter found on the record's line,
    ///   nil for all.
    static func relayed(_ text: String, controller: String, matcher: SignatureMatcher, facts: [LogScanner.SignatureFacts],
                        only: [Int]? = nil) -> [Event] {
        var record = Record(location: SourceLocation(file: "", line: 0))
        record.message = text
        record.payload = text
        record.controller = controller
        // Not the transient ones (waits, refused connections): the object's own controller logs
        // those at info, and a second copy of each would double what `TransientRule` counts.
        let hits = matcher.match(record, only: only).filter {
            (facts[$0.signature].role == .failure || facts[$0.signature].role == .wrapper) && !facts[$0.signature].transient
        }
        let failures = hits.filter { facts[$0.signature].role == .failure }
        let cause = failures.max { a, b in
            let sa = facts[a.signature], sb = facts[b.signature]
            if sa.severity != sb.severity { return sa.severity < sb.severity }
            if sa.patternLength != sb.patternLength { return sa.patternLength < sb.patternLength }
            return sa.id > sb.id
        }?.signature
        return hits.map { hit in
            let f = facts[hit.signature]
            var e = Event(time: nil, controller: controller, object: nil, signature: f.id, severity: f.severity,
                          role: f.role == .failure && hit.signature != cause ? .wrapper : f.role, failureClass: f.failureClass,
                          captures: hit.captures, location: record.location, level: .unknown, text: text, stream: 0,
                          signatureIndex: hit.signature)
            e.quoted = true
            return e
        }
    }
}
