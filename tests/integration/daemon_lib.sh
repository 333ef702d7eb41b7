# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: MIT
# Sourced by tests/integration/test_daemon_*.sh after lib.sh: starting and
# stopping a daemon, waiting for what it logs, and containers for runc and
# crun built from busybox. Every wait is bounded polling on a file or a
# process, never a sleep standing in for synchronisation.

SOCK=$TMP/agent.sock
CONTROL=$TMP/control.sock
DAEMON_ERR=$TMP/daemon.err
DECISIONS=$TMP/decisions.log
DAEMON_PID=
DAEMON_STATUS=

# wait_for SECONDS COMMAND...: polls COMMAND every 20 ms until it succeeds;
# fails (returns 1) when SECONDS pass first.
wait_for()
{
        local limit=$1 i
        shift
        for ((i = 0; i < limit * 50; i++)); do
                if "$@"; then
                        return 0
                fi
                sleep 0.02
        done
        "$@"
}

# The number of lines of FILE matching the fixed string NEEDLE.
count_lines()
{
        grep -cF -- "$2" "$1" 2>/dev/null || true
}

# has_line FILE NEEDLE: FILE has a line containing NEEDLE.
has_line()
{
        grep -qF -- "$2" "$1" 2>/dev/null
}

# line_with_both FILE A B: FILE has a line containing both A and B.
line_with_both()
{
        grep -F -- "$2" "$1" 2>/dev/null | grep -qF -- "$3"
}

# at_least FILE NEEDLE N: FILE has N or more lines containing NEEDLE.
at_least()
{
        [ "$(count_lines "$1" "$2")" -ge "$3" ]
}

# wait_log NEEDLE [SECONDS]: waits for the daemon to log a line with NEEDLE.
wait_log()
{
        wait_for "${2:-15}" has_line "$DAEMON_ERR" "$1"
}

# wait_decision NEEDLE [SECONDS]: waits for a decision line with NEEDLE (the
# log is flushed every second).
wait_decision()
{
        wait_for "${2:-15}" has_line "$DECISIONS" "$1"
}

daemon_details()
{
        echo "daemon log:"
        sed -n '1,60p' "$DAEMON_ERR" 2>/dev/null
}

# start_daemon ARGS...: starts "scmp-super daemon --socket $SOCK ARGS..." and
# waits until it listens. Returns 1 (after a failure line) if it does not.
start_daemon()
{
        rm -f "$SOCK"
        : >"$DAEMON_ERR"
        "$SCMP_SUPER" daemon --socket "$SOCK" "$@" 2>>"$DAEMON_ERR" &
        DAEMON_PID=$!
        if ! wait_for 15 has_line "$DAEMON_ERR" "listening on"; then
                fail "the daemon starts and listens" "$(daemon_details)"
                return 1
        fi
        return 0
}

daemon_alive()
{
        kill -0 "$DAEMON_PID" 2>/dev/null
}

daemon_gone()
{
        ! kill -0 "$DAEMON_PID" 2>/dev/null
}

# stop_daemon [SIGNAL]: signals the daemon, waits for it to exit, and sets
# DAEMON_STATUS to its exit status (or "hung" after 20 s, when it is killed).
stop_daemon()
{
        kill "-${1:-TERM}" "$DAEMON_PID" 2>/dev/null
        if wait_for 20 daemon_gone; then
                wait "$DAEMON_PID"
                DAEMON_STATUS=$?
        else
                kill -KILL "$DAEMON_PID" 2>/dev/null
                wait "$DAEMON_PID"
                DAEMON_STATUS=hung
        fi
}

# make_rootfs DIR: a busybox root filesystem with /tmp, /mnt/ok and /mnt/no.
make_rootfs()
{
        local dir=$1 applet
        mkdir -p "$dir/bin" "$dir/proc" "$dir/dev" "$dir/sys" "$dir/tmp" "$dir/etc" \
                "$dir/mnt/ok" "$dir/mnt/no"
        cp /bin/busybox "$dir/bin/busybox"
        for applet in sh mkdir rmdir mount umount echo cat ls; do
                ln -sf busybox "$dir/bin/$applet"
        done
}

