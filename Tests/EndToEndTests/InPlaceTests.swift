import Foundation
import Testing

/// Issue "Throughput": records whose only hits are healthy or lifecycle signatures are read in
/// place (LogScan `StreamState.quick`), without building the record or its events. That must
/// change no byte of any report: each sample, as its files and as one time-ordered stream, gives
/// the same JSON report with the prefilter (which chooses the records read in place) as with
/// `--no-prefilter` (every record decoded in full and tried against every signature).
@Suite struct InPlaceTests {
    @Test(arguments: try Sample.all())
    func readingInPlaceChangesNoReport(sample: Sample) throws {
        let stream = try ClosingTests.merged(sample)
        defer { try? FileManager.default.removeItem(at: stream) }
        for inputs in [sample.logs, [stream.path]] {
            // The report, and matching only (`--counts`: records read in place are counted
            // without building their events).
            for mode in [["--format", "json"], ["--counts"]] {
                let args = mode + [ClosingTests.now] + inputs
                let fast = try run(args)
                let full = try run(["--no-prefilter"] + args)
                #expect(fast.status == full.status, "\(mode)")
                #expect(fast.stdout == full.stdout, "\(mode)")
                #expect(fast.stderr == full.stderr, "\(mode)")
            }
        }
    }

    /// Many inputs read one after another by one worker (`--jobs 1`): each input has an event
    /// store of its own, and what was learned of one store's objects must not be used in the
    /// next (object ids cached across inputs once crashed the merge of all samples at once).
    @Test func manyInputsOnOneWorker() throws {
        let logs = try Sample.all().flatMap(\.logs)
        let args = ["--format", "json", ClosingTests.now, "--jobs", "1"] + logs
        let fast = try run(args)
        let full = try run(["--no-prefilter"] + args)
        #expect(fast.status == 1)
        #expect(fast.stdout == full.stdout)
    }

    /// The comparison above means something only if records are read in place: the debug line
    /// counts them (`FLUX_LOGSCAN_DEBUG`). `unknown-errors` is mostly healthy traffic around a
    /// few unknown errors; across all samples, some of each sample's streams are read in place.
    @Test func samplesAreReadInPlace() throws {
        let samples = try Sample.all()
        let mostly = try #require(samples.first { $0.name == "unknown-errors" })
        let args = ["--format", "json", ClosingTests.now, "--jobs", "1"] + mostly.logs
        let inPlace = try ClosingTests.debugCount(args, "records read in place")
        let decoded = try ClosingTests.debugCount(args, "decoded")
        #expect(inPlace > 2 * decoded, "\(inPlace) read in place, \(decoded) decoded")
        var some = 0
        for sample in samples where try ClosingTests.debugCount(["--format", "json", ClosingTests.now] + sample.logs, "records read in place") > 0 {
            some += 1
        }
        #expect(some * 2 > samples.count, "\(some) of \(samples.count) samples have records read in place")
    }
}
