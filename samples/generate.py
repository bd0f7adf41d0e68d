#!/usr/bin/env python3
"""Regenerate the flux-logscan sample scenarios under samples/.

Deterministic: no clock, no unseeded randomness. Every "jitter" (reconcile durations, kubelet
write delays, UUIDs, SHAs) is derived from a SHA-256 of a fixed key, so running this script twice
writes byte-identical files. Run from anywhere: python3 samples/generate.py

Line formats follow /work/shared/FLUX-LOGS.md (sections named in each scenario's README.md):
controller-runtime JSON (1.1, 1.2 third era, 1.4), kubectl --prefix --timestamps envelope (2),
artifact fetch retries and messages (3.2), start-up/shutdown/leader election (3.12), source
success lines (3.15), network behaviour (5), spelling corrections (7).
"""

import hashlib
import json
import os
import uuid
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))

MS = 1_000_000          # nanoseconds
US = 1_000
S = 1_000_000_000
DAY0 = int(datetime(2026, 11, 24, tzinfo=timezone.utc).timestamp()) * S

NS = "flux-system"
STORAGE_HOST = "source-controller.flux-system.svc.cluster.local."
LEASE = "flux-system/source-controller-leader-election"
BACKOFF = [5, 10, 20, 30, 30, 30, 30, 30, 30]   # retryablehttp waits, min 5s max 30s (FLUX-LOGS 3.2)


# ---------------------------------------------------------------- deterministic helpers

def _h(*key):
    return hashlib.sha256("|".join(str(k) for k in key).encode()).digest()


def frac(*key):
    """A float in [0, 1) fixed by key."""
    return int.from_bytes(_h(*key)[:8], "big") / 2**64


def between(lo, hi, *key):
    """An int in [lo, hi] fixed by key."""
    return lo + int(frac(*key) * (hi - lo + 1))


def uid(*key):
    return str(uuid.UUID(bytes=_h("uuid", *key)[:16], version=4))


def sha1hex(*key):
    return hashlib.sha1("|".join(key).encode()).hexdigest()


def sha256hex(*key):
    return hashlib.sha256(("idx|" + "|".join(key)).encode()).hexdigest()


def at(h, m, s, ms=0, us=0):
    return DAY0 + ((h * 60 + m) * 60 + s) * S + ms * MS + us * US


