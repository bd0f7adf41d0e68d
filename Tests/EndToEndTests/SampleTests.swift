import Foundation
import Testing

/// Every sample through the binary's JSON output (issue "First diagnosis"): the expected first
/// hypothesis, incident count, objects and status come from the sample's expected.json, written
/// from the scenario's story (samples/*/README.md), not from what the tool prints.
@Suite struct SampleTests {
    @Test func samplesExist() throws {
        let names = try Sample.all().map(\.name)
        for n in ["networkpolicy-9090", "networkpolicy-9090-timeout", "source-controller-restart", "artifact-missing"] {
            #expect(names.contains(n), "missing sample \(n)")
        }
    }

    @Test(arguments: try Sample.all())
    func firstHypothesisObjectsAndCount(_ sample: Sample) throws {
        let r = try run(["--format", "json", "--color", "never"] + sample.logs)
        #expect(r.stderr == "")
        let report = try json(r.stdout)
        let incidents = try #require(report["incidents"] as? [[String: Any]])
        #expect(incidents.count == sample.incidents)
        // A story with no failure (`"incidents": 0`) expects an empty report and exit status 0.
        if sample.incidents == 0 {
            #expect(r.status == 0)
            return
        }
        let first = try #require(incidents.first)
        let hyps = try #require(first["hypotheses"] as? [[String: Any]])
        #expect(hyps.first?["id"] as? String == sample.firstHypothesis)
        #expect((first["objects"] as? [String]) == sample.objects)
        if let status = sample.status {
            #expect(first["status"] as? String == status)
        }
        // A sample whose story has no known cause (samples/unknown-errors) expects no hypothesis.
        if sample.firstHypothesis == nil {
            #expect(hyps.isEmpty)
            #expect(r.status == 1)
            return
        }
        // The first cause says why: at least one piece of evidence for it, naming its signal and place.
        let evidence = hyps.first?["evidence_for"] as? [String] ?? []
        #expect(!evidence.isEmpty, "\(sample.name): the first hypothesis shows no evidence for it")
        #expect(evidence.allSatisfy { $0.contains("[") && $0.hasSuffix("]") })
        // Confidence is a probability and the ranking is by it.
        let confidences = hyps.compactMap { $0["confidence"] as? Double }
        #expect(confidences == confidences.sorted(by: >))
        #expect(confidences.allSatisfy { $0 >= 0 && $0 <= 1 })
        // Exit status: an open or resolved incident at error counts for --fail-on error.
        #expect(r.status == 1)
    }

