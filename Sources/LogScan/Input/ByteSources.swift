#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import SystemPackage

/// What a followed source (`follow`) may return from `read` instead of a count: it has nothing
/// now and will wait for more on the next call. `LineReader` then lets its reader process the
/// record it holds back for continuation lines, so that the last line before a quiet spell is
/// not held until the next one comes. Plain sources never return it.
public let byteSourceWillWait = -1

/// A stream of bytes: a file, stdin, a gzip stream inside one, a tar member.
public protocol ByteSource: AnyObject {
    /// Fills `buffer` with up to `buffer.count` bytes; returns 0 at the end.
    /// - Throws: `InputError` when the underlying read fails.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Damage found while reading (a truncated gzip, a short tar member), for a warning; nil if none.
    var damage: String? { get }
    /// When the bytes from the last read on start a new count of lines: the number of the line
    /// before them (a followed file resumed at an offset: the lines before it; a new file at the
    /// path after a rotation or truncation: 0), so that `file:line` names the line in the file as
    /// it is. Taken once; nil for no change (every source but `FollowSource`).
    func takeLineBase() -> Int?
}

extension ByteSource {
    public func takeLineBase() -> Int? { nil }
}

/// A request to stop reading, for `scan` stopped by SIGINT or SIGTERM (CONTRACT.md: "report what
/// was found"): the signal's number, 0 while none came. A signal handler sets `signal`; every
/// `FileSource` then ends its input at its next read, and a read that waits on a pipe or a
/// terminal looks at it at least every 200 ms.
public enum InputInterrupt {
    /// The signal that asked to stop (SIGINT 2, SIGTERM 15), 0 for none. Written only by a signal
    /// handler, read by the readers.
    nonisolated(unsafe) public static var signal: sig_atomic_t = 0
}

/// `read(2)` on a file descriptor (swift-system), retried on EINTR. A descriptor that can wait
/// (a pipe, a terminal, a socket: stdin of `kubectl logs -f | flux-logscan`) is polled first, so
/// that `InputInterrupt` ends a read that would wait for ever; a regular file never waits.
public final class FileSource: ByteSource {
    let fd: FileDescriptor
    let name: String
    /// Whether `fd` may block in `read` (not a regular file).
    let mayWait: Bool
    public var damage: String? { nil }

    public init(fd: FileDescriptor, name: String) {
        self.fd = fd
        self.name = name
        var st = stat()
        mayWait = fstat(fd.rawValue, &st) != 0 || (st.st_mode & S_IFMT) != S_IFREG
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            if InputInterrupt.signal != 0 { return 0 }
            if mayWait {
                var p = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
                // Nothing yet (0) or a signal (-1, EINTR): look at the stop request again.
                if poll(&p, 1, 200) <= 0 { continue }
            }
            do {
                return try fd.read(into: buffer, retryOnInterrupt: false)
            } catch Errno.interrupted {
                continue
            } catch let e as Errno {
                throw InputError(name: name, reason: "read failed: \(e.description)")
            }
        }
    }
}

/// A source whose first bytes can be looked at before reading (to sniff gzip and tar magic).
public final class PeekableSource: ByteSource {
    let inner: ByteSource
    var head: [UInt8] = []
    var headOffset = 0
    public var damage: String? { inner.damage }

    public init(_ inner: ByteSource) { self.inner = inner }

    /// Up to `count` first bytes (fewer at the end of a short stream), without consuming them.
    public func peek(_ count: Int) throws -> [UInt8] {
        while head.count < count {
            var chunk = [UInt8](repeating: 0, count: count - head.count)
            let n = try chunk.withUnsafeMutableBytes { try inner.read(into: $0) }
            if n == 0 { break }
            head.append(contentsOf: chunk[0..<n])
        }
        return Array(head.prefix(count))
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if headOffset < head.count {
            let n = min(buffer.count, head.count - headOffset)
            head.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + headOffset, byteCount: n)
            }
            headOffset += n
            if headOffset == head.count { head = []; headOffset = 0 }
            return n
        }
        return try inner.read(into: buffer)
    }

    public func takeLineBase() -> Int? { inner.takeLineBase() }
}

