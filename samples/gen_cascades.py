"""Cascade samples (issue 8, "cascades fold"): one failing object and the objects that wait on it.

Called once from generate.py main(). Deterministic like generate.py (every jitter comes from a
SHA-256 of a fixed key). Each folder: one `<controller>.log` per controller, expected.json written
from the story (with a `downstream` key: the objects that wait on the root, and
`incidents_at_error`), and a README.md naming the FLUX-LOGS.md sections of every line format.
"""

import json
import os

from generate import (HERE, MS, NS, S, T, go_duration, hrx, jit, kx, Log, readme_text, sha_of, srcx, uid,
                      write_plain, write_text)

D = (2026, 11, 24)
KPOD = "kustomize-controller-5d4b86b547-kqr2q"
SPOD = "source-controller-6ff87cdb64-8wv2j"
HPOD = "helm-controller-7d9c8b6f4-x2mzq"


def write_cascade(name, logs, expected, readme):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    for file, log in logs.items():
        write_plain(os.path.join(d, file), log)
    write_text(os.path.join(d, "expected.json"), json.dumps(expected, indent=2) + "\n")
    write_text(os.path.join(d, "README.md"), readme.strip() + "\n")


def retry_times(start, until, *, key, first_delay_ms=750, cap_s=900, took_ms=(310, 520)):
    """Attempts of a failing reconcile: Flux's controller rate limiter (fluxcd/pkg runtime/controller
    rate_limiter.go) waits --min-retry-delay (750ms) doubling up to --max-retry-delay (15m) between
    attempts; each attempt (an SSH handshake, an index lookup) takes a few hundred milliseconds."""
    out, t, delay, i = [], start, first_delay_ms * MS, 0
    while t <= until:
        out.append(t)
        t += jit(took_ms[0], took_ms[1], key, i) * MS + delay
        delay = min(delay * 2, cap_s * S)
        i += 1
    return out


def every(start, until, period_s, *, key, jitter_ms=(2, 60)):
    """A fixed requeue (`retrying in 30s`, `--requeue-dependency`): the next reconcile starts the
    period after the previous one ended, a few milliseconds later each time."""
    out, t, i = [], start, 0
    while t <= until:
        out.append(t)
        t += period_s * S + jit(jitter_ms[0], jitter_ms[1], key, i) * MS
        i += 1
    return out


# ---------------------------------------------------------------- gitrepository-cascade

