import Testing
@testable import LogScan

func decode(_ line: String, file: String = "t.log") -> Record {
    var bytes = Array(line.utf8)
    return bytes.withUnsafeMutableBytes { RecordDecoder.decode(UnsafeRawBufferPointer($0), location: SourceLocation(file: file, line: 1)) }
}

/// Real line from https://github.com/fluxcd/flux2/issues/4811 (FLUX-LOGS.md 1.4), current era.
let realRequestFailed = #"{"level":"info","ts":"2024-05-24T10:10:26.095Z","msg":"request failed","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"flux-system","namespace":"flux-system"},"namespace":"flux-system","name":"flux-system","reconcileID":"5edd4a48-c4f4-4c6b-8c25-bedd346af378","error":"Get \"http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec.tar.gz\": dial tcp 10.43.89.232:80: connect: connection refused","method":"GET","url":"http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec.tar.gz"}"#

@Suite struct DecoderTests {
    @Test func currentEraControllerRuntimeJSON() {
        let r = decode(realRequestFailed)
        #expect(r.format == .json)
        #expect(r.level == .info)
        #expect(r.time?.rfc3339 == "2024-05-24T10:10:26.095Z")
        #expect(r.controller == "kustomize-controller")
        #expect(r.object?.description == "Kustomization/flux-system/flux-system")
        #expect(r.message == "request failed")
        #expect(r.error.hasPrefix(#"Get "http://source-controller.flux-system.svc.cluster.local./gitrepository/"#))
        #expect(r.error.hasSuffix("dial tcp 10.43.89.232:80: connect: connection refused"))
        #expect(r.fields["url"] == "http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/c7313dec.tar.gz")
        #expect(r.text == "request failed " + r.error)
    }

    @Test func firstEraWithZoneOffset() {
        // Real 2021 line, kustomize-controller PR #289 (FLUX-LOGS.md 1.4): era 1 keys, +0200 without colon.
        let line = #"{"level":"error","ts":"2021-02-26T12:03:19.710+0200","logger":"controller.kustomization","msg":"Reconciliation failed after 3m35.317406763s, next try in 5m0s","reconciler group":"kustomize.toolkit.fluxcd.io","reconciler kind":"Kustomization","name":"podinfo","namespace":"flux-system","revision":"master/e43ebfa","error":"failed to download artifact, error: GET http://localhost:8080/gitrepository/flux-system/podinfo/e43ebfa.tar.gz giving up after 10 attempt(s): Get \"http://localhost:8080/gitrepository/flux-system/podinfo/e43ebfa.tar.gz\": dial tcp [::1]:8080: connect: connection refused"}"#
        let r = decode(line)
        #expect(r.time?.rfc3339 == "2021-02-26T10:03:19.710Z")
        #expect(r.level == .error)
        #expect(r.controller == "kustomize-controller")
        #expect(r.object?.description == "Kustomization/flux-system/podinfo")
        #expect(r.fields["revision"] == "master/e43ebfa")
    }

