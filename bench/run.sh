#!/usr/bin/env bash
# Runs the benchmarks (bench/check_bench.cpp) and the peak-RSS probe (bench/rss_probe.cpp) and prints a
# markdown report with the exact commands. Build first:
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DPC5CHECK_BUILD_TESTS=OFF -DPC5CHECK_BUILD_BENCH=ON
#   cmake --build build-bench -j2
# Environment: BUILD (default <repo>/build-bench), TRACES (corpus size, 2000), REPS (repetitions, 5),
# NICE (niceness, 5), SIZES (trace lengths of the RSS probe, "10 100 1000 10000 100000"),
# KEEP (directory to keep the raw output in; default: a temporary directory, removed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${BUILD:-$repo/build-bench}
traces=${TRACES:-2000}
reps=${REPS:-5}
niceness=${NICE:-5}
sizes=${SIZES:-10 100 1000 10000 100000}
bench_bin=$build/bench/pc5check_bench
probe_bin=$build/bench/pc5check_rss_probe

for bin in "$bench_bin" "$probe_bin"; do
    if [[ ! -x $bin ]]; then
        echo "run.sh: $bin not built (see the build commands at the top of this script)" >&2
        exit 2
    fi
done

if [[ -n ${KEEP:-} ]]; then
    out=$KEEP
    mkdir -p "$out"
else
    out=$(mktemp -d /tmp/pc5check-bench-run-XXXXXX)
    trap 'rm -rf "$out"' EXIT
fi

load() { cut -d' ' -f1-3 /proc/loadavg; }
# A command as written from the repository root, the raw-output directory as $OUT.
shown() {
    local c="$*"
    c=${c//$out/\$OUT}
    echo "${c//$repo\//}"
}

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)
rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null | head -n1)
load_before=$(load)

bench_cmd=(nice -n "$niceness" "$bench_bin" "--pc5_traces=$traces" "--pc5_summary=$out/summary.md"
    "--benchmark_repetitions=$reps" --benchmark_enable_random_interleaving=true
    "--benchmark_out=$out/bench.json" --benchmark_out_format=json)
"${bench_cmd[@]}" >"$out/console.txt" 2>&1 || {
    cat "$out/console.txt" >&2
    exit 1
}

rss_rows=()
baseline=
for n in $sizes; do
    file=$out/data-$n.json
    "$probe_bin" gen "$n" "$file"
    line=$(nice -n "$niceness" "$probe_bin" check "$file")
    kib=${line##*vm_hwm_kib=}
    verdict=$(sed -n 's/.*verdict=\([a-z]*\).*/\1/p' <<<"$line")
    bytes=$(stat -c %s "$file")
    baseline=${baseline:-$kib}
    per_event=$(awk -v k="$kib" -v b="$baseline" -v n="$n" 'BEGIN { printf "%.2f", (k - b) / n }')
    rss_rows+=("| $n | $(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }') | $verdict | $(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }') | $per_event |")
done
load_after=$(load)

cat <<EOF
### Benchmark run

${cpu:-unknown CPU}, $(nproc) cores, commit $rev${dirty:+ (with uncommitted changes)}; load average
before/after: $load_before / $load_after (other work was running: absolute figures are context only,
the ratios compare benchmarks of the same run, interleaved at random).

$(cat "$out/summary.md")

#### 5. Peak resident memory against trace length

One process per size checks one conforming DATA trace as \`pc5check check\` does
(\`checker::check_paths\`, -j 1) and reads VmHWM from /proc/self/status; "KiB/event" is the growth over
the smallest trace.

| events | file MB | verdict | peak RSS MiB | KiB/event over N = ${sizes%% *} |
|---:|---:|---|---:|---:|
$(printf '%s\n' "${rss_rows[@]}")

Commands (from the repository root):

\`\`\`
$(shown "${bench_cmd[@]}")
for n in $sizes; do
    $(shown "$probe_bin") gen \$n \$OUT/data-\$n.json
    $(shown nice -n "$niceness" "$probe_bin") check \$OUT/data-\$n.json
done
\`\`\`
EOF
