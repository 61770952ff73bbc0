#!/usr/bin/env bash
# Byte-identity of `check` reports between two pc5check binaries (issue #19, item 5: main's and a change's).
#   bench/symbolic_compare.sh BASE_BIN NEW_BIN OUT_DIR FILE...
# Partial inputs: python3 bench/make_partials.py /tmp/partials traces  (four partial versions of every trace).
# Each file is checked by both binaries (-j 1 -v, json and text);
# the reports (and exit codes) must be byte-identical. An input whose reports differ is checked twice more
# by both binaries: when either binary disagrees with itself, the input is "unstable" (its answers depend on
# the solver's time limits on this machine's load), else a real difference.
set -uo pipefail
base=$1 new=$2 out=$3; shift 3
mkdir -p "$out"
n=0 bad=0 unstable=0
run() { "$1" check -j 1 -v --no-color --format "$2" "$3" 2>&1; echo "exit $?"; }
for f in "$@"; do
  k=$(echo "$f" | tr '/' '_')
  for fmt in json text; do
    run "$base" $fmt "$f" >"$out/$k.base.$fmt"
    run "$new" $fmt "$f" >"$out/$k.new.$fmt"
    if ! cmp -s "$out/$k.base.$fmt" "$out/$k.new.$fmt"; then
      same=1
      for i in 2 3; do
        run "$base" $fmt "$f" >"$out/$k.base$i.$fmt"; cmp -s "$out/$k.base.$fmt" "$out/$k.base$i.$fmt" || same=0
        run "$new" $fmt "$f" >"$out/$k.new$i.$fmt"; cmp -s "$out/$k.new.$fmt" "$out/$k.new$i.$fmt" || same=0
      done
      if [[ $same == 1 ]]; then echo "DIFF $fmt $f"; bad=$((bad+1)); else echo "UNSTABLE $fmt $f"; unstable=$((unstable+1)); fi
    fi
  done
  n=$((n+1))
done
echo "compared $n inputs x 2 formats: $bad differ, $unstable unstable (either binary disagrees with itself)"
