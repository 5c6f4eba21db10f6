#!/usr/bin/env bash
# Agreement of `evalgate score` with BFCL's own AST checker (issue 11, item 5).
#
#   bash bench/bfcl.sh                 # builds target/release/evalgate once
#   EVALGATE=target/debug/evalgate bash bench/bfcl.sh
#
# Installs the PyPI package `bfcl-eval` (its data and checker; `--no-deps`: the checker needs
# none of the model SDKs, bench/bfcl_stub.py stands in for them) into target/bench-venv-bfcl,
# imports every single-turn category with `evalgate import bfcl`, and compares the verdicts of
# both checkers on answer variants of every case (bench/bfcl_agree.py). Prints the tables;
# exits 1 below 99.5 % agreement. Disagreements: target/bench/bfcl/disagreements.jsonl.
# Not part of `cargo test` (it needs the network once, for pip).
set -euo pipefail
cd "$(dirname "$0")/.."

BFCL_VERSION=${BFCL_VERSION:-2026.3.23}
VENV=target/bench-venv-bfcl
WORK=target/bench/bfcl

if [ -z "${EVALGATE:-}" ]; then
  cargo build --release --quiet
  EVALGATE=target/release/evalgate
fi

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if ! "$VENV/bin/pip" show bfcl-eval 2>/dev/null | grep -qx "Version: $BFCL_VERSION"; then
  "$VENV/bin/pip" install --quiet --no-deps "bfcl-eval==$BFCL_VERSION"
fi
"$VENV/bin/python" -c "import yaml" 2>/dev/null || "$VENV/bin/pip" install --quiet pyyaml

DATA=$("$VENV/bin/python" -c "import importlib.util, os; print(os.path.join(os.path.dirname(importlib.util.find_spec('bfcl_eval').origin), 'data'))")

rm -rf "$WORK"
mkdir -p "$WORK"
"$EVALGATE" import bfcl "$DATA" --into "$WORK/evals/bfcl" > "$WORK/import.txt"
head -3 "$WORK/import.txt"
echo
"$VENV/bin/python" bench/bfcl_agree.py --data "$DATA" --dataset "$WORK/evals/bfcl/v1.yaml" \
  --evalgate "$EVALGATE" --min 99.5 --out "$WORK/disagreements.jsonl"
