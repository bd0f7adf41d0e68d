/// A point in time: milliseconds since 1970-01-01T00:00:00Z (UTC). Log timestamps carry at most
/// nanoseconds; flux-logscan keeps milliseconds, the precision zap's ISO8601 encoder writes
/// (FLUX-LOGS.md 1.1) and CONTRACT.md's output uses.
/// Where a klog stamp's missing year comes from (CONTRACT.md: "klog lines carry no year: it comes
/// from neighbouring records, the file's time, else `--now`").
public struct KlogYear: Sendable {
    /// The time the stamp is placed against (UTC).
    public var reference: Timestamp
    /// True: `reference` bounds the stamp from above (the file's modification time, `--now`): the
    /// stamp takes the latest year that puts it no later than a day after it (a day of slack for
    /// clocks). False: `reference` is a neighbouring record's time: the year that puts the stamp
    /// nearest to it, so that `E1231 23:58` then `E0101 00:00` cross New Year forwards.
    public var isBound: Bool

    public init(reference: Timestamp, isBound: Bool) {
        self.reference = reference
        self.isBound = isBound
    }

    /// The stamp `month`/`day` `hour:minute:second.millis` in the year this reference gives; nil
    /// when the fields are out of range.
    public func time(month: Int, day: Int, hour: Int, minute: Int, second: Int, millis: Int) -> Timestamp? {
        let y = reference.year
        // Four years back, for February 29.
        let candidates = (y - 4...y + 1).compactMap {
            Timestamp.utc(year: $0, month: month, day: day, hour: hour, minute: minute, second: second, millis: millis)
        }.filter {
            // February 29 of a year without one rolls over to March 1: not this stamp.
            let c = Timestamp.civil(fromDays: Int(($0.millis >= 0 ? $0.millis : $0.millis - 86_399_999) / 86_400_000))
            return c.1 == month && c.2 == day
        }
        if isBound {
            let limit = reference.millis + 86_400_000
            return candidates.last { $0.millis <= limit } ?? candidates.first
        }
        return candidates.min { abs($0.millis - reference.millis) < abs($1.millis - reference.millis) }
    }
}

