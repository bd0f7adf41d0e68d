import Foundation
import Testing

/// CONTRACT.md: "SIGINT/SIGTERM during `scan`: report what was found, exit 130/143". The README's
/// first use is `kubectl logs -f ... | flux-logscan`, which ends with Ctrl-C; a trial found scan
/// killed by the signal with nothing printed. Here stdin stays open (as `kubectl logs -f` keeps
/// it) after samples/health-check-timeout/kustomize-controller.log's four records.
@Suite struct InterruptTests {
    static let log = "samples/health-check-timeout/kustomize-controller.log"

    /// Runs scan on `log` through a pipe left open, waits until `-v` printed the events of line 3
    /// (`-:3`, 19:10:10.027 `server-side apply completed`; the last record, line 4, is held for
    /// continuation lines until the input ends), then sends `signal`.
    func interrupted(_ args: [String], signal: Int32, lineThree: String = "-:3") throws -> (reason: Process.TerminationReason, status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = binary
        p.arguments = args + ["-v", "-"]
        p.currentDirectoryURL = packageRoot
        let input = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = input
        p.standardOutput = out
        p.standardError = err
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        input.fileHandleForWriting.write(try Data(contentsOf: packageRoot.appendingPathComponent(Self.log)))
        var received = Data()
        let deadline = Date().addingTimeInterval(30)
        while !String(decoding: received, as: UTF8.self).contains(lineThree), Date() < deadline {
            var fd = pollfd(fd: out.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
            if poll(&fd, 1, 100) > 0 { received.append(out.fileHandleForReading.availableData) }
        }
        kill(p.processIdentifier, signal)
        received.append(out.fileHandleForReading.readDataToEndOfFile())
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try? input.fileHandleForWriting.close()
        return (p.terminationReason, p.terminationStatus, String(decoding: received, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func sigintReportsWhatWasReadAndExits130() throws {
        let r = try interrupted(["--color", "never"], signal: SIGINT)
        #expect(r.reason == .exit)
        #expect(r.status == 130)
        #expect(r.stdout.contains("flux-logscan: 1 incident (1 error) in 4 records"), "\(r.stdout)")
        #expect(r.stdout.contains("Health check timed out: Kustomization/flux-system/apps"))
        #expect(r.stderr.contains("SIGINT: stopped reading"))
    }

    @Test func sigtermReportsWhatWasReadAndExits143() throws {
        let r = try interrupted(["--format", "ndjson"], signal: SIGTERM, lineThree: "\"line\":3")
        #expect(r.reason == .exit)
        #expect(r.status == 143)
        let incidents = r.stdout.split(separator: "\n").filter { $0.contains("\"type\":\"incident\"") }
        #expect(incidents.count == 1)
        #expect(incidents.first?.contains("\"title\":\"Health check timed out: Kustomization/flux-system/apps\"") == true, "\(r.stdout)")
    }
}
