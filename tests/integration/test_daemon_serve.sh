#!/bin/bash
# SPDX-License-Identifier: MIT
# One daemon serving many `run --connect` launchers at once: each target gets
# its own decisions, status lists them with their counts, a target that dies
# is freed while the others carry on, SIGHUP switches new and live targets
# to a changed profile (and keeps the old one when the new one is broken),
# also while the target's lane is deciding, and SIGTERM ends the daemon
# with 0 and leaves its targets failing closed.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd python3
require_built "$HOSTILE"

N=24
mkdir -p "$TMP/profiles" "$TMP/t"
# The daemon's default profile (daemon_lib.sh), mkdir allowed only under
# $TMP/t/*/allowed*.
deny_profile EROFS >"$TMP/profiles/default.json"
# The launchers load the same kernel part.
PROFILE=$TMP/profiles/default.json

status_json()
{
        "$SCMP_SUPER" status --control "$CONTROL" --json
}

# n_targets: how many targets status lists.
n_targets()
{
        status_json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["targets"]))'
}

# Called through wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317
targets_are()
{
        [ "$(n_targets)" = "$1" ]
}

start_daemon --policy-dir "$TMP/profiles" --control "$CONTROL" --log "$DECISIONS" || finish

# One launcher, start to end.
mkdir -p "$TMP/t/one"
run_sup run --connect "$SOCK" --policy "$PROFILE" -- \
        "$TRY" mkdir "$TMP/t/one/allowed" -- mkdir "$TMP/t/one/denied" -- exit 7
expect "a launcher's target gets the daemon's decisions" 7 "mkdir: OK
mkdir: EROFS"
if wait_log "as a scmp-super launcher" && wait_log "gone after 2 decisions (allow 1"; then
        pass "the daemon logs the launcher served and gone"
else
        fail "the daemon logs the launcher served and gone" "$(daemon_details)"
fi

# A prompt for a daemon-served target waits for an answer from a client of
# the control socket, and shows in status meanwhile.
cat >"$TMP/profiles/ask.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "listenerMetadata": "policy=ask",
  "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {"defaultAction": "prompt", "promptTimeout": 60}
}
EOF
kill -HUP "$DAEMON_PID"
wait_log 'reloaded 2 profiles' || fail "SIGHUP loads a new profile" "$(daemon_details)"
python3 "$SOURCE_DIR/tests/integration/daemon_client.py" answer "$CONTROL" - \
        "$TMP/answer-ready" allow deny:ENOTEMPTY >"$TMP/answer.out" 2>&1 &
answerer=$!
wait_for 10 test -s "$TMP/answer-ready" || fail "the answering client connects"
mkdir -p "$TMP/t/ask"
run_sup run --connect "$SOCK" --policy "$TMP/profiles/ask.json" -- \
        "$TRY" mkdir "$TMP/t/ask/a" -- mkdir "$TMP/t/ask/b"
expect "prompts of a daemon-served target are answered through the control socket" 0 \
        "mkdir: OK
mkdir: ENOTEMPTY"
wait "$answerer"
assert_eq "the client saw each request, and status showed the call pending" \
        "request container=- syscall=mkdir
pending container=- syscall=mkdir paths=$TMP/t/ask/a
request container=- syscall=mkdir
pending container=- syscall=mkdir paths=$TMP/t/ask/b
answered" "$(cat "$TMP/answer.out")"

# A reload while a prompt waits: the target switches to the new profile,
# and the waiting call is still answered (its rule lives in the old one).
ANSWER_AFTER=$TMP/go-answer python3 "$SOURCE_DIR/tests/integration/daemon_client.py" answer \
        "$CONTROL" - "$TMP/answer-ready2" allow >"$TMP/answer2.out" 2>&1 &
