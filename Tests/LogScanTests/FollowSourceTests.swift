import Testing
import Foundation
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif
@testable import LogScan

/// A temporary folder holding the followed file `app.log`; removed with everything in it at deinit.
private final class FollowDir {
    let dir: String
    let path: String

    init() throws {
        var template = Array("/tmp/flux-logscan-follow-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw InputError(name: "/tmp", reason: "mkdtemp failed") }
        dir = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        path = dir + "/app.log"
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// Creates (or truncates) `file` (default: the followed path) holding `text`.
    func write(_ text: String, to file: String? = nil) throws {
        let fd = try FileDescriptor.open(FilePath(file ?? path), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        defer { try? fd.close() }
        _ = try fd.writeAll(Array(text.utf8))
    }

    /// Appends `text` to `file` (default: the followed path), which must exist.
    func append(_ text: String, to file: String? = nil) throws {
        let fd = try FileDescriptor.open(FilePath(file ?? path), .writeOnly, options: [.append])
        defer { try? fd.close() }
        _ = try fd.writeAll(Array(text.utf8))
    }

    func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw Errno(rawValue: errno) }
    }

    func remove(_ file: String? = nil) throws {
        guard unlink(file ?? path) == 0 else { throw Errno(rawValue: errno) }
    }

    func inode(_ file: String? = nil) throws -> UInt64 {
        var st = stat()
        guard stat(file ?? path, &st) == 0 else { throw Errno(rawValue: errno) }
        return UInt64(st.st_ino)
    }
}

/// What `follow` saw.
private struct Followed {
    /// Every byte `read` handed out, concatenated.
    var text = ""
    /// `text` as it was each time the source was caught up (each `idle` call), before that step ran.
    var atIdle: [String] = []
    /// The seconds each `idle` call was given.
    var idleSeconds: Set<Double> = []
}

/// Reads `source` on this thread until `read` returns 0, `bufferSize` bytes at most per read.
/// Deterministic: each time the source is caught up (its `idle` is called), the next of `steps`
/// runs (it changes the files); after the last step the control is stopped, or, with
/// `waitAfterSteps`, `idle` really waits (for the vanish grace to run out).
private func follow(_ source: FollowSource, bufferSize: Int = 4096, steps: [() throws -> Void] = [],
                    waitAfterSteps: Bool = false) throws -> Followed {
    var seen = Followed()
    var bytes: [UInt8] = []
    var pending = steps[...]
    var failure: Error?
    var idleCalls = 0
    source.idle = { seconds in
        seen.atIdle.append(String(decoding: bytes, as: UTF8.self))
        seen.idleSeconds.insert(seconds)
        idleCalls += 1
        if let step = pending.popFirst() {
            do { try step() } catch { failure = error; source.control.stop() }
        } else if waitAfterSteps && idleCalls < 500 {
            source.control.wait(seconds: seconds)
        } else {
            source.control.stop()
        }
    }
    defer { source.idle = nil }
    var buffer = [UInt8](repeating: 0, count: bufferSize)
    while true {
        let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { break }
        #expect(n <= bufferSize)
        bytes += buffer[0..<n]
    }
    if let failure { throw failure }
    #expect(pending.isEmpty, "the source ended before every step ran")
    seen.text = String(decoding: bytes, as: UTF8.self)
    return seen
}

/// Reads a source on a background thread, collecting its bytes, the way the follow driver does.
private final class BackgroundReader: @unchecked Sendable {
    let source: FollowSource
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var error: Error?
    private let done = DispatchSemaphore(value: 0)

    init(_ source: FollowSource) { self.source = source }

    func start() {
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            do {
                while true {
                    let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                    if n == 0 { break }
                    lock.lock(); bytes += buffer[0..<n]; lock.unlock()
                }
            } catch {
                lock.lock(); self.error = error; lock.unlock()
            }
            done.signal()
        }.start()
    }

    var text: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Polls (every 5 ms) until the collected text is `expected`; false after `timeout` seconds.
    func waitFor(_ expected: String, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if text == expected { return true }
            usleep(5_000)
        }
        return text == expected
    }

    /// Waits up to `timeout` seconds for `read` to return 0; true if it did.
    func waitForEnd(timeout: Double) -> Bool {
        done.wait(timeout: .now() + timeout) == .success
    }

    var failure: Error? {
        lock.lock(); defer { lock.unlock() }
        return error
    }
}

