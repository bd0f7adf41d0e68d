import CPCRE2

/// A PCRE2 compile failure: the library's message and the pattern offset (in bytes, 0-based) at
/// which PCRE2 gave up. Source: `pcre2_compile(3)` and `pcre2_get_error_message(3)`.
public struct CompileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// PCRE2's error code (negative for compile errors, see `pcre2api(3)`).
    public let code: Int32
    /// PCRE2's own text for `code`, e.g. "missing closing parenthesis".
    public let message: String
    /// Byte offset into the pattern where the error was detected (0-based).
    public let offset: Int

    public var description: String { "\(message) at offset \(offset)" }
}

/// Options for compiling a pattern. All patterns are compiled with `PCRE2_UTF` off: log lines are
/// bytes and may hold invalid UTF-8, which PCRE2 in UTF mode would reject.
public struct CompileOptions: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `PCRE2_CASELESS`: case-insensitive matching (ASCII).
    public static let caseless = CompileOptions(rawValue: UInt32(PCRE2_CASELESS))
    /// `PCRE2_MULTILINE`: `^`/`$` match at embedded newlines.
    public static let multiline = CompileOptions(rawValue: UInt32(PCRE2_MULTILINE))
    /// `PCRE2_DOTALL`: `.` matches a newline too.
    public static let dotAll = CompileOptions(rawValue: UInt32(PCRE2_DOTALL))
}

/// A compiled PCRE2 pattern, JIT-compiled when the platform supports it.
///
/// The compiled code is immutable and may be shared between threads; matching needs a `Matcher`,
/// which owns the per-thread match data and JIT stack.
public final class Regex: @unchecked Sendable {
    let code: OpaquePointer
    /// The pattern as given.
    public let pattern: String
    /// Whether PCRE2's JIT compiler accepted the pattern (`pcre2_jit_compile` returned 0).
    public let isJIT: Bool
    /// Named capture groups: name → group number, from `PCRE2_INFO_NAMETABLE`.
    public let names: [(name: String, number: Int)]
    /// Number of capture groups (not counting group 0).
    public let captureCount: Int

    /// Compiles `pattern` and JIT-compiles it.
    /// - Throws: `CompileError` with PCRE2's message and the byte offset of the fault.
    public init(_ pattern: String, options: CompileOptions = []) throws {
        self.pattern = pattern
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let compiled: OpaquePointer? = pattern.utf8.withContiguousStorageIfAvailable { buf in
            pcre2_compile_8(buf.baseAddress, buf.count, options.rawValue, &errorCode, &errorOffset, nil)
        } ?? {
            var copy = Array(pattern.utf8)
            return pcre2_compile_8(&copy, copy.count, options.rawValue, &errorCode, &errorOffset, nil)
        }()
        guard let compiled else {
            throw CompileError(code: errorCode, message: Regex.errorMessage(errorCode), offset: Int(errorOffset))
        }
        code = compiled
        isJIT = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0

        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
        var nameCount: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>? = nil
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMECOUNT), &nameCount)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMETABLE), &table)
        var names: [(String, Int)] = []
        if let table, nameCount > 0 {
            for i in 0..<Int(nameCount) {
                let entry = table + i * Int(entrySize)
                let number = Int(entry[0]) << 8 | Int(entry[1])
                // The name is NUL-terminated and follows the two-byte group number.
                var len = 0
                while entry[2 + len] != 0 { len += 1 }
                let name = String(decoding: UnsafeBufferPointer(start: entry + 2, count: len), as: UTF8.self)
                names.append((name, number))
            }
        }
        self.names = names.sorted { $0.1 < $1.1 }
    }

    deinit { pcre2_code_free_8(code) }

    /// PCRE2's message for an error code (`pcre2_get_error_message`).
    public static func errorMessage(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pcre2_get_error_message_8(code, &buffer, buffer.count)
        if n < 0 { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(n)], as: UTF8.self)
    }
}

/// Why a match attempt ended without a result other than "no match".
public enum MatchError: Error, Equatable, Sendable {
    /// The match limit (or the JIT stack) was exhausted: the pattern backtracks too much on this
    /// input. `pcre2_match` returned `PCRE2_ERROR_MATCHLIMIT` or `PCRE2_ERROR_JIT_STACKLIMIT`.
    case limitExceeded(code: Int32)
    /// Any other negative `pcre2_match` result.
    case failed(code: Int32, message: String)
}

/// A capture's byte range within the subject (start inclusive, end exclusive), or nil if unset.
public typealias CaptureRange = Range<Int>?

/// Runs compiled patterns over byte buffers. Owns one match data block (sized for the widest
/// pattern it is used with, grown on demand), a match context with a match limit, and a bounded
/// JIT stack. Not thread-safe: use one per thread or task.
public final class Matcher {
    private var matchData: OpaquePointer
    private var pairs: UInt32
    private let context: OpaquePointer
    private let jitStack: OpaquePointer?

