/// Derives a required literal from a regex when the pattern file gives none (docs/PATTERNS.md
/// `literal:` "derived if absent"): the longest run of characters that every match of the regex
/// holds, read outside groups, classes and alternations. Empty when there is no safe one, which
/// means "no prefilter and no literal test" for that signature.
///
/// The pattern is read as PCRE2 reads it with the options signatures are compiled with (no
/// `PCRE2_UTF`, so a quantifier repeats the byte before it; pcre2pattern(3)). Only what is
/// understood fully joins a run; everything else ends it:
/// - an escape of a character that is not a letter or digit is that character (`\.`, `\(`);
///   `\xhh`, `\x{hh}`, `\o{ooo}` and `\0oo` stand for their character when it is printable ASCII
///   (`Team\x20Quota`, `Team\040Quota` hold `Team Quota`); every other escape (`\d`, `\s`, `\b`,
///   `\R`, `\N`, `\p{..}`, `\cx`, back references `\1`, `\g{..}`, `\k<..>`, `\Q...\E`, ...)
///   ends the run, its arguments skipped;
/// - a character made optional by `?`, `*` or `{` is left out; one repeated by `+` ends its run;
/// - groups, classes (`[]x]`, `[[:alpha:]]`, `[\Q]\E]` included) and `(?#...)` comments end it;
/// - an inline option setting (`(?i)`, `(?s)`, `(?x)`, `(?-i)`, ...) or a verb or start-of-pattern
///   option (`(*ACCEPT)`, `(*UTF)`) ends the derivation: what follows may match another case,
///   ignore whitespace or not be required at all. Extended mode (`x`, `xx`) anywhere derives none:
///   its comments hide the pattern's structure;
/// - a top-level `|` derives none.
public enum LiteralDeriver {
    /// The literal `pattern` requires, or "" when none of at least 3 characters is certain.
    public static func derive(_ pattern: String) -> String {
        var reader = Reader(Array(pattern.utf8))
        return reader.read()
    }

    /// Lowercases ASCII letters only, as PCRE2's caseless matching without `PCRE2_UTF` and the
    /// matcher's lowercasing of subjects do (`SignatureMatcher`, `PatternLint.checkLiteral`).
    public static func asciiLowercased(_ s: String) -> String {
        String(decoding: s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    struct Reader {
        let p: [UInt8]
        var i = 0
        var depth = 0
        var run: [UInt8] = []
        var best = ""
        /// Set by an option setting or a verb: runs end here, the rest is read only for `|`.
        var stopped = false

        init(_ p: [UInt8]) { self.p = p }

        func at(_ k: Int) -> UInt8? { k < p.count ? p[k] : nil }

        mutating func flush() {
            var bytes = run[...]
            run = []
            // A run cut inside a UTF-8 sequence (`é?` leaves its lead byte) keeps whole characters.
            while let b = bytes.first, b & 0xC0 == 0x80 { bytes = bytes.dropFirst() }
            if let lead = bytes.lastIndex(where: { $0 & 0xC0 != 0x80 }), bytes[lead] >= 0xC0 {
                let need = bytes[lead] >= 0xF0 ? 4 : bytes[lead] >= 0xE0 ? 3 : 2
                if bytes.endIndex - lead < need { bytes = bytes[..<lead] }
            }
            let s = String(decoding: bytes, as: UTF8.self)
            guard s.utf8.elementsEqual(bytes) else { return }
            if s.count > best.count { best = s }
        }

        /// Adds the atom `byte` that ended just before `next`, unless a quantifier there makes it
        /// optional; `+` keeps it and ends the run.
        mutating func atom(_ byte: UInt8?, next: Int) {
            guard let byte, depth == 0, !stopped else { flush(); return }
            switch at(next) {
            case UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "{"): flush()
            case UInt8(ascii: "+"): run.append(byte); flush()
            default: run.append(byte)
            }
        }

        mutating func read() -> String {
            while i < p.count {
                let c = p[i]
                switch c {
                case UInt8(ascii: "\\"):
                    if at(i + 1) == UInt8(ascii: "Q") {
                        flush()
                        i = skipQuote(from: i + 2)
                        continue
                    }
                    let (byte, end) = escape(at: i)
                    atom(byte, next: end)
                    i = end
                    continue
                case UInt8(ascii: "["):
                    flush()
                    i = skipClass(from: i)
                    continue
                case UInt8(ascii: "("):
                    flush()
                    if at(i + 1) == UInt8(ascii: "*") {
                        stopped = true
                    } else if at(i + 1) == UInt8(ascii: "?"), at(i + 2) == UInt8(ascii: "#") {
                        while i < p.count, p[i] != UInt8(ascii: ")") { i += 1 }
                        i += 1
                        continue
                    } else if at(i + 1) == UInt8(ascii: "?"), let (letters, closes) = optionSetting(from: i + 2) {
                        if letters.contains(UInt8(ascii: "x")) { return "" }
                        if closes { stopped = true; i += 3 + letters.count; continue }
                    }
                    depth += 1
                case UInt8(ascii: ")"):
                    flush()
                    depth -= 1
                    if depth < 0 { stopped = true }
                case UInt8(ascii: "|"):
                    if depth <= 0 { return "" }
                    flush()
                case UInt8(ascii: "{"):
                    flush()
                    while i < p.count, p[i] != UInt8(ascii: "}") { i += 1 }
                case UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "?"),
                     UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "}"):
                    flush()
                default:
                    atom(c, next: i + 1)
                }
                i += 1
            }
            flush()
            return best.count >= 3 ? best : ""
        }

