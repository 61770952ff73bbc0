#!/usr/bin/env bash
# The Debian package (cmake/packaging.cmake): builds pc5check_<version>_<arch>.deb with CPack, checks
# that its runtime dependencies were computed (libz3, libssl), unpacks it into a scratch root, runs the
# unpacked binary on the corpus from another directory (same verdicts as the build's binary), renders
# its manual page without warnings, and lints the package with lintian (no error).
#   package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "package_test: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1 \
    || fail "cpack failed: $(cat "$work/cpack.log")"
deb=$(find "$work/pkg" -maxdepth 1 -name 'pc5check_*.deb' | head -n 1)
[ -n "$deb" ] || fail "no pc5check_*.deb in $(ls "$work/pkg")"
case "$(basename "$deb")" in
    pc5check_[0-9]*_"$(dpkg --print-architecture)".deb) ;;
    *) fail "unexpected package name $(basename "$deb")" ;;
esac
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libz3 libssl libc6 libstdc++6; do
    printf '%s\n' "$depends" | grep -q "$lib" || fail "Depends lacks $lib: $depends"
done

dpkg-deb -x "$deb" "$work/root"
# shellcheck source=installed_tree.sh
source "$(dirname "$0")/installed_tree.sh"
same_verdicts_as_build "$work/root/usr/bin/pc5check" "$build" "$src" "$work"
man_page_renders "$work/root/usr/share/man/man1/pc5check.1.gz"

lintian --fail-on error --tag-display-limit 0 "$deb" >"$work/lintian.txt" 2>&1 \
    || fail "lintian: $(cat "$work/lintian.txt")"
echo "package_test: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB), Depends: $depends"
echo "package_test: lintian: $(grep -c '^E:' "$work/lintian.txt" || true) errors, $(grep -c '^W:' "$work/lintian.txt" || true) warnings"
cat "$work/lintian.txt"
