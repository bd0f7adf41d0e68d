/// A controller-runtime JSON record read in place: byte ranges into the line instead of strings,
/// for the records that only feed healthy and lifecycle timelines (DESIGN.md "The hot path": only
/// candidate lines get full decoding). It reads exactly what `RecordDecoder.decodeJSONRecord`
/// reads and validates the object the same way, but only for the plain shape zap writes
/// (FLUX-LOGS.md 1.1): the object named by a `"<Kind>":{...}` member or by notification-
/// controller's involved object. `read` returns nil, and the caller decodes the record in full,
/// for anything else: an escape in a key or in a member it keeps, a kept member that is not a
/// string, an object or array value of a member the decoder reads as a string, an `error`
/// member, an `events`, `setup` or `controller.<kind>` logger, a level other than `info`/`debug`,
/// an object without a name (or an involved one without a kind), no object, or a message that
/// is empty or not ASCII. So whatever `read` accepts decodes to the same time, level, message,
/// object and controller as the full decoder gives (`RecordViewTests` holds both to it).
struct JSONRecordView {
    /// The `ts` member parsed (UTC), nil when absent or not a timestamp.
    var time: Timestamp?
    var level: Level = .unknown
    /// `msg`: offsets into the record's bytes (ASCII, no escapes, so the bytes are the message).
    var message: Range<Int>?
    /// `controllerGroup` / `reconciler group`.
    var group: Range<Int>?
    /// `controllerKind` / `reconciler kind` (the first of the two the decoder prefers).
    var controllerKind: Range<Int>?
    var reconcilerKind: Range<Int>?
    /// The object of the first `"<Kind>":{"name":...,"namespace":...}` member: its kind as the
    /// API spells it, and its name and namespace bytes (namespace nil when absent: empty).
    var kind: String?
    var name: Range<Int>?
    var namespace: Range<Int>?
    /// `logger` (zap's logger name), when it is one the decoder gives no meaning beyond
    /// identity: not `events` (whose `message` is the record's message), `setup` (start-up) or
    /// `controller.<kind>` (era 1's object).
    var logger: Range<Int>?
    /// notification-controller's `eventInvolvedObject` (or `object`): its `kind`, `name` and
    /// `namespace` bytes, the last of each member as `JSONScanner.objectRef(kind: nil)` reads them.
    var involved: (kind: Range<Int>, name: Range<Int>, namespace: Range<Int>?)?
    /// The `message` member (the event notification-controller's `dispatching event` forwards,
    /// `Signature.relays`): its bytes when it is one string without escapes; `messageReadable`
    /// is false when it is not (an escape, another JSON value, a second `message` member), and
    /// a relay must then be read from the fully decoded record.
    var relayedMessage: Range<Int>?
    var messageReadable = true

    /// Reads `json` (one object, no whitespace around it); nil when the record is not of the
    /// plain shape described above or is not well formed.
    static func read(_ json: UnsafeRawBufferPointer) -> JSONRecordView? {
        var s = JSONScanner(json)
        var v = JSONRecordView()
        let table = RecordKeyTable.shared
        guard json.count > 1, json[0] == UInt8(ascii: "{") else { return nil }
        s.i = 1
        s.skipSpace()
        if s.i < json.count, json[s.i] == UInt8(ascii: "}") { return nil }  // no message
        while true {
            s.skipSpace()
            guard s.i < json.count, json[s.i] == UInt8(ascii: "\""), let rawKey = s.plainKey() else { return nil }
            s.skipSpace()
            guard s.i < json.count, json[s.i] == UInt8(ascii: ":") else { return nil }
            s.i += 1
            s.skipSpace()
            guard s.i < json.count else { return nil }
            let k = table.index(of: rawKey)
            if k >= 0 {
                let tag = table.tag(at: k)
                if tag == .kind {
                    guard json[s.i] == UInt8(ascii: "{") else { return nil }
                    guard let o = s.kindObject(readsKind: false) else { return nil }
                    if v.kind == nil, case .kind(let spelled) = table.key(at: k) {
                        v.kind = spelled
                        v.name = o.name
                        v.namespace = o.namespace
                    }
                } else if tag == .involved {
                    guard json[s.i] == UInt8(ascii: "{"), let o = s.kindObject(readsKind: true), let kind = o.kind else { return nil }
                    v.involved = (kind, o.name, o.namespace)
                } else if tag == .message, json[s.i] == UInt8(ascii: "\""), v.relayedMessage == nil, v.messageReadable,
                          let raw = s.plainStringRange() {
                    v.relayedMessage = raw
                } else if tag == .name || tag == .namespace || tag == .field || tag == .message {
                    if tag == .message { v.messageReadable = false; v.relayedMessage = nil }
                    // Values a record read in place never needs (the object comes from a kind or
                    // involved object, the message is `msg`, never empty here, and the logger is
                    // not `events`): validated as the decoder reads them (`string()` or
                    // `skipValue`), not kept.
                    if json[s.i] == UInt8(ascii: "\"") {
                        guard s.skipStringChecked() else { return nil }
                    } else if json[s.i] == UInt8(ascii: "{") || json[s.i] == UInt8(ascii: "[") {
                        return nil
                    } else {
                        guard s.skipValue(depth: 1) else { return nil }
                    }
                } else {
                    let start = s.i + 1
                    guard let raw = s.plainString() else { return nil }
                    let range = start..<(start + raw.count)
                    switch tag {
                    case .level:
                        if JSONScanner.equals(raw, "info") { v.level = .info }
                        else if JSONScanner.equals(raw, "debug") { v.level = .debug }
                        else { return nil }
                    case .ts: v.time = Timestamp.parse(raw)
                    case .msg:
                        guard JSONRecordView.isASCII(raw) else { return nil }
                        v.message = range
                    case .controllerKind: v.controllerKind = range
                    case .controllerGroup: v.group = range
                    case .reconcilerKind: v.reconcilerKind = range
                    case .logger:
                        if JSONScanner.equals(raw, "events") || JSONScanner.equals(raw, "setup") { return nil }
                        if raw.starts(with: "controller.".utf8) || raw.contains(where: { $0 >= 0x80 }) { return nil }
                        v.logger = range
                    case .error, .involved, .kind, .name, .namespace, .field, .message: return nil
                    }
                }
            } else {
                guard s.skipValue(depth: 1) else { return nil }
            }
            s.skipSpace()
            guard s.i < json.count else { return nil }
            if json[s.i] == UInt8(ascii: ",") { s.i += 1; continue }
            if json[s.i] == UInt8(ascii: "}") { s.i += 1; break }
            return nil
        }
        guard s.i == json.count, v.message != nil, v.message!.count > 0 else { return nil }
        // The object as `JSONFields.finish` names it: the kind object, else the involved object
        // (a `controllerKind` with `name` and no kind object is left to the decoder).
        guard v.kind != nil || (v.involved != nil && v.controllerKind == nil && v.reconcilerKind == nil) else { return nil }
        return v
    }

