#!/usr/bin/python3
"""The spec-change gate workflow (docs/ci/github-actions-pc5check-spec-gate.yml), its commands run as
GitHub Actions would run them, on a pull request that removes the echo check of the UE security
capabilities from spec/ts33536-r17.json.

spec_gate_test.py PC5CHECK SOURCE_DIR WORK_DIR

In a scratch git repository holding spec/ts33536-r17.json and its corpus traces/ts33536-r17/ (the base
commit), the head commit edits the spec as tests/data/spec/ts33536-r17-no-echo.json does: the initiator's
SMC transition no longer computes the echo check (smc_echo_bad is false, no cause #8) and the rule
SMC_ECHO_CAPS, which compares the SMC's ue_sec_cap echo with what the initiator sent, is removed. The
"Diff" step's script runs with the workflow's env (the solver options narrowed to one property so that
the test stays fast), then the "Fail on a regression" step's. Asserted: the gate's exit code is 1 and
the last step fails with it; the SARIF is valid and its error result is the broken property, located in
the head's spec/ts33536-r17.json at the line of the property's "id" (the removal moved it up), with the
counterexample trace (which exists) and the changed transition i_recv_smc (at its line) as related
locations; the removed rule is located where the base wrote it; the JUnit report is valid and fails.
"""
import json
import os
import shutil
import subprocess
import sys
from urllib.parse import unquote

import jsonschema
import yaml

pc5check, source, work = sys.argv[1:4]
workflow = yaml.safe_load(open(f"{source}/docs/ci/github-actions-pc5check-spec-gate.yml", encoding="utf-8"))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, check=True).stdout.strip()


def id_line(text, element_id):
    for n, line in enumerate(text.split("\n"), 1):
        if f'{{"id": "{element_id}"' in line:
            return n
    return None


# The pull request: base = the shipped spec and corpus, head = the echo check removed.
shutil.rmtree(work, ignore_errors=True)
repo = f"{work}/repo"
os.makedirs(f"{repo}/spec")
shutil.copy(f"{source}/spec/ts33536-r17.json", f"{repo}/spec/")
shutil.copytree(f"{source}/traces/ts33536-r17", f"{repo}/traces/ts33536-r17")
git(repo, "init", "-q")
git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
base_sha = git(repo, "rev-parse", "HEAD")
base_text = open(f"{repo}/spec/ts33536-r17.json", encoding="utf-8").read()
lines = base_text.split("\n")
start = id_line(base_text, "SMC_ECHO_CAPS") - 1
end = id_line(base_text, "ALGS_ALLOWED") - 1
check(all("SMC_ECHO_CAPS" not in line for line in lines[end:] if '"affects"' not in line and '"text"' not in line),
      "the rule is one block of lines before ALGS_ALLOWED")
head_text = "\n".join(lines[:start] + lines[end:])
for old, new in [('"initiator.smc_echo_bad": "!i_smc_echo_ok"', '"initiator.smc_echo_bad": "false"'),
                 ("if !i_smc_echo_ok then {param.cause_caps_mismatch} else {}", "{}"),
                 ('"SMC_NEW_CONTEXT", "SMC_ECHO_CAPS", "SESS_ID_CONFLICT"', '"SMC_NEW_CONTEXT", "SESS_ID_CONFLICT"')]:
    check(head_text.count(old) == 1, f"the mutation finds {old!r} once")
    head_text = head_text.replace(old, new)
open(f"{repo}/spec/ts33536-r17.json", "w", encoding="utf-8").write(head_text)
git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "drop the echo check")
head_sha = git(repo, "rev-parse", "HEAD")

# The workflow's steps, run as Actions runs a `shell: bash` step (bash -e -o pipefail).
steps = {s.get("id", s.get("name")): s for s in workflow["jobs"]["spec-gate"]["steps"]}
output = f"{work}/github_output"
open(output, "w").close()
env = dict(os.environ, **{k: str(v) for k, v in workflow["env"].items()})
env.update({
    "BASE_SHA": base_sha, "HEAD_SHA": head_sha, "GITHUB_OUTPUT": output, "PC5CHECK": pc5check,
    "GIT_CONFIG_GLOBAL": f"{work}/gitconfig",  # `git config --global` must not touch the user's
    # One property, the depth and attacker that break it (docs/properties.md): the test stays fast.
    "PC5CHECK_DIFF_OPTIONS": "--property no_downgrade_under_integrity --depth 5 --attacker drop --timeout-ms 60000",
})
diff = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", steps["diff"]["run"]],
                      cwd=repo, env=env, capture_output=True, text=True, check=False)
