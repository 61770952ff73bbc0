#!/usr/bin/python3
"""Writes the bad-input catalogue: malformed and adversarial traces and specs, each with the exit code
and a distinctive part of the message pc5check must give (catalogue.json). Run by hand after changing
the list; the files are committed. Huge inputs (100 MB of whitespace) are made by the test at run time."""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "files")
SPEC = json.load(open(os.path.join(HERE, "..", "..", "spec", "ts33536-r17.json")))

BASE = {
    "format": "pc5-trace/1", "spec": "ts33536-r17",
    "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2, "selected_algs": {"nea": "NEA2", "nia": "NIA2"}},
    "events": [{"at": 0.0, "from": "initiator", "msg": "REKEYING_REQUEST",
                "ie": {"ue_sec_cap": {"nea": ["NEA0", "NEA2"], "nia": ["NIA2"]},
                       "nonce_1": "00112233445566778899aabbccddeeff", "msb_k_nrp_sess_id": 171},
                "sec": {"ctx": 2, "count": 1, "bearer": 2, "direction": 0, "mac": "01020304"}}],
}

entries = []


def entry(file, args, exit_code, message, schema, note):
    """One catalogue entry. `schema`: what spec/pc5-trace.schema.json must say of the document
    (tests/integration/trace_schema_test.py catalogue): "invalid" when pc5check's error is one the
    schema states (a type, range, pattern, enum, required or unknown key, or a message, sender or IE the
    trace's spec variant lacks), "valid" when the document is a well-formed trace and the error lies
    beyond the format (a limit, a spec lookup, a verdict), None when it is no schema question at all
    (not JSON as pc5check reads it, not a trace). Every entry not "invalid" says why in `note`."""
    assert schema in ("invalid", "valid", None), schema
    assert schema == "invalid" or note, file + ": not schema-invalid: say why (note=...)"
    e = {"file": file, "args": args, "exit": exit_code, "message": message}
    if schema:
        e["schema"] = schema
    if note:
        e["schema_note"] = note
    return e


def trace(name, exit_code, message, doc=None, text=None, args=None, schema=None, note=None):
    path = os.path.join(FILES, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text if text is not None else json.dumps(doc))
    entries.append(entry("files/" + name, args or ["check"], exit_code, message, schema, note))


SPEC_NOTE = "a spec file (pc5-spec/1), not a trace"
NESTING_NOTE = "the nesting limit (--max-nesting) stops the parser first; a limit, not the format"
DUPLICATE_NOTE = "a duplicate key: JSON Schema sees one parsed value per key (pc5check refuses duplicates while parsing)"
SPEC_LIMIT = {"schema": "valid", "note": "a valid trace; the limit is on the spec file it names"}


def over(option):
    """A valid trace that only a configurable limit refuses."""
    return {"schema": "valid", "note": f"a valid trace over {option}, a checker setting: limits are not part of the format"}


def spec(name, exit_code, message, doc=None, text=None, command="lint", args=None):
    path = os.path.join(FILES, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text if text is not None else json.dumps(doc))
    entries.append(entry("files/" + name, args or ["spec", command], exit_code, message, None, SPEC_NOTE))


def shipped(path, args, exit_code, message, schema=None, note=SPEC_NOTE):
    """An entry on a shipped file or directory (not written here): the defaults must accept it."""
    entries.append(entry(os.path.join("..", "..", path), args, exit_code, message, schema, note))


def mutate(fn):
    d = copy.deepcopy(BASE)
    fn(d)
    return d


def ev(d):
    return d["events"][0]


