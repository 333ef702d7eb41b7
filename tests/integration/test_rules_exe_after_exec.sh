#!/bin/bash
# SPDX-License-Identifier: MIT
# A rule on "exe" after an exec: the thread that calls execve keeps its id,
# so what the supervisor read for the exec itself (the old program) must
# not be remembered for the thread's calls after it. sh starts the helper
# with vfork and execve; a rule that allows mkdir to sh only must not allow
# the helper's.
. "$(dirname "$0")/lib.sh"

require_cmd readlink
SH_REAL=$(readlink -f /bin/sh)

TRY_REAL=$(readlink -f "$TRY")

# exe_rule_profile NAME EXE: execve allowed to sh (notified with a rule on
# exe, so the exec's own call reads the caller's executable, the old
# program), mkdir allowed to EXE only.
exe_rule_profile()
{
        write_profile "$1" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat", "execve"], "action": "SCMP_ACT_NOTIFY"}],
 "supervisor": {"defaultAction": "deny", "rules": [
   {"syscalls": ["execve"], "exe": "$SH_REAL", "action": "allow"},
   {"syscalls": ["mkdir", "mkdirat"], "exe": "$2", "action": "allow"}]}}
EOF
}

P=$(exe_rule_profile for-sh "$SH_REAL")
run_sup run --policy "$P" -- /bin/sh -c "$TRY mkdir $TMP/by-helper; true"
expect "mkdir allowed to sh only: the helper sh started is refused" 0 "mkdir: EPERM"
assert_eq "the helper made nothing" "absent" "$(exists "$TMP/by-helper")"

P=$(exe_rule_profile for-helper "$TRY_REAL")
run_sup run --policy "$P" -- /bin/sh -c "$TRY mkdir $TMP/by-helper-2"
expect "mkdir allowed to the helper: the helper sh started is allowed" 0 "mkdir: OK"
assert_eq "the helper made it" "exists" "$(exists "$TMP/by-helper-2")"

finish
