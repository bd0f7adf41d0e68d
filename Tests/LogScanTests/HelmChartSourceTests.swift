import Foundation
import Testing
@testable import LogScan

/// A HelmChart's source decides which checks and fixes apply (trial 14): an OCI HelmRepository
/// (Helm's registry client, docker-registry secrets), an HTTP/S HelmRepository (Helm's HTTP
/// getter, basic-auth secrets), or a GitRepository or Bucket the chart is packaged from (a path,
/// no version). Records are Flux's current JSON shape (FLUX-LOGS.md 1.2 third era): source-
/// controller's `Reconciler error` for the HelmChart (3.1, 3.8) and helm-controller's
/// `HelmChart '<ns>/<name>' is not ready: <message>` (3.2, 3.11).
@Suite struct HelmChartSourceTests {
    /// source-controller's `Reconciler error` for HelmChart `namespace/name`.
    static func chartError(_ ts: String, _ name: String, _ error: String, namespace: String = "flux-system") -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"Reconciler error","controller":"helmchart","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"HelmChart","HelmChart":{"name":"\#(name)","namespace":"\#(namespace)"},"namespace":"\#(namespace)","name":"\#(name)","reconcileID":"87751d4c-a850-4e2c-84dc-da6a797d76de","error":"\#(error.replacingOccurrences(of: "\"", with: "\\\""))"}"#
    }

    /// helm-controller v1 waiting on its HelmChart (helm-controller's `%s '%s/%s' is not ready: %s`).
    static func waiting(_ ts: String, release: String, releaseNamespace: String, chart: String, _ message: String) -> String {
        let msg = "HelmChart '\(chart)' is not ready: \(message)".replacingOccurrences(of: "\"", with: "\\\"")
        return #"{"level":"info","ts":"\#(ts)","msg":"\#(msg)","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"\#(release)","namespace":"\#(releaseNamespace)"},"namespace":"\#(releaseNamespace)","name":"\#(release)","reconcileID":"71992790-f25b-4c8f-8c67-c515fcb4d02b"}"#
    }

    /// Ten retries of `error` by source-controller (09:00–09:45) and helm-controller waiting on the
    /// chart every five minutes, scanned and diagnosed.
    static func scan(chart: String, namespace: String = "flux-system", release: String, releaseNamespace: String,
                     _ error: String, sourceLogs: Bool = true, helmLogs: Bool = true) throws -> [Incident] {
        var files: [(String, [String])] = []
        if sourceLogs {
            files.append(("source-controller.log", (0..<10).map {
                chartError("2024-10-22T09:\(String(format: "%02d", $0 * 5)):00.000Z", chart, error, namespace: namespace)
            }))
        }
        if helmLogs {
            files.append(("helm-controller.log", (0..<10).map {
                waiting("2024-10-22T09:\(String(format: "%02d", $0 * 5)):01.000Z", release: release, releaseNamespace: releaseNamespace,
                        chart: "\(namespace)/\(chart)", error)
            }))
        }
        return try TransientTests.incidents(files)
    }

    // MARK: An OCI HelmRepository's pull refused by the registry (trial 14 defect 2)

    /// controlplaneio-fluxcd/flux-operator#109 (Flux 2.4, HelmRepository type oci, url
    /// oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator): the registry's token service
    /// refused an anonymous pull. It was ranked helm-chart-unavailable ("Pin a chart version that
    /// exists") and registry-auth-failed was not listed.
    static let anonymousTokenRefused = "chart pull error: failed to download chart for remote reference: failed to get 'oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator/flux-operator:0.10.0': failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%!A(MISSING)controlplaneio-fluxcd%!F(MISSING)charts%!F(MISSING)flux-operator%!F(MISSING)flux-operator%!A(MISSING)pull&service=ghcr.io: 403 Forbidden"

    @Test func anOCIChartPullRefusedByTheTokenServiceIsACredentialsFailure() throws {
        let found = try Self.scan(chart: "flux-system-flux-operator", release: "flux-operator", releaseNamespace: "flux-system",
                                  Self.anonymousTokenRefused)
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.id == "registry-auth-failed")
        // The registry and repository of the chart's reference (oci://ghcr.io/<repository>:0.10.0).
        #expect(first.checks.contains { $0.hasPrefix("crane ls ghcr.io/controlplaneio-fluxcd/charts/flux-operator/flux-operator | tail") }, "\(first.checks)")
        #expect(first.remediation.contains { $0.contains("flux create secret oci <secret> --url=ghcr.io ") }, "\(first.remediation)")
        #expect(!(first.checks + first.remediation).contains { $0.contains("helm repo add") || $0.contains("Pin a chart version") })
        // An OCI repository's secret is a docker-registry one: no basic-auth steps.
        #expect(!(first.checks + first.remediation).contains { $0.contains("flux create secret helm") || $0.contains("{.data.username}") })
    }

    /// helm-controller's line alone (no source-controller logs) quotes the same error; and the
    /// wording of Helm >= 3.18 (oras-go v2), real in WirelessCar/nauth#57:
    /// `GET "https://ghcr.io/token?...": response status code 403: denied: requested access to
    /// the resource is denied`; and fluxcd/flux2#3438's older `unexpected status: 403 Forbidden`.
    @Test(arguments: [
        (anonymousTokenRefused, false),
        ("chart pull error: failed to download chart for remote reference: failed to get 'oci://ghcr.io/wirelesscar/nauth/nauth:0.2.0': failed to perform \"FetchReference\" on source: GET \"https://ghcr.io/v2/wirelesscar/nauth/nauth/manifests/0.2.0\": GET \"https://ghcr.io/token?scope=repository%3Awirelesscar%2Fnauth%2Fnauth%3Apull&service=ghcr.io\": response status code 403: denied: requested access to the resource is denied", true),
        ("chart pull error: failed to download chart for remote reference: failed to authorize: failed to fetch anonymous token: unexpected status: 403 Forbidden", true),
    ])
    func everyWordingOfTheRefusalIsACredentialsFailure(_ error: String, sourceLogs: Bool) throws {
        let found = try Self.scan(chart: "nats-system-nats-auth", release: "nats-auth", releaseNamespace: "nats-system", error,
                                  sourceLogs: sourceLogs)
        #expect(found.first?.hypotheses.first?.id == "registry-auth-failed", "\(found.first?.hypotheses.map(\.id) ?? [])")
    }

    // MARK: An HTTP/S Helm repository's 401 (trial 14 defect 5)

    /// Helm's HTTP getter answers `failed to fetch <url> : 401 Unauthorized` (helm
    /// pkg/getter/httpgetter.go `failed to fetch %s : %s`); only an HTTP/S HelmRepository pulls
    /// through it. Its spec.secretRef holds basic auth, keys `username` and `password` (Flux CLI:
    /// `flux create secret helm` "generates a Kubernetes secret with basic authentication
    /// credentials", flags --username, --password). The steps read `.data.\.dockerconfigjson`,
    /// ran `crane ls <registry>/<repo>` and told to `flux create secret oci`, a secret the HTTP
    /// getter does not read.
    static let chartUnauthorized = "chart pull error: failed to download chart for remote reference: failed to fetch https://charts.example.com/charts/postgresql-12.5.6.tgz : 401 Unauthorized"

    @Test func anHTTPRepositorysRefusalGetsBasicAuthSteps() throws {
        let found = try Self.scan(chart: "db-postgres", release: "postgres", releaseNamespace: "db", Self.chartUnauthorized)
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.id == "registry-auth-failed")
        let all = first.checks + first.remediation
        #expect(!all.contains { $0.contains("dockerconfigjson") || $0.hasPrefix("crane ") || $0.contains("flux create secret oci") }, "\(all)")
        #expect(first.checks.contains { $0.hasPrefix("kubectl -n flux-system get secret <secret> -o jsonpath='{.data.username}' | base64 -d") }, "\(first.checks)")
        // The URL that answered 401, tried from outside with the same credentials.
        #expect(first.checks.contains { $0.hasPrefix("helm pull https://charts.example.com/charts/postgresql-12.5.6.tgz --username <user> --password <password>") }, "\(first.checks)")
        #expect(first.remediation.contains { $0.contains("flux create secret helm <secret> --username=<user> --password=<password>") }, "\(first.remediation)")
        #expect(first.remediation.contains("Then retry at once: flux reconcile source chart db-postgres"))
    }

    /// The index of HelmRepository team-a/internal answers 401 (helm-chart.yaml's
    /// helm-repository-auth-failed example, source-controller's `failed to fetch Helm repository
    /// index: %w`): the index is tried with the secret's credentials, not a chart URL.
    @Test func anIndexRefusedIsTriedAsARepository() throws {
        let lines = (0..<6).map { m in
            #"{"level":"error","ts":"2025-03-04T09:0\#(m):00.000Z","msg":"Reconciler error","controller":"helmrepository","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"HelmRepository","HelmRepository":{"name":"internal","namespace":"team-a"},"namespace":"team-a","name":"internal","reconcileID":"4a5b6c7d-8e9f-4a0b-9c2d-3e4f5a6b7c8d","error":"failed to fetch Helm repository index: failed to cache index to temporary file: failed to fetch https://charts.internal.example.com/index.yaml : 401 Unauthorized"}"#
        }
        let found = try TransientTests.incidents([("source-controller.log", lines)])
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.id == "registry-auth-failed")
        #expect(first.checks.contains("helm repo add probe \"$(kubectl -n team-a get helmrepository internal -o jsonpath='{.spec.url}')\" --username <user> --password <password>   # the index, with the secret's username and password"), "\(first.checks)")
        #expect(!first.checks.contains { $0.hasPrefix("helm pull ") || $0.contains("dockerconfigjson") }, "\(first.checks)")
        #expect(first.remediation.contains("Then retry at once: flux reconcile source helm internal -n team-a"), "\(first.remediation)")
    }

    /// The secret is a local reference of the HelmRepository: in its namespace, where the HelmChart
    /// is too (helm-controller creates it in the namespace of spec.chart.spec.sourceRef).
    @Test func theBasicAuthSecretIsInTheRepositorysNamespace() throws {
        let found = try Self.scan(chart: "team-a-postgres", namespace: "team-a", release: "postgres", releaseNamespace: "team-a", Self.chartUnauthorized)
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.checks.contains { $0.hasPrefix("kubectl -n team-a get secret <secret> -o jsonpath='{.data.username}'") }, "\(first.checks)")
        #expect(first.remediation.contains { $0.contains("flux create secret helm <secret> -n team-a --username=<user> --password=<password>") }, "\(first.remediation)")
    }

    // MARK: A HelmRepository and its HelmChart outside flux-system (trial 14 defect 4)

    /// samples/helmchart-cascade moved to namespace apps: helm-controller creates the HelmChart
    /// `<release namespace>-<release name>` in the namespace of spec.chart.spec.sourceRef, the
    /// HelmRepository's, and the HelmChart's own sourceRef is local (flux2
    /// cmd/flux/reconcile_source_chart.go: its source is looked up in the HelmChart's namespace).
    /// The steps looked the HelmRepository up in flux-system and reconciled it without `-n`.
    @Test func theHelmRepositoryIsLookedUpInTheHelmChartsNamespace() throws {
        let found = try Self.scan(chart: "podinfo-podinfo", namespace: "apps", release: "podinfo", releaseNamespace: "podinfo",
                                  "chart pull error: failed to get chart version for remote reference: no 'podinfo' chart with version matching '6.9.9' found")
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.id == "helm-chart-unavailable")
        let lookup = "$(kubectl -n apps get helmchart podinfo-podinfo -o jsonpath='{.spec.sourceRef.name}')"
        #expect(first.checks.contains { $0.hasPrefix("helm repo add probe \"$(kubectl -n apps get helmrepository \"\(lookup)\" -o jsonpath='{.spec.url}')\"") }, "\(first.checks)")
        #expect(first.remediation.contains("Then: flux reconcile source helm \"\(lookup)\" -n apps && flux reconcile helmrelease podinfo -n podinfo --with-source"), "\(first.remediation)")
        #expect(!(first.checks + first.remediation).contains { $0.contains("-n flux-system") })
    }

    // MARK: A chart packaged from a GitRepository (trial 14 defect 3)

    /// A HelmChart whose spec.sourceRef is a GitRepository and whose spec.chart path holds no
    /// Chart.yaml: source-controller's build reason ChartPackageError, `chart package error:
    /// failed to load chart: Chart.yaml file is missing` (internal/helm/chart/errors.go; Helm's
    /// loader; FLUX-LOGS.md 3.8). There is no HelmRepository to look up or reconcile and no
    /// version to pin: the steps said `get helmrepository`, `flux reconcile source helm` and
    /// "Pin a chart version".
    @Test func aChartThatCannotBePackagedGetsStepsAboutItsSource() throws {
        let found = try Self.scan(chart: "apps-web", release: "web", releaseNamespace: "apps",
                                  "chart package error: failed to load chart: Chart.yaml file is missing")
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.id == "helm-chart-unavailable")
        let all = first.checks + first.remediation
        #expect(!all.contains { $0.contains("get helmrepository") || $0.contains("source helm") || $0.contains("Pin a chart version") || $0.contains("helm repo add") }, "\(all)")
        // The source's kind and the chart's path, first.
        #expect(first.checks.first?.hasPrefix("kubectl -n flux-system get helmchart apps-web -o jsonpath='{.spec.sourceRef.kind}/{.spec.sourceRef.name} {.spec.chart}") == true, "\(first.checks)")
        #expect(first.remediation.first?.hasPrefix("Fix the chart in its source, in Git: spec.chart.spec.chart is the path of the directory holding Chart.yaml") == true, "\(first.remediation)")
        // Whatever the source's kind: reconcile_source_chart.go's --with-source reconciles it.
        #expect(first.remediation.contains("Then: flux reconcile source chart apps-web --with-source && flux reconcile helmrelease web -n apps --with-source"), "\(first.remediation)")
    }

    /// An OCI HelmRepository has no index for `helm repo add` to read (Helm: `helm repo add` is for
    /// chart repositories; OCI charts are pulled by reference): its probe lists the repository's
    /// tags and shows the chart by its `oci://` reference. The 404 is oras-go v2's for a tag that
    /// does not exist (`response status code 404: manifest unknown`).
    @Test func anOCIChartsProbeUsesItsReference() throws {
        let found = try Self.scan(chart: "apps-podinfo", namespace: "apps", release: "podinfo", releaseNamespace: "apps",
                                  "chart pull error: failed to download chart for remote reference: failed to get 'oci://ghcr.io/stefanprodan/charts/podinfo:9.9.9': failed to perform \"FetchReference\" on source: GET \"https://ghcr.io/v2/stefanprodan/charts/podinfo/manifests/9.9.9\": response status code 404: manifest unknown: manifest unknown")
        let first = try #require(found.first?.hypotheses.first)
        #expect(first.id == "helm-chart-unavailable")
        #expect(!first.checks.contains { $0.contains("helm repo add") }, "\(first.checks)")
        #expect(first.checks.contains { $0.hasPrefix("crane ls ghcr.io/stefanprodan/charts/podinfo | tail; helm show chart oci://ghcr.io/stefanprodan/charts/podinfo --version <version>") }, "\(first.checks)")
        // A chart pull error: the source is a HelmRepository, reconciled in the chart's namespace.
        #expect(first.remediation.contains { $0.hasPrefix("Then: flux reconcile source helm \"$(kubectl -n apps get helmchart apps-podinfo -o jsonpath='{.spec.sourceRef.name}')\" -n apps && ") }, "\(first.remediation)")
    }
}
