"""Samples for issue 8, part "lifetimes": restarts and silence as evidence.

Called once from generate.py main(). Deterministic like the rest of generate.py: every jitter
comes from a SHA-256 of a fixed key. Each folder holds `<controller>.log` files (the file name
gives the controller), expected.json written from the story below, and README.md.

Line formats: FLUX-LOGS.md 1.1, 1.2 (start-up lines, third-era context), 1.4, 3.1, 3.2 (artifact
fetch retries), 3.7 (helm-controller v0.x events and Helm SDK strings), 3.12 (leader election,
graceful stop, "an OOMKill (exit 137) leaves no log line: the stream just ends").
"""

import json
import os

from generate import (MS, S, US, NS, STORAGE_HOST, LEASE, SOURCE_CONTROLLERS, Log, T, between, cr, git_ok, go_duration,
                      hrx, jit, kx, sha1hex, sha256hex, source_startup, srcx, uid, write_case)

KPOD = "kustomize-controller-5d4b86b547-kqr2q"
SPOD = "source-controller-6ff87cdb64-8wv2j"
HPOD = "helm-controller-5f7c8d9b6-x4mzl"
K_LEASE = "flux-system/kustomize-controller-leader-election"
H_LEASE = "flux-system/helm-controller-leader-election"
KCR = {"controller": "kustomization", "controllerGroup": "kustomize.toolkit.fluxcd.io", "controllerKind": "Kustomization"}
HCR = {"controller": "helmrelease", "controllerGroup": "helm.toolkit.fluxcd.io", "controllerKind": "HelmRelease"}
K3S_IP = "10.43.89.232"


# ---------------------------------------------------------------- start-up and stop sequences

def kustomize_startup(log, start, *, salt):
    """kustomize-controller start-up, current Flux (FLUX-LOGS 1.2 start-up lines; 3.12 client-go
    >= v0.35 lease wording with key `lock`). Returns the time the workers run."""
    def j(lo, hi, what):
        return between(lo, hi, "ks-startup", salt, what)

    t = start
    log.emit(t, {"logger": "setup", "msg": "starting manager"})
    t += j(500 * US, 1400 * US, "m1")
    log.emit(t, {"logger": "controller-runtime.metrics", "msg": "Starting metrics server"})
    t += j(80 * US, 300 * US, "m2")
    log.emit(t, {"logger": "controller-runtime.metrics", "msg": "Serving metrics server", "bindAddress": ":8080", "secure": False})
    t += j(300 * US, 1200 * US, "hp")
    log.emit(t, {"msg": "starting server", "name": "health probe", "addr": "[::]:9440"})
    t += j(96 * MS, 104 * MS, "le1")
    log.emit(t, {"logger": "runtime", "msg": "Attempting to acquire leader lease...", "lock": K_LEASE})
    t += j(9 * MS, 19 * MS, "le2")
    log.emit(t, {"logger": "runtime", "msg": "Successfully acquired lease", "lock": K_LEASE})
    t += j(300 * US, 2200 * US, "es")
    for src in ["*v1.Kustomization", "*v1.OCIRepository", "*v1.GitRepository", "*v1.Bucket", "*v1.ExternalArtifact"]:
        log.emit(t, {"msg": "Starting EventSource", **KCR, "source": "kind source: " + src})
        t += j(20 * US, 90 * US, "es" + src)
    log.emit(t, {"msg": "Starting Controller", **KCR})
    t += j(88 * MS, 101 * MS, "sync")
    log.emit(t, {"msg": "Starting workers", **KCR, "worker count": 4})
    return t


def graceful_stop(log, t, cr_fields, *, salt):
    """controller-runtime graceful shutdown after SIGTERM for a one-controller manager (FLUX-LOGS 3.12)."""
    def j(lo, hi, what):
        return between(lo, hi, "stop", salt, what)

    log.emit(t, {"msg": "Stopping and waiting for non leader election runnables"})
    t += j(40 * US, 200 * US, "a")
    log.emit(t, {"msg": "Stopping and waiting for leader election runnables"})
    t += j(10 * US, 80 * US, "sd")
    log.emit(t, {"msg": "Shutdown signal received, waiting for all workers to finish", **cr_fields})
    t += j(60 * US, 600 * US, "af")
    log.emit(t, {"msg": "All workers finished", **cr_fields})
    t += j(100 * US, 400 * US, "c")
    log.emit(t, {"msg": "Stopping and waiting for caches"})
    t += j(300 * US, 1500 * US, "w")
    log.emit(t, {"msg": "Stopping and waiting for webhooks"})
    t += j(10 * US, 60 * US, "h")
    log.emit(t, {"msg": "Stopping and waiting for HTTP servers"})
    t += j(20 * US, 120 * US, "ms")
    log.emit(t, {"logger": "controller-runtime.metrics", "msg": "Shutting down metrics server with timeout of 1 minute"})
    t += j(10 * US, 90 * US, "hp")
    log.emit(t, {"msg": "shutting down server", "name": "health probe", "addr": "[::]:9440"})
    t += j(300 * US, 1200 * US, "done")
    log.emit(t, {"msg": "Wait completed, proceeding to shutdown the manager"})
    return t


