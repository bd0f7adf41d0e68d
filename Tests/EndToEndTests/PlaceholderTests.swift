import Foundation
import Testing

/// Checks and fixes name the incident's objects instead of `<name>`/`<namespace>` where the logs
/// say which they are (docs/OUTPUT.md "Placeholders in checks and fixes"), in text and JSON, and
/// keep the placeholders the logs cannot fill. Expected names come from the samples' log lines
/// (their `name`/`namespace` keys and error texts), not from the report.
@Suite struct PlaceholderTests {
    /// The first incident's first hypothesis of a sample, from `--format json`.
    /// - Parameter paths: the inputs, when not the sample's whole folder.
    func firstHypothesis(_ sample: String, paths: [String]? = nil) throws -> [String: Any] {
        let r = try run(["--format", "json"] + (paths ?? ["samples/\(sample)"]))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let hypotheses = try #require(incidents.first?["hypotheses"] as? [[String: Any]])
        return try #require(hypotheses.first)
    }

    func lines(_ h: [String: Any]) -> [String] {
        (h["checks"] as? [String] ?? []) + (h["remediation"] as? [String] ?? [])
    }

    /// The workloads a wait waited for fill `<workload-namespace>` and `<workload>`:
    /// health-check-timeout's kustomize-controller.log:2 `timeout waiting for: [Deployment/shop/checkout
    /// status: 'InProgress']`; pair-3-b's Helm wait log (helm-controller.log:6, `Deployment is not
    /// ready: ingress-nginx/ingress-nginx-controller`); pair-3-a's `Service does not have load
    /// balancer ingress IP address: ingress-nginx/ingress-nginx-controller`. Each printed
    /// `kubectl get pods -n <namespace>`.
    @Test func workloadsOfTheWaitFillTheirNamespace() throws {
        let kustomization = lines(try firstHypothesis("health-check-timeout"))
        #expect(kustomization.contains { $0.hasPrefix("kubectl get pods -n shop -o wide") })
        #expect(kustomization.contains { $0.hasPrefix("kubectl logs -n shop deployment/checkout --previous") })
        let helm = lines(try firstHypothesis("pair-3-b"))
        #expect(helm.contains { $0.hasPrefix("kubectl get pods -n ingress-nginx -o wide") })
        #expect(helm.contains { $0.hasPrefix("kubectl logs -n ingress-nginx deployment/ingress-nginx-controller --previous") })
        let loadBalancer = lines(try firstHypothesis("pair-3-a"))
        #expect(loadBalancer.contains { $0.hasPrefix("kubectl get svc -n ingress-nginx -o wide") })
        #expect(!(kustomization + helm + loadBalancer).contains { $0.contains("<workload") })
    }

    /// helmchart-cascade: HelmRelease podinfo/podinfo waits on the HelmChart that failed
    /// (helm-controller.log:1, `HelmChart 'flux-system/podinfo-podinfo' is not ready`); frontend
    /// waits on podinfo (line 2, `dependency 'podinfo/podinfo' is not ready`), not on the chart.
    /// The chart's HelmRelease fills the HelmRelease steps of the root incident; frontend does not.
    @Test func theDirectWaiterFillsTheRootIncidentsSteps() throws {
        let steps = lines(try firstHypothesis("helmchart-cascade"))
        #expect(steps.contains("kubectl -n podinfo get helmrelease podinfo -o jsonpath='{.spec.chart.spec}{\"\\n\"}'"), "\(steps)")
        #expect(steps.contains { $0.hasSuffix("flux reconcile helmrelease podinfo -n podinfo --with-source") }, "\(steps)")
        #expect(!steps.contains { $0.contains("frontend") })
    }

