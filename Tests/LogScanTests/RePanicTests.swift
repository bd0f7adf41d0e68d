import Foundation
import Testing
@testable import LogScan

/// One reconciler panic under controller-runtime < v0.15 (or `RecoverPanic` off): the reconcile's
/// logger writes `Observed a panic in reconciler: %v` (pkg/internal/controller/controller.go,
/// FLUX-LOGS.md 3.1), then `panic(r)` again, and Go writes its crash report on the same stderr:
/// `panic: <v> [recovered]`, a tab and `panic: <v>`, the signal line for a nil dereference, and
/// the goroutine's stack (Go 1.25 and later: `panic: <v> [recovered, repanicked]` and no second
/// line, golang/go#76099). The process exits and the kubelet restarts it (FLUX-LOGS.md 3.12).
/// A trial read each crash as two CRITICAL incidents, the report's without object first.
@Suite struct RePanicTests {
    static let patterns = PatternLoader.shipped().set
    static let value = "runtime error: invalid memory address or nil pointer dereference"
    static let object = "Kustomization/flux-system/monitoring"
    static let fields = #""controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"monitoring","namespace":"flux-system"},"namespace":"flux-system","name":"monitoring","reconcileID":"5edd4a48-c4f4-4c6b-8c25-bedd346af378""#

