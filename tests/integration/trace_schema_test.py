#!/usr/bin/python3
"""spec/pc5-trace.schema.json against the traces that ship and the bad inputs that must not pass.

usage:
  trace_schema_test.py corpus SCHEMA PATH...        every trace in PATH (files, or directories walked for
                                                     *.json and *.jsonl) is valid; a .jsonl line is one trace
  trace_schema_test.py catalogue SCHEMA CATALOGUE   every bad-input entry marked "schema": "invalid" is
                                                     refused, every one marked "valid" accepted, and every
                                                     entry not marked invalid says why (schema_note)
  trace_schema_test.py sync SCHEMA SPEC...          the schema's per-variant tables (messages, senders, IE
                                                     names and encodings, +PARAM=VALUE settings) agree with
                                                     the spec files, for every resolution of their options

Documents are read as pc5check reads them, which is stricter than Python's json module: UTF-8 only (a
byte order mark before a document is ignored), no NaN or Infinity, no duplicate keys, numbers within the
range of a double. A number with a fraction or exponent, and -0, are read as decimals, not integers, so
that "type": "integer" refuses them as pc5check does (JSON Schema counts 1.0 as an integer).
"""
import copy
import json
import math
import os
import sys
from decimal import Decimal

import jsonschema

JSON_WS = " \t\r\n"


class NotJson(Exception):
    """The text is not a JSON document pc5check would read."""


def _pairs(items):
    out = {}
    for key, value in items:
        if key in out:
            raise NotJson(f"duplicate key '{key}'")
        out[key] = value
    return out


def _constant(name):
    raise NotJson(f"{name} is not JSON")


def _float(token):
    if not math.isfinite(float(token)):
        raise NotJson(f"number {token[:20]} is beyond the range of a double")
    return Decimal(token)


def _int(token):
    if token == "-0":
        return Decimal(token)
    if len(token) > 4000 or not math.isfinite(float(token)):  # Python's own conversion limit is 4300 digits
        raise NotJson(f"number of {len(token)} characters is beyond the range of a double")
    return int(token)


