#!/usr/bin/env python3
"""Independent writer of pc5-trace/1 traces for pc5check.

Run by hand, NOT in CI:

    python3 tests/data/external/write_traces.py

Needs Python 3 with the standard library and `cryptography` (pyca, for AES-CMAC).
It rewrites the external-*.json files next to this script, deterministically
(random.Random(2024)).

Purpose: check that a trace written by someone else, only from the contract
(docs/trace-format.md, pc5-trace/1; rule IDs from docs/rules.md; key derivation
and NIA2 layout from TS 33.536 Annex A / TS 33.401 B.2; spec/ts33536-r17.json), gets the
right verdict and rule IDs. It deliberately shares no code with the checker's
own generator (checker/src/gen), which was not read: the crypto, the PDU byte
encoding, the COUNT start values, and the DIRECTION convention (initiator = 1,
target = 0) are all our own.

Files written:
  external-plain.json          conforming plain re-keying, keys + PDUs logged
  external-reauth.json         conforming re-keying with re-authentication
  external-echo-mismatch.json  SMC echo drops an algorithm -> SMC_ECHO_CAPS
  external-smc-old-key.json    SMC MAC-I under the old NRPIK -> SMC_NEW_CONTEXT
  external-no-keys.json        like plain, no keys / k_nrp_sess / pdus -> conforms
"""

import hashlib
import hmac
import json
import os
import random
import struct

from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import algorithms

OUT_DIR = os.path.dirname(os.path.abspath(__file__))

# Roles -> DIRECTION bit. Deliberately initiator 1 / target 0.
DIR = {"initiator": 1, "target": 0}
# Bearers: SL-SRB1 for SMC/COMPLETE, SL-SRB2 for other PC5-S, an SL-DRB on LCID 5 for DATA.
BEARER_SRB1, BEARER_SRB2, BEARER_DATA = 1, 2, 5
ALG_ID = {"NEA0": 0, "NEA1": 1, "NEA2": 2, "NEA3": 3, "NIA0": 0, "NIA1": 1, "NIA2": 2, "NIA3": 3}


# --------------------------------------------------------------------------- crypto

def kdf(key: bytes, fc: int, *params: bytes) -> bytes:
    """TS 33.220 Annex B: HMAC-SHA-256(key, FC || P0 || L0 || P1 || L1 ...)."""
    s = bytes([fc])
    for p in params:
        s += p + struct.pack(">H", len(p))
    return hmac.new(key, s, hashlib.sha256).digest()


def k_nrp_sess(k_nrp: bytes, nonce_1: bytes, nonce_2: bytes) -> bytes:
    return kdf(k_nrp, 0x7F, nonce_1, nonce_2)


def nrpik(ksess: bytes, nia: str) -> bytes:
    return kdf(ksess, 0x7E, b"\x01", bytes([ALG_ID[nia]]))[-16:]


def nrpek(ksess: bytes, nea: str) -> bytes:
    return kdf(ksess, 0x7E, b"\x00", bytes([ALG_ID[nea]]))[-16:]


def nia2(key: bytes, count: int, bearer: int, direction: int, message: bytes) -> bytes:
    """128-NIA2: first 32 bits of AES-128-CMAC over COUNT||BEARER||DIRECTION||0^26||MESSAGE."""
    m = struct.pack(">I", count) + bytes([(bearer << 3) | (direction << 2), 0, 0, 0]) + message
    c = cmac.CMAC(algorithms.AES(key))
    c.update(m)
    return c.finalize()[:4]


def self_test() -> None:
    # TS 33.401 C.2 128-EIA2 test set 2
    mac = nia2(bytes.fromhex("d3c5d592327fb11c4035c6680af8c6d1"), 0x398A59B4, 0x1A, 1,
               bytes.fromhex("484583d5afe082ae"))
    assert mac.hex() == "b93787e6", mac.hex()
    # facts file section 5 example (self-computed there, recomputed here)
    k = bytes(range(32))
    n1 = bytes.fromhex("00112233445566778899aabbccddeeff")
    n2 = bytes.fromhex("ffeeddccbbaa99887766554433221100")
    ks = k_nrp_sess(k, n1, n2)
    assert ks.hex() == "45400a62017ceb9ab45e33c755d7120f4f6e44af276d3522425c156ddcbaab46", ks.hex()
    assert nrpik(ks, "NIA2").hex() == "47470e9368b589e5cd5f1bf24fc1f879"
    assert nrpek(ks, "NEA2").hex() == "4d36cc0138b452b7b3ec9740a4e60000"


# --------------------------------------------------------------------------- our own PDU encoding
# One octet message code, then TLVs (tag 1 octet, length 2 octets BE, value). Nothing to do with
# the real TS 24.554 coding; the checker only needs the bytes the MAC covers.

