#!/usr/bin/python3
"""Validates JSON documents against a JSON Schema (draft 2020-12): validate_schema.py SCHEMA FILE..."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
validator = jsonschema.Draft202012Validator(schema)
failures = 0
for path in sys.argv[2:]:
    errors = sorted(validator.iter_errors(json.load(open(path, encoding="utf-8"))), key=lambda e: list(e.path))
    for e in errors:
        print(f"FAIL {path}: at /{'/'.join(str(p) for p in e.path)}: {e.message}")
    failures += 1 if errors else 0
print(f"{len(sys.argv) - 2 - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
