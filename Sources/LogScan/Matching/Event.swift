/// A record that matched a signature (DESIGN.md "Correlation and diagnosis").
public struct Event: Sendable {
    /// Event time in UTC; nil only when neither the record nor its envelope had a time.
    public var time: Timestamp?
    /// Controller identity (`kustomize-controller`), `unknown` when nothing said.
    public var controller: String
    /// The object the record is about (`Kustomization/flux-system/apps`), if any.
    public var object: ObjectRef?
    public var signature: String
    public var severity: Severity
    public var role: SignalRole
    public var failureClass: String
    /// Named captures of the signature's regex: name → text.
    public var captures: [String: String]
    public var location: SourceLocation
    public var level: Level
    /// The record without its envelope, cut at 2,000 bytes (CONTRACT.md `example.text`).
    public var text: String
    /// Index of the input stream the record came from (for sub-stream identity).
    public var stream: Int
    /// Index of the signature in its `PatternSet`.
    public var signatureIndex: Int
    /// True when the record had no time of its own and took a neighbour's (`Record.timeInherited`):
    /// then equal time and text do not make two events copies of one record (`EventStore.add`).
    public var timeInherited = false
    /// Evidence read from another record (`QuotedCause`): the error a wait quotes, or an event
    /// notification-controller forwards, as its own signature, with role `lifecycle` (`healthy`
    /// for a forwarded success). Kept for the diagnosis; not counted as a hit of its signature
    /// (`--counts`, `stats.events`), since no record of the signature's controllers said it.
    public var quoted = false

    /// The upstream object named by `source_kind`/`source_namespace`/`source_name` captures
    /// (an artifact URL's path, fluxcd/pkg `artifact/storage/path.go`).
    public var upstream: ObjectRef? {
        guard let k = captures["source_kind"], let n = captures["source_name"] else { return nil }
        return ObjectRef(kind: FluxControllers.spell(kind: k), namespace: captures["source_namespace"] ?? "", name: n)
    }
}

/// Cuts a string at `limit` UTF-8 bytes without splitting a character.
func cut(_ s: String, at limit: Int) -> String {
    if s.utf8.count <= limit { return s }
    var end = s.utf8.index(s.utf8.startIndex, offsetBy: limit)
    // Back to the start of a scalar: past UTF-8 continuation bytes (10xxxxxx). A native string is
    // valid UTF-8, so this is the scalar boundary at or before `limit`, found in O(1) steps.
    while end > s.startIndex && s.utf8[end] & 0xC0 == 0x80 { end = s.utf8.index(before: end) }
    return String(s[..<end])
}
