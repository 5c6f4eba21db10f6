#!/usr/bin/env bash
# Peak RSS of `evalgate run` with one 100 MB agent reply, against the same run without it.
#
#   bench/big_reply.sh            release build; N=20 cases, one of which (`big`) gets 100 MB
#
# The agent is a small Python server on 127.0.0.1 (below). Three runs, each under
# `/usr/bin/time -v`: `normal` (every reply small), `length` (the big reply with a
# Content-Length, refused before it is read) and `chunked` (streamed without a length: read up
# to `agent.max_response_bytes`, then abandoned). Each big run must record `big` as an `error`,
# write a junit.xml that xmllint validates, and peak at most 64 MiB above `normal`.
# Env: N (20), PORT (8799), BIG_MB (100), BIG_CASES (1: how many cases get the big reply).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-20}; PORT=${PORT:-8799}; BIG_MB=${BIG_MB:-100}; BIG_CASES=${BIG_CASES:-1}
WORK=$ROOT/target/bench/big_reply
rm -rf "$WORK"; mkdir -p "$WORK/project/evals/s"

cargo build --release --quiet --locked --bin evalgate
EVALGATE=$ROOT/target/release/evalgate

cat >"$WORK/agent.py" <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, MODE, BIG = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]) * 1000 * 1000

class Agent(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers()
        self.wfile.write(b"ok")
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        text = body.get("input", "")
        if text == "big" and MODE != "normal":
            reply = {"output": "A" * BIG}
        else:
            reply = {"output": "done: " + text, "tool_calls": [{"name": "lookup", "arguments": {"q": text}}]}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        try:
            if MODE == "chunked" and text == "big":
                self.send_header("Transfer-Encoding", "chunked"); self.end_headers()
                step = 1 << 20
                for i in range(0, len(data), step):
                    part = data[i:i + step]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.send_header("Content-Length", str(len(data))); self.end_headers()
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # evalgate stopped reading at its limit

ThreadingHTTPServer(("127.0.0.1", PORT), Agent).serve_forever()
PY

cat >"$WORK/project/evalgate.yaml" <<YAML
version: 1
agent:
  url: http://127.0.0.1:$PORT/chat
  retry: { max_retries: 0 }
suites:
  - name: s
    dataset: s
policy:
  max_error_rate: 1.0
YAML
python3 - "$N" "$BIG_CASES" >"$WORK/project/evals/s/v1.yaml" <<'PY'
import sys
n, big = int(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    text = "big" if i < big else f"case {i}"
    print(f"- id: c{i:03d}\n  input: {text!r}\n  expect:\n    response:\n      - contains: done")
PY

AGENT_PID=
trap '[ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null || true' EXIT
run_mode() {
  local mode=$1
  python3 "$WORK/agent.py" "$PORT" "$mode" "$BIG_MB" &
  AGENT_PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.05; done
  local out=$WORK/out-$mode
  (cd "$WORK/project" && /usr/bin/time -v "$EVALGATE" run --progress quiet --out "$out" \
     >"$WORK/$mode.stdout" 2>"$WORK/$mode.time") || true
  kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true; AGENT_PID=
  local kib
  kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$mode.time")
  local outcome
  outcome=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); c=[c for c in r['cases'] if c['case_id']=='c000'][0]; print(c['outcome'], '|', (c.get('error') or {}).get('message', ''))" "$out/results.json")
  xmllint --noout --schema src/report/testdata/junit-10-ext.xsd "$out/junit.xml" 2>/dev/null \
    && junit=valid || junit=INVALID
  local size
  size=$(du -sk "$out" | cut -f1)
  printf '%-8s peak RSS %7.1f MiB   reports %6d KiB   junit.xml %-7s  big case: %s\n' \
    "$mode" "$(awk "BEGIN {print $kib/1024}")" "$size" "$junit" "$outcome"
  echo "$kib" >"$WORK/$mode.kib"
}

echo "== $N cases, $BIG_CASES of them with a reply of $BIG_MB MB ($EVALGATE)"
for mode in normal length chunked; do run_mode "$mode"; done
base=$(cat "$WORK/normal.kib")
status=0
for mode in length chunked; do
  delta=$(( $(cat "$WORK/$mode.kib") - base ))
  printf '%-8s %+.1f MiB over normal (limit +64 MiB)\n' "$mode" "$(awk "BEGIN {print $delta/1024}")"
  [ "$delta" -le $((64 * 1024)) ] || status=1
done
exit $status