/// Streaming gzip (and zlib) decompression through zlib's `inflate` (RFC 1952), never the whole
/// file in memory: 256 KiB of compressed input at a time. Concatenated gzip members (what
/// `cat a.gz b.gz` and some rotators write) are read one after another. A stream that ends early
/// or holds corrupt data ends the output there and sets `damage`; what was inflated is kept.
public final class GzipSource: ByteSource {
    let inner: ByteSource
    let name: String
    var stream = z_stream()
    var input: UnsafeMutableRawBufferPointer
    var inputEnd = false
    var finished = false
    var memberDone = false
    public private(set) var damage: String?
    /// Compressed bytes read so far.
    public private(set) var compressedBytes = 0
    /// Bytes inflated so far.
    public private(set) var inflatedBytes = 0

    /// What `damage` says of corrupt data: zlib's reason and where, as the 0-based offset in the
    /// compressed input of the last byte inflate consumed (`consumed` bytes; zlib reads a few
    /// bytes ahead into its bit buffer, so "near"). A trial saw "near compressed byte 3002", the
    /// bytes read in, for a header broken at offset 3. With nothing inflated the damage is in the
    /// first member's header or first block: nothing was read (RFC 1952 2.3, the 10-byte header).
    static func corruption(_ reason: String, at consumed: Int, inflated: Int) -> String {
        let offset = max(0, consumed - 1)
        if inflated == 0 {
            return "gzip data is corrupt near byte \(offset) (\(reason)): nothing could be inflated from it"
        }
        return "gzip data is corrupt near byte \(offset) (\(reason)), after \(inflated) bytes inflated; reading stopped there, and the last lines before it may be garbled"
    }

    public init(_ inner: ByteSource, name: String) throws {
        self.inner = inner
        self.name = name
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        let rc = czlib_inflate_init_auto(&stream)
        guard rc == Z_OK else {
            input.deallocate()
            throw InputError(name: name, reason: "zlib inflateInit failed (\(rc))")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    func refill() throws {
        guard stream.avail_in == 0, !inputEnd else { return }
        let n = try inner.read(into: input)
        if n == 0 { inputEnd = true; return }
        compressedBytes += n
        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = uInt(n)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        while true {
            try refill()
            if memberDone {
                // Another gzip member follows only if more input is left.
                if stream.avail_in == 0 && inputEnd { finished = true; return 0 }
                inflateReset(&stream)
                memberDone = false
            }
            if stream.avail_in == 0 && inputEnd {
                finished = true
                damage = "gzip stream ends early (truncated after \(compressedBytes) compressed bytes); the lines before the cut were read"
                return 0
            }
            stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(buffer.count)
            let rc = inflate(&stream, Z_NO_FLUSH)
            let produced = buffer.count - Int(stream.avail_out)
            defer { inflatedBytes += produced }
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                if produced > 0 { return produced }
            case Z_STREAM_END:
                memberDone = true
                if produced > 0 { return produced }
            default:
                let msg = stream.msg.map { String(cString: $0) } ?? "error \(rc)"
                damage = Self.corruption(msg, at: compressedBytes - Int(stream.avail_in), inflated: inflatedBytes + produced)
                finished = true
                return produced
            }
        }
    }
}

/// Reads a tar archive (POSIX ustar, GNU long names `L`, pax `path=` records) as a stream of
/// members, never seeking: `next()` gives each regular file's name and a source that reads
/// exactly its bytes. Source: POSIX.1-2001 pax / ustar header layout (512-byte blocks).
public final class TarReader {
    let inner: ByteSource
    let name: String
    var pendingSkip = 0
    var current: TarMember?
    public internal(set) var damage: String?

    public init(_ inner: ByteSource, name: String) {
        self.inner = inner
        self.name = name
    }

