#!/bin/bash
# SPDX-License-Identifier: MIT
# Storms of notified calls: 64 threads and 300 short-lived processes calling
# getppid, half of the calls allowed and half denied by an argument rule.
# Every call is answered, and answered right: the target's own counts, the
# supervisor's --summary and its --log agree exactly. Then 50 processes are
# SIGKILLed in the middle of their calls, and the supervisor still answers
# the survivor correctly (notifications of the dead are dropped by
# ID_VALID, never answered to a reused pid).
. "$(dirname "$0")/lib.sh"

require_built "$HOSTILE"
P=$(write_profile storm <<'EOF2'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [{ "names": ["getppid"], "action": "SCMP_ACT_NOTIFY" }],
	"supervisor": {
		"defaultAction": "allow",
		"rules": [
			{ "syscalls": ["getppid"], "args": [{ "index": 0, "value": 1, "op": "SCMP_CMP_EQ" }],
			  "action": "deny", "errno": "EACCES" }
		]
	}
}
EOF2
)

# summary_count SYSCALL COLUMN: a number from the --summary table in $ERR.
summary_count()
{
        awk -v s="$1" -v c="$2" '$1 == s { print $c }' <<<"$ERR"
}

T=64 N=300
run_sup run --policy "$P" --summary --log "$TMP/threads.log" -- "$HOSTILE" storm-threads $T $N
expect "thread storm: every call answered right" 0 \
        "storm-threads: threads=$T calls=$((T * N)) allowed=$((T * N / 2)) denied=$((T * N / 2)) wrong=0"
# Each thread also asks once for its parent's pid (allowed).
assert_eq "thread storm: the summary counts every allowed call" "$((T * N / 2 + T))" \
        "$(summary_count getppid 2)"
assert_eq "thread storm: the summary counts every denied call" "$((T * N / 2))" \
        "$(summary_count getppid 4)"
assert_eq "thread storm: one log line per call" "$((T * N + T))" \
        "$(grep -c '"syscall":"getppid"' "$TMP/threads.log")"

PROCS=300 N=20
run_sup run --policy "$P" --summary --log "$TMP/fork.log" -- "$HOSTILE" storm-fork $PROCS $N
expect "fork storm: every call of every process answered right" 0 \
        "storm-fork: processes=$PROCS calls=$((PROCS * N)) allowed=$((PROCS * N / 2)) denied=$((PROCS * N / 2)) wrong=0 bad_exits=0"
assert_eq "fork storm: the summary counts every allowed call" "$((PROCS * N / 2 + PROCS))" \
        "$(summary_count getppid 2)"
assert_eq "fork storm: the summary counts every denied call" "$((PROCS * N / 2))" \
        "$(summary_count getppid 4)"
assert_eq "fork storm: one log line per call" "$((PROCS * N + PROCS))" \
        "$(grep -c '"syscall":"getppid"' "$TMP/fork.log")"
assert_eq "fork storm: the calls came from $PROCS processes" "$PROCS" \
        "$(grep -o '"pid":[0-9]*' "$TMP/fork.log" | sort -u | wc -l)"

run_sup run --policy "$P" -- "$HOSTILE" storm-kill 50
expect "processes killed mid-call: the supervisor still answers every later call right" 0 \
        "storm-kill: killed=50 then calls=1000 allowed=500 denied=500 wrong=0"
assert_eq "processes killed mid-call: the supervisor reports no error" "" \
        "$(err_but_rewrite_warning)"

finish
