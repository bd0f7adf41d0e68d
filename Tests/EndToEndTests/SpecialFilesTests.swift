import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A folder walk reads log files only: a named pipe with no writer (Debian's rsyslog keeps one
/// at /var/log/xconsole) blocked the reader in open(2) for ever, deaf to SIGTERM (trial 13); a
/// socket is no log either. Both are skipped with a note naming them; the rest is read.
@Suite struct SpecialFilesTests {
    @Test func aNamedPipeAndASocketInAFolderAreSkipped() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("special-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for f in ["kustomize-controller.log", "source-controller.log"] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("samples/networkpolicy-9090/\(f)"),
                                             to: dir.appendingPathComponent(f))
        }
        let fifo = dir.appendingPathComponent("xconsole").path
        #expect(mkfifo(fifo, 0o644) == 0)
        // A socket named like a log.
        let sock = dir.appendingPathComponent("audit.log").path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in _ = sock.utf8CString.withUnsafeBytes { memcpy(p.baseAddress!, $0.baseAddress!, min(p.count, $0.count)) } }
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        #expect(bound == 0)
        defer { close(fd) }
        // Should the reader block on the pipe again, a writer that comes and goes lets it go on
        // (to fail below, not to hang the suite).
        let watchdog = Thread {
            for _ in 0..<40 {
                let w = open(fifo, O_WRONLY | O_NONBLOCK)
                if w >= 0 { close(w); return }
                usleep(500_000)
            }
        }
        watchdog.start()
        let r = try run(["--format", "json", dir.path])
        #expect(r.stderr.contains("\(fifo): skipped, a named pipe, not a log file"), "\(r.stderr)")
        #expect(r.stderr.contains("\(sock): skipped, a socket, not a log file"), "\(r.stderr)")
        #expect(r.status == 1)
        let hyps = try #require((json(r.stdout)["incidents"] as? [[String: Any]])?.first?["hypotheses"] as? [[String: Any]])
        #expect(hyps.first?["id"] as? String == "networkpolicy-blocks-artifact-port")
    }
}
