import Testing
@testable import LogScan

/// A line over the line cap is cut (`LogScanner.lineCap`, 1 MiB): the part that fits is still a
/// controller-runtime JSON record, so its level, time, message, object and controller are read
/// and its signature matches.
@Suite struct LineCapTests {
    /// [real 2024] kustomize-controller, https://github.com/fluxcd/flux2/issues/4811 (FLUX-LOGS.md 1.4).
    static let head = #"{"level":"info","ts":"2024-05-24T10:10:26.095Z","msg":"request failed","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"flux-system","namespace":"flux-system"},"namespace":"flux-system","name":"flux-system","reconcileID":"5edd4a48-c4f4-4c6b-8c25-bedd346af378","error":"Get \"http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec….tar.gz\": dial tcp 10.43.89.232:80: connect: connection refused"#
    /// The error of `head` as decoded.
    static let error = #"Get "http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec….tar.gz": dial tcp 10.43.89.232:80: connect: connection refused"#
    static let tail = #"","method":"GET","url":"http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec….tar.gz"}"#

    /// Scans `line` with the shipped signatures; returns its records and events.
    func scan(_ line: String) throws -> (records: [Record], events: [Event], stats: ScanStats) {
        let scanner = LogScanner(patterns: PatternLoader.shipped().set)
        var records: [Record] = [], events: [Event] = []
        scanner.recordObserver = { records.append($0) }
        scanner.eventObserver = { events.append($0) }
        let (fd, _) = try tempFile(Array((line + "\n").utf8))
        defer { try? fd.close() }
        scanner.scan(fd: fd, name: "kustomize-controller.log", fileName: nil)
        return (records, events, scanner.result.stats)
    }

    @Test func theLineAsWrittenMatches() throws {
        let (records, events, _) = try scan(Self.head + Self.tail)
        #expect(records.count == 1)
        #expect(records[0].format == .json)
        #expect(events.map(\.signature) == ["artifact-fetch-connection-refused"])
    }

    @Test func aLineCutInsideItsErrorStillDecodesAndMatches() throws {
        // The error grown past the cap (a retried request's detail repeated): the cut falls
        // inside the error string; what came before it is the record.
        let line = Self.head + String(repeating: " (retrying)", count: 100_000) + Self.tail
        #expect(line.utf8.count > 1 << 20)
        let (records, events, stats) = try scan(line)
        #expect(stats.overlongLines == 1)
        #expect(stats.malformed == 0)
        #expect(records.count == 1)
        let r = records[0]
        #expect(r.format == .json)
        #expect(r.truncated)
        #expect(r.level == .info)
        #expect(r.time?.rfc3339 == "2024-05-24T10:10:26.095Z")
        #expect(r.message == "request failed")
        #expect(r.controller == "kustomize-controller")
        #expect(r.object?.description == "Kustomization/flux-system/flux-system")
        #expect(r.error.hasPrefix(Self.error + " (retrying) (retrying)"))
        #expect(r.fields["method"] == nil)  // after the cut
        #expect(events.map(\.signature) == ["artifact-fetch-connection-refused"])
        #expect(events.first?.controller == "kustomize-controller")
    }

    @Test func aLineCutInsideAnEscapeKeepsTheTextBeforeIt() throws {
        // The cap falls between the `\` and the `"` of an escaped quote: the split escape is dropped.
        var line = Self.head
        line += String(repeating: "x", count: (1 << 20) - 1 - line.utf8.count)
        line += #"\" and more"# + Self.tail
        let (records, events, stats) = try scan(line)
        #expect(stats.overlongLines == 1)
        #expect(records.count == 1)
        #expect(records.first?.format == .json)
        let xs = (1 << 20) - 1 - Self.head.utf8.count
        #expect(records.first?.error == Self.error + String(repeating: "x", count: xs))
        #expect(events.map(\.signature) == ["artifact-fetch-connection-refused"])
    }
}
