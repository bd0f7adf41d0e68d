import Testing
@testable import LogScan

/// `PlaceholderFiller` on the commands of Patterns/hypotheses/*.yaml as written there, with
/// objects named like the samples' (`ObjectRef` as Flux logs give it: Kind/namespace/name).
@Suite struct PlaceholderFillerTests {
    let git = ObjectRef(kind: "GitRepository", namespace: "flux-system", name: "platform")
    let team = ObjectRef(kind: "Kustomization", namespace: "team-a", name: "team-a")
    let release = ObjectRef(kind: "HelmRelease", namespace: "monitoring", name: "kube-prometheus-stack")

    @Test func objectNamesFollowTheKindWords() {
        let f = PlaceholderFiller(objects: [git, team])
        // artifact-fetch.yaml: two kinds in one line, each `<name>` after its own kind.
        #expect(f.fill("Reconcile the source so it stores its artifact again: flux reconcile source git <name> (then flux reconcile kustomization <name>)")
            == "Reconcile the source so it stores its artifact again: flux reconcile source git platform (then flux reconcile kustomization team-a -n team-a)")
        // apply.yaml: `-n flux-system` becomes the object's namespace.
        #expect(f.fill("kubectl -n flux-system get kustomization <name> -o jsonpath='{.spec.serviceAccountName}'")
            == "kubectl -n team-a get kustomization team-a -o jsonpath='{.spec.serviceAccountName}'")
        // network.yaml: a secret's `<name>` is not the source's.
        #expect(f.fill("flux create secret tls <name> --ca-crt-file=ca.crt") == "flux create secret tls <name> --ca-crt-file=ca.crt")
    }

    /// A Secret a Flux object references lives in the object's namespace (`spec.secretRef` is a
    /// local reference in the source APIs): git.yaml's and network.yaml's secret steps for a
    /// GitRepository in team-b name team-b (a trial's fix would have made the Secret in
    /// flux-system, where the source cannot read it); in flux-system nothing changes.
    @Test func secretStepsAreInTheReferencingObjectsNamespace() {
        let f = PlaceholderFiller(objects: [ObjectRef(kind: "GitRepository", namespace: "team-b", name: "backend")], secretNamespace: "team-b")
        #expect(f.fill("kubectl -n flux-system get secret <secret> -o jsonpath='{.data}' | jq 'keys'   # identity + known_hosts")
            == "kubectl -n team-b get secret <secret> -o jsonpath='{.data}' | jq 'keys'   # identity + known_hosts")
        #expect(f.fill("HTTPS: rotate the token and recreate the secret: flux create secret git <secret> --url=https://<host>/<org>/<repo> --username=<user> --password=<token>")
            == "HTTPS: rotate the token and recreate the secret: flux create secret git <secret> -n team-b --url=https://<host>/<org>/<repo> --username=<user> --password=<token>")
        #expect(f.fill("cat age.agekey | kubectl -n flux-system create secret generic sops-age --from-file=age.agekey=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -")
            == "cat age.agekey | kubectl -n team-b create secret generic sops-age --from-file=age.agekey=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -")
        // Not a secret step: unchanged.
        #expect(f.fill("kubectl -n flux-system get networkpolicy") == "kubectl -n flux-system get networkpolicy")
        let home = PlaceholderFiller(objects: [git], secretNamespace: "flux-system")
        #expect(home.fill("flux create secret tls <name> --ca-crt-file=ca.crt") == "flux create secret tls <name> --ca-crt-file=ca.crt")
    }

    /// A HelmChart's spec.sourceRef is a local reference (LocalHelmChartSourceReference has no
    /// namespace; flux2 cmd/flux/reconcile_source_chart.go looks the source up in the HelmChart's
    /// namespace): helm.yaml's HelmRepository lookup and `flux reconcile source helm "$(...)"`
    /// about HelmChart apps/podinfo-podinfo are in apps (trial 14 #4: they said `kubectl -n
    /// flux-system get helmrepository` and no `-n`). In flux-system only the chart's name is filled.
    @Test func whatAHelmChartsSourceRefNamesIsInTheChartsNamespace() {
        let probe = "helm repo add probe \"$(kubectl -n flux-system get helmrepository \"$(kubectl -n flux-system get helmchart <namespace>-<release> -o jsonpath='{.spec.sourceRef.name}')\" -o jsonpath='{.spec.url}')\" && helm search repo probe/<chart> --versions | head"
        let reconcile = "Then: flux reconcile source helm \"$(kubectl -n flux-system get helmchart <namespace>-<release> -o jsonpath='{.spec.sourceRef.name}')\" && flux reconcile helmrelease <name> -n <namespace> --with-source"
        let apps = PlaceholderFiller(objects: [ObjectRef(kind: "HelmChart", namespace: "apps", name: "podinfo-podinfo")])
        let inApps = "$(kubectl -n apps get helmchart podinfo-podinfo -o jsonpath='{.spec.sourceRef.name}')"
        #expect(apps.fill(probe) == "helm repo add probe \"$(kubectl -n apps get helmrepository \"\(inApps)\" -o jsonpath='{.spec.url}')\" && helm search repo probe/<chart> --versions | head")
        #expect(apps.fill(reconcile) == "Then: flux reconcile source helm \"\(inApps)\" -n apps && flux reconcile helmrelease <name> -n <namespace> --with-source")
        let home = PlaceholderFiller(objects: [ObjectRef(kind: "HelmChart", namespace: "flux-system", name: "podinfo-podinfo")])
        let inHome = "$(kubectl -n flux-system get helmchart podinfo-podinfo -o jsonpath='{.spec.sourceRef.name}')"
        #expect(home.fill(probe) == "helm repo add probe \"$(kubectl -n flux-system get helmrepository \"\(inHome)\" -o jsonpath='{.spec.url}')\" && helm search repo probe/<chart> --versions | head")
        #expect(home.fill(reconcile) == "Then: flux reconcile source helm \"\(inHome)\" && flux reconcile helmrelease <name> -n <namespace> --with-source")
        // A Kustomization's spec.sourceRef may name another namespace: the command it feeds keeps its own.
        let ks = PlaceholderFiller(objects: [team])
        #expect(ks.fill("flux reconcile source git \"$(kubectl -n flux-system get kustomization <name> -o jsonpath='{.spec.sourceRef.name}')\"")
            == "flux reconcile source git \"$(kubectl -n team-a get kustomization team-a -o jsonpath='{.spec.sourceRef.name}')\"")
    }

    /// helm.yaml's forced reconcile starts over a release whose retries are exhausted: only the
    /// incident's own HelmRelease (db/postgres), not one folded under it that waits on it
    /// (shop/checkout: a trial saw `--force` written for both). Other steps name both.
    @Test func aForcedReconcileIsForTheIncidentsOwnObjectsOnly() {
        var f = PlaceholderFiller(objects: [ObjectRef(kind: "HelmRelease", namespace: "db", name: "postgres"),
                                            ObjectRef(kind: "HelmRelease", namespace: "shop", name: "checkout")])
        f.ownObjects = 1
        #expect(f.fill("After retries are exhausted: flux reconcile helmrelease <name> -n <namespace> --force (or suspend and resume it) to start over.")
            == "After retries are exhausted: flux reconcile helmrelease postgres -n db --force (or suspend and resume it) to start over.")
        #expect(f.fill("flux get helmrelease <name> -n <namespace>")
            == "flux get helmrelease postgres -n db && flux get helmrelease checkout -n shop")
    }

    /// A source the supporting evidence names fills `<name>` after its kind only where it can be
    /// the incident's: artifact-fetch.yaml's `flux resume source git <name>` for Kustomizations of
    /// its namespace; not for an incident that names a source of its own (a HelmChart: a trial's
    /// suspended GitRepository was written into a HelmRelease's fix), nor for objects in another
    /// namespace (a `sourceRef` without a namespace is in its consumer's).
    @Test func aLearnedSourceFillsOnlyWhereItCanBeTheIncidents() {
        let step = "resume it (flux resume source git <name>)"
        let suspended = ObjectRef(kind: "GitRepository", namespace: "flux-system", name: "flux-system")
        let apps = ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "apps")
        var same = PlaceholderFiller(objects: [apps])
        same.learnSource(suspended)
        #expect(same.fill(step) == "resume it (flux resume source git flux-system)")
        let chart = ObjectRef(kind: "HelmChart", namespace: "flux-system", name: "podinfo-podinfo")
        var ownSource = PlaceholderFiller(objects: [chart, ObjectRef(kind: "HelmRelease", namespace: "flux-system", name: "podinfo")])
        ownSource.learnSource(suspended)
        #expect(ownSource.fill(step) == step)
        var elsewhere = PlaceholderFiller(objects: [ObjectRef(kind: "ImageUpdateAutomation", namespace: "apps", name: "podinfo")])
        elsewhere.learnSource(suspended)
        // Not flux-system's GitRepository: the automation's own spec.sourceRef, looked up in its namespace.
        #expect(elsewhere.fill(step) == #"resume it (flux resume source git "$(kubectl -n apps get imageupdateautomation podinfo -o jsonpath='{.spec.sourceRef.name}')" -n apps)"#)
        // Not a source: nothing learned.
        var notSource = PlaceholderFiller(objects: [apps])
        notSource.learnSource(ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "infra"))
        #expect(notSource.learned.isEmpty)
    }

    /// kustomize-controller's health-check list (FLUX-LOGS.md 3.3: `timeout waiting for:
    /// [Deployment/shop/checkout status: 'InProgress', ...]`): one namespace fills
    /// `<workload-namespace>`, one workload `<workload>`; two or three workloads (in one namespace
    /// or several) make one command each, chained with `&&` (trial 12: two namespaces kept
    /// `-n <workload-namespace>`).
    @Test func workloadsOfAHealthCheckList() {
        let step = "kubectl logs -n <workload-namespace> <workload> --previous"
        var one = PlaceholderFiller(objects: [team])
        one.learnWorkloads(from: ["objects": "Deployment/shop/checkout status: 'InProgress'"])
        #expect(one.fill(step) == "kubectl logs -n shop deployment/checkout --previous")
        var two = PlaceholderFiller(objects: [team])
        two.learnWorkloads(from: ["objects": "Deployment/shop/checkout status: 'InProgress', StatefulSet/shop/cart status: 'Failed'"])
        #expect(two.fill(step) == "kubectl logs -n shop deployment/checkout --previous && kubectl logs -n shop statefulset/cart --previous")
        var apart = PlaceholderFiller(objects: [team])
        apart.learnWorkloads(from: ["objects": "Deployment/shop/checkout status: 'InProgress', Deployment/billing/api status: 'InProgress'"])
        #expect(apart.fill(step) == "kubectl logs -n shop deployment/checkout --previous && kubectl logs -n billing deployment/api --previous")
        let pods = "kubectl get pods -n <workload-namespace> -o wide   # CrashLoopBackOff, Pending, ImagePullBackOff"
        #expect(apart.fill(pods) == "kubectl get pods -n shop -o wide && kubectl get pods -n billing -o wide   # CrashLoopBackOff, Pending, ImagePullBackOff")
        // The pod is picked from that list: a command with another placeholder stays as written.
        let describe = "kubectl describe pod -n <workload-namespace> <pod>   # Events"
        #expect(apart.fill(describe) == describe)
        // Four namespaces: too many to chain.
        var four = PlaceholderFiller(objects: [team])
        four.learnWorkloads(from: ["objects": "Deployment/a/x status: 'InProgress', Deployment/b/x status: 'InProgress', Deployment/c/x status: 'InProgress', Deployment/d/x status: 'InProgress'"])
        #expect(four.fill(pods) == pods)
        // The first capture set that fills them wins (two namespaces filled nothing); a later one
        // changes nothing.
        apart.learnWorkloads(from: ["kind": "Deployment", "object": "ingress-nginx/ingress-nginx-controller"])
        #expect(apart.fill(step) == "kubectl logs -n ingress-nginx deployment/ingress-nginx-controller --previous")
        one.learnWorkloads(from: ["service": "ingress-nginx/ingress-nginx-controller"])
        #expect(one.fill(step) == "kubectl logs -n shop deployment/checkout --previous")
        // A trial: a Kustomization's health check waiting on a HelmRelease gave
        // `kubectl logs -n monitoring helmrelease/kube-prometheus-stack`, no command at all; and
        // of `Current` and `InProgress` workloads only the one in progress is what the wait was for.
        var helm = PlaceholderFiller(objects: [team])
        helm.learnWorkloads(from: ["objects": "HelmRelease/monitoring/kube-prometheus-stack status: 'InProgress'"])
        #expect(helm.fill(step) == step)
        var mixed = PlaceholderFiller(objects: [team])
        mixed.learnWorkloads(from: ["objects": "Deployment/shop/checkout status: 'Current', Deployment/web/frontend status: 'InProgress'"])
        #expect(mixed.fill(step) == "kubectl logs -n web deployment/frontend --previous")
        // A Service gives its namespace, not a `<workload>` (`kubectl logs` takes pods' owners).
        var service = PlaceholderFiller(objects: [team])
        service.learnWorkloads(from: ["service": "ingress-nginx/ingress-nginx-controller"])
        #expect(service.fill(step) == "kubectl logs -n ingress-nginx <workload> --previous")
    }

    /// RBAC's resource names are the kinds' lowercase plurals, as `kubectl api-resources` lists
    /// them (secrets, deployments, ingresses, networkpolicies, endpoints).
    @Test func resourceNamesOfKinds() {
        #expect(["Secret", "Deployment", "Ingress", "NetworkPolicy", "Endpoints", "Gateway"].map(PlaceholderFiller.resource(ofKind:))
            == ["secrets", "deployments", "ingresses", "networkpolicies", "endpoints", "gateways"])
    }

    @Test func namespacePlaceholdersOnlyInTheObjectsCommand() {
        let f = PlaceholderFiller(objects: [release])
        #expect(f.fill("Then: flux reconcile helmrelease <name> -n <namespace> --force")
            == "Then: flux reconcile helmrelease kube-prometheus-stack -n monitoring --force")
        // helm.yaml: the release's name is not the HelmRelease's for sure ([TargetNamespace-]Name);
        // without one HelmRelease, Helm's storage namespace is not known either.
        #expect(f.fill("helm history <release> -n <namespace>") == "helm history <release> -n <namespace>")
    }

    /// Helm's storage namespace defaults to the HelmRelease's (Flux HelmRelease v2 API,
    /// `spec.storageNamespace`): `helm` commands and the storage Secrets' `owner=helm` selector
    /// take it; other commands' `<namespace>` (the release's workloads) do not.
    @Test func helmStorageNamespaceIsTheHelmReleases() {
        let f = PlaceholderFiller(objects: [release], helmStorageNamespace: "monitoring")
        // helm.yaml, helm-release-locked's checks and fix, as written there.
        #expect(f.fill("helm history <release> -n <namespace>   # the last revision is pending-install / pending-upgrade / pending-rollback")
            == "helm history <release> -n monitoring   # the last revision is pending-install / pending-upgrade / pending-rollback")
        #expect(f.fill("kubectl -n <namespace> get secrets -l owner=helm,name=<release> --show-labels")
            == "kubectl -n monitoring get secrets -l owner=helm,name=<release> --show-labels")
        #expect(f.fill("helm rollback <release> <last-deployed-revision> -n <namespace> (or, for a first install, helm uninstall <release> -n <namespace>)")
            == "helm rollback <release> <last-deployed-revision> -n monitoring (or, for a first install, helm uninstall <release> -n monitoring)")
        // helm-action-failed's check: the LoadBalancer is in the release's namespace, not known here.
        #expect(f.fill("kubectl get svc -n <namespace> -o wide") == "kubectl get svc -n <namespace> -o wide")
        // A `helm` word inside another command is not a helm command.
        #expect(f.fill("kubectl get helmrelease -n <namespace>") == "kubectl get helmrelease -n <namespace>")
    }

    /// network.yaml's TLS steps are written for a GitRepository; about one HelmRepository (the
    /// tls-verification-failed sample's internal-charts) they name its kind and name.
    @Test func aStepForAnotherSourceKindNamesTheIncidentsSource() {
        let charts = ObjectRef(kind: "HelmRepository", namespace: "flux-system", name: "internal-charts")
        let f = PlaceholderFiller(objects: [charts])
        #expect(f.fill("Then retry at once: flux reconcile source git <name>") == "Then retry at once: flux reconcile source helm internal-charts")
        #expect(f.fill("kubectl -n flux-system describe gitrepository <name>   # the URL")
            == "kubectl -n flux-system describe helmrepository internal-charts   # the URL")
        // Not for kinds other than sources, nor with two sources to choose from.
        #expect(f.fill("flux reconcile kustomization <name>") == "flux reconcile kustomization <name>")
        let two = PlaceholderFiller(objects: [charts, ObjectRef(kind: "OCIRepository", namespace: "flux-system", name: "manifests")])
        #expect(two.fill("flux reconcile source git <name>") == "flux reconcile source git <name>")
        // A GitRepository of its own keeps the step as written.
        let both = PlaceholderFiller(objects: [charts, git])
        #expect(both.fill("flux reconcile source git <name>") == "flux reconcile source git platform")
    }

    /// Registry URLs as the samples' lines carry them: image-scan-failed's distribution API call
    /// (`GET https://ghcr.io/v2/acme/checkout-api/tags/list?n=1000`) and registry-auth-failed's
    /// OCIRepository URL (`oci://registry-1.docker.io/acme/apps-manifests`).
    @Test func registryAndRepositoryFromTheirURLs() {
        let api = PlaceholderFiller.registryRepository("https://ghcr.io/v2/acme/checkout-api/tags/list?n=1000")
        #expect(api?.registry == "ghcr.io")
        #expect(api?.repository == "acme/checkout-api")
        let oci = PlaceholderFiller.registryRepository("oci://registry-1.docker.io/acme/apps-manifests")
        #expect(oci?.registry == "registry-1.docker.io")
        #expect(oci?.repository == "acme/apps-manifests")
        #expect(PlaceholderFiller.registryRepository("oci://ghcr.io/stefanprodan/manifests/podinfo:6.5.0")?.repository == "stefanprodan/manifests/podinfo")
        #expect(PlaceholderFiller.registryRepository("https://registry.example:5000/v2/team/app/manifests/sha256:ab")?.registry == "registry.example:5000")
        // Not a registry: a Git or Helm URL, a /v2/ that is not the path's first segment.
        #expect(PlaceholderFiller.registryRepository("https://github.com/acme/fleet-infra") == nil)
        #expect(PlaceholderFiller.registryRepository("https://charts.example.com/api/v2/index.yaml") == nil)
    }

    @Test func severalOrNoObjectsOfTheKind() {
        let apps = ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "apps")
        let infra = ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "infrastructure")
        let f = PlaceholderFiller(objects: [apps, infra])
        #expect(f.fill("Then retry at once: flux reconcile kustomization <name> --with-source   (listed above)")
            == "Then retry at once: flux reconcile kustomization apps --with-source && flux reconcile kustomization infrastructure --with-source   (listed above)")
        // Kustomizations whose source no line names: its kind is not known either (trial 12: an
        // OCIRepository's Kustomization was told `flux reconcile source git <name>`).
        #expect(f.fill("flux reconcile source git <name>") == "flux reconcile source <git|oci|helm|bucket> <name>")
        #expect(f.fill("kubectl -n flux-system describe gitrepository <name>")
            == "kubectl -n flux-system describe <gitrepository|ocirepository|helmrepository|bucket> <name>")
        let four = PlaceholderFiller(objects: (1...4).map { ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "k\($0)") })
        #expect(four.fill("flux reconcile kustomization <name>") == "flux reconcile kustomization <name>")
    }

    @Test func valuesFillTheirPlaceholders() {
        let f = PlaceholderFiller(values: ["controller": "kustomize-controller", "host": "gitlab.com"])
        #expect(f.fill("kubectl -n flux-system logs deploy/<controller> --previous | tail -50")
            == "kubectl -n flux-system logs deploy/kustomize-controller --previous | tail -50")
        #expect(f.fill("openssl s_client -connect <host>:443 -servername <host>") == "openssl s_client -connect gitlab.com:443 -servername gitlab.com")
        #expect(f.fill("kubectl describe node <node>") == "kubectl describe node <node>")
    }

    /// `holds` answers as `contains` (ASCII by bytes, the rest by characters), and a step with no
    /// `<` is returned as written unless a `system:` key without one is filled.
    @Test func searchesAgreeWithContains() {
        let texts = ["flux get sources git", "kubectl get ks <name> -n <namespace>", "a\r\nb", "ne\u{301} <name>", "<na", ""]
        for text in texts {
            for target in ["<name>", "<namespace>", "\n", "\r", "\r\n", "b", "e", "<na", "ne\u{301}"] {
                #expect(text.holds(target) == text.contains(target))
            }
        }
        let f = PlaceholderFiller(values: ["controller": "kustomize-controller"])
        #expect(f.fill("flux check --pre") == "flux check --pre")
        let odd = PlaceholderFiller(values: ["system:admin": "someone"])
        #expect(odd.fill("kubectl auth can-i --as system:admin> list") == "kubectl auth can-i --as someone list")
    }
}

