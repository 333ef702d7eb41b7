#!/bin/bash
# SPDX-License-Identifier: MIT
# Counts of one read as one: "1 syscall, 1 call", never "1 syscalls", in
# what trace prints (the daemon's lines with a count of one are checked by
# test_daemon_stall.sh, test_daemon_serve.sh and test_daemon_robust.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trace_lib.sh"

require_file "$DOCKER_PROFILE"

# keyctl(2) (250) is outside Docker's default profile; one call of it.
run_sup trace --policy "$DOCKER_PROFILE" --fail-on-unknown -- "$TRY" syscall 250 0 0 0 0 0
assert_exit "one syscall outside the base: 119" 119
assert_contains "the table's footnote counts one of each" \
        "(+: not in the base profile; 1 syscall, 1 call)" "$ERR"
assert_contains "the gate's line too" "1 syscall not in the base profile: exit status 119" "$ERR"
assert_eq "no count of one is followed by a plural noun" "" \
        "$(printf '%s\n' "$ERR" | grep -oE '(^|[^0-9])1 [a-z]+s\b' | grep -v ' status$')"

finish
