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
        self.entries = patterns.signatures.enumerated().map { Entry($1, index: $0) }
    }

    /// All signatures that match `record`, in pattern order.
    /// - Parameter only: the signature indices to try (sorted; from the prefilter), nil for all.
    public func match(_ record: Record, only: [Int]? = nil) -> [SignatureHit] {
        var hits: [SignatureHit] = []
        var subjects: [String?] = [nil, nil, nil, nil]
        var lowered: [[UInt8]?] = [nil, nil, nil, nil]
        for entry in only.map({ $0.map { entries[$0] } }) ?? entries {
            if !entry.controllers.isEmpty, let c = record.controller, !entry.controllers.contains(c) { continue }
            let slot: Int
            switch entry.field {
            case .text: slot = 0
            case .message: slot = 1
            case .error: slot = 2
            case .raw: slot = 3
            }
            if subjects[slot] == nil {
                switch entry.field {
                case .text: subjects[slot] = record.text
                case .message: subjects[slot] = record.message
                case .error: subjects[slot] = record.error
                case .raw: subjects[slot] = record.payload
                }
            }
            var subject = subjects[slot]!
            if subject.isEmpty { continue }
            if !entry.literal.isEmpty {
                let found: Bool
                if entry.caseless {
                    if lowered[slot] == nil {
                        lowered[slot] = subject.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
                    }
                    found = lowered[slot]!.withUnsafeBytes { hay in entry.literal.withUnsafeBytes { containsBytes(hay, $0) } }
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
