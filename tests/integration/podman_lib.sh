# shellcheck shell=bash disable=SC2034,SC2016
# SPDX-License-Identifier: MIT
# Sourced by tests/integration/test_podman*.sh, first (before lib.sh): Podman
# 4.3 as Debian 12 ships it, with everything it writes kept in the test's
# TMP or in a mount namespace of the test's own, and a busybox image built
# and imported locally (no network). What this machine needs for Podman to
# run at all lives here, never in the host's configuration:
#
# - A mount namespace with a cgroup2-only /sys/fs/cgroup (the host is in
#   hybrid mode, which crun refuses), and tmpfs on /run and /var/lib:
#   rootful Podman 4.3 writes /run/containers/networks, the runtimes'
#   state (/run/crun, /run/runc) and /var/lib/containers/cache whatever its
#   configured roots say.
# - containers.conf and storage.conf in TMP, named by CONTAINERS_CONF and
#   CONTAINERS_STORAGE_CONF: vfs storage, cgroupfs, events to a file, no
#   network, and lower ulimits, since without CAP_SYS_RESOURCE Podman's
#   default RLIMIT_NOFILE and RLIMIT_NPROC (1048576) cannot be set.

# podman_enter_namespace SCRIPT: when run as root and not yet inside,
# re-executes SCRIPT in the mount namespace described above and does not
# return; otherwise returns (a test then skips for want of root). A mount
# that fails ends the test with a failure.
podman_enter_namespace()
{
        [ "$(id -u)" = 0 ] || return 0
        [ "${SCMP_SUPER_PODMAN_NS:-}" = 1 ] && return 0
        export SCMP_SUPER_PODMAN_NS=1
        exec unshare -m --propagation private sh -c '
                mount -t cgroup2 none /sys/fs/cgroup &&
                mount -t tmpfs -o mode=0755 tmpfs /run &&
                mount -t tmpfs -o mode=0755 tmpfs /var/lib &&
                exec bash "$0"' "$1"
}

PODMAN_IMAGE=localhost/scmp-super-busybox:test
PODMAN=()
PODMAN_PAUSE_PID_FILE=

# podman_config DIR RUNDIR [USER]: writes DIR/containers.conf and
# DIR/storage.conf (storage in DIR, run-time state in RUNDIR) and sets
# PODMAN, the command that runs podman with them, as USER when given (with
# HOME and XDG_RUNTIME_DIR in DIR and RUNDIR, which USER must own). Keep
# RUNDIR's path short (/run/NAME, in the test's own /run): with one of 45
# bytes, every "podman run --rm" here waited 20 s for its container's exit
# ("Exceeded conmon timeout waiting for container to exit"); 40 did not.
podman_config()
{
        local dir=$1 rundir=$2 user=${3:-}
        mkdir -p "$dir/tmp" "$rundir"
        cat >"$dir/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$rundir/libpod"
image_copy_tmp_dir = "$dir/tmp"
volume_path = "$dir/volumes"
[network]
network_config_dir = "$dir/networks"
EOF
        cat >"$dir/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$dir/storage"
runroot = "$rundir/storage"
EOF
        PODMAN=(env CONTAINERS_CONF="$dir/containers.conf"
                CONTAINERS_STORAGE_CONF="$dir/storage.conf")
        if [ -n "$user" ]; then
                chown -R "$user:" "$dir" "$rundir"
                chmod 0700 "$rundir"
                PODMAN=(setpriv --reuid "$user" --regid "$(id -g "$user")" --clear-groups
                        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$dir"
                        XDG_RUNTIME_DIR="$rundir" XDG_CONFIG_HOME="$dir/config"
                        XDG_DATA_HOME="$dir/data" "${PODMAN[@]:1}")
                PODMAN_PAUSE_PID_FILE=$rundir/libpod/pause.pid
        fi
        PODMAN+=(timeout -k 5 "$HANG_LIMIT" podman)
}

# Options each runtime needs here. crun: no cgroup at all (setting one up,
# crun raises RLIMIT_MEMLOCK, which needs CAP_SYS_RESOURCE). runc refuses to
# run without a cgroup, and this cgroup2 mount has no pids controller (the
# host's is bound to cgroup v1), so no pids limit.
runtime_options()
{
        case "$1" in
        crun) echo "--runtime crun --cgroups disabled" ;;
        runc) echo "--runtime runc --cgroups enabled --pids-limit 0" ;;
        esac
}

