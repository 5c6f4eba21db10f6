#!/usr/bin/env bash
# The importers checked against the benchmarks' own checkers (issue 11, item 5): BFCL's AST
# checker (bench/bfcl.sh, bar 99.5 %) and τ²-bench's action check (bench/tau2.sh, bar 100 % of
# the variants where the semantics coincide). Each installs its PyPI package into
# its own venv under target/ and prints its agreement tables; this exits 1 if either is below its bar.
#
#   bash bench/benchmarks.sh                       # builds target/release/evalgate once
#   EVALGATE=target/debug/evalgate bash bench/benchmarks.sh
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -z "${EVALGATE:-}" ]; then
  cargo build --release --quiet || exit 1
  export EVALGATE=target/release/evalgate
fi
status=0
for b in bfcl tau2; do
  echo "== $b"
  bash "bench/$b.sh" || status=1
  echo
done
exit $status