    /// - Parameters:
    ///   - matchLimit: `pcre2_set_match_limit`: how many internal match() calls one attempt may
    ///     make before failing with `limitExceeded` (default 1,000,000; PCRE2's default is 10,000,000).
    ///   - jitStackBytes: maximum JIT stack size in bytes (default 1 MiB; starts at 32 KiB).
    public init(matchLimit: UInt32 = 1_000_000, jitStackBytes: Int = 1 << 20) {
        pairs = 16
        matchData = pcre2_match_data_create_8(pairs, nil)
        context = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, 100_000)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, max(32 * 1024, jitStackBytes), nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    private func ensureCapacity(_ regex: Regex) {
        let needed = UInt32(regex.captureCount + 1)
        if needed > pairs {
            pcre2_match_data_free_8(matchData)
            pairs = needed
            matchData = pcre2_match_data_create_8(pairs, nil)
        }
    }

    /// Matches `regex` against `subject` (not copied) starting at byte `offset`.
    /// - Returns: nil when there is no match; otherwise the range of group 0 and of every group
    ///   1...captureCount (nil for groups that did not take part), as byte offsets into `subject`.
    /// - Throws: `MatchError.limitExceeded` when the match or JIT stack limit was hit.
    public func match(_ regex: Regex, in subject: UnsafeRawBufferPointer, from offset: Int = 0) throws -> [CaptureRange]? {
        ensureCapacity(regex)
        let base = subject.baseAddress?.assumingMemoryBound(to: UInt8.self)
        // PCRE2 accepts a NULL subject only with length 0; give it a valid empty buffer.
        var empty: UInt8 = 0
        let rc = pcre2_match_8(regex.code, base ?? withUnsafeMutablePointer(to: &empty) { UnsafePointer($0) },
                               subject.count, offset, 0, matchData, context)
        if rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL { return nil }
        if rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT
            || rc == PCRE2_ERROR_HEAPLIMIT {
            throw MatchError.limitExceeded(code: rc)
        }
        if rc < 0 { throw MatchError.failed(code: rc, message: Regex.errorMessage(rc)) }
        let ovector = pcre2_get_ovector_pointer_8(matchData)!
        let unset = cpcre2_unset()
        var result: [CaptureRange] = []
        result.reserveCapacity(regex.captureCount + 1)
        for i in 0...regex.captureCount {
            let s = ovector[2 * i], e = ovector[2 * i + 1]
            if i >= Int(rc) || s == unset || e == unset || e < s {
                result.append(nil)
            } else {
                result.append(Int(s)..<Int(e))
            }
        }
        return result
    }

    /// Whether `regex` matches `subject` (not copied), keeping the match in the match data for
    /// `lastCapture(_:)` until the next call: no allocation.
    /// - Throws: `MatchError.limitExceeded` when the match or JIT stack limit was hit,
    ///   `MatchError.failed` for any other PCRE2 error.
    public func found(_ regex: Regex, in subject: UnsafeRawBufferPointer) throws -> Bool {
        ensureCapacity(regex)
        var empty: UInt8 = 0
        let base = subject.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let rc = pcre2_match_8(regex.code, base ?? withUnsafeMutablePointer(to: &empty) { UnsafePointer($0) },
                               subject.count, 0, 0, matchData, context)
        if rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL { lastCount = 0; return false }
        if rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT
            || rc == PCRE2_ERROR_HEAPLIMIT {
            throw MatchError.limitExceeded(code: rc)
        }
        if rc < 0 { throw MatchError.failed(code: rc, message: Regex.errorMessage(rc)) }
        lastCount = Int(rc)
        return true
    }
    private var lastCount = 0

    /// The byte range of group `number` (0 is the whole match) in the subject of the last
    /// successful `found(_:in:)`; nil when the group did not take part.
    public func lastCapture(_ number: Int) -> Range<Int>? {
        guard number < lastCount else { return nil }
        let ovector = pcre2_get_ovector_pointer_8(matchData)!
        let s = ovector[2 * number], e = ovector[2 * number + 1]
        let unset = cpcre2_unset()
        if s == unset || e == unset || e < s { return nil }
        return Int(s)..<Int(e)
    }

    /// Convenience: matches a Swift string (its UTF-8 bytes).
    public func match(_ regex: Regex, in subject: String) throws -> [CaptureRange]? {
        var s = subject
        return try s.withUTF8 { try match(regex, in: UnsafeRawBufferPointer($0)) }
    }

    /// Whether `regex` matches anywhere in `subject`; limit errors count as no match.
    public func matches(_ regex: Regex, in subject: UnsafeRawBufferPointer) -> Bool {
        (try? match(regex, in: subject)) != nil
    }

    /// Named captures of a match in a string, as name → captured text (unset groups omitted).
    public func namedCaptures(_ regex: Regex, in subject: String) throws -> [String: String]? {
        var s = subject
        return try s.withUTF8 { buf -> [String: String]? in
            guard let ranges = try match(regex, in: UnsafeRawBufferPointer(buf)) else { return nil }
            var out: [String: String] = [:]
            for (name, number) in regex.names {
                if let r = ranges[number] {
                    out[name] = String(decoding: UnsafeBufferPointer(rebasing: buf[r]), as: UTF8.self)
                }
            }
            return out
        }
    }
}
