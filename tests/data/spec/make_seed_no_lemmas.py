#!/usr/bin/env python3
"""Writes tr33847-sol-no-lemmas.json: the seed spec with only its first lemma (reauth_flag_consistent), as
it was before stop 33 gave it the lemmas that make its properties inductive (and the history variable they read). The tests of what prove says
about a property k-induction alone leaves bounded (its counterexample to induction, the invariants
generated from the spec that prove it) use it. Run from the repository root after changing
spec/tr33847-sol.json: python3 tests/data/spec/make_seed_no_lemmas.py"""
import json

d = json.load(open("spec/tr33847-sol.json"))
d["title"] += " — TEST COPY: without the lemmas added in stop 33"
d["properties"] = [p for p in d["properties"] if p["kind"] != "lemma" or p["id"] == "reauth_flag_consistent"]
# ... and without the history variable only those lemmas read.
d["variables"] = [v for v in d["variables"] if not (v["role"] == "initiator" and v["name"] == "root_run")]
for t in d["transitions"]:
    t.get("effects", {}).pop("initiator.root_run", None)
kept = {p["id"] for p in d["properties"]}
for a in d.get("assumptions", []):
    if "affects" in a:
        a["affects"] = [i for i in a["affects"] if i in kept or not i.islower()]
with open("tests/data/spec/tr33847-sol-no-lemmas.json", "w") as f:
    f.write(json.dumps(d, indent=1) + "\n")
