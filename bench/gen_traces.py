"""Writes a large OTLP JSONL trace file from the committed fixtures, deterministically.

    python3 bench/gen_traces.py OUT.jsonl SIZE_MB

Each copy of the fixtures gets its own trace ids (a copy counter in the first 8 hex digits);
the GenAI file contributes its one-request-per-span lines, the OpenInference file one line
holding four whole traces.
"""

import json
import os
import re
import sys

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "traces")
genai = open(os.path.join(here, "genai.jsonl")).read()
oi = json.dumps(json.load(open(os.path.join(here, "openinference.json"))), separators=(",", ":")) + "\n"
block = genai + oi
ids = sorted(set(re.findall(r'"traceId":"([0-9a-f]{32})"', block)))
pattern = re.compile("|".join(ids))
out_path, size_mb = sys.argv[1], int(sys.argv[2])
target = size_mb * 1_000_000
written = 0
copy = 0
with open(out_path, "w") as out:
    while written < target:
        text = pattern.sub(lambda m: f"{copy:08x}" + m.group(0)[8:], block)
        out.write(text)
        written += len(text)
        copy += 1
print(f"{out_path}: {written} bytes, {copy} copies, {copy * len(ids)} traces")
