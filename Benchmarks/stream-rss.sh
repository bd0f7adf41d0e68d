#!/usr/bin/env bash
# Peak memory of a long stream through stdin (issue "Throughput": "peak RSS under 64 MiB for
# 10 GiB streamed through stdin"): corpus-gen writes SIZE of controller logs into a pipe (never
# stored), read by the release binary under /usr/bin/time, once as `follow -` (the sidecar:
# incidents written as they close, then dropped) and once as `scan --format json --jobs 1 -`
# (one sorted document at the end: every incident kept until then). Prints peak RSS, CPU and
# incident records of each; fails unless the peak RSS of each run stays under LIMIT_MIB
# (default 64).
# Not a CI test.
#   Benchmarks/stream-rss.sh [SIZE] [--follow-only]     # SIZE default 10GiB
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-10GiB}
only=${2:-}
limit_mib=${LIMIT_MIB:-64}
source Benchmarks/setup.sh
gen=Benchmarks/.build-bench/release/corpus-gen
bin=.build-static/release/flux-logscan
measure() { # name, output file, command...
  local name=$1 out=$2 timing
  shift 2
  timing=$(mktemp)
  set +e
  $gen --size "$size" --quiet | /usr/bin/time -f '%M %U %e' "$@" > "$out" 2> "$timing"
  set -e
  read -r rss user wall < <(tail -1 "$timing")
  rm -f "$timing"
  echo "$name $rss $user $wall"
}
f=$(measure follow Benchmarks/corpus/stream-follow.ndjson $bin follow -)
records=$(grep -c '"type":"incident"' Benchmarks/corpus/stream-follow.ndjson || true)
ids=$(grep -o '"type":"incident","seq":[0-9]*,"id":"[0-9a-f]*"' Benchmarks/corpus/stream-follow.ndjson | sed 's/.*"id":"//' | sort -u | wc -l)
printf '%-40s %10s %10s %10s  %s\n' "$size through stdin" "peak MiB" "user s" "wall s" "incidents"
read -r _ rss user wall <<< "$f"
printf '%-40s %10.1f %10s %10s  %s records, %s ids\n' "flux-logscan follow -" "$(awk "BEGIN{print $rss/1024}")" "$user" "$wall" "$records" "$ids"
if [ "$only" != "--follow-only" ]; then
  s=$(measure scan Benchmarks/corpus/stream-scan.json $bin --format json --jobs 1 -)
  read -r _ srss suser swall <<< "$s"
  sids=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["incidents"]))' Benchmarks/corpus/stream-scan.json)
  printf '%-40s %10.1f %10s %10s  %s\n' "flux-logscan --format json --jobs 1 -" "$(awk "BEGIN{print $srss/1024}")" "$suser" "$swall" "$sids"
  [ "$srss" -lt $((limit_mib * 1024)) ] || { echo "scan: peak RSS over ${limit_mib} MiB" >&2; exit 1; }
fi
[ "$rss" -lt $((limit_mib * 1024)) ] || { echo "follow: peak RSS over ${limit_mib} MiB" >&2; exit 1; }