print(diff.stdout[-3000:], diff.stderr[-2000:])
check(diff.returncode == 0, f"the Diff step itself never fails (exit {diff.returncode})")
outputs = dict(line.split("=", 1) for line in open(output).read().split())
check(outputs.get("exit-code") == "1", f"the gate's exit code is 1: {outputs}")

last = steps[next(k for k in steps if str(k).startswith("Fail on"))]
script = last["run"].replace("${{ steps.diff.outputs.exit-code }}", outputs.get("exit-code", ""))
fail_step = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=repo,
                           capture_output=True, text=True, check=False)
check(fail_step.returncode == 1 and "::error::" in fail_step.stdout, f"the last step fails with 1: {fail_step.stdout}")

gate = f"{repo}/pc5check-gate"
sarif_path = f"{gate}/ts33536-r17.sarif"
check(os.path.exists(sarif_path), "pc5check-gate/ts33536-r17.sarif written")
log = json.load(open(sarif_path, encoding="utf-8"))
schema = jsonschema.Draft202012Validator(json.load(open(f"{source}/tests/data/sarif-2.1.0-subset.schema.json", encoding="utf-8")))
errors = list(schema.iter_errors(log))
check(not errors, f"SARIF schema: {[e.message for e in errors[:3]]}")
run = log["runs"][0]
check(run["automationDetails"]["id"] == "pc5check/diff/ts33536-r17/", "the run names its own category")
broken = [r for r in run["results"] if r["level"] == "error"]
check([r["ruleId"] for r in broken] == ["no_downgrade_under_integrity"], f"error results: {[r['ruleId'] for r in broken]}")
if broken:
    loc = broken[0]["locations"][0]["physicalLocation"]
    want = id_line(head_text, "no_downgrade_under_integrity")
    check(want != id_line(base_text, "no_downgrade_under_integrity"), "the removal moved the property")
    check(loc["artifactLocation"]["uri"] == "spec/ts33536-r17.json" and loc["region"]["startLine"] == want,
          f"the broken property located at spec/ts33536-r17.json:{want}: {loc}")
    related = {r["message"]["text"]: r["physicalLocation"] for r in broken[0]["relatedLocations"]}
    cex = [p for t, p in related.items() if t.startswith("counterexample")]
    check(len(cex) == 1 and os.path.exists(f"{repo}/{unquote(cex[0]['artifactLocation']['uri'])}"),
          f"the counterexample trace is a related location that exists: {cex}")
    smc = related.get("changed in NEW: transition i_recv_smc changed")
    check(smc is not None and smc["artifactLocation"]["uri"] == "spec/ts33536-r17.json"
          and smc["region"]["startLine"] == id_line(head_text, "i_recv_smc"), f"i_recv_smc related at its line: {smc}")
removed = [r for r in run["results"] if r["ruleId"] == "spec-change" and r["properties"]["id"] == "SMC_ECHO_CAPS"]
check(len(removed) == 1 and removed[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == start + 1
      and removed[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pc5check-gate/ts33536-r17.base.json",
      f"the removed rule located where the base wrote it: {removed}")

x = subprocess.run(["xmllint", "--noout", "--schema", f"{source}/tests/data/junit.xsd", f"{gate}/ts33536-r17.junit.xml"],
                   capture_output=True, text=True, check=False)
check(x.returncode == 0, f"JUnit valid: {x.stderr}")
check('type="regression"' in open(f"{gate}/ts33536-r17.junit.xml", encoding="utf-8").read(), "JUnit fails with a regression")
check(json.load(open(f"{gate}/ts33536-r17.json", encoding="utf-8"))["regression"] is True, "JSON says regression")
check("FAIL:" in open(f"{gate}/ts33536-r17.txt", encoding="utf-8").read(), "the text report says FAIL")

print(f"spec gate: {len(failures)} problem(s)")
sys.exit(1 if failures else 0)
