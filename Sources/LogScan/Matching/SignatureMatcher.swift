#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PCRE2

/// A signature that hit one record, with its named captures.
public struct SignatureHit: Sendable {
    public var signature: Int
    public var captures: [String: String]
}

/// Runs every signature of a `PatternSet` over records: the signature's literal first (a byte
/// search, lowercase for caseless signatures), then its PCRE2 JIT regex on the field it names.
/// Owns one PCRE2 `Matcher`: use one per thread.
public final class SignatureMatcher {
    public let patterns: PatternSet
    private let matcher: Matcher
    /// What the hot loop needs of a signature, in one reference (copying `Signature` per record
    /// cost a dozen retains).
    final class Entry {
        let index: Int
        let id: String
        let field: MatchField
        let caseless: Bool
        let literal: [UInt8]
        let regex: Regex
        let controllers: Set<String>
        init(_ s: Signature, index: Int) {
            self.index = index
            id = s.id
            field = s.field
            caseless = s.caseless
            literal = s.literal
            regex = s.regex
            controllers = Set(s.controllers)
        }
    }
    private let entries: [Entry]
    /// Regexes that hit the match limit, by signature id (a warning, never fatal).
    public private(set) var limitHits: [String: Int] = [:]

    /// Forgets the match-limit counts (a worker starting on its next input).
    public func resetLimitHits() { limitHits = [:] }

    public init(patterns: PatternSet, matchLimit: UInt32 = 1_000_000) {
        self.patterns = patterns
        self.matcher = Matcher(matchLimit: matchLimit)
        let entries = patterns.signatures.enumerated().map { Entry($1, index: $0) }
        self.entries = entries
        var bits: [String: UInt64] = [:]
        for e in entries { for c in e.controllers.sorted() where bits[c] == nil { bits[c] = 1 << UInt64(bits.count % 64) } }
        controllerBits = bits
        controllerMasks = bits.count <= 64 ? entries.map { $0.controllers.reduce(0) { $0 | bits[$1]! } } : nil
    }

    /// Controller names of every signature's `controllers`, as bits (at most 64 names; more
    /// fall back to `Entry.controllers`). `controllerMasks[i]` is signature i's set.
    private let controllerBits: [String: UInt64]
    private let controllerMasks: [UInt64]?
    /// The controller last asked about and its bit (records come in runs of one controller).
    private var lastController: String?
    private var lastControllerBit: UInt64 = 0
    /// Lowercased subjects for caseless literals, one per field slot, reused between records.
    private var lowered: [[UInt8]] = [[], [], [], []]

    /// Whether `entry` (a signature with `controllers`) may hit a record of `controller`: by the
    /// controller's bit in `masks` when there are at most 64 names (`bit` caches it for one
    /// record; `lastController` across records), else by the set.
    @inline(__always)
    private func allows(_ entry: Entry, _ controller: String, masks: [UInt64]?, bit: inout UInt64?) -> Bool {
        guard let masks else { return entry.controllers.contains(controller) }
        if bit == nil {
            if lastController != controller {
                lastController = controller
                lastControllerBit = controllerBits[controller] ?? 0
            }
            bit = lastControllerBit
        }
        return masks[entry.index] & bit! != 0
    }

    /// `match(_:only:)` for a record read in place (`JSONRecordView`) whose text is its message:
    /// the same controller test, literal test and regex, on `message`'s bytes (ASCII, so they
    /// are the text a decoded record holds). Appends the indices of the signatures that hit to
    /// `hits` (emptied first), calling `onHit` right after each match (when `lastCapture(named:of:in:)`
    /// reads it). False when the record must be matched the full way: a candidate reads the
    /// error or the raw payload, or a regex hit PCRE2's limits (the full match counts it).
    func quickMatch(_ message: UnsafeRawBufferPointer, controller: String, only: [Int], hits: inout [Int],
                    onHit: (Int) -> Void) -> Bool {
        hits.removeAll(keepingCapacity: true)
        var loweredDone = false
        let masks = controllerMasks
        var controllerBit: UInt64?
        for index in only {
            let entry = entries[index]
            if !entry.controllers.isEmpty, !allows(entry, controller, masks: masks, bit: &controllerBit) { continue }
            switch entry.field {
            case .text, .message: break
            case .error: continue  // a record read in place has no error
            case .raw: return false
            }
            if !entry.literal.isEmpty {
                let found: Bool
                if entry.caseless {
                    if !loweredDone {
                        loweredDone = true
                        lowered[1].removeAll(keepingCapacity: true)
                        lowered[1].append(contentsOf: message)
                        lowered[1].withUnsafeMutableBufferPointer { b in
                            for i in b.indices where b[i] >= 65 && b[i] <= 90 { b[i] += 32 }
                        }
                    }
                    found = lowered[1].withUnsafeBytes { hay in entry.literal.withUnsafeBytes { containsBytes(hay, $0) } }
                } else {
                    found = entry.literal.withUnsafeBytes { containsBytes(message, $0) }
                }
                if !found { continue }
            }
            do {
                guard try matcher.found(entry.regex, in: message) else { continue }
            } catch {
                return false
            }
            hits.append(index)
            onHit(index)
        }
        return true
    }