answerer=$!
wait_for 10 test -s "$TMP/answer-ready2" || fail "the answering client connects"
"$SCMP_SUPER" run --connect "$SOCK" --policy "$TMP/profiles/ask.json" -- \
        "$TRY" mkdir "$TMP/t/ask/c" >"$TMP/out-ask" 2>&1 &
asking=$!
wait_for 15 has_line "$TMP/answer2.out" "pending container=-" ||
        fail "the prompt is pending" "$(cat "$TMP/answer2.out")"
sed -i 's/"promptTimeout": 60/"promptTimeout": 59/' "$TMP/profiles/ask.json"
kill -HUP "$DAEMON_PID"
if wait_log "1 live target now uses the new version"; then
        pass "a target with a waiting prompt switches at a reload"
else
        fail "a target with a waiting prompt switches at a reload" "$(daemon_details)"
fi
touch "$TMP/go-answer"
wait "$asking"
assert_eq "the prompt that waited across the reload is still answered" "mkdir: OK" \
        "$(cat "$TMP/out-ask")"
wait "$answerer"
if daemon_alive; then
        pass "the daemon carries on after answering across a reload"
else
        fail "the daemon carries on after answering across a reload" "$(daemon_details)"
fi

# N launchers at once. Each makes an allowed mkdir, then blocks opening its
# own FIFO until the test opens it for writing (and writes nothing, so a
# reader that closes at once costs no SIGPIPE), then makes a denied mkdir.
declare -a RUNS
for ((i = 0; i < N; i++)); do
        mkdir -p "$TMP/t/$i"
        mkfifo "$TMP/fifo$i"
        "$SCMP_SUPER" run --connect "$SOCK" --policy "$PROFILE" -- \
                "$TRY" mkdir "$TMP/t/$i/allowed" -- open "$TMP/fifo$i" -- \
                mkdir "$TMP/t/$i/denied" -- exit $((i + 10)) >"$TMP/out$i" 2>"$TMP/err$i" &
        RUNS[i]=$!
done
if wait_for 30 targets_are "$N"; then
        pass "status lists all $N targets served at once"
else
        fail "status lists all $N targets served at once" "targets: $(n_targets)" \
                "$(daemon_details)"
fi
if status_json | python3 -c '
import json, sys
s = json.load(sys.stdin)
bad = [t for t in s["targets"]
       if t["policy"] != "default" or not t["launcher"] or t["decided"]["allow"] < 1
       or t["decided"]["deny"] != 0 or t["container"] is not None]
sys.exit(1 if bad or len(s["targets"]) != int(sys.argv[1]) else 0)' "$N"; then
        pass "each target has its own profile and counts in status"
else
        fail "each target has its own profile and counts in status" "$(status_json)"
fi
"$SCMP_SUPER" status --control "$CONTROL" >"$TMP/status.txt" 2>&1
assert_eq "status prints a line per target" "$N" \
        "$(grep -cE '^[0-9]+ +- +default +[0-9]+ +0 +0 +0 +0$' "$TMP/status.txt")"

# Kill one target: its state goes, the others stay.
victim=$(pgrep -P "${RUNS[0]}")
if [ -n "$victim" ] && kill -KILL "$victim"; then
        if wait_for 15 targets_are $((N - 1)) && wait_log "pid $victim gone after"; then
                pass "a target that dies is gone from status and logged"
        else
                fail "a target that dies is gone from status and logged" \
                        "targets: $(n_targets)" "$(daemon_details)"
        fi
        if status_json | grep -q "\"pid\":$victim,"; then
                fail "the dead target's pid is no longer listed" "$(status_json)"
        else
                pass "the dead target's pid is no longer listed"
        fi
else
        fail "a target to kill exists" "no child of ${RUNS[0]}"
fi
wait "${RUNS[0]}"
assert_eq "its run --connect reports the SIGKILL" 137 "$?"

# Release the others; each must finish with its own results.
for ((i = 1; i < N; i++)); do
        : >"$TMP/fifo$i"