        /// After `(?` at `k`: the option letters of an option setting (`i`, `-i`, `^`, `x`, `aD`,
        /// ...) and whether it closes with `)` (it applies to the rest of its group) rather than
        /// `:` (a group); nil when `(?` starts something else (`(?<name>`, `(?=`, `(?1)`, ...).
        func optionSetting(from k: Int) -> ([UInt8], closes: Bool)? {
            var j = k
            var letters: [UInt8] = []
            while let b = at(j) {
                if b == UInt8(ascii: ")") || b == UInt8(ascii: ":") {
                    return letters.isEmpty && b == UInt8(ascii: ":") ? nil : (letters, b == UInt8(ascii: ")"))
                }
                guard (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == UInt8(ascii: "^") || b == UInt8(ascii: "-") else { return nil }
                letters.append(b)
                j += 1
            }
            return nil
        }

        /// Past `\Q...\E` (or the pattern's end), from just after `\Q`.
        func skipQuote(from k: Int) -> Int {
            var j = k
            while j + 1 < p.count {
                if p[j] == UInt8(ascii: "\\"), p[j + 1] == UInt8(ascii: "E") { return j + 2 }
                j += 1
            }
            return p.count
        }

        /// Past the class that opens at `k` (`[`): a `]` first (after an optional `^`) is a member,
        /// `[:name:]` is a POSIX class, `\Q...\E` and escapes are members.
        func skipClass(from k: Int) -> Int {
            var j = k + 1
            if at(j) == UInt8(ascii: "^") { j += 1 }
            if at(j) == UInt8(ascii: "]") { j += 1 }
            while j < p.count {
                let b = p[j]
                if b == UInt8(ascii: "\\") {
                    j = at(j + 1) == UInt8(ascii: "Q") ? skipQuote(from: j + 2) : j + 2
                    continue
                }
                if b == UInt8(ascii: "["), let n = at(j + 1), n == UInt8(ascii: ":") || n == UInt8(ascii: ".") || n == UInt8(ascii: "=") {
                    var e = j + 2
                    while e + 1 < p.count, !(p[e] == n && p[e + 1] == UInt8(ascii: "]")) { e += 1 }
                    if e + 1 < p.count { j = e + 2; continue }
                }
                if b == UInt8(ascii: "]") { return j + 1 }
                j += 1
            }
            return p.count
        }

        /// The escape at `k` (a backslash): the printable ASCII character it stands for, if it
        /// stands for one this reader is sure of, and the index after it and its arguments.
        func escape(at k: Int) -> (UInt8?, Int) {
            guard let c = at(k + 1) else { return (nil, k + 1) }
            let isDigit = { (b: UInt8?) in b.map { $0 >= 48 && $0 <= 57 } ?? false }
            let isLetter = { (b: UInt8) in (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
            if c >= 0x80 { return (nil, k + 2) }
            if !isLetter(c), !isDigit(c) { return (c, k + 2) }
            func printable(_ v: Int?) -> UInt8? { v.flatMap { $0 >= 0x20 && $0 <= 0x7E ? UInt8($0) : nil } }
            /// Digits of `radix` from `j`, at most `limit`: their value and the index after them.
            func number(from j: Int, radix: Int, limit: Int) -> (Int?, Int) {
                var e = j
                var v = 0
                while e - j < limit, let b = at(e), let d = Int(String(UnicodeScalar(b)), radix: radix) { v = v * radix + d; e += 1 }
                return (e > j ? v : nil, e)
            }
            /// `{...}` from `j`: its text and the index after `}` (nil when there is none).
            func braces(from j: Int, open: UInt8 = UInt8(ascii: "{"), close: UInt8 = UInt8(ascii: "}")) -> (String, Int)? {
                guard at(j) == open, let e = p[j...].firstIndex(of: close) else { return nil }
                return (String(decoding: p[(j + 1)..<e], as: UTF8.self), e + 1)
            }
            switch c {
            case UInt8(ascii: "x"):
                if let (text, end) = braces(from: k + 2) { return (printable(Int(text, radix: 16)), end) }
                let (v, end) = number(from: k + 2, radix: 16, limit: 2)
                return (printable(v), end)
            case UInt8(ascii: "o"):
                if let (text, end) = braces(from: k + 2) { return (printable(Int(text, radix: 8)), end) }
                return (nil, k + 2)
            case UInt8(ascii: "0"):
                let (v, end) = number(from: k + 2, radix: 8, limit: 2)
                return (printable(v ?? 0), end)
            case UInt8(ascii: "1")...UInt8(ascii: "9"):
                // A back reference or an octal character, by the number of groups: not decoded.
                var e = k + 1
                while isDigit(at(e)) { e += 1 }
                return (nil, e)
            case UInt8(ascii: "c"):
                return (nil, min(k + 3, p.count))
            case UInt8(ascii: "g"), UInt8(ascii: "k"):
                for (o, cl) in [(UInt8(ascii: "{"), UInt8(ascii: "}")), (UInt8(ascii: "<"), UInt8(ascii: ">")), (UInt8(ascii: "'"), UInt8(ascii: "'"))] {
                    if let (_, end) = braces(from: k + 2, open: o, close: cl) { return (nil, end) }
                }
                var e = k + 2
                if at(e) == UInt8(ascii: "+") || at(e) == UInt8(ascii: "-") { e += 1 }
                while isDigit(at(e)) { e += 1 }
                return (nil, e)
            case UInt8(ascii: "p"), UInt8(ascii: "P"):
                if let (_, end) = braces(from: k + 2) { return (nil, end) }
                return (nil, min(k + 3, p.count))
            case UInt8(ascii: "N"):
                if let (_, end) = braces(from: k + 2) { return (nil, end) }
                return (nil, k + 2)
            default:
                return (nil, k + 2)
            }
        }
    }
}
