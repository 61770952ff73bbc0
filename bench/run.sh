#!/usr/bin/env bash
# Runs the benchmarks (bench/check_bench.cpp) and the peak-RSS probe (bench/rss_probe.cpp) and prints a
# markdown report with the exact commands. Build first:
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DPC5CHECK_BUILD_TESTS=OFF -DPC5CHECK_BUILD_BENCH=ON
#   cmake --build build-bench -j2
# Environment: BUILD (default <repo>/build-bench), TRACES (corpus size, 2000), REPS (repetitions, 5),
# NICE (niceness, 5), SIZES (trace lengths of the RSS probe, "10 100 1000 10000 100000"),
# KEEP (directory to keep the raw output in; default: a temporary directory, removed),
# GB_COUNT (traces of the generated ~1 GB .jsonl corpus of section 6, 140000; 0 skips section 6),
# ORD_COUNT (ordinary re-keying traces of section 7, 84035: about 200 MB; 0 skips section 7),
# ORD_ROUNDS (interleaved rounds of section 7, 5), ORD_ONLY=1 (section 7 alone, about 5 minutes).
# Packages of the bench build (Debian 12): libbenchmark-dev; libsimdjson-dev (optional: simdjson's row
# of section 7); time (GNU time: peak RSS).
# The last line printed is the headline: check -j 2 against -j 1 and check against nlohmann's parse on
# the ordinary corpus (section 7).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${BUILD:-$repo/build-bench}
traces=${TRACES:-2000}
reps=${REPS:-5}
niceness=${NICE:-5}
sizes=${SIZES:-10 100 1000 10000 100000}
gb_count=${GB_COUNT:-140000}
ord_count=${ORD_COUNT:-84035}
ord_rounds=${ORD_ROUNDS:-5}
ord_only=${ORD_ONLY:-0}
bench_bin=$build/bench/pc5check_bench
ord_bin=$build/bench/pc5check_ordinary_corpus
probe_bin=$build/bench/pc5check_rss_probe
parse_bin=$build/bench/pc5check_parse_baseline
cli_bin=$build/checker/pc5check

for bin in "$bench_bin" "$probe_bin" "$parse_bin" "$cli_bin" "$ord_bin"; do
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

# Wall seconds and peak RSS (KiB) of one command; GNU time gives the RSS, else it is left out.
timed() {
    local start end status=0
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" || status=$?
    else
        start=$(date +%s.%N)
        "$@" >/dev/null 2>"$out/stderr.txt" || status=$?
        end=$(date +%s.%N)
        awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f -\n", b - a }' >"$out/time.txt"
    fi
    # 1 = some trace violates (the corpus mixes both); 2 or 3 would make the figures meaningless.
    if ((status > 1)); then
        echo "run.sh: exit $status from: $*" >&2
        cat "$out/stderr.txt" >&2
        exit 1
    fi
    tail -n 1 "$out/time.txt" # GNU time puts "Command exited with non-zero status" first
}

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)
rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null | head -n1)
load_before=$(load)

bench_cmd=(nice -n "$niceness" "$bench_bin" "--pc5_traces=$traces" "--pc5_summary=$out/summary.md"
    "--benchmark_repetitions=$reps" --benchmark_enable_random_interleaving=true
    "--benchmark_out=$out/bench.json" --benchmark_out_format=json)
if [[ $ord_only == 1 ]]; then
    sizes=
    gb_count=0
    : >"$out/summary.md"
else
"${bench_cmd[@]}" >"$out/console.txt" 2>&1 || {
    cat "$out/console.txt" >&2
    exit 1
}
fi

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

