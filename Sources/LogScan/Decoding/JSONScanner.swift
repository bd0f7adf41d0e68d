#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small JSON reader for one log record: the top-level object's members, strings decoded, nested
/// objects kept as their own member lists one level deep. It exists because the hot path must not
/// build a Foundation object graph per line; it validates what it reads and fails on anything
/// that is not a JSON object (RFC 8259), so a torn line becomes a `malformed` record.
struct JSONScanner {
    /// A member value: a decoded string, a nested object (members, one level), or any other JSON
    /// value kept as its raw text (numbers, booleans, null, arrays).
    enum Value {
        case string(String)
        case object([(String, Value)])
        case other(String)

        var string: String? {
            switch self {
            case .string(let s): return s
            case .other(let s): return s
            case .object: return nil
            }
        }
    }

    let bytes: UnsafeRawBufferPointer
    var i = 0
    /// Which top-level members to keep; the others are validated and skipped without building
    /// strings (an apply line's `output` map can hold hundreds of entries). nil keeps all.
    var keep: ((String) -> Bool)?

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Parses the whole buffer as one object (whitespace around it allowed).
    /// Returns nil when the bytes are not exactly one JSON object.
    static func parseObject(_ bytes: UnsafeRawBufferPointer, keep: ((String) -> Bool)? = nil) -> [(String, Value)]? {
        var s = JSONScanner(bytes)
        s.keep = keep
        s.skipSpace()
        guard let members = s.object(depth: 0) else { return nil }
        s.skipSpace()
        return s.i == bytes.count ? members : nil
    }

    /// At a key's opening quote (`i`): the key's bytes when it is plain ASCII with no escape, and
    /// `i` moves past its closing quote; nil when it holds an escape or a non-ASCII byte or is not
    /// closed, and `i` stays, for `string()` to decode it (Unicode equality) or fail.
    mutating func plainKey() -> UnsafeRawBufferPointer? {
        guard let j = JSONScanner.quoteOrBackslash(bytes, from: i + 1), bytes[j] == UInt8(ascii: "\"") else { return nil }
        let key = UnsafeRawBufferPointer(rebasing: bytes[(i + 1)..<j])
        guard JSONRecordView.isASCII(key) else { return nil }
        i = j + 1
        return key
    }

    mutating func skipSpace() {
        while i < bytes.count {
            let c = bytes[i]
            if c == 32 || c == 9 || c == 10 || c == 13 { i += 1 } else { break }
        }
    }

