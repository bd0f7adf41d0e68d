extension Timeline {
    /// A timeline's entries in the order they were appended (sorted by `Entry.first` once the
    /// store has sorted them, `EventStore.timelineList`), kept compactly: a scan keeps one entry
    /// per bucket of every healthy and lifecycle signal of every object for the whole input
    /// (10 GiB of the benchmark corpus: about 665,000, and 212,000 more of context timelines),
    /// which as 28-byte `Entry` values were the largest part of a long stream's memory.
    ///
    /// The newest entries (at most `blockSize`) stay as `Entry` values, so that the store can
    /// still change the last one; older ones are frozen into blocks of `blockSize`, each entry a
    /// flags byte and LEB128 varints relative to the previous entry of its block (first time and
    /// line as zigzag deltas; the span `last - first`, the count and the file only when they
    /// differ from 0, 1 and the previous entry's file). A healthy entry of one event takes about
    /// 7 bytes, plus 24 bytes of block header per 16 entries. Each block header keeps the
    /// newest `last` of all entries up to its end, so that readers skip the blocks that end
    /// before the time they look for (`forEach(reaching:)`).
    ///
    /// With a `TimelineSpill` (a `scan`), frozen blocks leave memory once they hold the spill's
    /// `segmentBytes`: written as one segment (the block headers, 24 bytes each, then the entries' bytes),
    /// of which memory keeps 24 bytes (`Segment`). Readers load a segment at a time.
    public struct Entries: Sendable, Sequence {
        /// Entries per frozen block.
        static let blockSize = 16

        struct Block: Sendable {
            /// The newest `last` (milliseconds, UTC) of all entries up to the end of this block.
            var reach: Int64
            /// The block's first entry's `first` (milliseconds, UTC) and `line`: the bases of its deltas.
            var first: Int64
            var offset: UInt32
            var line: Int32
        }

        /// Frozen blocks written to the spill, oldest first: where (bytes into the file) and how
        /// long, how many blocks, and the `reach` of its last block.
        struct Segment: Sendable {
            var reach: Int64
            var offset: Int64
            var blocks: Int32
            var size: Int32
        }

        /// Bytes of one block header in a segment: `reach`, `first`, `offset`, `line`.
        static let headerSize = 24

        private var bytes: [UInt8] = []
        private var blocks: [Block] = []
        private var tail: [Entry] = []
        private var segments: [Segment] = []
        private var spilledBlocks = 0
        /// Where frozen blocks go (nil: they stay in memory).
        private(set) var spill: TimelineSpill?
        /// The newest `last` of all entries (milliseconds, UTC); `Int64.min` when empty.
        public private(set) var reach: Int64 = .min

        /// No entries; frozen blocks go to `spill` when there is one.
        public init(spill: TimelineSpill? = nil) { self.spill = spill }

        /// The entries of `entries`, in their order; frozen blocks go to `spill` when there is one.
        public init<S: Sequence>(_ entries: S, spill: TimelineSpill? = nil) where S.Element == Entry {
            self.spill = spill
            for e in entries { append(e) }
        }

        public var count: Int { (spilledBlocks + blocks.count) * Self.blockSize + tail.count }
        /// True when there is no entry (the tail holds at least one entry whenever any exists).
        public var isEmpty: Bool { tail.isEmpty }
        /// The entry appended last.
        public var last: Entry? { tail.last }
        /// The entry appended first.
        public var first: Entry? {
            var it = makeIterator()
            return it.next()
        }
        /// Bytes held (capacity of the frozen bytes, the block headers and the tail), for
        /// `FLUX_LOGSCAN_DEBUG`.
        var bytesHeld: Int {
            bytes.capacity + blocks.capacity * MemoryLayout<Block>.stride + tail.capacity * MemoryLayout<Entry>.stride
                + segments.capacity * MemoryLayout<Segment>.stride
        }

        /// Appends `e`, freezing the tail into a block when it is full.
        public mutating func append(_ e: Entry) {
            if tail.count == Self.blockSize { freeze() }
            tail.append(e)
            if e.last > reach { reach = e.last }
        }

        /// Appends every entry of `entries`, in their order.
        public mutating func append<S: Sequence>(contentsOf entries: S) where S.Element == Entry {
            for e in entries { append(e) }
        }

        /// Replaces the entry appended last (there must be one) by `e`; `e.last` may only grow.
        mutating func replaceLast(_ e: Entry) {
            tail[tail.count - 1] = e
            if e.last > reach { reach = e.last }
        }

        /// Removes the entries for which `drop` is true, keeping the others in their order; returns
        /// how many went (none: nothing is rebuilt).
        @discardableResult
        mutating func removeAll(where drop: (Entry) -> Bool) -> Int {
            guard contains(where: drop) else { return 0 }
            let before = count
            self = Entries(filter { !drop($0) }, spill: spill)
            return before - count
        }

        /// Removes from `sorted` (entries in order of `first`) every entry that is a copy of an
        /// earlier one read from another input: the same first and newest time (milliseconds,
        /// UTC) and the same count, in another file. A support bundle holds a pod's records
        /// twice (`kubectl logs` output next to the kubelet's file under /var/log/pods); failure
        /// records are told apart by their time and text (`EventStore.recordHash`), but an entry
        /// keeps no text. Two inputs' distinct records agreeing to the millisecond on the first
        /// and last event of a bucket and on their number are taken as copies. Entries of one
        /// file are never dropped; a copy whose records fell into the last entry of the other
        /// input's timeline (read on after it) is counted in that entry, not found here.
        /// - Returns: how many entries were removed.
        @discardableResult
        static func dropCopies(_ sorted: inout [Entry]) -> Int {
            var removed = 0
            var kept = 0
            var group = 0  // index in the kept prefix of the first entry with the current `first`
            for i in sorted.indices {
                let e = sorted[i]
                if kept == 0 || sorted[group].first != e.first { group = kept }
                var copy = false
                var j = group
                while j < kept {
                    let k = sorted[j]
                    if k.last == e.last, k.count == e.count, k.file != e.file { copy = true; break }
                    j += 1
                }
                if copy { removed += 1; continue }
                sorted[kept] = e
                kept += 1
            }
            sorted.removeLast(sorted.count - kept)
            return removed
        }

        /// The entries sorted by `areInIncreasingOrder` (as `Array.sort(by:)` sorts them).
        func sorted(by areInIncreasingOrder: (Entry, Entry) -> Bool) -> Entries {
            var all = Array(self)
            all.sort(by: areInIncreasingOrder)
            return Entries(all, spill: spill)
        }

        private mutating func freeze() {
            guard let head = tail.first else { return }
            let previous = blocks.last?.reach ?? segments.last?.reach ?? .min
            let newest = tail.reduce(previous) { Swift.max($0, $1.last) }
            // Room for a block of about 12 bytes an entry, grown by an eighth (at least 256 bytes):
            // timelines grow with the input and are never freed while reading, so the room held
            // is memory a long stream keeps (grown by half, about 1.6 MB of 11.6 at 10 GiB).
            if bytes.capacity - bytes.count < Self.blockSize * 12 { bytes.reserveCapacity(bytes.count + Swift.max(256, bytes.count / 8)) }
            blocks.append(Block(reach: newest, first: head.first, offset: UInt32(bytes.count), line: head.line))
            var prevFirst = head.first, prevLine = head.line, prevFile: Int32 = -1
            for e in tail {
                var flags: UInt8 = 0
                if e.last != e.first { flags |= 1 }
                if e.count != 1 { flags |= 2 }
                if e.file != prevFile { flags |= 4 }
                bytes.append(flags)
                Self.put(&bytes, Self.zigzag(e.first &- prevFirst))
                Self.put(&bytes, Self.zigzag(Int64(e.line) &- Int64(prevLine)))
                if flags & 1 != 0 { Self.put(&bytes, Self.zigzag(e.last &- e.first)) }
                if flags & 2 != 0 { Self.put(&bytes, Self.zigzag(Int64(e.count))) }
                if flags & 4 != 0 { Self.put(&bytes, Self.zigzag(Int64(e.file))) }
                prevFirst = e.first; prevLine = e.line; prevFile = e.file
            }
            // Not keeping the room: most context timelines get a few entries per close, and 4,000
            // of them each holding room for 16 (448 bytes) were 1.9 MB of a 10 GiB stream.
            tail.removeAll()
            if let spill, bytes.count >= spill.segmentBytes { moveBlocks(to: spill) }
        }

        /// Writes the frozen blocks to `spill` as one segment and lets them go; keeps them when
        /// the spill cannot take them.
        private mutating func moveBlocks(to spill: TimelineSpill) {
            var out = [UInt8]()
            out.reserveCapacity(blocks.count * Self.headerSize + bytes.count)
            for b in blocks {
                withUnsafeBytes(of: b.reach.littleEndian) { out.append(contentsOf: $0) }
                withUnsafeBytes(of: b.first.littleEndian) { out.append(contentsOf: $0) }
                withUnsafeBytes(of: b.offset.littleEndian) { out.append(contentsOf: $0) }
                withUnsafeBytes(of: b.line.littleEndian) { out.append(contentsOf: $0) }
            }
            out.append(contentsOf: bytes)
            guard let at = spill.append(out) else { return }
            segments.append(Segment(reach: blocks[blocks.count - 1].reach, offset: at, blocks: Int32(blocks.count), size: Int32(out.count)))
            spilledBlocks += blocks.count
            blocks = []
            bytes = []
        }

        /// The blocks and bytes of `segment`, read back; nil when they cannot be (the spill
        /// counts it).
        private func load(_ segment: Segment) -> (blocks: [Block], bytes: [UInt8])? {
            guard let spill, let data = spill.read(at: segment.offset, count: Int(segment.size)) else { return nil }
            let n = Int(segment.blocks)
            let blocks = data.withUnsafeBytes { raw in
                (0..<n).map { k in
                    let at = k * Self.headerSize
                    return Block(reach: Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self)),
                                 first: Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: Int64.self)),
                                 offset: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 16, as: UInt32.self)),
                                 line: Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 20, as: Int32.self)))
                }
            }
            return (blocks, Array(data[(n * Self.headerSize)...]))
        }

        @inline(__always) static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v &<< 1) ^ (v &>> 63)) }
        @inline(__always) static func unzigzag(_ u: UInt64) -> Int64 { Int64(bitPattern: u &>> 1) ^ (0 &- Int64(bitPattern: u & 1)) }

        @inline(__always) static func put(_ out: inout [UInt8], _ value: UInt64) {
            var v = value
            while v >= 0x80 {
                out.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            out.append(UInt8(v))
        }

        public func makeIterator() -> Iterator { Iterator(self) }

        /// Calls `body` with each entry in order, from the first block whose entries up to its
        /// end reach `time` (milliseconds, UTC) or later: every entry left out has `last < time`,
        /// some given may too. Stops when `body` returns false.
        @inline(__always)
        func forEach(reaching time: Int64, _ body: (Entry) -> Bool) {
            if !segments.isEmpty {
                var lo = 0, hi = segments.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if segments[mid].reach < time { lo = mid + 1 } else { hi = mid }
                }
                for segment in segments[lo...] {
                    guard let (blocks, bytes) = load(segment) else { continue }
                    guard Self.decode(blocks, bytes, reaching: time, body) else { return }
                }
            }
            guard Self.decode(blocks, bytes, reaching: time, body) else { return }
            for e in tail { guard body(e) else { return } }
        }

        /// Calls `body` with the entries of `blocks` (their bytes `bytes`) from the first block
        /// that reaches `time`; false when `body` stopped.
        @inline(__always)
        private static func decode(_ blocks: [Block], _ bytes: [UInt8], reaching time: Int64, _ body: (Entry) -> Bool) -> Bool {
            var lo = 0, hi = blocks.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if blocks[mid].reach < time { lo = mid + 1 } else { hi = mid }
            }
            guard lo < blocks.count else { return true }
            return bytes.withUnsafeBufferPointer { p -> Bool in
                for b in blocks[lo...] {
                    var d = Decoder(b)
                    for _ in 0..<Self.blockSize { guard body(d.next(p)) else { return false } }
                }
                return true
            }
        }

        /// Decodes the entries of one frozen block, in order.
        struct Decoder {
            var position: Int
            var first: Int64
            var line: Int32
            var file: Int32 = -1

            init(_ b: Block) { position = Int(b.offset); first = b.first; line = b.line }

            /// One LEB128 value (a one-byte value, the most common, takes the short way; shifts
            /// are masked: a well-formed value never shifts past 63).
            @inline(__always) mutating func varint(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
                var byte = p[position]
                position &+= 1
                if byte < 0x80 { return UInt64(byte) }
                var v = UInt64(byte & 0x7f), shift: UInt64 = 7
                while true {
                    byte = p[position]
                    position &+= 1
                    v |= UInt64(byte & 0x7f) &<< shift
                    if byte < 0x80 { return v }
                    shift &+= 7
                }
            }

            @inline(__always) mutating func next(_ p: UnsafeBufferPointer<UInt8>) -> Entry {
                let flags = p[position]
                position &+= 1
                first = first &+ Entries.unzigzag(varint(p))
                line = Int32(truncatingIfNeeded: Int64(line) &+ Entries.unzigzag(varint(p)))
                let last = flags & 1 != 0 ? first &+ Entries.unzigzag(varint(p)) : first
                let count = flags & 2 != 0 ? Int32(truncatingIfNeeded: Entries.unzigzag(varint(p))) : 1
                if flags & 4 != 0 { file = Int32(truncatingIfNeeded: Entries.unzigzag(varint(p))) }
                return Entry(first: first, last: last, count: count, file: file, line: line)
            }
        }

        /// Decodes the spilled segments (one loaded at a time), then the frozen blocks in
        /// memory, then yields the tail.
        public struct Iterator: IteratorProtocol {
            private let entries: Entries
            /// The next segment to load; `segments.count` once the blocks in memory are the ones read.
            private var segment = 0
            private var inMemory = false
            private var blocks: [Block]
            private var bytes: [UInt8]
            private var block = 0
            private var inBlock = 0
            private var tailIndex = 0
            private var decoder: Decoder?

            init(_ entries: Entries) {
                self.entries = entries
                blocks = []
                bytes = []
            }

            public mutating func next() -> Entry? {
                while block == blocks.count {
                    // The blocks read so far are done: the next segment, then those in memory.
                    block = 0
                    inBlock = 0
                    if segment < entries.segments.count {
                        (blocks, bytes) = entries.load(entries.segments[segment]) ?? ([], [])
                        segment += 1
                    } else if !inMemory {
                        inMemory = true
                        (blocks, bytes) = (entries.blocks, entries.bytes)
                    } else {
                        blocks = []
                        guard tailIndex < entries.tail.count else { return nil }
                        tailIndex += 1
                        return entries.tail[tailIndex - 1]
                    }
                }
                if inBlock == 0 { decoder = Decoder(blocks[block]) }
                let e = bytes.withUnsafeBufferPointer { decoder!.next($0) }
                inBlock += 1
                if inBlock == Entries.blockSize { inBlock = 0; block += 1 }
                return e
            }
        }
    }
}

extension Timeline {
    /// A timeline with its entries given as an array (in their order).
    public init(signature: String, severity: Severity, role: SignalRole, failureClass: String, controller: String,
                object: ObjectRef?, captures: [String: String], example: Example?, entries: [Entry], files: [String]) {
        self.init(signature: signature, severity: severity, role: role, failureClass: failureClass, controller: controller,
                  object: object, captures: captures, example: example, entries: Entries(entries), files: files)
    }
}