    /// The logs name the failed HelmChart (helm-controller.log:1, `HelmChart
    /// 'flux-system/podinfo-podinfo' is not ready`) but not which HelmRepository it uses nor its
    /// URL: the steps printed `helm repo add probe <url>` and `flux reconcile source helm
    /// <repository>`. They read both from the HelmChart (source-controller API v1: a HelmChart's
    /// `spec.sourceRef.name` is a HelmRepository in its own namespace, whose `spec.url` is the
    /// repository) and so run as printed.
    @Test func theChartsRepositoryIsReadFromTheCluster() throws {
        let steps = lines(try firstHypothesis("helmchart-cascade"))
        let lookup = "$(kubectl -n flux-system get helmchart podinfo-podinfo -o jsonpath='{.spec.sourceRef.name}')"
        #expect(steps.contains { $0.hasPrefix("helm repo add probe \"$(kubectl -n flux-system get helmrepository \"\(lookup)\" -o jsonpath='{.spec.url}')\" && helm search repo probe/podinfo --versions") }, "\(steps)")
        #expect(steps.contains { $0.hasPrefix("Then: flux reconcile source helm \"\(lookup)\" && ") }, "\(steps)")
        #expect(!steps.contains { $0.contains("<url>") || $0.contains("<repository>") }, "\(steps)")
    }

    /// pair-2-a: `Secret/business-support/product-catalog-worker forbidden, error: data values must
    /// be of type string` (kustomize-controller.log, Flux's mask of a Secret's dry-run error) about
    /// Kustomization business-support/business-support: the denied resource is `secrets` in
    /// business-support, which is also where the Kustomization's spec.serviceAccountName lives.
    @Test func aMaskedSecretDenialNamesTheResource() throws {
        let steps = lines(try firstHypothesis("pair-2-a"))
        #expect(steps.contains("kubectl auth can-i patch secrets -n business-support --as=system:serviceaccount:business-support:<serviceaccount>"), "\(steps)")
    }

    /// artifact-missing: the Kustomizations' `artifact not found` names no source, but the
    /// evidence that supports the hypothesis, `reconciliation is suspended for this object`
    /// (source-controller.log), is about GitRepository flux-system/flux-system alone: the resume
    /// and reconcile steps name it (they said `flux resume source git <name>`).
    @Test func theSuspendedSourceOfTheEvidenceIsNamed() throws {
        let h = try firstHypothesis("artifact-missing")
        #expect(h["id"] as? String == "artifact-missing")
        let steps = lines(h)
        #expect(steps.contains { $0.contains("flux resume source git flux-system)") }, "\(steps)")
        #expect(steps.contains { $0.contains("flux reconcile source git flux-system (then") }, "\(steps)")
        #expect(!steps.contains { $0.contains("source git <name>") }, "\(steps)")
    }

    /// networkpolicy-9090: three Kustomizations (apps, flux-system, infrastructure in flux-system,
    /// the `name` keys of kustomize-controller.log) fail on one GitRepository; the retry names
    /// each; the NetworkPolicy's name appears in no log and stays `<name>`.
    @Test func networkPolicySampleNamesItsKustomizations() throws {
        let retry = "flux reconcile kustomization apps --with-source && flux reconcile kustomization flux-system --with-source"
            + " && flux reconcile kustomization infrastructure --with-source"
        let h = try firstHypothesis("networkpolicy-9090")
        #expect(h["id"] as? String == "networkpolicy-blocks-artifact-port")
        #expect(lines(h).contains { $0.contains(retry) })
        #expect(lines(h).contains { $0.contains("kubectl -n flux-system edit networkpolicy <name>") })
        #expect(!lines(h).contains { $0.contains("flux reconcile kustomization <name>") })
        let text = try run(["--color", "never", "samples/networkpolicy-9090"]).text
        #expect(text.contains("- Then retry at once: " + retry))
        #expect(text.contains("edit networkpolicy <name>"))
    }