# rootfs_for_host_usr DIR: makes rootfs DIR ready for the host's /usr
# mounted on its /usr: the mount point, and /lib and /lib64 as links into
# it (where the dynamic loader and the libraries are named).
rootfs_for_host_usr()
{
        mkdir -p "$1/usr"
        ln -sfn usr/lib "$1/lib"
        ln -sfn usr/lib64 "$1/lib64"
}

# make_bundle DIR SECCOMP_JSON SCRIPT [OPTION...]: an OCI bundle in DIR
# around a fresh busybox rootfs; its config.json is oci_bundle.py's (the
# options are its: --uid N, --no-nnp, --userns, --host-usr; with
# --host-usr the rootfs is also rootfs_for_host_usr's).
make_bundle()
{
        local dir=$1 seccomp=$2 script=$3 opt
        shift 3
        mkdir -p "$dir"
        make_rootfs "$dir/rootfs"
        for opt in "$@"; do
                if [ "$opt" = --host-usr ]; then
                        rootfs_for_host_usr "$dir/rootfs"
                fi
        done
        python3 "$SOURCE_DIR/tests/integration/oci_bundle.py" "$dir/config.json" "$seccomp" \
                "$script" "$@"
}

# in_cgroup2_namespace COMMAND...: runs COMMAND in a mount namespace whose
# /sys/fs/cgroup is a cgroup2 mount, which the runtimes need on this host.
in_cgroup2_namespace()
{
        unshare -m sh -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' sh "$@"
}

# run_container RUNTIME BUNDLE NAME: runs the container to its end; sets
# OUT (stdout and stderr together) and STATUS. Its stdin is
# $CONTAINER_STDIN, /dev/null by default: a runtime gives the container's
# user its stdio, so a test whose process is not root must pass a file of
# its own, or the host's /dev/null changes owner.
run_container()
{
        local runtime=$1 bundle=$2 name=$3
        local -a cmd
        case "$runtime" in
        crun) cmd=(crun --root "$TMP/crun-state" --cgroup-manager=disabled run -b "$bundle" "$name") ;;
        runc) cmd=(runc --root "$TMP/runc-state" run -b "$bundle" "$name") ;;
        esac
        LAST_CMD="${cmd[*]}"
        in_cgroup2_namespace timeout -k 5 "$HANG_LIMIT" "${cmd[@]}" >"$TMP/out" 2>&1 <"${CONTAINER_STDIN:-/dev/null}"
        STATUS=$?
        OUT=$(cat "$TMP/out")
        ERR=
        if [ "$STATUS" = 124 ]; then
                fail "$LAST_CMD finished within ${HANG_LIMIT}s" "it hung and was killed"
        fi
}

# deny_profile ERRNO: a profile that notifies mkdir and mkdirat, allows
# them under $TMP/t/*/allowed* and denies the rest with ERRNO.
deny_profile()
{
        cat <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {
    "defaultAction": "deny",
    "rules": [
      {"syscalls": ["mkdir", "mkdirat"], "path": "$TMP/t/*/allowed*", "action": "allow"},
      {"syscalls": ["mkdir", "mkdirat"], "action": "deny", "errno": "$1"}
    ]
  }
}
EOF
}

# trace_base: for the tests recording through the daemon: the base profile
# at $TMP/profiles/base.json (what it names it decides in the kernel; the
# rest is recorded), and $TRACES for the daemon's --trace-dir.
trace_base()
{
        TRACES=$TMP/traces
        mkdir -p "$TMP/profiles" "$TRACES"
        cat >"$TMP/profiles/base.json" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 1,
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["read", "write", "close"], "action": "SCMP_ACT_ALLOW"}]
}
EOF
}

# recording_profile METADATA [ARGS...]: the runtime's profile for
# recording, made from that base as docs/TRACE.md says (on stdout, or
# where ARGS say: -o FILE).
recording_profile()
{
        "$SCMP_SUPER" profile recording --listener "$SOCK" --metadata "$1" "${@:2}" \
                "$TMP/profiles/base.json"
}
