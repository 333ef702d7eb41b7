#!/bin/bash
# SPDX-License-Identifier: MIT
# --log writes one JSON object per supervisor decision (syscall, decision,
# paths, rule, errno); --summary prints counts per syscall and decision.
. "$(dirname "$0")/lib.sh"

require_cmd python3
P=$(profile paths)
mkdir "$TMP/allowed" "$TMP/denied" "$TMP/other" "$TMP/secret" "$TMP/logs"
echo f >"$TMP/allowed/f"
echo f >"$TMP/denied/f"
echo a >"$TMP/allowed/a"
LOG=$TMP/logs/decisions.jsonl

# log_count FILE CONDITION: how many log lines satisfy CONDITION, a Python
# expression over the line's object e.
log_count()
{
        python3 -c '
import json, sys
cond = sys.argv[2]
print(sum(1 for line in open(sys.argv[1]) if eval("(" + cond + ")", {"e": json.loads(line)})))
' "$1" "$2"
}

run_sup run --policy "$P" --log "$LOG" -- "$TRY" open "$TMP/allowed/f" -- open "$TMP/denied/f" \
        -- open "$TMP/denied/f" -- rename "$TMP/allowed/a" "$TMP/other/b" -- mkdir "$TMP/secret/d"
expect "the logged run" 0 "open: OK
open: ENOTTY
open: ENOTTY
rename: EACCES
mkdir: EROFS"

if ERRORS=$(json_lines_valid "$LOG" 2>&1); then
        pass "every log line is a JSON object"
else
        fail "every log line is a JSON object" "$ERRORS" "$(head -c 2000 "$LOG")"
fi
assert_eq "an allowed open: logged with its path, rule and decision" 1 \
        "$(log_count "$LOG" "e['syscall'] == 'openat' and e['paths'] == ['$TMP/allowed/f']
 and e['decision'] == 'allow' and e['rule'] == 'supervisor.rules[1]'")"
assert_eq "two denied opens: logged with the rule's errno" 2 \
        "$(log_count "$LOG" "e['syscall'] == 'openat' and e['paths'] == ['$TMP/denied/f']
 and e['decision'] == 'deny' and e['errno'] == 'ENOTTY' and e['rule'] == 'supervisor.rules[4]'")"
assert_eq "a denied rename: both paths, in order" 1 \
        "$(log_count "$LOG" "e['syscall'] == 'rename' and e['paths'] == ['$TMP/allowed/a', '$TMP/other/b']
 and e['decision'] == 'deny' and e['errno'] == 'EACCES'")"
assert_eq "a denied rename: the rule's comment comes along" 1 \
        "$(log_count "$LOG" "e['syscall'] == 'rename' and e.get('comment') == 'everything else in the test directory'")"
assert_eq "a denied mkdir" 1 \
        "$(log_count "$LOG" "e['syscall'] == 'mkdir' and e['paths'] == ['$TMP/secret/d'] and e['errno'] == 'EROFS'")"
assert_eq "calls decided by the supervisor default say rule \"default\"" \
        "$(log_count "$LOG" "e['syscall'] == 'openat' and not e['paths'][0].startswith('$TMP')")" \
        "$(log_count "$LOG" "e['rule'] == 'default'")"
assert_eq "every line names the caller: pid and exe" "$(wc -l <"$LOG")" \
        "$(log_count "$LOG" "isinstance(e['pid'], int) and e['pid'] > 0 and e['exe'] == '$(readlink -f "$TRY")'")"
assert_eq "no line for the launcher's own exec" 0 "$(log_count "$LOG" "e['syscall'] == 'execve'")"

# The exe of each line follows an exec, in the same process, from the
# leader and from another thread (the executable is cached per thread).
cp "$TRY" "$TMP/other/copy"
run_sup run --policy "$P" --log "$TMP/logs/exec.jsonl" -- "$TRY" open "$TMP/allowed/f" \
        -- exec "$TMP/other/copy" open "$TMP/allowed/f" -- threads 1 exec "$TRY" open "$TMP/allowed/f"
