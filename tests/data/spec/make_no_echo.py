#!/usr/bin/env python3
"""Writes ts33536-r17-no-echo.json: the normative spec with the capability echo check removed (rule
SMC_ECHO_CAPS gone, the initiator never flags a bad echo). The diff tests expect the gate to fail on it.
Run from the repository root after changing spec/ts33536-r17.json: python3 tests/data/spec/make_no_echo.py"""
import json

d = json.load(open("spec/ts33536-r17.json"))
d["title"] += " — TEST MUTANT: the initiator no longer checks the echoed UE security capabilities"
d["rules"] = [r for r in d["rules"] if r["id"] != "SMC_ECHO_CAPS"]
for a in d.get("assumptions", []):
    a["affects"] = [i for i in a.get("affects", []) if i != "SMC_ECHO_CAPS"]
for t in d["transitions"]:
    if t["id"] == "i_recv_smc":
        t["effects"]["initiator.smc_echo_bad"] = "false"
        t["effects"]["initiator.smc_causes"] = t["effects"]["initiator.smc_causes"].replace(
            "if !i_smc_echo_ok then {param.cause_caps_mismatch} else {}", "{}")
with open("tests/data/spec/ts33536-r17-no-echo.json", "w") as f:
    f.write(json.dumps(d, indent=1) + "\n")
