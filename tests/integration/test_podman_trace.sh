#!/bin/bash
# SPDX-License-Identifier: MIT
# Recording Podman containers through the daemon (docs/TRACE.md, "Recording
# a container through the daemon"), rootful, with crun and with runc:
# "podman run --security-opt seccomp=recording.json", where recording.json
# is "scmp-super profile recording" of a base with "trace=NAME" in its
# listenerMetadata and the daemon runs with --trace-dir. Two workloads: a
# busybox script with multi-process pipelines (the image podman_lib.sh
# imports), and traced_python.py under python3 (a --rootfs directory with
# the host's /usr mounted read-only). Each NAME.json the daemon writes is
# then enforced with "podman run --security-opt seccomp=NAME.json", no
# listener anywhere: the container prints what the recorded one printed
# and exits with its status. The base alone does not start the workload.
# A runtime that is not installed is skipped loudly; one that is but that
# Podman cannot run here is a failure.

# shellcheck source=podman_lib.sh
. "$(dirname "$0")/podman_lib.sh"
podman_enter_namespace "$0"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"
trap 'podman_teardown; cleanup' EXIT

require_cmd podman unshare busybox tar timeout jq python3
require_file /usr/bin/python3
[ "$(id -u)" = 0 ] || skip "rootful Podman needs root (running as uid $(id -u))"

trace_base

podman_config "$TMP/podman" /run/scmp-ptrace
podman_image "$TMP/image" || finish

# The python3 workload's root: busybox, the program, a greeting, and
# /usr for the host's.
PYROOT=$TMP/pyroot
make_rootfs "$PYROOT"
rootfs_for_host_usr "$PYROOT"
cp "$SOURCE_DIR/tests/integration/traced_python.py" "$PYROOT/prog.py"
echo "hello from the python container" >"$PYROOT/etc/greeting"
chmod 1777 "$PYROOT/tmp"

BUSYBOX_SCRIPT='echo hello from podman >/tmp/greeting
cat /tmp/greeting | busybox tr a-z A-Z | busybox sort
busybox seq 1 50 | busybox sort -rn | busybox head -n 3
busybox ls /bin | busybox wc -l
echo done
exit 3'
# The workloads' podman run arguments after the options (through declare
# -n, which shellcheck does not follow).
# shellcheck disable=SC2034
BUSYBOX=("$PODMAN_IMAGE" sh -c "$BUSYBOX_SCRIPT")
# shellcheck disable=SC2034
PYTHON=(-v /usr:/usr:ro --rootfs "$PYROOT" /usr/bin/python3 /prog.py)
declare -A WANT_STATUS=([BUSYBOX]=3 [PYTHON]=3)
declare -A WANT_OUT=([BUSYBOX]='HELLO FROM PODMAN' [PYTHON]='"words": 5')
# A call each recording must list as new, beyond what any container makes.
declare -A WANT_CALL=([BUSYBOX]=pipe2 [PYTHON]=clone3)

done_file()
{
        [ -e "$TRACES/$1.done" ]
}

start_daemon --policy-dir "$TMP/profiles" --trace-dir "$TRACES" || finish

# check WORKLOAD RUNTIME: records WORKLOAD under RUNTIME, then enforces
# what was recorded.
check()
{
        local workload=$1 rt=$2 name rec_out rec_status
        local -a opts
        declare -n args=$1
        name=$(echo "$workload-$rt" | tr A-Z a-z)
        read -ra opts <<<"$(runtime_options "$rt")"
        recording_profile "policy=base;trace=$name" -o "$TMP/recording-$name.json"
        podman_run --rm "${opts[@]}" --security-opt seccomp="$TMP/recording-$name.json" "${args[@]}"
        rec_out=$OUT
        rec_status=$STATUS
        if [ "$rec_status" != "${WANT_STATUS[$workload]}" ] ||
                [[ "$rec_out" != *"${WANT_OUT[$workload]}"* ]]; then
                fail "$rt $workload: the recorded container runs to its end" \
                        "$(last_run_details)" "$(daemon_details)"
                return
        fi
        pass "$rt $workload: the recorded container runs to its end (status $rec_status)"
        if wait_for 15 done_file "$name"; then
                pass "$rt $workload: the daemon writes $name.done when the container ends"
        else
                fail "$rt $workload: the daemon writes $name.done when the container ends" \
                        "$(daemon_details)"
                return
        fi
        assert_eq "$rt $workload: $name.done holds the gate's status (new calls: 119)" 119 \
                "$(cat "$TRACES/$name.done")"
        assert_eq "$rt $workload: the report is the container's, with execve and ${WANT_CALL[$workload]}" \
                true "$(jq --arg name "container:$name" --arg call "${WANT_CALL[$workload]}" '
                        .command == [$name] and (.newSyscalls | index("execve") != null)
                        and (.newSyscalls | index($call) != null)' \
                        "$TRACES/$name.report.json" 2>&1)"
        assert_eq "$rt $workload: the profile written has no listener" true \
                "$(jq '.listenerPath == null and .listenerMetadata == null' \
                        "$TRACES/$name.json" 2>&1)"

        # Enforced, with no listener at all.
        podman_run --rm "${opts[@]}" --security-opt seccomp="$TRACES/$name.json" "${args[@]}"
        assert_eq "$rt $workload: under $name.json the container exits as recorded" \
                "$rec_status" "$STATUS"
        assert_eq "$rt $workload: and prints what it printed when recorded" "$rec_out" "$OUT"
        unset -n args
}

# A runtime that is missing is not tested, and then the test ends as
# skipped (after the other's checks), never as passed.
BASE_CHECKED=
MISSING=
for rt in crun runc; do
        if ! command -v "$rt" >/dev/null 2>&1; then
                MISSING="$MISSING $rt"
                continue
        fi
        check BUSYBOX "$rt"
        check PYTHON "$rt"
        # Once: the base alone does not start the workload, so the
        # recording is what made it run.
        if [ -z "$BASE_CHECKED" ]; then
                BASE_CHECKED=1
                read -ra base_opts <<<"$(runtime_options "$rt")"
                podman_run --rm "${base_opts[@]}" --security-opt seccomp="$TMP/profiles/base.json" \
                        "${BUSYBOX[@]}"
                if [ "$STATUS" != 3 ] && [[ "$OUT" != *HELLO* ]]; then
                        pass "$rt: under the base alone the busybox container does not run (status $STATUS)"
                else
                        fail "$rt: under the base alone the busybox container does not run" \
                                "$(last_run_details)"
                fi
        fi
done

stop_daemon
assert_eq "the daemon stops cleanly" 0 "$DAEMON_STATUS"
[ -z "$MISSING" ] || skip "not installed, so not tested:$MISSING (apt-get install -y$MISSING)"
finish
