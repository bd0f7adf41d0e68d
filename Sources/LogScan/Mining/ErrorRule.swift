#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PCRE2

/// Which records are mined into `unmatched_errors`, and which text of them (issue 8, docs/OUTPUT.md
/// "unmatched_errors").
///
/// A record is an *error record* when its level is not `debug`/`trace` and either
/// - its level is `error` or above: controller-runtime JSON `"level":"error"`, zap console `ERROR`,
///   klog `E`/`F`, logfmt `level=error` (spellings: `Level(spelling:)`), or
/// - its text (`message`, then `error`, FLUX-LOGS.md 2 `{{.Message}} {{.Error}}`) holds one of the
///   `words`, ASCII case ignored: Flux logs failures at info level too (go-retryablehttp's
///   `request failed`, FLUX-LOGS.md 3.2) and klog warnings carry `failed to ...`.
///
/// It is *unknown* when no signature hit it, or only generic reconcile wrappers did (signatures
/// with `role: wrapper` and `class: reconcile`: `Reconciler error`, `Reconciliation failed after
/// ...`, `reconciliation stalled`, Patterns/signatures/reconcile.yaml), whose inner error no
/// specific signature knows. For those the mined text is the inner error (see `minedText`).
public enum ErrorRule {
    /// Words that make a record of level `info`, `warn` or unknown an error record (lowercase).
    public static let words = ["error", "fail", "unable to", "cannot", "panic"]

    /// Literals added to the Vectorscan prefilter (caseless) so that every record this rule can
    /// select is decoded: the `words` (a word found in the decoded text is in the raw line, since
    /// no encoding escapes ASCII letters or the space: `Prefilter.safeLiteral`). The level is
    /// checked on the raw line by `mayHoldErrorLevel` (spellings such as `"e"` or `"fatal"`).
    public static let prefilterLiterals = words

    /// Whether a record of this level may be mined at all.
    static func levelAllowed(_ level: Level) -> Bool { level != .debug && level != .trace }

    /// The rule above, on a decoded record.
    public static func isErrorRecord(_ r: Record) -> Bool {
        guard levelAllowed(r.level) else { return false }
        if r.level >= .error { return true }
        return containsWord(r.message) || containsWord(r.error)
    }

    /// Whether `s` holds one of the `words`, ASCII case ignored (no allocation for native strings).
    static func containsWord(_ s: String) -> Bool {
        if s.isEmpty { return false }
        var s = s
        return s.withUTF8 { b -> Bool in
            let n = b.count
            var i = 0
            while i < n {
                let c = b[i] | 0x20
                if firstBytes[Int(c)] {
                    for w in wordBytes where w[0] == c && i + w.count <= n {
                        var k = 1
                        while k < w.count, (b[i + k] >= 65 && b[i + k] <= 90 ? b[i + k] + 32 : b[i + k]) == w[k] { k += 1 }
                        if k == w.count { return true }
                    }
                }
                i += 1
            }
            return false
        }
    }
    static let wordBytes: [[UInt8]] = words.map { Array($0.utf8) }
    /// `firstBytes[c]`: some word starts with byte `c` (words are lowercase ASCII letters).
    static let firstBytes: [Bool] = (0..<256).map { c in wordBytes.contains { $0[0] == UInt8(c) } }

    /// Whether a raw JSON record may have a level of `error` or above: any `"level"` key followed
    /// by `:` and a string value that `Level(spelling:)` reads as `error`/`fatal` (or that holds an
    /// escape). A superset of what `RecordDecoder` decodes, so a record this says no to is never
    /// an error record by level; it runs only on lines the prefilter found no literal in.
    static func mayHoldErrorLevel(_ json: UnsafeRawBufferPointer) -> Bool {
        guard let base = json.baseAddress, json.count >= 7 else { return false }
        // memchr for the `v` of `"level"` (rarer in Flux JSON than `"` or `l`), then compare.
        let key: StaticString = "\"level\""
        var from = 3
        while from < json.count - 3 {
            guard let hit = memchr(base + from, Int32(UInt8(ascii: "v")), json.count - 3 - from) else { return false }
            let v = base.distance(to: UnsafeRawPointer(hit))
            from = v + 1
            let same = key.withUTF8Buffer { k in memcmp(base + v - 3, k.baseAddress!, k.count) == 0 }
            guard same else { continue }
            var i = v + 4
            func skipSpace() { while i < json.count, json[i] == 32 || json[i] == 9 || json[i] == 10 || json[i] == 13 { i += 1 } }
            skipSpace()
            guard i < json.count, json[i] == UInt8(ascii: ":") else { continue }
            i += 1
            skipSpace()
            guard i < json.count, json[i] == UInt8(ascii: "\"") else { continue }
            i += 1
            let start = i
            while i < json.count, json[i] != UInt8(ascii: "\""), json[i] != UInt8(ascii: "\\"), i - start < 32 { i += 1 }
            if i >= json.count || json[i] != UInt8(ascii: "\"") { return true }  // escaped or odd: decode it
            let value = String(decoding: UnsafeRawBufferPointer(rebasing: json[start..<i]), as: UTF8.self)
            if Level(spelling: value) >= .error { return true }
        }
        return false
    }

    /// Whether a signature is a generic reconcile wrapper (`role: wrapper`, `class: reconcile`).
    public static func isGenericWrapper(_ s: Signature) -> Bool { s.role == .wrapper && s.failureClass == "reconcile" }

    /// The text mined for an unknown error record.
    /// - With generic wrapper hits: the inner error. The JSON `error` field when there is one;
    ///   otherwise (`flux logs` joins message and error, FLUX-LOGS.md 2) the text after the
    ///   wrapper's match (`Reconciler error <inner>` gives `<inner>`), or the whole text when
    ///   nothing follows it.
    /// - Otherwise `message` and `error` joined by a space; source-controller < v1.2 wrote the
    ///   error as both (FLUX-LOGS.md 3.1), which gives the text once.
    static func minedText(_ r: Record, wrappers: [Signature], matcher: Matcher) -> String {
        if wrappers.isEmpty {
            if !r.error.isEmpty, r.error == r.message { return r.message }
            return once(r.text)
        }
        if !r.error.isEmpty { return r.error }
        let text = r.message
        var best: Range<Int>?
        for s in wrappers where s.field == .message || s.field == .text {
            guard let ranges = try? matcher.match(s.regex, in: text), let whole = ranges.first ?? nil else { continue }
            if best == nil || whole.lowerBound < best!.lowerBound || (whole.lowerBound == best!.lowerBound && whole.upperBound > best!.upperBound) {
                best = whole
            }
        }
        guard let best else { return once(text) }
        var rest = text.utf8.dropFirst(best.upperBound)
        while let c = rest.first, c == 32 || c == UInt8(ascii: ":") || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") || c == UInt8(ascii: "-") {
            rest = rest.dropFirst()
        }
        let inner = String(decoding: rest, as: UTF8.self)
        return inner.isEmpty ? once(text) : once(inner)
    }

    /// `A A` (the same text twice, one space between) gives `A`.
    static func once(_ s: String) -> String {
        let u = Array(s.utf8)
        guard u.count >= 3, u.count % 2 == 1, u[u.count / 2] == 32 else { return s }
        let half = u.count / 2
        return u[..<half].elementsEqual(u[(half + 1)...]) ? String(decoding: u[..<half], as: UTF8.self) : s
    }
}
