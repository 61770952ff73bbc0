# Checks shared by install_test.sh and package_test.sh (sourced; they define `fail`).

# The installed binary $1, run from / on the corpus of source tree $3, gives the build $2's exit code
# and output; $4 is a scratch directory.
same_verdicts_as_build() {
    local installed_bin=$1 build=$2 src=$3 work=$4 installed built
    (
        cd /
        set +e
        "$installed_bin" check "$src/traces" -q --no-color >"$work/installed.txt"
        installed=$?
        "$build/checker/pc5check" check "$src/traces" -q --no-color >"$work/built.txt"
        built=$?
        set -e
        [ "$installed" = "$built" ] || fail "exit code $installed, the build's binary gives $built"
        cmp -s "$work/installed.txt" "$work/built.txt" || fail "verdicts differ from the build's binary"
        grep -q ' conform' "$work/installed.txt" || fail "no summary: $(cat "$work/installed.txt")"
    )
}

# The manual page $1 renders without a warning.
man_page_renders() {
    local warnings
    warnings=$(MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null)
    [ -z "$warnings" ] || fail "man page warnings: $warnings"
}
