#!/bin/sh
# Soak run of `pc5check monitor` (not in CI; docs/performance.md, "monitor"): EVENTS conforming DATA
# events with real MAC-Is (bench/corpus.cpp) written by the RSS probe into a pipe and checked as they
# come; prints the monitor's peak RSS and fails above MAX_RSS_KB. Memory follows the machine's state:
# the link's state does not grow with DATA, so the peak must not grow with EVENTS.
# Usage: bench/monitor_soak.sh [EVENTS] [MAX_RSS_KB] [BUILD]
#   defaults 10000000, 204800 (200 MiB), <repo>/build (needs the targets pc5check and pc5check_rss_probe:
#   cmake --build build -j2 --target pc5check pc5check_rss_probe)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
events=${1:-10000000} max_kb=${2:-204800} build=${3:-$here/../build}
probe=$build/bench/pc5check_rss_probe exe=$build/checker/pc5check
work=$(mktemp -d /tmp/pc5check-soak-XXXXXX)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
set +e
"$probe" stream "$events" | /usr/bin/time -v "$exe" monitor - --format json > "$work/out.jsonl" 2> "$work/time.txt"
code=$?
set -e
seconds=$(( $(date +%s) - start ))
rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$work/time.txt")
verdict=$(tail -n 1 "$work/out.jsonl")
echo "$events events through a pipe in ${seconds} s: exit $code, peak RSS ${rss} KB (bound ${max_kb} KB)"
echo "$verdict"
[ "$code" -eq 0 ] || { cat "$work/time.txt"; exit 1; }
echo "$verdict" | grep -q "\"verdict\":\"conforms\",\"events\":$events," || { echo "expected $events conforming events"; exit 1; }
[ "$rss" -le "$max_kb" ] || { echo "peak RSS over the bound"; exit 1; }