# 6. The CLI end to end on a generated ~1 GB .jsonl corpus, against nlohmann's parse of the same file.
gb_section=
if [[ $gb_count != 0 ]]; then
    gb_dir=$out/gb
    gen_cmd=("$cli_bin" gen "$repo/spec/ts33536-r17.json" --count "$gb_count" --seed 11 -o "$gb_dir")
    gen_start=$(date +%s.%N)
    "${gen_cmd[@]}" >/dev/null
    gen_s=$(awk -v a="$gen_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    gb_file=$(ls "$gb_dir"/*.jsonl)
    gb_bytes=$(stat -c %s "$gb_file")
    baseline_cmd=(nice -n "$niceness" "$parse_bin" "$gb_file")
    baseline_s() { "${baseline_cmd[@]}" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p'; }
    baseline_line=$("${baseline_cmd[@]}")
    gb_events=$(sed -n 's/.*events=\([0-9]*\).*/\1/p' <<<"$baseline_line")
    gb_lines=$(sed -n 's/.*lines=\([0-9]*\).*/\1/p' <<<"$baseline_line")
    base1=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$baseline_line")
    gb_runs=(
        "-j 1|json|$out/gb-report.json"
        "-j 1|text|$out/gb-report.txt"
        "-j 1|junit|$out/gb-report.xml"
        "-j 2|json|$out/gb-report-j2.json"
    )
    gb_rows=()
    gb_cmds=()
    gb_summary=
    for run in "${gb_runs[@]}"; do
        IFS='|' read -r jobs format report <<<"$run"
        # shellcheck disable=SC2206 # "-j N" splits into two words on purpose
        cmd=(nice -n "$niceness" "$cli_bin" check $jobs --format "$format" -o "$report" "$gb_file")
        read -r secs kib <<<"$(timed "${cmd[@]}")"
        gb_cmds+=("$(shown "${cmd[@]}")")
        gb_rows+=("$jobs|$format|$secs|$kib")
        if [[ $format == text && -z $gb_summary ]]; then
            gb_summary=$(tail -n 1 "$report")
        fi
    done
    base2=$(baseline_s)
    base=$(awk -v a="$base1" -v b="$base2" 'BEGIN { print (a < b ? a : b) }')
    mb() { awk -v b="$gb_bytes" -v s="$1" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }
    table="| run | wall s | MB/s | events/s | peak RSS MiB | throughput / nlohmann parse |
|---|---:|---:|---:|---:|---:|
| nlohmann::json::parse per line (faster of 2 runs: $(printf "%.2f" "$base1") s, $(printf "%.2f" "$base2") s) | $(printf "%.2f" "$base") | $(mb "$base") | $(awk -v e="$gb_events" -v s="$base" 'BEGIN { printf "%.0f", e / s }') | | 1 |"
    for row in "${gb_rows[@]}"; do
        IFS='|' read -r jobs format secs kib <<<"$row"
        rss=$([[ $kib == - ]] && echo "n/a" || awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
        ratio=$(awk -v b="$base" -v s="$secs" 'BEGIN { printf "%.2f", b / s }')
        [[ $jobs == "-j 1" && $format == json ]] && ratio="**$ratio**"
        table+="
| \`pc5check check $jobs --format $format -o FILE\` | $secs | $(mb "$secs") | $(awk -v e="$gb_events" -v s="$secs" 'BEGIN { printf "%.0f", e / s }') | $rss | $ratio |"
    done
    gb_section="
#### 6. The CLI end to end on a generated 1 GB .jsonl corpus

\`pc5check gen --count $gb_count\` wrote $(awk -v b="$gb_bytes" 'BEGIN { printf "%.2f", b / 1e9 }') GB ($gb_lines traces, $gb_events events) in $gen_s s. Each row is one
process on the same file (page cache warm), wall time: reading, checking, the spooled results and the
report, against a program that only reads the file the same way and parses every line with
\`nlohmann::json::parse\` (\`bench/parse_baseline.cpp\`), timed before and after the checks. Text report's
summary: $gb_summary

$table

Commands (from the repository root):

\`\`\`
$(shown "${gen_cmd[@]}")
$(shown "${baseline_cmd[@]}")     # before and after the checks
$(printf '%s\n' "${gb_cmds[@]}")
\`\`\`
"
    rm -rf "$gb_dir" "$out"/gb-report*
fi
# 7. Ordinary re-keying traces (issue #19): the parsers alone and the CLI end to end, -j 1 and -j 2.
ord_section=
headline=
if [[ $ord_count != 0 ]]; then
    ord_file=$out/ordinary.jsonl
    ord_gen_cmd=("$ord_bin" "$ord_count" "$ord_file")
    gen_start=$(date +%s.%N)
    ord_line=$("${ord_gen_cmd[@]}")
    ord_gen_s=$(awk -v a="$gen_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    ord_events=$(sed -n 's/.*events=\([0-9]*\).*/\1/p' <<<"$ord_line")
    ord_bytes=$(stat -c %s "$ord_file")
    # The rows, in the order each round runs them: name|command.
    ord_rows=("nlohmann|nice -n $niceness $parse_bin --parser nlohmann $ord_file")
    if "$parse_bin" --parser simdjson /dev/null >/dev/null 2>&1; then
        ord_rows+=("simdjson|nice -n $niceness $parse_bin --parser simdjson $ord_file")
    fi
    ord_rows+=(
        "reader|nice -n $niceness $parse_bin --parser pc5check $ord_file"
        "j1|nice -n $niceness $cli_bin check -j 1 --format json -o $out/ord-j1.json $ord_file"
        "j2|nice -n $niceness $cli_bin check -j 2 --format json -o $out/ord-j2.json $ord_file"
    )
    declare -A ord_secs ord_kib
    for ((round = 0; round < ord_rounds; ++round)); do
        for row in "${ord_rows[@]}"; do
            name=${row%%|*}
            # shellcheck disable=SC2206 # the command splits into words on purpose
            cmd=(${row#*|})
            res=$(timed "${cmd[@]}")
            ord_secs[$name]+="${res%% *} "
            ord_kib[$name]+="${res##* } "
        done
        if ! cmp -s "$out/ord-j1.json" "$out/ord-j2.json"; then
            echo "run.sh: the -j 1 and -j 2 reports differ" >&2
            exit 1
        fi
    done
    ord_summary=$(python3 -c 'import json, sys; print("{traces} trace(s): {conforms} conform, {violation} violation, {inconclusive} inconclusive, {bad_input} bad input".format(**json.load(open(sys.argv[1]))["summary"]))' "$out/ord-j1.json" 2>/dev/null || echo "?")
    median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
    # Median over the rounds of the ratio of two rows' times, round by round (a paired ratio).
    paired() {
        paste -d' ' <(tr ' ' '\n' <<<"${ord_secs[$1]}" | sed '/^$/d') <(tr ' ' '\n' <<<"${ord_secs[$2]}" | sed '/^$/d') |
            awk '{ printf "%.6f ", $1 / $2 }' | median
    }
    base=$(median <<<"${ord_secs[nlohmann]}")
    label() {
        case $1 in
        nlohmann) echo "\`nlohmann::json::parse\` per line (DOM)" ;;
        simdjson) echo "simdjson DOM parse per line (\`simdjson::dom::parser\`)" ;;
        reader) echo "our trace reader alone per line (\`trace::parse_trace\`, no replay)" ;;
        j1) echo "\`pc5check check -j 1 --format json -o FILE\`" ;;
        j2) echo "\`pc5check check -j 2 --format json -o FILE\`" ;;
        esac
    }
    table="| run | wall s (median of $ord_rounds) | MB/s | events/s | peak RSS MiB | throughput / nlohmann (paired) |
|---|---:|---:|---:|---:|---:|"
    cmds=
    for row in "${ord_rows[@]}"; do
        name=${row%%|*}
        secs=$(median <<<"${ord_secs[$name]}")
        kib=$(tr ' ' '\n' <<<"${ord_kib[$name]}" | sed '/^$/d' | sort -g | tail -n1)
        rss=$([[ $kib == - ]] && echo "n/a" || awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
        ratio=$(paired nlohmann "$name")
        table+="
| $(label "$name") | $(printf "%.2f" "$secs") | $(awk -v b="$ord_bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / s / 1e6 }') | $(awk -v e="$ord_events" -v s="$secs" 'BEGIN { printf "%.0f", e / s }') | $rss | $(printf "%.2f" "$ratio") |"
        cmds+="$(shown "${row#*|}")
"
    done
    speedup=$(paired j1 j2)
    j1_vs_parse=$(paired nlohmann j1)
    reader_vs_parse=$(paired nlohmann reader)
    ord_section="
#### 7. Ordinary re-keying traces: the parsers and the CLI end to end

\`pc5check_ordinary_corpus $ord_count\` wrote $(awk -v b="$ord_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB ($ord_count conforming 8-event re-keying traces, $ord_events events,
compact JSON, real keys and MAC-Is) in $ord_gen_s s. $ord_rounds rounds, each running every row once in the
order below (one process per row, page cache warm, wall time; peak RSS: the largest of the rounds). Each
parser reads the file as the checker does (64 KiB chunks, one line at a time) and parses every line. The
ratios are medians of the round-by-round ratios. Check's summary: $ord_summary. The -j 1 and -j 2
reports were identical (cmp) in every round.

$table

| ratio (paired, median of $ord_rounds rounds) | value |
|---|---:|
| our reader / nlohmann parse (throughput) | $(printf "%.2f" "$reader_vs_parse") |
| check -j 1 / nlohmann parse (throughput) | $(printf "%.2f" "$j1_vs_parse") |
| **check -j 2 / check -j 1** (speed-up) | **$(printf "%.2f" "$speedup")** |

Commands (from the repository root; each round runs the rows in this order):

\`\`\`
$(shown "${ord_gen_cmd[@]}")
${cmds}\`\`\`
"
    headline="headline: check -j 2 / -j 1 = $(printf "%.2f" "$speedup")x; check -j 1 / nlohmann parse = $(printf "%.2f" "$j1_vs_parse") (ordinary corpus, $(awk -v b="$ord_bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB, median of $ord_rounds paired rounds)"
    rm -f "$ord_file" "$out"/ord-j*.json
fi
load_after=$(load)

cat <<EOF
### Benchmark run

${cpu:-unknown CPU}, $(nproc) cores, commit $rev${dirty:+ (with uncommitted changes)}; load average
before/after: $load_before / $load_after (other work was running: absolute figures are context only,
the ratios compare benchmarks of the same run, interleaved at random).

EOF
if [[ $ord_only != 1 ]]; then
    cat <<EOF
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
$gb_section
EOF
fi
if [[ -n $ord_section ]]; then
    echo "$ord_section"
    echo "$headline"
fi