def helm_startup_v031(log, start, *, salt, lease_wait=0):
    """helm-controller v0.31 start-up (Flux 0.41: controller-runtime v0.14, klog routed to logger
    `runtime` with client-go < v0.35 lease wording and a trailing newline; FLUX-LOGS 1.2, 3.12, 7)."""
    t = start
    log.emit(t, {"logger": "controller-runtime.metrics", "msg": "Metrics server is starting to listen", "addr": ":8080"})
    t += jit(2, 9, "hs1", salt) * MS
    log.emit(t, {"logger": "setup", "msg": "starting manager"})
    t += jit(1, 3, "hs2", salt) * MS
    log.emit(t, {"msg": "Starting server", "path": "/metrics", "kind": "metrics", "addr": "[::]:8080"})
    log.emit(t + 120 * US, {"msg": "Starting server", "kind": "health probe", "addr": "[::]:9440"})
    t += jit(90, 110, "hs3", salt) * MS
    log.emit(t, {"logger": "runtime", "msg": "attempting to acquire leader lease %s...\n" % H_LEASE})
    t += lease_wait + jit(9, 19, "hs4", salt) * MS
    log.emit(t, {"logger": "runtime", "msg": "successfully acquired lease %s\n" % H_LEASE})
    t += jit(1, 3, "hs5", salt) * MS
    for src in ["*v2beta1.HelmRelease", "*v1beta2.HelmChart"]:
        log.emit(t, {"msg": "Starting EventSource", **HCR, "source": "kind source: " + src})
        t += jit(20, 90, "hs-es", salt, src) * US
    log.emit(t, {"msg": "Starting Controller", **HCR})
    t += jit(90, 110, "hs6", salt) * MS
    log.emit(t, {"msg": "Starting workers", **HCR, "worker count": 4})
    return t


def write_lifetime_case(name, logs, expected, extra, readme):
    """write_case plus the keys of this part's tests (written from the story, not the tool)."""
    write_case(name, logs, expected, readme)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name, "expected.json")
    with open(path, encoding="utf-8") as f:
        body = json.load(f)
    body.update(extra)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(body, indent=2) + "\n")


# ---------------------------------------------------------------- oom-killed-source-controller

