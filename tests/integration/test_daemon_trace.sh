#!/bin/bash
# SPDX-License-Identifier: MIT
# Recording containers through the daemon (docs/TRACE.md, "Containers"):
# crun and runc run a busybox workload, a multi-process pipeline among it,
# whose profile is a base with everything else notified to a daemon started
# with --trace-dir, and "trace=NAME" in its listenerMetadata. When the
# container ends the daemon writes NAME.json, NAME.report.json, NAME.txt and
# NAME.done; the profile written must then start the same workload in a
# container with no listener, with the same output and exit status. Also:
# trace= without --trace-dir, a bad NAME, and a second live container under
# a NAME already recorded are refused: the daemon kills each of the refused
# container's processes that makes a notified call, so it ends by itself
# without running its workload; two containers at once are recorded
# separately; a reload while a container is recorded leaves its recording on
# the base it started with. And `run --connect` with the recording profile
# records a command the same way (refused, 125, without --trace-dir).

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd unshare python3 busybox jq
[ "$(id -u)" = 0 ] || skip "the runtimes need root here (running as uid $(id -u))"
command -v crun >/dev/null 2>&1 || command -v runc >/dev/null 2>&1 ||
        skip "neither crun nor runc is installed"

trace_base

# What it makes: the base's entries, the rest notified, the listener named.
assert_eq "profile recording: base entries kept, every other call notified, listener set" \
        "true" "$(recording_profile "policy=base;trace=x" | jq --arg sock "$SOCK" '
                (.syscalls[0].names == ["read", "write", "close"]) and
                (.syscalls[1].action == "SCMP_ACT_NOTIFY") and
                (.syscalls[1].names | index("execve") != null) and
                (.syscalls[1].names | index("read") == null) and
                .defaultAction == "SCMP_ACT_ERRNO" and .listenerPath == $sock and
                .listenerMetadata == "policy=base;trace=x"' 2>&1)"
run_sup profile recording "$TMP/profiles/base.json"
assert_eq "profile recording without --listener: bad usage" 2 "$STATUS"
assert_contains "and it says what is missing" "needs --listener PATH" "$ERR"

SCRIPT='echo hello from the container >/tmp/greeting
cat /tmp/greeting | tr a-z A-Z | sort
ls / | sort | head -3 | wc -l
echo done
exit 3'

# bundle DIR SECCOMP_JSON: a busybox bundle running SCRIPT, with the
# pipeline's applets.
bundle()
{
        local applet
        make_bundle "$1" "$2" "$SCRIPT"
        for applet in tr sort head wc sleep; do
                ln -sf busybox "$1/rootfs/bin/$applet"
        done
}

# run_refused RUNTIME BUNDLE NAME: runs a container the daemon refuses and
# sets OUT and STATUS. The daemon keeps a refused container's listener and
# kills each of its processes that makes a notified call (nearly every call
# here, the runtime's own among them), so the container must end by itself:
# run_container's wait is bounded and fails when it does not. Its workload
# must not have run: SCRIPT's marker /tmp/greeting is never written.
run_refused()
{
        local runtime=$1 bundle=$2 name=$3 started=$SECONDS
        run_container "$runtime" "$bundle" "$name"
        # timeout's own KILL would also give 137: it must end well before.
        if [ $((SECONDS - started)) -lt "$HANG_LIMIT" ]; then
                pass "$name: the refused container ends by itself"
        else
                fail "$name: the refused container ends by itself" \
                        "it ran until timeout ended it after ${HANG_LIMIT}s"
        fi
        assert_eq "$name: it was killed (SIGKILL: 137)" 137 "$STATUS"
        assert_eq "$name: its workload never ran (no marker in its /tmp)" "" \
                "$(ls -A "$bundle/rootfs/tmp")"
        if wait_log "refused container $name (pid" &&
                wait_for 15 line_with_both "$DAEMON_ERR" "refused container $name (pid" \
                        "its last process is gone"; then
                pass "$name: the daemon logs the refusal, and lets go once it is gone"
        else
                fail "$name: the daemon logs the refusal, and lets go once it is gone" \
                        "$(daemon_details)"
        fi
        assert_eq "$name: a process of it was killed for its notified call" 1 \
                "$(grep -F "refused container $name (pid" "$DAEMON_ERR" |
                        grep -cE 'its last process is gone \([1-9][0-9]* killed')"
        "$runtime" --root "$TMP/$runtime-state" delete -f "$name" >/dev/null 2>&1 || true
}