    /// The controller the record's own members name, as `JSONFields.finish` finds it: the
    /// `controllerGroup`, else notification-controller's logger names, else (no involved object)
    /// the kind. Nil when they name none (the pod prefix or the stream then decides).
    func controller(_ json: UnsafeRawBufferPointer) -> String? {
        if let g = group {
            let bytes = UnsafeRawBufferPointer(rebasing: json[g])
            let kind = (controllerKind ?? reconcilerKind).map { UnsafeRawBufferPointer(rebasing: json[$0]) }
            if let c = FluxControllers.controller(group: bytes, kind: kind) { return c }
            if let c = FluxControllers.controller(group: String(decoding: bytes, as: UTF8.self), kind: identityKind(json)) {
                return c
            }
        }
        if notificationLogger(json) { return "notification-controller" }
        if involved == nil, let k = identityKind(json) { return FluxControllers.controller(kind: k) }
        return nil
    }

    /// The record's object as the decoder builds it (tests; the scanner interns it from the bytes).
    func object(_ json: UnsafeRawBufferPointer) -> ObjectRef {
        func text(_ r: Range<Int>) -> String { String(decoding: UnsafeRawBufferPointer(rebasing: json[r]), as: UTF8.self) }
        if let kind { return ObjectRef(kind: kind, namespace: namespace.map(text) ?? "", name: text(name!)) }
        return ObjectRef(kind: text(involved!.kind), namespace: involved!.namespace.map(text) ?? "", name: text(involved!.name))
    }

    /// Whether every byte of `b` is ASCII (below 0x80), eight bytes at a time.
    @inline(__always)
    static func isASCII(_ b: UnsafeRawBufferPointer) -> Bool {
        var i = 0, high: UInt64 = 0
        while i + 8 <= b.count {
            high |= b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < b.count { high |= UInt64(b[i]); i += 1 }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Whether `logger` is `event-server` or `receiver-server` (notification-controller's).
    func notificationLogger(_ json: UnsafeRawBufferPointer) -> Bool {
        guard let r = logger else { return false }
        let raw = UnsafeRawBufferPointer(rebasing: json[r])
        return JSONScanner.equals(raw, "event-server") || JSONScanner.equals(raw, "receiver-server")
    }

    /// The kind as the decoder names it for identity: `controllerKind`, else `reconciler kind`,
    /// else the kind object's.
    func identityKind(_ json: UnsafeRawBufferPointer) -> String? {
        if let r = controllerKind ?? reconcilerKind { return String(decoding: UnsafeRawBufferPointer(rebasing: json[r]), as: UTF8.self) }
        return kind
    }
}

extension JSONScanner {
    /// At a string's opening quote (`i`): the range of its bytes when it holds no escape, and `i`
    /// moves past its closing quote; nil when it holds one (or is not closed), and `i` stays.
    mutating func plainStringRange() -> Range<Int>? {
        let start = i + 1
        guard let raw = plainString() else { return nil }
        return start..<(start + raw.count)
    }

    /// Reads an object member at `i` as `objectRef(kind:into:)` does, for the plain shape: the
    /// members it reads strings without escapes, the others validated and skipped as it skips
    /// them. With `readsKind` (`objectRef(kind: nil)`) the first `kind` is read too; without it
    /// (a spelled kind) `kind` is skipped. The ranges of that `kind` and of the last `name` and
    /// `namespace`; nil when the object is not of that shape or has no `name`.
    mutating func kindObject(readsKind: Bool) -> (kind: Range<Int>?, name: Range<Int>, namespace: Range<Int>?)? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var kind: Range<Int>?, name: Range<Int>?, namespace: Range<Int>?
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { return nil }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let key = plainKey() else { return nil }
            var which = JSONScanner.equals(key, "name") ? 2 : JSONScanner.equals(key, "namespace") ? 3 : 0
            if which == 0, readsKind, kind == nil, JSONScanner.equals(key, "kind") { which = 1 }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            guard i < bytes.count else { return nil }
            if which != 0 {
                let start = i + 1
                guard let raw = plainString() else { return nil }
                let r = start..<(start + raw.count)
                switch which {
                case 1: kind = r
                case 2: name = r
                default: namespace = r
                }
            } else if bytes[i] == UInt8(ascii: "\"") {
                guard skipStringChecked() else { return nil }
            } else {
                guard skipValue(depth: 2) else { return nil }
            }
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            return nil
        }
        guard let name else { return nil }
        return (kind, name, namespace)
    }
}

