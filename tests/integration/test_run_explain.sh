#!/bin/bash
# SPDX-License-Identifier: MIT
# run --explain: what the profile refuses with an errno is answered by
# scmp-super with that very errno, so the command sees exactly what it
# sees without --explain (output, errno, exit status), and at exit run
# lists the refused calls (syscall, errno, count, executable) and the
# trace command that records them, in place of the one-line hint. Kill
# actions stay in the kernel and are said as such; --summary keeps
# counting the supervisor's own decisions; a filter cached for one mode
# is never used for the other; threads, processes and nobody are counted
# alike; and the command is sealed off from scmp-super as without it.
. "$(dirname "$0")/lib.sh"

require_file "$DOCKER_PROFILE"
require_cmd setpriv python3
require_built "$BUILD_DIR/tests/reach"

RECORD='scmp-super: record them with: scmp-super trace'
# try as /proc/PID/exe names it.
TRY_EXE=$(readlink -f "$TRY")
HINT='a needed call was probably refused'

# The row of the list for SYSCALL ERRNO COUNT EXE, as a grep -E pattern.
row()
{
        printf '^  %s +%s +%s  %s$' "$1" "$2" "$3" "$4"
}
# has_row NAME SYSCALL ERRNO COUNT EXE: the list in $ERR has that row.
has_row()
{
        if printf '%s\n' "$ERR" | grep -Eq "$(row "$2" "$3" "$4" "$5")"; then
                pass "$1"
        else
                fail "$1" "expected a row: $2 $3 $4 $5" "$(last_run_details)"
        fi
}

# Explicit SCMP_ACT_ERRNO entries, one with its own errno, one with the
# default errno (EPERM), under a profile that allows the rest.
ENTRIES=$(write_profile entries <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 },
    { "names": ["dup2", "dup3"], "action": "SCMP_ACT_ERRNO" } ] }
JSON
)
ARGS=(mkdir "$TMP/a" -- mkdir "$TMP/b" -- syscall dup2 1 9 -- exit 3)
run_try "$ENTRIES" "${ARGS[@]}"
plain_out=$OUT plain_status=$STATUS
assert_eq "without --explain: the profile's errnos" \
        "$(printf 'mkdir: EACCES\nmkdir: EACCES\nsyscall: EPERM')" "$plain_out"
assert_not_contains "and no list" "$RECORD" "$ERR"

run_sup run --explain --policy "$ENTRIES" -- "$TRY" "${ARGS[@]}"
assert_eq "with --explain: the very same errnos" "$plain_out" "$OUT"
assert_eq "and the same exit status" "$plain_status" "$STATUS"
assert_eq "the directories were not made" "absent absent" "$(exists "$TMP/a") $(exists "$TMP/b")"
assert_contains "the list says how many calls were refused" \
        "scmp-super: --explain: the profile refused 3 calls with an errno:" "$ERR"
has_row "mkdir: EACCES twice, by try" mkdir EACCES 2 "$TRY_EXE"
has_row "dup2: EPERM once, by try" dup2 EPERM 1 "$TRY_EXE"
assert_contains "and the trace command that records them" \
        "$RECORD --policy $ENTRIES -- $TRY mkdir $TMP/a -- mkdir $TMP/b -- syscall dup2 1 9 -- exit 3" \
        "$ERR"
# Most refused first.
first=$(printf '%s\n' "$ERR" | grep -A1 '^  syscall ' | tail -n 1)
case "$first" in
"  mkdir "*) pass "the most refused call comes first" ;;
*) fail "the most refused call comes first" "got: $first" "$(last_run_details)" ;;
esac

# Refusals from many threads and processes of one program are all counted,
# each answered with the profile's errno.
run_sup run --explain --policy "$ENTRIES" -- "$TRY" threads 8 mkdir "$TMP/t" -- fork 3 mkdir "$TMP/u"
assert_out "8 threads and 3 processes: every mkdir refused with EACCES" \
        "$(repeat_line 11 'mkdir: EACCES')"
has_row "and all 11 counted in one row" mkdir EACCES 11 "$TRY_EXE"

# The default refuses: Docker's profile without mkdir (defaultErrnoRet
# EPERM). A real program fails as it does without --explain; the hint
# gives way to the list, which names the program that was refused.
NO_MKDIR=$TMP/no_mkdir.json
json_edit "$DOCKER_PROFILE" '
for s in p["syscalls"]:
    s["names"] = [n for n in s["names"] if n not in ("mkdir", "mkdirat")]