/// `when:` on checks and fixes (docs/PATTERNS.md): parsed from YAML, and ordered by what was seen.
@Suite struct StepOrderTests {
    /// The fields a hypothesis needs besides its id and checks (`PatternLoader.requiredHypothesisFields`),
    /// indented as a hypothesis' fields under `- id:` in the files below.
    static let requiredFields = "title: t\n    prior: 0.3\n    requires: {any_of: [container-restarted]}\n    remediation: [x]\n    explain: x\n    source: test"

    @Test func whenIsParsedAndValidated() {
        var loader = PatternLoader.shipped()
        let h = loader.set.hypotheses.first { $0.id == "controller-restarting" }!
        #expect(h.checks.count == h.checkSignals.count)
        #expect(h.remediationSignals.contains(["controller-probe-killed"]))
        loader.beginLayer()
        loader.load(text: """
            version: 1
            hypotheses:
              - id: controller-restarting
                checks:
                  - when: [no-such-signal]
                    text: "flux check"
                \(Self.requiredFields)
            """, file: "bad.yaml")
        loader.validateReferences()
        #expect(loader.diagnostics.contains { $0.message.contains("unknown signal `no-such-signal`") })
    }

    /// `unless:` leaves a step out when one of its signals was seen, and the loader reads it and
    /// checks its signals as it does `when:` (docs/PATTERNS.md).
    @Test func aStepUnlessASignalWasSeen() {
        let steps = ["pin a version", "fix the chart's path", "always"]
        let kept = Diagnoser.byEvidence(steps, [[], ["helm-chart-build-error"], []], [[], [], []], onlyWhen: [[], ["helm-chart-build-error"], []],
                                        unless: [["helm-chart-build-error"], [], []], objects: [], seen: { $0 == "helm-chart-build-error" })
        #expect(kept == ["fix the chart's path", "always"])
        let other = Diagnoser.byEvidence(steps, [[], ["helm-chart-build-error"], []], [[], [], []], onlyWhen: [[], ["helm-chart-build-error"], []],
                                         unless: [["helm-chart-build-error"], [], []], objects: [], seen: { $0 == "helm-chart-version-not-found" })
        #expect(other == ["pin a version", "always"])
        var loader = PatternLoader()
        loader.load(text: """
            version: 1
            hypotheses:
              - id: helm-chart-unavailable
                checks:
                  - unless: [no-such-signal]
                    text: "flux get sources chart -A"
                \(Self.requiredFields)
            """, file: "bad.yaml")
        #expect(loader.set.hypotheses.first?.checkUnless == [["no-such-signal"]])
        loader.validateReferences()
        #expect(loader.diagnostics.contains { $0.message.contains("unknown signal `no-such-signal`") })
        #expect(loader.set.hypotheses.isEmpty)
    }

