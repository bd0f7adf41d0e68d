#!/usr/bin/env python3
"""Helpers for Benchmarks/run.sh (python3 standard library plus PyYAML).

  bench.py signatures ROOT OUT   read ROOT/Patterns/signatures/*.yaml; write OUT/signatures.json,
                                 OUT/rg-patterns.txt (Rust-regex translations, one a line),
                                 OUT/grep-pattern.txt (one PCRE2 alternation) and
                                 OUT/translation.md (what was translated, what was skipped)
  bench.py decode CORPUS OUT     an independent decoder: the text each signature field sees,
                                 one NUL-terminated record per log line, in OUT/<controller>.<field>
  bench.py check SIGS DECODED COUNTS OUT.md
                                 per-signature counts of `grep -P -z -c` over the decoded records
                                 against flux-logscan --counts (COUNTS); exit 1 on any difference
  bench.py fields SIGS           the fields the signatures read (for decode)
  bench.py report DIR LABEL BYTES LINES
                                 the table from DIR/time-*.json (hyperfine) and DIR/rss-*.txt

The decoder follows docs/PATTERNS.md ("Which text a regex sees") and the identity rules of
DESIGN.md / FLUX-LOGS.md 6.4 as flux-logscan documents them, written again from those documents,
not from its Swift source: JSON `msg` (for "logger":"events" lines, or when `msg` is empty, the
`message` field), `error`, text = message + " " + error, raw = the line; a record's controller
from its own fields (controllerGroup, the notification servers' loggers, the kind), else the
stream's current controller (reset by a "setup" "starting manager" line). A signature that names
controllers sees only records of those controllers and records of no known controller.
"""
import glob
import json
import os
import re
import statistics
import subprocess
import sys

CONTROLLERS = ["source-controller", "kustomize-controller", "helm-controller", "notification-controller",
               "image-reflector-controller", "image-automation-controller"]
NONE = "none"
FIELDS = ["text", "message", "error", "raw"]

BY_KIND = {
    "kustomization": "kustomize-controller", "helmrelease": "helm-controller",
    "gitrepository": "source-controller", "helmrepository": "source-controller", "helmchart": "source-controller",
    "ocirepository": "source-controller", "bucket": "source-controller", "externalartifact": "source-controller",
    "imagerepository": "image-reflector-controller", "imagepolicy": "image-reflector-controller",
    "imageupdateautomation": "image-automation-controller",
    "alert": "notification-controller", "provider": "notification-controller", "receiver": "notification-controller",
}
BY_GROUP = {
    "kustomize.toolkit.fluxcd.io": "kustomize-controller", "helm.toolkit.fluxcd.io": "helm-controller",
    "source.toolkit.fluxcd.io": "source-controller", "notification.toolkit.fluxcd.io": "notification-controller",
}


# ---------------------------------------------------------------------------------------------
# Signatures

