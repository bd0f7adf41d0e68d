#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Gives back the pages of code that only start-up ran.
///
/// The release binary is linked with the Swift runtime, Foundation and ICU (about 88 MB with
/// `--static-swift-stdlib`). Start-up runs a scattered part of it once: argument parsing, YAML
/// (Yams, which compiles its resolver's regular expressions with ICU), PCRE2's JIT compiler,
/// Vectorscan's compiler, Foundation's initialisation. Linux maps file pages around each page
/// fault (`fault_around_bytes`, 64 KiB, or the page cache's whole folio), so that about 12 MB of the
/// binary's code stayed mapped for the whole run, though reading records runs a small part of it:
/// at 10 GiB through stdin that was a fifth of the peak RSS (issue "Throughput": under 64 MiB).
///
/// `release()` unmaps the code pages mapped so far (`madvise(MADV_DONTNEED)`, madvise(2)); the
/// ones still used fault back in at their next use, from the page cache, where they stay: the next
/// run of the tool starts as fast (MADV_PAGEOUT, tried first, evicted them from the page cache, and
/// each short run then read about 16 pages of the binary from disk again: 60 ms more per run on
/// this project's VM). Only executable file mappings are touched (`r-xp` in /proc/self/maps, see
/// proc(5)), whose pages are the file's: never written, so dropping them loses nothing (a
/// debugger's breakpoint written into one would be, until it writes it again).
public enum StartupPages {
    /// Unmaps the executable file-backed pages of this process (see the type's documentation).
    /// - Returns: the bytes of the mappings advised (their whole size, resident or not); 0 when
    ///   /proc/self/maps cannot be read or off Linux. Never throws; a mapping the kernel refuses
    ///   is skipped.
    @discardableResult
    public static func release() -> Int {
        #if os(Linux)
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return 0 }
        var advised = 0
        for (start, end) in executableFileMappings(maps) {
            guard let base = UnsafeMutableRawPointer(bitPattern: start) else { continue }
            if madvise(base, Int(end - start), MADV_DONTNEED) == 0 { advised += Int(end - start) }
        }
        return advised
        #else
        return 0
        #endif
    }

    /// The address ranges (start, end; bytes) of the executable mappings of files in
    /// /proc/self/maps's text: lines `start-end perms offset dev inode path` (proc(5)) whose
    /// permissions are `r-x` and whose path is absolute (not `[vdso]`, not anonymous).
    static func executableFileMappings(_ maps: String) -> [(UInt, UInt)] {
        var out: [(UInt, UInt)] = []
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, fields[1].hasPrefix("r-x"),
                  fields[5].drop(while: { $0 == " " }).hasPrefix("/") else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
                  end > start else { continue }
            out.append((start, end))
        }
        return out
    }
}
