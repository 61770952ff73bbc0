#!/usr/bin/python3
"""prove --cross-check (issue #17 point 3): the k-induction proofs of both shipped specs are confirmed by
cvc5 on the exported SMT-LIB 2 queries, and the second opinion is not a rubber stamp:

- a deliberately wrong lemma added to a copy of the seed spec is refuted (Z3's bounded search finds the
  counterexample, so it never reaches the induction) while the true lemmas stay proven and confirmed;
- every exported query is a self-contained file: cvc5 answers unsat when run on it alone;
- a second solver that answers "sat" is a disagreement: exit 3 naming the query file;
- one that answers "unknown" leaves the proof uncounted ("holds up to depth"), exit 0.

cross_check_test.py PC5CHECK SPEC_DIR DATA_DIR WORK_DIR
"""
import glob
import json
import os
import shutil
import subprocess
import sys

pc5check, spec_dir, data_dir, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def run(*args):
    return subprocess.run([pc5check, *args], capture_output=True, text=True, timeout=600)


def expect(cond, what, result=None):
    if not cond:
        failures.append(what + ("" if result is None else "\n" + result.stdout + result.stderr))


# Both shipped specs: every proof confirmed, every query re-runs alone to unsat.
for spec in ("ts33536-r17", "tr33847-sol"):
    qdir = os.path.join(work, spec)
    os.makedirs(qdir)
    r = run("prove", os.path.join(spec_dir, spec + ".json"), "--depth", "4", "--cross-check-dir", qdir,
            "--format", "json")
    expect(r.returncode == 0, f"{spec}: prove --cross-check exit {r.returncode}", r)
    doc = json.loads(r.stdout)
    proven = [p for p in doc["properties"] if p["verdict"] == "proven"]
    expect(len(proven) >= 2, f"{spec}: expected proofs, got {[p['verdict'] for p in doc['properties']]}")
    for p in proven:
        expect("confirmed by cvc5 (unsat)" in p["how"], f"{spec}: {p['id']} not confirmed: {p['how']}")
    files = sorted(glob.glob(os.path.join(qdir, "*.smt2")))
    expect(any(f.endswith("-base.smt2") for f in files) and any(f.endswith("-step.smt2") for f in files),
           f"{spec}: base and step queries expected in {qdir}, found {files}")
    for f in files:
        out = subprocess.run(["cvc5", "--lang=smt2", f], capture_output=True, text=True, timeout=600)
        expect(out.stdout.strip() == "unsat", f"{f}: cvc5 alone says {out.stdout.strip()!r} {out.stderr}")

# A wrong lemma: false after the first message (the initiator has left LINKED, the target too).
with open(os.path.join(spec_dir, "tr33847-sol.json"), encoding="utf-8") as f:
    seed = json.load(f)
seed["properties"].append({
    "id": "wrong_lemma", "kind": "lemma",
    "formula": "initiator.state == InitiatorState.LINKED || target.state == TargetState.LINKED",
    "text": "deliberately wrong: some UE is always idle",
    "clauses": [{"doc": "TR 33.847", "clause": "6.7", "release": "Rel-17"}], "min_depth": 1})
wrong_spec = os.path.join(work, "tr33847-sol-wrong-lemma.json")
with open(wrong_spec, "w", encoding="utf-8") as f:
    json.dump(seed, f)
r = run("prove", wrong_spec, "--depth", "4", "--cross-check-dir", work, "--format", "json")
doc = json.loads(r.stdout)
verdicts = {p["id"]: p for p in doc["properties"]}
expect(verdicts["wrong_lemma"]["verdict"] == "violated", f"wrong lemma: {verdicts['wrong_lemma']}")
expect(verdicts["smc_checks_enforced"]["verdict"] == "proven" and
       "confirmed by cvc5" in verdicts["smc_checks_enforced"]["how"],
       f"true lemma beside the wrong one: {verdicts['smc_checks_enforced']}")

# Stand-in second solvers.
seed_spec = os.path.join(spec_dir, "tr33847-sol.json")
r = run("prove", seed_spec, "--property", "smc_checks_enforced", "--depth", "2",
        "--cross-check-solver", os.path.join(data_dir, "cross-check", "answers-sat.sh"), "--cross-check-dir", work)
expect(r.returncode == 3 and "disagree" in r.stderr and ".smt2" in r.stderr,
       f"a second solver answering sat: exit {r.returncode}", r)
r = run("prove", seed_spec, "--property", "smc_checks_enforced", "--depth", "2",
        "--cross-check-solver", os.path.join(data_dir, "cross-check", "answers-unknown.sh"), "--cross-check-dir", work)
expect(r.returncode == 0 and "holds up to depth" in r.stdout and "was not counted" in r.stdout,
       f"a second solver answering unknown: exit {r.returncode}", r)
r = run("prove", seed_spec, "--cross-check-solver", "/nonexistent/cvc5")
expect(r.returncode == 2 and "apt-get install cvc5" in r.stderr, f"missing second solver: exit {r.returncode}", r)

for f in failures:
    print("FAIL:", f)
print("ok" if not failures else f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