def ts_ms(t):
    """zap ISO8601TimeEncoder: millisecond precision, truncated, Z (FLUX-LOGS 1.1)."""
    sec, ns = divmod(t, S)
    return datetime.fromtimestamp(sec, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ns // MS)


def ts_kubelet(t):
    """kubelet RFC3339NanoFixed: always 9 fraction digits (FLUX-LOGS 2)."""
    sec, ns = divmod(t, S)
    return datetime.fromtimestamp(sec, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % ns


def go_duration(d):
    """time.Duration.String() for positive durations."""
    if d < US:
        return "%dns" % d
    if d < MS:
        return _trim("%d.%03d" % divmod(d, US)) + "µs"
    if d < S:
        return _trim("%d.%06d" % divmod(d, MS)) + "ms"
    h, rem = divmod(d, 3600 * S)
    m, rem = divmod(rem, 60 * S)
    sec = _trim("%d.%09d" % divmod(rem, S)) + "s"
    if h:
        return "%dh%dm%s" % (h, m, sec)
    if m:
        return "%dm%s" % (m, sec)
    return sec


def _trim(num):
    return num.rstrip("0").rstrip(".") if "." in num else num


# ---------------------------------------------------------------- records

class Log:
    """One controller's stream: (time, pod, json text) records."""

    def __init__(self, pod):
        self.pod = pod
        self.recs = []

    def emit(self, t, fields):
        obj = {"level": fields.pop("level", "info"), "ts": ts_ms(t)}
        obj.update(fields)
        self.recs.append((t, self.pod, json.dumps(obj, separators=(",", ":"), ensure_ascii=False)))

    def sorted(self):
        return sorted(self.recs, key=lambda r: r[0])


def ctx(controller, group, kind, name, rid, namespace=NS):
    """controller-runtime >= v0.13 per-reconcile context, in key order (FLUX-LOGS 1.2)."""
    return {
        "controller": controller,
        "controllerGroup": group,
        "controllerKind": kind,
        kind: {"name": name, "namespace": namespace},
        "namespace": namespace,
        "name": name,
        "reconcileID": rid,
    }


def kctx(name, rid):
    return ctx("kustomization", "kustomize.toolkit.fluxcd.io", "Kustomization", name, rid)


def gctx(name, rid):
    return ctx("gitrepository", "source.toolkit.fluxcd.io", "GitRepository", name, rid)


def hctx(name, rid):
    return ctx("helmrepository", "source.toolkit.fluxcd.io", "HelmRepository", name, rid)


def artifact_url(sha):
    return "http://%s/gitrepository/flux-system/flux-system/%s.tar.gz" % (STORAGE_HOST, sha)


# ---------------------------------------------------------------- kustomize-controller

def fetch_fail_cycle(log, name, start, *, sha, ip, mode, stop=None):
    """One reconcile whose artifact download exhausts go-retryablehttp (FLUX-LOGS 3.2).

    mode "refused": each attempt fails in ~25 ms; "timeout": each attempt hits the 30 s dial
    timeout. Returns the time of the final log line (or None if cut by `stop`).
    """
    rid = uid("reconcile", name, start)
    url = artifact_url(sha)
    if mode == "refused":
        inner = 'Get "%s": dial tcp %s:80: connect: connection refused' % (url, ip)
    else:
        inner = 'Get "%s": dial tcp %s:80: i/o timeout' % (url, ip)
    t = start + between(50 * MS, 60 * MS, "patch", name, start)
    for i in range(10):
        if mode == "refused":
            t += between(25 * MS, 31 * MS, "attempt", name, start, i)
        else:
            t += 30 * S + between(1500 * US, 4500 * US, "attempt", name, start, i)
        if stop is not None and t > stop:
            return None
        log.emit(t, {"msg": "request failed", **kctx(name, rid), "error": inner, "method": "GET", "url": url})
        if i < 9:
            t += BACKOFF[i] * S + between(60 * US, 400 * US, "wait", name, start, i)
    end = t + between(900 * US, 1600 * US, "end", name, start)
    if stop is not None and end > stop:
        return None
    log.emit(end, {
        "level": "error",
        "msg": "Reconciliation failed after %s, next try in 10m0s" % go_duration(end - start),
        **kctx(name, rid),
        "revision": "main@sha1:" + sha,
        "error": "failed to download archive: GET %s giving up after 10 attempt(s): %s" % (url, inner),
    })
    return end


def fetch_fail_schedule(log, first_starts, *, sha, ip, mode, stop):
    """Each Kustomization retries 10m after a failure (retryInterval = interval = 10m)."""
    for name, start in first_starts:
        while start < stop:
            end = fetch_fail_cycle(log, name, start, sha=sha, ip=ip, mode=mode, stop=stop)
            if end is None:
                break
            start = end + 600 * S + between(300 * US, 2500 * US, "requeue", name, end)


def not_found_loop(log, name, start, until):
    """404 from the artifact server: info line, requeue after --requeue-dependency 30s (FLUX-LOGS 3.2)."""
    t = start
    while t < until:
        rid = uid("reconcile", name, t)
        done = t + between(14 * MS, 27 * MS, "404", name, t)
        log.emit(done, {"msg": "Source is not ready, artifact not found, retrying in 30s", **kctx(name, rid)})
        t = done + 30 * S + between(200 * US, 1800 * US, "requeue404", name, t)


def apply_ok(log, name, start, *, sha, output, took):
    rid = uid("reconcile", name, start)
    applied = start + took - between(40 * MS, 90 * MS, "finish", name, start)
    log.emit(applied, {"msg": "server-side apply completed", **kctx(name, rid),
                       "output": dict(sorted(output.items())), "revision": "main@sha1:" + sha})
    log.emit(start + took, {"msg": "Reconciliation finished in %s, next run in 10m0s" % go_duration(took),
                            **kctx(name, rid), "revision": "main@sha1:" + sha})
    return start + took


# ---------------------------------------------------------------- source-controller

def git_no_changes(log, start, until, *, sha, name=NS, salt=""):
    """GitRepository interval 1m (+/-5% jitter): optimized clone finds no new commit (FLUX-LOGS 3.15, 7)."""
    t = start
    n = 0
    while True:
        took = between(480 * MS, 1350 * MS, "git", salt, n)
        if t + took >= until:
            return
        rid = uid("git", salt, n)
        log.emit(t + took, {"msg": "no changes since last reconciliation: observed revision 'main@sha1:%s'" % sha,
                            **gctx(name, rid)})
        t = t + took + 60 * S + int((frac("gitjitter", salt, n) - 0.5) * 6 * S)
        n += 1


def helm_repo(log, events, name, *, salt):
    """HelmRepository reconciles: list of (time, 'uptodate'|'stored', digest|size, url)."""
    for i, (t, kind, a, b) in enumerate(events):
        rid = uid("helm", salt, name, i)
        if kind == "uptodate":
            msg = "artifact up-to-date with remote revision: 'sha256:%s'" % a
        else:
            msg = "stored fetched index of size %s from '%s'" % (a, b)
        log.emit(t, {"msg": msg, **hctx(name, rid)})


SOURCE_CONTROLLERS = [
    # (controller, Kind, watched kinds for Starting EventSource)
    ("gitrepository", "GitRepository", ["*v1.GitRepository"]),
    ("helmchart", "HelmChart", ["*v1.HelmChart", "*v1.HelmRepository", "*v1.GitRepository", "*v1.Bucket"]),
    ("helmrepository", "HelmRepository", ["*v1.HelmRepository"]),
    ("ocirepository", "OCIRepository", ["*v1.OCIRepository"]),
    ("bucket", "Bucket", ["*v1.Bucket"]),
]


def cr(controller, kind):
    return {"controller": controller, "controllerGroup": "source.toolkit.fluxcd.io", "controllerKind": kind}


def source_startup(log, start, *, lease_wait=0, salt=""):
    """source-controller start-up (FLUX-LOGS 1.2 start-up lines, 3.12; client-go >= v0.35 lease lines).

    Returns the time the workers are running."""
    def j(lo, hi, what):
        return between(lo, hi, "startup", salt, what)

    t = start
    log.emit(t, {"logger": "setup", "msg": "starting manager"})
    t += j(500 * US, 1400 * US, "m1")
    log.emit(t, {"logger": "controller-runtime.metrics", "msg": "Starting metrics server"})
    t += j(80 * US, 300 * US, "m2")
    log.emit(t, {"logger": "controller-runtime.metrics", "msg": "Serving metrics server",
                 "bindAddress": ":8080", "secure": False})
    t += j(300 * US, 1200 * US, "hp")
    log.emit(t, {"msg": "starting server", "name": "health probe", "addr": "[::]:9440"})
    t += j(96 * MS, 104 * MS, "le1")
    log.emit(t, {"logger": "runtime", "msg": "Attempting to acquire leader lease...", "lock": LEASE})
    t += lease_wait + j(9 * MS, 19 * MS, "le2")
    log.emit(t, {"logger": "runtime", "msg": "Successfully acquired lease", "lock": LEASE})
    for ci, (controller, kind, sources) in enumerate(SOURCE_CONTROLLERS):
        t += j(300 * US, 2200 * US, "es%d" % ci)
        for src in sources:
            log.emit(t, {"msg": "Starting EventSource", **cr(controller, kind), "source": "kind source: " + src})
            t += j(20 * US, 90 * US, "es%d%s" % (ci, src))
        log.emit(t, {"msg": "Starting Controller", **cr(controller, kind)})
    t += j(88 * MS, 101 * MS, "sync")
    for ci, (controller, kind, _) in enumerate(SOURCE_CONTROLLERS):
        log.emit(t, {"msg": "Starting workers", **cr(controller, kind), "worker count": 2})
        t += j(200 * US, 2800 * US, "w%d" % ci)
    return t


def source_graceful_stop(log, t, *, salt=""):
    """controller-runtime graceful shutdown after SIGTERM (FLUX-LOGS 3.12)."""
    def j(lo, hi, what):
        return between(lo, hi, "stop", salt, what)

    log.emit(t, {"msg": "Stopping and waiting for non leader election runnables"})
    t += j(40 * US, 200 * US, "a")
    log.emit(t, {"msg": "Stopping and waiting for leader election runnables"})
    order = [2, 0, 4, 1, 3]
    for ci in order:
        controller, kind, _ = SOURCE_CONTROLLERS[ci]
        t += j(10 * US, 80 * US, "sd%d" % ci)
        log.emit(t, {"msg": "Shutdown signal received, waiting for all workers to finish", **cr(controller, kind)})
    for ci in order:
        controller, kind, _ = SOURCE_CONTROLLERS[ci]
        t += j(60 * US, 600 * US, "af%d" % ci)
        log.emit(t, {"msg": "All workers finished", **cr(controller, kind)})
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


# ---------------------------------------------------------------- output

def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_plain(path, log):
    write_text(path, "".join(line + "\n" for _, _, line in log.sorted()))


def write_envelope(path, *logs):
    """kubectl logs --prefix --timestamps: kubelet receives each line a few hundred µs after zap
    stamped it; per pod the kubelet times are strictly increasing (FLUX-LOGS 2)."""
    out = []
    for log in logs:
        last = 0
        for t, pod, line in log.sorted():
            k = t + between(140 * US, 520 * US, "kubelet", pod, t, line) + between(0, 999, "ns", pod, t, line)
            k = max(k, last + between(9 * US, 40 * US, "gap", pod, t, line))
            last = k
            out.append((k, "[pod/%s/manager] %s %s\n" % (pod, ts_kubelet(k), line)))
    out.sort(key=lambda r: r[0])
    write_text(path, "".join(line for _, line in out))


def write_expected(path, hypothesis, kustomizations, status, upstream_in_log=True):
    # The upstream GitRepository is an object of the incident only when the consumers' lines name
    # it: the artifact URL of `request failed` / `failed to download archive` does
    # (/gitrepository/<ns>/<name>/...), kustomize-controller's 404 line `Source is not ready,
    # artifact not found` does not (FLUX-LOGS.md 3.2).
    upstream = ["GitRepository/flux-system/flux-system"] if upstream_in_log else []
    objects = sorted(upstream + ["Kustomization/flux-system/%s" % k for k in kustomizations])
    body = {"first_hypothesis": hypothesis, "incidents": 1, "objects": objects, "status": status}
    write_text(path, json.dumps(body, indent=2) + "\n")


# ---------------------------------------------------------------- scenarios

KPOD = "kustomize-controller-5d4b86b547-kqr2q"
SPOD = "source-controller-6ff87cdb64-8wv2j"
K3S_SHA = sha1hex("fleet-infra", "main", "infrastructure: add ingress-nginx admission webhook timeout")
K3S_IP = "10.43.89.232"

K3S_KUSTOMIZE_STARTS = [
    ("apps", at(2, 41, 12, 391, 228)),
    ("infrastructure", at(2, 43, 5, 877, 604)),
    ("flux-system", at(2, 48, 19, 204, 917)),
]
INGRESS_NGINX = "https://kubernetes.github.io/ingress-nginx"


def k3s_kustomize_log():
    """Shared, byte for byte, by networkpolicy-9090 and source-controller-restart."""
    log = Log(KPOD)
    fetch_fail_schedule(log, K3S_KUSTOMIZE_STARTS, sha=K3S_SHA, ip=K3S_IP, mode="refused",
                        stop=at(3, 6, 0))
    return log


def scenario_networkpolicy_9090():
    d = os.path.join(HERE, "networkpolicy-9090")
    klog = k3s_kustomize_log()
    slog = Log(SPOD)
    git_no_changes(slog, at(2, 40, 24, 611), at(3, 6, 0), sha=K3S_SHA, salt="np")
    old_idx, new_idx = sha256hex("ingress-nginx", "2026-11-23"), sha256hex("ingress-nginx", "2026-11-24")
    helm_repo(slog, [
        (at(2, 44, 51, 307, 412), "uptodate", old_idx, None),
        (at(2, 54, 38, 955, 104), "stored", "3.251MB", INGRESS_NGINX),
        (at(3, 4, 22, 118, 760), "uptodate", new_idx, None),
    ], "ingress-nginx", salt="np")
    write_plain(os.path.join(d, "kustomize-controller.log"), klog)
    write_plain(os.path.join(d, "source-controller.log"), slog)
    write_envelope(os.path.join(d, "envelopes", "prefix-timestamps.log"), klog, slog)
    write_expected(os.path.join(d, "expected.json"), "networkpolicy-blocks-artifact-port",
                   ["apps", "flux-system", "infrastructure"], "open")
    write_text(os.path.join(d, "README.md"), """\
# networkpolicy-9090 (k3s, kube-router rejects)

At ~02:38 a NetworkPolicy `allow-egress` (podSelector `{}`) in flux-system starts limiting egress to DNS, TCP 443/22/6443 and the notification-controller pods; source-controller's artifact port 9090 is not allowed. On k3s kube-router REJECTs denied packets, so every download of `http://source-controller.flux-system.svc.cluster.local./...tar.gz` (ClusterIP 10.43.89.232:80) fails at once with `connect: connection refused`: ten `request failed` lines 5/10/20/30s apart, then `Reconciliation failed after 3m35.3…s` for apps, infrastructure and flux-system (two cycles each, 10m apart). Because notification-controller stays reachable, there are no `unable to record event` lines (so the consumer log can be shared byte for byte with source-controller-restart).
source-controller meanwhile is healthy: `no changes since last reconciliation` every minute, HelmRepository `artifact up-to-date` / `stored fetched index`, no start-up lines.
Decides the first hypothesis: refused downloads while source-controller keeps reconciling with no restart (DESIGN.md table, row 1); the ~3m35s retry span says fast failures.
Formats: FLUX-LOGS.md 1.1, 1.2 (third era), 1.4, 2 (envelope), 3.2 (retries, `failed to download archive:`), 3.15, 5 (kube-router REJECT), 7 (current `reconciliation` spelling).
Files are `kubectl logs -n flux-system deploy/<controller> --since-time=2026-11-24T02:40:00Z` taken at ~03:06; `envelopes/` has both pods as `kubectl logs -f --prefix --timestamps -l 'app in (kustomize-controller,source-controller)'` prints them.
""")


def scenario_networkpolicy_9090_timeout():
    d = os.path.join(HERE, "networkpolicy-9090-timeout")
    kpod, spod = "kustomize-controller-6b7f9c8d44-x2lqp", "source-controller-75c4d8f6b9-hq2vr"
    sha = sha1hex("platform-gitops", "main", "apps: roll out checkout-api 2.14.0")
    ip = "10.96.12.34"
    stop = at(3, 8, 40)
    klog = Log(kpod)
    fetch_fail_schedule(klog, [
        ("apps", at(2, 41, 12, 391, 228)),
        ("infrastructure", at(2, 43, 5, 877, 604)),
        ("flux-system", at(2, 47, 30, 66, 310)),
    ], sha=sha, ip=ip, mode="timeout", stop=stop)
    slog = Log(spod)
    git_no_changes(slog, at(2, 40, 9, 842), stop, sha=sha, salt="calico")
    idx = sha256hex("ingress-nginx", "calico")
    helm_repo(slog, [
        (at(2, 48, 2, 519, 330), "uptodate", idx, None),
        (at(2, 57, 49, 73, 902), "uptodate", idx, None),
        (at(3, 7, 41, 640, 25), "uptodate", idx, None),
    ], "ingress-nginx", salt="calico")
    write_plain(os.path.join(d, "kustomize-controller.log"), klog)
    write_plain(os.path.join(d, "source-controller.log"), slog)
    write_envelope(os.path.join(d, "envelopes", "prefix-timestamps.log"), klog, slog)
    write_expected(os.path.join(d, "expected.json"), "networkpolicy-blocks-artifact-port",
                   ["apps", "flux-system", "infrastructure"], "open")
    write_text(os.path.join(d, "README.md"), """\
# networkpolicy-9090-timeout (Calico drops)

Same policy as networkpolicy-9090 on a kubeadm cluster (Service CIDR 10.96.0.0/12) with Calico, whose default deny action is DROP: the SYNs to ClusterIP 10.96.12.34:80 (pod port 9090) vanish, each attempt waits out the 30s dial timeout (`dial tcp 10.96.12.34:80: i/o timeout`), so a cycle is 10×30s + 215s of backoff: `Reconciliation failed after 8m35.0…s`. apps, infrastructure and flux-system fail once each and apps a second time; the logs were taken at 03:08:40 while infrastructure's and flux-system's second cycles were still retrying (their last `request failed` lines have no closing error yet).
source-controller is healthy throughout: `no changes since last reconciliation` every minute, HelmRepository `artifact up-to-date`, no start-up lines.
Decides the first hypothesis: i/o timeouts (the stronger NetworkPolicy sign) while source-controller keeps working (DESIGN.md table, row 1); the ~8m35s span says dropped packets.
Formats: FLUX-LOGS.md 1.1, 1.2 (third era), 1.4, 2, 3.2 (timing: 30s dialer + 5/10/20/30s waits), 3.15, 5 (Calico DROP), 7.
""")


def scenario_source_controller_restart():
    d = os.path.join(HERE, "source-controller-restart")
    klog = k3s_kustomize_log()
    slog = Log(SPOD)
    idx = sha256hex("ingress-nginx", "2026-11-23")
    # Five container lifetimes, one CrashLoopBackOff (300s) apart. L1-L4 are OOM-killed a few
    # seconds after winning the lease, before the 10s readiness probe could pass: the Service has
    # no ready endpoint, kube-proxy REJECTs, consumers see "connection refused". L5 survives ~30s,
    # then the kubelet kills it after three failed liveness probes (graceful stop).
    t = at(2, 40, 31, 214, 377)
    lifetimes = [
        dict(git=True, nginx=False, oom=5_412),
        dict(git=False, nginx=False, oom=4_857),
        dict(git=True, nginx=True, oom=5_936),
        dict(git=False, nginx=False, oom=4_603),
        dict(git=True, nginx=True, oom=None),
    ]
    starts = []
    for n, lt in enumerate(lifetimes):
        salt = "L%d" % (n + 1)
        starts.append(ts_ms(t)[11:19])
        workers = source_startup(slog, t, salt=salt)
        last = workers
        if lt["git"]:
            last = workers + between(900 * MS, 1700 * MS, "gitfirst", salt)
            slog.emit(last, {"msg": "no changes since last reconciliation: observed revision 'main@sha1:%s'" % K3S_SHA,
                             **gctx(NS, uid("git", salt))})
        if lt["nginx"]:
            nt = workers + between(1800 * MS, 2900 * MS, "nginx", salt)
            slog.emit(nt, {"msg": "artifact up-to-date with remote revision: 'sha256:%s'" % idx,
                           **hctx("ingress-nginx", uid("helm", salt))})
        if lt["oom"] is not None:
            death = t + lt["oom"] * MS + between(0, 999 * US, "oom", salt)
        else:
            stored = t + 26 * S + 931 * MS + 466 * US
            slog.emit(stored, {"msg": "stored fetched index of size 27.94MB from 'https://charts.bitnami.com/bitnami'",
                               **hctx("bitnami", uid("helm", salt, "bitnami"))})
            death = source_graceful_stop(slog, t + 29 * S + 842 * MS + 113 * US, salt=salt)
        t = death + 300 * S + between(900 * MS, 1400 * MS, "restart", salt)
    write_plain(os.path.join(d, "kustomize-controller.log"), klog)
    write_plain(os.path.join(d, "source-controller.log"), slog)
    write_envelope(os.path.join(d, "envelopes", "prefix-timestamps.log"), klog, slog)
    write_expected(os.path.join(d, "expected.json"), "source-controller-unavailable",
                   ["apps", "flux-system", "infrastructure"], "open")
    write_text(os.path.join(d, "README.md"), ("""\
# source-controller-restart (crash loop, refused)

`kustomize-controller.log` is byte-identical to networkpolicy-9090: the same refused downloads from 10.43.89.232:80 and `Reconciliation failed after 3m35.3…s`. Here there is no NetworkPolicy: a `bitnami` HelmRepository (28 MB index) was added at ~02:25 and source-controller is OOM-killed while loading it on every start. CrashLoopBackOff keeps the container down 300s between lifetimes; the pod is never ready for long, the Service has no ready endpoint and kube-proxy REJECTs, hence `connection refused`.
source-controller.log holds five lifetimes of the same pod (starting %s), each a full start-up (`starting manager`, metrics server, `starting server` health probe, `Attempting to acquire leader lease...`/`Successfully acquired lease`, EventSources, Controllers, workers). Four end with no line (OOMKilled); the fifth stores the bitnami index, then the kubelet kills it after failed liveness probes and it shuts down gracefully (`Stopping and waiting for non leader election runnables` … `Wait completed`). That is what a log collector (or a `kubectl logs -f` re-run loop) keeps; plain `kubectl logs` would show only the last container.
Decides the first hypothesis: refused downloads while source-controller keeps starting up and stopping (DESIGN.md table, row 2); the same consumer lines as networkpolicy-9090, so only source-controller's evidence can tell them apart.
Formats: FLUX-LOGS.md 1.1, 1.2 (start-up lines), 1.4, 2, 3.2, 3.12 (leader election with client-go >= v0.35 wording, graceful stop, OOM leaves no line), 5.
""") % ", ".join(starts))


def scenario_artifact_missing():
    d = os.path.join(HERE, "artifact-missing")
    spod = "source-controller-6ff87cdb64-q7ztl"
    old = sha1hex("fleet-infra", "main", "apps: podinfo 6.9.2")
    new = sha1hex("fleet-infra", "main", "podinfo: bump to 6.9.3")
    stop = at(3, 6, 0)
    resume = at(2, 52, 7, 448, 102)
    stored = at(2, 52, 8, 931, 570)

    slog = Log(spod)
    workers = source_startup(slog, at(2, 40, 3, 206, 841), lease_wait=5 * S + 143 * MS, salt="drain")
    slog.emit(workers + 2 * MS + 118 * US, {"msg": "reconciliation is suspended for this object",
                                           **gctx(NS, uid("git", "drain", "suspended"))})
    slog.emit(stored, {"msg": "stored artifact for commit 'podinfo: bump to 6.9.3'", **gctx(NS, uid("git", "resume"))})
    git_no_changes(slog, stored + 59 * S + 872 * MS, stop, sha=new, salt="after-resume")
    idx = sha256hex("ingress-nginx", "drain")
    helm_repo(slog, [
        (at(2, 49, 52, 604, 288), "uptodate", idx, None),
        (at(2, 59, 41, 317, 9), "uptodate", idx, None),
    ], "ingress-nginx", salt="drain")

    klog = Log(KPOD)
    first = {"apps": at(2, 41, 30, 603, 15), "infrastructure": at(2, 43, 22, 87, 440),
             "flux-system": at(2, 46, 5, 712, 906)}
    for name, start in first.items():
        not_found_loop(klog, name, start, resume)
    gotk = {}
    for crd in ["alerts.notification.toolkit.fluxcd.io", "buckets.source.toolkit.fluxcd.io",
                "externalartifacts.source.toolkit.fluxcd.io", "gitrepositories.source.toolkit.fluxcd.io",
                "helmcharts.source.toolkit.fluxcd.io", "helmreleases.helm.toolkit.fluxcd.io",
                "helmrepositories.source.toolkit.fluxcd.io", "kustomizations.kustomize.toolkit.fluxcd.io",
                "ocirepositories.source.toolkit.fluxcd.io", "providers.notification.toolkit.fluxcd.io",
                "receivers.notification.toolkit.fluxcd.io"]:
        gotk["CustomResourceDefinition/" + crd] = "unchanged"
    for k in ["ClusterRole/crd-controller-flux-system", "ClusterRole/flux-edit-flux-system",
              "ClusterRole/flux-view-flux-system", "ClusterRoleBinding/cluster-reconciler-flux-system",
              "ClusterRoleBinding/crd-controller-flux-system", "Namespace/flux-system",
              "ResourceQuota/flux-system/critical-pods-flux-system"]:
        gotk[k] = "unchanged"
    for c in ["helm-controller", "kustomize-controller", "notification-controller", "source-controller"]:
        gotk["ServiceAccount/flux-system/" + c] = "unchanged"
        gotk["Deployment/flux-system/" + c] = "unchanged"
    for svc in ["notification-controller", "source-controller", "webhook-receiver"]:
        gotk["Service/flux-system/" + svc] = "unchanged"
    for np in ["allow-egress", "allow-scraping", "allow-webhooks"]:
        gotk["NetworkPolicy/flux-system/" + np] = "unchanged"
    for k in ["GitRepository/flux-system/flux-system", "Kustomization/flux-system/apps",
              "Kustomization/flux-system/flux-system", "Kustomization/flux-system/infrastructure"]:
        gotk[k] = "unchanged"
    infra = {"Namespace/ingress-nginx": "unchanged", "HelmRepository/flux-system/ingress-nginx": "unchanged",
             "HelmRelease/ingress-nginx/ingress-nginx": "unchanged"}
    apps_new = {"Namespace/podinfo": "unchanged", "Service/podinfo/podinfo": "unchanged",
                "Deployment/podinfo/podinfo": "configured",
                "HorizontalPodAutoscaler/podinfo/podinfo": "unchanged"}
    apps_same = dict(apps_new, **{"Deployment/podinfo/podinfo": "unchanged"})
    trig = stored + 7 * MS + 311 * US   # the new revision re-queues every Kustomization at once
    ends = {
        "flux-system": apply_ok(klog, "flux-system", trig + 412 * US, sha=new, output=gotk, took=2_884_103_650),
        "infrastructure": apply_ok(klog, "infrastructure", trig + 988 * US, sha=new, output=infra, took=1_306_772_914),
        "apps": apply_ok(klog, "apps", trig + 1_604 * US, sha=new, output=apps_new, took=2_117_480_296),
    }
    outputs = {"flux-system": gotk, "infrastructure": infra, "apps": apps_same}
    for name, end in ends.items():
        nxt = end + 600 * S + int((frac("kjitter", name) - 0.5) * 60 * S)
        took = between(1_050 * MS, 2_300 * MS, "took2", name) + between(0, 999_999, "took2ns", name)
        if nxt + took < stop:
            apply_ok(klog, name, nxt, sha=new, output=outputs[name], took=took)

    write_plain(os.path.join(d, "kustomize-controller.log"), klog)
    write_plain(os.path.join(d, "source-controller.log"), slog)
    write_envelope(os.path.join(d, "envelopes", "prefix-timestamps.log"), klog, slog)
    write_expected(os.path.join(d, "expected.json"), "artifact-missing",
                   ["apps", "flux-system", "infrastructure"], "resolved", upstream_in_log=False)
    write_text(os.path.join(d, "README.md"), """\
# artifact-missing (storage emptied by a pod restart, 404)

The GitRepository flux-system had been suspended for a change freeze (`flux suspend source git flux-system`). At 02:40 the node was drained: source-controller came back as a new pod (source-controller-6ff87cdb64-q7ztl) with an empty emptyDir `/data`, waited ~5s for the old pod to release the lease, and skipped the suspended GitRepository (`reconciliation is suspended for this object`), so nothing re-created its artifact. Each Kustomization still fetches the old URL from the GitRepository status, gets 404 (not retried by retryablehttp), logs the info line `Source is not ready, artifact not found, retrying in 30s` and requeues every 30s.
At 02:52:07 the freeze ends (`flux resume source git flux-system`): source-controller stores the new commit (`stored artifact for commit 'podinfo: bump to 6.9.3'`) and all three Kustomizations succeed at once (`server-side apply completed`, `Reconciliation finished in …s, next run in 10m0s` with the new revision), and again ~10m later.
Decides the first hypothesis: 404 / artifact not found right after a source-controller start-up (DESIGN.md table, row 3); the later successes make it `resolved`.
Formats: FLUX-LOGS.md 1.1, 1.2, 1.4, 2, 3.2 (404 → `ErrFileNotFound`, wording and level per kustomize-controller `Reconcile`), 3.12 (emptyDir `/data`, lease), 3.15, 7.
""")


def samples_readme():
    write_text(os.path.join(HERE, "README.md"), """\
# Samples

Realistic Flux controller logs for the end-to-end tests and the README demo, one folder per
scenario: `kustomize-controller.log` and `source-controller.log` as `kubectl logs` prints them,
`envelopes/prefix-timestamps.log` with both pods as `kubectl logs --prefix --timestamps` prints
them, `expected.json` (what flux-logscan should report) and a README.md telling the story. All
files are written by `generate.py` (deterministic; re-run it after editing, never edit by hand).
Times are 2026-11-24 UTC, current Flux (controller-runtime JSON, FLUX-LOGS.md 1.2 third era).

| folder | story | expected first hypothesis |
|---|---|---|
| `networkpolicy-9090/` | k3s: an egress NetworkPolicy omits source-controller's port 9090; kube-router rejects, downloads fail with `connection refused`, `Reconciliation failed after 3m35s`; source-controller healthy | `networkpolicy-blocks-artifact-port` |
| `networkpolicy-9090-timeout/` | kubeadm + Calico: the same policy, packets dropped, `dial tcp 10.96.12.34:80: i/o timeout`, `Reconciliation failed after 8m35s`; source-controller healthy | `networkpolicy-blocks-artifact-port` |
| `source-controller-restart/` | same kustomize-controller lines as `networkpolicy-9090` (byte-identical), but source-controller is OOM-killed on every start (five lifetimes, one graceful stop) | `source-controller-unavailable` |
| `artifact-missing/` | source-controller rescheduled with an empty `/data` while its GitRepository was suspended: 404, `Source is not ready, artifact not found, retrying in 30s`, resolved after the resume stores a new artifact | `artifact-missing` |
""")



# ================================================================ root-cause samples (issue 7)
# One folder per CONTRACT.md root-cause id (samples/<id>/) and the five misleading pairs of the
# issue (samples/pair-<n>-<a|b>/). Each folder: one `<controller>.log` per controller (the file
# name gives the controller), expected.json written from the story, and a README.md naming the
# FLUX-LOGS.md sections of its format. Lines are controller-runtime JSON of the era the story fits.

import shutil


def T(date, h, m, s, ms=0):
    """Nanoseconds since the epoch for a UTC date (y, m, d) and a time of day."""
    y, mo, d = date
    return (int(datetime(y, mo, d, tzinfo=timezone.utc).timestamp()) + (h * 60 + m) * 60 + s) * S + ms * MS


def ctx2(controller, group, kind, name, rid, namespace=NS):
    """controller-runtime v0.12.x context: the object key is the lowerCamel kind (FLUX-LOGS 1.2)."""
    key = kind[0].lower() + kind[1:]
    return {"controller": controller, "controllerGroup": group, "controllerKind": kind,
            key: {"name": name, "namespace": namespace}, "namespace": namespace, "name": name,
            "reconcileID": rid}


def ctx1(kind, group, name, namespace=NS):
    """controller-runtime < v0.12 context: logger controller.<kind>, reconciler group/kind (FLUX-LOGS 1.2)."""
    return {"logger": "controller." + kind.lower(), "reconciler group": group, "reconciler kind": kind,
            "name": name, "namespace": namespace}


def emit1(log, t, msg, fields, level="info"):
    """Era-1 record: the logger key comes before msg (zap key order)."""
    obj = {"level": level, "logger": fields["logger"], "msg": msg}
    obj.update({k: v for k, v in fields.items() if k != "logger"})
    log.emit(t, obj)


def kx(name, rid, namespace=NS):
    return ctx("kustomization", "kustomize.toolkit.fluxcd.io", "Kustomization", name, rid, namespace)


def hrx(name, rid, namespace):
    return ctx("helmrelease", "helm.toolkit.fluxcd.io", "HelmRelease", name, rid, namespace)


def srcx(controller, kind, name, rid, namespace=NS):
    return ctx(controller, "source.toolkit.fluxcd.io", kind, name, rid, namespace)


def jit(lo, hi, *key):
    return between(lo, hi, *key)


def case_dir(name):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    return d


def write_case(name, logs, expected, readme):
    """logs: {"source-controller.log": Log, ...}; expected: (hypothesis, incidents, objects, status)."""
    d = case_dir(name)
    for file, log in logs.items():
        write_plain(os.path.join(d, file), log)
    hyp, n, objects, status = expected
    body = {"first_hypothesis": hyp, "incidents": n, "objects": sorted(objects), "status": status}
    write_text(os.path.join(d, "expected.json"), json.dumps(body, indent=2) + "\n")
    write_text(os.path.join(d, "README.md"), readme.strip() + "\n")


def sha_of(*key):
    return sha1hex(*key)


def ks_ok(log, t, name, sha, *, took_ms, changed=None, rid_key="", namespace=NS):
    """A successful kustomize reconcile (current wording, FLUX-LOGS 1.4): apply, then finished."""
    rid = uid("ks", name, t, rid_key)
    took = took_ms * MS + jit(0, 999_999, "ksns", name, t)
    out = changed or {"Namespace/" + name: "unchanged"}
    log.emit(t + took - 41 * MS, {"msg": "server-side apply completed", **kx(name, rid, namespace),
                                  "output": dict(sorted(out.items())), "revision": "main@sha1:" + sha})
    log.emit(t + took, {"msg": "Reconciliation finished in %s, next run in 10m0s" % go_duration(took),
                        **kx(name, rid, namespace), "revision": "main@sha1:" + sha})
    return t + took


def ks_fail(log, t, name, sha, error, *, took_ms, next_try="5m0s", namespace=NS, rid_key=""):
    rid = uid("ksf", name, t, rid_key)
    took = took_ms * MS + jit(0, 999_999, "ksfns", name, t)
    log.emit(t + took, {"level": "error", "msg": "Reconciliation failed after %s, next try in %s" % (go_duration(took), next_try),
                        **kx(name, rid, namespace), "revision": "main@sha1:" + sha, "error": error})
    return t + took


def git_ok(log, t, name, sha, *, stored=None):
    rid = uid("git", name, t)
    if stored:
        log.emit(t, {"msg": "stored artifact for commit '%s'" % stored, **srcx("gitrepository", "GitRepository", name, rid)})
    else:
        log.emit(t, {"msg": "no changes since last reconciliation: observed revision 'main@sha1:%s'" % sha,
                     **srcx("gitrepository", "GitRepository", name, rid)})


def src_error(log, t, controller, kind, name, error, namespace=NS):
    rid = uid("srcerr", controller, name, t)
    log.emit(t, {"level": "error", "msg": "Reconciler error", **srcx(controller, kind, name, rid, namespace), "error": error})


def readme_text(title, story, decides, formats):
    return "# %s\n\n%s\nDecides the first hypothesis: %s\nFormats: %s\n" % (title, story.strip(), decides.strip(), formats.strip())


# ---------------------------------------------------------------- per-id scenarios

D = (2026, 11, 24)


def case_notification_controller_unreachable():
    k = Log("kustomize-controller-5d4b86b547-kqr2q")
    url = "http://notification-controller.flux-system.svc.cluster.local./"
    err = ('POST %s giving up after 5 attempt(s): Post "%s": dial tcp: lookup notification-controller.flux-system.svc.cluster.local.'
           ' on 10.96.0.10:53: no such host' % (url, url))
    for i, (h, m) in enumerate([(1, 10), (1, 20), (1, 30), (1, 40)]):
        sha = sha_of("ncu", "apps", str(i))
        end = ks_ok(k, T(D, h, m, 4, jit(0, 900, "ncu", i)), "apps", sha, took_ms=1800 + 90 * i,
                    changed={"Deployment/shop/checkout": "configured", "Service/shop/checkout": "unchanged"})
        k.emit(end + 15 * S + jit(2, 40, "ncu-ev", i) * MS,
               {"level": "error", "msg": "unable to record event", "name": "apps", "namespace": NS,
                "reconciler kind": "Kustomization", "error": err})
    write_case("notification-controller-unreachable", {"kustomize-controller.log": k},
               ("notification-controller-unreachable", 1, ["Kustomization/flux-system/apps"], "open"),
               readme_text("notification-controller-unreachable (events posted to a Service that is gone)", """
The cluster was installed with `flux install --components=source-controller,kustomize-controller` after an earlier full install; notification-controller and its Service were removed, but kustomize-controller still runs with `--events-addr=http://notification-controller.flux-system.svc.cluster.local./`. Every reconcile of the Kustomization apps succeeds (`server-side apply completed`, `Reconciliation finished in …`), then the event about it cannot be posted: the name no longer resolves, retryablehttp gives up after 5 attempts (~15s), and kustomize-controller logs `unable to record event … no such host` at error level. Reconciliation is unaffected; alerts and commit statuses are silently lost.
One incident: each line is both a failed name lookup (failure class `dns`, error) and an undelivered event (class `event-delivery`, warning); one record is one failure, so the lookup names the incident and the delivery joins it.
""", "`unable to record event` to notification-controller's own Service name while every reconcile succeeds; the DNS failure concerns only that one name, so it is not a cluster DNS problem.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 1.4, 3.5 (no such host), 3.14 (recorder.go `unable to record event`, --events-addr, 5 attempts)."))


def case_receiver_misconfigured():
    n = Log("notification-controller-7f5cbc5c9d-b6w4p")
    for i, (h, m, s) in enumerate([(9, 2, 11), (9, 6, 40), (9, 11, 5), (9, 17, 52)]):
        t = T(D, h, m, s, jit(0, 900, "rcv", i))
        digest = sha256hex("receiver", "github", "flux-system")
        n.emit(t, {"logger": "receiver-server", "msg": "handling request: " + digest})
        n.emit(t + jit(1, 4, "rcv2", i) * MS, {"level": "error", "logger": "receiver-server", "msg": "unable to validate payload",
                                              "reconciler kind": "Receiver", "name": "github", "namespace": NS,
                                              "error": "the GitHub signature header is invalid, err: payload signature check failed"})
    write_case("receiver-misconfigured", {"notification-controller.log": n},
               ("receiver-misconfigured", 1, ["Receiver/flux-system/github"], "open"),
               readme_text("receiver-misconfigured (webhook secret rotated on one side only)", """
The GitHub webhook of the fleet repository was re-created with a new secret, but the Receiver `github` still uses the old token in its secret. Every push reaches notification-controller through the webhook-receiver ingress (`handling request: <digest>`), and is rejected: `unable to validate payload` with `the GitHub signature header is invalid, err: payload signature check failed`. No GitRepository is annotated, so pushes are picked up only on the source's interval.
""", "`unable to validate payload` for the Receiver on every delivery and no `annotated` line: the token does not match.",
                           "FLUX-LOGS.md 1.4 (notification-controller receiver-server lines), 5 (webhook-receiver, /hook/<sha256>)."))


def case_alert_provider_missing():
    n = Log("notification-controller-6c8f4b5f9d-2kxlp")
    notfound = 'Provider.notification.toolkit.fluxcd.io "slack" not found'
    digest = sha256hex("receiver", "github", "flux-system")
    for i, (h, m, s) in enumerate([(10, 2, 7), (10, 9, 51), (10, 17, 30), (10, 24, 12), (10, 31, 46)]):
        t = T(D, h, m, s, jit(0, 900, "apm", i))
        # A push: the Receiver github accepts the hook and annotates the GitRepository (healthy).
        n.emit(t, {"logger": "receiver-server", "msg": "handling request: " + digest})
        n.emit(t + jit(2, 6, "apm-rcv", i) * MS, {"logger": "receiver-server",
                                                 "msg": "resource 'GitRepository/flux-system.flux-system' annotated",
                                                 "reconciler kind": "Receiver", "name": "github", "namespace": NS})
        # The reconciliations it starts post their events; the Alert on-call selects them and its
        # Provider lookup fails.
        for k, after in enumerate([jit(1800, 3200, "apm-src", i), jit(4200, 7900, "apm-ks", i)]):
            n.emit(t + after * MS, {"level": "error", "logger": "event-server", "msg": "failed to read provider",
                                    "reconciler kind": "Provider", "name": "slack", "namespace": NS, "error": notfound})
    write_case("alert-provider-missing", {"notification-controller.log": n},
               ("alert-provider-missing", 1, ["Provider/flux-system/slack"], "open"),
               readme_text("alert-provider-missing (an Alert still names a renamed Provider)", """
The team moved its Flux notifications to a new Slack channel and renamed the Provider `slack` to `slack-ops` in Git, but the Alert `on-call` in flux-system still has `spec.providerRef.name: slack`. Pushes keep arriving: the Receiver `github` accepts each hook and annotates the GitRepository (`handling request: <digest>`, `resource 'GitRepository/flux-system.flux-system' annotated`), and the reconciliations that follow post their events. The Alert selects them, and each is dropped: the Provider lookup in the Alert's namespace answers NotFound, logged as `failed to read provider` about Provider flux-system/slack with `Provider.notification.toolkit.fluxcd.io "slack" not found`. The reconciliations succeed; nobody hears about them.
Lines are in the shape notification-controller logged before commit 80f7237 (2023-11): `failed to read provider` with `reconciler kind: Provider`, the Provider's name and the Alert's namespace. Current releases log `failed to dispatch notification` with `failed to read provider: ...` and the alert as `{name, namespace, providerName}` (Patterns/signatures/notification.yaml, alert-provider-not-found; Tests/LogScanTests/AlertProviderMissingTests.swift); that record's object is in nested fields that `flux logs` and the console and logfmt re-encodings do not keep alike, and so are the forwarded events of `Dispatching event: %s` (RewrapTests), so this sample has neither.
""", "`failed to read provider` with the API's NotFound for the Provider after every push, while the Receiver keeps working: the Alert names a Provider that is not in its namespace.",
                           "FLUX-LOGS.md 1.4 (notification-controller event-server and receiver-server lines); notification-controller internal/server/event_handlers.go before commit 80f7237 (failed to read provider), receiver_handlers.go (handling request: %s, resource '%s/%s.%s' annotated)."))


def case_git_auth_failed():
    s = Log("source-controller-6ff87cdb64-8wv2j")
    sha = sha_of("gaf", "podinfo")
    err = ("failed to checkout and determine revision: unable to clone 'https://github.com/acme/fleet-infra': authentication required: "
           "Invalid username or token. Password authentication is not supported for Git operations.")
    for i in range(6):
        t = T(D, 4, 0 + i * 2, 13, jit(0, 900, "gaf", i))
        git_ok(s, t - 31 * S, "podinfo", sha)
        src_error(s, t, "gitrepository", "GitRepository", "flux-system", err)
    write_case("git-auth-failed", {"source-controller.log": s},
               ("git-auth-failed", 1, ["GitRepository/flux-system/flux-system"], "open"),
               readme_text("git-auth-failed (expired HTTPS token)", """
The GitRepository flux-system clones `https://github.com/acme/fleet-infra` with a fine-grained personal access token that expired at 04:00. From then on every clone is rejected by GitHub with 401: `authentication required: Invalid username or token…` (go-git's NewErr for 401), logged as `Reconciler error` and retried. The public GitRepository podinfo keeps syncing (`no changes since last reconciliation`), so source-controller and the network are fine.
""", "401 `authentication required` from the Git host on every clone of one repository while other repositories sync.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.1 (Reconciler error), 3.4 (go-git 401 authentication required), 3.15."))


def case_git_known_hosts_mismatch_2021():
    s = Log("source-controller-7c8f9d6b5-h2k9x")
    day = (2023, 3, 24)
    sha = sha_of("kh23", "fleet")
    for i in range(6):
        t = T(day, 5, 15 + i, 6, jit(0, 900, "kh23", i))
        s.emit(t, {"msg": "no changes since last reconcilation: observed revision 'main/%s'" % sha,
                   **srcx("gitrepository", "GitRepository", "flux-system", uid("kh23ok", i))})
    err = "failed to checkout and determine revision: unable to clone 'ssh://git@github.com/acme/fleet-infra': ssh: handshake failed: knownhosts: key mismatch"
    for i in range(5):
        t = T(day, 5, 21, 7, 474) + [0, 1, 3, 7, 15][i] * S + jit(0, 90, "kh23e", i) * MS
        rid = uid("kh23err", i)
        s.emit(t, {"level": "error", "msg": err, **srcx("gitrepository", "GitRepository", "flux-system", rid), "error": err})
        s.emit(t + 1 * MS, {"level": "error", "msg": "Reconciler error", **srcx("gitrepository", "GitRepository", "flux-system", rid), "error": err})
    write_case("git-known-hosts-mismatch", {"source-controller.log": s},
               ("git-known-hosts-mismatch", 1, ["GitRepository/flux-system/flux-system"], "open"),
               readme_text("git-known-hosts-mismatch (GitHub replaces its RSA host key, 2023-03-24)", """
source-controller v0.36 (Flux 0.41) fetches `ssh://git@github.com/acme/fleet-infra` every minute (`no changes since last reconcilation: observed revision 'main/<sha>'`, the pre-2.0 revision format and the old spelling). On 2023-03-24 at 05:00 UTC GitHub replaced its RSA SSH host key; the known_hosts in the flux-system secret holds only the old `ssh-rsa` line, and from 05:21 every clone fails: `unable to clone '…': ssh: handshake failed: knownhosts: key mismatch` (source-controller before v1.2 logs the error twice: as the message and as `Reconciler error`), retried with controller-runtime's backoff. The controller did not restart; nothing changed in the cluster. (GitHub's earlier rotation of 2021-11-16 failed the same way, source-controller#490.)
""", "`knownhosts: key mismatch` after the same controller, without a restart, had been fetching the repository fine.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.1 (Reconciler error; before v1.2 also logged as the message), 3.4 (knownhosts), 3.15 (revision format before Flux 2.0, `reconcilation` spelling), 7."))


def case_git_ref_not_found():
    s = Log("source-controller-6ff87cdb64-8wv2j")
    for i in range(5):
        t = T(D, 6, 5 + i * 3, 41, jit(0, 900, "ref", i))
        src_error(s, t, "gitrepository", "GitRepository", "apps",
                  "failed to checkout and determine revision: unable to clone 'https://github.com/acme/shop-apps': "
                  "couldn't find remote ref \"refs/heads/master\"")
    write_case("git-ref-not-found", {"source-controller.log": s},
               ("git-ref-not-found", 1, ["GitRepository/flux-system/apps"], "open"),
               readme_text("git-ref-not-found (branch renamed master to main)", """
The shop-apps repository renamed its default branch from master to main at 06:00. The GitRepository apps still has `spec.ref.branch: master`; the repository is public and reachable, but go-git finds no such ref: `couldn't find remote ref "refs/heads/master"`, on every retry.
""", "`couldn't find remote ref` with no authentication error: the repository was reached, the branch is gone.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.1, 3.4 (go-git remote.go couldn't find remote ref)."))


def case_dns_resolution_failed():
    s = Log("source-controller-6ff87cdb64-8wv2j")
    pre = ("failed to checkout and determine revision: unable to clone 'https://gitlab.com/acme/platform': "
           "Get \"https://gitlab.com/acme/platform/info/refs?service=git-upload-pack\": dial tcp: lookup gitlab.com on 10.43.0.10:53: ")
    tails = ["server misbehaving", "server misbehaving", "read udp 10.42.1.17:48211->10.43.0.10:53: i/o timeout", "server misbehaving", "server misbehaving"]
    for i, tail in enumerate(tails):
        src_error(s, T(D, 3, 10 + i * 4, 2, jit(0, 900, "dns", i)), "gitrepository", "GitRepository", "platform", pre + tail)
    write_case("dns-resolution-failed", {"source-controller.log": s},
               ("dns-resolution-failed", 1, ["GitRepository/flux-system/platform"], "open"),
               readme_text("dns-resolution-failed (CoreDNS upstream forwarder down, k3s)", """
On a k3s node the upstream resolver CoreDNS forwards to (the node's /etc/resolv.conf) stopped answering after a router change. CoreDNS answers SERVFAIL for every external name, which Go reports as `lookup gitlab.com on 10.43.0.10:53: server misbehaving`; once, the query itself timed out (`read udp …->10.43.0.10:53: i/o timeout`). The GitRepository platform fails on every retry.
""", "SERVFAIL (`server misbehaving`) from the cluster DNS: the DNS server answers, so the path to it is open and resolution itself fails.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.4, 3.5 (Go resolver strings, 10.43.0.10 is k3s's DNS Service)."))


def case_egress_blocked_external():
    s = Log("source-controller-6ff87cdb64-8wv2j")
    for i in range(5):
        t = T(D, 8, 2 + i * 3, 30, jit(0, 900, "egr", i))
        src_error(s, t, "gitrepository", "GitRepository", "flux-system",
                  "failed to checkout and determine revision: unable to clone 'https://github.com/acme/fleet-infra': "
                  "Get \"https://github.com/acme/fleet-infra/info/refs?service=git-upload-pack\": dial tcp 140.82.121.3:443: i/o timeout")
    write_case("egress-blocked-external", {"source-controller.log": s},
               ("egress-blocked-external", 1, ["GitRepository/flux-system/flux-system"], "open"),
               readme_text("egress-blocked-external (cloud firewall drops HTTPS to github.com)", """
A new egress firewall rule on the cluster's NAT gateway allows only the corporate proxy. github.com still resolves (the error names its address 140.82.121.3), but the SYNs to port 443 are dropped: each clone waits out the 30s dial timeout, `dial tcp 140.82.121.3:443: i/o timeout`, and source-controller retries.
""", "`i/o timeout` dialing an external address that resolved: packets are dropped on the way out.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.4, 5 (drop vs reject)."))


def case_tls_verification_failed():
    s = Log("source-controller-6ff87cdb64-8wv2j")
    day = (2023, 11, 11)
    for i in range(4):
        t = T(day, 11, 38 + i * 5, 43, 512 + i)
        s.emit(t, {"level": "error", "msg": "Reconciler error", **srcx("helmrepository", "HelmRepository", "internal-charts", uid("tls", i)),
                   "error": "failed to fetch Helm repository index: failed to cache index to temporary file: Get "
                            "\"https://charts.internal.example.com/index.yaml\": tls: failed to verify certificate: x509: certificate has expired "
                            "or is not yet valid: current time 2023-11-11T%02d:%02d:43Z is after 2023-11-10T23:59:59Z" % (11, 38 + i * 5)})
    write_case("tls-verification-failed", {"source-controller.log": s},
               ("tls-verification-failed", 1, ["HelmRepository/flux-system/internal-charts"], "open"),
               readme_text("tls-verification-failed (expired certificate on a Helm repository)", """
The internal chart repository's certificate expired at 2023-11-10 23:59:59 UTC and nobody renewed it. source-controller (v1.1, Flux 2.1) fetches the HelmRepository internal-charts index every 5 minutes and fails to verify the certificate: `x509: certificate has expired or is not yet valid: current time … is after 2023-11-10T23:59:59Z` (the shape of helm-controller#807).
""", "the x509 error is logged by source-controller for the source URL itself.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.6 (x509 strings, Go >= 1.20 prefix), 3.8 (HelmRepository index wrapper)."))


def case_registry_auth_failed():
    s = Log("source-controller-6ff87cdb64-8wv2j")
    for i in range(4):
        t = T(D, 12, 1 + i * 5, 19, jit(0, 900, "reg", i))
        src_error(s, t, "ocirepository", "OCIRepository", "apps-manifests",
                  "failed to determine the artifact tag for 'oci://registry-1.docker.io/acme/apps-manifests': GET "
                  "https://registry-1.docker.io/v2/acme/apps-manifests/tags/list?n=1000: UNAUTHORIZED: authentication required; "
                  "[map[Action:pull Class: Name:acme/apps-manifests Type:repository]]")
    write_case("registry-auth-failed", {"source-controller.log": s},
               ("registry-auth-failed", 1, ["OCIRepository/flux-system/apps-manifests"], "open"),
               readme_text("registry-auth-failed (revoked Docker Hub access token)", """
The OCIRepository apps-manifests pulls `oci://registry-1.docker.io/acme/apps-manifests` (a private repository) with the docker-registry secret in spec.secretRef. The access token in it was revoked during a token clean-up; the registry answers `UNAUTHORIZED: authentication required` to the tag listing on every reconcile (the shape of flux2#5089).
""", "`UNAUTHORIZED` from the registry for the request itself, with no 429.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.8 (OCI errors, UNAUTHORIZED)."))


def case_rate_limited():
    s = Log("source-controller-6ff87cdb64-8wv2j")
    for i in range(5):
        t = T(D, 14, 0 + i * 2, 7, jit(0, 900, "rl", i))
        src_error(s, t, "ocirepository", "OCIRepository", "podinfo",
                  "failed to determine the artifact tag for 'oci://docker.io/stefanprodan/manifests': toomanyrequests: You have reached your "
                  "pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit")
    write_case("rate-limited", {"source-controller.log": s},
               ("rate-limited", 1, ["OCIRepository/flux-system/podinfo"], "open"),
               readme_text("rate-limited (Docker Hub anonymous pull limit)", """
Forty clusters behind one NAT address each poll `oci://docker.io/stefanprodan/manifests` anonymously every minute. Docker Hub's limit for anonymous clients is counted per IP; from 14:00 every tag lookup answers `toomanyrequests: You have reached your pull rate limit`.
""", "`toomanyrequests` from the registry and no credential error.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.8 (Docker Hub throttling body), 3.13."))


def case_kustomize_build_failed():
    k = Log("kustomize-controller-5d4b86b547-kqr2q")
    s = Log("source-controller-6ff87cdb64-8wv2j")
    sha = sha_of("kbf", "apps", "move")
    git_ok(s, T(D, 10, 14, 52, 337), "flux-system", sha, stored="apps: move podinfo to apps/base/podinfo")
    for i in range(3):
        t = T(D, 10, 15 + i * 5, 1, jit(0, 900, "kbf", i))
        ks_fail(k, t, "apps", sha,
                "kustomize build failed: accumulating resources: accumulation err='accumulating resources from './podinfo': "
                "open /tmp/kustomization-%d/apps/production/podinfo: no such file or directory': must build at directory: "
                "not a valid directory: evalsymlink failure on '/tmp/kustomization-%d/apps/production/podinfo' : lstat "
                "/tmp/kustomization-%d/apps/production/podinfo: no such file or directory" % ((1170420 + i,) * 3), took_ms=95)
    write_case("kustomize-build-failed", {"kustomize-controller.log": k, "source-controller.log": s},
               ("kustomize-build-failed", 1, ["Kustomization/flux-system/apps"], "open"),
               readme_text("kustomize-build-failed (a directory moved, kustomization.yaml not updated)", """
Commit `apps: move podinfo to apps/base/podinfo` moved the directory but left `- ./podinfo` in apps/production/kustomization.yaml. source-controller stores the commit; kustomize-controller's build of the Kustomization apps fails at once with kustomize's accumulation error (`accumulating resources from './podinfo': open …: no such file or directory`), every 5 minutes.
""", "`kustomize build failed: accumulating resources … no such file or directory` for a local path.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 1.4, 3.9 (kustomize build failed; flanksource/canary-checker#1643), 3.15."))


def case_sops_decryption_failed():
    k = Log("kustomize-controller-5d4b86b547-kqr2q")
    sha = sha_of("sops", "apps")
    err = ("decryption failed for 'Secret.v1.[noGrp]/db-credentials': Failed to get the data key required to decrypt the SOPS file.\n\n"
           "Group 0: FAILED\n  age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs8ztqjt: FAILED\n"
           "    - | failed to load age identities: no age identity found\n\n"
           "Recovery failed because no master key was able to decrypt the file. In\norder for SOPS to recover the file, at least one key has to be successful,\nbut none were.")
    for i in range(3):
        ks_fail(k, T(D, 15, 2 + i * 5, 40, jit(0, 900, "sops", i)), "apps", sha, err, took_ms=140)
    write_case("sops-decryption-failed", {"kustomize-controller.log": k},
               ("sops-decryption-failed", 1, ["Kustomization/flux-system/apps"], "open"),
               readme_text("sops-decryption-failed (new cluster without the age key)", """
A second cluster was bootstrapped from the same repository. Its Kustomization apps has `spec.decryption: {provider: sops, secretRef: {name: sops-age}}`, and the secret exists, but holds a freshly generated age key: db-credentials.enc.yaml is encrypted only for the first cluster's recipient. SOPS cannot decrypt the data key: `Failed to get the data key required to decrypt the SOPS file … no age identity found` (multi-line, kept on one JSON line with \\n).
""", "`Failed to get the data key required to decrypt the SOPS file`: no key in the decryption secret matches the file's recipients.",
                           "FLUX-LOGS.md 1.1 (multi-line errors stay on one line), 1.2 (third era), 3.9 (decryptor.go; getsops/sops#1084)."))


def case_apply_forbidden():
    k = Log("kustomize-controller-5d4b86b547-kqr2q")
    sha = sha_of("af", "team-a")
    for i in range(3):
        ks_fail(k, T(D, 16, 4 + i * 5, 10, jit(0, 900, "af", i)), "team-a", sha,
                "Deployment/team-a/web dry-run failed (Forbidden): deployments.apps \"web\" is forbidden: User "
                "\"system:serviceaccount:team-a:flux-reconciler\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"team-a\"",
                took_ms=210, namespace="team-a")
    write_case("apply-forbidden", {"kustomize-controller.log": k},
               ("apply-forbidden", 1, ["Kustomization/team-a/team-a"], "open"),
               readme_text("apply-forbidden (tenant ServiceAccount without RBAC for Deployments)", """
Multi-tenancy lockdown: the tenant Kustomization team-a (namespace team-a) runs as `spec.serviceAccountName: flux-reconciler`. A platform change replaced the tenant's RoleBinding to `admin` by one to `view`; the dry-run of the first object fails: `Deployment/team-a/web dry-run failed (Forbidden): … is forbidden: User "system:serviceaccount:team-a:flux-reconciler" cannot patch resource "deployments"…`.
""", "`is forbidden: User \"system:serviceaccount:…\" cannot patch`: RBAC of the impersonated ServiceAccount, not an admission webhook.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.10 (ssa dry-run failed (Reason))."))


def case_immutable_field_change():
    k = Log("kustomize-controller-5d4b86b547-kqr2q")
    sha = sha_of("imm", "apps")
    for i in range(3):
        ks_fail(k, T(D, 17, 1 + i * 5, 33, jit(0, 900, "imm", i)), "apps", sha,
                "Deployment/podinfo/podinfo dry-run failed (Invalid): Deployment.apps \"podinfo\" is invalid: spec.selector: Invalid value: "
                "v1.LabelSelector{MatchLabels:map[string]string{\"app.kubernetes.io/name\":\"podinfo\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: "
                "field is immutable", took_ms=180)
    write_case("immutable-field-change", {"kustomize-controller.log": k},
               ("immutable-field-change", 1, ["Kustomization/flux-system/apps"], "open"),
               readme_text("immutable-field-change (Deployment selector relabelled)", """
A clean-up commit switched podinfo's labels from `app: podinfo` to `app.kubernetes.io/name: podinfo`, including the Deployment's spec.selector. The API server refuses to change a selector: `Deployment/podinfo/podinfo dry-run failed (Invalid): … spec.selector: Invalid value: …: field is immutable`, and the whole Kustomization apps stops applying.
""", "`field is immutable` in the dry-run.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.10 (ssa immutable errors)."))


def case_apply_rejected():
    k = Log("kustomize-controller-5d4b86b547-kqr2q")
    sha = sha_of("rej", "shop")
    for i in range(3):
        ks_fail(k, T(D, 18, 3 + i * 5, 8, jit(0, 900, "rej", i)), "shop", sha,
                "Deployment/shop/checkout dry-run failed (Forbidden): admission webhook \"validation.gatekeeper.sh\" denied the request: "
                "[require-owner-label] you must provide labels: {\"owner\"}", took_ms=320)
    write_case("apply-rejected", {"kustomize-controller.log": k},
               ("apply-rejected", 1, ["Kustomization/flux-system/shop"], "open"),
               readme_text("apply-rejected (Gatekeeper policy denies the Deployment)", """
The security team enforced a Gatekeeper constraint requiring an `owner` label on Deployments. The checkout Deployment in the Kustomization shop has none; the dry-run is rejected with HTTP 403, so the line reads `dry-run failed (Forbidden)` although RBAC is fine: `admission webhook "validation.gatekeeper.sh" denied the request: [require-owner-label] …`.
""", "`admission webhook … denied the request`: a policy, not RBAC, despite the reason word Forbidden.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.10."))


def case_dependency_not_ready():
    k = Log("kustomize-controller-5d4b86b547-kqr2q")
    s = Log("source-controller-6ff87cdb64-8wv2j")
    sha = sha_of("dep", "fleet")
    apps_sha = sha_of("dep", "apps")
    t0 = T(D, 5, 0, 2, 118)
    # infrastructure applies the GitRepository apps and waits for its own health checks (~3m).
    rid = uid("dep-infra")
    k.emit(t0 + 1_902 * MS, {"msg": "server-side apply completed", **kx("infrastructure", rid),
                             "output": {"GitRepository/flux-system/apps": "created", "HelmRelease/ingress-nginx/ingress-nginx": "created",
                                        "Namespace/ingress-nginx": "created"}, "revision": "main@sha1:" + sha})
    for i in range(4):
        t = t0 + i * 30 * S + jit(100, 900, "dep-a", i) * MS
        k.emit(t, {"msg": "Source 'GitRepository/flux-system/apps' not found", **kx("apps", uid("dep-apps", i))}) if i < 1 else \
            k.emit(t, {"msg": "Source artifact not found, retrying in 30s", **kx("apps", uid("dep-apps", i))}) if i < 2 else \
            k.emit(t, {"msg": "Dependencies do not meet ready condition, retrying in 30s", **kx("apps", uid("dep-apps", i))})
    git_ok(s, t0 + 40 * S, "apps", apps_sha, stored="checkout: v2.14.0")
    k.emit(t0 + 3 * 60 * S + 4_211 * MS, {"msg": "Reconciliation finished in 3m4.211s, next run in 10m0s", **kx("infrastructure", rid),
                                          "revision": "main@sha1:" + sha})
    for i in range(4, 7):
        t = t0 + i * 30 * S + jit(100, 900, "dep-a", i) * MS
        k.emit(t, {"msg": "Dependencies do not meet ready condition, retrying in 30s", **kx("apps", uid("dep-apps", i))})
    t = t0 + 7 * 30 * S + 412 * MS
    k.emit(t, {"msg": "All dependencies are ready, proceeding with reconciliation", **kx("apps", uid("dep-apps", 7))})
    ks_ok(k, t + 10 * MS, "apps", apps_sha, took_ms=2_117, changed={"Deployment/shop/checkout": "created", "Service/shop/checkout": "created"},
          rid_key="dep")
    write_case("dependency-not-ready", {"kustomize-controller.log": k, "source-controller.log": s},
               ("dependency-not-ready", 1, ["GitRepository/flux-system/apps", "Kustomization/flux-system/apps"], "resolved"),
               readme_text("dependency-not-ready (bootstrap order: the source is created by another Kustomization)", """
A fresh cluster bootstrap. The Kustomization apps has `dependsOn: [infrastructure]` and `sourceRef: GitRepository/apps`, and that GitRepository is itself created by infrastructure. At 05:00 apps first finds no source (`Source 'GitRepository/flux-system/apps' not found`), then a source without an artifact (`Source artifact not found, retrying in 30s`), then waits for infrastructure's health checks (`Dependencies do not meet ready condition, retrying in 30s`). infrastructure finishes after 3m4s, apps proceeds (`All dependencies are ready, proceeding with reconciliation`) and applies: resolved by itself.
""", "`Source … not found` / `Dependencies do not meet ready condition` while the objects waited for reconcile fine, and the later `All dependencies are ready`.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.11 (dependency and source messages, --requeue-dependency 30s), 3.15."))


def case_health_check_timeout():
    k = Log("kustomize-controller-5d4b86b547-kqr2q")
    s = Log("source-controller-6ff87cdb64-8wv2j")
    sha = sha_of("hc", "apps")
    git_ok(s, T(D, 19, 0, 3, 337), "flux-system", sha, stored="checkout: 2.15.0")
    for i in range(2):
        t = T(D, 19, 0 + i * 10, 8, jit(0, 900, "hc", i))
        rid = uid("hc", i)
        k.emit(t + 1_512 * MS, {"msg": "server-side apply completed", **kx("apps", rid),
                                "output": {"Deployment/shop/checkout": "configured" if i == 0 else "unchanged", "Service/shop/checkout": "unchanged"},
                                "revision": "main@sha1:" + sha})
        took = 5 * 60 * S + 1_900 * MS + jit(0, 99, "hcms", i) * MS
        k.emit(t + took, {"level": "error", "msg": "Reconciliation failed after %s, next try in 5m0s" % go_duration(took), **kx("apps", rid),
                          "revision": "main@sha1:" + sha,
                          "error": "health check failed after 5m0.00481s: timeout waiting for: [Deployment/shop/checkout status: 'InProgress']"})
        git_ok(s, t + 60 * S, "flux-system", sha)
    write_case("health-check-timeout", {"kustomize-controller.log": k, "source-controller.log": s},
               ("health-check-timeout", 1, ["Kustomization/flux-system/apps"], "open"),
               readme_text("health-check-timeout (new image crash-loops)", """
Commit `checkout: 2.15.0` bumps the checkout image; the new version exits at start-up because a required environment variable was renamed. kustomize-controller applies the Deployment (`server-side apply completed`) and waits (spec.wait, timeout 5m): the rollout never completes, the pods are in CrashLoopBackOff, and the health check ends with `health check failed after 5m0.00481s: timeout waiting for: [Deployment/shop/checkout status: 'InProgress']`. source-controller is healthy.
""", "a kstatus health-check timeout on a workload after a successful apply, with no infrastructure error in the logs.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 1.4, 3.3 (health check failed after, kstatus InProgress), 3.15."))


def helm_wait_case(name, *, lb, day=(2023, 6, 15)):
    """helm-controller v0.3x at --log-level=debug: an upgrade whose Helm wait times out (pair 3)."""
    h = Log("helm-controller-5f7c8d9b6-x4mzl")
    rel, ns = "ingress-nginx", "ingress-nginx"
    t = T(day, 23, 11, 28, 930)
    rid = uid("hw", name)
    c = hrx(rel, rid, ns)
    h.emit(t, {"level": "debug", "msg": "preparing upgrade for ingress-nginx", **c})
    h.emit(t + 212 * MS, {"level": "debug", "msg": "performing update for ingress-nginx", **c})
    h.emit(t + 389 * MS, {"level": "debug", "msg": "creating upgraded release for ingress-nginx", **c})
    h.emit(t + 1_104 * MS, {"level": "debug", "msg": "waiting for release ingress-nginx resources (created: 0 updated: 9  deleted: 0)", **c})
    h.emit(t + 1_105 * MS, {"level": "debug", "msg": "beginning wait for 9 resources with timeout of 5m0s", **c})
    for i in range(5):
        tw = t + 3 * S + i * 60 * S
        if lb:
            h.emit(tw, {"level": "debug", "msg": "Service does not have load balancer ingress IP address: ingress-nginx/ingress-nginx-controller", **c})
        else:
            h.emit(tw, {"level": "debug", "msg": "Deployment is not ready: ingress-nginx/ingress-nginx-controller. 0 out of 2 expected pods are ready", **c})
    te = t + 5 * 60 * S + 1_402 * MS
    h.emit(te, {"level": "debug", "msg": "warning: Upgrade \"ingress-nginx\" failed: timed out waiting for the condition", **c})
    h.emit(te + 31 * MS, {"level": "error", "msg": "Reconciler error", **c, "error": "Helm upgrade failed: timed out waiting for the condition"})
    return h


def case_helm_action_failed():
    h = helm_wait_case("helm-action-failed", lb=True)
    write_case("helm-action-failed", {"helm-controller.log": h},
               ("helm-action-failed", 1, ["HelmRelease/ingress-nginx/ingress-nginx"], "open"),
               readme_text("helm-action-failed (Helm waits for a LoadBalancer address on bare metal)", HELM_LB_STORY,
                           "Helm's wait log repeats `Service does not have load balancer ingress IP address` while no workload is reported not ready.",
                           HELM_FORMATS))


HELM_LB_STORY = """
A bare-metal k3s cluster with servicelb disabled and no MetalLB. The HelmRelease ingress-nginx (helm-controller v0.3x, `--log-level=debug`) upgrades chart 4.7.0 with the default `controller.service.type: LoadBalancer`. The controller pods start and are Ready, but the Service never gets an address; Helm's wait (which also waits for LoadBalancer ingress) repeats `Service does not have load balancer ingress IP address: ingress-nginx/ingress-nginx-controller` until the 5m timeout, and the upgrade fails: `Helm upgrade failed: timed out waiting for the condition`.
"""
HELM_CRASH_STORY = """
The same upgrade of the HelmRelease ingress-nginx (helm-controller v0.3x, `--log-level=debug`), on a cluster whose LoadBalancer works, but the new controller image crash-loops (an admission-webhook certificate mounted from a missing secret). Helm's wait repeats `Deployment is not ready: ingress-nginx/ingress-nginx-controller. 0 out of 2 expected pods are ready` until the 5m timeout, and the upgrade fails with the same `Helm upgrade failed: timed out waiting for the condition`.
"""
HELM_FORMATS = "FLUX-LOGS.md 1.1 (debug level), 1.2 (third era), 3.1 (Reconciler error), 3.7 (`Helm upgrade failed: timed out waiting for the condition`, helm-controller#151; Helm's wait log lines as helm-controller debug records)."


def case_helm_release_locked():
    h = Log("helm-controller-5f7c8d9b6-x4mzl")
    day = (2023, 3, 2)
    for i, dt in enumerate([0, 1, 3, 7, 15, 31, 63, 127]):
        t = T(day, 10, 14, 2, 117) + dt * S + jit(0, 400, "lock", i) * MS
        h.emit(t, {"level": "error", "msg": "Reconciler error", **hrx("kube-prometheus-stack", uid("lock", i), "monitoring"),
                   "error": "Helm upgrade failed: another operation (install/upgrade/rollback) is in progress"})
    write_case("helm-release-locked", {"helm-controller.log": h},
               ("helm-release-locked", 1, ["HelmRelease/monitoring/kube-prometheus-stack"], "open"),
               readme_text("helm-release-locked (helm-controller OOM-killed mid-upgrade)", """
helm-controller v0.29 (HelmRelease v2beta1) was upgrading kube-prometheus-stack when the node ran out of memory and the controller was OOM-killed (its pod shows a restart; the killed container's lines are not in this file). Helm's release secret sh.helm.release.v1.kube-prometheus-stack.v14 stays `pending-upgrade`. After the restart every attempt fails at once: `Helm upgrade failed: another operation (install/upgrade/rollback) is in progress` (the shape of helm-controller#149), retried with controller-runtime's exponential backoff.
""", "`another operation (install/upgrade/rollback) is in progress` on every retry: the release is locked by a pending revision.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.1, 3.7 (Helm SDK errPending; helm-controller#149)."))


def case_helm_chart_unavailable():
    s = Log("source-controller-6ff87cdb64-8wv2j")
    for i in range(4):
        t = T(D, 20, 1 + i * 5, 12, jit(0, 900, "hcu", i))
        s.emit(t - 2 * S, {"msg": "stored fetched index of size 1.9MB from 'https://stefanprodan.github.io/podinfo'",
                           **srcx("helmrepository", "HelmRepository", "podinfo", uid("hcu-idx", i))})
        src_error(s, t, "helmchart", "HelmChart", "podinfo-podinfo",
                  "chart pull error: failed to get chart version for remote reference: no 'podinfo' chart with version matching '6.9.9' found")
    write_case("helm-chart-unavailable", {"source-controller.log": s},
               ("helm-chart-unavailable", 1, ["HelmChart/flux-system/podinfo-podinfo"], "open"),
               readme_text("helm-chart-unavailable (chart version that does not exist)", """
A commit pinned the HelmRelease podinfo to chart version 6.9.9, a typo for 6.9.2. source-controller refreshes the HelmRepository index fine (`stored fetched index of size 1.9MB …`), but the HelmChart flux-system/podinfo-podinfo cannot be built: `chart pull error: failed to get chart version for remote reference: no 'podinfo' chart with version matching '6.9.9' found`. helm-controller (not in this file) waits with `HelmChart 'flux-system/podinfo-podinfo' is not ready`.
""", "`no 'podinfo' chart with version matching` while the repository index itself is fetched fine.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.8 (HelmChart build reasons and prefixes), 3.15 (stored fetched index)."))


def kustomize_startup_v035(log, start, *, salt=""):
    """kustomize-controller start-up, Flux 0.41 era (controller-runtime v0.14, client-go < v0.35 lease wording via logger runtime)."""
    t = start
    lease = "flux-system/kustomize-controller-leader-election"
    log.emit(t, {"logger": "controller-runtime.metrics", "msg": "Metrics server is starting to listen", "addr": ":8080"})
    t += jit(2, 9, "ks-su1", salt) * MS
    log.emit(t, {"logger": "setup", "msg": "starting manager"})
    t += jit(1, 3, "ks-su2", salt) * MS
    log.emit(t, {"msg": "Starting server", "path": "/metrics", "kind": "metrics", "addr": "[::]:8080"})
    log.emit(t + 120 * US, {"msg": "Starting server", "kind": "health probe", "addr": "[::]:9440"})
    t += jit(90, 110, "ks-su3", salt) * MS
    log.emit(t, {"logger": "runtime", "msg": "attempting to acquire leader lease %s...\n" % lease})
    t += jit(9, 19, "ks-su4", salt) * MS
    log.emit(t, {"logger": "runtime", "msg": "successfully acquired lease %s\n" % lease})
    t += jit(1, 3, "ks-su5", salt) * MS
    for src in ["*v1beta2.Kustomization", "*v1beta2.OCIRepository", "*v1beta2.GitRepository", "*v1beta2.Bucket"]:
        log.emit(t, {"msg": "Starting EventSource", "controller": "kustomization", "controllerGroup": "kustomize.toolkit.fluxcd.io",
                     "controllerKind": "Kustomization", "source": "kind source: " + src})
        t += jit(20, 90, "ks-es", salt, src) * US
    log.emit(t, {"msg": "Starting Controller", "controller": "kustomization", "controllerGroup": "kustomize.toolkit.fluxcd.io",
                 "controllerKind": "Kustomization"})
    t += jit(90, 110, "ks-su6", salt) * MS
    log.emit(t, {"msg": "Starting workers", "controller": "kustomization", "controllerGroup": "kustomize.toolkit.fluxcd.io",
                 "controllerKind": "Kustomization", "worker count": 4})
    return t


def case_controller_restarting():
    k = Log("kustomize-controller-7b9d8c5f4-m2xkq")
    day = (2023, 4, 12)
    t = T(day, 7, 30, 0, 212)
    for i, backoff in enumerate([10, 20, 40, 80]):
        t = kustomize_startup_v035(k, t, salt=str(i))
        t += jit(40, 90, "cr-rec", i) * MS
        k.emit(t, {"msg": "Observed a panic in reconciler: runtime error: invalid memory address or nil pointer dereference",
                   **kx("monitoring", uid("cr", i))})
        t += backoff * S + jit(300, 900, "cr-back", i) * MS
    write_case("controller-restarting", {"kustomize-controller.log": k},
               ("controller-restarting", 1, ["Kustomization/flux-system/monitoring"], "open"),
               readme_text("controller-restarting (a panic in a reconciler, CrashLoopBackOff)", """
kustomize-controller v0.35 (Flux 0.41, controller-runtime v0.14 without RecoverPanic) hits a nil-pointer bug on one object: the Kustomization monitoring, whose postBuild.substituteFrom entry was left empty by a bad merge. Each container starts (`Metrics server is starting to listen`, `starting manager`, leader election through logger `runtime`, EventSources, workers), reconciles monitoring first, logs `Observed a panic in reconciler: runtime error: invalid memory address or nil pointer dereference` and exits; the kubelet restarts it after 10s, 20s, 40s, 80s. The goroutine trace after each panic is not JSON and was dropped by the cluster's JSON-only log pipeline, which is how this file was collected. No API error precedes any exit.
""", "a panic followed by a fresh start-up, four times, with no Kubernetes API errors before the exits.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era; start-up lines; klog routed to logger runtime since 2023-03), 3.1 (Observed a panic in reconciler), 3.12 (leader election, client-go < v0.35 wording)."))


def case_apiserver_unreachable():
    k = Log("kustomize-controller-5d4b86b547-kqr2q")
    day = (2025, 3, 4)
    lease = "flux-system/kustomize-controller-leader-election"
    url = "https://10.96.0.1:443/apis/coordination.k8s.io/v1/namespaces/flux-system/leases/kustomize-controller-leader-election?timeout=5s"
    t = T(day, 10, 5, 2, 118)
    ks_ok(k, t - 40 * S, "flux-system", sha_of("api", "fs"), took_ms=1_311)
    for i in range(4):
        k.emit(t + i * 7 * S, {"level": "error", "logger": "runtime",
                               "msg": "error retrieving resource lock %s: Get \"%s\": context deadline exceeded\n" % (lease, url)})
    k.emit(t + 21 * S + 310 * MS, {"level": "error", "logger": "runtime",
                                   "msg": "Failed to update lock: Put \"%s\": context deadline exceeded\n" % url.replace("?timeout=5s", "?timeout=5s")})
    ks_ok(k, t + 95 * S, "flux-system", sha_of("api", "fs"), took_ms=1_402, rid_key="after")
    write_case("apiserver-unreachable", {"kustomize-controller.log": k},
               ("apiserver-unreachable", 1, [], "resolved"),
               readme_text("apiserver-unreachable (control-plane upgrade, API timeouts)", """
During a managed control-plane upgrade the API server behind 10.96.0.1 answered slowly for about half a minute. kustomize-controller (Flux 2.5, client-go < v0.35 lease wording through logger `runtime`) cannot read or update its Lease: `error retrieving resource lock flux-system/kustomize-controller-leader-election: Get "https://10.96.0.1:443/…": context deadline exceeded` every few seconds, then `Failed to update lock: Put …: context deadline exceeded`. The renewal succeeds again just before the 30s renew deadline, so the controller keeps its lease; reconciliation resumes.
""", "failed lease reads and updates against the API server, no panic or OOM.",
                           "FLUX-LOGS.md 1.1, 1.2 (klog routed to logger runtime), 3.12 (lease defaults, client-go < v0.35 wording), 3.13 (context deadline exceeded)."))


def case_storage_full():
    s = Log("source-controller-6ff87cdb64-8wv2j")
    day = (2023, 10, 2)
    for i in range(4):
        t = T(day, 12, 20 + i * 10, 31, 441 + i)
        s.emit(t, {"level": "error", "msg": "Reconciler error", **srcx("helmrepository", "HelmRepository", "bitnami", uid("full", i)),
                   "error": "failed to fetch Helm repository index: failed to create temp file to cache index to: open "
                            "/tmp/chart-index-%d.yaml: no space left on device" % (3582394019 + i * 7919)})
    write_case("storage-full", {"source-controller.log": s},
               ("storage-full", 1, ["HelmRepository/flux-system/bitnami"], "critical" and "open"),
               readme_text("storage-full (/tmp filled by Helm indexes)", """
source-controller's /tmp emptyDir has a 256Mi sizeLimit patched in; the bitnami HelmRepository index (tens of MB, cached per fetch) fills it. Every fetch fails writing the temporary index file: `failed to create temp file to cache index to: open /tmp/chart-index-….yaml: no space left on device` (quoted shape from flux2#4305).
""", "`no space left on device` on a write by the controller.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.8, 3.12 (disk; flux2#4305)."))


def case_image_automation_push_failed():
    a = Log("image-automation-controller-6d8c9b7f5-q9wzt")
    s = Log("source-controller-6ff87cdb64-8wv2j")
    sha = sha_of("iap", "fleet")
    iux = lambda rid: ctx("imageupdateautomation", "image.toolkit.fluxcd.io", "ImageUpdateAutomation", "flux-system", rid)
    for i in range(4):
        t = T(D, 21, 0 + i * 5, 40, jit(0, 900, "iap", i))
        git_ok(s, t - 20 * S, "flux-system", sha)
        a.emit(t, {"level": "error", "msg": "failed to update source: failed to push to remote: authorization failed",
                   **iux(uid("iap", i)), "error": "GitOperationFailed"})
    write_case("image-automation-push-failed", {"image-automation-controller.log": a, "source-controller.log": s},
               ("image-automation-push-failed", 1, ["ImageUpdateAutomation/flux-system/flux-system"], "open"),
               readme_text("image-automation-push-failed (read-only deploy key)", """
The fleet repository's deploy key was re-created during a security review without "Allow write access". source-controller keeps cloning it (`no changes since last reconciliation`), image-reflector picks up checkout 2.15.1, and image-automation-controller makes the commit but cannot push it: `failed to update source: failed to push to remote: authorization failed` (the Ready reason GitOperationFailed is in the error field), every interval.
""", "the push fails while source-controller reads the same repository fine.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 1.4 (image-automation-controller eventLogf: error holds the reason), 3.4 (go-git 403 authorization failed), 3.15."))


def case_image_scan_failed():
    r = Log("image-reflector-controller-7c5d4b8f9-kk8s2")
    irx = lambda rid: ctx("imagerepository", "image.toolkit.fluxcd.io", "ImageRepository", "checkout-api", rid)
    for i in range(4):
        t = T(D, 22, 1 + i * 5, 3, jit(0, 900, "isf", i))
        r.emit(t, {"level": "error", "msg": "scan failed: GET https://ghcr.io/v2/acme/checkout-api/tags/list?n=1000: NAME_UNKNOWN: repository name not known to registry",
                   **irx(uid("isf", i)), "error": "ReadOperationFailed"})
    write_case("image-scan-failed", {"image-reflector-controller.log": r},
               ("image-scan-failed", 1, ["ImageRepository/flux-system/checkout-api"], "open"),
               readme_text("image-scan-failed (image repository renamed)", """
The checkout service's images moved from ghcr.io/acme/checkout-api to ghcr.io/acme/shop/checkout-api. The ImageRepository checkout-api still scans the old name; the registry answers `NAME_UNKNOWN: repository name not known to registry` and image-reflector-controller logs `scan failed: …` every 5 minutes. The ImagePolicy keeps its last tag; image automation silently stops.
""", "`scan failed:` from image-reflector-controller with a registry error that is neither auth nor rate limit.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 1.4 (image-reflector eventLogf: error holds the reason), 3.8 (registry errors)."))


def case_image_policy_no_match():
    r = Log("image-reflector-controller-7c5d4b8f9-kk8s2")
    irx = lambda rid: ctx("imagerepository", "image.toolkit.fluxcd.io", "ImageRepository", "checkout-api", rid)
    ipx = lambda rid: ctx("imagepolicy", "image.toolkit.fluxcd.io", "ImagePolicy", "checkout-api", rid)
    msg = "unable to determine latest version from provided list"
    # Before the change: the policy resolves 2.14.3 (image-reflector-controller v1: the Ready message).
    r.emit(T(D, 13, 0, 12, 204), {"msg": "successful scan: found 41 tags with checksum 9c1e5a77",
                                  **irx(uid("ipn", "scan0"))})
    r.emit(T(D, 13, 0, 12, 391), {"msg": "Latest image tag for ghcr.io/acme/checkout-api resolved to 2.14.3 (previously ghcr.io/acme/checkout-api:2.14.2)",
                                  **ipx(uid("ipn", "ok"))})
    # The range moved to ~3.0 at 13:20; the scans keep finding the same 41 tags (2.x only).
    for i in range(5):
        t = T(D, 13, 21 + i * 5, 2, jit(0, 900, "ipn", i))
        r.emit(t - 640 * MS, {"msg": "successful scan: found 41 tags with checksum 9c1e5a77", **irx(uid("ipn", "scan", i))})
        rid = uid("ipn", i)
        r.emit(t, {"level": "error", "msg": msg, **ipx(rid), "error": "Failure"})
        r.emit(t + 2 * MS, {"level": "error", "msg": "Reconciler error", **ipx(rid), "error": msg})
    write_case("image-policy-no-match", {"image-reflector-controller.log": r},
               ("image-policy-no-match", 1, ["ImagePolicy/flux-system/checkout-api"], "open"),
               readme_text("image-policy-no-match (semver range with no tag in it)", """
The checkout team moved the ImagePolicy checkout-api to `semver: range: ~3.0` at 13:20, ahead of the 3.0 release; ghcr.io/acme/checkout-api holds only 2.x tags. image-reflector-controller keeps scanning the repository (`successful scan: found 41 tags`), but the policy selects none of them: `unable to determine latest version from provided list`, logged as the Warning event (`error` holds the reason, Failure) and as `Reconciler error`. The ImagePolicy keeps no latest tag and image automation makes no commit; nothing is wrong with the registry or credentials.
""", "the policy's own error while the scans of its ImageRepository succeed.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 1.4 (image-reflector eventLogf: error holds the reason); image-reflector-controller internal/policy/semver.go (unable to determine latest version from provided list), internal/controller/imagepolicy_controller.go (reason Failure)."))


def retry_backoff(first, count, *key):
    """Times of `count` failed reconciles from `first`: controller-runtime's per-item rate limiter as
    Flux sets it (--min-retry-delay 750ms doubling to --max-retry-delay 15m), plus the attempt's own
    few milliseconds."""
    times, t, delay = [], first, 750 * MS
    for i in range(count):
        times.append(t)
        t += delay + jit(3, 60, *key, i) * MS
        delay = min(delay * 2, 900 * S)
    return times


def case_bucket_not_found():
    s = Log("source-controller-6ff87cdb64-8wv2j")
    bx = lambda rid: srcx("bucket", "Bucket", "manifests", rid)
    # Before the change: the Bucket stored the MinIO bucket's manifests, then finds them unchanged
    # every 5 minutes (eventLogf's trace events are logged at info, bucket_controller.go).
    revision = "sha256:" + sha256hex("bnf", "index")
    s.emit(T(D, 9, 40, 12, jit(0, 900, "bnf-ok", 0)),
           {"msg": "stored artifact with 14 fetched files from 'prod-manifests' bucket", **bx(uid("bnf", "ok", 0))})
    for i, m in enumerate([45, 50], start=1):
        s.emit(T(D, 9, m, 12, jit(0, 900, "bnf-ok", i)),
               {"msg": "artifact up-to-date with remote revision: '%s'" % revision, **bx(uid("bnf", "ok", i))})
    # 09:53: a commit renames spec.bucketName to 'prod-manifest' (a typo); kustomize-controller applies it.
    for i, t in enumerate(retry_backoff(T(D, 9, 53, 41, 207), 13, "bnf")):
        src_error(s, t, "bucket", "Bucket", "manifests", "bucket 'prod-manifest' not found")
    write_case("bucket-not-found", {"source-controller.log": s},
               ("bucket-not-found", 1, ["Bucket/flux-system/manifests"], "open"),
               readme_text("bucket-not-found (spec.bucketName typo in a refactoring commit)", """
The Bucket manifests reads `prod-manifests` on the platform's MinIO (spec.provider generic) and stored its artifact at 09:40 (`stored artifact with 14 fetched files from 'prod-manifests' bucket`); the next reconciles find nothing new (`artifact up-to-date with remote revision: 'sha256:…'`). At 09:53 a refactoring commit, applied by the flux-system Kustomization, renames spec.bucketName to `prod-manifest`. MinIO answers the existence check with no such bucket: source-controller logs `bucket 'prod-manifest' not found` (`Reconciler error`, reason BucketOperationFailed) and retries with controller-runtime's backoff, 750ms doubling up to 15m. The endpoint answered and the keys work; the Kustomizations keep applying the last artifact.
""", "`bucket '<name>' not found` from source-controller: the store was reached and took the credentials, and named no such bucket.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.1 (Reconciler error), 3.15 (Bucket: stored artifact with %d fetched files from '%s' bucket); source-controller internal/controller/bucket_controller.go fetchEtagIndex (bucket '%s' not found)."))


def case_source_signature_unverified():
    s = Log("source-controller-6ff87cdb64-8wv2j")
    ox = lambda rid: srcx("ocirepository", "OCIRepository", "tenant-a", rid, "tenant-a")
    old = sha256hex("ssu", "v1.4.2")
    s.emit(T(D, 15, 2, 9, 311), {"msg": "stored artifact with revision 'v1.4.2@sha256:%s' from 'oci://ghcr.io/acme/tenant-a'" % old,
                                 **ox(uid("ssu", "ok"))})
    new = sha256hex("ssu", "v1.4.3")
    err = ("failed to verify the signature using provider 'cosign': no matching signatures were found for "
           "'ghcr.io/acme/tenant-a@sha256:%s'" % new)
    for i, t in enumerate(retry_backoff(T(D, 15, 12, 9, 540), 12, "ssu")):
        src_error(s, t, "ocirepository", "OCIRepository", "tenant-a", err, "tenant-a")
    write_case("source-signature-unverified", {"source-controller.log": s},
               ("source-signature-unverified", 1, ["OCIRepository/tenant-a/tenant-a"], "open"),
               readme_text("source-signature-unverified (CI pushed a release without signing it)", """
The OCIRepository tenant-a/tenant-a follows `oci://ghcr.io/acme/tenant-a` (spec.ref.semver) with `spec.verify.provider: cosign` and the team's public key in spec.verify.secretRef. Release v1.4.2 was signed and stored at 15:02. A rewrite of the release pipeline dropped the `cosign sign` step: v1.4.3, pushed at 15:12, has no signature, and every reconcile of the new tag fails with `failed to verify the signature using provider 'cosign': no matching signatures were found for 'ghcr.io/acme/tenant-a@sha256:…'` (`Reconciler error`, reason VerificationError), retried with controller-runtime's backoff. The tenant keeps running v1.4.2.
""", "the cosign verification error from source-controller on the pulled digest, after the registry answered and the tag resolved.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.1 (Reconciler error), 3.15 (OCIRepository: stored artifact with revision '%s' from '%s'); source-controller internal/controller/ocirepository_controller.go (failed to verify the signature using provider '%s': %w), internal/oci/cosign/cosign.go (no matching signatures were found for '%s')."))


# ---------------------------------------------------------------- the five misleading pairs

def case_pair_1():
    for sub, src, hyp in [("a", "source-controller-restart", "source-controller-unavailable"),
                          ("b", "networkpolicy-9090", "networkpolicy-blocks-artifact-port")]:
        d = case_dir("pair-1-" + sub)
        for f in ["kustomize-controller.log", "source-controller.log"]:
            shutil.copyfile(os.path.join(HERE, src, f), os.path.join(d, f))
        shutil.copyfile(os.path.join(HERE, src, "expected.json"), os.path.join(d, "expected.json"))
        write_text(os.path.join(d, "README.md"), readme_text(
            "pair-1-%s: connection refused to the artifact server, source-controller %s" % (sub, "restarting" if sub == "a" else "healthy on k3s"),
            "Copied from `samples/%s/` (same files, same expected.json). Both halves of the pair share kustomize-controller.log byte for byte: "
            "`dial tcp 10.43.89.232:80: connect: connection refused` and `Reconciliation failed after 3m35s`. %s" % (
                src, "Here source-controller is OOM-killed on every start (five lifetimes of start-up lines)." if sub == "a"
                else "Here source-controller keeps logging `no changes since last reconciliation` with no start-up lines (a NetworkPolicy on k3s)."),
            "source-controller's own lines: %s." % ("start-up sequences during the failures" if sub == "a" else "healthy reconciles and no restart during the failures"),
            "see samples/%s/README.md (FLUX-LOGS.md 3.2, 3.12, 3.15, 5)." % src))


def case_pair_2():
    for sub, reason, hyp, story in [
            ("a", "forbidden", "apply-forbidden",
             "The tenant Kustomization business-support runs as `spec.serviceAccountName: business-support-flux`; its Role grants Deployments, Services and ConfigMaps but not Secrets. The Secret in the Kustomization is valid, yet the dry-run is refused by RBAC, and Flux prints only the reason word before its fixed mask: `Secret/business-support/product-catalog-worker forbidden, error: data values must be of type string` (kustomize-controller#683, #946)."),
            ("b", "badrequest", "apply-rejected",
             "The same Kustomization, with RBAC for Secrets in place, but the Secret's `data` holds a plain-text value that is not base64 (it belonged in stringData). The API server answers 400 and Flux prints `Secret/business-support/product-catalog-worker badrequest, error: data values must be of type string` (kustomize-controller#503, flux2#2132).")]:
        k = Log("kustomize-controller-5d4b86b547-kqr2q")
        sha = sha_of("pair2", "business-support")
        for i in range(3):
            ks_fail(k, T((2023, 8, 15), 9, 12 + i * 10, 44, 201 + i), "business-support", sha,
                    "Secret/business-support/product-catalog-worker %s, error: data values must be of type string\n" % reason,
                    took_ms=412, next_try="10m0s", namespace="business-support", rid_key=sub)
        write_case("pair-2-" + sub, {"kustomize-controller.log": k},
                   (hyp, 1, ["Kustomization/business-support/business-support"], "open"),
                   readme_text("pair-2-%s: masked Secret error, reason word `%s`" % (sub, reason), story,
                               "the reason word before `, error: data values must be of type string`: `forbidden` is RBAC, `badrequest` is the Secret's data.",
                               "FLUX-LOGS.md 1.1, 1.2 (third era), 3.10 (ssa dry-run errors; Secret messages masked by fluxcd/pkg ssa)."))


def case_pair_3():
    for sub, lb, hyp, story in [("a", True, "helm-action-failed", HELM_LB_STORY), ("b", False, "health-check-timeout", HELM_CRASH_STORY)]:
        h = helm_wait_case("pair-3-" + sub, lb=lb)
        write_case("pair-3-" + sub, {"helm-controller.log": h},
                   (hyp, 1, ["HelmRelease/ingress-nginx/ingress-nginx"], "open"),
                   readme_text("pair-3-%s: Helm wait timeout, %s" % (sub, "LoadBalancer pending" if lb else "pods crash-looping"), story,
                               "Helm's wait log: `Service does not have load balancer ingress IP address` (the workload is fine) versus `Deployment is not ready: … 0 out of 2 expected pods are ready` (the workload fails).",
                               HELM_FORMATS))


X509_HOST = "git.internal.example.com"
X509 = "tls: failed to verify certificate: x509: certificate signed by unknown authority"


def case_pair_4():
    # a: a remote base in kustomization.yaml, fetched by kustomize-controller at build time.
    k = Log("kustomize-controller-5d4b86b547-kqr2q")
    s = Log("source-controller-6ff87cdb64-8wv2j")
    sha = sha_of("pair4", "fleet")
    url = "https://%s/platform/manifests/raw/v1.4.0/ingress/crds.yaml" % X509_HOST
    git_ok(s, T(D, 11, 0, 2, 337), "flux-system", sha, stored="ingress: take CRDs from the platform repository")
    for i in range(3):
        git_ok(s, T(D, 11, 1 + i * 5, 2, 337), "flux-system", sha)
        ks_fail(k, T(D, 11, 0 + i * 5, 9, jit(0, 900, "p4a", i)), "infrastructure", sha,
                "kustomize build failed: accumulating resources: accumulation err='accumulating resources from '%s': Get \"%s\": %s': "
                "must build at directory: not a valid directory: evalsymlink failure on '/tmp/kustomization-%d/%s' : lstat "
                "/tmp/kustomization-%d/%s: no such file or directory" % (url, url, X509, 2281 + i, url, 2281 + i, url), took_ms=1_840)
    write_case("pair-4-a", {"kustomize-controller.log": k, "source-controller.log": s},
               ("kustomize-build-failed", 1, ["Kustomization/flux-system/infrastructure"], "open"),
               readme_text("pair-4-a: x509 inside a kustomize remote resource (kustomize-controller)", """
The fleet repository lives on github.com and syncs fine (`stored artifact …`, `no changes …`). A commit added a remote resource to infrastructure/kustomization.yaml: `https://git.internal.example.com/platform/manifests/raw/v1.4.0/ingress/crds.yaml`, served with a certificate from the company's private CA. kustomize-controller fetches it during the build and does not trust that CA: `kustomize build failed: accumulating resources: accumulation err='accumulating resources from '<url>': Get "<url>": tls: failed to verify certificate: x509: certificate signed by unknown authority': …`. Adding the CA to the GitRepository would change nothing: source-controller never fetches this URL.
""", "the x509 error is in kustomize-controller's `kustomize build failed: accumulating resources` for a remote resource; source-controller fetches its own URL fine.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.6 (x509, Go >= 1.20 prefix), 3.9 (kustomize accumulation errors), 3.15."))
    # b: the GitRepository URL itself on the private host.
    s = Log("source-controller-6ff87cdb64-8wv2j")
    for i in range(4):
        src_error(s, T(D, 11, 0 + i * 5, 9, jit(0, 900, "p4b", i)), "gitrepository", "GitRepository", "platform",
                  "failed to checkout and determine revision: unable to clone 'https://%s/platform/manifests': Get "
                  "\"https://%s/platform/manifests/info/refs?service=git-upload-pack\": %s" % (X509_HOST, X509_HOST, X509))
    write_case("pair-4-b", {"source-controller.log": s},
               ("tls-verification-failed", 1, ["GitRepository/flux-system/platform"], "open"),
               readme_text("pair-4-b: x509 on the GitRepository URL (source-controller)", """
The GitRepository platform clones `https://git.internal.example.com/platform/manifests`, whose certificate comes from the company's private CA; the secret in spec.certSecretRef was deleted in a clean-up. source-controller cannot verify the server: `unable to clone '…': Get "…/info/refs?service=git-upload-pack": tls: failed to verify certificate: x509: certificate signed by unknown authority`.
""", "the same x509 text, logged by source-controller for the source URL.",
                           "FLUX-LOGS.md 1.1, 1.2 (third era), 3.4 (clone wrappers), 3.6 (x509)."))


def case_pair_5():
    mismatch = ("failed to checkout and determine revision: unable to list remote for 'ssh://git@git.acme.example:2222/platform/fleet-infra': "
                "ssh: handshake failed: knownhosts: key mismatch")
    sha = sha_of("pair5", "fleet")
    for sub in ["a", "b"]:
        s = Log("source-controller-6ff87cdb64-8wv2j")
        for i in range(4):
            git_ok(s, T(D, 9, 0 + i, 14, jit(0, 900, "p5ok", sub, i)), "flux-system", sha)
        t = T(D, 9, 4, 1, 212)
        if sub == "a":
            source_graceful_stop(s, t, salt="p5")
            t = source_startup(s, t + 3 * S + 118 * MS, lease_wait=2 * S, salt="p5")
            t += 411 * MS
        else:
            t += 13 * S
        for i in range(5):
            src_error(s, t + [0, 1, 3, 7, 15][i] * S + jit(0, 90, "p5e", sub, i) * MS, "gitrepository", "GitRepository", "flux-system", mismatch)
        write_case("pair-5-" + sub, {"source-controller.log": s},
                   ("git-host-key-algorithm-changed" if sub == "a" else "git-known-hosts-mismatch", 1,
                    ["GitRepository/flux-system/flux-system"], "open"),
                   readme_text("pair-5-%s: knownhosts: key mismatch %s" % (sub, "right after a controller upgrade" if sub == "a" else "after the Git host changed its keys"),
                               ("""
Flux was upgraded from 2.5.1 to 2.6.0 at 09:04 (`flux install`), rolling source-controller: the old container shuts down gracefully (`Stopping and waiting for …`, `Wait completed, proceeding to shutdown the manager`) and the new one starts (`starting manager`, `Attempting to acquire leader lease...`, EventSources, workers). The self-hosted Git server on git.acme.example:2222 changed nothing, but the new controller negotiates a host key type whose known_hosts line in the flux-system secret is stale, and every fetch fails: `unable to list remote for '…': ssh: handshake failed: knownhosts: key mismatch` (the shape of flux2#5385, fixed there by re-scanning or rolling back). Flux controllers do not log their version: the start-up sequence marks the new container, `kubectl rollout history` names the version.
""" if sub == "a" else """
The self-hosted Git server git.acme.example:2222 was reinstalled at 09:04 and came back with new SSH host keys. source-controller, running since long before (no start-up lines), had fetched the repository fine every minute; from 09:04 every fetch fails with the same `unable to list remote for '…': ssh: handshake failed: knownhosts: key mismatch`.
"""),
                               "start-up lines of source-controller right before the first mismatch (a) versus the same controller, with no restart, fetching fine minutes before (b).",
                               "FLUX-LOGS.md 1.1, 1.2 (third era; start-up lines), 3.4 (knownhosts), 3.12 (graceful stop, client-go >= v0.35 lease lines), 3.15."))


ROOT_CAUSE_CASES = {
    "notification-controller-unreachable", "receiver-misconfigured", "alert-provider-missing", "git-auth-failed", "git-known-hosts-mismatch",
    "git-ref-not-found", "dns-resolution-failed", "egress-blocked-external", "tls-verification-failed",
    "registry-auth-failed", "rate-limited", "kustomize-build-failed", "sops-decryption-failed", "apply-forbidden",
    "immutable-field-change", "apply-rejected", "dependency-not-ready", "health-check-timeout", "helm-action-failed",
    "helm-release-locked", "helm-chart-unavailable", "controller-restarting", "apiserver-unreachable", "storage-full",
    "image-automation-push-failed", "image-scan-failed", "image-policy-no-match",
    "bucket-not-found", "source-signature-unverified",
}


def root_cause_samples():
    for f in [case_notification_controller_unreachable, case_receiver_misconfigured, case_alert_provider_missing, case_git_auth_failed,
              case_git_known_hosts_mismatch_2021, case_git_ref_not_found, case_dns_resolution_failed,
              case_egress_blocked_external, case_tls_verification_failed, case_registry_auth_failed, case_rate_limited,
              case_kustomize_build_failed, case_sops_decryption_failed, case_apply_forbidden, case_immutable_field_change,
              case_apply_rejected, case_dependency_not_ready, case_health_check_timeout, case_helm_action_failed,
              case_helm_release_locked, case_helm_chart_unavailable, case_controller_restarting, case_apiserver_unreachable,
              case_storage_full, case_image_automation_push_failed, case_image_scan_failed, case_image_policy_no_match,
              case_bucket_not_found, case_source_signature_unverified,
              case_pair_1, case_pair_2, case_pair_3, case_pair_4, case_pair_5]:
        f()




def root_cause_readme():
    """Appends the root-cause samples and the misleading pairs to samples/README.md."""
    rows = []
    for name in sorted(os.listdir(HERE)):
        d = os.path.join(HERE, name)
        expected = [f for f in ["expected.json"] if os.path.isfile(os.path.join(d, f))]
        if not (name.startswith("pair-") or name in ROOT_CAUSE_CASES) or not expected:
            continue
        with open(os.path.join(d, expected[0]), encoding="utf-8") as f:
            hyp = json.load(f)["first_hypothesis"]
        pending = " (pending, see its README)" if expected[0] != "expected.json" else ""
        with open(os.path.join(d, "README.md"), encoding="utf-8") as f:
            title = f.readline().lstrip("# ").strip()
        if name.startswith("pair-"):
            story = title.split(": ", 1)[-1]
        else:
            story = title.split(" (", 1)[-1].rstrip(")") if " (" in title else title
        rows.append("| `%s/` | %s | `%s`%s |" % (name, story, hyp, pending))
    with open(os.path.join(HERE, "README.md"), "a", encoding="utf-8") as f:
        f.write("""
## One sample per root cause, and the misleading pairs

`samples/<hypothesis-id>/` holds one scenario per root-cause id of CONTRACT.md (the three
artifact-fetch ids are the folders above), in the log format of the Flux era its story fits (each
README.md names the FLUX-LOGS.md sections); `samples/pair-<n>-<a|b>/` are the five misleading pairs
of issue 7: both halves share their main error lines and differ only in the deciding evidence.
Files are named `<controller>.log` (the file name gives the controller). Written by
`root_cause_samples()` in generate.py; Tests/EndToEndTests/HypothesisTests.swift checks them.

| folder | story | expected first hypothesis |
|---|---|---|
""" + "\n".join(rows) + "\n")


def main():
    scenario_networkpolicy_9090()
    scenario_networkpolicy_9090_timeout()
    scenario_source_controller_restart()
    scenario_artifact_missing()
    samples_readme()
    root_cause_samples()
    root_cause_readme()
    import gen_cascades
    gen_cascades.main()
    __import__("gen_mining").case_unknown_errors()
    import gen_lifetimes  # issue 8, restarts and silence (samples/gen_lifetimes.py)
    gen_lifetimes.lifetime_samples()


if __name__ == "__main__":
    main()
