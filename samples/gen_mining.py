"""Sample for issue 8 "unknown errors": samples/unknown-errors/.

Healthy traffic of a k3s cluster (source-controller polling its GitRepository, kustomize-controller
applying four Kustomizations every 10m) plus three kinds of error records that no shipped
signature knows, each with values that vary from record to record. Written from the story below;
expected.json holds the counts the story generates (counted here, not read from flux-logscan).

Kinds (formats and sources in the sample's README.md):
1. `too many fields within: <resource id>` under kustomize-controller's
   `Reconciliation failed after <d>, next try in 5m0s` (real: fluxcd/kustomize-controller#491),
   two Kustomizations, each naming its own ClusterRole; durations vary.
2. `Kustomization.kustomize.toolkit.fluxcd.io "<name>" is invalid: status.snapshot...` under
   `Reconciler error` (real: fluxcd/kustomize-controller#320): the status patch rejected by an
   older Kustomization CRD, retried with controller-runtime's per-object exponential backoff.
3. `Patch "<status url>": read tcp <pod ip:port>-><api ip:port>: read: connection reset by peer`
   under `Reconciler error` (client-go `<Verb> "<url>": <err>` as in the apiserver signatures, Go's
   net.OpError text as in kubernetes/kubernetes#97125): the control plane's load balancer reloads
   twice and resets the controller's connection; object names and local ports vary.
"""

import json
import os

from generate import HERE, MS, S, US, Log, T, go_duration, jit, kx, sha_of, uid, write_envelope, write_plain, write_text

D = (2026, 11, 24)
KPOD = "kustomize-controller-5d4b86b547-kqr2q"
SPOD = "source-controller-6ff87cdb64-8wv2j"
END = T(D, 11, 0, 0)
SHA = sha_of("unknown-errors", "fleet", "main")
CRD_REPLACED = T(D, 9, 30, 0)          # an older Kustomization CRD is applied by a vendored bundle
API = "10.43.0.1:443"                   # k3s default Service range 10.43.0.0/16 (FLUX-LOGS.md 5)
POD_IP = "10.42.0.17"

# Kind 1: Kustomization -> the resource id kustomize reports (kustomize-controller#491 shape).
TOO_MANY_FIELDS = {
    "rbac-exploitation": "exploitation_clusterRole_rbac.authorization.k8s.io",
    "rbac-observability": "observability-viewer_clusterRole_rbac.authorization.k8s.io",
}
# Kind 2: Kustomizations whose status snapshot holds cluster-scoped entries (namespace null).
STATUS_INVALID = ["infrastructure", "monitoring"]
# Kind 3: the load balancer in front of the API server reloads three times; each reload resets
# the connection kustomize-controller holds while one status patch is in flight: the first
# reconcile of the named Kustomization after that time, with the connection's local port.
RELOADS = {"flux-system": (T(D, 10, 5, 0), 51234), "apps": (T(D, 10, 20, 0), 38904),
           "monitoring": (T(D, 10, 50, 0), 44170)}

# The templates flux-logscan must mine, written from the formats above and the masking rule of
# docs/OUTPUT.md: quoted values, URLs and address pairs are masked; what else varies between the
# records of a kind (the resource id of kind 1) becomes <*> by Drain's merge.
TEMPLATES = {
    "too-many-fields": "too many fields within: <*>",
    "status-invalid": 'Kustomization.kustomize.toolkit.fluxcd.io "<*>" is invalid: status.snapshot.entries.namespace: '
                      'Invalid value: "<*>": status.snapshot.entries.namespace in body must be of type string: "<*>"',
    "connection-reset": 'Patch "<*>": read tcp <*>: read: connection reset by peer',
}


def status_url(name):
    return "https://%s/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/%s/status" % (API, name)


def applied(log, t, name, rid):
    log.emit(t, {"msg": "server-side apply completed", **kx(name, rid),
                 "output": {"Namespace/" + name: "unchanged"}, "revision": "main@sha1:" + SHA})


def finished(log, t, name, rid, took):
    log.emit(t, {"msg": "Reconciliation finished in %s, next run in 10m0s" % go_duration(took),
                 **kx(name, rid), "revision": "main@sha1:" + SHA})


def reconciler_error(log, t, name, rid, error):
    log.emit(t, {"level": "error", "msg": "Reconciler error", **kx(name, rid), "error": error})


