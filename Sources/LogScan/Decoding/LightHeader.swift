/// What every record needs even when no signature can match it: its time and controller, for
/// stats, silence and identity (DESIGN.md "The hot path": every line gets a cheap header decode).
/// Reads a controller-runtime JSON record's bytes without building strings: `ts` near the start
/// (zap writes `level`, `ts` first, FLUX-LOGS.md 1.1), `controllerGroup` / `reconciler group`,
/// notification-controller's logger names, and whether it is `starting manager` of logger `setup`.
enum LightHeader {
    struct Result {
        var time: Timestamp?
        var controller: String?
        var startsLifetime = false
    }

    static func find(_ hay: UnsafeRawBufferPointer, _ needle: StaticString, from: Int = 0, limit: Int = Int.max) -> Int? {
        let n = needle.utf8CodeUnitCount
        let end = min(hay.count, limit)
        guard end - from >= n, from >= 0 else { return nil }
        let sub = UnsafeRawBufferPointer(rebasing: hay[from..<end])
        return needle.withUTF8Buffer { nb -> Int? in
            guard let base = sub.baseAddress else { return nil }
            let first = Int32(nb[0])
            var i = 0
            while i <= sub.count - n {
                guard let hit = memchr(base + i, first, sub.count - n - i + 1) else { return nil }
                let at = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + at, nb.baseAddress!, n) == 0 { return from + at + n }
                i = at + 1
            }
            return nil
        }
    }

    /// The bytes of the JSON string value starting at `i` (after the opening quote), up to the
    /// closing quote; nil when it holds an escape (the caller then does a full decode).
    static func value(_ b: UnsafeRawBufferPointer, at i: Int) -> UnsafeRawBufferPointer? {
        var j = i
        while j < b.count {
            if b[j] == UInt8(ascii: "\"") { return UnsafeRawBufferPointer(rebasing: b[i..<j]) }
            if b[j] == UInt8(ascii: "\\") { return nil }
            j += 1
        }
        return nil
    }

    static func read(_ json: UnsafeRawBufferPointer) -> Result {
        var r = Result()
        if let i = find(json, "\"ts\":\"", limit: 96), let v = value(json, at: i) { r.time = Timestamp.parse(v) }
        if let i = find(json, "\"controllerGroup\":\"") ?? find(json, "\"reconciler group\":\""), let v = value(json, at: i) {
            let group = String(decoding: v, as: UTF8.self)
            var kind: String?
            if group == "image.toolkit.fluxcd.io", let k = find(json, "\"controllerKind\":\""), let kv = value(json, at: k) {
                kind = String(decoding: kv, as: UTF8.self)
            }
            r.controller = FluxControllers.controller(group: group, kind: kind)
        } else if let i = find(json, "\"logger\":\"", limit: 160), let v = value(json, at: i) {
            if v.elementsEqual("event-server".utf8) || v.elementsEqual("receiver-server".utf8) {
                r.controller = "notification-controller"
            } else if v.elementsEqual("setup".utf8), find(json, "\"msg\":\"starting manager\"") != nil {
                r.startsLifetime = true
            }
        }
        return r
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
