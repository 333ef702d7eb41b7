#!/bin/bash
# SPDX-License-Identifier: MIT
# Without a terminal to give the command, run forks its launcher before it
# reads the profile (docs/PERFORMANCE.md, start-up), and the launcher
# waits for the compiled filter. The order is checked from strace; and a
# profile that fails to load, or a command not found, must leave no
# launcher behind and run nothing, before or after the launcher was
# handed its filter: counted in a PID namespace of the
# test's own, where every process left would show.
. "$(dirname "$0")/lib.sh"

require_cmd strace unshare ps
[ "$(id -u)" = 0 ] || skip "a PID namespace of the test's own needs root here"
unshare --fork --pid --mount-proc true 2>/dev/null || skip "unshare --pid is refused here"

P=$(profile allow_all)
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [' >"$TMP/broken.json"

# The fork comes before the profile is opened; the launcher's
# no_new_privs before its filter; its exec after both. (LeakSanitizer
# cannot run under ptrace.)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -o "$TMP/trace" -e trace=clone,clone3,fork,vfork,openat,prctl,seccomp,execve \
        "$SCMP_SUPER" run --policy "$P" -- "$TRY" exit 6 </dev/null >/dev/null 2>&1
assert_eq "under strace the command ran and its status passed" 6 "$?"
line_of() { grep -n "$1" "$TMP/trace" | head -n 1 | cut -d: -f1; }
fork_at=$(line_of 'clone(child_stack=NULL')
open_at=$(line_of "openat(.*$(basename "$P")")
nnp_at=$(line_of 'PR_SET_NO_NEW_PRIVS')
load_at=$(line_of 'SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, {')
exec_at=$(grep -n "execve(\"$TRY\"" "$TMP/trace" | head -n 1 | cut -d: -f1)
assert_eq "every step was seen" "yes" \
        "$([ -n "$fork_at" ] && [ -n "$open_at" ] && [ -n "$nnp_at" ] && [ -n "$load_at" ] &&
                [ -n "$exec_at" ] && echo yes)"
assert_eq "the launcher is forked before the profile is opened" "yes" \
        "$([ "${fork_at:-0}" -lt "${open_at:-0}" ] && echo yes)"
assert_eq "then no_new_privs, the filter and the exec, in that order" "yes" \
        "$([ "${nnp_at:-0}" -lt "${load_at:-0}" ] && [ "${load_at:-0}" -lt "${exec_at:-0}" ] &&
                echo yes)"

# in_pid_ns ARGS...: runs scmp-super with ARGS alone in a new PID
# namespace, then lists what is left there besides the shell and ps.
in_pid_ns()
{
        unshare --fork --pid --mount-proc sh -c \
                '"$@" </dev/null >/dev/null 2>&1; echo "status $?"; ps -e -o comm= | grep -v -x -e sh -e ps -e grep -e sort | sort' \
                sh "$SCMP_SUPER" "$@"
}

assert_eq "a profile that fails to load: 125, and no launcher is left" "status 125" \
        "$(in_pid_ns run --policy "$TMP/broken.json" -- "$TRY" mkdir "$TMP/ran")"
assert_eq "and the command never ran" "absent" "$(exists "$TMP/ran")"
assert_eq "a command not found: 127, and no launcher is left" "status 127" \
        "$(in_pid_ns run --policy "$P" -- "$TMP/no-such-command")"
# Loads, but --strict refuses it (a rule open and openat2 walk around).
cat >"$TMP/walkaround.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["openat"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": { "defaultAction": "allow",
                  "rules": [ { "syscalls": ["openat"], "path": "/secret/**", "action": "deny" } ] } }
JSON
assert_eq "a profile --strict refuses: 125, and no launcher is left" "status 125" \
        "$(in_pid_ns run --strict --policy "$TMP/walkaround.json" -- "$TRY" mkdir "$TMP/ran")"
# A failure after the launcher was handed its filter (run opens --log
# after that): the launcher, which may be loading the filter or waiting
# for its exec to be answered, is killed and reaped, and nothing runs.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -o "$TMP/trace2" -e trace=sendto,openat \
        "$SCMP_SUPER" run --log "$TMP/no-dir/log" --policy "$P" -- "$TRY" mkdir "$TMP/ran" \
        </dev/null >/dev/null 2>&1
assert_eq "under strace, --log in a missing directory: 125" 125 "$?"
go_at=$(grep -n 'sendto(.*"1gcs' "$TMP/trace2" | head -n 1 | cut -d: -f1)
log_at=$(grep -n "openat(.*no-dir/log" "$TMP/trace2" | head -n 1 | cut -d: -f1)
assert_eq "the launcher had its filter before --log was opened" "yes" \
        "$([ -n "$go_at" ] && [ -n "$log_at" ] && [ "$go_at" -lt "$log_at" ] && echo yes)"
assert_eq "a failure after the launcher has its filter: 125, and no launcher is left" \
        "status 125" "$(in_pid_ns run --log "$TMP/no-dir/log" --policy "$P" -- "$TRY" mkdir "$TMP/ran")"
assert_eq "a command that runs: its status, and nothing is left" "status 9" \
        "$(in_pid_ns run --policy "$P" -- "$TRY" exit 9)"
assert_eq "still nothing ran where it must not" "absent" "$(exists "$TMP/ran")"

finish
