#!/usr/bin/python3
"""Pins the conclusions of the reviewer's matrix (bench/seed_matrix.py) so that a model change that
silently turns a violation into a pass, or the other way round, fails CI.

seed_matrix_test.py PC5CHECK REPO_ROOT EXPECTED_JSON WORK_DIR [--write | --quick]

Runs the matrix at depth 8 (the minimum depth of the freshness properties: two re-keyings) without the
attacker for every resolution of sess_key_derivation, and under the Dolev-Yao attacker for the default
and for the TS 33.536 resolution with a verified Accept; each counterexample is replayed by the matrix
script with the check command prove printed (it fails when check disagrees). Each cell is compared as
"violated" (with whether the attacker was needed) or "holds" (bounded or proven). --write regenerates
the expectations (review the diff before committing it).
"""
import json
import os
import subprocess
import sys

pc5check, root, expected_path, work = sys.argv[1:5]
write = "--write" in sys.argv[5:]
# Sanitized builds run the solver several times slower: there only the default resolution without the
# attacker, and the cells of that run are compared (the full pinning runs in the normal build).
quick = "--quick" in sys.argv[5:]
script = os.path.join(root, "bench", "seed_matrix.py")
runs = [("none", "accept_protection=unstated"), ("dy", "sess_key_derivation=ffs,accept_protection=unstated"),
        ("dy", "sess_key_derivation=ts33536,accept_protection=new_context")]
if quick:
    runs = [("none", "sess_key_derivation=ffs,accept_protection=unstated")]
got = {}
ok = True
for i, (attacker, only) in enumerate(runs):
    out = os.path.join(work, f"run{i}")
    r = subprocess.run([sys.executable, script, "--pc5check", pc5check, "--spec", os.path.join(root, "spec", "tr33847-sol.json"),
                        "--out", out, "--depth", "8", "--attacker", attacker, "--only", only],
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        ok = False
        print(f"FAIL matrix run {attacker} {only}: exit {r.returncode}\n{r.stderr[-2000:]}")
    cells = json.load(open(os.path.join(out, "matrix.json"), encoding="utf-8"))["cells"]
    for c in cells:
        key = f"{c['params']['sess_key_derivation']}/{c['params']['accept_protection']}/{c['attacker']}/{c['property']}"
        if c["verdict"] == "violated":
            got[key] = "violated (attacker)" if c.get("by_attacker") else "violated (honest UEs)"
            rep = c.get("replay", {})
            if rep.get("verdict") != rep.get("prove_said"):
                ok = False
                print(f"FAIL {key}: counterexample replays as {rep.get('verdict')}, prove said {rep.get('prove_said')}")
        elif c["verdict"] in ("proven", "holds up to depth"):
            got[key] = "holds"
        else:
            got[key] = c["verdict"]
if write:
    with open(expected_path, "w", encoding="utf-8") as f:
        json.dump(dict(sorted(got.items())), f, indent=1)
        f.write("\n")
    print(f"wrote {len(got)} cells to {expected_path}")
    sys.exit(0)
expected = json.load(open(expected_path, encoding="utf-8"))
if quick:
    expected = {k: v for k, v in expected.items() if k.startswith("ffs/unstated/none/")}
for key in sorted(set(expected) | set(got)):
    if expected.get(key) != got.get(key):
        ok = False
        print(f"FAIL {key}: expected {expected.get(key)}, got {got.get(key)}")
print(f"{len(got)} cells, {'all as pinned' if ok else 'DIFFERENCES'}")
sys.exit(0 if ok else 1)
