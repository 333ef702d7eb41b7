#!/bin/bash
# SPDX-License-Identifier: MIT
# One target never stalls another. A target passes a path in a page that a
# userfaultfd guards and nobody serves, so reading it blocks the reader for
# as long as the target likes. The daemon reads on that target's own lane:
# meanwhile another target is served and `status` answers, and after the
# deadline (--decision-timeout) the stalled call is denied, counted and
# logged once. The same holds while the daemon reads a prompted call for
# its prompt (denied then with the rule's errno), and for `run`, whose lane
# has the default deadline. A target that goes while its lane is still
# stuck is forgotten at once, and the lane leaves when the page is freed;
# SIGTERM does not wait for a stuck lane.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd python3
require_built "$HOSTILE"
if [ "$(id -u)" != 0 ]; then
        skip "needs root: a userfaultfd that holds the kernel's own reads takes CAP_SYS_PTRACE"
fi
if ! probe=$("$HOSTILE" uffd-mkdir probe 2>&1); then
        skip "userfaultfd for kernel faults is not available: $probe"
fi

DEADLINE_MS=3000
mkdir -p "$TMP/profiles" "$TMP/t"
cat >"$TMP/profiles/default.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {
    "defaultAction": "deny", "defaultErrno": "EROFS",
    "rules": [{"syscalls": ["mkdir"], "path": "$TMP/t/ok*", "action": "allow"}]
  }
}
EOF
cat >"$TMP/profiles/ask.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "listenerMetadata": "policy=ask",
  "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {
    "defaultAction": "deny",
    "rules": [{"syscalls": ["mkdir"], "action": "prompt", "errno": "ENOTEMPTY"}]
  }
}
EOF
PROFILE=$TMP/profiles/default.json

# holder NAME: a process outside every target that takes the userfaultfd
# the hostile target sends it, writes "fault" to $TMP/NAME.fault when
# someone (the daemon) blocks on the guarded page, and keeps the page
# guarded until $TMP/NAME.release exists.
start_holder()
{
        local name=$1
        python3 - "$TMP/$name.sock" "$TMP/$name" <<'EOF' &
import array, os, select, socket, sys, time
path, base = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(1)
c, _ = s.accept()
_, anc, _, _ = c.recvmsg(1, socket.CMSG_LEN(4))
uffd = array.array("i", anc[0][2][:4])[0]
c.send(b"k")
deadline = time.monotonic() + 60
# A page fault message (struct uffd_msg, 32 bytes): someone waits on it.
while time.monotonic() < deadline:
    if select.select([uffd], [], [], 0.05)[0] and len(os.read(uffd, 32)) == 32:
        open(base + ".fault", "w").write("fault\n")
        break
while not os.path.exists(base + ".release") and time.monotonic() < deadline:
    time.sleep(0.02)
os.close(uffd)
EOF
        HOLDER_PID=$!
        wait_for 10 test -S "$TMP/$name.sock" || fail "the holder $name listens"
}

# Called through wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317
gone()
{
        ! kill -0 "$1" 2>/dev/null
}

# reap NAME PID: PID ends within 30 s (else it is killed), with status 0.
reap()
{
        if wait_for 30 gone "$2"; then
                wait "$2"
                assert_eq "$1" 0 "$?"
        else
                fail "$1" "still running after 30 s"
                kill -KILL "$2" 2>/dev/null
        fi
}

# stall NAME PROFILE: starts a holder NAME and a `run --connect` target
# under PROFILE whose mkdir path is in the page the holder keeps guarded,
# and waits until the daemon blocks reading it. Sets STALLED (the target's
# pid); the target says what became of its call in $TMP/NAME.out.
stall()
{
        local name=$1 profile=$2
        start_holder "$name"
        "$SCMP_SUPER" run --connect "$SOCK" --policy "$profile" -- \
                "$HOSTILE" uffd-mkdir "$TMP/$name.sock" >"$TMP/$name.out" 2>&1 &
        STALLED=$!
        if wait_for 15 test -s "$TMP/$name.fault"; then
                pass "$name: the daemon blocks reading the guarded path"
        else
                fail "$name: the daemon blocks reading the guarded path" \
                        "$(cat "$TMP/$name.out")" "$(daemon_details)"
        fi
}

