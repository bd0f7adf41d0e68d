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


def main():
    scenario_networkpolicy_9090()
    scenario_networkpolicy_9090_timeout()
    scenario_source_controller_restart()
    scenario_artifact_missing()
    samples_readme()


if __name__ == "__main__":
    main()
