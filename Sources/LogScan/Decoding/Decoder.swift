/// Decodes one line into a `Record`: envelope, then the record encoding. Never fails: what it
/// cannot read becomes a plain (or malformed) record.
public enum RecordDecoder {
    /// Decodes a whole line: peels its envelope (`Envelope.peel`), then the payload.
    /// - Parameters:
    ///   - line: the line without its newline, valid for the call.
    ///   - location: file and line number, kept on the record.
    ///   - yearHint: the year for klog's year-less timestamps (from neighbours, the file's time,
    ///     else `--now`); an envelope's own time wins; 0 and no envelope time means 1970.
    public static func decode(_ line: UnsafeRawBufferPointer, location: SourceLocation, truncated: Bool = false,
                              yearHint: Int = 0) -> Record {
        let env = Envelope.peel(line)
        if let owned = env.ownedPayload {
            return owned.withUnsafeBytes { decodePayload($0, envelope: env, location: location, truncated: truncated, yearHint: yearHint) }
        }
        return decodePayload(UnsafeRawBufferPointer(rebasing: line[env.payloadOffset...]), envelope: env,
                             location: location, truncated: truncated, yearHint: yearHint)
    }

    /// Decodes a payload whose envelope was already peeled (and whose fragments were re-joined).
    /// Encodings, tried in order (FLUX-LOGS.md 6.2): controller-runtime JSON (`{`), zap console
    /// (`<ts>\t<LEVEL>\t`), `flux logs` output (`<level> Kind/name.ns - msg`, after the envelope
    /// took its timestamp), klog text, logfmt; anything else is plain text.
    public static func decodePayload(_ payload: UnsafeRawBufferPointer, envelope env: Envelope, location: SourceLocation,
                                     truncated: Bool = false, yearHint: Int = 0) -> Record {
        var record = Record(location: location)
        record.truncated = truncated
        record.pod = env.pod
        record.payload = String(decoding: payload, as: UTF8.self)
        if let pod = env.pod { record.controller = FluxControllers.controller(inName: pod) }

        var start = 0
        while start < payload.count, payload[start] == 32 || payload[start] == 9 { start += 1 }
        let body = UnsafeRawBufferPointer(rebasing: payload[start...])
        if start < payload.count, payload[start] == UInt8(ascii: "{") {
            if let members = JSONScanner.parseObject(body, keep: RecordDecoder.wanted) {
                decodeJSON(members, into: &record)
                record.format = .json
            } else {
                record.format = .malformed
                record.message = record.payload
            }
        } else if TextEncodings.console(body, into: &record) {
            record.format = .console
        } else if env.time != nil, TextEncodings.fluxLogs(body, into: &record) {
            record.format = .fluxLogs
            record.time = env.time  // the timestamp the envelope peeled was the record's own
        } else if TextEncodings.klog(body, into: &record, year: env.time?.year ?? (yearHint != 0 ? yearHint : 1970)) {
            record.format = .klog
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

    /// Fills a record from controller-runtime zap JSON members (FLUX-LOGS.md 1.1, 1.2).
    static func decodeJSON(_ members: [(String, JSONScanner.Value)], into r: inout Record) {
        var controllerKind: String?
        var controllerGroup: String?
        var reconcilerKind: String?
        var name: String?
        var namespace: String?
        var kindObject: ObjectRef?
        var involved: ObjectRef?
        var eventMessage: String?
        for (key, value) in members {
            switch key {
            case "level": if let s = value.string { r.level = Level(spelling: s) }
            case "ts":
                if case .string(let s) = value {
                    r.time = Timestamp.parse(s)
                } else if case .other(let s) = value, let secs = Double(s) {
                    // Epoch seconds as a float (controller-runtime's default outside Flux, FLUX-LOGS.md 1.1).
                    r.time = Timestamp(millis: Int64((secs * 1000).rounded()))
                }
            case "msg": r.message = value.string ?? ""
            case "message": eventMessage = value.string
            case "error": r.error = value.string ?? ""
            case "logger": r.logger = value.string ?? ""
            case "controllerKind": controllerKind = value.string
            case "controllerGroup", "reconciler group": controllerGroup = value.string
            case "reconciler kind": reconcilerKind = value.string
            case "name": name = value.string
            case "namespace": namespace = value.string
            case "url", "revision", "reason", "method", "controller", "source", "type":
                if let s = value.string { r.fields[key] = s }
            case "eventInvolvedObject", "object":
                if case .object(let inner) = value { involved = objectRef(inner, kind: nil) }
            default:
                // `"Kustomization":{"name","namespace"}` (>= controller-runtime v0.13) or the
                // lowerCamel `"kustomization":{...}` of v0.12 (FLUX-LOGS.md 1.2).
                if case .object(let inner) = value, kindObject == nil,
                   let spelled = FluxControllers.kindSpelling[key.lowercased()] {
                    kindObject = objectRef(inner, kind: spelled)
                }
            }
        }
        if r.message.isEmpty, let m = eventMessage { r.message = m }
        if r.logger == "events", let m = eventMessage { r.message = m }  // recorder lines: msg is the event message too

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