def case_gitrepository_cascade():
    s = Log(SPOD)
    k = Log(KPOD)
    end = T(D, 9, 14, 0)
    fleet_sha = sha_of("gcas", "fleet", "split")

    # 09:00:01 the fleet repository gets the commit that moves infrastructure to acme/platform.
    s.emit(T(D, 9, 0, 1, 204), {"msg": "stored artifact for commit 'Move infrastructure to acme/platform'",
                                **srcx("gitrepository", "GitRepository", "flux-system", uid("gcas-store"))})
    for i, t in enumerate(every(T(D, 9, 1, 1, 377), end, 60, key="gcas-fleet", jitter_ms=(200, 900))):
        s.emit(t, {"msg": "no changes since last reconciliation: observed revision 'main@sha1:%s'" % fleet_sha,
                   **srcx("gitrepository", "GitRepository", "flux-system", uid("gcas-nochg", i))})

    # The new GitRepository platform: its deploy key was never added to acme/platform.
    err = ("failed to checkout and determine revision: unable to clone 'ssh://git@github.com/acme/platform': "
           "ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain")
    for i, t in enumerate(retry_times(T(D, 9, 0, 5, 112), end, key="gcas-ssh")):
        s.emit(t, {"level": "error", "msg": "Reconciler error", **srcx("gitrepository", "GitRepository", "platform",
                                                                       uid("gcas-ssh", i)), "error": err})

    # infrastructure (sourceRef flux-system, wait: true, timeout 5m) applies the GitRepository and
    # re-points infra-controllers and infra-configs to it, then waits for them.
    out = {"GitRepository/flux-system/platform": "created", "Kustomization/flux-system/infra-configs": "configured",
           "Kustomization/flux-system/infra-controllers": "configured", "Secret/flux-system/platform-deploy-key": "unchanged"}
    t0 = T(D, 9, 0, 3, 311)
    rid = uid("gcas-infra", 0)
    k.emit(t0 + 912 * MS, {"msg": "server-side apply completed", **kx("infrastructure", rid), "output": dict(sorted(out.items())),
                           "revision": "main@sha1:" + fleet_sha})
    took = 5 * 60 * S + 1_873 * MS + jit(0, 999_999, "gcas-infra-took")
    waited = 5 * 60 * S + jit(1, 9, "gcas-infra-hc") * MS + jit(0, 999_999, "gcas-infra-hcns")
    k.emit(t0 + took, {"level": "error", "msg": "Reconciliation failed after %s, next try in 5m0s" % go_duration(took),
                       **kx("infrastructure", rid), "revision": "main@sha1:" + fleet_sha,
                       "error": "health check failed after %s: timeout waiting for: [GitRepository/flux-system/platform status: 'InProgress', "
                                "Kustomization/flux-system/infra-configs status: 'InProgress', "
                                "Kustomization/flux-system/infra-controllers status: 'InProgress']" % go_duration(waited)})
    # The retry five minutes later applies again (nothing changed) and is still waiting when the log ends.
    t1 = t0 + took + 5 * 60 * S + jit(2, 40, "gcas-infra-retry") * MS
    k.emit(t1 + 871 * MS, {"msg": "server-side apply completed", **kx("infrastructure", uid("gcas-infra", 1)),
                           "output": {k2: "unchanged" for k2 in sorted(out)}, "revision": "main@sha1:" + fleet_sha})

    # infra-controllers and infra-configs: their new source has no artifact yet.
    for name, start in [("infra-controllers", T(D, 9, 0, 4, 505)), ("infra-configs", T(D, 9, 0, 4, 689))]:
        for i, t in enumerate(every(start, end, 30, key="gcas-" + name)):
            k.emit(t, {"msg": "Source artifact not found, retrying in 30s", **kx(name, uid("gcas-src", name, i))})

    # apps (dependsOn infra-configs), monitoring (dependsOn infra-controllers), tenants (dependsOn
    # apps): sourceRef flux-system, triggered by its new revision, then requeued every 30s.
    for name, start in [("apps", T(D, 9, 0, 5, 30)), ("monitoring", T(D, 9, 0, 5, 244)), ("tenants", T(D, 9, 0, 5, 461))]:
        for i, t in enumerate(every(start, end, 30, key="gcas-" + name)):
            k.emit(t, {"msg": "Dependencies do not meet ready condition, retrying in 30s", **kx(name, uid("gcas-dep", name, i))})

    # dashboards (sourceRef flux-system, healthChecks: [Kustomization/flux-system/monitoring], timeout 3m).
    t0 = T(D, 9, 0, 6, 118)
    rid = uid("gcas-dash", 0)
    k.emit(t0 + 644 * MS, {"msg": "server-side apply completed", **kx("dashboards", rid),
                           "output": {"ConfigMap/monitoring/grafana-dashboards-flux": "configured"}, "revision": "main@sha1:" + fleet_sha})
    took = 3 * 60 * S + 1_102 * MS + jit(0, 999_999, "gcas-dash-took")
    waited = 3 * 60 * S + jit(1, 9, "gcas-dash-hc") * MS + jit(0, 999_999, "gcas-dash-hcns")
    k.emit(t0 + took, {"level": "error", "msg": "Reconciliation failed after %s, next try in 10m0s" % go_duration(took),
                       **kx("dashboards", rid), "revision": "main@sha1:" + fleet_sha,
                       "error": "health check failed after %s: timeout waiting for: [Kustomization/flux-system/monitoring status: 'InProgress']"
                                % go_duration(waited)})

    downstream = ["Kustomization/flux-system/%s" % n for n in
                  ["apps", "dashboards", "infra-configs", "infra-controllers", "infrastructure", "monitoring", "tenants"]]
    expected = {
        "first_hypothesis": "git-auth-failed",
        "incidents": 1,
        "incidents_at_error": 1,
        "objects": ["GitRepository/flux-system/platform"],
        "status": "open",
        "upstream": "GitRepository/flux-system/platform",
        "downstream": sorted(downstream),
    }
    write_cascade("gitrepository-cascade", {"kustomize-controller.log": k, "source-controller.log": s}, expected,
                  readme_text("gitrepository-cascade (one GitRepository fails, seven Kustomizations wait on it)", """
At 09:00 a commit to the fleet repository moves the infrastructure manifests to a new repository, `acme/platform`: the Kustomization infrastructure (sourceRef flux-system, `wait: true`, timeout 5m) applies a new GitRepository platform (`ssh://git@github.com/acme/platform`, secret platform-deploy-key) and re-points the Kustomizations infra-controllers and infra-configs to it. The deploy key in the secret was never added to the GitHub repository: every clone of platform fails with `ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain`, logged as `Reconciler error` and retried with backoff (fluxcd/pkg runtime/controller rate limiter: --min-retry-delay 750ms, doubling up to --max-retry-delay 15m). platform never stores an artifact. The GitRepository flux-system keeps syncing (`no changes since last reconciliation`).

Everything downstream waits, and says only that it waits:
- infra-controllers and infra-configs: `Source artifact not found, retrying in 30s` (their sourceRef has no artifact; the line does not name it);
- apps (dependsOn infra-configs), monitoring (dependsOn infra-controllers) and tenants (dependsOn apps): `Dependencies do not meet ready condition, retrying in 30s` (kustomize-controller does not log which dependency);
- two health checks time out on objects that are themselves failing: infrastructure's `wait: true` at 09:05 (`timeout waiting for: [GitRepository/flux-system/platform status: 'InProgress', Kustomization/flux-system/infra-configs …, Kustomization/flux-system/infra-controllers …]`), and dashboards (healthChecks on Kustomization monitoring, timeout 3m) at 09:03.

Expected: exactly one incident at error or above, rooted at GitRepository/flux-system/platform, with the seven Kustomizations listed downstream. The waits that name nothing fold because the platform failure is the only failure they could be waiting on.
""", "`unable to authenticate … no supported methods remain` for the one GitRepository; the Kustomizations' waits and health-check timeouts are downstream of it, and flux-system keeps syncing.",
                              "FLUX-LOGS.md 1.1, 1.2 (third era), 1.4 (server-side apply completed, Reconciliation failed), 3.1 (Reconciler error), 3.3 (health check failed after, timeout waiting for, kstatus InProgress), 3.4 (ssh unable to authenticate [real, source-controller PR #89], unable to clone wrapper), 3.11 (Source artifact not found, Dependencies do not meet ready condition, --requeue-dependency 30s), 3.15."))


