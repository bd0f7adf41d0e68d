import Foundation
import Testing
@testable import LogScan

/// Records read in place (`JSONRecordView`, the scanner's `StreamState.quick`) must say what the
/// full decoder (`RecordDecoder.decodePayload`) says of them: time, level, message, object and
/// the controller the record's own members name. Held to it over every JSON line of every
/// sample (real controller-runtime lines of every era, FLUX-LOGS.md 1.1-1.2), and to refusing
/// the shapes it does not read.
@Suite struct RecordViewTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("samples")

    /// Every line of every `.log` file under `samples/`.
    static func sampleLines() throws -> [String] {
        var out: [String] = []
        let files = FileManager.default.enumerator(atPath: samples.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".log") }
        for f in files.sorted() {
            let text = try String(contentsOf: samples.appendingPathComponent(f), encoding: .utf8)
            out += text.split(separator: "\n").map(String.init)
        }
        return out
    }

    /// The view of `line` (a bare JSON record) and the record the full decoder makes of it.
    static func both(_ line: String) -> (JSONRecordView?, Record, [UInt8]) {
        let bytes = Array(line.utf8)
        let view = bytes.withUnsafeBytes { JSONRecordView.read($0) }
        let record = bytes.withUnsafeBytes {
            RecordDecoder.decodePayload($0, envelope: Envelope(), location: SourceLocation(file: "t", line: 1))
        }
        return (view, record, bytes)
    }

    @Test func everyRecordReadInPlaceDecodesAlike() throws {
        var read = 0, json = 0
        for line in try Self.sampleLines() where line.hasPrefix("{") && line.hasSuffix("}") {
            json += 1
            let (view, record, bytes) = Self.both(line)
            guard let view else { continue }
            read += 1
            #expect(record.format == .json, "\(line)")
            bytes.withUnsafeBytes { b in
                #expect(view.time == record.time, "\(line)")
                #expect(view.level == record.level, "\(line)")
                #expect(String(decoding: UnsafeRawBufferPointer(rebasing: b[view.message!]), as: UTF8.self) == record.text, "\(line)")
                #expect(view.object(b) == record.object, "\(line)")
                // With no pod prefix, the record's controller is what its members name.
                #expect(view.controller(b) == record.controller, "\(line)")
            }
        }
        // Not vacuous: the samples' healthy and lifecycle lines (a good part of their records;
        // the rest are error records with an `error` member) are of the plain shape.
        #expect(json > 1000)
        #expect(read * 4 > json, "\(read) of \(json) JSON records read in place")
    }

    /// FLUX-LOGS.md 1.1 (kustomize-controller finish line) and notification-controller's
    /// event-server line (FLUX-LOGS.md 3.9): the two shapes the view reads.
    @Test func readsTheKindObjectAndTheInvolvedObject() {
        let finish = #"{"level":"info","ts":"2025-03-04T10:15:02.418Z","msg":"Reconciliation finished in 1.2s, next run in 10m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"2f0c7d3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f"}"#
        let (v1, _, b1) = Self.both(finish)
        #expect(v1 != nil)
        b1.withUnsafeBytes { b in
            #expect(v1?.object(b) == ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "apps"))
            #expect(v1?.controller(b) == "kustomize-controller")
            #expect(v1?.time == Timestamp.parse("2025-03-04T10:15:02.418Z"))
        }
        let dispatch = #"{"level":"info","ts":"2025-03-04T00:00:00.374Z","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"GitRepository","namespace":"flux-system","name":"platform","uid":"01a67c48-3ef5-481b-a0b9-cd16784e5a9b","apiVersion":"source.toolkit.fluxcd.io/v1","resourceVersion":"472623"},"message":"stored artifact for commit 'fix: raise memory limit'"}"#
        let (v2, r2, b2) = Self.both(dispatch)
        #expect(v2 != nil)
        b2.withUnsafeBytes { b in
            #expect(v2?.object(b) == ObjectRef(kind: "GitRepository", namespace: "flux-system", name: "platform"))
            #expect(v2?.controller(b) == "notification-controller")
            #expect(v2?.object(b) == r2.object)
        }
    }

    /// What the view leaves to the full decoder: an error member, an escape in the message, a
    /// level it does not read, `events`/`setup` loggers, a torn record, a record with no object.
    @Test(arguments: [
        #"{"level":"error","ts":"2025-03-04T10:21:40.031Z","msg":"Reconciler error","controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository","GitRepository":{"name":"flux-system","namespace":"flux-system"},"error":"failed to checkout and determine revision"}"#,
        #"{"level":"info","ts":"2025-03-04T10:14:58.337Z","msg":"stored artifact for commit 'Revert \"x\"'","controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository","GitRepository":{"name":"flux-system","namespace":"flux-system"}}"#,
        #"{"level":"warn","ts":"2025-03-04T10:14:58.337Z","msg":"x","GitRepository":{"name":"a","namespace":"b"}}"#,
        #"{"level":"info","ts":"2025-03-04T10:14:58.337Z","logger":"events","msg":"x","message":"y","GitRepository":{"name":"a","namespace":"b"}}"#,
        #"{"level":"info","ts":"2025-03-04T10:14:58.337Z","logger":"setup","msg":"starting manager"}"#,
        #"{"level":"info","ts":"2025-03-04T10:14:58.337Z","msg":"x","GitRepository":{"name":"a","namespace":"b"}"#,
        #"{"level":"info","ts":"2025-03-04T10:14:58.337Z","msg":"Starting workers","controller":"kustomization","worker count":4}"#,
        #"{"level":"info","ts":"2025-03-04T10:14:58.337Z","msg":"x","GitRepository":{"namespace":"b"}}"#,
    ])
    func leavesOtherShapesToTheDecoder(line: String) {
        #expect(Self.both(line).0 == nil)
    }
}
