#!/bin/sh
# Peak memory of `pc5check check` on one long generated `.json` trace stays under a bound: the document
# is streamed (header, then one event at a time), so memory follows one event, not the trace.
# Usage: rss_json_check.sh RSS_PROBE PC5CHECK WORKDIR EVENTS MAX_RSS_KB
set -eu
probe=$1 exe=$2 work=$3 events=$4 max_kb=$5
rm -rf "$work" && mkdir -p "$work"
# A conforming trace of EVENTS DATA events with real MAC-Is (bench/corpus.cpp, as in docs/performance.md).
"$probe" gen "$events" "$work/long.json"
set +e
/usr/bin/time -v "$exe" check "$work/long.json" > "$work/out.txt" 2> "$work/time.txt"
code=$?
set -e
rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$work/time.txt")
size=$(du -k "$work/long.json" | cut -f1)
echo "trace ${size} KB, $events events: exit $code, peak RSS ${rss} KB (bound ${max_kb} KB)"
tail -n 1 "$work/out.txt"
[ "$code" -eq 0 ] || { cat "$work/out.txt" "$work/time.txt"; exit 1; }
grep -q '^1 trace(s): 1 conform, 0 violation, 0 bad input$' "$work/out.txt" || { echo "expected one conforming trace"; exit 1; }
[ "$rss" -le "$max_kb" ] || { echo "peak RSS over the bound"; exit 1; }
rm -rf "$work"
