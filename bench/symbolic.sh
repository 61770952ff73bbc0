#!/usr/bin/env bash
# Symbolic check latency per trace length (bench/symbolic_bench.cpp) as a markdown table, with the
# growth ratios of one run. Build first (Release, benchmarks on):
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DPC5CHECK_BUILD_BENCH=ON && cmake --build build-bench -j2
# Environment: BUILD (default <repo>/build-bench), REPS (repetitions, 3).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build-bench}
reps=${REPS:-3}
bin=$build/bench/pc5check_symbolic_bench
[[ -x $bin ]] || { echo "symbolic.sh: $bin not built (see the top of this script)" >&2; exit 2; }
out=$(mktemp /tmp/pc5check-symbolic-XXXXXX.json)
trap 'rm -f "$out"' EXIT
"$bin" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
       --benchmark_format=json --benchmark_out="$out" --benchmark_out_format=json >/dev/null
python3 - "$out" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
med = {}
for r in runs:
    if r.get("error_occurred"):
        args = dict(kv.split(":") for kv in r["run_name"].split("/")[1:] if ":" in kv)
        med[(int(args["events"]), int(args["proofs"]))] = None
        continue
    if r.get("aggregate_name") != "median":
        continue
    args = dict(kv.split(":") for kv in r["run_name"].split("/")[1:] if ":" in kv)
    med[(int(args["events"]), int(args["proofs"]))] = r["real_time"]  # ms
print("| events | verdict only, ms | ms/event | with proofs, ms | ms/event |")
print("|---:|---:|---:|---:|---:|")
def cell(v, n):
    return "inconclusive | -" if v is None else f"{v:.1f} | {v/n:.3f}"
for n in sorted({k[0] for k in med}):
    print(f"| {n} | {cell(med.get((n, 0)), n)} | {cell(med.get((n, 1)), n)} |")
ns = sorted(n for n in {k[0] for k in med} if med.get((n, 0)) is not None and med.get((n, 1)) is not None)
for p, name in ((0, "verdict only"), (1, "with proofs")):
    lo, hi = ns[-2], ns[-1]
    ratio = (med[(hi, p)] / hi) / (med[(lo, p)] / lo)
    print(f"\n{name}: time per event at {hi} events / at {lo} events = {ratio:.2f} (1.00 = linear)")
PY