status_json()
{
        "$SCMP_SUPER" status --control "$CONTROL" --json
}

# ms_since START: milliseconds since START ($EPOCHREALTIME).
ms_since()
{
        local now=$EPOCHREALTIME
        echo $(((10#${now/./} - 10#${1/./}) / 1000))
}

# others_served NAME: while a target is stalled, another is served within
# a second and status answers within a second.
others_served()
{
        local name=$1 start ms
        start=$EPOCHREALTIME
        run_sup run --connect "$SOCK" --policy "$PROFILE" -- "$TRY" mkdir "$TMP/t/ok-$name"
        ms=$(ms_since "$start")
        expect "$name: another target is served meanwhile" 0 "mkdir: OK"
        if [ "$ms" -lt 1000 ]; then
                pass "$name: ... within a second (${ms} ms)"
        else
                fail "$name: ... within a second" "took ${ms} ms"
        fi
        start=$EPOCHREALTIME
        if timeout 10 "$SCMP_SUPER" status --control "$CONTROL" >"$TMP/status.txt" 2>&1 &&
                ms=$(ms_since "$start") && [ "$ms" -lt 1000 ]; then
                pass "$name: status answers within a second (${ms} ms)"
        else
                fail "$name: status answers within a second" "$(cat "$TMP/status.txt")"
        fi
}

# denied_after NAME OUTFILE ERRNO: the stalled call came back with ERRNO,
# no sooner than the deadline and not much later.
denied_after()
{
        local name=$1 out=$2 errno=$3 line ms
        wait_for 30 has_line "$out" "uffd-mkdir: $errno after" ||
                fail "$name: the stalled call is denied with $errno" "$(cat "$out")"
        line=$(grep -F "uffd-mkdir: $errno after" "$out")
        ms=${line##* after }
        ms=${ms% ms}
        if [ -n "$ms" ] && [ "$ms" -ge "$DEADLINE_MS" ] && [ "$ms" -lt $((DEADLINE_MS + 3000)) ]; then
                pass "$name: the stalled call is denied with $errno at the deadline (${ms} ms)"
        else
                fail "$name: the stalled call is denied with $errno at the deadline" "$line"
        fi
}

start_daemon --policy-dir "$TMP/profiles" --control "$CONTROL" --log "$DECISIONS" \
        --decision-timeout "$DEADLINE_MS" || finish

# 1. A path the daemon reads to decide.
stall one "$PROFILE"
others_served "a path read to decide"
assert_not_contains "the stalled call is still waiting meanwhile" "after" "$(cat "$TMP/one.out")"
denied_after "a path read to decide" "$TMP/one.out" EPERM
reap "the stalled target's command ends normally" "$STALLED"
if wait_log "denied mkdir of pid" && wait_log "no decision within $DEADLINE_MS ms"; then
        pass "the daemon logs the refusal at the deadline"
else
        fail "the daemon logs the refusal at the deadline" "$(daemon_details)"
fi
assert_eq "... once" 1 "$(count_lines "$DAEMON_ERR" "no decision within")"
if wait_decision '"rule":"deadline","decision":"deny","errno":"EPERM"'; then
        pass "the decision log has the refusal, marked as the deadline's"
else
        fail "the decision log has the refusal, marked as the deadline's" "$(cat "$DECISIONS")"
fi
assert_eq "... once" 1 "$(count_lines "$DECISIONS" '"rule":"deadline"')"
if wait_log "gone after 1 decision (allow 0, log 0, deny 1, kill 0)"; then
        pass "the target that stalled leaves with its one refusal counted, its lane still stuck"
else
        fail "the target that stalled leaves with its one refusal counted, its lane still stuck" \
                "$(daemon_details)"
fi
assert_eq "status no longer lists it" "[]" \
        "$(status_json | python3 -c 'import json, sys; print(json.load(sys.stdin)["targets"])')"
others_served "after the stalled target left"
# The page stops being guarded: the abandoned lane wakes, drops its late
# answer and leaves (the daemon is back to its one thread).
touch "$TMP/one.release"
reap "the holder ends" "$HOLDER_PID"
threads()
{
        awk '/^Threads:/ { print $2 }' "/proc/$DAEMON_PID/status" 2>/dev/null
}
# shellcheck disable=SC2317
daemon_threads()
{
        [ "$(threads)" = "$1" ]
}
if wait_for 10 daemon_threads 1 && daemon_alive; then
        pass "the abandoned lane leaves once its read ends"
else
        fail "the abandoned lane leaves once its read ends" "threads: $(threads)" \
                "$(daemon_details)"
fi
assert_eq "its late answer is neither counted nor logged" 1 \
        "$(count_lines "$DECISIONS" '"rule":"deadline"')"

# 2. A prompted call: the daemon reads what the person will see (the
# path) before the prompt reaches the loop. Without --log, which would
# read the path before deciding, as in 1.
stop_daemon TERM
assert_eq "the daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"
start_daemon --policy-dir "$TMP/profiles" --control "$CONTROL" \
        --decision-timeout "$DEADLINE_MS" || finish
stall two "$TMP/profiles/ask.json"
others_served "a prompt being prepared"
denied_after "a prompt being prepared" "$TMP/two.out" ENOTEMPTY
reap "a prompt being prepared: the stalled target's command ends normally" "$STALLED"
touch "$TMP/two.release"
reap "the holder ends" "$HOLDER_PID"
assert_eq "no prompt was ever shown for it" 0 \
        "$(status_json | python3 -c 'import json, sys; print(json.load(sys.stdin)["prompts"])')"
if wait_log "denied mkdir of pid"; then
        pass "a prompt being prepared: the daemon logs the refusal at the deadline"
else
        fail "a prompt being prepared: the daemon logs the refusal at the deadline" \
                "$(daemon_details)"
fi

stop_daemon TERM
assert_eq "the daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"

# 3. SIGTERM while a lane is stuck: the daemon does not wait for it, and
# the stalled call fails closed (ENOSYS) once the daemon is gone. (In a
# sanitizer build, LeakSanitizer stops every thread with ptrace at exit,
# and a thread blocked in that read cannot stop: no leak check here.)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        start_daemon --policy-dir "$TMP/profiles" --control "$CONTROL" \
        --decision-timeout "$DEADLINE_MS" || finish
stall three "$PROFILE"
start=$EPOCHREALTIME
stop_daemon TERM
ms=$(ms_since "$start")
assert_eq "the daemon exits 0 on SIGTERM with a lane stuck" 0 "$DAEMON_STATUS"
if [ "$ms" -lt 2000 ]; then
        pass "... at once (${ms} ms)"
else
        fail "... at once" "took ${ms} ms"
fi
if wait_for 10 has_line "$TMP/three.out" "uffd-mkdir: ENOSYS after"; then
        pass "the stalled call fails closed with ENOSYS"
else
        fail "the stalled call fails closed with ENOSYS" "$(cat "$TMP/three.out")"
fi
reap "the stalled target's command ends" "$STALLED"
touch "$TMP/three.release"
reap "the holder ends" "$HOLDER_PID"

# 4. run: its lane has the default deadline (5000 ms) instead of hanging.
DEADLINE_MS=5000
run_sup run --policy "$PROFILE" -- "$HOSTILE" uffd-mkdir -
assert_exit "run: the command ends" 0
printf '%s\n' "$OUT" >"$TMP/run.out"
denied_after "run" "$TMP/run.out" EPERM
assert_contains "run says why" "no decision within 5000 ms" "$ERR"

finish