    /// kustomize-controller's start-up (FLUX-LOGS.md 1.2, 3.12: logger `runtime`, client-go < v0.35).
    static func startUp(_ ts: String) -> [String] {
        [#"{"level":"info","ts":"\#(ts).100Z","logger":"setup","msg":"starting manager"}"#,
         #"{"level":"info","ts":"\#(ts).102Z","logger":"runtime","msg":"attempting to acquire leader lease flux-system/kustomize-controller-leader-election...\n"}"#,
         #"{"level":"info","ts":"\#(ts).300Z","logger":"runtime","msg":"successfully acquired lease flux-system/kustomize-controller-leader-election\n"}"#,
         #"{"level":"info","ts":"\#(ts).400Z","msg":"Starting workers","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","worker count":4}"#]
    }

    /// controller-runtime's record of the panic, with the reconcile's object.
    static func observed(_ ts: String, value: String = value) -> String {
        #"{"level":"info","ts":"\#(ts)","msg":"Observed a panic in reconciler: \#(value)",\#(fields)}"#
    }

    /// Go's crash report of a recovered value panicked again (Go <= 1.24 unless `go125`).
    static func report(value: String = value, go125: Bool = false) -> [String] {
        (go125 ? ["panic: \(value) [recovered, repanicked]"] : ["panic: \(value) [recovered]", "\tpanic: \(value)"])
            + ["[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1a2b3c4]", "",
               "goroutine 412 [running]:",
               "sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).Reconcile.func1()",
               "\t/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.14.5/pkg/internal/controller/controller.go:118 +0x1e5"]
    }

    /// One container that starts, logs the panic and dies with the report (`withReport`).
    static func crash(_ minute: Int, withReport: Bool = true, go125: Bool = false) -> [String] {
        let ts = "2023-04-12T07:3\(minute):00"
        return startUp(ts) + [observed("\(ts).505Z")] + (withReport ? report(go125: go125) : [])
    }

    static func incidents(_ lines: [String]) throws -> [Incident] {
        try TransientTests.incidents([("kustomize-controller.log", lines)])
    }

    static func signals(_ i: Incident) -> [String] {
        i.signals.map { "\($0.signature) ×\($0.count) \($0.role)" }.sorted()
    }

    /// The trial's case: three crashes, each logged and then reported by Go, are one incident
    /// about the Kustomization; the reports count as the process dying (wrappers), not as more
    /// panics.
    @Test(arguments: [false, true])
    func aLoggedPanicAndGosReportOfItAreOneIncident(go125: Bool) throws {
        let found = try Self.incidents((0..<3).flatMap { Self.crash($0, go125: go125) })
        try #require(found.count == 1)
        let i = found[0]
        #expect(i.severity == .critical)
        #expect(i.title == "Reconciler panicked: \(Self.object)")
        #expect(i.objects == [Self.object])
        #expect(Self.signals(i) == ["go-runtime-panic ×3 wrapper", "reconciler-panic ×3 failure"])
    }

    /// Without Go's report (a JSON-only pipeline dropped it) the same incident, reports aside.
    @Test func theLoggedPanicAloneIsTheSameIncident() throws {
        let found = try Self.incidents((0..<3).flatMap { Self.crash($0, withReport: false) })
        try #require(found.count == 1)
        #expect(found[0].title == "Reconciler panicked: \(Self.object)")
        #expect(Self.signals(found[0]) == ["reconciler-panic ×3 failure"])
    }

    /// A Go panic that no logged record came before (nothing recovered it, or the record was
    /// lost) stays an incident of its own, without object.
    @Test func aReportWithNoLoggedPanicStaysItsOwnIncident() throws {
        let found = try Self.incidents(Self.startUp("2023-04-12T07:30:00") + Self.report())
        try #require(found.count == 1)
        #expect(found[0].objects.isEmpty)
        #expect(found[0].signals.contains { $0.signature == "go-runtime-panic" })
    }

    /// A report of another value is another panic (a second worker's, or one in a goroutine of
    /// its own), not the logged one's death.
    @Test func aReportOfAnotherValueIsAnotherPanic() throws {
        let lines = Self.startUp("2023-04-12T07:30:00") + [Self.observed("2023-04-12T07:30:00.505Z")]
            + Self.report(value: "assignment to entry in nil map")
        let found = try Self.incidents(lines)
        #expect(found.count == 2)
        #expect(found.contains { $0.objects.isEmpty })
    }

    /// controller-runtime >= v0.15 with RecoverPanic returns the panic as an error and goes on:
    /// no crash report follows, and a later unrelated Go panic is not given its object.
    @Test func aRecoveredPanicIsNotWaitingForAReport() throws {
        let recovered = #"{"level":"error","ts":"2023-04-12T07:30:00.505Z","msg":"Reconciler error",\#(Self.fields),"error":"panic: \#(Self.value) [recovered]"}"#
        let found = try Self.incidents(Self.startUp("2023-04-12T07:30:00") + [recovered] + Self.report())
        #expect(found.count == 2)
    }

    /// The value Go's report gives: the first line between `panic: ` and the marker, for both
    /// markers; none for a panic nothing recovered, nor for a JSON record's error.
    @Test func repanickedValueReadsBothMarkers() {
        #expect(ObservedPanic.repanickedValue(decode("panic: \(Self.value) [recovered]")) == Self.value[...])
        #expect(ObservedPanic.repanickedValue(decode("panic: \(Self.value) [recovered, repanicked]")) == Self.value[...])
        #expect(ObservedPanic.repanickedValue(decode("panic: \(Self.value)")) == nil)
        let recovered = #"{"level":"error","ts":"2023-04-12T07:30:00.505Z","msg":"Reconciler error",\#(Self.fields),"error":"panic: \#(Self.value) [recovered]"}"#
        #expect(ObservedPanic.repanickedValue(decode(recovered)) == nil)
    }

    /// A report belongs to the logged panic of the same value and controller, from the same
    /// time up to 10 s after it.
    @Test func aReportComesWithinSecondsOfItsPanic() {
        let p = ObservedPanic(value: Self.value, object: nil, controller: "kustomize-controller", millis: 1_000_000, signature: 0)
        #expect(p.isReported(value: Self.value, controller: "kustomize-controller", millis: 1_000_000))
        #expect(p.isReported(value: Self.value, controller: "kustomize-controller", millis: 1_010_000))
        #expect(!p.isReported(value: Self.value, controller: "kustomize-controller", millis: 1_010_001))
        #expect(!p.isReported(value: Self.value, controller: "kustomize-controller", millis: 999_999))
        #expect(!p.isReported(value: Self.value, controller: "helm-controller", millis: 1_000_000))
        #expect(!p.isReported(value: "assignment to entry in nil map", controller: "kustomize-controller", millis: 1_000_000))
    }
}
