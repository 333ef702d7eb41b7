#!/bin/bash
# SPDX-License-Identifier: MIT
# What each supervisor verdict does to the caller (allow, log, deny with
# and without an errno, kill, prompt with nobody to ask), and the
# supervisor's defaultAction and defaultErrno for calls no rule matches.
. "$(dirname "$0")/lib.sh"

# actions_profile DEFAULT [DEFAULT_ERRNO]: prints the path of a profile.
# Without DEFAULT_ERRNO the profile has no defaultErrno, which only deny
# and prompt accept.
actions_profile()
{
        local dst=$TMP/actions-$1-${2:-none}.json
        if [ $# -gt 1 ]; then
                sed -e "s|@DEFAULT_ERRNO@|$2|" "$PROFILES/actions.json"
        else
                sed -e "/@DEFAULT_ERRNO@/d" "$PROFILES/actions.json"
        fi | sed -e "s|@TMP@|$TMP|g" -e "s|@DEFAULT@|$1|" >"$dst"
        echo "$dst"
}
P=$(actions_profile allow)
mkdir "$TMP/allow" "$TMP/log" "$TMP/deny" "$TMP/deny-enospc" "$TMP/deny-5" "$TMP/kill" \
        "$TMP/prompt"

run_try "$P" mkdir "$TMP/allow/d"
expect "allow: the call runs" 0 "mkdir: OK"
assert_eq "allow: the directory exists" exists "$(exists "$TMP/allow/d")"
run_try "$P" mkdir "$TMP/log/d"
expect "log: the call runs" 0 "mkdir: OK"
assert_eq "log: the directory exists" exists "$(exists "$TMP/log/d")"
run_try "$P" mkdir "$TMP/deny/d"
expect "deny without an errno: EPERM" 0 "mkdir: EPERM"
assert_eq "deny: no directory" absent "$(exists "$TMP/deny/d")"
run_try "$P" mkdir "$TMP/deny-enospc/d"
expect "deny with errno ENOSPC" 0 "mkdir: ENOSPC"
run_try "$P" mkdir "$TMP/deny-5/d"
expect "deny with errno 5 (EIO)" 0 "mkdir: EIO"
run_try "$P" mkdir "$TMP/prompt/d"
expect "prompt with nobody to ask: denied with the rule's errno" 0 "mkdir: ETIMEDOUT"
assert_eq "prompt: no directory" absent "$(exists "$TMP/prompt/d")"

# kill: SIGKILL, before the call happens and before anything after it.
run_try "$P" mkdir "$TMP/allow/before" -- mkdir "$TMP/kill/d" -- mkdir "$TMP/allow/after"
expect "kill: the process dies by SIGKILL at the call" 137 "mkdir: OK"
assert_eq "kill: the call did not happen, nor anything after it" "absent absent" \
        "$(exists "$TMP/kill/d") $(exists "$TMP/allow/after")"
run_try "$P" threads 1 mkdir "$TMP/kill/t" -- mkdir "$TMP/allow/after-thread"
expect "kill from a second thread takes the whole process" 137 ""
assert_eq "kill from a thread: the main thread did not go on" absent \
        "$(exists "$TMP/allow/after-thread")"
run_try "$P" fork 1 mkdir "$TMP/kill/c" -- mkdir "$TMP/allow/after-child"
expect "kill in a child process takes only the child" 0 "fork: child killed by SIGKILL
mkdir: OK"

# The supervisor default: getppid is notified and no rule names it.
run_try "$P" syscall getppid
expect "defaultAction allow" 0 "syscall: OK"
run_try "$(actions_profile log)" syscall getppid
expect "defaultAction log" 0 "syscall: OK"
run_try "$(actions_profile deny EPERM)" syscall getppid
expect "defaultAction deny, defaultErrno EPERM" 0 "syscall: EPERM"
run_try "$(actions_profile deny)" syscall getppid
expect "defaultAction deny without defaultErrno: EPERM" 0 "syscall: EPERM"
run_try "$(actions_profile deny ENOMEDIUM)" syscall getppid
expect "defaultAction deny, defaultErrno ENOMEDIUM" 0 "syscall: ENOMEDIUM"
run_try "$(actions_profile deny ENOMEDIUM)" mkdir "$TMP/elsewhere"
expect "a notified mkdir no rule matches gets the default" 0 "mkdir: ENOMEDIUM"
run_try "$(actions_profile deny ENOMEDIUM)" mkdir "$TMP/allow/d2"
expect "a matching rule still beats the default" 0 "mkdir: OK"
run_try "$(actions_profile kill)" syscall getpid -- syscall getppid -- syscall getpid
expect "defaultAction kill" 137 "syscall: OK"
run_try "$(actions_profile prompt EROFS)" syscall getppid
expect "defaultAction prompt with nobody to ask: defaultErrno" 0 "syscall: EROFS"

# An errno with a default that does not fail the call is a mistake the
# loader reports rather than ignores.
run_try "$(actions_profile allow ENOSPC)" syscall getppid
assert_exit "defaultErrno with defaultAction allow: refused" 125
assert_contains "defaultErrno with defaultAction allow: says where" "supervisor.defaultErrno" "$ERR"

# A profile without a "supervisor" section still gets notified calls
# answered rather than stuck.
NOSUP=$(write_profile nosup <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [ { "names": ["getppid"], "action": "SCMP_ACT_NOTIFY" } ]
}
JSON
)
run_try "$NOSUP" syscall getppid
assert_exit "no supervisor section: a notified call is answered" 0
case "$OUT" in
"syscall: OK" | "syscall: E"*) pass "no supervisor section: the call returns ($OUT)" ;;
*) fail "no supervisor section: the call returns" "got: $OUT" ;;
esac

finish