# ---------------------------------------------------------------- helmchart-cascade

def case_helmchart_cascade():
    s = Log(SPOD)
    h = Log(HPOD)
    end = T(D, 11, 20, 0)
    reason = "chart pull error: failed to get chart version for remote reference: no 'podinfo' chart with version matching '6.9.9' found"

    for i, t in enumerate(every(T(D, 11, 0, 0, 840), end, 5 * 60, key="hcas-idx", jitter_ms=(300, 900))):
        s.emit(t, {"msg": "stored fetched index of size 1.9MB from 'https://stefanprodan.github.io/podinfo'",
                   **srcx("helmrepository", "HelmRepository", "podinfo", uid("hcas-idx", i))})
    for i, t in enumerate(retry_times(T(D, 11, 0, 2, 17), end, key="hcas-chart", took_ms=(40, 120))):
        s.emit(t, {"level": "error", "msg": "Reconciler error",
                   **srcx("helmchart", "HelmChart", "podinfo-podinfo", uid("hcas-chart", i)), "error": reason})

    # HelmRelease podinfo/podinfo waits for its HelmChart (source namespace flux-system, name <ns>-<name>).
    for i, t in enumerate(every(T(D, 11, 0, 3, 402), end, 5 * 60, key="hcas-hr", jitter_ms=(100, 4000))):
        h.emit(t, {"msg": "HelmChart 'flux-system/podinfo-podinfo' is not ready: " + reason,
                   **hrx("podinfo", uid("hcas-hr", i), "podinfo")})
    # HelmRelease podinfo/frontend dependsOn podinfo.
    for i, t in enumerate(every(T(D, 11, 0, 4, 77), end, 30, key="hcas-fe")):
        h.emit(t, {"msg": "dependencies do not meet ready condition (dependency 'podinfo/podinfo' is not ready): retrying in 30s",
                   **hrx("frontend", uid("hcas-fe", i), "podinfo")})

    expected = {
        "first_hypothesis": "helm-chart-unavailable",
        "incidents": 1,
        "incidents_at_error": 1,
        "objects": ["HelmChart/flux-system/podinfo-podinfo"],
        "status": "open",
        "upstream": "HelmChart/flux-system/podinfo-podinfo",
        "downstream": ["HelmRelease/podinfo/frontend", "HelmRelease/podinfo/podinfo"],
    }
    write_cascade("helmchart-cascade", {"helm-controller.log": h, "source-controller.log": s}, expected,
                  readme_text("helmchart-cascade (a chart version that does not exist, two HelmReleases waiting)", """
A commit pins the HelmRelease podinfo/podinfo to chart version 6.9.9, a typo for 6.9.2. source-controller fetches the HelmRepository index fine (`stored fetched index of size 1.9MB …`), but the HelmChart it builds for the release, flux-system/podinfo-podinfo (`<release namespace>-<release name>` in the HelmRepository's namespace), fails: `chart pull error: failed to get chart version for remote reference: no 'podinfo' chart with version matching '6.9.9' found`. helm-controller logs `HelmChart 'flux-system/podinfo-podinfo' is not ready: <the chart's Ready message>` on every reconcile of podinfo, and the HelmRelease podinfo/frontend (dependsOn podinfo) waits: `dependencies do not meet ready condition (dependency 'podinfo/podinfo' is not ready): retrying in 30s`.
Expected: one incident, rooted at the HelmChart, with both HelmReleases downstream.
""", "`no 'podinfo' chart with version matching` for the HelmChart while the repository index is fetched fine; the HelmReleases only wait on it.",
                              "FLUX-LOGS.md 1.1, 1.2 (third era), 1.4 (helmchart naming in the artifact URL), 3.1 (Reconciler error), 3.2 (`%s '%s/%s' is not ready: %s`), 3.8 (chart pull error), 3.11 (helm `dependencies do not meet ready condition (%s): retrying in %s`, `dependency '%s' is not ready`), 3.15 (stored fetched index)."))


def main():
    case_gitrepository_cascade()
    case_helmchart_cascade()