    /// helm-release-locked: HelmRelease monitoring/kube-prometheus-stack (helm-controller.log's
    /// `name`/`namespace` keys) stuck on `another operation (install/upgrade/rollback) is in
    /// progress`; Helm keeps the release in the HelmRelease's namespace by default, so the checks
    /// read it there. No line names the release itself: the commands read it from the HelmRelease
    /// (helm-controller's GetReleaseName).
    @Test func helmReleaseLockedReadsHelmsStorageInTheHelmReleasesNamespace() throws {
        let h = try firstHypothesis("helm-release-locked")
        #expect(h["id"] as? String == "helm-release-locked")
        let release = #""$(kubectl -n monitoring get helmrelease kube-prometheus-stack -o go-template='{{with .spec.releaseName}}{{.}}{{else}}{{with .spec.targetNamespace}}{{.}}-{{end}}{{.metadata.name}}{{end}}')""#
        #expect(lines(h).contains { $0.hasPrefix("helm history -n monitoring \(release)") })
        #expect(lines(h).contains { $0.hasPrefix("kubectl -n monitoring get secrets -l owner=helm,name=\(release)") })
        #expect(!lines(h).contains { $0.contains("<release>") })
        #expect(!lines(h).contains { $0.contains("-n <namespace>") })
    }

    /// apply-forbidden: Kustomization team-a/team-a, denied `patch` on `deployments` in team-a for
    /// system:serviceaccount:team-a:flux-reconciler (kustomize-controller.log line 1).
    @Test func applyForbiddenNamesTheObjectAndTheServiceAccount() throws {
        let h = try firstHypothesis("apply-forbidden")
        #expect(h["id"] as? String == "apply-forbidden")
        let all = lines(h)
        #expect(all.contains { $0.hasPrefix("kubectl -n team-a get kustomization team-a -o jsonpath=") })
        #expect(all.contains("kubectl auth can-i patch deployments -n team-a --as=system:serviceaccount:team-a:flux-reconciler"))
        #expect(all.contains("Then retry at once: flux reconcile kustomization team-a -n team-a"))
        let text = try run(["--color", "never", "samples/apply-forbidden"]).text
        #expect(text.contains("$ kubectl get rolebindings,clusterrolebindings -A -o wide | grep flux-reconciler"))
    }