@Suite struct FollowSourceTests {
    static let poll = 0.02

    // 1. Appends.
    @Test func appendedBytesComeOutOnLaterReadsAndAPartialLineIsNotLostOrDuplicated() throws {
        let d = try FollowDir()
        try d.write("first\n")
        let source = try FollowSource(path: d.path, control: FollowControl(), pollSeconds: Self.poll)
        let got = try follow(source, bufferSize: 3, steps: [
            { try d.append("sec") },          // half a line
            { try d.append("ond\n") },        // its rest
            { try d.append("third\n") },
        ])
        #expect(got.text == "first\nsecond\nthird\n")
        #expect(got.atIdle == ["first\n", "first\nsec", "first\nsecond\n", "first\nsecond\nthird\n"])
        #expect(got.idleSeconds == [Self.poll])
        #expect(source.offset == 19)
        #expect(source.inode == (try d.inode()))
        #expect(source.caughtUp)
        #expect(source.damage == nil && source.notes.isEmpty)
    }

    @Test func anEmptyFileIsFollowedFromItsFirstByte() throws {
        let d = try FollowDir()
        try d.write("")
        let source = try FollowSource(path: d.path, control: FollowControl(), pollSeconds: Self.poll)
        let got = try follow(source, steps: [{ try d.append("a\n") }])
        #expect(got.text == "a\n")
        #expect(got.atIdle == ["", "a\n"])
        #expect(source.offset == 2)
    }

    // 2. Rotation by rename.
    @Test func renameRotationDrainsTheOldFileThenReadsTheNewOneFromByteZero() throws {
        let d = try FollowDir()
        try d.write("old1\n")
        let oldInode = try d.inode()
        let source = try FollowSource(path: d.path, control: FollowControl(), pollSeconds: Self.poll)
        var newInode: UInt64 = 0
        let got = try follow(source, steps: [
            {
                try d.rename(d.path, d.path + ".1")
                try d.append("old2\n", to: d.path + ".1")  // the writer is still on the old file
                try d.write("new1\n")
                newInode = try d.inode()
            },
            { try d.append("new2\n") },
        ])
        #expect(got.text == "old1\nold2\nnew1\nnew2\n")
        #expect(got.atIdle == ["old1\n", "old1\nold2\nnew1\n", "old1\nold2\nnew1\nnew2\n"])
        #expect(newInode != oldInode)
        #expect(source.inode == newInode)
        #expect(source.offset == 10)  // bytes of the new file only
        #expect(source.notes.count == 1)
        #expect(source.notes.first?.contains("\(d.path) was rotated") == true)
        // Where the lines read before went (a trial opened `0.log:6` after the rotation and
        // found the new file's record): the renamed file, found by its inode.
        #expect(source.notes.first?.hasSuffix("; the records read from it are cited in \(d.path).1") == true, "\(source.notes)")
        // Its two lines are cited there; the new file's first line is line 1 of the path.
        #expect(SourceLocation(file: d.path, line: 2).shown == SourceLocation(file: d.path + ".1", line: 2))
        #expect(SourceLocation(file: d.path, line: 3).shown == SourceLocation(file: d.path, line: 1))
        #expect(source.damage == source.notes.first)
    }

    @Test func bytesWrittenToTheOldFileAsTheRotationIsSeenAreNotLost() throws {
        // The race the last drain closes: the old descriptor read 0, then the writer added a
        // line to the old file, then the check saw the new inode.
        let d = try FollowDir()
        try d.write("old1\n")
        let source = try FollowSource(path: d.path, control: FollowControl(), pollSeconds: Self.poll)
        var seen = 0
        source.rotationSeen = {
            seen += 1
            if seen == 1 { try? d.append("late\n", to: d.path + ".1") }
        }
        let got = try follow(source, steps: [
            { try d.rename(d.path, d.path + ".1"); try d.write("new1\n") },
        ])
        #expect(seen == 2)  // once with the late bytes, once more to find the old file drained
        #expect(got.text == "old1\nlate\nnew1\n")
        #expect(got.atIdle == ["old1\n", "old1\nlate\nnew1\n"])
        #expect(source.offset == 5)
        #expect(source.inode == (try d.inode()))
        #expect(source.notes.count == 1 && source.notes[0].contains("(10 bytes)"))
        source.rotationSeen = nil
    }

