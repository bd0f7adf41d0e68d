/// Turns an error text into the tokens Drain clusters (He et al., "Drain: An Online Log Parsing
/// Approach with Fixed Depth Tree", ICWS 2017, section III: preprocess with domain knowledge, then
/// split on spaces): obvious variables are replaced by `<*>` first, so that the clustering only
/// has to find the variables nobody could name in advance.
///
/// Masked, in this order:
/// - quoted values: `"..."` (Go `%q`, with `\"` escapes) and `'...'` (Flux's `'%s'`) that open a
///   token or follow `( [ { = : ,`, up to `maxQuoted` bytes: `unable to clone '<*>'`,
///   `Get "<*>"`; the quotes stay, `""` stays;
/// then, per space-separated token, with leading `( [ { <` and trailing `) ] } > , ; : .` kept:
/// - URLs (`://`), UUIDs (8-4-4-4-12 hex), revisions (`main@sha1:<hex>`, `sha256:<hex>`,
///   `main/<sha>`, FLUX-LOGS.md 3.15), `Kind/namespace/name` and `Kind/name` references
///   (FLUX-LOGS.md 3.10), IPv4/IPv6 addresses with ports and `a->b` pairs
///   (`10.42.0.17:51234->10.43.0.1:443`, `[::1]:8080`), Go durations (`3m35.317406763s`, `5m0s`,
///   `95.33ms`), numbers with units (`1048576`, `1.2MB`, `42%`, `6.5.4`, `v1.2.3`), hex ids of 7
///   or more characters with a digit (`c7313dec`, `0x1f`).
public enum Masking {
    /// The placeholder Drain writes for a variable token.
    public static let wildcard = "<*>"
    /// Quoted values longer than this (bytes) are not masked as one value.
    static let maxQuoted = 512
    /// Texts are cut here (bytes) before tokenizing, and at the first newline: a template is one
    /// line of at most about this length (apply errors append a multi-line change set,
    /// FLUX-LOGS.md 3.10).
    public static let maxTextBytes = 1000
    /// At most this many tokens per text.
    public static let maxTokens = 100

    /// The masked tokens of `text` (first line, cut at `maxTextBytes`).
    public static func tokens(_ text: String) -> [String] {
        var bytes = Array(text.utf8.prefix { $0 != 10 })
        if bytes.count > maxTextBytes {
            var n = maxTextBytes
            while n > 0, bytes[n] & 0xC0 == 0x80 { n -= 1 }  // not inside a UTF-8 sequence
            bytes.removeSubrange(n...)
        }
        var out: [String] = []
        var token: [UInt8] = []
        var i = 0
        func flush() {
            if !token.isEmpty { out.append(maskToken(token)); token.removeAll(keepingCapacity: true) }
        }
        while i < bytes.count, out.count < maxTokens {
            let c = bytes[i]
            if c == 32 || c == 9 || c == 13 {
                flush()
                i += 1
                continue
            }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'"),
               token.isEmpty || "([{=:,".utf8.contains(token.last!),
               let close = closingQuote(bytes, from: i), close > i + 1 {
                token.append(c)
                token.append(contentsOf: wildcard.utf8)
                token.append(c)
                i = close + 1
                continue
            }
            token.append(c)
            i += 1
        }
        flush()
        return out
    }

    /// The index of the quote closing the one at `open`, nil when none within `maxQuoted`.
    static func closingQuote(_ b: [UInt8], from open: Int) -> Int? {
        let q = b[open]
        var j = open + 1
        while j < b.count, j - open <= maxQuoted {
            if b[j] == UInt8(ascii: "\\"), q == UInt8(ascii: "\"") { j += 2; continue }
            if b[j] == q { return j }
            j += 1
        }
        return nil
    }

    static let leading: Set<UInt8> = Set("([{<".utf8)
    static let trailing: Set<UInt8> = Set(")]}>,;:.".utf8)