# podman_image DIR: builds a busybox root filesystem in DIR, tars it and
# imports it as PODMAN_IMAGE. Returns 1 (after a failure line) if it fails.
podman_image()
{
        local dir=$1 applet
        mkdir -p "$dir/rootfs/bin" "$dir/rootfs/tmp" "$dir/rootfs/etc" "$dir/rootfs/proc" \
                "$dir/rootfs/dev" "$dir/rootfs/sys"
        cp /bin/busybox "$dir/rootfs/bin/busybox"
        for applet in sh mkdir rmdir echo cat id; do
                ln -sf busybox "$dir/rootfs/bin/$applet"
        done
        chmod 1777 "$dir/rootfs/tmp"
        tar -C "$dir/rootfs" --owner=0 --group=0 -cf "$dir/busybox.tar" .
        chmod 0644 "$dir/busybox.tar"
        if ! "${PODMAN[@]}" import -q "$dir/busybox.tar" "$PODMAN_IMAGE" >"$TMP/import.out" 2>&1; then
                fail "podman imports a locally built busybox image" "$(cat "$TMP/import.out")"
                return 1
        fi
        return 0
}

# podman_run ARGS...: runs "podman run ARGS..." to its end; sets OUT (stdout
# and stderr together) and STATUS.
podman_run()
{
        LAST_CMD="podman run $*"
        "${PODMAN[@]}" run "$@" >"$TMP/out" 2>&1 </dev/null
        STATUS=$?
        OUT=$(cat "$TMP/out")
        if [ "$STATUS" = 124 ]; then
                fail "$LAST_CMD finished within ${HANG_LIMIT}s" "it hung and was killed"
        fi
}

# podman_exec ARGS...: the same for "podman exec ARGS...".
podman_exec()
{
        LAST_CMD="podman exec $*"
        "${PODMAN[@]}" exec "$@" >"$TMP/out" 2>&1 </dev/null
        STATUS=$?
        OUT=$(cat "$TMP/out")
        if [ "$STATUS" = 124 ]; then
                fail "$LAST_CMD finished within ${HANG_LIMIT}s" "it hung and was killed"
        fi
}

# kernel_profile FILE METADATA SOCKET: the profile podman is given with
# --security-opt seccomp=FILE: mkdir and rmdir notified to SOCKET.
kernel_profile()
{
        cat >"$1" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
 "listenerPath": "$3", "listenerMetadata": "$2",
 "syscalls": [{"names": ["mkdir", "mkdirat", "rmdir"], "action": "SCMP_ACT_NOTIFY"}]}
EOF
        chmod 0644 "$1"
}

# A container that serves rounds: each line written to /shared/go makes it
# try mkdir /tmp/allowed-LINE and append "LINE ok" or "LINE failed" to
# /shared/result (the error in /shared/err-LINE). Its FIFO is the only
# synchronisation: the writer waits for the container to read. A read that
# finds only end of file (the container reopened the FIFO before the last
# writer closed it) is not a round: it opens the FIFO again.
ROUNDS_SCRIPT='echo up >/shared/ready
while :; do
        read n </shared/go || continue
        if mkdir "/tmp/allowed-$n" 2>"/shared/err-$n"; then echo "$n ok"; else echo "$n failed"; fi >>/shared/result
done'

# round_enosys DIR N: round N ran and its mkdir failed with ENOSYS (no
# daemon holds the container's listener).
round_enosys()
{
        round "$1" "$2" && grep -qx "$2 failed" "$1/result" &&
                grep -q 'Function not implemented' "$1/err-$2"
}

# refused_without_daemon MARK: the last podman command failed, never printed
# MARK, and the runtime said it could not reach listenerPath.
refused_without_daemon()
{
        [ "$STATUS" != 0 ] && ! printf '%s' "$OUT" | grep -q "$1" &&
                printf '%s' "$OUT" | grep -qi 'connection refused'
}

# round DIR N: makes the rounds container in DIR try round N and waits for
# its result line; returns 1 if it does not come.
round()
{
        local dir=$1 n=$2
        timeout 15 sh -c 'echo "$2" >"$1/go"' sh "$dir" "$n" || return 1
        wait_for 15 grep -q "^$n " "$dir/result"
}

# podman_teardown: removes every container, which stops its conmon, so
# nothing outlives the test; returns the status it was called with. For
# lib.sh's exit trap: trap 'podman_teardown; cleanup' EXIT.
podman_teardown()
{
        local status=$?
        if [ "${#PODMAN[@]}" -gt 0 ]; then
                "${PODMAN[@]}" rm -a -f -t 0 >/dev/null 2>&1
        fi
        # Rootless Podman keeps a pause process holding its user namespace.
        if [ -n "$PODMAN_PAUSE_PID_FILE" ] && [ -s "$PODMAN_PAUSE_PID_FILE" ]; then
                kill -KILL "$(cat "$PODMAN_PAUSE_PID_FILE")" 2>/dev/null
        fi
        return "$status"
}
