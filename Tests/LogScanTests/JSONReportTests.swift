import Foundation
import Testing
@testable import LogScan

/// `--format json` is written piece by piece (`JSONReport.writeDocument`) so that a report of
/// thousands of incidents never exists whole in memory; it must stay byte-identical to the
/// document rendered at once, and valid JSON (RFC 8259).
@Suite struct JSONReportTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("samples")

    func analysis(_ sample: String) throws -> Analysis {
        let loader = PatternLoader.shipped()
        #expect(loader.diagnostics.isEmpty)
        let patterns = loader.set
        let scanner = LogScanner(patterns: patterns)
        let dir = Self.samples.appendingPathComponent(sample)
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where f.hasSuffix(".log") {
            scanner.scan(path: dir.appendingPathComponent(f).path)
        }
        return Analysis(scan: scanner.result, patterns: patterns, windowSeconds: 900)
    }

    @Test(arguments: ["networkpolicy-9090", "artifact-missing", "helm-release-locked", "unknown-errors", "gitrepository-cascade"])
    func streamedDocumentEqualsTheWholeDocument(sample: String) throws {
        let a = try analysis(sample)
        #expect(!a.incidents.isEmpty)
        var streamed = ""
        var pieces = 0
        JSONReport.writeDocument(incidents: a.incidents, stats: a.scan.stats, unmatched: a.scan.unmatchedErrors) { streamed += $0; pieces += 1 }
        let whole = JSONReport.document(incidents: a.incidents, stats: a.scan.stats, unmatched: a.scan.unmatchedErrors).pretty() + "\n"
        #expect(streamed == whole)
        #expect(pieces > a.incidents.count)
        let parsed = try JSONSerialization.jsonObject(with: Data(streamed.utf8)) as? [String: Any]
        #expect((parsed?["incidents"] as? [Any])?.count == a.incidents.count)
    }

    @Test func noIncidentsGivesAnEmptyList() throws {
        var streamed = ""
        JSONReport.writeDocument(incidents: [], stats: ScanStats()) { streamed += $0 }
        #expect(streamed == JSONReport.document(incidents: [], stats: ScanStats()).pretty() + "\n")
        #expect(streamed.contains("\"incidents\": []"))
    }

    /// CONTRACT.md: a signal's `example` is one record (`source`, `line`, `text`). When the
    /// signal's first event kept no text, the text shown is a later record's, and so is the place
    /// (the report showed the first event's place with another record's text). The record is
    /// samples/networkpolicy-9090/kustomize-controller.log line 2; the first event, without text,
    /// its line 1.
    @Test func anExampleIsOneRecordsPlaceAndText() throws {
        let lines = try String(contentsOf: Self.samples.appendingPathComponent("networkpolicy-9090/kustomize-controller.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let file = "samples/networkpolicy-9090/kustomize-controller.log"
        let signal = SignalSummary(signature: "artifact-fetch-connection-refused", controller: "kustomize-controller", count: 2,
                                   firstSeen: Timestamp(millis: 1_795_488_072_479), lastSeen: Timestamp(millis: 1_795_488_077_508),
                                   captures: [:], location: SourceLocation(file: file, line: 1),
                                   example: Example(location: SourceLocation(file: file, line: 2), text: lines[1]), role: .failure)
        let rendered = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.signal(signal).rendered.utf8)) as? [String: Any])
        let example = try #require(rendered["example"] as? [String: Any])
        #expect(example["line"] as? Int == 2)
        #expect(example["source"] as? String == file)
        #expect(example["text"] as? String == lines[1])
    }
}
