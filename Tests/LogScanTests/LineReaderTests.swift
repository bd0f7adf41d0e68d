import Testing
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif
@testable import LogScan

/// Writes `bytes` to a temporary file and returns an open descriptor on it.
func tempFile(_ bytes: [UInt8]) throws -> (FileDescriptor, String) {
    var template = Array("/tmp/flux-logscan-test-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let d = FileDescriptor(rawValue: fd)
    _ = try bytes.withUnsafeBytes { try d.writeAll($0) }
    _ = try d.seek(offset: 0, from: .start)
    return (d, path)
}

func readLines(_ bytes: [UInt8], chunk: Int = 4096, cap: Int = 1 << 20) throws -> (lines: [String], truncated: [Bool], damage: ReadDamage) {
    let (fd, path) = try tempFile(bytes)
    defer { try? fd.close(); unlink(path) }
    var lines: [String] = [], flags: [Bool] = []
    let (_, damage) = try LineReader(chunkSize: chunk, lineCap: cap).read(fd, name: path) { line, _, truncated in
        lines.append(String(decoding: line, as: UTF8.self))
        flags.append(truncated)
    }
    return (lines, flags, damage)
}

@Suite struct LineReaderTests {
    @Test func framesLinesAcrossChunkBoundaries() throws {
        // Lines of every length from 0 to 9,000 bytes, read with 4 KiB chunks.
        var expected: [String] = []
        var bytes: [UInt8] = []
        for n in stride(from: 0, through: 9000, by: 37) {
            let line = String(repeating: "x", count: n) + "|\(n)"
            expected.append(line)
            bytes += Array(line.utf8) + [10]
        }
        let got = try readLines(bytes)
        #expect(got.lines == expected)
    }

    @Test func lastLineWithoutNewlineAndCRLF() throws {
        let got = try readLines(Array("a\r\nb\n\nc".utf8))
        #expect(got.lines == ["a", "b", "", "c"])
    }

    @Test func overlongLineIsCutOnceAndTheNextLineSurvives() throws {
        let long = String(repeating: "z", count: 50_000)
        let got = try readLines(Array((long + "\nnext\n").utf8), chunk: 4096, cap: 1000)
        #expect(got.lines.count == 2)
        #expect(got.lines[0].count == 1000)
        #expect(got.truncated == [true, false])
        #expect(got.lines[1] == "next")
        #expect(got.damage.overlongLines == 1 && got.damage.firstOverlongLine == 1)
    }

    /// RFC 3629: 0xFF and 0xFE never appear in UTF-8, and 0xC3 must be followed by a continuation
    /// byte (0x80-0xBF). A valid two- and three-byte character (`é`, `→`) is not damage; a line
    /// cut at the cap is not judged (the cut may split a character).
    @Test func invalidUTF8IsCountedWithItsFirstLine() throws {
        let valid = Array("commit 'café → prod'".utf8)
        let got = try readLines(valid + [10] + Array("a".utf8) + [0xFF, 0xFE, 0xC3, 0x41, 10] + valid + [10, 0xE2, 0x82, 10])
        #expect(got.lines.count == 4)
        #expect(got.damage.invalidUTF8Lines == 2 && got.damage.firstInvalidUTF8Line == 2)
        // The cap falls between 0xC3 and 0xA9 (`é`): the kept 1,000 bytes end in half a character.
        let cut = try readLines(Array(repeating: 0x61, count: 999) + [0xC3, 0xA9] + Array(repeating: 0x61, count: 5000) + [10],
                                chunk: 4096, cap: 1000)
        #expect(cut.truncated == [true])
        #expect(cut.damage.invalidUTF8Lines == 0)
    }

    @Test func nulBytesAreCountedNotFatal() throws {
        let got = try readLines([0x61, 0x00, 0x62, 10, 0x63, 10])
        #expect(got.lines.count == 2)
        #expect(got.damage.binaryLines == 1 && got.damage.firstBinaryLine == 1)
    }
}

/// kubernetes pkg/kubelet/kuberuntime/helpers.go (`BuildContainerLogsDirectory`,
/// `buildContainerLogsPath`) and pkg/kubelet/logs/container_log_manager.go (rotation suffix).
@Suite struct PodLogPathTests {
    @Test func liveAndRotatedFiles() {
        let live = PodLogPath("/var/log/pods/flux-system_source-controller-6ff87cdb64-8wv2j_0c6b1f5e-2a7d-4d4e-9a57-3f3f0d1f2b11/manager/0.log")
        #expect(live == PodLogPath(namespaceForTest: "flux-system", pod: "source-controller-6ff87cdb64-8wv2j",
                                   uid: "0c6b1f5e-2a7d-4d4e-9a57-3f3f0d1f2b11", container: "manager", restart: 0, rotated: nil))
        let rotated = PodLogPath("/var/log/pods/flux-system_helm-controller-7d5c9b8f6-abcde_11111111-2222-3333-4444-555555555555/manager/3.log.20240524-101026.gz")
        #expect(rotated?.restart == 3)
        #expect(rotated?.rotated == "20240524-101026")
        #expect(rotated?.pod == "helm-controller-7d5c9b8f6-abcde")
        #expect(PodLogPath("/tmp/logs/kustomize-controller.log") == nil)
    }

    /// kubelet's `/var/log/containers` link: `<pod>_<namespace>_<container>-<64 hex id>.log`
    /// (kuberuntime_container.go `logSymlink`).
    @Test func containersLink() {
        let id = String(repeating: "0123456789abcdef", count: 4)
        let link = PodLogPath(containersLink: "/var/log/containers/kustomize-controller-5d4b86b547-kqr2q_flux-system_manager-\(id).log")
        #expect(link?.pod == "kustomize-controller-5d4b86b547-kqr2q")
        #expect(link?.namespace == "flux-system")
        #expect(link?.container == "manager")
        // A container name with dashes: the id is after the last one.
        #expect(PodLogPath(containersLink: "cert-manager-6d4d9f7c8-q2k4p_cert-manager_cert-manager-controller-\(id).log")?.container
            == "cert-manager-controller")
        #expect(PodLogPath(containersLink: "/tmp/logs/kustomize-controller.log") == nil)
        #expect(PodLogPath(containersLink: "a_b_c-123.log") == nil)
    }

    /// Flux's pods: `<controller>-<pod-template-hash>-<suffix>` with container `manager` (flux2
    /// cmd/flux/logs.go `controllerContainer = "manager"`; FLUX-LOGS.md 2's
    /// `[pod/kustomize-controller-5d4b86b547-kqr2q/manager]`). Not: a Deployment whose name only
    /// begins with a controller's (`source-controller-exporter`), rancher/helm-controller (its
    /// container is `helm-controller`).
    @Test func fluxPods() {
        #expect(FluxControllers.controller(pod: "kustomize-controller-5d4b86b547-kqr2q", container: "manager") == "kustomize-controller")
        #expect(FluxControllers.controller(pod: "source-controller-6ff87cdb64-8wv2j", container: "manager") == "source-controller")
        #expect(FluxControllers.controller(pod: "source-controller-exporter-6f7d8c9b5-xyz12", container: "manager") == nil)
        #expect(FluxControllers.controller(pod: "helm-controller-7b9f6d8c4-q8w2e", container: "helm-controller") == nil)
        #expect(FluxControllers.controller(pod: "checkout-7d9f8-abcde", container: "manager") == nil)
    }
}