done
all_ok=true
for ((i = 1; i < N; i++)); do
        wait "${RUNS[i]}"
        status=$?
        expected=$'mkdir: OK\nopen: OK\nmkdir: EROFS'
        if [ "$status" != $((i + 10)) ] || [ "$(cat "$TMP/out$i")" != "$expected" ]; then
                all_ok=false
                fail "launcher $i finishes with its own results" "status $status" \
                        "$(cat "$TMP/out$i" "$TMP/err$i")"
        fi
done
$all_ok && pass "the $((N - 1)) other targets carried on and finished correctly"
if wait_for 15 targets_are 0; then
        pass "status is empty once every target is gone"
else
        fail "status is empty once every target is gone" "$(status_json)"
fi
if wait_for 5 at_least "$DECISIONS" '"decision":"deny","errno":"EROFS"' "$N"; then
        pass "every denied mkdir is in the decision log"
else
        fail "every denied mkdir is in the decision log" "$(tail -5 "$DECISIONS")"
fi

# SIGHUP with a changed profile: a new target and a live one use it.
mkdir -p "$TMP/t/live" "$TMP/t/new"
mkfifo "$TMP/fifo-live"
"$SCMP_SUPER" run --connect "$SOCK" --policy "$PROFILE" -- \
        "$TRY" open "$TMP/fifo-live" -- mkdir "$TMP/t/live/denied" >"$TMP/out-live" 2>&1 &
live=$!
wait_for 15 targets_are 1 || fail "the live target is served" "$(daemon_details)"
deny_profile EMLINK >"$TMP/profiles/default.json.new"
mv "$TMP/profiles/default.json.new" "$TMP/profiles/default.json"
kill -HUP "$DAEMON_PID"
if wait_log "1 live target now uses the new version"; then
        pass "SIGHUP reloads and switches the live target"
else
        fail "SIGHUP reloads and switches the live target" "$(daemon_details)"
fi
run_sup run --connect "$SOCK" --policy "$PROFILE" -- "$TRY" mkdir "$TMP/t/new/denied"
expect "a new target after SIGHUP gets the changed profile" 0 "mkdir: EMLINK"
: >"$TMP/fifo-live"
wait "$live"
assert_eq "a live target gets the changed profile after SIGHUP" "open: OK
mkdir: EMLINK" "$(cat "$TMP/out-live")"

# A broken profile on reload: the previous version stays.
echo '{"defaultAction": "SCMP_ACT_ALOW"}' >"$TMP/profiles/default.json"
kill -HUP "$DAEMON_PID"
if wait_log "keeping the version loaded before"; then
        pass "a profile that fails to reload is reported and kept"
else
        fail "a profile that fails to reload is reported and kept" "$(daemon_details)"
fi
assert_contains "the reload error names the file and the problem" \
        "default.json:1:" "$(grep 'keeping the version' "$DAEMON_ERR")"
deny_profile EMLINK >"$TMP/kernel.json"
run_sup run --connect "$SOCK" --policy "$TMP/kernel.json" -- "$TRY" mkdir "$TMP/t/new/denied2"
expect "after a broken reload the previous version still decides" 0 "mkdir: EMLINK"

