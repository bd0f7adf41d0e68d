#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// Why a read stopped early. Always names the input.
public struct InputError: Error, CustomStringConvertible, Sendable {
    /// The input's display name (a path, or `-` for stdin).
    public let name: String
    /// What went wrong, e.g. "No such file or directory".
    public let reason: String
    public var description: String { "\(name): \(reason)" }
}

/// What a `LineReader` noticed about damaged input: counts, never fatal.
public struct ReadDamage: Sendable, Equatable {
    /// Lines longer than the line cap; each was cut at the cap and the rest skipped.
    public var overlongLines = 0
    /// Line number (1-based) of the first over-long line, 0 if none.
    public var firstOverlongLine = 0
    /// Lines holding a NUL byte (binary garbage).
    public var binaryLines = 0
    /// Line number of the first line holding a NUL byte, 0 if none.
    public var firstBinaryLine = 0
    /// Lines (without NUL bytes, not cut at the cap) that are not valid UTF-8 (RFC 3629): their
    /// bad bytes read as U+FFFD.
    public var invalidUTF8Lines = 0
    /// Line number of the first of them, 0 if none.
    public var firstInvalidUTF8Line = 0
}

/// Whether any of `count` bytes at `p` is 0x80 or above (not ASCII): 32 bytes a step (four
/// words or-ed), then eight, then one.
@inline(__always)
func holdsNonASCII(_ p: UnsafeRawPointer, _ count: Int) -> Bool {
    var i = 0
    while i + 32 <= count {
        let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self) | p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
            | p.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self) | p.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
        if w & 0x8080_8080_8080_8080 != 0 { return true }
        i += 32
    }
    while i + 8 <= count {
        if p.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return true }
        i += 8
    }
    while i < count {
        if p.load(fromByteOffset: i, as: UInt8.self) >= 0x80 { return true }
        i += 1
    }
    return false
}

/// Splits a byte stream into lines with chunked `read(2)` and `memchr`, without a `String` or any
/// allocation per line.
///
/// A line is handed to the callback without its `\n` (and without a `\r` before it). A line longer
/// than `lineCap` bytes is cut at the cap, handed over once with `truncated == true`, and the rest
/// up to the next newline is skipped. Memory is bounded by `chunkSize + lineCap` bytes.
public struct LineReader {
    /// Bytes asked of each `read(2)` (default 256 KiB: the pages a read touches stay resident; a
    /// pipe gives 64 KiB a read anyway).
    public var chunkSize: Int
    /// Longest line handed over whole, in bytes (default 1 MiB).
    public var lineCap: Int
    /// Called with each region of the buffer before its lines are handed over: the bytes from the
    /// start of the first undelivered line to the end of what was read (the prefilter scans it).
    public var regionHook: ((UnsafeRawBufferPointer) -> Void)?

    public init(chunkSize: Int = 256 << 10, lineCap: Int = 1 << 20) {
        self.chunkSize = max(4096, chunkSize)
        self.lineCap = max(16, lineCap)
    }

    /// Reads `fd` to its end. `body(line, number, truncated)` is called for every line; `line` is
    /// valid only during the call. Returns how many bytes were read and the damage seen.
    /// - Throws: `InputError` (naming `name`) when `read(2)` fails; lines before it were delivered.
    @discardableResult
    public func read(
        _ fd: FileDescriptor, name: String,
        _ body: (UnsafeRawBufferPointer, Int, Bool) throws -> Void
    ) throws -> (bytes: Int, damage: ReadDamage) {
        try read(FileSource(fd: fd, name: name), name: name, body)
    }

    /// Reads `source` to its end, like `read(_:name:_:)` for a descriptor. When the source
    /// returns `byteSourceWillWait` (a followed input about to wait for more), `idle` is called
    /// (the reader then processes what it holds back) and the source is read again.
    @discardableResult
    public func read(
        _ source: ByteSource, name: String,
        _ body: (UnsafeRawBufferPointer, Int, Bool) throws -> Void,
        idle: () throws -> Void = {}
    ) throws -> (bytes: Int, damage: ReadDamage) {
        let capacity = chunkSize + lineCap + 1
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        let base = buffer.baseAddress!
        var start = 0        // first byte of the unconsumed line
        var end = 0          // end of valid data
        var lineNo = 0
        var total = 0
        var skipping = false // inside the rest of an over-long line
        var damage = ReadDamage()
        // Whether the current region (`start..<end` after a read) holds a NUL byte at all: one
        // `memchr` per read instead of one per line.
        var regionHasNUL = false
        // Whether it holds a byte above 0x7F (only such lines can be invalid UTF-8): most logs are ASCII.
        var regionHasHigh = false

        func deliver(_ from: Int, _ to: Int, truncated: Bool) throws {
            lineNo += 1
            var stop = to
            if !truncated, stop > from, base.load(fromByteOffset: stop - 1, as: UInt8.self) == 13 { stop -= 1 }
            let line = UnsafeRawBufferPointer(start: base + from, count: stop - from)
            if regionHasNUL, !line.isEmpty, memchr(line.baseAddress!, 0, line.count) != nil {
                damage.binaryLines += 1
                if damage.firstBinaryLine == 0 { damage.firstBinaryLine = lineNo }
            } else if regionHasHigh, !truncated, !line.isEmpty, holdsNonASCII(line.baseAddress!, line.count),
                      String(validating: line, as: UTF8.self) == nil {
                damage.invalidUTF8Lines += 1
                if damage.firstInvalidUTF8Line == 0 { damage.firstInvalidUTF8Line = lineNo }
            }
            if truncated {
                damage.overlongLines += 1
                if damage.firstOverlongLine == 0 { damage.firstOverlongLine = lineNo }
            }
            try body(line, lineNo, truncated)
        }

        while true {
            // Make room: move the partial line to the front.
            if start > 0 {
                if end > start { memmove(base, base + start, end - start) }
                end -= start
                start = 0
            }
            let want = min(chunkSize, capacity - end)
            let n: Int
            do {
                n = try source.read(into: UnsafeMutableRawBufferPointer(start: base + end, count: want))
            } catch let e as InputError {
                throw InputError(name: e.name, reason: "\(e.reason) (after line \(lineNo))")
            }
            if n == 0 { break }
            if n == byteSourceWillWait {
                try idle()
                continue
            }
            // A followed file resumed or replaced: its lines are numbered as the file holds them.
            if let base = source.takeLineBase() { lineNo = base }
            total += n
            var scan = end
            end += n
            regionHook?(UnsafeRawBufferPointer(start: base + start, count: end - start))
            regionHasNUL = memchr(base + start, 0, end - start) != nil
            regionHasHigh = holdsNonASCII(base + start, end - start)
            while scan < end {
                guard let hit = memchr(base + scan, 10, end - scan) else { break }
                let nl = base.distance(to: hit)
                if skipping {
                    skipping = false
                } else {
                    try deliver(start, nl, truncated: false)
                }
                start = nl + 1
                scan = start
            }
            if skipping {
                start = end  // drop the rest of the over-long line
            } else if end - start >= lineCap {
                try deliver(start, start + lineCap, truncated: true)
                skipping = true
                start = end
            }
        }
        // A last line without its newline is a record, unless a stop request cut the reading
        // there (`InputInterrupt`): then it is half a record, left out.
        if !skipping && end > start && InputInterrupt.signal == 0 {
            try deliver(start, end, truncated: false)
        }
        return (total, damage)
    }
}
