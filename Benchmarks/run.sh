#!/usr/bin/env bash
# Benchmarks/run.sh: flux-logscan against ripgrep and grep -P, side by side, in one session.
#
#   Benchmarks/run.sh                          100 MiB and 1 GiB corpora, 3 runs each
#   Benchmarks/run.sh --sizes 100MiB --runs 5  one size, at least 5 runs
#
# For each corpus (made by corpus-gen, deterministic, kept in Benchmarks/corpus/, git-ignored) it
# times on one core (taskset -c 0), page cache warm: `cat > /dev/null`, the flux-logscan full
# pipeline (`--format json`), flux-logscan matching only (`--counts`), `rg -c -f` with the shipped
# signatures translated to Rust-regex syntax, and `grep -P -c` with one alternation of them. It
# prints MB/s (10^6 bytes), lines/s, peak RSS (/usr/bin/time -v) and ratios against rg and grep -P:
# medians of at least --runs runs (hyperfine --min-runs: more for fast programs), after one warm-up
# run that also measures the peak RSS.
#
# Then the count check: an independent decoder (bench.py, python3 json) writes the text each
# signature sees (msg + " " + error, JSON escapes decoded) as NUL-terminated records, and
# `grep -P -z -c` counts each signature's regex over them; every count must equal flux-logscan's
# `--counts`. A difference fails the harness (exit 1) and names the signatures. And the report
# check: `--format json` with and without `--no-prefilter` (every record decoded in full instead of
# read in place) must be the same bytes, or the harness fails.
#
# Installs what is missing through apt (ripgrep, hyperfine, time, util-linux, python3-yaml) and
# builds flux-logscan and corpus-gen in release mode with the scratch path .build-bench.
set -euo pipefail

usage() {
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    cat <<'EOF'
Options:
  --sizes "S1 S2"   corpus sizes (default "100MiB 1GiB"); 10MiB to 1GiB and more
  --runs N          at least N timed runs per program (default 3; at least 3 for a median)
  --errors PCT      failure-line share of the corpus (default 3)
  --seed N          corpus seed (default 42)
  --no-check        skip the per-signature count check and the report check
  --stream SIZE     also stream SIZE (e.g. 10GiB) from corpus-gen into flux-logscan (stdin),
                    never stored: time and peak RSS of the full pipeline, once
  --binary PATH     time this flux-logscan instead of building the work tree's
EOF
}

SIZES="100MiB 1GiB"
RUNS=3
ERRORS=3
SEED=42
CHECK=1
STREAM=""
BINARY=""
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --size) SIZES="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --errors) ERRORS="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --no-check) CHECK=0; shift ;;
        --stream) STREAM="$2"; shift 2 ;;
        --binary) BINARY="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
if [ "$RUNS" -lt 3 ]; then echo "run.sh: --runs must be at least 3 (a median of 3)" >&2; exit 2; fi

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
CORPUS_DIR="$HERE/corpus"
RESULTS="$CORPUS_DIR/results"
mkdir -p "$RESULTS"
# One locale for every tool: grep -P in the C locale matches bytes, as flux-logscan's PCRE2 does
# (no UTF mode).
export LC_ALL=C

say() { printf '\n== %s\n' "$*"; }

