#!/usr/bin/env bash
# Long partial captures through `pc5check check` (automatic symbolic mode): wall time, peak RSS and the
# verdict per length, as a markdown table. Two inputs per length N:
#   conforming  N DATA events with real MAC-Is (tests/bench/make_long_trace.py), K_NRP and K_NRP-sess
#               removed and every 10th event's `sec` not logged (N/10 open COUNT checks);
#   violating   traces/ts33536-r17/partial/no-keys-viol-smc-new-context.json after N such DATA events
#               (the violation is found by the solver, not by the observed values alone).
# Build first (any build type; the figures of docs/performance.md use RelWithDebInfo):
#   cmake -S . -B build && cmake --build build -j2
# Environment: BUILD (default <repo>/build), SIZES (default "1000 4000 10000"), TIMEOUT_MS (150000).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build}
sizes=${SIZES:-1000 4000 10000}
timeout_ms=${TIMEOUT_MS:-150000}
bin=$build/checker/pc5check
[[ -x $bin ]] || { echo "symbolic_long.sh: $bin not built (see the top of this script)" >&2; exit 2; }
dir=$(mktemp -d /tmp/pc5check-symbolic-long-XXXXXX)
trap 'rm -rf "$dir"' EXIT

make_traces() { # N
    python3 "$repo/tests/bench/make_long_trace.py" "$1" "$dir/conforming-$1.json"
    python3 - "$1" "$dir" "$repo/traces/ts33536-r17/partial/no-keys-viol-smc-new-context.json" <<'PY'
import json, sys
n, out, violating = int(sys.argv[1]), sys.argv[2], sys.argv[3]
path = f"{out}/conforming-{n}.json"
t = json.load(open(path))
t["keys"] = []
t["link"].pop("k_nrp_sess", None)
for i in range(5, len(t["events"]), 10):
    t["events"][i].pop("sec", None)
json.dump(t, open(path, "w"))
v = json.load(open(violating))
ctx = v["link"]["k_nrp_sess_id"]
data = []
for i in range(n):
    e = {"at": 0.001 * i, "from": "initiator" if i % 2 == 0 else "target", "msg": "DATA",
         "pdu": "ff%02x" % (i % 256)}
    if i % 10 != 5:  # bearer 30: a bearer of their own, so they do not touch the re-keying's COUNTs
        e["sec"] = {"ctx": ctx, "count": i // 2, "bearer": 30, "direction": i % 2, "mac": "01020304"}
    data.append(e)
for e in v["events"]:
    e["at"] = e.get("at", 0) + 0.001 * n
v["events"] = data + v["events"]
json.dump(v, open(f"{out}/violating-{n}.json", "w"))
PY
}

echo "| events | input | verdict | wall s | peak RSS MiB |"
echo "|---:|---|---|---:|---:|"
for n in $sizes; do
    make_traces "$n"
    for kind in conforming violating; do
        f=$dir/$kind-$n.json
        set +e
        /usr/bin/time -f "%e %M" -o "$dir/time" "$bin" check "$f" --timeout-ms "$timeout_ms" --format json -o "$dir/out.json" 2>/dev/null
        set -e
        read -r wall rss < <(tail -n 1 "$dir/time")
        verdict=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); t=r['traces'][0]; print(t['verdict'] + (' ' + ','.join(t.get('rules', [])) if t.get('rules') else ''))" "$dir/out.json")
        echo "| $n | $kind | $verdict | $wall | $((rss / 1024)) |"
    done
done
echo
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$repo" rev-parse --short HEAD)"
