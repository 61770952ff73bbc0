#!/usr/bin/env bash
# Writes the corpus traces under 128-NEA1/NIA1 and 128-NEA3/NIA3 (issue #18): catalogue scenarios of
# the normative variant generated with another algorithm pair, seed 1, named ALGS-SCENARIO.json
# (e.g. nea1-nia1-conform-plain.json). Each `expect` is the scenario's, as for the rest of the catalogue.
# Usage: traces/make_algorithm_traces.sh [PC5CHECK]   (default: build/checker/pc5check)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pc5check=${1:-$root/build/checker/pc5check}
out=$root/traces/ts33536-r17
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# NEA NIA SCENARIO: conforming runs, violations that only a verified MAC-I reveals, and one mixed pair.
cases=(
    "NEA1 NIA1 conform-plain"
    "NEA3 NIA3 conform-plain"
    "NEA3 NIA1 conform-reauth"
    "NEA1 NIA3 conform-reauth-then-rekey"
    "NEA1 NIA1 fool-mac-copied"
    "NEA3 NIA3 fool-mac-copied"
    "NEA1 NIA3 fool-smc-valid-old-mac"
    "NEA3 NIA1 fool-response-copied-mac"
    "NEA2 NIA3 viol-smc-new-context"
    "NEA3 NIA3 viol-algs-allowed"
)
for c in "${cases[@]}"; do
    read -r nea nia scenario <<<"$c"
    "$pc5check" gen "$root/spec/ts33536-r17.json" --seed 1 --nea "$nea" --nia "$nia" --scenario "$scenario" \
        -o "$tmp" >/dev/null
    name=$(echo "$nea-$nia" | tr 'A-Z' 'a-z')-$scenario.json
    mv "$tmp/$scenario.json" "$out/$name"
    echo "wrote traces/ts33536-r17/$name"
done
