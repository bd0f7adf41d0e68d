#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether `needle` occurs in `hay`: `memchr` for the needle's first byte, then `memcmp`.
/// (glibc's `memmem` needs `_GNU_SOURCE`, which Swift's Glibc module does not define.)
@inline(__always)
func containsBytes(_ hay: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
    guard let h = hay.baseAddress, let n = needle.baseAddress else { return needle.isEmpty }
    let hn = hay.count, nn = needle.count
    if nn == 0 { return true }
    if hn < nn { return false }
    let first = Int32(n.load(as: UInt8.self))
    var i = 0
    let last = hn - nn
    while i <= last {
        guard let hit = memchr(h + i, first, last - i + 1) else { return false }
        let at = h.distance(to: UnsafeRawPointer(hit))
        if memcmp(h + at, n, nn) == 0 { return true }
        i = at + 1
    }
    return false
}