done_file()
{
        [ -e "$TRACES/$1.done" ]
}

# record RUNTIME NAME: runs SCRIPT recorded as NAME; sets REC_OUT, REC_STATUS.
record()
{
        local runtime=$1 name=$2
        bundle "$TMP/rec-$name" "$(recording_profile "policy=base;trace=$name")"
        run_container "$runtime" "$TMP/rec-$name" "rec-$name-$$"
        REC_OUT=$OUT
        REC_STATUS=$STATUS
}

check_runtime()
{
        local runtime=$1 name=bb-$1
        if ! command -v "$runtime" >/dev/null 2>&1; then
                echo "$runtime is not installed: not tested"
                return
        fi
        record "$runtime" "$name"
        assert_eq "$runtime: the recorded workload exits with its own status" 3 "$REC_STATUS"
        assert_contains "$runtime: the pipeline ran while recorded" \
                "HELLO FROM THE CONTAINER" "$REC_OUT"
        if wait_for 15 done_file "$name"; then
                pass "$runtime: the daemon writes $name.done when the container ends"
        else
                fail "$runtime: the daemon writes $name.done when the container ends" \
                        "$(daemon_details)"
                return
        fi
        assert_eq "$runtime: $name.done holds the gate's status (new calls: 119)" 119 \
                "$(cat "$TRACES/$name.done")"
        assert_eq "$runtime: the report is trace's, with the calls the base does not name" true \
                "$(jq '(.newSyscalls | length) > 0 and .failOnUnknown and .status == 119
                       and (.newSyscalls | index("execve") != null)' \
                        "$TRACES/$name.report.json" 2>&1)"
        assert_contains "$runtime: the summary says what was recorded" execve \
                "$(cat "$TRACES/$name.txt")"
        assert_eq "$runtime: the profile keeps the base's entries and has no listener" \
                "true" "$(jq '(.listenerPath == null) and (.defaultAction == "SCMP_ACT_ERRNO")' \
                        "$TRACES/$name.json" 2>&1)"
        # As trace does by default: what a run makes only by timing is
        # added (runc's Go runtime does not wake a futex in every run).
        assert_eq "$runtime: the calls made only by timing are added; futex is allowed" \
                "true true" "$(jq -r '[([.syscalls[] | select((.comment // "") |
                        startswith("added by scmp-super trace although not seen"))] | length > 0),
                        ([.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] |
                        index("futex") != null)] | map(tostring) | join(" ")' \
                        "$TRACES/$name.json" 2>&1)"
        if wait_for 10 line_with_both "$DAEMON_ERR" "trace $name: wrote" "status 119"; then
                pass "$runtime: the daemon logs the trace written"
        else
                fail "$runtime: the daemon logs the trace written" "$(daemon_details)"
        fi

        # Enforced, with no listener at all.
        bundle "$TMP/enf-$name" "$(cat "$TRACES/$name.json")"
        run_container "$runtime" "$TMP/enf-$name" "enf-$name-$$"
        assert_eq "$runtime: under the recorded profile the container exits as recorded" \
                "$REC_STATUS" "$STATUS"
        assert_eq "$runtime: and prints what it printed when recorded" "$REC_OUT" "$OUT"
        # The base alone does not run it: the recording is what made it work.
        bundle "$TMP/base-$name" "$(cat "$TMP/profiles/base.json")"
        run_container "$runtime" "$TMP/base-$name" "base-$name-$$"
        if [ "$STATUS" != "$REC_STATUS" ] || [ "$OUT" != "$REC_OUT" ]; then
                pass "$runtime: the base alone does not run the workload as recorded"
        else
                fail "$runtime: the base alone does not run the workload as recorded" \
                        "status $STATUS"
        fi
}

