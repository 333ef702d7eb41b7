#!/bin/bash
# SPDX-License-Identifier: MIT
# The supervisor's own faults, and a target's, while calls wait:
# - SIGKILL to the supervisor: the target lives on, and its notified calls
#   fail with ENOSYS, including one a rule would have denied: never
#   silently allowed (fail-closed, SECURITY.md).
# - SIGTERM to the supervisor while a prompted call waits: the signal goes
#   to the command (README), the supervisor keeps serving, and the waiting
#   call gets its rule's errno when the prompt times out.
# - the target killed while its call waits for an answer: the supervisor
#   forgets the call, stays healthy, and answers the rest right.
# Every wait polls for its condition, bounded by WAIT_LIMIT seconds.
. "$(dirname "$0")/lib.sh"

require_cmd mkfifo
require_built "$HOSTILE"
WAIT_LIMIT=30
P=$(write_profile faults <<'EOF2'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [{ "names": ["getppid", "openat", "mkdir"], "action": "SCMP_ACT_NOTIFY" }],
	"supervisor": {
		"defaultAction": "allow",
		"promptTimeout": 2,
		"rules": [
			{ "path": "@TMP@/secret", "action": "deny", "errno": "EACCES" },
			{ "syscalls": ["mkdir"], "path": "@TMP@/ask/*", "action": "prompt",
			  "errno": "EACCES" },
			{ "syscalls": ["getppid"], "args": [{ "index": 0, "value": 1, "op": "SCMP_CMP_EQ" }],
			  "action": "deny", "errno": "EACCES" }
		]
	}
}
EOF2
)
echo secret >"$TMP/secret"
mkdir "$TMP/ask"

# wait_for DESCRIPTION COMMAND...: polls COMMAND; fails DESCRIPTION after
# WAIT_LIMIT seconds and returns 1.
wait_for()
{
        local what=$1 i
        shift
        for ((i = 0; i < WAIT_LIMIT * 20; i++)); do
                "$@" && return 0
                sleep 0.05
        done
        fail "$what (waited ${WAIT_LIMIT}s)" "stdout: $(cat "$TMP/bg.out" 2>/dev/null)" \
                "stderr: $(cat "$TMP/bg.err" 2>/dev/null)"
        return 1
}

# start_bg ARGS...: 'scmp-super ARGS' in the background. Sets BG_PID.
start_bg()
{
        rm -f "$TMP/bg.out" "$TMP/bg.err"
        timeout -k 5 "$HANG_LIMIT" "$SCMP_SUPER" "$@" >"$TMP/bg.out" 2>"$TMP/bg.err" </dev/null &
        BG_PID=$!
}

# The target: the only child of the supervisor (timeout's grandchild).
target_of()
{
        local sup
        sup=$(cat "/proc/$1/task/$1/children" 2>/dev/null) || return 1
        sup=${sup%% *}
        [ -n "$sup" ] && awk '{ print $1 }' "/proc/$sup/task/$sup/children" 2>/dev/null
}

# in_syscall PID NR: some thread of PID is inside system call NR. (This and
# has_line are called through wait_for.)
# shellcheck disable=SC2317
in_syscall()
{
        grep -qs "^$2 " /proc/"$1"/task/*/syscall
}

# shellcheck disable=SC2317
has_line()
{
        grep -q "$1" "$TMP/bg.out"
}

# --- SIGKILL: the target outlives the supervisor, and fails closed ------
rm -f "$TMP/fifo"
mkfifo "$TMP/fifo"
# Its control socket is the default one: an abstract name.
start_bg run --policy "$P" -- "$HOSTILE" wait-fifo "$TMP/fifo" "$TMP/secret"
wait_for "SIGKILL: the target is ready" has_line '^ready$'
sup=$(cat "/proc/$BG_PID/task/$BG_PID/children")
sup=${sup%% *}
control_sockets()
{
        grep -o "@scmp-super/$(id -u)/$sup\.[0-9a-f]*" /proc/net/unix | sort -u
}
assert_eq "SIGKILL: the supervisor listens on its default control socket" 1 \
        "$(control_sockets | wc -l)"
assert_eq "SIGKILL: the process we kill is scmp-super" "$(readlink -f "$SCMP_SUPER")" \
        "$(readlink "/proc/$sup/exe")"
kill -KILL "$sup"
wait "$BG_PID"
assert_eq "SIGKILL: scmp-super died of it" 137 "$?"
# The target, orphaned, reads the fifo and makes its calls.
echo go >"$TMP/fifo"
wait_for "SIGKILL: the target finishes on its own" has_line '^open-denied:'
assert_eq "SIGKILL: notified calls fail with ENOSYS, a denied one is never allowed" \
        "ready
getppid: ENOSYS
open-denied: ENOSYS" "$(cat "$TMP/bg.out")"
# An abstract socket goes with the last descriptor of it: nothing is left
# behind for the next supervisor to clear.
assert_eq "SIGKILL: the killed supervisor's control socket is gone" "" "$(control_sockets)"

# --- SIGTERM with a prompted call waiting -------------------------------
start_bg run --policy "$P" --prompt socket --control "$TMP/ctl.sock" -- \
        "$HOSTILE" pending "$TMP/ask/d"
wait_for "SIGTERM: the target is ready" has_line '^ready$'
target=$(target_of "$BG_PID")
wait_for "SIGTERM: the target's mkdir waits" in_syscall "$target" 83
sup=$(cat "/proc/$BG_PID/task/$BG_PID/children")
kill -TERM "${sup%% *}"
wait "$BG_PID"
STATUS=$?
assert_eq "SIGTERM: reaches the command, and the waiting call gets the rule's errno at the timeout" \
        "ready
got SIGTERM
mkdir: EACCES" "$(cat "$TMP/bg.out")"
assert_eq "SIGTERM: scmp-super exits with the command's status" 0 "$STATUS"
if [ -e "$TMP/ask/d" ]; then
        fail "SIGTERM: the directory was not made"
else
        pass "SIGTERM: the directory was not made"
fi

# --- the target killed while its call waits for a decision --------------
start_bg run --policy "$P" --prompt socket --control "$TMP/ctl.sock" --summary -- \
        "$HOSTILE" pending-kill "$TMP/ask/k"
wait_for "pending kill: the child is started" has_line '^child: [0-9]'
child=$(sed -n 's/^child: \([0-9]*\)$/\1/p' "$TMP/bg.out")
wait_for "pending kill: the child's mkdir waits" in_syscall "$child" 83
kill -KILL "$child"
wait "$BG_PID"
STATUS=$?
assert_eq "pending kill: the supervisor stays healthy and answers the rest right" \
        "child: $child
child: killed by SIGKILL
getppid: OK
getppid(1): EACCES" "$(cat "$TMP/bg.out")"
assert_eq "pending kill: exit status" 0 "$STATUS"
assert_not_contains "pending kill: no error from the supervisor" "error" "$(cat "$TMP/bg.err")"
if [ -e "$TMP/ask/k" ]; then
        fail "pending kill: the directory was not made"
else
        pass "pending kill: the directory was not made"
fi

finish