    /// git-auth-failed: GitRepository flux-system/flux-system cloning https://github.com/acme/fleet-infra;
    /// the secret's name is not in the log line: the step reads it from the GitRepository's
    /// spec.secretRef; the user and token stay placeholders.
    @Test func gitAuthNamesTheRepositoryAndTheURL() throws {
        let h = try firstHypothesis("git-auth-failed")
        let all = lines(h)
        #expect(all.contains { $0.hasPrefix("kubectl -n flux-system describe gitrepository flux-system ") })
        #expect(all.contains("Then retry at once: flux reconcile source git flux-system"))
        #expect(all.contains {
            $0.contains("flux create secret git \"$(kubectl -n flux-system get gitrepository flux-system -o jsonpath='{.spec.secretRef.name}')\" --url=https://github.com/acme/fleet-infra --username=<user> --password=<token>")
        })
    }

    /// controller-restarting: the panic is kustomize-controller's; dns-resolution-failed: the name
    /// that does not resolve is gitlab.com (`lookup gitlab.com on 10.43.0.10:53`).
    @Test func controllerAndHostAreFilled() throws {
        let restart = try run(["--color", "never", "samples/controller-restarting"]).text
        #expect(restart.contains("$ kubectl -n flux-system logs deploy/kustomize-controller --previous | tail -50"))
        #expect(!restart.contains("<controller>"))
        let dns = try firstHypothesis("dns-resolution-failed")
        #expect(lines(dns).contains { $0.hasSuffix("-- nslookup gitlab.com") })
        #expect(lines(dns).contains("Then retry at once: flux reconcile source git platform"))
    }

    /// `explain` prints the hypothesis as written: no incident, nothing to fill.
    @Test func explainKeepsThePlaceholders() throws {
        let text = try run(["explain", "git-auth-failed"]).text
        #expect(text.contains("flux reconcile source git <name>"))
    }

    /// sops-decryption-failed in text: the SOPS error's further lines (`Group 0: FAILED`, the age
    /// recipient) stay indented under their evidence entry instead of starting at column 0.
    @Test func multiLineMessagesStayUnderTheirEntry() throws {
        let text = try run(["--color", "never", "samples/sops-decryption-failed"]).text
        #expect(text.contains("\n        Group 0: FAILED\n"))
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("Group 0") || $0.hasPrefix("Recovery failed") })
    }

    /// artifact-missing: the GitRepository was suspended for a change freeze (README.md; source-
    /// controller.log line 25, `reconciliation is suspended for this object`), so `flux reconcile
    /// source git` is refused and nothing stores the artifact again: the fix leads with resuming
    /// it, and the suspension is evidence. It offered only the reconcile.
    @Test func aSuspendedSourceLeadsTheFix() throws {
        // The logs alone: the folder's envelope copies hold the same lines again.
        let logs = ["samples/artifact-missing/kustomize-controller.log", "samples/artifact-missing/source-controller.log"]
        let h = try firstHypothesis("artifact-missing", paths: logs)
        #expect(h["id"] as? String == "artifact-missing")
        #expect((h["remediation"] as? [String])?.first?.contains("flux resume source git") == true)
        #expect((h["evidence_for"] as? [String])?.contains { $0.contains("[reconcile-suspended, first 02:40:08, samples/artifact-missing/source-controller.log:25]") } == true)
    }

    /// image-scan-failed and registry-auth-failed: the registry and repository the lines name
    /// (`GET https://ghcr.io/v2/acme/checkout-api/tags/list?n=1000`, `oci://registry-1.docker.io/
    /// acme/apps-manifests`) fill `<registry>/<repo>`. pair-5-a: `unable to list remote for
    /// 'ssh://git@git.acme.example:2222/platform/fleet-infra'` (fluxcd/pkg's wording once the
    /// GitRepository has an artifact) gives the Git host, as `unable to clone '...'` did, in the
    /// known_hosts patch that keeps the deploy key.
    @Test func registryAndGitHostsFromTheLines() throws {
        let scan = try firstHypothesis("image-scan-failed")
        #expect(lines(scan).contains { $0.hasPrefix("crane ls ghcr.io/acme/checkout-api | tail") })
        let auth = try firstHypothesis("registry-auth-failed")
        #expect(lines(auth).contains { $0.hasPrefix("flux pull artifact oci://registry-1.docker.io/acme/apps-manifests:<tag>") })
        let keys = try firstHypothesis("pair-5-a")
        #expect(lines(keys).contains { $0.hasPrefix("ssh-keyscan -t ecdsa,ed25519,rsa -p 2222 git.acme.example") })
        // The known_hosts is replaced in the secret, the deploy key kept (flux create secret git
        // over SSH without --private-key-file makes a new key pair: trial 20).
        #expect(lines(keys).contains { $0.contains("patch secret") && $0.contains("ssh-keyscan -t ecdsa,ed25519,rsa -p 2222 git.acme.example") })
        #expect(!lines(keys).contains { $0.contains("flux create secret git") && !$0.contains("--private-key-file") })
        #expect(!lines(keys).contains { $0.contains("<git-host>") })
    }

    /// sops-decryption-failed: the decryption secret sops-age exists (README.md), so the fix must
    /// replace it; `kubectl create secret` alone fails with AlreadyExists.
    @Test func sopsFixReplacesTheSecret() throws {
        let h = try firstHypothesis("sops-decryption-failed")
        #expect(h["id"] as? String == "sops-decryption-failed")
        let put = try #require((h["remediation"] as? [String])?.first)
        #expect(put.hasSuffix("create secret generic sops-age --from-file=age.agekey=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -"))
    }

    /// tls-verification-failed: HelmRepository flux-system/internal-charts, whose index download
    /// fails on an expired certificate (`Get "https://charts.internal.example.com/index.yaml": tls:
    /// failed to verify certificate: x509: certificate has expired or is not yet valid`). The steps
    /// name that source and host, and the expired-certificate fix comes before the private-CA one.
    /// They said `describe gitrepository <name>`, `openssl s_client -connect <host>:443` and
    /// `flux reconcile source git <name>`.
    @Test func tlsStepsNameTheHelmRepositoryAndItsHost() throws {
        let h = try firstHypothesis("tls-verification-failed")
        #expect(h["id"] as? String == "tls-verification-failed")
        let all = lines(h)
        #expect(all.contains { $0.hasPrefix("kubectl -n flux-system describe helmrepository internal-charts") })
        #expect(all.contains { $0.hasPrefix("openssl s_client -connect charts.internal.example.com:443 -servername charts.internal.example.com") })
        #expect(all.contains("Then retry at once: flux reconcile source helm internal-charts"))
        #expect((h["remediation"] as? [String])?.first?.hasPrefix("Expired or wrong-name certificate") == true)
        #expect(!all.contains { $0.contains("gitrepository") || $0.contains("source git") })
    }
}

