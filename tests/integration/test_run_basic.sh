#!/bin/bash
# shellcheck disable=SC2016 # "$..." in single quotes is for the shell under test
# SPDX-License-Identifier: MIT
# scmp-super run as a command wrapper: the built-in default profile, what
# the command inherits (arguments, environment, cwd, stdin and stdout,
# PATH lookup), and a supervisor that keeps up with many notifications from
# many threads.
. "$(dirname "$0")/lib.sh"

# The built-in default profile (no --policy).
run_sup run -- "$TRY" open /etc/passwd -- mkdir "$TMP/d" -- connect 127.0.0.1:1 -- connect "[::1]:1" \
        -- connect unix:@scmp-super-test-nobody-listens
expect "built-in default: files, loopback and local sockets" 0 "open: OK
mkdir: OK
connect: ECONNREFUSED
connect: ECONNREFUSED
connect: ECONNREFUSED"
# Without a terminal a prompt waits for a control-socket client until its
# deadline; --prompt none answers at once as the deadline would.
run_sup run --prompt none -- "$TRY" connect 192.0.2.1:80
expect "built-in default: an outside connect is asked about; with nobody to ask, EPERM" 0 \
        "connect: EPERM"
run_sup run -- "$TRY" syscall 165 0 0 0 0 0
expect "built-in default: mount is refused with EPERM" 0 "syscall: EPERM"
run_sup run --policy "$SOURCE_DIR/examples/default.json" --prompt-timeout 1 \
        -- "$TRY" connect 192.0.2.1:80 \
        -- connect 127.0.0.1:1
expect "examples/default.json, the same profile as a file; no client, the deadline passes" 0 "connect: EPERM
connect: ECONNREFUSED"

# What the command inherits. The single-quoted "$..." are for the shell
# under test to expand, or not.
P=$(profile allow_all)
run_sup run --policy "$P" -- /bin/sh -c 'printf "[%s]" "$@"' sh "a b" "" 'c"d' '$e'
expect "arguments arrive unchanged, empty and spaced ones too" 0 '[a b][][c"d][$e]'
SCMP_TEST_VAR='x y' run_sup run --policy "$P" -- /bin/sh -c 'echo "$SCMP_TEST_VAR"'
expect "the environment is passed on" 0 "x y"
RUN_CWD=$TMP run_sup run --policy "$P" -- /bin/pwd
expect "the cwd is kept" 0 "$TMP"
run_sup run --policy "$P" -- sh -c 'echo found on PATH'
expect "a command name is looked up on PATH" 0 "found on PATH"
LAST_CMD="printf 'one\ntwo\n' | scmp-super run -- cat"
OUT=$(printf 'one\ntwo\n' | timeout "$HANG_LIMIT" "$SCMP_SUPER" run --policy "$P" -- cat)
STATUS=$?
expect "stdin and stdout are the command's" 0 "one
two"
LAST_CMD="scmp-super run -- sh -c 'echo to-stderr >&2'"
ERR=$(timeout "$HANG_LIMIT" "$SCMP_SUPER" run --policy "$P" -- sh -c 'echo to-stderr >&2' 2>&1 >/dev/null)
STATUS=$?
assert_eq "stderr is the command's" "to-stderr" "$(err_but_rewrite_warning)"
assert_exit "stderr is the command's: exit status" 0

# The command is scmp-super's child, and its only one.
run_sup run --policy "$P" -- "$TRY" ids
case "$OUT" in
"ids: pid="*" ppid="*" uid=0") pass "ids printed" ;;
*) fail "ids printed" "got: $OUT" ;;
esac

# Many notifications: every getppid goes to the supervisor and is allowed.
MANY=$(write_profile many <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [ { "names": ["getppid"], "action": "SCMP_ACT_NOTIFY" } ],
	"supervisor": { "defaultAction": "allow" }
}
JSON
)
run_sup run --policy "$MANY" --summary -- "$TRY" getppid-loop 20000
expect "20000 notified calls in one thread" 0 "getppid-loop: OK"
assert_eq "the supervisor allowed all 20000" "20000" \
        "$(awk '$1 == "getppid" { print $2 }' "$TMP/err")"
run_sup run --policy "$MANY" --summary -- "$TRY" threads 8 getppid-loop 2000 -- fork 4 getppid-loop 2000
expect "8 threads and 4 processes making notified calls at once" 0 \
        "$(repeat_line 12 "getppid-loop: OK")"
assert_eq "the supervisor allowed all 8*2000 + 4*2000" "24000" \
        "$(awk '$1 == "getppid" { print $2 }' "$TMP/err")"

# Every call notified: the supervisor carries the whole program, its exits,
# signal returns, threads, forks and execs included.
ALL=$(write_profile notify-all <<'JSON'
{
	"defaultAction": "SCMP_ACT_NOTIFY",
	"supervisor": { "defaultAction": "allow", "rules": [
		{ "syscalls": ["openat"], "path": "@TMP@/hidden/**", "action": "deny", "errno": "ENOENT" } ] }
}
JSON
)
mkdir "$TMP/hidden"
echo secret >"$TMP/hidden/f"
run_sup run --policy "$ALL" -- /bin/sh -c "echo start; cat '$TMP/hidden/f'; ls / | grep -c . >/dev/null; echo end"
assert_out "every call notified: a shell pipeline runs, the rule still denies" "start
end"
assert_exit "every call notified: the shell's status" 0
assert_contains "every call notified: cat saw the rule's ENOENT" "No such file or directory" "$ERR"
run_sup run --policy "$ALL" -- "$(command -v /usr/bin/python3 || command -v python3)" -c '
import os, signal, threading
signal.signal(signal.SIGUSR1, lambda *a: print("handled"))
os.kill(os.getpid(), signal.SIGUSR1)
t = threading.Thread(target=print, args=("thread",)); t.start(); t.join()
pid = os.fork()
if pid == 0:
    os._exit(4)
print("child", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))'
expect "every call notified: python with a signal handler, a thread and a fork" 0 "handled
thread
child 4"

# A command whose children outlive it: scmp-super returns when the command
# exits; a child that keeps calls coming does not hold it.
run_sup run --policy "$MANY" -- /bin/sh -c "'$TRY' getppid-loop 1000 & exit 9"
assert_exit "the command's status, with a background child still running" 9

finish
