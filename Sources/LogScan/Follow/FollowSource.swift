#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// Shared by every FollowSource of one `follow` run: the stop request.
///
/// Thread-safe: `stop()`, `isStopped` and `wait(seconds:)` may be called from any thread. The
/// waits are a pthread condition variable on the monotonic clock (Linux), so `stop()` wakes
/// every waiter at once and a change of the wall clock does not lengthen or shorten a wait.
public final class FollowControl: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var stopped = false  // guarded by `mutex`

    /// A control that is not stopped.
    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if os(Linux)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Asks every source to end: a source waiting at end of file returns 0 at once (within its poll); a source with bytes still in the file returns them first, then 0.
    ///
    /// Wakes every thread blocked in `wait(seconds:)` at once. Calling it again does nothing.
    public func stop() {
        pthread_mutex_lock(mutex)
        stopped = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// True once `stop()` has been called (never becomes false again).
    public var isStopped: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return stopped
    }

    /// Waits up to `seconds` (wall time, monotonic clock) or until stop(), whichever comes first;
    /// returns at once when already stopped or when `seconds` is not positive. Spurious wake-ups
    /// are absorbed: it returns early only because of `stop()`.
    public func wait(seconds: Double) {
        guard seconds > 0, !seconds.isNaN else { return }
        var deadline = FollowControl.deadline(after: min(seconds, 1e9))
        pthread_mutex_lock(mutex)
        while !stopped {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
        }
        pthread_mutex_unlock(mutex)
    }

    /// Now plus `seconds` on the clock the condition variable waits on.
    private static func deadline(after seconds: Double) -> timespec {
        var now = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_MONOTONIC, &now)
        #else
        clock_gettime(CLOCK_REALTIME, &now)
        #endif
        let whole = seconds.rounded(.down)
        var sec = Int(now.tv_sec) + Int(whole)
        var nsec = Int(now.tv_nsec) + Int((seconds - whole) * 1e9)
        if nsec >= 1_000_000_000 { sec += 1; nsec -= 1_000_000_000 }
        var out = timespec()
        out.tv_sec = .init(sec)
        out.tv_nsec = .init(nsec)
        return out
    }
}

/// Seconds on the monotonic clock, for the vanish grace.
private func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// A `ByteSource` over the file at a path that follows it the way `tail -F` does: at end of file
/// it waits (polls every `pollSeconds`) for more bytes instead of returning 0, and it survives
/// rotation. One scanner thread reads each followed file forever; `read` returns 0 only after
/// `FollowControl.stop()` or when the file was removed and not re-created within
/// `vanishGraceSeconds`.
///
/// Each time it is caught up (its descriptor is at end of file) it compares the open
/// descriptor's device and inode (`fstat`) with those of the path (`stat`):
/// - Rotation by rename (kubelet, logrotate `create`): the path names a new file. The old
///   descriptor is read to its end once more after the check (bytes the writer put in the old
///   file before the rename was seen are not lost), then the new file is opened and read from
///   byte 0.
/// - copytruncate: same file, but its size dropped below `offset`: it is read again from byte 0.
/// - Removed: the path is gone. The old descriptor keeps being drained while the source polls
///   for the path to reappear, for `vanishGraceSeconds`; a file that reappears is followed like
///   a rotation, otherwise `read` returns 0.
/// Each of these adds a line to `notes`. The source does not frame lines: it hands out every
/// byte of each file once, in order (a partial last line comes out as it is, its rest later).
///
/// Not thread-safe: `read` and the properties belong to one thread at a time (the scanner
/// thread, or a thread holding the lock the follow driver's `idle` releases).
public final class FollowSource: ByteSource {
    /// The followed path, as given; also the `name` of every `InputError` thrown.
    public let path: String
    /// The stop request shared by the run.
    public let control: FollowControl
    /// Seconds between checks for new bytes, rotation and truncation while caught up (at least
    /// 0.001; smaller values are raised to it so the source never spins).
    public let pollSeconds: Double
    /// Seconds (wall time) to keep polling for a removed path to reappear before `read` returns 0.
    /// Default 5.
    public var vanishGraceSeconds: Double = 5

