#!/usr/bin/env bash
# Peak memory on a large gzip archive (issue "Archives and folders"): builds a gzip archive of
# SIZE of generated controller logs on the fly (corpus-gen | gzip, written to the git-ignored
# Benchmarks/corpus/), scans it with the release binary under /usr/bin/time -v, and fails unless
# the peak RSS stays under LIMIT_MIB (default 64). Not a CI test.
#   Benchmarks/gzip-rss.sh [SIZE]      # SIZE of uncompressed logs, default 2GiB
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-2GiB}
limit_mib=${LIMIT_MIB:-64}
source Benchmarks/setup.sh
archive=Benchmarks/corpus/flux-$size.log.gz
if [ ! -s "$archive" ]; then
  echo "gzip-rss: generating $archive" >&2
  Benchmarks/.build-bench/release/corpus-gen --size "$size" --quiet | gzip -1 > "$archive.tmp"
  mv "$archive.tmp" "$archive"
fi
timing=$(mktemp)
set +e
/usr/bin/time -v .build-static/release/flux-logscan --format json "$archive" > Benchmarks/corpus/gzip-rss-report.json 2> "$timing"
status=$?
set -e
rss_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timing")
elapsed=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$timing")
grep -v -e '^	' "$timing" | sed 's/^/flux-logscan: /' >&2 || true
rm -f "$timing"
compressed=$(stat -c %s "$archive")
python3 - "$archive" "$compressed" "$rss_kib" "$elapsed" "$status" "$limit_mib" <<'PY'
import json, sys
archive, compressed, rss_kib, elapsed, status, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
stats = json.load(open("Benchmarks/corpus/gzip-rss-report.json"))["stats"]
print(f"archive           {archive} ({compressed/1e6:.0f} MB compressed, {stats['bytes']/1e6:.0f} MB of logs, {stats['lines']} lines)")
print(f"exit status       {status} (1 = incidents found)")
print(f"wall clock        {elapsed}")
print(f"peak RSS          {rss_kib/1024:.1f} MiB (limit {limit} MiB)")
print(f"events            {stats['events']}")
sys.exit(0 if rss_kib < limit * 1024 and status in (0, 1) else 1)
PY
