#!/usr/bin/env bash
# evalgate's benchmark against the peers' mock agent (../shared/peers), side by side with promptfoo.
#
#   bench/run.sh                 evalgate only (N=2000, concurrency 64, mock latency 50 ms)
#   BENCH_PROMPTFOO=1 bench/run.sh   also promptfoo on the same cases (installs it: ~1.5 min, 1.5 GB)
#
# Env: N (2000), J (64), LAT_MS (50), RUNS (3), PORT (8787), FORMAT (json: the dataset as JSON,
# read by serde_json; yaml: block-style YAML, read by the YAML parser). Results: target/bench/results/bench.jsonl
# and a table on stdout. Everything stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-2000}; J=${J:-64}; LAT_MS=${LAT_MS:-50}; RUNS=${RUNS:-3}; PORT=${PORT:-8787}; FORMAT=${FORMAT:-json}
WORK=$ROOT/target/bench
PEERS=$WORK/peers
mkdir -p "$WORK"

# The shared peers folder is read-only: work on a copy (without its node_modules / venvs).
if [ ! -d "$PEERS" ]; then
  mkdir -p "$PEERS"
  (cd ../shared/peers && tar --exclude=node_modules --exclude=.venv --exclude=.venv-inspect --exclude=target -cf - .) | tar -xf - -C "$PEERS"
  chmod -R u+w "$PEERS"
fi
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }

echo "== building the mock agent and evalgate (release)"
cargo build --release --quiet --manifest-path "$PEERS/mock_agent/Cargo.toml" --target-dir "$WORK/mock-target"
cargo build --release --quiet --locked
MOCK=$WORK/mock-target/release/mock_agent
EVALGATE=$ROOT/target/release/evalgate

(cd "$PEERS" && python3 cases/gen_cases.py "$N" --url "http://127.0.0.1:$PORT/chat" >/dev/null)
python3 bench/make_suite.py "$PEERS/cases/generated/cases_$N.jsonl" "$WORK/suite" --url "http://127.0.0.1:$PORT/chat" --format "$FORMAT"

if curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then
  echo "port $PORT is busy (a mock already running?); set PORT" >&2; exit 1
fi
"$MOCK" --port "$PORT" --latency-ms "$LAT_MS" >"$WORK/mock.log" 2>&1 &
MOCK_PID=$!
trap 'kill $MOCK_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.05; done

IDEAL=$(python3 -c "import math; print(math.ceil($N/$J)*$LAT_MS/1000)")
cd "$PEERS"
rm -f results/bench.jsonl
T="python3 scripts/timeit.py --mock http://127.0.0.1:$PORT"
echo "== evalgate: N=$N, concurrency $J, latency $LAT_MS ms (ideal ${IDEAL}s)"
$T --name "evalgate_${FORMAT}_n${N}_j${J}" --runs "$RUNS" --cwd "$WORK/suite" --expect-requests "$N" --ideal-s "$IDEAL" -- \
  "$EVALGATE" run --config evalgate.yaml -j "$J" --progress quiet --out "$WORK/out" >/dev/null

if [ "${BENCH_PROMPTFOO:-0}" = 1 ]; then
  [ -x node_modules/.bin/promptfoo ] || npm install --no-audit --no-fund >/dev/null 2>&1
  . ./env.sh
  export PROMPTFOO_CONFIG_DIR="$PEERS/.promptfoo-bench"
  echo "== promptfoo: same cases"
  $T --name "promptfoo_n${N}_j${J}" --runs "$RUNS" --cwd promptfoo/generated --expect-requests "$N" --ideal-s "$IDEAL" -- \
    promptfoo eval -c "promptfooconfig.$N.yaml" --no-cache --no-progress-bar --no-table -j "$J" -o "../../results/pf.json" >/dev/null
fi

python3 - "$N" <<'PY'
import json, sys
n = int(sys.argv[1])
rows = [json.loads(l) for l in open("results/bench.jsonl") if l.strip()]
print(f"\n| harness | runs | wall s (median) | ideal s | wall/ideal | CPU s | CPU ms/case | peak RSS MiB | max in flight | requests ok |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    cpu = r["cpu_s"]["median"]
    print(f"| {r['name']} | {r['runs']} | {r['wall_s']['median']:.3f} | {r['ideal_s']:.2f} | {r['wall_over_ideal']:.3f} | "
          f"{cpu:.3f} | {cpu / n * 1000:.3f} | {r['rss_mib']['max']:.1f} | {r.get('max_in_flight')} | {r.get('requests_ok')} |")
eg = next(r for r in rows if r["name"].startswith("evalgate"))
pf = next((r for r in rows if r["name"].startswith("promptfoo")), None)
if pf:
    print(f"\npromptfoo / evalgate: wall {pf['wall_s']['median'] / eg['wall_s']['median']:.1f}x, "
          f"CPU {pf['cpu_s']['median'] / eg['cpu_s']['median']:.1f}x, RSS {pf['rss_mib']['max'] / eg['rss_mib']['max']:.1f}x")
ok = eg["wall_over_ideal"] <= 1.10 and eg["cpu_s"]["median"] / n * 1000 <= 0.25 and eg["rss_mib"]["max"] <= 40
print("targets (wall <= 1.10x ideal, CPU <= 0.25 ms/case, RSS <= 40 MiB):", "met" if ok else "NOT met")
PY
