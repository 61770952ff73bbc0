#!/usr/bin/python3
"""One CLI, one vocabulary for prove, query and diff (issue #20, item 6; docs/cli.md).

cli_vocab_test.py MODE PC5CHECK SOURCE_DIR WORK_DIR, MODE one of:
- prove-properties: `prove --property` is repeatable; an unknown ID among known ones exits 2 naming it;
- steps: a counterexample's steps are numbered from 0, as `check` numbers the events of the written
  trace (JSON, text, JUnit), and the JSON validates against spec/pc5check-prove.schema.json;
- query-expect: `query --expect reachable|unreachable` on each answer query can give cheaply
  (reachable, unreachable proved, unreachable within the depth, inconclusive): exit code, JSON
  expect/met/verdict (valid against spec/pc5check-query.schema.json), the text's `expect` line, a JUnit
  failure and a SARIF error exactly on exit 1;
- diff-search: `diff --rule` / `--min-depth` steering the behaviour search (on a mutant that requires a
  new IE and forbids the initiator's reject);
- diff-legend: the legend line explains the row markers that appear, and only when one appears;
- diff-corpus: corpus traces that no longer fit NEW's message format are told from behaviour
  regressions (a mutant that adds an IE and requires it), and only `--format-changes-fail` fails on them.
Run from the source tree (relative spec paths, as a CI job would give them).
"""
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema

mode, pc5check, source, work = sys.argv[1:5]
os.chdir(source)
work = os.path.join(work, mode)
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
NORMATIVE = "spec/ts33536-r17.json"
NO_ECHO = "tests/data/spec/ts33536-r17-no-echo.json"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def run(*args):
    return subprocess.run([pc5check, *args], capture_output=True, text=True, check=False)


def prove_properties():
    r = run("prove", NORMATIVE, "--depth", "1", "--no-induction", "--format", "json",
            "--property", "smc_checks_enforced", "--property", "key_freshness")
    check(r.returncode == 0, f"two properties: exit {r.returncode}: {r.stderr}")
    ids = [p["id"] for p in json.loads(r.stdout)["properties"]] if r.returncode == 0 else []
    check(ids == ["key_freshness", "smc_checks_enforced"], f"two properties reported in the spec's order: {ids}")
    r = run("prove", NORMATIVE, "--depth", "1", "--property", "key_freshness", "--property", "nope")
    check(r.returncode == 2 and "no property 'nope'" in r.stderr, f"unknown among known: {r.returncode} {r.stderr}")


