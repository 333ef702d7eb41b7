#!/bin/bash
# shellcheck disable=SC2016 # "$..." in single quotes is for the shell under test
# SPDX-License-Identifier: MIT
# Recordings that run (issue 18): a shell's `wait` sleeps in rt_sigsuspend
# only when the child has not ended yet, so whether a recording saw it is
# timing. Every call made only by timing must land in the profile anyway:
# a signal-heavy dash script is recorded 20 times and each recording is
# enforced on the same script with the same exit status and output; then
# the timing is fixed both ways (the child certainly ended before `wait`,
# certainly not) and each recording is enforced under the other timing.
HANG_LIMIT=${HANG_LIMIT:-20}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trace_lib.sh"

require_cmd dash python3
SUSPEND_NR=$(python3 -c 'import ctypes
print(ctypes.CDLL("libseccomp.so.2").seccomp_syscall_resolve_name(b"rt_sigsuspend"))')
[ -r /proc/self/syscall ] || skip "no /proc/PID/syscall on this kernel"
export SUSPEND_NR

cat >"$TMP/workload.sh" <<'EOF'
usr1=0
trap 'usr1=$((usr1 + 1))' USR1
trap 'echo "HUP trapped"' HUP

# TIMING=early: the child has certainly ended before `wait` (a zombie, or
# reaped by the shell already); late: certainly not (it ends once the
# shell sleeps in rt_sigsuspend); unset: timing decides. Both poll /proc
# with the same redirections, which are read here once so that neither
# recording misses them (early may find the child gone at once).
read -r _ _ st _ 2>/dev/null <"/proc/$$/stat"
case ${TIMING:-} in
early)
        (exit 3) &
        pid=$!
        st=
        while [ "$st" != Z ] && [ -e "/proc/$pid" ]; do
                read -r _ _ st _ 2>/dev/null <"/proc/$pid/stat"
        done
        ;;
late)
        (
                nr=
                while [ "$nr" != "$SUSPEND_NR" ]; do
                        read -r nr _ 2>/dev/null <"/proc/$$/syscall"
                done
                exit 3
        ) &
        pid=$!
        ;;
*)
        (exit 3) &
        pid=$!
        echo "started a child"
        ;;
esac
wait "$pid"
echo "child: $?"

# Left to timing: children ending around when `wait` starts, sleep 0
# loops, a handled signal sent to itself.
i=0
[ -n "${TIMING:-}" ] && i=3
while [ "$i" -lt 3 ]; do
        sleep 0 &
        (exit "$i") &
        echo "round $i"
        wait "$!"
        echo "status $?"
        wait
        kill -USR1 $$
        i=$((i + 1))
done
kill -USR1 $$
echo "USR1 trapped $usr1 times"
kill -HUP $$
echo done
EOF

# record_and_enforce NAME TRACE_TIMING RUN_TIMING: traces the workload under
# one timing into $TMP/NAME.json, checks the timing calls are in it, runs
# it under the other and compares.
record_and_enforce()
{
        local name=$1
        TIMING=$2 run_sup trace -q -o "$TMP/$name.json" -- dash "$TMP/workload.sh"
        local traced_status=$STATUS traced=$OUT
        if [ "$traced_status" != 0 ] || [ ! -s "$TMP/$name.json" ]; then
                fail "$name: the traced run succeeds and writes a profile" "$(last_run_details)"
                return
        fi
        local names missing="" call
        names=$(profile_names "$TMP/$name.json")
        for call in rt_sigsuspend rt_sigreturn restart_syscall exit_group; do
                grep -qx "$call" <<<"$names" || missing="$missing $call"
        done
        TIMING=$3 run_sup run --policy "$TMP/$name.json" -- dash "$TMP/workload.sh"
        if [ -n "$missing" ] || [ "$STATUS" != "$traced_status" ] || [ "$OUT" != "$traced" ]; then
                fail "$name: enforced, the same status and output" "missing:${missing:- none}" \
                        "traced: $traced" "$(last_run_details)"
                return
        fi
        pass "$name: enforced, the same status and output"
}

expected='child: 3
USR1 trapped 1 times
HUP trapped
done'
record_and_enforce "ended first, enforced with it running" early late
assert_eq "the workload under fixed timing printed what it does" "$expected" "$OUT"
record_and_enforce "running, enforced with it ended first" late early
assert_eq "and the other way round" "$expected" "$OUT"
record_and_enforce "ended first, enforced the same" early early
record_and_enforce "running, enforced the same" late late

for i in $(seq 1 20); do
        record_and_enforce "recording $i of 20" "" ""
done
assert_contains "the timing-left workload printed all its rounds" "USR1 trapped 4 times" "$OUT"

finish
