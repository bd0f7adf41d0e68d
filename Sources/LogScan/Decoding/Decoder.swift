/// Decodes one line into a `Record`: envelope, then the record encoding. Never fails: what it
/// cannot read becomes a plain (or malformed) record.
public enum RecordDecoder {
    /// Decodes a whole line: peels its envelope (`Envelope.peel`), then the payload.
    /// - Parameters:
    ///   - line: the line without its newline, valid for the call.
    ///   - location: file and line number, kept on the record.
    ///   - yearHint: the year for klog's year-less timestamps (from neighbours, the file's time,
    ///     else `--now`); an envelope's own time wins; 0 and no envelope time means 1970.
    ///   - klogYear: where that year comes from, when the caller knows (`KlogYear`: a neighbour's
    ///     time, or the file's time or `--now` as a bound); it wins over `yearHint`, an envelope's
    ///     time over both (the nearest year to it).
    public static func decode(_ line: UnsafeRawBufferPointer, location: SourceLocation, truncated: Bool = false,
                              yearHint: Int = 0, klogYear: KlogYear? = nil) -> Record {
        let env = Envelope.peel(line)
        if let owned = env.ownedPayload {
            return owned.withUnsafeBytes {
                decodePayload($0, envelope: env, location: location, truncated: truncated, yearHint: yearHint, klogYear: klogYear)
            }
        }
        return decodePayload(UnsafeRawBufferPointer(rebasing: line[env.payloadOffset...]), envelope: env,
                             location: location, truncated: truncated, yearHint: yearHint, klogYear: klogYear)
    }

    /// Decodes a payload whose envelope was already peeled (and whose fragments were re-joined).
    /// Encodings, tried in order (FLUX-LOGS.md 6.2): controller-runtime JSON (`{`), zap console
    /// (`<ts>\t<LEVEL>\t`), `flux logs` output (`<level> Kind/name.ns - msg`, after the envelope
    /// took its timestamp), klog text, logfmt; anything else is plain text.
    public static func decodePayload(_ payload: UnsafeRawBufferPointer, envelope env: Envelope, location: SourceLocation,
                                     truncated: Bool = false, yearHint: Int = 0, klogYear: KlogYear? = nil) -> Record {
        var record = Record(location: location)
        record.truncated = truncated
        record.pod = env.pod
        record.payload = String(decoding: payload, as: UTF8.self)
        if let pod = env.pod { record.controller = FluxControllers.controller(inName: pod) }

        var start = 0
        while start < payload.count, payload[start] == 32 || payload[start] == 9 { start += 1 }
        let body = UnsafeRawBufferPointer(rebasing: payload[start...])
        if start < payload.count, payload[start] == UInt8(ascii: "{") {
            if decodeJSONRecord(body, into: &record, cut: truncated) {
                record.format = .json
            } else {
                record.format = .malformed
                // Read as text, with its strings' escapes decoded (`Get \"http://...\"` as
                // `Get "http://..."`): a torn record still holds its error in JSON's spelling, which
                // the signatures, written for decoded text, did not match (a trial).
                record.message = RecordDecoder.unescapedJSON(record.payload)
            }
        } else if TextEncodings.console(body, into: &record) {
            record.format = .console
        } else if env.time != nil, TextEncodings.fluxLogs(body, into: &record) {
            record.format = .fluxLogs
            record.time = env.time  // the timestamp the envelope peeled was the record's own
        } else if TextEncodings.klog(body, into: &record, year: yearHint != 0 ? yearHint : 1970,
                                     placed: env.time.map { KlogYear(reference: $0, isBound: false) } ?? klogYear) {
            record.format = .klog
            // The year from the envelope's time or a neighbour's is known; from a bound or the hint, guessed.
            record.yearGuessed = env.time == nil && (klogYear?.isBound ?? true)
        } else if TextEncodings.logfmt(body, into: &record) {
            record.format = .logfmt
        } else {
            record.format = .plain
            record.message = record.payload
        }
        if record.time == nil, let t = env.time {
            record.time = t
            record.timeFromEnvelope = true
        }
        return record
    }

