#!/usr/bin/env bash
# Builds (if needed) and runs one libFuzzer target on a copy of its seed corpus.
#
#   fuzz/run.sh TARGET SECONDS      e.g. fuzz/run.sh fuzz_spec 600
#
# TARGET: fuzz_trace_json fuzz_trace_jsonl fuzz_trace_stream fuzz_spec fuzz_expr fuzz_hex fuzz_check fuzz_query.
# Build tree: $PC5CHECK_FUZZ_BUILD_DIR (default build-fuzz/, configured with clang on first use).
# Exit status: 0 when the run ended cleanly; non-zero on any crash, leak, timeout, out-of-memory or
# sanitizer report (the input is kept in <build>/fuzz-artifacts/TARGET/, the log in
# <build>/fuzz-logs/TARGET.log). The last line gives the number of executions.
set -euo pipefail

usage() {
    echo "usage: $0 TARGET SECONDS (TARGET: fuzz_trace_json fuzz_trace_jsonl fuzz_trace_stream fuzz_spec fuzz_expr fuzz_hex fuzz_check fuzz_query)" >&2
    exit 2
}
[[ $# -eq 2 ]] || usage
target=$1
seconds=$2
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage
case $target in
fuzz_trace_json | fuzz_trace_jsonl | fuzz_trace_stream | fuzz_spec | fuzz_expr | fuzz_hex | fuzz_check | fuzz_query) ;;
*) usage ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
build=${PC5CHECK_FUZZ_BUILD_DIR:-$root/build-fuzz}

if [[ ! -f $build/CMakeCache.txt ]]; then
    CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DPC5CHECK_BUILD_FUZZ=ON -DPC5CHECK_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target "$target" -j "${PC5CHECK_FUZZ_JOBS:-2}" >/dev/null

corpus=$(mktemp -d "${TMPDIR:-/tmp}/pc5check-$target.XXXXXX")
trap 'rm -rf "$corpus"' EXIT

seed_count=0
# Copies files as seeds (name prefixed by their origin, so equal base names do not collide).
seed_files() {
    local f
    for f in "$@"; do
        [[ -f $f ]] || continue
        cp "$f" "$corpus/$(echo "${f#"$root"/}" | tr '/' '_')"
        seed_count=$((seed_count + 1))
    done
}
# Splits .jsonl files into seeds of `lines` lines each.
seed_lines() {
    local lines=$1 f
    shift
    for f in "$@"; do
        [[ -f $f ]] || continue
        split -l "$lines" -d -a 4 "$f" "$corpus/$(echo "${f#"$root"/}" | tr '/' '_')."
        seed_count=$((seed_count + $(($(wc -l <"$f") + lines - 1)) / lines))
    done
}

shopt -s nullglob globstar
traces_json=("$root"/traces/**/*.json "$root"/tests/data/bad/*.json "$root"/tests/data/trace/*.json
    "$root"/tests/data/external/*.json)
traces_jsonl=("$root"/traces/**/*.jsonl "$root"/tests/data/bad/*.jsonl)
dict=$root/fuzz/trace.dict
case $target in
fuzz_trace_json | fuzz_trace_stream | fuzz_check)
    seed_files "${traces_json[@]}"
    seed_lines 1 "${traces_jsonl[@]}"
    # Inputs a run once failed on (fuzz_check: kept as seeds, so a regression is found at once).
    if [[ $target == fuzz_check ]]; then
        seed_files "$root"/fuzz/corpus/check/*.json
    fi
    ;;
fuzz_trace_jsonl)
    seed_files "${traces_json[@]}"
    seed_lines 4 "${traces_jsonl[@]}"
    ;;
fuzz_spec)
    seed_files "$root"/spec/*.json
    dict=$root/fuzz/spec.dict
    ;;
fuzz_expr | fuzz_query)
    dict=$root/fuzz/expr.dict
    ;;
esac
# Target-specific seeds and earlier findings: fuzz/corpus/<surface>/, tests/data/fuzz-regressions/<target>/.
seed_files "$root"/fuzz/corpus/"${target#fuzz_}"/* "$root"/tests/data/fuzz-regressions/"$target"/*

artifacts=$build/fuzz-artifacts/$target
logs=$build/fuzz-logs
mkdir -p "$artifacts" "$logs"
log=$logs/$target.log
echo "$target: $seed_count seeds, ${seconds}s; log $log"

status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
    "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$dict" -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?

# A report that did not stop the run (or a status the fuzzer swallowed) still fails it.
if grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|fuzz property violated|internal error: assertion|==[0-9]+== ?ERROR' "$log"; then
    [[ $status -ne 0 ]] || status=1
fi
if [[ $status -ne 0 ]]; then
    echo "--- last lines of $log ---"
    tail -n 60 "$log"
fi

runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
if [[ -z $runs ]]; then
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
fi
if [[ $status -eq 0 ]]; then
    echo "$target: OK, ${runs:-?} executions in ${seconds}s"
else
    echo "$target: FAILED (status $status), ${runs:-?} executions; artifacts in $artifacts"
fi
exit "$status"
