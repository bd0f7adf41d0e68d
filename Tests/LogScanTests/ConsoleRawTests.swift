import Foundation
import Testing
@testable import LogScan

/// Signatures with `field: raw` are written against the zap JSON record (`"providerName":"slack"`,
/// `"controllerKind":"Bucket"`, `"msg":"reconciliation waiting"`). A controller run with
/// `--log-encoding=console` writes the same record as `<ts>\t<LEVEL>\t[<logger>\t]<msg>\t{fields}`
/// (uber-go/zap `zapcore/console_encoder.go`, FLUX-LOGS.md 1.3): such records are matched as the
/// JSON record they stand for (`Record.raw`).
@Suite struct ConsoleRawTests {
    static let patterns = PatternLoader.shipped().set

    /// `json` re-encoded the way zap's console encoder writes it: ts, capitalised level
    /// (Flux's `CapitalLevelEncoder`), logger name when there is one, message, then the other
    /// members as one JSON object with `", "` and `": "` (zap's `spaced` JSON encoder).
    static func console(_ json: String) throws -> String {
        let members = try #require(Array(json.utf8).withUnsafeBytes { JSONScanner.parseObject($0) })
        var ts = "", level = "", logger: String?, msg = ""
        var fields: [(String, JSONScanner.Value)] = []
        for (key, value) in members {
            switch key {
            case "ts": ts = value.string ?? ""
            case "level": level = (value.string ?? "").uppercased()
            case "logger": logger = value.string
            case "msg": msg = value.string ?? ""
            default: fields.append((key, value))
            }
        }
        var out = ts + "\t" + level + "\t"
        if let logger { out += logger + "\t" }
        out += msg
        if !fields.isEmpty { out += "\t" + spaced(.object(fields)) }
        return out
    }

