#!/usr/bin/env bash
# evalgate under a low open-file limit: N cases (20000) at -j J (512) under `prlimit --nofile=FDS`
# (256), against the built-in demo agent started by `agent.start` (it inherits the limit).
#
#   bench/fd_limit.sh            release build; prints wall time, peak RSS and the warning
#
# Env: N (20000), J (512), FDS (256), PROFILE (release; `dev` uses target/debug). Checks that the
# run passes, that every case is in cases.jsonl and results.json, that all reports are written
# and that a warning names the lowered concurrency. Everything stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-20000}; J=${J:-512}; FDS=${FDS:-256}; PROFILE=${PROFILE:-release}
WORK=$ROOT/target/bench/fd_limit
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
command -v prlimit >/dev/null || { echo "prlimit (util-linux) is needed" >&2; exit 1; }

if [ "$PROFILE" = release ]; then
  cargo build --release --quiet --locked
  EVALGATE=$ROOT/target/release/evalgate
else
  cargo build --quiet --locked
  EVALGATE=$ROOT/target/debug/evalgate
fi

rm -rf "$WORK" && mkdir -p "$WORK/evals/s"
cat >"$WORK/evalgate.yaml" <<'YAML'
version: 1
agent:
  url: http://127.0.0.1:{port}/chat
  start:
    command: [evalgate, demo-agent, --port, "{port}"]
suites:
  - name: s
    dataset: s
YAML
python3 - "$N" "$WORK/evals/s/v1.yaml" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
cases = [{"id": f"c{i}", "input": "hello", "expect": {"response": [{"contains": "billing"}]}} for i in range(n)]
json.dump(cases, open(path, "w"))
PY

cd "$WORK"
set +e
/usr/bin/time -v -o time.txt prlimit --nofile="$FDS" "$EVALGATE" run -j "$J" --progress quiet --out out >stdout.txt 2>stderr.txt
code=$?
set -e
python3 - "$N" "$code" <<'PY'
import json, re, sys
n, code = int(sys.argv[1]), int(sys.argv[2])
err = open("stderr.txt").read()
warning = next((l for l in err.splitlines() if l.startswith("warning: lowered the concurrency")), None)
lines = sum(1 for _ in open("out/cases.jsonl"))
report = json.load(open("out/results.json"))
t = open("time.txt").read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
print(f"exit {code}; {lines} lines in cases.jsonl, {len(report['cases'])} cases in results.json "
      f"(concurrency {report['meta']['concurrency']}); wall {wall}; peak RSS {rss / 1024:.1f} MiB")
print(warning or "NO WARNING")
ok = code == 0 and lines == n and len(report["cases"]) == n and warning is not None
ok = ok and all(__import__("os").path.isfile(f"out/{f}") for f in ("junit.xml", "report.md"))
sys.exit(0 if ok else 1)
PY
