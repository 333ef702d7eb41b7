#!/bin/bash
# shellcheck disable=SC2016 # "$..." in single quotes is for the shell under test
# SPDX-License-Identifier: MIT
# The live count: drawn on stderr while it is a terminal, at most about five
# times a second, and erased before the summary; never when stderr is a
# file or a pipe.
. "$(dirname "$0")/lib.sh"

require_cmd script

# Long enough (a thousand processes) for the count to be drawn a few times.
LOOP='i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i + 1)); done'
started=$(date +%s%N)
LAST_CMD="script -qec 'scmp-super trace -- sh -c ...' /dev/null"
timeout -k 5 "$HANG_LIMIT" script -qec "$(printf '%q ' "$SCMP_SUPER" trace -- /bin/sh -c "$LOOP")" \
        /dev/null </dev/null >"$TMP/tty" 2>&1
STATUS=$?
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
OUT=$(cat -v "$TMP/tty")
assert_exit "trace on a terminal" 0
draws=$(grep -o $'\r\033\\[Kscmp-super trace: [0-9]* calls, ' "$TMP/tty" | wc -l)
if [ "$draws" -ge 1 ]; then
        pass "the count is drawn ($draws times in ${elapsed_ms} ms)"
else
        fail "the count is drawn" "$OUT"
fi
# Every 200 ms at the most, with one draw of slack for the edges.
if [ "$draws" -le $((elapsed_ms / 200 + 1)) ]; then
        pass "at most five times a second"
else
        fail "at most five times a second" "$draws draws in $elapsed_ms ms"
fi
if grep -q $'\r\033\\[Kscmp-super trace: [0-9]* calls to ' "$TMP/tty"; then
        pass "the count is erased before the summary"
else
        fail "the count is erased before the summary" "$OUT"
fi

run_sup trace -- /bin/sh -c "$LOOP"
assert_exit "trace with stderr in a file" 0
assert_not_contains "draws no count there" $'\033[K' "$ERR"
assert_contains "but prints the summary" "calls to" "$ERR"

finish
