#!/usr/bin/python3
"""The HTML pages of prove, query and diff, rendered by headless Chromium.

Usage: proof_html_test.py PC5CHECK SOURCE_DIR ARTIFACTS_DIR

Each command runs once with `--write json=... --write html=...`, so the page and its oracle come from
the same solver run. The page is loaded in Chromium (`--dump-dom`, helpers of html_report_test.py) and
checked against the JSON:
- prove (the seed, `--attacker dy --depth 4`, with markup put into a property's text and an assumption's
  text): one table row per property with the JSON verdict, one chart per counterexample with one arrow
  per step and exactly the attacker's steps marked, check's verdict and command, the markup shown as text;
- query (a reachable condition): the answer, one chart with one arrow per witness step;
- diff (the no-echo mutant, a two-trace corpus): OLD and NEW verdicts per property and per changed trace,
  regressions highlighted, the gate's verdict, NEW's counterexample and the disagreement run charted.
No page refers to anything outside itself (the SVG namespace is the only URL). Screenshots go to
ARTIFACTS_DIR. Chromium is required: when it is missing the test fails (quickstart.sh test installs it).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import html_report_test as h  # noqa: E402  (shared DOM parser, Chromium runner, failure list)

check = h.check
SVG_NS = "http://www.w3.org/2000/svg"


def run(exe, name, args, expect_code, out_dir):
    """Runs `pc5check ARGS` writing JSON and HTML; returns (json document, path of the page)."""
    doc_path, page = os.path.join(out_dir, name + ".json"), os.path.join(out_dir, name + ".html")
    proc = subprocess.run([exe, *args, "--write", f"json={doc_path}", "--write", f"html={page}"],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != expect_code:
        sys.exit(f"FAIL: pc5check {' '.join(args)} exited {proc.returncode}, expected {expect_code}\n{proc.stderr}")
    with open(doc_path) as f:
        return json.load(f), page


def self_contained(page, where):
    with open(page, encoding="utf-8") as f:
        text = f.read()
    urls = set(re.findall(r"(?:https?|ftp)://[^\s\"'<>)]*", text))
    check(urls <= {SVG_NS}, f"{where}: refers to {sorted(urls - {SVG_NS})}")
    check(not re.search(r"<(link|img|iframe|object|embed)\b|<script[^>]*\ssrc=|@import|url\(", text),
          f"{where}: loads something from elsewhere")


def check_run(section, run, where):
    """One chart for a counterexample or witness: one arrow per step, attacker steps marked."""
    charts = list(section.find_all("svg", cls="msc"))
    if not check(len(charts) == 1, f"{where}: {len(charts)} charts"):
        return
    events = list(charts[0].find_all("g", cls="event"))
    steps = run["steps"]
    check(len(events) == len(steps), f"{where}: {len(events)} arrows for {len(steps)} steps")
    for e, s in zip(events, steps):
        check(len(list(e.find_all("line", cls="arrow"))) == 1, f"{where}: {e.attrs.get('id')} has no arrow")
        check(e.attrs.get("data-msg") == s["msg"], f"{where}: arrow {e.attrs.get('id')} is {e.attrs.get('data-msg')}")
        marked = "attacker" in e.classes()
        check(marked == s["by_attacker"], f"{where}: step {s['index']} attacker mark {marked}, JSON {s['by_attacker']}")
        if marked:
            check(e.attrs.get("data-attacker") == s["action"], f"{where}: step {s['index']} action")
            check(list(e.find_all("g", cls="attacker-mark")), f"{where}: step {s['index']} has no attacker badge")
    rows = [r.attrs.get("data-by-attacker") for r in section.find_all("tr") if "data-by-attacker" in r.attrs]
    check(rows == ["true" if s["by_attacker"] else "false" for s in steps], f"{where}: step rows {rows}")


def check_verdict(section, check_json, key, where):
    dds = list(section.find_all("dd", cls="check-verdict"))
    check(dds and dds[0].attrs.get("data-verdict") == check_json[key],
          f"{where}: check verdict {[d.attrs.get('data-verdict') for d in dds]}, JSON {check_json[key]}")


def check_prove(dom, doc, hostile):
    rows = [r for r in dom.find_all("tr") if "data-property" in r.attrs and r.ancestor("table", "props")]
    check([(r.attrs["data-property"], r.attrs["data-verdict"]) for r in rows] ==
          [(p["id"], p["verdict"]) for p in doc["properties"]],
          f"prove: table rows {[(r.attrs['data-property'], r.attrs['data-verdict']) for r in rows]}")
    sections = list(dom.find_all("section", cls="prop"))
    check(len(sections) == len(doc["properties"]), f"prove: {len(sections)} property sections")
    cexes = [p for p in doc["properties"] if "counterexample" in p]
    check(cexes and any(s["by_attacker"] for p in cexes for s in p["counterexample"]["steps"]),
          "prove: the run has no counterexample with an attacker step (the test would prove nothing)")
    check(len(list(dom.find_all("svg", cls="msc"))) == len(cexes), "prove: not one chart per counterexample")
    for section, p in zip(sections, doc["properties"]):
        where = f"prove {p['id']}"
        check(section.attrs.get("data-property") == p["id"], f"{where}: section {section.attrs.get('data-property')}")
        if "counterexample" in p:
            check_run(section, p["counterexample"], where)
            check_verdict(section, p["counterexample"]["check"], "verdict", where)
            commands = [c.text() for c in section.find_all("code", cls="command")]
            check(commands == [p["counterexample"]["check"]["command"]], f"{where}: command {commands}")
        if p["warning"]:
            check(p["warning"] in section.text(), f"{where}: min_depth warning not shown")
        assumptions = [r.attrs["data-assumption"] for r in section.find_all("tr") if "data-assumption" in r.attrs]
        check(assumptions == [a["id"] for a in p["rests_on"]["assumptions"]], f"{where}: assumptions {assumptions}")
        params = [(r.attrs["data-parameter"], r.attrs["data-confirmed"]) for r in section.find_all("tr")
                  if "data-parameter" in r.attrs]
        check(params == [(q["id"], "yes" if q["confirmed"] else "no") for q in p["rests_on"]["parameters"]],
              f"{where}: parameters {params}")
        # A proof's inductive invariant: one row per part, in the JSON's order, with its origin.
        tables = list(section.find_all("table", cls="invariant"))
        if "invariant" in p:
            rows = list(tables[0].find_all("tr")) if tables else []
            parts = [(r.attrs.get("data-member"), r.attrs.get("data-origin")) for r in rows if r.attrs.get("data-member")]
            check(parts == [(x["id"], x["origin"]) for x in p["invariant"]], f"{where}: inductive set {parts}")
        else:
            check(not tables, f"{where}: an inductive set shown without one in the JSON")
        # A bounded answer's counterexample to induction: one row per variable, the changed ones marked.
        ctis = list(section.find_all("table", cls="cti"))
        if "induction_failure" in p:
            f = p["induction_failure"]
            rows = [r for r in (ctis[0].find_all("tr") if ctis else []) if r.attrs.get("data-variable")]
            check([r.attrs["data-variable"] for r in rows] == [v["variable"] for v in f["before"]],
                  f"{where}: CTI rows {[r.attrs.get('data-variable') for r in rows][:5]}")
            changed = [r.attrs["data-variable"] for r in rows if "changed" in r.classes()]
            check(changed == [v["variable"] for v in f["after"]], f"{where}: CTI changed rows {changed}")
        else:
            check(not ctis, f"{where}: a counterexample to induction shown without one in the JSON")
    check(any("invariant" in p for p in doc["properties"]), "prove: no property carries its inductive invariant")
    check(any("induction_failure" in p for p in doc["properties"]),
          "prove: no property carries a counterexample to induction (the CTI check would prove nothing)")
    titles = [n.text() for n in dom.find_all(cls="ttitle")]
    check(hostile in titles, "prove: the property text with markup is not shown verbatim")
    check(any(hostile in n.text() for n in dom.find_all("tr") if "data-assumption" in n.attrs),
          "prove: the assumption text with markup is not shown verbatim")
    check(len(list(dom.find_all("script"))) == 1, "prove: a script element came from the spec")
    check(not list(dom.find_all("img")), "prove: an <img> element came from the spec")


def check_query(dom, doc):
    answers = list(dom.find_all("section", id="answer"))
    if check(len(answers) == 1, "query: no answer section"):
        check(answers[0].attrs.get("data-answer") == doc["answer"], f"query: answer {answers[0].attrs.get('data-answer')}")
    check([n.text() for n in dom.find_all(id="condition")] == [doc["condition"]], "query: condition")
    witness = list(dom.find_all("section", id="witness"))
    if check(len(witness) == 1 and "witness" in doc, "query: no witness section"):
        check_run(witness[0], doc["witness"], "query witness")
        check_verdict(witness[0], doc["witness"]["check"], "verdict", "query witness")


def check_diff(dom, doc):
    gate = list(dom.find_all(id="gate"))
    check(gate and gate[0].attrs.get("data-regression") == str(doc["regression"]).lower(), "diff: gate verdict")
    for kind in ("property", "trace"):
        rows = [r for r in dom.find_all("tr", cls=kind) if "data-id" in r.attrs]
        want = [c for c in doc["changes"] if c["kind"] == kind]
        check([(r.attrs["data-id"], r.attrs["data-old"], r.attrs["data-new"]) for r in rows] ==
              [(c["id"], c["old"], c["new"]) for c in want], f"diff: {kind} rows differ from the JSON changes")
        for r, c in zip(rows, want):
            check(("regression" in r.classes()) == c["regression"], f"diff: {c['id']} regression highlight")
        check(want, f"diff: no {kind} row in the JSON (the test would prove nothing)")
    regressed = [c["id"] for c in doc["changes"] if c["kind"] == "property" and c["regression"]]
    check(regressed == ["no_downgrade_under_integrity"], f"diff: regressions {regressed}")
    for pid in regressed:
        p = next(p for p in doc["new"]["properties"] if p["id"] == pid)
        sections = [s for s in dom.find_all("section", cls="prop") if s.attrs.get("data-property") == pid]
        if check(len(sections) == 1 and "counterexample" in p, f"diff: no section for NEW's {pid}"):
            check_run(sections[0], p["counterexample"], f"diff {pid}")
    runs = list(dom.find_all("section", id="disagreement"))
    if check(len(runs) == 1 and doc["disagreement"], "diff: no disagreement run"):
        check_run(runs[0], doc["disagreement"], "diff disagreement")
        check_verdict(runs[0], doc["disagreement"]["check"], "accepting", "diff disagreement")


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: proof_html_test.py PC5CHECK SOURCE_DIR ARTIFACTS_DIR")
    exe, src, artifacts = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    chromium = h.require_chromium()
    os.makedirs(artifacts, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pc5check-proof-html-") as tmp:
        # The seed with markup in a property's text and an assumption's text.
        with open(os.path.join(src, "spec", "tr33847-sol.json")) as f:
            spec = json.load(f)
        spec["properties"][0]["text"] = h.HOSTILE_TITLE
        spec["assumptions"][0]["text"] = h.HOSTILE_TITLE
        seed = os.path.join(tmp, "tr33847-sol.json")
        with open(seed, "w") as f:
            json.dump(spec, f)
        doc, page = run(exe, "prove", ["prove", seed, "--attacker", "dy", "--depth", "4"], 1, artifacts)
        self_contained(page, "prove")
        check_prove(h.parse(h.dump_dom(chromium, page)), doc, h.HOSTILE_TITLE)
        h.screenshot(chromium, page, os.path.join(artifacts, "prove.png"))

        normative = os.path.join(src, "spec", "ts33536-r17.json")
        doc, page = run(exe, "query", ["query", normative, "initiator.state == InitiatorState.WAIT_SMC",
                                       "--depth", "2"], 0, artifacts)
        self_contained(page, "query")
        check_query(h.parse(h.dump_dom(chromium, page)), doc)

        corpus = os.path.join(tmp, "corpus")
        os.makedirs(corpus)
        for name in ("viol-smc-echo-caps.json", "conform-plain.json"):
            shutil.copy(os.path.join(src, "traces", "ts33536-r17", name), corpus)
        doc, page = run(exe, "diff", ["diff", normative, os.path.join(src, "tests", "data", "spec", "ts33536-r17-no-echo.json"),
                                      "--property", "no_downgrade_under_integrity", "--attacker", "drop",
                                      "--depth", "5", "--no-induction", "--corpus", corpus], 1, artifacts)
        self_contained(page, "diff")
        check_diff(h.parse(h.dump_dom(chromium, page)), doc)
        h.screenshot(chromium, page, os.path.join(artifacts, "diff.png"))

    return h.finish(f"proof html: prove, query and diff pages pass in Chromium "
                    f"({time.monotonic() - started:.1f} s); pages and screenshots in {artifacts}")


if __name__ == "__main__":
    sys.exit(main())
