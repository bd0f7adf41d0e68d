import Foundation
import Testing
@testable import LogScan

/// `StartupPages` gives back the code pages start-up ran (issue "Throughput": peak RSS).
@Suite struct StartupPagesTests {
    /// Lines in /proc/self/maps's format (proc(5): address range, permissions, offset, device,
    /// inode, path), as a Linux 6 kernel writes them for a static Swift binary and the C library.
    static let maps = """
    55d0c8a00000-55d0ca0ce000 r-xp 00000000 fe:00 5309721                    /work/main/.build-static/x86_64-unknown-linux-gnu/release/flux-logscan
    55d0ca0cf000-55d0ca16d000 r--p 016ce000 fe:00 5309721                    /work/main/.build-static/x86_64-unknown-linux-gnu/release/flux-logscan
    55d0ca16d000-55d0cc60a000 rw-p 0176c000 fe:00 5309721                    /work/main/.build-static/x86_64-unknown-linux-gnu/release/flux-logscan
    55d0cd000000-55d0cd753000 rw-p 00000000 00:00 0                          [heap]
    7f3a1c644000-7f3a1c79a000 r-xp 00026000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6
    7f3a1caf0000-7f3a1cb20000 rwxp 00000000 00:00 0 
    7ffd5e3f1000-7ffd5e3f3000 r-xp 00000000 00:00 0                          [vdso]
    """

    @Test func onlyExecutableMappingsOfFiles() {
        let ranges = StartupPages.executableFileMappings(Self.maps)
        #expect(ranges.count == 2)
        #expect(ranges.first.map { [$0.0, $0.1] } == [0x55d0c8a00000, 0x55d0ca0ce000])
        #expect(ranges.last.map { [$0.0, $0.1] } == [0x7f3a1c644000, 0x7f3a1c79a000])
    }

    /// A path with spaces stays one field (the sixth takes the rest of the line).
    @Test func pathWithSpaces() {
        let line = "7f3a1c644000-7f3a1c79a000 r-xp 00026000 fe:00 333151                     /opt/my tools/libx.so"
        #expect(StartupPages.executableFileMappings(line).count == 1)
        #expect(StartupPages.executableFileMappings("garbage line").isEmpty)
        #expect(StartupPages.executableFileMappings("zz-yy r-xp 0 0 0 /x").isEmpty)
    }

    #if os(Linux)
    /// RssFile (proc(5): "Size of resident file mappings") of this process, in kB.
    static func residentFileKB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssFile:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    /// On this process (the test binary, its code mapped by no other process): the executable
    /// mappings are advised, and fewer file pages stay resident than before.
    @Test func releasesThisProcessCodePages() throws {
        let before = try #require(Self.residentFileKB())
        let advised = StartupPages.release()
        let after = try #require(Self.residentFileKB())
        #expect(advised > 0)
        #expect(after < before, "RssFile \(before) kB before, \(after) kB after")
    }
    #endif
}