# ---- without --trace-dir: refused --------------------------------------
start_daemon --policy-dir "$TMP/profiles" || finish
if command -v crun >/dev/null 2>&1; then
        RT=crun
else
        RT=runc
fi
bundle "$TMP/nodir" "$(recording_profile "policy=base;trace=nodir")"
run_refused "$RT" "$TMP/nodir" "nodir-$$"
assert_eq "without --trace-dir: the traced container does not run its workload" "" \
        "$(printf '%s' "$OUT" | grep -F 'HELLO FROM THE CONTAINER')"
if wait_log "this daemon does not trace (start it with --trace-dir DIR)"; then
        pass "without --trace-dir: trace= is refused, and the log says why"
else
        fail "without --trace-dir: trace= is refused, and the log says why" "$(daemon_details)"
fi
# run --connect with a recording profile: refused with the daemon's reason,
# the command not started (125), as for any launcher the daemon refuses.
recording_profile "policy=base;trace=nodir-run" >"$TMP/rec-nodir-run.json"
run_sup run --connect "$SOCK" --policy "$TMP/rec-nodir-run.json" -- busybox echo NOT_RUN
assert_exit "without --trace-dir: run --connect with trace= is refused (125)" 125
assert_not_contains "and its command does not run" NOT_RUN "$OUT"
assert_contains "run says why, and what to do" "start it with --trace-dir DIR" "$ERR"
assert_eq "without --trace-dir: nothing is written" "" "$(ls -A "$TRACES")"
stop_daemon
assert_eq "the daemon stops cleanly" 0 "$DAEMON_STATUS"

# ---- with --trace-dir ---------------------------------------------------
start_daemon --policy-dir "$TMP/profiles" --trace-dir "$TRACES" --control "$CONTROL" || finish

bundle "$TMP/badname" "$(recording_profile "policy=base;trace=../escape")"
run_refused "$RT" "$TMP/badname" "badname-$$"
if wait_log 'listenerMetadata trace "../escape" is not a trace name'; then
        pass "a NAME that is not a plain file name is refused"
else
        fail "a NAME that is not a plain file name is refused" "$(daemon_details)"
fi
assert_eq "and nothing is written for it" "" "$(find "$TRACES" "$TMP" -maxdepth 1 -name '*escape*')"

check_runtime crun
check_runtime runc

# A command recorded through the daemon, outside containers: run --connect
# with the recording profile. The daemon writes cmd.*; the launcher's own
# execve is recorded (trace records it too: a runtime execs the command
# under the filter), and the profile written runs the command under plain
# run with the same output and status.
CMD=(busybox sh -c 'echo hello from run; echo to stderr >&2; exit 3')
recording_profile "policy=base;trace=cmd" >"$TMP/rec-cmd.json"
run_sup run --connect "$SOCK" --policy "$TMP/rec-cmd.json" -- "${CMD[@]}"
assert_exit "run --connect, recorded: the command exits with its own status" 3
REC_RUN="$OUT|$ERR"
assert_eq "and prints what it prints" "hello from run|to stderr" "$REC_RUN"
if wait_for 15 done_file cmd; then
        pass "run --connect, recorded: the daemon writes cmd.done when the command ends"
else
        fail "run --connect, recorded: the daemon writes cmd.done when the command ends" \
                "$(daemon_details)"
fi
assert_eq "cmd.done holds the gate's status (new calls: 119)" 119 "$(cat "$TRACES/cmd.done" 2>&1)"
assert_eq "the report names the run by the trace's name" '["run:cmd"]' \
        "$(jq -c '.command' "$TRACES/cmd.report.json" 2>&1)"
