#!/usr/bin/env bash
# End-to-end latency of `pc5check check` on partial captures (issue #19, item 5), the whole process
# timed from outside (start-up, spec loading, encoding, verdict, proofs, report):
#   (1) one 10-event partial trace (traces/ts33536-r17/partial/no-keys-conform-plain.json: conform-plain
#       without K_NRP and K_NRP-sess, checked symbolically, automatic mode), median of N runs;
#   (2) a partial corpus of COUNT traces (default 1,000) with -j 1: `pc5check gen --count COUNT --seed 7`,
#       every trace without its keys and link.k_nrp_sess (so each is checked symbolically), median of M runs.
# With BASE set to another pc5check binary (e.g. main's), each command runs for both in turn (A B B A ...)
# and the ratios new/base are taken pair by pair (one pair shares the machine's load of the moment).
#
#   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release && cmake --build build-rel -j2 --target pc5check
#   BIN=build-rel/checker/pc5check BASE=/tmp/sym-base/build-rel/checker/pc5check bench/symbolic_e2e.sh
# Environment: BIN (default <repo>/build-rel/checker/pc5check), BASE (optional), N (runs of (1), 21),
# M (runs of (2), 3), COUNT (traces of (2), 1000), CORPUS (the partial corpus file to use or write, default
# /tmp/pc5check-partial-COUNT.jsonl).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN:-$repo/build-rel/checker/pc5check}
base=${BASE:-}
n=${N:-21}
m=${M:-3}
count=${COUNT:-1000}
corpus=${CORPUS:-/tmp/pc5check-partial-$count.jsonl}
[[ -x $bin ]] || { echo "symbolic_e2e.sh: $bin not built (see the top of this script)" >&2; exit 2; }
one=$repo/traces/ts33536-r17/partial/no-keys-conform-plain.json

if [[ ! -s $corpus ]]; then
    gen=$(mktemp -d /tmp/pc5check-gen-XXXXXX)
    "$bin" gen "$repo/spec/ts33536-r17.json" --count "$count" --seed 7 -o "$gen" >/dev/null
    python3 - "$gen" "$corpus" <<'PY'
import glob, json, sys
n = 0
with open(sys.argv[2], "w") as out:
    for f in sorted(glob.glob(sys.argv[1] + "/*.jsonl")):
        for line in open(f):
            if not line.strip():
                continue
            t = json.loads(line)
            t.pop("keys", None)
            t["link"].pop("k_nrp_sess", None)
            out.write(json.dumps(t) + "\n")
            n += 1
print(f"partial corpus: {n} traces without keys -> {sys.argv[2]}")
PY
    rm -rf "$gen"
fi

python3 - "$bin" "$base" "$n" "$m" "$one" "$corpus" "$count" <<'PY'
import statistics, subprocess, sys, time
bin_, base, n, m, one, corpus, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]

def wall(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t

def bench(title, args, runs, unit, scale):
    print(f"\n{title}\n  command: {bin_} {' '.join(args)}")
    a, b = [], []
    for i in range(runs):
        order = [(a, bin_), (b, base)] if i % 2 == 0 else [(b, base), (a, bin_)]
        for acc, exe in order:
            if exe:
                acc.append(wall([exe] + args))
    print(f"  new:  median {statistics.median(a) * scale:.1f} {unit} (min {min(a) * scale:.1f}, max {max(a) * scale:.1f}, {runs} runs)")
    if b:
        r = [x / y for x, y in zip(a, b)]
        print(f"  base: median {statistics.median(b) * scale:.1f} {unit} (min {min(b) * scale:.1f}, max {max(b) * scale:.1f}); base binary {base}")
        print(f"  new/base wall, pair by pair: median {statistics.median(r):.3f} (min {min(r):.3f}, max {max(r):.3f})")

bench("(1) 10-event partial trace, end to end", ["check", "-q", one], n, "ms", 1000)
bench(f"(2) {count}-trace partial corpus, -j 1", ["check", "-q", "-j", "1", corpus], m, "s", 1)
PY
