#!/usr/bin/env python3
"""Replays a captured pc5-trace/1 trace as an event stream, as a capture tool would write it while the
capture runs: the header (the trace without `events`) on the first line, then one event per line, each
written when its `at` comes (docs/lab.md). Python standard library only.

    python3 docs/examples/lab_replay.py traces/ts33536-r17/viol-order.json | pc5check monitor -
    python3 docs/examples/lab_replay.py capture.jsonl --line 3 --speed 10 -o /tmp/pc5.fifo
    python3 docs/examples/lab_replay.py capture.json --speed 0          # as fast as the reader takes it

Exit status: 0 when every line was written, 1 when the reader went away first, 2 for bad usage or an
unreadable trace.
"""

import argparse
import json
import os
import sys
import time


def load_trace(path, line):
    """The trace of a .json file, or of line `line` (1-based) of a .jsonl file."""
    with open(path, encoding="utf-8") as f:
        if not path.endswith(".jsonl"):
            return json.load(f)
        for number, text in enumerate(f, start=1):
            if number == line:
                return json.loads(text)
    raise ValueError(f"{path} has no line {line}")


def stream_lines(trace):
    """(time in seconds or None, line) for the header, then for each event."""
    compact = {"separators": (",", ":"), "ensure_ascii": False}
    header = {key: value for key, value in trace.items() if key != "events"}
    yield None, json.dumps(header, **compact)
    for event in trace.get("events", []):
        yield event.get("at"), json.dumps(event, **compact)


def replay(trace, out, speed):
    """Writes the stream to `out`, an event when its time comes (`speed` times real time; 0: at once)."""
    start = time.monotonic()
    first_at = None
    for at, line in stream_lines(trace):
        if speed > 0 and at is not None:
            first_at = at if first_at is None else first_at
            delay = (at - first_at) / speed - (time.monotonic() - start)
            if delay > 0:
                time.sleep(delay)
        out.write(line + "\n")
        out.flush()  # the reader sees each event when it happens, not when a buffer fills


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("trace", help="a pc5-trace/1 .json file, or a .jsonl file with --line")
    parser.add_argument("--line", type=int, default=1, help="which line of a .jsonl file (default 1)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="times real time (default 1: the capture's own pace; 0: no waiting)")
    parser.add_argument("-o", "--output", help="write here (a FIFO, a file) instead of standard output")
    args = parser.parse_args()
    try:
        trace = load_trace(args.trace, args.line)
    except (OSError, ValueError) as e:
        print(f"lab_replay: {e}", file=sys.stderr)
        return 2
    try:
        if args.output:
            with open(args.output, "w", encoding="utf-8") as out:
                replay(trace, out, args.speed)
        else:
            replay(trace, sys.stdout, args.speed)
    except BrokenPipeError:
        # The reader stopped (interrupted, --stop-on-error). Standard output goes nowhere from here on,
        # so that Python's own flush at exit does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
