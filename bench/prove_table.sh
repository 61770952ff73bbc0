#!/usr/bin/env bash
# The table of properties in docs/properties.md: every property of both shipped specs, without and with the
# attacker, at one depth, as a markdown table (property x spec variant x attacker x verdict x time).
#   bench/prove_table.sh [DEPTH]            (default 10; PC5CHECK=path/to/pc5check, default build/)
# Each cell is one `pc5check prove --format json` run; times are wall seconds per property on this
# machine (BMC plus its share of the induction), so compare them only within one run.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
exe=${PC5CHECK:-$repo/build/checker/pc5check}
depth=${1:-10}
[[ -x $exe ]] || { echo "prove_table.sh: $exe not built" >&2; exit 2; }
tmp=$(mktemp -d /tmp/pc5check-prove-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for spec in ts33536-r17 tr33847-sol; do
    for attacker in none dy; do
        # Exit 1 only means a property is violated or inconclusive: that is a result here.
        "$exe" prove "$repo/spec/$spec.json" --depth "$depth" --attacker "$attacker" --format json \
            >"$tmp/$spec.$attacker.json" || [[ $? -eq 1 ]]
    done
done
python3 - "$tmp" "$depth" <<'PY'
import json, os, sys
tmp, depth = sys.argv[1], sys.argv[2]
runs = {}
for f in sorted(os.listdir(tmp)):
    spec, attacker, _ = f.split(".")
    runs[(spec, attacker)] = {p["id"]: p for p in json.load(open(os.path.join(tmp, f)))["properties"]}
cols = [(s, a) for s in ("ts33536-r17", "tr33847-sol") for a in ("none", "dy")]
ids = []
for c in cols:  # every property of either spec, in spec order
    ids += [i for i in runs[c] if i not in ids]
def cell(p):
    if p is None:
        return "—"
    v = p["verdict"]
    if v == "holds up to depth":
        v = "holds ≤ %d" % p["depth"]
    elif v == "violated":
        v = "**violated** (%d msgs)" % p["depth"]
    elif v == "inconclusive":
        v = "inconclusive (%s)" % p["how"].replace("solver time limit (--timeout-ms)", "time limit")
    elif v == "proven":
        v = "proven (k=%s)" % p["how"].split("k=")[1].split(" ")[0].rstrip(";")
    return "%s, %.1f s" % (v, p["seconds"])
print("| property | " + " | ".join("%s, attacker %s" % c for c in cols) + " |")
print("|---|" + "---|" * len(cols))
for i in ids:
    print("| `%s` | " % i + " | ".join(cell(runs[c].get(i)) for c in cols) + " |")
print()
print("depth %s; attacker dy = drop, replay, forge (no key compromise)" % depth)
PY
