#!/usr/bin/python3
"""`pc5check monitor` and `-` for standard input (docs/cli.md, docs/lab.md).

monitor_test.py MODE PC5CHECK SOURCE_DIR WORK_DIR

- corpus: every corpus trace (traces/*/, each .jsonl line one trace) replayed at full speed by the lab
  script (docs/examples/lab_replay.py) through a pipe into `monitor -` gives check's verdict and rule IDs,
  and every violation and warning at the event where check reports it. `check` decides a trace that
  leaves values open symbolically, which needs the whole trace: those are compared with
  `check --concrete`, the replay the monitor runs. A conforming trace that ends in the middle of a
  re-keying is `inconclusive` for the monitor, naming the UE that owes the next message.
- fifo: half a violating trace written into a FIFO gives its finding before the rest is written.
- signal: SIGINT (and SIGTERM) mid-stream end the run with exit 1, the findings so far and the verdict
  `inconclusive`, while the writer keeps the stream open.
- bad-lines: bad lines are reported with their line number and the stream goes on; --stop-on-error stops.
- stdin: `-` reads standard input for check and monitor, .json and .jsonl alike.
- open: a conforming re-keying with authentication cut after each of its messages, for both specs: the
  verdict is `inconclusive`, its `owes` names the peer of the last message's sender and the messages the
  spec's transitions let it send, and the text verdict says the same.
"""
import concurrent.futures
import importlib.util
import json
import os
import select
import signal
import subprocess
import sys
import time

mode, pc5check, source, work = sys.argv[1:5]
replay_script = os.path.join(source, "docs/examples/lab_replay.py")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def corpus_traces():
    """(label, file, line, trace) of every corpus trace."""
    out = []
    for root, _, files in sorted(os.walk(os.path.join(source, "traces"))):
        for name in sorted(files):
            path = os.path.join(root, name)
            if name.endswith(".json"):
                out.append((os.path.relpath(path, source), path, 1, json.load(open(path, encoding="utf-8"))))
            elif name.endswith(".jsonl"):
                for number, text in enumerate(open(path, encoding="utf-8"), start=1):
                    if text.strip():
                        out.append((f"{os.path.relpath(path, source)}:{number}", path, number, json.loads(text)))
    return out


def check_report(paths, *options):
    r = subprocess.run([pc5check, "check", "--format", "json", *options, *paths], capture_output=True,
                       text=True, check=False)
    check(r.returncode in (0, 1), f"check {options}: exit {r.returncode}: {r.stderr}")
    return {(os.path.relpath(t["file"], source) if os.path.isabs(t["file"]) else t["file"], t["line"]): t
            for t in json.loads(r.stdout)["traces"]}