    /// A value as zap's spaced JSON encoder writes it.
    static func spaced(_ value: JSONScanner.Value) -> String {
        switch value {
        case .string(let s):
            var bytes: [UInt8] = []
            TextEncodings.zapJSONString(s, into: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        case .object(let members):
            return "{" + members.map { spaced(.string($0.0)) + ": " + spaced($0.1) }.joined(separator: ", ") + "}"
        case .other(let text):
            return text
        }
    }

    /// Every shipped `field: raw` signature.
    static var rawSignatures: [Signature] { patterns.signatures.filter { $0.field == .raw } }

    @Test func theRawSignaturesAreTheOnesThisCovers() {
        #expect(Set(Self.rawSignatures.map(\.id)) == ["bucket-secret-missing", "notification-send-failed",
                                                      "notification-provider-refused", "provider-rate-limited",
                                                      "source-reconciliation-waiting", "alert-provider-not-found"])
    }

    /// Each example record of each `field: raw` signature, re-encoded in console form: its raw
    /// text is the JSON record again, byte for byte, and the signature hits it with the example's
    /// captures.
    @Test func eachRawSignatureMatchesItsExamplesInConsoleForm() throws {
        let matcher = SignatureMatcher(patterns: Self.patterns)
        var checked = 0
        for sig in Self.rawSignatures {
            let index = try #require(Self.patterns.signatures.firstIndex { $0.id == sig.id })
            for example in sig.matches {
                let line = try Self.console(example.line)
                let r = decode(line)
                #expect(r.format == .console, "\(sig.id): \(line)")
                #expect(r.raw == example.line, "\(sig.id)")
                let hit = matcher.match(r).first { $0.signature == index }
                #expect(hit != nil, "\(sig.id) does not match \(line)")
                for (name, value) in example.captures { #expect(hit?.captures[name] == value, "\(sig.id) \(name)") }
                checked += 1
            }
        }
        #expect(checked >= 9)
    }

    /// FLUX-LOGS.md 1.4's `failed to send notification` record as notification-controller writes
    /// it with `--log-encoding=console`, by hand: the Provider and the status are read.
    @Test func aConsoleProviderFailureNamesTheProvider() throws {
        let line = "2025-03-04T10:15:41.002Z\tERROR\tevent-server\tfailed to send notification\t"
            + #"{"eventInvolvedObject": {"kind": "Kustomization", "namespace": "flux-system", "name": "apps"}, "alert": {"name": "slack", "namespace": "flux-system", "providerName": "slack"}, "error": "postMessage failed: request failed with status code 503: service unavailable"}"#
        let r = decode(line)
        #expect(r.controller == "notification-controller")
        #expect(r.raw == #"{"level":"error","ts":"2025-03-04T10:15:41.002Z","logger":"event-server","msg":"failed to send notification","eventInvolvedObject":{"kind":"Kustomization","namespace":"flux-system","name":"apps"},"alert":{"name":"slack","namespace":"flux-system","providerName":"slack"},"error":"postMessage failed: request failed with status code 503: service unavailable"}"#)
        let found = try TransientTests.incidents([("notification-controller.log", [line])])
        let signal = try #require(found.first?.signals.first { $0.signature == "notification-send-failed" })
        #expect(signal.captures["provider"] == "slack")
        #expect(signal.captures["status"] == "503")
    }

    /// zap's console encoder writes a stacktrace (`--log-level=debug`: on every error line,
    /// FLUX-LOGS.md 1.1) on the lines after the fields: it becomes the JSON's `stacktrace`, and
    /// the fields before it are still read.
    @Test func aStacktraceAfterTheFieldsIsTheStacktraceMember() throws {
        let head = "2025-03-04T10:15:41.002Z\tERROR\tevent-server\tfailed to send notification\t"
            + #"{"alert": {"name": "slack", "namespace": "flux-system", "providerName": "slack"}, "error": "postMessage failed: request failed with status code 429: rate limited"}"#
        let stack = ["github.com/fluxcd/notification-controller/internal/server.(*EventServer).dispatchNotification.func1",
                     "\t/workspace/internal/server/event_handlers.go:243"]
        let r = try #require(try records([head] + stack, name: "notification-controller.log").first)
        #expect(r.raw == #"{"level":"error","ts":"2025-03-04T10:15:41.002Z","logger":"event-server","msg":"failed to send notification","alert":{"name":"slack","namespace":"flux-system","providerName":"slack"},"error":"postMessage failed: request failed with status code 429: rate limited","stacktrace":"github.com/fluxcd/notification-controller/internal/server.(*EventServer).dispatchNotification.func1\n\t/workspace/internal/server/event_handlers.go:243"}"#)
        let matcher = SignatureMatcher(patterns: Self.patterns)
        let index = try #require(Self.patterns.signatures.firstIndex { $0.id == "provider-rate-limited" })
        let hit = try #require(matcher.match(r).first { $0.signature == index })
        #expect(hit.captures["provider"] == "slack")
    }

    /// A record with no fields and no logger (zap omits both when empty) and zap's escapes.
    @Test func noFieldsNoLoggerAndEscapes() {
        #expect(TextEncodings.consoleAsZapJSON("2021-04-29T10:12:51.869Z\tINFO\tstarting manager")
                == #"{"level":"info","ts":"2021-04-29T10:12:51.869Z","msg":"starting manager"}"#)
        // [real, FLUX-LOGS.md 1.3] controller-runtime's console line of another operator.
        #expect(TextEncodings.consoleAsZapJSON("2021-04-29T10:12:51.869Z\tERROR\tsetup\tproblem running manager\t{\"error\": \"leader election lost\"}")
                == #"{"level":"error","ts":"2021-04-29T10:12:51.869Z","logger":"setup","msg":"problem running manager","error":"leader election lost"}"#)
        #expect(TextEncodings.consoleAsZapJSON("2025-03-04T10:15:02.118Z\tINFO\tReconciliation finished in 2.1s, next run in 10m0s\t"
                + #"{"worker count": 4, "ids": [1, 2], "output": {"Deployment/podinfo/podinfo": "configured"}, "note": "a \"quoted\" \\ back\u0001"}"#)
                == #"{"level":"info","ts":"2025-03-04T10:15:02.118Z","msg":"Reconciliation finished in 2.1s, next run in 10m0s","worker count":4,"ids":[1,2],"output":{"Deployment/podinfo/podinfo":"configured"},"note":"a \"quoted\" \\ back\u0001"}"#)
        #expect(TextEncodings.consoleAsZapJSON("not a console record") == nil)
    }

    /// JSON and every other encoding keep their payload as the raw text.
    @Test func otherRecordsKeepTheirPayload() {
        let r = decode(realRequestFailed)
        #expect(r.raw == realRequestFailed)
        let f = decode(FluxLogsKindlessTests.sendFailed)
        #expect(f.raw == f.payload)
    }
}
