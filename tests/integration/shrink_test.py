#!/usr/bin/python3
"""`pc5check shrink` (docs/cli.md): a trace cut down by delta debugging still breaks its rule, and no
single event of it can go.

shrink_test.py PC5CHECK SOURCE_DIR WORK_DIR

- every violating corpus trace (traces/*/*viol-*.json), shrunk for each rule its `expect` names: exit 0,
  no more events than before, `check` still reports the rule, and the written `expect` is check's own
  verdict and rules;
- for two of them, removing any one event of the shrunk trace loses the violation (1-minimal);
- `-` reads standard input; a trace that does not break the rule exits 1; a .jsonl of many traces needs
  --line.
"""
import glob
import json
import os
import subprocess
import sys

pc5check, source, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def run(args, stdin_text=None):
    r = subprocess.run([pc5check, *args], input=stdin_text, capture_output=True, text=True, check=False)
    return r.returncode, r.stdout, r.stderr


def check_file(path):
    code, out, err = run(["check", "--concrete", "--format", "json", path])
    check(code in (0, 1), f"check {path}: exit {code}: {err}")
    return json.loads(out)["traces"][0]


def write(trace, name):
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(trace, f)
    return path


def shrink(path, rule):
    out = os.path.join(work, "shrunk.json")
    code, _, err = run(["shrink", path, "--rule", rule, "--concrete", "-o", out])
    check(code == 0, f"shrink {path} --rule {rule}: exit {code}: {err}")
    return json.load(open(out, encoding="utf-8")) if code == 0 else None


def one_minimal(shrunk, rule, label):
    for i in range(len(shrunk["events"])):
        smaller = dict(shrunk, events=shrunk["events"][:i] + shrunk["events"][i + 1:])
        got = check_file(write(smaller, "smaller.json"))
        check(rule not in got["rules"], f"{label}: without event {i} the trace still breaks {rule}")


shrunk_count = 0
for path in sorted(glob.glob(os.path.join(source, "traces/*/*viol-*.json"))):
    original = json.load(open(path, encoding="utf-8"))
    for rule in original["expect"]["rules"]:
        label = f"{os.path.relpath(path, source)} --rule {rule}"
        shrunk = shrink(path, rule)
        if shrunk is None:
            continue
        shrunk_count += 1
        check(len(shrunk["events"]) <= len(original["events"]), f"{label}: no more events than before")
        got = check_file(write(shrunk, "check.json"))
        check(rule in got["rules"], f"{label}: check still reports {rule}: {got['rules']}")
        check(shrunk["expect"]["verdict"] == got["verdict"] and sorted(shrunk["expect"]["rules"]) == sorted(got["rules"]),
              f"{label}: expect is check's verdict: {shrunk['expect']} vs {got['verdict']} {got['rules']}")
        if os.path.basename(path) in ("viol-smc-echo-caps.json", "seed-viol-replay.json"):
            one_minimal(shrunk, rule, label)
print(f"{shrunk_count} violating corpus traces shrunk")
check(shrunk_count >= 30, f"the corpus has its violating traces: {shrunk_count}")

viol = os.path.join(source, "traces/ts33536-r17/viol-smc-echo-caps.json")
code, out, err = run(["shrink", "-", "--rule", "SMC_ECHO_CAPS"], open(viol, encoding="utf-8").read())
check(code == 0 and json.loads(out)["expect"]["rules"] == ["SMC_ECHO_CAPS"], f"shrink - : exit {code}: {err}")
code, out, err = run(["shrink", os.path.join(source, "traces/ts33536-r17/conform-plain.json"), "--rule", "SMC_ECHO_CAPS"])
check(code == 1 and "nothing to shrink" in err and out == "", f"no violation of the rule: exit {code}: {err}")
jsonl = os.path.join(source, "traces/ts33536-r17/ts33536-r17-random-100.jsonl")
code, _, err = run(["shrink", jsonl, "--rule", "ORDER"])
check(code == 2 and "expected --line" in err, f"a .jsonl of many traces needs --line: exit {code}: {err}")
print("FAILED" if failures else "ok", f"({len(failures)} failure(s))")
sys.exit(1 if failures else 0)
