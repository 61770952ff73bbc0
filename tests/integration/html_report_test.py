#!/usr/bin/python3
"""The HTML report of the shipped corpus, rendered by headless Chromium.

Usage: html_report_test.py PC5CHECK TRACES_DIR ARTIFACTS_DIR

1. `pc5check check TRACES --format json` gives the oracle (summary counts, verdicts, rule IDs).
2. `pc5check check TRACES --format html` is loaded in Chromium; `--dump-dom` gives the DOM after the
   page's script ran, which is parsed with html.parser and checked: the counts equal the JSON summary,
   one trace section per trace with the JSON verdict, one SVG chart per readable trace with one arrow
   per event, every violation row links to a highlighted arrow carrying the same rule ID (e.g.
   SMC_NEW_CONTEXT for ts33536-r17/viol-smc-new-context.json), and the script ran.
3. A trace whose title holds markup must show it as text (no element, no second script).
4. Screenshots go to ARTIFACTS_DIR (report.png: the corpus; report-violation.png: one violation).

Chromium is required: when it is missing the test fails (quickstart.sh test installs it).
Only the standard library is used.
"""

import html.parser
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--hide-scrollbars", "--mute-audio"]
HOSTILE_TITLE = "<script>alert(1)</script> & \"double\" 'single' <img src=x onerror=alert(2)>"

failures = []


def check(cond, message):
    if not cond:
        failures.append(message)
    return cond


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []
        self.text_parts = []

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        out = list(self.text_parts)
        for c in self.children:
            out.append(c.text())
        return "".join(out)

    def iter(self):
        yield self
        for c in self.children:
            yield from c.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        for n in self.iter():
            if tag is not None and n.tag != tag:
                continue
            if cls is not None and cls not in n.classes():
                continue
            if any(n.attrs.get(k.replace("_", "-")) != v for k, v in attrs.items()):
                continue
            yield n

    def ancestor(self, tag, cls=None):
        p = self.parent
        while p is not None and not (p.tag == tag and (cls is None or cls in p.classes())):
            p = p.parent
        return p