/// Steps about what was seen come first (`when:` in Patterns/hypotheses/*.yaml):
/// controller-restarting's checks and fixes follow the way the controller died (controllers.yaml):
/// probe-kill-loop's kustomize-controller stops gracefully 30 s after each start (a
/// liveness-probe kill, its README), controller-restarting's panics ("Observed a panic in
/// reconciler"); git-auth-failed's follow the transport, health-check-timeout's the object's kind.
@Suite struct EvidenceOrderTests {
    /// The first incident's first hypothesis' checks and fixes; it must be `hypothesis`.
    func steps(_ sample: String, hypothesis: String = "controller-restarting") throws -> (checks: [String], fixes: [String]) {
        let r = try run(["--format", "json", "samples/\(sample)"])
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let h = try #require((incidents.first?["hypotheses"] as? [[String: Any]])?.first)
        #expect(h["id"] as? String == hypothesis)
        return (h["checks"] as? [String] ?? [], h["remediation"] as? [String] ?? [])
    }

    /// git-auth-failed: one fix per transport, the one whose failure was seen first:
    /// gitrepository-cascade's `ssh: unable to authenticate` (git-ssh-auth-failed) leads with the
    /// deploy key, git-auth-failed's `authentication required` over HTTPS with the token.
    @Test func gitAuthFixOfTheTransportSeenLeads() throws {
        for (sample, first) in [("gitrepository-cascade", "SSH: "), ("git-auth-failed", "HTTPS: ")] {
            let s = try steps(sample, hypothesis: "git-auth-failed")
            #expect(s.fixes.first?.hasPrefix(first) == true, "\(sample)")
        }
    }

    /// health-check-timeout serves Kustomization health checks and Helm's wait: the timeout to
    /// read is the object's own. pair-3-b (HelmRelease ingress-nginx/ingress-nginx, `Helm upgrade
    /// failed: timed out waiting for the condition`) leads with the HelmRelease's timeouts;
    /// health-check-timeout (Kustomization flux-system/apps, `health check failed after`) with the
    /// Kustomization's. The HelmRelease incident led with nothing of its own.
    @Test func timeoutCheckOfTheObjectsKindLeads() throws {
        for (sample, first) in [("pair-3-b", "kubectl -n ingress-nginx get helmrelease ingress-nginx -o jsonpath="),
                                ("health-check-timeout", "kubectl -n flux-system get kustomization apps -o jsonpath=")] {
            let s = try steps(sample, hypothesis: "health-check-timeout")
            #expect(s.checks.first?.hasPrefix(first) == true, "\(sample): \(s.checks)")
        }
    }

    /// Steps written for one kind (`kinds:`) are left out of incidents about another. pair-3-b's
    /// incident is about HelmRelease ingress-nginx/ingress-nginx alone (helm-controller.log:12,
    /// `Helm upgrade failed: timed out waiting for the condition`); it was told to read a
    /// Kustomization's spec.timeout and to `flux reconcile kustomization <name>`.
    /// health-check-timeout's is about Kustomization flux-system/apps alone.
    @Test func stepsAboutAnotherKindAreLeftOut() throws {
        let helm = try steps("pair-3-b", hypothesis: "health-check-timeout")
        #expect(!(helm.checks + helm.fixes).contains { $0.contains("kustomization") }, "\(helm)")
        #expect(helm.fixes.contains("Then retry at once: flux reconcile helmrelease ingress-nginx -n ingress-nginx --force"))
        #expect(helm.checks.contains("flux get helmreleases -A"))
        let kustomization = try steps("health-check-timeout", hypothesis: "health-check-timeout")
        #expect(!(kustomization.checks + kustomization.fixes).contains { $0.lowercased().contains("helmrelease") }, "\(kustomization)")
        #expect(kustomization.fixes.contains("Then retry at once: flux reconcile kustomization apps --with-source"))
    }