def loads(text):
    """One JSON document, read as pc5check reads it (see the module comment)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip(JSON_WS):
        raise NotJson("empty document")
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_float=_float, parse_int=_int,
                          parse_constant=_constant)
    except json.JSONDecodeError as e:
        raise NotJson(f"invalid JSON: {e}") from None
    except RecursionError:
        raise NotJson("nested too deeply for Python's parser") from None


def documents(path):
    """(label, document or NotJson) of every trace in `path`: a .jsonl file line by line (blank lines
    skipped), any other file as one document, a directory walked for *.json and *.jsonl in sorted order."""
    if os.path.isdir(path):
        found = []
        for root, _, files in os.walk(path):
            found += [os.path.join(root, f) for f in files if f.endswith((".json", ".jsonl"))]
        for f in sorted(found):
            yield from documents(f)
        return
    data = open(path, "rb").read()
    if path.endswith(".jsonl"):
        lines = [(n, line[:-1] if line.endswith(b"\r") else line) for n, line in enumerate(data.split(b"\n"), 1)]
    else:
        lines = [(None, data)]
    for n, raw in lines:
        label = path if n is None else f"{path}:{n}"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            yield label, NotJson(f"not UTF-8: {e}")
            continue
        if n is not None and not text.lstrip("\ufeff").strip(JSON_WS):
            continue
        try:
            yield label, loads(text)
        except NotJson as e:
            yield label, e


def validator(schema_path):
    schema = json.load(open(schema_path, encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(v, doc):
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message[:200]}" for e in errors]


def corpus(v, paths):
    passed = failed = 0
    for path in paths:
        for label, doc in documents(path):
            errors = [str(doc)] if isinstance(doc, NotJson) else problems(v, doc)
            for e in errors[:5]:
                print(f"FAIL {label}: {e}")
            passed += not errors
            failed += bool(errors)
    print(f"{passed} trace(s) valid, {failed} invalid")
    return 1 if failed or not passed else 0


def catalogue(v, catalogue_path):
    here = os.path.dirname(os.path.abspath(catalogue_path))
    counts = {"invalid": 0, "valid": 0, None: 0}
    failures = 0
    for entry in json.load(open(catalogue_path, encoding="utf-8")):
        mark = entry.get("schema")
        note = entry.get("schema_note", "")
        name = entry["file"]
        wrong = []
        if mark not in ("invalid", "valid", None):
            wrong.append(f'"schema" is "{mark}"; expected "invalid", "valid" or no key')
        elif mark != "invalid" and not note:
            wrong.append("not marked invalid, and no schema_note says why")
        elif mark is not None:
            docs = list(documents(os.path.join(here, name)))
            if not docs:
                wrong.append("no document to validate")
            for label, doc in docs:
                if isinstance(doc, NotJson):
                    wrong.append(f"{label}: marked {mark}, but pc5check could not read it as JSON: {doc}")
            verdicts = [problems(v, doc) for _, doc in docs if not isinstance(doc, NotJson)]
            if mark == "invalid" and not any(verdicts):
                wrong.append("marked invalid, but the schema accepts it")
            if mark == "valid":
                wrong += [f"marked valid, but {e}" for errors in verdicts for e in errors[:3]]
            if mark == "invalid" and any(verdicts):
                print(f"refused  {name}: {next(e for e in verdicts if e)[0]}")
        if mark is None or mark == "valid":
            print(f"{'accepted' if mark else 'n/a     '} {name}: {note}")
        for w in wrong:
            print(f"FAIL {name}: {w}")
        failures += bool(wrong)
        counts[mark if mark in counts else None] += 1
    print(f"{counts['invalid']} entries the schema must refuse, {counts['valid']} it must accept, "
          f"{counts[None]} not schema questions; {failures} failure(s)")
    return 1 if failures or not counts["invalid"] else 0


# --- sync: the per-variant tables of the schema against the spec files ---------------------------------

SAMPLE_VALUE = {"bytes": "00112233445566778899aabbccddeeff", "bool": True,
                "sec_cap": {"nea": ["NEA0", "NEA2"], "nia": ["NIA2"]}, "algs": {"nea": "NEA2", "nia": "NIA2"}}
BAD_VALUE = {"bytes": "0x0011", "bool": "yes", "sec_cap": {"nea": ["NIA2"]}, "algs": {"nea": "NEA9"}}
CONTRACT_MESSAGES = ["REKEYING_REQUEST", "AUTH_REQUEST", "AUTH_RESPONSE", "AUTH_REJECT", "AUTH_FAILURE",
                     "SECURITY_MODE_COMMAND", "SECURITY_MODE_COMPLETE", "SECURITY_MODE_REJECT",
                     "REKEYING_RESPONSE", "REKEYING_ACCEPT", "DATA", "RELEASE"]


def param_text(value):
    return json.dumps(value, separators=(",", ":")) if not isinstance(value, str) else value


def tables(spec, settings):
    """{message: (senders, {ie name: definition})} of `spec` with parameters `settings` (others default)."""
    values = {p["id"]: p["default"] for p in spec["parameters"]}
    values.update(settings)
    out = {}
    for m in spec["messages"]:
        ies = {ie["name"]: ie for ie in m.get("ies", [])
               if "only_if" not in ie or values[ie["only_if"]["param"]] in ie["only_if"]["in"]}
        out[m["id"]] = (m["senders"], ies)
    return out


def sync(v, spec_paths):
    failures = []
    checked = [0]
    base = {"format": "pc5-trace/1", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}}

    def check(spec_id, events, expect_valid, what):
        checked[0] += 1
        doc = dict(copy.deepcopy(base), spec=spec_id, events=events)
        errors = problems(v, doc)
        if bool(errors) == expect_valid:
            failures.append(f"{spec_id}: {what}: the schema {'refuses' if errors else 'accepts'} it"
                            + (f" ({errors[0]})" if errors else "") + f"; {'expected valid' if expect_valid else 'expected invalid'}")

    ie_defs = {}
    for path in spec_paths:
        spec = json.load(open(path, encoding="utf-8"))
        sid = spec["id"]
        for m in spec["messages"]:
            for ie in m.get("ies", []):
                ie_defs.setdefault(ie["name"], ie)
        # Every parameter accepts its default as a +PARAM=VALUE setting; an unknown parameter is refused.
        check(sid, [], True, "no settings")
        for p in spec["parameters"]:
            check(f"{sid}+{p['id']}={param_text(p['default'])}", [], True, f"setting {p['id']} to its default")
        check(f"{sid}+no_such_parameter=1", [], False, "an unknown parameter")
        # Each resolution of a parameter with options, alone and after another setting.
        resolutions = [({}, sid)]
        for p in spec["parameters"]:
            for option in p.get("options", []):
                settings = {p["id"]: option["id"]}
                resolutions.append((settings, f"{sid}+{p['id']}={option['id']}"))
                others = [q for q in spec["parameters"] if q["id"] != p["id"]]
                if others:
                    q = others[0]
                    resolutions.append((settings, f"{sid}+{q['id']}={param_text(q['default'])}+{p['id']}={option['id']}"))
            if p.get("options"):
                check(f"{sid}+{p['id']}=no_such_option", [], False, f"an unknown option of {p['id']}")
                # The last setting wins, as in the checker.
                first, last = p["options"][0]["id"], p["options"][-1]["id"]
                resolutions.append(({p["id"]: last}, f"{sid}+{p['id']}={first}+{p['id']}={last}"))
                resolutions.append(({p["id"]: first}, f"{sid}+{p['id']}={last}+{p['id']}={first}"))
        for settings, spec_id in resolutions:
            table = tables(spec, settings)
            for msg in CONTRACT_MESSAGES:
                for role in ("initiator", "target"):
                    ok = msg in table and role in table[msg][0]
                    check(spec_id, [{"from": role, "msg": msg}], ok, f"{msg} sent by the {role}")
                if msg not in table:
                    continue
                sender, ies = table[msg][0][0], table[msg][1]
                for name, ie in ie_defs.items():
                    value = SAMPLE_VALUE.get(ie["kind"], ie.get("min", 0))
                    check(spec_id, [{"from": sender, "msg": msg, "ie": {name: value}}], name in ies, f"IE {name} in {msg}")
                    check(spec_id, [{"from": sender, "msg": msg, "ie": {name: None}}], name in ies, f"IE {name} (not decoded) in {msg}")
                for name, ie in ies.items():
                    if ie["kind"] == "int":
                        for bad in (ie["min"] - 1, ie["max"] + 1):
                            check(spec_id, [{"from": sender, "msg": msg, "ie": {name: bad}}], False, f"IE {name} = {bad} in {msg}")
                        check(spec_id, [{"from": sender, "msg": msg, "ie": {name: ie["max"]}}], True, f"IE {name} = {ie['max']} in {msg}")
                    else:
                        check(spec_id, [{"from": sender, "msg": msg, "ie": {name: BAD_VALUE[ie["kind"]]}}], False,
                              f"IE {name} = {BAD_VALUE[ie['kind']]!r} in {msg}")
                    if ie["kind"] == "bytes" and ie.get("length"):
                        check(spec_id, [{"from": sender, "msg": msg, "ie": {name: "00"}}], False, f"IE {name} of 1 octet")
                check(spec_id, [{"from": sender, "msg": msg, "ie": {"no_such_ie": 1}}], False, f"an unknown IE in {msg}")
                check(spec_id, [{"from": sender, "msg": msg, "ie": None}], True, f"{msg} with IEs not decoded")
    # A spec the schema does not know: the contract's messages and encodings only.
    check("my-variant", [{"from": "target", "msg": "REKEYING_ACCEPT", "ie": {"vendor_ie": 1}}], True, "another spec's IE")
    check("my-variant", [{"from": "target", "msg": "DATA", "ie": {"nonce_1": "001"}}], False, "a contract IE badly encoded")
    for f in failures[:50]:
        print(f"FAIL {f}")
    print(f"{checked[0]} documents: {len(failures)} disagreement(s) between the schema and "
          f"{', '.join(os.path.basename(p) for p in spec_paths)}")
    return 1 if failures else 0


def main(argv):
    if len(argv) < 4 or argv[1] not in ("corpus", "catalogue", "sync"):
        print(__doc__)
        return 2
    v = validator(argv[2])
    if argv[1] == "corpus":
        return corpus(v, argv[3:])
    if argv[1] == "catalogue":
        return catalogue(v, argv[3])
    return sync(v, argv[3:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