MSG_CODE = {"REKEYING_REQUEST": 0xA1, "AUTH_REQUEST": 0xA2, "AUTH_RESPONSE": 0xA3,
            "SECURITY_MODE_COMMAND": 0xA4, "SECURITY_MODE_COMPLETE": 0xA5,
            "SECURITY_MODE_REJECT": 0xA6, "REKEYING_RESPONSE": 0xA7, "RELEASE": 0xA8}
IE_TAG = {"ue_sec_cap": 0x01, "nonce_1": 0x02, "msb_k_nrp_sess_id": 0x03, "reauth": 0x04,
          "key_est_info": 0x05, "cause": 0x06, "selected_algs": 0x07, "nonce_2": 0x08,
          "lsb_k_nrp_sess_id": 0x09, "msbs_k_nrp_id": 0x0A, "lsbs_k_nrp_id": 0x0B}


def _caps_bits(names):
    b = 0
    for n in names:
        b |= 0x80 >> ALG_ID[n]
    return b


def encode_ie(name, value) -> bytes:
    if name == "ue_sec_cap":
        return bytes([_caps_bits(value["nea"]), _caps_bits(value["nia"])])
    if name == "selected_algs":
        return bytes([(ALG_ID[value["nea"]] << 4) | ALG_ID[value["nia"]]])
    if name == "reauth":
        return b"\x01" if value else b"\x00"
    if name in ("nonce_1", "nonce_2", "key_est_info"):
        return bytes.fromhex(value)
    if name in ("msbs_k_nrp_id", "lsbs_k_nrp_id"):
        return struct.pack(">H", value)
    return bytes([value])  # one-octet integers


def encode_pdu(msg, ie) -> bytes:
    out = bytes([MSG_CODE[msg]])
    for name in sorted(ie, key=lambda n: IE_TAG[n]):
        v = encode_ie(name, ie[name])
        out += bytes([IE_TAG[name]]) + struct.pack(">H", len(v)) + v
    return out


# --------------------------------------------------------------------------- trace builder

class Context:
    def __init__(self, ctx_id, ksess, nia, counts=None):
        self.id, self.ksess, self.nia = ctx_id, ksess, nia
        self.ik = nrpik(ksess, nia)
        self.counts = dict(counts or {})  # (bearer, direction) -> next COUNT

    def next_count(self, bearer, direction):
        c = self.counts.get((bearer, direction), 0)
        self.counts[(bearer, direction)] = c + 1
        return c


class Trace:
    def __init__(self, rng):
        self.rng = rng
        self.events = []
        self.t = round(rng.uniform(0.0, 5.0), 3)

    def add(self, frm, msg, ie, ctx, bearer, *, mac_ctx=None, ciphered=None, pdu=None):
        """Log one event protected under `ctx` (the header); MAC-I computed under `mac_ctx`
        (defaults to `ctx`)."""
        self.t = round(self.t + self.rng.uniform(0.001, 0.25), 3)
        direction = DIR[frm]
        if pdu is None:
            pdu = encode_pdu(msg, ie)
        count = ctx.next_count(bearer, direction)
        mc = mac_ctx or ctx
        mac = nia2(mc.ik, count, bearer, direction, pdu)
        sec = {"ctx": ctx.id, "count": count, "bearer": bearer, "direction": direction, "mac": mac.hex()}
        if ciphered is not None:
            sec["ciphered"] = ciphered
        ev = {"at": self.t, "from": frm, "msg": msg}
        if ie:
            ev["ie"] = ie
        ev["sec"] = sec
        ev["pdu"] = pdu.hex()
        self.events.append(ev)

    def data(self, frm, ctx):
        payload = bytes(self.rng.randrange(256) for _ in range(self.rng.randint(8, 40)))
        self.add(frm, "DATA", None, ctx, BEARER_DATA, ciphered=True, pdu=payload)


def rand_bytes(rng, n):
    return bytes(rng.randrange(256) for _ in range(n))


def old_context_counts(rng):
    # arbitrary, per (bearer, direction), as if the link had been in use for a while
    return {(b, d): rng.randint(17, 40000) for b in (BEARER_SRB2, BEARER_DATA) for d in (0, 1)}


CAPS = {"nea": ["NEA0", "NEA1", "NEA2"], "nia": ["NIA1", "NIA2"]}
POLICY = {"integrity": "REQUIRED", "ciphering": "PREFERRED"}


