import Foundation
import Testing

/// The kubelet rotates a container's log when it reaches `containerLogMaxSize`: the live
/// `<restart>.log` is renamed `<restart>.log.<YYYYMMDD-hhmmss>`, gzipped later, and a new
/// `<restart>.log` begins (kubernetes pkg/kubelet/logs/container_log_manager.go). The files of one
/// restart number are one container's output: the cut is no end of a lifetime (it read as a
/// kill followed by a lifetime with no start-up, and a liveness-probe loop as OOM kills), and a
/// support bundle packing the tree as .tar.gz holds the rotated files as gzip members (they were
/// read as binary text). Found by a new-user trial.
@Suite struct RotationTests {
    /// A kubelet CRI line for a JSON record (`<RFC3339Nano> stderr F <line>`, kubelet logs.go).
    static func cri(_ line: Substring) -> String { RewrapTests.kubelet(String(line)) + " stderr F \(line)" }

    /// Writes `lines` as a rotated container file: the first half as
    /// `<restart>.log.20261126-140000.gz`, the rest as the live `<restart>.log`.
    static func writeRotated(_ lines: [String], restart: Int, in dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cut = max(1, lines.count / 2)
        let rotated = "\(restart).log.20261126-140000"
        try (lines[..<cut].joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent(rotated), atomically: true, encoding: .utf8)
        try sh(["gzip", "-n", rotated], in: dir)
        if cut < lines.count {
            try (lines[cut...].joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("\(restart).log"), atomically: true, encoding: .utf8)
        }
    }

    /// Every sample as a /var/log/pods tree (ArchiveTests.podsTree's pods) whose one file per
    /// controller was rotated once in its middle: the same incidents as the plain files, as a
    /// folder and as a .tar.gz bundle.
    @Test(arguments: try Sample.all())
    func sameIncidentsWhenTheKubeletRotatedTheFiles(_ sample: Sample) throws {
        let base = try incidentsWithoutPlaces(json(run(["--format", "json"] + sample.logs).stdout))
        let dir = try scratch("rotated")
        defer { try? FileManager.default.removeItem(at: dir) }
        for log in sample.logs {
            let file = (log as NSString).lastPathComponent
            let text = try String(contentsOf: packageRoot.appendingPathComponent(log), encoding: .utf8)
            let lines = text.split(separator: "\n").map(Self.cri)
            try Self.writeRotated(lines, restart: 0, in: dir.appendingPathComponent("var/log/pods/\(ArchiveTests.podDir(file))/manager"))
        }
        let folder = try run(["--format", "json", dir.appendingPathComponent("var").path])
        #expect(try incidentsWithoutPlaces(json(folder.stdout)) == base, "rotated tree")
        try sh(["tar", "czf", "bundle.tar.gz", "var"], in: dir)
        let bundle = try run(["--format", "json", dir.appendingPathComponent("bundle.tar.gz").path])
        #expect(!bundle.stderr.contains("NUL"), "\(bundle.stderr)")
        #expect(try incidentsWithoutPlaces(json(bundle.stdout)) == base, "rotated tree as .tar.gz")
    }

    /// samples/probe-kill-loop as the kubelet keeps it: one `<n>.log` per container (a new one
    /// after each `starting manager`), each rotated once. expected.json's restarts: 8 lifetimes
    /// of 30–31 s, each a liveness-probe kill (it became "7 lifetimes of 204ms–13s ... OOM kill").
    @Test func aProbeKillLoopWithRotatedFilesIsStillOne() throws {
        let sample = "samples/probe-kill-loop"
        let expected = try json(Data(contentsOf: packageRoot.appendingPathComponent("\(sample)/expected.json")))
        let restarts = try #require(expected["restarts"] as? [String: Any])
        let dir = try scratch("probe-rotated")
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOf: packageRoot.appendingPathComponent("\(sample)/kustomize-controller.log"), encoding: .utf8)
        var containers: [[String]] = [[]]
        for line in text.split(separator: "\n") {
            // Flux's start-up line (FLUX-LOGS.md 3.12) begins a new container.
            if line.contains("\"msg\":\"starting manager\""), !containers[containers.count - 1].isEmpty { containers.append([]) }
            containers[containers.count - 1].append(Self.cri(line))
        }
        #expect(containers.count == restarts["lifetimes"] as? Int)
        let pod = dir.appendingPathComponent("var/log/pods/\(ArchiveTests.podDir("kustomize-controller.log"))/manager")
        for (n, lines) in containers.enumerated() { try Self.writeRotated(lines, restart: n, in: pod) }
        for input in [dir.appendingPathComponent("var").path, try Self.packed(dir)] {
            let incidents = try #require(try json(run(["--format", "json", input]).stdout)["incidents"] as? [[String: Any]])
            #expect(incidents.count == expected["incidents"] as? Int)
            let title = incidents.first?["title"] as? String ?? ""
            #expect(title.contains("\(restarts["lifetimes"]!) lifetimes of \(restarts["min_seconds"]!)s–\(restarts["max_seconds"]!)s"), "\(input): \(title)")
            #expect(title.contains("liveness-probe kill"), "\(input): \(title)")
            let signals = incidents.first?["signals"] as? [[String: Any]] ?? []
            #expect(!signals.contains { $0["signature"] as? String == "controller-killed" }, "\(input)")
        }
    }

    /// `dir`'s var/ tree packed as bundle.tar.gz; its path.
    static func packed(_ dir: URL) throws -> String {
        try sh(["tar", "czf", "bundle.tar.gz", "var"], in: dir)
        return dir.appendingPathComponent("bundle.tar.gz").path
    }
}