expect "open, exec, open, exec from a thread, open" 0 "open: OK
open: OK
open: OK"
assert_eq "each open of allowed/f logged with the program that made it" \
        "$(readlink -f "$TRY") $TMP/other/copy $(readlink -f "$TRY")" \
        "$(python3 -c '
import json, sys
print(" ".join(e["exe"] for e in map(json.loads, open(sys.argv[1]))
               if e["syscall"] == "openat" and e["paths"] == [sys.argv[2]]))
' "$TMP/logs/exec.jsonl" "$TMP/allowed/f")"
assert_eq "one pid throughout" 1 "$(python3 -c '
import json, sys
print(len({e["pid"] for e in map(json.loads, open(sys.argv[1])) if e["syscall"] == "openat"
           and e["paths"] == [sys.argv[2]]}))
' "$TMP/logs/exec.jsonl" "$TMP/allowed/f")"
assert_eq "no line for an exec: the kernel's rules decide it" 0 \
        "$(log_count "$TMP/logs/exec.jsonl" "e['syscall'] in ('execve', 'execveat')")"

# Logging must not change what the command sees: a fork that a SIGCHLD
# handler (no SA_RESTART) interrupts is restarted by the kernel, never
# failed with EINTR, as a notified call would be. Docker's profile, as a
# shell's pipelines with a SIGCHLD handler met it.
require_file "$DOCKER_PROFILE"
run_sup run --policy "$DOCKER_PROFILE" --log "$TMP/logs/fork.jsonl" -- "$HOSTILE" fork-sigchld 1000
expect "1000 forks with a SIGCHLD handler, logged: none fails" 0 "fork-sigchld: forks=1000 failed=0"

# The log is appended to, never truncated.
BEFORE=$(wc -l <"$LOG")
run_sup run --policy "$P" --log "$LOG" -- "$TRY" open "$TMP/other/f"
expect "a second logged run" 0 "open: EACCES"
assert_eq "the second run appended its lines" 1 \
        "$(tail -n +"$((BEFORE + 1))" "$LOG" | grep -c "\"$TMP/other/f\"")"
assert_eq "the first run's lines are still there" 2 \
        "$(head -n "$BEFORE" "$LOG" | grep -c "\"$TMP/denied/f\"")"

# Runs appending to one log at the same time: each writes whole lines
# only (a block of stdio's would end mid-line, and another run's lines
# would land inside it). Six runs of 120 cat(1)s, about 3700 lines each.
SHARED=$TMP/logs/shared.jsonl
pids=()
for i in 1 2 3 4 5 6; do
        # shellcheck disable=SC2016 # expanded by the inner sh
        timeout -k 5 120 "$SCMP_SUPER" run --policy "$P" --log "$SHARED" -- \
                /bin/sh -c 'for i in $(seq 120); do cat /dev/null; done' >/dev/null 2>&1 &
        pids+=($!)
done
ok=0
for pid in "${pids[@]}"; do
        wait "$pid" && ok=$((ok + 1))
done
assert_eq "six runs logging to one file at once all succeed" 6 "$ok"
if ERRORS=$(json_lines_valid "$SHARED" 2>&1); then
        pass "six runs logging to one file at once: every line is whole"
else
        fail "six runs logging to one file at once: every line is whole" "$ERRORS"
fi
assert_eq "and each run's lines are all there (one per cat's openat of /dev/null)" 720 \
        "$(log_count "$SHARED" "e['syscall'] == 'openat' and e.get('paths') == ['/dev/null']")"

# Socket addresses and the log verdict.
NET=$(write_profile net <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [ { "names": ["connect"], "action": "SCMP_ACT_NOTIFY" } ],
	"supervisor": { "defaultAction": "deny", "rules": [
		{ "syscalls": ["connect"], "address": { "cidr": "127.0.0.0/8" }, "action": "log" } ] }
}
JSON
)
run_sup run --policy "$NET" --log "$TMP/logs/net.jsonl" -- "$TRY" connect 127.0.0.1:1 -- connect "[::1]:1" \
        -- connect "unix:@abstract-name"