class Story:
    def __init__(self):
        self.k = Log(KPOD)
        self.s = Log(SPOD)
        self.counts = {kind: 0 for kind in TEMPLATES}
        # One entry per failure episode of an object: the generic wrappers of one object within
        # the 15m window make one incident (docs/PATTERNS.md "Roles").
        self.episodes = []
        self.crd_restored = None

    def reconcile(self, name, t):
        """One reconcile of a healthy Kustomization starting at t, with the failures the story puts
        in it; returns its end (the last line)."""
        rid = uid("ue", name, t)
        took = jit(900, 1900, "took", name, t) * MS + jit(0, 999_999, "tookns", name, t)
        # Kind 2: between the CRD replacement and the flux-system reconcile that restores it,
        # every status patch of this object is rejected; controller-runtime requeues the object
        # after 5ms * 2^n (per-object exponential backoff) until a patch goes through.
        if name in STATUS_INVALID and CRD_REPLACED <= t and ("status-invalid", name) not in self.episodes:
            assert self.crd_restored is not None, "flux-system's reconciles come first"
            n = 0
            while t < self.crd_restored:
                applied(self.k, t + took - 41 * MS, name, rid)
                reconciler_error(self.k, t + took, name, rid,
                                 'Kustomization.kustomize.toolkit.fluxcd.io "%s" is invalid: status.snapshot.entries.namespace: '
                                 'Invalid value: "null": status.snapshot.entries.namespace in body must be of type string: "null"'
                                 % name)
                self.counts["status-invalid"] += 1
                t = t + took + 5 * MS * 2 ** n
                n += 1
                rid = uid("ue", name, t)
                took = jit(300, 700, "retry", name, t) * MS + jit(0, 999_999, "retryns", name, t)
            self.episodes.append(("status-invalid", name))
        # Kind 3: the reload resets the status patch at the end of this reconcile; the retry 5ms
        # later goes through.
        if name in RELOADS and RELOADS[name][0] <= t and ("connection-reset", name) not in self.episodes:
            port = RELOADS[name][1]
            applied(self.k, t + took - 41 * MS, name, rid)
            reconciler_error(self.k, t + took, name, rid,
                             'Patch "%s": read tcp %s:%d->%s: read: connection reset by peer' % (status_url(name), POD_IP, port, API))
            self.counts["connection-reset"] += 1
            self.episodes.append(("connection-reset", name))
            t = t + took + 5 * MS
            rid = uid("ue", name, t)
            took = jit(300, 700, "after", name, t) * MS + jit(0, 999_999, "afterns", name, t)
        applied(self.k, t + took - 41 * MS, name, rid)
        finished(self.k, t + took, name, rid, took)
        return t + took

    def healthy(self, name, first):
        """Every 10m after the previous reconcile ends (interval 10m, FLUX-LOGS.md 1.4)."""
        t = first
        while t < END:
            end = self.reconcile(name, t)
            if name == "flux-system" and self.crd_restored is None and end >= T(D, 9, 40, 0):
                self.crd_restored = end  # this reconcile re-applies the Flux CRDs
            t = end + 600 * S + jit(100, 900, "requeue", name, t) * US

    def failing(self, name, first):
        """Kind 1: the build fails in a few ms, every retryInterval (5m) until the end."""
        t = first
        while t < END:
            rid = uid("ue-rbac", name, t)
            took = jit(18, 40, "took", name, t) * MS + jit(0, 999_999, "tookns", name, t)
            self.k.emit(t + took, {"level": "error",
                                   "msg": "Reconciliation failed after %s, next try in 5m0s" % go_duration(took),
                                   **kx(name, rid), "revision": "main@sha1:" + SHA,
                                   "error": "too many fields within: " + TOO_MANY_FIELDS[name]})
            self.counts["too-many-fields"] += 1
            t = t + took + 300 * S + jit(100, 900, "requeue", name, t) * US
        self.episodes.append(("too-many-fields", name))

    def source(self):
        """source-controller: the GitRepository every 1m, no new commit (FLUX-LOGS.md 3.15)."""
        t, n = T(D, 9, 0, 2, 337), 0
        while t < END:
            self.s.emit(t, {"msg": "no changes since last reconciliation: observed revision 'main@sha1:%s'" % SHA,
                            "controller": "gitrepository", "controllerGroup": "source.toolkit.fluxcd.io",
                            "controllerKind": "GitRepository",
                            "GitRepository": {"name": "flux-system", "namespace": "flux-system"},
                            "namespace": "flux-system", "name": "flux-system", "reconcileID": uid("ue-git", n)})
            t += 60 * S + jit(-3000, 3000, "gitjitter", n) * MS
            n += 1