def base_link(rng):
    """Link set-up state: K_NRP, the K_NRP-sess from the (unlogged) establishment, ID."""
    k_nrp = rand_bytes(rng, 32)
    k_nrp_id = rng.randrange(1 << 32)
    ksess0 = k_nrp_sess(k_nrp, rand_bytes(rng, 16), rand_bytes(rng, 16))
    ctx0_id = rng.randrange(1, 1 << 16)
    return k_nrp, k_nrp_id, ksess0, ctx0_id


def document(title, link, keys, events, expect):
    # vendor-style key order: metadata first, events before link (order must not matter)
    doc = {"title": title, "source": {"vendor": "independent-python-writer",
                                      "device": "handwritten-model-v0"},
           "format": "pc5-trace/1", "spec": "ts33536-r17", "observer": "air",
           "events": events, "link": link}
    if keys is not None:
        doc["keys"] = keys
    doc["expect"] = expect
    return doc


def rekey_setup(rng, ctx0_id):
    """Pick request/SMC parameters with a new ID different from the one in force."""
    while True:
        msb, lsb = rng.randrange(256), rng.randrange(256)
        if (msb << 8) | lsb != ctx0_id:
            return msb, lsb, rand_bytes(rng, 16), rand_bytes(rng, 16)


def link_in_force(k_nrp, k_nrp_id, ksess0, ctx0_id):
    """The document's link (the context in force before the re-keying) and the K_NRP it logs."""
    link = {"k_nrp_id": k_nrp_id, "k_nrp_sess_id": ctx0_id,
            "selected_algs": {"nea": "NEA2", "nia": "NIA2"},
            "k_nrp_sess": ksess0.hex(), "initiator_sec_cap": CAPS, "signalling_policy": POLICY}
    keys = [{"k_nrp_id": k_nrp_id, "k_nrp": k_nrp.hex()}]
    return link, keys


def plain_rekey_start(rng):
    """Link set-up and one re-keying without re-authentication: the link and keys in force, the old
    context, the request/SMC parameters, the new context (from the K_NRP in force) and an empty trace."""
    k_nrp, k_nrp_id, ksess0, ctx0_id = base_link(rng)
    old = Context(ctx0_id, ksess0, "NIA2", old_context_counts(rng))
    msb, lsb, n1, n2 = rekey_setup(rng, ctx0_id)
    new = Context((msb << 8) | lsb, k_nrp_sess(k_nrp, n1, n2), "NIA2")
    link, keys = link_in_force(k_nrp, k_nrp_id, ksess0, ctx0_id)
    return link, keys, old, new, msb, lsb, n1, n2, Trace(rng)


def build_plain(rng):
    link, keys, old, new, msb, lsb, n1, n2, tr = plain_rekey_start(rng)

    tr.data("initiator", old)
    tr.data("target", old)
    tr.data("initiator", old)
    tr.add("initiator", "REKEYING_REQUEST",
           {"ue_sec_cap": CAPS, "nonce_1": n1.hex(), "msb_k_nrp_sess_id": msb, "reauth": False},
           old, BEARER_SRB2, ciphered=True)
    tr.data("target", old)
    # the echo lists the algorithms in another order: a set, order must not matter
    echo = {"nia": list(reversed(CAPS["nia"])), "nea": list(reversed(CAPS["nea"]))}
    tr.add("target", "SECURITY_MODE_COMMAND",
           {"selected_algs": {"nea": "NEA2", "nia": "NIA2"}, "ue_sec_cap": echo,
            "nonce_2": n2.hex(), "lsb_k_nrp_sess_id": lsb},
           new, BEARER_SRB1, ciphered=False)
    tr.data("initiator", old)
    tr.add("initiator", "SECURITY_MODE_COMPLETE", {}, new, BEARER_SRB1, ciphered=True)
    tr.data("target", old)
    tr.add("target", "REKEYING_RESPONSE", {}, new, BEARER_SRB2, ciphered=True)
    tr.data("initiator", new)
    tr.data("target", new)
    tr.data("target", new)
    tr.data("initiator", new)

    return link, keys, tr.events


