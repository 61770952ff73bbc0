#!/usr/bin/env python3
"""The reviewer's matrix: every property of the seed variant (spec/tr33847-sol.json) under every
combination of its named resolutions, without and with the attacker.

For each cell it runs `pc5check prove --format json`, writes the counterexamples under OUT/, replays
each one with the `check` command prove printed for it, and writes OUT/matrix.md (the table docs/properties.md
shows), OUT/matrix.json (every verdict, for tests) and the counterexample traces.

  bench/seed_matrix.py --pc5check build/checker/pc5check --out seed-matrix [--depth 8] [--attacker none,dy]

A cell reads "holds ≤ K" (bounded), "proven" (k-induction), "VIOLATED (n)" with honest UEs — the seed
text as resolved allows it — or "violated, attacker (n)" when the counterexample needs the attacker.
Exit 0 when every counterexample replays as prove said and check accepts it (conforms, undecided checks
listed), 1 otherwise.
"""
import argparse
import itertools
import json
import os
import shlex
import subprocess
import sys

SPEC = "spec/tr33847-sol.json"


def resolutions(pc5check, spec):
    """The parameters with named options, and their option ids, from `spec show --format json`-free
    reading of the spec file itself (the file is the source of truth)."""
    with open(spec, encoding="utf-8") as f:
        doc = json.load(f)
    out = []
    for p in doc.get("parameters", []):
        if "options" in p:
            out.append((p["id"], [o["id"] for o in p["options"]], p["default"]))
    return out


def run_prove(pc5check, spec, params, attacker, depth, timeout_ms, cex_dir):
    cmd = [pc5check, "prove", spec, "--format", "json", "--depth", str(depth), "--attacker", attacker,
           "--timeout-ms", str(timeout_ms), "--cex-dir", cex_dir]
    for k, v in params:
        cmd += ["--param", f"{k}={v}"]
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if r.returncode not in (0, 1):
        sys.exit(f"seed_matrix: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    return json.loads(r.stdout)


def replay(pc5check, command):
    """Runs the `check` command prove printed for a counterexample; returns (verdict, unverified)."""
    argv = shlex.split(command)
    argv[0] = pc5check
    r = subprocess.run(argv + ["--format", "json"], capture_output=True, text=True, check=False)
    if r.returncode not in (0, 1):
        return ("error: " + r.stderr.strip()[:200], 0)
    doc = json.loads(r.stdout)
    t = doc["traces"][0]
    unverified = len(t.get("unverified", []))
    return (t["verdict"], unverified)


def cell_text(p):
    v = p["verdict"]
    if v == "proven":
        return "proven"
    if v == "holds up to depth":
        return f"holds ≤ {p['depth']}"
    if v == "violated":
        cex = p.get("counterexample", {})
        by_attacker = any(s.get("by_attacker") for s in cex.get("steps", []))
        return (f"violated, attacker ({p['depth']})" if by_attacker else f"**VIOLATED** ({p['depth']})")
    return "inconclusive"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pc5check", default="build/checker/pc5check")
    ap.add_argument("--spec", default=SPEC)
    ap.add_argument("--out", default="seed-matrix")
    ap.add_argument("--depth", type=int, default=8)
    ap.add_argument("--attacker", default="none,dy", help="comma list of attacker settings (none, dy, ...)")
    ap.add_argument("--timeout-ms", type=int, default=120000)
    ap.add_argument("--only", default="", help="PARAM=VALUE,...: restrict the matrix (tests)")
    args = ap.parse_args()

    res = resolutions(args.pc5check, args.spec)
    fixed = dict(kv.split("=", 1) for kv in args.only.split(",") if kv)
    axes = [(pid, [fixed[pid]] if pid in fixed else opts) for pid, opts, _ in res]
    attackers = [a for a in args.attacker.split(",") if a]
    os.makedirs(args.out, exist_ok=True)
    cells = []
    ok = True
    for combo in itertools.product(*[opts for _, opts in axes]):
        params = list(zip([pid for pid, _ in axes], combo))
        for attacker in attackers:
            tag = "-".join(v for _, v in params) + "-" + attacker.replace(",", "+")
            cex_dir = os.path.join(args.out, tag)
            doc = run_prove(args.pc5check, args.spec, params, attacker, args.depth, args.timeout_ms, cex_dir)
            for p in doc["properties"]:
                cell = {"params": dict(params), "attacker": attacker, "property": p["id"], "kind": p["kind"],
                        "verdict": p["verdict"], "depth": p["depth"], "text": cell_text(p)}
                cex = p.get("counterexample")
                if cex:
                    cell["file"] = cex["file"]
                    cell["by_attacker"] = any(s.get("by_attacker") for s in cex["steps"])
                    verdict, unverified = replay(args.pc5check, cex["check"]["command"])
                    cell["replay"] = {"command": cex["check"]["command"], "verdict": verdict,
                                      "unverified": unverified,
                                      "prove_said": cex["check"]["verdict"]}
                    # Every rule binds the honest UEs, and attacker steps are replayed as such: a
                    # counterexample check does not accept is a gap between the solver and replay.
                    if verdict != "conforms":
                        ok = False
                        print(f"seed_matrix: {cex['file']}: check says {verdict}, not conforms: the "
                              f"solver's run breaks a rule in replay", file=sys.stderr)
                    if verdict != cex["check"]["verdict"]:
                        ok = False
                        print(f"seed_matrix: {cex['file']}: prove said {cex['check']['verdict']}, "
                              f"check says {verdict}", file=sys.stderr)
                cells.append(cell)
            print(f"seed_matrix: {tag} done", file=sys.stderr)

    with open(os.path.join(args.out, "matrix.json"), "w", encoding="utf-8") as f:
        json.dump({"spec": args.spec, "depth": args.depth, "cells": cells}, f, indent=1)

    # One table per attacker setting: rows = properties, columns = resolutions.
    combos = sorted({tuple(sorted(c["params"].items())) for c in cells})
    props = []
    for c in cells:
        if c["property"] not in props:
            props.append(c["property"])
    lines = []
    for attacker in attackers:
        lines.append(f"**attacker {attacker}**, depth {args.depth}\n")
        header = "| property | " + " | ".join(
            ", ".join(v for _, v in combo) for combo in combos) + " |"
        lines.append(header)
        lines.append("|---" * (len(combos) + 1) + "|")
        for prop in props:
            row = [prop]
            for combo in combos:
                match = [c for c in cells if c["property"] == prop and c["attacker"] == attacker
                         and tuple(sorted(c["params"].items())) == combo]
                row.append(match[0]["text"] if match else "")
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    columns = ", ".join(pid for pid, _ in axes)
    lines.append(f"Columns: {columns}. Generated by `bench/seed_matrix.py --depth {args.depth}`.")
    with open(os.path.join(args.out, "matrix.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
