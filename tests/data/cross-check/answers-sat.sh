#!/bin/sh
# A stand-in second solver for the --cross-check tests: claims every query is satisfiable, so a proof Z3
# found must end as an internal error (exit 3) naming the query file.
[ "$1" = "--version" ] && { echo "answers-sat 1"; exit 0; }
echo sat
