import Foundation
import Testing

/// The package root (two levels above this file's folder).
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `flux-logscan` binary built beside the test bundle.
let binary: URL = {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return exe.deletingLastPathComponent().appendingPathComponent("flux-logscan")
}()

struct RunResult {
    var status: Int32
    var stdout: Data
    var stderr: String
    var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs the binary with `args` (paths relative to the package root), optionally feeding `stdin`;
/// `environment` adds to (or replaces) this process's variables.
func run(_ args: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> RunResult {
    let p = Process()
    p.executableURL = binary
    p.arguments = args
    if !environment.isEmpty {
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    p.currentDirectoryURL = packageRoot
    let out = Pipe()
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("flux-logscan-stderr-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let errHandle = try FileHandle(forWritingTo: errURL)
    defer { try? FileManager.default.removeItem(at: errURL) }
    p.standardOutput = out
    p.standardError = errHandle
    let input = Pipe()
    p.standardInput = input
    try p.run()
    let writer = Thread {
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try? errHandle.close()
    let errData = (try? Data(contentsOf: errURL)) ?? Data()
    return RunResult(status: p.terminationStatus, stdout: data, stderr: String(decoding: errData, as: UTF8.self))
}

/// `lines` as standard input: one line each, newline-terminated.
func stdinData(_ lines: [String]) -> Data { Data((lines.joined(separator: "\n") + "\n").utf8) }

func json(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// A sample scenario: its folder, log files (top level, sorted) and expected.json.
struct Sample: CustomStringConvertible, Sendable {
    var name: String
    var logs: [String]
    var firstHypothesis: String?
    var incidents: Int?
    var objects: [String]?
    var status: String?
    var description: String { name }

    static func all() throws -> [Sample] {
        let dir = packageRoot.appendingPathComponent("samples")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        var out: [Sample] = []
        for n in names {
            let folder = dir.appendingPathComponent(n)
            let expectedURL = folder.appendingPathComponent("expected.json")
            guard let data = try? Data(contentsOf: expectedURL) else { continue }
            let logs = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".log") }.sorted().map { "samples/\(n)/\($0)" }
            let e = try json(data)
            out.append(Sample(name: n, logs: logs, firstHypothesis: e["first_hypothesis"] as? String,
                              incidents: e["incidents"] as? Int, objects: e["objects"] as? [String], status: e["status"] as? String))
        }
        return out
    }
}

/// The incidents of a JSON report with each signal's example source and line, and the recovery's,
/// removed (they depend on how the input was given, nothing else may).
func incidentsWithoutPlaces(_ report: [String: Any]) throws -> String {
    var incidents = report["incidents"] as? [[String: Any]] ?? []
    for i in incidents.indices {
        var signals = incidents[i]["signals"] as? [[String: Any]] ?? []
        for s in signals.indices {
            var ex = signals[s]["example"] as? [String: Any] ?? [:]
            ex.removeValue(forKey: "source")
            ex.removeValue(forKey: "line")
            signals[s]["example"] = ex
        }
        incidents[i]["signals"] = signals
        var downstream = incidents[i]["downstream_signals"] as? [[String: Any]] ?? []
        for s in downstream.indices {
            var ex = downstream[s]["example"] as? [String: Any] ?? [:]
            ex.removeValue(forKey: "source")
            ex.removeValue(forKey: "line")
            downstream[s]["example"] = ex
        }
        incidents[i]["downstream_signals"] = downstream
        // So do the records of a recovery and of a Helm action's start.
        for key in ["recovery", "action_started"] {
            if var record = incidents[i][key] as? [String: Any] {
                record.removeValue(forKey: "source")
                record.removeValue(forKey: "line")
                incidents[i][key] = record
            }
        }
        // Evidence lines name file:line too.
        var hyps = incidents[i]["hypotheses"] as? [[String: Any]] ?? []
        for h in hyps.indices {
            for key in ["evidence_for", "evidence_against"] {
                let lines = hyps[h][key] as? [String] ?? []
                hyps[h][key] = lines.map { stripPlaces($0) }
            }
        }
        incidents[i]["hypotheses"] = hyps
    }
    let data = try JSONSerialization.data(withJSONObject: incidents, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// Removes `, <file>:<line>]` from an evidence line.
func stripPlaces(_ s: String) -> String {
    guard let r = s.range(of: #", [^,\]]+:\d+\]$"#, options: .regularExpression) else { return s }
    return s.replacingCharacters(in: r, with: "]")
}