def case_oom_killed_source_controller():
    day = (2026, 11, 25)
    s = Log(SPOD)
    k = Log(KPOD)
    old = sha1hex("fleet-infra", "main", "podinfo: 6.7.0")
    new = sha1hex("fleet-infra", "main", "apps: bump podinfo to 6.7.1")
    idx = sha256hex("podinfo-index", "2026-11-25")

    # Lifetime A (kubectl logs --previous): start-up at 09:40:03, GitRepository flux-system every
    # minute, HelmRepository podinfo every 10 minutes.
    t0 = T(day, 9, 40, 3, 112)
    workers = source_startup(s, t0, salt="oomA")
    t = workers + 900 * MS
    n = 0
    while t < T(day, 10, 7, 0):
        git_ok(s, t + jit(0, 900, "oom-git", n) * MS, NS, old)
        if n % 10 == 2:
            s.emit(t + 2 * S + jit(0, 900, "oom-helm", n) * MS, {"msg": "artifact up-to-date with remote revision: 'sha256:%s'" % idx,
                                                                 **srcx("helmrepository", "HelmRepository", "podinfo", uid("oom-helm", n))})
        t += 60 * S + jit(0, 2_000, "oom-step", n) * MS
        n += 1
    # 10:07:18: the new commit is stored; the last line of lifetime A. At 10:07:19.1 the container
    # is OOM-killed while the HelmRepository reconciler loads the 28 MB bitnami index: no line.
    stored = T(day, 10, 7, 18, 402)
    s.emit(stored, {"msg": "stored artifact for commit 'apps: bump podinfo to 6.7.1'",
                    **srcx("gitrepository", "GitRepository", NS, uid("oom-store"))})
    killed = T(day, 10, 7, 19, 117)

    # Lifetime B (kubectl logs): the kubelet restarts the container after a 40 s back-off; the
    # killed pod never released its lease, so the new one waits about 31 s for it to expire
    # (lease 35 s, FLUX-LOGS.md 3.12). The artifact server starts after the lease; the readiness
    # probe (GET / on 9090) passes a few seconds later.
    t1 = killed + 40 * S + 1_318 * MS
    workers = source_startup(s, t1, lease_wait=31 * S + 204 * MS, salt="oomB")
    ready = workers + 6 * S + 377 * MS
    t = workers + 1_100 * MS
    n = 0
    while t < T(day, 10, 16, 0):
        git_ok(s, t + jit(0, 900, "oomB-git", n) * MS, NS, new)
        t += 60 * S + jit(0, 2_000, "oomB-step", n) * MS
        n += 1

    # kustomize-controller: three Kustomizations with interval 10m (earlier runs), then the new
    # revision at 10:07:18 triggers all three. flux-system downloads before the kill; apps and
    # infrastructure download after it and are refused until source-controller is back.
    ks = ["flux-system", "infrastructure", "apps"]
    for i, name in enumerate(ks):
        for run in range(3):
            start = T(day, 9, 44 + run * 10, 11 + 13 * i, jit(0, 900, "oom-ks", name, run))
            rid = uid("oom-ks", name, run)
            took = (1_100 + 700 * i) * MS + jit(0, 999_999, "oom-took", name, run)
            k.emit(start + took - 41 * MS, {"msg": "server-side apply completed", **kx(name, rid),
                                            "output": {"Namespace/" + name: "unchanged"}, "revision": "main@sha1:" + old})
            k.emit(start + took, {"msg": "Reconciliation finished in %s, next run in 10m0s" % go_duration(took), **kx(name, rid),
                                  "revision": "main@sha1:" + old})
    url = "http://%s/gitrepository/flux-system/flux-system/%s.tar.gz" % (STORAGE_HOST, new)
    # flux-system: downloaded at 10:07:18.6, before the kill.
    rid = uid("oom-ks-new", "flux-system")
    done = stored + 2_431 * MS
    k.emit(done - 38 * MS, {"msg": "server-side apply completed", **kx("flux-system", rid),
                            "output": {"Kustomization/flux-system/apps": "unchanged", "Kustomization/flux-system/infrastructure": "unchanged"},
                            "revision": "main@sha1:" + new})
    k.emit(done, {"msg": "Reconciliation finished in %s, next run in 10m0s" % go_duration(done - stored - 61 * MS),
                  **kx("flux-system", rid), "revision": "main@sha1:" + new})
    refused_until = ready
    for name, begin in [("infrastructure", killed + 512 * MS), ("apps", killed + 1_207 * MS)]:
        rid = uid("oom-ks-new", name)
        t = begin
        waits = [5, 10, 20, 30, 30, 30, 30, 30, 30]   # go-retryablehttp, RetryWaitMin 5s, Max 30s (FLUX-LOGS 3.2)
        for attempt in range(10):
            t += jit(25, 31, "oom-att", name, attempt) * MS
            if t < refused_until:
                k.emit(t, {"msg": "request failed", **kx(name, rid),
                           "error": 'Get "%s": dial tcp %s:80: connect: connection refused' % (url, K3S_IP), "method": "GET", "url": url})
                t += waits[attempt] * S + jit(60, 400, "oom-wait", name, attempt) * US
                continue
            took = t - begin + (900 + 400 * len(name)) * MS
            k.emit(begin + took - 44 * MS, {"msg": "server-side apply completed", **kx(name, rid),
                                            "output": {"Deployment/%s/podinfo" % name: "configured"}, "revision": "main@sha1:" + new})
            k.emit(begin + took, {"msg": "Reconciliation finished in %s, next run in 10m0s" % go_duration(took), **kx(name, rid),
                                  "revision": "main@sha1:" + new})
            break

    write_lifetime_case(
        "oom-killed-source-controller", {"kustomize-controller.log": k, "source-controller.log": s},
        ("source-controller-unavailable", 1,
         ["GitRepository/flux-system/flux-system", "Kustomization/flux-system/apps", "Kustomization/flux-system/infrastructure"],
         "resolved"),
        {"killed": {"controller": "source-controller", "last_record": ts_clock(stored), "signal": "controller-killed"}},
        readme(
            "oom-killed-source-controller (stream ends, new container starts, consumers refused meanwhile)",
            """
k3s, current Flux. `source-controller.log` is what `kubectl logs --previous` and then `kubectl logs` print for the pod: two container lifetimes, concatenated. The first starts at 09:40:03 (`starting manager`, metrics server, health probe, `Attempting to acquire leader lease...`, EventSources, workers) and reconciles the GitRepository flux-system every minute. At 10:07:18 it stores the artifact of a new commit (`stored artifact for commit 'apps: bump podinfo to 6.7.1'`), its last line: at 10:07:19 the container is OOM-killed while the HelmRepository reconciler loads the 28 MB bitnami index. An OOM kill (exit 137) leaves no log line: the stream just ends, with no `Stopping and waiting for ...`. The kubelet restarts the container after a 40 s back-off; the new one logs its start-up at 10:08:00 and waits about 31 s for the killed pod's lease to expire, then starts the artifact server.

The new revision triggers the three Kustomizations at once. flux-system downloads its artifact just before the kill; infrastructure and apps download right after it and get `dial tcp 10.43.89.232:80: connect: connection refused` (the Service has no ready endpoint; kube-proxy rejects), retried by go-retryablehttp (5 s, 10 s, 20 s, 30 s) until source-controller serves again, then they apply and finish: the incident is resolved.
""",
            "refused downloads while source-controller's first lifetime ends with no shutdown line (its last record at 10:07:18) and a new start-up follows: `source-controller-unavailable`, with the killed lifetime (`controller-killed`) among its evidence. `killed.last_record` in expected.json is the clock time of the killed lifetime's last record.",
            "FLUX-LOGS.md 1.1, 1.2 (start-up lines, third era), 1.4, 3.2 (retry waits), 3.12 (client-go >= v0.35 lease lines, lease 35 s, an OOM kill leaves no line), 3.15, 5 (refused = no ready endpoint)."))


