import Foundation
import Testing

/// Every sample, re-wrapped into each envelope and re-encoded into each record encoding that
/// flux-logscan reads, gives the same events (issue "Read every shape"). The wrappers below are
/// written from the formats' documentation (FLUX-LOGS.md 1.3, 2), independently of the decoder.
@Suite struct RewrapTests {
    typealias Wrap = @Sendable (_ lines: [String], _ file: String) -> [String]

    static func podName(_ file: String) -> String {
        if file.hasPrefix("source") { return "source-controller-6ff87cdb64-8wv2j" }
        if file.hasPrefix("helm") { return "helm-controller-5f7c8d9b6-x4mzl" }
        return "kustomize-controller-5d4b86b547-kqr2q"
    }

    static func object(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
    }

    /// The kubelet timestamp for a record: its own `ts` plus 0.000123456 s, 9 fraction digits.
    static func kubelet(_ line: String) -> String {
        let ts = object(line)["ts"] as? String ?? "2026-11-24T00:00:00.000Z"
        return String(ts.dropLast()) + "123456Z"
    }

    static func jsonText(_ v: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static let wrappers: [(String, Wrap)] = [
        ("timestamps", { lines, _ in lines.map { kubelet($0) + " " + $0 } }),
        ("prefix", { lines, f in lines.map { "[pod/\(podName(f))/manager] " + $0 } }),
        ("prefix-timestamps", { lines, f in lines.map { "[pod/\(podName(f))/manager] " + kubelet($0) + " " + $0 } }),
        ("stern", { lines, f in lines.map { "\(podName(f)) manager " + $0 } }),
        // `stern -A` (or several namespaces): stern cmd/cmd.go puts the namespace first (a trial).
        ("stern-all-namespaces", { lines, f in lines.map { "flux-system \(podName(f)) manager " + $0 } }),
        // `stern --color always`: the default template colours the pod and the container name
        // (SGR sequences, ECMA-48 CSI `ESC [ ... m`).
        ("stern-color", { lines, f in lines.map { "\u{1b}[36m\(podName(f))\u{1b}[0m \u{1b}[1;32mmanager\u{1b}[0m " + $0 } }),
        ("cri", { lines, _ in
            // containerd: lines longer than the limit become P records then an F record; a small
            // limit (200 bytes) here makes every long sample line split.
            lines.flatMap { line -> [String] in
                let ts = kubelet(line)
                var chunks: [String] = []
                var rest = Substring(line)
                while rest.utf8.count > 200 { chunks.append(String(rest.prefix(200))); rest = rest.dropFirst(200) }
                return chunks.map { "\(ts) stderr P \($0)" } + ["\(ts) stderr F \(rest)"]
            }
        }),
        ("docker", { lines, _ in
            // Docker json-file: 16 KiB chunks without "\n" then the last with it; 150 bytes here.
            lines.flatMap { line -> [String] in
                let ts = kubelet(line)
                var chunks: [String] = []
                var rest = Substring(line)
                while rest.utf8.count > 150 { chunks.append(String(rest.prefix(150))); rest = rest.dropFirst(150) }
                chunks.append(String(rest) + "\n")
                // moby's jsonlog.JSONLog field order: log, stream, time.
                return chunks.map { #"{"log":"# + jsonText($0) + #","stream":"stderr","time":""# + ts + #""}"# }
            }
        }),
        ("flux-logs", { lines, _ in
            // flux2 cmd/flux/logs.go template.
            lines.map { line in
                let o = object(line)
                let kind = (o["reconciler kind"] as? String) ?? (o["controllerKind"] as? String) ?? ""
                var subject = kind
                if let name = o["name"] as? String { subject += "/\(name).\(o["namespace"] as? String ?? "")" }
                return "\(o["ts"] as! String) \(o["level"] as! String) \(subject) - \(o["msg"] as? String ?? "") \(o["error"] as? String ?? "")"
            }
        }),
        ("console", { lines, _ in
            // zap console encoder: ts TAB LEVEL TAB [logger TAB] msg [TAB fields-as-JSON].
            lines.map { line in
                var o = object(line)
                let ts = o.removeValue(forKey: "ts") as! String
                let level = (o.removeValue(forKey: "level") as! String).uppercased()
                let msg = o.removeValue(forKey: "msg") as? String ?? ""
                let logger = o.removeValue(forKey: "logger") as? String
                var out = "\(ts)\t\(level)\t"
                if let logger { out += "\(logger)\t" }
                out += msg
                if !o.isEmpty { out += "\t" + jsonText(o) }
                return out
            }
        }),
        ("logfmt", { lines, _ in
            // key=value, values quoted Go-style when they hold spaces or quotes; nested objects as Kind.key.
            lines.map { line in
                let o = object(line)
                func quote(_ s: String) -> String {
                    if !s.isEmpty, !s.contains(" "), !s.contains("\""), !s.contains("=") { return s }
                    return jsonText(s)
                }
                var pairs: [String] = []
                for key in ["ts", "level", "logger", "msg"] { if let v = o[key] as? String { pairs.append("\(key)=\(quote(v))") } }
                for (key, v) in o.sorted(by: { $0.key < $1.key }) where !["ts", "level", "logger", "msg"].contains(key) {
                    let k = key.replacingOccurrences(of: " ", with: "_")  // logfmt keys have no spaces
                    if let s = v as? String { pairs.append("\(k)=\(quote(s))") }
                    else if let d = v as? [String: Any] {
                        for (ik, iv) in d.sorted(by: { $0.key < $1.key }) { pairs.append("\(k).\(ik)=\(quote("\(iv)"))") }
                    } else { pairs.append("\(k)=\(quote(jsonText(v)))") }
                }
                return pairs.joined(separator: " ")
            }
        }),
    ]

    /// Events of a run as comparable keys: time, controller, object, signature, captures.
    static func events(_ args: [String], stdin: Data? = nil) throws -> [String] {
        let out = try run(["--format", "ndjson", "-v"] + args, stdin: stdin).text
        return out.split(separator: "\n").compactMap { line -> String? in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  o["type"] as? String == "event" else { return nil }
            let caps = (o["captures"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return [o["time"] as? String ?? "-", o["controller"] as? String ?? "-", o["object"] as? String ?? "-",
                    o["signature"] as? String ?? "-", caps.joined(separator: ",")].joined(separator: " | ")
        }.sorted()
    }

    static func cases() throws -> [String] {
        try Sample.all().flatMap { s in wrappers.map { "\(s.name) \($0.0)" } }
    }

    @Test(arguments: try cases())
    func rewrappedSampleGivesTheSameEvents(_ testCase: String) throws {
        let parts = testCase.split(separator: " ").map(String.init)
        let sample = try #require(try Sample.all().first { $0.name == parts[0] })
        let wrap = try #require(Self.wrappers.first { $0.0 == parts[1] }).1
        let expected = try Self.events(sample.logs)
        #expect(!expected.isEmpty)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewrap-\(getpid())-\(parts[0])-\(parts[1])")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        for log in sample.logs {
            let file = (log as NSString).lastPathComponent
            let text = try String(contentsOf: packageRoot.appendingPathComponent(log), encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            let url = dir.appendingPathComponent(file)
            try (wrap(lines, file).joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
        }
        let got = try Self.events(paths)
        #expect(got == expected, "\(testCase): \(Set(got).symmetricDifference(Set(expected)).sorted().prefix(5))")
    }

    /// `tail -n +1 a b` on stdin: the `==> path <==` headers name each file's stream.
    @Test(arguments: try Sample.all())
    func tailHeadersOnStdin(_ sample: Sample) throws {
        var stream = ""
        for log in sample.logs {
            stream += "==> \(log) <==\n" + (try String(contentsOf: packageRoot.appendingPathComponent(log), encoding: .utf8)) + "\n"
        }
        let got = try Self.events(["-"], stdin: Data(stream.utf8))
        #expect(got == (try Self.events(sample.logs)))
    }
}

/// `kubectl logs -f -l app.kubernetes.io/part-of=flux --timestamps` without `--prefix` interleaves
/// the controllers' records in one stream with no name of its own. A trial merged
/// samples/oom-killed-source-controller's two logs by time: source-controller's `starting manager`
/// (source-controller.log, 10:08:00.435, no `controller` field) went to kustomize-controller, which
/// had logged just before; the report invented "kustomize-controller killed" and ranked
/// networkpolicy-blocks-artifact-port first. The start-up belongs to the controller its lease names
/// (`"lock":"flux-system/source-controller-leader-election"`, 10:08:00.539).
@Suite struct InterleavedStreamTests {
    @Test func aStartUpInAMergedStreamBelongsToTheControllerItsLeaseNames() throws {
        var lines: [Substring] = []
        for name in ["kustomize-controller.log", "source-controller.log"] {
            let text = try String(contentsOf: packageRoot.appendingPathComponent("samples/oom-killed-source-controller/\(name)"), encoding: .utf8)
            lines += text.split(separator: "\n")
        }
        // By the `ts` value (RFC 3339 in UTC sorts as text); a stable sort keeps each file's order on ties.
        func ts(_ l: Substring) -> Substring { l.split(separator: "\"").dropFirst(7).first ?? "" }
        let merged = lines.enumerated().sorted { (ts($0.element), $0.offset) < (ts($1.element), $1.offset) }.map(\.element)
        let r = try run(["--format", "json", "-"], stdin: Data((merged.joined(separator: "\n") + "\n").utf8))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1, "\(incidents.map { $0["title"] ?? "" })")
        #expect((incidents.first?["hypotheses"] as? [[String: Any]])?.first?["id"] as? String == "source-controller-unavailable")
        #expect(!incidents.contains { ($0["title"] as? String ?? "").contains("kustomize-controller killed") })
    }
}
