#!/usr/bin/python3
"""How much `pc5check shrink` cuts from the catalogue's violations (README, docs/lab.md).

shrink_reduction.py PC5CHECK [WORK_DIR] [--check-minimal] [--quiet]

Generates the scenario catalogue of both specs (`pc5check gen SPEC -o DIR`, seed 1: what traces/ holds),
shrinks every violating scenario for each rule its `expect` names (`shrink --concrete`), and prints per
trace the events and IEs before and after (and the IEs of the events kept, before the IE pass), then the
averages. --check-minimal also checks each result:
`check` reports the rule by the same offender as the original, and without any one of its events it does
not (the result holds at most the events the rule needs). Exit 1 when a shrink fails or a check does not
hold. Python standard library only.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

SPECS = ("ts33536-r17", "tr33847-sol")


def run(pc5check, args):
    r = subprocess.run([pc5check, *args], capture_output=True, text=True, check=False)
    return r.returncode, r.stdout, r.stderr


def ies(trace):
    return sum(len(e["ie"]) for e in trace["events"] if isinstance(e.get("ie"), dict))


def offenders(pc5check, path, rule):
    """The offenders `check --concrete` names for violations of `rule` in the trace at `path`."""
    code, out, err = run(pc5check, ["check", "--concrete", "--format", "json", path])
    if code not in (0, 1):
        raise RuntimeError(f"check {path}: exit {code}: {err}")
    return {v["offender"] for v in json.loads(out)["traces"][0].get("violations", [])
            if v["rule"] == rule and v["severity"] != "warning"}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    check_minimal = "--check-minimal" in sys.argv
    quiet = "--quiet" in sys.argv
    pc5check = args[0]
    source = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    work = args[1] if len(args) > 1 else tempfile.mkdtemp(prefix="pc5check-shrink-")
    os.makedirs(work, exist_ok=True)
    failures = []
    rows = []
    for spec in SPECS:
        out_dir = os.path.join(work, spec)
        code, _, err = run(pc5check, ["gen", os.path.join(source, "spec", spec + ".json"), "-o", out_dir])
        if code != 0:
            sys.exit(f"gen {spec}: exit {code}: {err}")
        for path in sorted(glob.glob(os.path.join(out_dir, "*.json"))):
            original = json.load(open(path, encoding="utf-8"))
            if original.get("expect", {}).get("verdict") != "violation":
                continue
            for rule in original["expect"]["rules"]:
                label = f"{spec}/{os.path.basename(path)} --rule {rule}"
                shrunk_path = os.path.join(work, "shrunk.json")
                code, _, err = run(pc5check, ["shrink", path, "--rule", rule, "--concrete", "-o", shrunk_path])
                if code != 0:
                    failures.append(f"{label}: exit {code}: {err.strip()}")
                    continue
                shrunk = json.load(open(shrunk_path, encoding="utf-8"))
                # The kept events as they were (each keeps its own `at`): their IEs before the IE pass.
                kept = [next(e for e in original["events"] if e["at"] == s["at"] and e["msg"] == s["msg"])
                        for s in shrunk["events"]]
                rows.append((label, len(original["events"]), len(shrunk["events"]), ies(original),
                             ies(dict(original, events=kept)), ies(shrunk)))
                if not quiet:
                    print(f"{label}: events {rows[-1][1]} -> {rows[-1][2]}, IEs {rows[-1][3]} -> "
                          f"{rows[-1][4]} (the events kept) -> {rows[-1][5]}")
                if check_minimal:
                    want = offenders(pc5check, path, rule)
                    got = offenders(pc5check, shrunk_path, rule)
                    if not got & want:
                        failures.append(f"{label}: the result breaks {rule} by {got}, the original by {want}")
                    for i in range(len(shrunk["events"])):
                        smaller = dict(shrunk, events=shrunk["events"][:i] + shrunk["events"][i + 1:])
                        smaller_path = os.path.join(work, "smaller.json")
                        with open(smaller_path, "w", encoding="utf-8") as f:
                            json.dump(smaller, f)
                        if offenders(pc5check, smaller_path, rule) & want:
                            failures.append(f"{label}: still breaks {rule} without event {i}")
    if not rows:
        sys.exit("no violating scenario was shrunk")
    n = len(rows)
    ev_before = sum(r[1] for r in rows) / n
    ev_after = sum(r[2] for r in rows) / n
    ie_before = sum(r[3] for r in rows) / n
    ie_kept_events = sum(r[4] for r in rows) / n
    ie_after = sum(r[5] for r in rows) / n
    kept = sum(r[2] / r[1] for r in rows) / n
    print(f"{n} catalogue violations (both specs) shrunk: events {ev_before:.1f} -> {ev_after:.1f} on average "
          f"({100 * kept:.0f}% kept per trace on average, at most {max(r[2] for r in rows)}); IEs "
          f"{ie_before:.1f} -> {ie_after:.1f} ({ie_kept_events:.1f} in the events kept, "
          f"{sum(r[4] - r[5] for r in rows)} optional IEs removed from {sum(r[4] > r[5] for r in rows)} traces)")
    for f in failures:
        print("FAIL", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