def ts_clock(t):
    """HH:MM:SS of a time in nanoseconds (UTC), as the report prints `first HH:MM:SS`."""
    sec = t // S
    return "%02d:%02d:%02d" % (sec // 3600 % 24, sec // 60 % 60, sec % 60)


def readme(title, story, decides, formats):
    return "# %s\n\n%s\nDecides the first hypothesis: %s\nFormats: %s\n" % (title, story.strip(), decides.strip(), formats.strip())


# ---------------------------------------------------------------- probe-kill-loop

def case_probe_kill_loop():
    day = (2026, 11, 26)
    k = Log("kustomize-controller-7b9d8c5f4-m2xkq")
    sha = sha1hex("fleet-infra", "main", "probe-kill-loop")
    names = ["flux-system", "infrastructure", "cert-manager", "ingress-nginx", "monitoring", "apps", "tenants"]
    backoff = [10, 20, 40, 80, 160, 300, 300]   # kubelet CrashLoopBackOff: 10 s doubling, cap 5 min
    t = T(day, 14, 2, 17, 408)
    starts = []
    for life in range(8):
        salt = "pk%d" % life
        starts.append(t)
        workers = kustomize_startup(k, t, salt=salt)
        # CPU-throttled at its 100m limit: a reconcile takes 8-12 s, two or three finish.
        r = workers + jit(600, 1_400, "pk-first", life) * MS
        for i in range(2 + life % 2):
            name = names[(life * 2 + i) % len(names)]
            rid = uid("pk", life, i)
            took = jit(8_000, 12_000, "pk-took", life, i) * MS + jit(0, 999_999, "pk-ns", life, i)
            k.emit(r + took - 57 * MS, {"msg": "server-side apply completed", **kx(name, rid),
                                        "output": {"Namespace/" + name: "unchanged"}, "revision": "main@sha1:" + sha})
            k.emit(r + took, {"msg": "Reconciliation finished in %s, next run in 10m0s" % go_duration(took), **kx(name, rid),
                              "revision": "main@sha1:" + sha})
            r += took + jit(40, 200, "pk-gap", life, i) * MS
        # Three failed liveness probes (every 10 s, timeout 1 s): SIGTERM about 30 s after start.
        sigterm = t + 30 * S + jit(50, 950, "pk-term", life) * MS
        stopped = graceful_stop(k, sigterm, KCR, salt=salt)
        if life < 7:
            t = stopped + backoff[life] * S + jit(700, 1_600, "pk-restart", life) * MS
    write_lifetime_case(
        "probe-kill-loop", {"kustomize-controller.log": k},
        ("controller-restarting", 1, [], "open"),
        {"restarts": {"controller": "kustomize-controller", "lifetimes": 8, "signal": "controller-probe-killed",
                      "min_seconds": 30, "max_seconds": 31}},
        readme(
            "probe-kill-loop (liveness-probe kills every 30 s, no error line)",
            """
A platform team lowered kustomize-controller's CPU limit to 100m in a cluster with 400 Kustomizations. Every container now starts normally (`starting manager`, metrics server, health probe, `Attempting to acquire leader lease...` / `Successfully acquired lease`, EventSources, workers), reconciles two or three Kustomizations slowly (8-12 s each, CPU-throttled), and answers the liveness probe (`GET /healthz` on 9440, every 10 s, 1 s timeout) too late three times in a row. About 30 s after its start the kubelet sends SIGTERM and the manager stops gracefully (`Stopping and waiting for non leader election runnables` ... `Wait completed, proceeding to shutdown the manager`). The kubelet restarts it with CrashLoopBackOff (10 s, 20 s, 40 s, ... 5 min): eight lifetimes of 30-31 s in this log, and not one error line.
""",
            "eight lifetimes that each end with graceful stop lines about 30 s after their start-up, with no error: liveness-probe kills repeating, one incident ranked `controller-restarting`. `restarts` in expected.json: the controller, the number of lifetimes and their length in seconds (from the story: SIGTERM 30-31 s after the start).",
            "FLUX-LOGS.md 1.1, 1.2 (start-up lines, third era), 1.4 (Reconciliation finished), 3.12 (client-go >= v0.35 lease lines, graceful stop lines); fluxcd/kustomize-controller config/manager/deployment.yaml (liveness probe on healthz, Kubernetes' default period 10 s and 3 failures)."))


# ---------------------------------------------------------------- helm-controller-killed-mid-upgrade

def case_helm_controller_killed_mid_upgrade():
    day = (2023, 3, 9)
    h = Log(HPOD)
    rel, ns = "kube-prometheus-stack", "monitoring"
    others = [("podinfo", "podinfo"), ("ingress-nginx", "ingress-nginx")]

    def finished(t, name, namespace, rid, took_ms, salt):
        took = took_ms * MS + jit(0, 999_999, "hk-ns", salt)
        h.emit(t + took, {"msg": "reconcilation finished in %s, next run in 5m0s" % go_duration(took), **hrx(name, rid, namespace)})
        return t + took

    # Lifetime A: start-up at 09:12:40, releases reconciled every 5 minutes (interval 5m).
    t0 = T(day, 9, 12, 40, 211)
    workers = helm_startup_v031(h, t0, salt="hkA")
    for run in range(10):
        base = workers + 300 * MS + run * 300 * S
        for i, (name, namespace) in enumerate(others + [(rel, ns)]):
            finished(base + i * 700 * MS, name, namespace, uid("hk", name, run), 900 + 300 * i, (name, run))
    # 10:02:11: HelmChart monitoring-kube-prometheus-stack has chart 45.7.1; the upgrade starts.
    up = T(day, 10, 2, 11, 482)
    rid = uid("hk-up")
    c = hrx(rel, rid, ns)
    h.emit(up + 3 * MS, {"level": "debug", "msg": "preparing upgrade for kube-prometheus-stack", **c})
    h.emit(up + 4_118 * MS, {"level": "debug", "msg": "performing update for kube-prometheus-stack", **c})
    h.emit(up + 4_902 * MS, {"level": "debug", "msg": "creating upgraded release for kube-prometheus-stack", **c})
    h.emit(up + 9_377 * MS, {"level": "debug", "msg": "waiting for release kube-prometheus-stack resources (created: 0 updated: 147  deleted: 0)", **c})
    h.emit(up + 9_378 * MS, {"level": "debug", "msg": "beginning wait for 147 resources with timeout of 10m0s", **c})
    # 10:02:26: OOM-killed (limit 1Gi) while Helm waits: no line. Release v15 stays pending-upgrade.
    killed = up + 14 * S + 640 * MS

    # Lifetime B: back-off 10 s, start-up, the lease expires after about 30 s.
    t1 = killed + 10 * S + 1_207 * MS
    workers = helm_startup_v031(h, t1, salt="hkB", lease_wait=29 * S + 611 * MS)
    for i, (name, namespace) in enumerate(others):
        finished(workers + 200 * MS + i * 600 * MS, name, namespace, uid("hkB", name), 800 + 200 * i, (name, "B"))
    # Every attempt: the upgrade starts and Helm refuses at once; spec.upgrade.remediation.retries
    # is 5, so helm-controller retries with controller-runtime's back-off.
    t = workers + 1_900 * MS
    for attempt, wait_ms in enumerate([0, 812, 1_655, 3_140, 6_480]):
        t += wait_ms * MS
        rid = uid("hkB-up", attempt)
        c = hrx(rel, rid, ns)
        fail = "Helm upgrade failed: another operation (install/upgrade/rollback) is in progress"
        h.emit(t, {"level": "debug", "msg": "preparing upgrade for kube-prometheus-stack", **c})
        h.emit(t + 48 * MS, {"msg": "skipping remediation, no new release revision created", **c})
        took = 61 * MS + jit(0, 40, "hkB-took", attempt) * MS
        h.emit(t + took, {"msg": "reconcilation finished in %s, next run in 5m0s" % go_duration(took), **c})
        h.emit(t + took + 1 * MS, {"level": "error", "msg": "Reconciler error", **c, "error": fail})
        t += took
    write_lifetime_case(
        "helm-controller-killed-mid-upgrade", {"helm-controller.log": h},
        ("helm-release-locked", 1, ["HelmRelease/monitoring/kube-prometheus-stack"], "open"),
        {"interrupted": {"controller": "helm-controller", "object": "HelmRelease/monitoring/kube-prometheus-stack",
                         "action": "upgrade", "signal": "helm-action-interrupted"}},
        readme(
            "helm-controller-killed-mid-upgrade (killed mid-upgrade, then another operation is in progress)",
            """
helm-controller v0.31 (Flux 0.41, HelmRelease v2beta1, `--log-level=debug`). `helm-controller.log` holds two container lifetimes (`kubectl logs --previous` then `kubectl logs`). The first starts at 09:12:40 and reconciles three HelmReleases every 5 minutes (`reconcilation finished in ..., next run in 5m0s`, the typo of that era). At 10:02:11 a new chart version of kube-prometheus-stack starts an upgrade: Helm's own debug lines, logged by helm-controller with the HelmRelease's context (`preparing upgrade for kube-prometheus-stack`, `performing update`, `creating upgraded release`, `waiting for release kube-prometheus-stack resources`, `beginning wait for 147 resources`). At 10:02:26, while Helm waits, the container is OOM-killed at its 1Gi limit: no result line, no shutdown line. Helm's release record v15 stays `pending-upgrade`.

The kubelet restarts the container 10 s later; it waits about 30 s for the lease, reconciles podinfo and ingress-nginx, and every upgrade of kube-prometheus-stack now fails at once: Helm logs `preparing upgrade for kube-prometheus-stack`, finds the pending release and refuses, and helm-controller logs `skipping remediation, no new release revision created`, `reconcilation finished in ...` and `Reconciler error` with `Helm upgrade failed: another operation (install/upgrade/rollback) is in progress` (the shape of helm-controller#149), five times with controller-runtime's back-off (`spec.upgrade.remediation.retries: 5`).
""",
            "`another operation (install/upgrade/rollback) is in progress` after the previous lifetime started the upgrade of the same HelmRelease and ended with neither a result nor a shutdown line (`helm-action-interrupted`): `helm-release-locked`, with the kill mid-upgrade among its evidence.",
            "FLUX-LOGS.md 1.1 (debug level), 1.2 (start-up lines, klog through logger runtime), 3.1 (`reconcilation finished` typo), 3.7 (Helm SDK errPending, helm-controller#149), 3.12; helm/helm pkg/action/upgrade.go (`preparing upgrade for %s`) (lease, an OOM kill leaves no line)."))


def lifetime_samples():
    case_oom_killed_source_controller()
    case_probe_kill_loop()
    case_helm_controller_killed_mid_upgrade()
