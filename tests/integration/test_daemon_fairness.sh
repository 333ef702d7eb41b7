#!/bin/bash
# SPDX-License-Identifier: MIT
# One target of the daemon floods it (8 threads making notified calls back
# to back, without end) while a quiet target makes 300 calls: the quiet one
# is served to its last call while the flood goes on, and the flood is
# served meanwhile too; neither waits for the other to finish. On Linux 6.12
# and later every lane runs with a short scheduler slice (core/lane.c).
# Counts and order only: bench/fairness.sh measures the latencies.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd python3
LOOP=$BUILD_DIR/bench/loop_target
[ -x "$LOOP" ] || skip "bench/loop_target is not built (SCMP_SUPER_TESTS=OFF?)"

PROFILE=$TMP/getppid.json
cat >"$PROFILE" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {"defaultAction": "allow"}
}
EOF

# decided_total PID: the daemon's count of the calls of target PID.
decided_total()
{
        "$SCMP_SUPER" status --control "$CONTROL" --json | python3 -c '
import json, sys
for t in json.load(sys.stdin)["targets"]:
    if t["pid"] == int(sys.argv[1]):
        print(t["decided"]["total"])
        break
else:
    print(-1)' "$1"
}

start_daemon --policy "$PROFILE" --control "$CONTROL" || finish

# The flood holds its standard input open until released: a FIFO opened
# read-write here, closed at the end.
mkfifo "$TMP/hold"
exec 9<>"$TMP/hold"
"$SCMP_SUPER" run --connect "$SOCK" --policy "$PROFILE" -- "$LOOP" --flood --threads 8 \
        --warmup 10 <"$TMP/hold" >"$TMP/flood.out" 2>"$TMP/flood.err" 9>&- &
flood=$!
if wait_for 30 has_line "$TMP/flood.out" "loop_target flooding threads=8"; then
        pass "the flooding target runs"
else
        fail "the flooding target runs" "$(cat "$TMP/flood.out" "$TMP/flood.err")" \
                "$(daemon_details)"
fi
# The target's pid as the daemon knows it: the launcher's child.
flood_pid=$(pgrep -P "$flood" -f loop_target | head -1)
before=$(decided_total "${flood_pid:-0}")

"$SCMP_SUPER" run --connect "$SOCK" --policy "$PROFILE" -- "$LOOP" --calls 300 --warmup 0 \
        </dev/null >"$TMP/quiet.out" 2>"$TMP/quiet.err"
quiet_status=$?
assert_eq "the quiet target's 300 calls are all answered during the flood" \
        "0 yes" "$quiet_status $(kill -0 "$flood" 2>/dev/null && echo yes)"
if has_line "$TMP/quiet.out" "loop_target syscall=getppid threads=1 calls=300"; then
        pass "the quiet target made its calls"
else
        fail "the quiet target made its calls" "$(cat "$TMP/quiet.out" "$TMP/quiet.err")"
fi
after=$(decided_total "${flood_pid:-0}")
if [ "$before" -gt 0 ] && [ "$after" -gt "$before" ]; then
        pass "the flood was served meanwhile ($before, then $after calls)"
else
        fail "the flood was served meanwhile" "before $before, after $after (pid ${flood_pid:-?})" \
                "$(daemon_details)"
fi

# The flood's lane is still running: at least one thread of the daemon has
# the short slice.
major=$(uname -r | cut -d. -f1) minor=$(uname -r | cut -d. -f2)
if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 12 ]; }; then
        short=0
        for f in /proc/"$DAEMON_PID"/task/*/sched; do
                grep -Eq '^se\.slice[[:space:]]+:[[:space:]]+100000$' "$f" 2>/dev/null &&
                        short=$((short + 1))
        done
        if [ "$short" -ge 1 ]; then
                pass "the flooding target's lane runs with a 100 us slice"
        else
                fail "the flooding target's lane runs with a 100 us slice" \
                        "$(grep -H 'se.slice' /proc/"$DAEMON_PID"/task/*/sched 2>&1)"
        fi
fi

exec 9>&-
wait "$flood"
flood_status=$?
assert_eq "the flooding target ends when released, every call answered" 0 "$flood_status"
stop_daemon TERM
assert_eq "the daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"

finish