    @Test func seenFirstThenAlwaysThenUnseen() {
        let ordered = Diagnoser.byEvidence(["panic", "always", "probe", "oom"], [["reconciler-panic"], [], ["controller-probe-killed"], ["controller-killed"]],
                                           seen: { $0 == "controller-probe-killed" })
        #expect(ordered == ["probe", "always", "panic", "oom"])
    }
}

/// apply.yaml's `kubectl get crd <plural>.<group>` for a kind the API server does not know: the
/// dry-run's `no matches for kind "ServiceMonitor" in version "monitoring.coreos.com/v1"`
/// (apimachinery NoKindMatchError, FLUX-LOGS.md 3.10; Patterns/signatures/apply.yaml's example)
/// names the CRD prometheus-operator installs, `servicemonitors.monitoring.coreos.com` (a trial
/// saw the step left as written).
@Suite struct MissingCRDStepTests {
    static let rejected = #"{"level":"error","ts":"2025-03-04T10:20:12.500Z","msg":"Reconciliation failed after 82.4ms, next try in 5m0s","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"8b0e6f5c-2d4a-4f3b-9c1e-7a6d5e4f3b2a","revision":"main@sha1:0123456789abcdef0123456789abcdef01234567","error":"ServiceMonitor/monitoring/podinfo dry-run failed: no matches for kind \"ServiceMonitor\" in version \"monitoring.coreos.com/v1\""}"#