assert_eq "the launcher's own execve is recorded, as trace records it" true \
        "$(jq '.newSyscalls | index("execve") != null' "$TRACES/cmd.report.json" 2>&1)"
run_sup run --policy "$TRACES/cmd.json" -- "${CMD[@]}"
assert_exit "under the recorded profile, plain run exits as recorded" 3
assert_eq "and prints what it printed when recorded" "$REC_RUN" \
        "$OUT|$(printf '%s\n' "$ERR" | grep -v '^scmp-super: ')"
run_sup run --policy "$TMP/profiles/base.json" -- "${CMD[@]}"
if [ "$STATUS" != 3 ] || [ "$OUT" != "hello from run" ]; then
        pass "the base alone does not run the command as recorded"
else
        fail "the base alone does not run the command as recorded" "status $STATUS"
fi

# Two at once, separately; and a second live container under a NAME
# recorded is refused. The first two wait on fifos of their own until the
# checks are made, so that all three are alive together.
WAIT_SCRIPT='read line </gate/fifo; echo "$0 $line"; exit 0'
# two_bundle DIR NAME: a container recorded as NAME that waits on
# $TMP/gate-$(basename DIR)/fifo.
two_bundle()
{
        local gate
        gate=$TMP/gate-$(basename "$1")
        mkdir -p "$gate"
        mkfifo "$gate/fifo"
        make_bundle "$1" "$(recording_profile "policy=base;trace=$2")" "$WAIT_SCRIPT"
        python3 - "$1/config.json" "$gate" "$(basename "$1")" <<'PYEND2'
import json, sys
p = json.load(open(sys.argv[1]))
p["mounts"].append({"destination": "/gate", "type": "bind", "source": sys.argv[2],
                    "options": ["bind"]})
p["process"]["args"].append(sys.argv[3])
json.dump(p, open(sys.argv[1], "w"))
PYEND2
}
# release NAME: lets the container of bundle NAME go on (bounded: a
# container that is gone has no reader).
release()
{
        timeout 20 sh -c 'echo go >"$1"' sh "$TMP/gate-$1/fifo"
}
# run_background NAME: runs bundle NAME to its end (in a subshell of its
# own, with a scratch directory of its own: run_container's is $TMP/out);
# its status and output go into $TMP/NAME.status and $TMP/NAME.out.
run_background()
{
        local name=$1 top=$TMP
        mkdir -p "$top/run-$name"
        TMP=$top/run-$name
        run_container "$RT" "$top/$name" "$name-$$"
        echo "$STATUS" >"$top/$name.status"
        echo "$OUT" >"$top/$name.out"
}
two_bundle "$TMP/one" one
two_bundle "$TMP/two" two
two_bundle "$TMP/dup" one
run_background one &
ONE=$!
run_background two &
TWO=$!
traced_live()
{
        [ "$("$SCMP_SUPER" status --control "$CONTROL" --json 2>/dev/null |
                jq '[.targets[] | select(.trace == "one" or .trace == "two")] | length')" = 2 ]
}
if wait_for 20 traced_live; then
        pass "status shows both containers being traced, each under its NAME"
else
        fail "status shows both containers being traced, each under its NAME" \
                "$("$SCMP_SUPER" status --control "$CONTROL" --json 2>&1 | head -40)"
fi
run_refused "$RT" "$TMP/dup" "dup-$$"
if wait_log "trace=one: a live target is already recorded under that name"; then
        pass "a second live container under the same NAME is refused"
else
        fail "a second live container under the same NAME is refused" "$(daemon_details)"
fi
assert_eq "the refused container does not run" "" "$(printf '%s' "$OUT" | grep -F 'dup go')"
release one
release two
wait "$ONE" "$TWO"
assert_eq "both containers ran to their end" "0 0" \
        "$(cat "$TMP/one.status") $(cat "$TMP/two.status")"
