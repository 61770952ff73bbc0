#!/bin/sh
# Peak memory of `pc5check check` on a generated .jsonl corpus stays under a bound: traces are read,
# checked and spooled one at a time, so memory follows one trace, not the file.
# Usage: rss_check.sh PC5CHECK SPEC WORKDIR COUNT MAX_RSS_KB [JOBS]
set -eu
exe=$1 spec=$2 work=$3 count=$4 max_kb=$5 jobs=${6:-1}
rm -rf "$work" && mkdir -p "$work"
"$exe" gen "$spec" --count "$count" --seed 7 -o "$work/corpus" > /dev/null
set +e
/usr/bin/time -v "$exe" check -j "$jobs" --format json -o "$work/report.json" "$work/corpus" 2> "$work/time.txt"
code=$?
set -e
rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$work/time.txt")
size=$(du -sk "$work/corpus" | cut -f1)
echo "corpus ${size} KB, $count traces, -j $jobs: exit $code, peak RSS ${rss} KB (bound ${max_kb} KB)"
[ "$code" -le 1 ] || { cat "$work/time.txt"; exit 1; }
[ "$rss" -le "$max_kb" ] || { echo "peak RSS over the bound"; exit 1; }
rm -rf "$work"
