import Foundation
import Testing

/// Issue "Throughput": files are read in parallel (`--jobs`, one task per file) and merged in
/// input order, so the report must not depend on the number of jobs, down to the byte.
@Suite struct ParallelTests {
    static let now = "--now=2026-11-30T00:00:00Z"

    @Test(arguments: try Sample.all())
    func jobsDoNotChangeTheReport(sample: Sample) throws {
        let one = try run(["--format", "json", Self.now, "--jobs", "1"] + sample.logs)
        let four = try run(["--format", "json", Self.now, "--jobs", "4"] + sample.logs)
        #expect(one.status == four.status)
        #expect(one.stdout == four.stdout)
        #expect(!one.stdout.isEmpty)
    }

    /// Every sample's files in one run (about a hundred files; several samples share byte-identical
    /// logs, so equal times in different files are common): the parts finish in any order on four
    /// threads and still merge to the sequential report; its 40-odd incidents are scored in
    /// chunks of two on four threads (Diagnoser `jobs`), and reversing the files changes no
    /// incident (places aside), evidence places included.
    @Test func allSamplesAtOnce() throws {
        let logs = try Sample.all().flatMap(\.logs)
        #expect(logs.count > 40)
        let one = try run(["--format", "json", Self.now, "--jobs", "1"] + logs)
        let reversedOne = try run(["--format", "json", Self.now, "--jobs", "1"] + logs.reversed())
        let four = try run(["--format", "json", Self.now, "--jobs", "4"] + logs)
        #expect(one.stdout == four.stdout)
        let a = try incidentsWithoutPlaces(try json(one.stdout))
        let b = try incidentsWithoutPlaces(try json(reversedOne.stdout))
        #expect(a == b)
        #expect(((try json(one.stdout)["incidents"] as? [Any])?.count ?? 0) > 0)
    }

    @Test func jobsBelowOneIsAUsageError() throws {
        let r = try run(["--jobs", "0", "samples/networkpolicy-9090"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--jobs"))
    }
}
