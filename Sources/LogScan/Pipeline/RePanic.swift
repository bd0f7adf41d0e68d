/// A reconciler panic that controller-runtime logged before panicking again, kept by a stream
/// until Go's crash report of that same panic comes (FLUX-LOGS.md 3.1).
///
/// controller-runtime before v0.15, and later ones with `RecoverPanic` off, recover a reconciler's
/// panic only to log it with the reconcile's logger, `Observed a panic in reconciler: %v` (a JSON
/// record that names the object), and then `panic(r)` again
/// (pkg/internal/controller/controller.go). Nothing recovers it a second time: Go prints its crash
/// report on the same stderr, `panic: <v> [recovered]`, a tab and `panic: <v>` (Go 1.25 and
/// later: `panic: <v> [recovered, repanicked]`), and the goroutine's stack, and the process
/// exits. That report names no object and is the same panic: read alone it was a second
/// `Reconciler panicked` incident without object (a trial: three crashes, two critical
/// incidents, the objectless one first). `LogScanner.StreamState.processNow` gives the report's
/// events to the logged panic: the failure signature the logged record already counted is not
/// counted again, and the report's other failures (`go-runtime-panic`: the process died) become
/// wrappers about the logged record's object. A Go panic no such record came before stays an
/// incident of its own.
struct ObservedPanic: Equatable {
    /// The panic value as the logged record gives it (its signature's capture `panic`, or
    /// `panic2`), first line only.
    var value: String
    /// The object the logged record named (nil: it named none).
    var object: ObjectRef?
    /// The controller the record was given.
    var controller: String?
    /// Its time (UTC milliseconds); nil when neither it nor a record before it had one.
    var millis: Int64?
    /// The failure signature (index) that hit the logged record.
    var signature: Int

    /// How long after the logged record its crash report may come: controller-runtime panics
    /// again right after logging, and Go prints the report once the goroutine's remaining
    /// deferred calls ran (milliseconds), so a report seconds later is another panic's. 10 s
    /// leaves room for records stamped to the second and for a slow stderr flush.
    static let reachMillis: Int64 = 10_000

    /// The markers Go prints after a panic value that was recovered and then panicked again:
    /// `[recovered]` up to Go 1.24 (the next line repeats the value after a tab and `panic: `),
    /// `[recovered, repanicked]` from Go 1.25 (runtime/panic.go `printpanics`).
    static let recoveredMarkers = [" [recovered]", " [recovered, repanicked]"]

    /// The panic value of `r` when it is Go's crash report of a recovered value panicked again:
    /// a plain-text record whose message begins `panic: <v> [recovered]` (or `[recovered,
    /// repanicked]`); the value is the first line's text between `panic: ` and the marker. nil
    /// for anything else: a JSON record whose error holds `panic: <v> [recovered]` (controller-
    /// runtime >= v0.15 returned the recovered panic as an error, the process lives on), and a
    /// Go panic that nothing recovered (`panic: <v>` alone).
    static func repanickedValue(_ r: Record) -> Substring? {
        guard r.format == .plain, r.message.hasPrefix("panic: ") else { return nil }
        let first = r.message.dropFirst("panic: ".count).prefix { $0 != "\n" }
        for marker in recoveredMarkers where first.hasSuffix(marker) {
            return first.dropLast(marker.count)
        }
        return nil
    }

    /// Whether a crash report of the panic `value` (`repanickedValue`), given `controller` and
    /// timed `millis`, is this panic's: the same value and controller, at most `reachMillis`
    /// after it (a record with no time of its own takes the time of the one before it).
    func isReported(value: some StringProtocol, controller: String?, millis: Int64?) -> Bool {
        guard value == self.value, controller == self.controller else { return false }
        guard let t = millis, let start = self.millis else { return millis == nil && self.millis == nil }
        return t >= start && t - start <= Self.reachMillis
    }
}