def build_reauth(rng):
    k_nrp, k_nrp_id, ksess0, ctx0_id = base_link(rng)
    old = Context(ctx0_id, ksess0, "NIA2", old_context_counts(rng))
    msb, lsb, n1, n2 = rekey_setup(rng, ctx0_id)
    new_k_nrp = rand_bytes(rng, 32)
    while True:
        msbs, lsbs = rng.randrange(1 << 16), rng.randrange(1 << 16)
        if msbs != k_nrp_id >> 16:
            break
    new_k_nrp_id = (msbs << 16) | lsbs
    new = Context((msb << 8) | lsb, k_nrp_sess(new_k_nrp, n1, n2), "NIA2")
    tr = Trace(rng)

    tr.data("target", old)
    tr.data("initiator", old)
    tr.add("initiator", "REKEYING_REQUEST",
           {"ue_sec_cap": CAPS, "nonce_1": n1.hex(), "msb_k_nrp_sess_id": msb, "reauth": True},
           old, BEARER_SRB2, ciphered=True)
    tr.add("target", "AUTH_REQUEST", {"key_est_info": rand_bytes(rng, 24).hex()},
           old, BEARER_SRB2, ciphered=True)
    tr.add("initiator", "AUTH_RESPONSE", {"key_est_info": rand_bytes(rng, 24).hex()},
           old, BEARER_SRB2, ciphered=True)
    tr.data("initiator", old)
    tr.add("target", "SECURITY_MODE_COMMAND",
           {"selected_algs": {"nea": "NEA2", "nia": "NIA2"}, "ue_sec_cap": CAPS,
            "nonce_2": n2.hex(), "lsb_k_nrp_sess_id": lsb,
            "msbs_k_nrp_id": msbs, "key_est_info": rand_bytes(rng, 20).hex()},
           new, BEARER_SRB1, ciphered=False)
    tr.add("initiator", "SECURITY_MODE_COMPLETE", {"lsbs_k_nrp_id": lsbs}, new, BEARER_SRB1,
           ciphered=True)
    tr.add("target", "REKEYING_RESPONSE", {}, new, BEARER_SRB2, ciphered=True)
    tr.data("target", new)
    tr.data("initiator", new)

    link, keys = link_in_force(k_nrp, k_nrp_id, ksess0, ctx0_id)
    keys.append({"k_nrp_id": new_k_nrp_id, "k_nrp": new_k_nrp.hex()})
    return link, keys, tr.events


def build_rejected(rng, fault):
    """fault 'echo': echo drops an algorithm (reject #8); 'oldkey': MAC-I under old NRPIK (#7)."""
    link, keys, old, new, msb, lsb, n1, n2, tr = plain_rekey_start(rng)

    tr.data("initiator", old)
    tr.data("target", old)
    tr.add("initiator", "REKEYING_REQUEST",
           {"ue_sec_cap": CAPS, "nonce_1": n1.hex(), "msb_k_nrp_sess_id": msb},
           old, BEARER_SRB2, ciphered=True)
    if fault == "echo":
        echo = {"nea": CAPS["nea"], "nia": CAPS["nia"][1:]}  # NIA1 missing
        mac_ctx, cause = None, 8
    else:
        echo = CAPS
        mac_ctx, cause = old, 7  # header says new ctx, MAC-I computed with the OLD NRPIK
    tr.add("target", "SECURITY_MODE_COMMAND",
           {"selected_algs": {"nea": "NEA2", "nia": "NIA2"}, "ue_sec_cap": echo,
            "nonce_2": n2.hex(), "lsb_k_nrp_sess_id": lsb},
           new, BEARER_SRB1, mac_ctx=mac_ctx, ciphered=False)
    tr.add("initiator", "SECURITY_MODE_REJECT", {"cause": cause}, old, BEARER_SRB2, ciphered=True)
    tr.data("initiator", old)
    tr.data("target", old)

    return link, keys, tr.events


def strip_keys(link, events):
    link = {k: v for k, v in link.items() if k != "k_nrp_sess"}
    return link, [{k: v for k, v in ev.items() if k != "pdu"} for ev in events]


def write(name, doc):
    path = os.path.join(OUT_DIR, name)
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", path)


def main():
    self_test()
    rng = random.Random(2024)
    conforms = {"verdict": "conforms", "rules": []}

    link, keys, events = build_plain(rng)
    write("external-plain.json", document(
        "independent writer: plain re-keying, DATA before/during/after, echo in other order",
        link, keys, events, conforms))
    nk_link, nk_events = strip_keys(link, events)
    write("external-no-keys.json", document(
        "independent writer: plain re-keying without keys, K_NRP-sess or PDUs (MACs unverifiable)",
        nk_link, None, nk_events, conforms))

    link, keys, events = build_reauth(rng)
    write("external-reauth.json", document(
        "independent writer: re-keying with re-authentication and a new K_NRP",
        link, keys, events, conforms))

    link, keys, events = build_rejected(rng, "echo")
    write("external-echo-mismatch.json", document(
        "independent writer: SMC echo drops NIA1; initiator rejects with #8",
        link, keys, events, {"verdict": "violation", "rules": ["SMC_ECHO_CAPS"]}))

    link, keys, events = build_rejected(rng, "oldkey")
    write("external-smc-old-key.json", document(
        "independent writer: SMC under new ctx ID but MAC-I with the old NRPIK; initiator rejects with #7",
        link, keys, events, {"verdict": "violation", "rules": ["SMC_NEW_CONTEXT"]}))


if __name__ == "__main__":
    main()
