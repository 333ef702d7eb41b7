#!/bin/bash
# SPDX-License-Identifier: MIT
# A python3 program recorded inside a container through the daemon
# (docs/TRACE.md, "Recording a container through the daemon"), under crun
# and under runc: the container's profile is a base with every other call
# notified to a daemon started with --trace-dir, "trace=NAME" in its
# listenerMetadata. The program, traced_python.py, reads a file, runs a
# subprocess through pipes, uses a thread pool and exits 3. The NAME.json
# the daemon writes must then start the same program in a container with
# no listener, which prints what the recorded run printed and exits as it
# did; the base alone does not run it. python3 and its libraries are the
# host's /usr, bind-mounted read-only (make_bundle --host-usr). The busybox
# workloads are test_daemon_trace.sh's; Podman's are test_podman_trace.sh's.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd unshare python3 busybox jq
require_file /usr/bin/python3
[ "$(id -u)" = 0 ] || skip "the runtimes need root here (running as uid $(id -u))"
# A runtime that is missing is not tested, and then the test ends as
# skipped (after the other's checks), never as passed.
RUNTIMES=()
MISSING=
for rt in crun runc; do
        if command -v "$rt" >/dev/null 2>&1; then
                RUNTIMES+=("$rt")
        else
                MISSING="$MISSING $rt"
        fi
done
[ "${#RUNTIMES[@]}" -gt 0 ] || skip "neither crun nor runc is installed (apt-get install -y crun runc)"

trace_base

# The program (traced_python.py) at /prog.py, /etc/greeting beside it.
SCRIPT='/usr/bin/python3 /prog.py'

# bundle DIR SECCOMP_JSON: a bundle running the program.
bundle()
{
        make_bundle "$1" "$2" "$SCRIPT" --host-usr
        cp "$SOURCE_DIR/tests/integration/traced_python.py" "$1/rootfs/prog.py"
        echo "hello from the python container" >"$1/rootfs/etc/greeting"
}

done_file()
{
        [ -e "$TRACES/$1.done" ]
}

start_daemon --policy-dir "$TMP/profiles" --trace-dir "$TRACES" || finish

WANT='{"greeting": "HELLO FROM THE PYTHON CONTAINER", "words": 5, "squares": [0, 1, 4, 9, 16, 25], "bin": ["busybox", "cat", "echo"]}'

check_runtime()
{
        local rt=$1 name=py-$1 recording
        recording=$(recording_profile "policy=base;trace=$name")
        bundle "$TMP/rec-$name" "$recording"
        run_container "$rt" "$TMP/rec-$name" "rec-$name-$$"
        local rec_out=$OUT rec_status=$STATUS
        assert_eq "$rt: the recorded python3 program exits with its own status" 3 "$rec_status"
        assert_eq "$rt: and prints what it computed (file, subprocess, threads)" "$WANT" "$rec_out"
        if wait_for 15 done_file "$name"; then
                pass "$rt: the daemon writes $name.done when the container ends"
        else
                fail "$rt: the daemon writes $name.done when the container ends" \
                        "$(daemon_details)"
                return
        fi
        assert_eq "$rt: $name.done holds the gate's status (new calls: 119)" 119 \
                "$(cat "$TRACES/$name.done")"
        # What python3 needs and busybox sh does not: its threads (clone3,
        # futex) and the pipes to its child (pipe2), recorded from inside.
        assert_eq "$rt: the report names python3's own calls among the new ones" true \
                "$(jq '.newSyscalls as $n | all("execve", "clone3", "futex", "pipe2", "mmap";
                        . as $c | $n | index($c) != null)' "$TRACES/$name.report.json" 2>&1)"
        assert_eq "$rt: the profile keeps the base and has no listener" true \
                "$(jq '(.listenerPath == null) and (.listenerMetadata == null) and
                       (.defaultAction == "SCMP_ACT_ERRNO")' "$TRACES/$name.json" 2>&1)"

        # Enforced with no listener at all: the same output and status.
        bundle "$TMP/enf-$name" "$(cat "$TRACES/$name.json")"
        run_container "$rt" "$TMP/enf-$name" "enf-$name-$$"
        assert_eq "$rt: under the recorded profile the container exits as recorded" \
                "$rec_status" "$STATUS"
        assert_eq "$rt: and prints what it printed when recorded" "$rec_out" "$OUT"

        # The base alone does not run it: the recording is what made it work.
        bundle "$TMP/base-$name" "$(cat "$TMP/profiles/base.json")"
        run_container "$rt" "$TMP/base-$name" "base-$name-$$"
        if [ "$STATUS" != "$rec_status" ] && [[ "$OUT" != *HELLO* ]]; then
                pass "$rt: the base alone does not run the program (status $STATUS)"
        else
                fail "$rt: the base alone does not run the program" "status $STATUS" "$OUT"
        fi
}

for rt in "${RUNTIMES[@]}"; do
        check_runtime "$rt"
done
stop_daemon
assert_eq "the daemon stops cleanly" 0 "$DAEMON_STATUS"
[ -z "$MISSING" ] || skip "not installed, so not tested:$MISSING (apt-get install -y$MISSING)"
finish
