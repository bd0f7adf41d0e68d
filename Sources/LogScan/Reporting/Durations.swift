/// A duration as Go's `time.Duration.String` writes it, which is how Flux prints durations in its
/// logs (`next try in 10m0s`, `Reconciliation failed after 3m35.344404824s`; FLUX-LOGS.md 1.2):
/// `9m30s`, `10m0s`, `1h2m3s`, `45s`, `1.5s`, `412ms`, `0s`. The one format of every duration in
/// human-readable output (docs/OUTPUT.md "Durations").
///
/// Unlike Go, spans are rounded for a reader: from 10 s up to whole seconds, from 1 s to 10 s to
/// tenths, below 1 s to whole milliseconds. Negative input is written with a leading `-`.
/// - Parameter seconds: the duration in seconds.
public func goDuration(seconds: Double) -> String {
    if seconds < 0 { return "-" + goDuration(seconds: -seconds) }
    if seconds < 1 {
        let ms = Int((seconds * 1000).rounded())
        return ms == 0 ? "0s" : ms == 1000 ? "1s" : "\(ms)ms"
    }
    if seconds < 10 {
        let tenths = Int((seconds * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
    }
    let s = Int(seconds.rounded())
    let h = s / 3600, m = (s % 3600) / 60, sec = s % 60
    if h > 0 { return "\(h)h\(m)m\(sec)s" }
    if m > 0 { return "\(m)m\(sec)s" }
    return "\(sec)s"
}
