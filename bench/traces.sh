#!/usr/bin/env bash
# Benchmark: `evalgate traces export` on a 1 GB OTLP JSONL file (release build, one core).
#
#   bench/traces.sh [SIZE_MB]      # default 1000; the file is kept in target/bench/
#
# Prints peak RSS (max resident set) and throughput. Acceptance: peak RSS <= 100 MiB and
# >= 100 MB/s.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-1000}"
target="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target/bench"
file="$target/bench/traces-${size_mb}mb.jsonl"
if [ ! -f "$file" ]; then
  python3 bench/gen_traces.py "$file" "$size_mb"
fi
cargo build --release --quiet
bin="$target/release/evalgate"
bytes=$(stat -c %s "$file")
# Warm the page cache so the number measures parsing, not the disk.
cat "$file" > /dev/null
log="$target/bench/time.log"
start=$(date +%s.%N)
taskset -c 0 /usr/bin/time -v "$bin" traces export "$file" > /dev/null 2> "$log"
end=$(date +%s.%N)
rss_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$log")
grep -E "^read " "$log" || true
awk -v b="$bytes" -v s="$start" -v e="$end" -v r="$rss_kb" 'BEGIN {
  t = e - s;
  printf "file: %.0f MB, wall: %.2f s, throughput: %.1f MB/s, peak RSS: %.1f MiB\n", b / 1e6, t, b / 1e6 / t, r / 1024
}'
