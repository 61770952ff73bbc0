#!/usr/bin/env bash
# Sets up pc5check on Debian 12 (installs missing packages with apt-get when run as root), builds it,
# then runs one job:
#   ./quickstart.sh corpus   check the shipped corpus (traces/) and print the verdict table
#   ./quickstart.sh test     run the whole test suite (what CI runs)
#   ./quickstart.sh build    only set up and build
# Environment: BUILD_DIR (default build), BUILD_TYPE (default Release: without debug info the first
# build takes a third less time), SANITIZERS (e.g.
# address,undefined: builds with those sanitizers), CMAKE_ARGS (more arguments for cmake's configure
# step, split at spaces, e.g. -DCMAKE_CXX_FLAGS_DEBUG=-g1); CC and CXX choose the compiler of a new build
# directory as cmake reads them (default: the system's, GCC; .ci/run's sanitizer pass uses clang++-14).
set -euo pipefail

job=${1:-corpus}
root=$(cd "$(dirname "$0")" && pwd)
build_dir=${BUILD_DIR:-$root/build}
build_type=${BUILD_TYPE:-Release}
packages=(g++ cmake make pkg-config libz3-dev nlohmann-json3-dev libcli11-dev doctest-dev libssl-dev libexpected-dev)

# Only the test suite needs these (browser test of the HTML report, XML schema validation, JSON Schema,
# rendering the installed manual page, parsing the zsh completion, building and linting the Debian
# package, cvc5 as the second solver of prove --cross-check).
test_packages=(python3-jsonschema chromium libxml2-utils graphviz man-db dpkg-dev file lintian zsh cvc5)
if [ "$job" = test ]; then
    packages+=("${test_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "quickstart: missing packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
        exit 2
    fi
    echo "quickstart: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake_args=(-S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type")
if [ -n "${SANITIZERS:-}" ]; then
    cmake_args+=(-DPC5CHECK_SANITIZERS="$SANITIZERS")
fi
if [ -n "${CMAKE_ARGS:-}" ]; then
    read -r -a extra_args <<< "$CMAKE_ARGS"
    cmake_args+=("${extra_args[@]}")
fi
cmake "${cmake_args[@]}" >/dev/null
# The corpus run needs only the pc5check program; the test job builds everything.
if [ "$job" = corpus ]; then
    cmake --build "$build_dir" -j "$(nproc)" --target pc5check
else
    cmake --build "$build_dir" -j "$(nproc)"
fi

case "$job" in
    build)
        ;;
    corpus)
        set +e
        "$build_dir/checker/pc5check" check "$root/traces"
        code=$?
        set -e
        if [ $code -eq 1 ]; then
            echo "(exit code 1: the corpus deliberately holds one violating trace per rule, next to the conforming ones)"
            exit 0
        fi
        exit $code
        ;;
    test)
        cd "$build_dir"
        ctest --output-on-failure -j "$(nproc)"
        ;;
    *)
        echo "usage: $0 corpus|test|build" >&2
        exit 2
        ;;
esac
