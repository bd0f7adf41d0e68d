import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Writes to standard output and error. A closed stdout (`flux-logscan ... | head`) ends the
/// program quietly with status 0 (CONTRACT.md).
enum Output {
    static func stdout(_ s: String) {
        var text = s
        text.withUTF8 { buf in
            do {
                _ = try FileDescriptor.standardOutput.writeAll(UnsafeRawBufferPointer(buf))
            } catch Errno.brokenPipe {
                exit(0)
            } catch {
                exit(0)
            }
        }
    }

    static func stderr(_ s: String) {
        var text = s
        text.withUTF8 { buf in _ = try? FileDescriptor.standardError.writeAll(UnsafeRawBufferPointer(buf)) }
    }

    /// Whether stdout is a terminal (for `--color auto`).
    static var stdoutIsTTY: Bool { isatty(1) == 1 }
}