# ----------------------------------------------------------------------------------------------
say "tools"
need=()
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing ${need[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! python3 -c 'import yaml' 2>/dev/null; then
    echo "installing PyYAML"
    if [ "$(command -v python3)" = /usr/bin/python3 ]; then
        sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get install -y -qq python3-yaml >/dev/null
    else
        python3 -m pip install -q pyyaml
    fi
fi
"$ROOT/scripts/bootstrap"

say "build (release, --scratch-path .build-bench)"
if [ -n "$BINARY" ]; then
    FLS="$(cd "$(dirname "$BINARY")" && pwd)/$(basename "$BINARY")"
else
    (cd "$ROOT" && swift build -c release --static-swift-stdlib --scratch-path .build-bench 2>&1 | tail -n 1)
    FLS="$ROOT/.build-bench/release/flux-logscan"
fi
(cd "$HERE" && swift build -c release --scratch-path .build-bench 2>&1 | tail -n 1)
GEN="$HERE/.build-bench/release/corpus-gen"

REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$ROOT" status --porcelain -- Sources Patterns Package.swift 2>/dev/null)" ]; then REV="$REV+dirty"; fi
CPU="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)"
{
    echo "flux-logscan $REV ($FLS)"
    echo "$(rg --version | sed -n 1p); $(grep --version | sed -n 1p); $(hyperfine --version)"
    echo "$(nproc) cores, ${CPU:-unknown CPU}; measured on core 0 (taskset -c 0); LC_ALL=C"
} | tee "$RESULTS/machine.txt"

say "signatures (Patterns/signatures/*.yaml)"
python3 "$HERE/bench.py" signatures "$ROOT" "$RESULTS"
SIGS="$RESULTS/signatures.json"
RG_PATTERNS="$RESULTS/rg-patterns.txt"
GREP_PATTERN="$RESULTS/grep-pattern.txt"

mismatch=0
REPORT="$RESULTS/latest.md"
{
    echo "# flux-logscan benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "Command: \`Benchmarks/run.sh --sizes \"$SIZES\" --runs $RUNS --errors $ERRORS --seed $SEED\`"
    echo
    sed 's/^/    /' "$RESULTS/machine.txt"
    echo
} > "$REPORT"

# Times one program: a warm-up run under /usr/bin/time -v (peak RSS, exit status, output), then
# hyperfine --runs N. $1 key, $2 where hyperfine sends output (null or pipe), rest the command.
measure() {
    local key="$1" output="$2"; shift 2
    local stdout="$OUT/stdout-$key.txt"
    [ "$key" = cat ] && stdout=/dev/null
    local rc=0
    /usr/bin/time -v -o "$OUT/timev-$key.txt" taskset -c 0 "$@" > "$stdout" || rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "run.sh: '$*' exited $rc" >&2
        cat "$OUT/timev-$key.txt" >&2
        exit 1
    fi
    sed -n 's/^\tMaximum resident set size (kbytes): //p' "$OUT/timev-$key.txt" > "$OUT/rss-$key.txt"
    hyperfine -N -i --style basic --min-runs "$RUNS" --output "$output" --export-json "$OUT/time-$key.json" \
        --command-name "$key" "taskset -c 0 $*" | grep -E '^(Benchmark|  Time)' || true
}

for SIZE in $SIZES; do
    CORPUS="$CORPUS_DIR/flux-$SIZE-e$ERRORS-s$SEED.log"
    OUT="$RESULTS/$SIZE"
    mkdir -p "$OUT"
    say "corpus $SIZE"
    # A corpus kept without its summary (the summary is corpus-gen's standard error) is written again.
    if [ ! -s "$CORPUS" ] || [ ! -s "$CORPUS.summary" ] || [ "$GEN" -nt "$CORPUS" ]; then
        "$GEN" --size "$SIZE" --errors "$ERRORS" --seed "$SEED" --out "$CORPUS" 2> "$CORPUS.summary"
    fi
    head -n 1 "$CORPUS.summary"
    BYTES=$(stat -c %s "$CORPUS")
    LINES=$(wc -l < "$CORPUS")
    cat "$CORPUS" > /dev/null  # into the page cache

    say "timing $SIZE: at least $RUNS runs each (hyperfine does more of the fast ones), core 0"
    LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "load average before: $LOAD (other processes on core 0 slow the wall clock, not the CPU time)"
    measure cat null cat "$CORPUS"
    measure full null "$FLS" "$CORPUS" --format json
    measure counts null "$FLS" --counts "$CORPUS"
    measure rg pipe rg -c -f "$RG_PATTERNS" "$CORPUS"
    measure grep pipe grep -P -c -f "$GREP_PATTERN" "$CORPUS"

    say "results $SIZE"
    python3 "$HERE/bench.py" report "$OUT" "$SIZE corpus" "$BYTES" "$LINES" | tee "$OUT/report.txt"
    EVENTS=$(awk -F'\t' '{s += $2} END {print s + 0}' "$OUT/stdout-counts.txt")
    echo "matching lines/events: flux-logscan $EVENTS events (decoded text); rg $(cat "$OUT/stdout-rg.txt" 2>/dev/null || echo 0) lines, grep -P $(cat "$OUT/stdout-grep.txt") lines (raw lines: escapes not decoded, fields not told apart)" | tee -a "$OUT/report.txt"
    {
        echo "## $SIZE corpus"
        echo
        echo "    $(head -n 1 "$CORPUS.summary")"
        echo "    load average before timing: $LOAD"
        echo
        cat "$OUT/report.txt"
        echo
    } >> "$REPORT"

    if [ "$CHECK" = 1 ]; then
        say "count check $SIZE: flux-logscan --counts against grep -P -z -c on independently decoded text"
        python3 "$HERE/bench.py" decode "$CORPUS" "$OUT/decoded" "$(python3 "$HERE/bench.py" fields "$SIGS")"
        rc=0
        python3 "$HERE/bench.py" check "$SIGS" "$OUT/decoded" "$OUT/stdout-counts.txt" "$OUT/counts.md" || rc=$?
        rm -rf "$OUT/decoded"
        [ "$rc" -eq 0 ] || mismatch=1
        { echo "Per-signature counts, $SIZE corpus:"; echo; cat "$OUT/counts.md"; echo; } >> "$REPORT"

        # The records read in place (the prefilter chooses them) must change no byte of the
        # report: the same JSON with --no-prefilter, every record decoded in full.
        say "report check $SIZE: --format json with and without the prefilter"
        "$FLS" --format json --jobs 1 "$CORPUS" > "$OUT/report-fast.json" || [ $? -le 1 ]
        "$FLS" --format json --jobs 1 --no-prefilter "$CORPUS" > "$OUT/report-full.json" || [ $? -le 1 ]
        if cmp -s "$OUT/report-fast.json" "$OUT/report-full.json"; then
            line="report check $SIZE: identical with and without the prefilter"
        else
            line="report check $SIZE: the report differs without the prefilter ($OUT/report-fast.json, $OUT/report-full.json)"
            mismatch=1
        fi
        echo "$line"
        { echo "$line"; echo; } >> "$REPORT"
    fi
done

if [ -n "$STREAM" ]; then
    say "streaming $STREAM from corpus-gen into flux-logscan (stdin, not stored)"
    rc=0
    /usr/bin/time -v -o "$RESULTS/stream-timev.txt" taskset -c 0 "$FLS" --format json \
        < <("$GEN" --size "$STREAM" --errors "$ERRORS" --seed "$SEED" --quiet) > /dev/null || rc=$?
    if [ "$rc" -gt 1 ]; then echo "run.sh: streamed flux-logscan exited $rc" >&2; exit 1; fi
    wall=$(sed -n 's/^\tElapsed (wall clock) time (h:mm:ss or m:ss): //p' "$RESULTS/stream-timev.txt")
    rss=$(sed -n 's/^\tMaximum resident set size (kbytes): //p' "$RESULTS/stream-timev.txt")
    line="streamed $STREAM through stdin: wall $wall, peak RSS $((rss / 1024)) MiB (one run; corpus-gen on the other core)"
    echo "$line"
    { echo "$line"; echo; } >> "$REPORT"
fi

{ echo "rg translation of the signatures:"; echo; cat "$RESULTS/translation.md"; } >> "$REPORT"
say "report: $REPORT"
if [ "$mismatch" = 1 ]; then
    echo "run.sh: per-signature counts or reports differ (see above); failing" >&2
    exit 1
fi
