#!/bin/sh
# Witnesses and counterexamples written by `query` / `prove --cex-dir` are pc5-trace/1 files that
# `check` replays with real crypto; a counterexample with attacker steps conforms only when check is
# told to honour them (--attacker-steps), and plain check still judges every message as the UEs'.
# usage: witness_replay.sh PC5CHECK SPEC
set -eu
exe=$1; spec=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
"$exe" query "$spec" 'initiator.state == InitiatorState.WAIT_RESPONSE' --depth 4 --cex-dir "$dir" >/dev/null
out=$("$exe" check "$dir/query.json" --concrete) || { echo "FAIL: check on the witness: $out"; exit 1; }
echo "$out" | grep -q "1 conform" || { echo "FAIL: $out"; exit 1; }
if grep -q attacker_steps "$dir/query.json"; then echo "FAIL: attacker steps in a run without attacker"; exit 1; fi
# Each file says which command found it and what it shows (issue #20, item 6).
grep -q '"title": "witness found by pc5check query: initiator.state == InitiatorState.WAIT_RESPONSE"' "$dir/query.json" ||
    { echo "FAIL: query witness title"; exit 1; }
grep -q '"tool": "pc5check query"' "$dir/query.json" || { echo "FAIL: query witness source"; exit 1; }
code=0
# No induction: the violation lies beyond the first search, and the k-induction prove would try first is
# nearly all of the time (about 110 s under the sanitizers) and not what this test is about.
"$exe" prove "$spec" --depth 4 --attacker dy --property agreement_on_completion --no-induction --cex-dir "$dir" >/dev/null || code=$?
[ "$code" -eq 1 ] || { echo "FAIL: prove exit $code, expected 1 (violated)"; exit 1; }
cex=$dir/ts33536-r17.agreement_on_completion.json
grep -q '"attack": "injected"' "$cex" || { echo "FAIL: no injected step in $cex"; exit 1; }
grep -q '"title": "counterexample to agreement_on_completion found by pc5check prove"' "$cex" ||
    { echo "FAIL: counterexample title"; exit 1; }
# Plain check judges the injected messages as the UEs' own: whatever its verdict (the solver may pick
# injected messages that happen to follow the rules), it never reports attacker steps.
code=0
out=$("$exe" check "$cex" -v) || code=$?
[ "$code" -le 1 ] || { echo "FAIL: plain check of the counterexample exit $code"; exit 1; }
if echo "$out" | grep -q "injected by the attacker"; then echo "FAIL: plain check honoured attacker steps: $out"; exit 1; fi
out=$("$exe" check "$cex" --attacker-steps -v) || { echo "FAIL: check --attacker-steps: $out"; exit 1; }
echo "$out" | grep -q "1 conform" || { echo "FAIL: $out"; exit 1; }
echo "$out" | grep -q "injected by the attacker" || { echo "FAIL: attacker steps not reported: $out"; exit 1; }
echo "ok: witness and counterexample replay"
