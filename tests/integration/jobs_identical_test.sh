#!/bin/sh
# Every -j gives the same report, byte for byte (issue #19): `check -j 1`, `-j 2` and `-j 3` on the
# corpus, the bad inputs, and a generated mix larger than the workers' read-ahead window (random traces
# with violations, ordinary re-keyings, and one .jsonl with bad lines between good ones), in the JSON
# format (with the error lines on stderr), and -j 1 against -j 3 in the text format and with --shard.
# usage: jobs_identical_test.sh PC5CHECK ORDINARY_CORPUS_EXE SPEC TRACE_DIR BAD_DIR WORK_DIR
# (TRACE_DIR: one spec's corpus directory, e.g. traces/ts33536-r17)
set -u
exe=$1; ordinary=$2; spec=$3; traces=$4; bad=$5; work=$6
rm -rf "$work"; mkdir -p "$work/mix"
"$exe" gen "$spec" --count 150 --seed 5 -o "$work/mix" >/dev/null || { echo "FAIL: gen"; exit 1; }
"$ordinary" 120 "$work/mix/ordinary.jsonl" 7 >/dev/null || { echo "FAIL: ordinary corpus"; exit 1; }
# Good lines around bad ones: a syntax error, an unknown key, a blank line, a line of another spec.
{ head -n 40 "$work/mix/ordinary.jsonl"; echo '{"format": "pc5-trace/1", "spec": '
  sed -n 41,80p "$work/mix/ordinary.jsonl"; echo '{"format": "pc5-trace/1", "colour": 1}'; echo
  sed -n 81,90p "$work/mix/ordinary.jsonl"; } > "$work/mix/with-bad-lines.jsonl"
# The corpus files of one directory (.json streamed, .jsonl read whole) and two partial traces (checked
# symbolically), the bad inputs, the mix.
inputs="$traces/*.json $traces/*.jsonl $traces/partial/no-keys-conform-plain.json $traces/partial/initiator-log-conform-plain.json $bad $work/mix"
status=0
for jobs in 1 2 3; do
    "$exe" check -q -j "$jobs" --format json -o "$work/j$jobs.json" $inputs 2>"$work/j$jobs.err"
    code=$?
    if [ "$code" != 2 ]; then echo "FAIL: -j $jobs exit $code, expected 2 (bad inputs)"; status=1; fi
done
for jobs in 1 3; do
    "$exe" check -j "$jobs" $inputs > "$work/j$jobs.txt" 2>/dev/null
    "$exe" check -q -j "$jobs" --shard 1/3 --format json -o "$work/s$jobs.json" $inputs 2>/dev/null
done
for f in j2.json j2.err j3.json j3.err j3.txt s3.json; do
    base=$(echo "$f" | sed "s/[23]/1/")
    if ! cmp -s "$work/$base" "$work/$f"; then echo "FAIL: $f differs from $base"; status=1; fi
done
# The report is not trivially identical: it holds every trace, the bad lines among them.
/usr/bin/python3 - "$work/j1.json" <<'PY' || status=1
import json, sys
r = json.load(open(sys.argv[1]))
t = r["traces"]
lines = [x["line"] for x in t if x["file"].endswith("with-bad-lines.jsonl")]
bad = [x for x in t if x.get("verdict") == "bad-input"]
if len(t) < 400 or lines != list(range(1, 41)) + [41] + list(range(42, 82)) + [82] + list(range(84, 94)):
    print("FAIL: unexpected traces in the report:", len(t), lines[:5], lines[38:45]); sys.exit(1)
if len(bad) < 10:
    print("FAIL: expected the bad inputs in the report, found", len(bad)); sys.exit(1)
print(f"{len(t)} traces ({len(bad)} bad inputs): -j 1, 2, 3 reports identical")
PY
exit $status