def load_signatures(root):
    import yaml  # PyYAML: on the machine image; run.sh installs it when missing
    sigs = []
    for path in sorted(glob.glob(os.path.join(root, "Patterns", "signatures", "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        for s in doc.get("signatures") or []:
            sigs.append({
                "id": s["id"],
                "regex": s["regex"],
                "caseless": bool(s.get("caseless", False)),
                "field": s.get("field", "text"),
                "controllers": list(s.get("controllers") or []),
                "file": os.path.relpath(path, root),
            })
    return sigs


RUST_META = set("\\.+*?()|[]{}^$#&-~")


def translate_rust(rx):
    """PCRE2 -> Rust regex (ripgrep 13's default engine). Returns (translation or None, notes,
    problems): notes say what was changed, problems why it cannot be translated."""
    out, notes, problems = [], set(), set()
    names = {}
    i, n = 0, len(rx)

    def quantifier_end(j):
        """End index of a quantifier starting at j, or -1."""
        if j >= n:
            return -1
        if rx[j] in "*+?":
            return j + 1
        if rx[j] == "{":
            m = re.match(r"\{(\d+)(,(\d*))?\}", rx[j:])
            if m:
                return j + m.end()
        return -1

    def after_quantifier(j):
        """Copy a possessive (+, dropped) or lazy (?) marker after a quantifier ending at j."""
        if j < n and rx[j] == "+":
            notes.add("possessive quantifiers made greedy")
            return j + 1
        if j < n and rx[j] == "?":
            out.append("?")
            return j + 1
        return j

    while i < n:
        c = rx[i]
        if c == "\\":
            if i + 1 >= n:
                problems.add("trailing backslash")
                break
            d = rx[i + 1]
            if d in "QE":
                problems.add(r"\Q...\E quoting")
            elif d.isdigit() and d != "0":
                problems.add("backreference")
            elif d in "kg":
                problems.add("backreference or subroutine")
            elif d in "KGRhHvVXCNZ":
                problems.add("\\" + d + " (no Rust equivalent)")
            if d == "x" and i + 2 < n and rx[i + 2] == "{":
                j = rx.index("}", i)
                out.append(rx[i:j + 1])
                i = j + 1
            elif d.isalnum():
                out.append(rx[i:i + 2])
                i += 2
            elif d in RUST_META:
                out.append(rx[i:i + 2])
                i += 2
            else:
                out.append(d)  # Rust rejects escapes of non-meta punctuation (\/ \" \')
                notes.add("needless escapes removed")
                i += 2
            q = quantifier_end(i)
            if q > 0:
                out.append(rx[i:q])
                i = after_quantifier(q)
            continue
        if c == "[":
            j = i + 1
            cls = ["["]
            if j < n and rx[j] == "^":
                cls.append("^")
                j += 1
            if j < n and rx[j] == "]":
                cls.append("\\]")
                j += 1
            while j < n and rx[j] != "]":
                ch = rx[j]
                if ch == "\\" and j + 1 < n:
                    e = rx[j + 1]
                    if e.isalnum() or e in RUST_META:
                        cls.append(rx[j:j + 2])
                    else:
                        cls.append(e)
                        notes.add("needless escapes removed")
                    j += 2
                    continue
                if ch == "[" and rx.startswith("[:", j):
                    k = rx.index(":]", j)
                    cls.append(rx[j:k + 2])
                    j = k + 2
                    continue
                if ch in "[&~-" and j + 1 < n and rx[j + 1] == ch and ch != "-" or ch == "[":
                    cls.append("\\" + ch)  # Rust: nested classes and && ~~ set operators
                    j += 1
                    continue
                cls.append(ch)
                j += 1
            cls.append("]")
            out.append("".join(cls))
            i = j + 1
            q = quantifier_end(i)
            if q > 0:
                out.append(rx[i:q])
                i = after_quantifier(q)
            continue
        if c == "(":
            rest = rx[i:]
            m = re.match(r"\(\?(?:P?<|')([A-Za-z_]\w*)[>']", rest)
            if m:
                name = m.group(1)
                names[name] = names.get(name, 0) + 1
                if names[name] > 1:
                    name = "%s_%d" % (name, names[name])
                    notes.add("duplicate names (branch reset) numbered")
                out.append("(?P<%s>" % name)
                notes.add("(?<name> as (?P<name>")
                i += m.end()
                continue
            if rest.startswith(("(?=", "(?!", "(?<=", "(?<!")):
                problems.add("look-around")
                out.append("(?:")
                i += 4 if rest.startswith(("(?<=", "(?<!")) else 3
                continue
            if rest.startswith("(?>"):
                notes.add("atomic groups made plain")
                out.append("(?:")
                i += 3
                continue
            if rest.startswith("(?|"):
                notes.add("branch reset (?| as (?:")
                out.append("(?:")
                i += 3
                continue
            if rest.startswith("(?#"):
                i = rx.index(")", i) + 1
                continue
            if rest.startswith("(*") or re.match(r"\(\?(?:R|[+-]?\d|&|P>|C)", rest):
                problems.add("verbs, recursion or callouts")
            m = re.match(r"\(\?([a-zA-Z-]*)[:)]", rest)
            if m and set(m.group(1)) - set("imsUx-"):
                problems.add("inline option (?%s)" % m.group(1))
            out.append("(")
            i += 1
            continue
        if c == ")":
            out.append(")")
            i += 1
            q = quantifier_end(i)
            if q > 0:
                out.append(rx[i:q])
                i = after_quantifier(q)
            continue
        q = quantifier_end(i) if c in "*+?{" else -1
        if c == "{" and q < 0:
            out.append("\\{")  # a literal brace in PCRE2, an error in Rust
            i += 1
            continue
        out.append(c)
        i += 1
        q = quantifier_end(i)
        if q > 0:
            out.append(rx[i:q])
            i = after_quantifier(q)
    if problems:
        return None, sorted(notes), sorted(problems)
    return "".join(out), sorted(notes), []


def rg_compiles(pattern):
    p = subprocess.run(["rg", "-c", "-e", pattern, "/dev/null"], capture_output=True, text=True)
    if p.returncode == 2:
        return (p.stderr.strip().splitlines() or ["rg error"])[-1]
    return None


def cmd_signatures(root, out):
    os.makedirs(out, exist_ok=True)
    sigs = load_signatures(root)
    rg_lines, rows = [], []
    for idx, s in enumerate(sigs):
        rust, notes, problems = translate_rust(s["regex"])
        if rust is not None:
            err = rg_compiles(("(?i)" if s["caseless"] else "") + rust)
            if err:
                problems = ["rg 13 rejects it: " + err]
                rust = None
        s["rust"] = rust
        s["rust_notes"] = notes
        s["rust_skipped"] = problems
        if rust is not None:
            unique = re.sub(r"\(\?P<", "(?P<s%d_" % idx, rust)  # names unique across the -f file
            rg_lines.append(("(?i:%s)" if s["caseless"] else "(?:%s)") % unique)
        rows.append(s)
    with open(os.path.join(out, "signatures.json"), "w") as f:
        json.dump(sigs, f, indent=1)
    with open(os.path.join(out, "rg-patterns.txt"), "w") as f:
        f.write("\n".join(rg_lines) + "\n")
    # grep -P: one alternation; (?J) allows the same capture name in several alternatives.
    alternation = "(?J)" + "|".join(("(?:(?i)%s)" if s["caseless"] else "(?:%s)") % s["regex"] for s in sigs)
    with open(os.path.join(out, "grep-pattern.txt"), "w") as f:
        f.write(alternation)
    with open(os.path.join(out, "translation.md"), "w") as f:
        f.write("| signature | rg (Rust regex) | changes made, or why skipped |\n|---|---|---|\n")
        for s in rows:
            if s["rust"] is None:
                f.write("| %s | skipped | %s |\n" % (s["id"], "; ".join(s["rust_skipped"])))
            else:
                f.write("| %s | `%s%s` | %s |\n" % (s["id"], "(?i)" if s["caseless"] else "", s["rust"].replace("|", "\\|"),
                                                     "; ".join(s["rust_notes"]) or "as is"))
    skipped = [s["id"] for s in rows if s["rust"] is None]
    print("%d signatures; %d translated for rg, %d skipped%s" % (
        len(sigs), len(sigs) - len(skipped), len(skipped), (": " + ", ".join(skipped)) if skipped else ""))


# ---------------------------------------------------------------------------------------------
# Independent decoder

def record_controller(obj):
    """The controller a JSON record names itself, or None."""
    group = obj.get("controllerGroup", obj.get("reconciler group"))
    kind = None
    for key in ("controllerKind", "reconciler kind"):
        if isinstance(obj.get(key), str):
            kind = obj[key]
            break
    if kind is None:
        # `"Kustomization":{"name":…,"namespace":…}` (current era) or lowerCamel (2022).
        for key, value in obj.items():
            if isinstance(value, dict) and key.lower() in BY_KIND and isinstance(value.get("name"), str):
                kind = key
                break
    logger = obj.get("logger") if isinstance(obj.get("logger"), str) else ""
    involved = None
    for key in ("eventInvolvedObject", "object"):
        v = obj.get(key)
        if isinstance(v, dict) and isinstance(v.get("kind"), str) and isinstance(v.get("name"), str):
            involved = v
    if isinstance(group, str):
        if group == "image.toolkit.fluxcd.io":
            return "image-automation-controller" if (kind or "").lower() == "imageupdateautomation" else "image-reflector-controller"
        if group in BY_GROUP:
            return BY_GROUP[group]
    if logger in ("event-server", "receiver-server"):
        return "notification-controller"
    if involved is None or logger == "events":
        k = kind
        if k is None and logger.startswith("controller.") and isinstance(obj.get("name"), str):
            k = logger[len("controller."):]
        if k is None and involved is not None:
            k = involved["kind"]
        if isinstance(k, str):
            return BY_KIND.get(k.lower())
    return None


def cmd_decode(corpus, out, fields):
    os.makedirs(out, exist_ok=True)
    for old in glob.glob(os.path.join(out, "*.text")) + glob.glob(os.path.join(out, "*.message")) + \
            glob.glob(os.path.join(out, "*.error")) + glob.glob(os.path.join(out, "*.raw")):
        os.remove(old)
    files = {}

    def sink(controller, field):
        key = (controller, field)
        if key not in files:
            files[key] = open(os.path.join(out, "%s.%s" % (controller, field)), "wb", buffering=1 << 20)
        return files[key]

    fixed = next((c for c in CONTROLLERS if c in os.path.basename(corpus)), None)
    current = None
    records = 0
    with open(corpus, "rb") as f:
        for raw in f:
            line = raw.rstrip(b"\n")
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line:
                continue
            records += 1
            payload = line.decode("utf-8", "replace")
            message, error, own, logger = payload, "", None, ""
            if payload.lstrip(" \t").startswith("{"):
                try:
                    obj = json.loads(payload)
                except ValueError:
                    obj = None
                if isinstance(obj, dict):
                    msg = obj.get("msg") if isinstance(obj.get("msg"), str) else ""
                    event_message = obj.get("message") if isinstance(obj.get("message"), str) else None
                    logger = obj.get("logger") if isinstance(obj.get("logger"), str) else ""
                    message = msg
                    if (not message or logger == "events") and event_message is not None:
                        message = event_message
                    error = obj.get("error") if isinstance(obj.get("error"), str) else ""
                    own = record_controller(obj)
            controller = own or fixed
            if controller is None:
                if logger == "setup" and message == "starting manager":
                    current = None
                controller = current
            elif own is not None and fixed is None:
                current = own
            values = {"message": message, "error": error, "raw": payload,
                      "text": message + " " + error if error else message}
            for field in fields:
                sink(controller or NONE, field).write(values[field].encode("utf-8", "surrogateescape") + b"\0")
    for fh in files.values():
        fh.close()
    print("decoded %d records into %s" % (records, out))


# ---------------------------------------------------------------------------------------------
# Count check

def grep_count(pattern, caseless, paths):
    paths = [p for p in paths if os.path.exists(p) and os.path.getsize(p) > 0]
    if not paths:
        return 0
    args = ["grep", "-P", "-z", "-c", "-h"] + (["-i"] if caseless else []) + ["-e", pattern] + paths
    p = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    if p.returncode == 2:
        raise RuntimeError("grep -P failed: " + p.stderr.strip())
    return sum(int(x) for x in p.stdout.split())


def cmd_check(sigs_path, decoded, counts_path, md_path):
    with open(sigs_path) as f:
        sigs = json.load(f)
    ours = {}
    with open(counts_path) as f:
        for row in f:
            if "\t" in row:
                k, v = row.rstrip("\n").split("\t")
                ours[k] = int(v)
    rows, bad = [], []
    for s in sigs:
        controllers = s["controllers"] or CONTROLLERS
        paths = [os.path.join(decoded, "%s.%s" % (c, s["field"])) for c in controllers + [NONE]]
        try:
            theirs = grep_count(s["regex"], s["caseless"], paths)
        except RuntimeError as e:
            theirs = None
            print("%s: %s" % (s["id"], e), file=sys.stderr)
        mine = ours.get(s["id"])
        ok = mine is not None and mine == theirs
        if not ok:
            bad.append(s["id"])
        rows.append((s["id"], s["field"], "any" if not s["controllers"] else str(len(s["controllers"])),
                     mine, theirs, "ok" if ok else "DIFFERS"))
    with open(md_path, "w") as f:
        f.write("| signature | field | controllers | flux-logscan --counts | grep -P -z -c (decoded) | |\n|---|---|---|---:|---:|---|\n")
        for r in rows:
            f.write("| %s | %s | %s | %s | %s | %s |\n" % r)
    for r in rows:
        print("%-40s %-8s %10s %10s  %s" % (r[0], r[1], r[3], r[4], r[5]))
    if bad:
        print("COUNT MISMATCH in %d signature(s): %s" % (len(bad), ", ".join(bad)))
        return 1
    print("per-signature counts agree (%d signatures)" % len(rows))
    return 0


# ---------------------------------------------------------------------------------------------
# Report

def cmd_report(out, label, nbytes, nlines):
    """Reads OUT/time-*.json (hyperfine) and OUT/rss-*.txt; writes OUT/table.md and prints it."""
    order = [("cat", "`cat > /dev/null`"),
             ("full", "flux-logscan, full pipeline (`--format json`)"),
             ("counts", "flux-logscan, matching only (`--counts`)"),
             ("rg", "`rg -c -f` (translated signatures)"),
             ("grep", "`grep -P -c` (one alternation)")]
    med = {}
    runs = {}
    rss = {}
    cpu = {}
    for key, _ in order:
        tj = os.path.join(out, "time-%s.json" % key)
        if not os.path.exists(tj):
            continue
        with open(tj) as f:
            r = json.load(f)["results"][0]
        med[key] = statistics.median(r["times"])
        runs[key] = len(r["times"])
        cpu[key] = r["user"] + r["system"]
        with open(os.path.join(out, "rss-%s.txt" % key)) as f:
            rss[key] = int(f.read().split()[0])
    lines = ["| %s | median s | MB/s | lines/s | peak RSS MiB | vs rg | vs grep -P | CPU s |" % label,
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for key, name in order:
        if key not in med:
            continue
        t = med[key]
        vs_rg = ("%.2fx" % (med["rg"] / t)) if "rg" in med else "-"
        vs_grep = ("%.2fx" % (med["grep"] / t)) if "grep" in med else "-"
        lines.append("| %s | %.3f | %.1f | %s | %.1f | %s | %s | %.3f |" % (
            name, t, nbytes / 1e6 / t, format(int(nlines / t), ","), rss[key] / 1024, vs_rg, vs_grep, cpu[key]))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(text)
    print(text, end="")
    print("(%s bytes, %s lines; wall-clock medians of %s runs; `vs rg` = this row's throughput / rg's; "
          "CPU s = mean user+system time, which other processes on the core do not inflate)" % (
              format(nbytes, ","), format(nlines, ","), "/".join(str(runs[k]) for k, _ in order if k in runs)))


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd = argv[1]
    if cmd == "signatures":
        cmd_signatures(argv[2], argv[3])
    elif cmd == "decode":
        cmd_decode(argv[2], argv[3], argv[4].split(",") if len(argv) > 4 else FIELDS)
    elif cmd == "check":
        return cmd_check(argv[2], argv[3], argv[4], argv[5])
    elif cmd == "fields":
        with open(argv[2]) as f:
            print(",".join(sorted({s["field"] for s in json.load(f)})))
    elif cmd == "report":
        cmd_report(argv[2], argv[3], int(argv[4]), int(argv[5]))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