    @Test func offsetRestartsAtTheNewFileAfterRotation() throws {
        let d = try FollowDir()
        try d.write(String(repeating: "x", count: 1000) + "\n")
        let source = try FollowSource(path: d.path, control: FollowControl(), pollSeconds: Self.poll)
        var offsets: [UInt64] = []
        let got = try follow(source, steps: [
            { offsets.append(source.offset); try d.rename(d.path, d.path + ".1"); try d.write("ab\n") },
            { offsets.append(source.offset); try d.rename(d.path, d.path + ".2"); try d.write("cdef\n") },
            { offsets.append(source.offset) },
        ])
        #expect(got.text.hasSuffix("\nab\ncdef\n") && got.text.utf8.count == 1001 + 3 + 5)
        #expect(offsets == [1001, 3, 5])
        #expect(source.notes.count == 2)
    }

    // 3. copytruncate.
    @Test func truncationBelowTheOffsetRereadsTheSameFileFromByteZero() throws {
        let d = try FollowDir()
        try d.write("aaaa\nbbbb\n")
        let inode = try d.inode()
        let source = try FollowSource(path: d.path, control: FollowControl(), pollSeconds: Self.poll)
        let got = try follow(source, steps: [
            { try d.write("cc\n") },  // copytruncate: truncated in place, then written on
            { try d.append("dd\n") },
        ])
        #expect(got.text == "aaaa\nbbbb\ncc\ndd\n")
        #expect(got.atIdle == ["aaaa\nbbbb\n", "aaaa\nbbbb\ncc\n", "aaaa\nbbbb\ncc\ndd\n"])
        #expect(source.inode == inode)
        #expect(source.offset == 6)
        #expect(source.notes.count == 1)
        #expect(source.notes.first?.contains("\(d.path) was truncated") == true)
    }

    // 4. Vanished.
    @Test func aRemovedFileIsDrainedThenEndsAfterTheGrace() throws {
        let d = try FollowDir()
        try d.write("x\n")
        let writer = try FileDescriptor.open(FilePath(d.path), .writeOnly, options: [.append])
        defer { try? writer.close() }
        let source = try FollowSource(path: d.path, control: FollowControl(), pollSeconds: Self.poll)
        source.vanishGraceSeconds = 0.2
        var removedAt = ContinuousClock.now
        let got = try follow(source, steps: [
            {
                try d.remove()
                removedAt = .now
                _ = try writer.writeAll(Array("tail\n".utf8))  // the writer still holds the deleted file
            },
        ], waitAfterSteps: true)
        let elapsed = ContinuousClock.now - removedAt
        #expect(got.text == "x\ntail\n")
        #expect(elapsed >= .milliseconds(200) && elapsed < .seconds(5))
        #expect(source.notes.count == 1)
        #expect(source.notes.first?.contains("\(d.path) was removed") == true)
        #expect(source.caughtUp)
        // Ended for good.
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(try buffer.withUnsafeMutableBytes { try source.read(into: $0) } == 0)
    }

    @Test func aRemovedFileThatReappearsWithinTheGraceIsFollowedLikeARotation() throws {
        let d = try FollowDir()
        try d.write("x\n")
        let source = try FollowSource(path: d.path, control: FollowControl(), pollSeconds: Self.poll)
        source.vanishGraceSeconds = 0.2
        let got = try follow(source, steps: [
            { try d.remove() },
            { },  // still missing: keeps polling
            { try d.write("back\n") },
        ])
        #expect(got.text == "x\nback\n")
        #expect(got.atIdle == ["x\n", "x\n", "x\n", "x\nback\n"])
        #expect(source.offset == 5)
        #expect(source.inode == (try d.inode()))
        #expect(source.notes.count == 1)
        #expect(source.notes.first?.contains("\(d.path) was removed and re-created") == true)
    }

    // 5. stop().
    @Test func stopWakesABlockedReadAtOnce() throws {
        let d = try FollowDir()
        try d.write("hello\n")
        let control = FollowControl()
        // A 10 s poll: only stop()'s wake-up can end the wait within the 5 s allowed.
        let reader = BackgroundReader(try FollowSource(path: d.path, control: control, pollSeconds: 10))
        reader.start()
        #expect(reader.waitFor("hello\n"))
        usleep(50_000)  // let it settle into its wait
        let stoppedAt = ContinuousClock.now
        control.stop()
        #expect(reader.waitForEnd(timeout: 5))
        // Well under the 10 s poll (bounds loose for a loaded machine: only waking matters).
        #expect(ContinuousClock.now - stoppedAt < .seconds(5))
        #expect(reader.text == "hello\n")
        #expect(reader.failure == nil)
    }

