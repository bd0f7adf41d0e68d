/// Small helpers of the healthy-cluster generator: a seeded random number generator, the time and
/// duration spellings Flux logs use, and JSON string quoting. Nothing here knows about Flux objects.

/// Milliseconds since 1970-01-01T00:00:00Z (UTC): every time in the generator.
typealias Millis = Int64

let second: Millis = 1_000
let minute: Millis = 60_000
let hour: Millis = 3_600_000

/// xoshiro256** seeded through splitmix64 (the same algorithm as Benchmarks/corpus-gen): the same
/// seed gives the same log on every machine and Swift version (the standard library's
/// `SystemRandomNumberGenerator` and `Int.random(in:using:)` promise no stable sequence).
struct Rng {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    init(seed: UInt64) {
        var x = seed
        func splitmix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(&x), splitmix(&x), splitmix(&x), splitmix(&x))
    }

    mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// Uniform in 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(((next() >> 32) &* UInt64(n)) >> 32) }

    /// Uniform in the closed range lo...hi.
    mutating func int(_ lo: Int, _ hi: Int) -> Int { lo + below(hi - lo + 1) }

    /// Uniform milliseconds in the closed range lo...hi.
    mutating func millis(_ lo: Millis, _ hi: Millis) -> Millis { lo + Millis(below(Int(hi - lo) + 1)) }

    /// True with probability p.
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) * 0x1p-53 < p }

    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }

    /// `count` lowercase hex digits.
    mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[below(16)] })
    }

    /// A version-4 UUID, as controller-runtime's `reconcileID` (FLUX-LOGS.md 1.2).
    mutating func uuid() -> String {
        let h = Array(hex(32))
        let variant = Array("89ab")[below(4)]
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-4" + String(h[13..<16]) + "-" + String(variant)
            + String(h[17..<20]) + "-" + String(h[20..<32])
    }

    /// A Kubernetes generated-name suffix: `length` characters of the alphabet apimachinery
    /// `util/rand.String` draws from (no vowels, no 0/1/3).
    mutating func podSuffix(_ length: Int) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<length).map { _ in alphabet[below(alphabet.count)] })
    }
}

/// The civil date and time of `millis` (UTC): year, month, day, hour, minute, second, millisecond.
func civil(_ millis: Millis) -> (y: Int, m: Int, d: Int, h: Int, mi: Int, s: Int, ms: Int) {
    let days = Int(millis / 86_400_000)
    let rest = Int(millis % 86_400_000)
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
    return (y, m, d, rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000)
}

/// Days since 1970-01-01 of a civil date (inverse of `civil`).
func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// zap's ISO8601 time encoder in UTC, the `ts` of every Flux record: `2006-01-02T15:04:05.000Z`
/// (FLUX-LOGS.md 1.1).
func iso8601(_ millis: Millis) -> String {
    let c = civil(millis)
    return "\(c.y)-\(pad(c.m, 2))-\(pad(c.d, 2))T\(pad(c.h, 2)):\(pad(c.mi, 2)):\(pad(c.s, 2)).\(pad(c.ms, 3))Z"
}

/// RFC 3339 with nine fraction digits, as kubelet writes `kubectl logs --timestamps`
/// (`RFC3339NanoFixed`, FLUX-LOGS.md 2); `nanos` are the nanoseconds within the millisecond.
func rfc3339NanoFixed(_ millis: Millis, nanos: Int) -> String {
    let c = civil(millis)
    return "\(c.y)-\(pad(c.m, 2))-\(pad(c.d, 2))T\(pad(c.h, 2)):\(pad(c.mi, 2)):\(pad(c.s, 2)).\(pad(c.ms, 3))\(pad(nanos, 6))Z"
}

/// RFC 3339 with trailing fraction zeros trimmed, as containerd writes CRI log records
/// (`time.RFC3339Nano`, FLUX-LOGS.md 2).
func rfc3339Nano(_ millis: Millis, nanos: Int) -> String {
    let c = civil(millis)
    var frac = pad(c.ms, 3) + pad(nanos, 6)
    while frac.hasSuffix("0") { frac.removeLast() }
    let base = "\(c.y)-\(pad(c.m, 2))-\(pad(c.d, 2))T\(pad(c.h, 2)):\(pad(c.mi, 2)):\(pad(c.s, 2))"
    return frac.isEmpty ? base + "Z" : base + "." + frac + "Z"
}

/// Parses `2026-03-02T00:00:00Z` (whole seconds, UTC) to milliseconds; nil for anything else.
func parseStart(_ text: String) -> Millis? {
    let parts = text.split(whereSeparator: { "-T:Z".contains($0) }).map { Int($0) }
    guard text.hasSuffix("Z"), parts.count == 6, parts.allSatisfy({ $0 != nil }) else { return nil }
    let p = parts.map { $0! }
    guard (1...12).contains(p[1]), (1...31).contains(p[2]), p[3] < 24, p[4] < 60, p[5] < 60 else { return nil }
    return Millis(daysFromCivil(p[0], p[1], p[2])) * 86_400_000 + Millis(p[3]) * hour + Millis(p[4]) * minute + Millis(p[5]) * second
}

/// Go's `time.Duration.String()` for a duration in nanoseconds: `657.591367ms`, `2.117406763s`,
/// `3m35.317406763s`, `10m0s` (Go `time/time.go`; the spelling of every `Reconciliation finished
/// in ...` and `next run in ...`, FLUX-LOGS.md 1.4).
func goDuration(nanos: Int64) -> String {
    if nanos == 0 { return "0s" }
    func frac(_ value: Int64, _ digits: Int) -> String {
        var p: Int64 = 1
        for _ in 0..<digits { p *= 10 }
        let whole = value / p
        var f = value % p
        if f == 0 { return "\(whole)" }
        var width = digits
        while f % 10 == 0 { f /= 10; width -= 1 }
        return "\(whole)." + pad(Int(f), width)
    }
    if nanos < 1_000 { return "\(nanos)ns" }
    if nanos < 1_000_000 { return frac(nanos, 3) + "µs" }
    if nanos < 1_000_000_000 { return frac(nanos, 6) + "ms" }
    let h = nanos / 3_600_000_000_000
    let m = nanos / 60_000_000_000 % 60
    let s = nanos % 60_000_000_000
    var out = ""
    if h > 0 { out += "\(h)h" }
    if h > 0 || m > 0 { out += "\(m)m" }
    return out + frac(s, 9) + "s"
}

/// A whole-millisecond duration as Go prints a `time.Duration` value (`10m0s`, `30s`).
func goDuration(millis: Millis) -> String { goDuration(nanos: millis * 1_000_000) }

/// A JSON string literal, escaped as zap escapes (FLUX-LOGS.md 1.1): `"`, `\` and control
/// characters (`\n`, `\t`, `\r`, else `\u00XX`); `<>&` and non-ASCII are written as they are.
func quoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if u.value < 0x20 {
                out += "\\u00" + pad(Int(u.value) / 16, 1) + String(Int(u.value) % 16, radix: 16)
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}