    /// Called (on the reading thread) each time the source is caught up and about to wait, with the seconds it will wait. The follow driver sets it to release its scanner lock, do idle work, wait (by calling control.wait(seconds:) itself) and take the lock again. When nil, the source calls control.wait(seconds: pollSeconds) itself.
    ///
    /// The source does not wait after `idle` returns: it checks the file again at once, so an
    /// `idle` that returns without waiting makes the source poll that much faster.
    public var idle: ((Double) -> Void)?

    /// Bytes of the current file handed out so far (its offset), and the current file's inode: what a state file saves to resume.
    ///
    /// `offset` restarts at 0 when a rotation is followed or a truncation is seen.
    public private(set) var offset: UInt64
    /// The inode number of the file currently open (see `offset`).
    public private(set) var inode: UInt64
    /// True once the source is waiting at end of file with nothing more to read (caught up); false while it has bytes to hand out.
    ///
    /// Set just before each wait (before `idle` is called) and cleared when `read` returns bytes.
    /// It stays true after `read` has returned 0 for good.
    public private(set) var caughtUp: Bool = false
    /// Notes for warnings: rotations followed, truncations, the file vanished. nil if none.
    ///
    /// The notes joined with "; ".
    public var damage: String? { notes.isEmpty ? nil : notes.joined(separator: "; ") }
    /// One sentence per event, in the order they happened; each names the path.
    public private(set) var notes: [String] = []

    private var fd: FileDescriptor?
    /// Device of the open descriptor (with `inode`, the identity compared against the path).
    private var device: UInt64
    /// Monotonic deadline of the vanish grace while the path is missing; nil while it exists.
    private var vanishDeadline: Double?
    /// Why the path could not be (re)opened during the grace, for the final note.
    private var vanishReason: String?
    /// `read` returned 0 for good.
    private var finished = false
    /// The line number before the next bytes, when it changed (`ByteSource.takeLineBase`): the
    /// lines before a resumed offset, 0 for a new file at the path or a truncated one.
    private var lineBase: Int?
    /// The line number before the current file's first line: 0, or after a rename rotation the
    /// last line number of the files before it (`RotatedFiles`: lines are numbered on, so that a
    /// record read before the rotation keeps a place of its own).
    private var numberBase = 0

    public func takeLineBase() -> Int? {
        defer { lineBase = nil }
        return lineBase
    }

    /// The newlines in the first `bytes` bytes of `fd` (read from byte 0 with `pread`, 1 MiB a
    /// time); nil if a read fails.
    static func lines(in fd: FileDescriptor, before bytes: UInt64) -> Int? {
        var count = 0, at: UInt64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while at < bytes {
            let want = Int(min(UInt64(buffer.count), bytes - at))
            let n = buffer.withUnsafeMutableBytes { pread(fd.rawValue, $0.baseAddress, want, off_t(at)) }
            guard n > 0 else { return nil }
            buffer.withUnsafeBytes { b in
                var p = b.baseAddress!
                let end = b.baseAddress! + n
                while p < end, let hit = memchr(p, 10, end - p) { count += 1; p = UnsafeRawPointer(hit) + 1 }
            }
            at += UInt64(n)
        }
        return count
    }
    /// For tests: called when a check finds that the path names another file, just before the
    /// old descriptor is drained one last time (a writer's late bytes can be put there).
    var rotationSeen: (() -> Void)?