    /// One token with its core masked when it is a variable.
    static func maskToken(_ t: [UInt8]) -> String {
        var s = 0, e = t.count
        while s < e, leading.contains(t[s]) { s += 1 }
        while e > s, trailing.contains(t[e - 1]) { e -= 1 }
        // `[::1]:8080`: the bracket belongs to the address.
        if s > 0, t[s - 1] == UInt8(ascii: "["), s < e, t[s] == UInt8(ascii: ":") || isHex(t[s]) {
            if t[s..<e].contains(UInt8(ascii: "]")) { s -= 1 }
        }
        guard s < e else { return String(decoding: t, as: UTF8.self) }
        let core = Array(t[s..<e])
        guard isVariable(core) else { return String(decoding: t, as: UTF8.self) }
        return String(decoding: t[..<s], as: UTF8.self) + wildcard + String(decoding: t[e...], as: UTF8.self)
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) }
    static func isLower(_ c: UInt8) -> Bool { c >= 97 && c <= 122 }
    static func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }

    /// Whether a token's core (punctuation stripped) is one of the variables above.
    static func isVariable(_ c: [UInt8]) -> Bool {
        if contains(c, "://") { return true }
        return isUUID(c) || isRevision(c) || isObjectRef(c) || isAddress(c) || isDuration(c) || isNumber(c) || isHexID(c)
    }

    static func contains(_ c: [UInt8], _ needle: StaticString) -> Bool {
        needle.withUTF8Buffer { n in
            guard n.count <= c.count else { return false }
            for i in 0...(c.count - n.count) where c[i] == n[0] {
                var k = 1
                while k < n.count, c[i + k] == n[k] { k += 1 }
                if k == n.count { return true }
            }
            return false
        }
    }

    static func hasPrefix(_ c: [UInt8], _ p: StaticString) -> Bool {
        p.withUTF8Buffer { n in n.count <= c.count && c[..<n.count].elementsEqual(n) }
    }

    /// `2f7f7c1e-8d3a-4b5c-9e6f-0a1b2c3d4e5f`.
    static func isUUID(_ c: [UInt8]) -> Bool {
        guard c.count == 36 else { return false }
        for (i, b) in c.enumerated() {
            switch i {
            case 8, 13, 18, 23: if b != UInt8(ascii: "-") { return false }
            default: if !isHex(b) { return false }
            }
        }
        return true
    }

    /// `main@sha1:<hex>`, `latest@sha256:<hex>`, `sha256:<hex>`, `sha1:<hex>`, and Flux < 2's
    /// `main/<sha>` (FLUX-LOGS.md 3.15).
    static func isRevision(_ c: [UInt8]) -> Bool {
        if contains(c, "@sha1:") || contains(c, "@sha256:") { return true }
        if hasPrefix(c, "sha256:") { return c.count > 7 && c[7...].allSatisfy(isHex) }
        if hasPrefix(c, "sha1:") { return c.count > 5 && c[5...].allSatisfy(isHex) }
        if let slash = c.lastIndex(of: UInt8(ascii: "/")) {
            let tail = c[(slash + 1)...]
            return tail.count >= 12 && tail.allSatisfy(isHex) && tail.contains(where: isDigit)
        }
        return false
    }

    /// `Deployment/podinfo/podinfo`, `HelmRelease/podinfo`: a capitalised kind, then one or two
    /// DNS-label-like parts.
    static func isObjectRef(_ c: [UInt8]) -> Bool {
        guard let first = c.first, isUpper(first) else { return false }
        let parts = c.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return false }
        guard parts[0].allSatisfy({ isUpper($0) || isLower($0) || isDigit($0) }) else { return false }
        for p in parts.dropFirst() {
            guard let f = p.first, isLower(f) || isDigit(f) else { return false }
            guard p.allSatisfy({ isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) else { return false }
        }
        return true
    }

    /// IPv4/IPv6 with optional ports, brackets, zone and `->` pairs: only hex digits and
    /// `. : [ ] - > / %`, a digit, and three dots or two colons.
    static func isAddress(_ c: [UInt8]) -> Bool {
        var dots = 0, colons = 0, digit = false
        for b in c {
            switch b {
            case UInt8(ascii: "."): dots += 1
            case UInt8(ascii: ":"): colons += 1
            case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "-"), UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: "%"): break
            default:
                if isDigit(b) { digit = true } else if !isHex(b) { return false }
            }
        }
        return digit && (dots >= 3 || colons >= 2)
    }

    /// Go `time.Duration.String()`: `1h2m3.5s`, `5m0s`, `95.33ms`, `1.2µs`, `800ns`.
    static let durationUnits: [[UInt8]] = ["ns", "us", "µs", "ms", "h", "m", "s"].map { Array($0.utf8) }

    static func isDuration(_ c: [UInt8]) -> Bool {
        guard let f = c.first, isDigit(f) else { return false }
        let units = durationUnits
        var i = 0
        var parts = 0
        while i < c.count {
            let start = i
            while i < c.count, isDigit(c[i]) { i += 1 }
            if i < c.count, c[i] == UInt8(ascii: ".") {
                i += 1
                while i < c.count, isDigit(c[i]) { i += 1 }
            }
            guard i > start, isDigit(c[start]) else { return false }
            guard let u = units.first(where: { u in i + u.count <= c.count && c[i..<(i + u.count)].elementsEqual(u) }) else { return false }
            i += u.count
            parts += 1
        }
        return parts > 0
    }

    /// `1048576`, `-3`, `1.2`, `6.5.4`, `v1.2.3`, `42%`, `1.2MB`, `512KiB`, `20x`, `#42`.
    static func isNumber(_ c: [UInt8]) -> Bool {
        var i = 0
        if i < c.count, c[i] == UInt8(ascii: "#") || c[i] == UInt8(ascii: "-") || c[i] == UInt8(ascii: "+") { i += 1 }
        let versioned = i < c.count && c[i] == UInt8(ascii: "v")
        if versioned { i += 1 }
        let start = i
        var dots = 0
        while i < c.count, isDigit(c[i]) || ((c[i] == UInt8(ascii: ".") || c[i] == UInt8(ascii: ",")) && i > start && i + 1 < c.count && isDigit(c[i + 1])) {
            if !isDigit(c[i]) { dots += 1 }
            i += 1
        }
        guard i > start else { return false }
        if versioned && dots == 0 { return false }  // `v1` is an API version, not a number
        return numberUnits.contains { $0.elementsEqual(c[i...]) }
    }
    static let numberUnits: [[UInt8]] = ["", "%", "B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB", "k", "M", "x", "bytes"].map { Array($0.utf8) }

    /// `c7313dec48a6`, `0x1f`: 7 or more hex digits with at least one decimal digit.
    static func isHexID(_ c: [UInt8]) -> Bool {
        var body = c[...]
        if body.count > 2, body.first == UInt8(ascii: "0"), body.dropFirst().first == UInt8(ascii: "x") {
            return body.dropFirst(2).allSatisfy(isHex)
        }
        if body.first == UInt8(ascii: "g") { body = body.dropFirst() }  // git describe: g<sha>
        return body.count >= 7 && body.allSatisfy(isHex) && body.contains(where: isDigit)
    }
}
