#!/bin/sh
# Runs a command and checks its exit code and that its stdout+stderr matches a pattern.
# usage: expect_exit.sh CODE PATTERN COMMAND [ARGS...]   (PATTERN: grep -E, or "" for none)
expected_code=$1; pattern=$2; shift 2
output=$("$@" 2>&1); code=$?
if [ "$code" -ne "$expected_code" ]; then
    printf 'FAIL: exit code %s, expected %s\n%s\n' "$code" "$expected_code" "$output"; exit 1
fi
if [ -n "$pattern" ] && ! printf '%s\n' "$output" | grep -Eq -- "$pattern"; then
    printf 'FAIL: output does not match /%s/\n%s\n' "$pattern" "$output"; exit 1
fi
printf 'ok: exit %s\n' "$code"