    @Test func secondEraLowerCamelObjectKey() {
        // Real era-2 line (controller-runtime v0.12) from flux2 cmd/flux/logs_unit_test.go.
        let r = decode(#"{"level":"info","ts":"2022-08-02T12:55:34.419Z","msg":"no changes since last reconcilation: observed revision","controller":"gitrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository","gitRepository":{"name":"podinfo","namespace":"default"},"namespace":"default","name":"podinfo","reconcileID":"5ef9b2ef-4ea5-47b7-b887-a247cafc1bce"}"#)
        #expect(r.time?.rfc3339 == "2022-08-02T12:55:34.419Z")
        #expect(r.level == .info)
        #expect(r.controller == "source-controller")
        #expect(r.object?.description == "GitRepository/default/podinfo")
        #expect(r.message == "no changes since last reconcilation: observed revision")
    }

    @Test func eventRecorderDebugLine() {
        // controller-runtime pkg/internal/recorder/recorder.go: "logger":"events", msg = the event
        // message, object = the involved object (FLUX-LOGS.md 1.2, 7: helm-controller v0.x puts
        // chart download failures only here).
        let r = decode(#"{"level":"debug","ts":"2022-03-01T10:00:00.000Z","logger":"events","msg":"Get \"http://source-controller.flux-system.svc.cluster.local./helmchart/default/default-podinfo/podinfo-6.0.3.tgz\": dial tcp 10.96.12.34:80: connect: connection refused","type":"Warning","object":{"kind":"HelmRelease","namespace":"default","name":"podinfo","uid":"2b9e4ad8-5e8f-4c2e-9a5e-6c1e2f3a4b5c","apiVersion":"helm.toolkit.fluxcd.io/v2beta1","resourceVersion":"12345"},"reason":"error"}"#)
        #expect(r.level == .debug)
        #expect(r.controller == "helm-controller")
        #expect(r.object?.description == "HelmRelease/default/podinfo")
        #expect(r.message.hasSuffix("dial tcp 10.96.12.34:80: connect: connection refused"))
    }

    @Test func kubectlPrefixAndTimestampsTogether() {
        // Envelope layout from kubernetes/kubectl logs.go and kubelet logs.go (FLUX-LOGS.md 2).
        let r = decode("[pod/kustomize-controller-5d4b86b547-kqr2q/manager] 2024-05-24T10:10:26.095734021Z " + realRequestFailed)
        #expect(r.pod == "kustomize-controller-5d4b86b547-kqr2q")
        #expect(r.format == .json)
        #expect(r.time?.rfc3339 == "2024-05-24T10:10:26.095Z")  // the record's own ts wins
        #expect(r.payload == realRequestFailed)
    }

    @Test func timestampsEnvelopeGivesTimeToAPlainRecord() {
        let r = decode("2021-05-06T14:35:42.034301234Z some text that is no known encoding")
        #expect(r.format == .plain)
        #expect(r.time?.rfc3339 == "2021-05-06T14:35:42.034Z")
        #expect(r.timeFromEnvelope)
        #expect(r.message == "some text that is no known encoding")
    }

    @Test func tornJSONIsMalformedNotFatal() {
        let r = decode(String(realRequestFailed.prefix(120)))
        #expect(r.format == .malformed)
        #expect(r.message == String(realRequestFailed.prefix(120)))
    }

    @Test func prefixOnlyNamesTheController() {
        let r = decode(#"[pod/source-controller-6ff87cdb64-8wv2j/manager] {"level":"info","ts":"2024-05-24T10:10:26.095Z","logger":"setup","msg":"starting manager"}"#)
        #expect(r.controller == "source-controller")
        #expect(r.logger == "setup")
    }

    @Test func notificationControllerInvolvedObject() {
        // notification-controller internal/server/event_server.go fields (FLUX-LOGS.md 1.4).
        let r = decode(#"{"level":"info","ts":"2025-03-04T10:15:02.200Z","logger":"event-server","msg":"dispatching event","eventInvolvedObject":{"kind":"Kustomization","namespace":"flux-system","name":"apps"},"message":"Reconciliation finished in 2.1s, next run in 10m0s"}"#)
        #expect(r.controller == "notification-controller")
        #expect(r.object?.description == "Kustomization/flux-system/apps")
        #expect(r.message == "dispatching event")
    }
}

@Suite struct TimestampTests {
    @Test func zapISO8601AndKubeletForms() {
        #expect(Timestamp.parse("2021-02-26T12:03:19.710+0200")?.rfc3339 == "2021-02-26T10:03:19.710Z")
        #expect(Timestamp.parse("2021-02-26T12:03:19.710+02:00")?.rfc3339 == "2021-02-26T10:03:19.710Z")
        #expect(Timestamp.parse("2016-10-06T00:17:09.669794202Z")?.rfc3339 == "2016-10-06T00:17:09.669Z")
        #expect(Timestamp.parse("2024-02-29T23:59:59Z")?.millis == 1_709_251_199_000)
        #expect(Timestamp.parse("2024-02-29T23:59:59") == nil)  // no zone: ambiguous
        #expect(Timestamp.parse("not a time") == nil)
    }

    @Test func goDurations() {
        // Go time.Duration.String forms seen in Flux logs (FLUX-LOGS.md 3.2).
        #expect(parseGoDuration("3m35.317406763s")! > 215.3 && parseGoDuration("3m35.317406763s")! < 215.4)
        #expect(parseGoDuration("8m35.028300927s")! > 515.0)
        #expect(parseGoDuration("10m0s") == 600)
        #expect(parseGoDuration("1h2m") == 3720)
        #expect(parseGoDuration("500ms") == 0.5)
        #expect(parseGoDuration("soon") == nil)
    }
}