def lab_replay():
    """The lab script (docs/examples/lab_replay.py) as a module: its replay() writes the stream."""
    spec = importlib.util.spec_from_file_location("lab_replay", replay_script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def monitor_lines(trace):
    """The JSON lines `monitor -` writes for the lab script's replay of `trace` at full speed through a
    pipe (in this process: a Python start per trace would take most of the test's time), and its exit code."""
    proc = subprocess.Popen([pc5check, "monitor", "-", "--format", "json"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    LAB.replay(trace, proc.stdin, 0)
    proc.stdin.close()
    out = proc.stdout.read()
    return [json.loads(l) for l in out.splitlines()], proc.wait()


def findings(items):
    return sorted((f["rule"], f["event"], f["severity"] if "severity" in f else f["type"]) for f in items)


def test_corpus():
    traces = corpus_traces()
    report = check_report([os.path.join(source, "traces")])
    symbolic = sorted({f for (label, f, line, _) in traces if report[(os.path.relpath(f, source), line)]["mode"] == "symbolic"})
    concrete = check_report(symbolic, "--concrete") if symbolic else {}
    # Two at a time: most of the time is process start-up.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        streamed = list(pool.map(lambda t: monitor_lines(t[3]), traces))
    open_at_end = compared = 0
    for (label, path, line, _), (lines, code) in zip(traces, streamed):
        key = (os.path.relpath(path, source), line)
        expected = concrete.get(key, report[key])
        verdict = lines[-1] if lines else {}
        check(verdict.get("type") == "verdict", f"{label}: the last line is the verdict: {lines[-1:]}")
        got = findings([l for l in lines if l["type"] in ("violation", "warning")])
        want = findings([dict(v, severity="warning" if v["severity"] == "warning" else "violation")
                         for v in expected.get("violations", [])])
        check(got == want, f"{label}: findings {got}, check: {want}")
        check(verdict.get("rules") == sorted(expected["rules"]), f"{label}: rules {verdict.get('rules')}, check {expected['rules']}")
        if expected["verdict"] == "conforms" and verdict.get("open"):
            open_at_end += 1
            print(f"{label}: {verdict['note']}")
            check(verdict["verdict"] == "inconclusive" and ("owes" in verdict["note"] or "neither" in verdict["note"]),
                  f"{label}: an open re-keying at the end is inconclusive and says who owes: {verdict}")
        else:
            check(verdict.get("verdict") == expected["verdict"], f"{label}: verdict {verdict.get('verdict')}, check {expected['verdict']}")
        check(code == (0 if verdict.get("verdict") == "conforms" else 1), f"{label}: exit {code} for {verdict.get('verdict')}")
        compared += 1
    print(f"{compared} corpus traces streamed; {len(symbolic)} file(s) compared with check --concrete; "
          f"{open_at_end} conforming trace(s) end with a re-keying open")
    check(compared > 100, f"the corpus has its traces: {compared}")


def read_line(proc, timeout):
    """One line of the monitor's stdout within `timeout` seconds, or None."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return json.loads(proc.stdout.readline()) if ready else None


def stream_of(path):
    trace = json.load(open(path, encoding="utf-8"))
    header = {k: v for k, v in trace.items() if k != "events"}
    return [json.dumps(header)] + [json.dumps(e) for e in trace["events"]]


def violating_stream():
    """The lines of a violating corpus trace and the index of its (only) violating event."""
    path = os.path.join(source, "traces/ts33536-r17/viol-smc-echo-caps.json")
    report = check_report([path])
    events = [v["event"] for t in report.values() for v in t["violations"]]
    return stream_of(path), events[0]


def test_fifo():
    lines, bad_event = violating_stream()
    fifo = os.path.join(work, "events.fifo")
    os.makedirs(work, exist_ok=True)
    if os.path.exists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)
    proc = subprocess.Popen([pc5check, "monitor", fifo, "--format", "json"], stdout=subprocess.PIPE, text=True)
    with open(fifo, "w", encoding="utf-8") as writer:
        for line in lines[:bad_event + 2]:  # the header, then the events up to the violating one
            writer.write(line + "\n")
        writer.flush()
        first = read_line(proc, 20)
        check(first is not None and first["type"] == "violation" and first["event"] == bad_event,
              f"the finding comes while the stream is open: {first}")
        for line in lines[bad_event + 2:]:
            writer.write(line + "\n")
    rest = [json.loads(l) for l in proc.stdout.read().splitlines()]
    check(proc.wait(20) == 1 and rest and rest[-1]["verdict"] == "violation",
          f"the whole stream: exit {proc.returncode}, {rest[-1:]}")
    os.unlink(fifo)


def interrupted(fmt, lines, signum, read_first):
    """`monitor - --format FMT` fed `lines` with the stream left open; `read_first(proc)` reads the first
    finding, then `signum` is sent (a monitor still running 20 s later is killed: a failure). Returns
    (the first finding, the rest of stdout, the exit code)."""
    proc = subprocess.Popen([pc5check, "monitor", "-", "--format", fmt], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    for line in lines:
        proc.stdin.write(line + "\n")
    proc.stdin.flush()
    first = read_first(proc)
    time.sleep(0.2)  # the monitor now waits for the writer, who stalls with the stream open
    proc.send_signal(signum)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        check(False, f"signal {signum} ({fmt}): the monitor did not end while its writer stalled")
    out = proc.stdout.read()
    proc.stdin.close()
    return first, out, proc.returncode


def test_signal(signum):
    lines, bad_event = violating_stream()
    first, out, code = interrupted("json", lines[:bad_event + 3], signum, lambda proc: read_line(proc, 20))
    check(first is not None and first["type"] == "violation", f"finding before the signal: {first}")
    verdict = json.loads(out.splitlines()[-1])
    name = signal.Signals(signum).name
    check(code == 1, f"{name}: exit {code}")
    check(verdict["verdict"] == "inconclusive" and verdict["interrupted"] and name in verdict["note"],
          f"{name}: inconclusive, interrupted: {verdict}")
    check(verdict["events"] == bad_event + 2 and verdict["rules"] == [first["rule"]] and verdict["violations"] == 1,
          f"{name}: the findings so far: {verdict}")
    check(f"1 violation(s) found so far ({first['rule']})" in verdict["note"],
          f"{name}: the note lists the violations found before the cut: {verdict['note']}")

    # Text output: the finding, then the verdict naming it.
    def first_text_line(proc):
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        return proc.stdout.readline() if ready else ""

    first_text, rest, code = interrupted("text", lines[:bad_event + 3], signum, first_text_line)
    out = first_text + rest
    check(code == 1 and out.startswith(f"violation {first['rule']} at event {bad_event}")
          and f"inconclusive  stopped by {name}" in out and f"found so far ({first['rule']})" in out,
          f"{name} (text): exit {code}: {out}")


def run(args, stdin_text):
    r = subprocess.run([pc5check, *args], input=stdin_text, capture_output=True, text=True, check=False)
    return r.returncode, r.stdout, r.stderr


def test_bad_lines():
    lines, bad_event = violating_stream()
    # Line 3 is not JSON, line 4 has an unknown key; the violating event comes after them.
    stream = lines[:2] + ['{"at": 1.0, "from": "initiator", "msg": "DATA"', '{"at":1,"from":"initiator","msg":"DATA","colour":1}'] + lines[2:]
    code, out, err = run(["monitor", "-", "--format", "json"], "\n".join(stream) + "\n")
    items = [json.loads(l) for l in out.splitlines()]
    bad = [i for i in items if i["type"] == "bad-line"]
    check(code == 2, f"bad lines: exit {code}")
    check([b["line"] for b in bad] == [3, 4], f"bad lines reported by line: {bad}")
    check("invalid JSON" in bad[0]["error"] and "<stdin>:3:" in bad[0]["error"], f"line 3's message: {bad[:1]}")
    check(len(bad) > 1 and "/events/2/colour" in bad[1]["error"] and "unknown key 'colour'" in bad[1]["error"],
          f"line 4's message: {bad[1:2]}")
    check("<stdin>:3:" in err, f"bad lines also on stderr: {err}")
    viol = [i for i in items if i["type"] == "violation"]
    check(viol and viol[0]["event"] == bad_event + 2, f"the stream goes on after bad lines: {viol}")
    check(items[-1]["verdict"] == "bad-input" and items[-1]["bad_lines"] == 2, f"verdict: {items[-1]}")
    code, out, _ = run(["monitor", "-", "--format", "json", "--stop-on-error"], "\n".join(stream) + "\n")
    items = [json.loads(l) for l in out.splitlines()]
    check(code == 2 and [i["type"] for i in items] == ["bad-line", "verdict"] and items[-1]["events"] == 2,
          f"--stop-on-error stops at the first bad line: exit {code}, {items}")
    code, out, err = run(["monitor", "-", "--format", "json"], '{"format": "pc5-trace/1"\n')
    check(code == 2 and "<stdin>:1:" in err and json.loads(out.splitlines()[-1])["verdict"] == "bad-input",
          f"a bad header line: exit {code}, {err}")
    code, out, err = run(["monitor", "-", "--format", "json"], "")
    check(code == 2 and "found an empty stream" in err, f"an empty stream: exit {code}, {err}")


def test_stdin():
    plain = os.path.join(source, "traces/ts33536-r17/viol-order.json")
    jsonl = os.path.join(source, "traces/ts33536-r17/ts33536-r17-random-100.jsonl")
    text = open(plain, encoding="utf-8").read()
    by_name = check_report([plain])
    code, out, err = run(["check", "-", "--format", "json"], text)
    got = json.loads(out)["traces"] if out else []
    check(code == 1 and len(got) == 1 and got[0]["file"] == "<stdin>", f"check - (.json): exit {code}, {err}")
    check(got and got[0]["rules"] == list(by_name.values())[0]["rules"], "check - gives the file's rules")
    code, out, err = run(["check", "-", "--input-format", "jsonl", "--format", "json"], open(jsonl, encoding="utf-8").read())
    got = json.loads(out)["traces"] if out else []
    want = check_report([jsonl])
    check(code == 1 and [(t["line"], t["verdict"], t["rules"]) for t in got]
          == [(t["line"], t["verdict"], t["rules"]) for t in want.values()], f"check - --input-format jsonl: exit {code}, {err}")
    code, out, err = run(["check", "-", "-"], text)
    check(code == 2 and "only once" in err, f"- twice: exit {code}, {err}")
    code, out, err = run(["monitor", "-", "--input-format", "json", "--format", "json"], text)
    verdict = json.loads(out.splitlines()[-1]) if out else {}
    check(code == 1 and verdict.get("rules") == list(by_name.values())[0]["rules"], f"monitor - (.json): exit {code}, {err}")
    first = open(jsonl, encoding="utf-8").readline()
    code, out, err = run(["monitor", "-", "--format", "json"], first)
    verdict = json.loads(out.splitlines()[-1]) if out else {}
    check(verdict.get("rules") == want[(os.path.relpath(jsonl, source), 1)]["rules"] and code in (0, 1),
          f"monitor - with a .jsonl line (a whole trace as the header line): exit {code}, {verdict}")
    code, _, err = run(["check", "-", "--format", "json"], "{}")
    check(code == 2 and "<stdin>" in err, f"a bad document on stdin names <stdin>: exit {code}, {err}")


def test_open():
    # The messages each UE may answer with (Ref: TS 24.554 7.2.10-7.2.12; TR 33.847 6.7).
    target_next = ["AUTH_REQUEST", "AUTH_REJECT", "AUTH_FAILURE", "SECURITY_MODE_COMMAND"]
    owed = {
        "REKEYING_REQUEST": ("target", target_next),
        "AUTH_REQUEST": ("initiator", ["AUTH_RESPONSE", "AUTH_REJECT", "AUTH_FAILURE"]),
        "AUTH_RESPONSE": ("target", target_next),
    }
    specs = {
        "traces/ts33536-r17/conform-reauth.json": dict(owed, SECURITY_MODE_COMMAND=(
            "initiator", ["SECURITY_MODE_COMPLETE", "SECURITY_MODE_REJECT"]),
            SECURITY_MODE_COMPLETE=("target", ["REKEYING_RESPONSE"])),
        "traces/tr33847-sol/seed-conform-reauth.json": dict(owed, SECURITY_MODE_COMMAND=(
            "initiator", ["SECURITY_MODE_COMPLETE"]), SECURITY_MODE_COMPLETE=("target", ["REKEYING_ACCEPT"])),
    }
    for path, by_msg in specs.items():
        lines = stream_of(os.path.join(source, path))
        seen = set()
        for i, line in enumerate(lines[1:]):
            msg = json.loads(line)["msg"]
            if msg not in by_msg:
                continue
            seen.add(msg)
            role, messages = by_msg[msg]
            text = "\n".join(lines[:i + 2]) + "\n"
            code, out, _ = run(["monitor", "-", "--format", "json"], text)
            verdict = json.loads(out.splitlines()[-1])
            check(code == 1 and verdict["verdict"] == "inconclusive", f"{path} cut after {msg}: exit {code}, {verdict}")
            check(verdict["owes"] == {"role": role, "messages": messages}, f"{path} cut after {msg}: owes {verdict['owes']}")
            words = messages[0] if len(messages) == 1 else ", ".join(messages[:-1]) + " or " + messages[-1]
            code, out, _ = run(["monitor", "-", "--format", "text"], text)
            check(code == 1 and f"the {role} owes {words}" in out and out.count(" owes ") == 1,
                  f"{path} cut after {msg}: the text verdict names the {role} alone: {out}")
        check(seen == set(by_msg), f"{path}: every message of the procedure was cut after: {seen}")


LAB = lab_replay()
if mode == "corpus":
    test_corpus()
elif mode == "fifo":
    test_fifo()
elif mode == "signal":
    test_signal(signal.SIGINT)
    test_signal(signal.SIGTERM)
elif mode == "bad-lines":
    test_bad_lines()
elif mode == "stdin":
    test_stdin()
elif mode == "open":
    test_open()
else:
    sys.exit(f"unknown mode {mode}")
print("FAILED" if failures else "ok", f"({len(failures)} failure(s))")
sys.exit(1 if failures else 0)
