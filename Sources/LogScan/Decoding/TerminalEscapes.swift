#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Terminal escape sequences in a log line: `stern --color always` (and kail, `kubectl` plugins
/// that colour their prefix) wrap the pod and container names in SGR sequences
/// (`ESC [ 32 m pod ESC [ 0 m`), which hide the prefix from `Envelope.peel`. The sequences are
/// ECMA-48's control sequences (CSI): `ESC [`, parameter bytes 0x30-0x3F, intermediate bytes
/// 0x20-0x2F, one final byte 0x40-0x7E.
enum TerminalEscapes {
    /// How far into a line an escape is looked for: the prefix a tool adds before the record.
    static let prefixBytes = 160

    /// Whether `line` holds `ESC [` in its first `prefixBytes` bytes (one `memchr`-like pass
    /// over the prefix only: lines with no colour cost nothing more).
    @inline(__always)
    static func startsWithin(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let base = line.baseAddress else { return false }
        var from = 0
        let n = min(line.count, prefixBytes)
        while from + 1 < n, let hit = memchr(base + from, 0x1b, n - 1 - from) {
            let i = base.distance(to: UnsafeRawPointer(hit))
            if line[i + 1] == UInt8(ascii: "[") { return true }
            from = i + 1
        }
        return false
    }

    /// `line` without its control sequences (every one, not only those of the prefix); an
    /// unfinished sequence at the end is dropped, and an `ESC` not followed by `[` is kept.
    static func stripped(_ line: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var i = 0
        while i < line.count {
            let c = line[i]
            if c == 0x1b, i + 1 < line.count, line[i + 1] == UInt8(ascii: "[") {
                var j = i + 2
                while j < line.count, (0x30...0x3f).contains(line[j]) { j += 1 }
                while j < line.count, (0x20...0x2f).contains(line[j]) { j += 1 }
                if j < line.count, (0x40...0x7e).contains(line[j]) { j += 1 }
                i = j
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
