#!/bin/bash
# SPDX-License-Identifier: MIT
# Rules on execve. scmp-super's launcher starts the command with an execve
# the supervisor allows exactly once, whatever the profile says about
# execve; every exec after that is decided by the profile, in the kernel or
# by the supervisor's rules.
. "$(dirname "$0")/lib.sh"

P=$(profile exec)
mkdir "$TMP/ok" "$TMP/no" "$TMP/elsewhere"
cp "$TRY" "$TMP/ok/try"
cp "$TRY" "$TMP/no/try"
cp "$TRY" "$TMP/elsewhere/try"

run_sup run --policy "$P" -- "$TMP/ok/try" exec "$TMP/ok/try" ids
assert_exit "exec of an allowed path" 0
assert_contains "exec of an allowed path: the new program ran" "ids: pid=" "$OUT"
run_sup run --policy "$P" -- "$TMP/ok/try" exec "$TMP/no/try" ids
expect "exec of a denied path: the rule's errno" 0 "exec: ETXTBSY"
run_sup run --policy "$P" -- "$TMP/ok/try" exec "$TMP/elsewhere/try" ids
expect "exec of a path no rule names: the default" 0 "exec: EACCES"
run_sup run --policy "$P" -- "$TMP/ok/try" exec "$TMP/ok/missing"
expect "an allowed exec of a missing file reaches the kernel" 0 "exec: ENOENT"

# The launcher's exec is not the command's: a command under no/ starts,
# and its own exec of itself is then denied.
run_sup run --policy "$P" -- "$TMP/no/try" ids -- exec "$TMP/no/try" ids
assert_exit "the command itself may be on a denied path" 0
assert_contains "the command on a denied path ran" "ids: pid=" "$OUT"
assert_contains "but its own exec of the same path is denied: only one exec is exempt" \
        "exec: ETXTBSY" "$OUT"
run_sup run --policy "$P" -- "$TMP/ok/try" fork 2 exec "$TMP/no/try" ids
expect "execs in forked children are decided too" 0 "exec: ETXTBSY
exec: ETXTBSY"
run_sup run --policy "$P" -- "$TMP/ok/try" threads 2 exec "$TMP/no/try" ids
expect "execs in threads are decided too" 0 "exec: ETXTBSY
exec: ETXTBSY"

# Kernel-side actions on execve: the launcher's exec still gets through;
# later ones get the profile's action.
KERR=$(write_profile exec-errno <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["execve"], "action": "SCMP_ACT_ERRNO", "errnoRet": 7 } ] }
JSON
)
run_try "$KERR" exec /bin/true
expect "execve with SCMP_ACT_ERRNO 7: the command starts, its exec fails with E2BIG" 0 "exec: E2BIG"
run_try "$KERR" fork 1 exec /bin/true
expect "the same in a child process" 0 "exec: E2BIG"

KKILL=$(write_profile exec-kill <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["execve"], "action": "SCMP_ACT_KILL_PROCESS" } ] }
JSON
)
run_try "$KKILL" ids -- exec /bin/echo not reached
assert_contains "execve with SCMP_ACT_KILL_PROCESS: the command starts" "ids: pid=" "$OUT"
assert_not_contains "execve with SCMP_ACT_KILL_PROCESS: its exec never runs" "not reached" "$OUT"
case "$STATUS" in
137 | 159) pass "execve with SCMP_ACT_KILL_PROCESS: the command is killed ($STATUS)" ;;
*) fail "execve with SCMP_ACT_KILL_PROCESS: the command is killed" "status $STATUS" ;;
esac

finish
