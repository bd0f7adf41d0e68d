#!/usr/bin/env bash
# Benchmarks/parallel.sh: two files on two cores (issue "Throughput": at least 1.7x the
# single-file rate). Generates two corpora of SIZE each with corpus-gen (seeds 1 and 2, kept in
# the git-ignored Benchmarks/corpus/), then times with hyperfine, on cores 0 and 1, page cache warm:
#   one file,  --jobs 1        the single-file rate
#   two files, --jobs 1        one after another
#   two files, --jobs 2        in parallel (one task per file)
# and prints MB/s (10^6 bytes) and the ratio of the parallel rate to the single-file rate. It also
# checks that --jobs 1 and --jobs 2 print byte-identical JSON reports (exit 1 if not).
#   Benchmarks/parallel.sh [SIZE] [RUNS]      # SIZE per file, default 256MiB; RUNS default 3
#   FLS=/path/to/flux-logscan Benchmarks/parallel.sh    # time a given build
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-256MiB}
runs=${2:-3}
scripts/bootstrap
need=()
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
# FLS=PATH times that flux-logscan (a static build, say) instead of building the work tree's.
if [ -z "${FLS:-}" ]; then
  swift build -c release --scratch-path .build-release 2>&1 | tail -n 1
  FLS=.build-release/release/flux-logscan
fi
swift build -c release --package-path Benchmarks --scratch-path Benchmarks/.build-bench 2>&1 | tail -n 1
mkdir -p Benchmarks/corpus
for seed in 1 2; do
  f=Benchmarks/corpus/flux-$size-seed$seed.log
  if [ ! -s "$f" ]; then
    echo "parallel: generating $f" >&2
    Benchmarks/.build-bench/release/corpus-gen --size "$size" --seed "$seed" --quiet > "$f.tmp"
    mv "$f.tmp" "$f"
  fi
done
A=Benchmarks/corpus/flux-$size-seed1.log
B=Benchmarks/corpus/flux-$size-seed2.log
NOW=--now=2030-01-01T00:00:00Z

out=$(mktemp -d)
set +e
"$FLS" --format json $NOW --jobs 1 "$A" "$B" > "$out/j1.json" 2>/dev/null
"$FLS" --format json $NOW --jobs 2 "$A" "$B" > "$out/j2.json" 2>/dev/null
set -e
if ! cmp -s "$out/j1.json" "$out/j2.json"; then
  echo "parallel: --jobs 1 and --jobs 2 reports differ ($out/j1.json, $out/j2.json)" >&2
  exit 1
fi
echo "reports of --jobs 1 and --jobs 2: byte-identical"

hyperfine -N -i --style basic --runs "$runs" --export-json "$out/times.json" \
  -n one-file-jobs1 "taskset -c 0,1 $FLS --format json $NOW --jobs 1 $A" \
  -n two-files-jobs1 "taskset -c 0,1 $FLS --format json $NOW --jobs 1 $A $B" \
  -n two-files-jobs2 "taskset -c 0,1 $FLS --format json $NOW --jobs 2 $A $B" > /dev/null
python3 - "$out/times.json" "$(stat -c %s "$A")" "$(stat -c %s "$B")" <<'PY'
import json, sys
t = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
a, b = int(sys.argv[2]), int(sys.argv[3])
rate1 = a / t["one-file-jobs1"] / 1e6
seq = (a + b) / t["two-files-jobs1"] / 1e6
par = (a + b) / t["two-files-jobs2"] / 1e6
print(f"| run (median) | seconds | MB/s |")
print(f"|---|---:|---:|")
print(f"| one file, --jobs 1 | {t['one-file-jobs1']:.2f} | {rate1:.1f} |")
print(f"| two files, --jobs 1 | {t['two-files-jobs1']:.2f} | {seq:.1f} |")
print(f"| two files, --jobs 2 | {t['two-files-jobs2']:.2f} | {par:.1f} |")
print(f"two files on two cores: {par / rate1:.2f}x the single-file rate (issue target: 1.7x)")
PY
rm -rf "$out"