    func readExactly(_ count: Int) throws -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = try out.withUnsafeMutableBytes { try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }
            if n == 0 { return got == 0 ? nil : Array(out[0..<got]) }
            got += n
        }
        return out
    }

    func skip(_ count: Int) throws {
        var left = count
        var scratch = [UInt8](repeating: 0, count: 64 << 10)
        while left > 0 {
            let n = try scratch.withUnsafeMutableBytes { try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<min(left, $0.count)])) }
            if n == 0 { damage = "tar archive ends inside a member"; return }
            left -= n
        }
    }

    static func field(_ h: [UInt8], _ offset: Int, _ length: Int) -> String {
        let slice = h[offset..<(offset + length)]
        let end = slice.firstIndex(of: 0) ?? slice.endIndex
        return String(decoding: h[offset..<end], as: UTF8.self)
    }

    static func octal(_ h: [UInt8], _ offset: Int, _ length: Int) -> Int? {
        // GNU base-256 for sizes over 8 GiB: high bit set on the first byte.
        if h[offset] & 0x80 != 0 {
            var v = 0
            for i in (offset + 1)..<(offset + length) { v = v << 8 | Int(h[i]) }
            return v
        }
        let s = field(h, offset, length).trimmingSpacesAndNULs()
        return s.isEmpty ? 0 : Int(s, radix: 8)
    }

    /// The next regular file member, or nil at the end of the archive.
    public func next() throws -> TarMember? {
        if let c = current { pendingSkip += c.remaining + c.padding; current = nil }
        if pendingSkip > 0 { try skip(pendingSkip); pendingSkip = 0 }
        var longName: String?
        var paxTime: Double?
        while true {
            guard let header = try readExactly(512) else { return nil }
            guard header.count == 512 else { damage = "tar archive ends inside a header"; return nil }
            if header.allSatisfy({ $0 == 0 }) { return nil }  // end-of-archive block
            guard let size = TarReader.octal(header, 124, 12) else {
                damage = "tar header with an unreadable size; the rest of the archive was skipped"
                return nil
            }
            let padding = (512 - size % 512) % 512
            let type = header[156]
            var memberName = TarReader.field(header, 0, 100)
            let prefix = TarReader.field(header, 345, 155)
            if header[257..<262].elementsEqual("ustar".utf8), !prefix.isEmpty { memberName = prefix + "/" + memberName }
            switch type {
            case UInt8(ascii: "L"):  // GNU long name for the next member
                let data = try readExactly(size) ?? []
                longName = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
                try skip(padding)
            case UInt8(ascii: "x"):  // pax extended header: "len path=value\n" records
                let data = try readExactly(size) ?? []
                let text = String(decoding: data, as: UTF8.self)
                for record in text.split(separator: "\n") {
                    if let r = record.range(of: " path=") { longName = String(record[r.upperBound...]) }
                    if let r = record.range(of: " mtime=") { paxTime = Double(record[r.upperBound...]) }
                }
                try skip(padding)
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                // The member's modification time: pax `mtime=` (seconds, a fraction allowed), else
                // ustar's octal seconds at offset 136; nil when absent (0).
                let seconds = paxTime ?? TarReader.octal(header, 136, 12).map(Double.init)
                let modified = seconds.flatMap { $0 > 0 ? Timestamp(millis: Int64($0 * 1000)) : nil }
                let member = TarMember(reader: self, name: longName ?? memberName, size: size, padding: padding, modified: modified)
                current = member
                return member
            default:  // directories, links, global headers: skip their data
                try skip(size + padding)
                longName = nil
                paxTime = nil
            }
        }
    }
}

/// One regular file inside a tar archive; reads exactly `size` bytes.
public final class TarMember: ByteSource {
    unowned let reader: TarReader
    /// The member's path inside the archive.
    public let name: String
    public let size: Int
    /// Its modification time in the archive's header (UTC), nil when the header holds none.
    public let modified: Timestamp?
    let padding: Int
    var remaining: Int
    public var damage: String? { reader.damage }

    init(reader: TarReader, name: String, size: Int, padding: Int, modified: Timestamp? = nil) {
        self.reader = reader
        self.name = name
        self.size = size
        self.padding = padding
        self.remaining = size
        self.modified = modified
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0 else { return 0 }
        let want = min(buffer.count, remaining)
        let n = try reader.inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
        if n == 0 {
            reader.damage = "tar archive ends inside member \(name)"
            remaining = 0
            return 0
        }
        remaining -= n
        return n
    }
}

extension String {
    func trimmingSpacesAndNULs() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\0" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\0" { s.removeLast() }
        return String(s)
    }
}