    mutating func object(depth: Int) -> [(String, Value)]? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var members: [(String, Value)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return members }
        while true {
            skipSpace()
            guard let key = string() else { return nil }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            guard i < bytes.count else { return nil }
            let c = bytes[i]
            if depth == 0, let keep, !keep(key) {
                guard skipValue(depth: depth + 1) else { return nil }
            } else if c == UInt8(ascii: "\"") {
                guard let s = string() else { return nil }
                members.append((key, .string(s)))
            } else if c == UInt8(ascii: "{") && depth < 1 {
                guard let inner = object(depth: depth + 1) else { return nil }
                members.append((key, .object(inner)))
            } else {
                let start = i
                guard skipValue(depth: depth + 1) else { return nil }
                members.append((key, .other(text(start, i))))
            }
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return members }
            return nil
        }
    }

    func text(_ a: Int, _ b: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self)
    }

    /// Skips any JSON value; false if it is not well formed. Depth-limited (64) so a hostile line
    /// cannot exhaust the stack.
    mutating func skipValue(depth: Int) -> Bool {
        guard depth < 64, i < bytes.count else { return false }
        let c = bytes[i]
        switch c {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == close { i += 1; return true }
            while true {
                skipSpace()
                if c == UInt8(ascii: "{") {
                    guard skipString() else { return false }
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return false }
                    i += 1
                    skipSpace()
                }
                guard skipValue(depth: depth + 1) else { return false }
                skipSpace()
                guard i < bytes.count else { return false }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == close { i += 1; return true }
                return false
            }
        default:
            let start = i
            while i < bytes.count {
                let d = bytes[i]
                if d == UInt8(ascii: ",") || d == UInt8(ascii: "}") || d == UInt8(ascii: "]")
                    || d == 32 || d == 9 || d == 10 || d == 13 { break }
                i += 1
            }
            return i > start
        }
    }

    mutating func skipString() -> Bool {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return false }
        i += 1
        // Most strings hold no escape: find the quote and check that no backslash precedes it.
        if let q = JSONScanner.quoteOrBackslash(bytes, from: i), bytes[q] == UInt8(ascii: "\"") {
            i = q + 1
            return true
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\\") { i += 2; continue }
            if c == UInt8(ascii: "\"") { i += 1; return true }
            i += 1
        }
        return false
    }

    /// Reads a string at `i`, decoding escapes (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`,
    /// `\uXXXX` with surrogate pairs). Invalid UTF-8 inside is replaced with U+FFFD.
    mutating func string() -> String? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        let start = i
        // Fast path: no escapes.
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                let s = text(start, i)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            i += 1
        }
        var out: [UInt8] = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < bytes.count else { return nil }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(34)
            case UInt8(ascii: "\\"): out.append(92)
            case UInt8(ascii: "/"): out.append(47)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= bytes.count,
                   bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    guard let low = hex4() else { return nil }
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                return nil
            }
        }
        return nil
    }

    /// A string at `at` that the end of the buffer cut (a line cut at the line cap): its text up
    /// to the cut, escapes decoded; an escape the cut split is dropped, a character it split
    /// becomes U+FFFD. Nil when the string holds a bad escape before the cut.
    func cutString(at: Int) -> String? {
        guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
        // Close the string where the cut is (less an escape split by it: at most `\uXXXX\uXX`).
        var end = bytes.count
        while end > at && bytes.count - end <= 11 {
            var closed = Array(UnsafeRawBufferPointer(rebasing: bytes[at..<end]))
            closed.append(UInt8(ascii: "\""))
            let decoded = closed.withUnsafeBytes { b -> String? in
                var s = JSONScanner(b)
                guard let v = s.string(), s.i == b.count else { return nil }
                return v
            }
            if let decoded { return decoded }
            end -= 1
        }
        return nil
    }

    /// Whether `bytes` are exactly `word` (ASCII).
    @inline(__always)
    static func equals(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard bytes.count == n else { return false }
        return word.withUTF8Buffer { w in memcmp(bytes.baseAddress!, w.baseAddress!, n) == 0 }
    }

    /// The bytes of a string at `i` that holds no escape, moving past its closing quote; nil
    /// (and `i` unmoved) when it holds an escape or has no end.
    @inline(__always)
    mutating func plainString() -> UnsafeRawBufferPointer? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\""),
              let q = JSONScanner.quoteOrBackslash(bytes, from: i + 1), bytes[q] == UInt8(ascii: "\"") else { return nil }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[(i + 1)..<q])
        i = q + 1
        return raw
    }

    /// The offset of the first `"` or `\\` in `b[from...]`, nil if none: sixteen bytes at a time
    /// (one pass for both, where two `memchr` calls cost more than the short strings of a record).
    /// On x86-64 the sixteen comparisons become a bit mask (SSE2 `pmovmskb`, in every x86-64 CPU)
    /// whose lowest set bit is the answer; elsewhere the portable SIMD types do the same.
    @inline(__always)
    static func quoteOrBackslash(_ b: UnsafeRawBufferPointer, from: Int) -> Int? {
        var i = from
        #if arch(x86_64)
        if let base = b.baseAddress {
            let quote = _mm_set1_epi8(34), backslash = _mm_set1_epi8(92)
            while i + 16 <= b.count {
                let v = _mm_loadu_si128((base + i).assumingMemoryBound(to: __m128i.self))
                let mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)))
                if mask != 0 { return i + Int(mask.trailingZeroBitCount) }
                i += 16
            }
        }
        #else
        let quote = SIMD16<UInt8>(repeating: UInt8(ascii: "\"")), backslash = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
        while i + 16 <= b.count {
            let v = b.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let hit = (v .== quote) .| (v .== backslash)
            if any(hit) {
                for k in 0..<16 where hit[k] { return i + k }
            }
            i += 16
        }
        #endif
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { return i }
            i += 1
        }
        return nil
    }

    /// The offset of the first `byte` in `b[from..<to]` (`to` defaults to the end), by `memchr`.
    @inline(__always)
    static func find(_ b: UnsafeRawBufferPointer, _ byte: UInt8, from: Int, to: Int? = nil) -> Int? {
        let end = to ?? b.count
        guard from < end, let base = b.baseAddress, let hit = memchr(base + from, Int32(byte), end - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    /// Skips a string at `i` as `string()` reads it: false where `string()` returns nil (a bad
    /// escape, no closing quote). Builds nothing unless the string holds an escape.
    mutating func skipStringChecked() -> Bool {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return false }
        guard let j = JSONScanner.quoteOrBackslash(bytes, from: i + 1) else { return false }
        if bytes[j] == UInt8(ascii: "\"") { i = j + 1; return true }
        return string() != nil
    }

    /// Reads a nested object at `i` (one level down) as `object(depth: 1)` validates it, keeping
    /// only what `RecordDecoder.objectRef` takes from it: `kind` (the first, when `kind` is nil),
    /// `name` and `namespace` (the last of each). False when the object is not well formed;
    /// else `ref` is the object reference, nil when a kind or a name is missing.
    mutating func objectRef(kind: String?, into ref: inout ObjectRef?) -> Bool {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return false }
        i += 1
        var k = kind, n: String?, ns = ""
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                // 1 kind, 2 name, 3 namespace, 0 anything else.
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return false }
                let which: Int
                if let key = plainKey() {
                    which = JSONScanner.equals(key, "kind") ? 1 : JSONScanner.equals(key, "name") ? 2
                        : JSONScanner.equals(key, "namespace") ? 3 : 0
                } else {
                    guard let key = string() else { return false }
                    which = key == "kind" ? 1 : key == "name" ? 2 : key == "namespace" ? 3 : 0
                }
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return false }
                i += 1
                skipSpace()
                guard i < bytes.count else { return false }
                let wanted = which == 1 ? k == nil : which != 0
                var value: String?
                if bytes[i] == UInt8(ascii: "\"") {
                    if wanted {
                        guard let v = string() else { return false }
                        value = v
                    } else {
                        guard skipStringChecked() else { return false }
                    }
                } else {
                    let start = i
                    guard skipValue(depth: 2) else { return false }
                    if wanted { value = text(start, i) }
                }
                if let value {
                    switch which {
                    case 1: k = value
                    case 2: n = value
                    default: ns = value
                    }
                }
                skipSpace()
                guard i < bytes.count else { return false }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                return false
            }
        }
        if let k, let n { ref = ObjectRef(kind: k, namespace: ns, name: n) } else { ref = nil }
        return true
    }

    mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: return nil
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
