#!/usr/bin/env bash
# Paired A/B wall time of two commands: A and B run in turn (ABBA order, so neither always goes first),
# N times each, and the report gives the median of the pairwise ratios A/B (wall and CPU time), their
# range, and the ratio of the fastest runs. One pair shares the machine's load of the moment, which is
# what makes a ratio steadier than two separate timings on a busy 2-core machine.
#
#   bench/ab_wall.sh N COMMAND_A... -- COMMAND_B...
#   RT=1 bench/ab_wall.sh ...   # each run under real-time FIFO scheduling (chrt -f 10, root only): other
#                               # processes no longer take the core in the middle of a run
#
# Example (docs/performance.md, "Parity with the old scanner"):
#   RT=1 bench/ab_wall.sh 20 build/checker/pc5check check -q -j 1 /tmp/gb/ts33536-r17-random-11.jsonl \
#     -- OLD/build/checker/pc5check check -q -j 1 /tmp/gb/ts33536-r17-random-11.jsonl
# The commands' output is discarded; their exit codes are not checked (a check with violations exits 1).
set -euo pipefail

if [[ $# -lt 4 || ! $1 =~ ^[0-9]+$ ]]; then
    echo "usage: $0 N COMMAND_A... -- COMMAND_B..." >&2
    exit 2
fi
n=$1
shift
a=()
while [[ $# -gt 0 && $1 != -- ]]; do
    a+=("$1")
    shift
done
if [[ $# -lt 2 ]]; then
    echo "$0: expected '--' between the two commands" >&2
    exit 2
fi
shift
b=("$@")
prefix=()
if [[ ${RT:-0} == 1 ]]; then
    prefix=(chrt -f 10)
fi

work=$(mktemp -d /tmp/pc5check-ab-XXXXXX)
trap 'rm -rf "$work"' EXIT

# Appends "wall user sys" of one run of the command to file $1.
timed() {
    local out=$1
    shift
    /usr/bin/time -o "$work/t" -f "%e %U %S" "${prefix[@]}" "$@" >/dev/null 2>&1 || true
    tail -n 1 "$work/t" >>"$out"
}

for ((i = 0; i < n; i++)); do
    if ((i % 2 == 0)); then
        timed "$work/a" "${a[@]}"
        timed "$work/b" "${b[@]}"
    else
        timed "$work/b" "${b[@]}"
        timed "$work/a" "${a[@]}"
    fi
done

python3 - "$work/a" "$work/b" <<'EOF'
import statistics
import sys

def runs(path):
    with open(path) as f:
        return [tuple(map(float, line.split())) for line in f if line.strip()]

a, b = runs(sys.argv[1]), runs(sys.argv[2])
wall = [x[0] / y[0] for x, y in zip(a, b) if y[0] > 0]
cpu = [(x[1] + x[2]) / (y[1] + y[2]) for x, y in zip(a, b) if y[1] + y[2] > 0]
fastest_a, fastest_b = min(x[0] for x in a), min(y[0] for y in b)
print(f"pairs: {len(wall)}")
print(f"wall A/B: median {statistics.median(wall):.3f} (min {min(wall):.3f}, max {max(wall):.3f})")
print(f"CPU A/B:  median {statistics.median(cpu):.3f}")
print(f"median wall: A {statistics.median(x[0] for x in a):.3f} s, B {statistics.median(y[0] for y in b):.3f} s")
print(f"fastest run: A {fastest_a:.3f} s, B {fastest_b:.3f} s, ratio {fastest_a / fastest_b:.3f}")
EOF