    /// Opens `path` (throws InputError(name: path, reason: ...) if it cannot be opened) and seeks to `offset` (bytes) when `inode` is nil or equals the file's inode; otherwise starts at 0 (the file was rotated since the offset was saved).
    ///
    /// - Parameters:
    ///   - path: the file to follow. It must be a regular file (a directory, FIFO or device is
    ///     refused with an `InputError`).
    ///   - offset: bytes of the file already read (from a state file). An offset past the end of
    ///     a file with the matching inode means it was truncated meanwhile: reading starts at 0,
    ///     with a note.
    ///   - inode: the inode the offset belongs to; nil trusts the offset.
    ///   - control: the run's stop request.
    ///   - pollSeconds: seconds between checks while caught up (default 0.25).
    /// - Throws: `InputError` naming `path` when it cannot be opened, is not a regular file, or
    ///   the seek fails.
    public init(path: String, offset: UInt64 = 0, inode: UInt64? = nil, control: FollowControl, pollSeconds: Double = 0.25) throws {
        self.path = path
        self.control = control
        self.pollSeconds = pollSeconds.isNaN ? 0.25 : max(pollSeconds, 0.001)
        let opened: (fd: FileDescriptor, st: stat)
        do {
            opened = try FollowSource.openRegular(path)
        } catch let e as OpenFailure {
            throw InputError(name: path, reason: e.reason)
        }
        fd = opened.fd
        device = UInt64(opened.st.st_dev)
        self.inode = UInt64(opened.st.st_ino)
        self.offset = 0
        let size = UInt64(max(0, opened.st.st_size))
        if offset > 0 {
            if let saved = inode, saved != self.inode {
                notes.append("\(path): the saved offset \(offset) was for inode \(saved), but the file is now inode \(self.inode) (rotated while not followed); reading it from byte 0")
            } else if offset > size {
                notes.append("\(path): the saved offset \(offset) is past the end of the file (\(size) bytes; truncated while not followed); reading it from byte 0")
            } else {
                do {
                    _ = try opened.fd.seek(offset: Int64(offset), from: .start)
                } catch let e as Errno {
                    try? opened.fd.close()
                    throw InputError(name: path, reason: "cannot seek to byte \(offset): \(e.description)")
                }
                self.offset = offset
                // `file:line` of what is read from here counts the lines already read.
                lineBase = Self.lines(in: opened.fd, before: offset)
            }
        }
    }

    deinit { try? fd?.close() }

    private struct OpenFailure: Error { let reason: String }

