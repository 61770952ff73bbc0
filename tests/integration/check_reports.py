#!/usr/bin/python3
"""Consistency checks of the CI report formats beyond their schemas, cross-checked against the JSON report
of the same run (run from the directory the reports were written in, so SARIF URIs resolve).

  check_reports.py sarif REPORT.sarif RESULT.json
      every result's ruleId is in tool.driver.rules and ruleIndex points at it; rule ids are unique;
      artifact indexes match their URIs; each region points at the '{' opening the event in the trace
      file; exactly one result per violation (kind fail, level error or warning) and per unverified
      check (kind open, level none) of the JSON report.
  check_reports.py junit REPORT.xml RESULT.json
      tests/failures/errors/skipped attributes equal the testcases they count; every violated rule is a
      <failure>, every warning a passing testcase, every unverified-only rule <skipped>, every bad input
      an <error>.
"""
import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from urllib.parse import unquote

failures = []


def fail(msg):
    failures.append(msg)


def label(t):
    return t["file"] if t["line"] <= 1 else f"{t['file']}:{t['line']}"


def check_sarif(report, result):
    log = json.load(open(report, encoding="utf-8"))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    if len(ids) != len(set(ids)):
        fail(f"duplicate rule ids: {[i for i, n in Counter(ids).items() if n > 1]}")
    artifacts = [a["location"]["uri"] for a in run.get("artifacts", [])]
    lines_of = {}
    got = Counter()
    for k, r in enumerate(run["results"]):
        where = f"results[{k}]"
        if r["ruleId"] not in ids:
            fail(f"{where}: ruleId {r['ruleId']} not in tool.driver.rules")
            continue
        if r.get("ruleIndex") is None or not 0 <= r["ruleIndex"] < len(rules) or rules[r["ruleIndex"]]["id"] != r["ruleId"]:
            fail(f"{where}: ruleIndex {r.get('ruleIndex')} does not point at {r['ruleId']}")
        kind, level = r.get("kind", "fail"), r.get("level")
        if kind == "fail" and level not in ("error", "warning") or kind == "open" and level != "none":
            fail(f"{where}: kind {kind} with level {level}")
        loc = r["locations"][0]["physicalLocation"]
        uri, index = loc["artifactLocation"]["uri"], loc["artifactLocation"].get("index")
        if index is not None and (index >= len(artifacts) or artifacts[index] != uri):
            fail(f"{where}: artifact index {index} does not match {uri}")
        path = unquote(uri[len("file://"):] if uri.startswith("file://") else uri)
        if path not in lines_of:
            lines_of[path] = open(path, encoding="utf-8").read().split("\n")
        line, column = loc["region"]["startLine"], loc["region"]["startColumn"]
        text = lines_of[path][line - 1] if line <= len(lines_of[path]) else ""
        if text[column - 1:column] != "{":
            fail(f"{where}: {uri}:{line}:{column} is not the start of an event: {text[column - 1:column + 20]!r}")
        p = r["properties"]
        got[(p["trace"], r["ruleId"], p["event"], kind, level)] += 1
    want = Counter()
    for t in json.load(open(result, encoding="utf-8"))["traces"]:
        for f in t.get("violations", []):
            want[(label(t), f["rule"], f["event"], "fail", f["severity"])] += 1
        for f in t.get("unverified", []):
            want[(label(t), f["rule"], f["event"], "open", "none")] += 1
    for key in sorted((want - got) + (got - want)):
        fail(f"results differ from the JSON report at {key}: {got[key]} in SARIF, {want[key]} in JSON")
    return len(run["results"])


def check_junit(report, result):
    root = ET.parse(report).getroot()
    totals = Counter()
    cases = {}
    for suite in root.iter("testsuite"):
        tcs = suite.findall("testcase")
        counts = {
            "tests": len(tcs),
            "failures": sum(1 for c in tcs if c.find("failure") is not None),
            "errors": sum(1 for c in tcs if c.find("error") is not None),
            "skipped": sum(1 for c in tcs if c.find("skipped") is not None),
        }
        for attr, n in counts.items():
            if int(suite.get(attr)) != n:
                fail(f"testsuite {suite.get('name')}: {attr}={suite.get(attr)}, counted {n}")
            totals[attr] += n
        for c in tcs:
            cases[(c.get("classname"), c.get("name"))] = c
    for attr in ("tests", "failures", "errors"):
        if int(root.get(attr)) != totals[attr]:
            fail(f"testsuites: {attr}={root.get(attr)}, counted {totals[attr]}")

    def expect(key, child, what):
        c = cases.get(key)
        if c is None:
            fail(f"no testcase {key} ({what})")
        elif [e.tag for e in c if e.tag in ("failure", "error", "skipped")] != ([child] if child else []):
            fail(f"testcase {key}: expected {child or 'a pass'} ({what}), got {[e.tag for e in c]}")

    for t in json.load(open(result, encoding="utf-8"))["traces"]:
        if t["verdict"] == "bad-input":
            expect((label(t), "bad-input"), "error", "bad input")
            continue
        errors = {f["rule"] for f in t["violations"] if f["severity"] == "error"}
        warnings = {f["rule"] for f in t["violations"] if f["severity"] == "warning"} - errors
        unverified = {f["rule"] for f in t["unverified"]} - errors - warnings
        for rule in errors:
            expect((label(t), rule), "failure", "violated")
        for rule in warnings:
            expect((label(t), rule), None, "warning only")
        for rule in unverified:
            expect((label(t), rule), "skipped", "unverified, never violated")
        for rule in set(t["passes"]) - errors - warnings - unverified:
            expect((label(t), rule), None, "passed")
    return totals["tests"]


def main():
    mode, report, result = sys.argv[1:4]
    n = {"sarif": check_sarif, "junit": check_junit}[mode](report, result)
    for f in failures:
        print("FAIL", f)
    print(f"{mode}: {n} entries checked, {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
