import Foundation
import Testing
@testable import LogScan

/// `scan`'s report is diagnosed a batch at a time (`IncidentStream`) and the incidents closed
/// while reading wait on disk (`IncidentSpill`), so that a long stream's report never exists whole
/// in memory (issue "Throughput": flat memory). Neither may change a byte of the report.
@Suite struct IncidentStreamTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("samples")
    static let patterns = PatternLoader.shipped().set

    /// Every `*.log` of a sample's folder, read by one scanner.
    static func scan(_ sample: String) throws -> ScanResult {
        let scanner = LogScanner(patterns: patterns)
        let dir = samples.appendingPathComponent(sample)
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where f.hasSuffix(".log") {
            scanner.scan(path: dir.appendingPathComponent(f).path)
        }
        return scanner.result
    }

    static func rendered(_ i: Incident) -> String { JSON.object(JSONReport.incident(i)).pretty() }

    /// Samples with hypotheses, recoveries, downstream incidents folded under a root, transient
    /// incidents and a controller restart folded into the incident it explains.
    static let varied = ["networkpolicy-9090", "gitrepository-cascade", "controller-restarting", "artifact-missing",
                         "helm-release-locked", "oom-killed-source-controller", "probe-kill-loop", "source-controller-restart"]

    @Test(arguments: varied)
    func aBatchAtATimeGivesTheReportAnalysisGives(sample: String) throws {
        let whole = Analysis(scan: try Self.scan(sample), patterns: Self.patterns, windowSeconds: 900).incidents
        #expect(!whole.isEmpty)
        for batch in [1, 2, 5] {
            let stream = IncidentStream(scan: try Self.scan(sample), patterns: Self.patterns, windowSeconds: 900, jobs: 2)
            #expect(stream.entries.map(\.id) == whole.map(\.id))
            var streamed: [String] = []
            stream.forEach(batch: batch) { streamed.append(Self.rendered($0)) }
            #expect(streamed == whole.map(Self.rendered), "batch \(batch)")
            #expect(stream.readErrors.isEmpty)
        }
    }

    /// What the text header and the exit status read before any diagnosis (`entries`) is what
    /// the diagnosed incidents say; `select` and `minSeverity` leave out what they should.
    @Test(arguments: varied)
    func entriesTellTheReportBeforeDiagnosis(sample: String) throws {
        let whole = Analysis(scan: try Self.scan(sample), patterns: Self.patterns, windowSeconds: 900).incidents
        let stream = IncidentStream(scan: try Self.scan(sample), patterns: Self.patterns, windowSeconds: 900)
        #expect(stream.entries.map(\.severity) == whole.map(\.severity))
        #expect(stream.entries.map(\.status) == whole.map(\.status))
        #expect(stream.entries.map(\.transient) == whole.map(\.transient))
        let sc = "source-controller"
        let selecting = IncidentStream(scan: try Self.scan(sample), patterns: Self.patterns, windowSeconds: 900,
                                       select: { $0.controllers.contains(sc) })
        #expect(selecting.entries.map(\.id) == whole.filter { $0.controllers.contains(sc) }.map(\.id))
        #expect(selecting.unselected == whole.filter { !$0.controllers.contains(sc) }.count)
        var errors: [String] = []
        stream.forEach(minSeverity: .error) { errors.append($0.id) }
        #expect(errors == whole.filter { $0.severity >= .error }.map(\.id))
    }

    /// An incident written to the spill file and read back renders as it did: hypotheses,
    /// recovery, downstream, captures and examples, deflated ones too (`Example.compacted`).
    @Test func spilledIncidentsComeBackAsTheyWent() throws {
        let spill = try #require(IncidentSpill())
        var written: [String] = []
        for sample in Self.varied {
            for var i in Analysis(scan: try Self.scan(sample), patterns: Self.patterns, windowSeconds: 900).incidents {
                written.append(Self.rendered(i))
                for k in i.signals.indices { i.signals[k].example = i.signals[k].example?.compacted() }
                #expect(spill.append(i))
            }
        }
        #expect(written.contains { $0.contains("\"recovery\"") })
        #expect(written.contains { $0.contains("\"downstream\"") })
        #expect(spill.count == written.count)
        for k in written.indices { #expect(Self.rendered(try spill.incident(at: k)) == written[k]) }
    }

    /// A spill is refused where no file can be made; the scanner then keeps what it closes in memory.
    @Test func noSpillWithoutAFolder() {
        #expect(IncidentSpill(directory: "/nonexistent-flux-logscan-tmp") == nil)
    }
}