    /// The text of named group `name` of signature `index` in the last match `quickMatch` made
    /// (call it from `onHit`); nil when the group did not take part or the regex has no such name.
    func lastCapture(named name: String, of index: Int, in message: UnsafeRawBufferPointer) -> String? {
        // As `match` builds them: of the groups with this name, the last that took part wins.
        var found: Range<Int>?
        for (n, number) in entries[index].regex.names where n == name {
            if let r = matcher.lastCapture(number) { found = r }
        }
        return found.map { String(decoding: UnsafeRawBufferPointer(rebasing: message[$0]), as: UTF8.self) }
    }

    /// The named captures of signature `index` matched again on `message` (a hit `quickMatch`
    /// reported), as `match` gives them; empty if it no longer matches (it cannot: same bytes).
    func captures(of index: Int, in message: UnsafeRawBufferPointer) -> [String: String] {
        guard (try? matcher.found(entries[index].regex, in: message)) == true else { return [:] }
        return lastCaptures(of: index, in: message)
    }

    /// All named captures of signature `index` in the last match `quickMatch` made (call it from
    /// `onHit`), as `match` gives them.
    func lastCaptures(of index: Int, in message: UnsafeRawBufferPointer) -> [String: String] {
        var out: [String: String] = [:]
        for (name, number) in entries[index].regex.names {
            if let r = matcher.lastCapture(number) {
                out[name] = String(decoding: UnsafeRawBufferPointer(rebasing: message[r]), as: UTF8.self)
            }
        }
        return out
    }

    /// All signatures that match `record`, in pattern order.
    /// - Parameter only: the signature indices to try (sorted; from the prefilter), nil for all.
    public func match(_ record: Record, only: [Int]? = nil) -> [SignatureHit] {
        var hits: [SignatureHit] = []
        var subjects: (String?, String?, String?, String?) = (nil, nil, nil, nil)
        var loweredSlots: UInt8 = 0
        var controllerBit: UInt64?
        let masks = controllerMasks
        let count = only?.count ?? entries.count
        for k in 0..<count {
            let index = only?[k] ?? k
            let entry = entries[index]
            if !entry.controllers.isEmpty, let c = record.controller, !allows(entry, c, masks: masks, bit: &controllerBit) { continue }
            let slot: Int
            switch entry.field {
            case .text: slot = 0
            case .message: slot = 1
            case .error: slot = 2
            case .raw: slot = 3
            }
            var subject: String
            switch slot {
            case 0: if subjects.0 == nil { subjects.0 = record.text }; subject = subjects.0!
            case 1: if subjects.1 == nil { subjects.1 = record.message }; subject = subjects.1!
            case 2: if subjects.2 == nil { subjects.2 = record.error }; subject = subjects.2!
            default: if subjects.3 == nil { subjects.3 = record.raw }; subject = subjects.3!  // JSON for console records
            }
            if subject.isEmpty { continue }
            if !entry.literal.isEmpty {
                let found: Bool
                if entry.caseless {
                    if loweredSlots & (1 << slot) == 0 {
                        loweredSlots |= 1 << slot
                        lowered[slot].removeAll(keepingCapacity: true)
                        lowered[slot].append(contentsOf: subject.utf8)
                        lowered[slot].withUnsafeMutableBufferPointer { b in
                            for i in b.indices where b[i] >= 65 && b[i] <= 90 { b[i] += 32 }
                        }
                    }
                    found = lowered[slot].withUnsafeBytes { hay in entry.literal.withUnsafeBytes { containsBytes(hay, $0) } }
                } else {
                    found = subject.withUTF8 { hay in entry.literal.withUnsafeBytes { containsBytes(UnsafeRawBufferPointer(hay), $0) } }
                }
                if !found { continue }
            }
            do {
                if let caps = try matcher.namedCaptures(entry.regex, in: subject) {
                    hits.append(SignatureHit(signature: entry.index, captures: caps))
                }
            } catch {
                limitHits[entry.id, default: 0] += 1
            }
        }
        return hits
    }
}