expect "the logged connects" 0 "connect: ECONNREFUSED
connect: EPERM
connect: EPERM"
assert_eq "a connect logged with its address and the log verdict" 1 \
        "$(log_count "$TMP/logs/net.jsonl" "e['address'] == '127.0.0.1:1' and e['decision'] == 'log'")"
assert_eq "an IPv6 address in the log" 1 \
        "$(log_count "$TMP/logs/net.jsonl" "e['address'] == '[::1]:1' and e['decision'] == 'deny' and e['errno'] == 'EPERM'")"
assert_eq "an abstract unix name in the log" 1 \
        "$(log_count "$TMP/logs/net.jsonl" "e['address'] == 'unix:@abstract-name'")"

# Bytes a target controls are escaped: a path with a quote, a backslash, a
# newline and a non-ASCII byte still makes one valid line.
ODD=$TMP/other/$'q"b\\n\nl\xc3\xa9'
run_sup run --policy "$P" --log "$TMP/logs/odd.jsonl" -- "$TRY" open "$ODD"
expect "open of an odd path" 0 "open: EACCES"
if ERRORS=$(json_lines_valid "$TMP/logs/odd.jsonl" 2>&1); then
        pass "an odd path keeps the log valid JSON"
else
        fail "an odd path keeps the log valid JSON" "$ERRORS"
fi
assert_eq "the odd path is one line" 1 \
        "$(log_count "$TMP/logs/odd.jsonl" "e['syscall'] == 'openat' and e['paths'][0].startswith('$TMP/other/q')")"
# The exact text: the quote and the backslash escaped by a backslash,
# other bytes outside printable ASCII as \u00XX, one per byte.
assert_eq "the odd path's bytes, escaped one by one" 1 \
        "$(grep -c -F '/other/q\"b\\n\u000al\u00c3\u00a9"' "$TMP/logs/odd.jsonl")"

# A log that cannot be opened: 125, and the command never ran.
run_sup run --policy "$P" --log "$TMP/no-such-dir/log" -- "$TRY" open "$TMP/marker" wronly,creat
assert_exit "--log into a missing directory: 125" 125
assert_eq "--log into a missing directory: the command never ran" absent \
        "$(exists "$TMP/marker")"

# --summary: counts per syscall, on stderr, after the command's output.
run_sup run --policy "$P" --summary -- "$TRY" open "$TMP/allowed/f" -- open "$TMP/denied/f" \
        -- open "$TMP/denied/f" -- open "$TMP/other/f" -- mkdir "$TMP/secret/d" -- mkdir "$TMP/allowed/d"
expect "the summarised run" 0 "open: OK
open: ENOTTY
open: ENOTTY
open: EACCES
mkdir: EROFS
mkdir: OK"
assert_contains "--summary prints a heading" "summary of supervisor decisions" "$ERR"
# Columns: syscall allow log deny kill. The loader's own opens are allowed
# by the default, so allow counts for openat are at least 1.
summary_row()
{
        awk -v name="$1" '$1 == name { $1 = ""; sub(/^ /, ""); print }' "$TMP/err"
}
assert_eq "--summary: openat denied 3 times, never logged or killed" "0 3 0" \
        "$(summary_row openat | awk '{ print $2, $3, $4 }')"
assert_eq "--summary: mkdir allowed once, denied once" "1 0 1 0" "$(summary_row mkdir)"
OPENAT_ALLOW=$(summary_row openat | awk '{ print $1 }')
assert_eq "--summary: the total row adds up" "$((OPENAT_ALLOW + 1)) 0 4 0" "$(summary_row total)"
assert_not_contains "--summary: stdout has only the command's output" "summary" "$OUT"

run_sup run --policy "$P" -- "$TRY" open "$TMP/denied/f"
assert_not_contains "without --summary there is no summary" "summary" "$(err_but_rewrite_warning)"

finish
