#!/usr/bin/python3
"""Runs the bad-input catalogue (catalogue.json): each entry's command must exit with the listed code
and print (stdout or stderr) a line matching the listed pattern. usage: run_catalogue.py PC5CHECK"""
import json
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
exe = sys.argv[1]
passed = failed = 0
for entry in json.load(open(os.path.join(here, "catalogue.json"))):
    path = os.path.join(here, entry["file"])
    try:
        args = [a.replace("{here}", here) for a in entry["args"]]  # {here}: this directory
        run = subprocess.run([exe, *args, path], capture_output=True, text=True, errors="replace", timeout=60)
    except subprocess.TimeoutExpired:
        print(f"FAIL {entry['file']}: no answer within 60 s")
        failed += 1
        continue
    output = run.stdout + run.stderr
    problems = []
    if run.returncode != entry["exit"]:
        problems.append(f"exit code {run.returncode}, expected {entry['exit']}")
    if not re.search(entry["message"], output):
        problems.append(f"no output matches /{entry['message']}/")
    if run.returncode not in (1, 2) and entry["exit"] in (1, 2):
        problems.append("crash or internal error")
    if problems:
        failed += 1
        print(f"FAIL {entry['file']} ({' '.join(entry['args'])}): {'; '.join(problems)}\n    {output.strip()[:400]}")
    else:
        passed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
