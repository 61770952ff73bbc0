#!/usr/bin/python3
"""JUnit and SARIF of prove, query and diff (docs/cli.md, "Output formats"), one run writing every format
(--write), run from the source tree so that SARIF URIs are relative to it.

proof_reports_test.py prove|query|diff|diff-ok PC5CHECK SOURCE_DIR WORK_DIR

- the exit code is the same whatever --format says (text, json, junit, sarif);
- JUnit is valid against tests/data/junit.xsd (xmllint); a testcase per property; a <failure> iff the
  command exits 1, its type telling violated from inconclusive (query: unreachable; diff: regression),
  and the counterexample file named in its message;
- SARIF is valid against tests/data/sarif-2.1.0-subset.schema.json; every ruleId is a descriptor; a
  level-error result iff exit 1; each result located in the spec file at the line and column of the
  property's (rule's, transition's) "id"; the counterexample a related location and an attachment that
  exist on disk.
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import jsonschema

mode, pc5check, source, work = sys.argv[1:5]
os.chdir(source)
os.makedirs(work, exist_ok=True)
sarif_schema = jsonschema.Draft202012Validator(
    json.load(open("tests/data/sarif-2.1.0-subset.schema.json", encoding="utf-8")))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def run(name, args, want_exit, formats=("junit", "sarif")):
    """Runs once with --format text and --write for the other formats; then once per format of `formats`
    with --format, which must exit as the text run did (a slow run checks fewer: each repeats the solver)."""
    base = f"{work}/{name}"
    r = subprocess.run([pc5check, *args, "--write", f"json={base}.json", "--write", f"junit={base}.xml",
                        "--write", f"sarif={base}.sarif"], capture_output=True, text=True, check=False)
    check(r.returncode == want_exit, f"{name}: exit {r.returncode}, expected {want_exit}: {r.stderr}")
    for fmt in formats:
        r2 = subprocess.run([pc5check, *args, "--format", fmt], capture_output=True, text=True, check=False)
        check(r2.returncode == r.returncode, f"{name}: --format {fmt} exits {r2.returncode}, text {r.returncode}")
        if fmt == "sarif":
            # Same document on stdout as with --write (but for the solver's times, which SARIF leaves out).
            check(json.loads(r2.stdout) == json.load(open(f"{base}.sarif", encoding="utf-8")),
                  f"{name}: --format sarif differs from --write sarif=FILE")
    x = subprocess.run(["xmllint", "--noout", "--schema", "tests/data/junit.xsd", f"{base}.xml"],
                       capture_output=True, text=True, check=False)
    check(x.returncode == 0, f"{name}: JUnit not valid against junit.xsd: {x.stderr.strip()}")
    log = json.load(open(f"{base}.sarif", encoding="utf-8"))
    errors = list(sarif_schema.iter_errors(log))
    check(not errors, f"{name}: SARIF schema: {[e.message for e in errors[:3]]}")
    return (json.load(open(f"{base}.json", encoding="utf-8")), ET.parse(f"{base}.xml").getroot(), log,
            r.returncode)


def id_position(path, element_id):
    """Line and column (1-based) of the "id" key whose value is element_id in the file."""
    for n, line in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
        for key in (f'"id": "{element_id}"', f'"id":"{element_id}"'):
            col = line.find(key)
            if col >= 0:
                return n, col + 1
    return None


def uri_path(uri):
    """The absolute path a SARIF URI names (relative ones: to the current directory, the source tree)."""
    return os.path.abspath(unquote(uri[len("file://"):] if uri.startswith("file://") else uri))


def sarif_common(name, log, code):
    runs = log["runs"]
    check(len(runs) == 1, f"{name}: one run")
    r = runs[0]
    ids = [d["id"] for d in r["tool"]["driver"]["rules"]]
    check(len(ids) == len(set(ids)), f"{name}: rule ids unique")
    uris = [a["location"]["uri"] for a in r["artifacts"]]
    for k, res in enumerate(r["results"]):
        check(res["ruleId"] in ids and ids[res["ruleIndex"]] == res["ruleId"], f"{name}: result {k} ruleIndex")
        check(res["kind"] == "fail" or res["level"] == "none", f"{name}: result {k}: kind {res['kind']} with level {res['level']}")
        for loc in res["locations"] + res.get("relatedLocations", []):
            al = loc["physicalLocation"]["artifactLocation"]
            check(uris[al["index"]] == al["uri"], f"{name}: result {k}: artifact index of {al['uri']}")
            check(os.path.exists(uri_path(al["uri"])), f"{name}: result {k}: {al['uri']} does not exist")
    errors = [res for res in r["results"] if res["level"] == "error"]
    check(bool(errors) == (code == 1), f"{name}: {len(errors)} error result(s) with exit {code}")
    check(r["invocations"][0]["exitCode"] == code, f"{name}: invocation exitCode")
    return r


def located_at(name, res, path, element_id):
    loc = res["locations"][0]["physicalLocation"]
    want = id_position(path, element_id)
    got = (loc.get("region", {}).get("startLine"), loc.get("region", {}).get("startColumn"))
    check(uri_path(loc["artifactLocation"]["uri"]) == os.path.abspath(path), f"{name}: {res['ruleId']} located in {loc['artifactLocation']['uri']}, not {path}")
    check(got == want, f"{name}: {res['ruleId']} at line:column {got}, the id {element_id} is at {want}")


def junit_cases(root):
    return {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}


def failure_of(case):
    return case.find("failure")


if mode == "prove":
    seed = "spec/tr33847-sol.json"
    # A violated property (the seed's FFS derivation lets two honest re-keyings end with the same key).
    doc, junit, log, code = run("prove-violated", ["prove", seed, "--property", "key_freshness", "--depth", "8",
                                                  "--cex-dir", f"{work}/cex"], 1)
    cases = junit_cases(junit)
    check(list(k[1] for k in cases) == ["key_freshness"], f"prove: one testcase per property: {list(cases)}")
    case = next(iter(cases.values()))
    check(case.get("classname") == "tr33847-sol (attacker: none)", f"prove: classname {case.get('classname')}")
    f = failure_of(case)
    cex = doc["properties"][0]["counterexample"]["file"]
    check(f is not None and f.get("type") == "violated", "prove: key_freshness is a <failure type=violated>")
    check(f is not None and cex and cex in f.get("message", ""), f"prove: the failure message names {cex}")
    r = sarif_common("prove-violated", log, code)
    res = [x for x in r["results"] if x["ruleId"] == "key_freshness"]
    check(len(res) == 1, "prove: one SARIF result for key_freshness")
    if res:
        located_at("prove", res[0], seed, "key_freshness")
        rel = [uri_path(x["physicalLocation"]["artifactLocation"]["uri"]) for x in res[0].get("relatedLocations", [])]
        att = [uri_path(x["artifactLocation"]["uri"]) for x in res[0].get("attachments", [])]
        check(rel == [os.path.abspath(cex)] and att == [os.path.abspath(cex)], f"prove: counterexample {cex} related {rel} and attached {att}")
        check(res[0]["properties"]["verdict"] == "violated", "prove: result verdict")
    rule = next(d for d in r["tool"]["driver"]["rules"] if d["id"] == "key_freshness")
    check(rule["properties"]["clauses"] == ["TR 33.847 6.7 (Rel-17)"], f"prove: descriptor clauses {rule['properties']['clauses']}")
    check("A_FFS_KDF_ROOT_BOUND" in rule["help"]["text"], "prove: the help text names the assumptions")

    # A property that holds: a passing testcase, no result.
    doc, junit, log, code = run("prove-holds", ["prove", "spec/ts33536-r17.json", "--property",
                                                "smc_checks_enforced", "--depth", "3"], 0)
    cases = junit_cases(junit)
    check(all(failure_of(c) is None for c in cases.values()) and len(cases) == 1, "prove: a holding property passes")
    r = sarif_common("prove-holds", log, code)
    check(r["results"] == [] and [d["id"] for d in r["tool"]["driver"]["rules"]] == ["smc_checks_enforced"],
          "prove: no result for a holding property, its descriptor all the same")

    # Inconclusive (a 1 ms solver limit): a failure of its own type.
    doc, junit, log, code = run("prove-inconclusive", ["prove", "spec/ts33536-r17.json", "--property",
                                                       "agreement_under_integrity", "--depth", "6", "--attacker",
                                                       "dy", "--timeout-ms", "1"], 1)
    f = failure_of(next(iter(junit_cases(junit).values())))
    check(f is not None and f.get("type") == "inconclusive" and "time limit" in f.get("message", ""),
          f"prove: inconclusive is <failure type=inconclusive> naming the limit: {None if f is None else f.attrib}")
    r = sarif_common("prove-inconclusive", log, code)
    check(len(r["results"]) == 1 and r["results"][0]["properties"]["verdict"] == "inconclusive",
          "prove: an inconclusive property is a result with verdict inconclusive")
    if r["results"]:
        located_at("prove-inconclusive", r["results"][0], "spec/ts33536-r17.json", "agreement_under_integrity")

elif mode == "query":
    spec = "spec/ts33536-r17.json"
    doc, junit, log, code = run("query-reachable", ["query", spec, "initiator.state == InitiatorState.WAIT_SMC",
                                                    "--depth", "2", "--cex-dir", f"{work}/query"], 0)
    cases = junit_cases(junit)
    check(len(cases) == 1 and failure_of(next(iter(cases.values()))) is None, "query: reachable passes")
    r = sarif_common("query-reachable", log, code)
    check(len(r["results"]) == 1 and r["results"][0]["kind"] == "pass", "query: reachable is a pass result")
    if r["results"]:
        att = [uri_path(x["artifactLocation"]["uri"]) for x in r["results"][0].get("attachments", [])]
        check(att == [os.path.abspath(doc["witness"]["file"])], f"query: the witness is attached: {att}")
    doc, junit, log, code = run("query-unreachable", ["query", spec, "initiator.state == InitiatorState.WAIT_RESPONSE && initiator.smc_echo_bad",
                                                      "--depth", "3"], 1)
    f = failure_of(next(iter(junit_cases(junit).values())))
    check(f is not None and f.get("type") == "unreachable", "query: unreachable is <failure type=unreachable>")
    sarif_common("query-unreachable", log, code)

elif mode == "diff":
    old, new = "spec/ts33536-r17.json", "tests/data/spec/ts33536-r17-no-echo.json"
    # Bounded only (--no-induction): what the reports say of a regression, a disagreement and the spec's
    # changes does not need the proofs, which were two thirds of the run's time (7 s instead of 23 s in
    # Release, about 90 s under the sanitizers); diff's induction is tested in the other diff tests.
    doc, junit, log, code = run("diff-no-echo", ["diff", old, new, "--property", "no_downgrade_under_integrity",
                                                 "--attacker", "drop", "--depth", "5", "--no-induction",
                                                 "--cex-dir", f"{work}/diff"], 1,
                                        formats=())
    cex = next(p for p in doc["new"]["properties"] if p["id"] == "no_downgrade_under_integrity")["counterexample"]["file"]
    cases = junit_cases(junit)
    regressions = {k[1]: c for k, c in cases.items() if failure_of(c) is not None}
    check(list(regressions) == ["no_downgrade_under_integrity"], f"diff: the one regression is the property: {list(regressions)}")
    for c in regressions.values():
        check(failure_of(c).get("type") == "regression" and cex in failure_of(c).get("message", ""),
              f"diff: <failure type=regression> naming {cex}: {failure_of(c).attrib}")
    check(any(k[1] == "disagreement" for k in cases), "diff: the behaviour comparison is a testcase")
    r = sarif_common("diff-no-echo", log, code)
    errors = [x for x in r["results"] if x["level"] == "error"]
    check([x["ruleId"] for x in errors] == ["no_downgrade_under_integrity"], f"diff: error results {[x['ruleId'] for x in errors]}")
    if errors:
        located_at("diff", errors[0], new, "no_downgrade_under_integrity")
        related = {x["message"]["text"]: x["physicalLocation"] for x in errors[0]["relatedLocations"]}
        check(any(uri_path(p["artifactLocation"]["uri"]) == os.path.abspath(cex) for p in related.values()),
              "diff: counterexample related")
        smc = related.get("changed in NEW: transition i_recv_smc changed")
        check(smc is not None and smc["region"]["startLine"] == id_position(new, "i_recv_smc")[0],
              f"diff: the changed transition i_recv_smc at its line in NEW: {smc}")
    changes = {x["properties"]["id"]: x for x in r["results"] if x["ruleId"] == "spec-change"}
    check(set(changes) == {"i_recv_smc", "SMC_ECHO_CAPS"}, f"diff: spec-change results {set(changes)}")
    if "SMC_ECHO_CAPS" in changes:
        # Removed: located where OLD wrote it.
        located_at("diff removed rule", changes["SMC_ECHO_CAPS"], old, "SMC_ECHO_CAPS")
    if "i_recv_smc" in changes:
        located_at("diff changed transition", changes["i_recv_smc"], new, "i_recv_smc")
    behaviour = [x for x in r["results"] if x["ruleId"] == "behaviour-change"]
    check(len(behaviour) == 1, "diff: the disagreement run is a result")
    if behaviour:
        # NEW accepts, OLD rejects with SMC_ECHO_CAPS: located at that rule in OLD.
        located_at("diff behaviour", behaviour[0], old, "SMC_ECHO_CAPS")

elif mode == "diff-ok":
    # Exit 0 in every format when nothing regressed (a shallow depth: each format reruns the solver).
    old, new = "spec/ts33536-r17.json", "tests/data/spec/ts33536-r17-no-echo.json"
    doc, junit, log, code = run("diff-ok", ["diff", old, new, "--property", "smc_checks_enforced", "--depth", "2"], 0)
    check(not any(failure_of(c) is not None for c in junit.iter("testcase")), "diff: no regression, no failure")
    r = sarif_common("diff-ok", log, code)
    check({x["properties"]["id"] for x in r["results"] if x["ruleId"] == "spec-change"} == {"i_recv_smc", "SMC_ECHO_CAPS"},
          "diff: the changed elements are informational results all the same")

print(f"{mode}: {len(failures)} problem(s)")
sys.exit(1 if failures else 0)
