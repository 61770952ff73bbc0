#!/bin/sh
# A witness written by `query --cex-dir` is a pc5-trace/1 file that `check` replays with real crypto.
# usage: witness_replay.sh PC5CHECK SPEC
set -eu
exe=$1; spec=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
"$exe" query "$spec" 'initiator.state == InitiatorState.WAIT_RESPONSE' --depth 4 --cex-dir "$dir" >/dev/null
out=$("$exe" check "$dir/query.json" --concrete) || { echo "FAIL: check on the witness: $out"; exit 1; }
echo "$out" | grep -q "1 conform" || { echo "FAIL: $out"; exit 1; }
grep -q '"attacker_steps": \[\]' "$dir/query.json" || { echo "FAIL: no attacker_steps"; exit 1; }
echo "ok: witness replays"
