#!/usr/bin/env python3
"""Writes one conforming pc5-trace/1 trace of N DATA events (real 128-NIA2 MAC-Is under the context
in force), one event per line, for memory tests of `pc5check check` on long traces.

Usage: make_long_trace.py N OUT.json [--jsonl]   (--jsonl: the whole trace on one line)
Crypto comes from tests/data/external/write_traces.py (independent of the checker's own).
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "external"))
import write_traces as w  # noqa: E402


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    one_line = "--jsonl" in sys.argv[3:]
    rng = random.Random(1)
    k_nrp, k_nrp_id, ksess0, ctx0_id = w.base_link(rng)
    ctx = w.Context(ctx0_id, ksess0, "NIA2", w.old_context_counts(rng))
    link = {"k_nrp_id": k_nrp_id, "k_nrp_sess_id": ctx0_id,
            "selected_algs": {"nea": "NEA2", "nia": "NIA2"},
            "k_nrp_sess": ksess0.hex(), "initiator_sec_cap": w.CAPS, "signalling_policy": w.POLICY}
    head = {"format": "pc5-trace/1", "spec": "ts33536-r17", "title": "%d DATA events" % n,
            "observer": "air", "link": link, "keys": [{"k_nrp_id": k_nrp_id, "k_nrp": k_nrp.hex()}]}
    sep = "" if one_line else "\n"
    payload = bytes(range(24))
    with open(out, "w") as f:
        f.write(json.dumps(head)[:-1] + ', "events": [' + sep)
        for i in range(n):
            frm = "initiator" if i % 2 == 0 else "target"
            direction = w.DIR[frm]
            count = ctx.next_count(w.BEARER_DATA, direction)
            mac = w.nia2(ctx.ik, count, w.BEARER_DATA, direction, payload)
            ev = {"at": i * 0.001, "from": frm, "msg": "DATA",
                  "sec": {"ctx": ctx.id, "count": count, "bearer": w.BEARER_DATA, "direction": direction,
                          "mac": mac.hex(), "ciphered": True},
                  "pdu": payload.hex()}
            f.write(("" if i == 0 else "," + sep) + json.dumps(ev, separators=(",", ":")))
        f.write(sep + '], "expect": {"verdict": "conforms", "rules": []}}\n')


if __name__ == "__main__":
    main()
