/// The envelope found around one line's payload.
public struct Envelope: Sendable, Equatable {
    /// Pod and container from `kubectl logs --prefix`: `[pod/<pod>/<container>] `
    /// (kubernetes/kubectl `pkg/cmd/logs/logs.go` `addPrefixIfNeeded`).
    public var pod: String?
    public var container: String?
    /// The kubelet timestamp of `kubectl logs --timestamps`: RFC3339Nano, 9 fraction digits, then
    /// one space (kubernetes `pkg/kubelet/kuberuntime/logs/logs.go`).
    public var time: Timestamp?
    /// Byte offset where the payload starts.
    public var payloadOffset = 0
    /// For a CRI record: whether it is a whole line (`F`) or a fragment (`P`); nil otherwise.
    public var stream: CRITag?

    /// The CRI record tag (containerd `internal/cri/io/logger.go`).
    public enum CRITag: Sendable, Equatable { case full, partial }

    /// Peels the kubectl envelopes, in the order kubectl writes them: `--prefix` outside,
    /// `--timestamps` inside (FLUX-LOGS.md 2).
    public static func peel(_ line: UnsafeRawBufferPointer) -> Envelope {
        var env = Envelope()
        var i = 0
        // [pod/NAME/CONTAINER]<space>
        if line.count > 6, line[0] == UInt8(ascii: "["), line[1] == UInt8(ascii: "p"),
           line[2] == UInt8(ascii: "o"), line[3] == UInt8(ascii: "d"), line[4] == UInt8(ascii: "/") {
            var j = 5
            var slash = -1
            while j < line.count, j < 512, line[j] != UInt8(ascii: "]") {
                if line[j] == UInt8(ascii: "/") { slash = j }
                if line[j] == 32 { break }
                j += 1
            }
            if j < line.count, line[j] == UInt8(ascii: "]"), slash > 5, j + 1 < line.count, line[j + 1] == 32 {
                env.pod = String(decoding: UnsafeRawBufferPointer(rebasing: line[5..<slash]), as: UTF8.self)
                env.container = String(decoding: UnsafeRawBufferPointer(rebasing: line[(slash + 1)..<j]), as: UTF8.self)
                i = j + 2
            }
        }
        // <RFC3339Nano><space>, only when what follows is not itself the record (a console line
        // starts with its own timestamp and a tab).
        if line.count - i > 20, line[i] >= 48, line[i] <= 57 {
            let rest = UnsafeRawBufferPointer(rebasing: line[i...])
            if let (t, len) = Timestamp.parsePrefix(rest), len < rest.count, rest[len] == 32 {
                env.time = t
                i += len + 1
                // CRI record: `<ts> stdout|stderr F|P <content>` (kubelet logs.go parseCRILog).
                // P fragments are not re-joined yet; each is read as its own record.
                if line.count - i >= 9 {
                    let s = UnsafeRawBufferPointer(rebasing: line[i..<(i + 9)])
                    let isStream = s.starts(with: "stdout ".utf8) || s.starts(with: "stderr ".utf8)
                    if isStream, s[7] == UInt8(ascii: "F") || s[7] == UInt8(ascii: "P"), s[8] == 32 {
                        env.stream = s[7] == UInt8(ascii: "P") ? .partial : .full
                        i += 9
                    }
                }
            }
        }
        env.payloadOffset = i
        return env
    }
}

/// Decodes one line into a `Record`: envelope, then the record encoding. Never fails: what it
/// cannot read becomes a plain (or malformed) record.
public enum RecordDecoder {
    /// - Parameters:
    ///   - line: the line without its newline, valid for the call.
    ///   - location: file and line number, kept on the record.
    public static func decode(_ line: UnsafeRawBufferPointer, location: SourceLocation, truncated: Bool = false) -> Record {
        var record = Record(location: location)
        record.truncated = truncated
        let env = Envelope.peel(line)
        record.pod = env.pod
        let payload = UnsafeRawBufferPointer(rebasing: line[env.payloadOffset...])
        record.payload = String(decoding: payload, as: UTF8.self)
        if let pod = env.pod { record.controller = FluxControllers.controller(inName: pod) }

        var start = 0
        while start < payload.count, payload[start] == 32 || payload[start] == 9 { start += 1 }
        if start < payload.count, payload[start] == UInt8(ascii: "{") {
            if let members = JSONScanner.parseObject(UnsafeRawBufferPointer(rebasing: payload[start...])) {
                decodeJSON(members, into: &record)
                record.format = .json
            } else {
                record.format = .malformed
                record.message = record.payload
            }
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
