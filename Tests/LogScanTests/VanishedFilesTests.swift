import Foundation
import Testing
@testable import LogScan
#if canImport(Glibc)
import Glibc
#endif

/// A file that a folder walk found and that is gone when its turn to be read comes (a log rotated
/// away or deleted while the scan runs) is no input error: trial 13's walk of a folder whose
/// 30,000 files churned printed 10,000 `error:` lines and exited 2. Such files are named once, in
/// one warning, and the rest of the folder is read. A path given by name that does not exist stays
/// an input error.
@Suite struct VanishedFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A folder with the two logs of samples/networkpolicy-9090.
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vanished-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in ["kustomize-controller.log", "source-controller.log"] {
            try FileManager.default.copyItem(at: root.appendingPathComponent("samples/networkpolicy-9090/\(f)"),
                                             to: dir.appendingPathComponent(f))
        }
        return dir
    }

    @Test func aFileDeletedBetweenTheWalkAndItsReadIsAWarningNotAnError() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var walker = InputWalker()
        let paths = walker.expand([dir.path])
        let gone = dir.appendingPathComponent("source-controller.log").path
        #expect(paths.contains(gone))
        try FileManager.default.removeItem(atPath: gone)

        let scanner = LogScanner(patterns: shippedPatterns)
        scanner.walked = walker.found
        scanner.scan(paths: paths, jobs: 1)
        let result = scanner.finish()
        #expect(result.inputErrors.isEmpty, "\(result.inputErrors)")
        #expect(result.vanished == [gone])
        // The other file was read: kustomize-controller's refused artifact fetches (the seed).
        #expect((result.countsBySignature["artifact-fetch-connection-refused"] ?? 0) > 0, "\(result.countsBySignature)")
    }

    @Test func aMissingFileGivenByNameIsStillAnInputError() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).log").path
        var walker = InputWalker()
        let paths = walker.expand([missing])
        #expect(walker.errors.map(\.name) == [missing])
        #expect(paths.isEmpty)
        // Opened by name without a walk (the path vanished after the command line was read).
        let scanner = LogScanner(patterns: shippedPatterns)
        scanner.walked = walker.found
        scanner.scan(paths: [missing], jobs: 1)
        let result = scanner.finish()
        #expect(result.inputErrors.map(\.name) == [missing])
        #expect(result.vanished.isEmpty)
    }

    /// An entry the folder listed and stat(2) no longer finds (here a link whose target was
    /// deleted, as `/var/log/containers` keeps for a while after a pod is gone) goes to the same
    /// note, not to one line of its own.
    @Test func entriesGoneDuringTheWalkShareOneNote() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var links: [String] = []
        for i in 0..<7 {
            let link = dir.appendingPathComponent("old-\(i).log").path
            #expect(symlink(dir.appendingPathComponent("deleted-\(i).log").path, link) == 0)
            links.append(link)
        }
        var walker = InputWalker()
        let paths = walker.expand([dir.path])
        #expect(paths.count == 2)
        #expect(walker.errors.isEmpty)
        #expect(walker.notes.isEmpty, "\(walker.notes)")
        #expect(walker.vanished == links)
        let note = try #require(InputWalker.vanishedNote(walker.vanished))
        #expect(note.hasPrefix("7 file(s) in the folders given were gone when their turn came"))
        #expect(note.hasSuffix("\(links[4]) and 2 more"))
        #expect(InputWalker.vanishedNote([]) == nil)
    }
}