def steps():
    cex = os.path.join(work, "cex")
    # No induction: the property is violated at depth 4, beyond the first search, so prove would try (and
    # fail) a k-induction first; that attempt is nearly all the time (11 of 12 s in Release, about 110 s
    # under the sanitizers) and has nothing to do with how steps are numbered.
    r = run("prove", NORMATIVE, "--depth", "4", "--attacker", "dy", "--property", "agreement_on_completion",
            "--no-induction", "--cex-dir", cex, "--write", f"json={work}/p.json", "--write", f"junit={work}/p.xml")
    check(r.returncode == 1, f"prove exit {r.returncode}, expected 1 (violated): {r.stderr}")
    doc = json.load(open(f"{work}/p.json", encoding="utf-8"))
    schema = json.load(open("spec/pc5check-prove.schema.json", encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    check(not errors, f"prove JSON against its schema: {[e.message for e in errors[:3]]}")
    ce = doc["properties"][0]["counterexample"]
    trace = json.load(open(ce["file"], encoding="utf-8"))
    indices = [s["index"] for s in ce["steps"]]
    check(indices == list(range(len(trace["events"]))), f"steps numbered as the trace's events: {indices}")
    check([s["msg"] for s in ce["steps"]] == [e["msg"] for e in trace["events"]],
          "step i is event i of the written trace")
    attacker = sorted(a["event"] for a in trace.get("attacker_steps", []))
    check(attacker and attacker == [s["index"] for s in ce["steps"] if s["by_attacker"]],
          f"attacker steps name the same numbers: {attacker}")
    check("\n       0. " in r.stdout and f"\n       {len(indices)}. " not in r.stdout,
          f"text numbered from 0:\n{r.stdout}")
    failure = ET.parse(f"{work}/p.xml").getroot().find(".//failure")
    check(failure is not None and "\n  0. " in failure.text, "JUnit body numbered from 0")


# (condition, depth, extra options, answer as JSON says it, verdict with --expect unreachable, text)
QUERIES = {
    "reachable": ("initiator.state == InitiatorState.WAIT_RESPONSE", "4", [], "reachable", "violated",
                  "reachable in 3 message"),
    "proved": ("initiator.state == InitiatorState.WAIT_RESPONSE && initiator.smc_echo_bad", "3", [],
               "unreachable", "proven", "unreachable (proved"),
    "within": ("initiator.state == InitiatorState.WAIT_RESPONSE", "2", [], "unreachable", "holds up to depth",
               "unreachable within 2 message"),
    # 1 ms of solver time: the first query of depth 12 under dy cannot finish (as prove's test).
    "inconclusive": ("initiator.state == InitiatorState.WAIT_RESPONSE && initiator.smc_echo_bad", "12",
                     ["--attacker", "dy", "--timeout-ms", "1"], "inconclusive", "inconclusive",
                     "inconclusive: solver time limit"),
}


def query_expect():
    # The query schema refers to the prove schema's witness and rests_on; resolved here by copying them in
    # (Debian 12's python3-jsonschema has no registry for a second file).
    schema = json.load(open("spec/pc5check-query.schema.json", encoding="utf-8"))
    schema["$defs"] = json.load(open("spec/pc5check-prove.schema.json", encoding="utf-8"))["$defs"]
    text = json.dumps(schema).replace('"pc5check-prove.schema.json#/$defs/', '"#/$defs/')
    validator = jsonschema.Draft202012Validator(json.loads(text))
    for name, (cond, depth, extra, answer, verdict, text) in QUERIES.items():
        for expect in ("reachable", "unreachable"):
            base = f"{work}/{name}-{expect}"
            args = ["query", NORMATIVE, cond, "--depth", depth, *extra, "--write", f"json={base}.json",
                    "--write", f"junit={base}.xml", "--write", f"sarif={base}.sarif"]
            r = run(*args, *([] if expect == "reachable" else ["--expect", expect]))
            met = (answer == "reachable") == (expect == "reachable") and answer != "inconclusive"
            want = 0 if met else 1
            what = f"{name}, --expect {expect}"
            check(r.returncode == want, f"{what}: exit {r.returncode}, expected {want}: {r.stderr}")
            if r.returncode not in (0, 1):
                continue
            doc = json.load(open(f"{base}.json", encoding="utf-8"))
            errors = list(validator.iter_errors(doc))
            check(not errors, f"{what}: JSON against the query schema: {[e.message for e in errors[:3]]}")
            check(doc["answer"] == answer and doc["expect"] == expect and doc["met"] == met,
                  f"{what}: JSON answer/expect/met {doc['answer']}/{doc['expect']}/{doc['met']}")
            if expect == "unreachable":
                check(doc["verdict"] == verdict, f"{what}: verdict {doc['verdict']}, expected {verdict}")
            check(text in r.stdout, f"{what}: text lacks '{text}':\n{r.stdout}")
            check(f"expect {expect}: {'met' if met else 'NOT met'}" in r.stdout, f"{what}: expect line:\n{r.stdout}")
            junit_failed = ET.parse(f"{base}.xml").getroot().find(".//failure") is not None
            check(junit_failed == (not met), f"{what}: JUnit failure {junit_failed}")
            levels = [x["level"] for x in json.load(open(f"{base}.sarif", encoding="utf-8"))["runs"][0]["results"]]
            check(levels == (["none"] if met else ["error"]), f"{what}: SARIF levels {levels}")


def diff_search():
    mutant = os.path.join(work, "ts33536-r17-ext-info-no-reject.json")
    mutant_with_ie(mutant, no_reject=True)

    def search(*extra):
        r = run("diff", NORMATIVE, mutant, "--property", "smc_checks_enforced", "--no-induction", *extra,
                "--format", "json")
        return json.loads(r.stdout)["disagreement"] if r.returncode == 0 else f"exit {r.returncode}: {r.stderr}"

    # Shortest: a request without ext_info (1 message); at least 2 messages: another run.
    d = search("--depth", "1")
    check(isinstance(d, dict) and d["depth"] == 1, f"shortest run: {d}")
    d = search("--depth", "2", "--min-depth", "2")
    check(isinstance(d, dict) and d["depth"] == 2 and len(d["steps"]) == 2, f"--min-depth 2: {d}")
    # Only runs breaking REJECT_CAUSE: the initiator must reject an SMC, 3 messages.
    d = search("--depth", "3", "--rule", "REJECT_CAUSE")
    check(isinstance(d, dict) and d["depth"] == 3 and "REJECT_CAUSE" in d["check"]["rejecting_rules"]
          and d["steps"][-1]["msg"] == "SECURITY_MODE_REJECT", f"--rule REJECT_CAUSE: {d}")
    r = run("diff", NORMATIVE, mutant, "--property", "smc_checks_enforced", "--no-induction", "--depth", "1",
            "--rule", "REJECT_CAUSE")
    check(r.returncode == 0 and "no run of up to 1 message(s) that one version accepts and the other rejects "
          "by breaking REJECT_CAUSE" in r.stdout, f"--rule, no such run within the depth:\n{r.stdout}")
    r = run("diff", NORMATIVE, mutant, "--depth", "1", "--rule", "NOPE")
    check(r.returncode == 2 and "neither spec has a rule 'NOPE'" in r.stderr, f"--rule NOPE: {r.stderr}")
    r = run("diff", NORMATIVE, mutant, "--depth", "2", "--min-depth", "3")
    check(r.returncode == 2 and "--min-depth 3: expected at most --depth (2)" in r.stderr, f"--min-depth 3: {r.stderr}")


def diff_legend():
    # The legend explains ~: NEW drops the echo rule, so the echo corpus trace no longer violates it.
    corpus = os.path.join(work, "echo")
    os.makedirs(corpus)
    shutil.copy("traces/ts33536-r17/viol-smc-echo-caps.json", corpus)
    r = run("diff", NORMATIVE, NO_ECHO, "--depth", "1", "--property", "smc_checks_enforced", "--no-induction",
            "--corpus", corpus)
    check("\n  ~ " in r.stdout and "\nlegend: ~ changed, not a regression" in r.stdout, f"legend of ~:\n{r.stdout}")
    r = run("diff", NORMATIVE, NORMATIVE, "--depth", "1", "--property", "smc_checks_enforced", "--no-induction")
    check(r.returncode == 0 and "legend:" not in r.stdout, f"no marker, no legend:\n{r.stdout}")


def mutant_with_ie(path, no_reject=False):
    """The shipped spec with an IE `ext_info` added to REKEYING_REQUEST and required by REQ_CONTENTS; with
    `no_reject` also a change of behaviour: the initiator may never send a SECURITY_MODE_REJECT."""
    d = json.load(open(NORMATIVE, encoding="utf-8"))
    d["title"] += " — TEST MUTANT: the request carries a new IE ext_info, and REQ_CONTENTS requires it"
    for m in d["messages"]:
        if m["id"] == "REKEYING_REQUEST":
            m["ies"].append({"name": "ext_info", "kind": "bytes", "text": "a new IE (test mutant)"})
    for rule in d["rules"]:
        if rule["id"] == "REQ_CONTENTS":
            rule["checks"][0]["assert"] = "(" + rule["checks"][0]["assert"] + ") && present(ie.ext_info)"
        if rule["id"] == "REJECT_CAUSE" and no_reject:
            rule["checks"][0]["assert"] = "false"
    with open(path, "w", encoding="utf-8") as f:
        json.dump(d, f, indent=1)


def diff_corpus():
    mutant = os.path.join(work, "ts33536-r17-ext-info.json")
    mutant_with_ie(mutant)
    no_reject_mutant = os.path.join(work, "ts33536-r17-ext-info-no-reject.json")
    mutant_with_ie(no_reject_mutant, no_reject=True)
    corpus = os.path.join(work, "corpus")
    os.makedirs(corpus)
    for name in ("conform-plain.json", "conform-reject-then-success.json"):
        shutil.copy(f"traces/ts33536-r17/{name}", corpus)
    plain = os.path.join(corpus, "conform-plain.json")
    reject = os.path.join(corpus, "conform-reject-then-success.json")
    quick = ["--depth", "1", "--property", "smc_checks_enforced", "--no-induction"]

    def rows(r):
        return {row["file"]: row for row in json.load(open(f"{work}/d.json", encoding="utf-8"))["changes"]
                if row["kind"] == "trace"}

    # Only the format changed: conform-plain lacks ext_info. Reported, not a failure by default.
    r = run("diff", NORMATIVE, mutant, *quick, "--corpus", plain, "--write", f"json={work}/d.json")
    check(r.returncode == 0, f"format change alone: exit {r.returncode}\n{r.stdout}{r.stderr}")
    row = rows(r).get(plain, {})
    check(row.get("class") == "format" and not row.get("regression") and "ext_info" in row.get("why", ""),
          f"format row: {row}")
    check("\n  F " in r.stdout and "no longer fits NEW's message format: REQ_CONTENTS at event" in r.stdout
          and "F no longer fits" in r.stdout, f"format text and legend:\n{r.stdout}")
    r = run("diff", NORMATIVE, mutant, *quick, "--corpus", plain, "--format-changes-fail", "--write",
            f"json={work}/d.json", "--write", f"junit={work}/d.xml")
    check(r.returncode == 1 and rows(r).get(plain, {}).get("regression") is True,
          f"--format-changes-fail: exit {r.returncode}")
    # A behaviour change next to the format change: NEW forbids the initiator's reject, and REJECT_CAUSE
    # reads no IE that NEW adds. That trace also lacks ext_info: one violation not about the format is
    # enough to make it a behaviour regression.
    r = run("diff", NORMATIVE, no_reject_mutant, *quick, "--corpus", corpus, "--write", f"json={work}/d.json",
            "--write", f"junit={work}/d.xml", "--write", f"sarif={work}/d.sarif")
    check(r.returncode == 1, f"behaviour regression: exit {r.returncode}\n{r.stdout}")
    got = rows(r)
    check(got.get(reject, {}).get("class") == "behaviour" and got[reject]["regression"],
          f"reject row: {got.get(reject)}")
    check(got.get(plain, {}).get("class") == "format" and not got[plain]["regression"], f"plain row: {got.get(plain)}")
    check("1 behaviour regression(s), 1 no longer fitting NEW's message format" in r.stdout, f"counts:\n{r.stdout}")
    cases = {c.get("name"): c for c in ET.parse(f"{work}/d.xml").getroot().iter("testcase")}
    check(any(n.endswith("conform-reject-then-success.json:1") and c.find("failure") is not None
              for n, c in cases.items()),
          "JUnit: the behaviour regression fails")
    check(any(n.endswith("conform-plain.json:1") and c.find("failure") is None
              and "message format" in (c.findtext("system-out") or "") for n, c in cases.items()),
          "JUnit: the format change is reported, not failed")
    results = json.load(open(f"{work}/d.sarif", encoding="utf-8"))["runs"][0]["results"]
    levels = {x["properties"]["trace"].rsplit("/", 1)[-1]: x["level"] for x in results
              if "trace" in x.get("properties", {})}
    check(levels == {"conform-plain.json:1": "warning", "conform-reject-then-success.json:1": "error"},
          f"SARIF: the behaviour regression an error, the format change a warning: {levels}")
    # Unknown IE: a trace carrying ext_info conforms with the mutant; the shipped spec cannot read it.
    t = json.load(open(plain, encoding="utf-8"))
    for e in t["events"]:
        if e["msg"] == "REKEYING_REQUEST":
            e["ie"]["ext_info"] = "00ff"
    del t["expect"]
    extended = os.path.join(work, "with-ext-info.json")
    json.dump(t, open(extended, "w", encoding="utf-8"))
    r = run("diff", mutant, NORMATIVE, *quick, "--corpus", extended, "--write", f"json={work}/d.json")
    row = rows(r).get(extended, {})
    check(r.returncode == 0 and row.get("class") == "format" and "unknown IE 'ext_info'" in row.get("why", ""),
          f"unknown IE: exit {r.returncode}, row {row}\n{r.stdout}")


{"prove-properties": prove_properties, "steps": steps, "query-expect": query_expect, "diff-search": diff_search,
 "diff-legend": diff_legend, "diff-corpus": diff_corpus}[mode]()
print(f"{mode}: {'FAIL' if failures else 'ok'} ({len(failures)} failure(s))")
sys.exit(1 if failures else 0)
