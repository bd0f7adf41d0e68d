# Sourced by the memory scripts (gzip-rss.sh, stream-rss.sh): installs what is missing, then builds
# the release binary with the Swift runtime linked statically (only the pages used are loaded:
# about 7 MiB less RSS than the shared libswiftCore and Foundation, measured with
# /proc/PID/smaps) and corpus-gen. Run from the package root.
scripts/bootstrap
if [ ! -x /usr/bin/time ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq time >/dev/null
fi
swift build -c release --static-swift-stdlib --scratch-path .build-static >/dev/null
swift build -c release --package-path Benchmarks --scratch-path Benchmarks/.build-bench >/dev/null
mkdir -p Benchmarks/corpus
