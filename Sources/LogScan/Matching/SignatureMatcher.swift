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

/// Runs every signature of a `PatternSet` over records: the signature's literal (memmem) first,
/// then its PCRE2 JIT regex on the field it names. Owns one PCRE2 `Matcher`: one per thread.
public final class SignatureMatcher {
    public let patterns: PatternSet
    private let matcher: Matcher
    /// Regexes that hit the match limit, by signature id (a warning, never fatal).
    public private(set) var limitHits: [String: Int] = [:]

    public init(patterns: PatternSet, matchLimit: UInt32 = 1_000_000) {
        self.patterns = patterns
        self.matcher = Matcher(matchLimit: matchLimit)
    }

    /// All signatures that match `record`, in pattern order.
    public func match(_ record: Record) -> [SignatureHit] {
        var hits: [SignatureHit] = []
        var text: String?, lowered: [String: [UInt8]] = [:]
        for (index, sig) in patterns.signatures.enumerated() {
            if !sig.controllers.isEmpty, let c = record.controller, !sig.controllers.contains(c) { continue }
            var subject: String
            switch sig.field {
            case .text: if text == nil { text = record.text }; subject = text!
            case .message: subject = record.message
            case .error: subject = record.error
            case .raw: subject = record.payload
            }
            if subject.isEmpty { continue }
            if !sig.literal.isEmpty {
                let key = sig.field.rawValue
                let found: Bool
                if sig.caseless {
                    if lowered[key] == nil { lowered[key] = Array(subject.utf8).map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 } }
                    found = lowered[key]!.withUnsafeBytes { contains($0, sig.literal) }
                } else {
                    found = subject.utf8.withContiguousStorageIfAvailable { contains(UnsafeRawBufferPointer($0), sig.literal) }
                        ?? Array(subject.utf8).withUnsafeBytes { contains($0, sig.literal) }
                }
                if !found { continue }
            }
            do {
                if let caps = try matcher.namedCaptures(sig.regex, in: subject) {
                    hits.append(SignatureHit(signature: index, captures: caps))
                }
            } catch {
                limitHits[sig.id, default: 0] += 1
            }
        }
        return hits
    }

    /// Substring test over byte buffers.
    @inline(__always)
    func contains(_ hay: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        needle.withUnsafeBytes { containsBytes(hay, $0) }
    }
}
