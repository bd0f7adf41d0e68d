import Foundation
import Testing
@testable import LogScan

/// `Correlator.sort` sorts through an index array, then moves the occurrences along the
/// permutation's cycles (a close sorts every run held, about 260 bytes an occurrence). Its order
/// must be `sort(by: Correlator.before)`'s, ties included: the correlator, the cascade and the
/// diagnoser all read it, and the report depends on it.
@Suite struct OccurrenceSortTests {
    /// The occurrences of every bundled sample, read by one scanner, so that several incidents'
    /// runs mix.
    static func sampleOccurrences() throws -> [Occurrence] {
        let scanner = LogScanner(patterns: IncidentStreamTests.patterns)
        let root = IncidentStreamTests.samples
        for dir in try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() {
            let path = root.appendingPathComponent(dir).path
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { continue }
            for f in try FileManager.default.contentsOfDirectory(atPath: path).sorted() where f.hasSuffix(".log") {
                scanner.scan(path: path + "/" + f)
            }
        }
        return scanner.result.occurrences
    }

    /// Each occurrence marked with its input position in `run` (which `before` never reads).
    static func marked(_ list: [Occurrence]) -> [Occurrence] {
        list.enumerated().map { i, o in
            var o = o
            o.run = Int32(i)
            return o
        }
    }

    @Test func sortsAsSortByBeforeDoesWithTies() throws {
        let read = try Self.sampleOccurrences()
        #expect(read.count > 50)
        // Ties on the first event time, the first key `before` compares: every occurrence again
        // at the first occurrence's time, so that the later keys (signature, controller, object,
        // captures, place) and exact duplicates decide.
        var input = read
        for o in read {
            var tie = o
            tie.first = read[0].first
            input.append(tie)
            input.append(o)
        }
        // Three input orders: as read, reversed, and interleaved from both ends.
        let interleaved = input.indices.map { $0 % 2 == 0 ? input[$0 / 2] : input[input.count - 1 - $0 / 2] }
        for order in [input, Array(input.reversed()), interleaved] {
            let list = Self.marked(order)
            var sorted = list
            Correlator.sort(&sorted)
            let expected = list.sorted(by: Correlator.before)
            #expect(sorted.map(\.run) == expected.map(\.run))
            #expect(Set(sorted.map(\.run)).count == list.count)
        }
    }

    @Test(arguments: [0, 1, 2, 3])
    func shortLists(count: Int) throws {
        let read = Array(try Self.sampleOccurrences().prefix(count).reversed())
        let list = Self.marked(read)
        var sorted = list
        Correlator.sort(&sorted)
        #expect(sorted.map(\.run) == list.sorted(by: Correlator.before).map(\.run))
    }
}