    /// `text` with JSON string escapes decoded (RFC 8259 section 7: `\"`, `\\`, `\/`, `\b`, `\f`,
    /// `\n`, `\r`, `\t`, `\uXXXX` with surrogate pairs); an escape that is not one of them, or is
    /// cut, stays as written. For records that looked like JSON and did not parse.
    static func unescapedJSON(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "\\")) else { return text }
        var out = String.UnicodeScalarView()
        var it = Array(text.unicodeScalars)[...]
        func hex4(_ s: ArraySlice<Unicode.Scalar>) -> UInt32? {
            guard s.count >= 4 else { return nil }
            return UInt32(String(String.UnicodeScalarView(s.prefix(4))), radix: 16)
        }
        while let c = it.first {
            it = it.dropFirst()
            guard c == "\\", let e = it.first else { out.append(c); continue }
            switch e {
            case "\"", "\\", "/": out.append(e); it = it.dropFirst()
            case "n": out.append("\n"); it = it.dropFirst()
            case "t": out.append("\t"); it = it.dropFirst()
            case "r": out.append("\r"); it = it.dropFirst()
            case "b": out.append("\u{08}"); it = it.dropFirst()
            case "f": out.append("\u{0C}"); it = it.dropFirst()
            case "u":
                guard var v = hex4(it.dropFirst()) else { out.append(c); continue }
                var used = 5
                if (0xD800..<0xDC00).contains(v), it.count >= 11, Array(it.dropFirst(5).prefix(2)) == ["\\", "u"],
                   let low = hex4(it.dropFirst(7)), (0xDC00..<0xE000).contains(low) {
                    v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    used = 11
                }
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                it = it.dropFirst(used)
            default: out.append(c)
            }
        }
        return String(out)
    }

    /// The JSON members `decodeJSON` reads; the rest of a record is skipped unbuilt.
    static let wantedKeys: Set<String> = [
        "level", "ts", "msg", "message", "error", "logger", "controllerKind", "controllerGroup",
        "reconciler group", "reconciler kind", "name", "namespace", "url", "revision", "reason", "method",
        "controller", "source", "type", "eventInvolvedObject", "object",
    ]
    /// Object keys of every era: `Kustomization`, `kustomization`, `gitRepository` (FLUX-LOGS.md 1.2).
    static let kindKeys: Set<String> = Set(FluxControllers.kindSpelling.flatMap { lower, spelled in
        [lower, spelled, spelled.prefix(1).lowercased() + spelled.dropFirst()]
    })
    @Sendable static func wanted(_ key: String) -> Bool {
        wantedKeys.contains(key) || kindKeys.contains(key)
    }

    /// A member key `decodeJSON` reads, with what it means.
    enum MemberKey {
        case level, ts, msg, message, error, logger, controllerKind, controllerGroup, reconcilerKind, name, namespace
        /// `url`, `revision`, `reason`, `method`, `controller`, `source`, `type`: kept in `fields`.
        case field(String)
        /// `eventInvolvedObject` or `object`: an involved object `{kind,name,namespace}`.
        case involved
        /// Some spelling of a Flux kind (`Kustomization`, `kustomization`, `helmRelease`): the
        /// object the record is about; the payload is the API spelling.
        case kind(String)

        /// Whether an object value of this key is an object reference (`objectRef(_:kind:)`).
        var readsObjectRef: Bool {
            switch self {
            case .involved, .kind: return true
            default: return false
            }
        }
        /// The kind an object reference of this key is read with (nil: its own `kind` member).
        var spelledKind: String? {
            if case .kind(let spelled) = self { return spelled }
            return nil
        }

        /// The meaning of any key; nil for keys `decodeJSON` ignores.
        init?(_ key: String) {
            switch key {
            case "level": self = .level
            case "ts": self = .ts
            case "msg": self = .msg
            case "message": self = .message
            case "error": self = .error
            case "logger": self = .logger
            case "controllerKind": self = .controllerKind
            case "controllerGroup", "reconciler group": self = .controllerGroup
            case "reconciler kind": self = .reconcilerKind
            case "name": self = .name
            case "namespace": self = .namespace
            case "url", "revision", "reason", "method", "controller", "source", "type": self = .field(key)
            case "eventInvolvedObject", "object": self = .involved
            default:
                // `"Kustomization":{"name","namespace"}` (>= controller-runtime v0.13) or the
                // lowerCamel `"kustomization":{...}` of v0.12 (FLUX-LOGS.md 1.2).
                guard let spelled = FluxControllers.kindSpelling[key.lowercased()] else { return nil }
                self = .kind(spelled)
            }
        }
    }

    /// What `decodeJSON` gathers from members before it can name the object and controller.
    struct JSONFields {
        var controllerKind: String?
        var controllerGroup: String?
        var reconcilerKind: String?
        var name: String?
        var namespace: String?
        var kindObject: ObjectRef?
        var involved: ObjectRef?
        var eventMessage: String?

        /// Reads one member, in record order (a later member of the same key wins, as in the
        /// record's JSON; the first kind object wins).
        @inline(__always)
        mutating func take(_ key: MemberKey, _ value: JSONScanner.Value, into r: inout Record) {
            switch key {
            case .level: if let s = value.string { r.level = Level(spelling: s) }
            case .ts:
                if case .string(let s) = value {
                    r.time = Timestamp.parse(s)
                } else if case .other(let s) = value, let secs = Double(s) {
                    // Epoch seconds as a float (controller-runtime's default outside Flux, FLUX-LOGS.md 1.1).
                    r.time = Timestamp(millis: Int64((secs * 1000).rounded()))
                }
            case .msg: r.message = value.string ?? ""
            case .message: eventMessage = value.string
            case .error: r.error = value.string ?? ""
            case .logger: r.logger = value.string ?? ""
            case .controllerKind: controllerKind = value.string
            case .controllerGroup: controllerGroup = value.string
            case .reconcilerKind: reconcilerKind = value.string
            case .name: name = value.string
            case .namespace: namespace = value.string
            case .field(let key):
                if let s = value.string {
                    if r.fields.isEmpty { r.fields = [String: String](minimumCapacity: 4) }  // one allocation, no growth
                    r.fields[key] = s
                }
            case .involved: if case .object(let inner) = value { involved = RecordDecoder.objectRef(inner, kind: nil) }
            case .kind(let spelled):
                if case .object(let inner) = value, kindObject == nil { kindObject = RecordDecoder.objectRef(inner, kind: spelled) }
            }
        }

        /// Reads a string member from its bytes (no escapes in them) when that needs no `String`:
        /// `ts` (parsed from the bytes; a byte the string would repair fails the parse either way),
        /// `level` as zap writes it, `name`/`namespace` once a kind object named the object (then
        /// they are never read). False: the caller decodes the string and calls `take`.
        @inline(__always)
        mutating func take(_ key: MemberKey, plain raw: UnsafeRawBufferPointer, into r: inout Record) -> Bool {
            switch key {
            case .ts:
                r.time = Timestamp.parse(raw)
                return true
            case .level:
                if JSONScanner.equals(raw, "info") { r.level = .info; return true }
                if JSONScanner.equals(raw, "error") { r.level = .error; return true }
                if JSONScanner.equals(raw, "debug") { r.level = .debug; return true }
                return false
            case .name, .namespace:
                return kindObject != nil
            default:
                return false
            }
        }

        /// Reads an object-valued `eventInvolvedObject`/`object` or kind member, already turned
        /// into its object reference (as `take` would from its members).
        mutating func take(_ key: MemberKey, objectRef ref: ObjectRef?) {
            switch key {
            case .involved: involved = ref
            case .kind: if kindObject == nil { kindObject = ref }
            default: break
            }
        }

        /// Names the object and the controller once every member was read.
        func finish(into r: inout Record) {
            if r.message.isEmpty, let m = eventMessage { r.message = m }
            if r.logger == "events", let m = eventMessage { r.message = m }  // recorder lines: msg is the event message too
            // notification-controller's `dispatching event` (logger `event-server`) carries the
            // event it relays in `message` (internal/server/event_handlers.go): kept for
            // `Signature.relays`.
            else if !r.message.isEmpty, let m = eventMessage, r.message != m { r.fields["message"] = m }

            let kind = controllerKind ?? reconcilerKind ?? kindObject?.kind
            if let ko = kindObject {
                r.object = ko
            } else if let kind, let name {
                r.object = ObjectRef(kind: FluxControllers.spell(kind: kind), namespace: namespace ?? "", name: name)
            } else if r.logger.hasPrefix("controller."), let name {
                // Era 1: "logger":"controller.kustomization" with name/namespace.
                let k = String(r.logger.dropFirst("controller.".count))
                r.object = ObjectRef(kind: FluxControllers.spell(kind: k), namespace: namespace ?? "", name: name)
            }
            if r.object == nil, let involved { r.object = involved }

            // Identity, in order of trust: JSON fields, then the pod prefix (already set), then the
            // stream (file name), filled in later by the pipeline.
            var fromJSON: String?
            if let g = controllerGroup { fromJSON = FluxControllers.controller(group: g, kind: kind) }
            if fromJSON == nil, r.logger == "event-server" || r.logger == "receiver-server" {
                fromJSON = "notification-controller"
            }
            if fromJSON == nil, involved == nil || r.logger == "events", let k = kind ?? r.object?.kind {
                fromJSON = FluxControllers.controller(kind: k)
            }
            if let c = fromJSON { r.controller = c }
        }
    }

    /// Fills a record from controller-runtime zap JSON members (FLUX-LOGS.md 1.1, 1.2).
    static func decodeJSON(_ members: [(String, JSONScanner.Value)], into r: inout Record) {
        var fields = JSONFields()
        for (key, value) in members {
            if let k = MemberKey(key) { fields.take(k, value, into: &r) }
        }
        fields.finish(into: &r)
    }

    /// Parses a whole payload (one JSON object, whitespace around it allowed) and fills `r` as
    /// `decodeJSON` does from `JSONScanner.parseObject(_, keep: wanted)`: the same members read,
    /// the same validation, but keys are told apart by their bytes (`RecordKeyTable`) and the
    /// members nothing reads are skipped without building a string or a member list.
    /// Returns false (leaving `level`, `time`, `message`, `error`, `logger` and `fields` as a new
    /// record has them) when the bytes are not exactly one JSON object.
    /// - Parameter cut: the line was cut at the line cap, so the object has no end: the members
    ///   read before the cut are kept (a string member cut inside keeps the part before the cut)
    ///   and the record is read as JSON; a line that does not start as an object still fails.
    static func decodeJSONRecord(_ bytes: UnsafeRawBufferPointer, into r: inout Record, cut: Bool = false) -> Bool {
        var s = JSONScanner(bytes)
        var fields = JSONFields()
        let table = RecordKeyTable.shared
        var opened = false
        func fail() -> Bool {
            if cut, opened {
                fields.finish(into: &r)
                return true
            }
            r.level = .unknown; r.time = nil; r.message = ""; r.error = ""; r.logger = ""; r.fields = [:]
            return false
        }
        s.skipSpace()
        guard s.i < bytes.count, bytes[s.i] == UInt8(ascii: "{") else { return fail() }
        opened = true
        s.i += 1
        s.skipSpace()
        if s.i < bytes.count, bytes[s.i] == UInt8(ascii: "}") {
            s.i += 1
        } else {
            while true {
                s.skipSpace()
                // The key: plain ASCII keys are looked up by their bytes; a key with an escape
                // or a non-ASCII byte is decoded and looked up as a string (Unicode equality).
                guard s.i < bytes.count, bytes[s.i] == UInt8(ascii: "\"") else { return fail() }
                let key: MemberKey?
                if let raw = s.plainKey() {
                    key = table.lookup(raw)
                } else {
                    guard let k = s.string() else { return fail() }
                    key = wanted(k) ? MemberKey(k) : nil
                }
                s.skipSpace()
                guard s.i < bytes.count, bytes[s.i] == UInt8(ascii: ":") else { return fail() }
                s.i += 1
                s.skipSpace()
                guard s.i < bytes.count else { return fail() }
                if let key {
                    let c = bytes[s.i]
                    let value: JSONScanner.Value
                    if c == UInt8(ascii: "{"), key.readsObjectRef {
                        // An object reference: read its kind, name and namespace in place.
                        var ref: ObjectRef?
                        guard s.objectRef(kind: key.spelledKind, into: &ref) else { return fail() }
                        fields.take(key, objectRef: ref)
                        s.skipSpace()
                        guard s.i < bytes.count else { return fail() }
                        if bytes[s.i] == UInt8(ascii: ",") { s.i += 1; continue }
                        if bytes[s.i] == UInt8(ascii: "}") { s.i += 1; break }
                        return fail()
                    } else if c == UInt8(ascii: "\"") {
                        let at = s.i
                        if let raw = s.plainString() {
                            // No escape: some members are read from the bytes themselves.
                            if fields.take(key, plain: raw, into: &r) {
                                s.skipSpace()
                                guard s.i < bytes.count else { return fail() }
                                if bytes[s.i] == UInt8(ascii: ",") { s.i += 1; continue }
                                if bytes[s.i] == UInt8(ascii: "}") { s.i += 1; break }
                                return fail()
                            }
                            value = .string(String(decoding: raw, as: UTF8.self))
                        } else if let v = s.string() {
                            value = .string(v)
                        } else if cut, let v = s.cutString(at: at) {
                            fields.take(key, .string(v), into: &r)
                            return fail()
                        } else {
                            return fail()
                        }
                    } else if c == UInt8(ascii: "{") {
                        guard let inner = s.object(depth: 1) else { return fail() }
                        value = .object(inner)
                    } else {
                        let start = s.i
                        guard s.skipValue(depth: 1) else { return fail() }
                        value = .other(s.text(start, s.i))
                    }
                    fields.take(key, value, into: &r)
                } else {
                    guard s.skipValue(depth: 1) else { return fail() }
                }
                s.skipSpace()
                guard s.i < bytes.count else { return fail() }
                if bytes[s.i] == UInt8(ascii: ",") { s.i += 1; continue }
                if bytes[s.i] == UInt8(ascii: "}") { s.i += 1; break }
                return fail()
            }
        }
        s.skipSpace()
        guard s.i == bytes.count else { return fail() }
        fields.finish(into: &r)
        return true
    }

    static func objectRef(_ members: [(String, JSONScanner.Value)], kind: String?) -> ObjectRef? {
        var k = kind, n: String?, ns = ""
        for (key, value) in members {
            switch key {
            case "kind": if k == nil { k = value.string }
            case "name": n = value.string
            case "namespace": ns = value.string ?? ""
            default: break
            }
        }
        guard let k, let n else { return nil }
        return ObjectRef(kind: k, namespace: ns, name: n)
    }
}