good = json.dumps(BASE)
# --- JSON syntax ---
trace("truncated.json", 2, r"invalid JSON", text=good[: len(good) // 2], note="invalid JSON (truncated): a parser error, before any schema")
trace("trailing-garbage.json", 2, r"invalid JSON", text=good + " }", note="invalid JSON (text after the document)")
trace("trailing-comma.json", 2, r"invalid JSON", text=good[: -len("}]}")] + "},]}", note="invalid JSON (trailing comma)")
trace("single-quotes.json", 2, r"invalid JSON", text=good.replace('"format"', "'format'"), note="invalid JSON (single quotes)")
trace("nan.json", 2, r"invalid JSON", text=good.replace('"count": 1', '"count": NaN'), note="invalid JSON (NaN is no JSON number)")
trace("infinity.json", 2, r"invalid JSON", text=good.replace('"at": 0.0', '"at": Infinity'), note="invalid JSON (Infinity is no JSON number)")
trace("huge-float.json", 2, r"range of a double", text=good.replace('"at": 0.0', '"at": 1e999'),
      note="a number beyond the range of a double: pc5check's JSON parser refuses it; JSON Schema numbers have no range")
with open(os.path.join(FILES, "utf8-garbage.json"), "wb") as f:
    f.write(good[:60].encode() + b"\xff\xfe\xc3\x28" + good[60:].encode())
entries.append(entry("files/utf8-garbage.json", ["check"], 2, r"invalid JSON", None, "not UTF-8, so not JSON text"))
trace("deep-arrays.json", 2, r"nested at most 100 levels", text='{"format": "pc5-trace/1", "x": ' + "[" * 5000 + "]" * 5000 + "}", note=NESTING_NOTE)
trace("deep-objects.json", 2, r"nested at most 100 levels", text='{"format": "pc5-trace/1", "x": ' + '{"a":' * 3000 + "1" + "}" * 3000 + "}", note=NESTING_NOTE)
trace("duplicate-key.json", 2, r"duplicate key 'spec'", text=good.replace('"spec": "ts33536-r17"', '"spec": "ts33536-r17", "spec": "tr33847-sol"'), note=DUPLICATE_NOTE)
trace("duplicate-ie.json", 2, r"duplicate key 'nonce_1'", text=good.replace('"msb_k_nrp_sess_id": 171', '"msb_k_nrp_sess_id": 171, "nonce_1": "00"'), note=DUPLICATE_NOTE)
trace("not-an-object.json", 2, r"expected", text="[1, 2, 3]", schema="invalid")
trace("empty-object.json", 2, r"format", doc={}, schema="invalid")
# --- header ---
trace("wrong-format.json", 2, r"pc5-trace/1", doc=mutate(lambda d: d.update({"format": "pc5-trace/2"})), schema="invalid")
trace("missing-spec.json", 2, r"spec", doc=mutate(lambda d: d.pop("spec")), schema="invalid")
trace("unknown-spec.json", 2, r"no spec named 'ts00000-r0'", doc=mutate(lambda d: d.update({"spec": "ts00000-r0"})),
      schema="valid", note="a well-formed spec id; that no spec file has it shows only when the checker looks it up")
trace("bad-observer.json", 2, r"/observer", doc=mutate(lambda d: d.update({"observer": "satellite"})), schema="invalid")
trace("missing-link.json", 2, r"link", doc=mutate(lambda d: d.pop("link")), schema="invalid")
trace("link-unknown-key.json", 2, r"/link/colour", doc=mutate(lambda d: d["link"].update({"colour": 1})), schema="invalid")
trace("knrp-id-negative.json", 2, r"/link/k_nrp_id", doc=mutate(lambda d: d["link"].update({"k_nrp_id": -1})), schema="invalid")
trace("knrp-id-too-big.json", 2, r"/link/k_nrp_id", doc=mutate(lambda d: d["link"].update({"k_nrp_id": 4294967296})), schema="invalid")
trace("sess-id-too-big.json", 2, r"/link/k_nrp_sess_id", doc=mutate(lambda d: d["link"].update({"k_nrp_sess_id": 65536})), schema="invalid")
trace("k-nrp-sess-short.json", 2, r"/link/k_nrp_sess.*64 hex digits", doc=mutate(lambda d: d["link"].update({"k_nrp_sess": "00ff"})), schema="invalid")
trace("bad-alg.json", 2, r"/link/selected_algs/nia", doc=mutate(lambda d: d["link"]["selected_algs"].update({"nia": "NIA7"})), schema="invalid")
trace("key-bad-hex.json", 2, r"/keys/0/k_nrp", doc=mutate(lambda d: d.update({"keys": [{"k_nrp_id": 1, "k_nrp": "zz" * 32}]})), schema="invalid")
trace("events-not-array.json", 2, r"/events", doc=mutate(lambda d: d.update({"events": {"0": 1}})), schema="invalid")
# --- events ---
trace("event-unknown-key.json", 2, r"/events/0/colour: unknown key", doc=mutate(lambda d: ev(d).update({"colour": "red"})), schema="invalid")
trace("event-missing-from.json", 2, r"/events/0.*from", doc=mutate(lambda d: ev(d).pop("from")), schema="invalid")
trace("event-bad-from.json", 2, r"/events/0/from", doc=mutate(lambda d: ev(d).update({"from": "eavesdropper"})), schema="invalid")
trace("event-unknown-msg.json", 2, r"/events/0/msg: expected a message name", doc=mutate(lambda d: ev(d).update({"msg": "REKEY_NOW"})), schema="invalid")
trace("event-msg-not-in-spec.json", 2, r"REKEYING_ACCEPT is not part of spec ts33536-r17", doc=mutate(lambda d: ev(d).update({"msg": "REKEYING_ACCEPT", "from": "target", "ie": {}})), schema="invalid")
trace("event-negative-at.json", 2, r"/events/0/at", doc=mutate(lambda d: ev(d).update({"at": -5})), schema="invalid")
trace("sec-bad-string.json", 2, r"/events/0/sec", doc=mutate(lambda d: ev(d).update({"sec": "maybe"})), schema="invalid")
trace("sec-count-float.json", 2, r"/events/0/sec/count: expected an integer", doc=mutate(lambda d: ev(d)["sec"].update({"count": 1.5})), schema="invalid")
trace("sec-count-string.json", 2, r"/events/0/sec/count: expected an integer", doc=mutate(lambda d: ev(d)["sec"].update({"count": "1"})), schema="invalid")
trace("sec-count-huge.json", 2, r"/events/0/sec/count: expected an integer 0..4294967295", text=good.replace('"count": 1', '"count": 123456789012345678901234567890'), schema="invalid")
trace("sec-bearer-32.json", 2, r"/events/0/sec/bearer", doc=mutate(lambda d: ev(d)["sec"].update({"bearer": 32})), schema="invalid")
trace("sec-direction-2.json", 2, r"/events/0/sec/direction", doc=mutate(lambda d: ev(d)["sec"].update({"direction": 2})), schema="invalid")
trace("sec-mac-short.json", 2, r"/events/0/sec/mac.*8 hex digits", doc=mutate(lambda d: ev(d)["sec"].update({"mac": "0102"})), schema="invalid")
trace("sec-mac-odd.json", 2, r"/events/0/sec/mac", doc=mutate(lambda d: ev(d)["sec"].update({"mac": "010203040"})), schema="invalid")
trace("pdu-bad-hex.json", 2, r"/events/0/pdu", doc=mutate(lambda d: ev(d).update({"pdu": "0x0102"})), schema="invalid")
trace("ie-not-object.json", 2, r"/events/0/ie", doc=mutate(lambda d: ev(d).update({"ie": ["nonce_1"]})), schema="invalid")
trace("ie-unknown.json", 2, r"/events/0/ie/nonce_9: unknown IE 'nonce_9' in REKEYING_REQUEST", doc=mutate(lambda d: ev(d)["ie"].update({"nonce_9": "00"})), schema="invalid")
trace("ie-bad-hex.json", 2, r"/events/0/ie/nonce_1: expected hex digits", doc=mutate(lambda d: ev(d)["ie"].update({"nonce_1": "g0"})), schema="invalid")
trace("ie-odd-hex.json", 2, r"/events/0/ie/nonce_1", doc=mutate(lambda d: ev(d)["ie"].update({"nonce_1": "001"})), schema="invalid")
trace("ie-msb-out-of-range.json", 2, r"msb_k_nrp_sess_id: expected an integer 0..255", doc=mutate(lambda d: ev(d)["ie"].update({"msb_k_nrp_sess_id": 256})), schema="invalid")
trace("ie-msb-negative.json", 2, r"msb_k_nrp_sess_id: expected an integer 0..255", doc=mutate(lambda d: ev(d)["ie"].update({"msb_k_nrp_sess_id": -1})), schema="invalid")
trace("ie-reauth-string.json", 2, r"/events/0/ie/reauth: expected true or false", doc=mutate(lambda d: ev(d)["ie"].update({"reauth": "yes"})), schema="invalid")
trace("ie-caps-bad-alg.json", 2, r"/events/0/ie/ue_sec_cap/nia/0", doc=mutate(lambda d: ev(d)["ie"]["ue_sec_cap"].update({"nia": ["NEA2"]})), schema="invalid")
trace("ie-caps-unknown-key.json", 2, r"unknown key 'nxa'", doc=mutate(lambda d: ev(d)["ie"]["ue_sec_cap"].update({"nxa": []})), schema="invalid")
trace("wrong-sender.json", 2, r"the target cannot send REKEYING_REQUEST", doc=mutate(lambda d: ev(d).update({"from": "target"})), schema="invalid")
trace("expect-bad-verdict.json", 2, r"/expect/verdict", doc=mutate(lambda d: d.update({"expect": {"verdict": "fine", "rules": []}})), schema="invalid")
trace("empty.json", 2, r"found an empty file", text="", note="an empty file: no JSON document")
trace("whitespace-only.json", 2, r"found an empty file", text="   \n\t\n  ", note="only whitespace: no JSON document")
trace("jsonl-bad-line.jsonl", 2, r":2 +bad-input", text=good + "\n{not json}\n" + good + "\n", note="line 2 is invalid JSON (lines 1 and 3 are valid traces)")
trace("binary.json", 2, r"invalid JSON", text="\x00\x01\x02PK\x03\x04", note="binary data: not JSON text")
# --- configurable limits (exit 2, the limit and its option named) ---
many = mutate(lambda d: d.update({"events": d["events"] * 6}))
trace("limit-events.json", 2, r"at most 5 events per trace \(limit --max-events\), found 6", doc=many, args=["check", "--max-events", "5"], **over("--max-events"))
trace("limit-ies.json", 2, r"at most 2 IEs per event \(limit --max-ies\), found 3", doc=BASE, args=["check", "--max-ies", "2"], **over("--max-ies"))
trace("limit-hex.json", 2, r"/events/0/pdu: expected a pdu of at most 64 hex digits \(limit --max-hex-digits\)",
      doc=mutate(lambda d: ev(d).update({"pdu": "ab" * 40})), args=["check", "--max-hex-digits", "64"], **over("--max-hex-digits"))
trace("limit-ie-hex.json", 2, r"/events/0/ie/nonce_1: expected IE values of at most 16 characters",
      doc=BASE, args=["check", "--max-hex-digits", "16"], **over("--max-hex-digits"))
line = json.dumps(BASE)
trace("limit-file-bytes.json", 2, r"expected a trace file of at most 100 bytes \(limit --max-file-bytes\), found \d+ bytes",
      doc=BASE, args=["check", "--max-file-bytes", "100"], **over("--max-file-bytes"))
trace("limit-jsonl-line.jsonl", 2, r":2 +bad-input .*expected a \.jsonl line of at most %d bytes \(limit --max-file-bytes\)" % len(line),
      text=line + "\n" + line + " \n" + line + "\n", args=["check", "--max-file-bytes", str(len(line))], **over("--max-file-bytes"))
trace("limit-nesting.json", 2, r"expected JSON nested at most 3 levels deep \(limit --max-nesting\)", doc=BASE,
      args=["check", "--max-nesting", "3"], **over("--max-nesting"))
trace("limit-number-chars.json", 2, r"expected JSON numbers of at most 2 characters \(limit --max-number-chars\), found one of 3 characters",
      doc=BASE, args=["check", "--max-number-chars", "2"], **over("--max-number-chars"))
trace("limit-number-default.json", 2, r"at most 40 characters \(limit --max-number-chars\), found one of 100000 characters",
      text=good.replace('"count": 1', '"count": ' + "9" * 100000), note="a number of 100000 characters: --max-number-chars stops the parser first; a limit, not the format")
# spec limits reach `check` too (the trace's spec is loaded with them)
trace("limit-check-spec-bytes.json", 2, r"expected a spec file of at most 1000 bytes \(limit --max-spec-bytes\)", doc=BASE,
      args=["check", "--max-spec-bytes", "1000"], **SPEC_LIMIT)
with open(os.path.join(FILES, "spec-deep-junk.json"), "w", encoding="utf-8") as f:  # 9 levels; the trace needs 6
    f.write(json.dumps(dict(SPEC, x=json.loads("[" * 8 + "]" * 8))))
trace("limit-check-spec-nesting.json", 2, r"spec-deep-junk\.json:\d+:\d+: expected JSON nested at most 7 levels deep \(limit --max-nesting\)",
      doc=BASE, args=["check", "--max-nesting", "7", "--spec", "{here}/files/spec-deep-junk.json"], **SPEC_LIMIT)
trace("limit-check-spec-expressions.json", 2, r"expected at most 5 expressions in a spec \(limit --max-spec-expressions\)",
      doc=BASE, args=["check", "--max-spec-expressions", "5"], **SPEC_LIMIT)
trace("limit-check-expr-depth.json", 2, r"expression nested deeper than 2 \(limit --max-expr-depth\)", doc=BASE,
      args=["check", "--max-expr-depth", "2"], **SPEC_LIMIT)
# --- adversarial traces that are valid input: a verdict, exit 1 ---
trace("impossible-order.json", 1, r"ORDER", doc=mutate(lambda d: d.update({"events": [
    {"from": "initiator", "msg": "SECURITY_MODE_COMPLETE", "sec": {"ctx": 2, "count": 5, "bearer": 1, "direction": 0, "mac": "00000000"}}]})),
    schema="valid", note="a valid trace that breaks rule ORDER: a verdict (exit 1), not bad input")
# --- specs ---
sp = lambda fn: (lambda d: (fn(d), d)[1])(copy.deepcopy(SPEC))
spec("spec-truncated.json", 2, r"invalid JSON", text=json.dumps(SPEC)[:500])
spec("spec-guard-type-error.json", 2, r"/transitions/0/guard.*bool", doc=sp(lambda d: d["transitions"][0].update({"guard": "initiator.cur_id + 1"})))
spec("spec-unknown-name.json", 2, r"unknown name 'initiator.cur_idd'", doc=sp(lambda d: d["transitions"][0].update({"guard": "initiator.cur_idd == 1"})))
spec("spec-cyclic-def.json", 2, r"cyclic", doc=sp(lambda d: d["defs"].update({"loop_a": "loop_b", "loop_b": "loop_a"})))
spec("spec-unsat-guard.json", 1, r"transition i_send_request can never fire: its guard is unsatisfiable", doc=sp(lambda d: d["transitions"][0].update({"guard": "initiator.cur_id > 5 && initiator.cur_id < 3"})))
spec("spec-unknown-message.json", 2, r"/transitions/0/on.*unknown message", doc=sp(lambda d: d["transitions"][0].update({"on": ["REKEY"]})))
spec("spec-duplicate-rule.json", 2, r"duplicate rule id 'REQ_OLD_CONTEXT'", doc=sp(lambda d: d["rules"].append(copy.deepcopy(d["rules"][0]))))
spec("spec-no-clauses.json", 2, r"clauses", doc=sp(lambda d: d["rules"][0].pop("clauses")))
spec("spec-bad-param-default.json", 2, r"/parameters/0/default", doc=sp(lambda d: d["parameters"][0].update({"default": "seven"})))
spec("spec-deep-expression.json", 2, r"nested deeper|deeper than", doc=sp(lambda d: d["transitions"][0].update({"guard": "(" * 5000 + "true" + ")" * 5000})))
spec("spec-unknown-key.json", 2, r"unknown key 'colour'", doc=sp(lambda d: d.update({"colour": "red"})))
spec("spec-wrong-format.json", 2, r"pc5-spec/1", doc=sp(lambda d: d.update({"format": "pc5-spec/9"})))
# --- spec limits (exit 2, the limit and its option named), for every command that loads a spec ---
spec("spec-limit-bytes.json", 2, r"expected a spec file of at most 1000 bytes \(limit --max-spec-bytes\), found \d+ bytes",
     doc=SPEC, args=["spec", "lint", "--max-spec-bytes", "1000"])
spec("spec-limit-nesting.json", 2, r"expected JSON nested at most 3 levels deep \(limit --max-nesting\)", doc=SPEC,
     args=["spec", "show", "--max-nesting", "3"])
spec("spec-limit-number-chars.json", 2, r"expected JSON numbers of at most 1 characters \(limit --max-number-chars\)", doc=SPEC,
     args=["spec", "dot", "--max-number-chars", "1"])
spec("spec-limit-expressions.json", 2, r"expected at most 5 expressions in a spec \(limit --max-spec-expressions\)", doc=SPEC,
     args=["spec", "mermaid", "--max-spec-expressions", "5"])
spec("spec-limit-expr-depth.json", 2, r"/transitions/0/guard: in expression .*expression nested deeper than 10 \(limit --max-expr-depth\)",
     doc=sp(lambda d: d["transitions"][0].update({"guard": "(" * 11 + "true" + ")" * 11})), args=["spec", "lint", "--max-expr-depth", "10"])
spec("spec-limit-gen.json", 2, r"expected a spec file of at most 1000 bytes \(limit --max-spec-bytes\)", doc=SPEC,
     args=["gen", "--max-spec-bytes", "1000", "-o", "/proc/pc5check-no-output"])
# --- solver limits of spec lint: inconclusive findings naming the limit (exit 1), never "clean" ---
hard = "initiator.cur_id > 0 && initiator.k_nrp_id > 0 && initiator.old_id > 0 && " \
       "initiator.cur_id * initiator.cur_id * initiator.cur_id + initiator.k_nrp_id * initiator.k_nrp_id * initiator.k_nrp_id == " \
       "initiator.old_id * initiator.old_id * initiator.old_id"
spec("spec-lint-timeout.json", 1, r"/transitions/0/guard: transition i_send_request: the solver gave up within 50 ms \(limit --timeout-ms; inconclusive\)",
     doc=sp(lambda d: d["transitions"][0].update({"guard": hard})), args=["spec", "lint", "--timeout-ms", "50"])
spec("spec-lint-memory.json", 1, r"the solver hit its memory limit of 1 MiB \(limit --solver-memory-mb\) \(inconclusive\)", doc=SPEC,
     args=["spec", "lint", "--solver-memory-mb", "1"])
# --- the defaults accept what ships ---
shipped("traces", ["check", "-q"], 1, r"trace\(s\): \d+ conform, \d+ violation, 0 bad input", schema="valid",
        note="the shipped corpus: every trace valid (also ctest 'schema: corpus traces')")
shipped("spec/ts33536-r17.json", ["spec", "lint"], 0, r"ts33536-r17: 0 lint finding\(s\)")
shipped("spec/tr33847-sol.json", ["spec", "lint"], 0, r"tr33847-sol: 0 lint finding\(s\)")

json.dump(entries, open(os.path.join(HERE, "catalogue.json"), "w"), indent=1)
print(len(entries), "entries")