    @Test func afterStopTheBytesStillInTheFileComeOutBeforeTheEnd() throws {
        let d = try FollowDir()
        try d.write("abcdefghij")
        let control = FollowControl()
        control.stop()
        let source = try FollowSource(path: d.path, control: control, pollSeconds: Self.poll)
        var buffer = [UInt8](repeating: 0, count: 4)
        var reads: [String] = []
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            reads.append(String(decoding: buffer[0..<n], as: UTF8.self))
        }
        #expect(reads == ["abcd", "efgh", "ij"])
        #expect(source.offset == 10 && source.caughtUp)

        // Stopped while caught up, with bytes appended at the same moment.
        let d2 = try FollowDir()
        try d2.write("a\n")
        let s2 = try FollowSource(path: d2.path, control: FollowControl(), pollSeconds: Self.poll)
        var got = ""
        s2.idle = { _ in
            try? d2.append("b\n")
            s2.control.stop()
        }
        var big = [UInt8](repeating: 0, count: 64)
        while true {
            let n = try big.withUnsafeMutableBytes { try s2.read(into: $0) }
            if n == 0 { break }
            got += String(decoding: big[0..<n], as: UTF8.self)
        }
        s2.idle = nil
        #expect(got == "a\nb\n")
    }

    @Test func withoutIdleTheSourcePollsByItselfOnItsThread() throws {
        let d = try FollowDir()
        try d.write("")
        let control = FollowControl()
        let reader = BackgroundReader(try FollowSource(path: d.path, control: control, pollSeconds: Self.poll))
        reader.start()
        try d.append("one\n")
        #expect(reader.waitFor("one\n"))
        try d.append("tw")
        #expect(reader.waitFor("one\ntw"))
        try d.append("o\n")
        #expect(reader.waitFor("one\ntwo\n"))
        control.stop()
        #expect(reader.waitForEnd(timeout: 5))
        #expect(reader.text == "one\ntwo\n")
        #expect(reader.source.offset == 8)  // read after the thread ended
    }

    @Test func controlWaitTimesOutOrEndsAtStop() {
        let control = FollowControl()
        var start = ContinuousClock.now
        control.wait(seconds: 0.05)
        #expect(ContinuousClock.now - start >= .milliseconds(50))
        #expect(!control.isStopped)

        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { control.stop() }
        start = .now
        control.wait(seconds: 10)
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(control.isStopped)

        start = .now
        control.wait(seconds: 10)  // already stopped: at once
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    // 6. Resume.
    @Test func resumeStartsAtTheSavedOffsetOnlyForTheSameInode() throws {
        let d = try FollowDir()
        try d.write("0123456789")
        let inode = try d.inode()

        let same = try FollowSource(path: d.path, offset: 4, inode: inode, control: FollowControl(), pollSeconds: Self.poll)
        #expect(same.offset == 4)
        #expect(try follow(same).text == "456789")
        #expect(same.offset == 10 && same.notes.isEmpty)

        let trusted = try FollowSource(path: d.path, offset: 7, control: FollowControl(), pollSeconds: Self.poll)
        #expect(try follow(trusted).text == "789")

        let rotated = try FollowSource(path: d.path, offset: 4, inode: inode &+ 1, control: FollowControl(), pollSeconds: Self.poll)
        #expect(rotated.offset == 0)
        #expect(try follow(rotated).text == "0123456789")
        #expect(rotated.offset == 10)
        #expect(rotated.notes.count == 1 && rotated.notes[0].contains("inode"))

        // Same inode, but the file is now shorter than the saved offset: truncated meanwhile.
        let truncated = try FollowSource(path: d.path, offset: 50, inode: inode, control: FollowControl(), pollSeconds: Self.poll)
        #expect(try follow(truncated).text == "0123456789")
        #expect(truncated.notes.count == 1 && truncated.notes[0].contains("past the end"))
    }

    // 7. Bad input.
    @Test func badPathsThrowInputErrorNamingThePath() throws {
        let d = try FollowDir()
        try d.write("x\n")
        func failure(_ path: String) -> InputError? {
            do {
                _ = try FollowSource(path: path, control: FollowControl(), pollSeconds: Self.poll)
                return nil
            } catch let e as InputError {
                return e
            } catch {
                return nil
            }
        }
        let dirError = failure(d.dir)
        #expect(dirError?.name == d.dir)
        #expect(dirError?.reason.contains("directory") == true)

        let missing = failure(d.dir + "/missing.log")
        #expect(missing?.name == d.dir + "/missing.log")
        #expect(missing?.reason.contains("No such file") == true)

        #expect(failure(d.path + "/under-a-file")?.name == d.path + "/under-a-file")

        let fifo = d.dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(failure(fifo)?.reason.contains("not a regular file") == true)  // and no hang

        if geteuid() != 0 {  // root reads through mode 000
            let locked = d.dir + "/locked.log"
            try d.write("secret\n", to: locked)
            chmod(locked, 0)
            #expect(failure(locked)?.name == locked)
        }
    }
}