# Reloads while a target's lane decides: SIGHUP after SIGHUP, each
# switching the live target to a new version of its profile and reopening
# the log, while 8 threads make notified calls. Every call is answered
# right and logged once. (A version a lane still decides with is freed
# only once the lane is past that call; a sanitizer build would catch one
# freed too early.)
storm_profile()
{
        cat <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "listenerMetadata": "policy=storm",
  "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {
    "defaultAction": "allow",
    "rules": [{"syscalls": ["getppid"], "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}],
               "action": "deny", "errno": "EACCES", "comment": "version $1"}]
  }
}
EOF
}
deny_profile EROFS >"$TMP/profiles/default.json"
storm_profile 0 >"$TMP/profiles/storm.json"
kill -HUP "$DAEMON_PID"
reloads()
{
        count_lines "$DAEMON_ERR" "reloaded "
}
wait_for 10 at_least "$DAEMON_ERR" "reloaded " 1 || fail "the storm profile loads"
logged_before=$(count_lines "$DECISIONS" '"syscall":"getppid"')
# The storm runs until the test closes its standard input, after the
# reloads: a fixed number of calls could all be answered before the first
# SIGHUP on a fast (or a loaded) machine.
T=8 RELOADS=12
mkfifo "$TMP/storm-stop"
"$SCMP_SUPER" run --connect "$SOCK" --policy "$TMP/profiles/storm.json" -- \
        "$HOSTILE" storm-until $T <"$TMP/storm-stop" >"$TMP/out-storm" 2>&1 &
storm=$!
exec 9>"$TMP/storm-stop"
wait_for 15 targets_are 1 || fail "the storm target is served" "$(daemon_details)"
switched=0
while [ "$switched" -lt "$RELOADS" ]; do
        kill -0 "$storm" 2>/dev/null || break
        done_before=$(reloads)
        switched=$((switched + 1))
        storm_profile "$switched" >"$TMP/profiles/storm.json.new"
        mv "$TMP/profiles/storm.json.new" "$TMP/profiles/storm.json"
        kill -HUP "$DAEMON_PID"
        wait_for 10 at_least "$DAEMON_ERR" "reloaded " $((done_before + 1)) ||
                fail "reload $switched is done" "$(daemon_details)"
done
exec 9>&-
wait "$storm"
storm_out=$(cat "$TMP/out-storm")
calls=$(printf '%s\n' "$storm_out" | sed -n 's/.* calls=\([0-9]*\) .*/\1/p')
assert_eq "calls made during $switched reloads are all answered right" \
        "storm-until: threads=$T calls=$calls allowed=$((calls / 2)) denied=$((calls / 2)) wrong=0" \
        "$storm_out"
if [ "${calls:-0}" -gt 0 ] && [ "$switched" -eq "$RELOADS" ]; then
        pass "the target was switched again and again while calling ($switched reloads, $calls calls)"
else
        fail "the target was switched again and again while calling" "$switched reloads, ${calls:-no} calls"
fi
# Each thread also asks for its parent's pid once.
if wait_for 5 at_least "$DECISIONS" '"syscall":"getppid"' $((logged_before + calls + T)); then
        pass "every call is in the reopened log"
else
        fail "every call is in the reopened log" \
                "$(count_lines "$DECISIONS" '"syscall":"getppid"') lines, wanted $((logged_before + calls + T))"
fi
assert_eq "... once" $((logged_before + calls + T)) "$(count_lines "$DECISIONS" '"syscall":"getppid"')"
rm "$TMP/profiles/storm.json"
kill -HUP "$DAEMON_PID"

# SIGTERM with a live target: exit 0, and the target fails closed.
mkfifo "$TMP/fifo-last"
mkdir -p "$TMP/t/last"
"$SCMP_SUPER" run --connect "$SOCK" --policy "$TMP/kernel.json" -- \
        "$TRY" open "$TMP/fifo-last" -- mkdir "$TMP/t/last/allowed" >"$TMP/out-last" 2>&1 &
last=$!
wait_for 15 targets_are 1 || fail "the last target is served" "$(daemon_details)"
stop_daemon TERM
assert_eq "SIGTERM ends the daemon with status 0" 0 "$DAEMON_STATUS"
if [ -e "$SOCK" ] || [ -e "$CONTROL" ]; then
        fail "the daemon removes its sockets" "$(ls -l "$TMP")"
else
        pass "the daemon removes its sockets"
fi
: >"$TMP/fifo-last"
wait "$last"
assert_eq "a target left without its daemon fails closed (ENOSYS)" "open: OK
mkdir: ENOSYS" "$(cat "$TMP/out-last")"

finish
