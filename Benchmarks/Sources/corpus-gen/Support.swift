#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// xoshiro256** seeded through splitmix64: the same seed gives the same corpus on every machine
/// and Swift version (no use of the standard library's unspecified `SystemRandomNumberGenerator`
/// or of `Int.random(in:using:)`, whose algorithm is not promised to stay the same).
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

    @inline(__always)
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

    /// Uniform in 0..<n (n > 0), by multiply-shift (bias below 2^-32 for the sizes used here).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(((next() >> 32) &* UInt64(n)) >> 32)
    }

    /// Uniform in the closed range.
    @inline(__always)
    mutating func int(_ lo: Int, _ hi: Int) -> Int { lo + below(hi - lo + 1) }

    /// True with probability p.
    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) * 0x1p-53 < p }

    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }

    /// Lowercase hex digits.
    mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: count)
        var bits = next(), left = 16
        for i in 0..<count {
            if left == 0 { bits = next(); left = 16 }
            out[i] = digits[Int(bits & 15)]
            bits >>= 4
            left -= 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A version-4 UUID, as controller-runtime's `reconcileID`.
    mutating func uuid() -> String {
        let h = hex(32)
        var u = Array(h.utf8)
        u[12] = UInt8(ascii: "4")
        u[16] = Array("89ab".utf8)[Int(u[16]) & 3]
        let s = String(decoding: u, as: UTF8.self)
        let a = s.utf8
        func part(_ from: Int, _ to: Int) -> Substring {
            Substring(a[a.index(a.startIndex, offsetBy: from)..<a.index(a.startIndex, offsetBy: to)])
        }
        return "\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))"
    }

    /// A weighted choice: the index of `weights` drawn with probability weight/total.
    mutating func weighted(_ cumulative: [Double]) -> Int {
        let r = Double(next() >> 11) * 0x1p-53 * cumulative[cumulative.count - 1]
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > r { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// Buffered output to a file descriptor: 1 MiB writes, stops at a byte budget (whole lines only).
final class Sink {
    let fd: Int32
    let limit: Int
    private(set) var written = 0
    private var buffer: [UInt8] = []
    private(set) var closedByReader = false

    init(fd: Int32, limit: Int) {
        self.fd = fd
        self.limit = limit
        buffer.reserveCapacity(2 << 20)
    }

    /// Queues a line (its newline included). False when it would pass the budget: nothing is
    /// written then, and the corpus ends at the previous line.
    func put(_ line: [UInt8]) -> Bool {
        if written + buffer.count + line.count > limit { return false }
        buffer.append(contentsOf: line)
        if buffer.count >= 1 << 20 { flush() }
        return !closedByReader
    }

    var total: Int { written + buffer.count }

    func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { closedByReader = true; buffer.removeAll(keepingCapacity: true); return }
                perror("corpus-gen: write")
                exit(1)
            }
            offset += n
        }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Builds one JSON log line into a reused byte buffer.
struct LineBuilder {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(64 << 10) }

    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    @inline(__always)
    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    @inline(__always)
    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    /// A JSON string's contents, escaped as zap escapes them: `"`, `\`, control characters
    /// (`\n`, `\t`, `\r`, else `\u00XX`); `<>&` and non-ASCII UTF-8 are written as they are.
    mutating func escaped(_ s: String) {
        var clean = true
        for c in s.utf8 where c < 0x20 || c == 0x22 || c == 0x5C { clean = false; break }
        if clean { bytes.append(contentsOf: s.utf8); return }
        for c in s.utf8 {
            switch c {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hex[Int(c >> 4)]); bytes.append(hex[Int(c & 15)])
            default: bytes.append(c)
            }
        }
    }

    /// `,"key":"value"` with the value escaped.
    mutating func field(_ key: String, _ value: String) {
        bytes.append(contentsOf: Array(",\"".utf8))
        bytes.append(contentsOf: key.utf8)
        bytes.append(contentsOf: Array("\":\"".utf8))
        escaped(value)
        bytes.append(0x22)
    }

    /// `,"key":<json>` with the value already JSON.
    mutating func fieldJSON(_ key: String, _ json: String) {
        bytes.append(contentsOf: Array(",\"".utf8))
        bytes.append(contentsOf: key.utf8)
        bytes.append(contentsOf: Array("\":".utf8))
        bytes.append(contentsOf: json.utf8)
    }
}

/// zap's ISO8601 time encoder in UTC: `2006-01-02T15:04:05.000Z` (FLUX-LOGS.md 1.1).
func iso8601(millis: Int64) -> String {
    let days = Int(millis / 86_400_000)
    let rest = Int(millis % 86_400_000)
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
    let h = rest / 3_600_000, mi = rest / 60_000 % 60, s = rest / 1000 % 60, ms = rest % 1000
    func p2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    let ms3 = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
    return "\(y)-\(p2(m))-\(p2(d))T\(p2(h)):\(p2(mi)):\(p2(s)).\(ms3)Z"
}

/// Go's `time.Duration.String()`: `657.591367ms`, `2.117406763s`, `3m35.317406763s`, `1h0m0s`.
func goDuration(nanos: Int64) -> String {
    if nanos == 0 { return "0s" }
    func frac(_ value: Int64, _ digits: Int) -> String {
        // value has `digits` implied decimals; trailing zeros trimmed, no dot when zero.
        var p: Int64 = 1
        for _ in 0..<digits { p *= 10 }
        let whole = value / p
        var f = value % p
        if f == 0 { return "\(whole)" }
        var width = digits
        while f % 10 == 0 { f /= 10; width -= 1 }
        var fs = "\(f)"
        while fs.count < width { fs = "0" + fs }
        return "\(whole).\(fs)"
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

/// `10MiB`, `1GiB`, `100MB`, `12345`: binary suffixes KiB/MiB/GiB/TiB (and K/M/G/T), decimal
/// kB/MB/GB/TB, a bare number is bytes.
func parseSize(_ text: String) -> Int? {
    let units: [(String, Double)] = [
        ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("TiB", 1_099_511_627_776),
        ("kB", 1e3), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12),
        ("K", 1024), ("M", 1_048_576), ("G", 1_073_741_824), ("T", 1_099_511_627_776), ("B", 1),
    ]
    for (suffix, factor) in units where text.hasSuffix(suffix) {
        guard let v = Double(text.dropLast(suffix.count)), v >= 0 else { return nil }
        return Int(v * factor)
    }
    guard let v = Int(text), v >= 0 else { return nil }
    return v
}

/// Writes to standard error (unbuffered, no shared C `FILE`).
func printError(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { return }
        offset += n
    }
}
