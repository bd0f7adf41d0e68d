/// Text record encodings other than JSON. Each reader returns false (and leaves the record alone)
/// when the payload is not in its encoding. Formats and sources: FLUX-LOGS.md 1.2, 1.3, 2.
enum TextEncodings {
    static func string(_ b: UnsafeRawBufferPointer, _ r: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: b[r]), as: UTF8.self)
    }

    // MARK: zap console

    /// A console record cut at its tabs: the time, its text's end, the level's spelling and the
    /// parts after it (logger, message, fields; the message may hold tabs, and newlines when
    /// continuation lines were joined). Nil when `body` is not `<ISO8601 ts>\t<LEVEL>\t...`.
    private static func consoleParts(_ body: UnsafeRawBufferPointer) -> (time: Timestamp, stampEnd: Int, level: String, rest: [Range<Int>])? {
        guard body.count > 24, Envelope.isDigit(body[0]),
              let (time, len) = Timestamp.parsePrefix(body), len < body.count, body[len] == 9 else { return nil }
        var parts: [Range<Int>] = []
        var start = len + 1
        for i in start..<body.count where body[i] == 9 {
            parts.append(start..<i)
            start = i + 1
        }
        parts.append(start..<body.count)
        guard parts.count >= 2 else { return nil }
        let levelText = string(body, parts[0])
        guard Level(spelling: levelText) != .unknown || levelText.hasPrefix("Level(") else { return nil }
        return (time, len, levelText, Array(parts.dropFirst()))
    }

    /// The trailing `{...}` part of a console record's parts, parsed (zap writes the fields as
    /// one JSON object after the message), and the parts before it; nil when the last part is not
    /// such an object or is the only part.
    private static func consoleFields(_ body: UnsafeRawBufferPointer, _ rest: [Range<Int>]) -> (fields: [(String, JSONScanner.Value)], head: [Range<Int>])? {
        guard rest.count >= 2, let last = rest.last, !last.isEmpty, body[last.lowerBound] == UInt8(ascii: "{"),
              let members = JSONScanner.parseObject(UnsafeRawBufferPointer(rebasing: body[last])) else { return nil }
        return (members, Array(rest.dropLast()))
    }

    /// Logger and message of a console record's parts before its fields: with two or more parts
    /// the first is the logger and the rest, joined by tabs, the message.
    private static func consoleLoggerAndMessage(_ body: UnsafeRawBufferPointer, _ head: [Range<Int>]) -> (logger: String?, message: String) {
        if head.count >= 2 { return (string(body, head[0]), head.dropFirst().map { string(body, $0) }.joined(separator: "\t")) }
        return (nil, string(body, head[0]))
    }

    /// zap console encoding (uber-go/zap `zapcore/console_encoder.go`, Flux `--log-encoding=console`):
    /// `<ISO8601 ts>\t<LEVEL>\t[<logger>\t]<msg>[\t<fields as JSON>]` (FLUX-LOGS.md 1.3).
    static func console(_ body: UnsafeRawBufferPointer, into r: inout Record) -> Bool {
        guard let (time, _, levelText, rest) = consoleParts(body) else { return false }
        let split = consoleFields(body, rest)
        let (logger, message) = consoleLoggerAndMessage(body, split?.head ?? rest)
        var members: [(String, JSONScanner.Value)] = [("level", .string(levelText))]
        if let logger { members.append(("logger", .string(logger))) }
        members.append(("msg", .string(message)))
        RecordDecoder.decodeJSON(members + (split?.fields ?? []), into: &r)
        r.time = time
        return true
    }

    /// The zap JSON record a console record stands for (`Record.raw`): what the same controller
    /// writes with `--log-encoding=json` (FLUX-LOGS.md 1.1, uber-go/zap `zapcore/json_encoder.go`
    /// `EncodeEntry`): `{"level":...,"ts":...,"logger":...,"msg":...,<fields>,"stacktrace":...}`,
    /// no spaces, the level in lowercase (`LowercaseLevelEncoder`; `LEVEL(-2)` as `Level(-2)`),
    /// `ts` as written, `logger` only when the record names one, the fields in their order and
    /// strings escaped as zap escapes them (`zapJSONString`). zap's console encoder writes a
    /// stacktrace on the lines after the fields: when the fields end a line before the last, the
    /// lines after it are the `stacktrace`. Nil when `payload` is not a console record.
    /// - Parameter payload: the record without its envelope, continuation lines joined by `\n`.
    static func consoleAsZapJSON(_ payload: String) -> String? {
        var bytes = Array(payload.utf8)
        var start = 0
        while start < bytes.count, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
        bytes.removeFirst(start)
        return bytes.withUnsafeBytes { body -> String? in
            guard let (_, stampEnd, levelText, rest) = consoleParts(body) else { return nil }
            var head = rest, fields: [(String, JSONScanner.Value)] = [], stack: String?
            if let split = consoleFields(body, rest) {
                (fields, head) = (split.fields, split.head)
            } else {
                // Fields that end a line before the last: a stacktrace follows them.
                var n = stampEnd
                while let nl = body[n...].firstIndex(of: 10) {
                    let line = UnsafeRawBufferPointer(rebasing: body[..<nl])
                    if let (_, _, _, lineRest) = consoleParts(line), let split = consoleFields(line, lineRest) {
                        (fields, head) = (split.fields, split.head)
                        stack = string(body, (nl + 1)..<body.count)
                        break
                    }
                    n = nl + 1
                }
            }
            let (logger, message) = consoleLoggerAndMessage(body, head)
            let level = levelText.hasPrefix("LEVEL(") ? "Level(" + levelText.dropFirst(6) : levelText.lowercased()
            var out: [UInt8] = []
            out.reserveCapacity(body.count + 64)
            func raw(_ text: String) { out.append(contentsOf: text.utf8) }
            raw("{\"level\":")
            zapJSONString(level, into: &out)
            raw(",\"ts\":")
            zapJSONString(string(body, 0..<stampEnd), into: &out)
            if let logger {
                raw(",\"logger\":")
                zapJSONString(logger, into: &out)
            }
            raw(",\"msg\":")
            zapJSONString(message, into: &out)
            for (key, value) in fields {
                raw(",")
                zapJSONString(key, into: &out)
                raw(":")
                zapJSONValue(value, into: &out)
            }
            if let stack {
                raw(",\"stacktrace\":")
                zapJSONString(stack, into: &out)
            }
            raw("}")
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Appends `s` as a JSON string the way zap's JSON encoder writes it (`safeAddString`):
    /// `"` and `\` escaped, `\n` `\r` `\t` by name, other bytes below 0x20 as `\u00xx`
    /// (lowercase hex), everything else (`<>&`, non-ASCII) as it is.
    static func zapJSONString(_ s: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22, 0x5C: out.append(0x5C); out.append(b)
            case 10: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 13: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 9: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0..<0x20: out.append(contentsOf: "\\u00".utf8); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    /// Appends a field's value as zap's JSON encoder writes it: strings re-escaped, objects with
    /// no spaces, any other value (numbers, booleans, null, arrays, deeper objects) as its text
    /// without the spaces the console encoder puts after `,` and `:` (outside strings).
    static func zapJSONValue(_ value: JSONScanner.Value, into out: inout [UInt8]) {
        switch value {
        case .string(let s):
            zapJSONString(s, into: &out)
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (k, (key, v)) in members.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                zapJSONString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                zapJSONValue(v, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .other(let text):
            var inString = false, escaped = false
            for b in text.utf8 {
                if inString {
                    if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
                } else if b == 0x22 {
                    inString = true
                } else if b == 32 || b == 9 || b == 10 || b == 13 {
                    continue
                }
                out.append(b)
            }
        }
    }

    // MARK: flux logs

    /// `flux logs` output (flux2 `cmd/flux/logs.go` template
    /// `{{.Timestamp}} {{.Level}} {{or .Kind .ControllerKind}}{{if .Name}}/{{.Name}}.{{.Namespace}}{{end}} - {{.Message}} {{.Error}}`),
    /// after the envelope peeled the timestamp: `<level> Kind/name.namespace - <msg> <error>`. The
    /// message and error are not separable (one space between them), so both become `message`,
    /// which is what `field: text` sees for JSON too. HTML escapes of CLI < v0.27 (`&#34;`) are
    /// decoded. A line whose message opens as notification-controller's own do names that
    /// controller whatever its kind (`FluxControllers.controller(notificationMessage:)`); other
    /// lines name the controller of their kind, none when the kind is empty.
    static func fluxLogs(_ body: UnsafeRawBufferPointer, into r: inout Record) -> Bool {
        guard let sp = body.firstIndex(of: 32), sp > 0 else { return false }
        let levelText = string(body, 0..<sp)
        let level = Level(spelling: levelText)
        guard (level == .info || level == .error || level == .debug || level == .trace || levelText.hasPrefix("Level(")) else { return false }
        let rest = string(body, (sp + 1)..<body.count)
        guard let dash = rest.range(of: " - ") else { return false }
        let kindPart = rest[..<dash.lowerBound]
        guard !kindPart.contains(" ") else { return false }
        var message = String(rest[dash.upperBound...])
        if message.hasSuffix(" ") { message.removeLast() }
        r.level = level
        r.message = unescapeHTML(message)
        var kind = kindPart
        if let slash = kindPart.firstIndex(of: "/") {
            kind = kindPart[..<slash]
            let nameNs = kindPart[kindPart.index(after: slash)...]
            if let dot = nameNs.lastIndex(of: ".") {
                r.object = ObjectRef(kind: FluxControllers.spell(kind: String(kind)), namespace: String(nameNs[nameNs.index(after: dot)...]),
                                     name: String(nameNs[..<dot]))
            }
        }
        if r.controller == nil {
            // notification-controller's own openings name it whatever the kind: its event server
            // logs with no kind (a trial: its provider failures were read as the stream's
            // controller's and no signature knew them), and before commit 80f7237 with the
            // event's involved object as `reconciler kind` (`Kustomization/apps.flux-system -
            // failed to send notification ...` is not kustomize-controller's).
            r.controller = FluxControllers.controller(notificationMessage: r.message)
                ?? (kind.isEmpty ? nil : FluxControllers.controller(kind: String(kind)))
        }
        return true
    }

    /// Decodes the entities Go's html/template writes: `&#34;` `&#39;` `&#43;` `&amp;` `&lt;` `&gt;`
    /// and any other `&#NN;`.
    static func unescapeHTML(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == "&", let semi = s[i...].prefix(8).firstIndex(of: ";") {
                let entity = s[s.index(after: i)..<semi]
                var replacement: String?
                switch entity {
                case "amp": replacement = "&"
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "quot": replacement = "\""
                case "apos": replacement = "'"
                default:
                    if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()), let u = Unicode.Scalar(code) {
                        replacement = String(Character(u))
                    }
                }
                if let replacement {
                    out += replacement
                    i = s.index(after: semi)
                    continue
                }
            }
            out.append(s[i])
            i = s.index(after: i)
        }
        return out
    }

    // MARK: klog

    /// klog text header (k8s.io/klog `header`): `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`, `L`
    /// one of `IWEF`. klog writes no year: `year` comes from the caller (neighbours, the file's
    /// time, else `--now`). [real] `I0506 14:35:42.034270       7 leaderelection.go:243] attempting
    /// to acquire leader lease flux-system/kustomize-controller-leader-election...` (flux2#1395).
    /// - Parameter placed: where the year comes from instead (`KlogYear`), when known; then `year`
    ///   is not used.
    static func klog(_ body: UnsafeRawBufferPointer, into r: inout Record, year: Int, placed: KlogYear? = nil) -> Bool {
        guard body.count > 30 else { return false }
        let letter = body[0]
        guard letter == UInt8(ascii: "I") || letter == UInt8(ascii: "W") || letter == UInt8(ascii: "E") || letter == UInt8(ascii: "F")
        else { return false }
        func num(_ i: Int, _ n: Int) -> Int? {
            var v = 0
            for k in i..<(i + n) { guard Envelope.isDigit(body[k]) else { return nil }; v = v * 10 + Int(body[k] - 48) }
            return v
        }
        guard let month = num(1, 2), let day = num(3, 2), body[5] == 32, let hh = num(6, 2), body[8] == 58,
              let mm = num(9, 2), body[11] == 58, let ss = num(12, 2), body[14] == 46, let micros = num(15, 6)
        else { return false }
        var i = 21
        while i < body.count, body[i] == 32 { i += 1 }
        let threadStart = i
        while i < body.count, Envelope.isDigit(body[i]) { i += 1 }
        guard i > threadStart, i < body.count, body[i] == 32 else { return false }
        i += 1
        // file:line]
        let fileStart = i
        while i < body.count, body[i] != UInt8(ascii: "]"), body[i] != 32 { i += 1 }
        guard i < body.count, body[i] == UInt8(ascii: "]"), i > fileStart else { return false }
        i += 1
        if i < body.count, body[i] == 32 { i += 1 }
        let stamp = placed.map { $0.time(month: month, day: day, hour: hh, minute: mm, second: ss, millis: micros / 1000) }
            ?? Timestamp.utc(year: year, month: month, day: day, hour: hh, minute: mm, second: ss, millis: micros / 1000)
        guard let t = stamp else { return false }
        r.time = t
        r.level = Level(spelling: String(UnicodeScalar(letter)))
        r.message = string(body, i..<body.count)
        r.logger = "klog"
        return true
    }

    // MARK: logfmt

    /// `key=value` pairs (values bare or double-quoted with Go escapes), as log tools re-format
    /// records: `ts=... level=error msg="Reconciliation failed after 3m35s" error="..."`.
    /// Accepted when at least two pairs are read, the line is nothing but pairs, and one key is
    /// `msg`/`message`. Keys map to the JSON names (`lvl`→`level`, `err`→`error`, `time`→`ts`);
    /// `Kind.name`/`Kind.namespace` keys become the `"<Kind>":{...}` object; `reconciler_kind` and
    /// `reconciler_group` stand for the JSON keys with a space.
    static func logfmt(_ body: UnsafeRawBufferPointer, into r: inout Record) -> Bool {
        var pairs: [(String, String)] = []
        var i = 0
        let n = body.count
        while i < n {
            while i < n, body[i] == 32 { i += 1 }
            if i >= n { break }
            let keyStart = i
            while i < n, body[i] != UInt8(ascii: "="), body[i] != 32, body[i] != UInt8(ascii: "\"") { i += 1 }
            guard i < n, body[i] == UInt8(ascii: "="), i > keyStart else { return false }
            let key = string(body, keyStart..<i)
            i += 1
            var value = ""
            if i < n, body[i] == UInt8(ascii: "\"") {
                var scanner = JSONScanner(body)
                scanner.i = i
                guard let s = scanner.string() else { return false }
                value = s
                i = scanner.i
            } else {
                let vs = i
                while i < n, body[i] != 32 { i += 1 }
                value = string(body, vs..<i)
            }
            pairs.append((key, value))
        }
        guard pairs.count >= 2, pairs.contains(where: { $0.0 == "msg" || $0.0 == "message" }) else { return false }
        var members: [(String, JSONScanner.Value)] = []
        var nested: [String: [(String, JSONScanner.Value)]] = [:]
        var nestedOrder: [String] = []
        for (k, v) in pairs {
            let key: String
            switch k {
            case "lvl", "severity": key = "level"
            case "err": key = "error"
            case "time", "timestamp": key = "ts"
            case "message": key = "msg"
            // Keys with spaces in the JSON (`reconciler kind`, era 1) cannot be logfmt keys;
            // re-formatters write them with `_`.
            case "reconciler_kind": key = "reconciler kind"
            case "reconciler_group": key = "reconciler group"
            default: key = k
            }
            if let dot = key.firstIndex(of: "."), FluxControllers.kindSpelling[String(key[..<dot]).lowercased()] != nil {
                let kind = String(key[..<dot])
                if nested[kind] == nil { nestedOrder.append(kind) }
                nested[kind, default: []].append((String(key[key.index(after: dot)...]), .string(v)))
                continue
            }
            if key == "ts", Timestamp.parse(v) == nil, Double(v) != nil {
                members.append((key, .other(v)))
            } else {
                members.append((key, .string(v)))
            }
        }
        for kind in nestedOrder { members.append((kind, .object(nested[kind]!))) }
        RecordDecoder.decodeJSON(members, into: &r)
        return true
    }
}