/// The member keys a JSON record is read for (`RecordDecoder.wanted`), looked up by their bytes:
/// keys of up to 24 ASCII bytes packed into three words, bucketed by length. Built once.
final class RecordKeyTable: @unchecked Sendable {
    static let shared = RecordKeyTable()

    private struct Entry {
        var w0: UInt64, w1: UInt64, w2: UInt64
        var key: RecordDecoder.MemberKey
    }
    private static let maxLength = 24
    /// The keys' words, sorted by key length (`first[n]..<first[n + 1]` holds the keys of `n`
    /// bytes), in memory that is never freed: plain values, read with no reference counted.
    private let words: UnsafeMutablePointer<(UInt64, UInt64, UInt64)>
    private let first: UnsafeMutablePointer<Int>
    /// The meaning of each key, by the index `index(of:)` gives.
    private let keys: [RecordDecoder.MemberKey]
    /// What kind of member each key is, by the same index: `Tag`.
    private let tags: UnsafeMutablePointer<Tag>

    /// A key's meaning without its payload (a kind key's spelling, a field's name), for readers
    /// that only branch on it (`JSONRecordView`).
    enum Tag: UInt8 {
        case level, ts, msg, message, error, logger, controllerKind, controllerGroup, reconcilerKind, name, namespace
        case field, involved, kind
    }