    /// Opens `path` read-only (non-blocking, so a FIFO cannot hang the open) and checks that it
    /// is a regular file.
    private static func openRegular(_ path: String) throws -> (fd: FileDescriptor, st: stat) {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.nonBlocking, .closeOnExec], retryOnInterrupt: true)
        } catch let e as Errno {
            throw OpenFailure(reason: "cannot open: \(e.description)")
        }
        var st = stat()
        guard fstat(fd.rawValue, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            try? fd.close()
            throw OpenFailure(reason: "cannot stat: \(reason)")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            try? fd.close()
            let kind = (st.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file"
            throw OpenFailure(reason: "cannot follow: is \(kind)")
        }
        return (fd, st)
    }

    /// Fills `buffer` with the next bytes of the followed file, waiting (polling every
    /// `pollSeconds`, through `idle` when set) while there are none. Returns the count of bytes
    /// (at least 1), or 0 once stopped at end of file or after the path vanished for good; every
    /// later call returns 0 too. Returns 0 for an empty buffer.
    /// - Throws: `InputError` naming `path` when `read(2)` fails.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while !finished {
            if let n = try readCurrent(into: buffer), n > 0 { return n }
            // The open descriptor is at its end.
            if control.isStopped { finish(); break }
            if superseded.isStopped {
                notes.append("\(path): its container restarted (\(supersededBy ?? "a newer log") appeared); following it ended after \(offset) bytes")
                finish()
                break
            }
            if let n = try checkPath(into: buffer) {
                if n > 0 { return n }
                continue  // switched to another file or rewound: read again at once
            }
            if finished { break }
            caughtUp = true
            if let idle { idle(pollSeconds) } else { control.wait(seconds: pollSeconds) }
        }
        caughtUp = true
        return 0
    }

    /// Reads from the open descriptor (nil when none is open); counts the bytes in `offset`.
    private func readCurrent(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        guard let fd else { return nil }
        let n: Int
        do {
            n = try fd.read(into: buffer, retryOnInterrupt: true)
        } catch let e as Errno {
            throw InputError(name: path, reason: "read failed at byte \(offset): \(e.description)")
        }
        if n > 0 {
            offset += UInt64(n)
            caughtUp = false
        }
        return n
    }

    /// The checks made when caught up. Returns nil to wait; otherwise the source moved on: a
    /// count of bytes just read from the old descriptor (to hand out), or 0 when it switched
    /// files or rewound (read again).
    private func checkPath(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            vanishReason = String(cString: strerror(errno))
            return pathMissing()
        }
        if let fd, UInt64(st.st_dev) == device, UInt64(st.st_ino) == inode {
            vanishDeadline = nil
            // Same file: copytruncate shows as a size below what was read.
            var now = stat()
            let size = fstat(fd.rawValue, &now) == 0 ? now.st_size : st.st_size
            guard size >= 0, UInt64(size) < offset else { return nil }
            do {
                _ = try fd.seek(offset: 0, from: .start)
            } catch let e as Errno {
                throw InputError(name: path, reason: "cannot rewind after truncation: \(e.description)")
            }
            notes.append("\(path) was truncated (from at least \(offset) to \(size) bytes, copytruncate); read again from byte 0")
            offset = 0
            lineBase = numberBase
            return 0
        }
        // The path names another file (or the old one was lost). Drain the old descriptor once
        // more: what the writer put there before the rename became visible must come out first.
        rotationSeen?()
        if let n = try readCurrent(into: buffer), n > 0 { return n }
        let next: (fd: FileDescriptor, st: stat)
        do {
            next = try FollowSource.openRegular(path)
        } catch let e as OpenFailure {
            vanishReason = e.reason
            return pathMissing()
        }
        let oldInode = inode, oldDevice = device, oldBytes = offset
        let reappeared = vanishDeadline != nil || fd == nil
        // Where the old file went (the kubelet's `0.log.<date>`, logrotate's `.1`), and how many
        // lines it holds: the records read from it are cited there from now on (a trial opened
        // `0.log:6` after the rotation and found the new file's record).
        var moved: (name: String, lines: Int)?
        if !reappeared, let old = fd, let name = Self.sibling(of: path, device: oldDevice, inode: oldInode),
           let lines = Self.lines(in: old, before: oldBytes) {
            moved = (name, lines)
        }
        try? fd?.close()
        fd = next.fd
        device = UInt64(next.st.st_dev)
        inode = UInt64(next.st.st_ino)
        offset = 0
        if let moved {
            numberBase += moved.lines
            RotatedFiles.shared.add(path: path, boundary: numberBase, name: moved.name)
        }
        lineBase = numberBase
        vanishDeadline = nil
        vanishReason = nil
        if reappeared {
            notes.append("\(path) was removed and re-created (inode \(oldInode) → \(inode)); the old file was read to its end (\(oldBytes) bytes) and the new one is read from byte 0")
        } else {
            let cited = moved.map { "; the records read from it are cited in \($0.name)" } ?? ""
            notes.append("\(path) was rotated (inode \(oldInode) → \(inode)); the old file was read to its end (\(oldBytes) bytes) and the new one is read from byte 0\(cited)")
        }
        return 0
    }

    /// The file in `path`'s folder whose device and inode are `device` and `inode` (the file
    /// `path` named before a rename), nil when there is none.
    static func sibling(of path: String, device: UInt64, inode: UInt64) -> String? {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        guard let d = opendir(dir.isEmpty ? "/" : dir) else { return nil }
        defer { closedir(d) }
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != ".", name != ".." else { continue }
            let full = slash == nil ? name : dir + "/" + name
            var st = stat()
            if stat(full, &st) == 0, UInt64(st.st_ino) == inode, UInt64(st.st_dev) == device, full != path { return full }
        }
        return nil
    }

    /// The path is gone (or cannot be opened): starts or checks the vanish grace. Returns nil to
    /// keep waiting; sets `finished` when the grace is over.
    private func pathMissing() -> Int? {
        let now = monotonicSeconds()
        guard let deadline = vanishDeadline else {
            vanishDeadline = now + max(0, vanishGraceSeconds)
            if vanishGraceSeconds <= 0 { return pathMissing() }
            return nil
        }
        guard now >= deadline else { return nil }
        let why = vanishReason.map { " (\($0))" } ?? ""
        notes.append("\(path) was removed\(why) and did not reappear within \(vanishGraceSeconds) s; following it ended after \(offset) bytes of its last file")
        finish()
        return nil
    }

    private func finish() {
        finished = true
        caughtUp = true
    }

    /// Set (`supersede(by:)`) when a newer container of the same pod logs to `<n+1>.log`: this
    /// file no longer grows (the kubelet leaves the old container's log as it is), so once read
    /// to its end the source ends, and its stream's last record is where the container stopped.
    public let superseded = FollowControl()
    private var supersededBy: String?

    /// Ends the source at the end of what its file holds, because `path` (the newer container's
    /// log) appeared. Call from any thread; a source waiting at end of file returns 0 within a poll.
    public func supersede(by path: String) {
        if !superseded.isStopped { supersededBy = path }
        superseded.stop()
    }
}