' >"$NO_MKDIR"
MKDIR=$(command -v mkdir)
run_sup run --policy "$NO_MKDIR" -- "$MKDIR" "$TMP/c"
plain_status=$STATUS plain_err=$(printf '%s\n' "$ERR" | grep '^mkdir:')
assert_eq "Docker's profile without mkdir: mkdir fails" 1 "$plain_status"
assert_contains "and gets the one-line hint" "$HINT" "$ERR"
run_sup run --explain --policy "$NO_MKDIR" -- "$MKDIR" "$TMP/c"
assert_exit "with --explain: the same exit status" "$plain_status"
assert_eq "and the same message from mkdir" "$plain_err" "$(printf '%s\n' "$ERR" | grep '^mkdir:')"
assert_not_contains "the hint gives way to the list" "$HINT" "$ERR"
has_row "the default's EPERM, by mkdir" 'mkdir(at)?' EPERM 1 "$(readlink -f "$MKDIR")"
assert_contains "and the trace command" "$RECORD --policy $NO_MKDIR -- $MKDIR $TMP/c" "$ERR"

# Nothing refused: one line saying so, and no trace command.
run_sup run --explain --policy "$DOCKER_PROFILE" -- "$TRY" exit 0
assert_exit "nothing refused: the command's status" 0
assert_contains "a line says nothing was refused" \
        "scmp-super: --explain: the profile refused no call with an errno" "$ERR"
assert_not_contains "and no trace command" "$RECORD" "$ERR"

# Kill actions stay in the kernel: the same SIGSYS death, said as such.
KILLS=$TMP/kills.json
json_edit "$NO_MKDIR" 'p["defaultAction"] = "SCMP_ACT_KILL_PROCESS"' >"$KILLS"
run_try "$KILLS" mkdir "$TMP/d"
assert_exit "a kill-default profile: SIGSYS, 159" 159
run_sup run --explain --policy "$KILLS" -- "$TRY" mkdir "$TMP/d"
assert_exit "with --explain: the same SIGSYS, 159" 159
assert_eq "not made either way" "absent" "$(exists "$TMP/d")"
assert_contains "the kernel's kill is said as such" \
        "the kernel killed the command (SIGSYS) for a call the profile kills or traps" "$ERR"
assert_contains "with the trace command" "$RECORD --policy $KILLS -- $TRY mkdir $TMP/d" "$ERR"

# --summary counts the supervisor rules' decisions; the kernel part's
# refusals are listed by --explain after it, and counted only there.
BOTH=$(write_profile both <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    { "names": ["mkdir"], "action": "SCMP_ACT_NOTIFY" },
    { "names": ["unlink"], "action": "SCMP_ACT_ERRNO", "errnoRet": 16 } ],
  "supervisor": { "defaultAction": "deny" } }
JSON
)
run_sup run --summary --explain --policy "$BOTH" -- "$TRY" mkdir "$TMP/e" -- unlink "$TMP/f"
assert_out "--summary --explain: the supervisor's EPERM and the profile's EBUSY" \
        "$(printf 'mkdir: EPERM\nunlink: EBUSY')"
summary_mkdir=$(printf '%s\n' "$ERR" | grep -E '^  mkdir +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+$')
assert_eq "the summary counts the supervisor's deny of mkdir" 1 \
        "$(printf '%s\n' "$summary_mkdir" | awk '{print $4}')"
assert_not_contains "and not the kernel part's unlink" "  unlink  " \
        "$(printf '%s\n' "$ERR" | sed -n '/summary of supervisor decisions/,/^  total/p')"
has_row "the list has the kernel part's unlink" unlink EBUSY 1 "$TRY_EXE"
assert_eq "and not the supervisor's mkdir" "" \
        "$(printf '%s\n' "$ERR" | grep -E "$(row mkdir '[A-Z]+' '[0-9]+' "$TRY_EXE")")"
summary_line=$(printf '%s\n' "$ERR" | grep -n 'summary of supervisor decisions' | cut -d: -f1)
list_line=$(printf '%s\n' "$ERR" | grep -n -- '--explain: the profile refused' | cut -d: -f1)
if [ -n "$summary_line" ] && [ -n "$list_line" ] && [ "$summary_line" -lt "$list_line" ]; then
        pass "the list comes after the summary"