    private init() {
        var byLength = [[Entry]](repeating: [], count: RecordKeyTable.maxLength + 1)
        for key in RecordDecoder.wantedKeys.union(RecordDecoder.kindKeys).sorted() {
            let bytes = Array(key.utf8)
            precondition(bytes.count <= RecordKeyTable.maxLength && bytes.allSatisfy { $0 < 0x80 })
            let w = bytes.withUnsafeBytes { RecordKeyTable.words($0) }
            byLength[bytes.count].append(Entry(w0: w.0, w1: w.1, w2: w.2, key: RecordDecoder.MemberKey(key)!))
        }
        var entries: [Entry] = [], first: [Int] = []
        for bucket in byLength {
            first.append(entries.count)
            entries += bucket
        }
        first.append(entries.count)
        words = .allocate(capacity: entries.count)
        words.initialize(from: entries.map { ($0.w0, $0.w1, $0.w2) }, count: entries.count)
        self.first = .allocate(capacity: first.count)
        self.first.initialize(from: first, count: first.count)
        keys = entries.map(\.key)
        tags = .allocate(capacity: entries.count)
        tags.initialize(from: entries.map { e -> Tag in
            switch e.key {
            case .level: return .level
            case .ts: return .ts
            case .msg: return .msg
            case .message: return .message
            case .error: return .error
            case .logger: return .logger
            case .controllerKind: return .controllerKind
            case .controllerGroup: return .controllerGroup
            case .reconcilerKind: return .reconcilerKind
            case .name: return .name
            case .namespace: return .namespace
            case .field: return .field
            case .involved: return .involved
            case .kind: return .kind
            }
        }, count: entries.count)
    }

