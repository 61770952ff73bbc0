#!/usr/bin/env bash
# The Spacer table of docs/properties.md ("Spacer (CHC) prover", issue #17): every property of both shipped
# specs, without and with the attacker, k-induction's answer beside Spacer's, with seconds.
#   bench/spacer_table.sh [DEPTH] [TIMEOUT_MS]     (defaults 10 and 120000; PC5CHECK=path/to/pc5check)
# Per spec and attacker two `pc5check prove --format json` runs: `--engine induction --depth DEPTH` (bounded
# model checking, then k-induction: the verdict and seconds as in prove_table.sh) and `--engine spacer
# --depth 1` (a 1-message bounded search, then Spacer alone on every property it leaves: the seconds are
# Spacer's, encoding and the re-check of its invariant included).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
exe=${PC5CHECK:-$repo/build/checker/pc5check}
depth=${1:-10}
timeout=${2:-120000}
[[ -x $exe ]] || { echo "spacer_table.sh: $exe not built" >&2; exit 2; }
tmp=$(mktemp -d /tmp/pc5check-spacer-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for spec in ts33536-r17 tr33847-sol; do
    for attacker in none dy; do
        for engine in induction spacer; do
            d=$depth
            [[ $engine == spacer ]] && d=1
            # Exit 1 only means a property is violated or inconclusive: that is a result here.
            "$exe" prove "$repo/spec/$spec.json" --engine "$engine" --depth "$d" --attacker "$attacker" \
                --timeout-ms "$timeout" --format json >"$tmp/$spec.$attacker.$engine.json" || [[ $? -eq 1 ]]
        done
    done
done
python3 - "$tmp" "$depth" <<'PY'
import json, os, sys
tmp, depth = sys.argv[1], sys.argv[2]
def load(spec, attacker, engine):
    with open(os.path.join(tmp, "%s.%s.%s.json" % (spec, attacker, engine))) as f:
        return json.load(f)["properties"]
def induction(p):
    v = p["verdict"]
    if v == "holds up to depth":
        v = "holds ≤ %d" % p["depth"]
    elif v == "violated":
        v = "violated (%d msgs)" % p["depth"]
    elif v == "proven":
        v = "proven (k=%s)" % p["how"].split("k=")[1].split(" ")[0].rstrip(";")
    return "%s, %.1f s" % (v, p["seconds"])
def spacer(p):
    if p["verdict"] == "violated":
        return "— (violated at depth %d)" % p["depth"]
    s = p.get("spacer")
    if s is None:
        return "—"
    a = s["answer"]
    if a == "proven":
        n = len(p.get("invariant", []))
        smt = sum(1 for q in p.get("invariant", []) if q["origin"] == "spacer-smtlib")
        a = "**proven** (%d part%s%s)" % (n, "" if n == 1 else "s", ", %d SMT-LIB" % smt if smt else "")
    elif a == "unknown":
        a = "unknown (%s)" % ("time limit" if "timeout" in s["note"] or "canceled" in s["note"] else s["note"][:60])
    return "%s, %.1f s" % (a, s["seconds"])
print("| spec | property | attacker | k-induction (depth %s) | Spacer |" % depth)
print("|---|---|---|---|---|")
for spec in ("ts33536-r17", "tr33847-sol"):
    for attacker in ("none", "dy"):
        ind = load(spec, attacker, "induction")
        spa = {p["id"]: p for p in load(spec, attacker, "spacer")}
        for p in ind:
            print("| %s | `%s` | %s | %s | %s |" % (spec, p["id"], attacker, induction(p), spacer(spa[p["id"]])))
PY