else
        fail "the list comes after the summary" "$(last_run_details)"
fi

# A filter cached for one mode is never used for the other: with the
# cache on, --explain, then without, then --explain again (a hit). On the
# loop (no lanes) execveat is not routed in either mode, so only the mode
# tells the two filters apart.
export XDG_CACHE_HOME=$TMP/cache SCMP_SUPER_LANE=0
mkdir -p "$XDG_CACHE_HOME"
run_try "$ENTRIES" mkdir "$TMP/g"
run_sup run --explain --policy "$ENTRIES" -- "$TRY" mkdir "$TMP/g"
has_row "cache, --explain first: listed" mkdir EACCES 1 "$TRY_EXE"
run_try "$ENTRIES" mkdir "$TMP/g"
assert_out "cache, then without: the kernel's EACCES" "mkdir: EACCES"
assert_not_contains "and no list" "--explain:" "$ERR"
run_sup run --explain --policy "$ENTRIES" -- "$TRY" mkdir "$TMP/g"
has_row "cache, --explain again: listed" mkdir EACCES 1 "$TRY_EXE"
assert_eq "two filters were cached, one per mode" 2 "$(find "$XDG_CACHE_HOME" -name 'bpf-*' | wc -l)"
unset XDG_CACHE_HOME SCMP_SUPER_LANE

# Unprivileged: the same answers and the same list, as nobody.
mkdir -m 755 "$TMP/bin"
install -m 755 "$SCMP_SUPER" "$TMP/bin/scmp-super"
install -m 755 "$TRY" "$TMP/bin/try"
chmod 644 "$ENTRIES"
nobody_uid=$(id -u nobody) nobody_gid=$(id -g nobody)
(cd / && HOME=/nonexistent timeout -k 5 "$HANG_LIMIT" setpriv --reuid="$nobody_uid" \
        --regid="$nobody_gid" --clear-groups --inh-caps=-all --bounding-set=-all \
        "$TMP/bin/scmp-super" run --explain --policy "$ENTRIES" -- "$TMP/bin/try" \
        mkdir "$TMP/n" -- exit 4 >"$TMP/out" 2>"$TMP/err" </dev/null)
STATUS=$? OUT=$(cat "$TMP/out") ERR=$(cat "$TMP/err")
# shellcheck disable=SC2034 # lib.sh's last_run_details reads it
LAST_CMD="scmp-super run --explain (as nobody)"
expect "as nobody: the profile's errno and the command's status" 4 "mkdir: EACCES"
has_row "as nobody: listed" mkdir EACCES 1 "$TMP/bin/try"

# With --connect the daemon answers, not this process.
run_sup run --explain --connect "$TMP/none.sock" -- "$TRY" exit 0
assert_exit "--explain with --connect: refused" 125
assert_contains "saying why" "--explain needs this process" "$ERR"

# Sealed off the same: the command cannot reach the supervisor's memory,
# with or without --explain (and, where Landlock scopes signals, cannot
# signal it either).
REACH=$BUILD_DIR/tests/reach
declare -A signals
for mode in plain explain; do
        flag=()
        [ "$mode" = explain ] && flag=(--explain)
        run_sup run "${flag[@]}" --policy "$ENTRIES" -- "$REACH" memory 0
        assert_out "$mode: the command cannot reach scmp-super's memory" "ptrace: EPERM
process_vm_readv: EPERM
process_vm_writev: EPERM
proc-mem: EACCES
pidfd_getfd: EPERM"
        run_sup run "${flag[@]}" --policy "$ENTRIES" -- "$REACH" signal 0 STOP CONT TERM KILL
        signals[$mode]=$OUT
done
assert_eq "signals to scmp-super end the same with --explain" "${signals[plain]}" \
        "${signals[explain]}"
# Last: without Landlock's signal scope (ABI 6, Linux 6.12) the signals
# get through either way (SECURITY.md), and the rest is skipped.
python3 -c 'import ctypes, sys; l = ctypes.CDLL(None, use_errno=True)
sys.exit(0 if l.syscall(444, None, 0, 1) >= 6 else 1)' ||
        skip "this kernel's Landlock cannot scope signals (ABI 6, Linux 6.12)"
assert_eq "and are refused (Landlock scopes signals)" "signal STOP: EPERM
signal CONT: EPERM
signal TERM: EPERM
signal KILL: EPERM" "${signals[explain]}"

finish