assert_eq "each printed its own line" "one go two go" \
        "$(cat "$TMP/one.out") $(cat "$TMP/two.out")"
if wait_for 15 done_file one && wait_for 15 done_file two; then
        pass "each is recorded into its own files"
else
        fail "each is recorded into its own files" "$(ls -la "$TRACES"; daemon_details)"
fi
assert_eq "one's report is one's own" '["container:one"]' \
        "$(jq -c '.command' "$TRACES/one.report.json" 2>&1)"
assert_eq "two's report is two's own" '["container:two"]' \
        "$(jq -c '.command' "$TRACES/two.report.json" 2>&1)"

# Reloaded while a container is recorded: the recording keeps the base it
# started under (its filter was made from it) for everything it writes,
# NAME.json's base entries and the gate of NAME.done alike. The new base
# names execve and acct; the container still ran under the old one, where
# execve was notified and new.
cp "$TMP/profiles/base.json" "$TMP/base-old.json"
two_bundle "$TMP/pin" pin
run_background pin &
PIN=$!
pin_live()
{
        [ "$("$SCMP_SUPER" status --control "$CONTROL" --json 2>/dev/null |
                jq '[.targets[] | select(.trace == "pin")] | length')" = 1 ]
}
wait_for 20 pin_live || fail "the pin container is being recorded" "$(daemon_details)"
jq '.syscalls[0].names += ["execve", "acct"]' "$TMP/base-old.json" >"$TMP/profiles/base.json"
kill -HUP "$DAEMON_PID"
if wait_log "1 recorded target keeps the version it started with"; then
        pass "a reload leaves the recorded container on the base it started with, and says so"
else
        fail "a reload leaves the recorded container on the base it started with, and says so" \
                "$(daemon_details)"
fi
release pin
wait "$PIN"
assert_eq "the container recorded across a reload ran to its end" 0 "$(cat "$TMP/pin.status")"
if wait_for 15 done_file pin; then
        pass "it is recorded across the reload"
else
        fail "it is recorded across the reload" "$(ls -la "$TRACES"; daemon_details)"
fi
assert_eq "pin.json is written from the base the container ran under, not the reloaded one" \
        '["read","write","close"]' "$(jq -c '.syscalls[0].names' "$TRACES/pin.json" 2>&1)"
assert_eq "and names acct nowhere (only the reloaded base did)" 0 \
        "$(grep -c acct "$TRACES/pin.json")"
assert_eq "execve, new to that base, is among the calls the recording added" true \
        "$(jq '[.syscalls[1:][].names[]] | index("execve") != null' "$TRACES/pin.json" 2>&1)"
assert_eq "the gate agrees: pin.done is 119, and the report counts execve as new" "119 true" \
        "$(cat "$TRACES/pin.done") $(jq '.newSyscalls | index("execve") != null' \
                "$TRACES/pin.report.json" 2>&1)"
cp "$TMP/base-old.json" "$TMP/profiles/base.json"
kill -HUP "$DAEMON_PID"
wait_for 15 at_least "$DAEMON_ERR" "reloaded " 2 ||
        fail "the base is reloaded back" "$(daemon_details)"

# Stopped while a container is recorded: no partial profile, and the
# .done file says 125.
two_bundle "$TMP/late" late
run_background late &
LATE=$!
late_live()
{
        [ "$("$SCMP_SUPER" status --control "$CONTROL" --json 2>/dev/null |
                jq '[.targets[] | select(.trace == "late")] | length')" = 1 ]
}
wait_for 20 late_live || fail "the late container is being recorded" "$(daemon_details)"
stop_daemon
assert_eq "the daemon stops cleanly" 0 "$DAEMON_STATUS"
assert_eq "stopped while recording: late.done says 125" 125 "$(cat "$TRACES/late.done" 2>&1)"
assert_eq "and no partial profile is written" "" "$(find "$TRACES" -name 'late.json')"
release late
wait "$LATE"
finish
