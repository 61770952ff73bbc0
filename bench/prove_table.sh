#!/usr/bin/env bash
# The table of properties in docs/properties.md: every property of both shipped specs under each attacker,
# at one depth, as a markdown table (property x spec variant x attacker: verdict, seconds), then the time
# of each whole `prove` run.
#   bench/prove_table.sh [DEPTH]   (default 10)
# Environment: PC5CHECK (default build/checker/pc5check), ATTACKERS (default "none dy dy,compromise-sess"),
# PROVE_OPTIONS (extra options for every run, e.g. "--engine both" or "--generated-invariants").
# Each cell is one property of one `pc5check prove --format json` run; its seconds are wall seconds (the
# searches of that property plus its share of the joint induction), so compare them only within one run.
# A "holds ≤ K" cell says why induction did not prove it: the message of the step case's counterexample
# to induction (`--explain ID` prints the whole state).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
exe=${PC5CHECK:-$repo/build/checker/pc5check}
depth=${1:-10}
attackers=${ATTACKERS:-none dy dy,compromise-sess}
read -r -a extra <<<"${PROVE_OPTIONS:-}"
[[ -x $exe ]] || { echo "prove_table.sh: $exe not built" >&2; exit 2; }
tmp=$(mktemp -d /tmp/pc5check-prove-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for spec in ts33536-r17 tr33847-sol; do
    for attacker in $attackers; do
        # Exit 1 only means a property is violated or inconclusive: that is a result here.
        /usr/bin/time -f "%e %U %S" -o "$tmp/$spec@$attacker.time" \
            "$exe" prove "$repo/spec/$spec.json" --depth "$depth" --attacker "$attacker" --format json \
            "${extra[@]}" >"$tmp/$spec@$attacker.json" || [[ $? -eq 1 ]]
    done
done
python3 - "$tmp" "$depth" "$attackers" "${PROVE_OPTIONS:-}" <<'PY'
import json, os, sys
tmp, depth, attackers, extra = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4]
runs, times = {}, {}
for spec in ("ts33536-r17", "tr33847-sol"):
    for a in attackers:
        base = os.path.join(tmp, "%s@%s" % (spec, a))
        runs[(spec, a)] = {p["id"]: p for p in json.load(open(base + ".json"))["properties"]}
        times[(spec, a)] = [float(x) for x in open(base + ".time").read().split()[-3:]]
cols = [(s, a) for s in ("ts33536-r17", "tr33847-sol") for a in attackers]
ids = []
for c in cols:  # every property of either spec, in spec order
    ids += [i for i in runs[c] if i not in ids]
def cell(p):
    if p is None:
        return "—"
    v = p["verdict"]
    if v == "holds up to depth":
        v = "holds ≤ %d" % p["depth"]
        f = p.get("induction_failure")
        if f:
            s = f["step"]
            v += " (CTI k=%d: %s%s)" % (f["k"], s["msg"], " by attacker" if s.get("by_attacker") else "")
        else:
            v += " (no CTI: induction ran out of time)"
    elif v == "violated":
        v = "**violated** (%d msgs)" % p["depth"]
    elif v == "inconclusive":
        v = "inconclusive (%s)" % p["how"].replace("solver time limit (--timeout-ms)", "time limit")
    elif v == "proven":
        by = p.get("proved_by", "k-induction")
        v = ("proven (k=%s)" % p["how"].split("k=")[1].split(" ")[0].rstrip(";")) if by == "k-induction" \
            else "proven (%s)" % by
    return "%s, %.1f s" % (v, p["seconds"])
print("| property | " + " | ".join("%s, attacker %s" % c for c in cols) + " |")
print("|---|" + "---|" * len(cols))
for i in ids:
    print("| `%s` | " % i + " | ".join(cell(runs[c].get(i)) for c in cols) + " |")
print()
print("depth %s; attacker dy = drop, replay, forge; compromise-sess = the attacker also knows the K_NRP-sess in force at the start%s"
      % (depth, "; options: " + extra if extra else ""))
print()
print("| run | wall s | CPU s (user + sys) |")
print("|---|---:|---:|")
total = [0.0, 0.0]
for c in cols:
    w, u, s = times[c]
    total[0] += w
    total[1] += u + s
    print("| `prove %s --attacker %s` | %.1f | %.1f |" % (c[0], c[1], w, u + s))
print("| all %d runs | %.1f | %.1f |" % (len(cols), total[0], total[1]))
PY