public struct Timestamp: Comparable, Hashable, Sendable, CustomStringConvertible, Codable {
    /// Milliseconds since the Unix epoch, UTC.
    public var millis: Int64
    public init(millis: Int64) { self.millis = millis }
    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millis < b.millis }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-01-02T03:04:05.678Z` (CONTRACT.md).
    public var description: String { rfc3339 }

    public var rfc3339: String {
        let c = civil
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(c.millis, 3))Z"
    }

    /// The UTC calendar fields (proleptic Gregorian), the inverse of `utc(year:month:day:...)`.
    public var civil: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millis: Int) {
        let ms = Int((millis % 1000 + 1000) % 1000)
        let secs = (millis - Int64(ms)) / 1000
        let days = Int((secs >= 0 ? secs : secs - 86399) / 86400)
        let sod = Int(secs - Int64(days) * 86400)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        return (y, m, d, sod / 3600, sod / 60 % 60, sod % 60, ms)
    }

    /// The UTC calendar year.
    public var year: Int {
        let days = Int((millis >= 0 ? millis : millis - 86_399_999) / 86_400_000)
        return Timestamp.civil(fromDays: days).0
    }

    /// Builds a UTC time from calendar fields; nil when they are out of range.
    public static func utc(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millis: Int) -> Timestamp? {
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61, millis < 1000 else { return nil }
        let d = Int64(days(year: year, month: month, day: day))
        return Timestamp(millis: (d * 86400 + Int64(hour * 3600 + minute * 60 + second)) * 1000 + Int64(millis))
    }

    /// `HH:MM:SS` of the UTC time of day.
    public var clock: String {
        let secs = Int((millis / 1000) % 86400 + 86400) % 86400
        return "\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))"
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Parses ISO 8601 / RFC 3339 date-times as logs write them: `2024-05-24T10:10:26.095Z`,
    /// `2021-02-26T12:03:19.710+0200` (zap ISO8601, no colon), `...+02:00`, kubelet's
    /// `2025-03-04T10:15:02.118734021Z` (nanoseconds, cut to milliseconds). A space may stand for
    /// `T`. Returns nil for anything else. Bytes after the zone are not allowed.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Timestamp? {
        parsePrefix(bytes).flatMap { $0.length == bytes.count ? $0.time : nil }
    }

    /// Parses a timestamp at the start of `bytes` and says how many bytes it took.
    public static func parsePrefix(_ bytes: UnsafeRawBufferPointer) -> (time: Timestamp, length: Int)? {
        let n = bytes.count
        guard n >= 19 else { return nil }
        func digit(_ i: Int) -> Int? {
            let c = bytes[i]
            return c >= 48 && c <= 57 ? Int(c - 48) : nil
        }
        func num(_ i: Int, _ len: Int) -> Int? {
            var v = 0
            for k in i..<(i + len) { guard let d = digit(k) else { return nil }; v = v * 10 + d }
            return v
        }
        guard let year = num(0, 4), bytes[4] == 45, let month = num(5, 2), bytes[7] == 45,
              let day = num(8, 2), bytes[10] == 84 || bytes[10] == 32 || bytes[10] == 116,
              let hour = num(11, 2), bytes[13] == 58, let minute = num(14, 2), bytes[16] == 58,
              let second = num(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var millis = 0
        if i < n, bytes[i] == 46 || bytes[i] == 44 {
            i += 1
            var digits = 0
            while i < n, let d = digit(i) {
                if digits < 3 { millis = millis * 10 + d }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            if digits == 1 { millis *= 100 } else if digits == 2 { millis *= 10 }
        }
        var offsetMinutes = 0
        guard i < n else { return nil }  // a zone is required: logs without one are ambiguous
        if bytes[i] == 90 || bytes[i] == 122 {
            i += 1
        } else if bytes[i] == 43 || bytes[i] == 45 {
            let sign = bytes[i] == 45 ? -1 : 1
            guard i + 3 <= n, let hh = num(i + 1, 2) else { return nil }
            i += 3
            var mm = 0
            if i < n, bytes[i] == 58 { i += 1 }
            if i + 2 <= n, let m = num(i, 2) { mm = m; i += 2 }
            offsetMinutes = sign * (hh * 60 + mm)
        } else {
            return nil
        }
        let days = Int64(Timestamp.days(year: year, month: month, day: day))
        let secs = days * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return (Timestamp(millis: secs * 1000 + Int64(millis)), i)
    }

    /// Parses a string (see `parse(_:)` for the accepted forms).
    public static func parse(_ text: String) -> Timestamp? {
        var s = text
        return s.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}

@inline(__always)
func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// Go duration strings (`3m35.317406763s`, `10m0s`, `1h2m`, `500ms`) in seconds.
/// Source: Go `time.Duration.String` / `time.ParseDuration`. Returns nil if not a duration.
public func parseGoDuration(_ text: String) -> Double? {
    if let d = parseASCIIGoDuration(text) { return d }
    var total = 0.0
    var rest = Substring(text)
    guard !rest.isEmpty else { return nil }
    if rest == "0" { return 0 }
    while !rest.isEmpty {
        let numEnd = rest.firstIndex { !($0.isNumber || $0 == ".") } ?? rest.endIndex
        guard numEnd != rest.startIndex, let value = Double(rest[rest.startIndex..<numEnd]) else { return nil }
        rest = rest[numEnd...]
        let unitEnd = rest.firstIndex { $0.isNumber || $0 == "." } ?? rest.endIndex
        let unit = rest[rest.startIndex..<unitEnd]
        rest = rest[unitEnd...]
        switch unit {
        case "h": total += value * 3600
        case "m": total += value * 60
        case "s": total += value
        case "ms": total += value / 1000
        case "us", "µs", "μs": total += value / 1_000_000
        case "ns": total += value / 1_000_000_000
        default: return nil
        }
    }
    return total
}

/// Formats seconds the way a person reads a span: `3m35s`, `1h2m`, `45s`, `0.4s`.
public func formatSpan(seconds: Double) -> String {
    if seconds < 10 && seconds != seconds.rounded() {
        return String(Double(Int(seconds * 10)) / 10) + "s"
    }
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s)s" }
    if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m\(s % 60)s" }
    let m = (s % 3600) / 60
    return m == 0 ? "\(s / 3600)h" : "\(s / 3600)h\(m)m"
}

/// `parseGoDuration` for ASCII text, by bytes (no `Character` walk): the same numbers and units,
/// the same nil (as `.some(nil)`). Returns nil when `text` holds a non-ASCII byte, which the
/// general path reads (`µs`, other digits).
func parseASCIIGoDuration(_ text: String) -> Double?? {
    let u = text.utf8
    guard u.allSatisfy({ $0 < 0x80 }) else { return nil }
    @inline(__always) func numeric(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || c == 46 }
    guard !u.isEmpty else { return .some(nil) }
    if text == "0" { return .some(0) }
    var total = 0.0
    var i = u.startIndex
    while i != u.endIndex {
        var j = i
        while j != u.endIndex, numeric(u[j]) { u.formIndex(after: &j) }
        guard j != i, let value = Double(text[i..<j]) else { return .some(nil) }
        i = j
        while j != u.endIndex, !numeric(u[j]) { u.formIndex(after: &j) }
        let unit = text.utf8[i..<j]
        i = j
        if unit.elementsEqual("h".utf8) { total += value * 3600 }
        else if unit.elementsEqual("m".utf8) { total += value * 60 }
        else if unit.elementsEqual("s".utf8) { total += value }
        else if unit.elementsEqual("ms".utf8) { total += value / 1000 }
        else if unit.elementsEqual("us".utf8) { total += value / 1_000_000 }
        else if unit.elementsEqual("ns".utf8) { total += value / 1_000_000_000 }
        else { return .some(nil) }
    }
    return .some(total)
}
