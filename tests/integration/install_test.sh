#!/usr/bin/env bash
# `cmake --install` into a scratch prefix (issue: install it like a tool). The installed binary, run
# from another directory, finds the shipped specs through its own location (no --spec-dir, no source
# path compiled in) and gives the build's verdicts on the corpus; pc5check(1) renders without a
# warning; the bash completion completes the subcommands and an option's values.
#   install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "install_test: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
pc5check="$prefix/bin/pc5check"
for f in share/pc5check/spec/ts33536-r17.json share/pc5check/spec/pc5-trace.schema.json \
         share/man/man1/pc5check.1.gz share/bash-completion/completions/pc5check \
         share/zsh/vendor-completions/_pc5check share/doc/pc5check/README.md \
         share/doc/pc5check/trace-format.md; do
    [ -f "$prefix/$f" ] || fail "not installed: $f"
done

# shellcheck source=installed_tree.sh
source "$(dirname "$0")/installed_tree.sh"
(cd / && "$pc5check" --version) | grep -q '^pc5check [0-9]' || fail "--version"
same_verdicts_as_build "$pc5check" "$build" "$src" "$prefix"
man_page_renders "$prefix/share/man/man1/pc5check.1.gz"
MANWIDTH=80 man -l "$prefix/share/man/man1/pc5check.1.gz" 2>/dev/null | grep -q -- '--spec-dir' \
    || fail "man page lacks check's --spec-dir"

# shellcheck disable=SC1091
source "$prefix/share/bash-completion/completions/pc5check"
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _pc5check
    echo "${COMPREPLY[*]}"
}
[ "$(complete_words pc5check pro)" = "prove" ] || fail "completion of 'pro': $(complete_words pc5check pro)"
[ "$(complete_words pc5check check --format s)" = "sarif" ] || fail "completion of --format values"
zsh -n "$prefix/share/zsh/vendor-completions/_pc5check" || fail "the zsh completion does not parse"
echo "install_test: installed tree checks the corpus, man page and completion fine"
