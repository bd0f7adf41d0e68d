import ArgumentParser
import Foundation

/// `healthy-cluster`: writes the logs of a healthy, busy Flux cluster (default six hours) with
/// the noise real clusters have, deterministically from a seed. flux-logscan must find no
/// incident above `info` in them (Tests/EndToEndTests/HealthyClusterTests.swift).
@main
struct HealthyCluster: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthy-cluster",
        abstract: "Write the logs of a healthy, busy Flux cluster (deterministic from --seed).",
        discussion: """
        Six controllers (source, kustomize, helm, notification, image-reflector, image-automation) \
        reconcile 6 GitRepositories, 2 OCIRepositories, 6 HelmRepositories, 10 HelmCharts, 30 \
        Kustomizations, 10 HelmReleases and the image automation objects. Every controller starts \
        with leader election and is restarted (graceful shutdown, new pod) half-way. Noise: \
        consumers refused while source-controller starts (`request failed`, then success), \
        dependsOn waits, a HelmChart waiting for a new HelmRepository, a HelmRelease waiting for \
        its bumped HelmChart, duplicate events answered with 429 (logged by notification-controller \
        at debug), two Git clones that time out once. Line formats: /work/shared/FLUX-LOGS.md, \
        cited per line kind in Sources/healthy-cluster/Lines.swift.

        Formats: json (controller-runtime JSON records as the controllers write them), prefix \
        (kubectl logs --prefix), timestamps (kubectl logs --timestamps), prefix-timestamps (both), \
        cri (the kubelet's CRI log file records).
        """
    )

    @Option(help: "How many hours of logs to write.")
    var hours: Double = 6

    @Option(help: "The seed: the same seed and options give the same bytes.")
    var seed: UInt64 = 1

    @Option(help: "The time the log starts (UTC, whole seconds: 2026-03-02T00:00:00Z).")
    var start: String = "2026-03-02T00:00:00Z"

    @Option(help: "The envelope: json, prefix, timestamps, prefix-timestamps or cri (default: json with --out, prefix on standard output).")
    var format: Envelope?

    @Option(help: "Write one <controller>.log per controller into this folder (created if needed) instead of standard output.")
    var out: String?

    @Option(help: "notification-controller's --log-level: debug (the only level that logs its duplicate-event 429s) or info.")
    var notificationLogLevel: NotificationLevel = .debug

    @Flag(name: .shortAndLong, help: "No summary on standard error.")
    var quiet = false

    enum Envelope: String, ExpressibleByArgument, CaseIterable {
        case json, prefix, timestamps, prefixTimestamps = "prefix-timestamps", cri
    }

    enum NotificationLevel: String, ExpressibleByArgument, CaseIterable { case debug, info }

    func validate() throws {
        guard hours > 0, hours <= 24 * 7 else { throw ValidationError("--hours: between 0 and 168") }
        guard parseStart(start) != nil else { throw ValidationError("--start: expected YYYY-MM-DDTHH:MM:SSZ, got \(start)") }
    }

    func run() throws {
        let began = Date()
        let sim = Simulation(seed: seed, start: parseStart(start)!, hours: hours, notificationDebug: notificationLogLevel == .debug)
        sim.run()
        let envelope = format ?? (out == nil ? .prefix : .json)
        var byController: [Controller: [Simulation.Record]] = [:]
        for r in sim.records { byController[r.controller, default: []].append(r) }
        var summary: [(String, Int, Int)] = []
        if let out {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            for c in Controller.allCases.sorted() {
                let records = (byController[c] ?? []).sorted { ($0.t, $0.seq) < ($1.t, $1.seq) }
                let data = Data(records.map { wrap($0, envelope) + "\n" }.joined().utf8)
                try data.write(to: URL(fileURLWithPath: out).appendingPathComponent("\(c.rawValue).log"))
                summary.append((c.rawValue, records.count, data.count))
            }
        } else {
            let records = sim.records.sorted { ($0.t, $0.controller.rawValue, $0.seq) < ($1.t, $1.controller.rawValue, $1.seq) }
            let data = Data(records.map { wrap($0, envelope) + "\n" }.joined().utf8)
            FileHandle.standardOutput.write(data)
            for c in Controller.allCases.sorted() { summary.append((c.rawValue, byController[c]?.count ?? 0, 0)) }
        }
        if !quiet {
            var text = "healthy-cluster: seed \(seed), \(hours) h from \(start), \(sim.records.count) records in \(String(format: "%.2f", Date().timeIntervalSince(began))) s\n"
            for (name, n, bytes) in summary { text += "healthy-cluster:   \(name)\t\(n) records" + (bytes > 0 ? ", \(bytes) bytes" : "") + "\n" }
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// The record in its envelope (FLUX-LOGS.md 2). The sub-millisecond digits kubelet and
    /// containerd add are derived from the record's sequence number.
    func wrap(_ r: Simulation.Record, _ envelope: Envelope) -> String {
        let nanos = (r.seq &* 7_919) % 1_000_000
        let prefix = "[pod/\(r.pod)/manager] "
        switch envelope {
        case .json: return r.text
        case .prefix: return prefix + r.text
        case .timestamps: return rfc3339NanoFixed(r.t, nanos: nanos) + " " + r.text
        case .prefixTimestamps: return prefix + rfc3339NanoFixed(r.t, nanos: nanos) + " " + r.text
        case .cri: return rfc3339Nano(r.t, nanos: nanos) + " stderr F " + r.text
        }
    }
}
