"""Agreement of `evalgate score` with BFCL's own AST checker on answer variants.

For every imported BFCL case (the dataset `evalgate import bfcl` wrote), this builds answer
variants from the item's ground truth (the truth itself, other acceptable values, and
perturbations), asks BFCL's checker (`bfcl_eval.eval_checker.ast_eval.ast_checker`, and
`bfcl_eval.utils.is_empty_output` for (ir)relevance, imported from the installed package)
for its verdict, and one streamed `evalgate score` process for evalgate's (`passed`), then
prints agreement per category and per perturbation. Exit 1 below `--min` percent.

Usage: python bench/bfcl_agree.py --data <bfcl_eval/data> --dataset <evals/bfcl/v1.yaml>
       --evalgate <path> [--min 99.5] [--out target/bench/bfcl-agreement.jsonl]
"""

import argparse
import collections
import copy
import json
import os
import re
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bfcl_stub  # noqa: E402

bfcl_stub.install()

import yaml  # noqa: E402
from bfcl_eval.constants.enums import Language  # noqa: E402
from bfcl_eval.eval_checker.ast_eval.ast_checker import ast_checker  # noqa: E402
from bfcl_eval.utils import is_empty_output  # noqa: E402

# An OpenAI FC model: BFCL's handler sends `a.b` as `a_b` and its checker expects `a_b` back
# (`underscore_to_dot`), as the importer writes the names.
MODEL = "gpt-4.1-2025-04-14-FC"


def oai(name):
    return name.replace(".", "_")


