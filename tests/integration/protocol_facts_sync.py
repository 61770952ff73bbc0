#!/usr/bin/python3
"""The JSON Schemas that restate protocol facts agree with spec/pc5-protocol.json, their one declaration.

usage: protocol_facts_sync.py PROTOCOL TRACE_SCHEMA SPEC_SCHEMA

A JSON Schema cannot read another file's values, so spec/pc5-trace.schema.json spells the enums, the
message names, the ranges of the sec fields and IDs and the key and MAC-I lengths itself, and
spec/pc5-spec.schema.json the message names; this test fails when one of them drifts from the protocol file.
"""
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    facts, trace_schema, spec_schema = (load(p) for p in sys.argv[1:4])
    defs = trace_schema["$defs"]
    failures = []

    def same(what, found, expected):
        if found != expected:
            failures.append(f"{what}: the schema has {found!r}, spec/pc5-protocol.json {expected!r}")

    def max_of(bits):
        return (1 << bits) - 1

    enums = facts["enums"]
    same("pc5-trace $defs/nea", defs["nea"]["enum"], enums["Nea"]["names"])
    same("pc5-trace $defs/nia", defs["nia"]["enum"], enums["Nia"]["names"])
    same("pc5-trace $defs/policy", defs["policy"]["enum"], enums["Policy"]["names"])
    same("pc5-trace $defs/message", defs["message"]["enum"], facts["messages"]["names"])
    same("pc5-spec $defs/message_name", spec_schema["$defs"]["message_name"]["enum"], facts["messages"]["names"])

    octets = facts["octets"]
    same("pc5-trace $defs/hex_4 (MAC-I)", defs["hex_4"]["pattern"], "^[0-9A-Fa-f]{%d}$" % (2 * octets["mac_i"]["value"]))
    same("pc5-trace $defs/hex_32 (K_NRP)", defs["hex_32"]["pattern"], "^[0-9A-Fa-f]{%d}$" % (2 * octets["k_nrp"]["value"]))
    same("K_NRP-sess and K_NRP lengths (both hex_32)", octets["k_nrp_sess"]["value"], octets["k_nrp"]["value"])

    ids = facts["ids"]
    same("pc5-trace $defs/u32 (K_NRP ID)", defs["u32"]["maximum"], max_of(ids["k_nrp_id"]["bits"]))
    same("pc5-trace $defs/u16 (K_NRP-sess ID)", defs["u16"]["maximum"], max_of(ids["k_nrp_sess_id"]["bits"]))
    sec = defs["sec"]["else"]["properties"]
    bits = facts["bits"]
    same("pc5-trace sec/count", defs[sec["count"]["$ref"].split("/")[-1]]["maximum"], max_of(bits["count"]["value"]))
    same("pc5-trace sec/bearer", sec["bearer"]["maximum"], max_of(bits["bearer"]["value"]))
    same("pc5-trace sec/direction", sec["direction"]["maximum"], max_of(bits["direction"]["value"]))
    same("pc5-trace sec/ctx", sec["ctx"]["$ref"], "#/$defs/u16")
    same("pc5-trace sec/mac", sec["mac"]["$ref"], "#/$defs/hex_4")

    ies = defs["ie"]["properties"]
    for ie, (key, half) in {"msb_k_nrp_sess_id": ("k_nrp_sess_id", "msbs"), "lsb_k_nrp_sess_id": ("k_nrp_sess_id", "lsbs"),
                            "msbs_k_nrp_id": ("k_nrp_id", "msbs"), "lsbs_k_nrp_id": ("k_nrp_id", "lsbs")}.items():
        same(f"pc5-trace ie/{ie}", ies[ie]["maximum"], max_of(ids[key][half]["bits"]))

    for f in failures:
        print("FAIL " + f)
    print(f"{len(failures)} disagreements")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
