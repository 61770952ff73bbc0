#!/usr/bin/python3
"""`pc5check shrink` (docs/cli.md): a trace cut down by delta debugging still breaks its rule, and no
single event of it can go.

shrink_test.py PC5CHECK SOURCE_DIR WORK_DIR

- every violating corpus trace (traces/*/*viol-*.json), shrunk for each rule its `expect` names: exit 0,
  no more events than before, `check` still reports the rule by the same offender, the written `expect`
  is check's own verdict and rules, and the title names the original file and the rule;
- for two of them, removing any one event of the shrunk trace loses the violation (1-minimal);
- IEs: optional IEs go after the events, with the pdu re-encoded and the MAC-I recomputed under the logged
  keys (viol-knrp-id-update.json); without the keys, an IE under a MAC-I stays (a generated trace);
- --format html writes check's report of the shrunk trace (its chart);
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


def shrink(path, rule, with_err=False):
    out = os.path.join(work, "shrunk.json")
    code, _, err = run(["shrink", path, "--rule", rule, "--concrete", "-o", out])
    check(code == 0, f"shrink {path} --rule {rule}: exit {code}: {err}")
    shrunk = json.load(open(out, encoding="utf-8")) if code == 0 else None
    return (shrunk, err) if with_err else shrunk


def offenders(result, rule):
    return {v["offender"] for v in result.get("violations", []) if v["rule"] == rule and v["severity"] != "warning"}


def ies(events):
    return sum(len(e["ie"]) for e in events if isinstance(e.get("ie"), dict))


def origin(original, event):
    return next(e for e in original["events"] if e["at"] == event["at"] and e["msg"] == event["msg"])


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
        want = offenders(check_file(path), rule)
        check(offenders(got, rule) & want, f"{label}: by the same offender: {offenders(got, rule)}, originally {want}")
        check(os.path.basename(path) in shrunk["title"] and rule in shrunk["title"],
              f"{label}: the title names the original and the rule: {shrunk['title']}")
        check(shrunk["expect"]["verdict"] == got["verdict"] and sorted(shrunk["expect"]["rules"]) == sorted(got["rules"]),
              f"{label}: expect is check's verdict: {shrunk['expect']} vs {got['verdict']} {got['rules']}")
        if os.path.basename(path) in ("viol-smc-echo-caps.json", "seed-viol-replay.json"):
            one_minimal(shrunk, rule, label)
print(f"{shrunk_count} violating corpus traces shrunk")
check(shrunk_count >= 30, f"the corpus has its violating traces: {shrunk_count}")

# Optional IEs go, the pdu re-encoded and the MAC-I recomputed (Ref: TS 24.554 7.2.10.2, 7.2.10.3,
# 7.2.11.2): the recomputed MAC-Is verify, so neither REQ_OLD_CONTEXT nor SMC_NEW_CONTEXT appears.
knrp = os.path.join(source, "traces/ts33536-r17/viol-knrp-id-update.json")
original = json.load(open(knrp, encoding="utf-8"))
shrunk, err = shrink(knrp, "KNRP_ID_UPDATE", with_err=True)
if shrunk:
    kept = [origin(original, e) for e in shrunk["events"]]
    check(ies(shrunk["events"]) < ies(kept), f"optional IEs removed: {ies(kept)} -> {ies(shrunk['events'])}")
    changed = [e["msg"] for e, o in zip(shrunk["events"], kept) if e.get("pdu") != o.get("pdu")]
    check("REKEYING_REQUEST" in changed and "SECURITY_MODE_COMMAND" in changed, f"pdus re-encoded: {changed}")
    check(all(e["sec"]["mac"] != o["sec"]["mac"] for e, o in zip(shrunk["events"], kept) if e.get("pdu") != o.get("pdu")),
          "a re-encoded pdu has a recomputed MAC-I")
    got = check_file(write(shrunk, "knrp.json"))
    check("KNRP_ID_UPDATE" in got["rules"] and "REQ_OLD_CONTEXT" not in got["rules"] and "SMC_NEW_CONTEXT" not in got["rules"],
          f"the recomputed MAC-Is verify: {got['rules']}")
    check(f"IEs still break KNRP_ID_UPDATE by the target" in err, f"stderr counts the IEs: {err}")

# Without the keys no MAC-I can be recomputed: an IE under one stays (a generated trace with re-authentication).
code, _, err = run(["gen", os.path.join(source, "spec/ts33536-r17.json"), "--count", "30", "--seed", "5",
                    "--mutate", "SMC_ECHO_CAPS", "-o", os.path.join(work, "gen")])
check(code == 0, f"gen: exit {code}: {err}")
generated = [json.loads(l) for l in open(os.path.join(work, "gen/ts33536-r17-random-5.jsonl"), encoding="utf-8")]
with_reauth = [t for t in generated if len(t["events"]) <= 12 and any(
    e["msg"] == "REKEYING_REQUEST" and (e.get("ie") or {}).get("reauth") is True for e in t["events"])]
check(with_reauth, "a generated trace with a re-authentication")
if with_reauth:
    trace = with_reauth[0]
    shrunk = shrink(write(trace, "reauth.json"), "SMC_ECHO_CAPS")
    check(shrunk and ies(shrunk["events"]) < ies([origin(trace, e) for e in shrunk["events"]]),
          "with the keys, optional IEs of the generated trace go")
    trace["keys"] = []
    trace["link"].pop("k_nrp_sess", None)
    shrunk, err = shrink(write(trace, "no-keys.json"), "SMC_ECHO_CAPS", with_err=True)
    if shrunk:
        check("IE(s) kept: their MAC-I cannot be recomputed" in err, f"stderr says IEs were kept: {err}")
        for e in shrunk["events"]:
            o = origin(trace, e)
            check((e.get("ie"), e.get("pdu"), e.get("sec")) == (o.get("ie"), o.get("pdu"), o.get("sec")),
                  f"without keys, {e['msg']} keeps its IEs, pdu and MAC-I")

viol = os.path.join(source, "traces/ts33536-r17/viol-smc-echo-caps.json")
code, out, err = run(["shrink", viol, "--rule", "SMC_ECHO_CAPS", "--format", "html"])
check(code == 0 and out.startswith("<!DOCTYPE html>") and "<svg" in out and "SMC_ECHO_CAPS" in out
      and "shrunk from viol-smc-echo-caps.json" in out, f"--format html: exit {code}: {err} {out[:200]}")
code, out, err = run(["shrink", "-", "--rule", "SMC_ECHO_CAPS"], open(viol, encoding="utf-8").read())
check(code == 0 and json.loads(out)["expect"]["rules"] == ["SMC_ECHO_CAPS"], f"shrink - : exit {code}: {err}")
code, out, err = run(["shrink", os.path.join(source, "traces/ts33536-r17/conform-plain.json"), "--rule", "SMC_ECHO_CAPS"])
check(code == 1 and "nothing to shrink" in err and out == "", f"no violation of the rule: exit {code}: {err}")
jsonl = os.path.join(source, "traces/ts33536-r17/ts33536-r17-random-100.jsonl")
code, _, err = run(["shrink", jsonl, "--rule", "ORDER"])
check(code == 2 and "expected --line" in err, f"a .jsonl of many traces needs --line: exit {code}: {err}")
print("FAILED" if failures else "ok", f"({len(failures)} failure(s))")
sys.exit(1 if failures else 0)
