#!/bin/bash
# SPDX-License-Identifier: MIT
# A profile that allows only what a command does must run that command:
# scmp-super's launcher adds no system call of its own after the filter is
# loaded (no sendmsg, no socket, not even an entry for execve).
. "$(dirname "$0")/lib.sh"

require_cmd python3
P=$PROFILES/true_only.json

run_sup run --policy "$P" -- /bin/true
expect "/bin/true under a profile that allows only its own calls" 0 ""
assert_eq "that profile names no execve, socket, sendmsg or seccomp" "" \
        "$(grep -owE '"(execve|socket|sendmsg|sendto|seccomp)"' "$P")"

run_sup run --policy "$P" -- /bin/false
expect "/bin/false under the same profile: its status is 1" 1 ""

# Stricter: every call the list does not name kills the process, so a
# single extra call by the launcher or the command would show as 159.
json_edit "$P" 'p["defaultAction"] = "SCMP_ACT_KILL_PROCESS"; del p["defaultErrnoRet"]' >"$TMP/kill.json"
run_sup run --policy "$TMP/kill.json" -- /bin/true
expect "the same list with defaultAction KILL_PROCESS: /bin/true still exits 0" 0 ""

# The list is really enforced: without mmap the dynamic loader cannot map
# libc and /bin/true cannot run.
json_edit "$P" 'p["syscalls"][0]["names"].remove("mmap")' >"$TMP/no-mmap.json"
run_sup run --policy "$TMP/no-mmap.json" -- /bin/true
if [ "$STATUS" -ne 0 ] && [ "$STATUS" -ne 125 ]; then
        pass "the list without mmap: /bin/true fails ($STATUS)"
else
        fail "the list without mmap: /bin/true fails" "status $STATUS" "$(last_run_details)"
fi

# And an allowlist for the helper: a default that kills, and one call
# given to the supervisor.
json_edit "$P" '
p["defaultAction"] = "SCMP_ACT_KILL_PROCESS"
del p["defaultErrnoRet"]
p["syscalls"][0]["names"] += ["write", "mkdir"]
p["syscalls"].append({"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"})
p["supervisor"] = {"defaultAction": "deny", "defaultErrno": "ENOKEY"}
' >"$TMP/try-only.json"
run_sup run --policy "$TMP/try-only.json" -- "$TRY" mkdir "$TMP/made" -- syscall getppid -- exit 4
expect "the helper under an allowlist with one notified call" 4 "mkdir: OK
syscall: ENOKEY"
run_sup run --policy "$TMP/try-only.json" -- "$TRY" syscall getpid
expect "the helper making a call the allowlist lacks is killed" 159 ""

finish