    @inline(__always)
    private static func words(_ b: UnsafeRawBufferPointer) -> (UInt64, UInt64, UInt64) {
        // Little-endian words of the key, zero past its end: whole words by unaligned loads, the
        // tail byte by byte (a `memcpy` into a tuple cost a store-forwarding stall per key).
        @inline(__always) func word(_ at: Int) -> UInt64 {
            let n = b.count - at
            if n >= 8 { return UInt64(littleEndian: b.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            var w: UInt64 = 0
            var i = n - 1
            while i >= 0 { w = w << 8 | UInt64(b[at + i]); i -= 1 }
            return w
        }
        let n = b.count
        return (n > 0 ? word(0) : 0, n > 8 ? word(8) : 0, n > 16 ? word(16) : 0)
    }

    /// The meaning of an ASCII key (no escapes), nil when `RecordDecoder.wanted` rejects it.
    @inline(__always)
    func lookup(_ key: UnsafeRawBufferPointer) -> RecordDecoder.MemberKey? {
        let i = index(of: key)
        return i < 0 ? nil : keys[i]
    }

    /// The index of an ASCII key (no escapes) for `tag(at:)` and `key(at:)`; -1 when
    /// `RecordDecoder.wanted` rejects it.
    @inline(__always)
    func index(of key: UnsafeRawBufferPointer) -> Int {
        let n = key.count
        guard n <= RecordKeyTable.maxLength else { return -1 }
        let lo = first[n], hi = first[n + 1]
        guard lo < hi else { return -1 }
        let w = RecordKeyTable.words(key)
        for i in lo..<hi {
            let e = words[i]
            if e.0 == w.0, e.1 == w.1, e.2 == w.2 { return i }
        }
        return -1
    }

    @inline(__always) func tag(at i: Int) -> Tag { tags[i] }
    func key(at i: Int) -> RecordDecoder.MemberKey { keys[i] }
}