def read_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def yaml12_loader():
    """PyYAML's safe loader read as evalgate (YAML 1.2) reads: `2024-01-01`, `yes`, `=` stay
    strings (PyYAML's YAML 1.1 makes them a date, a boolean, a "value" tag)."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):
        pass

    drop = {
        "tag:yaml.org,2002:timestamp",
        "tag:yaml.org,2002:value",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
    }
    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag not in drop]
        for k, v in base.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    # YAML 1.2 core floats: `1e-9` is a number (no `.` needed, unlike YAML 1.1).
    # No sexagesimal `14:00` (YAML 1.1's 840), no `0x`/`0o`/`_` digits.
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
    )
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
        list("-+0123456789."),
    )
    return Loader


def first(values):
    for v in values:
        if v != "":
            return v
    return None


def last(values):
    for v in reversed(values):
        if v != "":
            return v
    return None


def pick_dict(d, pick):
    out = {}
    for k, vs in d.items():
        v = pick(vs if isinstance(vs, list) else [vs])
        if v is not None:
            out[k] = v
    return out


def pick_value(spec, values, pick):
    """One acceptable value of a parameter, dicts (and lists of dicts) filled in."""
    v = pick(values)
    if v is None:
        return None
    t = spec.get("type") if spec else None
    if t == "dict" and isinstance(v, dict):
        return pick_dict(v, pick)
    items_t = (spec or {}).get("items", {}).get("type")
    if t in ("array", "tuple") and items_t == "dict" and isinstance(v, list):
        return [pick_dict(d, pick) if isinstance(d, dict) else d for d in v]
    return v


def answer_calls(item, truth, pick=first, keep_optional=True):
    docs = {d["name"]: d for d in item["function"]}
    calls = []
    for call in truth:
        name, params = next(iter(call.items()))
        props = docs.get(name, {}).get("parameters", {}).get("properties", {})
        required = docs.get(name, {}).get("parameters", {}).get("required", [])
        args = {}
        for p, values in params.items():
            optional = "" in values and p not in required
            if optional and not keep_optional:
                continue
            v = pick_value(props.get(p), values, pick)
            if v is not None:
                args[p] = v
        calls.append((oai(name), args))
    return calls


def wrong(v):
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return v + 7
    if isinstance(v, float):
        return v + 7.5
    if isinstance(v, str):
        return v + " zzz"
    if isinstance(v, list):
        return v + v[:1] if v else ["zzz"]
    if isinstance(v, dict):
        return {}
    return "zzz"


def map_strings(calls, f):
    out = []
    changed = False
    for name, args in calls:
        new = {}
        for k, v in args.items():
            if isinstance(v, str) and f(v) != v:
                new[k] = f(v)
                changed = True
            else:
                new[k] = v
        out.append((name, new))
    return out if changed else None


def int_as_float(calls):
    changed = False

    def conv(v):
        nonlocal changed
        if isinstance(v, bool):
            return v
        if isinstance(v, int):
            changed = True
            return float(v)
        if isinstance(v, list):
            return [conv(x) for x in v]
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        return v

    out = [(n, {k: conv(v) for k, v in a.items()}) for n, a in calls]
    return out if changed else None


def variants(item, truth, category):
    """(perturbation, calls) pairs for one item."""
    funcs = item["function"]
    if "irrelevance" in category or "relevance" in category:
        some = [(oai(funcs[0]["name"]), {})] if funcs else [("any_tool", {})]
        out = [("no_call", []), ("one_call", some)]
        if funcs:
            docs = funcs[0].get("parameters", {})
            args = {p: "x" for p in docs.get("required", [])}
            out.append(("call_with_args", [(oai(funcs[0]["name"]), args)]))
            if len(funcs) > 1:
                out.append(("two_calls", some + [(oai(funcs[1]["name"]), {})]))
        return out
    base = answer_calls(item, truth)
    out = [("truth", base)]
    alt = answer_calls(item, truth, pick=last)
    if alt != base:
        out.append(("truth_other_values", alt))
    no_opt = answer_calls(item, truth, keep_optional=False)
    if no_opt != base:
        out.append(("optional_dropped", no_opt))
    out.append(("call_dropped", base[:-1]))
    out.append(("call_extra", base + base[:1]))
    if len(base) > 1:
        out.append(("calls_reordered", list(reversed(base))))
    name, args = base[0]
    if args:
        k = next(iter(args))
        bad = dict(args)
        bad[k] = wrong(args[k])
        out.append(("arg_wrong", [(name, bad)] + base[1:]))
        missing = dict(args)
        del missing[k]
        out.append(("arg_missing", [(name, missing)] + base[1:]))
    out.append(("arg_extra", [(name, dict(args, unexpected_param="x"))] + base[1:]))
    docs = {d["name"]: d for d in funcs}
    orig = next(iter(truth[0]))
    props = docs.get(orig, {}).get("parameters", {}).get("properties", {})
    unset = [p for p in props if p not in truth[0][orig]]
    if unset:
        out.append(("arg_outside_answer", [(name, dict(args, **{unset[0]: "x"}))] + base[1:]))
    f = int_as_float(base)
    if f:
        out.append(("int_as_float", f))
    for label, fn in [
        ("string_upper", str.upper),
        ("string_punct_ignored", lambda s: s.replace(" ", "_") + "."),
        ("string_punct_other", lambda s: s + "!"),
        ("string_quotes", lambda s: s.replace('"', "'")),
    ]:
        v = map_strings(base, fn)
        if v:
            out.append((label, v))
    return out


def bfcl_verdict(item, truth, category, calls):
    decoded = [{n: copy.deepcopy(a)} for n, a in calls]
    if "irrelevance" in category:
        return is_empty_output(decoded)
    if "relevance" in category:
        return not is_empty_output(decoded)
    try:
        r = ast_checker(
            copy.deepcopy(item["function"]),
            decoded,
            copy.deepcopy(truth),
            Language.PYTHON,
            category,
            MODEL,
        )
        return bool(r["valid"])
    except Exception as e:  # the checker crashes on some shapes: a failed answer for BFCL
        return False


def passed(line, expected):
    # `passed` is the trajectory verdict `evalgate run` gives the case (README "Scoring pairs").
    return line["passed"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--evalgate", required=True)
    ap.add_argument("--min", type=float, default=99.5)
    ap.add_argument("--out", default="target/bench/bfcl-agreement.jsonl")
    a = ap.parse_args()

    with open(a.dataset) as f:
        cases = yaml.load(f, Loader=yaml12_loader())
    by_id = {c["id"]: c for c in cases}
    items, answers = {}, {}
    categories = {c["tags"][1] for c in cases}
    for name in sorted(os.listdir(a.data)):
        if not any(name.endswith(f"_{c}.json") and name.startswith("BFCL_v") and name.count("_") == c.count("_") + 2 for c in categories):
            continue
        for it in read_lines(os.path.join(a.data, name)):
            if it["id"] in by_id:
                items[it["id"]] = it
        pa = os.path.join(a.data, "possible_answer", name)
        if os.path.exists(pa):
            for it in read_lines(pa):
                answers[it["id"]] = it["ground_truth"]

    pairs = []
    for cid, case in by_id.items():
        item = items[cid]
        category = case["tags"][1]
        truth = answers.get(cid, [])
        expected = case["expect"]["trajectory"]
        for pert, calls in variants(item, truth, category):
            pairs.append(
                {
                    "id": cid,
                    "expected": expected,
                    "actual": [{"name": n, "arguments": args} for n, args in calls],
                    "category": category,
                    "perturbation": pert,
                    "_bfcl": bfcl_verdict(item, truth, category, calls),
                }
            )

    proc = subprocess.Popen(
        [a.evalgate, "score", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def feed():
        try:
            for p in pairs:
                line = {k: v for k, v in p.items() if k != "_bfcl"}
                proc.stdin.write(json.dumps(line) + "\n")
        finally:
            proc.stdin.close()

    t = threading.Thread(target=feed)
    t.start()
    results = [json.loads(line) for line in proc.stdout]
    t.join()
    if proc.wait() != 0 or len(results) != len(pairs):
        sys.exit(f"evalgate score failed (exit {proc.returncode}, {len(results)} of {len(pairs)} lines)")

    by_cat = collections.defaultdict(lambda: [0, 0])
    by_pert = collections.defaultdict(lambda: [0, 0])
    classes = collections.defaultdict(list)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as out:
        for p, r in zip(pairs, results):
            r["_n"] = len(p["actual"])
            ours = passed(r, p["expected"])
            agree = ours == p["_bfcl"]
            for table, key in ((by_cat, p["category"]), (by_pert, p["perturbation"])):
                table[key][0] += agree
                table[key][1] += 1
            if not agree:
                classes[(p["category"], p["perturbation"], p["_bfcl"])].append(p["id"])
                out.write(
                    json.dumps(
                        {
                            "id": p["id"],
                            "category": p["category"],
                            "perturbation": p["perturbation"],
                            "bfcl": p["_bfcl"],
                            "evalgate": ours,
                            "actual": p["actual"],
                            "explanation": r.get("explanation"),
                        }
                    )
                    + "\n"
                )

    def table(title, rows):
        print(f"| {title} | variants | agree | % |")
        print("|---|---:|---:|---:|")
        for k in sorted(rows):
            ok, n = rows[k]
            print(f"| {k} | {n} | {ok} | {100 * ok / n:.3f} |")
        print()

    table("category", by_cat)
    table("perturbation", by_pert)
    total = sum(n for _, n in by_cat.values())
    ok = sum(o for o, _ in by_cat.values())
    pct = 100 * ok / total if total else 0.0
    print(f"cases {len(by_id)}, variants {total}, agree {ok} ({pct:.3f}%), disagree {total - ok}")
    for (cat, pert, b), ids in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        verdict = "BFCL passes, evalgate fails" if b else "BFCL fails, evalgate passes"
        print(f"  {len(ids):5} {cat} / {pert}: {verdict} (e.g. {', '.join(ids[:3])})")
    print(f"details: {a.out}")
    if pct < a.min:
        print(f"agreement {pct:.2f}% is below {a.min}%")
        sys.exit(1)


if __name__ == "__main__":
    main()
