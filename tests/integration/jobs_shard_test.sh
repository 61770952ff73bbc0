#!/bin/sh
# -j must not change the output; --shard I/N over all I must partition the traces (same results as one
# unsharded run), and `merge` of the shard reports must equal the unsharded report.
# usage: jobs_shard_test.sh PC5CHECK TRACE_DIR WORK_DIR
set -u
exe=$1; traces=$2; work=$3
mkdir -p "$work"
"$exe" check "$traces" --format json -o "$work/j1.json"; "$exe" check "$traces" -j 2 --format json -o "$work/j2.json"
if ! cmp -s "$work/j1.json" "$work/j2.json"; then echo "FAIL: -j 2 output differs from -j 1"; exit 1; fi
"$exe" check "$traces" -j 2 > "$work/j2.txt"; "$exe" check "$traces" > "$work/j1.txt"
if ! cmp -s "$work/j1.txt" "$work/j2.txt"; then echo "FAIL: -j 2 text differs from -j 1"; exit 1; fi
for i in 0 1 2; do "$exe" check "$traces" --shard "$i/3" --format json -o "$work/shard$i.json"; done
"$exe" merge "$work/shard0.json" "$work/shard1.json" "$work/shard2.json" -o "$work/merged.json"
if ! cmp -s "$work/j1.json" "$work/merged.json"; then echo "FAIL: merged shard reports differ from the unsharded report"; exit 1; fi
if "$exe" merge "$work/shard0.json" "$work/shard0.json" > /dev/null 2>&1; then echo "FAIL: merging overlapping shards must fail"; exit 1; fi
/usr/bin/python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
whole = json.load(open(f"{work}/j1.json"))
key = lambda t: (t["file"], t["line"])
parts = [t for i in range(3) for t in json.load(open(f"{work}/shard{i}.json"))["traces"]]
if sorted(map(key, parts)) != sorted(map(key, whole["traces"])) or len(parts) != len(set(map(key, parts))):
    print("FAIL: shards do not partition the traces"); sys.exit(1)
by_key = {key(t): t for t in whole["traces"]}
bad = [key(t) for t in parts if t != by_key[key(t)]]
if bad:
    print("FAIL: sharded results differ for", bad[:3]); sys.exit(1)
print(f"{len(parts)} passed, 0 failed")
PY