    @Test func theCRDsNameIsFilledFromTheKindAndGroup() throws {
        let found = try TransientTests.incidents([("kustomize-controller.log", [Self.rejected])])
        let incident = try #require(found.first { $0.objects.contains("Kustomization/flux-system/apps") })
        let h = try #require(incident.hypotheses.first { $0.id == "apply-rejected" })
        #expect(h.checks.contains("kubectl get crd servicemonitors.monitoring.coreos.com"), "\(h.checks)")
    }
}

/// artifact-fetch.yaml's probe runs under the policies of the consumer whose downloads failed: a
/// HelmRelease's chart download timing out at source-controller's Service (helm-controller's
/// `request failed ... helmchart/podinfo/podinfo-podinfo/podinfo-6.5.4.tgz ... i/o timeout`,
/// FLUX-LOGS.md 1.4, 3.2) gets `--labels=app=helm-controller` (a trial: it was
/// kustomize-controller's labels whatever failed; NetworkPolicies select pods by label).
@Suite struct ArtifactProbeLabelTests {
    static let url = "http://source-controller.flux-system.svc.cluster.local./helmchart/podinfo/podinfo-podinfo/podinfo-6.5.4.tgz"
    static func requestFailed(_ ts: String) -> String {
        #"{"level":"info","ts":"\#(ts)","msg":"request failed","controller":"helmrelease","controllerGroup":"helm.toolkit.fluxcd.io","controllerKind":"HelmRelease","HelmRelease":{"name":"podinfo","namespace":"podinfo"},"namespace":"podinfo","name":"podinfo","reconcileID":"00000000-0000-0000-0000-000000000001","error":"Get \"\#(url)\": dial tcp 10.96.12.34:80: i/o timeout","method":"GET","url":"\#(url)"}"#
    }

    @Test func theProbeCarriesTheFailingControllersLabels() throws {
        let found = try TransientTests.incidents([("helm-controller.log", [Self.requestFailed("2026-11-24T02:41:00.000Z"),
                                                                           Self.requestFailed("2026-11-24T02:41:35.000Z")])])
        let incident = try #require(found.first { $0.controllers == ["helm-controller"] })
        let h = try #require(incident.hypotheses.first { $0.id == "networkpolicy-blocks-artifact-port" })
        let probe = try #require(h.checks.first { $0.contains("artifact-probe") })
        #expect(probe.contains("--labels=app=helm-controller "), "\(probe)")
        #expect(probe.contains("# runs under the same policies as helm-controller "), "\(probe)")
    }
}