/// `Follower`'s sequence numbers and what makes it write an incident again.
@Suite struct FollowerSequenceTests {
    static let patterns = PatternLoader.shipped().set

    /// OUTPUT.md: a record with a higher `seq` replaces every earlier one with the same id. The
    /// state saved while running is up to 30 s old when the sidecar is killed (SIGKILL, OOM):
    /// resumed from it, a run gave seq 1–3 again after the killed run wrote 1–9 (a trial), and
    /// its `resolved` lost to the old `open` 9. The running state reserves the next 1,000
    /// numbers and is saved again before the run passes them; a resumed run starts above.
    @Test func numbersAreNeverGivenTwiceAfterAKill() throws {
        let follower = Follower(scanner: LogScanner(patterns: Self.patterns), patterns: Self.patterns, windowSeconds: 60)
        var saved: [FollowState] = []
        follower.saveState = { saved.append($0) }
        let running = follower.snapshotState()
        #expect(running.seq == 0 && running.reserved == 1000)
        for _ in 0..<1000 { _ = follower.nextSeq() }
        #expect(saved.isEmpty, "numbers the saved state reserved need no save")
        #expect(follower.nextSeq() == 1001)
        #expect(saved.count == 1)
        #expect(saved.first?.seq == 1000 && saved.first?.reserved == 2000)
        // Killed now: the next run resumes from that state and starts above 2000.
        let data = try JSONEncoder().encode(try #require(saved.first))
        let resumed = try JSONDecoder().decode(FollowState.self, from: data)
        #expect(resumed.lastSeqGiven == 2000)
        // A state written at a clean stop (no reservation), and one of an older version: from `seq`.
        #expect(FollowState(seq: 25, files: []).lastSeqGiven == 25)
        let old = try JSONDecoder().decode(FollowState.self, from: Data(#"{"files": [], "seq": 25, "version": 1}"#.utf8))
        #expect(old.lastSeqGiven == 25)
    }

    /// A supporting healthy signal's count grows after the failures stop (`source-controller-
    /// no-changes ×N in runs from ... to ...`); that alone does not make a new record (a trial's
    /// resolved incident was written again three times). A new reason or confidence does.
    @Test func growingSupportCountsAloneAreNoChange() throws {
        var a = Incident(id: "1", title: "t", severity: .error, status: .resolved,
                         firstSeen: Timestamp(millis: 0), lastSeen: Timestamp(millis: 1000), controllers: [], objects: [],
                         upstream: nil, affected: [], failureClass: "artifact-fetch", signals: [], signatures: [])
        a.hypotheses = [RankedHypothesis(id: "h", title: "h", confidence: 0.9,
                                         evidenceFor: ["source-controller kept reconciling [source-controller-no-changes ×28 in runs from 02:40:25 to 03:05:47, first at a.log:1]"],
                                         evidenceAgainst: [], checks: [], remediation: [])]
        var b = a
        b.hypotheses[0].evidenceFor = ["source-controller kept reconciling [source-controller-no-changes ×31 in runs from 02:40:25 to 03:08:47, first at a.log:1]"]
        #expect(Follower.reasonsDigest(a) == Follower.reasonsDigest(b))
        var c = a
        c.hypotheses[0].confidence = 0.8
        #expect(Follower.reasonsDigest(a) != Follower.reasonsDigest(c))
        var d = a
        d.hypotheses[0].evidenceFor.append("another reason [x]")
        #expect(Follower.reasonsDigest(a) != Follower.reasonsDigest(d))
    }
}