def case_unknown_errors():
    d = os.path.join(HERE, "unknown-errors")
    story = Story()
    # flux-system first: its 09:40 reconcile restores the CRD the others wait for.
    for name, first in [("flux-system", T(D, 9, 0, 13, 480)), ("apps", T(D, 9, 0, 14, 110)),
                        ("infrastructure", T(D, 9, 0, 41, 205)), ("monitoring", T(D, 9, 0, 52, 660))]:
        story.healthy(name, first)
    story.failing("rbac-exploitation", T(D, 9, 4, 7, 512))
    story.failing("rbac-observability", T(D, 9, 6, 31, 88))
    story.source()

    write_plain(os.path.join(d, "kustomize-controller.log"), story.k)
    write_plain(os.path.join(d, "source-controller.log"), story.s)
    write_envelope(os.path.join(d, "envelopes", "prefix-timestamps.log"), story.k, story.s)
    # No signature names a cause, so no incident has a hypothesis. Incidents are ranked open
    # first, then by first failure: the first is rbac-exploitation (failing from 09:04 to the end).
    body = {
        "first_hypothesis": None,
        "incidents": len(story.episodes),
        "objects": ["Kustomization/flux-system/rbac-exploitation"],
        "status": "open",
        "unmatched_errors": [{"template": TEMPLATES[kind], "count": story.counts[kind]} for kind in TEMPLATES],
    }
    write_text(os.path.join(d, "expected.json"), json.dumps(body, indent=2) + "\n")
    write_text(os.path.join(d, "README.md"), README % {
        "n1": story.counts["too-many-fields"], "n2": story.counts["status-invalid"],
        "n3": story.counts["connection-reset"], "incidents": len(story.episodes)})


README = """\
# unknown-errors (three errors no signature knows)

A k3s cluster, 2026-11-24 09:00-11:00 UTC, current Flux (controller-runtime JSON, third era).
source-controller polls GitRepository `flux-system` every minute without a new commit;
kustomize-controller applies `flux-system`, `apps`, `infrastructure` and `monitoring` every 10m.
Three kinds of error records appear that no shipped signature matches (`flux-logscan patterns
test` names only the generic wrappers `kustomization-reconciliation-failed` and `reconciler-error`):

1. %(n1)d records: Kustomizations `rbac-exploitation` and `rbac-observability` fail to build every 5m
   with `Reconciliation failed after <d>, next try in 5m0s` and the error
   `too many fields within: exploitation_clusterRole_rbac.authorization.k8s.io` (the other names
   `observability-viewer_clusterRole_...`). Real text: fluxcd/kustomize-controller#491
   (https://github.com/fluxcd/kustomize-controller/issues/491), a resource id kustomize-controller
   v0.15+ rejects.
2. %(n2)d records: at 09:30 a vendored bundle applies an older Kustomization CRD; every status patch of
   `infrastructure` and `monitoring` (whose snapshots hold cluster-scoped entries) is rejected:
   `Reconciler error` with `Kustomization.kustomize.toolkit.fluxcd.io "infrastructure" is invalid:
   status.snapshot.entries.namespace: Invalid value: "null": status.snapshot.entries.namespace in body
   must be of type string: "null"`. controller-runtime requeues each object after 5ms * 2^n; the
   09:40 reconcile of `flux-system` restores the CRD and the next attempt succeeds. Real text:
   fluxcd/kustomize-controller#320 (https://github.com/fluxcd/kustomize-controller/issues/320).
3. %(n3)d records: the load balancer in front of the API server reloads three times (about 10:05,
   10:20 and 10:50) and resets the controller's connection; the status patch in flight (of
   `flux-system`, `apps`, `monitoring`) fails with `Reconciler error`
   `Patch "https://10.43.0.1:443/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps/status":
   read tcp 10.42.0.17:38904->10.43.0.1:443: read: connection reset by peer` (a new local port
   each time) and succeeds on the retry 5ms later. client-go's `<Verb> "<url>": <err>` as
   in Patterns/signatures/apiserver.yaml; Go's `read tcp a->b: read: connection reset by peer` as
   quoted in kubernetes/kubernetes#97125 (https://github.com/kubernetes/kubernetes/issues/97125).
   The `apiserver-request-failed` signature knows `http2: client connection lost` and
   `unexpected EOF`, not a reset.

Expected: `unmatched_errors` holds exactly three templates, with these counts and `<*>` where the
values vary (expected.json). The generic wrappers make %(incidents)d incidents (one per object and failure
episode), none with a hypothesis: 4 at `error`, and the three single connection resets, each
one failed run retried with success 5 ms later, `transient` at `info` (docs/SCORING.md
"Transient incidents"); the first listed is `rbac-exploitation`, still failing at the end
(open). Nothing else fails.
Decides the first hypothesis: none; the unknown errors are listed, not explained.
Formats: FLUX-LOGS.md 1.1, 1.2 (third era), 1.4 (kustomize-controller lines), 3.1 (`Reconciler
error`, `Reconciliation failed after ...`, status patch failures), 3.15 (source-controller no
changes), 5 (k3s Service range).
"""
