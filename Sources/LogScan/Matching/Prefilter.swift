#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CVectorscan

/// One Vectorscan scan per read chunk finds, for every line, which signatures' literals occur in
/// it (DESIGN.md "The hot path": search the buffer, not the line). Only those signatures are
/// then run through PCRE2, and a line with no literal at all skips full decoding.
///
/// Literals are taken from each signature's `literal`, cut to the longest run of characters that
/// every log encoding writes as they are (ASCII letters, digits, space and punctuation other than
/// `"` `\` `&` `<` `>` `'`): zap JSON escapes `"` and `\`, old `flux logs` HTML-escapes `"`, `'`,
/// `&`. So a literal found in a record's decoded text is also found in its raw line, whatever the
/// encoding, and the prefilter never drops a line a signature would match.
/// Signatures without a usable literal (shorter than 3 bytes) are `unfiltered`: tried on every record.
/// Extra literals (unknown-error mining, `ErrorRule.prefilterLiterals`) belong to no signature:
/// a line holding one is decoded in full (`lastLineHadExtra`) but tries no more signatures.
public final class Prefilter {
    private var database: OpaquePointer?
    private var scratch: OpaquePointer?
    /// For each Vectorscan pattern id, the signature indices that share its literal:
    /// `patternSignatures[patternStart[id]..<patternStart[id + 1]]` (flat, so that reading them
    /// per hit counts no reference).
    private var patternSignatures: [Int] = []
    private var patternStart: [Int] = [0]
    /// For each Vectorscan pattern id, whether it is one of the extra literals.
    private var extraPattern: [Bool] = []
    /// Whether the line last asked for (`signatures(inLine:)`) holds an extra literal.
    public private(set) var lastLineHadExtra = false
    /// Signatures with no usable literal: always candidates.
    public let unfiltered: [Int]
    /// The literal searched for each signature (empty for unfiltered ones), for diagnostics.
    public let searched: [String]

    /// Hits of the last scan: (end address in the scanned buffer, pattern id), ascending, in
    /// memory the scan callback appends to with no Swift object to retain per hit.
    struct Hits {
        var ends: UnsafeMutablePointer<UInt>
        var ids: UnsafeMutablePointer<UInt32>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            ends = .allocate(capacity: capacity)
            ids = .allocate(capacity: capacity)
        }