    @Test func probeKillListsProbeStepsFirst() throws {
        let s = try steps("probe-kill-loop")
        #expect(s.checks.first?.hasPrefix("kubectl -n flux-system get events --field-selector reason=Unhealthy") == true)
        #expect(s.fixes.first?.hasPrefix("Liveness-probe kills:") == true)
        // The panic's steps are still there, after the ones the evidence asks for.
        #expect(s.checks.last?.contains("--previous") == true)
        #expect(s.fixes.contains { $0.hasPrefix("Panic:") })
    }

    @Test func panicListsPanicStepsFirst() throws {
        let s = try steps("controller-restarting")
        #expect(s.checks.first == "kubectl -n flux-system logs deploy/kustomize-controller --previous | tail -50   # the panic and its goroutine trace")
        #expect(s.fixes.first?.hasPrefix("Panic:") == true)
    }
}

/// A Helm failure that names no LoadBalancer gets no LoadBalancer step, and its workloads'
/// namespace is the release's (a trial: `Helm install failed for release db/postgres ...:
/// storageclass not found` printed "LoadBalancer without an address" as its first fix and
/// `kubectl get events -n <workload-namespace>`; then, last, on every Helm failure: the last
/// notes' open item). A wait that timed out with no wait log read gets them last: a pending
/// LoadBalancer is one reason Helm's wait times out (helm/helm pkg/kube/wait.go).
@Suite struct HelmStepsTests {
    @Test func stepsFollowTheHelmError() throws {
        let install = #"Helm install failed for release db/postgres with chart postgresql@15.5.38: 1 error occurred:\n\t* PersistentVolumeClaim \"data-postgres-postgresql-0\" is invalid: spec.storageClassName: Invalid value: \"fast-ssd\": storageclass not found\n\n"#
        let lines = [WrapperChainTests.record("2026-12-02T02:01:02.000Z", install),
                     WrapperChainTests.record("2026-12-02T02:23:00.000Z", "terminal error: exceeded maximum retries: cannot install release")]
        let r = try run(["--format", "json", "-"], stdin: stdinData(lines))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let h = try #require((incidents.first?["hypotheses"] as? [[String: Any]])?.first)
        #expect(h["id"] as? String == "helm-action-failed")
        let fixes = h["remediation"] as? [String] ?? [], checks = h["checks"] as? [String] ?? []
        #expect(fixes.first?.hasPrefix("Fix what the Helm error names") == true, "\(fixes)")
        #expect(!(checks + fixes).contains { $0.contains("LoadBalancer") }, "\(checks + fixes)")
        #expect(checks.contains("kubectl get events -n db --sort-by=.lastTimestamp"), "\(checks)")
        #expect(!(checks + fixes).contains { $0.contains("<workload-namespace>") })
    }

    @Test func aWaitThatTimedOutKeepsThemLast() throws {
        let lines = [WrapperChainTests.record("2026-12-02T02:06:02.000Z", "Helm upgrade failed for release db/postgres with chart postgresql@15.5.38: timed out waiting for the condition")]
        let r = try run(["--format", "json", "-"], stdin: stdinData(lines))
        let incidents = try #require(try json(r.stdout)["incidents"] as? [[String: Any]])
        let h = try #require((incidents.first?["hypotheses"] as? [[String: Any]])?.first { $0["id"] as? String == "helm-action-failed" })
        let fixes = h["remediation"] as? [String] ?? []
        #expect(fixes.last?.hasPrefix("LoadBalancer without an address") == true, "\(fixes)")
        #expect(fixes.first?.hasPrefix("LoadBalancer") == false, "\(fixes)")
    }
}
