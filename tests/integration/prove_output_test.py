#!/usr/bin/python3
"""What `prove` says an answer rests on (issue: answers a spec reviewer can trust).

prove_output_test.py PC5CHECK SPEC_DIR SCHEMA WORK_DIR

- `prove --format json` validates against spec/pc5check-prove.schema.json;
- each property lists the assumptions in force that affect it and every parameter with its value and
  whether it is confirmed, and these follow --param (an assumption tied to one resolution leaves with it);
- a counterexample carries check's whole verdict on the written trace (undecided checks included) and the
  command that reproduces it, and running that command gives the same verdict;
- below a property's min_depth, "holds up to depth K" comes with a warning, in JSON and in text.
"""
import json
import shlex
import subprocess
import sys

import jsonschema

pc5check, spec_dir, schema_path, work = sys.argv[1:5]
seed = f"{spec_dir}/tr33847-sol.json"
validator = jsonschema.Draft202012Validator(json.load(open(schema_path, encoding="utf-8")))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def prove(*args):
    r = subprocess.run([pc5check, "prove", seed, "--format", "json", *args], capture_output=True, text=True,
                       check=False)
    check(r.returncode in (0, 1), f"prove {args}: exit {r.returncode}: {r.stderr}")
    doc = json.loads(r.stdout)
    errors = list(validator.iter_errors(doc))
    check(not errors, f"prove {args}: schema: {[e.message for e in errors[:3]]}")
    return doc


def prop(doc, pid):
    return next(p for p in doc["properties"] if p["id"] == pid)


# Default resolution: the FFS derivation is least committed, and freshness fails with honest UEs.
doc = prove("--property", "key_freshness", "--depth", "8", "--cex-dir", f"{work}/ffs")
p = prop(doc, "key_freshness")
ids = [a["id"] for a in p["rests_on"]["assumptions"]]
check(p["verdict"] == "violated" and p["depth"] == 8, f"seed key_freshness violated at 8, got {p['verdict']} {p['depth']}")
check("A_FFS_KDF_ROOT_BOUND" in ids and "A_NONCES_FRESH" not in ids, f"ffs assumptions: {ids}")
check("A_ACTIVATION_FROZEN" not in ids, "an assumption that does not affect key_freshness is not listed")
params = {q["id"]: q for q in p["rests_on"]["parameters"]}
check(params["sess_key_derivation"]["value"] == "ffs" and not params["sess_key_derivation"]["confirmed"]
      and params["sess_key_derivation"]["default"], f"sess_key_derivation entry: {params.get('sess_key_derivation')}")
cex = p.get("counterexample", {})
check(not any(s["by_attacker"] for s in cex.get("steps", [])), "the ffs counterexample needs no attacker")
c = cex.get("check", {})
check(c.get("verdict") == "conforms" and len(c.get("unverified", [])) > 0,
      f"check's verdict on the ffs counterexample is 'conforms' with undecided checks listed: {c}")
check(all("FFS" in u for u in c.get("unverified", [])), "each undecided check names the FFS derivation")
argv = shlex.split(c.get("command", "x"))
check(argv[:2] == ["pc5check", "check"] and "--spec" in argv, f"replay command: {c.get('command')}")
r = subprocess.run([pc5check] + argv[1:] + ["--format", "json"], capture_output=True, text=True, check=False)
if not r.stdout:
    print(r.stderr)
replayed = json.loads(r.stdout)["traces"][0] if r.stdout else {}
check(replayed.get("verdict") == c.get("verdict") and len(replayed.get("unverified", [])) == len(c.get("unverified", [])),
      "the printed command replays the counterexample to the same verdict")

# Under the TS 33.536 resolution the key is computed: the counterexample-free answer rests on fresh nonces.
doc = prove("--property", "key_freshness", "--depth", "8", "--param", "sess_key_derivation=ts33536")
p = prop(doc, "key_freshness")
ids = [a["id"] for a in p["rests_on"]["assumptions"]]
check(p["verdict"] in ("holds up to depth", "proven"), f"ts33536 key_freshness holds, got {p['verdict']}")
check("A_NONCES_FRESH" in ids and "A_FFS_KDF_ROOT_BOUND" not in ids, f"ts33536 assumptions: {ids}")
params = {q["id"]: q for q in p["rests_on"]["parameters"]}
check(params["sess_key_derivation"]["value"] == "ts33536" and not params["sess_key_derivation"]["default"],
      "a --param value is reported as not the default")
# Bounded only: the answer says why induction did not prove it (its counterexample to induction).
if p["verdict"] == "holds up to depth":
    f = p.get("induction_failure", {})
    check(f.get("k") == 3 and f.get("before") and f.get("step", {}).get("msg"),
          f"a bounded answer carries the failed induction step: {str(f)[:200]}")
    check("--explain key_freshness" in p["how"], f"how points at --explain: {p['how']}")

# Depth trap: two re-keyings need 8 messages.
doc = prove("--property", "key_freshness", "--depth", "6")
p = prop(doc, "key_freshness")
check(p["min_depth"] == 8, "key_freshness declares min_depth 8")
check(p["verdict"] == "holds up to depth" and "minimum depth 8" in p["warning"],
      f"below min_depth: holds with a warning, got {p['verdict']} / {p['warning']!r}")
r = subprocess.run([pc5check, "prove", seed, "--property", "key_freshness", "--depth", "6"], capture_output=True,
                   text=True, check=False)
check("WARNING: depth 6 is below this property's minimum depth 8" in r.stdout, "text output warns too")
check("rests on assumptions:" in r.stdout and "holds only with the unconfirmed parameters" in r.stdout,
      "text output lists assumptions and unconfirmed parameters")
doc = prove("--property", "key_freshness", "--depth", "8", "--param", "sess_key_derivation=ts33536")
check(prop(doc, "key_freshness")["warning"] == "", "no warning at the minimum depth")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