        mutating func append(_ end: UInt, _ id: UInt32) {
            if count == capacity {
                let bigger = capacity * 2
                let e = UnsafeMutablePointer<UInt>.allocate(capacity: bigger), d = UnsafeMutablePointer<UInt32>.allocate(capacity: bigger)
                e.moveInitialize(from: ends, count: count)
                d.moveInitialize(from: ids, count: count)
                ends.deallocate()
                ids.deallocate()
                ends = e
                ids = d
                capacity = bigger
            }
            ends[count] = end
            ids[count] = id
            count += 1
        }
    }
    private let hits: UnsafeMutablePointer<Hits> = {
        let p = UnsafeMutablePointer<Hits>.allocate(capacity: 1)
        p.initialize(to: Hits(capacity: 4096))
        return p
    }()

    /// Builds the database. Returns nil when Vectorscan refuses it (then the caller matches
    /// every signature on every record).
    /// - Parameter extraLiterals: literals searched caseless that belong to no signature (kept
    ///   as given, at least 3 bytes of characters no encoding escapes).
    public init?(patterns: PatternSet, extraLiterals: [String] = []) {
        var literals: [String: (caseless: Bool, signatures: [Int])] = [:]
        var unfiltered: [Int] = []
        var searched: [String] = []
        for (i, s) in patterns.signatures.enumerated() {
            let lit = Prefilter.safeLiteral(String(decoding: s.literal, as: UTF8.self))
            searched.append(lit)
            if lit.utf8.count < 3 { unfiltered.append(i); continue }
            let key = (s.caseless ? "i:" : "c:") + lit
            literals[key, default: (s.caseless, [])].signatures.append(i)
        }
        self.unfiltered = unfiltered
        self.searched = searched
        var extras: Set<String> = []
        for lit in extraLiterals where lit.utf8.count >= 3 && Prefilter.safeLiteral(lit) == lit {
            let key = "i:" + lit.lowercased()
            if literals[key] == nil { literals[key] = (true, []) }
            extras.insert(key)
        }
        let keys = literals.keys.sorted()
        guard !keys.isEmpty else { return nil }
        var cStrings: [UnsafeMutablePointer<CChar>?] = keys.map { strdup(String($0.dropFirst(2))) }
        defer { cStrings.forEach { free($0) } }
        var flags: [UInt32] = keys.map { literals[$0]!.caseless ? UInt32(HS_FLAG_CASELESS) : 0 }
        var ids: [UInt32] = keys.indices.map { UInt32($0) }
        var lengths: [Int] = keys.map { $0.utf8.count - 2 }
        for k in keys {
            patternSignatures += literals[k]!.signatures
            patternStart.append(patternSignatures.count)
        }
        extraPattern = keys.map { extras.contains($0) }
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let rc = cStrings.withUnsafeMutableBufferPointer { exprs in
            exprs.withMemoryRebound(to: UnsafePointer<CChar>?.self) { e in
                hs_compile_lit_multi(e.baseAddress, &flags, &ids, &lengths, UInt32(keys.count), UInt32(HS_MODE_BLOCK), nil,
                                     &database, &compileError)
            }
        }
        if rc != HS_SUCCESS {
            if let compileError { hs_free_compile_error(compileError) }
            return nil
        }
        guard hs_alloc_scratch(database, &scratch) == HS_SUCCESS else {
            hs_free_database(database)
            return nil
        }
    }

    deinit {
        hits.pointee.ends.deallocate()
        hits.pointee.ids.deallocate()
        hits.deinitialize(count: 1)
        hits.deallocate()
        copyHits.pointee.ends.deallocate()
        copyHits.pointee.ids.deallocate()
        copyHits.deinitialize(count: 1)
        copyHits.deallocate()
        if let scratch { hs_free_scratch(scratch) }
        if let database { hs_free_database(database) }
    }

    /// The longest run of `literal` made of characters that no encoding escapes.
    static func safeLiteral(_ literal: String) -> String {
        var best = "", run = ""
        for u in literal.unicodeScalars {
            let ok = u.value >= 0x20 && u.value < 0x7f && !"\"\\&<>'".unicodeScalars.contains(u)
            if ok { run.unicodeScalars.append(u) } else {
                if run.utf8.count > best.utf8.count { best = run }
                run = ""
            }
        }
        return run.utf8.count > best.utf8.count ? run : best
    }

    /// Scans `region`; hits are kept until the next scan (`signatures(inLine:)` reads them).
    func scan(_ region: UnsafeRawBufferPointer) {
        cursor = 0
        Self.scan(region, database: database, scratch: scratch, into: hits)
        regionStart = region.baseAddress.map { UInt(bitPattern: $0) } ?? 0
        regionEnd = regionStart + UInt(region.count)
    }
    private var cursor = 0
    private var regionStart: UInt = 0
    private var regionEnd: UInt = 0

    /// Scans `region` into `hits` (emptied first), their ends as addresses.
    private static func scan(_ region: UnsafeRawBufferPointer, database: OpaquePointer?, scratch: OpaquePointer?,
                             into hits: UnsafeMutablePointer<Hits>) {
        hits.pointee.count = 0
        guard let base = region.baseAddress, region.count > 0 else { return }
        _ = hs_scan(database, base.assumingMemoryBound(to: CChar.self), UInt32(region.count), 0, scratch, { id, _, to, _, ctx in
            ctx!.assumingMemoryBound(to: Hits.self).pointee.append(UInt(to), id)
            return 0
        }, UnsafeMutableRawPointer(hits))
        // Vectorscan reports in order of end offset; make the offsets addresses.
        let start = UInt(bitPattern: base)
        let h = hits.pointee
        for i in 0..<h.count { h.ends[i] += start }
    }

    /// Hits of `candidates(ofCopy:withUnfiltered:)`'s own scans.
    private let copyHits: UnsafeMutablePointer<Hits> = {
        let p = UnsafeMutablePointer<Hits>.allocate(capacity: 1)
        p.initialize(to: Hits(capacity: 64))
        return p
    }()

    /// Fills `lineCandidates` (and `lastLineHadExtra`) for a line that is not a slice of the
    /// scanned region (a copy of one: its colour codes removed, `TerminalEscapes`) with a scan
    /// of its own; the region's hits and the place reached in them stay as they were.
    func candidates(ofCopy line: UnsafeRawBufferPointer, withUnfiltered: Bool) {
        lastLineHadExtra = false
        lineCandidates.removeAll(keepingCapacity: true)
        Self.scan(line, database: database, scratch: scratch, into: copyHits)
        let h = copyHits.pointee
        for i in 0..<h.count {
            let id = Int(h.ids[i])
            for k in patternStart[id]..<patternStart[id + 1] { lineCandidates.append(patternSignatures[k]) }
            if extraPattern[id] { lastLineHadExtra = true }
        }
        if withUnfiltered { lineCandidates.append(contentsOf: unfiltered) }
        if lineCandidates.count > 1 { Prefilter.sortUnique(&lineCandidates) }
    }

    /// The signatures whose literal ends inside `line` (a slice of the last scanned region),
    /// sorted; lines must be asked for in order. Nil when `line` is not inside the last region.
    func signatures(inLine line: UnsafeRawBufferPointer) -> [Int]? {
        guard candidates(inLine: line, withUnfiltered: false) else { return nil }
        return lineCandidates
    }

    /// The candidates of the line last asked for (`candidates(inLine:withUnfiltered:)`), sorted:
    /// one array reused from line to line (a line's own array cost an allocation per line).
    private(set) var lineCandidates: [Int] = []

    /// Fills `lineCandidates` with the signatures whose literal ends inside `line` (a slice of
    /// the last scanned region; lines must be asked for in order), and the `unfiltered` ones
    /// when `withUnfiltered`. False when `line` is not inside the last region.
    func candidates(inLine line: UnsafeRawBufferPointer, withUnfiltered: Bool) -> Bool {
        lastLineHadExtra = false
        lineCandidates.removeAll(keepingCapacity: true)
        guard let base = line.baseAddress else { return true }
        let start = UInt(bitPattern: base), end = start + UInt(line.count)
        guard start >= regionStart, end <= regionEnd else { return false }
        let h = hits.pointee
        while cursor < h.count, h.ends[cursor] <= start { cursor += 1 }
        var i = cursor
        while i < h.count, h.ends[i] <= end {
            let id = Int(h.ids[i])
            for k in patternStart[id]..<patternStart[id + 1] { lineCandidates.append(patternSignatures[k]) }
            if extraPattern[id] { lastLineHadExtra = true }
            i += 1
        }
        cursor = i
        if withUnfiltered { lineCandidates.append(contentsOf: unfiltered) }
        if lineCandidates.count > 1 { Prefilter.sortUnique(&lineCandidates) }
        return true
    }

    /// Sorts `a` and removes repeated values, in place.
    static func sortUnique(_ a: inout [Int]) {
        a.sort()
        var n = 0
        for i in a.indices where n == 0 || a[i] != a[n - 1] {
            a[n] = a[i]
            n += 1
        }
        a.removeLast(a.count - n)
    }
}