class TreeBuilder(html.parser.HTMLParser):
    """A small DOM of the serialized page (Chromium writes well-formed, explicitly closed markup)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.text_parts.append(data)


def parse(text):
    b = TreeBuilder()
    b.feed(text)
    b.close()
    return b.root


def chromium_binary():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def require_chromium():
    """The Chromium binary; exits (the test fails) when it is missing."""
    chromium = chromium_binary()
    if chromium is None:
        sys.exit("FAIL: chromium not found on PATH. The HTML report test needs Debian's chromium package: "
                 "apt-get install -y chromium (./quickstart.sh test installs it).")
    return chromium


def finish(passed_message):
    """Prints the failures (exit code 1) or `passed_message` (exit code 0)."""
    if failures:
        for f in failures[:50]:
            print("FAIL:", f)
        print(f"{len(failures)} failure(s)")
        return 1
    print(passed_message)
    return 0


def run_chromium(chromium, args, timeout=180):
    with tempfile.TemporaryDirectory(prefix="pc5check-chromium-") as profile:
        env = dict(os.environ, HOME=profile)
        cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        sys.exit(f"FAIL: chromium exited {proc.returncode}: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return proc.stdout


def dump_dom(chromium, path):
    out = run_chromium(chromium, ["--dump-dom", "file://" + os.path.abspath(path)])
    if "<html" not in out:
        sys.exit(f"FAIL: chromium --dump-dom gave no document for {path}")
    return out


def screenshot(chromium, page, png, size="1280,2000"):
    if os.path.exists(png):
        os.remove(png)
    run_chromium(chromium, [f"--screenshot={png}", f"--window-size={size}", "file://" + os.path.abspath(page)])
    with open(png, "rb") as f:
        head = f.read(24)
    width, height = struct.unpack(">II", head[16:24])
    check(head[:8] == b"\x89PNG\r\n\x1a\n", f"{png}: not a PNG")
    check(f"{width},{height}" == size, f"{png}: {width}x{height}, expected {size}")
    check(os.path.getsize(png) > 20000, f"{png}: only {os.path.getsize(png)} bytes (blank page?)")


def pc5check(exe, args, out_file=None):
    proc = subprocess.run([exe, "check", *args], capture_output=True, text=True, timeout=300)
    if proc.returncode not in (0, 1, 2):
        sys.exit(f"FAIL: pc5check check {' '.join(args)} exited {proc.returncode}\n{proc.stderr}")
    return proc.stdout


def check_report(dom, oracle, where):
    """Checks a rendered report against the JSON report of the same inputs."""
    summary = oracle["summary"]
    for key, element_id in (("traces", "count-traces"), ("conforms", "count-conforms"),
                            ("violation", "count-violation"), ("bad_input", "count-bad-input")):
        nodes = list(dom.find_all(id=element_id))
        if check(len(nodes) == 1, f"{where}: #{element_id} missing"):
            check(nodes[0].text().strip() == str(summary[key]),
                  f"{where}: #{element_id} shows {nodes[0].text().strip()!r}, JSON summary says {summary[key]}")

    sections = list(dom.find_all("section", cls="trace"))
    traces = oracle["traces"]
    check(len(sections) == len(traces), f"{where}: {len(sections)} trace sections for {len(traces)} traces")
    charts = list(dom.find_all("svg", cls="msc"))
    readable = [t for t in traces if t["verdict"] != "bad-input"]
    check(len(charts) == len(readable), f"{where}: {len(charts)} charts for {len(readable)} readable traces")

    for section, t in zip(sections, traces):
        label = f"{where}: {t['file']}:{t['line']}"
        check(section.attrs.get("data-verdict") == t["verdict"],
              f"{label}: data-verdict {section.attrs.get('data-verdict')!r}, JSON verdict {t['verdict']!r}")
        check(section.attrs.get("data-file") == t["file"], f"{label}: data-file {section.attrs.get('data-file')!r}")
        svgs = list(section.find_all("svg", cls="msc"))
        if t["verdict"] == "bad-input":
            check(not svgs, f"{label}: bad input has a chart")
            boxes = list(section.find_all("div", cls="error-box"))
            if check(len(boxes) == 1, f"{label}: bad input without error box"):
                msg = "".join(n.text() for n in boxes[0].find_all(cls="err-message"))
                check(msg == t["error"]["message"], f"{label}: error message {msg!r}")
            continue
        if not check(len(svgs) == 1, f"{label}: {len(svgs)} charts"):
            continue
        events = list(svgs[0].find_all("g", cls="event"))
        # One arrow per event in order; past the cap (400) at least the first 400 and a note.
        head = min(t["events"], 400)
        ids = [e.attrs.get("id") for e in events]
        check(ids[:head] == [f"{section.attrs['id']}-e{i}" for i in range(head)],
              f"{label}: arrows {ids[:3]}... for {t['events']} events")
        check(len(events) == t["events"] or (t["events"] > 400 and list(section.find_all(cls="cap-note"))),
              f"{label}: {len(events)} arrows for {t['events']} events")
        for e in events:
            check(len(list(e.find_all("line", cls="arrow"))) == 1, f"{label}: {e.attrs.get('id')} has no arrow line")
            status = e.attrs.get("data-status")
            check(status in ("failed", "warning", "unverified", "verified", "unprotected", "not-logged"),
                  f"{label}: {e.attrs.get('id')} status {status!r}")
            shown = "".join(n.text() for n in e.find_all("tspan", cls="status"))
            check(shown == status.replace("-", " "), f"{label}: {e.attrs.get('id')} label {shown!r}")
            check(e.attrs.get("data-msg", "") in "".join(n.text() for n in e.find_all("text", cls="msg")),
                  f"{label}: {e.attrs.get('id')} message label")

        # Violation rows: the rule IDs of the JSON report, each linked to a highlighted arrow.
        rows = [r for r in section.find_all("tr") if {"violation", "warning"} & set(r.classes())]
        row_rules = sorted({r.attrs.get("data-rule") for r in rows})
        check(row_rules == sorted(t["rules"]), f"{label}: violation rows {row_rules}, JSON rules {t['rules']}")
        check(len(rows) == len(t["violations"]), f"{label}: {len(rows)} rows for {len(t['violations'])} violations")
        by_id = {e.attrs.get("id"): e for e in events}
        for r in rows:
            rule = r.attrs.get("data-rule")
            links = [a.attrs.get("href", "") for a in r.find_all("a")]
            target = by_id.get(links[0][1:]) if links else None
            if not check(target is not None, f"{label}: row {rule} does not link to an arrow ({links})"):
                continue
            check({"violation", "warning"} & set(target.classes()),
                  f"{label}: arrow {target.attrs.get('id')} of {rule} is not highlighted")
            check(rule in (target.attrs.get("data-rules") or "").split(", "),
                  f"{label}: arrow {target.attrs.get('id')} does not name {rule}")
            check(any(m.tag == "g" and "marker" in m.classes() for m in target.iter()),
                  f"{label}: arrow {target.attrs.get('id')} has no marker")
        flagged = [e for e in events if "violation" in e.classes()]
        errors = [v for v in t["violations"] if v["severity"] == "error"]
        check(bool(flagged) == bool(errors), f"{label}: {len(flagged)} violation arrows, {len(errors)} violations")
        if t["verdict"] == "violation":
            check(any(True for _ in section.find_all("table", cls="state")),
                  f"{label}: no state table at the first violation")


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: html_report_test.py PC5CHECK TRACES_DIR ARTIFACTS_DIR")
    exe, traces_dir, artifacts = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    chromium = require_chromium()
    os.makedirs(artifacts, exist_ok=True)
    started = time.monotonic()

    # The corpus.
    oracle = json.loads(pc5check(exe, [traces_dir, "--format", "json"]))
    report = os.path.join(artifacts, "report.html")
    pc5check(exe, [traces_dir, "--format", "html", "-o", report])
    dom = parse(dump_dom(chromium, report))
    check_report(dom, oracle, "corpus")
    toolbar = list(dom.find_all(id="toolbar"))
    check(toolbar and "hidden" not in toolbar[0].attrs, "corpus: the page script did not run (toolbar hidden)")

    smc = [s for s in dom.find_all("section", cls="trace")
           if s.attrs.get("data-file", "").endswith("ts33536-r17/viol-smc-new-context.json")]
    if check(len(smc) == 1, "corpus: no section for ts33536-r17/viol-smc-new-context.json"):
        arrows = [e for e in smc[0].find_all("g", cls="violation")]
        check([e.attrs.get("data-rules") for e in arrows] == ["SMC_NEW_CONTEXT"],
              f"viol-smc-new-context: highlighted arrows {[e.attrs.get('data-rules') for e in arrows]}")
        check([e.attrs.get("data-msg") for e in arrows] == ["SECURITY_MODE_COMMAND"],
              "viol-smc-new-context: the highlighted arrow is not the SECURITY_MODE_COMMAND")
        rows = list(smc[0].find_all("tr", cls="violation", data_rule="SMC_NEW_CONTEXT"))
        check(len(rows) == 1 and "target" in rows[0].text(), "viol-smc-new-context: no SMC_NEW_CONTEXT row naming the target")
    screenshot(chromium, report, os.path.join(artifacts, "report.png"))

    # A vendor title with markup, next to a bad input: text only, and the same checks.
    with tempfile.TemporaryDirectory(prefix="pc5check-html-") as tmp:
        with open(os.path.join(traces_dir, "ts33536-r17", "viol-smc-new-context.json")) as f:
            doc = json.load(f)
        doc["title"] = HOSTILE_TITLE
        hostile = os.path.join(tmp, "hostile.json")
        with open(hostile, "w") as f:
            json.dump(doc, f)
        bad = os.path.join(tmp, "bad.json")
        with open(bad, "w") as f:
            f.write('{"format": "pc5-trace/1",\n "events": [}\n')
        inputs = [hostile, bad, os.path.join(traces_dir, "tr33847-sol", "seed-conform-two-rekeys.json")]
        oracle = json.loads(pc5check(exe, [*inputs, "--format", "json"]))
        page = os.path.join(artifacts, "report-violation.html")
        pc5check(exe, [*inputs, "--format", "html", "-o", page])
        dom = parse(dump_dom(chromium, page))
        check_report(dom, oracle, "hostile")
        scripts = list(dom.find_all("script"))
        check(len(scripts) == 1, f"hostile: {len(scripts)} script elements, expected only the report's own")
        check(not list(dom.find_all("img")), "hostile: an <img> element was created from a title")
        titles = [n.text() for n in dom.find_all(cls="ttitle")]
        check(HOSTILE_TITLE in titles, f"hostile: the title is not shown verbatim as text: {titles}")
        screenshot(chromium, page, os.path.join(artifacts, "report-violation.png"), "1280,2400")

    return finish(f"html report: corpus and hostile-title pages pass in Chromium "
                  f"({time.monotonic() - started:.1f} s); screenshots in {artifacts}")


if __name__ == "__main__":
    sys.exit(main())
