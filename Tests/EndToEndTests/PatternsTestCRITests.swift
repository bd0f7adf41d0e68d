import Foundation
import Testing

/// `patterns test` reads a node's CRI file as `scan` does: a record containerd split into `P`
/// parts and its `F` end (FLUX-LOGS.md section 2; CRI `<time> <stream> <P|F> <text>`) is one
/// record, cited at its first part's line (trial 13: "no signature matched" while `--counts`
/// found 10).
@Suite struct PatternsTestCRITests {
    @Test func partsAreJoined() throws {
        let line = try String(contentsOf: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log"), encoding: .utf8)
            .split(separator: "\n")[7]
        #expect(line.contains("connect: connection refused"))
        let cut = line.index(line.startIndex, offsetBy: 700)
        let cri = "2026-11-24T02:43:10.996123456Z stderr P \(line[..<cut])\n2026-11-24T02:43:10.996123456Z stderr F \(line[cut...])\n"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cri-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("0.log")
        try cri.write(to: file, atomically: true, encoding: .utf8)
        let r = try run(["patterns", "test", file.path])
        #expect(r.text.hasPrefix("\(file.path):1: artifact-fetch-connection-refused host=source-controller.flux-system.svc.cluster.local. ip=10.43.89.232 port=80"), "\(r.text)")
    }
}