    /// An incident's span covers its own signals (CONTRACT.md: `first_seen`/`last_seen` of the
    /// incident and of each signal). probe-kill-loop's `controller-probe-killed` lasted to the
    /// lifetime's last record, 2 ms after the incident's `last_seen` (the shutdown line).
    @Test(arguments: try Sample.all())
    func incidentSpansCoverTheirSignals(_ sample: Sample) throws {
        let report = try json(run(["--format", "json"] + sample.logs).stdout)
        for i in report["incidents"] as? [[String: Any]] ?? [] {
            let first = try #require(i["first_seen"] as? String), last = try #require(i["last_seen"] as? String)
            for s in i["signals"] as? [[String: Any]] ?? [] {
                // RFC 3339 in UTC with milliseconds: the strings order as the times do.
                if let f = s["first_seen"] as? String { #expect(f >= first, "\(sample) \(i["id"] ?? "") \(s["signature"] ?? "")") }
                if let l = s["last_seen"] as? String { #expect(l <= last, "\(sample) \(i["id"] ?? "") \(s["signature"] ?? "")") }
            }
        }
    }

    /// The same sample as one file, as two files in either order, or concatenated on stdin gives
    /// the same incidents.
    @Test(arguments: try Sample.all())
    func inputShapeDoesNotChangeIncidents(_ sample: Sample) throws {
        let base = try incidentsWithoutPlaces(json(run(["--format", "json"] + sample.logs).stdout))
        let reversed = try incidentsWithoutPlaces(json(run(["--format", "json"] + sample.logs.reversed()).stdout))
        #expect(reversed == base)
        for order in [sample.logs, sample.logs.reversed()] {
            var cat = Data()
            for f in order { cat.append(try Data(contentsOf: packageRoot.appendingPathComponent(f))) }
            let piped = try incidentsWithoutPlaces(json(run(["--format", "json", "-"], stdin: cat).stdout))
            #expect(piped == base, "cat \(order.joined(separator: " ")) | flux-logscan")
        }
    }

    /// `kubectl logs --prefix --timestamps` of the same scenario gives the same events, apart from
    /// file:line (issue "The spine").
    @Test(arguments: try Sample.all())
    func envelopesGiveTheSameEvents(_ sample: Sample) throws {
        let wrapped = "samples/\(sample.name)/envelopes/prefix-timestamps.log"
        guard FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent(wrapped).path) else { return }
        func events(_ args: [String]) throws -> [String] {
            let out = try run(["--format", "ndjson", "-v"] + args).text
            return try out.split(separator: "\n").compactMap { line -> String? in
                var o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                guard o["type"] as? String == "event" else { return nil }
                o.removeValue(forKey: "source")
                o.removeValue(forKey: "line")
                return String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
            }.sorted()
        }
        let plain = try events(sample.logs)
        let enveloped = try events([wrapped])
        #expect(!plain.isEmpty)
        #expect(plain == enveloped)
    }

    @Test func refusedOnK3sAndRestartShareConsumerLines() throws {
        let a = try Data(contentsOf: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log"))
        let b = try Data(contentsOf: packageRoot.appendingPathComponent("samples/source-controller-restart/kustomize-controller.log"))
        #expect(a == b)
    }

    /// The README's first command shows the incident with its evidence, checks and fix.
    @Test func textReportOfTheSupportCase() throws {
        let r = try run(["--color", "never", "samples/networkpolicy-9090/kustomize-controller.log", "samples/networkpolicy-9090/source-controller.log"])
        let text = r.text
        #expect(text.contains("networkpolicy-blocks-artifact-port"))
        #expect(text.contains("GitRepository/flux-system/flux-system"))
        #expect(text.contains("kubectl -n flux-system get networkpolicy"))
        #expect(text.contains("port: 9090"))
        #expect(text.contains("kustomize-controller.log:"))
        // The first listed cause is the NetworkPolicy.
        let firstCause = text.components(separatedBy: "likely causes:\n").dropFirst().first?.split(separator: "\n").first ?? ""
        #expect(firstCause.contains("1. networkpolicy-blocks-artifact-port"))
    }
}

@Suite struct CommandLineTests {
    /// A broken pattern file is named with its line and PCRE2's error, left out, and the scan
    /// goes on with every other pattern (the brief: a broken pattern file is bad input like any
    /// other, the rest still processed); the exit status is 2 (CONTRACT.md).
    @Test func brokenPatternFileExitsTwoWithFileLineAndPCRE2Error() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flux-logscan-pat-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.yaml")
        try "version: 1\nsignatures:\n  - id: bad\n    regex: 'refused (?<port>\\d+'\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try run(["--patterns", dir.path, "samples/networkpolicy-9090/kustomize-controller.log"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.yaml:4:"))
        #expect(r.stderr.contains("missing closing parenthesis"))
        #expect(r.stderr.contains("offset"))
        #expect(r.stderr.contains("scanning with the patterns that loaded"))
        #expect(r.text.contains("1. networkpolicy-blocks-artifact-port"))
        let json = try run(["--format", "json", "--patterns", dir.path, "samples/networkpolicy-9090/kustomize-controller.log"])
        #expect(json.status == 2)
        #expect((try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])?["incidents"] as? [Any] != nil)
    }

    @Test func missingInputIsReportedAndTheRestProcessed() throws {
        let r = try run(["--format", "json", "no/such/file.log", "samples/networkpolicy-9090/kustomize-controller.log"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no/such/file.log"))
        let report = try json(r.stdout)
        #expect((report["incidents"] as? [Any])?.isEmpty == false)
    }

    @Test func failOnCriticalExitsZeroForErrorIncidents() throws {
        let r = try run(["--fail-on", "critical", "samples/networkpolicy-9090/kustomize-controller.log"])
        #expect(r.status == 0)
    }

    /// `-q`: the summary line of each incident (CONTRACT.md), one after another.
    @Test func quietPrintsOneLinePerIncident() throws {
        let r = try run(["-q", "--color", "never", "samples/gitrepository-cascade/kustomize-controller.log",
                         "samples/gitrepository-cascade/source-controller.log", "samples/networkpolicy-9090/kustomize-controller.log",
                         "samples/networkpolicy-9090/source-controller.log"])
        let lines = r.text.split(separator: "\n", omittingEmptySubsequences: false)
        let incidents = lines.filter { $0.hasPrefix("[") }
        #expect(incidents.count == 2)
        #expect(incidents.allSatisfy { $0.contains("ERROR open") })
        let first = try #require(lines.firstIndex { $0.hasPrefix("[1]") })
        #expect(lines[first + 1].hasPrefix("[2]"))
    }

    @Test func usageErrorExitsTwo() throws {
        let r = try run(["--window", "soon"])
        #expect(r.status == 2)
    }

    @Test func binaryGarbageIsReadNotFatal() throws {
        var garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        garbage.append(try Data(contentsOf: packageRoot.appendingPathComponent("samples/networkpolicy-9090/kustomize-controller.log")))
        let r = try run(["--format", "json", "-"], stdin: garbage)
        #expect(r.status == 1)
        let report = try json(r.stdout)
        #expect((report["incidents"] as? [Any])?.count == 1)
    }
}

/// The prefilter changes nothing but speed: every sample gives the same events with and without it.
@Suite struct PrefilterEquivalenceTests {
    @Test(arguments: try Sample.all())
    func sameEventsWithoutThePrefilter(_ sample: Sample) throws {
        let with = try RewrapTests.events(sample.logs)
        let without = try RewrapTests.events(["--no-prefilter"] + sample.logs)
        #expect(with == without)
        let statsWith = try json(run(["--format", "json"] + sample.logs).stdout)["stats"] as? [String: Any]
        let statsWithout = try json(run(["--format", "json", "--no-prefilter"] + sample.logs).stdout)["stats"] as? [String: Any]
        #expect(statsWith?["by_controller"] as? [String: Int] == statsWithout?["by_controller"] as? [String: Int])
        #expect(statsWith?["by_format"] as? [String: Int] == statsWithout?["by_format"] as? [String: Int])
    }
}
