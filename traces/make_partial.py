#!/usr/bin/env python3
"""Writes traces/ts33536-r17/partial/: partial versions of catalogue traces, as real captures are
(one UE's own log, keys not logged, PDCP protection not logged, IEs not decoded, a message missed).

Each derived trace gets an `expect` written here from what the removed information does, argued in
the `why` line of each case (the checker's output is never copied into an expectation):
  - "hides": the violation of the full trace can no longer be proven -> conforms, and the rule that
    was broken is reported `unverified` with the assumption that makes it hold;
  - "provable": what remains still proves a violation (the rule IDs of the conflict are named);
  - "missing": a message was removed; with `max_missing` the solver inserts it (assumption listed).
Re-run after regenerating the catalogue:  python3 traces/make_partial.py
"""
import copy
import json
import os

ROOT = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(ROOT, "ts33536-r17")
DST = os.path.join(SRC, "partial")


def load(name):
    with open(os.path.join(SRC, name + ".json")) as f:
        return json.load(f)


def no_keys(t):
    t = copy.deepcopy(t)
    t.pop("keys", None)
    t["link"].pop("k_nrp_sess", None)
    return t


def observer(t, who):
    t = copy.deepcopy(t)
    t["observer"] = who
    return t


def no_sec(t):
    t = copy.deepcopy(t)
    for e in t["events"]:
        e.pop("sec", None)
    return t


def ie_not_decoded(t, index, ie=None):
    t = copy.deepcopy(t)
    if ie is None:
        t["events"][index]["ie"] = None
    else:
        t["events"][index]["ie"][ie] = None
    return t


def drop(t, index, msg):
    t = copy.deepcopy(t)
    assert t["events"][index]["msg"] == msg, (index, t["events"][index]["msg"])
    del t["events"][index]
    return t


CASES = [
    # (name, source, transform, expect, why)
    ("initiator-log-conform-plain", "conform-plain", lambda t: observer(t, "initiator"),
     {"verdict": "conforms", "rules": [], "assumed": ["received by the target"]},
     "the initiator's own log: whether the target received what the initiator sent is open; the "
     "target's answers show it did"),
    ("target-log-viol-algs-allowed", "viol-algs-allowed", lambda t: observer(t, "target"),
     {"verdict": "violation", "rules": ["ALGS_ALLOWED"]},
     "provable: the target's own SMC selects NEA1, which the request it received does not offer"),
    ("no-keys-conform-plain", "conform-plain", no_keys,
     {"verdict": "conforms", "rules": [], "unverified": ["REQ_OLD_CONTEXT", "SMC_NEW_CONTEXT"],
      "assumed": ["k_nrp_sess not logged"]},
     "no K_NRP / K_NRP-sess: no MAC-I can be verified, every MAC check holds only under assumptions"),
    ("no-keys-viol-req-old-context", "viol-req-old-context", no_keys,
     {"verdict": "conforms", "rules": [], "unverified": ["REQ_OLD_CONTEXT"]},
     "hides: the request's MAC-I was wrong, which only the keys show; no later message depends on it"),
    ("no-keys-viol-smc-new-context", "viol-smc-new-context", no_keys,
     {"verdict": "violation", "rules": ["SMC_NEW_CONTEXT"]},
     "provable: the SMC names the old K_NRP-sess ID in its PDCP header, visible without keys"),
    ("no-keys-fool-smc-old-key-new-ctx", "fool-smc-old-key-new-ctx", no_keys,
     {"verdict": "violation", "rules": ["REJECT_CAUSE", "SMC_NEW_CONTEXT"]},
     "provable as a conflict: without keys either the SMC's MAC-I was bad (target at fault) or the "
     "initiator's reject with cause #7 was unfounded (initiator at fault); both cannot be right"),
    ("ie-not-decoded-conform-plain", "conform-plain", lambda t: ie_not_decoded(t, 4),
     {"verdict": "conforms", "rules": [], "unverified": ["SMC_ECHO_CAPS"], "assumed": ["not decoded"]},
     "the SMC's IEs were not decoded: echo, algorithms and Nonce_2 are open"),
    ("ie-not-decoded-viol-smc-echo-caps", "viol-smc-echo-caps", lambda t: ie_not_decoded(t, 4, "ue_sec_cap"),
     {"verdict": "violation", "rules": ["REJECT_CAUSE", "SMC_ECHO_CAPS"]},
     "provable as a conflict: the echo is not decoded, but the initiator rejected with #8 (mismatch): "
     "either the echo was wrong or the cause was"),
    ("sec-not-logged-conform-plain", "conform-plain", no_sec,
     {"verdict": "conforms", "rules": [], "assumed": ["protection not logged"]},
     "a PC5-S-only log without PDCP: protection of every message is open"),
    ("sec-not-logged-viol-algs-allowed", "viol-algs-allowed", no_sec,
     {"verdict": "violation", "rules": ["ALGS_ALLOWED"]},
     "provable: the selected algorithms are IEs, logged"),
    ("missing-complete-conform-plain", "conform-plain", lambda t: drop(t, 6, "SECURITY_MODE_COMPLETE"),
     {"verdict": "conforms", "rules": [], "max_missing": 1, "assumed": ["one unlogged SECURITY_MODE_COMPLETE"]},
     "the sniffer missed the COMPLETE; the REKEYING_RESPONSE needs one, so the solver inserts it"),
    ("missing-complete-not-allowed", "conform-plain", lambda t: drop(t, 6, "SECURITY_MODE_COMPLETE"),
     {"verdict": "violation", "rules": ["ORDER"]},
     "same capture without --max-missing: the target sends the RESPONSE while still waiting for the "
     "COMPLETE (RESPONSE_NEW_CONTEXT only judges a response sent after a COMPLETE)"),
    ("missing-request-conform-plain", "conform-plain", lambda t: drop(t, 2, "REKEYING_REQUEST"),
     {"verdict": "conforms", "rules": [], "max_missing": 1, "assumed": ["one unlogged REKEYING_REQUEST"]},
     "the request was missed: an SMC needs one before it; its Nonce_1 is then open"),
    ("missing-data-viol-algs-allowed", "viol-algs-allowed", lambda t: drop(t, 3, "DATA"),
     {"verdict": "violation", "rules": ["ALGS_ALLOWED"], "max_missing": 1},
     "provable whatever was missed: no inserted message changes the algorithms the SMC selects"),
    ("timeout-missing-complete", "conform-plain", lambda t: drop(t, 6, "SECURITY_MODE_COMPLETE"),
     {"verdict": "inconclusive", "rules": [], "max_missing": 2, "timeout_ms": 1, "limit": "--timeout-ms"},
     "a 1 ms solver budget cannot even cover encoding: inconclusive with the time limit named"),
]


def main():
    os.makedirs(DST, exist_ok=True)
    for name, source, transform, expect, why in CASES:
        t = transform(load(source))
        t["title"] = "partial %s: from %s; %s" % (name, source, why)
        t["expect"] = expect
        with open(os.path.join(DST, name + ".json"), "w") as f:
            json.dump(t, f, indent=1, sort_keys=True)
            f.write("\n")
    print("wrote %d partial traces to %s" % (len(CASES), DST))


if __name__ == "__main__":
    main()
