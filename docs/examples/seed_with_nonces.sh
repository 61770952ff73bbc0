#!/bin/sh
# The worked example of docs/spec-language.md: the seed with nonces, step by step.
#   docs/examples/seed_with_nonces.sh PC5CHECK SPEC_DIR WORK_DIR
# ctest runs it ("docs: worked example"); each step checks what the text says it shows.
set -eu
pc5check=$1; spec_dir=$2; work=$3
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

# 1. The seed as its text allows (sess_key_derivation = ffs): two honest re-keyings may end with the
#    key of the first, and the counterexample replays with its FFS checks undecided.
out=$("$pc5check" prove "$spec_dir/tr33847-sol.json" --property key_freshness --depth 8 --cex-dir "$work/ffs") && fail "step 1: expected exit 1"
echo "$out" | grep -q "key_freshness  *violated at depth 8" || fail "step 1: key_freshness not violated at depth 8"
echo "$out" | grep -q "conforms ([0-9]* unverified)" || fail "step 1: the replay does not list its undecided checks"

# 2. The same question under the TS 33.536 resolution (Nonce_1 in the request, Nonce_2 in the SMC).
out=$("$pc5check" prove "$spec_dir/tr33847-sol.json" --property key_freshness --depth 8 \
      --param sess_key_derivation=ts33536) || fail "step 2: expected exit 0"
echo "$out" | grep -q "key_freshness  *holds up to depth 8" || fail "step 2: key_freshness does not hold"
echo "$out" | grep -q "rests on assumptions:.*A_NONCES_FRESH" || fail "step 2: A_NONCES_FRESH not listed"

# 3. A variant file whose default is the nonce resolution: copy the seed and change one default.
python3 - "$spec_dir/tr33847-sol.json" "$work/seed-nonces.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for p in doc["parameters"]:
    if p["id"] == "sess_key_derivation":
        p["default"] = "ts33536"
json.dump(doc, open(sys.argv[2], "w"), indent=1)
PY
"$pc5check" spec lint "$work/seed-nonces.json" >/dev/null || fail "step 3: the variant does not lint clean"

# 4. diff the seed against the variant: the property that failed now holds (no regression, exit 0);
#    the other way round it is a regression (exit 1) with the counterexample printed.
out=$("$pc5check" diff "$spec_dir/tr33847-sol.json" "$work/seed-nonces.json" --property key_freshness --depth 8) \
    || fail "step 4: seed -> seed-nonces should not regress"
echo "$out" | grep -q "key_freshness .*violated at depth 8 *-> holds up to depth 8" || fail "step 4: diff row"
out=$("$pc5check" diff "$work/seed-nonces.json" "$spec_dir/tr33847-sol.json" --property key_freshness --depth 8) \
    && fail "step 4: seed-nonces -> seed must be a regression"
echo "$out" | grep -q "^  ! key_freshness" || fail "step 4: regression not marked"
echo "worked example: all steps as documented"
