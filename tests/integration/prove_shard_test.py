#!/usr/bin/python3
"""`prove --shard I/N` and `merge` of prove reports (issue #20, item 5; docs/scale-out.md).

prove_shard_test.py PC5CHECK SPEC_DIR SCHEMA TRACE WORK_DIR  (TRACE: any trace, for a check report)

- every shard's JSON validates against spec/pc5check-prove.schema.json and the shards partition the
  properties;
- `merge` of the 3 shards equals the unsharded report but for the `seconds` of each property, and exits
  as prove did;
- a shard whose only property is violated gives that property's unsharded result (induction skipped);
- bad input exits 2 naming the problem: a shard given twice, a missing shard, shards of different
  attackers, a check report mixed with prove reports, a prove report without `shard`.
"""
import json
import os
import subprocess
import sys

import jsonschema

pc5check, spec_dir, schema_path, trace, work = sys.argv[1:6]
seed = f"{spec_dir}/tr33847-sol.json"
run_args = ["--depth", "4", "--attacker", "dy"]
validator = jsonschema.Draft202012Validator(json.load(open(schema_path, encoding="utf-8")))
os.makedirs(work, exist_ok=True)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def prove(out, *args):
    """prove SEED --format json into OUT; returns (exit code, document)."""
    r = subprocess.run([pc5check, "prove", seed, *run_args, "--format", "json", *args], capture_output=True,
                       text=True, check=False)
    check(r.returncode in (0, 1), f"prove {args}: exit {r.returncode}: {r.stderr}")
    with open(out, "w", encoding="utf-8") as f:
        f.write(r.stdout)
    doc = json.loads(r.stdout)
    errors = list(validator.iter_errors(doc))
    check(not errors, f"prove {args}: schema: {[e.message for e in errors[:3]]}")
    return r.returncode, doc


def merge(*files):
    return subprocess.run([pc5check, "merge", *files], capture_output=True, text=True, check=False)


def untimed(doc):
    """The documented timing field removed: each property's `seconds`."""
    doc = json.loads(json.dumps(doc))
    for p in doc["properties"]:
        p.pop("seconds")
    return doc


whole_code, whole = prove(f"{work}/whole.json")
ids = [p["id"] for p in whole["properties"]]
check(len(ids) >= 6, f"the seed spec has several properties: {ids}")
shards = [prove(f"{work}/shard{i}.json", "--shard", f"{i}/3")[1] for i in range(3)]
parts = [p["id"] for s in shards for p in s["properties"]]
check(sorted(parts) == sorted(ids) and len(parts) == len(set(parts)), f"shards partition the properties: {parts}")
check(all(s["shard"]["properties"] == len(ids) and s["shard"]["count"] == 3 for s in shards),
      "each shard says how many properties the run has")

# Merge in any order gives the unsharded report but for timing.
r = merge(f"{work}/shard2.json", f"{work}/shard0.json", f"{work}/shard1.json")
check(r.returncode == whole_code, f"merge exits as prove did ({whole_code}): {r.returncode} {r.stderr}")
merged = json.loads(r.stdout) if r.returncode in (0, 1) else {"properties": []}
check(untimed(merged) == untimed(whole), "merged shards equal the unsharded report but for `seconds`")
check(not list(validator.iter_errors(merged)), "the merged report validates against the schema")
check(any(p["verdict"] == "proven" for p in merged["properties"]),
      "a k-induction proof survives sharding (the inductive set is the unsharded one)")

# A shard with one violated property only: same result, no induction needed.
violated = [i for i, p in enumerate(whole["properties"]) if p["verdict"] == "violated"]
check(bool(violated), "the seed spec has a violated property at depth 4 under dy")
if violated:
    i = violated[0]
    _, alone = prove(f"{work}/alone.json", "--shard", f"{i}/{len(ids)}")
    check(untimed(alone)["properties"] == untimed(whole)["properties"][i:i + 1],
          f"shard {i}/{len(ids)} reports {ids[i]} as the unsharded run does")


def bad(what, files, message):
    r = merge(*files)
    check(r.returncode == 2 and message in r.stderr, f"{what}: exit 2 with '{message}': {r.returncode} {r.stderr}")


bad("overlapping shards", [f"{work}/shard0.json", f"{work}/shard0.json", f"{work}/shard1.json"],
    "shard 0/3 is given twice")
bad("missing shard", [f"{work}/shard0.json", f"{work}/shard2.json"], "shard 1/3 missing")
other = json.loads(json.dumps(shards[1]))
other["attacker"] = "none"
with open(f"{work}/other-attacker.json", "w", encoding="utf-8") as f:
    json.dump(other, f)
bad("different attackers", [f"{work}/shard0.json", f"{work}/other-attacker.json", f"{work}/shard2.json"],
    "differ in attacker")
r = subprocess.run([pc5check, "check", trace, "--format", "json", "-o", f"{work}/check.json"],
                   capture_output=True, text=True, check=False)
check(r.returncode in (0, 1), f"check corpus: {r.returncode} {r.stderr}")
bad("mixed kinds", [f"{work}/shard0.json", f"{work}/check.json"], "expected reports of one kind")
bad("unsharded prove report", [f"{work}/whole.json", f"{work}/shard0.json"], "without `shard`")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
